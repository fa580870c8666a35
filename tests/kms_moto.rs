//! The integration's customer managed KMS key against moto (CreateKey, PutKeyPolicy,
//! DescribeKey, GetKeyPolicy): a table of key policies, each with the verdict AWS would give
//! and the page that says so. The source is `fixtures/mysql-provisioned-ok.json`'s Aurora
//! MySQL cluster in us-east-1, account 123456789012.
//!
//! Pages: A-CREATE = https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.creating.html
//! (the key policy for Redshift and the creator), IAM-EVAL =
//! https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
//! KMS-DEFAULT = https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html,
//! KMS-CONTEXT = https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html.

mod common;

use std::collections::BTreeMap;

use common::Moto;
use serde_json::json;
use zetl_preflight::fetch::kms::{self, KeyChoice};
use zetl_preflight::model::{Snapshot, Status};
use zetl_preflight::rules::{evaluate, RuleSet};

const ACCOUNT: &str = "123456789012";

fn root() -> serde_json::Value {
    json!({"Sid": "root", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")}, "Action": "kms:*", "Resource": "*"})
}

fn redshift(extra: serde_json::Value) -> serde_json::Value {
    let mut condition = json!({"ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt", "GenerateDataKey", "CreateGrant"]}});
    if let serde_json::Value::Object(m) = extra {
        for (k, v) in m {
            condition[k] = v;
        }
    }
    json!({"Sid": "redshift", "Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "kms:CreateGrant", "Resource": "*", "Condition": condition})
}

fn creator(via: &str) -> serde_json::Value {
    json!({"Sid": "creator", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:role/deployer")},
        "Action": ["kms:CreateGrant", "kms:DescribeKey"], "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": via}}})
}

fn policy(statements: Vec<serde_json::Value>) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

struct Case {
    name: &'static str,
    /// The page the expected verdicts rest on.
    rests_on: &'static str,
    policy: String,
    region: &'static str,
    key_spec: &'static str,
    disabled: bool,
    context: &'static [(&'static str, &'static str)],
    /// Rule code → the status AWS's behaviour gives.
    want: &'static [(&'static str, Status)],
}

fn cases() -> Vec<Case> {
    use Status::*;
    let base = |name, rests_on, policy, want| Case {
        name,
        rests_on,
        policy,
        region: "us-east-1",
        key_spec: "SYMMETRIC_DEFAULT",
        disabled: false,
        context: &[],
        want,
    };
    vec![
        base(
            "the documented policy",
            "A-CREATE; KMS-DEFAULT: the root statement delegates to IAM",
            policy(vec![root(), redshift(json!({}))]),
            &[
                ("ZK001", Pass),
                ("ZK002", Pass),
                ("ZK003", Error),
                ("ZK004", Pass),
                ("ZK005", Pass),
            ],
        ),
        base(
            "the hardened variant (aws:SourceAccount, aws:SourceArn)",
            "A-CREATE",
            policy(vec![
                root(),
                redshift(
                    json!({"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": format!("arn:aws:*:us-east-1:{ACCOUNT}:integration:*")}}),
                ),
            ]),
            &[("ZK002", Pass), ("ZK004", Pass)],
        ),
        base(
            "a creator statement through RDS, no root",
            "A-CREATE: kms:ViaService rds.REGION.amazonaws.com",
            policy(vec![
                redshift(json!({})),
                creator("rds.us-east-1.amazonaws.com"),
            ]),
            &[("ZK002", Pass), ("ZK003", Pass)],
        ),
        base(
            "no statement for Redshift",
            "A-CREATE; IAM-EVAL: no Allow is an implicit deny",
            policy(vec![root()]),
            &[("ZK001", Pass), ("ZK002", Fail), ("ZK004", Skip)],
        ),
        base(
            "grant operations unrestricted",
            "A-CREATE documents the ForAllValues bound; without it AWS still allows",
            policy(vec![
                root(),
                json!({"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "kms:CreateGrant", "Resource": "*"}),
            ]),
            &[("ZK002", Pass), ("ZK004", Warn)],
        ),
        base(
            "grant operations narrower than Redshift asks",
            "KMS-CONTEXT: ForAllValues fails when a requested operation is not listed",
            policy(vec![
                root(),
                json!({"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "kms:CreateGrant", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt"]}}}),
            ]),
            &[("ZK002", Fail)],
        ),
        base(
            "the creator's kms:ViaService names another Region",
            "A-CREATE: the creator's grant goes through rds.<source Region>",
            policy(vec![
                redshift(json!({})),
                creator("rds.us-west-2.amazonaws.com"),
            ]),
            &[("ZK003", Fail)],
        ),
        Case {
            context: &[("team", "data")],
            ..base(
                "an encryption context condition that does not match",
                "KMS-CONTEXT: kms:EncryptionContext:<key> compares the grant's context",
                policy(vec![
                    root(),
                    redshift(json!({"StringEquals": {"kms:EncryptionContext:team": "finance"}})),
                ]),
                &[("ZK002", Fail)],
            )
        },
        Case {
            context: &[("team", "data")],
            ..base(
                "an encryption context condition that matches",
                "KMS-CONTEXT",
                policy(vec![
                    root(),
                    redshift(json!({"StringEquals": {"kms:EncryptionContext:team": "data"}})),
                ]),
                &[("ZK002", Pass)],
            )
        },
        base(
            "a condition on a context key the integration does not use",
            "KMS-CONTEXT: a key the grant does not carry fails StringEquals",
            policy(vec![
                root(),
                redshift(json!({"StringEquals": {"kms:EncryptionContext:env": "prod"}})),
            ]),
            &[("ZK002", Fail)],
        ),
        Case {
            disabled: true,
            ..base(
                "a disabled key",
                "A-CREATE: the key must be enabled",
                policy(vec![root(), redshift(json!({}))]),
                &[("ZK001", Fail), ("ZK002", Pass)],
            )
        },
        Case {
            key_spec: "RSA_2048",
            ..base(
                "an asymmetric key",
                "A-CREATE: a symmetric encryption key",
                policy(vec![root(), redshift(json!({}))]),
                &[("ZK001", Fail)],
            )
        },
        Case {
            region: "us-west-2",
            ..base(
                "a key in another Region",
                "A-CREATE: the key is in the source's Region",
                policy(vec![root(), redshift(json!({}))]),
                &[("ZK001", Fail)],
            )
        },
        base(
            "an explicit Deny of Redshift's grant",
            "IAM-EVAL: an explicit Deny beats any Allow",
            policy(vec![
                root(),
                redshift(json!({})),
                json!({"Effect": "Deny", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "kms:CreateGrant", "Resource": "*"}),
            ]),
            &[("ZK002", Fail)],
        ),
        base(
            "a guardrail Deny outside RDS that catches Redshift too",
            "IAM-EVAL; KMS-CONTEXT: StringNotEquals on an absent kms:ViaService holds",
            policy(vec![
                root(),
                redshift(json!({})),
                json!({"Effect": "Deny", "Principal": "*", "Action": "kms:CreateGrant", "Resource": "*", "Condition": {"StringNotEquals": {"kms:ViaService": "rds.us-east-1.amazonaws.com"}}}),
            ]),
            &[("ZK002", Fail), ("ZK003", Error)],
        ),
        base(
            "aws:SourceAccount pinned to another account",
            "A-CREATE: the hardened variant names the source account",
            policy(vec![
                root(),
                redshift(json!({"StringEquals": {"aws:SourceAccount": "999999999999"}})),
            ]),
            &[("ZK002", Fail)],
        ),
        Case {
            context: &[
                ("a", "1"),
                ("b", "2"),
                ("c", "3"),
                ("d", "4"),
                ("e", "5"),
                ("f", "6"),
                ("g", "7"),
            ],
            ..base(
                "seven pairs of encryption context",
                "A-CREATE: at most 6 pairs besides the 2 RDS adds",
                policy(vec![root(), redshift(json!({}))]),
                &[("ZK005", Fail)],
            )
        },
    ]
}

fn snapshot() -> Snapshot {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mysql-provisioned-ok.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_policies_get_the_verdict_aws_would_give() {
    let moto = Moto::start();
    let endpoint = format!("http://127.0.0.1:{}", moto.port);
    let rules = RuleSet::embedded().unwrap();
    let cases = cases();
    assert!(cases.len() >= 15);
    for case in cases {
        let cfg = common::sdk_config(&endpoint)
            .to_builder()
            .region(aws_config::Region::new(case.region))
            .build();
        let client = aws_sdk_kms::Client::new(&cfg);
        let created = client
            .create_key()
            .key_spec(aws_sdk_kms::types::KeySpec::from(case.key_spec))
            .key_usage(aws_sdk_kms::types::KeyUsageType::EncryptDecrypt)
            .policy(&case.policy)
            .send()
            .await
            .unwrap();
        let id = created.key_metadata().unwrap().key_id().to_string();
        if case.disabled {
            client.disable_key().key_id(&id).send().await.unwrap();
        }
        let choice = KeyChoice {
            key: id,
            origin: "--kms-key".into(),
            encryption_context: case
                .context
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        let mut snap = snapshot();
        snap.kms_key = Some(kms::read(&client, &choice, Default::default(), None).await);
        let got: BTreeMap<String, (Status, String)> = evaluate(&snap, &rules)
            .into_iter()
            .filter(|f| f.rule.starts_with("ZK"))
            .map(|f| (f.rule, (f.status, f.message)))
            .collect();
        for (code, want) in case.want {
            let (status, message) = &got[*code];
            assert_eq!(
                status, want,
                "{} ({}): {code}: {message}",
                case.name, case.rests_on
            );
        }
    }
}

/// A key that cannot be read is unverified, naming the call, never a pass; no key is the AWS
/// owned key, and the key rules do not apply.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_key_is_unverified_and_no_key_needs_nothing() {
    let moto = Moto::start();
    let client = aws_sdk_kms::Client::new(&common::sdk_config(&format!(
        "http://127.0.0.1:{}",
        moto.port
    )));
    let choice = KeyChoice {
        key: "alias/does-not-exist".into(),
        origin: "--kms-key".into(),
        encryption_context: BTreeMap::new(),
    };
    let mut snap = snapshot();
    snap.kms_key = Some(kms::read(&client, &choice, Default::default(), None).await);
    let rules = RuleSet::embedded().unwrap();
    for f in evaluate(&snap, &rules)
        .into_iter()
        .filter(|f| f.rule.starts_with("ZK"))
    {
        if f.rule == "ZK005" {
            continue; // counts the pairs given: known without the key
        }
        assert_eq!(f.status, Status::Error, "{}: {}", f.rule, f.message);
        assert!(
            f.message.contains("kms:DescribeKey"),
            "{}: {}",
            f.rule,
            f.message
        );
    }
    let mut none = snapshot();
    none.kms_key = None;
    for f in evaluate(&none, &rules)
        .into_iter()
        .filter(|f| f.rule.starts_with("ZK"))
    {
        assert_eq!(f.status, Status::Skip, "{}: {}", f.rule, f.message);
    }
}

/// A config file's `[[pair]]` names its key and encryption context; `check` reads the key
/// from moto and judges it. `--kms-key` with the config file's pairs is a usage error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_config_pair_names_its_key() {
    let moto = Moto::start();
    let w = common::world::World::new(&moto);
    w.misconfigured().await;
    let client = aws_sdk_kms::Client::new(&w.config);
    // KMS-DEFAULT: a key created without a policy gets the default one (root only).
    let created = client.create_key().send().await.unwrap();
    let arn = created.key_metadata().unwrap().arn().unwrap().to_string();
    let dir = std::env::temp_dir().join(format!("zetl-kms-pair-{}", moto.port));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        format!(
            "[[pair]]\nsource = \"shop-db\"\ntarget = \"warehouse\"\nkms_key = \"{arn}\"\n\
             encryption_context = {{ team = \"orders\" }}\n"
        ),
    )
    .unwrap();
    let out = common::world::run_cli_in(&moto, Some(&dir), &["check", "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr);
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {err}"));
    let status = |code: &str| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == code)
            .map(|f| f["status"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no {code} in {doc}"))
    };
    assert_eq!(status("ZK001"), "pass", "{doc}");
    // The default key policy lets Redshift create no grant.
    assert_eq!(status("ZK002"), "fail");
    assert_eq!(status("ZK005"), "pass");
    let out = common::world::run_cli_in(&moto, Some(&dir), &["check", "--kms-key", &arn]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("set kms_key in each [[pair]]"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--fix` on the key policy against moto: PutKeyPolicy with the merged policy, read back
/// with GetKeyPolicy: every existing statement kept, Redshift's grant allowed, and a second
/// plan has nothing left to put (idempotent).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_policy_fix_is_applied_and_read_back() {
    use zetl_preflight::fix::{apply, journal::Journal, plan, FixContext};
    let moto = Moto::start();
    let cfg = common::sdk_config(&format!("http://127.0.0.1:{}", moto.port));
    let client = aws_sdk_kms::Client::new(&cfg);
    let original = policy(vec![root()]);
    let created = client.create_key().policy(&original).send().await.unwrap();
    let id = created.key_metadata().unwrap().key_id().to_string();
    let choice = KeyChoice {
        key: id.clone(),
        origin: "--kms-key".into(),
        encryption_context: BTreeMap::new(),
    };
    let rules = RuleSet::embedded().unwrap();
    let mut snap = snapshot();
    snap.kms_key = Some(kms::read(&client, &choice, Default::default(), None).await);
    let findings = evaluate(&snap, &rules);
    let planned = plan(
        &snap,
        &findings,
        &rules,
        &FixContext::assume_unshared(&snap),
    );
    assert!(planned
        .actions
        .iter()
        .any(|a| a.op.call() == "kms:PutKeyPolicy"));
    let (src, tgt) = (
        zetl_preflight::fetch::SourceClients::new(&cfg, None),
        zetl_preflight::fetch::TargetClients::new(&cfg, None),
    );
    let dir = common::scratch_dir(&format!("kms-fix-{}", moto.port));
    let mut journal = Journal::new(&dir.join("journal.jsonl"));
    let opts = apply::ApplyOptions {
        unsafe_fixes: true,
        wait_timeout: std::time::Duration::from_secs(5),
        poll: std::time::Duration::from_millis(10),
    };
    let outcomes = apply::apply(
        &planned,
        apply::Reach {
            kms: Some(&client),
            ..apply::Reach::new(&src, &tgt)
        },
        &opts,
        &mut journal,
    )
    .await;
    let put = planned
        .actions
        .iter()
        .position(|a| a.op.call() == "kms:PutKeyPolicy")
        .unwrap();
    assert_eq!(outcomes[put], apply::Outcome::Applied, "{outcomes:?}");
    // Read back through the API.
    snap.kms_key = Some(kms::read(&client, &choice, Default::default(), None).await);
    let now: serde_json::Value =
        serde_json::from_str(snap.kms_key.as_ref().unwrap().policy.ok().unwrap()).unwrap();
    let was: serde_json::Value = serde_json::from_str(&original).unwrap();
    assert_eq!(
        now["Statement"][0], was["Statement"][0],
        "the root statement is kept"
    );
    let after = evaluate(&snap, &rules);
    let zk002 = after.iter().find(|f| f.rule == "ZK002").unwrap();
    assert_eq!(zk002.status, Status::Pass, "{}", zk002.message);
    let again = plan(&snap, &after, &rules, &FixContext::assume_unshared(&snap));
    assert!(!again
        .actions
        .iter()
        .any(|a| a.op.call() == "kms:PutKeyPolicy"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `check --fix` reads the key's tags (kms:ListResourceTags): a key the config's
/// `managed_tags` names as code's keeps its key policy step manual, naming the tag; a key
/// without such a tag is changed as planned.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_code_owns_keeps_its_policy_step_manual() {
    use zetl_preflight::config::file::ManagedTag;
    use zetl_preflight::fix::{plan, FixContext};
    use zetl_preflight::rules::spec::Applicability;
    let moto = Moto::start();
    let cfg = common::sdk_config(&format!("http://127.0.0.1:{}", moto.port));
    let client = aws_sdk_kms::Client::new(&cfg);
    let rules = RuleSet::embedded().unwrap();
    for (tagged, manual) in [(true, true), (false, false)] {
        let mut create = client.create_key().policy(policy(vec![root()]));
        if tagged {
            create = create.tags(
                aws_sdk_kms::types::Tag::builder()
                    .tag_key("managed-by")
                    .tag_value("terraform")
                    .build()
                    .unwrap(),
            );
        }
        let created = create.send().await.unwrap();
        let choice = KeyChoice {
            key: created.key_metadata().unwrap().key_id().to_string(),
            origin: "--kms-key".into(),
            encryption_context: BTreeMap::new(),
        };
        let mut snap = snapshot();
        snap.kms_key = Some(kms::read(&client, &choice, Default::default(), None).await);
        zetl_preflight::run::tags::attach_key_tags(&mut snap, Some(&client)).await;
        let tags = snap
            .kms_key
            .as_ref()
            .unwrap()
            .tags
            .as_ref()
            .unwrap()
            .ok()
            .unwrap();
        assert_eq!(tags.get("managed-by").is_some(), tagged, "{tags:?}");
        let mut ctx = FixContext::assume_unshared(&snap);
        ctx.managed_tags = vec![ManagedTag::try_from("managed-by=terraform".to_string()).unwrap()];
        let planned = plan(&snap, &evaluate(&snap, &rules), &rules, &ctx);
        let step = planned
            .actions
            .iter()
            .find(|a| a.rules.iter().any(|r| r.starts_with("ZK")))
            .expect("a key policy step");
        assert_eq!(
            step.applicability == Applicability::Manual,
            manual,
            "{step:?}"
        );
        if manual {
            assert!(
                step.reason
                    .as_deref()
                    .unwrap_or("")
                    .contains("managed-by=terraform"),
                "{step:?}"
            );
        }
    }
}

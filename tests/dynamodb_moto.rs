//! DynamoDB table sources against moto (tables, point-in-time recovery, table resource
//! policies, KMS keys): each table gets the verdict AWS would give, and `--fix` turns
//! point-in-time recovery on and merges Redshift's statements into the table's policy,
//! after which a second run is READY. The target is moto's Redshift cluster; only the
//! table's rules (`--select ZB`) are judged, as moto lacks the Redshift resource policy.

mod common;

use std::collections::BTreeMap;

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, PointInTimeRecoverySpecification,
    ScalarAttributeType, SseSpecification, SseType,
};
use common::world::{run_cli_in, World};
use common::{scratch_dir, Moto};

const ACCOUNT: &str = "123456789012";

fn arn(table: &str) -> String {
    format!("arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/{table}")
}

/// The conditions AWS documents on Redshift's statements.
fn condition() -> serde_json::Value {
    serde_json::json!({
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
        "ArnEquals": {"aws:SourceArn": format!("arn:aws:redshift:us-east-1:{ACCOUNT}:integration:*")},
    })
}

/// The documented statements for `table`.
fn documented(table: &str) -> Vec<serde_json::Value> {
    vec![
        serde_json::json!({
            "Effect": "Allow",
            "Principal": {"Service": "redshift.amazonaws.com"},
            "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable"],
            "Resource": "*",
            "Condition": condition(),
        }),
        serde_json::json!({
            "Effect": "Allow",
            "Principal": {"Service": "redshift.amazonaws.com"},
            "Action": "dynamodb:DescribeExport",
            "Resource": format!("{}/export/*", arn(table)),
            "Condition": condition(),
        }),
    ]
}

fn policy(statements: Vec<serde_json::Value>) -> String {
    serde_json::json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

struct Tables {
    ddb: aws_sdk_dynamodb::Client,
    kms: aws_sdk_kms::Client,
}

impl Tables {
    fn new(moto: &Moto) -> Tables {
        let config = moto.config();
        Tables {
            ddb: aws_sdk_dynamodb::Client::new(&config),
            kms: aws_sdk_kms::Client::new(&config),
        }
    }

    /// A table keyed by a string `id`, encrypted with `key` when given.
    async fn create(&self, name: &str, pitr: bool, key: Option<&str>) {
        let mut req = self
            .ddb
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("id")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("id")
                    .key_type(KeyType::Hash)
                    .build()
                    .unwrap(),
            );
        if let Some(k) = key {
            req = req.sse_specification(
                SseSpecification::builder()
                    .enabled(true)
                    .sse_type(SseType::Kms)
                    .kms_master_key_id(k)
                    .build(),
            );
        }
        req.send().await.unwrap();
        if pitr {
            self.ddb
                .update_continuous_backups()
                .table_name(name)
                .point_in_time_recovery_specification(
                    PointInTimeRecoverySpecification::builder()
                        .point_in_time_recovery_enabled(true)
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap();
        }
    }

    async fn put_policy(&self, name: &str, text: String) {
        self.ddb
            .put_resource_policy()
            .resource_arn(arn(name))
            .policy(text)
            .send()
            .await
            .unwrap();
    }

    /// A customer managed key whose policy is the account root's and `extra`.
    async fn key(&self, extra: Vec<serde_json::Value>) -> String {
        let mut statements = vec![serde_json::json!({
            "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
            "Action": "kms:*",
            "Resource": "*",
        })];
        statements.extend(extra);
        let k = self
            .kms
            .create_key()
            .policy(policy(statements))
            .send()
            .await
            .unwrap();
        k.key_metadata().unwrap().arn().unwrap().to_string()
    }
}

/// `check` of one table against moto's `warehouse`, the table's rules only, as JSON: the
/// document and each rule's status.
fn check(
    moto: &Moto,
    table: &str,
    extra: &[&str],
) -> (serde_json::Value, BTreeMap<String, String>) {
    let dir = scratch_dir(&format!("ddb-{table}-{}", moto.port));
    let source = arn(table);
    let mut args = vec![
        "check",
        "--source",
        &source,
        "--target",
        "warehouse",
        "--select",
        "ZB",
        "--format",
        "json",
    ];
    args.extend_from_slice(extra);
    let o = run_cli_in(moto, Some(&dir), &args);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    let findings = if doc["check"].is_object() {
        &doc["check"]["findings"]
    } else {
        &doc["findings"]
    };
    let statuses = findings
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (doc, statuses)
}

fn status<'a>(s: &'a BTreeMap<String, String>, rule: &str) -> &'a str {
    s.get(rule).map_or("absent", String::as_str)
}

/// Each table's point-in-time recovery, policy and key, as moto holds them, judged as AWS
/// would: the documented statements pass; none, the wrong actions, or a Deny fail; an AWS
/// owned key passes, a customer managed key passes only with Redshift's Decrypt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tables_get_the_verdict_aws_would_give() {
    let moto = Moto::start();
    World::new(&moto).misconfigured().await;
    let t = Tables::new(&moto);
    t.create("pitr-off", false, None).await;
    t.create("wrong-actions", true, None).await;
    t.put_policy(
        "wrong-actions",
        policy(vec![serde_json::json!({
            "Effect": "Allow",
            "Principal": {"Service": "redshift.amazonaws.com"},
            "Action": "dynamodb:DescribeTable",
            "Resource": "*",
            "Condition": condition(),
        })]),
    )
    .await;
    t.create("documented", true, None).await;
    t.put_policy("documented", policy(documented("documented")))
        .await;
    t.create("denied", true, None).await;
    let mut with_deny = documented("denied");
    with_deny.push(serde_json::json!({
        "Effect": "Deny",
        "Principal": "*",
        "Action": "dynamodb:ExportTableToPointInTime",
        "Resource": "*",
    }));
    t.put_policy("denied", policy(with_deny)).await;
    let decrypt = serde_json::json!({
        "Effect": "Allow",
        "Principal": {"Service": "redshift.amazonaws.com"},
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": condition(),
    });
    let good_key = t.key(vec![decrypt]).await;
    t.create("good-key", true, Some(&good_key)).await;
    t.put_policy("good-key", policy(documented("good-key")))
        .await;
    let bare_key = t.key(vec![]).await;
    t.create("bare-key", true, Some(&bare_key)).await;
    t.put_policy("bare-key", policy(documented("bare-key")))
        .await;

    // (table, rule, status, the documented behaviour it rests on)
    let cases = [
        (
            "pitr-off",
            "ZB001",
            "pass",
            "DescribeTable: a new table is ACTIVE",
        ),
        (
            "pitr-off",
            "ZB002",
            "fail",
            "DDB-2: point-in-time recovery is required",
        ),
        (
            "pitr-off",
            "ZB003",
            "fail",
            "DDB-3: no resource policy, no export",
        ),
        (
            "pitr-off",
            "ZB004",
            "pass",
            "DDB-6: the AWS owned key is supported",
        ),
        (
            "pitr-off",
            "ZB005",
            "skip",
            "DDB-7: only a customer managed key has a policy to check",
        ),
        ("pitr-off", "ZB006", "pass", "DDB-10: short names"),
        ("wrong-actions", "ZB002", "pass", "DDB-2: turned on"),
        (
            "wrong-actions",
            "ZB003",
            "fail",
            "DDB-3: export and describe-export are not allowed",
        ),
        (
            "documented",
            "ZB003",
            "pass",
            "DDB-3: the documented statements",
        ),
        (
            "denied",
            "ZB003",
            "fail",
            "IAM: an explicit Deny overrides every Allow",
        ),
        (
            "good-key",
            "ZB004",
            "pass",
            "DDB-6: a customer managed key is supported",
        ),
        ("good-key", "ZB005", "pass", "DDB-7: Redshift may decrypt"),
        (
            "bare-key",
            "ZB005",
            "fail",
            "DDB-7: no statement lets Redshift decrypt",
        ),
    ];
    let mut seen = BTreeMap::new();
    for (table, rule, want, why) in cases {
        let statuses = seen
            .entry(table)
            .or_insert_with(|| check(&moto, table, &[]).1);
        assert_eq!(status(statuses, rule), want, "{table} {rule}: {why}");
    }
}

/// `--fix` turns point-in-time recovery on (safe) and, with `--unsafe-fixes`, merges
/// Redshift's statements into the table's policy with the revision it read, keeping the
/// statement that was there; a second run is READY and changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fix_turns_on_recovery_and_writes_the_policy() {
    let moto = Moto::start();
    World::new(&moto).misconfigured().await;
    let t = Tables::new(&moto);
    t.create("orders", false, None).await;
    let theirs = serde_json::json!({
        "Sid": "ReadersInTheAccount",
        "Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
        "Action": "dynamodb:GetItem",
        "Resource": arn("orders"),
    });
    t.put_policy("orders", policy(vec![theirs.clone()])).await;

    // Safe fixes only: recovery is turned on, the policy waits for --unsafe-fixes.
    let (doc, after) = check(&moto, "orders", &["--fix", "--yes"]);
    let pitr_step = &doc["plan"]["actions"][0];
    assert_eq!(pitr_step["op"]["call"], "dynamodb:UpdateContinuousBackups");
    assert!(
        pitr_step["reason"]
            .as_str()
            .unwrap()
            .contains("costs money"),
        "the plan says it costs money: {pitr_step:#}"
    );
    assert_eq!(status(&after, "ZB002"), "pass", "{doc:#}");
    assert_eq!(status(&after, "ZB003"), "fail", "{doc:#}");
    let backups = t
        .ddb
        .describe_continuous_backups()
        .table_name("orders")
        .send()
        .await
        .unwrap();
    let pitr = backups
        .continuous_backups_description()
        .and_then(|d| d.point_in_time_recovery_description())
        .and_then(|p| p.point_in_time_recovery_status())
        .map(|s| s.as_str().to_string());
    assert_eq!(pitr.as_deref(), Some("ENABLED"));

    let read = t
        .ddb
        .get_resource_policy()
        .resource_arn(arn("orders"))
        .send()
        .await
        .unwrap();
    let (doc, after) = check(&moto, "orders", &["--fix", "--yes", "--unsafe-fixes"]);
    assert_eq!(status(&after, "ZB003"), "pass", "{doc:#}");
    let put_step = &doc["plan"]["actions"][0];
    assert_eq!(put_step["op"]["call"], "dynamodb:PutResourcePolicy");
    assert_eq!(
        put_step["op"]["expected_revision_id"].as_str(),
        read.revision_id(),
        "the write names the revision it read, so a newer policy is refused, not overwritten"
    );
    let put = t
        .ddb
        .get_resource_policy()
        .resource_arn(arn("orders"))
        .send()
        .await
        .unwrap();
    let written: serde_json::Value = serde_json::from_str(put.policy().unwrap()).unwrap();
    let statements = written["Statement"].as_array().unwrap();
    assert_eq!(statements.len(), 3, "{written:#}");
    assert_eq!(
        statements[0], theirs,
        "the existing statement is kept as it was"
    );

    // A second run: nothing to change, READY.
    let dir = scratch_dir(&format!("ddb-again-{}", moto.port));
    let source = arn("orders");
    let o = run_cli_in(
        &moto,
        Some(&dir),
        &[
            "check",
            "--source",
            &source,
            "--target",
            "warehouse",
            "--select",
            "ZB",
            "--fix",
            "--yes",
            "--unsafe-fixes",
        ],
    );
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("Plan: nothing to change"), "{out}");
}

/// `audit --candidates TARGET --candidate-sources dynamodb` checks every table of the Region
/// against the target (ListTables, then each table as `check` reads it); without the flag,
/// tables are not candidates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_takes_tables_as_candidates_when_asked() {
    let moto = Moto::start();
    World::new(&moto).misconfigured().await;
    let t = Tables::new(&moto);
    t.create("events", false, None).await;
    t.create("users", true, None).await;
    t.put_policy("users", policy(documented("users"))).await;
    let dir = scratch_dir(&format!("ddb-audit-{}", moto.port));
    let audit = |extra: &[&str]| {
        let mut args = vec![
            "audit",
            "--regions",
            "us-east-1",
            "--candidates",
            "warehouse",
            "--select",
            "ZB,ZC004",
            "--allow-unverified",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let o = run_cli_in(&moto, Some(&dir), &args);
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
        doc
    };
    let doc = audit(&["--candidate-sources", "dynamodb"]);
    let mut sources: Vec<(String, String)> = doc["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("{doc:#}"))
        .iter()
        .map(|c| {
            let pitr = c["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["rule"] == "ZB002")
                .map_or("absent".to_string(), |f| {
                    f["status"].as_str().unwrap().to_string()
                });
            (c["source"]["arn"].as_str().unwrap().to_string(), pitr)
        })
        .collect();
    sources.sort();
    assert_eq!(
        sources,
        vec![
            (arn("events"), "fail".to_string()),
            (arn("users"), "pass".to_string())
        ],
        "{doc:#}"
    );
    let doc = audit(&[]);
    assert!(
        doc.to_string().contains("shop-db") && !doc.to_string().contains(":dynamodb:"),
        "tables are candidates only when asked: {doc:#}"
    );
}

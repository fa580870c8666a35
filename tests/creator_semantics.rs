//! Who may create the integration, as IAM decides it: one row per setup, with the verdicts of
//! ZW002 (redshift:CreateInboundIntegration on the namespace) and ZK003 (the creator's grant
//! on the KMS key), and the AWS page each row rests on. The creator is
//! `role/deployer`; its IAM policies are the simulation's answers in each row.
//! - [principal] the Principal element, "AWS account principals" (an account principal
//!   delegates to the account; its identities still need identity-based permissions):
//!   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
//! - [eval] the evaluation logic (in one account either an identity-based or a resource-based
//!   Allow is enough; an explicit Deny in any policy wins):
//!   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
//! - [cross] across accounts both the identity-based and the resource-based policy must allow:
//!   https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
//! - [zetl] Redshift's authorization page (the authorized-principal step may be skipped in one
//!   account when an identity-based policy allows the action):
//!   https://docs.aws.amazon.com/redshift/latest/mgmt/zero-etl-using.redshift-iam.html
//! - [kms] KMS key policies (a key policy that names a principal allows it without IAM; the
//!   account root statement enables IAM policies): https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html
//! - [kmsctx] `kms:EncryptionContext:` condition keys: https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html

use std::path::Path;

use serde_json::{json, Value};
use zetl_preflight::model::{CallError, Fact, Finding, Snapshot, Status, TargetSnapshot};
use zetl_preflight::rules::{evaluate, RuleSet};

use Status::{Error, Fail, Pass};

const ACCOUNT: &str = "123456789012";
const CREATOR: &str = "arn:aws:iam::123456789012:role/deployer";
const ANALYST: &str = "arn:aws:iam::123456789012:role/analyst";
const ROOT: &str = "arn:aws:iam::123456789012:root";
const NS: &str =
    "arn:aws:redshift:us-east-1:123456789012:namespace:6c0f8e2a-4b5d-4f3e-9a1b-2c3d4e5f6a7b";
/// The namespace of another account, for the cross-account rows.
const XNS: &str =
    "arn:aws:redshift:us-east-1:210987654321:namespace:6c0f8e2a-4b5d-4f3e-9a1b-2c3d4e5f6a7b";
const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const INBOUND: &str = "redshift:CreateInboundIntegration";

/// What the creator's IAM policies answer (the simulation), or that it could not run.
#[derive(Clone, Copy)]
enum Iam {
    Allowed,
    Implicit,
    Explicit,
    Failed,
}

fn base() -> Snapshot {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/creator-allowed.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The simulation answers `iam` for `action`; the others stay allowed.
fn simulate(snap: &mut Snapshot, action: &str, iam: Iam) {
    let c = snap.creator.as_mut().unwrap();
    let decision = match iam {
        Iam::Allowed => "allowed",
        Iam::Implicit => "implicitDeny",
        Iam::Explicit => "explicitDeny",
        Iam::Failed => {
            c.simulated = Fact::Error(CallError::new(
                "iam:SimulatePrincipalPolicy",
                Some("AccessDenied"),
                "not authorized to perform iam:SimulatePrincipalPolicy",
            ));
            return;
        }
    };
    let Fact::Ok(answers) = &mut c.simulated else {
        unreachable!()
    };
    for a in answers.iter_mut().filter(|a| a.action == action) {
        a.decision = decision.into();
    }
}

fn policy(statements: Vec<Value>) -> String {
    json!({"Version": "2012-10-17", "Statement": statements}).to_string()
}

fn finding(snap: &Snapshot, code: &str) -> Finding {
    evaluate(snap, &RuleSet::embedded().unwrap())
        .into_iter()
        .find(|f| f.rule == code)
        .unwrap()
}

// ---- ZW002: the namespace's resource policy and the creator's IAM policies

/// `redshift:CreateInboundIntegration` allowed to `principal`.
fn inbound(principal: Value) -> Value {
    json!({"Effect": "Allow", "Principal": principal, "Action": INBOUND, "Resource": "*"})
}

struct Inbound {
    name: &'static str,
    rule: &'static str,
    /// The namespace resource policy: `None` for none, `Some(Err)` for a failed read.
    policy: Option<Result<Vec<Value>, ()>>,
    iam: Iam,
    namespace: &'static str,
    want: Status,
    /// Text the message must contain.
    says: &'static str,
}

fn row(
    name: &'static str,
    rule: &'static str,
    statements: Vec<Value>,
    iam: Iam,
    want: Status,
    says: &'static str,
) -> Inbound {
    Inbound {
        name,
        rule,
        policy: Some(Ok(statements)),
        iam,
        namespace: NS,
        want,
        says,
    }
}

impl Inbound {
    fn across(mut self) -> Inbound {
        self.namespace = XNS;
        self
    }
}

fn inbound_rows() -> Vec<Inbound> {
    use Iam::*;
    vec![
        row(
            "the creator role named",
            "[eval] a resource-based Allow naming the principal is enough in one account",
            vec![inbound(json!({"AWS": CREATOR}))],
            Implicit,
            Pass,
            "names arn:aws:iam::123456789012:role/deployer",
        ),
        row(
            "another role named",
            "[principal] a statement naming another role does not apply to this one",
            vec![inbound(json!({"AWS": ANALYST}))],
            Implicit,
            Fail,
            "names arn:aws:iam::123456789012:role/deployer or its account",
        ),
        row(
            "another role named, the creator's IAM allows it",
            "[eval] [zetl] in one account the identity-based Allow is enough",
            vec![inbound(json!({"AWS": ANALYST}))],
            Allowed,
            Pass,
            "its IAM policies allow it",
        ),
        row(
            "the account root named",
            "[principal] an account principal delegates to the account: its IAM policies decide",
            vec![inbound(json!({"AWS": ROOT}))],
            Implicit,
            Fail,
            "names account 123456789012",
        ),
        row(
            "the account root named, the creator's IAM allows it",
            "[principal] [zetl] delegated, and the identity-based policy allows it",
            vec![inbound(json!({"AWS": ROOT}))],
            Allowed,
            Pass,
            "its IAM policies allow it",
        ),
        row(
            "the account ID named",
            "[principal] an account ID is the account principal, like its root ARN",
            vec![inbound(json!({"AWS": ACCOUNT}))],
            Implicit,
            Fail,
            "names account 123456789012",
        ),
        row(
            "the account root named, the simulation fails",
            "[principal] delegated to IAM, which could not be asked: unverified",
            vec![inbound(json!({"AWS": ROOT}))],
            Failed,
            Error,
            "could not be simulated",
        ),
        row(
            "* without conditions",
            "[principal] \"*\" is every principal, this one included",
            vec![inbound(json!("*"))],
            Implicit,
            Pass,
            "names arn:aws:iam::123456789012:role/deployer",
        ),
        row(
            "{AWS: *} with a condition that holds",
            "[principal] [eval] everyone, under aws:PrincipalArn = the creator",
            vec![
                json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": INBOUND, "Resource": "*", "Condition": {"ArnEquals": {"aws:PrincipalArn": CREATOR}}}),
            ],
            Implicit,
            Pass,
            "names",
        ),
        row(
            "* with a condition that does not hold",
            "[eval] a statement whose condition fails does not apply",
            vec![
                json!({"Effect": "Allow", "Principal": "*", "Action": INBOUND, "Resource": "*", "Condition": {"ArnEquals": {"aws:PrincipalArn": ANALYST}}}),
            ],
            Implicit,
            Fail,
            "implicitDeny",
        ),
        row(
            "a Deny naming the creator beside an Allow for it",
            "[eval] an explicit Deny in any policy beats every Allow",
            vec![
                inbound(json!({"AWS": CREATOR})),
                json!({"Effect": "Deny", "Principal": {"AWS": CREATOR}, "Action": "redshift:*", "Resource": "*"}),
            ],
            Allowed,
            Fail,
            "denies it",
        ),
        row(
            "a Deny naming another role",
            "[principal] a Deny for another principal does not apply",
            vec![
                inbound(json!({"AWS": CREATOR})),
                json!({"Effect": "Deny", "Principal": {"AWS": ANALYST}, "Action": "redshift:*", "Resource": "*"}),
            ],
            Implicit,
            Pass,
            "names",
        ),
        row(
            "the creator named, its IAM denies explicitly",
            "[eval] an explicit Deny in the identity-based policy wins",
            vec![inbound(json!({"AWS": CREATOR}))],
            Explicit,
            Fail,
            "explicitDeny",
        ),
        Inbound {
            policy: None,
            ..row(
                "no resource policy, the creator's IAM allows it",
                "[zetl] one account: the identity-based policy is enough",
                vec![],
                Allowed,
                Pass,
                "its IAM policies allow it",
            )
        },
        Inbound {
            policy: None,
            ..row(
                "no resource policy, nothing allows it",
                "[eval] no Allow anywhere is an implicit deny",
                vec![],
                Implicit,
                Fail,
                "no resource policy",
            )
        },
        Inbound {
            policy: Some(Err(())),
            ..row(
                "the resource policy could not be read, IAM allows",
                "[eval] either Allow is enough in one account",
                vec![],
                Allowed,
                Pass,
                "its IAM policies allow it",
            )
        },
        Inbound {
            policy: Some(Err(())),
            ..row(
                "the resource policy could not be read, IAM does not allow",
                "[eval] the unread policy might allow it: unverified",
                vec![],
                Implicit,
                Error,
                "could not be read",
            )
        },
        // ---- across accounts: both sides
        row(
            "across accounts, the creator named and IAM allows",
            "[cross] both sides allow",
            vec![inbound(json!({"AWS": CREATOR}))],
            Allowed,
            Pass,
            "its IAM policies allow it",
        )
        .across(),
        row(
            "across accounts, the creator named but IAM does not allow",
            "[cross] the identity-based policy must allow too",
            vec![inbound(json!({"AWS": CREATOR}))],
            Implicit,
            Fail,
            "across accounts",
        )
        .across(),
        row(
            "across accounts, its account root named and IAM allows",
            "[cross] [principal] delegated to the account, whose IAM allows",
            vec![inbound(json!({"AWS": ROOT}))],
            Allowed,
            Pass,
            "its IAM policies allow it",
        )
        .across(),
        row(
            "across accounts, another role named",
            "[cross] the resource-based policy must name the creator or its account",
            vec![inbound(
                json!({"AWS": "arn:aws:iam::123456789012:role/analyst"}),
            )],
            Allowed,
            Fail,
            "account 210987654321",
        )
        .across(),
    ]
}

fn run_inbound(r: &Inbound) -> Finding {
    let mut snap = base();
    snap.kms_key = None;
    simulate(&mut snap, INBOUND, r.iam);
    if let Some(Fact::Ok(answers)) = snap.creator.as_mut().map(|c| &mut c.simulated) {
        for a in answers.iter_mut().filter(|a| a.action == INBOUND) {
            a.resource = r.namespace.to_string();
        }
    }
    let value = match &r.policy {
        None => Fact::Ok(None),
        Some(Ok(stmts)) => Fact::Ok(Some(policy(stmts.clone()))),
        Some(Err(())) => Fact::Error(CallError::new(
            "redshift:GetResourcePolicy",
            Some("AccessDenied"),
            "not authorized",
        )),
    };
    match &mut snap.target {
        TargetSnapshot::Provisioned(p) => {
            p.resource_policy = value;
            p.cluster.cluster_namespace_arn = Some(r.namespace.to_string());
        }
        TargetSnapshot::Serverless(_) => unreachable!("the base fixture is provisioned"),
    }
    finding(&snap, "ZW002")
}

#[test]
fn the_creator_may_create_the_inbound_integration_as_iam_decides() {
    let rows = inbound_rows();
    let mut wrong = Vec::new();
    for r in &rows {
        let f = run_inbound(r);
        if f.status != r.want || !f.message.contains(r.says) {
            wrong.push(format!(
                "{} ({}): expected {:?} saying '{}', got {:?}: {}",
                r.name, r.rule, r.want, r.says, f.status, f.message
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ---- ZK003: the key policy and the creator's IAM policies, with the encryption context

fn key_statement(principal: Value, actions: Value, condition: Value) -> Value {
    let mut s =
        json!({"Effect": "Allow", "Principal": principal, "Action": actions, "Resource": "*"});
    if !condition.is_null() {
        s["Condition"] = condition;
    }
    s
}

fn redshift() -> Value {
    json!({"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "kms:CreateGrant", "Resource": "*",
           "Condition": {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt", "GenerateDataKey", "CreateGrant"]}}})
}

/// The creator by ARN: CreateGrant under `condition`, and DescribeKey.
fn creator_by_arn(condition: Value) -> Vec<Value> {
    vec![
        redshift(),
        key_statement(json!({"AWS": CREATOR}), json!("kms:CreateGrant"), condition),
        key_statement(
            json!({"AWS": CREATOR}),
            json!("kms:DescribeKey"),
            Value::Null,
        ),
    ]
}

struct KeyRow {
    name: &'static str,
    rule: &'static str,
    statements: Vec<Value>,
    context: &'static [(&'static str, &'static str)],
    iam: Iam,
    want: Status,
    says: &'static str,
}

fn key_rows() -> Vec<KeyRow> {
    use Iam::*;
    let root = || {
        vec![
            redshift(),
            key_statement(json!({"AWS": ROOT}), json!("kms:*"), Value::Null),
        ]
    };
    let team = json!({"StringEquals": {"kms:EncryptionContext:team": "data"}});
    vec![
        KeyRow {
            name: "the creator named, with the integration's context",
            rule: "[kms] [kmsctx] a key policy naming the principal allows it, the context holds",
            statements: creator_by_arn(team.clone()),
            context: &[("team", "data")],
            iam: Implicit,
            want: Pass,
            says: "team=data",
        },
        KeyRow {
            name: "the creator named, another context",
            rule: "[kmsctx] the request's context does not satisfy the condition",
            statements: creator_by_arn(team.clone()),
            context: &[("team", "finance")],
            iam: Allowed,
            want: Fail,
            says: "no statement allows it",
        },
        KeyRow {
            name: "the creator named, no context given",
            rule: "[kmsctx] a key absent from the request fails StringEquals",
            statements: creator_by_arn(team),
            context: &[],
            iam: Implicit,
            want: Fail,
            says: "kms:CreateGrant",
        },
        KeyRow {
            name: "the creator named through RDS",
            rule: "[kms] kms:ViaService is the service the call comes through",
            statements: creator_by_arn(
                json!({"StringEquals": {"kms:ViaService": "rds.us-east-1.amazonaws.com"}}),
            ),
            context: &[],
            iam: Implicit,
            want: Pass,
            says: "names it",
        },
        KeyRow {
            name: "the root only, IAM allows",
            rule: "[kms] the root statement enables IAM policies, which allow it",
            statements: root(),
            context: &[("team", "data")],
            iam: Allowed,
            want: Pass,
            says: "its IAM policies allow it",
        },
        KeyRow {
            name: "the root only, IAM does not allow",
            rule: "[kms] [principal] the root statement delegates; IAM does not allow",
            statements: root(),
            context: &[],
            iam: Implicit,
            want: Fail,
            says: "implicitDeny",
        },
        KeyRow {
            name: "the root only, the simulation fails",
            rule: "[kms] delegated to IAM, which could not be asked",
            statements: root(),
            context: &[],
            iam: Failed,
            want: Error,
            says: "could not be simulated",
        },
        KeyRow {
            name: "another role named",
            rule: "[principal] a statement for another role does not apply to this one",
            statements: vec![
                redshift(),
                key_statement(
                    json!({"AWS": ANALYST}),
                    json!(["kms:CreateGrant", "kms:DescribeKey"]),
                    Value::Null,
                ),
            ],
            context: &[],
            iam: Allowed,
            want: Fail,
            says: "no statement allows it",
        },
        KeyRow {
            name: "the creator named, its IAM denies explicitly",
            rule: "[eval] an explicit Deny in any policy wins",
            statements: creator_by_arn(Value::Null),
            context: &[],
            iam: Explicit,
            want: Fail,
            says: "explicitly denied",
        },
    ]
}

#[test]
fn the_creators_key_grant_is_judged_with_the_integrations_context() {
    let rows = key_rows();
    let mut wrong = Vec::new();
    for r in &rows {
        let mut snap = base();
        simulate(&mut snap, "kms:CreateGrant", r.iam);
        let key = snap.kms_key.as_mut().unwrap();
        key.policy = Fact::Ok(policy(r.statements.clone()));
        key.encryption_context = r
            .context
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let f = finding(&snap, "ZK003");
        if f.status != r.want
            || !f.message.contains(r.says)
            || f.message.contains("cannot be known")
        {
            wrong.push(format!(
                "{} ({}): expected {:?} saying '{}', got {:?}: {}",
                r.name, r.rule, r.want, r.says, f.status, f.message
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // The key rows use the creator's key.
    assert!(base().kms_key.unwrap().description.ok().unwrap().arn == KEY);
}

//! Namespace resource policies, evaluated as IAM evaluates them: one row per policy, with the
//! verdicts of ZA001 (the Redshift service may AuthorizeInboundIntegration for this source)
//! and ZA002 (a principal of the source account may CreateInboundIntegration), and the IAM
//! documentation rule each row rests on:
//! - [ops] condition operators: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//! - [multi] several keys and values: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
//! - [eval] evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
//! - [notaction] NotAction: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
//! - [principal] Principal: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
//! - [resource] Resource/NotResource: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
//! - [zetl] the statements zero-ETL needs: https://docs.aws.amazon.com/redshift/latest/mgmt/zero-etl-using.redshift-iam.html

use std::path::Path;

use serde_json::{json, Value};
use zetl_preflight::model::{Fact, Finding, Snapshot, Status, TargetSnapshot};
use zetl_preflight::rules::{evaluate, RuleSet};

const SRC: &str = "arn:aws:rds:us-east-1:123456789012:cluster:orders-db";
const OTHER_SRC: &str = "arn:aws:rds:us-east-1:123456789012:cluster:billing-db";
const NS: &str =
    "arn:aws:redshift:us-east-1:123456789012:namespace:6c0f8e2a-4b5d-4f3e-9a1b-2c3d4e5f6a7b";
const ROOT: &str = "arn:aws:iam::123456789012:root";
/// The source account in the cross-account rows.
const XSRC: &str = "arn:aws:rds:us-east-1:210987654321:cluster:orders-db";

use Status::{Fail, Pass, Warn};

/// Allow the Redshift service to authorize, under `condition` (JSON object or null).
fn authorize(condition: Value) -> Value {
    let mut s = json!({
        "Effect": "Allow",
        "Principal": {"Service": "redshift.amazonaws.com"},
        "Action": "redshift:AuthorizeInboundIntegration",
        "Resource": NS,
    });
    if !condition.is_null() {
        s["Condition"] = condition;
    }
    s
}

fn create(principal: Value) -> Value {
    json!({
        "Effect": "Allow",
        "Principal": principal,
        "Action": "redshift:CreateInboundIntegration",
        "Resource": NS,
    })
}

fn exact() -> Value {
    authorize(json!({"StringEquals": {"aws:SourceArn": SRC}}))
}

fn create_root() -> Value {
    create(json!({"AWS": ROOT}))
}

struct Case {
    name: &'static str,
    /// The rule of IAM's documentation the verdicts rest on.
    rule: &'static str,
    statements: Vec<Value>,
    za001: Status,
    za002: Status,
    /// The source cluster's ARN (another account for the cross-account rows).
    source: &'static str,
    /// Text the ZA001 or ZA002 message must contain.
    says: Option<&'static str>,
}

fn case(
    name: &'static str,
    rule: &'static str,
    statements: Vec<Value>,
    za001: Status,
    za002: Status,
) -> Case {
    Case {
        name,
        rule,
        statements,
        za001,
        za002,
        source: SRC,
        says: None,
    }
}

impl Case {
    fn says(mut self, text: &'static str) -> Case {
        self.says = Some(text);
        self
    }
    fn from(mut self, source: &'static str) -> Case {
        self.source = source;
        self
    }
}

fn cases() -> Vec<Case> {
    vec![
        // ---- the documented pair of statements
        case("documented statements", "[zetl] [eval] an applicable Allow allows",
            vec![create_root(), exact()], Pass, Pass),
        // ---- condition operators on aws:SourceArn
        case("ArnLike with the exact ARN", "[ops] ArnLike matches each ARN part; no wildcard means exact: no warning",
            vec![create_root(), authorize(json!({"ArnLike": {"aws:SourceArn": SRC}}))], Pass, Pass),
        case("ArnEquals with the exact ARN", "[ops] ArnEquals",
            vec![create_root(), authorize(json!({"ArnEquals": {"aws:SourceArn": SRC}}))], Pass, Pass),
        case("ArnLike with a wildcard", "[ops] ArnLike accepts * in each part: allowed, but broad",
            vec![create_root(), authorize(json!({"ArnLike": {"aws:SourceArn": "arn:aws:rds:us-east-1:123456789012:cluster:*"}}))], Warn, Pass)
            .says("pattern"),
        case("ArnEquals with a wildcard", "[ops] ArnEquals accepts * and ? like ArnLike",
            vec![create_root(), authorize(json!({"ArnEquals": {"aws:SourceArn": "arn:aws:rds:us-east-?:123456789012:cluster:orders-*"}}))], Warn, Pass),
        case("ArnLike whose * cannot cross a colon", "[ops] ArnLike matches the six parts separately",
            vec![create_root(), authorize(json!({"ArnLike": {"aws:SourceArn": "arn:aws:rds:*:cluster:orders-db"}}))], Fail, Pass),
        case("StringEquals with a wildcard", "[ops] StringEquals is literal: * is a character",
            vec![create_root(), authorize(json!({"StringEquals": {"aws:SourceArn": "arn:aws:rds:*:123456789012:cluster:*"}}))], Fail, Pass)
            .says("literally"),
        case("StringLike with a wildcard", "[ops] StringLike globs",
            vec![create_root(), authorize(json!({"StringLike": {"aws:SourceArn": "arn:aws:rds:*:123456789012:cluster:orders-*"}}))], Warn, Pass),
        case("StringEquals differs in case", "[ops] StringEquals is case-sensitive",
            vec![create_root(), authorize(json!({"StringEquals": {"aws:SourceArn": SRC.to_uppercase()}}))], Fail, Pass),
        case("StringEqualsIgnoreCase differs in case", "[ops] StringEqualsIgnoreCase ignores case",
            vec![create_root(), authorize(json!({"StringEqualsIgnoreCase": {"aws:SourceArn": SRC.to_uppercase()}}))], Pass, Pass),
        case("StringNotEquals this source", "[ops] a negated operator excludes the listed values",
            vec![create_root(), authorize(json!({"StringNotEquals": {"aws:SourceArn": SRC}}))], Fail, Pass),
        case("StringNotEquals another source", "[ops] negated: every source except the listed one",
            vec![create_root(), authorize(json!({"StringNotEquals": {"aws:SourceArn": OTHER_SRC}}))], Warn, Pass)
            .says("except"),
        case("ArnNotLike a pattern that covers this source", "[ops] ArnNotLike excludes what the pattern matches",
            vec![create_root(), authorize(json!({"ArnNotLike": {"aws:SourceArn": "arn:aws:rds:*:*:cluster:orders-*"}}))], Fail, Pass),
        case("StringNotLike another pattern", "[ops] StringNotLike",
            vec![create_root(), authorize(json!({"StringNotLike": {"aws:SourceArn": "arn:aws:rds:*:*:cluster:billing-*"}}))], Warn, Pass),
        case("StringEqualsIfExists with the exact ARN", "[ops] ...IfExists behaves as the operator when the key is present",
            vec![create_root(), authorize(json!({"StringEqualsIfExists": {"aws:SourceArn": SRC}}))], Pass, Pass),
        case("ForAnyValue on a single-valued key", "[multi] ForAnyValue over one value is the plain operator",
            vec![create_root(), authorize(json!({"ForAnyValue:StringEquals": {"aws:SourceArn": SRC}}))], Pass, Pass),
        case("ForAllValues with another value", "[multi] ForAllValues: every request value must be in the set",
            vec![create_root(), authorize(json!({"ForAllValues:StringEquals": {"aws:SourceArn": OTHER_SRC}}))], Fail, Pass),
        case("condition key in another case", "[multi] condition key names are case-insensitive",
            vec![create_root(), authorize(json!({"StringEquals": {"AWS:SOURCEARN": SRC}}))], Pass, Pass),
        case("an operator the tool does not evaluate", "[ops] an unknown answer is never a pass",
            vec![create_root(), authorize(json!({"StringEquals": {"aws:SourceArn": SRC}, "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}))], Warn, Pass)
            .says("aws:CurrentTime"),
        // ---- several keys and values
        case("several values of one key are ORed", "[multi] values of one key: OR",
            vec![create_root(), authorize(json!({"StringEquals": {"aws:SourceArn": [OTHER_SRC, SRC]}}))], Pass, Pass),
        case("several keys are ANDed, all hold", "[multi] keys: AND",
            vec![create_root(), authorize(json!({"StringEquals": {"aws:SourceArn": SRC, "aws:SourceAccount": "123456789012"}}))], Pass, Pass),
        case("several keys are ANDed, one fails", "[multi] keys: AND; one false key fails the statement",
            vec![create_root(), authorize(json!({"StringEquals": {"aws:SourceArn": SRC, "aws:SourceAccount": "999999999999"}}))], Fail, Pass),
        case("aws:SourceAccount only", "[multi] a known key that holds: allowed, but any source of the account",
            vec![create_root(), authorize(json!({"StringEquals": {"aws:SourceAccount": "123456789012"}}))], Warn, Pass)
            .says("any source in account"),
        case("no condition at all", "[eval] an Allow without conditions applies to every source",
            vec![create_root(), authorize(Value::Null)], Warn, Pass),
        case("a key the tool cannot know", "[multi] aws:PrincipalOrgID is unknown here: uncertain, never a pass",
            vec![create_root(), authorize(json!({"StringEquals": {"aws:SourceArn": SRC, "aws:PrincipalOrgID": "o-abc123"}}))], Warn, Pass)
            .says("aws:PrincipalOrgID"),
        case("Null: the key exists", "[ops] Null false holds when the key is present",
            vec![create_root(), authorize(json!({"Null": {"aws:SourceArn": "false"}}))], Warn, Pass),
        // ---- Deny
        case("Deny with NotAction CreateInboundIntegration", "[notaction] Deny + NotAction denies every other action",
            vec![create_root(), exact(), json!({"Effect": "Deny", "Principal": "*", "NotAction": "redshift:CreateInboundIntegration", "Resource": "*"})], Fail, Pass)
            .says("denies"),
        case("Deny scoped to another source", "[eval] a Deny whose condition does not hold does not apply",
            vec![create_root(), exact(), json!({"Effect": "Deny", "Principal": "*", "Action": "redshift:AuthorizeInboundIntegration", "Resource": "*", "Condition": {"StringEquals": {"aws:SourceArn": OTHER_SRC}}})], Pass, Pass),
        case("Deny for another account's principal", "[principal] a Deny for another principal does not apply",
            vec![create_root(), exact(), json!({"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "redshift:*", "Resource": "*"})], Pass, Pass),
        case("Deny for everyone", "[eval] an applicable explicit Deny beats any Allow",
            vec![create_root(), exact(), json!({"Effect": "Deny", "Principal": "*", "Action": "redshift:*", "Resource": "*"})], Fail, Fail),
        case("Deny for everyone but the service", "[principal] Deny with NotPrincipal applies to all others",
            vec![create_root(), exact(), json!({"Effect": "Deny", "NotPrincipal": {"Service": "redshift.amazonaws.com"}, "Action": "*", "Resource": "*"})], Pass, Fail),
        case("Deny of other sources by a negated key", "[ops] negated Deny: applies to sources other than this one",
            vec![create_root(), exact(), json!({"Effect": "Deny", "Principal": "*", "Action": "redshift:AuthorizeInboundIntegration", "Resource": "*", "Condition": {"StringNotEquals": {"aws:SourceArn": SRC}}})], Pass, Pass),
        // ---- Action, Resource, Principal of the Allow
        case("Action redshift:*", "[eval] action wildcards",
            vec![create(json!({"AWS": ROOT})), json!({"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "redshift:*", "Resource": NS, "Condition": {"StringEquals": {"aws:SourceArn": SRC}}})], Pass, Pass),
        case("Allow with NotAction", "[notaction] Allow + NotAction allows every action not listed",
            vec![create_root(), json!({"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "NotAction": "redshift:DeleteCluster", "Resource": NS, "Condition": {"StringEquals": {"aws:SourceArn": SRC}}})], Pass, Pass),
        case("Resource of another namespace", "[resource] the resource element must cover the request",
            vec![create_root(), json!({"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "redshift:AuthorizeInboundIntegration", "Resource": "arn:aws:redshift:us-east-1:123456789012:namespace:other", "Condition": {"StringEquals": {"aws:SourceArn": SRC}}})], Fail, Pass),
        case("Resource in the documented integration form", "[zetl] arn:aws:redshift:*:*:integration:* is a documented form",
            vec![create_root(), json!({"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "redshift:AuthorizeInboundIntegration", "Resource": "arn:aws:redshift:*:*:integration:*", "Condition": {"StringEquals": {"aws:SourceArn": SRC}}})], Pass, Pass),
        case("NotResource of something else", "[resource] NotResource covers every resource not listed",
            vec![create_root(), json!({"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "redshift:AuthorizeInboundIntegration", "NotResource": "arn:aws:s3:::*", "Condition": {"StringEquals": {"aws:SourceArn": SRC}}})], Pass, Pass),
        case("the wrong service principal", "[principal] a service principal must name redshift.amazonaws.com",
            vec![create_root(), json!({"Effect": "Allow", "Principal": {"Service": "rds.amazonaws.com"}, "Action": "redshift:AuthorizeInboundIntegration", "Resource": NS, "Condition": {"StringEquals": {"aws:SourceArn": SRC}}})], Fail, Pass),
        case("service principal in a list", "[principal] a list of services",
            vec![create_root(), json!({"Effect": "Allow", "Principal": {"Service": ["rds.amazonaws.com", "redshift.amazonaws.com"]}, "Action": "redshift:AuthorizeInboundIntegration", "Resource": NS, "Condition": {"StringEquals": {"aws:SourceArn": SRC}}})], Pass, Pass),
        case("Principal * for both", "[principal] \"*\" is everyone: fine with an exact SourceArn, broad for creation",
            vec![json!({"Effect": "Allow", "Principal": "*", "Action": ["redshift:AuthorizeInboundIntegration", "redshift:CreateInboundIntegration"], "Resource": NS, "Condition": {"StringEqualsIfExists": {"aws:SourceArn": SRC}}})], Pass, Warn)
            .says("any principal"),
        case("Principal AWS * for creation", "[principal] {\"AWS\": \"*\"} is everyone",
            vec![create(json!({"AWS": "*"})), exact()], Pass, Warn),
        case("creation by account id", "[principal] an account id stands for the account",
            vec![create(json!({"AWS": "123456789012"})), exact()], Pass, Pass),
        case("creation by one role", "[principal] a role ARN in the source account",
            vec![create(json!({"AWS": "arn:aws:iam::123456789012:role/deployer"})), exact()], Pass, Pass)
            .says("role/deployer"),
        case("no creation statement, one account", "[zetl] same account: the creator's IAM policy can grant it",
            vec![exact()], Pass, Warn),
        case("creation only for another account, across accounts", "[principal] another account's root is not the source account",
            vec![create_root(), authorize(json!({"StringEquals": {"aws:SourceArn": XSRC}}))], Pass, Fail)
            .from(XSRC),
        case("creation for the source account, across accounts", "[principal] root of the source account",
            vec![create(json!({"AWS": "arn:aws:iam::210987654321:root"})), authorize(json!({"StringEquals": {"aws:SourceArn": XSRC}}))], Pass, Pass)
            .from(XSRC),
    ]
}

fn base() -> Snapshot {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mysql-provisioned-ok.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn run(c: &Case) -> (Finding, Finding) {
    let mut snap = base();
    snap.source
        .rds_mut()
        .unwrap()
        .cluster_mut()
        .unwrap()
        .db_cluster_arn = c.source.to_string();
    let policy = json!({"Version": "2012-10-17", "Statement": c.statements}).to_string();
    match &mut snap.target {
        TargetSnapshot::Provisioned(p) => p.resource_policy = Fact::Ok(Some(policy)),
        TargetSnapshot::Serverless(s) => s.resource_policy = Fact::Ok(Some(policy)),
    }
    let findings = evaluate(&snap, &RuleSet::embedded().unwrap());
    let get = |code: &str| findings.iter().find(|f| f.rule == code).unwrap().clone();
    (get("ZA001"), get("ZA002"))
}

#[test]
fn policies_are_judged_as_iam_evaluates_them() {
    let cases = cases();
    assert!(cases.len() >= 30, "only {} policies", cases.len());
    let mut wrong = Vec::new();
    for c in &cases {
        let (a, b) = run(c);
        if a.status != c.za001 || b.status != c.za002 {
            wrong.push(format!(
                "{} ({}): expected ZA001 {:?} / ZA002 {:?}, got {:?} / {:?}\n    ZA001: {}\n    ZA002: {}",
                c.name, c.rule, c.za001, c.za002, a.status, b.status, a.message, b.message
            ));
        }
        if let Some(text) = c.says {
            if !a.message.contains(text) && !b.message.contains(text) {
                wrong.push(format!(
                    "{}: neither message says '{text}':\n    {}\n    {}",
                    c.name, a.message, b.message
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn an_exact_match_passes_without_a_warning() {
    let (a, _) = run(&cases()[1]);
    assert_eq!(a.status, Pass);
    assert!(a.remediation.is_none(), "{:?}", a.remediation);
}

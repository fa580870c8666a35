//! The evaluator on its own; the table of policy verdicts is tests/policy_semantics.rs.

use super::condition::KeyValue;
use super::*;

const SRC: &str = "arn:aws:rds:us-east-1:123456789012:cluster:orders-db";
const NS: &str = "arn:aws:redshift:us-east-1:123456789012:namespace:abc";

fn request() -> Request<'static> {
    Request {
        principal: Principal::Service("redshift.amazonaws.com"),
        action: "redshift:AuthorizeInboundIntegration",
        resources: vec![NS.to_string()],
        context: Context::new().with("aws:SourceArn", KeyValue::Present(SRC.into())),
    }
}

fn decide(policy: &str) -> Decision {
    evaluate(&parse(policy).unwrap(), &request()).0
}

#[test]
fn explicit_deny_beats_allow() {
    // Evaluation logic: an explicit Deny in any applicable statement overrides an Allow.
    let d = decide(
        r#"{"Statement":[
        {"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"redshift:*","Resource":"*"},
        {"Effect":"Deny","Principal":"*","Action":"redshift:AuthorizeInboundIntegration","Resource":"*"}]}"#,
    );
    assert_eq!(d, Decision::Denied { statement: 1 });
}

#[test]
fn nothing_applicable_is_an_implicit_deny() {
    let d = decide(
        r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"rds.amazonaws.com"},"Action":"*","Resource":"*"}}"#,
    );
    assert_eq!(d, Decision::ImplicitDeny);
}

#[test]
fn an_unknowable_key_is_uncertain_never_allowed() {
    let d = decide(
        r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"*","Resource":"*",
        "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}}}"#,
    );
    match d {
        Decision::Uncertain { reason, .. } => {
            assert!(reason.contains("aws:PrincipalOrgID"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_deny_that_might_apply_makes_an_allow_uncertain() {
    let d = decide(
        r#"{"Statement":[
        {"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"*","Resource":"*"},
        {"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
    );
    assert!(
        matches!(d, Decision::Uncertain { statement: 1, .. }),
        "{d:?}"
    );
}

#[test]
fn malformed_documents_are_refused() {
    assert!(parse("{").is_err());
    assert!(parse("{}").is_err());
    assert!(parse(r#"{"Statement":[{"Action":"*"}]}"#)
        .unwrap_err()
        .contains("no Effect"));
    assert!(parse(r#"{"Statement":[{"Effect":"Permit"}]}"#).is_err());
}

#[test]
fn condition_keys_compare_case_insensitively() {
    let d = decide(
        r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"*","Resource":"*",
        "Condition":{"StringEquals":{"AWS:SOURCEARN":"arn:aws:rds:us-east-1:123456789012:cluster:orders-db"}}}}"#,
    );
    assert_eq!(d, Decision::Allowed { statement: 0 });
}

#[test]
fn multivalued_keys_follow_the_set_operators() {
    // Multiple-keys-and-values page: ForAllValues holds when every request value is among
    // the policy's; ForAnyValue when one is.
    use super::document::ConditionEntry;
    let entry = |op: &str| ConditionEntry {
        operator: op.into(),
        key: "kms:GrantOperations".into(),
        values: vec![
            "Decrypt".into(),
            "GenerateDataKey".into(),
            "CreateGrant".into(),
        ],
    };
    let ops = |v: &[&str]| KeyValue::Many(v.iter().map(|s| s.to_string()).collect());
    let all = entry("ForAllValues:StringEquals");
    assert_eq!(
        condition::evaluate(&all, &ops(&["Decrypt", "CreateGrant"])).0,
        Tri::True
    );
    assert_eq!(
        condition::evaluate(&all, &ops(&["Decrypt", "Encrypt"])).0,
        Tri::False
    );
    assert_eq!(
        condition::evaluate(&all, &ops(&[])).0,
        Tri::True,
        "no values: all match"
    );
    let any = entry("ForAnyValue:StringEquals");
    assert_eq!(
        condition::evaluate(&any, &ops(&["Encrypt", "Decrypt"])).0,
        Tri::True
    );
    assert_eq!(condition::evaluate(&any, &ops(&["Encrypt"])).0, Tri::False);
}

#[test]
fn a_named_principal_is_covered_by_its_arn_or_through_its_account() {
    let role = "arn:aws:iam::123456789012:role/deployer";
    let req = |p: &'static str| Request {
        principal: Principal::Arn(p),
        action: "kms:CreateGrant",
        resources: vec![],
        context: Context::new(),
    };
    let by_arn = parse(
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/deployer"},"Action":"kms:*","Resource":"*"}}"#,
    )
    .unwrap();
    let (d, a) = evaluate(&by_arn, &req(role));
    assert_eq!(d, Decision::Allowed { statement: 0 });
    assert!(!a[0].delegated);
    // The key policy's usual first statement: the account root, which delegates to IAM.
    let root = parse(
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}}"#,
    )
    .unwrap();
    let (d, a) = evaluate(&root, &req(role));
    assert_eq!(d, Decision::Allowed { statement: 0 });
    assert!(a[0].delegated, "IAM decides");
    let other = evaluate(&root, &req("arn:aws:iam::999999999999:role/deployer")).0;
    assert_eq!(other, Decision::ImplicitDeny);
}

#[test]
fn a_value_known_only_once_the_stack_exists_decides_only_what_it_cannot_change() {
    // A template's `!Sub arn:aws:iam::${AWS::AccountId}:root` is `<unknown>` here. An `AWS`
    // principal entry never names a service principal, known or not: nothing applies.
    let d = decide(
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::<unknown>:root"},"Action":"*","Resource":"*"}}"#,
    );
    assert_eq!(d, Decision::ImplicitDeny);
    // A condition comparing with an unknown account might hold or not.
    let d = decide(
        r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"*","Resource":"*",
        "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:rds:us-east-1:<unknown>:cluster:orders-db"}}}}"#,
    );
    match d {
        Decision::Uncertain { reason, .. } => {
            assert!(
                reason.contains("known only once the stack exists"),
                "{reason}"
            )
        }
        other => panic!("{other:?}"),
    }
    // ... unless a known value of the same entry already decides it.
    let d = decide(&format!(
        r#"{{"Statement":{{"Effect":"Allow","Principal":{{"Service":"redshift.amazonaws.com"}},"Action":"*","Resource":"*",
        "Condition":{{"StringEquals":{{"aws:SourceArn":["{SRC}","arn:aws:rds:us-east-1:<unknown>:cluster:x"]}}}}}}}}"#
    ));
    assert_eq!(d, Decision::Allowed { statement: 0 });
    // An unknown resource might be this one.
    let d = decide(
        r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"*","Resource":"<unknown>"}}"#,
    );
    assert!(matches!(d, Decision::Uncertain { .. }), "{d:?}");
}

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

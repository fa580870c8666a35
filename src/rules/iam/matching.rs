//! Wildcard matching as IAM does it.

pub use crate::model::wildcard::{glob, has_wildcard};

/// An action name against an `Action` entry: `redshift:*`, `*`, `Redshift:authorize*`.
pub fn action(pattern: &str, action: &str) -> bool {
    glob(pattern, action, true)
}

/// `ArnEquals` / `ArnLike`: case-sensitive, and each of the six colon-separated parts is
/// matched on its own, so a `*` never reaches across a colon into the next part. The sixth
/// part (the resource) is the rest of the ARN, colons included.
pub fn arn(pattern: &str, value: &str) -> bool {
    let p: Vec<&str> = pattern.splitn(6, ':').collect();
    let v: Vec<&str> = value.splitn(6, ':').collect();
    p.len() == 6 && v.len() == 6 && p.iter().zip(&v).all(|(p, v)| glob(p, v, false))
}

/// A `Resource` entry against a resource ARN. IAM's own resource matching lets `*` span
/// colons (`arn:aws:redshift:*` covers every Redshift ARN), and is case-sensitive.
pub fn resource(pattern: &str, value: &str) -> bool {
    glob(pattern, value, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_fold_case_and_glob() {
        assert!(action("redshift:*", "redshift:AuthorizeInboundIntegration"));
        assert!(action("*", "redshift:CreateInboundIntegration"));
        assert!(action(
            "Redshift:authorize*",
            "redshift:AuthorizeInboundIntegration"
        ));
        assert!(!action(
            "redshift:Create*",
            "redshift:AuthorizeInboundIntegration"
        ));
        assert!(action(
            "redshift:?uthorizeInboundIntegration",
            "redshift:AuthorizeInboundIntegration"
        ));
    }

    #[test]
    fn arns_match_segment_by_segment() {
        let db = "arn:aws:rds:us-east-1:123456789012:cluster:db";
        assert!(arn("arn:aws:rds:*:123456789012:cluster:*", db));
        assert!(arn("arn:aws:rds:us-east-?:*:cluster:d?", db));
        assert!(!arn("arn:aws:rds:*:999999999999:cluster:*", db));
        // A `*` in the Region part does not swallow the account part.
        assert!(!arn("arn:aws:rds:*:cluster:db", db));
        // Case-sensitive.
        assert!(!arn("arn:aws:rds:us-east-1:123456789012:cluster:DB", db));
        // The resource part keeps its colons.
        assert!(arn("arn:aws:rds:us-east-1:123456789012:*", db));
    }

    #[test]
    fn resources_may_span_colons() {
        let ns = "arn:aws:redshift:us-east-1:123456789012:namespace:abc";
        assert!(resource("arn:aws:redshift:*", ns));
        assert!(resource("*", ns));
        assert!(!resource("arn:aws:redshift:*:*:integration:*", ns));
    }
}

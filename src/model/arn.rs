//! Just enough ARN parsing to tell resources apart and compare Regions and accounts.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    pub partition: String,
    pub service: String,
    pub region: String,
    pub account: String,
    /// Everything after the account, e.g. `cluster:my-db` or `namespace/uuid`.
    pub resource: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed ARN '{arn}': {why}")]
pub struct ArnError {
    pub arn: String,
    pub why: String,
}

impl Arn {
    pub fn parse(s: &str) -> Result<Arn, ArnError> {
        let err = |why: &str| ArnError {
            arn: s.to_string(),
            why: why.to_string(),
        };
        let parts: Vec<&str> = s.splitn(6, ':').collect();
        if parts.len() != 6 || parts[0] != "arn" {
            return Err(err(
                "expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE",
            ));
        }
        if !parts[1].starts_with("aws") {
            return Err(err("the partition must be aws, aws-cn or aws-us-gov"));
        }
        if parts[2].is_empty() {
            return Err(err("the service is empty"));
        }
        if !parts[4].is_empty() && !parts[4].chars().all(|c| c.is_ascii_digit()) {
            return Err(err("the account must be digits"));
        }
        if parts[5].is_empty() {
            return Err(err("the resource is empty"));
        }
        Ok(Arn {
            partition: parts[1].to_string(),
            service: parts[2].to_string(),
            region: parts[3].to_string(),
            account: parts[4].to_string(),
            resource: parts[5].to_string(),
        })
    }

    /// The resource type and id, split at the first `:` or `/`.
    pub fn resource_parts(&self) -> (&str, &str) {
        match self.resource.find([':', '/']) {
            Some(i) => (&self.resource[..i], &self.resource[i + 1..]),
            None => (&self.resource, ""),
        }
    }
}

impl fmt::Display for Arn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "arn:{}:{}:{}:{}:{}",
            self.partition, self.service, self.region, self.account, self.resource
        )
    }
}

/// Region of an ARN, if the string is one.
pub fn region_of(arn: &str) -> Option<String> {
    Arn::parse(arn)
        .ok()
        .map(|a| a.region)
        .filter(|r| !r.is_empty())
}

/// Account of an ARN, if the string is one.
pub fn account_of(arn: &str) -> Option<String> {
    Arn::parse(arn)
        .ok()
        .map(|a| a.account)
        .filter(|a| !a.is_empty())
}

/// Partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`); `aws` when the string is not one.
pub fn partition_of(arn: &str) -> String {
    Arn::parse(arn)
        .ok()
        .map(|a| a.partition)
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| "aws".to_string())
}

/// `arn:aws:redshift:R:A:namespace:ID` or `arn:aws:redshift-serverless:R:A:namespace/ID`.
pub fn is_namespace_arn(s: &str) -> bool {
    let Ok(a) = Arn::parse(s) else { return false };
    let sep_ok = match a.service.as_str() {
        "redshift" => a.resource.starts_with("namespace:"),
        "redshift-serverless" => a.resource.starts_with("namespace/"),
        _ => false,
    };
    let (_, id) = a.resource_parts();
    sep_ok
        && a.account.len() == 12
        && !a.region.is_empty()
        && !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_rds_cluster_arn() {
        let a = Arn::parse("arn:aws:rds:us-east-1:123456789012:cluster:my-db").unwrap();
        assert_eq!(a.service, "rds");
        assert_eq!(a.region, "us-east-1");
        assert_eq!(a.resource_parts(), ("cluster", "my-db"));
    }

    #[test]
    fn parses_serverless_namespace_arn() {
        let a = Arn::parse("arn:aws:redshift-serverless:eu-west-1:123456789012:namespace/abc-1")
            .unwrap();
        assert_eq!(a.resource_parts(), ("namespace", "abc-1"));
        assert_eq!(account_of(&a.to_string()).as_deref(), Some("123456789012"));
    }

    #[test]
    fn rejects_malformed() {
        assert!(Arn::parse("arn:aws:rds:us-east-1").is_err());
        assert!(Arn::parse("not-an-arn:aws:rds:r:1:cluster:x").is_err());
        assert!(Arn::parse("arn:aws:rds:us-east-1:12ab:cluster:x").is_err());
        assert!(Arn::parse("arn:gcp:rds:us-east-1:1:cluster:x").is_err());
    }

    #[test]
    fn namespace_arns() {
        assert!(is_namespace_arn(
            "arn:aws:redshift:us-east-1:123456789012:namespace:a1b2-c3"
        ));
        assert!(is_namespace_arn(
            "arn:aws:redshift-serverless:us-east-1:123456789012:namespace/a1b2-c3"
        ));
        assert!(!is_namespace_arn(
            "arn:aws:redshift:us-east-1:123456789012:cluster:my-cluster"
        ));
        assert!(!is_namespace_arn(
            "arn:aws:redshift-serverless:us-east-1:123456789012:namespace:a1b2"
        ));
    }
}

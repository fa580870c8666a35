//! What the user named as source and target, parsed and validated before any call.

use crate::model::arn::{Arn, ArnError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRef {
    /// What DescribeDBClusters (or DescribeDBInstances) gets: the identifier or the full ARN.
    pub identifier: String,
    /// The Region named by an ARN.
    pub region: Option<String>,
    /// What the name is known to be.
    pub kind: SourceKind,
}

/// An Aurora DB cluster ARN, an RDS DB instance ARN, or a plain name that may be either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Cluster,
    Instance,
    /// A plain identifier: looked up as a cluster, then as a DB instance.
    Either,
    /// A DynamoDB table, named by its ARN (`arn:aws:dynamodb:R:A:table/NAME`).
    Table,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetRef {
    /// A provisioned cluster identifier or a Serverless workgroup name.
    Name(String),
    /// `arn:aws:redshift:R:A:cluster:ID`.
    ClusterArn { id: String, arn: Arn },
    /// `arn:aws:redshift:R:A:namespace:UUID`: a provisioned cluster's namespace.
    ProvisionedNamespace(Arn),
    /// `arn:aws:redshift-serverless:R:A:namespace/UUID`.
    ServerlessNamespace(Arn),
    /// `arn:aws:redshift-serverless:R:A:workgroup/UUID`.
    ServerlessWorkgroup(Arn),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RefError {
    #[error(transparent)]
    Arn(#[from] ArnError),
    #[error("{0}")]
    Invalid(String),
}

fn valid_identifier(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 255
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl SourceRef {
    pub fn parse(s: &str) -> Result<SourceRef, RefError> {
        let s = s.trim();
        if s.starts_with("arn:") {
            let arn = Arn::parse(s)?;
            let (kind, id) = arn.resource_parts();
            if arn.service == "dynamodb" {
                return table(s, &arn);
            }
            if arn.service != "rds" {
                return Err(RefError::Invalid(format!(
                    "--source '{s}' is a {} ARN; give a DB cluster or DB instance ARN (arn:aws:rds:REGION:ACCOUNT:cluster:NAME, …:db:NAME) or identifier, or a DynamoDB table ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME)",
                    arn.service
                )));
            }
            let kind = match kind {
                "cluster" => SourceKind::Cluster,
                "db" => SourceKind::Instance,
                _ => SourceKind::Either,
            };
            if kind == SourceKind::Either || !valid_identifier(id) {
                return Err(RefError::Invalid(format!(
                    "--source '{s}' is neither a DB cluster ARN (arn:aws:rds:REGION:ACCOUNT:cluster:NAME) nor a DB instance ARN (…:db:NAME)"
                )));
            }
            let region = Some(arn.region.clone()).filter(|r| !r.is_empty());
            return Ok(SourceRef {
                identifier: s.to_string(),
                region,
                kind,
            });
        }
        if !valid_identifier(s) {
            return Err(RefError::Invalid(format!(
                "--source '{s}' is neither a DB cluster or DB instance identifier (letters, digits, hyphens) nor an ARN"
            )));
        }
        Ok(SourceRef {
            identifier: s.to_string(),
            region: None,
            kind: SourceKind::Either,
        })
    }
}

/// A DynamoDB table ARN: `table/NAME`, the name 3–255 of letters, digits, `_`, `-`, `.`
/// (DynamoDB's naming rules), and a Region and account (an integration's source is one
/// table in one place).
fn table(s: &str, arn: &Arn) -> Result<SourceRef, RefError> {
    let bad = |why: &str| {
        RefError::Invalid(format!(
            "--source '{s}' is not a DynamoDB table ARN (arn:aws:dynamodb:REGION:ACCOUNT:table/NAME): {why}"
        ))
    };
    let Some(name) = arn.resource.strip_prefix("table/") else {
        return Err(bad("its resource is not table/NAME"));
    };
    let valid = (3..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !valid {
        return Err(bad(
            "a table name is 3 to 255 letters, digits, underscores, hyphens and dots (an index or stream ARN is not a table)",
        ));
    }
    if arn.region.is_empty() || arn.account.is_empty() {
        return Err(bad("it names no Region or no account"));
    }
    Ok(SourceRef {
        identifier: s.to_string(),
        region: Some(arn.region.clone()),
        kind: SourceKind::Table,
    })
}

impl TargetRef {
    pub fn parse(s: &str) -> Result<TargetRef, RefError> {
        let s = s.trim();
        if !s.starts_with("arn:") {
            if !valid_identifier(s) {
                return Err(RefError::Invalid(format!(
                    "--target '{s}' is neither a cluster identifier or workgroup name nor an ARN"
                )));
            }
            return Ok(TargetRef::Name(s.to_string()));
        }
        let arn = Arn::parse(s)?;
        let (kind, id) = arn.resource_parts();
        let id = id.to_string();
        let colon = arn.resource.starts_with(&format!("{kind}:"));
        match (arn.service.as_str(), kind, colon) {
            ("redshift", "cluster", true) if valid_identifier(&id) => Ok(TargetRef::ClusterArn { id, arn }),
            ("redshift", "namespace", true) if !id.is_empty() => Ok(TargetRef::ProvisionedNamespace(arn)),
            ("redshift-serverless", "namespace", false) if !id.is_empty() => {
                Ok(TargetRef::ServerlessNamespace(arn))
            }
            ("redshift-serverless", "workgroup", false) if !id.is_empty() => {
                Ok(TargetRef::ServerlessWorkgroup(arn))
            }
            _ => Err(RefError::Invalid(format!(
                "--target '{s}' is not a Redshift target ARN; expected a namespace ARN \
                 (arn:aws:redshift:R:A:namespace:ID or arn:aws:redshift-serverless:R:A:namespace/ID), \
                 a cluster ARN, a workgroup ARN, or a plain cluster or workgroup name"
            ))),
        }
    }

    /// The Region named by an ARN.
    pub fn region(&self) -> Option<String> {
        let arn = match self {
            TargetRef::Name(_) => return None,
            TargetRef::ClusterArn { arn, .. }
            | TargetRef::ProvisionedNamespace(arn)
            | TargetRef::ServerlessNamespace(arn)
            | TargetRef::ServerlessWorkgroup(arn) => arn,
        };
        Some(arn.region.clone()).filter(|r| !r.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_forms() {
        assert_eq!(SourceRef::parse("my-db").unwrap().region, None);
        let r = SourceRef::parse("arn:aws:rds:eu-west-1:123456789012:cluster:my-db").unwrap();
        assert_eq!(r.region.as_deref(), Some("eu-west-1"));
        assert_eq!(r.kind, SourceKind::Cluster);
        let i = SourceRef::parse("arn:aws:rds:eu-west-1:123456789012:db:inst").unwrap();
        assert_eq!(i.kind, SourceKind::Instance);
        assert_eq!(SourceRef::parse("my-db").unwrap().kind, SourceKind::Either);
        assert!(SourceRef::parse("arn:aws:rds:eu-west-1:123456789012:og:x").is_err());
        assert!(SourceRef::parse("arn:aws:rds:eu-west-1").is_err());
        assert!(SourceRef::parse("my db!").is_err());
    }

    #[test]
    fn target_forms() {
        assert!(matches!(
            TargetRef::parse("wg").unwrap(),
            TargetRef::Name(_)
        ));
        assert!(matches!(
            TargetRef::parse("arn:aws:redshift:us-east-1:123456789012:namespace:abc").unwrap(),
            TargetRef::ProvisionedNamespace(_)
        ));
        assert!(matches!(
            TargetRef::parse("arn:aws:redshift-serverless:us-east-1:123456789012:namespace/abc")
                .unwrap(),
            TargetRef::ServerlessNamespace(_)
        ));
        assert!(matches!(
            TargetRef::parse("arn:aws:redshift-serverless:us-east-1:123456789012:workgroup/abc")
                .unwrap(),
            TargetRef::ServerlessWorkgroup(_)
        ));
        assert!(matches!(
            TargetRef::parse("arn:aws:redshift:us-east-1:123456789012:cluster:c1").unwrap(),
            TargetRef::ClusterArn { .. }
        ));
        assert!(TargetRef::parse("arn:aws:s3:::bucket").is_err());
        assert!(TargetRef::parse("arn:aws:redshift-serverless:us-east-1:1:namespace:abc").is_err());
    }
}

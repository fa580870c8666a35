//! Who will create the integration, and what IAM's policy simulation says they may do
//! (`iam:SimulatePrincipalPolicy`). The simulation covers the principal's identity-based
//! policies and permissions boundary; it does not cover service control policies or session
//! policies, so an allowed answer can still be denied by those.

use serde::{Deserialize, Serialize};

use super::fact::Fact;

/// Actions simulated for the creator (not calls this tool makes).
pub const CREATE_INTEGRATION: &str = "rds:CreateIntegration";
/// What creates a DynamoDB table's integration: Redshift's own CreateIntegration.
pub const REDSHIFT_CREATE_INTEGRATION: &str = "redshift:CreateIntegration";

/// The action that creates an integration from `source` (an ARN), and the resources IAM
/// authorizes it on: `rds:CreateIntegration` on the source and the Region's
/// `rds:…:integration:*`, or for a DynamoDB table `redshift:CreateIntegration` on the
/// Region's `redshift:…:integration:*` (the resource Redshift's authorization page names).
pub fn create_integration(source: &str, region: &str) -> (&'static str, Vec<String>) {
    let partition = super::arn::partition_of(source);
    let account = super::arn::account_of(source).unwrap_or_default();
    if source.contains(":dynamodb:") {
        (
            REDSHIFT_CREATE_INTEGRATION,
            vec![format!(
                "arn:{partition}:redshift:{region}:{account}:integration:*"
            )],
        )
    } else {
        (
            CREATE_INTEGRATION,
            vec![
                source.to_string(),
                format!("arn:{partition}:rds:{region}:{account}:integration:*"),
            ],
        )
    }
}
pub const CREATE_GRANT: &str = "kms:CreateGrant";
pub const CREATE_INBOUND_INTEGRATION: &str = "redshift:CreateInboundIntegration";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Creator {
    /// The IAM principal simulated: `--creator`, or the acting role (from
    /// sts:GetCallerIdentity, an assumed-role session mapped to its role).
    pub arn: String,
    /// Where it came from: `--creator`, or `the acting principal`.
    pub origin: String,
    /// One answer per action and resource.
    pub simulated: Fact<Vec<Simulated>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Simulated {
    pub action: String,
    pub resource: String,
    /// `allowed`, `implicitDeny` or `explicitDeny`, as the simulation answers.
    pub decision: String,
    /// The statements that decided it (source policy id and position), when the simulation
    /// names them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matched: Vec<String>,
}

impl Creator {
    /// The answer for `action` on `resource`, if it was simulated.
    pub fn answer(&self, action: &str, resource: &str) -> Option<&Simulated> {
        self.simulated
            .ok()?
            .iter()
            .find(|s| s.action.eq_ignore_ascii_case(action) && s.resource == resource)
    }
}

/// The IAM role an assumed-role session ARN (`arn:aws:sts::A:assumed-role/NAME/SESSION`)
/// acts as; other ARNs are themselves. A role with a path is not recoverable from the
/// session ARN: `--creator` names it then.
pub fn principal_of(arn: &str) -> String {
    match arn.split_once(":assumed-role/") {
        Some((head, rest)) => {
            let role = rest.split('/').next().unwrap_or(rest);
            let account = head.rsplit(':').next().unwrap_or("");
            let partition = head.split(':').nth(1).unwrap_or("aws");
            format!("arn:{partition}:iam::{account}:role/{role}")
        }
        None => arn.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{create_integration, CREATE_INTEGRATION, REDSHIFT_CREATE_INTEGRATION};
    #[test]
    fn a_table_is_created_through_redshift() {
        let table = "arn:aws:dynamodb:eu-west-1:111122223333:table/orders";
        assert_eq!(
            create_integration(table, "eu-west-1"),
            (
                REDSHIFT_CREATE_INTEGRATION,
                vec!["arn:aws:redshift:eu-west-1:111122223333:integration:*".to_string()]
            )
        );
        let cluster = "arn:aws-cn:rds:cn-north-1:111122223333:cluster:orders";
        assert_eq!(
            create_integration(cluster, "cn-north-1"),
            (
                CREATE_INTEGRATION,
                vec![
                    cluster.to_string(),
                    "arn:aws-cn:rds:cn-north-1:111122223333:integration:*".to_string()
                ]
            )
        );
    }

    #[test]
    fn a_session_acts_as_its_role() {
        assert_eq!(
            super::principal_of("arn:aws:sts::123456789012:assumed-role/deployer/ci-run-7"),
            "arn:aws:iam::123456789012:role/deployer"
        );
        let user = "arn:aws:iam::123456789012:user/ana";
        assert_eq!(super::principal_of(user), user);
    }
}

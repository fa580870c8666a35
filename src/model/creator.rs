//! Who will create the integration, and what IAM's policy simulation says they may do
//! (`iam:SimulatePrincipalPolicy`). The simulation covers the principal's identity-based
//! policies and permissions boundary; it does not cover service control policies or session
//! policies, so an allowed answer can still be denied by those.

use serde::{Deserialize, Serialize};

use super::fact::Fact;

/// Actions simulated for the creator (not calls this tool makes).
pub const CREATE_INTEGRATION: &str = "rds:CreateIntegration";
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

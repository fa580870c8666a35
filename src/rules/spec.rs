//! The shape of a rule as written in `rules/*.toml`.

use serde::{Deserialize, Serialize};

use crate::model::{Severity, TargetKind};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(rename = "rule", default)]
    pub rules: Vec<Rule>,
    /// What an existing integration's error messages point at, next to the rules that
    /// confirm it.
    #[serde(rename = "cause", default)]
    pub causes: Vec<Cause>,
}

/// A cause an integration's `Errors` can name: the words of an error code or message that
/// point at it, and the rules that check whether it holds now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Cause {
    /// The cause in words, as the report shows it.
    pub what: String,
    /// Lower-case words or phrases; an error whose code or message contains one points here.
    pub words: Vec<String>,
    /// Codes of the rules that check this cause.
    pub rules: Vec<String>,
    /// The page that documents the messages.
    pub reference: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable code, e.g. `ZM001`. Never reused for another meaning.
    pub code: String,
    /// Stable kebab-case name, e.g. `aurora-enhanced-binlog`.
    pub name: String,
    /// One line stating the requirement.
    pub title: String,
    pub severity: Severity,
    /// Requirement IDs in the catalog (`AMY-P1`, `RS-T4`, ...).
    #[serde(default)]
    pub catalog: Vec<String>,
    #[serde(default)]
    pub applies_to: AppliesTo,
    /// How `check --fix` treats a failure of this rule.
    #[serde(default)]
    pub applicability: Applicability,
    pub check: Check,
    pub docs: Docs,
}

/// Fix applicability, as ruff has it: what `--fix` may do about a failure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applicability {
    /// No restart and no effect on other resources: applied by `--fix`.
    Safe,
    /// Needs a reboot, swaps a parameter group, or is felt by other consumers: applied only
    /// with `--unsafe-fixes`. (A safe fix can become unsafe in context, e.g. a shared group.)
    Unsafe,
    /// Not automated: the plan shows the command for a person to run.
    #[default]
    Manual,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::Manual => "manual",
        }
    }
}

impl Rule {
    /// The primary documentation URL.
    pub fn docs_url(&self) -> &str {
        self.docs
            .references
            .first()
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesTo {
    /// Source engines (`aurora-mysql`, `aurora-postgresql`); empty means all.
    #[serde(default)]
    pub engines: Vec<String>,
    /// Target kinds; empty means all.
    #[serde(default)]
    pub targets: Vec<TargetKind>,
    /// Source shapes (`aurora_cluster`, `instance`, `multi_az_cluster`); empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<crate::model::SourceShape>,
    /// The target's Regions, where a requirement is documented for some Regions only (the
    /// China Regions' pages); empty means all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// What the rule checks.
    pub what: String,
    /// Why it matters: what breaks when it does not hold.
    pub why: String,
    /// How to fix it by hand: an AWS CLI command. `{placeholders}` are filled per finding.
    pub fix: String,
    /// The fix when the target is Redshift Serverless, where it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_serverless: Option<String>,
    /// Why `check --fix` on a Terraform plan or CloudFormation template writes no edit into
    /// its source for this rule (a decision only a person can make, a create-time setting).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// AWS documentation URLs; the first is the finding's `docs` link.
    pub references: Vec<String>,
    /// Caveats: conflicting docs, inferred defaults, history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

pub use super::checks::data::DataProblem;
pub use super::checks::deployment::DeploymentProblem;
pub use super::checks::integrations::IntegrationCheck;
pub use super::checks::resource_policy::PolicyStatement;
pub use super::checks::Check;
pub use super::condition::{show, Condition, DocumentedDefault, Scalar};

#[cfg(test)]
mod tests {
    use super::*;

    /// Rules files written before the check kind was named `deployment` still load.
    #[test]
    fn the_deployment_kind_is_also_read_as_plan() {
        for kind in ["deployment", "plan"] {
            let text = format!("kind = \"{kind}\"\nproblem = \"arns\"\n");
            let check: Check = toml::from_str(&text).unwrap();
            assert!(
                matches!(
                    &check,
                    Check::Deployment(d) if d.problem == DeploymentProblem::Arns
                ),
                "{kind}"
            );
        }
    }
}

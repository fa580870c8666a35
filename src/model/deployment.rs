//! What a Terraform plan or CloudFormation template says about one pair that AWS's API does
//! not: what the deployment will do (create, replace, apply a parameter immediately), what is
//! unknown until it runs, and where each resource is written.
//!
//! A snapshot built from a plan holds the planned resources in the same fields as a live
//! read, so every rule judges it the same way. What the plan cannot tell (a value known only
//! after apply, a resource outside the plan that was not fetched) is named in `unknown`, and
//! the engine turns every rule that reads it into an `error` finding, never a pass.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeploymentFacts {
    /// `terraform` or `cloudformation`.
    pub tool: String,
    /// The plan or template file, as given.
    pub file: String,
    /// The integration resource, when the plan has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration: Option<PlannedIntegration>,
    /// The source's DB cluster parameter group as the plan writes it, when it is in the plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_group: Option<PlannedGroup>,
    /// The source cluster exists already (the plan updates it or leaves it be).
    #[serde(default)]
    pub source_exists: bool,
    /// The target exists already (a provisioned cluster or a workgroup the plan updates or
    /// leaves be).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub target_exists: bool,
    /// What this apply changes that an existing cluster's writer must reboot for whatever
    /// the parameters (a new parameter group): each one sentence.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reboot_needed: Vec<String>,
    /// Parameters of an existing cluster's group whose value or apply method this apply
    /// changes (the rules know which are static).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed_parameters: Vec<String>,
    /// Fact path (`source.cluster.EngineVersion`, `source.parameter_group.binlog_format`,
    /// `target.resource_policy`, …) → why it is not known. See `rules::reads`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unknown: BTreeMap<String, String>,
    /// Role (`source`, `source_group`, `target`, `target_group`, `workgroup`, `namespace`,
    /// `policy`, `integration`) → where that resource is written.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub locations: BTreeMap<String, Location>,
}

/// Where a planned resource is written: its address (Terraform) or logical id
/// (CloudFormation), and the file position when it is known (never invented).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedIntegration {
    pub address: String,
    /// Terraform's planned actions (`create`, `update`, `delete`, `no-op`, …); CloudFormation:
    /// `create`.
    pub actions: Vec<String>,
    /// Why the plan replaces it: `replace_paths` or `action_reason`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaced_because: Option<String>,
    /// `None` when the plan sets none; unknown values are named in `DeploymentFacts::unknown`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub additional_encryption_context: BTreeMap<String, String>,
    /// `IntegrationName`, when the plan knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What `SourceArn` and `TargetArn` are: the value when known, else the attribute of the
    /// resource they refer to (`aws_rds_cluster.source.arn`, `Warehouse.ClusterNamespaceArn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_arn: Option<Edge>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_arn: Option<Edge>,
}

/// What an ARN attribute of the integration is made of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Edge {
    /// A value the plan knows.
    Value(String),
    /// An attribute of a resource of the plan: (its address, the attribute).
    Attribute(String, String),
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedGroup {
    pub address: String,
    pub name: String,
    /// Every parameter the plan writes, with how it is applied.
    pub parameters: Vec<PlannedParameter>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedParameter {
    pub name: String,
    /// `None` when the value is unknown until apply.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Terraform's `apply_method` (`immediate`, `pending-reboot`); absent in CloudFormation,
    /// whose handler chooses.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_method: Option<String>,
}

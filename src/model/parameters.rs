//! Parameter groups as RDS and Redshift describe them: a source's DB (cluster) parameter
//! group and its engine defaults, a provisioned target's cluster parameter group.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One parameter as DescribeDBClusterParameters / DescribeClusterParameters report it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Parameter {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_value: Option<String>,
    /// `user`, `engine-default` or `system`. moto leaves it out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `static` or `dynamic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_modifiable: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterGroup {
    pub name: String,
    /// From DescribeDBClusterParameterGroups, when it could be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<String>,
    /// True for `default.*` groups: they hold engine defaults only and are not read.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub defaults_only: bool,
    pub parameters: Parameters,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineDefaults {
    pub family: String,
    pub parameters: Parameters,
}

/// A parameter list by name. Shared: every pair whose cluster uses the same group (or
/// family) points at one copy, so a fleet's memory does not grow with its group lists.
pub type Parameters = std::sync::Arc<BTreeMap<String, Parameter>>;

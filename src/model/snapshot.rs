//! The whole fetched world for one source/target pair. Field names are AWS's own, so a
//! snapshot reads like the API responses it came from, and rules can name fields the way
//! the AWS docs do.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::fact::Fact;
use super::parameters::ParameterGroup;
use super::source::SourceSnapshot;

/// Version of the snapshot file format. Bump on incompatible changes. Version 2 added the
/// source's DB instance (RDS sources); version 3 the DynamoDB table source.
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 3;

/// The older versions this one still reads.
pub const READABLE_SCHEMA_VERSIONS: [u32; 3] = [1, 2, 3];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub schema_version: u32,
    /// The zetl-preflight version that wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_version: Option<String>,
    /// When it was fetched (RFC 3339, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured_at: Option<String>,
    pub source: SourceSnapshot,
    pub target: TargetSnapshot,
    /// rds:DescribeIntegrations, every integration in the source's account and Region.
    pub integrations: Fact<Integrations>,
    /// The source database's catalog (`check --data`); absent when not asked for, an error
    /// when it could not be read (connection, authentication, TLS, permissions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<Fact<super::schema::SchemaFacts>>,
    /// Assumptions the read had to make that a person should know about (for example a
    /// target name taken as a cluster while the workgroup lookup failed).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// Built from a Terraform plan or CloudFormation template: what the deployment does and
    /// what it cannot know. Absent for a live read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    /// Serialized as `plan`, the key snapshots have always used.
    #[serde(rename = "plan")]
    pub deployment: Option<super::deployment::DeploymentFacts>,
    /// The integration's customer managed KMS key; absent: the AWS owned key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<super::kms::KmsKey>,
    /// Who will create the integration and what the policy simulation allows them; absent:
    /// not simulated (no principal known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator: Option<super::creator::Creator>,
    /// Why no creator was simulated in a live read: no `--creator`, and the acting principal
    /// could not be read (sts:GetCallerIdentity). The creator rules are then unverified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub creator_unknown: Option<super::fact::CallError>,
    /// The existing integration between the pair, read after creation: its status, metrics,
    /// alarms and (with `--tables`) table states. Absent: no integration, or not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health: Option<super::health::Health>,
}

/// Every integration in one account and Region, shared by all the pairs read there.
pub type Integrations = std::sync::Arc<Vec<Integration>>;

// ---------------------------------------------------------------- target (Redshift)

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TargetSnapshot {
    Provisioned(ProvisionedTarget),
    Serverless(ServerlessTarget),
}

impl TargetSnapshot {
    pub fn kind(&self) -> TargetKind {
        match self {
            TargetSnapshot::Provisioned(_) => TargetKind::Provisioned,
            TargetSnapshot::Serverless(_) => TargetKind::Serverless,
        }
    }

    pub fn region(&self) -> &str {
        match self {
            TargetSnapshot::Provisioned(p) => &p.region,
            TargetSnapshot::Serverless(s) => &s.region,
        }
    }

    /// The namespace ARN, the `TargetArn` of an integration, when known.
    pub fn namespace_arn(&self) -> Option<&str> {
        match self {
            TargetSnapshot::Provisioned(p) => p.cluster.cluster_namespace_arn.as_deref(),
            TargetSnapshot::Serverless(s) => s.namespace.ok().map(|n| n.namespace_arn.as_str()),
        }
    }

    /// A short human name: the cluster identifier or the workgroup name.
    pub fn display_id(&self) -> &str {
        match self {
            TargetSnapshot::Provisioned(p) => &p.cluster.cluster_identifier,
            TargetSnapshot::Serverless(s) => &s.workgroup.workgroup_name,
        }
    }

    pub fn resource_policy(&self) -> &Fact<Option<String>> {
        match self {
            TargetSnapshot::Provisioned(p) => &p.resource_policy,
            TargetSnapshot::Serverless(s) => &s.resource_policy,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Provisioned,
    Serverless,
}

impl std::fmt::Display for TargetKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TargetKind::Provisioned => "provisioned",
            TargetKind::Serverless => "serverless",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProvisionedTarget {
    pub region: String,
    /// redshift:DescribeClusters.
    pub cluster: RedshiftCluster,
    /// redshift:DescribeClusterParameters on the cluster's parameter group.
    pub parameter_group: Fact<ParameterGroup>,
    /// redshift:GetResourcePolicy on the namespace ARN; `null` when none is attached.
    pub resource_policy: Fact<Option<String>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RedshiftCluster {
    pub cluster_identifier: String,
    pub node_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number_of_nodes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
    pub cluster_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_namespace_arn: Option<String>,
    #[serde(default)]
    pub cluster_parameter_groups: Vec<ClusterParameterGroupStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enhanced_vpc_routing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_revision_number: Option<String>,
    /// Its tags: who owns it (`aws:cloudformation:stack-name`, a config's `managed_tags`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClusterParameterGroupStatus {
    pub parameter_group_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_apply_status: Option<String>,
    #[serde(default)]
    pub cluster_parameter_status_list: Vec<ClusterParameterStatus>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClusterParameterStatus {
    pub parameter_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_apply_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_apply_error_description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ServerlessTarget {
    pub region: String,
    /// redshift-serverless:GetWorkgroup.
    pub workgroup: Workgroup,
    /// redshift-serverless:GetNamespace.
    pub namespace: Fact<Namespace>,
    /// redshift:GetResourcePolicy on the namespace ARN; `null` when none is attached.
    pub resource_policy: Fact<Option<String>>,
    /// redshift-serverless:ListTagsForResource on the workgroup: read by `check --fix` only,
    /// to know whether code owns it (its live steps then stay manual). `None`: not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Fact<std::collections::BTreeMap<String, String>>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Workgroup {
    pub workgroup_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workgroup_arn: Option<String>,
    pub namespace_name: String,
    pub status: String,
    #[serde(default)]
    pub config_parameters: Vec<ConfigParameter>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigParameter {
    pub parameter_key: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_value: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    pub namespace_name: String,
    pub namespace_arn: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
}

// ---------------------------------------------------------------- integrations

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Integration {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_arn: Option<String>,
    pub source_arn: String,
    pub target_arn: String,
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_filter: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<IntegrationError>,
    /// A customer managed KMS key; absent: the AWS owned key.
    #[serde(rename = "KMSKeyId", default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub additional_encryption_context: std::collections::BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct IntegrationError {
    pub error_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
}

//! The whole fetched world for one source/target pair. Field names are AWS's own, so a
//! snapshot reads like the API responses it came from, and rules can name fields the way
//! the AWS docs do.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::fact::Fact;

/// The source engines zetl-preflight checks. A snapshot of any other engine is refused:
/// every engine rule would skip it, and an empty report must never read as READY. Every
/// RDS for Oracle edition is read, so that the edition rule (ZO002) can judge it; RDS Custom
/// for Oracle (`custom-oracle-*`) is not an RDS for Oracle DB instance and is refused.
pub const SUPPORTED_ENGINES: [&str; 10] = [
    "aurora-mysql",
    "aurora-postgresql",
    "mysql",
    "postgres",
    "oracle-ee",
    "oracle-ee-cdb",
    "oracle-se2",
    "oracle-se2-cdb",
    "oracle-se",
    "oracle-se1",
];

/// The engines, named for people: what a refusal lists.
pub const SUPPORTED_SOURCES: &str = "Aurora MySQL and Aurora PostgreSQL clusters, RDS for \
    MySQL, PostgreSQL and Oracle DB instances, and Multi-AZ DB clusters";

/// Version of the snapshot file format. Bump on incompatible changes. Version 2 added the
/// source's DB instance (RDS sources).
pub const SNAPSHOT_SCHEMA_VERSION: u32 = 2;

/// The older versions this one still reads.
pub const READABLE_SCHEMA_VERSIONS: [u32; 2] = [1, 2];

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

// ---------------------------------------------------------------- source (Aurora)

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSnapshot {
    /// The Region the cluster was read in.
    pub region: String,
    /// rds:DescribeDBClusters.
    pub cluster: DbCluster,
    /// rds:DescribeDBClusterParameters on the cluster's parameter group.
    pub parameter_group: Fact<ParameterGroup>,
    /// rds:DescribeEngineDefaultClusterParameters for the group's family.
    pub engine_defaults: Fact<EngineDefaults>,
    /// rds:DescribeGlobalClusters, when the cluster belongs to a global database.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_cluster: Option<Fact<GlobalCluster>>,
    /// rds:DescribeBlueGreenDeployments whose source is this cluster. `None` in snapshots
    /// written before this was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blue_green_deployments: Option<Fact<Vec<BlueGreenDeployment>>>,
    /// An RDS source (a DB instance): rds:DescribeDBInstances. `cluster` then stands for the
    /// instance as a one-member "cluster" (its identifier, ARN, engine, version, status, DB
    /// parameter group, and itself as the writer with its ParameterApplyStatus), and
    /// `parameter_group` / `engine_defaults` are DescribeDBParameters and
    /// DescribeEngineDefaultParameters. `None` for an Aurora cluster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance: Option<DbInstance>,
}

/// What kind of resource the source is: rules name the shapes they judge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceShape {
    /// An Aurora DB cluster.
    AuroraCluster,
    /// An RDS DB instance (RDS for MySQL, PostgreSQL, Oracle).
    Instance,
    /// A Multi-AZ DB cluster (RDS for MySQL or PostgreSQL with a writer and two readers).
    MultiAzCluster,
}

impl std::fmt::Display for SourceShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SourceShape::AuroraCluster => "aurora_cluster",
            SourceShape::Instance => "instance",
            SourceShape::MultiAzCluster => "multi_az_cluster",
        })
    }
}

impl SourceSnapshot {
    /// The source's ARN: the integration's `SourceArn`, whatever kind of source it is.
    pub fn arn(&self) -> &str {
        &self.cluster.db_cluster_arn
    }

    /// The source's identifier, as people name it.
    pub fn id(&self) -> &str {
        &self.cluster.db_cluster_identifier
    }

    /// The engine (`aurora-mysql`, `postgres`, `oracle-se2`, …).
    pub fn engine(&self) -> &str {
        &self.cluster.engine
    }

    /// The account the source is in, from its ARN.
    pub fn account(&self) -> Option<String> {
        super::arn::account_of(self.arn())
    }

    /// The source's shape: a DB instance when one was read, else an Aurora cluster for an
    /// `aurora-*` engine, else a Multi-AZ DB cluster. (A source that was not read counts as
    /// an Aurora cluster: no shape-specific rule runs on it anyway.)
    pub fn shape(&self) -> SourceShape {
        if self.instance.is_some() {
            SourceShape::Instance
        } else if self.cluster.engine.is_empty() || self.cluster.engine.starts_with("aurora-") {
            SourceShape::AuroraCluster
        } else {
            SourceShape::MultiAzCluster
        }
    }
}

/// An RDS DB instance as DescribeDBInstances reports it (the fields the rules read).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DbInstance {
    #[serde(rename = "DBInstanceIdentifier")]
    pub db_instance_identifier: String,
    #[serde(rename = "DBInstanceArn")]
    pub db_instance_arn: String,
    pub engine: String,
    pub engine_version: String,
    #[serde(rename = "DBInstanceStatus")]
    pub db_instance_status: String,
    /// `DBParameterGroups[0].DBParameterGroupName`.
    #[serde(rename = "DBParameterGroupName")]
    pub db_parameter_group_name: String,
    /// `DBParameterGroups[0].ParameterApplyStatus`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_apply_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_retention_period: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_type: Option<String>,
    #[serde(
        rename = "ReadReplicaSourceDBInstanceIdentifier",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub read_replica_source: Option<String>,
    #[serde(rename = "MultiAZ", default, skip_serializing_if = "Option::is_none")]
    pub multi_az: Option<bool>,
    /// The instance's read replicas (RMY-E2: not an integration on both a primary and its
    /// replica).
    #[serde(
        rename = "ReadReplicaDBInstanceIdentifiers",
        default,
        skip_serializing_if = "Vec::is_empty"
    )]
    pub read_replicas: Vec<String>,
    /// Changes waiting for the maintenance window or a reboot (RPG-E3: a major upgrade).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pending_modified_values: Option<PendingModifiedValues>,
}

/// `DescribeDBInstances.PendingModifiedValues`, the part the rules read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PendingModifiedValues {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalCluster {
    pub global_cluster_identifier: String,
    #[serde(default)]
    pub global_cluster_members: Vec<GlobalClusterMember>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct GlobalClusterMember {
    #[serde(rename = "DBClusterArn")]
    pub db_cluster_arn: String,
    pub is_writer: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct BlueGreenDeployment {
    pub blue_green_deployment_identifier: String,
    pub source: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct DbCluster {
    #[serde(rename = "DBClusterIdentifier")]
    pub db_cluster_identifier: String,
    #[serde(rename = "DBClusterArn")]
    pub db_cluster_arn: String,
    pub engine: String,
    pub engine_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine_mode: Option<String>,
    pub status: String,
    #[serde(rename = "DBClusterParameterGroup")]
    pub db_cluster_parameter_group: String,
    #[serde(rename = "DBClusterMembers", default)]
    pub db_cluster_members: Vec<ClusterMember>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backtrack_window: Option<i64>,
    /// A Multi-AZ DB cluster's automated backups (Aurora keeps them always).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backup_retention_period: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earliest_backtrack_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backtrack_consumed_change_records: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_account_clone: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_scalability_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serverless_v2_scaling_configuration: Option<ServerlessV2Scaling>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_cluster_identifier: Option<String>,
    /// The writer endpoint, its port and the master user: where `--data` connects by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_username: Option<String>,
    /// `MasterUserSecret.SecretArn` when RDS manages the master password in Secrets Manager.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub master_user_secret_arn: Option<String>,
    /// Its tags: who owns it (`aws:cloudformation:stack-name`, a config's `managed_tags`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

impl DbCluster {
    /// A cluster known only by name: every other field empty. What a source that was not read
    /// holds, and the base an RDS DB instance's stand-in is built on.
    pub fn named(identifier: &str, arn: &str) -> DbCluster {
        DbCluster {
            db_cluster_identifier: identifier.to_string(),
            db_cluster_arn: arn.to_string(),
            engine: String::new(),
            engine_version: String::new(),
            engine_mode: None,
            status: String::new(),
            db_cluster_parameter_group: String::new(),
            db_cluster_members: Vec::new(),
            backtrack_window: None,
            backup_retention_period: None,
            earliest_backtrack_time: None,
            backtrack_consumed_change_records: None,
            cross_account_clone: None,
            cluster_scalability_type: None,
            serverless_v2_scaling_configuration: None,
            global_cluster_identifier: None,
            endpoint: None,
            port: None,
            master_username: None,
            master_user_secret_arn: None,
            tags: BTreeMap::new(),
        }
    }

    pub fn writer(&self) -> Option<&ClusterMember> {
        self.db_cluster_members.iter().find(|m| m.is_cluster_writer)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ClusterMember {
    #[serde(rename = "DBInstanceIdentifier")]
    pub db_instance_identifier: String,
    pub is_cluster_writer: bool,
    #[serde(
        rename = "DBClusterParameterGroupStatus",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub db_cluster_parameter_group_status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ServerlessV2Scaling {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_capacity: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_capacity: Option<f64>,
}

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

/// Every integration in one account and Region, shared by all the pairs read there.
pub type Integrations = std::sync::Arc<Vec<Integration>>;

/// A parameter list by name. Shared: every pair whose cluster uses the same group (or
/// family) points at one copy, so a fleet's memory does not grow with its group lists.
pub type Parameters = std::sync::Arc<BTreeMap<String, Parameter>>;

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

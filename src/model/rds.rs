//! The facts of an RDS source (an Aurora DB cluster, an RDS DB instance, a Multi-AZ DB
//! cluster), in AWS's own field names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::fact::Fact;
use super::parameters::{EngineDefaults, ParameterGroup};

/// An RDS source: an Aurora DB cluster, an RDS DB instance or a Multi-AZ DB cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsSource {
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

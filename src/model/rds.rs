//! The facts of an RDS source (an Aurora DB cluster, an RDS DB instance, a Multi-AZ DB
//! cluster), in AWS's own field names.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::fact::Fact;
use super::parameters::{EngineDefaults, ParameterGroup};

/// An RDS source: an Aurora DB cluster, an RDS DB instance or a Multi-AZ DB cluster, each
/// with its own facts, and the parameter group and defaults every kind has. Serialized as
/// snapshots have always written it: a DB instance also as a one-member `cluster` beside its
/// `instance` (what older versions read), so versions 1 to 3 read each other's files.
#[derive(Debug, Clone, PartialEq)]
pub struct RdsSource {
    /// The Region the source was read in.
    pub region: String,
    /// The cluster or instance itself.
    pub resource: RdsResource,
    /// The source's parameter group: rds:DescribeDBClusterParameters (a cluster's) or
    /// rds:DescribeDBParameters (a DB instance's).
    pub parameter_group: Fact<ParameterGroup>,
    /// rds:DescribeEngineDefaultClusterParameters (or DescribeEngineDefaultParameters for a
    /// DB instance) for the group's family.
    pub engine_defaults: Fact<EngineDefaults>,
    /// rds:DescribeGlobalClusters, when the cluster belongs to a global database.
    pub global_cluster: Option<Fact<GlobalCluster>>,
    /// rds:DescribeBlueGreenDeployments whose source is this one. `None` in snapshots
    /// written before this was recorded.
    pub blue_green_deployments: Option<Fact<Vec<BlueGreenDeployment>>>,
}

/// The kinds of RDS source.
#[derive(Debug, Clone, PartialEq)]
pub enum RdsResource {
    /// An Aurora DB cluster (rds:DescribeDBClusters); also a source known only by name.
    AuroraCluster(DbCluster),
    /// A Multi-AZ DB cluster (rds:DescribeDBClusters): RDS for MySQL or PostgreSQL, a writer
    /// and two readers.
    MultiAzCluster(DbCluster),
    /// An RDS DB instance (rds:DescribeDBInstances).
    Instance(DbInstance),
}

impl RdsResource {
    /// A DB cluster as the kind its engine says: Aurora for an `aurora-*` engine (or a
    /// cluster known only by name), else a Multi-AZ DB cluster.
    pub fn of_cluster(cluster: DbCluster) -> RdsResource {
        if cluster.engine.is_empty() || cluster.engine.starts_with("aurora-") {
            RdsResource::AuroraCluster(cluster)
        } else {
            RdsResource::MultiAzCluster(cluster)
        }
    }
}

impl RdsSource {
    /// The DB cluster, Aurora or Multi-AZ; `None` for a DB instance.
    pub fn cluster(&self) -> Option<&DbCluster> {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => Some(c),
            RdsResource::Instance(_) => None,
        }
    }

    pub fn cluster_mut(&mut self) -> Option<&mut DbCluster> {
        match &mut self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => Some(c),
            RdsResource::Instance(_) => None,
        }
    }

    /// The DB instance; `None` for a cluster.
    pub fn instance(&self) -> Option<&DbInstance> {
        match &self.resource {
            RdsResource::Instance(i) => Some(i),
            _ => None,
        }
    }

    pub fn instance_mut(&mut self) -> Option<&mut DbInstance> {
        match &mut self.resource {
            RdsResource::Instance(i) => Some(i),
            _ => None,
        }
    }

    /// The cluster or instance identifier.
    pub fn id(&self) -> &str {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => {
                &c.db_cluster_identifier
            }
            RdsResource::Instance(i) => &i.db_instance_identifier,
        }
    }

    pub fn arn(&self) -> &str {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => &c.db_cluster_arn,
            RdsResource::Instance(i) => &i.db_instance_arn,
        }
    }

    pub fn engine(&self) -> &str {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => &c.engine,
            RdsResource::Instance(i) => &i.engine,
        }
    }

    pub fn engine_version(&self) -> &str {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => &c.engine_version,
            RdsResource::Instance(i) => &i.engine_version,
        }
    }

    /// `Status` of a cluster, `DBInstanceStatus` of an instance.
    pub fn status(&self) -> &str {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => &c.status,
            RdsResource::Instance(i) => &i.db_instance_status,
        }
    }

    /// The name of the source's parameter group (a DB cluster parameter group, or a DB
    /// instance's DB parameter group).
    pub fn parameter_group_name(&self) -> &str {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => {
                &c.db_cluster_parameter_group
            }
            RdsResource::Instance(i) => &i.db_parameter_group_name,
        }
    }

    /// Where the parameter group is in force: a cluster's writer (its
    /// DBClusterParameterGroupStatus), or the instance itself (its ParameterApplyStatus).
    /// `None`: a cluster without a writer.
    pub fn writer(&self) -> Option<Writer<'_>> {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => {
                c.writer().map(|w| Writer {
                    id: &w.db_instance_identifier,
                    apply_status: w.db_cluster_parameter_group_status.as_deref(),
                })
            }
            RdsResource::Instance(i) => Some(Writer {
                id: &i.db_instance_identifier,
                apply_status: i.parameter_apply_status.as_deref(),
            }),
        }
    }

    /// The writer endpoint and port: where `--data` connects by default.
    pub fn endpoint(&self) -> (Option<&str>, Option<i32>) {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => {
                (c.endpoint.as_deref(), c.port)
            }
            RdsResource::Instance(i) => (i.endpoint.as_deref(), i.port),
        }
    }

    pub fn master_username(&self) -> Option<&str> {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => {
                c.master_username.as_deref()
            }
            RdsResource::Instance(i) => i.master_username.as_deref(),
        }
    }

    /// `MasterUserSecret.SecretArn` when RDS manages the master password.
    pub fn master_user_secret_arn(&self) -> Option<&str> {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => {
                c.master_user_secret_arn.as_deref()
            }
            RdsResource::Instance(i) => i.master_user_secret_arn.as_deref(),
        }
    }

    pub fn tags(&self) -> &BTreeMap<String, String> {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => &c.tags,
            RdsResource::Instance(i) => &i.tags,
        }
    }

    /// The cluster as snapshots have always written it: a DB instance as a one-member
    /// cluster of itself.
    pub fn written_cluster(&self) -> std::borrow::Cow<'_, DbCluster> {
        match &self.resource {
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => {
                std::borrow::Cow::Borrowed(c)
            }
            RdsResource::Instance(i) => std::borrow::Cow::Owned(DbCluster {
                engine: i.engine.clone(),
                engine_version: i.engine_version.clone(),
                status: i.db_instance_status.clone(),
                db_cluster_parameter_group: i.db_parameter_group_name.clone(),
                db_cluster_members: vec![ClusterMember {
                    db_instance_identifier: i.db_instance_identifier.clone(),
                    is_cluster_writer: true,
                    db_cluster_parameter_group_status: i.parameter_apply_status.clone(),
                }],
                endpoint: i.endpoint.clone(),
                port: i.port,
                master_username: i.master_username.clone(),
                master_user_secret_arn: i.master_user_secret_arn.clone(),
                tags: i.tags.clone(),
                ..DbCluster::named(&i.db_instance_identifier, &i.db_instance_arn)
            }),
        }
    }
}

/// Where a source's parameter group is in force, and whether it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Writer<'a> {
    /// The DB instance.
    pub id: &'a str,
    /// `in-sync`, `pending-reboot`, `applying`; `None`: not reported.
    pub apply_status: Option<&'a str>,
}

/// How an RDS source is written: the fields snapshots have always had.
#[derive(Serialize)]
struct Written<'a> {
    region: &'a str,
    cluster: std::borrow::Cow<'a, DbCluster>,
    parameter_group: &'a Fact<ParameterGroup>,
    engine_defaults: &'a Fact<EngineDefaults>,
    #[serde(skip_serializing_if = "Option::is_none")]
    global_cluster: &'a Option<Fact<GlobalCluster>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    blue_green_deployments: &'a Option<Fact<Vec<BlueGreenDeployment>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    instance: Option<&'a DbInstance>,
}

impl Serialize for RdsSource {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Written {
            region: &self.region,
            cluster: self.written_cluster(),
            parameter_group: &self.parameter_group,
            engine_defaults: &self.engine_defaults,
            global_cluster: &self.global_cluster,
            blue_green_deployments: &self.blue_green_deployments,
            instance: self.instance(),
        }
        .serialize(s)
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
    /// `Endpoint.Address` and `Endpoint.Port`, `MasterUsername`, `MasterUserSecret.SecretArn`
    /// and the tags: written with the one-member `cluster` snapshots carry for an instance.
    #[serde(skip)]
    pub endpoint: Option<String>,
    #[serde(skip)]
    pub port: Option<i32>,
    #[serde(skip)]
    pub master_username: Option<String>,
    #[serde(skip)]
    pub master_user_secret_arn: Option<String>,
    #[serde(skip)]
    pub tags: BTreeMap<String, String>,
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
    /// holds, and the base of the one-member cluster an instance is written with.
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

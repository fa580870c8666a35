//! The source of a pair: a sum of kinds, each with its own facts. An RDS source (Aurora DB
//! cluster, RDS DB instance, Multi-AZ DB cluster) has parameter groups and members; a
//! DynamoDB table has point-in-time recovery and a resource policy. What every kind has (ARN,
//! Region, account, engine or service, status) is reached through [`SourceSnapshot`]'s
//! accessors; a check that reads a kind's own facts asks for that kind first, so a rule that
//! reads a table's parameter group does not compile.

use serde::{Deserialize, Serialize};

use super::dynamodb::{ContinuousBackups, Table, TablePolicy, TableSource};
use super::fact::Fact;
use super::kms::KmsKey;
use super::parameters::{EngineDefaults, ParameterGroup};
use super::rds::{
    BlueGreenDeployment, DbCluster, DbInstance, GlobalCluster, RdsResource, RdsSource,
};

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
    MySQL, PostgreSQL and Oracle DB instances, Multi-AZ DB clusters, and DynamoDB tables";

/// What a DynamoDB table source gives as its engine: the service.
pub const DYNAMODB: &str = "dynamodb";

/// A pair's source. Serialized as each kind's fields side by side (an RDS source as
/// snapshots have always written it; a table with `table`), so version 1 and 2 snapshots
/// load unchanged.
// One per pair, and both kinds are about a kilobyte: boxing would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(try_from = "Repr")]
pub enum SourceSnapshot {
    Rds(RdsSource),
    Table(TableSource),
}

impl Serialize for SourceSnapshot {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            SourceSnapshot::Rds(r) => r.serialize(s),
            SourceSnapshot::Table(t) => t.serialize(s),
        }
    }
}

/// Every kind's fields, each optional: which of `cluster` and `table` is present says the
/// kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Repr {
    region: String,
    cluster: Option<DbCluster>,
    parameter_group: Option<Fact<ParameterGroup>>,
    engine_defaults: Option<Fact<EngineDefaults>>,
    global_cluster: Option<Fact<GlobalCluster>>,
    blue_green_deployments: Option<Fact<Vec<BlueGreenDeployment>>>,
    instance: Option<DbInstance>,
    table: Option<Table>,
    continuous_backups: Option<Fact<ContinuousBackups>>,
    table_policy: Option<Fact<Option<TablePolicy>>>,
    key: Option<KmsKey>,
    tags: Option<Fact<std::collections::BTreeMap<String, String>>>,
}

impl TryFrom<Repr> for SourceSnapshot {
    type Error = String;

    fn try_from(r: Repr) -> Result<Self, String> {
        let missing = |field: &str| format!("missing field `{field}`");
        match (r.cluster, r.table) {
            (Some(cluster), None) => {
                let extra = [
                    ("continuous_backups", r.continuous_backups.is_some()),
                    ("table_policy", r.table_policy.is_some()),
                    ("key", r.key.is_some()),
                    ("tags", r.tags.is_some()),
                ];
                if let Some((field, _)) = extra.iter().find(|(_, set)| *set) {
                    return Err(format!(
                        "`{field}` is a DynamoDB table's field, and this source is a `cluster`"
                    ));
                }
                Ok(SourceSnapshot::Rds(RdsSource {
                    region: r.region,
                    resource: rds_resource(cluster, r.instance),
                    parameter_group: r
                        .parameter_group
                        .ok_or_else(|| missing("parameter_group"))?,
                    engine_defaults: r
                        .engine_defaults
                        .ok_or_else(|| missing("engine_defaults"))?,
                    global_cluster: r.global_cluster,
                    blue_green_deployments: r.blue_green_deployments,
                }))
            }
            (None, Some(table)) => {
                let extra = [
                    ("parameter_group", r.parameter_group.is_some()),
                    ("engine_defaults", r.engine_defaults.is_some()),
                    ("global_cluster", r.global_cluster.is_some()),
                    ("blue_green_deployments", r.blue_green_deployments.is_some()),
                    ("instance", r.instance.is_some()),
                ];
                if let Some((field, _)) = extra.iter().find(|(_, set)| *set) {
                    return Err(format!(
                        "`{field}` is an RDS source's field, and this source is a DynamoDB `table`"
                    ));
                }
                Ok(SourceSnapshot::Table(TableSource {
                    region: r.region,
                    table,
                    continuous_backups: r
                        .continuous_backups
                        .ok_or_else(|| missing("continuous_backups"))?,
                    table_policy: r.table_policy.ok_or_else(|| missing("table_policy"))?,
                    key: r.key,
                    tags: r.tags,
                }))
            }
            (Some(_), Some(_)) => {
                Err("a source has either a `cluster` or a `table`, not both".into())
            }
            (None, None) => {
                Err("missing field `cluster` (an RDS source) or `table` (a DynamoDB table)".into())
            }
        }
    }
}

/// The kind of RDS source a snapshot's `cluster` and `instance` describe: a DB instance when
/// one is there (its one-member `cluster` carries only its endpoint, master user and tags),
/// else an Aurora cluster for an `aurora-*` engine (or a source known only by name), else a
/// Multi-AZ DB cluster.
fn rds_resource(cluster: DbCluster, instance: Option<DbInstance>) -> RdsResource {
    match instance {
        Some(mut i) => {
            i.endpoint = cluster.endpoint;
            i.port = cluster.port;
            i.master_username = cluster.master_username;
            i.master_user_secret_arn = cluster.master_user_secret_arn;
            i.tags = cluster.tags;
            RdsResource::Instance(i)
        }
        None => RdsResource::of_cluster(cluster),
    }
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
    /// A DynamoDB table.
    DynamodbTable,
}

impl SourceShape {
    /// The RDS shapes: what a rule that reads an RDS source's own facts can judge.
    pub const RDS: [SourceShape; 3] = [
        SourceShape::AuroraCluster,
        SourceShape::Instance,
        SourceShape::MultiAzCluster,
    ];

    pub fn is_rds(self) -> bool {
        self != SourceShape::DynamodbTable
    }
}

impl std::fmt::Display for SourceShape {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SourceShape::AuroraCluster => "aurora_cluster",
            SourceShape::Instance => "instance",
            SourceShape::MultiAzCluster => "multi_az_cluster",
            SourceShape::DynamodbTable => "dynamodb_table",
        })
    }
}

impl SourceSnapshot {
    /// The source's ARN: the integration's `SourceArn`, whatever kind of source it is.
    pub fn arn(&self) -> &str {
        match self {
            SourceSnapshot::Rds(r) => r.arn(),
            SourceSnapshot::Table(t) => &t.table.table_arn,
        }
    }

    /// The source's identifier, as people name it (a cluster or instance identifier, a table
    /// name).
    pub fn id(&self) -> &str {
        match self {
            SourceSnapshot::Rds(r) => r.id(),
            SourceSnapshot::Table(t) => &t.table.table_name,
        }
    }

    /// The engine (`aurora-mysql`, `postgres`, `oracle-se2`, …), or `dynamodb` for a table.
    pub fn engine(&self) -> &str {
        match self {
            SourceSnapshot::Rds(r) => r.engine(),
            SourceSnapshot::Table(_) => DYNAMODB,
        }
    }

    /// The Region the source was read in.
    pub fn region(&self) -> &str {
        match self {
            SourceSnapshot::Rds(r) => &r.region,
            SourceSnapshot::Table(t) => &t.region,
        }
    }

    /// Its status as its service reports it (`available`, `ACTIVE`, …); empty when unread.
    pub fn status(&self) -> &str {
        match self {
            SourceSnapshot::Rds(r) => r.status(),
            SourceSnapshot::Table(t) => &t.table.table_status,
        }
    }

    /// Its tags: who owns it (`aws:cloudformation:stack-name`, a config's `managed_tags`).
    /// An RDS source's come with it; a table's are read by `check --fix` only (`None`: not
    /// read).
    pub fn tags(&self) -> Option<Fact<std::collections::BTreeMap<String, String>>> {
        match self {
            SourceSnapshot::Rds(r) => Some(Fact::Ok(r.tags().clone())),
            SourceSnapshot::Table(t) => t.tags.clone(),
        }
    }

    /// The engine version; empty for a table, which has none.
    pub fn version(&self) -> &str {
        match self {
            SourceSnapshot::Rds(r) => r.engine_version(),
            SourceSnapshot::Table(_) => "",
        }
    }

    /// Whether the source was read (a run that needs nothing of it names it only).
    pub fn was_read(&self) -> bool {
        match self {
            SourceSnapshot::Rds(r) => !r.engine().is_empty(),
            SourceSnapshot::Table(t) => !t.table.table_status.is_empty(),
        }
    }

    /// The account the source is in, from its ARN.
    pub fn account(&self) -> Option<String> {
        super::arn::account_of(self.arn())
    }

    /// The source's shape.
    pub fn shape(&self) -> SourceShape {
        match self {
            SourceSnapshot::Rds(r) => r.shape(),
            SourceSnapshot::Table(_) => SourceShape::DynamodbTable,
        }
    }

    /// The RDS source's facts; `None` for a table.
    pub fn rds(&self) -> Option<&RdsSource> {
        match self {
            SourceSnapshot::Rds(r) => Some(r),
            SourceSnapshot::Table(_) => None,
        }
    }

    pub fn rds_mut(&mut self) -> Option<&mut RdsSource> {
        match self {
            SourceSnapshot::Rds(r) => Some(r),
            SourceSnapshot::Table(_) => None,
        }
    }

    /// The DynamoDB table's facts; `None` for an RDS source.
    pub fn table(&self) -> Option<&TableSource> {
        match self {
            SourceSnapshot::Table(t) => Some(t),
            SourceSnapshot::Rds(_) => None,
        }
    }

    pub fn table_mut(&mut self) -> Option<&mut TableSource> {
        match self {
            SourceSnapshot::Table(t) => Some(t),
            SourceSnapshot::Rds(_) => None,
        }
    }
}

impl RdsSource {
    /// The shape of this RDS source. (A source that was not read counts as an Aurora
    /// cluster: no shape-specific rule runs on it anyway.)
    pub fn shape(&self) -> SourceShape {
        match self.resource {
            RdsResource::AuroraCluster(_) => SourceShape::AuroraCluster,
            RdsResource::MultiAzCluster(_) => SourceShape::MultiAzCluster,
            RdsResource::Instance(_) => SourceShape::Instance,
        }
    }
}

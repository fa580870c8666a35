//! The source end of a planned pair: the Aurora cluster (its writer, its DB cluster parameter
//! group) or the RDS DB instance (its DB parameter group), with the planned parameters, and
//! what the plan cannot tell about them.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::model::{
    ClusterMember, DbCluster, DbInstance, DeploymentFacts, Fact, Parameter, ParameterGroup,
    PlannedGroup, PlannedParameter, RdsResource, RdsSource, ServerlessV2Scaling, SourceSnapshot,
};

/// Where a source names its parameter group, and how that group is read.
struct GroupSlot {
    /// The source's attribute that names the group.
    attr: &'static str,
    /// The planned resource kind of such a group.
    kind: Kind,
    /// The call that would read a group outside the plan.
    call: &'static str,
    /// The group, for people.
    what: &'static str,
    /// The snapshot field the group's name goes to.
    field: &'static str,
}

const CLUSTER_GROUP: GroupSlot = GroupSlot {
    attr: "db_cluster_parameter_group_name",
    kind: Kind::ClusterGroup,
    call: crate::fetch::calls::DESCRIBE_DB_CLUSTER_PARAMETERS,
    what: "DB cluster parameter group",
    field: "source.cluster.DBClusterParameterGroup",
};

const INSTANCE_GROUP: GroupSlot = GroupSlot {
    attr: "parameter_group_name",
    kind: Kind::InstanceGroup,
    call: crate::fetch::calls::DESCRIBE_DB_PARAMETERS,
    what: "DB parameter group",
    field: "source.instance.DBParameterGroupName",
};

/// `CreateDBInstance`'s documented default `BackupRetentionPeriod`: 1 day.
const DEFAULT_BACKUP_DAYS: i64 = 1;

use super::{defaults_group, empty_group, not_in_plan, scalar, Kind, Res, Resolved, World};

impl World {
    pub(super) fn source(
        &self,
        c: &Res,
        plan: &mut DeploymentFacts,
    ) -> Result<SourceSnapshot, String> {
        let engine = c
            .str("engine")
            .ok_or_else(|| format!("{} has no known engine", c.address))?
            .to_string();
        if !engine.starts_with("aurora-")
            || !crate::model::SUPPORTED_ENGINES.contains(&engine.as_str())
        {
            return Err(format!(
                "{} runs engine '{engine}'; zetl-preflight checks {}, not Multi-AZ DB clusters yet",
                c.address,
                crate::model::SUPPORTED_SOURCES
            ));
        }
        let region = self.region_for(c, "arn", "source", plan);
        let engine_version = match c.str("engine_version") {
            Some(v) => v.to_string(),
            None => {
                let why = if c.is_unknown("engine_version") {
                    format!("{}.engine_version is known only after apply", c.address)
                } else {
                    format!(
                        "{} sets no engine_version: AWS picks the default version at apply; pin one",
                        c.address
                    )
                };
                plan.unknown
                    .insert("source.cluster.EngineVersion".into(), why);
                "(known after apply)".into()
            }
        };
        let exists = c.exists();
        // An existing cluster's live state, and its history: whether backtrack was ever on,
        // whether it is a cross-account clone.
        for (field, what) in [
            ("Status", "Status"),
            ("DBClusterMembers", "DBClusterMembers"),
            ("BacktrackWindow", "backtrack history"),
            ("CrossAccountClone", "CrossAccountClone"),
        ] {
            Self::live_state(plan, &format!("source.cluster.{field}"), c, what);
        }
        for (attr, field) in [
            ("backtrack_window", "BacktrackWindow"),
            ("global_cluster_identifier", "GlobalClusterIdentifier"),
            ("engine_mode", "EngineMode"),
        ] {
            if c.is_unknown(attr) {
                Self::after_apply(plan, &format!("source.cluster.{field}"), c, attr);
            }
        }
        // The writer and readers: the plan's instances of this cluster; the first one writes.
        let members: Vec<ClusterMember> = self
            .of(Kind::ClusterInstance)
            .filter(|i| i.refers_to("cluster_identifier", c, "cluster_identifier"))
            .enumerate()
            .map(|(n, i)| ClusterMember {
                db_instance_identifier: i
                    .str("identifier")
                    .unwrap_or(i.address.as_str())
                    .to_string(),
                is_cluster_writer: n == 0,
                db_cluster_parameter_group_status: Some("in-sync".into()),
            })
            .collect();
        let (group_name, parameter_group) =
            self.source_group(c, &CLUSTER_GROUP, &engine, &engine_version, plan);
        let scaling = c
            .blocks("serverlessv2_scaling_configuration")
            .first()
            .map(|b| ServerlessV2Scaling {
                min_capacity: b.get("min_capacity").and_then(Value::as_f64),
                max_capacity: b.get("max_capacity").and_then(Value::as_f64),
            });
        let global = c.str("global_cluster_identifier").map(str::to_string);
        let cluster = DbCluster {
            db_cluster_identifier: c
                .str("cluster_identifier")
                .unwrap_or(c.address.as_str())
                .to_string(),
            db_cluster_arn: c.str("arn").unwrap_or(c.address.as_str()).to_string(),
            engine: engine.clone(),
            engine_version: engine_version.clone(),
            engine_mode: Some(c.str("engine_mode").unwrap_or("provisioned").to_string()),
            status: if exists {
                "(not in the plan)"
            } else {
                "available"
            }
            .to_string(),
            db_cluster_parameter_group: group_name,
            db_cluster_members: members,
            backtrack_window: c.int("backtrack_window").filter(|w| *w > 0),
            backup_retention_period: None,
            earliest_backtrack_time: None,
            backtrack_consumed_change_records: None,
            cross_account_clone: None,
            cluster_scalability_type: c.str("cluster_scalability_type").map(str::to_string),
            serverless_v2_scaling_configuration: scaling,
            global_cluster_identifier: global.clone(),
            endpoint: None,
            port: None,
            master_username: None,
            master_user_secret_arn: None,
            // A plan is fixed in its source, never live: who owns it is not asked.
            tags: Default::default(),
        };
        Ok(SourceSnapshot::Rds(RdsSource {
            region,
            resource: RdsResource::AuroraCluster(cluster),
            parameter_group,
            engine_defaults: Fact::Error(not_in_plan(
                "rds:DescribeEngineDefaultClusterParameters",
                &format!(
                    "the engine defaults of {}",
                    crate::model::family_for(&engine, &engine_version)
                ),
            )),
            global_cluster: global.map(|_| {
                Fact::Error(not_in_plan(
                    "rds:DescribeGlobalClusters",
                    "the global database",
                ))
            }),
            blue_green_deployments: Some(if exists {
                Fact::Error(not_in_plan(
                    "rds:DescribeBlueGreenDeployments",
                    "the cluster's blue/green deployments",
                ))
            } else {
                // A cluster this apply creates has none.
                Fact::Ok(Vec::new())
            }),
        }))
    }

    /// An RDS DB instance as the source (RDS for MySQL, PostgreSQL, Oracle): the instance's
    /// planned settings and its DB parameter group.
    pub(super) fn instance_source(
        &self,
        i: &Res,
        plan: &mut DeploymentFacts,
    ) -> Result<SourceSnapshot, String> {
        let engine = i
            .str("engine")
            .ok_or_else(|| format!("{} has no known engine", i.address))?
            .to_string();
        if !crate::model::SUPPORTED_ENGINES.contains(&engine.as_str()) {
            return Err(format!(
                "{} runs engine '{engine}'; zetl-preflight checks {}",
                i.address,
                crate::model::SUPPORTED_SOURCES
            ));
        }
        let region = self.region_for(i, "arn", "source", plan);
        let engine_version = match i.str("engine_version") {
            Some(v) => v.to_string(),
            None => {
                plan.unknown.insert(
                    "source.cluster.EngineVersion".into(),
                    format!(
                        "{} sets no engine_version (or it is known only after apply): AWS picks the default version at apply; pin one",
                        i.address
                    ),
                );
                "(known after apply)".into()
            }
        };
        let exists = i.exists();
        Self::live_state(plan, "source.instance.DBInstanceStatus", i, "status");
        for (attr, field) in [
            (
                "replicate_source_db",
                "ReadReplicaSourceDBInstanceIdentifier",
            ),
            ("storage_type", "StorageType"),
        ] {
            if i.set_but_unknown(attr) {
                Self::after_apply(plan, &format!("source.instance.{field}"), i, attr);
            }
        }
        let (group_name, parameter_group) =
            self.source_group(i, &INSTANCE_GROUP, &engine, &engine_version, plan);
        let id = i
            .str("identifier")
            .unwrap_or(i.address.as_str())
            .to_string();
        let arn = i.str("arn").unwrap_or(i.address.as_str()).to_string();
        let status = if exists {
            "(not in the plan)"
        } else {
            "available"
        }
        .to_string();
        let instance = DbInstance {
            db_instance_identifier: id.clone(),
            db_instance_arn: arn.clone(),
            engine: engine.clone(),
            engine_version: engine_version.clone(),
            db_instance_status: status.clone(),
            db_parameter_group_name: group_name.clone(),
            parameter_apply_status: Some("in-sync".into()),
            // Unset, AWS applies CreateDBInstance's documented default.
            backup_retention_period: Some(
                i.int("backup_retention_period")
                    .unwrap_or(DEFAULT_BACKUP_DAYS) as i32,
            ),
            // Unset, AWS picks an SSD type (gp2, or io1 with IOPS): never magnetic.
            storage_type: Some(i.str("storage_type").unwrap_or("gp2").to_string()),
            read_replica_source: i.str("replicate_source_db").map(str::to_string),
            multi_az: i.bool("multi_az"),
            read_replicas: Vec::new(),
            pending_modified_values: None,
            endpoint: None,
            port: None,
            master_username: None,
            master_user_secret_arn: None,
            // A plan is fixed in its source, never live: who owns it is not asked.
            tags: Default::default(),
        };
        Ok(SourceSnapshot::Rds(RdsSource {
            region,
            resource: RdsResource::Instance(instance),
            parameter_group,
            engine_defaults: Fact::Error(not_in_plan(
                crate::fetch::calls::DESCRIBE_ENGINE_DEFAULT_PARAMETERS,
                &format!(
                    "the engine defaults of {}",
                    crate::model::family_for(&engine, &engine_version)
                ),
            )),
            global_cluster: None,
            blue_green_deployments: Some(if exists {
                Fact::Error(not_in_plan(
                    "rds:DescribeBlueGreenDeployments",
                    "the instance's blue/green deployments",
                ))
            } else {
                Fact::Ok(Vec::new())
            }),
        }))
    }

    /// The source's parameter group: its name and what the plan puts in it.
    fn source_group(
        &self,
        c: &Res,
        slot: &GroupSlot,
        engine: &str,
        version: &str,
        plan: &mut DeploymentFacts,
    ) -> (String, Fact<ParameterGroup>) {
        let attr = slot.attr;
        let family = crate::model::family_for(engine, version);
        if c.changed.contains(attr) {
            plan.reboot_needed.push(format!(
                "gives {} the parameter group {}",
                c.address,
                c.str(attr).unwrap_or("(known after apply)")
            ));
        }
        match self.resolve(c, attr, &[slot.kind], &["name"]) {
            Resolved::InPlan(g) => {
                plan.locations
                    .insert("source_group".into(), g.location.clone());
                let name = g.str("name").unwrap_or(g.address.as_str()).to_string();
                if g.is_unknown("parameter") {
                    Self::after_apply(plan, "source.parameter_group", g, "parameter");
                }
                let mut planned = Vec::new();
                let mut params = BTreeMap::new();
                for (n, p) in g.blocks("parameter").into_iter().enumerate() {
                    let Some(pname) = p.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    let value = p.get("value").and_then(scalar);
                    let unknown_value = g.unknown.contains(&format!("parameter[{n}].value"));
                    if value.is_none() || unknown_value {
                        plan.unknown.insert(
                            format!("source.parameter_group.{pname}"),
                            format!(
                                "the value of {pname} in {} is known only after apply",
                                g.address
                            ),
                        );
                    }
                    if let (Some(v), false) = (&value, unknown_value) {
                        params.insert(
                            pname.to_string(),
                            Parameter {
                                parameter_value: Some(v.clone()),
                                source: Some("user".into()),
                                ..Parameter::default()
                            },
                        );
                    }
                    planned.push(PlannedParameter {
                        name: pname.to_string(),
                        value: value.filter(|_| !unknown_value),
                        apply_method: p
                            .get("apply_method")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                    });
                }
                if c.exists() {
                    plan.changed_parameters = g.changed_parameters.clone();
                }
                plan.source_group = Some(PlannedGroup {
                    address: g.address.clone(),
                    name: name.clone(),
                    parameters: planned,
                });
                (
                    name.clone(),
                    Fact::Ok(ParameterGroup {
                        name,
                        family: g.str("family").map(str::to_string).or(Some(family)),
                        defaults_only: false,
                        parameters: Arc::new(params),
                    }),
                )
            }
            Resolved::Outside(name) if name.starts_with("default.") => {
                (name.clone(), Fact::Ok(defaults_group(&name, Some(family))))
            }
            Resolved::Outside(name) => (
                name.clone(),
                Fact::Error(not_in_plan(slot.call, &format!("the {} {name}", slot.what))),
            ),
            Resolved::Unknown => {
                Self::after_apply(plan, "source.parameter_group", c, attr);
                Self::after_apply(plan, slot.field, c, attr);
                (
                    "(known after apply)".into(),
                    Fact::Ok(empty_group("(known after apply)")),
                )
            }
            // No group named: the source gets its family's default group.
            Resolved::Unset => {
                let name = format!("default.{family}");
                (name.clone(), Fact::Ok(defaults_group(&name, Some(family))))
            }
        }
    }
}

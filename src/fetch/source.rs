//! The source side: an Aurora cluster or an RDS DB instance, its parameter group, the engine
//! defaults, integrations.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_sdk_rds::types as rds;

use crate::model::snapshot::Integrations;
use crate::model::Parameters;
use crate::model::{
    BlueGreenDeployment, CallError, ClusterMember, DbCluster, DbInstance, EngineDefaults, Fact,
    GlobalCluster, GlobalClusterMember, Integration, IntegrationError, Parameter, ParameterGroup,
    PendingModifiedValues, RdsResource, RdsSource, ServerlessV2Scaling, SourceSnapshot,
    SUPPORTED_ENGINES, SUPPORTED_SOURCES,
};

use super::cache::{memo, Listed};
use super::calls;
use super::clients::SourceClients;
use crate::model::reads::{not_read, Optional};

use super::error::{
    all_page_items, all_pages, call_error, hint_for, is_not_found, unreadable, FetchError,
};
use super::refs::{SourceKind, SourceRef};

/// The source: an Aurora DB cluster, or an RDS DB instance, with notes for the report. A
/// plain name is looked up as a DB cluster and as a DB instance at once: a name that is both
/// a cluster and a standalone instance is ambiguous (pass the ARN); the instances of a
/// cluster do not count, as they are the cluster's.
pub async fn fetch(
    c: &SourceClients,
    source: &SourceRef,
) -> Result<(SourceSnapshot, Vec<String>), FetchError> {
    match source.kind {
        SourceKind::Instance => match describe_instance(c, source).await {
            Ok(Some(i)) => Ok((instance_snapshot(c, source, &i).await?, Vec::new())),
            Ok(None) => Err(instance_not_found(c, source)),
            Err(e) => Err(unreadable(&source.identifier, "RDS DB instance", e)),
        },
        SourceKind::Cluster => Ok((fetch_cluster(c, source).await?, Vec::new())),
        SourceKind::Table => Ok((super::dynamodb::fetch(c, source).await?, Vec::new())),
        SourceKind::Either => {
            let (cluster, instance) =
                tokio::join!(fetch_cluster(c, source), describe_instance(c, source));
            let standalone = |i: &rds::DbInstance| i.db_cluster_identifier().is_none();
            match (cluster, instance) {
                (Ok(_), Ok(Some(i))) if standalone(&i) => {
                    Err(FetchError::AmbiguousSource(source.identifier.clone()))
                }
                (Ok(snap), Err(e)) => Ok((
                    snap,
                    vec![format!(
                        "'{}' was taken as the DB cluster of that name; a DB instance of the same name could not be ruled out ({})",
                        source.identifier,
                        e.describe()
                    )],
                )),
                (Ok(snap), Ok(_)) => Ok((snap, Vec::new())),
                (Err(FetchError::NotFound { region, .. }), Ok(None)) => {
                    Err(FetchError::NotFound {
                        what: "Aurora DB cluster or RDS DB instance",
                        id: source.identifier.clone(),
                        region,
                        hint: "Neither DescribeDBClusters nor DescribeDBInstances knows it: check the \
                               identifier and --region"
                            .into(),
                    })
                }
                (Err(FetchError::NotFound { .. }), Ok(Some(i))) => {
                    Ok((instance_snapshot(c, source, &i).await?, Vec::new()))
                }
                // No cluster has the name, and the DB instance lookup could not answer: say both.
                (Err(FetchError::NotFound { .. }), Err(e)) => {
                    let hint = hint_for(&e);
                    Err(FetchError::Unreadable {
                        what: "RDS DB instance",
                        id: source.identifier.clone(),
                        error: Box::new(e),
                        hint: format!(
                            "No Aurora DB cluster has that name (DescribeDBClusters). {hint}"
                        ),
                    })
                }
                (Err(e), _) => Err(e),
            }
        }
    }
}

async fn fetch_cluster(
    c: &SourceClients,
    source: &SourceRef,
) -> Result<SourceSnapshot, FetchError> {
    let region = c.region();
    let cluster = describe_cluster(c, source, &region).await?;
    let group = cluster.db_cluster_parameter_group.clone();
    let cache = c.cache.as_ref();
    let key = |id: &str| format!("{region}/{id}");
    let global_id = cluster.global_cluster_identifier.clone();
    let (family, parameters, global_cluster, blue_green) = tokio::join!(
        memo(
            cache,
            |x| &x.group_families,
            key(&group),
            || group_family(&cluster)
        ),
        memo(
            cache,
            |x| &x.group_parameters,
            key(&group),
            || { group_parameters(c, &group, false) }
        ),
        memo(
            cache,
            |x| &x.global_clusters,
            key(global_id.as_deref().unwrap_or("")),
            || global_cluster(c, global_id.as_deref())
        ),
        blue_green(c, &region, &cluster.db_cluster_arn),
    );
    let engine_defaults = memo(
        cache,
        |x| &x.engine_defaults,
        key(&family),
        || engine_defaults(c, &family),
    )
    .await;
    let parameter_group = parameters.map(|(defaults_only, parameters)| ParameterGroup {
        name: group.clone(),
        family: Some(family.clone()),
        defaults_only,
        parameters,
    });
    Ok(SourceSnapshot::Rds(RdsSource {
        region,
        resource: RdsResource::of_cluster(cluster),
        parameter_group: parameter_group.into(),
        engine_defaults: engine_defaults.into(),
        global_cluster: global_cluster.map(Fact::from),
        blue_green_deployments: Some(blue_green.into()),
    }))
}

/// The global database the cluster belongs to, if any.
async fn global_cluster(
    c: &SourceClients,
    id: Option<&str>,
) -> Option<Result<GlobalCluster, CallError>> {
    // AWS gives the identifier; some emulators give the global cluster's ARN.
    let id = id?;
    if let Err(e) = calls::left_out(c.wanted, Optional::GlobalCluster) {
        return Some(Err(e));
    }
    let id = id
        .rsplit_once(":global-cluster:")
        .map_or(id, |(_, name)| name);
    let out = c
        .rds
        .describe_global_clusters()
        .global_cluster_identifier(id)
        .send()
        .await
        .map_err(|e| call_error(calls::DESCRIBE_GLOBAL_CLUSTERS, e));
    Some(out.and_then(|o| {
        let g = o.global_clusters().first().ok_or_else(|| {
            CallError::new(
                calls::DESCRIBE_GLOBAL_CLUSTERS,
                None,
                format!("global cluster {id} was not returned"),
            )
        })?;
        Ok(GlobalCluster {
            global_cluster_identifier: id.to_string(),
            global_cluster_members: g
                .global_cluster_members()
                .iter()
                .map(|m| GlobalClusterMember {
                    db_cluster_arn: m.db_cluster_arn().unwrap_or_default().to_string(),
                    is_writer: m.is_writer().unwrap_or(false),
                })
                .collect(),
        })
    }))
}

/// Blue/green deployments whose source is this cluster: every deployment of the Region (all
/// pages, read once per run), filtered.
async fn blue_green(
    c: &SourceClients,
    region: &str,
    arn: &str,
) -> Result<Vec<BlueGreenDeployment>, CallError> {
    calls::left_out(c.wanted, Optional::BlueGreen)?;
    let all = memo(
        c.cache.as_ref(),
        |x| &x.blue_green,
        region.to_string(),
        || all_blue_green(c),
    )
    .await?;
    Ok(all.iter().filter(|d| d.source == arn).cloned().collect())
}

async fn all_blue_green(c: &SourceClients) -> Listed<BlueGreenDeployment> {
    let all = all_pages(
        c.rds
            .describe_blue_green_deployments()
            .into_paginator()
            .items()
            .send(),
        calls::DESCRIBE_BLUE_GREEN_DEPLOYMENTS,
    )
    .await?;
    Ok(all
        .iter()
        .map(|d| BlueGreenDeployment {
            blue_green_deployment_identifier: d
                .blue_green_deployment_identifier()
                .unwrap_or_default()
                .to_string(),
            source: d.source().unwrap_or_default().to_string(),
            target: d.target().map(str::to_string),
            status: d.status().unwrap_or_default().to_string(),
        })
        .collect::<Vec<_>>()
        .into())
}

async fn describe_cluster(
    c: &SourceClients,
    source: &SourceRef,
    region: &str,
) -> Result<DbCluster, FetchError> {
    const CALL: &str = calls::DESCRIBE_DB_CLUSTERS;
    // A fleet run reads the Region's clusters once (all pages) and finds each source there.
    if let Some(Ok(list)) = c.cache.as_ref().and_then(|k| k.db_clusters.peek(region)) {
        let found = list.iter().find(|cl| {
            cl.db_cluster_identifier() == Some(source.identifier.as_str())
                || cl.db_cluster_arn() == Some(source.identifier.as_str())
        });
        return match found {
            Some(cl) => checked(cl, source),
            None => Err(FetchError::NotFound {
                what: "Aurora DB cluster",
                id: source.identifier.clone(),
                region: region.to_string(),
                hint: "Check the identifier and --region (aws rds describe-db-clusters lists them)"
                    .into(),
            }),
        };
    }
    let out = c
        .rds
        .describe_db_clusters()
        .db_cluster_identifier(&source.identifier)
        .send()
        .await
        .map_err(|e| call_error(CALL, e));
    let out =
        match out {
            Ok(o) => o,
            Err(e) if is_not_found(&e) => return Err(FetchError::NotFound {
                what: "Aurora DB cluster",
                id: source.identifier.clone(),
                region: region.to_string(),
                hint: "Check the identifier and --region (aws rds describe-db-clusters lists them)"
                    .into(),
            }),
            Err(e) => return Err(unreadable(&source.identifier, "Aurora DB cluster", e)),
        };
    let Some(cl) = out.db_clusters().first() else {
        return Err(FetchError::NotFound {
            what: "Aurora DB cluster",
            id: source.identifier.clone(),
            region: region.to_string(),
            hint: "DescribeDBClusters returned no cluster".into(),
        });
    };
    checked(cl, source)
}

/// The cluster as the snapshot holds it, if it is complete and of an engine the rules cover.
fn checked(cl: &rds::DbCluster, source: &SourceRef) -> Result<DbCluster, FetchError> {
    let cluster = convert_cluster(cl).map_err(|e| FetchError::Unreadable {
        what: "Aurora DB cluster",
        id: source.identifier.clone(),
        hint: "The answer was incomplete; try again, and check any proxy between you and AWS"
            .into(),
        error: Box::new(e),
    })?;
    // A DB cluster of a non-Aurora engine is a Multi-AZ DB cluster (MySQL or PostgreSQL).
    let multi_az = matches!(cluster.engine.as_str(), "mysql" | "postgres");
    if !(cluster.engine.starts_with("aurora-") || multi_az)
        || !SUPPORTED_ENGINES.contains(&cluster.engine.as_str())
    {
        return Err(FetchError::Unsupported(format!(
            "DB cluster '{}' runs engine '{}'; zetl-preflight checks {SUPPORTED_SOURCES}",
            cluster.db_cluster_identifier, cluster.engine
        )));
    }
    Ok(cluster)
}

/// A cluster as the snapshot holds it. The fields AWS always returns are required: an answer
/// without them (a body cut short, a broken proxy) is a failed read, never defaults.
fn convert_cluster(cl: &rds::DbCluster) -> Result<DbCluster, CallError> {
    let s = |v: Option<&str>| v.unwrap_or_default().to_string();
    let required = |v: Option<&str>, field: &str| {
        v.filter(|x| !x.is_empty())
            .map(str::to_string)
            .ok_or_else(|| {
                CallError::new(
                    calls::DESCRIBE_DB_CLUSTERS,
                    None,
                    format!("the answer has no {field} for the cluster (incomplete response)"),
                )
            })
    };
    Ok(DbCluster {
        db_cluster_identifier: s(cl.db_cluster_identifier()),
        db_cluster_arn: required(cl.db_cluster_arn(), "DBClusterArn")?,
        engine: required(cl.engine(), "Engine")?,
        engine_version: required(cl.engine_version(), "EngineVersion")?,
        engine_mode: cl.engine_mode().map(str::to_string),
        status: required(cl.status(), "Status")?,
        db_cluster_parameter_group: s(cl.db_cluster_parameter_group()),
        db_cluster_members: cl
            .db_cluster_members()
            .iter()
            .map(|m| ClusterMember {
                db_instance_identifier: s(m.db_instance_identifier()),
                is_cluster_writer: m.is_cluster_writer().unwrap_or(false),
                db_cluster_parameter_group_status: m
                    .db_cluster_parameter_group_status()
                    .map(str::to_string),
            })
            .collect(),
        backtrack_window: cl.backtrack_window(),
        backup_retention_period: cl.backup_retention_period(),
        earliest_backtrack_time: cl.earliest_backtrack_time().map(|t| t.to_string()),
        backtrack_consumed_change_records: cl.backtrack_consumed_change_records(),
        cross_account_clone: cl.cross_account_clone(),
        cluster_scalability_type: cl
            .cluster_scalability_type()
            .map(|t| t.as_str().to_string()),
        serverless_v2_scaling_configuration: cl.serverless_v2_scaling_configuration().map(|v| {
            ServerlessV2Scaling {
                min_capacity: v.min_capacity(),
                max_capacity: v.max_capacity(),
            }
        }),
        global_cluster_identifier: cl.global_cluster_identifier().map(str::to_string),
        endpoint: cl.endpoint().map(str::to_string),
        port: cl.port(),
        master_username: cl.master_username().map(str::to_string),
        master_user_secret_arn: cl
            .master_user_secret()
            .and_then(|s| s.secret_arn())
            .map(str::to_string),
        tags: cl
            .tag_list()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
            .collect(),
    })
}

/// The group's family: the one its engine version needs. AWS only lets a cluster use a group
/// of its own engine family, so this is the group's family without a call per group.
async fn group_family(cluster: &DbCluster) -> String {
    crate::model::family_for(&cluster.engine, &cluster.engine_version)
}

fn convert_parameters(params: &[rds::Parameter]) -> BTreeMap<String, Parameter> {
    params
        .iter()
        .filter_map(|p| {
            Some((
                p.parameter_name()?.to_string(),
                Parameter {
                    parameter_value: p.parameter_value().map(str::to_string),
                    source: p.source().map(str::to_string),
                    apply_type: p.apply_type().map(str::to_string),
                    is_modifiable: p.is_modifiable(),
                },
            ))
        })
        .collect()
}

/// Every parameter of the group, all pages: a DB cluster parameter group, or with `db` an
/// RDS instance's DB parameter group. A `default.*` group holds engine defaults only, so it is
/// not read (some emulators cannot describe it); the engine defaults stand for it.
async fn group_parameters(
    c: &SourceClients,
    group: &str,
    db: bool,
) -> Result<(bool, Parameters), CallError> {
    let call = if db {
        calls::DESCRIBE_DB_PARAMETERS
    } else {
        calls::DESCRIBE_DB_CLUSTER_PARAMETERS
    };
    if !c.wanted.wants(Optional::SourceParameters) {
        return Err(not_read(call));
    }
    if group.starts_with("default.") {
        return Ok((true, Parameters::default()));
    }
    let params = if db {
        let pages = c
            .rds
            .describe_db_parameters()
            .db_parameter_group_name(group);
        all_page_items(pages.into_paginator().send(), call, "Parameters", |p| {
            p.parameters
        })
        .await?
    } else {
        let pages = c
            .rds
            .describe_db_cluster_parameters()
            .db_cluster_parameter_group_name(group);
        all_page_items(pages.into_paginator().send(), call, "Parameters", |p| {
            p.parameters
        })
        .await?
    };
    Ok((false, convert_parameters(&params).into()))
}

/// The engine defaults of a cluster parameter group family, all pages.
pub async fn engine_defaults(c: &SourceClients, family: &str) -> Result<EngineDefaults, CallError> {
    defaults_of(c, family, false).await
}

/// The engine defaults of a family, all pages: a cluster family, or with `db` a DB parameter
/// group family (an RDS instance's).
async fn defaults_of(
    c: &SourceClients,
    family: &str,
    db: bool,
) -> Result<EngineDefaults, CallError> {
    let call = if db {
        calls::DESCRIBE_ENGINE_DEFAULT_PARAMETERS
    } else {
        calls::DESCRIBE_ENGINE_DEFAULT_CLUSTER_PARAMETERS
    };
    if !c.wanted.wants(Optional::EngineDefaults) {
        return Err(not_read(call));
    }
    let element = "EngineDefaults.Parameters";
    let params = if db {
        let pages = c
            .rds
            .describe_engine_default_parameters()
            .db_parameter_group_family(family);
        all_page_items(pages.into_paginator().send(), call, element, |p| {
            p.engine_defaults.and_then(|d| d.parameters)
        })
        .await?
    } else {
        let pages = c
            .rds
            .describe_engine_default_cluster_parameters()
            .db_parameter_group_family(family);
        all_page_items(pages.into_paginator().send(), call, element, |p| {
            p.engine_defaults.and_then(|d| d.parameters)
        })
        .await?
    };
    Ok(EngineDefaults {
        family: family.to_string(),
        parameters: convert_parameters(&params).into(),
    })
}

/// Every DB cluster in the Region, all pages.
pub async fn all_clusters(c: &SourceClients) -> Listed<rds::DbCluster> {
    all_pages(
        c.rds.describe_db_clusters().into_paginator().items().send(),
        calls::DESCRIBE_DB_CLUSTERS,
    )
    .await
    .map(Arc::new)
}

/// Every DB instance in the Region, all pages.
pub async fn all_instances(c: &SourceClients) -> Listed<rds::DbInstance> {
    all_pages(
        c.rds
            .describe_db_instances()
            .into_paginator()
            .items()
            .send(),
        calls::DESCRIBE_DB_INSTANCES,
    )
    .await
    .map(Arc::new)
}

/// Every integration in the account and Region, all pages.
pub async fn integrations(c: &SourceClients) -> Fact<Integrations> {
    if let Err(e) = calls::left_out(c.wanted, Optional::Integrations) {
        return Fact::Error(e);
    }
    let all = all_pages(
        c.rds
            .describe_integrations()
            .into_paginator()
            .items()
            .send(),
        calls::DESCRIBE_INTEGRATIONS,
    )
    .await;
    all.map(|list| {
        list.iter()
            .map(|i| Integration {
                integration_name: i.integration_name().map(str::to_string),
                integration_arn: i.integration_arn().map(str::to_string),
                source_arn: i.source_arn().unwrap_or_default().to_string(),
                target_arn: i.target_arn().unwrap_or_default().to_string(),
                status: i
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                data_filter: i.data_filter().map(str::to_string),
                kms_key_id: i.kms_key_id().map(str::to_string),
                additional_encryption_context: i
                    .additional_encryption_context()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
                errors: i
                    .errors()
                    .iter()
                    .map(|e| IntegrationError {
                        error_code: e.error_code().unwrap_or_default().to_string(),
                        error_message: e.error_message().map(str::to_string),
                    })
                    .collect(),
            })
            .collect::<Vec<_>>()
            .into()
    })
    .into()
}

fn instance_not_found(c: &SourceClients, source: &SourceRef) -> FetchError {
    FetchError::NotFound {
        what: "RDS DB instance",
        id: source.identifier.clone(),
        region: c.region(),
        hint: "Check the identifier and --region (aws rds describe-db-instances lists them)".into(),
    }
}

/// The DB instance of that identifier or ARN, `None` when there is none: from the Region's
/// list when a fleet run read it, else one DescribeDBInstances.
async fn describe_instance(
    c: &SourceClients,
    source: &SourceRef,
) -> Result<Option<rds::DbInstance>, CallError> {
    let is_it = |i: &rds::DbInstance| {
        i.db_instance_identifier() == Some(source.identifier.as_str())
            || i.db_instance_arn() == Some(source.identifier.as_str())
    };
    if let Some(Ok(list)) = c
        .cache
        .as_ref()
        .and_then(|k| k.db_instances.peek(&c.region()))
    {
        return Ok(list.iter().find(|i| is_it(i)).cloned());
    }
    match c
        .rds
        .describe_db_instances()
        .db_instance_identifier(&source.identifier)
        .send()
        .await
        .map_err(|e| call_error(calls::DESCRIBE_DB_INSTANCES, e))
    {
        Ok(o) => Ok(o.db_instances().first().cloned()),
        Err(e) if is_not_found(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// An RDS DB instance as the source: the instance, its DB parameter group (all pages), the
/// engine defaults of its family, blue/green deployments ([`RdsResource::Instance`]).
async fn instance_snapshot(
    c: &SourceClients,
    source: &SourceRef,
    i: &rds::DbInstance,
) -> Result<SourceSnapshot, FetchError> {
    let region = c.region();
    let instance = convert_instance(i, source)?;
    let family = crate::model::family_for(&instance.engine, &instance.engine_version);
    let group = instance.db_parameter_group_name.clone();
    let cache = c.cache.as_ref();
    // DB parameter groups and cluster parameter groups are separate namespaces.
    let key = |id: &str| format!("db:{region}/{id}");
    let (parameters, engine_defaults, blue_green) = tokio::join!(
        memo(
            cache,
            |x| &x.group_parameters,
            key(&group),
            || { group_parameters(c, &group, true) }
        ),
        memo(
            cache,
            |x| &x.engine_defaults,
            key(&family),
            || { defaults_of(c, &family, true) }
        ),
        blue_green(c, &region, &instance.db_instance_arn),
    );
    let parameter_group = parameters.map(|(defaults_only, parameters)| ParameterGroup {
        name: group.clone(),
        family: Some(family.clone()),
        defaults_only,
        parameters,
    });
    Ok(SourceSnapshot::Rds(RdsSource {
        region,
        resource: RdsResource::Instance(instance),
        parameter_group: parameter_group.into(),
        engine_defaults: engine_defaults.into(),
        global_cluster: None,
        blue_green_deployments: Some(blue_green.into()),
    }))
}

/// The instance as the snapshot holds it, if it is an RDS source the rules cover.
fn convert_instance(i: &rds::DbInstance, source: &SourceRef) -> Result<DbInstance, FetchError> {
    let id = i
        .db_instance_identifier()
        .unwrap_or(&source.identifier)
        .to_string();
    if let Some(cluster) = i.db_cluster_identifier() {
        return Err(FetchError::Unsupported(format!(
            "'{id}' is a DB instance of the DB cluster '{cluster}': name the cluster (--source {cluster})"
        )));
    }
    let engine = i.engine().unwrap_or_default().to_string();
    if !SUPPORTED_ENGINES.contains(&engine.as_str()) {
        return Err(FetchError::Unsupported(format!(
            "'{id}' is a DB instance of engine {engine}; zero-ETL into Redshift starts only at \
             {SUPPORTED_SOURCES}, and zetl-preflight checks those"
        )));
    }
    let group = i.db_parameter_groups().first();
    let incomplete = |field: &str| FetchError::Unreadable {
        what: "RDS DB instance",
        id: id.clone(),
        error: Box::new(CallError::new(
            calls::DESCRIBE_DB_INSTANCES,
            None,
            format!("the answer has no {field} for the instance (incomplete response)"),
        )),
        hint: "Try again, and check any proxy between you and AWS".into(),
    };
    Ok(DbInstance {
        db_instance_identifier: id.clone(),
        db_instance_arn: i
            .db_instance_arn()
            .ok_or_else(|| incomplete("DBInstanceArn"))?
            .to_string(),
        engine,
        engine_version: i
            .engine_version()
            .ok_or_else(|| incomplete("EngineVersion"))?
            .to_string(),
        db_instance_status: i
            .db_instance_status()
            .ok_or_else(|| incomplete("DBInstanceStatus"))?
            .to_string(),
        db_parameter_group_name: group
            .and_then(|g| g.db_parameter_group_name())
            .ok_or_else(|| incomplete("DBParameterGroups"))?
            .to_string(),
        parameter_apply_status: group
            .and_then(|g| g.parameter_apply_status())
            .map(str::to_string),
        backup_retention_period: i.backup_retention_period(),
        storage_type: i.storage_type().map(str::to_string),
        read_replica_source: i
            .read_replica_source_db_instance_identifier()
            .map(str::to_string),
        multi_az: i.multi_az(),
        read_replicas: i
            .read_replica_db_instance_identifiers()
            .iter()
            .map(|r| r.to_string())
            .collect(),
        pending_modified_values: i.pending_modified_values().map(|p| PendingModifiedValues {
            engine_version: p.engine_version().map(str::to_string),
        }),
        endpoint: i.endpoint().and_then(|e| e.address()).map(str::to_string),
        port: i.endpoint().and_then(|e| e.port()),
        master_username: i.master_username().map(str::to_string),
        master_user_secret_arn: i
            .master_user_secret()
            .and_then(|s| s.secret_arn())
            .map(str::to_string),
        tags: i
            .tag_list()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
            .collect(),
    })
}

//! The imperative half of fixing: run a plan's actions in order against AWS, stop at the
//! first failed call, journal each change, and wait (bounded) for rebooted or modified
//! resources to be available again.

use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use serde::Serialize;

use crate::fetch::calls;
use crate::fetch::error::call_error;
use crate::fetch::{SourceClients, TargetClients};
use crate::model::CallError;
use crate::progress::Progress;
use crate::rules::spec::Applicability;

use super::action::{Action, Op, ParamSet, Plan};
use super::journal::Journal;

#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// Apply unsafe actions too.
    pub unsafe_fixes: bool,
    /// How long to wait for a resource to be available again.
    pub wait_timeout: Duration,
    /// Time between status polls (and before the first one).
    pub poll: Duration,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Outcome {
    Applied,
    /// Not applied, and why (`needs --unsafe-fixes`, `manual`).
    Skipped {
        why: String,
    },
    Failed {
        error: CallError,
    },
    /// After a failure: not tried.
    NotAttempted,
}

/// The clients a plan's calls go to: the source's and the target's always; KMS, CloudWatch
/// and the Redshift Data API when the plan has such a call to make.
#[derive(Debug, Clone, Copy)]
pub struct Reach<'a> {
    pub source: &'a SourceClients,
    pub target: &'a TargetClients,
    pub kms: Option<&'a aws_sdk_kms::Client>,
    pub cloudwatch: Option<&'a aws_sdk_cloudwatch::Client>,
    /// The target's Data API, for SQL statements (`INTEGRATION REFRESH`).
    pub data_api: Option<&'a aws_sdk_redshiftdata::Client>,
}

impl<'a> Reach<'a> {
    /// The source and the target, and nothing else.
    pub fn new(source: &'a SourceClients, target: &'a TargetClients) -> Reach<'a> {
        Reach {
            source,
            target,
            kms: None,
            cloudwatch: None,
            data_api: None,
        }
    }
}

/// Apply `plan`. Returns one outcome per action, in order.
pub async fn apply(
    plan: &Plan,
    reach: Reach<'_>,
    opts: &ApplyOptions,
    journal: &mut Journal,
) -> Vec<Outcome> {
    let mut out = Vec::with_capacity(plan.actions.len());
    let mut failed = false;
    for (i, a) in plan.actions.iter().enumerate() {
        match a.applicability {
            Applicability::Manual => {
                out.push(Outcome::Skipped {
                    why: "manual: run the command shown".into(),
                });
                continue;
            }
            _ if failed => {
                out.push(Outcome::NotAttempted);
                continue;
            }
            Applicability::Unsafe if !opts.unsafe_fixes => {
                out.push(Outcome::Skipped {
                    why: "unsafe: needs --unsafe-fixes".into(),
                });
                continue;
            }
            _ => {}
        }
        let _progress =
            Progress::start(format!("[{}/{}] {}", i + 1, plan.actions.len(), a.summary));
        let result = run(a, reach, opts).await;
        if let Err(e) = journal.append(i + 1, a, result.as_ref().err()) {
            out.push(Outcome::Failed {
                error: CallError::new(
                    "journal",
                    None,
                    format!(
                        "the change was made but cannot be journaled in {}: {e}",
                        journal.path().display()
                    ),
                ),
            });
            failed = true;
            continue;
        }
        match result {
            Ok(()) => out.push(Outcome::Applied),
            Err(error) => {
                out.push(Outcome::Failed { error });
                failed = true;
            }
        }
    }
    out
}

/// The result of a call that returns nothing the fix needs.
fn done<T, E>(call: &str, r: Result<T, SdkError<E, HttpResponse>>) -> Result<(), CallError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    r.map(|_| ()).map_err(|e| call_error(call, e))
}

fn rds_params(ps: &[ParamSet], with_values: bool) -> Vec<aws_sdk_rds::types::Parameter> {
    ps.iter()
        .map(|p| {
            let b = aws_sdk_rds::types::Parameter::builder()
                .parameter_name(&p.name)
                .apply_method(aws_sdk_rds::types::ApplyMethod::from(
                    p.apply_method.as_str(),
                ));
            if with_values {
                b.parameter_value(&p.value)
            } else {
                b
            }
            .build()
        })
        .collect()
}

async fn run(a: &Action, reach: Reach<'_>, opts: &ApplyOptions) -> Result<(), CallError> {
    let (src, tgt, kms, cw) = (reach.source, reach.target, reach.kms, reach.cloudwatch);
    let call = a.op.call();
    match &a.op {
        Op::CreateDbClusterParameterGroup {
            name,
            family,
            description,
        } => done(
            call,
            src.rds
                .create_db_cluster_parameter_group()
                .db_cluster_parameter_group_name(name)
                .db_parameter_group_family(family)
                .description(description)
                .send()
                .await,
        ),
        Op::ModifyDbClusterParameterGroup { group, parameters } => done(
            call,
            src.rds
                .modify_db_cluster_parameter_group()
                .db_cluster_parameter_group_name(group)
                .set_parameters(Some(rds_params(parameters, true)))
                .send()
                .await,
        ),
        Op::ResetDbClusterParameterGroup { group, parameters } => done(
            call,
            src.rds
                .reset_db_cluster_parameter_group()
                .db_cluster_parameter_group_name(group)
                .reset_all_parameters(false)
                .set_parameters(Some(rds_params(parameters, false)))
                .send()
                .await,
        ),
        Op::ModifyDbCluster {
            cluster,
            parameter_group,
        } => {
            src.rds
                .modify_db_cluster()
                .db_cluster_identifier(cluster)
                .db_cluster_parameter_group_name(parameter_group)
                .apply_immediately(true)
                .send()
                .await
                .map_err(|e| call_error(call, e))?;
            wait(opts, Waited::DbCluster(cluster), src, tgt).await
        }
        Op::RebootDbInstance { instance } => {
            src.rds
                .reboot_db_instance()
                .db_instance_identifier(instance)
                .send()
                .await
                .map_err(|e| call_error(call, e))?;
            wait(opts, Waited::DbInstance(instance), src, tgt).await
        }
        Op::RebootDbCluster { cluster } => {
            src.rds
                .reboot_db_cluster()
                .db_cluster_identifier(cluster)
                .send()
                .await
                .map_err(|e| call_error(call, e))?;
            wait(opts, Waited::DbCluster(cluster), src, tgt).await
        }
        Op::CreateDbParameterGroup {
            name,
            family,
            description,
        } => done(
            call,
            src.rds
                .create_db_parameter_group()
                .db_parameter_group_name(name)
                .db_parameter_group_family(family)
                .description(description)
                .send()
                .await,
        ),
        Op::CopyDbParameterGroup {
            source,
            name,
            description,
        } => done(
            call,
            src.rds
                .copy_db_parameter_group()
                .source_db_parameter_group_identifier(source)
                .target_db_parameter_group_identifier(name)
                .target_db_parameter_group_description(description)
                .send()
                .await,
        ),
        Op::ModifyDbParameterGroup { group, parameters } => done(
            call,
            src.rds
                .modify_db_parameter_group()
                .db_parameter_group_name(group)
                .set_parameters(Some(rds_params(parameters, true)))
                .send()
                .await,
        ),
        Op::ResetDbParameterGroup { group, parameters } => done(
            call,
            src.rds
                .reset_db_parameter_group()
                .db_parameter_group_name(group)
                .reset_all_parameters(false)
                .set_parameters(Some(rds_params(parameters, false)))
                .send()
                .await,
        ),
        Op::ModifyDbInstance {
            instance,
            parameter_group,
        } => {
            src.rds
                .modify_db_instance()
                .db_instance_identifier(instance)
                .db_parameter_group_name(parameter_group)
                .apply_immediately(true)
                .send()
                .await
                .map_err(|e| call_error(call, e))?;
            wait(opts, Waited::DbInstance(instance), src, tgt).await
        }
        Op::SetBackupRetention { instance, days } => {
            src.rds
                .modify_db_instance()
                .db_instance_identifier(instance)
                .backup_retention_period(*days)
                .apply_immediately(true)
                .send()
                .await
                .map_err(|e| call_error(call, e))?;
            wait(opts, Waited::DbInstance(instance), src, tgt).await
        }
        Op::CreateClusterParameterGroup {
            name,
            family,
            description,
        } => done(
            call,
            tgt.redshift
                .create_cluster_parameter_group()
                .parameter_group_name(name)
                .parameter_group_family(family)
                .description(description)
                .send()
                .await,
        ),
        Op::ModifyClusterParameterGroup { group, parameters } => done(
            call,
            tgt.redshift
                .modify_cluster_parameter_group()
                .parameter_group_name(group)
                .set_parameters(Some(
                    parameters
                        .iter()
                        .map(|p| {
                            aws_sdk_redshift::types::Parameter::builder()
                                .parameter_name(&p.name)
                                .parameter_value(&p.value)
                                .build()
                        })
                        .collect(),
                ))
                .send()
                .await,
        ),
        Op::ModifyCluster {
            cluster,
            parameter_group,
        } => {
            tgt.redshift
                .modify_cluster()
                .cluster_identifier(cluster)
                .cluster_parameter_group_name(parameter_group)
                .send()
                .await
                .map_err(|e| call_error(call, e))?;
            wait(opts, Waited::RedshiftCluster(cluster), src, tgt).await
        }
        Op::RebootCluster { cluster } => {
            tgt.redshift
                .reboot_cluster()
                .cluster_identifier(cluster)
                .send()
                .await
                .map_err(|e| call_error(call, e))?;
            wait(opts, Waited::RedshiftCluster(cluster), src, tgt).await
        }
        Op::PutResourcePolicy {
            resource_arn,
            policy,
        } => done(
            call,
            tgt.redshift
                .put_resource_policy()
                .resource_arn(resource_arn)
                .policy(policy)
                .send()
                .await,
        ),
        Op::UpdateContinuousBackups { table } => {
            let spec = aws_sdk_dynamodb::types::PointInTimeRecoverySpecification::builder()
                .point_in_time_recovery_enabled(true)
                .build()
                .map_err(|e| CallError::new(call, None, e.to_string()))?;
            done(
                call,
                src.dynamodb
                    .update_continuous_backups()
                    .table_name(table)
                    .point_in_time_recovery_specification(spec)
                    .send()
                    .await,
            )
        }
        Op::PutTablePolicy {
            table,
            policy,
            expected_revision_id,
        } => done(
            call,
            src.dynamodb
                .put_resource_policy()
                .resource_arn(table)
                .policy(policy)
                .expected_revision_id(expected_revision_id)
                .send()
                .await,
        ),
        Op::PutKeyPolicy { key_id, policy } => match kms {
            Some(kms) => done(
                call,
                kms.put_key_policy()
                    .key_id(key_id)
                    .policy_name("default")
                    .policy(policy)
                    .send()
                    .await,
            ),
            None => Err(CallError::new(
                call,
                None,
                "no KMS client to change the key with",
            )),
        },
        Op::UpdateWorkgroup {
            workgroup,
            config_parameters,
        } => {
            tgt.serverless
                .update_workgroup()
                .workgroup_name(workgroup)
                .set_config_parameters(Some(
                    config_parameters
                        .iter()
                        .map(|(k, v)| {
                            aws_sdk_redshiftserverless::types::ConfigParameter::builder()
                                .parameter_key(k)
                                .parameter_value(v)
                                .build()
                        })
                        .collect(),
                ))
                .send()
                .await
                .map_err(|e| call_error(call, e))?;
            wait(opts, Waited::Workgroup(workgroup), src, tgt).await
        }
        Op::PutMetricAlarm(alarm) => match cw {
            Some(cw) => done(call, put_alarm(cw, alarm).await),
            None => Err(CallError::new(
                call,
                None,
                "no CloudWatch client to create the alarm with",
            )),
        },
        Op::RefreshTables { at, sql, .. } => match reach.data_api {
            Some(api) => {
                crate::fetch::redshift_data::execute(api, at, sql, opts.poll, opts.wait_timeout)
                    .await
            }
            None => Err(CallError::new(
                call,
                None,
                "no Redshift Data API client to run the statement with",
            )),
        },
        Op::Manual => Ok(()),
    }
}

/// A resource a change leaves busy, waited for until it is available again.
#[derive(Debug, Clone, Copy)]
enum Waited<'a> {
    DbCluster(&'a str),
    DbInstance(&'a str),
    RedshiftCluster(&'a str),
    Workgroup(&'a str),
}

impl Waited<'_> {
    fn describe(self) -> String {
        match self {
            Waited::DbCluster(id) => format!("DB cluster {id}"),
            Waited::DbInstance(id) => format!("DB instance {id}"),
            Waited::RedshiftCluster(id) => format!("Redshift cluster {id}"),
            Waited::Workgroup(name) => format!("workgroup {name}"),
        }
    }

    /// Its status now, as the service words it.
    async fn status(self, src: &SourceClients, tgt: &TargetClients) -> Result<String, CallError> {
        let text = |s: Option<&str>| s.unwrap_or_default().to_string();
        Ok(match self {
            Waited::DbCluster(id) => {
                let o = src
                    .rds
                    .describe_db_clusters()
                    .db_cluster_identifier(id)
                    .send()
                    .await;
                let o = o.map_err(|e| call_error(calls::DESCRIBE_DB_CLUSTERS, e))?;
                text(o.db_clusters().first().and_then(|c| c.status()))
            }
            Waited::DbInstance(id) => {
                let o = src
                    .rds
                    .describe_db_instances()
                    .db_instance_identifier(id)
                    .send()
                    .await;
                let o = o.map_err(|e| call_error(calls::DESCRIBE_DB_INSTANCES, e))?;
                text(
                    o.db_instances()
                        .first()
                        .and_then(|i| i.db_instance_status()),
                )
            }
            Waited::RedshiftCluster(id) => {
                let o = tgt
                    .redshift
                    .describe_clusters()
                    .cluster_identifier(id)
                    .send()
                    .await;
                let o = o.map_err(|e| call_error(calls::DESCRIBE_CLUSTERS, e))?;
                text(o.clusters().first().and_then(|c| c.cluster_status()))
            }
            Waited::Workgroup(name) => {
                let o = tgt
                    .serverless
                    .get_workgroup()
                    .workgroup_name(name)
                    .send()
                    .await;
                let o = o.map_err(|e| call_error(calls::GET_WORKGROUP, e))?;
                text(o.workgroup().and_then(|w| w.status()).map(|s| s.as_str()))
            }
        })
    }
}

/// Poll `what` until it says available, within the timeout.
async fn wait(
    opts: &ApplyOptions,
    what: Waited<'_>,
    src: &SourceClients,
    tgt: &TargetClients,
) -> Result<(), CallError> {
    let started = Instant::now();
    loop {
        tokio::time::sleep(opts.poll).await;
        let s = what.status(src, tgt).await?;
        if s.eq_ignore_ascii_case("available") {
            return Ok(());
        }
        if started.elapsed() >= opts.wait_timeout {
            return Err(CallError::new(
                "wait",
                Some("Timeout"),
                format!(
                    "{} is still '{s}' after {} s (--wait-timeout); the change was made, check it and run again",
                    what.describe(),
                    opts.wait_timeout.as_secs()
                ),
            ));
        }
    }
}

async fn put_alarm(
    cw: &aws_sdk_cloudwatch::Client,
    a: &super::action::Alarm,
) -> Result<
    aws_sdk_cloudwatch::operation::put_metric_alarm::PutMetricAlarmOutput,
    SdkError<aws_sdk_cloudwatch::operation::put_metric_alarm::PutMetricAlarmError, HttpResponse>,
> {
    use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic};
    cw.put_metric_alarm()
        .alarm_name(&a.name)
        .alarm_description(format!(
            "zero-ETL integration {}: {} (created by zetl-preflight --fix)",
            a.integration_id, a.metric
        ))
        .namespace(&a.namespace)
        .metric_name(&a.metric)
        .dimensions(
            Dimension::builder()
                .name(crate::model::health::DIMENSION)
                .value(&a.integration_id)
                .build(),
        )
        .statistic(Statistic::Maximum)
        .period(60)
        .evaluation_periods(a.evaluation_periods)
        .threshold(a.threshold)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .treat_missing_data(&a.missing_data)
        .set_alarm_actions((!a.actions.is_empty()).then(|| a.actions.clone()))
        .send()
        .await
}

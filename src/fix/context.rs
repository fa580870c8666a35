//! What planning needs beyond the snapshot: who else uses each parameter group, and a name
//! for a new group. Read from AWS by [`fetch`]; a failed read is kept as an error, and the
//! planner then takes the cautious path (copy, never edit in place).

use crate::fetch::calls;
use crate::fetch::error::{call_error, is_not_found};
use crate::fetch::{SourceClients, TargetClients};
use crate::model::{CallError, Fact, RdsSource, Snapshot, TargetSnapshot};

/// Marks the groups this tool creates, so a later run can reuse an unused one.
pub const MARK: &str = "(zetl-preflight)";

/// Where a new group's values go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGroup {
    pub name: String,
    /// An unused group an earlier run created: reuse it instead of creating another.
    pub reuse: bool,
}

#[derive(Debug, Clone)]
pub struct FixContext {
    /// Other DB clusters whose DBClusterParameterGroup is the source's group.
    pub source_group_users: Fact<Vec<String>>,
    /// `<cluster>-zetl`, else with a suffix.
    pub source_new_group: Fact<NewGroup>,
    /// Other Redshift clusters using the target cluster's parameter group (provisioned only).
    pub target_group_users: Fact<Vec<String>>,
    pub target_new_group: Fact<NewGroup>,
    /// What the alarms a fix creates notify (`--alarm-action`): none by default.
    pub alarm_actions: Vec<String>,
    /// Where SQL statements run on the target, and as whom (`--tables`): a failed table is
    /// refreshed only with it.
    pub tables_at: Option<crate::fetch::redshift_data::Where>,
    /// Tags that mark a resource as owned by code, beside CloudFormation's own.
    pub managed_tags: Vec<crate::config::file::ManagedTag>,
    /// `--allow-drift`: change owned resources live anyway.
    pub allow_drift: bool,
}

impl FixContext {
    /// For tests and offline planning: nothing shared, default names free.
    pub fn assume_unshared(snap: &Snapshot) -> FixContext {
        // The first candidate that is not the group in use.
        let new = |id: &str, current: &str| {
            Fact::Ok(NewGroup {
                name: candidates(id).find(|n| n != current).unwrap_or_default(),
                reuse: false,
            })
        };
        let current = snap
            .source
            .rds()
            .map(|r| r.parameter_group_name())
            .unwrap_or_default();
        FixContext {
            source_group_users: Fact::Ok(vec![]),
            source_new_group: new(snap.source.id(), current),
            target_group_users: Fact::Ok(vec![]),
            target_new_group: new(snap.target.display_id(), ""),
            alarm_actions: Vec::new(),
            tables_at: None,
            managed_tags: Vec::new(),
            allow_drift: false,
        }
    }
}

fn candidates(base: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(format!("{base}-zetl")).chain((2..=9).map(move |i| format!("{base}-zetl-{i}")))
}

/// (cluster, group) for every cluster, or the error.
type Usage = Result<Vec<(String, String)>, CallError>;

/// The first candidate name that is free, or that an earlier run created (its description
/// carries [`MARK`]) and no cluster uses. `describe` says whether a group of that name exists
/// and gives its description.
async fn free_name<F, Fut>(base: &str, usage: &Usage, describe: F) -> Result<NewGroup, CallError>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = Result<Option<String>, CallError>>,
{
    for name in candidates(base) {
        match describe(name.clone()).await? {
            None => return Ok(NewGroup { name, reuse: false }),
            Some(description) => {
                let unused = usage
                    .as_ref()
                    .is_ok_and(|u| u.iter().all(|(_, g)| *g != name));
                if description.contains(MARK) && unused {
                    return Ok(NewGroup { name, reuse: true });
                }
            }
        }
    }
    Err(CallError::new(
        "plan",
        None,
        format!("{base}-zetl through -zetl-9 are all taken"),
    ))
}

/// A not-found error means the name is free.
fn found(r: Result<Option<String>, CallError>) -> Result<Option<String>, CallError> {
    match r {
        Err(e) if is_not_found(&e) => Ok(None),
        other => other,
    }
}

fn users(usage: &Usage, group: &str, me: &str) -> Fact<Vec<String>> {
    match usage {
        Ok(u) => Fact::Ok(
            u.iter()
                .filter(|(c, g)| g == group && c != me)
                .map(|(c, _)| c.clone())
                .collect(),
        ),
        Err(e) => Fact::Error(e.clone()),
    }
}

pub async fn fetch(src: &SourceClients, tgt: &TargetClients, snap: &Snapshot) -> FixContext {
    let (source_group_users, source_new_group) = match snap.source.rds() {
        Some(rds) if rds.instance().is_some() => db_parameter_group(src, rds).await,
        Some(rds) => cluster_parameter_group(src, rds).await,
        // A table has no parameter group: nothing is shared, and no group is created.
        None => (
            Fact::Ok(Vec::new()),
            Fact::Ok(NewGroup {
                name: String::new(),
                reuse: false,
            }),
        ),
    };
    let (target_group_users, target_new_group) = match &snap.target {
        TargetSnapshot::Provisioned(p) => {
            let id = &p.cluster.cluster_identifier;
            let group = p
                .cluster
                .cluster_parameter_groups
                .first()
                .map(|g| g.parameter_group_name.clone())
                .unwrap_or_default();
            let rs_usage: Usage = crate::fetch::target::all_clusters(tgt).await.map(|all| {
                all.iter()
                    .flat_map(|x| {
                        let id = x.cluster_identifier().unwrap_or_default().to_string();
                        x.cluster_parameter_groups().iter().map(move |g| {
                            (
                                id.clone(),
                                g.parameter_group_name().unwrap_or_default().to_string(),
                            )
                        })
                    })
                    .collect()
            });
            let new = free_name(id, &rs_usage, |name| async move {
                found(
                    tgt.redshift
                        .describe_cluster_parameter_groups()
                        .parameter_group_name(name)
                        .send()
                        .await
                        .map(|o| {
                            o.parameter_groups()
                                .first()
                                .map(|g| g.description().unwrap_or_default().to_string())
                        })
                        .map_err(|e| call_error(calls::DESCRIBE_CLUSTER_PARAMETER_GROUPS, e)),
                )
            })
            .await;
            (users(&rs_usage, &group, id), new.into())
        }
        TargetSnapshot::Serverless(_) => (
            Fact::Ok(vec![]),
            Fact::Ok(NewGroup {
                name: String::new(),
                reuse: false,
            }),
        ),
    };
    FixContext {
        source_group_users,
        source_new_group,
        target_group_users,
        target_new_group,
        alarm_actions: Vec::new(),
        tables_at: None,
        managed_tags: Vec::new(),
        allow_drift: false,
    }
}

/// Who else uses the source cluster's DB cluster parameter group, and a free name for a copy.
async fn cluster_parameter_group(
    src: &SourceClients,
    rds: &RdsSource,
) -> (Fact<Vec<String>>, Fact<NewGroup>) {
    let usage: Usage = crate::fetch::source::all_clusters(src).await.map(|all| {
        all.iter()
            .map(|x| {
                let s = |v: Option<&str>| v.unwrap_or_default().to_string();
                (
                    s(x.db_cluster_identifier()),
                    s(x.db_cluster_parameter_group()),
                )
            })
            .collect()
    });
    let new = free_name(rds.id(), &usage, |name| async move {
        found(
            src.rds
                .describe_db_cluster_parameter_groups()
                .db_cluster_parameter_group_name(name)
                .send()
                .await
                .map(|o| {
                    o.db_cluster_parameter_groups()
                        .first()
                        .map(|g| g.description().unwrap_or_default().to_string())
                })
                .map_err(|e| call_error(calls::DESCRIBE_DB_CLUSTER_PARAMETER_GROUPS, e)),
        )
    })
    .await;
    (
        users(&usage, rds.parameter_group_name(), rds.id()),
        new.into(),
    )
}

/// Who else uses the source instance's DB parameter group (every DB instance, Aurora ones
/// included, may name it), and a free name for a copy.
async fn db_parameter_group(
    src: &SourceClients,
    rds: &RdsSource,
) -> (Fact<Vec<String>>, Fact<NewGroup>) {
    let usage: Usage = crate::fetch::source::all_instances(src).await.map(|all| {
        all.iter()
            .flat_map(|x| {
                let id = x.db_instance_identifier().unwrap_or_default().to_string();
                x.db_parameter_groups().iter().map(move |g| {
                    (
                        id.clone(),
                        g.db_parameter_group_name().unwrap_or_default().to_string(),
                    )
                })
            })
            .collect()
    });
    let new = free_name(rds.id(), &usage, |name| async move {
        found(
            src.rds
                .describe_db_parameter_groups()
                .db_parameter_group_name(name)
                .send()
                .await
                .map(|o| {
                    o.db_parameter_groups()
                        .first()
                        .map(|g| g.description().unwrap_or_default().to_string())
                })
                .map_err(|e| call_error(calls::DESCRIBE_DB_PARAMETER_GROUPS, e)),
        )
    })
    .await;
    (
        users(&usage, rds.parameter_group_name(), rds.id()),
        new.into(),
    )
}

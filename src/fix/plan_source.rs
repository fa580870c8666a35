//! Planning the source side: the parameter group (in place, or a copy that is associated),
//! automated backups, and the reboot. An Aurora cluster holds a DB cluster parameter group
//! and reboots its writer; a Multi-AZ DB cluster holds one too, and reboots as a whole
//! (RebootDBCluster); an RDS DB instance holds a DB parameter group and reboots itself.

use crate::model::{Finding, RdsSource, Snapshot, SourceShape};
use crate::rules::spec::{Applicability, Check};
use crate::rules::RuleSet;

use super::action::{action, with_reason};
use super::action::{Change, Op, ParamSet, Plan};
use super::context::{FixContext, MARK};
use super::params::{self, SourceParams, DISRUPTIVE};
use super::params::{codes, failing};
use super::strategy::{strategy, Strategy};

/// What holds the source's parameter group, and the calls that change it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Holder {
    /// An Aurora DB cluster: a DB cluster parameter group.
    Cluster,
    /// An RDS DB instance: a DB parameter group.
    Instance,
}

impl Holder {
    fn of(rds: &RdsSource) -> Holder {
        if rds.instance().is_some() {
            Holder::Instance
        } else {
            Holder::Cluster
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Holder::Cluster => "DB cluster parameter group",
            Holder::Instance => "DB parameter group",
        }
    }

    /// The resource kind, for people.
    fn what(self) -> &'static str {
        match self {
            Holder::Cluster => "cluster",
            Holder::Instance => "instance",
        }
    }

    /// The field that names the group (in DescribeDBClusters / DescribeDBInstances).
    fn group_field(self) -> &'static str {
        match self {
            Holder::Cluster => "DBClusterParameterGroup",
            Holder::Instance => "DBParameterGroupName",
        }
    }

    fn set(self, group: &str, parameters: Vec<ParamSet>) -> Op {
        let group = group.to_string();
        match self {
            Holder::Cluster => Op::ModifyDbClusterParameterGroup { group, parameters },
            Holder::Instance => Op::ModifyDbParameterGroup { group, parameters },
        }
    }

    fn reset(self, group: &str, parameters: Vec<ParamSet>) -> Op {
        let group = group.to_string();
        match self {
            Holder::Cluster => Op::ResetDbClusterParameterGroup { group, parameters },
            Holder::Instance => Op::ResetDbParameterGroup { group, parameters },
        }
    }

    fn create(self, name: &str, family: String, description: String) -> Op {
        let name = name.to_string();
        match self {
            Holder::Cluster => Op::CreateDbClusterParameterGroup {
                name,
                family,
                description,
            },
            Holder::Instance => Op::CreateDbParameterGroup {
                name,
                family,
                description,
            },
        }
    }

    fn associate(self, id: &str, group: &str) -> Op {
        match self {
            Holder::Cluster => Op::ModifyDbCluster {
                cluster: id.to_string(),
                parameter_group: group.to_string(),
            },
            Holder::Instance => Op::ModifyDbInstance {
                instance: id.to_string(),
                parameter_group: group.to_string(),
            },
        }
    }
}

/// Automated backups from 0 days to this many. RDS's console proposes 7 days.
pub(super) const BACKUP_DAYS: i32 = 7;

pub(super) fn source_actions(
    plan: &mut Plan,
    handled: &mut Vec<String>,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
    ctx: &FixContext,
) {
    // A table has no parameter group, members or backups of this kind.
    let Some(rds) = snap.source.rds() else {
        return;
    };
    let holder = Holder::of(rds);
    let multi_az = rds.shape() == SourceShape::MultiAzCluster;
    let arn = rds.arn();
    let group = rds.parameter_group_name();
    let (engine, engine_version) = (rds.engine(), rds.engine_version());
    let wants = params::source_params(snap, findings, rules);
    let custom_group = failing(
        findings,
        rules,
        |r| matches!(&r.check, Check::Attribute(a) if a.field == holder.group_field()),
    );
    let not_applied = failing(findings, rules, |r| match &r.check {
        Check::ParametersApplied(_) => true,
        Check::Attribute(a) => a.field == "ParameterApplyStatus",
        _ => false,
    });
    backup_actions(plan, handled, snap, findings, rules);
    // Right value in the group, not live yet: only a reboot is needed.
    let not_live: Vec<&Finding> = failing(findings, rules, |r| {
        matches!(r.check, Check::SourceParameter(_))
    })
    .into_iter()
    .filter(|f| !wants.rules.contains(&f.rule))
    .filter(|f| {
        rules
            .find(&f.rule)
            .is_some_and(|r| params::right_but_not_live(f, r))
    })
    .collect();
    let mut reboot_rules = codes(&not_applied);
    reboot_rules.extend(codes(&not_live));
    let mut reboot = !reboot_rules.is_empty();
    // After a group swap, the reboot is what puts the new group in force.
    let mut swapped: Option<String> = None;

    if !wants.is_empty() || !custom_group.is_empty() {
        let mut group_rules = wants.rules.clone();
        group_rules.extend(codes(&custom_group));
        match strategy(
            group,
            &ctx.source_group_users,
            &ctx.source_new_group,
            holder.noun(),
        ) {
            Strategy::InPlace => {
                modify_source_group(plan, snap, holder, group, &wants, &group_rules, false);
                if wants.needs_reboot() {
                    reboot = true;
                    reboot_rules.extend(group_rules.iter().cloned());
                }
                handled.extend(group_rules);
            }
            Strategy::Copy { group: new, why } => {
                let name = new.name.clone();
                let family = rds
                    .parameter_group
                    .ok()
                    .and_then(|g| g.family.clone())
                    .or_else(|| rds.engine_defaults.ok().map(|d| d.family.clone()))
                    .unwrap_or_else(|| crate::model::family_for(engine, engine_version));
                // AWS copies a custom DB parameter group with every value it sets, but
                // never a default one; a cluster group is created and filled.
                let copied = holder == Holder::Instance && !group.starts_with("default.");
                let description = format!("zero-ETL parameters for {} {MARK}", rds.id());
                let (summary, op) = if copied {
                    (
                        format!("Copy {} {group} to {name}", holder.noun()),
                        Op::CopyDbParameterGroup {
                            source: group.to_string(),
                            name: name.clone(),
                            description,
                        },
                    )
                } else {
                    (
                        format!(
                            "Create {} {name} (family {family}) for {}",
                            holder.noun(),
                            rds.id()
                        ),
                        holder.create(&name, family, description),
                    )
                };
                let mut create = with_reason(
                    action(Applicability::Unsafe, &name, summary, &group_rules, op),
                    Some(why.clone()),
                );
                create.changes.push(Change::new(
                    match holder {
                        Holder::Cluster => "DBClusterParameterGroupName",
                        Holder::Instance => "DBParameterGroupName",
                    },
                    None,
                    Some(&name),
                ));
                // An unused group from an earlier, interrupted run is reused, not duplicated.
                if !new.reuse {
                    plan.push(create);
                }
                // The new group's values: a copy already has the current group's own values
                // (resets are then made in it); a created one gets them, minus what is
                // reset, with the required values on top.
                let values = if copied && !new.reuse {
                    wants.clone()
                } else {
                    let mut values = copy_of(snap, &wants);
                    for p in &wants.set {
                        values.retain(|x| x.name != p.name);
                        values.push(p.clone());
                    }
                    SourceParams {
                        set: values,
                        reset: Vec::new(),
                        changes: wants.changes.clone(),
                        rules: wants.rules.clone(),
                    }
                };
                modify_source_group(plan, snap, holder, &name, &values, &group_rules, true);
                let after_reboot = match (holder, multi_az) {
                    (Holder::Cluster, true) => "the cluster's reboot",
                    (Holder::Cluster, false) => "the writer's reboot",
                    (Holder::Instance, _) => "its reboot",
                };
                let mut assoc = with_reason(
                    action(
                        Applicability::Unsafe,
                        arn,
                        format!(
                            "Associate {name} with {} {} (in force after {after_reboot})",
                            holder.what(),
                            rds.id()
                        ),
                        &group_rules,
                        holder.associate(rds.id(), &name),
                    ),
                    Some(format!(
                        "swaps the {}'s parameter group: {why}",
                        holder.what()
                    )),
                );
                assoc
                    .changes
                    .push(Change::new(holder.group_field(), Some(group), Some(&name)));
                plan.push(assoc);
                reboot = true;
                reboot_rules.extend(group_rules.iter().cloned());
                swapped = Some(name);
                handled.extend(group_rules);
            }
            Strategy::Blocked(why) => {
                let mut a = action(
                    Applicability::Manual,
                    arn,
                    format!(
                        "Set the zero-ETL parameters of {} {}",
                        holder.what(),
                        rds.id()
                    ),
                    &group_rules,
                    Op::Manual,
                );
                a.reason = Some(why);
                a.changes = wants.changes.clone();
                a.command = findings
                    .iter()
                    .find(|f| group_rules.contains(&f.rule))
                    .and_then(|f| f.remediation.clone());
                plan.push(a);
                handled.extend(group_rules);
                return;
            }
        }
    }
    if reboot && multi_az {
        plan.push(reboot_cluster(
            rds,
            group,
            swapped.as_deref(),
            &reboot_rules,
        ));
        handled.extend(reboot_rules);
    } else if reboot {
        match rds.writer() {
            Some(w) => {
                let who = match holder {
                    Holder::Cluster => format!("the writer {}", w.id),
                    Holder::Instance => format!("the instance {}", w.id),
                };
                let mut a = with_reason(
                    action(
                        Applicability::Unsafe,
                        arn,
                        format!("Reboot {who} so the parameter group is in force"),
                        &reboot_rules,
                        Op::RebootDbInstance {
                            instance: w.id.to_string(),
                        },
                    ),
                    Some(format!("restarts {who}: connections drop for the reboot")),
                );
                a.changes.push(match &swapped {
                    Some(new) => Change::new(
                        format!("{} in force", holder.group_field()),
                        Some(group),
                        Some(new),
                    ),
                    None => Change::new(
                        match holder {
                            Holder::Cluster => "DBClusterParameterGroupStatus",
                            Holder::Instance => "ParameterApplyStatus",
                        },
                        Some("pending-reboot"),
                        Some("in-sync"),
                    ),
                });
                plan.push(a);
                let readers = rds.cluster().map_or(&[][..], |c| &c.db_cluster_members[..]);
                if swapped.is_some() && readers_need_reboot(engine, engine_version) {
                    for r in readers.iter().filter(|m| !m.is_cluster_writer) {
                        plan.push(with_reason(
                            action(
                                Applicability::Unsafe,
                                arn,
                                format!("Reboot the reader {} so it uses the new group", r.db_instance_identifier),
                                &reboot_rules,
                                Op::RebootDbInstance {
                                    instance: r.db_instance_identifier.clone(),
                                },
                            ),
                            Some(format!(
                                "{} {} readers keep the old group until they reboot (AWS documents this for these versions)",
                                engine, engine_version
                            )),
                        ));
                    }
                }
                handled.extend(reboot_rules);
            }
            None => {
                let mut a = action(
                    Applicability::Manual,
                    arn,
                    "Reboot the writer".into(),
                    &reboot_rules,
                    Op::Manual,
                );
                a.reason = Some("the cluster has no writer instance".into());
                plan.push(a);
            }
        }
    }
}

/// A Multi-AZ DB cluster's reboot: the writer and both readers at once, as RDS documents
/// for a changed DB cluster parameter group.
fn reboot_cluster(
    rds: &RdsSource,
    group: &str,
    swapped: Option<&str>,
    reboot_rules: &[String],
) -> super::action::Action {
    let id = rds.id().to_string();
    let mut a = with_reason(
        action(
            Applicability::Unsafe,
            rds.arn(),
            format!("Reboot the Multi-AZ DB cluster {id} so the parameter group is in force"),
            reboot_rules,
            Op::RebootDbCluster {
                cluster: id.clone(),
            },
        ),
        Some(format!(
            "restarts the DB cluster {id}: connections drop for the reboot"
        )),
    );
    a.changes.push(match swapped {
        Some(new) => Change::new("DBClusterParameterGroup in force", Some(group), Some(new)),
        None => Change::new(
            "DBClusterParameterGroupStatus",
            Some("pending-reboot"),
            Some("in-sync"),
        ),
    });
    a
}

/// Automated backups off: turn them on, immediately. Unsafe: RDS documents an outage when
/// the retention period goes from 0 to a positive number.
fn backup_actions(
    plan: &mut Plan,
    handled: &mut Vec<String>,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
) {
    let Some(instance) = snap.source.rds().and_then(|r| r.instance()) else {
        return;
    };
    let off = failing(
        findings,
        rules,
        |r| matches!(&r.check, Check::Attribute(a) if a.field == "BackupRetentionPeriod"),
    );
    if off.is_empty() {
        return;
    }
    let id = &instance.db_instance_identifier;
    let before = instance.backup_retention_period.unwrap_or(0).to_string();
    let mut a = with_reason(
        action(
            Applicability::Unsafe,
            &instance.db_instance_arn,
            format!("Turn on automated backups of {id} ({BACKUP_DAYS} days)"),
            &codes(&off),
            Op::SetBackupRetention {
                instance: id.clone(),
                days: BACKUP_DAYS,
            },
        ),
        Some(
            "RDS takes the instance offline briefly when the backup retention period goes \
             from 0 to a positive number, and then takes a first backup"
                .into(),
        ),
    );
    a.changes.push(Change::new(
        "BackupRetentionPeriod",
        Some(&before),
        Some(&BACKUP_DAYS.to_string()),
    ));
    plan.push(a);
    handled.extend(codes(&off));
}

/// The current group's user-set values that the new group carries over (minus resets).
fn copy_of(snap: &Snapshot, wants: &SourceParams) -> Vec<ParamSet> {
    let Some(group) = snap.source.rds().and_then(|r| r.parameter_group.ok()) else {
        return Vec::new();
    };
    params::user_values(group)
        .into_iter()
        .filter(|(n, _)| !wants.reset.iter().any(|r| &r.name == n))
        .map(|(name, value)| ParamSet {
            apply_method: params::apply_method(snap, &name),
            name,
            value,
        })
        .collect()
}

fn modify_source_group(
    plan: &mut Plan,
    snap: &Snapshot,
    holder: Holder,
    group: &str,
    wants: &SourceParams,
    rules: &[String],
    new: bool,
) {
    for (set, list) in [(true, &wants.set), (false, &wants.reset)] {
        for batch in params::batches(list) {
            let statics: Vec<&str> = batch
                .iter()
                .filter(|p| p.apply_method == "pending-reboot")
                .map(|p| p.name.as_str())
                .collect();
            let disruptive: Vec<&str> = batch
                .iter()
                .filter(|p| DISRUPTIVE.contains(&p.name.as_str()) && p.value == "1")
                .map(|p| p.name.as_str())
                .collect();
            let reason = if new {
                Some(format!(
                    "part of the new group, which the {} uses after the association and reboot",
                    holder.what()
                ))
            } else if !disruptive.is_empty() {
                Some(format!(
                    "{} invalidates every logical replication slot on the writer",
                    disruptive.join(", ")
                ))
            } else if !statics.is_empty() {
                Some(format!(
                    "static parameter(s) {}: in force only after a reboot",
                    statics.join(", ")
                ))
            } else {
                None
            };
            let applicability = if reason.is_some() {
                Applicability::Unsafe
            } else {
                Applicability::Safe
            };
            let names: Vec<&str> = batch.iter().map(|p| p.name.as_str()).collect();
            let (summary, op) = if set {
                (
                    format!("Set {} in {group}", names.join(", ")),
                    holder.set(group, batch.clone()),
                )
            } else {
                (
                    format!(
                        "Reset {} in {group} to the engine default",
                        names.join(", ")
                    ),
                    holder.reset(group, batch.clone()),
                )
            };
            let mut a = with_reason(action(applicability, group, summary, rules, op), reason);
            a.changes = batch
                .iter()
                .map(|p| {
                    let from_wants = wants.changes.iter().find(|c| c.field == p.name);
                    let before = if new {
                        None
                    } else {
                        snap.source.rds().and_then(|r| current(r, &p.name))
                    };
                    match from_wants {
                        Some(c) if !new => c.clone(),
                        _ => Change::new(
                            &p.name,
                            before.as_deref(),
                            Some(if set {
                                p.value.as_str()
                            } else {
                                "(engine default)"
                            }),
                        ),
                    }
                })
                .collect();
            plan.push(a);
        }
    }
}

fn current(rds: &RdsSource, name: &str) -> Option<String> {
    rds.parameter_group
        .ok()?
        .parameters
        .get(name)?
        .parameter_value
        .clone()
}

/// Aurora PostgreSQL versions whose readers need their own reboot after the cluster's
/// parameter group changes (AWS, "Associating a DB cluster parameter group").
fn readers_need_reboot(engine: &str, version: &str) -> bool {
    engine == "aurora-postgresql"
        && (version.starts_with("11.") || ["15.2", "14.7", "13.10", "12.14"].contains(&version))
}

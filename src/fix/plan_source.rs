//! Planning the source side: the DB cluster parameter group (in place, or a copy that is
//! associated), and the writer's reboot.

use crate::model::{Finding, Snapshot};
use crate::rules::spec::{Applicability, Check};
use crate::rules::RuleSet;

use super::action::{action, with_reason};
use super::action::{Change, Op, ParamSet, Plan};
use super::context::{FixContext, MARK};
use super::params::{self, SourceParams, DISRUPTIVE};
use super::params::{codes, failing};
use super::strategy::{strategy, Strategy};

pub(super) fn source_actions(
    plan: &mut Plan,
    handled: &mut Vec<String>,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
    ctx: &FixContext,
) {
    let c = &snap.source.cluster;
    let arn = c.db_cluster_arn.as_str();
    let group = c.db_cluster_parameter_group.as_str();
    let wants = params::source_params(snap, findings, rules);
    let custom_group = failing(
        findings,
        rules,
        |r| matches!(&r.check, Check::Attribute(a) if a.field == "DBClusterParameterGroup"),
    );
    let not_applied = failing(findings, rules, |r| {
        matches!(r.check, Check::ParametersApplied(_))
    });
    // Right value in the group, not live yet: only a reboot is needed.
    let not_live: Vec<&Finding> = failing(findings, rules, |r| {
        matches!(r.check, Check::SourceParameter(_))
    })
    .into_iter()
    .filter(|f| !wants.rules.contains(&f.rule))
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
            "DB cluster parameter group",
        ) {
            Strategy::InPlace => {
                modify_source_group(plan, snap, group, &wants, &group_rules, false);
                if wants.needs_reboot() {
                    reboot = true;
                    reboot_rules.extend(group_rules.iter().cloned());
                }
                handled.extend(group_rules);
            }
            Strategy::Copy { group: new, why } => {
                let name = new.name.clone();
                let family = snap
                    .source
                    .parameter_group
                    .ok()
                    .and_then(|g| g.family.clone())
                    .or_else(|| snap.source.engine_defaults.ok().map(|d| d.family.clone()))
                    .unwrap_or_else(|| crate::model::family_for(&c.engine, &c.engine_version));
                let mut create = with_reason(
                    action(
                        Applicability::Unsafe,
                        &name,
                        format!(
                            "Create DB cluster parameter group {name} (family {family}) for {}",
                            c.db_cluster_identifier
                        ),
                        &group_rules,
                        Op::CreateDbClusterParameterGroup {
                            name: name.clone(),
                            family,
                            description: format!(
                                "zero-ETL parameters for {} {MARK}",
                                c.db_cluster_identifier
                            ),
                        },
                    ),
                    Some(why.clone()),
                );
                create.changes.push(Change::new(
                    "DBClusterParameterGroupName",
                    None,
                    Some(&name),
                ));
                // An unused group from an earlier, interrupted run is reused, not duplicated.
                if !new.reuse {
                    plan.push(create);
                }
                // The copy: the current group's user-set values, minus what is reset, with
                // the required values on top.
                let mut copied = copy_of(snap, &wants);
                for p in &wants.set {
                    copied.retain(|x| x.name != p.name);
                    copied.push(p.clone());
                }
                let copy_only = SourceParams {
                    set: copied,
                    reset: Vec::new(),
                    changes: wants.changes.clone(),
                    rules: wants.rules.clone(),
                };
                modify_source_group(plan, snap, &name, &copy_only, &group_rules, true);
                let mut assoc = with_reason(
                    action(
                        Applicability::Unsafe,
                        arn,
                        format!(
                            "Associate {name} with cluster {} (in force after the writer's reboot)",
                            c.db_cluster_identifier
                        ),
                        &group_rules,
                        Op::ModifyDbCluster {
                            cluster: c.db_cluster_identifier.clone(),
                            parameter_group: name.clone(),
                        },
                    ),
                    Some(format!("swaps the cluster's parameter group: {why}")),
                );
                assoc.changes.push(Change::new(
                    "DBClusterParameterGroup",
                    Some(group),
                    Some(&name),
                ));
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
                    format!("Set the zero-ETL parameters of {}", c.db_cluster_identifier),
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
    if reboot {
        match c.writer() {
            Some(w) => {
                let mut a = with_reason(
                    action(
                        Applicability::Unsafe,
                        arn,
                        format!(
                            "Reboot the writer {} so the parameter group is in force",
                            w.db_instance_identifier
                        ),
                        &reboot_rules,
                        Op::RebootDbInstance {
                            instance: w.db_instance_identifier.clone(),
                        },
                    ),
                    Some("restarts the writer: connections drop for the reboot".into()),
                );
                a.changes.push(match &swapped {
                    Some(new) => {
                        Change::new("DBClusterParameterGroup in force", Some(group), Some(new))
                    }
                    None => Change::new(
                        "DBClusterParameterGroupStatus",
                        Some("pending-reboot"),
                        Some("in-sync"),
                    ),
                });
                plan.push(a);
                if swapped.is_some() && readers_need_reboot(&c.engine, &c.engine_version) {
                    for r in c.db_cluster_members.iter().filter(|m| !m.is_cluster_writer) {
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
                                c.engine, c.engine_version
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

/// The current group's user-set values that the new group carries over (minus resets).
fn copy_of(snap: &Snapshot, wants: &SourceParams) -> Vec<ParamSet> {
    let Some(group) = snap.source.parameter_group.ok() else {
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
                Some("part of the new group, which the cluster uses after the association and reboot".to_string())
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
                    Op::ModifyDbClusterParameterGroup {
                        group: group.to_string(),
                        parameters: batch.clone(),
                    },
                )
            } else {
                (
                    format!(
                        "Reset {} in {group} to the engine default",
                        names.join(", ")
                    ),
                    Op::ResetDbClusterParameterGroup {
                        group: group.to_string(),
                        parameters: batch.clone(),
                    },
                )
            };
            let mut a = with_reason(action(applicability, group, summary, rules, op), reason);
            a.changes = batch
                .iter()
                .map(|p| {
                    let from_wants = wants.changes.iter().find(|c| c.field == p.name);
                    let before = if new { None } else { current(snap, &p.name) };
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

fn current(snap: &Snapshot, name: &str) -> Option<String> {
    snap.source
        .parameter_group
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

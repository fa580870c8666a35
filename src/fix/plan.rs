//! Findings → [`Plan`]. Pure: the snapshot, the findings, the rules and the [`FixContext`]
//! decide everything.
//!
//! Order: the source's parameter group, its association, the writer's reboot; then the
//! target's parameters and reboot; then the resource policy; manual steps last. Rules of
//! safe change: a `default.*` group is never edited (a custom copy is made and associated),
//! a group other clusters use is copied, never edited in place; only a group this cluster
//! alone uses is modified in place.

use crate::model::arn::account_of;
use crate::model::{Fact, Finding, Snapshot, Status, TargetSnapshot};
use crate::rules::spec::{Applicability, Check, PolicyStatement, Rule};
use crate::rules::RuleSet;

use super::action::{Action, Change, Op, ParamSet, Plan};
use super::context::{FixContext, NewGroup, MARK};
use super::params::{self, SourceParams, DISRUPTIVE};
use super::policy::{self, Additions};

const CASE_SENSITIVE: &str = "enable_case_sensitive_identifier";

/// How a parameter group gets its new values.
enum Strategy {
    InPlace,
    /// Copy to this new group and associate it, for this reason.
    Copy {
        group: NewGroup,
        why: String,
    },
    /// Cannot decide safely.
    Blocked(String),
}

fn strategy(
    group: &str,
    users: &Fact<Vec<String>>,
    new_name: &Fact<NewGroup>,
    kind: &str,
) -> Strategy {
    let copy = |why: String| match new_name {
        Fact::Ok(g) => Strategy::Copy {
            group: g.clone(),
            why,
        },
        Fact::Error(e) => {
            Strategy::Blocked(format!("no free name for a new {kind}: {}", e.describe()))
        }
    };
    if group.starts_with("default.") {
        return copy(format!("{group} is a default group, which is never edited"));
    }
    match users {
        Fact::Ok(u) if u.is_empty() => Strategy::InPlace,
        Fact::Ok(u) => copy(format!(
            "{group} is shared with {}; it is copied, not edited",
            u.join(", ")
        )),
        Fact::Error(e) => copy(format!(
            "could not tell whether other clusters use {group} ({}); it is copied, not edited",
            e.describe()
        )),
    }
}

fn action(
    applicability: Applicability,
    resource: &str,
    summary: String,
    rules: &[String],
    op: Op,
) -> Action {
    Action {
        applicability,
        resource: resource.to_string(),
        summary,
        reason: None,
        rules: rules.to_vec(),
        changes: Vec::new(),
        op,
        command: None,
    }
}

fn with_reason(mut a: Action, reason: Option<String>) -> Action {
    a.reason = reason;
    a
}

fn failing<'a>(
    findings: &'a [Finding],
    rules: &'a RuleSet,
    pick: impl Fn(&Rule) -> bool,
) -> Vec<&'a Finding> {
    params::actionable(findings, rules)
        .into_iter()
        .filter(|(_, r)| pick(r))
        .map(|(f, _)| f)
        .collect()
}

fn codes(fs: &[&Finding]) -> Vec<String> {
    fs.iter().map(|f| f.rule.clone()).collect()
}

/// Plan every fix for `findings`.
pub fn plan(snap: &Snapshot, findings: &[Finding], rules: &RuleSet, ctx: &FixContext) -> Plan {
    let mut plan = Plan::default();
    let mut handled: Vec<String> = Vec::new();
    source_actions(&mut plan, &mut handled, snap, findings, rules, ctx);
    target_actions(&mut plan, &mut handled, snap, findings, rules, ctx);
    policy_actions(&mut plan, &mut handled, snap, findings, rules);
    manual_actions(&mut plan, &handled, findings);
    plan
}

fn source_actions(
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
        |r| matches!(&r.check, Check::Attribute { field, .. } if field == "DBClusterParameterGroup"),
    );
    let not_applied = failing(findings, rules, |r| {
        matches!(r.check, Check::ParametersApplied)
    });
    // Right value in the group, not live yet: only a reboot is needed.
    let not_live: Vec<&Finding> = failing(findings, rules, |r| {
        matches!(r.check, Check::SourceParameter { .. })
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
                    .unwrap_or_else(|| {
                        crate::fetch::source::family_for(&c.engine, &c.engine_version)
                    });
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

fn target_actions(
    plan: &mut Plan,
    handled: &mut Vec<String>,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
    ctx: &FixContext,
) {
    let case = failing(
        findings,
        rules,
        |r| matches!(&r.check, Check::TargetParameter { parameter, .. } if parameter == CASE_SENSITIVE),
    );
    if case.is_empty() {
        return;
    }
    let rule_codes = codes(&case);
    let value_right = case.iter().all(|f| {
        f.evidence
            .actual
            .as_deref()
            .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    });
    match &snap.target {
        TargetSnapshot::Serverless(s) => {
            let wg = &s.workgroup;
            let mut params: Vec<(String, String)> = wg
                .config_parameters
                .iter()
                .filter(|p| p.parameter_key != CASE_SENSITIVE)
                .map(|p| {
                    (
                        p.parameter_key.clone(),
                        p.parameter_value.clone().unwrap_or_default(),
                    )
                })
                .collect();
            params.push((CASE_SENSITIVE.into(), "true".into()));
            let before = wg
                .config_parameters
                .iter()
                .find(|p| p.parameter_key == CASE_SENSITIVE)
                .and_then(|p| p.parameter_value.clone());
            let resource = wg
                .workgroup_arn
                .clone()
                .unwrap_or_else(|| wg.workgroup_name.clone());
            let mut a = action(
                Applicability::Safe,
                &resource,
                format!(
                    "Set {CASE_SENSITIVE}=true on workgroup {} (its other {} configParameters kept)",
                    wg.workgroup_name,
                    params.len() - 1
                ),
                &rule_codes,
                Op::UpdateWorkgroup {
                    workgroup: wg.workgroup_name.clone(),
                    config_parameters: params,
                },
            );
            a.changes.push(Change::new(
                CASE_SENSITIVE,
                before.as_deref().or(Some("(not set)")),
                Some("true"),
            ));
            plan.push(a);
            handled.extend(rule_codes);
        }
        TargetSnapshot::Provisioned(p) => {
            let cl = &p.cluster;
            let resource = cl
                .cluster_namespace_arn
                .clone()
                .unwrap_or_else(|| cl.cluster_identifier.clone());
            let Some(group) = cl
                .cluster_parameter_groups
                .first()
                .map(|g| g.parameter_group_name.clone())
            else {
                return;
            };
            let set = ParamSet {
                name: CASE_SENSITIVE.into(),
                value: "true".into(),
                apply_method: "pending-reboot".into(),
            };
            if !value_right {
                match strategy(
                    &group,
                    &ctx.target_group_users,
                    &ctx.target_new_group,
                    "cluster parameter group",
                ) {
                    Strategy::InPlace => {
                        let mut a = with_reason(
                            action(
                                Applicability::Unsafe,
                                &group,
                                format!("Set {CASE_SENSITIVE}=true in {group}"),
                                &rule_codes,
                                Op::ModifyClusterParameterGroup {
                                    group: group.clone(),
                                    parameters: vec![set],
                                },
                            ),
                            Some("in force only after the cluster reboots".into()),
                        );
                        a.changes.push(Change::new(
                            CASE_SENSITIVE,
                            case[0].evidence.actual.as_deref(),
                            Some("true"),
                        ));
                        plan.push(a);
                    }
                    Strategy::Copy { group: new, why } => {
                        let name = new.name.clone();
                        // A default group is named after its family; a custom one is copied
                        // into the current family.
                        let family = group
                            .strip_prefix("default.")
                            .unwrap_or("redshift-2.0")
                            .to_string();
                        let mut create = with_reason(
                            action(
                                Applicability::Unsafe,
                                &name,
                                format!("Create cluster parameter group {name} (family {family}) for {}", cl.cluster_identifier),
                                &rule_codes,
                                Op::CreateClusterParameterGroup {
                                    name: name.clone(),
                                    family,
                                    description: format!("zero-ETL parameters for {} {MARK}", cl.cluster_identifier),
                                },
                            ),
                            Some(why.clone()),
                        );
                        create
                            .changes
                            .push(Change::new("ParameterGroupName", None, Some(&name)));
                        if !new.reuse {
                            plan.push(create);
                        }
                        let mut copied: Vec<ParamSet> = p
                            .parameter_group
                            .ok()
                            .map(params::user_values)
                            .unwrap_or_default()
                            .into_iter()
                            .filter(|(n, _)| n != CASE_SENSITIVE)
                            .map(|(name, value)| ParamSet {
                                name,
                                value,
                                apply_method: "pending-reboot".into(),
                            })
                            .collect();
                        copied.push(set);
                        for batch in params::batches(&copied) {
                            let mut a = with_reason(
                                action(
                                    Applicability::Unsafe,
                                    &name,
                                    format!(
                                        "Set {} in {name}",
                                        batch.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
                                    ),
                                    &rule_codes,
                                    Op::ModifyClusterParameterGroup { group: name.clone(), parameters: batch.clone() },
                                ),
                                Some("part of the new group, in force after the association and reboot".into()),
                            );
                            a.changes = batch
                                .iter()
                                .map(|p| Change::new(&p.name, None, Some(&p.value)))
                                .collect();
                            plan.push(a);
                        }
                        let mut assoc = with_reason(
                            action(
                                Applicability::Unsafe,
                                &resource,
                                format!("Associate {name} with cluster {}", cl.cluster_identifier),
                                &rule_codes,
                                Op::ModifyCluster {
                                    cluster: cl.cluster_identifier.clone(),
                                    parameter_group: name.clone(),
                                },
                            ),
                            Some(format!("swaps the cluster's parameter group: {why}")),
                        );
                        assoc.changes.push(Change::new(
                            "ClusterParameterGroups[0].ParameterGroupName",
                            Some(&group),
                            Some(&name),
                        ));
                        plan.push(assoc);
                    }
                    Strategy::Blocked(why) => {
                        let mut a = action(
                            Applicability::Manual,
                            &resource,
                            format!("Set {CASE_SENSITIVE}=true"),
                            &rule_codes,
                            Op::Manual,
                        );
                        a.reason = Some(why);
                        a.command = case[0].remediation.clone();
                        plan.push(a);
                        handled.extend(rule_codes);
                        return;
                    }
                }
            }
            let mut reboot = with_reason(
                action(
                    Applicability::Unsafe,
                    &resource,
                    format!(
                        "Reboot Redshift cluster {} so the parameter group is in force",
                        cl.cluster_identifier
                    ),
                    &rule_codes,
                    Op::RebootCluster {
                        cluster: cl.cluster_identifier.clone(),
                    },
                ),
                Some("restarts the Redshift cluster: queries are interrupted".into()),
            );
            reboot.changes.push(Change::new(
                "ParameterApplyStatus",
                Some("pending-reboot"),
                Some("in-sync"),
            ));
            plan.push(reboot);
            handled.extend(rule_codes);
        }
    }
}

fn policy_actions(
    plan: &mut Plan,
    handled: &mut Vec<String>,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
) {
    let wanted = failing(findings, rules, |r| {
        matches!(r.check, Check::ResourcePolicy { .. })
    });
    if wanted.is_empty() {
        return;
    }
    let rule_codes = codes(&wanted);
    let want = |which: PolicyStatement| {
        wanted.iter().any(|f| {
            rules.find(&f.rule).is_some_and(
                |r| matches!(r.check, Check::ResourcePolicy { statement } if statement == which),
            )
        })
    };
    let source = snap.source.cluster.db_cluster_arn.as_str();
    let account = account_of(source);
    let (Some(ns), Fact::Ok(existing)) =
        (snap.target.namespace_arn(), snap.target.resource_policy())
    else {
        return; // unknown namespace or unreadable policy: left to the manual list
    };
    if wanted.iter().any(|f| {
        f.evidence
            .actual
            .as_deref()
            .is_some_and(|a| a.starts_with("Deny"))
    }) {
        return; // a Deny is the user's decision: manual
    }
    let add = Additions {
        authorize_source: want(PolicyStatement::AuthorizeInboundIntegration).then_some(source),
        create_for_account: if want(PolicyStatement::CreateInboundIntegration) {
            account.as_deref()
        } else {
            None
        },
    };
    let Ok(merged) = policy::merge(existing.as_deref(), ns, &add) else {
        return;
    };
    let mut a = action(
        Applicability::Safe,
        ns,
        format!(
            "Add {} to the resource policy of {ns}, keeping its {} existing statement(s)",
            [
                add.authorize_source
                    .map(|_| "AuthorizeInboundIntegration for this source"),
                add.create_for_account
                    .map(|_| "CreateInboundIntegration for the source account"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" and "),
            existing_statements(existing.as_deref())
        ),
        &rule_codes,
        Op::PutResourcePolicy {
            resource_arn: ns.to_string(),
            policy: merged.clone(),
        },
    );
    a.changes.push(Change::new(
        "ResourcePolicy.Policy",
        existing.as_deref().or(Some("(none)")),
        Some(&merged),
    ));
    plan.push(a);
    handled.extend(rule_codes);
}

fn existing_statements(policy: Option<&str>) -> usize {
    policy
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .map(|v| match &v["Statement"] {
            serde_json::Value::Array(a) => a.len(),
            serde_json::Value::Object(_) => 1,
            _ => 0,
        })
        .unwrap_or(0)
}

/// Everything failing that no automated action covers: its command, for a person.
fn manual_actions(plan: &mut Plan, handled: &[String], findings: &[Finding]) {
    for f in findings {
        if !matches!(f.status, Status::Fail | Status::Warn)
            || f.suppressed.is_some()
            || handled.contains(&f.rule)
        {
            continue;
        }
        let mut a = action(
            Applicability::Manual,
            &f.resource,
            format!("{} {}: {}", f.rule, f.name, f.title),
            std::slice::from_ref(&f.rule),
            Op::Manual,
        );
        a.reason = Some(f.message.clone());
        a.command = f.remediation.clone();
        if let (Some(e), Some(x)) = (&f.evidence.expected, &f.evidence.actual) {
            a.changes.push(Change::new(
                f.evidence
                    .parameter
                    .clone()
                    .or_else(|| f.evidence.field.clone())
                    .unwrap_or_default(),
                Some(x),
                Some(e),
            ));
        }
        plan.push(a);
    }
}

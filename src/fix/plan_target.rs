//! Planning the target side: `enable_case_sensitive_identifier` on a Serverless workgroup,
//! or in a provisioned cluster's parameter group (in place, or a copy that is associated),
//! and the cluster's reboot.

use crate::model::{Finding, Snapshot, TargetSnapshot};
use crate::rules::spec::{Applicability, Check};
use crate::rules::RuleSet;

use super::action::{action, with_reason};
use super::action::{Change, Op, ParamSet, Plan};
use super::context::{FixContext, MARK};
use super::params;
use super::params::{codes, failing};
use super::strategy::{strategy, Strategy};

const CASE_SENSITIVE: &str = "enable_case_sensitive_identifier";

pub(super) fn target_actions(
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
        |r| matches!(&r.check, Check::TargetParameter(p) if p.parameter == CASE_SENSITIVE),
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

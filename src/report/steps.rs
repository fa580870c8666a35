//! "How to fix", for people: the steps `check --fix` would take, in its order, each with the
//! AWS CLI command that does the same. One modify call carries every parameter of a group,
//! and the reboot comes once, at the end, as the fix applies them. Planned offline: as if no
//! other cluster shared a group, which `--fix` checks before it changes anything.

use crate::fix::{self, FixContext};
use crate::model::{Finding, Status};
use crate::rules::spec::{Applicability, Rule};
use crate::rules::RuleSet;

use super::Report;

/// One step: what it does, the problems it addresses (each named once, at its first step),
/// and the commands.
#[derive(Debug, Clone)]
pub struct Step {
    pub summary: String,
    pub applicability: Applicability,
    pub reason: Option<String>,
    pub problems: Vec<Finding>,
    /// The rules it also serves, already named at an earlier step.
    pub also: Vec<String>,
    pub commands: Vec<String>,
}

pub fn steps(report: &Report, rules: &[Rule], causes: &[crate::rules::spec::Cause]) -> Vec<Step> {
    if let Some(plan) = &report.snapshot.deployment {
        return plan_steps(report, rules, plan);
    }
    let set = RuleSet {
        rules: rules.to_vec(),
        causes: causes.to_vec(),
    };
    let snap = &report.snapshot;
    let plan = fix::plan(
        snap,
        &report.findings,
        &set,
        &FixContext::assume_unshared(snap),
    );
    let mut named: Vec<String> = Vec::new();
    plan.actions
        .iter()
        .map(|a| {
            let mut problems = Vec::new();
            let mut also = Vec::new();
            for code in &a.rules {
                if named.contains(code) {
                    also.push(code.clone());
                    continue;
                }
                if let Some(f) = report.findings.iter().find(|f| {
                    &f.rule == code
                        && matches!(f.status, Status::Fail | Status::Warn)
                        && f.suppressed.is_none()
                }) {
                    named.push(code.clone());
                    problems.push(f.clone());
                }
            }
            Step {
                summary: a.summary.clone(),
                applicability: a.applicability,
                reason: a.reason.clone(),
                problems,
                also,
                commands: fix::cli_text::command(a)
                    .map(|c| c.lines().map(str::to_string).collect())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// A plan is fixed in its source, not with AWS CLI commands: the parameters to set go into
/// the planned parameter group as the tool writes them (one step per group), and every other
/// problem shows its rule's fix.
fn plan_steps(report: &Report, rules: &[Rule], plan: &crate::model::DeploymentFacts) -> Vec<Step> {
    use crate::rules::spec::{Check, Condition};
    let problems: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn) && f.suppressed.is_none())
        .collect();
    let rule_of = |f: &Finding| rules.iter().find(|r| r.code == f.rule);
    let mut set_in_group: Vec<(&Finding, String, String)> = Vec::new();
    let mut others = Vec::new();
    for f in problems {
        match rule_of(f).map(|r| &r.check) {
            Some(Check::SourceParameter(crate::rules::checks::source_parameter::Spec {
                parameter,
                expect: Condition::Equals(v),
                ..
            })) => set_in_group.push((f, parameter.clone(), v.to_string())),
            _ => others.push(f),
        }
    }
    // Where `check --fix` writes each rule's setting into the deployment's own files.
    let set = RuleSet {
        rules: rules.to_vec(),
        causes: Vec::new(),
    };
    let edits = fix::code::plan::plan(&report.snapshot, &report.findings, &set, true).edits;
    let written_in = |codes: &[&str]| -> Vec<String> {
        let mut files: Vec<String> = edits
            .iter()
            .filter(|e| e.rules.iter().any(|r| codes.contains(&r.as_str())))
            .map(|e| format!("# check --fix writes this into {} ({})", e.file, e.address))
            .collect();
        files.dedup();
        files
    };
    let mut steps = Vec::new();
    if !set_in_group.is_empty() {
        let group = plan
            .locations
            .get("source_group")
            .map(|l| l.address.clone())
            .unwrap_or_else(|| {
                report
                    .snapshot
                    .source
                    .rds()
                    .map(|r| r.parameter_group_name().to_string())
                    .unwrap_or_default()
            });
        let mut commands = vec![format!("# in {group}:")];
        for (_, name, value) in &set_in_group {
            commands.push(crate::rules::fix_text::plan_parameter(
                &plan.tool, name, value,
            ));
        }
        let codes: Vec<&str> = set_in_group
            .iter()
            .map(|(f, _, _)| f.rule.as_str())
            .collect();
        commands.extend(written_in(&codes));
        steps.push(Step {
            summary: format!("Set the parameters in {group}"),
            applicability: Applicability::Manual,
            reason: None,
            problems: set_in_group.iter().map(|(f, _, _)| (*f).clone()).collect(),
            also: Vec::new(),
            commands,
        });
    }
    for f in others {
        let title = rule_of(f).map(|r| r.title.clone()).unwrap_or_default();
        steps.push(Step {
            summary: format!("{} {}: {title}", f.rule, f.name),
            applicability: Applicability::Manual,
            reason: None,
            problems: vec![f.clone()],
            also: Vec::new(),
            commands: f
                .remediation
                .as_deref()
                .map(|r| r.lines().map(str::to_string))
                .into_iter()
                .flatten()
                .chain(written_in(&[f.rule.as_str()]))
                .collect(),
        });
    }
    steps
}

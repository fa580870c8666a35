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

pub fn steps(report: &Report, rules: &[Rule]) -> Vec<Step> {
    let set = RuleSet {
        rules: rules.to_vec(),
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

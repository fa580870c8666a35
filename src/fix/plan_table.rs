//! Planning a DynamoDB table source: point-in-time recovery on (ZB002, safe, and it costs
//! money), and Redshift's statements merged into the table's resource policy (ZB003, unsafe:
//! PutResourcePolicy replaces the policy, so it names the revision it read and every
//! existing statement is kept). The merged policy is judged by the rule before it is
//! proposed: a Deny that would still apply leaves the step to a person.

use crate::model::{Fact, Finding, Snapshot, Status};
use crate::rules::checks::table::{self, TableProblem};
use crate::rules::spec::{Applicability, Check};
use crate::rules::RuleSet;

use super::action::{action, with_reason, Change, Op, Plan};
use super::params::{codes, failing};
use super::policy;

/// What DynamoDB takes as the expected revision of a table that has no policy yet.
pub const NO_POLICY: &str = "NO_POLICY";

pub(super) fn table_actions(
    plan: &mut Plan,
    handled: &mut Vec<String>,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
) {
    let Some(t) = snap.source.table() else {
        return;
    };
    let wanted = |which: TableProblem| {
        failing(
            findings,
            rules,
            |r| matches!(&r.check, Check::Table(s) if s.problem == which),
        )
    };
    let arn = t.table.table_arn.as_str();
    let pitr = wanted(TableProblem::PointInTimeRecovery);
    if let (false, Fact::Ok(b)) = (pitr.is_empty(), &t.continuous_backups) {
        let rule_codes = codes(&pitr);
        let mut a = with_reason(
            action(
                Applicability::Safe,
                arn,
                format!(
                    "Turn on point-in-time recovery for table {}",
                    t.table.table_name
                ),
                &rule_codes,
                Op::UpdateContinuousBackups {
                    table: arn.to_string(),
                },
            ),
            Some(
                "costs money: continuous backups are billed by the table's size per month \
                 (DynamoDB pricing, point-in-time recovery); nothing else changes"
                    .into(),
            ),
        );
        a.changes.push(Change::new(
            "PointInTimeRecoveryStatus",
            Some(&b.point_in_time_recovery_status),
            Some("ENABLED"),
        ));
        plan.push(a);
        handled.extend(rule_codes);
    }
    let policy_rules = wanted(TableProblem::TablePolicy);
    if policy_rules.is_empty() {
        return;
    }
    let Fact::Ok(existing) = &t.table_policy else {
        return; // an unread policy: left to the manual list
    };
    let statements = match table::table_statements(snap) {
        serde_json::Value::Array(s) => s,
        _ => return,
    };
    let text = existing.as_ref().map(|p| p.policy.as_str());
    let Ok(merged) = policy::append(text, statements) else {
        return;
    };
    // Judge the merged policy as the check would: a Deny that still applies stays manual.
    let mut after = snap.clone();
    if let Some(t) = after.source.table_mut() {
        t.table_policy = Fact::Ok(Some(crate::model::TablePolicy {
            policy: merged.clone(),
            revision_id: None,
        }));
    }
    let results = crate::rules::evaluate(&after, rules);
    let fixed: Vec<&Finding> = policy_rules
        .iter()
        .copied()
        .filter(|f| {
            results
                .iter()
                .any(|r| r.rule == f.rule && r.status == Status::Pass)
        })
        .collect();
    if fixed.is_empty() {
        return;
    }
    let rule_codes = codes(&fixed);
    let kept = text
        .and_then(|p| serde_json::from_str::<serde_json::Value>(p).ok())
        .map_or(0, |v| match &v["Statement"] {
            serde_json::Value::Array(a) => a.len(),
            serde_json::Value::Object(_) => 1,
            _ => 0,
        });
    let revision = existing
        .as_ref()
        .and_then(|p| p.revision_id.clone())
        .unwrap_or_else(|| NO_POLICY.to_string());
    let mut a = with_reason(
        action(
            Applicability::Unsafe,
            arn,
            format!(
                "Add Redshift's export statements to the resource policy of table {}{}",
                t.table.table_name,
                match kept {
                    0 => String::new(),
                    n => format!(
                        ", keeping its {}",
                        crate::model::words::count(n, "existing statement", "existing statements")
                    ),
                }
            ),
            &rule_codes,
            Op::PutTablePolicy {
                table: arn.to_string(),
                policy: merged.clone(),
                expected_revision_id: revision,
            },
        ),
        Some(
            "PutResourcePolicy replaces the table's whole policy (a write made since it was \
             read is refused, not overwritten); review the merged policy"
                .into(),
        ),
    );
    a.changes.push(Change::new(
        "ResourcePolicy.Policy",
        text.or(Some("(none)")),
        Some(&merged),
    ));
    plan.push(a);
    handled.extend(rule_codes);
}

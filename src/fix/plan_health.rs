//! Planning an integration's missing alarms (ZH004, ZH005): one PutMetricAlarm each, a safe
//! change (it alters no data, and a second run finds the alarm and plans nothing). The lag
//! alarm fires when the lag stays above ZH001's limit for five minutes, or when the metric
//! stops coming (missing data is breaching: silence is not health); the failed-tables alarm
//! fires on the first minute a table fails. Without `--alarm-action` the alarm changes state
//! in CloudWatch and notifies no one: the plan says so.

use crate::model::health::{LAG, TABLES_FAILED};
use crate::model::{Finding, Snapshot};
use crate::rules::checks::health::HealthCheck;
use crate::rules::spec::{Applicability, Check};
use crate::rules::RuleSet;

use super::action::{action, with_reason, Alarm, Op, Plan};
use super::context::FixContext;
use super::params::{codes, failing};

/// What an alarm costs, said in the plan (CloudWatch pricing: per alarm metric per month).
const COST: &str = "one standard-resolution CloudWatch alarm: billed per alarm per month \
    (the standard alarm class of CloudWatch pricing)";

pub(super) fn health_actions(
    plan: &mut Plan,
    handled: &mut Vec<String>,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
    ctx: &FixContext,
) {
    let Some(h) = &snap.health else { return };
    let namespace = h
        .metrics
        .ok()
        .map(|m| m.namespace.clone())
        .unwrap_or_else(|| crate::fetch::health::DEFAULT_NAMESPACE.to_string());
    // The limit of the lag rule that judges this pair (ZH001, or ZH006 for a DynamoDB
    // table), as this run's rules have it (`--max-lag`, `max_lag`).
    let limit = rules
        .rules
        .iter()
        .filter(|r| crate::rules::engine::applies(r, snap))
        .find_map(|r| match &r.check {
            Check::Health(c) if c.check == HealthCheck::Lag => c.max_seconds,
            _ => None,
        })
        .unwrap_or(900);
    let id = h.integration_id().to_string();
    for (which, metric, suffix, threshold, periods, missing) in [
        (
            HealthCheck::LagAlarm,
            LAG,
            "lag",
            limit as f64,
            5,
            "breaching",
        ),
        (
            HealthCheck::FailedTablesAlarm,
            TABLES_FAILED,
            "failed-tables",
            0.0,
            1,
            "notBreaching",
        ),
    ] {
        let wanted = failing(
            findings,
            rules,
            |r| matches!(&r.check, Check::Health(c) if c.check == which),
        );
        if wanted.is_empty() {
            continue;
        }
        let rule_codes = codes(&wanted);
        let alarm = Alarm {
            name: format!("zetl-{id}-{suffix}"),
            namespace: namespace.clone(),
            metric: metric.to_string(),
            integration_id: id.clone(),
            threshold,
            evaluation_periods: periods,
            missing_data: missing.to_string(),
            actions: ctx.alarm_actions.clone(),
        };
        let notify = if ctx.alarm_actions.is_empty() {
            "; it notifies no one until an action is added (--alarm-action ARN of an SNS topic)"
                .to_string()
        } else {
            format!("; it notifies {}", ctx.alarm_actions.join(", "))
        };
        let summary = format!(
            "Create alarm {} on {metric} of integration {id} (above {threshold} for {periods} min)",
            alarm.name
        );
        let a = with_reason(
            action(
                Applicability::Safe,
                &h.integration_arn,
                summary,
                &rule_codes,
                Op::PutMetricAlarm(alarm),
            ),
            Some(format!("{COST}{notify}")),
        );
        plan.push(a);
        handled.extend(rule_codes);
    }
}

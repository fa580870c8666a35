//! Findings → [`Plan`]. Pure: the snapshot, the findings, the rules and the [`FixContext`]
//! decide everything.
//!
//! Order: the source's parameter group, its association, the writer's reboot; then the
//! target's parameters and reboot; then the resource policy; then the KMS key policy;
//! manual steps last. Rules of
//! safe change: a `default.*` group is never edited (a custom copy is made and associated),
//! a group other clusters use is copied, never edited in place; only a group this cluster
//! alone uses is modified in place.

use crate::model::arn::account_of;
use crate::model::{Fact, Finding, Snapshot, Status};
use crate::rules::spec::{Applicability, Check, PolicyStatement};
use crate::rules::RuleSet;

use super::action::{action, Change, Op, Plan};
use super::context::FixContext;
use super::params::{codes, failing};
use super::policy::{self, Additions};

/// Plan every fix for `findings`.
pub fn plan(snap: &Snapshot, findings: &[Finding], rules: &RuleSet, ctx: &FixContext) -> Plan {
    let mut plan = Plan::default();
    let mut handled: Vec<String> = Vec::new();
    super::plan_source::source_actions(&mut plan, &mut handled, snap, findings, rules, ctx);
    super::plan_target::target_actions(&mut plan, &mut handled, snap, findings, rules, ctx);
    policy_actions(&mut plan, &mut handled, snap, findings, rules);
    super::plan_table::table_actions(&mut plan, &mut handled, snap, findings, rules);
    super::plan_key::key_actions(&mut plan, &mut handled, snap, findings, rules);
    super::plan_health::health_actions(&mut plan, &mut handled, snap, findings, rules, ctx);
    super::plan_refresh::refresh_actions(&mut plan, &mut handled, snap, findings, rules, ctx);
    manual_actions(&mut plan, &handled, findings);
    super::owned::guard(&mut plan, snap, ctx);
    plan
}

fn policy_actions(
    plan: &mut Plan,
    handled: &mut Vec<String>,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
) {
    let wanted = failing(findings, rules, |r| {
        matches!(r.check, Check::ResourcePolicy(_))
    });
    if wanted.is_empty() {
        return;
    }
    let rule_codes = codes(&wanted);
    let want = |which: PolicyStatement| {
        wanted.iter().any(|f| {
            rules.find(&f.rule).is_some_and(
                |r| matches!(&r.check, Check::ResourcePolicy(p) if p.statement == which),
            )
        })
    };
    let source = snap.source.arn();
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
            "Add {} to the resource policy of {ns}{}",
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
            match existing_statements(existing.as_deref()) {
                0 => String::new(),
                n => format!(
                    ", keeping its {}",
                    crate::model::words::count(n, "existing statement", "existing statements")
                ),
            }
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

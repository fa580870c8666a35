//! Planning the KMS key: the statements the key policy lacks for Redshift's grant (ZK002)
//! and for the creator's (ZK003), merged into the policy and put back with PutKeyPolicy.
//! The merged policy is judged by the same rules before it is proposed: a statement that
//! would not be enough (an explicit Deny stays) is left to a person.

use crate::model::{Fact, Finding, Snapshot, Status};
use crate::rules::checks::kms_key::{self, KeyCheck};
use crate::rules::spec::{Applicability, Check};
use crate::rules::RuleSet;

use super::action::{action, with_reason, Change, Op, Plan};
use super::params::{codes, failing};
use super::policy;

pub(super) fn key_actions(
    plan: &mut Plan,
    handled: &mut Vec<String>,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
) {
    let wanted = |which: KeyCheck| {
        failing(
            findings,
            rules,
            |r| matches!(&r.check, Check::KmsKey(k) if k.check == which),
        )
    };
    let (redshift, creator) = (
        wanted(KeyCheck::RedshiftGrant),
        wanted(KeyCheck::CreatorGrant),
    );
    let Some(key) = &snap.kms_key else {
        return;
    };
    let (Fact::Ok(d), Fact::Ok(existing)) = (&key.description, &key.policy) else {
        return; // an unread key or policy: left to the manual list
    };
    let mut statements = Vec::new();
    let mut what = Vec::new();
    if !redshift.is_empty() {
        statements.push(kms_key::redshift_statement(snap, key));
        what.push("Redshift's grant".to_string());
    }
    // The creator's statement names it: without a known creator, a person writes it.
    if let (Some(c), false) = (&snap.creator, creator.is_empty()) {
        statements.push(kms_key::creator_statement(&c.arn, snap.source.region()));
        what.push(format!("the creator's grant ({})", c.arn));
    }
    if statements.is_empty() {
        return;
    }
    let Ok(merged) = policy::append(Some(existing), statements) else {
        return;
    };
    // Judge the merged policy as the check would; act only on what it settles.
    let mut after = snap.clone();
    if let Some(k) = &mut after.kms_key {
        k.policy = Fact::Ok(merged.clone());
    }
    let passes = |code: &str| {
        crate::rules::evaluate(&after, rules)
            .iter()
            .any(|f| f.rule == code && f.status == Status::Pass)
    };
    let fixed: Vec<&Finding> = redshift
        .iter()
        .chain(if snap.creator.is_some() {
            &creator[..]
        } else {
            &[]
        })
        .copied()
        .filter(|f| passes(&f.rule))
        .collect();
    if fixed.is_empty() {
        return;
    }
    let rule_codes = codes(&fixed);
    let kept = serde_json::from_str::<serde_json::Value>(existing)
        .ok()
        .map_or(0, |v| match &v["Statement"] {
            serde_json::Value::Array(a) => a.len(),
            serde_json::Value::Object(_) => 1,
            _ => 0,
        });
    let mut a = with_reason(
        action(
            Applicability::Unsafe,
            &d.arn,
            format!(
                "Add {} to the key policy of {}, keeping its {}",
                what.join(" and "),
                d.key_id,
                crate::model::words::count(kept, "existing statement", "existing statements")
            ),
            &rule_codes,
            Op::PutKeyPolicy {
                key_id: d.arn.clone(),
                policy: merged.clone(),
            },
        ),
        Some(
            "PutKeyPolicy replaces the whole key policy: a wrong policy can lock everyone out \
             of the key; review the merged policy"
                .into(),
        ),
    );
    a.changes
        .push(Change::new("KeyPolicy", Some(existing), Some(&merged)));
    plan.push(a);
    handled.extend(rule_codes);
}

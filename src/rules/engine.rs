//! Snapshot + rules → findings. Pure: no I/O.

use crate::model::{Evidence, Finding, Severity, Snapshot, Status};

use super::checks::Needs;
use super::outcome::{Outcome, Verdict};
use super::spec::Rule;
use super::RuleSet;

/// Does the rule apply to this source engine and target kind?
pub fn applies(rule: &Rule, snap: &Snapshot) -> bool {
    // Data rules run only when the catalog was asked for (`--data`); deployment rules only
    // on snapshots built from a Terraform plan or CloudFormation template.
    let held = match rule.check.kind().needs() {
        Needs::Nothing => true,
        Needs::Schema => snap.schema.is_some(),
        Needs::Deployment => snap.deployment.is_some(),
        Needs::Health => snap.health.is_some(),
    };
    if !held {
        return false;
    }
    let a = &rule.applies_to;
    let shape = snap.source.shape();
    rule.check.kind().sources().contains(&shape)
        && (a.engines.is_empty() || a.engines.iter().any(|e| e == snap.source.engine()))
        && (a.targets.is_empty() || a.targets.contains(&snap.target.kind()))
        && (a.sources.is_empty() || a.sources.contains(&shape))
        && (a.regions.is_empty() || a.regions.iter().any(|r| r == snap.target.region()))
}

/// Evaluate every applicable rule. Findings come in rule-code order.
pub fn evaluate(snap: &Snapshot, rules: &RuleSet) -> Vec<Finding> {
    let mut findings: Vec<Finding> = rules
        .rules
        .iter()
        .filter(|r| applies(r, snap))
        .map(|r| {
            // A plan that cannot tell a fact this rule reads: unverified, never judged.
            let outcome = match super::reads::unknown(&r.check, snap) {
                Some(why) => Outcome::unknown(why, Evidence::default()),
                None => r.check.kind().run(snap),
            };
            finding(r, outcome, snap)
        })
        .collect();
    findings.sort_by(|a, b| a.rule.cmp(&b.rule));
    findings
}

fn finding(rule: &Rule, outcome: Outcome, snap: &Snapshot) -> Finding {
    let status = match outcome.verdict {
        Verdict::Pass => Status::Pass,
        Verdict::Violation if rule.severity == Severity::Error => Status::Fail,
        Verdict::Violation | Verdict::Advisory => Status::Warn,
        Verdict::Unknown => Status::Error,
        Verdict::NotApplicable => Status::Skip,
    };
    let remediation = matches!(status, Status::Fail | Status::Warn).then(|| match &outcome.fix {
        Some(template) => super::fix_text::fill(template, snap),
        None => super::fix_text::remediation(rule, snap),
    });
    Finding {
        rule: rule.code.clone(),
        name: rule.name.clone(),
        title: rule.title.clone(),
        status,
        severity: rule.severity,
        resource: outcome
            .resource
            .unwrap_or_else(|| rule.check.kind().resource(snap)),
        message: outcome.message,
        evidence: outcome.evidence,
        docs: rule.docs_url().to_string(),
        remediation,
        suppressed: None,
        location: snap
            .deployment
            .as_ref()
            .and_then(|p| super::reads::location(&rule.check, p))
            .cloned(),
    }
}

//! What a check concludes about a snapshot, before a rule's severity makes it a finding.

use crate::model::Evidence;

/// What a check concluded, before the rule's severity is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    /// The requirement does not hold: `fail`, or `warn` for a warning-severity rule.
    Violation,
    /// Worth a warning whatever the rule's severity (e.g. conflicting docs, partial evidence).
    Advisory,
    /// A fact could not be read or determined.
    Unknown,
    /// Nothing to check here (e.g. no existing integration).
    NotApplicable,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub verdict: Verdict,
    pub message: String,
    pub evidence: Evidence,
    /// Overrides the rule's default resource (its side's ARN).
    pub resource: Option<String>,
    /// Overrides the rule's fix template when this outcome needs a different remedy.
    pub fix: Option<String>,
}

impl Outcome {
    pub fn new(verdict: Verdict, message: impl Into<String>, evidence: Evidence) -> Self {
        Outcome {
            verdict,
            message: message.into(),
            evidence,
            resource: None,
            fix: None,
        }
    }

    pub fn unknown(message: impl Into<String>, evidence: Evidence) -> Self {
        Outcome::new(Verdict::Unknown, message, evidence)
    }

    pub fn fix(mut self, template: impl Into<String>) -> Self {
        self.fix = Some(template.into());
        self
    }

    pub fn on(mut self, resource: impl Into<String>) -> Self {
        self.resource = Some(resource.into());
        self
    }
}

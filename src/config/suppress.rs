//! Suppressions: accept one rule's finding on one resource, with a reason and an optional
//! expiry. Stale and expired suppressions are reported, never silently ignored.

use serde::Serialize;

use crate::model::{Finding, Status, Suppressed};

use super::file::Suppression;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SuppressionState {
    /// It matched at least one finding and was applied.
    Applied,
    /// It matched no failing, warning or unverified finding: remove it, or fix its name.
    Unused,
    /// Its date has passed: the finding counts again.
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuppressionNote {
    pub rule: String,
    pub resource: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub state: SuppressionState,
    /// How many findings it matched.
    pub matched: usize,
}

fn resource_matches(wanted: &str, resource: &str) -> bool {
    resource == wanted
        || resource.ends_with(&format!(":{wanted}"))
        || resource.ends_with(&format!("/{wanted}"))
}

/// Suppressions applied pair by pair: marks findings as they come and counts what each
/// suppression matched, for the notes at the end.
pub struct Suppressor<'a> {
    list: &'a [Suppression],
    /// Per suppression: its expiry date and whether that has passed.
    expiry: Vec<(Option<String>, bool)>,
    matched: Vec<usize>,
}

impl<'a> Suppressor<'a> {
    /// `today` is `YYYY-MM-DD` (UTC).
    pub fn new(list: &'a [Suppression], today: &str) -> Suppressor<'a> {
        let expiry = list
            .iter()
            .map(|s| {
                let expires = s.expires.and_then(|d| d.date).map(|d| d.to_string());
                let expired = expires.as_deref().is_some_and(|e| e < today);
                (expires, expired)
            })
            .collect();
        Suppressor {
            list,
            expiry,
            matched: vec![0; list.len()],
        }
    }

    /// Mark the findings that a live suppression matches.
    pub fn mark<'f>(&mut self, findings: impl IntoIterator<Item = &'f mut Finding>) {
        for f in findings {
            if !matches!(f.status, Status::Fail | Status::Warn | Status::Error) {
                continue;
            }
            for (i, s) in self.list.iter().enumerate() {
                let named = f.rule.eq_ignore_ascii_case(&s.rule) || f.name == s.rule;
                if !(named && resource_matches(&s.resource, &f.resource)) {
                    continue;
                }
                self.matched[i] += 1;
                let (expires, expired) = &self.expiry[i];
                if !expired {
                    f.suppressed = Some(Suppressed {
                        reason: s.reason.clone(),
                        expires: expires.clone(),
                    });
                }
            }
        }
    }

    /// What became of each suppression so far.
    pub fn notes(&self) -> Vec<SuppressionNote> {
        self.list
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let (expires, expired) = &self.expiry[i];
                let matched = self.matched[i];
                let state = if *expired {
                    SuppressionState::Expired
                } else if matched == 0 {
                    SuppressionState::Unused
                } else {
                    SuppressionState::Applied
                };
                SuppressionNote {
                    rule: s.rule.clone(),
                    resource: s.resource.clone(),
                    reason: s.reason.clone(),
                    expires: expires.clone(),
                    state,
                    matched,
                }
            })
            .collect()
    }
}

/// Mark matching findings as suppressed; `today` is `YYYY-MM-DD` (UTC).
pub fn apply<'a>(
    findings: impl IntoIterator<Item = &'a mut Finding>,
    suppressions: &[Suppression],
    today: &str,
) -> Vec<SuppressionNote> {
    let mut s = Suppressor::new(suppressions, today);
    s.mark(findings);
    s.notes()
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    crate::model::now_rfc3339().chars().take(10).collect()
}

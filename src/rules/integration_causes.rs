//! An existing integration's `Errors`, mapped to the rules that explain them: the causes are
//! rules data (`[[cause]]` in `rules/*.toml`, next to the rules that confirm them, each with
//! the troubleshooting page it comes from); the rules of this run say whether a cause holds
//! now.

use serde::Serialize;

use crate::model::{Finding, IntegrationError, Status};

use super::spec::Cause;

/// One error of an integration, with its likely cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MappedError {
    pub error_code: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_message: Option<String>,
    /// The cause the message points at, when it names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub likely_cause: Option<String>,
    /// The rules that check that cause.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// Those rules that fail in this run: the cause is confirmed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub confirmed_by: Vec<String>,
}

/// The first cause whose words appear in `text` (an error, a failed table's reason).
pub fn cause_of<'a>(text: &str, causes: &'a [Cause]) -> Option<&'a Cause> {
    let text = text.to_lowercase();
    causes
        .iter()
        .find(|c| c.words.iter().any(|w| text.contains(w.as_str())))
}

/// Map each error to a cause, and say which failing findings confirm it.
pub fn map(
    errors: &[IntegrationError],
    findings: &[Finding],
    causes: &[Cause],
) -> Vec<MappedError> {
    errors
        .iter()
        .map(|e| {
            let text = format!(
                "{} {}",
                e.error_code,
                e.error_message.as_deref().unwrap_or("")
            )
            .to_lowercase();
            let hit = cause_of(&text, causes);
            let (likely_cause, rules) = match hit {
                Some(c) => (Some(c.what.clone()), c.rules.clone()),
                None => (None, Vec::new()),
            };
            let confirmed_by = findings
                .iter()
                .filter(|f| rules.contains(&f.rule) && f.status == Status::Fail)
                .map(|f| f.rule.clone())
                .collect();
            MappedError {
                error_code: e.error_code.clone(),
                error_message: e.error_message.clone(),
                likely_cause,
                rules,
                confirmed_by,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Evidence;

    fn finding(rule: &str, status: Status) -> Finding {
        Finding {
            rule: rule.into(),
            name: String::new(),
            title: String::new(),
            status,
            severity: crate::model::Severity::Error,
            resource: String::new(),
            message: String::new(),
            evidence: Evidence::default(),
            docs: String::new(),
            remediation: None,
            suppressed: None,
            location: None,
        }
    }

    #[test]
    fn messages_map_to_rules_and_failures_confirm_them() {
        let errors = vec![
            IntegrationError {
                error_code: "INTEGRATION_FAILURE".into(),
                error_message: Some("Logical replication is not enabled on the source".into()),
            },
            IntegrationError {
                error_code: "SOMETHING_ELSE".into(),
                error_message: None,
            },
        ];
        let causes = crate::rules::RuleSet::embedded().unwrap().causes;
        let m = map(
            &errors,
            &[
                finding("ZP001", Status::Fail),
                finding("ZP002", Status::Pass),
            ],
            &causes,
        );
        assert_eq!(m[0].rules[0], "ZP001");
        assert_eq!(m[0].confirmed_by, ["ZP001"]);
        assert!(m[1].likely_cause.is_none() && m[1].rules.is_empty());
    }
}

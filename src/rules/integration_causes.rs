//! An existing integration's `Errors`, mapped to the rules that explain them: the documented
//! failure messages (Aurora's troubleshooting page, field notes §5) name a cause; the rules
//! of this run say whether that cause holds now.

use serde::Serialize;

use crate::model::{Finding, IntegrationError, Status};

/// (words in the message or code, the rules that check that cause, the cause in words).
const CAUSES: &[(&[&str], &[&str], &str)] = &[
    (
        &["binlog", "binary log"],
        &["ZM001", "ZM002", "ZM003", "ZM004", "ZM005", "ZM006", "ZM007", "ZM008", "ZC007"],
        "the source's binary logging settings (enhanced binlog, binlog format, row image, live on the writer)",
    ),
    (
        &["logical replication", "logical_replication", "replication slot"],
        &["ZP001", "ZP002", "ZP003", "ZP004", "ZC007"],
        "the source's logical replication settings",
    ),
    (
        &["case sensitiv", "case_sensitive"],
        &["ZR007"],
        "case sensitivity on the target (enable_case_sensitive_identifier)",
    ),
    (
        &["resource policy", "authoriz", "not authorized", "inbound integration"],
        &["ZA001", "ZA002"],
        "the target namespace's resource policy",
    ),
    (
        &["primary key"],
        &["ZD002"],
        "tables without a primary key",
    ),
    (
        &["data type", "unsupported type", "not supported type"],
        &["ZD004", "ZD010"],
        "column types zero-ETL does not replicate",
    ),
    (
        &["parameter group", "pending-reboot", "reboot"],
        &["ZC006", "ZC007"],
        "a parameter group that is not applied (pending reboot)",
    ),
    (
        &["encrypt"],
        &["ZR006"],
        "target encryption",
    ),
    (
        &["node type"],
        &["ZR004"],
        "the target's node type",
    ),
    (
        &["engine version", "version is not supported"],
        &["ZM010", "ZP005"],
        "the source engine version",
    ),
];

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

/// Map each error to a cause, and say which failing findings confirm it.
pub fn map(errors: &[IntegrationError], findings: &[Finding]) -> Vec<MappedError> {
    errors
        .iter()
        .map(|e| {
            let text = format!(
                "{} {}",
                e.error_code,
                e.error_message.as_deref().unwrap_or("")
            )
            .to_lowercase();
            let hit = CAUSES
                .iter()
                .find(|(words, _, _)| words.iter().any(|w| text.contains(w)));
            let (likely_cause, rules) = match hit {
                Some((_, rules, cause)) => (
                    Some(cause.to_string()),
                    rules.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
                ),
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
        let m = map(
            &errors,
            &[
                finding("ZP001", Status::Fail),
                finding("ZP002", Status::Pass),
            ],
        );
        assert_eq!(m[0].rules[0], "ZP001");
        assert_eq!(m[0].confirmed_by, ["ZP001"]);
        assert!(m[1].likely_cause.is_none() && m[1].rules.is_empty());
    }
}

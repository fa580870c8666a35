//! The versioned JSON report (`--format json`). Its schema is documented in the README.

use serde::Serialize;

use crate::config::suppress::SuppressionNote;
use crate::model::{Finding, Identity, Summary};

use super::{Document, Report, SourceInfo, TargetInfo, REPORT_SCHEMA_VERSION};

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

const TOOL: Tool = Tool {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Serialize)]
struct Counts {
    total: usize,
    #[serde(flatten)]
    per_status: Summary,
}

/// One checked pair.
#[derive(Serialize)]
struct Check<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    integration: Option<&'a super::IntegrationInfo>,
    source: &'a SourceInfo,
    target: &'a TargetInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    captured_at: Option<&'a str>,
    summary: Counts,
    findings: &'a [Finding],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    notes: &'a [String],
}

impl<'a> Check<'a> {
    fn of(r: &'a Report) -> Check<'a> {
        Check {
            integration: r.integration.as_ref(),
            source: &r.source,
            target: &r.target,
            captured_at: r.captured_at.as_deref(),
            summary: Counts {
                total: r.findings.len(),
                per_status: r.summary(),
            },
            findings: &r.findings,
            notes: &r.notes,
        }
    }
}

/// One pair: the check's fields at the top level.
#[derive(Serialize)]
struct Single<'a> {
    schema_version: u32,
    tool: Tool,
    /// Who ran the live checks (sts:GetCallerIdentity); absent offline or when not allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<&'a Identity>,
    #[serde(flatten)]
    check: Check<'a>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    suppressions: &'a [SuppressionNote],
}

/// Several pairs (from the config file): totals, then one entry per pair.
#[derive(Serialize)]
struct Multi<'a> {
    schema_version: u32,
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<&'a Identity>,
    summary: Counts,
    checks: Vec<Check<'a>>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    suppressions: &'a [SuppressionNote],
}

/// The document as pretty-printed JSON, with a trailing newline.
pub fn render(doc: &Document) -> String {
    // Serializing plain data with string keys cannot fail.
    let mut out = match doc.reports.as_slice() {
        [one] => serde_json::to_string_pretty(&Single {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: TOOL,
            identity: doc.identity.as_ref(),
            check: Check::of(one),
            suppressions: &doc.suppressions,
        }),
        many => serde_json::to_string_pretty(&Multi {
            schema_version: REPORT_SCHEMA_VERSION,
            tool: TOOL,
            identity: doc.identity.as_ref(),
            summary: Counts {
                total: doc.findings().count(),
                per_status: doc.summary(),
            },
            checks: many.iter().map(Check::of).collect(),
            suppressions: &doc.suppressions,
        }),
    }
    .expect("report serializes");
    out.push('\n');
    out
}

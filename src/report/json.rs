//! The versioned JSON report (`--format json`). Its schema is documented in the README.

use serde::Serialize;

use crate::model::{Finding, Summary};

use super::{Report, SourceInfo, TargetInfo, REPORT_SCHEMA_VERSION};

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Counts<'a> {
    total: usize,
    #[serde(flatten)]
    per_status: &'a Summary,
}

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    source: &'a SourceInfo,
    target: &'a TargetInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    captured_at: Option<&'a str>,
    summary: Counts<'a>,
    findings: &'a [Finding],
}

/// The report as pretty-printed JSON, with a trailing newline.
pub fn render(report: &Report) -> String {
    let doc = Document {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        source: &report.source,
        target: &report.target,
        captured_at: report.captured_at.as_deref(),
        summary: Counts {
            total: report.findings.len(),
            per_status: &report.summary,
        },
        findings: &report.findings,
    };
    // Serializing plain data with string keys cannot fail.
    let mut out = serde_json::to_string_pretty(&doc).expect("report serializes");
    out.push('\n');
    out
}

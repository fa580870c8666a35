//! The versioned JSON report (`--format json`). Its schema is documented in docs/output.md.

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
    #[serde(flatten)]
    run: Run<'a>,
}

/// What the run as a whole noted, and what it could not verify (an audit's account or list
/// that could not be read).
#[derive(Serialize)]
struct Run<'a> {
    #[serde(rename = "run_notes", skip_serializing_if = "<[_]>::is_empty")]
    notes: &'a [String],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    unverified: &'a [String],
}

/// Several pairs (from the config file): totals, then one entry per pair.
#[derive(Serialize)]
struct Multi<'a> {
    schema_version: u32,
    tool: Tool,
    #[serde(skip_serializing_if = "Option::is_none")]
    identity: Option<&'a Identity>,
    summary: Counts,
    /// Always empty here: the pairs are written in its place as they come.
    checks: [(); 0],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    suppressions: &'a [SuppressionNote],
    #[serde(flatten)]
    run: Run<'a>,
}

fn run(doc: &Document) -> Run<'_> {
    Run {
        notes: &doc.notes,
        unverified: &doc.unverified,
    }
}

fn pretty(value: &impl Serialize) -> String {
    // Serializing plain data with string keys cannot fail.
    serde_json::to_string_pretty(value).expect("report serializes")
}

/// One pair's document, with a trailing newline.
pub(super) fn single(doc: &Document, r: &Report) -> String {
    let mut out = pretty(&Single {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: TOOL,
        identity: doc.identity.as_ref(),
        check: Check::of(r),
        suppressions: &doc.suppressions,
        run: run(doc),
    });
    out.push('\n');
    out
}

/// One entry of `checks`, pretty-printed on its own (the writer indents it).
pub(super) fn element(r: &Report) -> String {
    pretty(&Check::of(r))
}

/// The multi-pair document with an empty `checks`, to be split around the entries; the
/// marker is what that empty list looks like.
pub(super) fn frame(doc: &Document, summary: Summary, findings: usize) -> (String, &'static str) {
    let mut out = pretty(&Multi {
        schema_version: REPORT_SCHEMA_VERSION,
        tool: TOOL,
        identity: doc.identity.as_ref(),
        summary: Counts {
            total: findings,
            per_status: summary,
        },
        checks: [],
        suppressions: &doc.suppressions,
        run: run(doc),
    });
    out.push('\n');
    (out, "\"checks\": []")
}

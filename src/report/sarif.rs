//! SARIF 2.1.0 (`--format sarif`) for GitHub code scanning and other viewers.
//!
//! Cloud resources have no source file: a result points at its resource's place in a plan or
//! template, else at the file that named the pair (`Document::artifact`: the snapshot, plan,
//! template or config file, line 1) when there is one, and always names the resource as a
//! logical location and in its properties. One run holds every pair, since GitHub rejects several
//! runs of one tool in one upload.

use serde_json::{json, Value};

use crate::model::{Finding, Status};
use crate::rules::Rule;

use super::Document;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

fn level(doc: &Document, f: &Finding) -> &'static str {
    // Suppressed results keep their level; their `suppressions` entry dismisses them.
    if doc.gate.content().status_fails(f.status) {
        "error"
    } else if matches!(f.status, Status::Warn | Status::Error) {
        "warning"
    } else {
        "note"
    }
}

fn help_markdown(r: &Rule) -> String {
    let mut md = format!(
        "**{}**\n\n{}\n\n**Why it matters.** {}\n\n**How to fix.**\n\n```sh\n{}\n```\n",
        r.title,
        r.docs.what.trim(),
        r.docs.why.trim(),
        crate::rules::fix_text::for_docs(r)
    );
    if let Some(n) = &r.docs.notes {
        md.push_str(&format!("\n**Notes.** {}\n", n.trim()));
    }
    md.push_str("\n**References.**\n\n");
    for u in &r.docs.references {
        md.push_str(&format!("- {u}\n"));
    }
    md
}

fn descriptor(r: &Rule) -> Value {
    let mut tags = vec!["zero-etl".to_string()];
    tags.extend(r.catalog.iter().cloned());
    json!({
        "id": r.code,
        "name": r.name,
        "shortDescription": { "text": r.title },
        "fullDescription": { "text": r.docs.what.trim() },
        "help": {
            "text": format!("{}\n\nWhy: {}\n\nFix: {}", r.docs.what.trim(), r.docs.why.trim(), crate::rules::fix_text::for_docs(r)),
            "markdown": help_markdown(r),
        },
        "helpUri": r.docs_url(),
        "defaultConfiguration": { "level": match r.severity {
            crate::model::Severity::Error => "error",
            crate::model::Severity::Warning => "warning",
        } },
        "properties": { "tags": tags, "precision": "very-high" },
    })
}

fn message(f: &Finding) -> String {
    let mut text = match f.status {
        Status::Error => format!("Could not verify {} ({}): {}", f.rule, f.name, f.message),
        _ => format!("{} ({}): {}", f.rule, f.name, f.message),
    };
    if let Some(fix) = &f.remediation {
        text.push_str(&format!("\nFix: {fix}"));
    }
    text
}

/// Where a result points: the template position of its resource when a plan gives one;
/// the plan file without a line when it does not (a line is never invented); else the
/// config file's first line, which GitHub needs for cloud resources that have no file.
fn location(doc: &Document, f: &Finding) -> Value {
    match &f.location {
        Some(l) => {
            let logical = json!([{ "fullyQualifiedName": l.address, "kind": "resource" }]);
            let Some(file) = l.file.as_deref().or(doc.artifact.as_deref()) else {
                return json!({ "logicalLocations": logical });
            };
            let mut physical = json!({ "artifactLocation": { "uri": file } });
            if let Some(line) = l.line {
                physical["region"] = json!({ "startLine": line });
                if let Some(c) = l.column {
                    physical["region"]["startColumn"] = json!(c);
                }
            }
            json!({ "physicalLocation": physical, "logicalLocations": logical })
        }
        None => {
            let logical = json!([{ "fullyQualifiedName": f.resource, "kind": "resource" }]);
            match &doc.artifact {
                Some(file) => json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": file },
                        "region": { "startLine": 1 }
                    },
                    "logicalLocations": logical
                }),
                None => json!({ "logicalLocations": logical }),
            }
        }
    }
}

fn result(doc: &Document, f: &Finding, index: Option<usize>) -> Value {
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(doc, f),
        "kind": "fail",
        "message": { "text": message(f) },
        "locations": [location(doc, f)],
        "partialFingerprints": { "zetlPreflightFinding/v1": format!("{}:{}", f.rule, f.resource) },
        "properties": {
            "resource": f.resource,
            "status": f.status.as_str(),
            "evidence": f.evidence,
            "docs": f.docs,
        },
    });
    if let Some(i) = index {
        r["ruleIndex"] = json!(i);
    }
    if let Some(s) = &f.suppressed {
        r["suppressions"] = json!([{ "kind": "external", "justification": s.reason }]);
    }
    r
}

/// One pair's results: failing, warning and unverified findings (passing and skipped
/// checks are not results), each pretty-printed on its own (the writer indents them).
pub(super) fn elements(doc: &Document, r: &super::Report) -> Vec<String> {
    r.findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Error))
        .map(|f| result(doc, f, doc.rules.iter().position(|r| r.code == f.rule)))
        .map(|v| serde_json::to_string_pretty(&v).expect("SARIF serializes"))
        .collect()
}

/// One pair, as the run's properties name it.
pub(super) fn pair(r: &super::Report) -> Value {
    json!({
        "source": r.source.arn,
        "target": r.target.namespace_arn.as_deref().unwrap_or(&r.target.id),
    })
}

/// The SARIF log with an empty `results`, to be split around the results; the marker is
/// what that empty list looks like. What the run noted or could not verify becomes tool
/// execution notifications.
pub(super) fn frame(doc: &Document, pairs: &[Value]) -> (String, &'static str) {
    let mut run = json!({
        "tool": { "driver": {
            "name": env!("CARGO_PKG_NAME"),
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "informationUri": "https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.html",
            "rules": doc.rules.iter().map(descriptor).collect::<Vec<_>>(),
        } },
        "results": [],
        "properties": { "pairs": pairs },
    });
    if !doc.notes.is_empty() || !doc.unverified.is_empty() {
        let notify =
            |level: &str, text: &String| json!({ "level": level, "message": { "text": text } });
        let notes = doc.notes.iter().map(|n| notify("note", n));
        let unverified = doc.unverified.iter().map(|u| notify("error", u));
        run["invocations"] = json!([{
            "executionSuccessful": doc.unverified.is_empty(),
            "toolExecutionNotifications": unverified.chain(notes).collect::<Vec<_>>(),
        }]);
    }
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("SARIF serializes");
    out.push('\n');
    (out, "\"results\": []")
}

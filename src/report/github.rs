//! GitHub Actions workflow commands (`--format github`): one `::error` or `::warning` line
//! per finding, shown as annotations on the run.

use crate::model::{Finding, Status};

use super::Document;

/// Escape workflow-command data (`%`, CR, LF).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a workflow-command property value (also `:` and `,`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(doc: &Document, f: &Finding) -> Option<&'static str> {
    if f.suppressed.is_some() {
        return None;
    }
    match f.status {
        Status::Pass | Status::Skip => None,
        _ if doc.gate.content().finding_fails(f) => Some("error"),
        _ => Some("warning"),
    }
}

/// One pair's annotations.
pub(super) fn part(doc: &Document, r: &super::Report) -> String {
    let mut out = String::new();
    for f in &r.findings {
        let Some(cmd) = command(doc, f) else { continue };
        let verb = if f.status == Status::Error {
            "could not verify"
        } else {
            f.status.as_str()
        };
        let title = format!("{} {} ({verb}) on {}", f.rule, f.name, r.pair());
        let mut body = format!("{}\nresource: {}", f.message, f.resource);
        if let Some(fix) = &f.remediation {
            body.push_str(&format!("\nfix: {fix}"));
        }
        body.push_str(&format!("\ndocs: {}", f.docs));
        // A plan's resource: its template position, or the plan file without a line.
        let place = match &f.location {
            Some(l) => l.file.as_deref().or(doc.artifact.as_deref()).map(|file| {
                let mut p = format!("file={}", property(file));
                if let Some(line) = l.line {
                    p.push_str(&format!(",line={line}"));
                }
                if let (Some(_), Some(c)) = (l.line, l.column) {
                    p.push_str(&format!(",col={c}"));
                }
                p
            }),
            None => doc
                .artifact
                .as_deref()
                .map(|file| format!("file={},line=1", property(file))),
        };
        // Without a file, GitHub shows the annotation on the run, not on a line.
        let place = place.map(|p| format!("{p},")).unwrap_or_default();
        out.push_str(&format!(
            "::{cmd} {place}title={}::{}\n",
            property(&title),
            data(&body)
        ));
    }
    out
}

/// What the run could not verify, and the totals.
pub(super) fn tail(doc: &Document, s: &crate::model::Summary) -> String {
    let mut out = String::new();
    for u in &doc.unverified {
        out.push_str(&format!(
            "::error title=zetl-preflight: not verified::{}\n",
            data(u)
        ));
    }
    out.push_str(&format!(
        "::notice title=zetl-preflight::{} failed, {} unverified, {}, {} passed, {} skipped, {} suppressed\n",
        s.fail,
        s.error,
        crate::model::words::count(s.warn, "warning", "warnings"),
        s.pass,
        s.skip,
        s.suppressed
    ));
    out
}

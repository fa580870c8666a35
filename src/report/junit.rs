//! JUnit XML (`--format junit`): a test suite per pair, a test case per rule and resource.
//! `fail` is a failure, `error` (unverified) an error, `skip` and suppressed findings are
//! skipped; warnings pass with the warning in `system-out`, unless `--fail-on warning`.

use quick_xml::escape::escape;

use crate::model::{Finding, Status};

use super::{Document, Report};

fn attr(s: &str) -> String {
    escape(s).into_owned()
}

fn case(doc: &Document, f: &Finding) -> String {
    let attrs = format!(
        "classname=\"{}\" name=\"{}\"",
        attr(&f.resource),
        attr(&format!("{} {}: {}", f.rule, f.name, f.title))
    );
    let mut detail = f.message.clone();
    if let Some(e) = &f.evidence.expected {
        detail.push_str(&format!("\nexpected: {e}"));
    }
    if let Some(a) = &f.evidence.actual {
        detail.push_str(&format!("\nactual: {a}"));
    }
    if let Some(fix) = &f.remediation {
        detail.push_str(&format!("\nfix: {fix}"));
    }
    detail.push_str(&format!("\ndocs: {}", f.docs));
    let body = if let Some(s) = &f.suppressed {
        format!(
            "<skipped message=\"{}\"/>",
            attr(&format!("suppressed: {}", s.reason))
        )
    } else {
        match f.status {
            Status::Pass => String::new(),
            Status::Skip => format!("<skipped message=\"{}\"/>", attr(&f.message)),
            Status::Error if doc.gate.content().status_fails(Status::Error) => format!(
                "<error message=\"{}\" type=\"unverified\">{}</error>",
                attr(&f.message),
                escape(&detail)
            ),
            Status::Fail | Status::Warn | Status::Error
                if doc.gate.content().status_fails(f.status) =>
            {
                format!(
                    "<failure message=\"{}\" type=\"{}\">{}</failure>",
                    attr(&f.message),
                    f.status.as_str(),
                    escape(&detail)
                )
            }
            _ => format!(
                "<system-out>{}: {}</system-out>",
                f.status.as_str(),
                escape(&detail)
            ),
        }
    };
    if body.is_empty() {
        format!("    <testcase {attrs}/>\n")
    } else {
        format!("    <testcase {attrs}>\n      {body}\n    </testcase>\n")
    }
}

#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    pub(super) fn add(&mut self, other: Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }
}

pub(super) fn counts<'a>(doc: &Document, findings: impl Iterator<Item = &'a Finding>) -> Counts {
    let mut c = Counts::default();
    for f in findings {
        c.tests += 1;
        if f.suppressed.is_some() || f.status == Status::Skip {
            c.skipped += 1;
        } else if f.status == Status::Error && doc.gate.content().status_fails(Status::Error) {
            c.errors += 1;
        } else if doc.gate.content().status_fails(f.status) {
            c.failures += 1;
        }
    }
    c
}

pub(super) fn suite(doc: &Document, r: &Report) -> String {
    let c = counts(doc, r.findings.iter());
    let mut out = format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"{}>\n",
        attr(&format!("zetl-preflight {}", r.pair())),
        c.tests,
        c.failures,
        c.errors,
        c.skipped,
        r.captured_at
            .as_deref()
            .map(|t| format!(" timestamp=\"{}\"", attr(t.trim_end_matches('Z'))))
            .unwrap_or_default()
    );
    for f in &r.findings {
        out.push_str(&case(doc, f));
    }
    out.push_str("  </testsuite>\n");
    out
}

/// The opening, with the totals over every pair.
pub(super) fn head(doc: &Document, c: Counts) -> String {
    let unverified = doc.unverified.len();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"zetl-preflight\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n",
        c.tests + unverified,
        c.failures,
        c.errors + unverified,
        c.skipped
    )
}

/// The closing, after a suite of what the run could not verify (each an error), if any.
pub(super) fn tail(doc: &Document) -> String {
    let mut out = String::new();
    if !doc.unverified.is_empty() {
        out.push_str(&format!(
            "  <testsuite name=\"zetl-preflight coverage\" tests=\"{0}\" failures=\"0\" errors=\"{0}\" skipped=\"0\">\n",
            doc.unverified.len()
        ));
        for u in &doc.unverified {
            out.push_str(&format!(
                "    <testcase classname=\"zetl-preflight\" name=\"not verified\">\n      <error message=\"{}\" type=\"unverified\"/>\n    </testcase>\n",
                attr(u)
            ));
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

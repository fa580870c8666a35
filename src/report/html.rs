//! `--format html`: one self-contained page for a check, a fleet and its health. Written with
//! maud, which escapes every value (a table named `<script>` stays text); no request leaves
//! the page (inline CSS and SVG, no fonts, no CDN), and its Content-Security-Policy allows
//! only the page's own style and script, by their SHA-256. The content is HTML: with
//! JavaScript off everything is there; the script only filters, sorts and copies.
//!
//! Like the other formats it is written pair by pair: each pair's section goes to the spool
//! as it comes, and only a small row per pair is kept for the fleet summary at the top.

use std::sync::LazyLock;

use base64::Engine as _;
use maud::{html, Markup, PreEscaped, DOCTYPE};
use sha2::{Digest, Sha256};

use crate::model::{Finding, Status, Summary};

use super::{Document, Report};

const CSS: &str = include_str!("html/page.css");
const JS: &str = include_str!("html/page.js");

/// `sha256-…` of an inline element's text, as a CSP source.
fn csp_hash(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The page's policy: nothing from anywhere, but its own style and script and inline images.
static POLICY: LazyLock<String> = LazyLock::new(|| {
    format!(
        "default-src 'none'; style-src {}; script-src {}; img-src data:; base-uri 'none'; \
         form-action 'none'",
        csp_hash(CSS),
        csp_hash(JS)
    )
});

/// How a pair stands, worst first: what its row and section are filtered by.
fn standing(s: &Summary) -> (&'static str, &'static str) {
    if s.fail > 0 {
        ("fail", "NOT READY")
    } else if s.error > 0 {
        ("error", "NOT READY (unverified)")
    } else if s.warn > 0 {
        ("warn", "READY, with warnings")
    } else {
        ("pass", "READY")
    }
}

/// One row of the fleet summary: what is kept of a pair once its section is written.
#[derive(Debug, Clone)]
struct Row {
    id: String,
    pair: String,
    account: String,
    region: String,
    summary: Summary,
    integration: Option<(String, String)>,
    failing: Vec<String>,
    lag: Option<f64>,
}

/// The fleet summary's rows, and when the newest pair was read.
#[derive(Debug, Default)]
pub(super) struct Rows {
    rows: Vec<Row>,
    read_at: Option<String>,
}

impl Rows {
    /// Keep `r`'s row; its section's id.
    pub(super) fn add(&mut self, r: &Report) -> String {
        let id = format!("pair-{}", self.rows.len() + 1);
        let i = r.integration.as_ref();
        let mut failing: Vec<String> = r
            .findings
            .iter()
            .filter(|f| open(f) && matches!(f.status, Status::Fail | Status::Error | Status::Warn))
            .map(|f| f.rule.clone())
            .collect();
        failing.sort();
        failing.dedup();
        if let Some(at) = &r.captured_at {
            if self.read_at.as_ref().is_none_or(|t| at > t) {
                self.read_at = Some(at.clone());
            }
        }
        self.rows.push(Row {
            id: id.clone(),
            pair: r.pair(),
            account: i
                .and_then(|i| i.account.clone())
                .or_else(|| crate::model::arn::account_of(&r.source.arn))
                .unwrap_or_default(),
            region: i
                .map(|i| i.region.clone())
                .unwrap_or_else(|| r.source.region.clone()),
            summary: r.summary(),
            integration: i.map(|i| {
                (
                    i.name.clone().unwrap_or_else(|| "-".into()),
                    i.status.clone(),
                )
            }),
            failing,
            lag: latest_lag(r),
        });
        id
    }
}

fn open(f: &Finding) -> bool {
    f.suppressed.is_none()
}

/// The newest `IntegrationLag` read, in seconds.
fn latest_lag(r: &Report) -> Option<f64> {
    let h = r.snapshot.health.as_ref()?;
    let m = h.metrics.ok()?;
    m.series
        .get(crate::model::health::LAG)?
        .iter()
        .max_by_key(|p| p.at)
        .map(|p| p.value)
}

/// `4200` → `1 h 10 min`.
fn duration(seconds: f64) -> String {
    let s = seconds.max(0.0).round() as u64;
    match s {
        0..60 => format!("{s} s"),
        60..3600 => format!("{} min", s / 60),
        _ => format!("{} h {} min", s / 3600, (s % 3600) / 60),
    }
}

/// Everything before the pairs' sections: the policy, the verdict and counts, the fleet.
pub(super) fn head(doc: &Document, rows: &Rows, summary: &Summary) -> String {
    let (class, verdict) = if doc.fails_with(summary) {
        match summary.fail {
            0 => ("error", "NOT READY (unverified)"),
            _ => ("fail", "NOT READY"),
        }
    } else {
        standing(summary)
    };
    let many = rows.rows.len() > 1 || doc.fleet;
    let page = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta http-equiv="Content-Security-Policy" content=(*POLICY);
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="referrer" content="no-referrer";
                // No favicon request either.
                link rel="icon" href="data:,";
                title { "zetl-preflight: " (verdict) }
                style { (PreEscaped(CSS)) }
            }
            body {
                header {
                    h1.verdict.(class) #verdict { (verdict) }
                    ul.counts #counts {
                        li { b { (summary.fail) } " failed" }
                        li { b { (summary.warn) } " warnings" }
                        li { b { (summary.error) } " unverified" }
                        li { b { (summary.pass) } " passed" }
                        @if summary.suppressed > 0 { li { b { (summary.suppressed) } " suppressed" } }
                        li { b { (rows.rows.len()) } @if rows.rows.len() == 1 { " pair" } @else { " pairs" } }
                    }
                    p.meta {
                        @if let Some(at) = rows.read_at.as_ref().or(doc.read_at.as_ref()) { "Read at " (at) ". " }
                        @if let Some(who) = &doc.identity { "Checked as " (who.describe()) ". " }
                        @if let Some(file) = &doc.artifact { "From " code { (file) } "." }
                    }
                }
                @if many { (fleet(rows)) }
            }
        }
    };
    // The body goes on after the head: the sections and the tail close it.
    let text = page.into_string();
    let end = text.rfind("</body>").expect("the page has a body");
    text[..end].to_string()
}

fn fleet(rows: &Rows) -> Markup {
    let mut statuses: Vec<&str> = rows.rows.iter().map(|r| standing(&r.summary).0).collect();
    let mut accounts: Vec<&str> = rows.rows.iter().map(|r| r.account.as_str()).collect();
    let mut regions: Vec<&str> = rows.rows.iter().map(|r| r.region.as_str()).collect();
    let mut codes: Vec<&str> = rows
        .rows
        .iter()
        .flat_map(|r| r.failing.iter().map(String::as_str))
        .collect();
    for list in [&mut statuses, &mut accounts, &mut regions, &mut codes] {
        list.retain(|s| !s.is_empty());
        list.sort();
        list.dedup();
    }
    let audit = rows.rows.iter().any(|r| r.integration.is_some());
    let filter = |name: &str, label: &str, values: &[&str]| {
        html! {
            label { (label)
                select name=(name) {
                    option value="" { "all" }
                    @for v in values { option value=(v) { (v) } }
                }
            }
        }
    };
    html! {
        section #fleet {
            h2 { "Fleet" }
            div.filters #filters hidden {
                (filter("status", "Status", &statuses))
                (filter("account", "Account", &accounts))
                (filter("region", "Region", &regions))
                (filter("rule", "Rule", &codes))
                span #shown {}
            }
            div.scroll {
                table #fleet-table {
                    thead { tr {
                        @if audit { th { button type="button" { "Integration" } } }
                        th { button type="button" { "Source → target" } }
                        th { button type="button" { "Account" } }
                        th { button type="button" { "Region" } }
                        th { button type="button" { "Status" } }
                        th.num { button type="button" { "Failing" } }
                        th { "Not passing" }
                        th.num { button type="button" { "Lag" } }
                    } }
                    tbody {
                        @for r in &rows.rows {
                            @let (status, label) = standing(&r.summary);
                            tr data-pair=(r.id) data-status=(status) data-account=(r.account)
                                data-region=(r.region) data-rule=(r.failing.join(" ")) {
                                @if audit { td { (r.integration.as_ref().map_or("-", |i| i.0.as_str())) } }
                                td { a href={ "#" (r.id) } { (r.pair) } }
                                td.nowrap { (r.account) }
                                td.nowrap { (r.region) }
                                td data-sort=(status) {
                                    span.badge.(status) { (label) }
                                    @if let Some((_, s)) = &r.integration { " " (s) }
                                }
                                td.num { (r.summary.fail + r.summary.error) }
                                td { (r.failing.join(" ")) }
                                td.num.nowrap data-sort=(r.lag.map_or(-1.0, |l| l)) {
                                    (r.lag.map_or("-".to_string(), duration))
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// One pair's section.
pub(super) fn section(r: &Report, id: &str, show_passes: bool) -> String {
    let (status, label) = standing(&r.summary());
    let group = |st: Status| -> Vec<&Finding> {
        r.findings
            .iter()
            .filter(|f| f.status == st && open(f))
            .collect()
    };
    let suppressed: Vec<&Finding> = r.findings.iter().filter(|f| !open(f)).collect();
    let passed = group(Status::Pass);
    html! {
        section.pair #(id) data-status=(status) {
            h2 { (r.pair()) " " span.badge.(status) { (label) } }
            p.meta {
                "Source " code { (r.source.describe()) } br;
                "Target " (r.target.kind) " " code { (r.target.id) }
                @if let Some(ns) = &r.target.namespace_arn { " (namespace " code { (ns) } ")" }
                ", " (super::region_shown(&r.target.region))
                @if let Some(at) = &r.captured_at { br; "Read at " (at) }
            }
            @if let Some(i) = &r.integration { (integration(i, r)) }
            @for n in &r.notes { p.meta { "Note: " (n) } }
            (findings("Failed", "fail", &group(Status::Fail), id))
            (findings("Warnings", "warn", &group(Status::Warn), id))
            (findings("Not verified", "error", &group(Status::Error), id))
            @if !passed.is_empty() {
                @let codes = passed.iter().map(|f| f.rule.as_str()).collect::<Vec<_>>().join(", ");
                // Each pass in full only with --show-passes: a fleet's page stays small.
                @if show_passes {
                    details open {
                        summary { (passed.len()) " passed" }
                        ul { @for f in &passed { li { code { (f.rule) } " " (f.message) } } }
                    }
                } @else {
                    p.meta { (passed.len()) " passed: " (codes) }
                }
            }
            @if !suppressed.is_empty() {
                details {
                    summary { (suppressed.len()) " suppressed" }
                    ul { @for f in &suppressed {
                        li { code { (f.rule) } " " (f.message)
                            @if let Some(s) = &f.suppressed { " — " (s.reason) } }
                    } }
                }
            }
        }
    }
    .into_string()
}

fn findings(title: &str, class: &str, list: &[&Finding], pair: &str) -> Markup {
    html! {
        @if !list.is_empty() {
            h3 { (title) " (" (list.len()) ")" }
            @for (n, f) in list.iter().enumerate() {
                @let fix_id = format!("{pair}-{class}-{n}");
                div.finding.(class) {
                    div.head {
                        span.badge.(class) { (f.status.as_str().to_uppercase()) }
                        @if f.docs.starts_with("https://") || f.docs.starts_with("http://") {
                            a.code href=(f.docs) rel="noreferrer" { (f.rule) }
                        } @else { span.code { (f.rule) } }
                        span { (f.name) }
                        @if !f.resource.is_empty() { span.meta { "on " code { (f.resource) } } }
                        // A plan's or template's finding: where its resource is written.
                        @if let Some(l) = &f.location {
                            @if let Some(file) = &l.file {
                                span.meta { "in " code { (file) @if let Some(n) = l.line { ":" (n) } } }
                            }
                        }
                    }
                    p { (f.message) }
                    @let e = &f.evidence;
                    @if e.expected.is_some() || e.actual.is_some() {
                        dl {
                            @if let Some(x) = &e.expected { dt { "expected" } dd { (x) } }
                            @if let Some(x) = &e.actual { dt { "actual" } dd { (x) } }
                            @if let Some(x) = &e.parameter_group { dt { "parameter group" } dd { (x) } }
                            @if let Some(x) = &e.failed_call { dt { "call" } dd { (x) } }
                        }
                    }
                    @if let Some(fix) = &f.remediation {
                        div.fix {
                            pre { code #(fix_id) { (fix) } }
                            button.copy type="button" data-for=(fix_id) hidden { "Copy" }
                        }
                    }
                }
            }
        }
    }
}

/// An existing integration: its status and errors, the lag over the window, its failed
/// tables.
fn integration(i: &super::IntegrationInfo, r: &Report) -> Markup {
    let tables = i
        .tables
        .as_ref()
        .or_else(|| r.snapshot.health.as_ref().and_then(|h| h.tables.as_ref()));
    html! {
        h3 { "Integration " code { (i.name.as_deref().unwrap_or("-")) } " is " (i.status) }
        @if let Some(arn) = &i.arn { p.meta { code { (arn) } } }
        @for e in &i.errors {
            div.finding.fail {
                p { code { (e.error_code) } " " (e.error_message.as_deref().unwrap_or("")) }
                p.meta {
                    @match &e.likely_cause {
                        Some(c) => { "Likely cause: " (c)
                            @if !e.confirmed_by.is_empty() { "; confirmed by " (e.confirmed_by.join(", ")) } }
                        None => "No documented cause matches.",
                    }
                }
            }
        }
        @if let Some(h) = &r.snapshot.health { (lag_chart(h)) }
        @if let Some(t) = tables {
            @if let Some(lag) = &t.current_lag { p.meta { "Current lag (SVV_INTEGRATION): " (lag) } }
            @if !t.tables.is_empty() {
                div.scroll { table.tables {
                    thead { tr { th { "Table" } th { "State" } th { "Reason" } } }
                    tbody { @for ts in &t.tables {
                        tr { td { code { (ts.table) } } td { (ts.state) } td { (ts.reason.as_deref().unwrap_or("")) } }
                    } }
                } }
            }
            @if let Some(n) = &t.note { p.meta { "Tables: " (n) } }
        }
    }
}

/// `IntegrationLag` over the window as a line (inline SVG).
fn lag_chart(h: &crate::model::health::Health) -> Markup {
    let points = h
        .metrics
        .ok()
        .and_then(|m| m.series.get(crate::model::health::LAG))
        .filter(|p| !p.is_empty());
    let Some(points) = points else {
        return html! { p.meta { "No IntegrationLag over the last " (duration(h.window as f64)) "." } };
    };
    let (w, hgt, left, bottom) = (600.0, 160.0, 56.0, 22.0);
    let from = h.read_at - h.window as i64;
    let span = (h.window as f64).max(1.0);
    let max = points
        .iter()
        .map(|p| p.value)
        .fold(0.0_f64, f64::max)
        .max(1.0);
    let line: Vec<String> = points
        .iter()
        .map(|p| {
            let x = left + (p.at - from) as f64 / span * (w - left - 8.0);
            let y = 8.0 + (1.0 - p.value / max) * (hgt - bottom - 8.0);
            format!("{x:.1},{y:.1}")
        })
        .collect();
    let last = points.iter().max_by_key(|p| p.at).map_or(0.0, |p| p.value);
    html! {
        figure {
            svg.chart viewBox={ "0 0 " (w) " " (hgt) } role="img"
                aria-label={ "IntegrationLag over the last " (duration(span)) ", now " (duration(last)) } {
                line.axis x1=(left) y1=(hgt - bottom) x2=(w - 8.0) y2=(hgt - bottom) {}
                line.axis x1=(left) y1="8" x2=(left) y2=(hgt - bottom) {}
                text x="4" y="16" { (duration(max)) }
                text x="4" y=(hgt - bottom) { "0" }
                text x=(left) y=(hgt - 6.0) { "−" (duration(span)) }
                text x=(w - 40.0) y=(hgt - 6.0) { "now" }
                polyline.line points=(line.join(" ")) {}
            }
            figcaption.meta { "IntegrationLag, last " (duration(span)) ": now " (duration(last)) ", highest " (duration(max)) }
        }
    }
}

/// After the pairs: what the run could not verify, the suppressions' notes, the script.
pub(super) fn tail(doc: &Document) -> String {
    let warnings = super::table::suppression_warnings(&doc.suppressions);
    html! {
        @if !doc.unverified.is_empty() {
            section #unverified {
                h2 { "Not verified" }
                ul { @for u in &doc.unverified { li { (u) } } }
            }
        }
        @if !doc.notes.is_empty() || !warnings.is_empty() {
            section #notes {
                h2 { "Notes" }
                ul {
                    @for n in &doc.notes { li { (n) } }
                    @for w in &warnings { li { (w) } }
                }
            }
        }
        footer {
            "zetl-preflight " (env!("CARGO_PKG_VERSION")) ". Rule codes link to the AWS page each rule rests on; "
            code { "zetl-preflight rule CODE" } " explains one."
        }
        script { (PreEscaped(JS)) }
    }
    .into_string()
        + "</body></html>\n"
}

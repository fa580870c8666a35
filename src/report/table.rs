//! The table report (`--format table`, the default): one table per resource, then how to fix
//! each problem, then one summary line.

use comfy_table::{presets, Attribute, Cell, Color, ContentArrangement, Table};

use crate::model::words::count;
use crate::model::{Finding, Status};
use crate::rules::spec::Applicability;

use crate::config::suppress::{SuppressionNote, SuppressionState};

use super::{Document, Report};

/// Width used when stdout is not a terminal, so piped output is stable.
pub const PIPE_WIDTH: u16 = 120;

#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    /// ANSI colours (only on a terminal, and never with `NO_COLOR`).
    pub color: bool,
    /// Show passing (and skipped) checks too.
    pub show_passes: bool,
    /// Total width; `None` lets comfy-table measure the terminal.
    pub width: Option<u16>,
}

impl TableOptions {
    /// Plain output at the pipe width: what tests and files get.
    pub fn plain() -> TableOptions {
        TableOptions {
            color: false,
            show_passes: false,
            width: Some(PIPE_WIDTH),
        }
    }
}

fn label(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Warn => "WARN",
        Status::Error => "ERROR",
        Status::Skip => "SKIP",
    }
}

fn color(status: Status) -> Color {
    match status {
        Status::Pass => Color::Green,
        Status::Fail => Color::Red,
        Status::Warn => Color::Yellow,
        Status::Error => Color::Magenta,
        Status::Skip => Color::DarkGrey,
    }
}

/// Wrap `text` in an ANSI SGR sequence when colour is on.
fn paint(text: &str, sgr: &str, on: bool) -> String {
    if on {
        format!("\x1b[{sgr}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

fn shown(f: &Finding, opts: &TableOptions) -> bool {
    opts.show_passes || !matches!(f.status, Status::Pass | Status::Skip)
}

fn label_of(f: &Finding) -> String {
    match &f.suppressed {
        Some(_) => format!("{} (suppressed)", label(f.status)),
        None => label(f.status).to_string(),
    }
}

/// Resources in report order: the source first, then the others as they first appear.
fn resources(report: &Report) -> Vec<&str> {
    let mut out: Vec<&str> = vec![report.source.arn.as_str()];
    for f in &report.findings {
        if !out.contains(&f.resource.as_str()) {
            out.push(&f.resource);
        }
    }
    out
}

fn heading(report: &Report, resource: &str) -> String {
    let s = &report.source;
    let t = &report.target;
    if resource == s.arn {
        format!("Source  {}", s.describe())
    } else if Some(resource) == t.namespace_arn.as_deref() {
        format!("Target namespace  {resource}")
    } else if Some(resource) == t.arn.as_deref() || resource == t.id {
        format!(
            "Target {}  {resource} ({})",
            t.kind,
            super::region_shown(&t.region)
        )
    } else {
        format!("Resource  {resource}")
    }
}

/// What became of the call an unverified finding names: it failed, or (a plan's fact from
/// outside it, offline) it was never made.
fn call_state(f: &Finding) -> &'static str {
    if f.message.contains(crate::model::fact::NOT_IN_PLAN) {
        "was not read: not in the plan"
    } else {
        "failed"
    }
}

/// The message, then expected and actual values where the message does not already say them.
/// A fact that could not be read is named briefly; "Could not verify" below says why.
fn details(f: &Finding) -> String {
    let e = &f.evidence;
    if let Some(s) = &f.suppressed {
        return format!("{}\nsuppressed: {}", f.message, s.reason);
    }
    if let (Status::Error, Some(call)) = (f.status, &e.failed_call) {
        return format!(
            "could not be verified: {call} {} (see below)",
            call_state(f)
        );
    }
    let mut lines = vec![f.message.clone()];
    if let Some(expected) = e
        .expected
        .as_ref()
        .filter(|x| !f.message.contains(x.as_str()))
    {
        lines.push(format!("expected: {expected}"));
    }
    if let Some(actual) = e
        .actual
        .as_ref()
        .filter(|x| !f.message.contains(x.as_str()))
    {
        // Where a parameter's value came from (set, or a default) matters; for any other
        // field "read from the resource" goes without saying.
        let source = e
            .actual_source
            .filter(|s| e.parameter.is_some() || *s != crate::model::ValueSource::User)
            .map(|s| format!(" ({})", crate::rules::effective::source_name(s)))
            .unwrap_or_default();
        lines.push(format!("actual:   {actual}{source}"));
    }
    lines.join("\n")
}

/// A table in this report's style, width and colour.
fn new_table(opts: &TableOptions) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic);
    if opts.color {
        t.enforce_styling();
    } else {
        t.force_no_tty();
    }
    if let Some(w) = opts.width {
        t.set_width(w);
    }
    t
}

fn findings_table(rows: &[&Finding], opts: &TableOptions) -> Table {
    let mut t = new_table(opts);
    t.set_header(vec!["Status", "Rule", "Details"]);
    for f in rows {
        let mut status = Cell::new(label_of(f));
        if opts.color {
            status = status.fg(color(f.status)).add_attribute(Attribute::Bold);
        }
        let what = match &f.evidence.parameter {
            Some(p) => format!("{} {}\n{}", f.rule, f.name, p),
            None => match &f.evidence.field {
                Some(field) => format!("{} {}\n{}", f.rule, f.name, field),
                None => format!("{} {}", f.rule, f.name),
            },
        };
        t.add_row(vec![status, Cell::new(what), Cell::new(details(f))]);
    }
    t
}

/// The one-line verdict for a pair.
pub fn summary_line(report: &Report, color: bool) -> String {
    let s = &report.summary();
    let mut parts = Vec::new();
    for (n, one, many, st) in [
        (s.fail, "failed", "failed", Status::Fail),
        (s.error, "unverified", "unverified", Status::Error),
        (s.warn, "warning", "warnings", Status::Warn),
        (s.pass, "passed", "passed", Status::Pass),
        (s.skip, "skipped", "skipped", Status::Skip),
    ] {
        let text = count(n, one, many);
        parts.push(if n > 0 {
            paint(&text, status_sgr(st), color)
        } else {
            text
        });
    }
    if s.suppressed > 0 {
        parts.push(format!("{} suppressed", s.suppressed));
    }
    let verdict = if s.fail > 0 || s.error > 0 {
        paint("NOT READY", "1;31", color)
    } else if s.warn > 0 {
        paint("READY, with warnings", "1;33", color)
    } else {
        paint("READY", "1;32", color)
    };
    format!(
        "{verdict}: {} ({} on {} → {})",
        parts.join(", "),
        count(report.findings.len(), "check", "checks"),
        report.source.id,
        report.target.id
    )
}

/// The part of the report before the pairs: who checked, and for an audit the fleet
/// summary (which needs every pair, so it is written last, before the spooled pairs).
pub(super) fn head(doc: &Document, fleet: &Fleet, opts: &TableOptions) -> String {
    let mut out = String::new();
    if let Some(id) = &doc.identity {
        out.push_str(&format!("Checked as {}\n\n", id.describe()));
    }
    if doc.fleet {
        out.push_str(&fleet.render(opts));
    }
    out
}

/// One pair's details; `many` adds its heading. An audit details only the integrations
/// that need attention.
pub(super) fn part(doc: &Document, r: &Report, many: bool, opts: &TableOptions) -> String {
    let s = r.summary();
    let quiet = s.fail == 0 && s.error == 0 && s.warn == 0;
    if doc.fleet
        && quiet
        && !r.integration.as_ref().is_some_and(|i| i.troubled())
        && !opts.show_passes
    {
        return String::new();
    }
    let mut out = String::new();
    if many {
        out.push_str(&paint(&format!("== {}", r.pair()), "1", opts.color));
        out.push_str("\n\n");
    }
    out.push_str(&render_report(r, (&doc.rules, &doc.causes), opts));
    if many {
        out.push('\n');
    }
    out
}

/// After the pairs: what became of the suppressions, and what the run could not verify.
pub(super) fn tail(doc: &Document) -> String {
    let mut out = suppression_notes(&doc.suppressions);
    for u in &doc.unverified {
        out.push_str(&format!("not verified: {u}\n"));
    }
    out
}

/// `audit`: one row per integration, before the details; kept as rows (not reports) so a
/// fleet's report needs little memory.
#[derive(Debug, Default)]
pub(super) struct Fleet {
    rows: Vec<Vec<String>>,
    /// Table states and errors of the integrations that have them.
    lines: String,
}

impl Fleet {
    pub(super) fn add(&mut self, r: &Report) {
        let i = r.integration.as_ref();
        let s = r.summary();
        let first = r
            .findings
            .iter()
            .find(|f| f.status == Status::Fail && f.suppressed.is_none())
            .or_else(|| r.findings.iter().find(|f| f.status == Status::Error))
            .map(|f| format!("{} {}", f.rule, f.message))
            .unwrap_or_else(|| "-".into());
        let first: String = if first.chars().count() > 160 {
            format!("{}…", first.chars().take(160).collect::<String>())
        } else {
            first
        };
        self.rows.push(vec![
            i.and_then(|i| i.name.clone()).unwrap_or_else(|| "-".into()),
            r.pair(),
            format!(
                "{} / {}",
                i.map(|i| i.region.as_str()).unwrap_or(&r.source.region),
                i.and_then(|i| i.account.clone())
                    .unwrap_or_else(|| "-".into())
            ),
            i.map(|i| i.status.clone())
                .unwrap_or_else(|| "(not created)".into()),
            (s.fail + s.error).to_string(),
            first,
        ]);
        if let Some(i) = i {
            self.lines.push_str(&integration_lines(i));
        }
    }

    fn render(&self, opts: &TableOptions) -> String {
        let mut t = new_table(opts);
        t.set_header(vec![
            "Integration",
            "Source → target",
            "Region / account",
            "Status",
            "Failing",
            "First problem",
        ]);
        for row in &self.rows {
            t.add_row(row.clone());
        }
        let mut out = paint(
            &format!("Fleet: {} integrations", self.rows.len()),
            "1",
            opts.color,
        );
        out.push('\n');
        out.push_str(&t.to_string());
        out.push_str("\n\n");
        out.push_str(&self.lines);
        out
    }
}

/// An integration's failed tables and its errors with their likely causes.
fn integration_lines(i: &super::IntegrationInfo) -> String {
    let mut out = String::new();
    let name = i.name.as_deref().unwrap_or("integration");
    if let Some(t) = &i.tables {
        for ts in &t.tables {
            out.push_str(&format!(
                "{name}: table {} is {}{}\n",
                ts.table,
                ts.state,
                ts.reason
                    .as_deref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            ));
        }
        if let Some(n) = &t.note {
            out.push_str(&format!("{name}: note: {n}\n"));
        }
    }
    for e in &i.errors {
        let cause = match (&e.likely_cause, e.confirmed_by.is_empty()) {
            (Some(c), false) => format!(
                "likely cause: {c}; confirmed by {}",
                e.confirmed_by.join(", ")
            ),
            (Some(c), true) => {
                format!("likely cause: {c} (rules {} pass now)", e.rules.join(", "))
            }
            (None, _) => "no documented cause matches".into(),
        };
        out.push_str(&format!(
            "{name} {}: {} {}\n    {cause}\n",
            i.status,
            e.error_code,
            e.error_message.as_deref().unwrap_or("")
        ));
    }
    out
}

fn suppression_notes(notes: &[SuppressionNote]) -> String {
    suppression_warnings(notes)
        .iter()
        .map(|w| format!("warning: {w}\n"))
        .collect()
}

/// What became of the suppressions that did not apply, a sentence each.
pub(super) fn suppression_warnings(notes: &[SuppressionNote]) -> Vec<String> {
    let mut out = Vec::new();
    for n in notes {
        let until = n
            .expires
            .as_deref()
            .map(|e| format!(" until {e}"))
            .unwrap_or_default();
        out.push(match n.state {
            SuppressionState::Applied => continue,
            SuppressionState::Unused => format!(
                "suppression of {} on {} matched no finding: remove it or correct its rule or resource",
                n.rule, n.resource
            ),
            SuppressionState::Expired => format!(
                "suppression of {} on {} expired{until}: its findings count again",
                n.rule, n.resource
            ),
        });
    }
    out
}

/// One pair's tables, fixes and summary line.
fn render_report(
    report: &Report,
    (rules, causes): (&[crate::rules::Rule], &[crate::rules::spec::Cause]),
    opts: &TableOptions,
) -> String {
    let mut out = String::new();
    for resource in resources(report) {
        let all: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| f.resource == resource)
            .collect();
        if all.is_empty() {
            continue;
        }
        out.push_str(&paint(&heading(report, resource), "1", opts.color));
        out.push('\n');
        let rows: Vec<&Finding> = all.iter().copied().filter(|f| shown(f, opts)).collect();
        if rows.is_empty() {
            out.push_str(&format!(
                "  all {} checks pass (--show-passes lists them)\n\n",
                all.len()
            ));
            continue;
        }
        out.push_str(&findings_table(&rows, opts).to_string());
        out.push_str("\n\n");
    }
    let steps = super::steps::steps(report, rules, causes);
    if !steps.is_empty() {
        out.push_str(&paint(
            match report.snapshot.deployment {
                Some(_) => "How to fix (in the plan's source)",
                None => "How to fix (the steps `check --fix` takes, in its order)",
            },
            "1",
            opts.color,
        ));
        out.push('\n');
        for (i, step) in steps.iter().enumerate() {
            let kind = match step.applicability {
                Applicability::Safe => "",
                Applicability::Unsafe => " [unsafe: --fix applies it only with --unsafe-fixes]",
                Applicability::Manual => " [by hand]",
            };
            out.push_str(&format!("{}. {}{kind}\n", i + 1, step.summary));
            for f in &step.problems {
                let tag = paint(label(f.status), status_sgr(f.status), opts.color);
                out.push_str(&format!("   {tag} {} {}: {}\n", f.rule, f.name, f.message));
            }
            if !step.also.is_empty() {
                out.push_str(&format!("   (also for {})\n", step.also.join(", ")));
            }
            // Commands fold to the width as a shell reads them (backslash continuations).
            let width = usize::from(
                opts.width
                    .or_else(|| Table::new().width())
                    .unwrap_or(PIPE_WIDTH),
            );
            for line in &step.commands {
                for l in super::wrap::shell_lines(line, width.saturating_sub(5).max(40), 4) {
                    out.push_str(&format!("     {l}\n"));
                }
            }
            // Why a step is by hand, when no problem line above says it.
            let unsaid = step.commands.is_empty() || step.problems.is_empty();
            if let (true, Some(why)) = (unsaid, &step.reason) {
                out.push_str(&format!("   ({why})\n"));
            }
            let mut docs: Vec<(&str, Vec<&str>)> = Vec::new();
            for f in &step.problems {
                match docs.iter_mut().find(|(url, _)| *url == f.docs) {
                    Some((_, codes)) => codes.push(&f.rule),
                    None => docs.push((&f.docs, vec![&f.rule])),
                }
            }
            for (url, codes) in docs {
                out.push_str(&format!("   docs ({}): {url}\n", codes.join(", ")));
            }
        }
        out.push('\n');
    }
    out.push_str(&unverified(report, opts.color));
    for n in &report.notes {
        out.push_str(&format!("note: {n}\n"));
    }
    out.push_str(&summary_line(report, opts.color));
    out.push('\n');
    out
}

/// Unverified findings grouped by the call that failed, each with what to do.
fn unverified(report: &Report, color: bool) -> String {
    let errors: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.status == Status::Error && f.suppressed.is_none())
        .collect();
    if errors.is_empty() {
        return String::new();
    }
    let mut out = paint("Could not verify", "1", color);
    out.push('\n');
    let mut calls: Vec<&str> = Vec::new();
    for f in &errors {
        match &f.evidence.failed_call {
            Some(call) if !calls.contains(&call.as_str()) => calls.push(call),
            Some(_) => {}
            None => out.push_str(&format!("ERROR {} {}: {}\n", f.rule, f.name, f.message)),
        }
    }
    for call in calls {
        let affected: Vec<&Finding> = errors
            .iter()
            .copied()
            .filter(|f| f.evidence.failed_call.as_deref() == Some(call))
            .collect();
        let codes: Vec<&str> = affected.iter().map(|f| f.rule.as_str()).collect();
        let what = call_state(affected[0]);
        out.push_str(&format!(
            "ERROR {call} {what}; affects {}\n",
            codes.join(", ")
        ));
        out.push_str(&format!("    {}\n", affected[0].message));
        let denied = affected[0].message.contains("AccessDenied")
            || affected[0].message.contains("not authorized");
        if denied {
            out.push_str(&format!(
                "    grant {call} to the caller (zetl-preflight iam-policy prints every permission), then run the check again\n"
            ));
        }
    }
    out.push('\n');
    out
}

fn status_sgr(status: Status) -> &'static str {
    match status {
        Status::Fail => "1;31",
        Status::Error => "1;35",
        Status::Warn => "1;33",
        Status::Pass => "32",
        Status::Skip => "2",
    }
}

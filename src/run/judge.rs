//! Snapshots into evaluated reports: the rules' findings, with the config file's suppressions
//! marked. `cli/` renders what this returns and decides nothing.

use crate::config::suppress::{self, SuppressionNote, Suppressor};
use crate::model::Snapshot;
use crate::report::{Document, Gate, Report};
use crate::rules::evaluate;

use super::Settings;

/// Judges snapshots one at a time (a fleet's reports are written as they come) and remembers
/// which suppressions matched.
pub struct Judge<'a> {
    settings: &'a Settings,
    suppressor: Suppressor<'a>,
}

impl<'a> Judge<'a> {
    pub fn new(settings: &'a Settings) -> Judge<'a> {
        Judge {
            settings,
            suppressor: Suppressor::new(&settings.config.file.suppressions, &suppress::today()),
        }
    }

    /// The snapshot's report: its findings, suppressions marked.
    pub fn report(&mut self, snap: &Snapshot) -> Report {
        let mut r = Report::new(snap, evaluate(snap, &self.settings.rules));
        self.suppressor.mark(r.findings.iter_mut());
        r
    }

    /// What each suppression matched, and the ones that matched nothing.
    pub fn notes(&self) -> Vec<SuppressionNote> {
        self.suppressor.notes()
    }
}

/// A report with no finding checked nothing: the selection names no rule that applies to
/// this pair's engine and target. That is never READY: the run stops with a usage error
/// (exit 2) naming the pair.
pub fn checked_something(report: &Report, settings: &Settings) -> Result<(), super::Error> {
    if !report.findings.is_empty() {
        return Ok(());
    }
    let selected = settings.rules.rules.len();
    let source = &report.source;
    let engine = if source.engine.is_empty() {
        String::new()
    } else {
        format!(" ({})", source.engine)
    };
    Err(super::Error::Usage(format!(
        "no selected rule applies to {}{engine} -> {} ({}): of the {selected} rule(s) selected, none judges this engine and target, so the run checked nothing; select rules that apply (`zetl-preflight rules` shows what each applies to), or drop --select",
        source.arn, report.target.id, report.target.kind
    )))
}

/// A document without reports: the rules it was judged by and its gate.
pub fn frame(settings: &Settings, gate: Gate) -> Document {
    let mut doc = Document::new(Vec::new(), &settings.rules);
    doc.gate = gate;
    doc
}

/// Every snapshot judged into one document.
pub fn document(snapshots: &[Snapshot], settings: &Settings, gate: Gate) -> Document {
    let mut judge = Judge::new(settings);
    let mut doc = frame(settings, gate);
    doc.reports = snapshots.iter().map(|s| judge.report(s)).collect();
    doc.suppressions = judge.notes();
    doc
}

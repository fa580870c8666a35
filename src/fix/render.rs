//! The plan as a reviewable diff (table), and what applying it did.

use comfy_table::{presets, Cell, ContentArrangement, Table};

use crate::rules::spec::Applicability;

use super::action::{Action, Op, Plan};
use super::apply::Outcome;

fn show(v: Option<&str>) -> String {
    match v {
        None => "(none)".into(),
        Some(s) if s.chars().count() > 400 => {
            format!("{}…", s.chars().take(400).collect::<String>())
        }
        Some(s) => s.to_string(),
    }
}

fn describe(a: &Action) -> String {
    let mut lines = vec![a.summary.clone()];
    if let Some(r) = &a.reason {
        lines.push(format!("why {}: {r}", a.applicability.as_str()));
    }
    for c in &a.changes {
        lines.push(format!(
            "  {}: {} → {}",
            c.field,
            show(c.before.as_deref()),
            show(c.after.as_deref())
        ));
    }
    if let Some(cmd) = &a.command {
        lines.push(format!("run: {cmd}"));
    }
    lines.join("\n")
}

/// The plan as a table: one row per action, in the order it runs.
pub fn plan_table(plan: &Plan, width: Option<u16>, unsafe_fixes: bool) -> String {
    if plan.actions.is_empty() {
        return "Plan: nothing to change.\n".into();
    }
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty();
    if let Some(w) = width {
        t.set_width(w);
    }
    t.set_header(vec!["#", "Fix", "Change"]);
    for (i, a) in plan.actions.iter().enumerate() {
        let mut text = describe(a);
        match &a.op {
            Op::Manual => {}
            op => text.push_str(&format!("\ncall: {} on {}", op.call(), a.resource)),
        }
        if !a.rules.is_empty() {
            text.push_str(&format!("\nfixes: {}", a.rules.join(", ")));
        }
        t.add_row(vec![
            Cell::new(i + 1),
            Cell::new(a.applicability.as_str()),
            Cell::new(text),
        ]);
    }
    let count = |k: Applicability| plan.actions.iter().filter(|a| a.applicability == k).count();
    let (safe, unsafe_, manual) = (
        count(Applicability::Safe),
        count(Applicability::Unsafe),
        count(Applicability::Manual),
    );
    let mut out = format!("Plan: {safe} safe, {unsafe_} unsafe, {manual} manual\n{t}\n");
    if unsafe_ > 0 && !unsafe_fixes {
        out.push_str(&format!(
            "The {unsafe_} unsafe action(s) will be skipped: add --unsafe-fixes to apply them (they restart, swap a parameter group, or affect other consumers).\n"
        ));
    }
    if manual > 0 {
        out.push_str(&format!(
            "The {manual} manual action(s) are not automated: run their commands yourself.\n"
        ));
    }
    out
}

/// One line per action: what happened.
pub fn outcomes(plan: &Plan, outcomes: &[Outcome]) -> String {
    let mut out = String::from("Apply:\n");
    for (i, (a, o)) in plan.actions.iter().zip(outcomes).enumerate() {
        let status = match o {
            Outcome::Applied => "applied".to_string(),
            Outcome::Skipped { why } => format!("skipped ({why})"),
            Outcome::Failed { error } => format!("FAILED: {}", error.describe()),
            Outcome::NotAttempted => "not attempted (an earlier action failed)".to_string(),
        };
        out.push_str(&format!("  {:>2}. {} — {status}\n", i + 1, a.summary));
    }
    out
}

//! Markdown (`--format markdown`) for `$GITHUB_STEP_SUMMARY` and pull-request comments.

use crate::config::suppress::SuppressionState;
use crate::model::{Finding, Status};
use crate::rules::spec::Applicability;

use super::{Document, Report};

/// Make text safe inside a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', "<br>")
}

fn icon(f: &Finding) -> &'static str {
    if f.suppressed.is_some() {
        return "🔕 suppressed";
    }
    match f.status {
        Status::Pass => "✅ pass",
        Status::Fail => "❌ fail",
        Status::Warn => "⚠️ warn",
        Status::Error => "❓ unverified",
        Status::Skip => "➖ skip",
    }
}

pub(super) fn section(
    r: &Report,
    rules: &[crate::rules::Rule],
    causes: &[crate::rules::spec::Cause],
) -> String {
    let s = r.summary();
    let verdict = if s.fail > 0 || s.error > 0 {
        "❌ not ready"
    } else if s.warn > 0 {
        "⚠️ ready, with warnings"
    } else {
        "✅ ready"
    };
    let mut out = format!(
        "### {}: {verdict}\n\nSource {} → target `{}` ({}).\n\n\
         | fail | unverified | warn | pass | skip | suppressed |\n|---:|---:|---:|---:|---:|---:|\n\
         | {} | {} | {} | {} | {} | {} |\n\n",
        r.pair(),
        source_line(&r.source),
        r.target.namespace_arn.as_deref().unwrap_or(&r.target.id),
        r.target.kind,
        s.fail,
        s.error,
        s.warn,
        s.pass,
        s.skip,
        s.suppressed,
    );
    let problems: Vec<&Finding> = r
        .findings
        .iter()
        .filter(|f| !matches!(f.status, Status::Pass | Status::Skip))
        .collect();
    if problems.is_empty() {
        out.push_str("Every check passes.\n\n");
        return out;
    }
    out.push_str(
        "| status | rule | resource | finding | expected | actual |\n|---|---|---|---|---|---|\n",
    );
    for f in &problems {
        out.push_str(&format!(
            "| {} | [{}]({}) `{}` | `{}` | {} | {} | {} |\n",
            icon(f),
            f.rule,
            f.docs,
            f.name,
            cell(&f.resource),
            cell(&f.message),
            cell(f.evidence.expected.as_deref().unwrap_or("")),
            cell(f.evidence.actual.as_deref().unwrap_or("")),
        ));
    }
    let steps = super::steps::steps(r, rules, causes);
    if !steps.is_empty() {
        let heading = match r.snapshot.deployment {
            Some(_) => "How to fix (in the plan's source)",
            None => "How to fix (the steps <code>check --fix</code> takes, in its order)",
        };
        out.push_str(&format!("\n<details><summary>{heading}</summary>\n\n"));
        for (i, step) in steps.iter().enumerate() {
            let kind = match step.applicability {
                Applicability::Safe => "",
                Applicability::Unsafe => " *(unsafe: only with `--unsafe-fixes`)*",
                Applicability::Manual => " *(by hand)*",
            };
            out.push_str(&format!("{}. {}{kind}\n", i + 1, step.summary));
            for f in &step.problems {
                out.push_str(&format!(
                    "   - {} [{}]({}) `{}`: {}\n",
                    icon(f),
                    f.rule,
                    f.docs,
                    f.name,
                    f.message.replace('\n', " ")
                ));
            }
            if !step.also.is_empty() {
                out.push_str(&format!("   - also for {}\n", step.also.join(", ")));
            }
            if let (true, Some(why)) = (
                step.commands.is_empty() || step.problems.is_empty(),
                &step.reason,
            ) {
                out.push_str(&format!("   - {}\n", why.replace('\n', " ")));
            }
            if !step.commands.is_empty() {
                out.push_str(&format!(
                    "\n   ```sh\n   {}\n   ```\n",
                    step.commands.join("\n   ")
                ));
            }
            out.push('\n');
        }
        out.push_str("</details>\n\n");
    }
    out
}

/// The heading, with the verdict over every pair.
pub(super) fn head(doc: &Document, s: &crate::model::Summary) -> String {
    let verdict = if doc.gate.content().fails(s)
        || !doc.unverified.is_empty() && !doc.gate.allow_unverified
    {
        "❌ failed"
    } else {
        "✅ passed"
    };
    format!("## zetl-preflight: {verdict}\n\n")
}

/// After the pairs: what the run could not verify, and the suppressions to review.
pub(super) fn tail(doc: &Document) -> String {
    let mut out = String::new();
    if !doc.unverified.is_empty() {
        out.push_str("#### Not verified\n\n");
        for u in &doc.unverified {
            out.push_str(&format!("- ❓ {}\n", cell(u)));
        }
        out.push('\n');
    }
    let notes: Vec<_> = doc
        .suppressions
        .iter()
        .filter(|n| n.state != SuppressionState::Applied)
        .collect();
    if !notes.is_empty() {
        out.push_str("#### Suppressions to review\n\n");
        for n in notes {
            let what = match n.state {
                SuppressionState::Unused => "matched no finding".to_string(),
                SuppressionState::Expired => {
                    format!("expired on {}", n.expires.as_deref().unwrap_or("?"))
                }
                SuppressionState::Applied => continue,
            };
            out.push_str(&format!(
                "- `{}` on `{}` {what}: {}\n",
                n.rule,
                n.resource,
                cell(&n.reason)
            ));
        }
        out.push('\n');
    }
    out
}

/// The source as the pair line shows it: its ARN in code, then engine and Region.
fn source_line(s: &crate::report::SourceInfo) -> String {
    match s.describe().split_once(" (") {
        Some((name, rest)) => format!("`{name}` ({rest}"),
        None => s.describe(),
    }
}

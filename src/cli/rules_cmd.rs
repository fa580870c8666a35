//! `zetl-preflight rules` and `zetl-preflight rule <CODE|NAME>`.

use comfy_table::{presets, ContentArrangement, Table};

use crate::report::Format;
use crate::rules::spec::Rule;

use super::check::emit;
use super::{CliError, GlobalArgs, RulesSource};

fn applies_to(rule: &Rule) -> String {
    let a = &rule.applies_to;
    let engines = if a.engines.is_empty() {
        "any engine".to_string()
    } else {
        a.engines.join(", ")
    };
    let targets = if a.targets.is_empty() {
        "any target".to_string()
    } else {
        a.targets
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{engines}; {targets}")
}

pub fn list(global: &GlobalArgs, source: &RulesSource) -> Result<(), CliError> {
    let set = source.load(&super::load_config(global)?)?;
    if global.format == Format::Json {
        let mut text = serde_json::to_string_pretty(&set.rules).expect("rules serialize");
        text.push('\n');
        emit(&text);
        return Ok(());
    }
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .force_no_tty();
    if !std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        t.set_width(crate::report::table::PIPE_WIDTH);
    }
    t.set_header(vec![
        "Code",
        "Name",
        "Severity",
        "Applies to",
        "Fix",
        "Catalog",
        "Title",
    ]);
    for r in &set.rules {
        t.add_row(vec![
            r.code.clone(),
            r.name.clone(),
            r.severity.as_str().to_string(),
            applies_to(r),
            r.applicability.as_str().to_string(),
            r.catalog.join(" "),
            r.title.clone(),
        ]);
    }
    emit(&format!("{t}\n{} rules\n", set.rules.len()));
    Ok(())
}

pub fn show(global: &GlobalArgs, source: &RulesSource, key: &str) -> Result<(), CliError> {
    let set = source.load(&super::load_config(global)?)?;
    let rule = set.find(key).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown rule '{key}'; `zetl-preflight rules` lists every code and name"
        ))
    })?;
    if global.format == Format::Json {
        let mut text = serde_json::to_string_pretty(rule).expect("rule serializes");
        text.push('\n');
        emit(&text);
        return Ok(());
    }
    emit(&render_docs(rule));
    Ok(())
}

/// A rule's documentation as Markdown, in the shape of `ruff rule`.
pub fn render_docs(rule: &Rule) -> String {
    let d = &rule.docs;
    let check = toml::to_string(&rule.check).unwrap_or_default();
    let mut out = format!(
        "# {} ({})\n\n{}\n\nSeverity: {}. Applies to: {}. Fix: {}. Catalog: {}.\n\n\
         ## What it checks\n{}\n\n## Why it matters\n{}\n\n## How to fix\n```sh\n{}\n```\n\n\
         ## Check (rules data)\n```toml\n{}```\n",
        rule.name,
        rule.code,
        rule.title,
        rule.severity.as_str(),
        applies_to(rule),
        rule.applicability.as_str(),
        if rule.catalog.is_empty() {
            "-".to_string()
        } else {
            rule.catalog.join(", ")
        },
        d.what.trim(),
        d.why.trim(),
        d.fix.trim(),
        check,
    );
    if let Some(notes) = &d.notes {
        out.push_str(&format!("\n## Notes\n{}\n", notes.trim()));
    }
    out.push_str("\n## References\n");
    for r in &d.references {
        out.push_str(&format!("- {r}\n"));
    }
    out
}

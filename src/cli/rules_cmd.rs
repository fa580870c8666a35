//! `zetl-preflight rules` and `zetl-preflight rule <CODE|NAME>`.

use comfy_table::Table;

use crate::report::rules::{rule_docs, rules_markdown, rules_table};
use crate::report::Format;

use super::output::emit;
use super::{CliError, GlobalArgs, RulesSource};

pub fn list(global: &GlobalArgs, source: &RulesSource) -> Result<(), CliError> {
    let format = documents("rules", global.format())?;
    let set = global.settings(source)?.rules;
    match format {
        Format::Json => {
            let mut text = serde_json::to_string_pretty(&set.rules).expect("rules serialize");
            text.push('\n');
            emit(&text);
        }
        Format::Markdown => emit(&rules_markdown(&set.rules)),
        _ => emit(&format!(
            "{}\n{} rules\n",
            rules_table(&set.rules, output_width()),
            set.rules.len()
        )),
    }
    Ok(())
}

/// The width to lay the table out in: `COLUMNS` when set, else the terminal's; piped output
/// is not wrapped at all, so every row stays one line for grep.
fn output_width() -> Option<u16> {
    if let Some(n) = super::output::columns() {
        return Some(n);
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Table::new().width();
    }
    None
}

/// The formats the rules' documentation comes in: a table (or, for one rule, its page), JSON
/// and Markdown. A report's formats (SARIF, JUnit, GitHub annotations) are refused.
fn documents(command: &str, format: Format) -> Result<Format, CliError> {
    match format {
        Format::Table | Format::Json | Format::Markdown => Ok(format),
        other => Err(CliError::Usage(format!(
            "`{command}` prints table, json or markdown, not --format {}: that format is for a check's findings",
            format!("{other:?}").to_lowercase()
        ))),
    }
}

pub fn show(global: &GlobalArgs, source: &RulesSource, key: &str) -> Result<(), CliError> {
    documents("rule", global.format())?;
    let set = global.settings(source)?.rules;
    let rule = set.find(key).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown rule '{key}'; `zetl-preflight rules` lists every code and name"
        ))
    })?;
    if global.format() == Format::Json {
        let mut text = serde_json::to_string_pretty(rule).expect("rule serializes");
        text.push('\n');
        emit(&text);
        return Ok(());
    }
    // The page is Markdown: the table format and markdown print it alike.
    emit(&rule_docs(rule));
    Ok(())
}

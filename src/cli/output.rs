//! Findings into a document, and the document onto stdout or into `--output`: shared by
//! `check`, `audit` and `--fix`.

use std::io::{IsTerminal, Write};

use crate::config::file::Loaded;
use crate::config::suppress;
use crate::model::Snapshot;
use crate::report::{self, table::TableOptions, Document, Gate, Report};

use super::{CheckArgs, CliError, GlobalArgs};

/// Evaluate snapshots into a document: findings, suppressions, gate.
pub(crate) fn document(
    snapshots: &[Snapshot],
    rules: &crate::rules::RuleSet,
    config: &Loaded,
    args: &CheckArgs,
) -> Document {
    let mut reports: Vec<Report> = snapshots
        .iter()
        .map(|s| Report::new(s, crate::rules::evaluate(s, rules)))
        .collect();
    let notes = suppress::apply(
        reports.iter_mut().flat_map(|r| r.findings.iter_mut()),
        &config.file.suppressions,
        &suppress::today(),
    );
    let mut doc = Document::new(reports, rules);
    doc.suppressions = notes;
    doc.gate = Gate {
        fail_on: args.report.fail_on.unwrap_or_default(),
        allow_unverified: args.report.allow_unverified,
    };
    doc.artifact = artifact(config);
    doc
}

/// Print the document, or write it to `--output` with a summary on stderr.
pub(crate) fn output(
    global: &GlobalArgs,
    args: &CheckArgs,
    doc: &Document,
) -> Result<(), CliError> {
    match &args.report.output {
        Some(path) => {
            let plain = TableOptions {
                show_passes: args.report.show_passes,
                ..TableOptions::plain()
            };
            let text = report::render(doc, global.format, &plain);
            std::fs::write(path, text).map_err(|source| CliError::Write {
                path: path.to_path_buf(),
                source,
            })?;
            let color = std::io::stderr().is_terminal() && !super::no_color();
            for r in &doc.reports {
                eprintln!("{}", report::table::summary_line(r, color));
            }
            if !global.quiet {
                eprintln!("report written to {}", path.display());
            }
        }
        None if global.quiet && global.format == report::Format::Table => {
            let tty = std::io::stdout().is_terminal() && !super::no_color();
            emit(&report::table::render_quiet(doc, tty))
        }
        None => emit(&report::render(
            doc,
            global.format,
            &table_options(args.report.show_passes),
        )),
    }
    Ok(())
}

/// What SARIF and GitHub annotations point at: the config file, relative to here.
pub(crate) fn artifact(config: &Loaded) -> String {
    let Some(path) = &config.path else {
        return crate::config::FILE_NAME.to_string();
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

pub(crate) fn table_options(show_passes: bool) -> TableOptions {
    let tty = std::io::stdout().is_terminal();
    TableOptions {
        color: tty && !super::no_color(),
        show_passes,
        width: if tty {
            None
        } else {
            Some(report::table::PIPE_WIDTH)
        },
    }
}

/// Write to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

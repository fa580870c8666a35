//! Findings into a document, and the document onto stdout or into `--output`: shared by
//! `check`, `audit` and `--fix`.

use std::io::{IsTerminal, Write};
use std::path::Path;

use crate::model::Snapshot;
use crate::report::stream::Writer;
use crate::report::{self, table::TableOptions, Document, Gate, IntegrationInfo};

use crate::run::judge::{self, Judge};
use crate::run::Settings;

use super::{CliError, GlobalArgs, ReportArgs};

/// The gate `--fail-on` and `--allow-unverified` ask for.
fn gate(args: &ReportArgs) -> Gate {
    Gate {
        fail_on: args.fail_on.unwrap_or_default(),
        allow_unverified: args.allow_unverified,
    }
}

/// Snapshots judged into a document: findings, suppressions, gate.
pub(crate) fn document(snapshots: &[Snapshot], settings: &Settings, args: &ReportArgs) -> Document {
    judge::document(snapshots, settings, gate(args))
}

/// Describes an audit's integration, told the pair's findings.
pub(crate) type Describe<'a> = dyn Fn(&[crate::model::Finding]) -> IntegrationInfo + 'a;

/// A report written pair by pair as snapshots come in: each is judged (in `run/`), rendered
/// into the spool, and let go, so a fleet's memory stays flat.
pub(crate) struct Stream<'a> {
    writer: Writer,
    judge: Judge<'a>,
    settings: &'a Settings,
}

impl<'a> Stream<'a> {
    /// `fleet`: an audit (fleet summary first, details only for troubled integrations).
    pub(crate) fn new(
        global: &GlobalArgs,
        args: &ReportArgs,
        settings: &'a Settings,
        fleet: bool,
    ) -> Stream<'a> {
        let mut doc = judge::frame(settings, gate(args));
        doc.fleet = fleet;
        Stream {
            writer: writer(global, args, doc),
            judge: Judge::new(settings),
            settings,
        }
    }

    /// Judge the next pair and write it; `integration` (an audit's) is told its findings.
    pub(crate) fn push(
        &mut self,
        snap: &Snapshot,
        integration: Option<&Describe<'_>>,
    ) -> Result<(), CliError> {
        self.push_judged(snap, integration).map(|_| ())
    }

    /// [`Stream::push`], and the rules that do not pass (what `audit --watch` compares).
    pub(crate) fn push_judged(
        &mut self,
        snap: &Snapshot,
        integration: Option<&Describe<'_>>,
    ) -> Result<crate::run::watch::Problems, CliError> {
        let mut r = self.judge.report(snap);
        judge::checked_something(&r, self.settings)?;
        r.integration = integration.map(|info| info(&r.findings));
        let problems = crate::run::watch::problems(&r.findings);
        self.writer.push(&r).map_err(spool_error)?;
        Ok(problems)
    }

    /// Whether the run so far exits 1.
    pub(crate) fn fails(&self) -> bool {
        self.writer.fails()
    }

    /// How many pairs were written.
    pub(crate) fn pairs(&self) -> usize {
        self.writer.pairs()
    }

    /// The frame, for what is known only at the end (who acted, what was not verified).
    pub(crate) fn frame(&mut self) -> &mut Document {
        self.writer.frame()
    }

    /// Print the document, or write it to `--output`. Returns whether the run exits 1.
    pub(crate) fn finish(
        mut self,
        global: &GlobalArgs,
        args: &ReportArgs,
    ) -> Result<bool, CliError> {
        self.writer.frame().suppressions = self.judge.notes();
        finish(self.writer, global, args, true)
    }

    /// Write the document to `--output` and say nothing on stderr (a watch's rounds say
    /// only what changed).
    pub(crate) fn finish_quietly(
        mut self,
        global: &GlobalArgs,
        args: &ReportArgs,
    ) -> Result<bool, CliError> {
        self.writer.frame().suppressions = self.judge.notes();
        finish(self.writer, global, args, false)
    }
}

/// Print the document, or write it to `--output` with each pair's verdict (and what was not
/// verified) on stderr. Returns whether the run exits 1.
fn finish(
    mut writer: Writer,
    global: &GlobalArgs,
    args: &ReportArgs,
    announce: bool,
) -> Result<bool, CliError> {
    let suppressions = std::mem::take(&mut writer.frame().suppressions);
    let fails = writer.fails();
    match &args.output {
        Some(path) => {
            let lines = writer.summary_lines().to_vec();
            let unverified = writer.frame().unverified.clone();
            let failed = |source| CliError::Write {
                path: path.to_path_buf(),
                source,
            };
            // Written beside the file and renamed over it: a reader (node_exporter's
            // textfile collector, a watch loop's consumer) never sees half a report.
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => std::path::PathBuf::from("."),
            };
            let tmp = tempfile::NamedTempFile::new_in(&dir).map_err(failed)?;
            // Readable by others as a created file is (a collector runs as its own user).
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::Permissions::from_mode(0o644);
                tmp.as_file().set_permissions(mode).map_err(failed)?;
            }
            let mut out = std::io::BufWriter::new(tmp);
            writer
                .finish(suppressions, &mut out)
                .and_then(|()| out.flush())
                .map_err(failed)?;
            let tmp = out.into_inner().map_err(|e| failed(e.into_error()))?;
            tmp.persist(path).map_err(|e| failed(e.error))?;
            if announce {
                for l in &lines {
                    eprintln!("{l}");
                }
                // Not quiet-able: a run that missed part of the fleet must say so.
                for u in &unverified {
                    eprintln!("not verified: {u}");
                }
                if !global.quiet {
                    eprintln!("report written to {}", path.display());
                }
            }
        }
        None => {
            // Tables carry it on stdout; the other formats' readers may be machines, so
            // people are told here too.
            let unverified = match global.format() {
                report::Format::Table => Vec::new(),
                _ => writer.frame().unverified.clone(),
            };
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = writer
                .finish(suppressions, &mut out)
                .and_then(|()| out.flush());
            for u in &unverified {
                eprintln!("not verified: {u}");
            }
        }
    }
    Ok(fails)
}

fn spool_error(e: std::io::Error) -> CliError {
    CliError::Write {
        path: std::env::temp_dir(),
        source: e,
    }
}

/// The writer `--format`, `--output`, `--quiet` and `--show-passes` ask for.
fn writer(global: &GlobalArgs, args: &ReportArgs, doc: Document) -> Writer {
    let show_passes = args.show_passes;
    match &args.output {
        Some(_) => Writer::spooled(
            doc,
            global.format(),
            TableOptions {
                show_passes,
                ..TableOptions::plain()
            },
        )
        .line_color(std::io::stderr().is_terminal() && !super::no_color()),
        None if global.quiet && global.format() == report::Format::Table => {
            let color = std::io::stdout().is_terminal() && !super::no_color();
            let opts = TableOptions {
                color,
                ..TableOptions::plain()
            };
            Writer::spooled(doc, global.format(), opts).quiet()
        }
        None => Writer::spooled(doc, global.format(), table_options(show_passes)),
    }
}

/// Print a whole document, or write it to `--output` (`--fix`'s before and after).
pub(crate) fn output(
    global: &GlobalArgs,
    args: &ReportArgs,
    doc: &Document,
) -> Result<(), CliError> {
    let mut w = writer(global, args, doc.frame());
    for r in &doc.reports {
        w.push(r).map_err(spool_error)?;
    }
    w.frame().suppressions = doc.suppressions.clone();
    finish(w, global, args, true).map(|_| ())
}

/// A file as results name it: relative to here when it is below here.
pub(crate) fn shown(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The config file, when one was read: what results point at when it named the pairs.
pub(crate) fn config_file(config: &crate::config::file::Loaded) -> Option<String> {
    config.path.as_deref().map(shown)
}

pub(crate) fn table_options(show_passes: bool) -> TableOptions {
    let tty = std::io::stdout().is_terminal();
    TableOptions {
        color: tty && !super::no_color(),
        show_passes,
        width: columns().or(if tty {
            None
        } else {
            Some(report::table::PIPE_WIDTH)
        }),
    }
}

/// `COLUMNS`, when it holds a width (40 or more): it wins over the terminal's and the pipe's.
pub(crate) fn columns() -> Option<u16> {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|v| v.trim().parse::<u16>().ok())
        .filter(|n| *n >= 40)
}

/// Write to stdout; a closed pipe (`| head`) is not an error worth a panic.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

/// Write the fetched world to `path`, for `check --snapshot` later.
/// Snapshots saved into a folder, one file per pair, each name once.
pub(super) struct Saver<'p> {
    folder: Option<&'p Path>,
    used: std::collections::BTreeSet<String>,
}

impl<'p> Saver<'p> {
    pub(super) fn new(folder: Option<&'p Path>) -> Saver<'p> {
        Saver {
            folder,
            used: Default::default(),
        }
    }

    /// Save `snap` into the folder (nothing without one).
    pub(super) fn save(&mut self, snap: &Snapshot, quiet: bool) -> Result<(), CliError> {
        let Some(folder) = self.folder else {
            return Ok(());
        };
        let base = crate::run::check::snapshot_file_name(snap);
        let stem = base.trim_end_matches(".json").to_string();
        let name = (1..)
            .map(|n| match n {
                1 => base.clone(),
                n => format!("{stem}-{n}.json"),
            })
            .find(|n| !self.used.contains(n))
            .expect("some name is free");
        self.used.insert(name.clone());
        save_snapshot(&folder.join(name), snap, quiet)
    }
}

pub(super) fn save_snapshot(path: &Path, snap: &Snapshot, quiet: bool) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(snap).expect("snapshot serializes");
    text.push('\n');
    std::fs::write(path, text).map_err(|source| CliError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    if !quiet {
        eprintln!("snapshot saved to {}", path.display());
    }
    Ok(())
}

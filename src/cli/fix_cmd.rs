//! `check --fix`: show the plan, ask, apply, journal, then check again.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use crate::fix::{self, apply, flow, render, Plan};
use crate::report::{self, Format};
use crate::run::{session, Settings};

use super::output::{self, emit};
use super::{CheckArgs, CliError, GlobalArgs};

pub fn run(global: &GlobalArgs, args: &CheckArgs, settings: &Settings) -> Result<bool, CliError> {
    if !args.snapshot.is_empty() {
        return Err(CliError::Usage(
            "--fix changes live resources and needs live AWS, not --snapshot; use --fix --dry-run against the account to see the plan".into(),
        ));
    }
    if args.save_snapshot.is_some() {
        return Err(CliError::Usage(
            "--save-snapshot and --fix do not go together; save the snapshot with a plain check"
                .into(),
        ));
    }
    let mut pairs = session::pairs(args.source.as_ref(), args.target.as_ref(), &settings.config)?;
    if pairs.len() != 1 {
        return Err(CliError::Usage(format!(
            "--fix works on one pair at a time, and the config file lists {}; pass --source and --target",
            pairs.len()
        )));
    }
    super::with_key(&mut pairs, &args.key, args.source.is_some())?;
    let refs = session::parse_pairs(&pairs)?;
    let json = global.format() == Format::Json;
    // The plan and what applying did are for people: on stdout with the table format, on
    // stderr when stdout carries a machine format (SARIF, JUnit, ...) of the final check.
    let say = |text: &str| {
        if global.format() == Format::Table {
            emit(text)
        } else {
            eprint!("{text}")
        }
    };
    let width = (!std::io::stdout().is_terminal()).then_some(report::table::PIPE_WIDTH);
    let unsafe_fixes = args.fix.unsafe_fixes;
    // Read before anything else: a bad --data-from file or URL stops the run early.
    let extras = super::reads::extras(args, settings)?;
    let saved = crate::run::data_from::read(&args.data.data_from)?;
    let opts = flow::FlowOptions {
        dry_run: args.fix.dry_run,
        alarm_actions: args.fix.alarm_action.clone(),
        tables: extras.tables.as_ref().map(|t| t.login.clone()),
        managed_tags: settings.config.file.managed_tags.clone(),
        allow_drift: args.fix.allow_drift,
        apply: apply::ApplyOptions {
            unsafe_fixes,
            wait_timeout: Duration::from_secs(args.fix.wait_timeout),
            poll: poll_interval(),
        },
        journal: args
            .fix
            .journal
            .clone()
            .unwrap_or_else(|| PathBuf::from(fix::journal::DEFAULT_PATH)),
    };
    let document = |snap: &crate::model::Snapshot| {
        output::document(std::slice::from_ref(snap), settings, &args.report)
    };
    let mut confirm_error = None;
    let findings_of = |snap: &crate::model::Snapshot| document(snap).reports.remove(0).findings;
    let confirm = |acting: &str, plan: &Plan| {
        let table = format!("{acting}{}", render::plan_table(plan, width, unsafe_fixes));
        if !json {
            say(&table);
        } else if !args.fix.yes {
            // stdout carries the JSON document: show the plan being confirmed on stderr.
            eprint!("{table}");
        }
        match confirm(args, flow::applicable(plan, unsafe_fixes)) {
            Ok(yes) => yes,
            Err(e) => {
                confirm_error = Some(e);
                false
            }
        }
    };
    let key = pairs[0].key();
    let result = session::runtime()?.block_on(crate::run::fix::fix(
        settings,
        &refs[0],
        (key.as_ref(), args.key.creator.as_deref()),
        crate::run::fix::Reads {
            extras: &extras,
            data_from: (&saved, args.data.data_filter.as_deref()),
        },
        &opts,
        findings_of,
        confirm,
    ))?;
    let (result, acting) = result;
    if let Some(e) = confirm_error {
        return Err(e);
    }
    let before = document(&result.before);
    for r in &before.reports {
        crate::run::judge::checked_something(r, settings)?;
    }
    let Some(outcomes) = &result.outcomes else {
        // Dry run, nothing to apply, or cancelled at the prompt (which showed the plan).
        let asked = !args.fix.dry_run && flow::applicable(&result.plan, unsafe_fixes) > 0;
        if json {
            emit(&fix_json(&result.plan, None, None, &before));
        } else if !asked {
            say(&acting);
            say(&render::plan_table(&result.plan, width, unsafe_fixes));
            say(if args.fix.dry_run {
                "Dry run: nothing was changed.\n"
            } else {
                "Nothing to apply.\n"
            });
        }
        if !json && global.format() != Format::Table {
            output::output(global, &args.report, &before)?;
        }
        return Ok(before.fails());
    };
    let after = document(
        result
            .after
            .as_ref()
            .expect("applied runs read the state again"),
    );
    let journal = &result.journal;
    let journal_note = (journal.written() > 0).then(|| journal.path().display().to_string());
    if json {
        emit(&fix_json(
            &result.plan,
            Some(outcomes),
            journal_note.as_deref(),
            &after,
        ));
    } else {
        say(&render::outcomes(&result.plan, outcomes));
        say("\nAfter the fix:\n");
        output::output(global, &args.report, &after)?;
        if let Some(p) = &journal_note {
            say(&format!(
                "Journal: {} change(s) applied, {} failed, recorded in {p}\n",
                journal.applied(),
                journal.written() - journal.applied()
            ));
        }
    }
    Ok(after.fails())
}

/// Ask on a terminal; without one, `--yes` is required. `Ok(false)`: the person said no.
fn confirm(args: &CheckArgs, applicable: usize) -> Result<bool, CliError> {
    ask(
        args.fix.yes,
        "--fix changes AWS resources",
        &format!("Apply {applicable} action(s) to AWS?"),
    )
}

/// `question` on a terminal (anything but yes is no); without one, `--yes` is required, and
/// `what` says why.
pub(super) fn ask(yes: bool, what: &str, question: &str) -> Result<bool, CliError> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(format!(
            "{what}: pass --yes to go on without a terminal, or --dry-run to only see the plan"
        )));
    }
    eprint!("{question} Type 'yes' to continue: ");
    let _ = std::io::stderr().flush();
    let mut answer = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut answer)
        .map_err(|e| CliError::Usage(format!("cannot read the answer: {e}")))?;
    let yes = answer.trim().eq_ignore_ascii_case("yes") || answer.trim().eq_ignore_ascii_case("y");
    if !yes {
        eprintln!("Cancelled: nothing was changed.");
    }
    Ok(yes)
}

/// Time between status polls while waiting; `ZETL_PREFLIGHT_POLL_MS` shortens it in tests.
fn poll_interval() -> Duration {
    std::env::var("ZETL_PREFLIGHT_POLL_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(5))
}

fn fix_json(
    plan: &Plan,
    outcomes: Option<&[apply::Outcome]>,
    journal: Option<&str>,
    check: &report::Document,
) -> String {
    let check_doc: serde_json::Value = serde_json::from_str(&report::render(
        check,
        Format::Json,
        &report::table::TableOptions::plain(),
    ))
    .expect("the report is JSON");
    let doc = serde_json::json!({
        "schema_version": report::REPORT_SCHEMA_VERSION,
        "tool": { "name": env!("CARGO_PKG_NAME"), "version": env!("CARGO_PKG_VERSION") },
        "plan": plan,
        "apply": outcomes,
        "journal": journal,
        "check": check_doc,
    });
    let mut out = serde_json::to_string_pretty(&doc).expect("fix report serializes");
    out.push('\n');
    out
}

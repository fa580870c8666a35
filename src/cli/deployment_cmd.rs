//! `check --terraform-plan` / `--cloudformation`: a deployment checked before it happens.
//! `crate::run::deployment` reads the plan or template into snapshots (completed from AWS
//! when live); this decides live or offline from the flags, and prints.

use std::path::Path;

use crate::run::deployment::{self, Source};
use crate::run::session::runtime;
use crate::run::Settings;

use super::output::{save_snapshot, Stream};
use super::{CheckArgs, CliError, GlobalArgs};

/// `--terraform-plan` / `--cloudformation`: one snapshot per planned integration. A pair that
/// cannot be made into a snapshot is not verified (the run fails unless allowed).
pub(super) fn run(
    global: &GlobalArgs,
    args: &CheckArgs,
    settings: &Settings,
    path: &Path,
) -> Result<bool, CliError> {
    if args.data.data {
        return Err(CliError::Usage(
            "a plan or template is checked before its clusters exist; --data needs a live cluster"
                .into(),
        ));
    }
    if args.key.kms_key.is_some() {
        return Err(CliError::Usage(
            "a plan or template names the integration's key itself (kms_key_id, KMSKeyId);              --kms-key is for a live pair"
                .into(),
        ));
    }
    let pair = match (&args.source, &args.target) {
        (Some(s), Some(t)) => Some((s.as_str(), t.as_str())),
        (None, None) => None,
        _ => return Err(CliError::Usage(
            "with a plan or template, --source and --target go together (addresses or logical ids)"
                .into(),
        )),
    };
    let source = match args.cloudformation {
        Some(_) => Source::CloudFormation {
            template: path,
            parameters: args.parameters.as_deref(),
        },
        None => Source::Terraform(path),
    };
    let live = args.live || (!args.offline && settings.credentials_given());
    let read = runtime()?.block_on(deployment::read(
        settings,
        source.clone(),
        pair,
        live,
        args.key.creator.as_deref(),
        args.concurrency,
    ))?;
    if let Some(save) = &args.save_snapshot {
        match read.snapshots.as_slice() {
            [one] => save_snapshot(save, one, global.quiet)?,
            _ => {
                return Err(CliError::Usage(format!(
                    "--save-snapshot writes one pair, but the plan makes {}",
                    read.snapshots.len()
                )))
            }
        }
    }
    if args.fix.fix {
        // A template is checked again as it now is; a Terraform plan must be made again.
        let again = || -> Result<deployment::Read, CliError> {
            runtime()?.block_on(deployment::read(
                settings,
                source.clone(),
                pair,
                false,
                args.key.creator.as_deref(),
                args.concurrency,
            ))
        };
        let again: Option<&dyn Fn() -> Result<deployment::Read, CliError>> =
            args.cloudformation.is_some().then_some(&again);
        return fix_source(global, args, settings, &read, again);
    }
    let mut out = Stream::new(global, &args.report, settings, false);
    out.frame().artifact = Some(read.shown);
    for snap in &read.snapshots {
        out.push(snap, None)?;
    }
    out.frame().unverified = read.unchecked;
    out.finish(global, &args.report)
}

/// `--fix` on a plan: the edits of its source files as a diff, then (asked, or `--yes`)
/// written. `--dry-run` prints the diff alone after the steps left by hand, so its output is
/// a patch `git apply` takes. Exit 1 while anything failing is left (by hand, not written).
fn fix_source(
    global: &GlobalArgs,
    args: &CheckArgs,
    settings: &Settings,
    read: &deployment::Read,
    again: Option<&dyn Fn() -> Result<deployment::Read, CliError>>,
) -> Result<bool, CliError> {
    use crate::run::source_fix::{self, Written};
    let doc = super::output::document(&read.snapshots, settings, &args.report);
    for r in &doc.reports {
        crate::run::judge::checked_something(r, settings)?;
    }
    let checked: Vec<(&crate::model::Snapshot, &[crate::model::Finding])> = read
        .snapshots
        .iter()
        .zip(&doc.reports)
        .map(|(s, r)| (s, r.findings.as_slice()))
        .collect();
    let fix = source_fix::plan(&checked, &settings.rules, args.fix.unsafe_fixes);
    // The people's text: stdout with the table format, else stderr (stdout has the report).
    let table = global.format() == crate::report::Format::Table;
    let say = |text: &str| {
        if table {
            super::output::emit(text)
        } else {
            eprint!("{text}")
        }
    };
    let mut by_hand = String::new();
    for m in &fix.manual {
        by_hand.push_str(&format!("# by hand, {}: {}\n", m.rule, m.why));
        for line in m.text.iter().flat_map(|t| t.lines()) {
            by_hand.push_str(&format!("#   {line}\n"));
        }
    }
    say(&by_hand);
    let patch = source_fix::diff(&fix);
    say(&patch);
    if !table {
        super::output::output(global, &args.report, &doc)?;
    }
    let left = !fix.manual.is_empty() || !read.unchecked.is_empty();
    if fix.changes.is_empty() {
        say("# nothing to write\n");
        return Ok(doc.fails());
    }
    if args.fix.dry_run {
        say("# dry run: no file was written\n");
        return Ok(doc.fails());
    }
    let files = fix.changes.len();
    if !super::fix_cmd::ask(
        args.fix.yes,
        "--fix writes the plan's source files",
        &format!("Write {files} file(s)?"),
    )? {
        return Ok(doc.fails());
    }
    let mut failed = false;
    for (c, w) in fix.changes.iter().zip(source_fix::write(&fix)) {
        match w {
            Written::Verified => say(&format!(
                "# wrote {} ({}): read back, every setting as intended\n",
                c.file,
                c.rules.join(", ")
            )),
            Written::NotWritten(why) | Written::Differs(why) => {
                failed = true;
                say(&format!("# {why}\n"));
            }
        }
    }
    let Some(again) = again else {
        say("# run terraform plan again and check the new plan: only Terraform makes one\n");
        return Ok(failed || left);
    };
    // The template as it is now, checked again as a new deployment: the rules fixed pass.
    let now = again()?;
    let doc = super::output::document(&now.snapshots, settings, &args.report);
    let mut fixed: Vec<&String> = fix.changes.iter().flat_map(|c| &c.rules).collect();
    fixed.sort();
    fixed.dedup();
    for code in fixed {
        let worst = doc
            .findings()
            .filter(|f| &f.rule == code)
            .map(|f| f.status)
            .max_by_key(|s| matches!(s, crate::model::Status::Fail | crate::model::Status::Warn));
        match worst {
            Some(crate::model::Status::Fail | crate::model::Status::Warn) => {
                failed = true;
                say(&format!("# checked again: {code} still does not pass\n"));
            }
            Some(s) => say(&format!("# checked again: {code} {}\n", s.as_str())),
            None => say(&format!(
                "# checked again: {code} does not apply any more\n"
            )),
        }
    }
    Ok(failed || left || doc.fails())
}

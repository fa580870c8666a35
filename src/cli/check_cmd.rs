//! `zetl-preflight check`: fetch (or load) snapshots, evaluate them, report, gate.

use crate::run::check::{
    audited, confirm_pair, load_snapshot, offline_flags, parse_snapshot, read_pairs,
    snapshot_files, DEMO_SNAPSHOT,
};
use crate::run::session::{pairs, runtime};

use super::output::{save_snapshot, Stream};
use super::{CheckArgs, CliError, DemoArgs, GlobalArgs};

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> Result<bool, CliError> {
    let settings = global.settings(&args.rules)?;
    if let Some(path) = args
        .terraform_plan
        .as_ref()
        .or(args.cloudformation.as_ref())
    {
        return super::deployment_cmd::run(global, args, &settings, path);
    }
    if args.fix.fix {
        return super::fix_cmd::run(global, args, &settings);
    }
    let mut out = Stream::new(global, &args.report, &settings, false);
    // Saved catalog outputs are read before anything else: a bad file stops the run early.
    let saved = crate::run::data_from::read(&args.data.data_from)?;
    let filter = args.data.data_filter.as_deref();
    let with_saved = |snap: &mut crate::model::Snapshot| -> Result<(), CliError> {
        if saved.is_empty() {
            return Ok(());
        }
        crate::run::data_from::attach(snap, &saved, filter)
    };
    match args.snapshot.as_slice() {
        [_, ..] => {
            let files = snapshot_files(&args.snapshot)?;
            if files.len() > 1 && (args.source.is_some() || args.target.is_some()) {
                return Err(CliError::Usage(format!(
                    "--source and --target confirm what one snapshot holds; {} snapshots were \
                     given: leave them out",
                    files.len()
                )));
            }
            if files.len() > 1 && !saved.is_empty() {
                return Err(CliError::Usage(format!(
                    "--data-from describes one source's catalog, but {} snapshots were given",
                    files.len()
                )));
            }
            if let [one] = files.as_slice() {
                out.frame().artifact = Some(super::output::shown(one));
            }
            for (i, path) in files.iter().enumerate() {
                let mut snap = load_snapshot(path)?;
                with_saved(&mut snap)?;
                confirm_pair(&snap, args.source.as_ref(), args.target.as_ref())?;
                offline_flags(
                    &snap,
                    global.region.as_deref(),
                    (
                        args.key.kms_key.is_some(),
                        args.key.creator.is_some(),
                        args.tables.tables,
                    ),
                )?;
                if args.data.data && snap.schema.is_none() {
                    return Err(CliError::Usage(format!(
                        "--data reads the source database's catalog live, and {} holds none; save \
                         a snapshot with `check --data --save-snapshot FILE` to check its tables \
                         offline",
                        path.display()
                    )));
                }
                // A fleet `audit` saved (its first snapshot tells) is reported as the audit
                // was: the fleet's summary first, details for the troubled.
                if i == 0 && files.len() > 1 && audited(&snap).is_some() {
                    out.frame().fleet = true;
                }
                // A snapshot `audit` saved is reported as the integration it was.
                let info = audited(&snap).map(|i| {
                    let region = snap.source.region().to_string();
                    let tables = snap.health.as_ref().and_then(|h| h.tables.clone());
                    let causes = &settings.rules.causes;
                    move |findings: &[crate::model::Finding]| {
                        let mut info =
                            crate::report::IntegrationInfo::new(i, &region, findings, causes);
                        info.tables = tables.clone();
                        info
                    }
                });
                match &info {
                    Some(describe) => out.push(&snap, Some(describe))?,
                    None => out.push(&snap, None)?,
                }
            }
        }
        [] => {
            let mut pairs = pairs(args.source.as_ref(), args.target.as_ref(), &settings.config)?;
            if args.source.is_none() {
                // The config file named the pairs: results point at it.
                out.frame().artifact = super::output::config_file(&settings.config);
            }
            if pairs.len() > 1 && !saved.is_empty() {
                return Err(CliError::Usage(format!(
                    "--data-from describes one source's catalog, but the config file lists {} pairs; pass --source and --target",
                    pairs.len()
                )));
            }
            // A folder: one that exists, or a path written with a trailing slash (made here).
            let folder = args
                .save_snapshot
                .as_ref()
                .filter(|p| p.is_dir() || p.to_string_lossy().ends_with('/'));
            if let Some(dir) = folder {
                std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
                    path: dir.clone(),
                    source,
                })?;
            }
            if pairs.len() > 1 && args.save_snapshot.is_some() && folder.is_none() {
                return Err(CliError::Usage(format!(
                    "--save-snapshot FILE writes one pair, but the config file lists {}: name a \
                     folder (DIR/, one file per pair), or pass --source and --target",
                    pairs.len()
                )));
            }
            let mut saver = super::output::Saver::new(folder.map(|p| p.as_path()));
            super::with_key(&mut pairs, &args.key, args.source.is_some())?;
            let extras = super::reads::extras(args, &settings)?;
            let mut failed = None;
            // Each snapshot is evaluated and written as it comes, then let go.
            let identity = runtime()?.block_on(read_pairs(
                &settings,
                &pairs,
                &extras,
                args.concurrency,
                |snap| {
                    let snap = snap.map_err(CliError::from).and_then(|mut s| {
                        with_saved(&mut s)?;
                        Ok(s)
                    });
                    let done = match (&args.save_snapshot, snap) {
                        (_, Err(e)) => Err(e),
                        (Some(_), Ok(s)) if folder.is_some() => saver
                            .save(&s, global.quiet)
                            .and_then(|()| out.push(&s, None)),
                        (Some(path), Ok(s)) => {
                            save_snapshot(path, &s, global.quiet).and_then(|()| out.push(&s, None))
                        }
                        (None, Ok(s)) => out.push(&s, None),
                    };
                    if let (Err(e), None) = (done, &failed) {
                        failed = Some(e);
                    }
                },
            ))?;
            if let Some(e) = failed {
                return Err(e);
            }
            out.frame().identity = identity;
        }
    }
    out.finish(global, &args.report)
}

/// `zetl-preflight demo`: `check --snapshot` of the snapshot inside the binary.
pub fn demo(global: &GlobalArgs, args: &DemoArgs) -> Result<bool, CliError> {
    let settings = global.settings(&args.rules)?;
    let shown = std::path::Path::new("the bundled demo snapshot");
    let snap = parse_snapshot(DEMO_SNAPSHOT, shown)?;
    let mut out = Stream::new(global, &args.report, &settings, false);
    out.frame().artifact = Some("fixtures/seed-default-groups.json".into());
    out.push(&snap, None)?;
    out.finish(global, &args.report)
}

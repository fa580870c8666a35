//! `zetl-preflight audit`: discover every integration in the Regions, check each pair, and
//! report the fleet; with `--watch`, again every interval, saying what changed. Discovery,
//! reads and the watch loop live in `crate::run`; this prints.

use crate::report::IntegrationInfo;
use crate::run::audit;
use crate::run::session::runtime;
use crate::run::watch::{self, Round, Seen};
use crate::run::Settings;

use super::{output, AuditArgs, CliError, GlobalArgs};

pub fn run(global: &GlobalArgs, args: &AuditArgs) -> Result<bool, CliError> {
    let settings = global.settings(&args.rules)?;
    let rt = runtime()?;
    let scope = audit::Scope {
        regions: args.regions.clone(),
        role_arns: args.role_arn.clone(),
        candidates: args.candidates.clone(),
        candidate_sources: args.candidate_sources.clone(),
    };
    // Connected once: a watch's rounds reuse the clients and who is acting.
    let fleet = rt.block_on(audit::connect_fleet(&settings, &scope))?;
    let Some(every) = args.watch else {
        return rt
            .block_on(round(global, args, &settings, &fleet, true))
            .map(|(_, fails)| fails);
    };
    // The handlers are installed now, before the first round: a signal that comes while it
    // runs (or right after it printed) ends the watch between rounds, not the process.
    let stop = {
        let _in_runtime = rt.enter();
        stopped()
    };
    let (fails, end) = rt.block_on(watch::watch(
        |_| round(global, args, &settings, &fleet, false),
        std::time::Duration::from_secs(every),
        args.count,
        stop,
        |n, lines| {
            let at = crate::model::now_rfc3339();
            if n == 1 && !global.quiet {
                eprintln!("{at}  watching every {every} s (Ctrl-C ends it)");
            }
            for l in lines {
                println!("{at}  {l}");
            }
        },
    ))?;
    if end == watch::End::Signalled && !global.quiet {
        eprintln!("stopped");
    }
    Ok(fails)
}

/// SIGINT (Ctrl-C) or SIGTERM, listened for from the call on (inside the runtime): the
/// handlers are installed here, not when the future is first polled.
fn stopped() -> impl std::future::Future<Output = ()> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let term = signal(SignalKind::terminate()).ok();
        let int = signal(SignalKind::interrupt()).ok();
        async move {
            match (term, int) {
                (Some(mut term), Some(mut int)) => {
                    tokio::select! {
                        _ = int.recv() => {}
                        _ = term.recv() => {}
                    }
                }
                _ => {
                    let _ = tokio::signal::ctrl_c().await;
                }
            }
        }
    }
    #[cfg(not(unix))]
    async {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// One audit of the connected fleet: discover, check, report. `print`: the report goes to stdout or `-o`; in a watch
/// without `-o` nothing is printed but the changes. Returns what each integration looked
/// like, and whether the round exits 1.
async fn round(
    global: &GlobalArgs,
    args: &AuditArgs,
    settings: &Settings,
    fleet: &audit::Fleet,
    print: bool,
) -> Result<(Round, bool), CliError> {
    let rules = &settings.rules;
    let mut out = output::Stream::new(global, &args.report, settings, true);
    out.frame().read_at = Some(crate::model::now_rfc3339());
    let found_all = fleet.discover().await?;
    let identity = fleet.identity.clone();
    let tables = args.tables.options(settings);
    let (mut notes, mut unverified) = (found_all.notes.clone(), found_all.unverified.clone());
    let total = found_all.found.len();
    let bar = crate::progress::Bar::new("integrations checked");
    let mut done = 0;
    let mut failed = None;
    let mut seen = Round::new();
    if let Some(dir) = &args.save_snapshot {
        std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
            path: dir.clone(),
            source,
        })?;
    }
    let mut saver = output::Saver::new(args.save_snapshot.as_deref());
    // Each integration is evaluated and written as it comes, then let go.
    found_all
        .check(
            args.concurrency,
            (tables.as_ref(), args.creator.as_deref(), args.window.window),
            |c| {
                done += 1;
                bar.update(done, total);
                let label = audit::label(&c.found);
                // Who an integration is across rounds: its name (or ARN) and Region, not
                // its status, which may change.
                let who = format!(
                    "{} ({})",
                    c.found
                        .integration
                        .integration_name
                        .as_deref()
                        .or(c.found.integration.integration_arn.as_deref())
                        .unwrap_or(&c.found.integration.source_arn),
                    c.found.region
                );
                let snap = match c.snapshot {
                    Ok(s) => s,
                    Err(e) if audit::out_of_scope(&e) => {
                        notes.push(format!("{label} is not checked: {e}"));
                        return;
                    }
                    Err(e) => {
                        unverified.push(format!("{label} could not be checked: {e}"));
                        return;
                    }
                };
                if let Err(e) = saver.save(&snap, global.quiet || !print) {
                    failed.get_or_insert(e);
                    return;
                }
                let info = |findings: &[crate::model::Finding]| {
                    let mut info = IntegrationInfo::new(
                        &c.found.integration,
                        &c.found.region,
                        findings,
                        &rules.causes,
                    );
                    info.tables = c.tables.clone();
                    info
                };
                match out.push_judged(&snap, Some(&info)) {
                    Ok(problems) => {
                        let status = if c.found.candidate {
                            "(not created)".to_string()
                        } else {
                            c.found.integration.status.clone()
                        };
                        seen.insert(who, Seen { status, problems });
                    }
                    Err(e) => {
                        failed.get_or_insert(e);
                    }
                }
            },
        )
        .await;
    if let Some(e) = failed {
        return Err(e);
    }
    // What could not be verified is part of the state: it appears and goes like the rest.
    for u in &unverified {
        seen.insert(
            format!("not verified: {u}"),
            Seen {
                status: "unverified".into(),
                ..Default::default()
            },
        );
    }
    if print && !global.quiet {
        for n in &notes {
            eprintln!("note: {n}");
        }
        if out.pairs() == 0 {
            eprintln!("note: no integration to check was found");
        }
    }
    let frame = out.frame();
    frame.identity = identity;
    frame.notes = notes;
    frame.unverified = unverified;
    let fails = if print {
        out.finish(global, &args.report)?
    } else if args.report.output.is_some() {
        out.finish_quietly(global, &args.report)?
    } else {
        out.fails()
    };
    Ok((seen, fails))
}

//! `zetl-preflight audit`: discover every integration in the Regions, check each pair, and
//! report the fleet. Discovery and reads live in `crate::run::audit`; this prints.

use crate::report::IntegrationInfo;
use crate::run::audit;
use crate::run::session::runtime;

use super::{output, AuditArgs, CliError, GlobalArgs};

pub fn run(global: &GlobalArgs, args: &AuditArgs) -> Result<bool, CliError> {
    let settings = global.settings(&args.rules)?;
    let rules = &settings.rules;
    let mut out = output::Stream::new(global, &args.report, &settings, true);
    let scope = audit::Scope {
        regions: args.regions.clone(),
        role_arns: args.role_arn.clone(),
        candidates: args.candidates.clone(),
    };
    let (notes, unverified, identity) = runtime()?.block_on(async {
        let (found_all, identity) = audit::discover_fleet(&settings, &scope).await?;
        let tables = args.tables.then(|| {
            audit::TablesOptions::new(
                &settings,
                args.tables_database.clone(),
                args.tables_db_user.clone(),
                args.tables_secret.clone(),
            )
        });
        let (mut notes, mut unverified) = (found_all.notes.clone(), found_all.unverified.clone());
        let total = found_all.found.len();
        let bar = crate::progress::Bar::new("integrations checked");
        let mut done = 0;
        let mut failed = None;
        // Each integration is evaluated and written as it comes, then let go.
        found_all
            .check(
                args.concurrency,
                (tables.as_ref(), args.creator.as_deref(), args.window.window),
                |c| {
                    done += 1;
                    bar.update(done, total);
                    let snap = match c.snapshot {
                        Ok(s) => s,
                        Err(e) if audit::out_of_scope(&e) => {
                            notes.push(format!("{} is not checked: {e}", audit::label(&c.found)));
                            return;
                        }
                        Err(e) => {
                            unverified.push(format!(
                                "{} could not be checked: {e}",
                                audit::label(&c.found)
                            ));
                            return;
                        }
                    };
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
                    if let Err(e) = out.push(&snap, Some(&info)) {
                        failed.get_or_insert(e);
                    }
                },
            )
            .await;
        if let Some(e) = failed {
            return Err(e);
        }
        Ok::<_, CliError>((notes, unverified, identity))
    })?;
    if !global.quiet {
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
    out.finish(global, &args.report)
}

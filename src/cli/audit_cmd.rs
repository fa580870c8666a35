//! `zetl-preflight audit`: discover every integration in the Regions, check each pair, and
//! report the fleet. Orchestration lives in `crate::run`; this parses and prints.

use std::sync::Arc;

use crate::report::IntegrationInfo;
use crate::rules::spec::Check;
use crate::rules::RuleSet;
use crate::run::{self, audit};

use super::{output, session, AuditArgs, CliError, GlobalArgs};

/// `all`: every Region the rules' Region data lists as available, for any engine.
fn all_regions(rules: &RuleSet) -> Vec<String> {
    let mut out: Vec<String> = rules
        .rules
        .iter()
        .filter_map(|r| match &r.check {
            Check::RegionAvailable(r) => Some(r.available.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    out.sort();
    out.dedup();
    out
}

pub fn run(global: &GlobalArgs, args: &AuditArgs) -> Result<bool, CliError> {
    let config = super::load_config(global)?;
    let rules = args.rules.load(&config)?;
    let check_args = args.as_check();
    let mut out = output::Stream::new(global, &check_args, &config, &rules, true);
    let (notes, unverified, identity) = session::runtime()?.block_on(async {
        let sdk = session::connect(global, &config, &[]).await?;
        let regions: Vec<String> = match args.regions.as_slice() {
            [one] if one == "all" => all_regions(&rules),
            [] => match sdk.region() {
                Some(r) => vec![r.to_string()],
                None => {
                    return Err(CliError::Usage(
                        "audit needs a Region: --regions R1,R2 (or all), --region, AWS_REGION or the profile's".into(),
                    ))
                }
            },
            list => list.to_vec(),
        };
        // This account, then each other account through its role, each in its Regions.
        let mut roles: Vec<(Option<String>, Vec<String>)> = vec![(None, regions.clone())];
        for role in &args.role_arn {
            roles.push((Some(role.clone()), regions.clone()));
        }
        for a in &config.file.accounts {
            roles.push((
                Some(a.role_arn.clone()),
                a.regions.clone().unwrap_or_else(|| regions.clone()),
            ));
        }
        let mut accounts = Vec::new();
        for (role, regions) in roles {
            let account_sdk = match &role {
                Some(r) => run::assume_role(&sdk, r).await,
                None => sdk.clone(),
            };
            let run_sdk = account_sdk
                .to_builder()
                .retry_config(run::adaptive(&sdk))
                .build();
            accounts.push(audit::Account {
                role,
                clients: Arc::new(run::SdkClients::new(run_sdk)),
                regions,
            });
        }
        let (identity, found_all) = tokio::join!(
            session::who_is_acting(&sdk),
            audit::discover_all(accounts, args.candidates.as_deref())
        );
        let found_all = found_all.map_err(|e| {
            CliError::Aws(format!("cannot list the integrations: {}", e.describe()))
        })?;
        let tables = args.tables.then(|| audit::TablesOptions {
            database: args.tables_database.clone(),
            db_user: args.tables_db_user.clone(),
            secret_arn: args.tables_secret.clone(),
            poll: std::time::Duration::from_millis(500),
            timeout: std::time::Duration::from_secs(
                global.timeout.or(config.file.timeout).unwrap_or(60),
            ),
        });
        let (notes, mut unverified) = (found_all.notes.clone(), found_all.unverified.clone());
        let total = found_all.found.len();
        let bar = crate::progress::Bar::new("integrations checked");
        let mut done = 0;
        let mut failed = None;
        // Each integration is evaluated and written as it comes, then let go.
        found_all.check(args.concurrency, tables.as_ref(), |c| {
            done += 1;
            bar.update(done, total);
            let snap = match c.snapshot {
                Ok(s) => s,
                Err(e) => {
                    unverified.push(format!("{} could not be checked: {e}", audit::label(&c.found)));
                    return;
                }
            };
            let info = |findings: &[crate::model::Finding]| {
                let mut info = IntegrationInfo::new(&c.found.integration, &c.found.region, findings, &rules.causes);
                info.tables = c.tables.clone();
                info
            };
            if let Err(e) = out.push(&snap, Some(&info)) {
                failed.get_or_insert(e);
            }
        })
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
    out.finish(global, &check_args)
}

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
            Check::RegionAvailable { available, .. } => Some(available.clone()),
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
    let (snapshots, (found, tables), (notes, unverified), identity) = session::runtime()?.block_on(async {
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
        let bar = crate::progress::Bar::new("integrations checked");
        let on_progress = |done: usize, total: usize| bar.update(done, total);
        // This account, then each other account through its role, each in its Regions.
        let mut accounts: Vec<(Option<String>, Vec<String>)> = vec![(None, regions.clone())];
        for role in &args.role_arn {
            accounts.push((Some(role.clone()), regions.clone()));
        }
        for a in &config.file.accounts {
            accounts.push((
                Some(a.role_arn.clone()),
                a.regions.clone().unwrap_or_else(|| regions.clone()),
            ));
        }
        let identity = session::who_is_acting(&sdk).await;
        let mut audited = audit::Audited {
            checked: Vec::new(),
            notes: Vec::new(),
            unverified: Vec::new(),
        };
        let mut tables = args.tables.then(Vec::new);
        for (role, regions) in &accounts {
            let account_sdk = match role {
                Some(r) => run::assume_role(&sdk, r).await,
                None => sdk.clone(),
            };
            let run_sdk = account_sdk
                .to_builder()
                .retry_config(crate::run::adaptive(&sdk))
                .build();
            let clients = Arc::new(run::SdkClients(run_sdk));
            let found = match audit::audit(
                clients.clone(),
                regions,
                args.concurrency,
                args.candidates.as_deref(),
                Some(&on_progress),
            )
            .await {
                Ok(a) => a,
                // Another account that cannot be read is a note, not the end of the audit.
                Err(e) if role.is_some() => {
                    audited.unverified.push(format!(
                        "account of role {} was not audited: {}",
                        role.as_deref().unwrap_or(""),
                        e.describe()
                    ));
                    continue;
                }
                Err(e) => {
                    return Err(CliError::Aws(format!(
                        "cannot list the integrations: {}",
                        e.describe()
                    )))
                }
            };
            if let Some(t) = &mut tables {
                let opts = audit::TablesOptions {
                    database: args.tables_database.clone(),
                    db_user: args.tables_db_user.clone(),
                    secret_arn: args.tables_secret.clone(),
                    poll: std::time::Duration::from_millis(500),
                    timeout: std::time::Duration::from_secs(
                        global.timeout.or(config.file.timeout).unwrap_or(60),
                    ),
                };
                t.extend(audit::table_states(clients, &found.checked, &opts, args.concurrency).await);
            }
            audited.checked.extend(found.checked);
            audited.notes.extend(found.notes);
            audited.unverified.extend(found.unverified);
        }
        let (kept, snaps): (Vec<_>, Vec<_>) = audited.checked.into_iter().unzip();
        let notes = (audited.notes, audited.unverified);
        Ok::<_, CliError>((snaps, (kept, tables), notes, identity))
    })?;
    let mut doc = output::document(&snapshots, &rules, &config, &check_args);
    doc.identity = identity;
    for (i, (report, f)) in doc.reports.iter_mut().zip(&found).enumerate() {
        let mut info = IntegrationInfo::new(&f.integration, &f.region, &report.findings);
        info.tables = tables.as_ref().and_then(|t| t.get(i).cloned());
        report.integration = Some(info);
    }
    if !global.quiet {
        for n in &notes {
            eprintln!("note: {n}");
        }
        if doc.reports.is_empty() {
            eprintln!("note: no integration to check was found");
        }
    }
    output::output(global, &check_args, &doc)?;
    // Not quiet-able: an audit that missed part of the fleet must say so.
    for u in &unverified {
        eprintln!("not verified: {u}");
    }
    Ok(doc.fails() || (!unverified.is_empty() && !check_args.report.allow_unverified))
}

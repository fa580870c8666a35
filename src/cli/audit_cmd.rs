//! `zetl-preflight audit`: discover every integration in the Regions, check each pair, and
//! report the fleet. Orchestration lives in `crate::run`; this parses and prints.

use std::sync::Arc;

use crate::report::IntegrationInfo;
use crate::rules::spec::Check;
use crate::rules::RuleSet;
use crate::run::{self, audit};

use super::{check, AuditArgs, CliError, GlobalArgs};

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
    let (snapshots, found, notes, identity) = check::runtime()?.block_on(async {
        let sdk = check::connect(global, &config, &[]).await?;
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
        let _progress = crate::progress::Progress::start(format!(
            "auditing the integrations in {}",
            regions.join(", ")
        ));
        let run_sdk = sdk
            .to_builder()
            .retry_config(crate::run::adaptive(&sdk))
            .build();
        let clients = Arc::new(run::SdkClients(run_sdk));
        let (identity, audited) = tokio::join!(
            check::who_is_acting(&sdk),
            audit::audit(clients, &regions, args.concurrency)
        );
        let audited = audited.map_err(|e| {
            CliError::Aws(format!("cannot list the integrations: {}", e.describe()))
        })?;
        let (kept, snaps): (Vec<_>, Vec<_>) = audited.checked.into_iter().unzip();
        let notes = audited.notes;
        Ok::<_, CliError>((snaps, kept, notes, identity))
    })?;
    let mut doc = check::document(&snapshots, &rules, &config, &check_args);
    doc.identity = identity;
    for (report, f) in doc.reports.iter_mut().zip(&found) {
        report.integration = Some(IntegrationInfo::new(
            &f.integration,
            &f.region,
            &report.findings,
        ));
    }
    if !global.quiet {
        for n in &notes {
            eprintln!("note: {n}");
        }
        if doc.reports.is_empty() {
            eprintln!("note: no integration to check was found");
        }
    }
    check::output(global, &check_args, &doc)?;
    Ok(doc.fails())
}

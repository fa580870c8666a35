//! `zetl-preflight check`: fetch (or load) a snapshot, evaluate it, report.

use std::io::{IsTerminal, Write};
use std::path::Path;

use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_types::error::display::DisplayErrorContext;

use crate::fetch::{self, AwsOptions, SourceClients, SourceRef, TargetClients, TargetRef};
use crate::model::{Snapshot, TargetSnapshot, SNAPSHOT_SCHEMA_VERSION};
use crate::report::{self, table::TableOptions, Format, Report};

use super::{CheckArgs, CliError, GlobalArgs};

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> Result<bool, CliError> {
    let rules = args.rules.load()?;
    let snap = match &args.snapshot {
        Some(path) => {
            let snap = load_snapshot(path)?;
            confirm_pair(&snap, args)?;
            snap
        }
        None => {
            let (source, target) = refs(args)?;
            let snap = runtime()?.block_on(fetch_live(global, &source, &target))?;
            if let Some(path) = &args.save_snapshot {
                save_snapshot(path, &snap)?;
            }
            snap
        }
    };
    let findings = crate::rules::evaluate(&snap, &rules);
    let report = Report::new(&snap, findings);
    let text = match global.format {
        Format::Json => report::json::render(&report),
        Format::Table => report::table::render(&report, &table_options(args.show_passes)),
    };
    emit(&text);
    Ok(report.summary.has_failures())
}

fn refs(args: &CheckArgs) -> Result<(SourceRef, TargetRef), CliError> {
    match (&args.source, &args.target) {
        (Some(s), Some(t)) => Ok((SourceRef::parse(s)?, TargetRef::parse(t)?)),
        _ => Err(CliError::Usage(
            "check needs --source CLUSTER and --target TARGET (or --snapshot FILE to check a saved snapshot)"
                .into(),
        )),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::Aws(format!("cannot start the async runtime: {e}")))
}

async fn fetch_live(
    global: &GlobalArgs,
    source: &SourceRef,
    target: &TargetRef,
) -> Result<Snapshot, CliError> {
    let opts = AwsOptions {
        region: global.region.clone(),
        profile: global.profile.clone(),
        endpoint_url: global.endpoint_url.clone(),
    };
    let config = fetch::clients::load(&opts).await;
    let source_region = source.region.clone();
    let target_region = target.region();
    if config.region().is_none() && (source_region.is_none() || target_region.is_none()) {
        return Err(CliError::Usage(
            "no AWS Region: pass --region, set AWS_REGION, or set a region in the profile \
             (or give both --source and --target as ARNs)"
                .into(),
        ));
    }
    let provider = config
        .credentials_provider()
        .ok_or_else(|| CliError::Aws("no AWS credentials provider is configured".into()))?;
    if let Err(e) = provider.provide_credentials().await {
        // The chain's report lists every provider on its own line; the first line says it.
        let full = e.to_string();
        let first = full.lines().next().unwrap_or_default();
        let first = first.trim_end().trim_end_matches("Attempted:").trim_end();
        tracing::debug!("credentials: {}", DisplayErrorContext(&e));
        return Err(CliError::Aws(format!(
            "no usable AWS credentials ({first}). Set AWS_PROFILE or --profile, run \
             `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \
             (-vv shows each provider tried)"
        )));
    }
    let src = SourceClients::new(&config, source_region.as_deref());
    let tgt = TargetClients::new(&config, target_region.as_deref());
    tracing::info!(source = %source.identifier, region = %src.region(), "fetching");
    Ok(fetch::snapshot(&src, &tgt, source, target).await?)
}

fn load_snapshot(path: &Path) -> Result<Snapshot, CliError> {
    let bad = |message: String| CliError::Snapshot {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    match serde_json::from_str::<Snapshot>(&text) {
        Ok(snap) if snap.schema_version == SNAPSHOT_SCHEMA_VERSION => Ok(snap),
        Ok(snap) => Err(bad(version_message(snap.schema_version))),
        Err(e) => {
            // A different schema version explains a shape mismatch better than serde can.
            let version = serde_json::from_str::<serde_json::Value>(&text)
                .ok()
                .and_then(|v| v.get("schema_version").and_then(|v| v.as_u64()));
            match version {
                Some(v) if v != u64::from(SNAPSHOT_SCHEMA_VERSION) => {
                    Err(bad(version_message(v as u32)))
                }
                _ => Err(bad(format!(
                    "not a valid zetl-preflight snapshot: {e}. Write one with \
                     `zetl-preflight check --source … --target … --save-snapshot FILE`"
                ))),
            }
        }
    }
}

fn version_message(found: u32) -> String {
    format!(
        "has schema_version {found}, but this zetl-preflight {} reads version {SNAPSHOT_SCHEMA_VERSION}; \
         save the snapshot again with this version",
        env!("CARGO_PKG_VERSION")
    )
}

fn save_snapshot(path: &Path, snap: &Snapshot) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(snap).expect("snapshot serializes");
    text.push('\n');
    std::fs::write(path, text).map_err(|source| CliError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    eprintln!("snapshot saved to {}", path.display());
    Ok(())
}

/// With `--snapshot`, `--source` and `--target` are optional; when given they must name
/// what the snapshot holds, so a CI job cannot check the wrong file by accident.
fn confirm_pair(snap: &Snapshot, args: &CheckArgs) -> Result<(), CliError> {
    let c = &snap.source.cluster;
    if let Some(s) = &args.source {
        if s != &c.db_cluster_identifier && s != &c.db_cluster_arn {
            return Err(CliError::Usage(format!(
                "--source '{s}' does not match the snapshot's source '{}'",
                c.db_cluster_identifier
            )));
        }
    }
    if let Some(t) = &args.target {
        let mut names = vec![snap.target.display_id().to_string()];
        names.extend(snap.target.namespace_arn().map(str::to_string));
        if let TargetSnapshot::Serverless(s) = &snap.target {
            names.extend(s.workgroup.workgroup_arn.clone());
        }
        let cluster_arn_match = matches!(&snap.target, TargetSnapshot::Provisioned(p)
            if t.starts_with("arn:") && t.ends_with(&format!(":cluster:{}", p.cluster.cluster_identifier)));
        if !names.contains(t) && !cluster_arn_match {
            return Err(CliError::Usage(format!(
                "--target '{t}' does not match the snapshot's target '{}'",
                snap.target.display_id()
            )));
        }
    }
    Ok(())
}

fn table_options(show_passes: bool) -> TableOptions {
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

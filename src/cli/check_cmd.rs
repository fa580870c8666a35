//! `zetl-preflight check`: fetch (or load) snapshots, evaluate them, report, gate.

use std::path::Path;

use crate::config::file::{Loaded, Pair};
use crate::fetch::{self, TargetRef};
use crate::model::{
    Identity, Snapshot, TargetSnapshot, SNAPSHOT_SCHEMA_VERSION, SUPPORTED_ENGINES,
};

use crate::fetch::cache::ReadCache;

use super::output::{save_snapshot, Stream};
use super::session::{connect, pairs, parse_pairs, runtime, who_is_acting};
use super::{CheckArgs, CliError, GlobalArgs};

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> Result<bool, CliError> {
    let config = super::load_config(global)?;
    let rules = args.rules.load(&config)?;
    if args.fix.fix {
        return super::fix_cmd::run(global, args, &config, &rules);
    }
    if let Some(path) = args
        .terraform_plan
        .as_ref()
        .or(args.cloudformation.as_ref())
    {
        return super::deployment_cmd::run(global, args, &config, &rules, path);
    }
    let mut out = Stream::new(global, args, &config, &rules, false);
    match &args.snapshot {
        Some(path) => {
            let snap = load_snapshot(path)?;
            confirm_pair(&snap, args)?;
            out.push(&snap, None)?;
        }
        None => {
            let pairs = pairs(args, &config)?;
            if pairs.len() > 1 && args.save_snapshot.is_some() {
                return Err(CliError::Usage(format!(
                    "--save-snapshot writes one pair, but the config file lists {}; pass --source and --target",
                    pairs.len()
                )));
            }
            let data = data_options(global, args, &config)?;
            let mut failed = None;
            // Each snapshot is evaluated and written as it comes, then let go.
            let identity = runtime()?.block_on(fetch_each(
                global,
                &config,
                &pairs,
                data.as_ref(),
                args.concurrency,
                |snap| {
                    let done = match (&args.save_snapshot, snap) {
                        (_, Err(e)) => Err(CliError::from(e)),
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
    out.finish(global, args)
}

/// `--data` and its options; a malformed URL or CA file is bad input (exit 2).
fn data_options(
    global: &GlobalArgs,
    args: &CheckArgs,
    config: &Loaded,
) -> Result<Option<fetch::sql::DataOptions>, CliError> {
    let d = &args.data;
    if !d.data {
        return Ok(None);
    }
    if let Some(url) = &d.database_url {
        fetch::sql::dialect_of(url).map_err(CliError::Usage)?;
    }
    if let Some(ca) = &d.db_ca {
        if !ca.is_file() {
            return Err(CliError::Usage(format!(
                "--db-ca {}: no such file (download the RDS CA bundle, global-bundle.pem)",
                ca.display()
            )));
        }
    }
    Ok(Some(fetch::sql::DataOptions {
        database_url: d.database_url.clone(),
        data_filter: d.data_filter.clone(),
        ca_file: d.db_ca.clone(),
        db_secret: d.db_secret.clone(),
        iam_auth: d.iam_auth,
        db_user: d.db_user.clone(),
        timeout: global
            .timeout
            .or(config.file.timeout)
            .map(std::time::Duration::from_secs),
    }))
}

/// Read every pair (sharing one read cache when there are several), handing each snapshot
/// to `sink` in the pairs' order; returns who was acting.
async fn fetch_each(
    global: &GlobalArgs,
    config: &Loaded,
    pairs: &[Pair],
    data: Option<&fetch::sql::DataOptions>,
    concurrency: usize,
    mut sink: impl FnMut(Result<Snapshot, fetch::FetchError>),
) -> Result<Option<Identity>, CliError> {
    let refs = parse_pairs(pairs)?;
    let sdk = connect(global, config, &refs).await?;
    // Many pairs: client-side rate limiting when AWS throttles, rather than failed reads.
    let run_sdk = if refs.len() > 1 {
        sdk.to_builder()
            .retry_config(crate::run::adaptive(&sdk))
            .build()
    } else {
        sdk.clone()
    };
    tracing::info!(pairs = refs.len(), "fetching");
    let clients = std::sync::Arc::new(crate::run::SdkClients::new(run_sdk));
    let cache = (refs.len() > 1).then(|| std::sync::Arc::new(ReadCache::default()));
    let bar = (refs.len() > 1).then(|| crate::progress::Bar::new("pairs read"));
    let _spinner = match refs.as_slice() {
        [(s, t)] => Some(crate::progress::Progress::start(format!(
            "reading {} and {}",
            s.identifier,
            target_label(t)
        ))),
        _ => None,
    };
    let total = refs.len();
    // Who is acting is read alongside the pairs, not before them.
    let (identity, ()) = tokio::join!(
        who_is_acting(&sdk),
        crate::run::each_snapshot(cache, clients, &refs, concurrency, data, |i, snap| {
            sink(snap);
            if let Some(b) = &bar {
                b.update(i + 1, total);
            }
        })
    );
    tracing::info!(pairs = total, "read");
    Ok(identity)
}

fn target_label(t: &TargetRef) -> String {
    match t {
        TargetRef::Name(n) => n.clone(),
        TargetRef::ClusterArn { id, .. } => id.clone(),
        TargetRef::ProvisionedNamespace(a)
        | TargetRef::ServerlessNamespace(a)
        | TargetRef::ServerlessWorkgroup(a) => a.to_string(),
    }
}

fn load_snapshot(path: &Path) -> Result<Snapshot, CliError> {
    let bad = |message: String| CliError::Snapshot {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    match serde_json::from_str::<Snapshot>(&text) {
        Ok(snap)
            if snap.schema_version == SNAPSHOT_SCHEMA_VERSION
                && !SUPPORTED_ENGINES.contains(&snap.source.cluster.engine.as_str()) =>
        {
            Err(bad(format!(
                "its source {} runs engine '{}', which no rule covers; zetl-preflight checks {} clusters",
                snap.source.cluster.db_cluster_identifier,
                snap.source.cluster.engine,
                SUPPORTED_ENGINES.join(" and ")
            )))
        }
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

//! `zetl-preflight check`: fetch (or load) snapshots, evaluate them, report, gate.

use std::io::{IsTerminal, Write};
use std::path::Path;

use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_types::error::display::DisplayErrorContext;

use crate::config::file::{Loaded, Pair};
use crate::config::suppress;
use crate::fetch::{self, AwsOptions, SourceClients, SourceRef, TargetClients, TargetRef};
use crate::model::{
    Identity, Snapshot, TargetSnapshot, SNAPSHOT_SCHEMA_VERSION, SUPPORTED_ENGINES,
};
use crate::report::{self, table::TableOptions, Document, Gate, Report};

use super::{CheckArgs, CliError, GlobalArgs};

pub fn run(global: &GlobalArgs, args: &CheckArgs) -> Result<bool, CliError> {
    let config = super::load_config(global)?;
    let rules = args.rules.load(&config)?;
    if args.fix.fix {
        return super::fix_cmd::run(global, args, &config, &rules);
    }
    let mut identity = None;
    let snapshots = match &args.snapshot {
        Some(path) => {
            let snap = load_snapshot(path)?;
            confirm_pair(&snap, args)?;
            vec![snap]
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
            let (snaps, who) = runtime()?.block_on(fetch_all(
                global,
                &config,
                &pairs,
                data.as_ref(),
                args.concurrency,
            ))?;
            identity = who;
            if let (Some(path), [snap]) = (&args.save_snapshot, snaps.as_slice()) {
                save_snapshot(path, snap, global.quiet)?;
            }
            snaps
        }
    };
    let mut doc = document(&snapshots, &rules, &config, args);
    doc.identity = identity;
    output(global, args, &doc)?;
    Ok(doc.fails())
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

/// Evaluate snapshots into a document: findings, suppressions, gate.
pub(super) fn document(
    snapshots: &[Snapshot],
    rules: &crate::rules::RuleSet,
    config: &Loaded,
    args: &CheckArgs,
) -> Document {
    let mut reports: Vec<Report> = snapshots
        .iter()
        .map(|s| Report::new(s, crate::rules::evaluate(s, rules)))
        .collect();
    let notes = suppress::apply(
        reports.iter_mut().flat_map(|r| r.findings.iter_mut()),
        &config.file.suppressions,
        &suppress::today(),
    );
    let mut doc = Document::new(reports, rules);
    doc.suppressions = notes;
    doc.gate = Gate {
        fail_on: args.report.fail_on.unwrap_or_default(),
        allow_unverified: args.report.allow_unverified,
    };
    doc.artifact = artifact(config);
    doc
}

/// Print the document, or write it to `--output` with a summary on stderr.
pub(super) fn output(
    global: &GlobalArgs,
    args: &CheckArgs,
    doc: &Document,
) -> Result<(), CliError> {
    match &args.report.output {
        Some(path) => {
            let plain = TableOptions {
                show_passes: args.report.show_passes,
                ..TableOptions::plain()
            };
            let text = report::render(doc, global.format, &plain);
            std::fs::write(path, text).map_err(|source| CliError::Write {
                path: path.to_path_buf(),
                source,
            })?;
            let color = std::io::stderr().is_terminal() && !super::no_color();
            for r in &doc.reports {
                eprintln!("{}", report::table::summary_line(r, color));
            }
            if !global.quiet {
                eprintln!("report written to {}", path.display());
            }
        }
        None if global.quiet && global.format == report::Format::Table => {
            let tty = std::io::stdout().is_terminal() && !super::no_color();
            emit(&report::table::render_quiet(doc, tty))
        }
        None => emit(&report::render(
            doc,
            global.format,
            &table_options(args.report.show_passes),
        )),
    }
    Ok(())
}

/// What SARIF and GitHub annotations point at: the config file, relative to here.
pub(super) fn artifact(config: &Loaded) -> String {
    let Some(path) = &config.path else {
        return crate::config::FILE_NAME.to_string();
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// The pairs to check: `--source`/`--target`, else the config file's `[[pair]]`s.
pub(super) fn pairs(args: &CheckArgs, config: &Loaded) -> Result<Vec<Pair>, CliError> {
    match (&args.source, &args.target) {
        (Some(s), Some(t)) => Ok(vec![Pair {
            source: s.clone(),
            target: t.clone(),
        }]),
        (None, None) if !config.file.pairs.is_empty() => Ok(config.file.pairs.clone()),
        (Some(_), None) | (None, Some(_)) => Err(CliError::Usage(
            "give both --source and --target (or neither, to check the config file's pairs)".into(),
        )),
        (None, None) => Err(CliError::Usage(
            "check needs --source CLUSTER and --target TARGET, a [[pair]] in zetl-preflight.toml, \
             or --snapshot FILE to check a saved snapshot"
                .into(),
        )),
    }
}

pub(super) fn runtime() -> Result<tokio::runtime::Runtime, CliError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| CliError::Aws(format!("cannot start the async runtime: {e}")))
}

/// Load the AWS configuration (command line over config file over the standard chain) and
/// make sure a Region and credentials are there before any call.
pub(super) async fn connect(
    global: &GlobalArgs,
    config: &Loaded,
    refs: &[(SourceRef, TargetRef)],
) -> Result<aws_config::SdkConfig, CliError> {
    let opts = AwsOptions {
        region: global.region.clone().or_else(|| config.file.region.clone()),
        profile: global
            .profile
            .clone()
            .or_else(|| config.file.profile.clone()),
        endpoint_url: global
            .endpoint_url
            .clone()
            .or_else(|| config.file.endpoint_url.clone()),
        timeout: global.timeout.or(config.file.timeout),
    };
    let sdk = fetch::clients::load(&opts).await.map_err(CliError::Aws)?;
    let arns_name_regions = refs
        .iter()
        .all(|(s, t)| s.region.is_some() && t.region().is_some());
    if sdk.region().is_none() && !arns_name_regions {
        return Err(CliError::Usage(
            "no AWS Region: pass --region, set AWS_REGION, set a region in the profile or in \
             zetl-preflight.toml (or give --source and --target as ARNs)"
                .into(),
        ));
    }
    check_credentials(&sdk).await?;
    Ok(sdk)
}

pub(super) fn parse_pairs(pairs: &[Pair]) -> Result<Vec<(SourceRef, TargetRef)>, CliError> {
    pairs
        .iter()
        .map(|p| Ok((SourceRef::parse(&p.source)?, TargetRef::parse(&p.target)?)))
        .collect()
}

/// Clients for one pair, each in its ARN's Region when the ARN names one.
pub(super) fn clients(
    sdk: &aws_config::SdkConfig,
    source: &SourceRef,
    target: &TargetRef,
) -> (SourceClients, TargetClients) {
    (
        SourceClients::new(sdk, source.region.as_deref()),
        TargetClients::new(sdk, target.region().as_deref()),
    )
}

async fn fetch_all(
    global: &GlobalArgs,
    config: &Loaded,
    pairs: &[Pair],
    data: Option<&fetch::sql::DataOptions>,
    concurrency: usize,
) -> Result<(Vec<Snapshot>, Option<Identity>), CliError> {
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
    let what = match refs.as_slice() {
        [(s, t)] => format!("reading {} and {}", s.identifier, target_label(t)),
        many => format!("reading {} pairs", many.len()),
    };
    tracing::info!(pairs = refs.len(), "fetching");
    // Who is acting is read alongside the pairs, not before them.
    let clients = std::sync::Arc::new(crate::run::SdkClients(run_sdk));
    let cache = (refs.len() > 1).then(|| std::sync::Arc::new(fetch::cache::ReadCache::default()));
    let (identity, results) = if refs.len() > 1 {
        let bar = crate::progress::Bar::new("pairs read");
        let on_progress = |done: usize, total: usize| bar.update(done, total);
        tokio::join!(
            who_is_acting(&sdk),
            crate::run::snapshots_in(cache, clients, &refs, concurrency, data, Some(&on_progress))
        )
    } else {
        let _progress = crate::progress::Progress::start(what);
        tokio::join!(
            who_is_acting(&sdk),
            crate::run::snapshots_in(None, clients, &refs, concurrency, data, None)
        )
    };
    let snaps = results.into_iter().collect::<Result<Vec<_>, _>>()?;
    tracing::info!(pairs = snaps.len(), "read");
    Ok((snaps, identity))
}

/// The caller's identity, logged with -v; `None` when it cannot be read.
pub(super) async fn who_is_acting(sdk: &aws_config::SdkConfig) -> Option<Identity> {
    let id = fetch::clients::identity(sdk).await;
    match &id {
        Some(i) => tracing::info!("acting as {}", i.describe()),
        None => tracing::info!("sts:GetCallerIdentity failed: the identity is not shown"),
    }
    id
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

async fn check_credentials(sdk: &aws_config::SdkConfig) -> Result<(), CliError> {
    let provider = sdk
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
    Ok(())
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

pub(super) fn save_snapshot(path: &Path, snap: &Snapshot, quiet: bool) -> Result<(), CliError> {
    let mut text = serde_json::to_string_pretty(snap).expect("snapshot serializes");
    text.push('\n');
    std::fs::write(path, text).map_err(|source| CliError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    if !quiet {
        eprintln!("snapshot saved to {}", path.display());
    }
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

pub(super) fn table_options(show_passes: bool) -> TableOptions {
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

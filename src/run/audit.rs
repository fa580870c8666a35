//! `audit`: find every zero-ETL integration in the chosen Regions (RDS DescribeIntegrations,
//! all pages), and turn each into a pair to check like any other.

use std::sync::Arc;

use crate::fetch::cache::ReadCache;
use crate::fetch::{source, SourceClients, SourceRef, TargetRef};
use crate::model::{CallError, Fact, Integration, Snapshot};

use super::Clients;

/// One integration found, and the pair it is, when the tool can check that pair.
#[derive(Debug, Clone)]
pub struct Found {
    pub region: String,
    pub integration: Integration,
    /// `Err`: why this integration is listed but not checked (an RDS or non-Redshift end).
    pub pair: Result<(SourceRef, TargetRef), String>,
    /// `--candidates`: a cluster without an integration, checked against a chosen target.
    pub candidate: bool,
}

/// Inbound integrations (Redshift side) that the RDS list of this account does not have:
/// their source is in another account.
async fn inbound_elsewhere<C: Clients>(
    clients: &C,
    region: &str,
    known: &[Integration],
) -> Result<Vec<String>, CallError> {
    let t = clients.targets_in_region(region);
    let all = t
        .redshift
        .describe_inbound_integrations()
        .into_paginator()
        .items()
        .send()
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| {
            crate::fetch::error::call_error(crate::fetch::calls::DESCRIBE_INBOUND_INTEGRATIONS, e)
        })?;
    Ok(all
        .iter()
        .filter(|i| {
            !known
                .iter()
                .any(|k| k.integration_arn.as_deref() == i.integration_arn())
        })
        .map(|i| {
            format!(
                "inbound integration {} from {} into {} ({}) has its source in another account: audit that account with --role-arn",
                i.integration_arn().unwrap_or("?"),
                i.source_arn().unwrap_or("?"),
                i.target_arn().unwrap_or("?"),
                i.status().map(|s| s.as_str()).unwrap_or("?")
            )
        })
        .collect())
}

/// List the integrations of every Region; the lists also seed `cache`, so checking the
/// pairs does not list them again. Returns what was found, notes on what is not checked, and
/// what could not be listed.
pub async fn discover<C: Clients>(
    clients: &C,
    regions: &[String],
    cache: &Arc<ReadCache>,
) -> Result<(Vec<Found>, Vec<String>, Vec<String>), CallError> {
    let mut found = Vec::new();
    let mut notes = Vec::new();
    let mut unverified = Vec::new();
    for region in regions {
        let rds: SourceClients = clients.in_region(region);
        let list = source::integrations(&rds).await;
        let list = match list {
            Fact::Ok(l) => l,
            Fact::Error(e) => return Err(e),
        };
        let seeded = Fact::Ok(list.clone());
        cache.integrations.get(region, || async { seeded }).await;
        match inbound_elsewhere(clients, region, &list).await {
            Ok(n) => notes.extend(n),
            Err(e) => unverified.push(format!(
                "inbound integrations in {region} were not listed: {}",
                e.describe()
            )),
        }
        for i in list.iter() {
            let pair = match (
                SourceRef::parse(&i.source_arn),
                TargetRef::parse(&i.target_arn),
            ) {
                (Ok(s), Ok(t)) => Ok((s, t)),
                (Err(e), _) => Err(format!(
                    "its source is not an Aurora DB cluster zetl-preflight checks ({e})"
                )),
                (_, Err(e)) => Err(format!(
                    "its target is not an Amazon Redshift namespace ({e})"
                )),
            };
            found.push(Found {
                region: region.clone(),
                integration: i.clone(),
                pair,
                candidate: false,
            });
        }
    }
    Ok((found, notes, unverified))
}

/// `--candidates TARGET`: every Aurora cluster of the Regions that is the source of no
/// integration, paired with `target`.
async fn candidates<C: Clients>(
    clients: &C,
    regions: &[String],
    cache: &Arc<ReadCache>,
    found: &[Found],
    target: &str,
) -> Result<Vec<Found>, CallError> {
    let target_ref = TargetRef::parse(target)
        .map_err(|e| CallError::new("candidates", Some("BadTarget"), e.to_string()))?;
    let mut out = Vec::new();
    for region in regions {
        let rds = clients.in_region(region);
        let all = cache
            .db_clusters
            .get(region, || source::all_clusters(&rds))
            .await?;
        for c in all {
            let (Some(arn), Some(engine)) = (c.db_cluster_arn(), c.engine()) else {
                continue;
            };
            if !crate::model::SUPPORTED_ENGINES.contains(&engine)
                || found.iter().any(|f| f.integration.source_arn == arn)
            {
                continue;
            }
            let Ok(source_ref) = SourceRef::parse(arn) else {
                continue;
            };
            out.push(Found {
                region: region.clone(),
                integration: Integration {
                    integration_name: None,
                    integration_arn: None,
                    source_arn: arn.to_string(),
                    target_arn: target.to_string(),
                    status: "(not created)".into(),
                    data_filter: None,
                    errors: Vec::new(),
                },
                pair: Ok((source_ref, target_ref.clone())),
                candidate: true,
            });
        }
    }
    Ok(out)
}

/// What an audit found: each checked integration with its snapshot, in discovery order, and
/// what it could not check.
#[derive(Debug)]
pub struct Audited {
    pub checked: Vec<(Found, Snapshot)>,
    /// What is listed but out of scope (an RDS source), and integrations of other accounts.
    pub notes: Vec<String>,
    /// What should have been checked and could not be (a pair whose read failed, a list that
    /// was denied): the audit is incomplete, which is never a pass.
    pub unverified: Vec<String>,
}

/// Discover the integrations of `regions` (and, with `candidates`, the clusters without one,
/// paired with that target) and read every pair, sharing one read cache.
pub async fn audit<C: Clients + 'static>(
    clients: Arc<C>,
    regions: &[String],
    concurrency: usize,
    candidate_target: Option<&str>,
    progress: Option<super::OnProgress<'_>>,
) -> Result<Audited, CallError> {
    let cache = Arc::new(ReadCache::default());
    let (mut found, mut notes, mut unverified) =
        discover(clients.as_ref(), regions, &cache).await?;
    if let Some(target) = candidate_target {
        let more = candidates(clients.as_ref(), regions, &cache, &found, target).await?;
        found.extend(more);
    }
    let name = |f: &Found| {
        format!(
            "integration {} ({})",
            f.integration.integration_name.as_deref().unwrap_or("?"),
            f.integration.status
        )
    };
    let mut todo = Vec::new();
    for f in found {
        match &f.pair {
            Ok(_) => todo.push(f),
            Err(why) => notes.push(format!("{} is not checked: {why}", name(&f))),
        }
    }
    let pairs: Vec<(SourceRef, TargetRef)> = todo
        .iter()
        .filter_map(|f| f.pair.as_ref().ok().cloned())
        .collect();
    let results =
        super::snapshots_in(Some(cache), clients, &pairs, concurrency, None, progress).await;
    let mut checked = Vec::new();
    for (f, r) in todo.into_iter().zip(results) {
        match r {
            Ok(s) => checked.push((f, s)),
            Err(e) => unverified.push(format!("{} could not be checked: {e}", name(&f))),
        }
    }
    Ok(Audited {
        checked,
        notes,
        unverified,
    })
}

/// How `audit --tables` reaches the Redshift side.
#[derive(Debug, Clone)]
pub struct TablesOptions {
    pub database: String,
    pub db_user: Option<String>,
    pub secret_arn: Option<String>,
    pub poll: std::time::Duration,
    pub timeout: std::time::Duration,
}

/// The Redshift-side state of every checked integration, in order, at most `concurrency`
/// at a time.
pub async fn table_states<C: Clients + 'static>(
    clients: Arc<C>,
    checked: &[(Found, Snapshot)],
    opts: &TablesOptions,
    concurrency: usize,
) -> Vec<crate::fetch::redshift_data::TableStates> {
    use crate::fetch::redshift_data::{self, Where};
    let limit = Arc::new(tokio::sync::Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (f, snap)) in checked.iter().enumerate() {
        let at = Where::for_target(
            snap,
            &opts.database,
            opts.db_user.as_deref(),
            opts.secret_arn.as_deref(),
        );
        let client = clients.data_api(snap.target.region());
        let arn = f.integration.integration_arn.clone().unwrap_or_default();
        let (limit, poll, timeout) = (limit.clone(), opts.poll, opts.timeout);
        tasks.spawn(async move {
            let _permit = limit
                .acquire_owned()
                .await
                .expect("the semaphore stays open");
            (
                i,
                redshift_data::read(&client, &at, &arn, poll, timeout).await,
            )
        });
    }
    let mut out: Vec<_> = (0..checked.len()).map(|_| Default::default()).collect();
    while let Some(done) = tasks.join_next().await {
        let (i, states) = done.expect("a table-state read does not panic");
        out[i] = states;
    }
    out
}

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
}

/// List the integrations of every Region; the lists also seed `cache`, so checking the
/// pairs does not list them again.
pub async fn discover<C: Clients>(
    clients: &C,
    regions: &[String],
    cache: &Arc<ReadCache>,
) -> Result<Vec<Found>, CallError> {
    let mut found = Vec::new();
    for region in regions {
        let rds: SourceClients = clients.in_region(region);
        let list = source::integrations(&rds).await;
        let list = match list {
            Fact::Ok(l) => l,
            Fact::Error(e) => return Err(e),
        };
        let seeded = Fact::Ok(list.clone());
        cache.integrations.get(region, || async { seeded }).await;
        for i in list {
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
                integration: i,
                pair,
            });
        }
    }
    Ok(found)
}

/// What an audit found: each checked integration with its snapshot, in discovery order, and
/// what it could not check.
#[derive(Debug)]
pub struct Audited {
    pub checked: Vec<(Found, Snapshot)>,
    pub notes: Vec<String>,
}

/// Discover the integrations of `regions` and read every pair, sharing one read cache.
pub async fn audit<C: Clients + 'static>(
    clients: Arc<C>,
    regions: &[String],
    concurrency: usize,
) -> Result<Audited, CallError> {
    let cache = Arc::new(ReadCache::default());
    let found = discover(clients.as_ref(), regions, &cache).await?;
    let name = |f: &Found| {
        format!(
            "integration {} ({})",
            f.integration.integration_name.as_deref().unwrap_or("?"),
            f.integration.status
        )
    };
    let mut notes = Vec::new();
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
    let results = super::snapshots_in(Some(cache), clients, &pairs, concurrency, None).await;
    let mut checked = Vec::new();
    for (f, r) in todo.into_iter().zip(results) {
        match r {
            Ok(s) => checked.push((f, s)),
            Err(e) => notes.push(format!("{} could not be checked: {e}", name(&f))),
        }
    }
    Ok(Audited { checked, notes })
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

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

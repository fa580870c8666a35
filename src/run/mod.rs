//! The run plan: which pairs, which facts, each read once, with bounded concurrency. `check`
//! (one pair or a config file's many) and `audit` use it; the CLI only parses and prints.
//!
//! A run of several pairs shares one [`ReadCache`]: a parameter group, the engine defaults of a
//! family, a Region's integrations, blue/green deployments and cluster list, a target and its
//! policy are each read once, however many pairs need them. Pairs are fetched concurrently, at
//! most `concurrency` at a time; results come back in the pairs' order whatever the
//! completion order. A single pair reads exactly as before, without a cache.

use std::collections::BTreeMap;
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::fetch::cache::ReadCache;
use crate::fetch::sql::DataOptions;
use crate::fetch::{self, FetchError, SourceClients, SourceRef, TargetClients, TargetRef};
use crate::model::Snapshot;

pub mod audit;

/// The default number of pairs read at once.
pub const DEFAULT_CONCURRENCY: usize = 16;

/// What a run reads with: clients for a pair (per Region), and the AWS configuration for
/// secrets and tokens when `--data` is on.
pub trait Clients: Send + Sync {
    fn for_pair(&self, source: &SourceRef, target: &TargetRef) -> (SourceClients, TargetClients);
    /// RDS clients in `region`, for listing what is there.
    fn in_region(&self, region: &str) -> SourceClients;
    /// Redshift clients in `region`, for listing inbound integrations.
    fn targets_in_region(&self, region: &str) -> TargetClients;
    /// The Redshift Data API in `region` (`audit --tables`).
    fn data_api(&self, region: &str) -> aws_sdk_redshiftdata::Client;
    fn sdk(&self) -> Option<&aws_config::SdkConfig>;
}

/// Clients built from one shared AWS configuration, each in its ARN's Region.
pub struct SdkClients(pub aws_config::SdkConfig);

impl Clients for SdkClients {
    fn for_pair(&self, source: &SourceRef, target: &TargetRef) -> (SourceClients, TargetClients) {
        (
            SourceClients::new(&self.0, source.region.as_deref()),
            TargetClients::new(&self.0, target.region().as_deref()),
        )
    }

    fn in_region(&self, region: &str) -> SourceClients {
        SourceClients::new(&self.0, Some(region))
    }

    fn targets_in_region(&self, region: &str) -> TargetClients {
        TargetClients::new(&self.0, Some(region))
    }

    fn data_api(&self, region: &str) -> aws_sdk_redshiftdata::Client {
        let cfg = self
            .0
            .to_builder()
            .region(aws_config::Region::new(region.to_string()))
            .build();
        aws_sdk_redshiftdata::Client::new(&cfg)
    }

    fn sdk(&self) -> Option<&aws_config::SdkConfig> {
        Some(&self.0)
    }
}

/// The configuration for another account: `sdk` with the credentials of `role_arn`, assumed
/// through STS (refreshed as they expire).
pub async fn assume_role(sdk: &aws_config::SdkConfig, role_arn: &str) -> aws_config::SdkConfig {
    let provider = aws_config::sts::AssumeRoleProvider::builder(role_arn)
        .session_name("zetl-preflight-audit")
        .configure(sdk)
        .build()
        .await;
    sdk.to_builder()
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        )
        .build()
}

/// Client-side rate limiting for fleet reads (so throttling slows the run rather than failing
/// reads), keeping the attempts the configuration asked for (`AWS_MAX_ATTEMPTS`).
pub fn adaptive(sdk: &aws_config::SdkConfig) -> aws_smithy_types::retry::RetryConfig {
    let attempts = sdk.retry_config().map_or(3, |r| r.max_attempts());
    aws_smithy_types::retry::RetryConfig::adaptive().with_max_attempts(attempts)
}

/// Told `(done, total)` as pairs complete (a progress bar).
pub type OnProgress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Read every pair's snapshot, sharing one cache when there are several. One result per
/// pair, in order.
pub async fn snapshots<C: Clients + 'static>(
    clients: Arc<C>,
    pairs: &[(SourceRef, TargetRef)],
    concurrency: usize,
    data: Option<&DataOptions>,
    progress: Option<OnProgress<'_>>,
) -> Vec<Result<Snapshot, FetchError>> {
    let cache = (pairs.len() > 1).then(|| Arc::new(ReadCache::default()));
    snapshots_in(cache, clients, pairs, concurrency, data, progress).await
}

/// As [`snapshots`], sharing `cache` (which may hold facts read already, such as the
/// integrations `audit` listed).
pub async fn snapshots_in<C: Clients + 'static>(
    cache: Option<Arc<ReadCache>>,
    clients: Arc<C>,
    pairs: &[(SourceRef, TargetRef)],
    concurrency: usize,
    data: Option<&DataOptions>,
    progress: Option<OnProgress<'_>>,
) -> Vec<Result<Snapshot, FetchError>> {
    // Where two or more pairs share a Region, list its clusters once (all pages) instead of
    // describing each source on its own.
    if let Some(cache) = &cache {
        let mut per_region: BTreeMap<String, (usize, SourceClients)> = BTreeMap::new();
        for (s, t) in pairs {
            let (src, _) = clients.for_pair(s, t);
            per_region.entry(src.region()).or_insert((0, src)).0 += 1;
        }
        for (region, (n, src)) in per_region {
            if n > 1 {
                let _ = cache
                    .db_clusters
                    .get(&region, || fetch::source::all_clusters(&src))
                    .await;
            }
        }
    }
    let limit = Arc::new(Semaphore::new(concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (source, target)) in pairs.iter().cloned().enumerate() {
        let clients = clients.clone();
        let cache = cache.clone();
        let limit = limit.clone();
        let data = data.cloned();
        tasks.spawn(async move {
            let _permit = limit
                .acquire_owned()
                .await
                .expect("the semaphore stays open");
            let (mut src, mut tgt) = clients.for_pair(&source, &target);
            if let Some(cache) = cache {
                src = src.with_cache(cache.clone());
                tgt = tgt.with_cache(cache);
            }
            let mut snap = fetch::snapshot(&src, &tgt, &source, &target).await;
            if let (Ok(s), Some(opts)) = (&mut snap, &data) {
                fetch::sql::attach(s, opts, clients.sdk()).await;
            }
            (i, snap)
        });
    }
    let mut out: Vec<Option<Result<Snapshot, FetchError>>> =
        (0..pairs.len()).map(|_| None).collect();
    let mut finished = 0;
    while let Some(done) = tasks.join_next().await {
        let (i, snap) = done.expect("a pair's read does not panic");
        out[i] = Some(snap);
        finished += 1;
        if let Some(p) = progress {
            p(finished, pairs.len());
        }
    }
    out.into_iter()
        .map(|s| s.expect("every pair was read"))
        .collect()
}

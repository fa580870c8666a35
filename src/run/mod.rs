//! The application layer: settings resolved once ([`settings`]), and what each command does
//! with them ([`check`], [`fix`], [`audit`], [`deployment`]); the CLI parses and prints.
//!
//! How a run reads: which pairs, which facts, each read once, with bounded concurrency.
//!
//! A run of several pairs shares one [`ReadCache`]: a parameter group, the engine defaults of a
//! family, a Region's integrations, blue/green deployments and cluster list, a target and its
//! policy are each read once, however many pairs need them. Pairs are fetched concurrently, at
//! most `concurrency` at a time; results come back in the pairs' order whatever the
//! completion order. A single pair reads exactly as before, without a cache.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::fetch::cache::ReadCache;
use crate::fetch::sql::DataOptions;
use crate::fetch::{
    self, FetchError, SourceClients, SourceKind, SourceRef, TargetClients, TargetRef,
};
use crate::model::reads::{Optional, Wanted};
use crate::model::Snapshot;

pub mod audit;
pub mod check;
pub mod data_from;
pub mod deployment;
mod error;
pub mod fix;
pub mod judge;
pub mod ordered;
pub mod session;
pub mod settings;
pub mod source_fix;
pub mod tables;
pub mod tags;
pub mod watch;

pub use error::Error;
pub use fetch::health::DEFAULT_WINDOW;

/// The IAM policy that lets the tool make every call it makes (`iam-policy`); `fix`: the
/// calls `--fix` makes too; `data`: those of `--data`.
pub fn iam_policy(fix: bool, data: bool) -> serde_json::Value {
    crate::fetch::calls::iam_policy_with(fix, data)
}
pub use settings::{Given, Settings};

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
    /// KMS in `region` (the integration's key). `None`: no AWS configuration to read with.
    fn kms(&self, _region: &str) -> Option<aws_sdk_kms::Client> {
        None
    }
    /// IAM (the creator's simulated permissions). `None`: no AWS configuration.
    fn iam(&self) -> Option<aws_sdk_iam::Client> {
        None
    }
    /// CloudWatch in `region` (an integration's metrics and alarms). `None`: not read.
    fn cloudwatch(&self, _region: &str) -> Option<aws_sdk_cloudwatch::Client> {
        None
    }
    fn sdk(&self) -> Option<&aws_config::SdkConfig>;
}

/// The client `map` holds for `region`, built by `make` the first time.
fn cached<T: Clone>(
    map: &std::sync::Mutex<BTreeMap<String, T>>,
    region: &str,
    make: impl FnOnce() -> T,
) -> T {
    map.lock()
        .expect("the client map is not poisoned")
        .entry(region.to_string())
        .or_insert_with(make)
        .clone()
}

/// Clients built from one shared AWS configuration, each in its ARN's Region, and built
/// once per Region: a client is cheap to clone but costly to build (its HTTPS connector
/// loads the trusted roots), which a fleet of pairs would otherwise pay per pair.
pub struct SdkClients {
    sdk: aws_config::SdkConfig,
    /// Region ("" for the configuration's own) → its clients.
    built: std::sync::Mutex<BTreeMap<String, (SourceClients, TargetClients)>>,
    data_api: std::sync::Mutex<BTreeMap<String, aws_sdk_redshiftdata::Client>>,
    kms: std::sync::Mutex<BTreeMap<String, aws_sdk_kms::Client>>,
    cloudwatch: std::sync::Mutex<BTreeMap<String, aws_sdk_cloudwatch::Client>>,
    iam: std::sync::OnceLock<aws_sdk_iam::Client>,
    /// The optional reads the run's rules need.
    wanted: Wanted,
}

impl SdkClients {
    pub fn new(sdk: aws_config::SdkConfig) -> SdkClients {
        SdkClients {
            sdk,
            wanted: Wanted::ALL,
            built: Default::default(),
            data_api: Default::default(),
            kms: Default::default(),
            cloudwatch: Default::default(),
            iam: Default::default(),
        }
    }

    /// Leave out the optional reads no selected rule needs.
    pub fn wanting(mut self, wanted: Wanted) -> SdkClients {
        self.wanted = wanted;
        self
    }

    /// The shared configuration in `region`.
    fn in_config_region(&self, region: &str) -> aws_config::SdkConfig {
        self.sdk
            .to_builder()
            .region(aws_config::Region::new(region.to_string()))
            .build()
    }

    fn both(&self, region: Option<&str>) -> (SourceClients, TargetClients) {
        let mut built = self.built.lock().expect("the client map is not poisoned");
        built
            .entry(region.unwrap_or_default().to_string())
            .or_insert_with(|| {
                (
                    SourceClients::new(&self.sdk, region).wanting(self.wanted),
                    TargetClients::new(&self.sdk, region).wanting(self.wanted),
                )
            })
            .clone()
    }
}

impl Clients for SdkClients {
    fn for_pair(&self, source: &SourceRef, target: &TargetRef) -> (SourceClients, TargetClients) {
        (
            self.both(source.region.as_deref()).0,
            self.both(target.region().as_deref()).1,
        )
    }

    fn in_region(&self, region: &str) -> SourceClients {
        self.both(Some(region)).0
    }

    fn targets_in_region(&self, region: &str) -> TargetClients {
        self.both(Some(region)).1
    }

    fn data_api(&self, region: &str) -> aws_sdk_redshiftdata::Client {
        cached(&self.data_api, region, || {
            aws_sdk_redshiftdata::Client::new(&self.in_config_region(region))
        })
    }

    fn kms(&self, region: &str) -> Option<aws_sdk_kms::Client> {
        Some(cached(&self.kms, region, || {
            aws_sdk_kms::Client::new(&self.in_config_region(region))
        }))
    }

    fn cloudwatch(&self, region: &str) -> Option<aws_sdk_cloudwatch::Client> {
        Some(cached(&self.cloudwatch, region, || {
            aws_sdk_cloudwatch::Client::new(&self.in_config_region(region))
        }))
    }

    fn iam(&self) -> Option<aws_sdk_iam::Client> {
        Some(
            self.iam
                .get_or_init(|| aws_sdk_iam::Client::new(&self.sdk))
                .clone(),
        )
    }

    fn sdk(&self) -> Option<&aws_config::SdkConfig> {
        Some(&self.sdk)
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

/// Where two or more pairs share a Region, list its clusters once (all pages) into `cache`
/// instead of describing each source on its own.
pub async fn list_shared_regions<C: Clients>(
    cache: &ReadCache,
    clients: &C,
    pairs: &[(SourceRef, TargetRef)],
) {
    // Region → (pairs looked up as clusters, as DB instances, clients). A plain name is
    // looked up as both.
    let mut per_region: BTreeMap<String, (usize, usize, SourceClients)> = BTreeMap::new();
    for (s, t) in pairs {
        let (src, _) = clients.for_pair(s, t);
        let e = per_region.entry(src.region()).or_insert((0, 0, src));
        e.0 += usize::from(s.kind != SourceKind::Instance);
        e.1 += usize::from(s.kind != SourceKind::Cluster);
    }
    for (region, (clusters, instances, src)) in per_region {
        if !src.wanted.wants(Optional::SourceCluster) {
            continue;
        }
        if clusters > 1 {
            let _ = cache
                .db_clusters
                .get(&region, || fetch::source::all_clusters(&src))
                .await;
        }
        if instances > 1 {
            let _ = cache
                .db_instances
                .get(&region, || fetch::source::all_instances(&src))
                .await;
        }
    }
}

/// With a creator to simulate, ask CreateIntegration for every source whose ARN is known
/// before the reads (given as an ARN, or found in a Region's listing) in batches, rather than
/// once per pair.
async fn simulate_sources_together<C: Clients>(
    cache: &Arc<ReadCache>,
    clients: &C,
    pairs: &[(SourceRef, TargetRef)],
    extras: &Extras,
) {
    let Some((principal, _)) = &extras.creator else {
        return;
    };
    let arns: Vec<String> = pairs
        .iter()
        .filter_map(|(s, t)| known_source_arn(cache, &clients.for_pair(s, t).0.region(), s))
        .collect();
    simulate_together(cache, clients, principal, pairs, &arns).await;
}

/// The creator's CreateIntegration on `sources` in batches (when the creator rules run and
/// there is more than one source), into `cache`.
pub(crate) async fn simulate_together<C: Clients>(
    cache: &Arc<ReadCache>,
    clients: &C,
    principal: &str,
    pairs: &[(SourceRef, TargetRef)],
    sources: &[String],
) {
    let (Some(iam), Some((s, t))) = (clients.iam(), pairs.first()) else {
        return;
    };
    if sources.len() < 2 || !clients.for_pair(s, t).0.wanted.wants(Optional::Creator) {
        return;
    }
    fetch::creator::prefill(cache, &iam, principal, sources).await;
}

/// A source's ARN without reading it: as given, or as the Region's listing has it.
fn known_source_arn(cache: &ReadCache, region: &str, s: &SourceRef) -> Option<String> {
    if s.identifier.starts_with("arn:") {
        return Some(s.identifier.clone());
    }
    let id = Some(s.identifier.as_str());
    let cluster = cache.db_clusters.peek(region).and_then(|l| {
        l.ok()?
            .iter()
            .find(|c| c.db_cluster_identifier() == id)
            .and_then(|c| c.db_cluster_arn().map(str::to_string))
    });
    cluster.or_else(|| {
        cache.db_instances.peek(region).and_then(|l| {
            l.ok()?
                .iter()
                .find(|i| i.db_instance_identifier() == id)
                .and_then(|i| i.db_instance_arn().map(str::to_string))
        })
    })
}

/// What a pair's read takes beyond the pair: the catalog (`--data`), the KMS keys and the
/// creator.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    pub data: Option<DataOptions>,
    /// Each pair's KMS key (`--kms-key`, a config pair's `kms_key`), in the pairs' order;
    /// a pair without one (or beyond the list) uses its existing integration's.
    pub keys: Vec<Option<fetch::kms::KeyChoice>>,
    /// The principal whose permissions are simulated, and where it came from.
    pub creator: Option<(String, String)>,
    /// Without one: why the acting principal is not known (the creator rules say so).
    pub creator_unknown: Option<crate::model::CallError>,
    /// When the run reads (seconds since the epoch) and how far back the metrics go: one
    /// moment for every pair, so a fleet's Region is read once. `None`: the default window
    /// ending when the pair is read.
    pub health: Option<(i64, u64)>,
    /// `check --tables`: an existing integration's Redshift-side table states.
    pub tables: Option<tables::TablesOptions>,
    /// `check --fix`: the tags that say whether code owns what it may change, where the
    /// describe call does not carry them (a Serverless workgroup's, a KMS key's).
    pub owner_tags: bool,
}

/// The moment a run's health facts are read at: now, and `window` seconds back from it.
pub fn health_moment(window: u64) -> (i64, u64) {
    (crate::model::clock::epoch_now(), window)
}

/// Read one pair, through `cache` when there is one, with its catalog when `extras.data`
/// asks, and its integration's KMS key (`key`, else the existing integration's) when it has one.
pub async fn read_pair<C: Clients>(
    clients: &C,
    cache: Option<Arc<ReadCache>>,
    (source, target): (&SourceRef, &TargetRef),
    key: Option<&fetch::kms::KeyChoice>,
    extras: &Extras,
) -> Result<Snapshot, FetchError> {
    let (mut src, mut tgt) = clients.for_pair(source, target);
    if let Some(cache) = &cache {
        src = src.with_cache(cache.clone());
        tgt = tgt.with_cache(cache.clone());
    }
    let mut snap = fetch::snapshot(&src, &tgt, source, target).await;
    if let Ok(s) = &mut snap {
        if let Some(opts) = &extras.data {
            fetch::sql::attach(s, opts, clients.sdk()).await;
        }
        let kms = || clients.kms(&src.region());
        fetch::kms::attach(s, key, kms, src.wanted, cache.as_ref()).await;
        fetch::dynamodb::attach_key(s, kms, src.wanted, cache.as_ref()).await;
        let iam = clients.iam();
        let creator = extras.creator.as_ref();
        fetch::creator::attach(s, creator, iam.as_ref(), src.wanted, cache.as_ref()).await;
        if creator.is_none() && src.wanted.wants(Optional::Creator) {
            s.creator_unknown = extras.creator_unknown.clone();
        }
        let moment = extras
            .health
            .unwrap_or_else(|| health_moment(fetch::health::DEFAULT_WINDOW));
        let cw = || clients.cloudwatch(tgt.region().as_str());
        fetch::health::attach(s, cw, src.wanted, cache.as_ref(), moment).await;
        if let Some(opts) = &extras.tables {
            tables::attach(clients, s, opts).await;
        }
        if extras.owner_tags {
            tags::attach_workgroup_tags(s, &tgt).await;
            tags::attach_table_tags(s, &src).await;
            tags::attach_key_tags(s, clients.kms(&src.region()).as_ref()).await;
        }
    }
    snap
}

/// Read every pair, sharing `cache` (which may hold facts read already, such as the
/// integrations `audit` listed), at most `concurrency` at a time; `sink(i, snapshot)` gets
/// them in the pairs' order as they come, so a caller can evaluate and emit each and let it
/// go: memory stays flat in the number of pairs.
pub async fn each_snapshot<C: Clients + 'static>(
    cache: Option<Arc<ReadCache>>,
    clients: Arc<C>,
    pairs: &[(SourceRef, TargetRef)],
    concurrency: usize,
    extras: &Extras,
    sink: impl FnMut(usize, Result<Snapshot, FetchError>),
) {
    if let Some(cache) = &cache {
        list_shared_regions(cache, clients.as_ref(), pairs).await;
        simulate_sources_together(cache, clients.as_ref(), pairs, extras).await;
    }
    let pairs: Arc<[(SourceRef, TargetRef)]> = pairs.into();
    let extras = Arc::new(extras.clone());
    let task = |i: usize| {
        let (clients, cache, pairs, extras) = (
            clients.clone(),
            cache.clone(),
            pairs.clone(),
            extras.clone(),
        );
        async move {
            let (source, target) = &pairs[i];
            let key = extras.keys.get(i).and_then(Option::as_ref);
            read_pair(clients.as_ref(), cache, (source, target), key, &extras).await
        }
    };
    ordered::ordered(pairs.len(), concurrency, task, sink).await;
}

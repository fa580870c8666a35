//! Facts read once per run. A fleet run (many pairs, `audit`) shares one [`ReadCache`]
//! between its pairs, so a parameter group that 200 clusters use is read once, and two pairs
//! asking at the same time wait for the same call. A single check and `--fix` read without a
//! cache: `--fix` must see what the changes did.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

use crate::model::snapshot::Integrations;
use crate::model::Parameters;
use crate::model::{
    BlueGreenDeployment, CallError, EngineDefaults, Fact, GlobalCluster, KeyDescription, Namespace,
    ParameterGroup, Simulated,
};

/// One value per key, computed once; concurrent askers wait for the first.
pub struct Memo<V> {
    cells: Mutex<HashMap<String, Arc<OnceCell<V>>>>,
}

impl<V> Default for Memo<V> {
    fn default() -> Self {
        Memo {
            cells: Mutex::new(HashMap::new()),
        }
    }
}

impl<V: Clone> Memo<V> {
    pub async fn get<F, Fut>(&self, key: &str, compute: F) -> V
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = V>,
    {
        let cell = {
            let mut cells = self.cells.lock().expect("the cache lock is not poisoned");
            cells.entry(key.to_string()).or_default().clone()
        };
        cell.get_or_init(compute).await.clone()
    }

    /// The value, if it was computed already.
    pub fn peek(&self, key: &str) -> Option<V> {
        let cells = self.cells.lock().expect("the cache lock is not poisoned");
        cells.get(key).and_then(|c| c.get().cloned())
    }
}

type Params = Result<(bool, Parameters), CallError>;

/// What is read of a KMS key: its description and its key policy.
pub type KeyFacts = (Fact<KeyDescription>, Fact<String>);

/// Every metric of every integration of a Region, by integration id.
pub type RegionMetrics =
    Fact<Arc<std::collections::BTreeMap<String, crate::model::health::Metrics>>>;
/// What each alarm of a Region watches: (alarm name, metric name, integration id).
pub type Watches = Fact<Arc<Vec<(String, String, String)>>>;

/// A Region's whole list, shared (not copied) by every pair that looks in it.
pub type Listed<T> = Result<Arc<Vec<T>>, CallError>;

/// Every fact a check reads, keyed by Region and identifier.
#[derive(Default)]
pub struct ReadCache {
    /// Region → every DB cluster (one paged DescribeDBClusters).
    pub db_clusters: Memo<Listed<aws_sdk_rds::types::DbCluster>>,
    /// Region → every DB instance (one paged DescribeDBInstances): RDS sources and
    /// `--candidates`.
    pub db_instances: Memo<Listed<aws_sdk_rds::types::DbInstance>>,
    pub group_families: Memo<String>,
    pub group_parameters: Memo<Params>,
    pub engine_defaults: Memo<Result<EngineDefaults, CallError>>,
    pub global_clusters: Memo<Option<Result<GlobalCluster, CallError>>>,
    /// Region → every blue/green deployment.
    pub blue_green: Memo<Listed<BlueGreenDeployment>>,
    /// Region → every integration (RDS's); `redshift\nRegion` → Redshift's (DynamoDB tables).
    pub integrations: Memo<Fact<Integrations>>,
    pub redshift_clusters: Memo<Result<Option<aws_sdk_redshift::types::Cluster>, CallError>>,
    pub workgroups: Memo<Result<Option<aws_sdk_redshiftserverless::types::Workgroup>, CallError>>,
    pub cluster_parameters: Memo<Result<ParameterGroup, CallError>>,
    pub namespaces: Memo<Fact<Namespace>>,
    pub resource_policies: Memo<Result<Option<String>, CallError>>,
    /// Region → every provisioned cluster, Serverless namespace and workgroup (to resolve
    /// namespace ARNs, as `audit`'s integrations name their targets).
    pub redshift_cluster_list: Memo<Listed<aws_sdk_redshift::types::Cluster>>,
    pub namespace_list: Memo<Listed<aws_sdk_redshiftserverless::types::Namespace>>,
    pub workgroup_list: Memo<Listed<aws_sdk_redshiftserverless::types::Workgroup>>,
    /// The creator's simulations, keyed by principal, actions, resources and context: the
    /// namespace's and the key's are asked once, and a fleet's sources in batches
    /// ([`crate::fetch::creator::prefill`]).
    pub simulations: Memo<Result<Vec<Simulated>, CallError>>,
    /// A KMS key's description and policy, by Region and the key as named.
    pub kms_keys: Memo<KeyFacts>,
    /// Region (and window) → every integration's metrics there, read in batches.
    pub health_metrics: Memo<RegionMetrics>,
    /// Region → what each of its metric alarms watches.
    pub alarm_watches: Memo<Watches>,
}

impl std::fmt::Debug for ReadCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ReadCache")
    }
}

/// `compute()` through `pick(cache)` under `key`, or directly without a cache.
pub async fn memo<V, F, Fut>(
    cache: Option<&Arc<ReadCache>>,
    pick: impl FnOnce(&ReadCache) -> &Memo<V>,
    key: String,
    compute: F,
) -> V
where
    V: Clone,
    F: FnOnce() -> Fut,
    Fut: Future<Output = V>,
{
    match cache {
        Some(c) => pick(c).get(&key, compute).await,
        None => compute().await,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test]
    async fn concurrent_askers_share_one_computation() {
        let memo: Memo<u32> = Memo::default();
        let calls = AtomicUsize::new(0);
        let ask = || {
            memo.get("k", || async {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::task::yield_now().await;
                7
            })
        };
        let (a, b, c) = tokio::join!(ask(), ask(), ask());
        assert_eq!((a, b, c), (7, 7, 7));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(memo.peek("k"), Some(7));
        assert_eq!(memo.peek("other"), None);
    }
}

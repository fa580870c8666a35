//! An existing integration's health: its CloudWatch metrics over a window and the alarms that
//! watch them. Read once per Region for every integration there (a fleet shares the answer
//! through [`ReadCache`]): `ListMetrics` finds the namespace Redshift publishes
//! `IntegrationLag` in, `GetMetricData` reads every integration's five metrics in batches of
//! [`QUERIES`] queries (every page), `DescribeAlarms` lists the Region's alarms (every page).
//! A failed read is the fact's error, never healthy; a metric without datapoints is an empty
//! series, never zero.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use aws_sdk_cloudwatch::types::{
    AlarmType, Dimension, Metric, MetricAlarm, MetricDataQuery, MetricStat,
};

use crate::model::health::{
    self, Alarms, Health, Metrics, Point, DIMENSION, LAG, METRICS, TABLES_FAILED,
};
use crate::model::reads::{Optional, Wanted};
use crate::model::{CallError, Fact, Integration, Snapshot};

use super::cache::{memo, ReadCache, RegionMetrics, Watches};
use super::calls::{DESCRIBE_ALARMS, GET_METRIC_DATA, LIST_METRICS};
use super::error::all_pages;

/// The most queries one GetMetricData call takes.
pub const QUERIES: usize = 500;
/// The default window, in seconds.
pub const DEFAULT_WINDOW: u64 = 900;
/// Where Redshift's metrics are published when `ListMetrics` names no other namespace
/// (the namespace of the Redshift metrics listing; the integration metrics' page does not
/// name one).
pub const DEFAULT_NAMESPACE: &str = "AWS/Redshift";
/// One datapoint a minute: the metrics' documented update frequency.
const PERIOD: i32 = 60;

/// Give `snap` the health of the existing integration between its pair, when there is one
/// and the health rules run. `now`: seconds since the epoch; `window`: how far back.
pub async fn attach(
    snap: &mut Snapshot,
    client: impl FnOnce() -> Option<aws_sdk_cloudwatch::Client>,
    wanted: Wanted,
    cache: Option<&Arc<ReadCache>>,
    (now, window): (i64, u64),
) {
    if !wanted.wants(Optional::Health) {
        return;
    }
    let Fact::Ok(list) = &snap.integrations else {
        return;
    };
    let Some(existing) = crate::rules::checks::integrations::between(snap) else {
        return;
    };
    // The client is made only for a pair that has an integration to read.
    let Some(client) = client() else { return };
    let client = &client;
    let Some(arn) = existing.integration_arn.clone() else {
        return;
    };
    let region = snap.target.region().to_string();
    // With a cache (a fleet), every integration of the Region at once; alone, just this one.
    let ids: Vec<String> = match cache {
        Some(_) => listed_ids(list),
        None => vec![health::id_of(&arn).to_string()],
    };
    let key = format!("{region}\n{now}\n{window}\n{}", ids.join(","));
    let metrics = memo(
        cache,
        |c| &c.health_metrics,
        key,
        || read_metrics(client, &ids, (now, window)),
    )
    .await;
    let watches = memo(
        cache,
        |c| &c.alarm_watches,
        region.clone(),
        || read_alarms(client),
    )
    .await;
    let id = health::id_of(&arn).to_string();
    snap.health = Some(Health {
        integration_arn: arn,
        status: existing.status.clone(),
        read_at: now,
        window,
        metrics: match metrics {
            Fact::Ok(all) => Fact::Ok(all.get(&id).cloned().unwrap_or_default()),
            Fact::Error(e) => Fact::Error(e),
        },
        alarms: match watches {
            Fact::Ok(all) => Fact::Ok(alarms_of(&all, &id)),
            Fact::Error(e) => Fact::Error(e),
        },
        tables: None,
    });
}

/// The ids of a Region's integrations, sorted: the same list (and cache key) for every pair.
fn listed_ids(list: &[Integration]) -> Vec<String> {
    let ids: BTreeSet<String> = list
        .iter()
        .filter_map(|i| i.integration_arn.as_deref())
        .map(|a| health::id_of(a).to_string())
        .collect();
    ids.into_iter().collect()
}

/// The alarms among `all` that watch integration `id`.
fn alarms_of(all: &[(String, String, String)], id: &str) -> Alarms {
    let mut out = Alarms::default();
    for (alarm, metric, watched) in all {
        if watched != id {
            continue;
        }
        let list = match metric.as_str() {
            LAG => &mut out.lag,
            TABLES_FAILED => &mut out.failed_tables,
            _ => continue,
        };
        if !list.contains(alarm) {
            list.push(alarm.clone());
        }
    }
    out
}

/// The namespace the integration metrics are in: what `ListMetrics` names for
/// `IntegrationLag` (every page), else [`DEFAULT_NAMESPACE`].
async fn namespace(client: &aws_sdk_cloudwatch::Client) -> Result<String, CallError> {
    let pages = all_pages(
        client
            .list_metrics()
            .metric_name(LAG)
            .into_paginator()
            .send(),
        LIST_METRICS,
    )
    .await?;
    let found: BTreeSet<String> = pages
        .iter()
        .flat_map(|p| p.metrics())
        .filter_map(|m| m.namespace().map(str::to_string))
        .collect();
    Ok(if found.contains(DEFAULT_NAMESPACE) || found.is_empty() {
        DEFAULT_NAMESPACE.to_string()
    } else {
        found.into_iter().next().expect("not empty")
    })
}

fn query(id: String, namespace: &str, metric: &str, integration: &str) -> MetricDataQuery {
    let dimension = Dimension::builder()
        .name(DIMENSION)
        .value(integration)
        .build();
    let metric = Metric::builder()
        .namespace(namespace)
        .metric_name(metric)
        .dimensions(dimension)
        .build();
    let stat = MetricStat::builder()
        .metric(metric)
        .period(PERIOD)
        .stat("Maximum")
        .build();
    MetricDataQuery::builder()
        .id(id)
        .metric_stat(stat)
        .return_data(true)
        .build()
}

/// Every metric of every integration in `ids`, over `[now - window, now]`.
pub async fn read_metrics(
    client: &aws_sdk_cloudwatch::Client,
    ids: &[String],
    (now, window): (i64, u64),
) -> RegionMetrics {
    match read_metrics_inner(client, ids, (now, window)).await {
        Ok(m) => Fact::Ok(Arc::new(m)),
        Err(e) => Fact::Error(e),
    }
}

async fn read_metrics_inner(
    client: &aws_sdk_cloudwatch::Client,
    ids: &[String],
    (now, window): (i64, u64),
) -> Result<BTreeMap<String, Metrics>, CallError> {
    let namespace = namespace(client).await?;
    let start = aws_smithy_types::DateTime::from_secs(now - window as i64);
    let end = aws_smithy_types::DateTime::from_secs(now);
    // Query ids: `q<integration>_<metric>` by position, as GetMetricData wants them.
    let mut asked: Vec<(String, String, &str)> = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        for (k, metric) in METRICS.iter().enumerate() {
            asked.push((format!("q{i}_{k}"), id.clone(), metric));
        }
    }
    let mut out: BTreeMap<String, Metrics> = ids
        .iter()
        .map(|id| {
            let series = METRICS
                .iter()
                .map(|m| (m.to_string(), Vec::new()))
                .collect();
            (
                id.clone(),
                Metrics {
                    namespace: namespace.clone(),
                    series,
                },
            )
        })
        .collect();
    let by_query: BTreeMap<&str, (&str, &str)> = asked
        .iter()
        .map(|(q, id, m)| (q.as_str(), (id.as_str(), *m)))
        .collect();
    for chunk in asked.chunks(QUERIES) {
        let queries = chunk
            .iter()
            .map(|(q, id, m)| query(q.clone(), &namespace, m, id))
            .collect();
        let pages = all_pages(
            client
                .get_metric_data()
                .set_metric_data_queries(Some(queries))
                .start_time(start)
                .end_time(end)
                .into_paginator()
                .send(),
            GET_METRIC_DATA,
        )
        .await?;
        for result in pages.iter().flat_map(|p| p.metric_data_results()) {
            let Some((id, metric)) = result.id().and_then(|q| by_query.get(q)) else {
                continue;
            };
            let points = out
                .get_mut(*id)
                .and_then(|m| m.series.get_mut(*metric))
                .expect("every asked query has its series");
            for (at, value) in result.timestamps().iter().zip(result.values()) {
                points.push(Point {
                    at: at.secs(),
                    value: *value,
                });
            }
        }
    }
    for m in out.values_mut() {
        for points in m.series.values_mut() {
            points.sort_by_key(|p| p.at);
        }
    }
    Ok(out)
}

/// Every metric alarm of the Region (every page), as what it watches: an alarm on one metric,
/// or a metric-math alarm on each metric its expression reads.
pub async fn read_alarms(client: &aws_sdk_cloudwatch::Client) -> Watches {
    let pages = all_pages(
        client
            .describe_alarms()
            .alarm_types(AlarmType::MetricAlarm)
            .into_paginator()
            .send(),
        DESCRIBE_ALARMS,
    )
    .await;
    match pages {
        Ok(pages) => Fact::Ok(Arc::new(
            pages
                .iter()
                .flat_map(|p| p.metric_alarms())
                .flat_map(watches)
                .collect(),
        )),
        Err(e) => Fact::Error(e),
    }
}

fn integration_of(dimensions: &[Dimension]) -> Option<String> {
    dimensions
        .iter()
        .find(|d| d.name() == Some(DIMENSION))
        .and_then(|d| d.value().map(str::to_string))
}

fn watches(a: &MetricAlarm) -> Vec<(String, String, String)> {
    let name = a.alarm_name().unwrap_or_default().to_string();
    let mut out = Vec::new();
    if let (Some(metric), Some(id)) = (a.metric_name(), integration_of(a.dimensions())) {
        out.push((name.clone(), metric.to_string(), id));
    }
    for q in a.metrics() {
        let Some(m) = q.metric_stat().and_then(|s| s.metric()) else {
            continue;
        };
        if let (Some(metric), Some(id)) = (m.metric_name(), integration_of(m.dimensions())) {
            out.push((name.clone(), metric.to_string(), id));
        }
    }
    out
}

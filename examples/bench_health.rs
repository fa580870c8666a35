//! Benchmark: a fleet's health read, and a watch's memory over many rounds.
//!
//!     cargo run --example bench_health [-- INTEGRATIONS ROUNDS]
//!
//! Starts moto and the CBOR gateway (`tests/support/cbor_gateway.py`) on loopback, puts ten
//! minutes of datapoints for INTEGRATIONS (default 200) integrations of one Region and an
//! alarm on every other one, then reads their health as `audit` does (one read cache, one
//! moment) and counts the CloudWatch calls the gateway answered. Then runs ROUNDS (default
//! 100) rounds of the watch loop, each reading and judging the whole fleet again, and prints
//! the resident memory after the first round, after every tenth, and at the end.

#[path = "../tests/common/moto.rs"]
mod common;
#[path = "../tests/common/metrics.rs"]
mod metrics;

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_cloudwatch::types::{ComparisonOperator, Statistic};
use common::{sdk_config, Gateway, Moto};
use zetl_preflight::fetch::cache::ReadCache;
use zetl_preflight::fetch::health;
use zetl_preflight::model::reads::Wanted;
use zetl_preflight::model::{Fact, Snapshot};
use zetl_preflight::rules::{evaluate, RuleSet};
use zetl_preflight::run::watch::{self, Round, Seen};

/// Integration number `n` of the fleet.
fn name(n: usize) -> String {
    format!("{n:08}")
}

/// Resident memory of this process, in MB (Linux).
fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = args.first().copied().unwrap_or(200);
    let rounds = args.get(1).copied().unwrap_or(100) as u64;
    let moto = Moto::start();
    let gateway = Gateway::start(&moto);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let cw = aws_sdk_cloudwatch::Client::new(&sdk_config(&gateway.url()));
        let now = zetl_preflight::model::clock::epoch_now();
        for i in 0..n {
            let minutes = |v: f64| (1..=10).map(|m| (now - 60 * m, v)).collect::<Vec<_>>();
            metrics::put(&cw, &name(i), "IntegrationLag", &minutes(5.0 + i as f64)).await;
            metrics::put(
                &cw,
                &name(i),
                "IntegrationNumTablesFailedReplication",
                &minutes(0.0),
            )
            .await;
            if i % 2 == 0 {
                cw.put_metric_alarm()
                    .alarm_name(format!("lag-{i}"))
                    .namespace("AWS/Redshift")
                    .metric_name("IntegrationLag")
                    .dimensions(metrics::dimension(&name(i)))
                    .statistic(Statistic::Maximum)
                    .period(60)
                    .evaluation_periods(5)
                    .threshold(900.0)
                    .comparison_operator(ComparisonOperator::GreaterThanThreshold)
                    .send()
                    .await
                    .unwrap();
            }
        }
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/mysql-provisioned-ok.json");
        let base: Snapshot = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let list = Arc::new(
            (0..n)
                .map(|i| metrics::integration(&name(i)))
                .collect::<Vec<_>>(),
        );
        let rules = RuleSet::embedded().unwrap();
        let read_fleet = |now: i64| {
            let (cw, base, list) = (cw.clone(), base.clone(), list.clone());
            async move {
                let cache = Arc::new(ReadCache::default());
                let mut out = Vec::with_capacity(n);
                for i in 0..n {
                    let mut s = base.clone();
                    s.source
                        .rds_mut()
                        .unwrap()
                        .cluster_mut()
                        .unwrap()
                        .db_cluster_arn = metrics::integration(&name(i)).source_arn;
                    s.integrations = Fact::Ok(list.clone());
                    health::attach(
                        &mut s,
                        || Some(cw.clone()),
                        Wanted::ALL,
                        Some(&cache),
                        (now, 900),
                    )
                    .await;
                    out.push(s);
                }
                out
            }
        };
        let before = gateway.calls();
        let started = Instant::now();
        let fleet = read_fleet(now).await;
        let took = started.elapsed();
        let after = gateway.calls();
        let made =
            |op: &str| after.get(op).copied().unwrap_or(0) - before.get(op).copied().unwrap_or(0);
        println!(
            "{n} integrations: ListMetrics {}, GetMetricData {}, DescribeAlarms {} calls; {:.2} s",
            made("ListMetrics"),
            made("GetMetricData"),
            made("DescribeAlarms"),
            took.as_secs_f64()
        );
        let watched = fleet
            .iter()
            .filter(|s| {
                s.health
                    .as_ref()
                    .is_some_and(|h| h.alarms.ok().is_some_and(|a| !a.lag.is_empty()))
            })
            .count();
        println!("lag alarms found: {watched} of {n}");
        drop(fleet);

        let mut samples = Vec::new();
        let (_, end) = watch::watch(
            |r| {
                let read_fleet = &read_fleet;
                let rules = &rules;
                async move {
                    let mut round = Round::new();
                    let mut fails = false;
                    for s in read_fleet(now).await {
                        let findings = evaluate(&s, rules);
                        let problems = watch::problems(&findings);
                        fails |= !problems.is_empty();
                        round.insert(
                            s.source.arn().to_string(),
                            Seen {
                                status: "active".into(),
                                problems,
                            },
                        );
                    }
                    let _ = r;
                    Ok::<_, ()>((round, fails))
                }
            },
            Duration::from_millis(1),
            Some(rounds),
            std::future::pending(),
            |r, _| {
                if r == 1 || r % 10 == 0 {
                    samples.push((r, rss_mb()));
                }
            },
        )
        .await
        .unwrap();
        let _ = end;
        for (r, mb) in &samples {
            println!("after round {r:>3}: {mb:.1} MB resident");
        }
    });
}

//! A run of many pairs reads each distinct fact once, keeps the pairs' order, and one pair's
//! failed read stays that pair's (aws-smithy-mocks, counting calls per operation).

mod common;

use std::sync::Arc;

use aws_sdk_rds::operation::describe_db_clusters::DescribeDbClustersOutput;
use aws_smithy_mocks::{mock, Rule};
use common::aws_mocks::*;
use zetl_preflight::fetch::{SourceClients, SourceRef, TargetClients, TargetRef};
use zetl_preflight::model::Status;
use zetl_preflight::rules::{evaluate, RuleSet};
use zetl_preflight::run;

/// The same mock clients for every pair (their rules count calls across clones).
struct Shared(SourceClients, TargetClients);

impl run::Clients for Shared {
    fn for_pair(&self, _: &SourceRef, _: &TargetRef) -> (SourceClients, TargetClients) {
        (self.0.clone(), self.1.clone())
    }
    fn sdk(&self) -> Option<&aws_config::SdkConfig> {
        None
    }
}

/// `n` Aurora PostgreSQL clusters `events-pg-1..n`; cluster `i` uses `group(i)`.
fn clusters(n: usize, group: fn(usize) -> String) -> Rule {
    mock!(aws_sdk_rds::Client::describe_db_clusters)
        .match_requests(|r| r.db_cluster_identifier().is_none())
        .then_output(move || {
            let mut out = DescribeDbClustersOutput::builder();
            for i in 1..=n {
                let member = aws_sdk_rds::types::DbClusterMember::builder()
                    .db_instance_identifier(format!("events-pg-{i}-1"))
                    .is_cluster_writer(true)
                    .db_cluster_parameter_group_status("in-sync")
                    .build();
                out = out.db_clusters(
                    aws_sdk_rds::types::DbCluster::builder()
                        .db_cluster_identifier(format!("events-pg-{i}"))
                        .db_cluster_arn(format!(
                            "arn:aws:rds:us-east-1:123456789012:cluster:events-pg-{i}"
                        ))
                        .engine("aurora-postgresql")
                        .engine_version("16.4")
                        .engine_mode("provisioned")
                        .status("available")
                        .db_cluster_parameter_group(group(i))
                        .db_cluster_members(member)
                        .build(),
                );
            }
            out.build()
        })
}

fn pairs(n: usize) -> Vec<(SourceRef, TargetRef)> {
    (1..=n)
        .map(|i| {
            (
                SourceRef::parse(&format!("events-pg-{i}")).unwrap(),
                TargetRef::parse("analytics-wg").unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn each_distinct_fact_is_read_once_and_order_is_kept() {
    let mut side = Side::serverless_ok();
    side.rds[0] = clusters(12, |_| "events-pg-zetl".into());
    let (src, tgt) = side.clients();
    let results = run::snapshots(Arc::new(Shared(src, tgt)), &pairs(12), 4, None).await;
    assert_eq!(results.len(), 12);
    for (i, r) in results.iter().enumerate() {
        let snap = r.as_ref().unwrap();
        assert_eq!(
            snap.source.cluster.db_cluster_identifier,
            format!("events-pg-{}", i + 1)
        );
    }
    // One call per distinct fact, whatever the number of pairs.
    let calls: Vec<(usize, usize)> = side
        .rds
        .iter()
        .chain(&side.redshift)
        .chain(&side.serverless)
        .enumerate()
        .map(|(i, r)| (i, r.num_calls()))
        .collect();
    for (i, n) in &calls {
        assert!(*n <= 1, "rule {i} was called {n} times: {calls:?}");
    }
    let total: usize = calls.iter().map(|(_, n)| n).sum();
    // Cluster list, group family, 3 parameter pages, engine defaults, integrations,
    // blue/green; DescribeClusters (ruled out), GetWorkgroup, GetNamespace, GetResourcePolicy.
    assert_eq!(total, 12, "{calls:?}");
    // And the findings are those of a single check.
    let first = evaluate(results[0].as_ref().unwrap(), &RuleSet::embedded().unwrap());
    assert!(
        first.iter().all(|f| f.status != Status::Error),
        "{first:#?}"
    );
}

#[tokio::test]
async fn a_throttled_read_fails_only_the_pairs_that_need_it() {
    let mut side = Side::serverless_ok();
    side.rds[0] = clusters(2, |i| {
        if i == 1 {
            "events-pg-zetl".into()
        } else {
            "busy-group".into()
        }
    });
    // The second group's parameters are throttled past the retries.
    side.rds.insert(
        0,
        mock!(aws_sdk_rds::Client::describe_db_cluster_parameters)
            .match_requests(|r| r.db_cluster_parameter_group_name() == Some("busy-group"))
            .sequence()
            .error(|| {
                aws_sdk_rds::operation::describe_db_cluster_parameters::DescribeDBClusterParametersError::generic(
                    meta("Throttling", "Rate exceeded"),
                )
            })
            .repeatedly()
            .build(),
    );
    let (src, tgt) = side.clients();
    let results = run::snapshots(Arc::new(Shared(src, tgt)), &pairs(2), 4, None).await;
    let rules = RuleSet::embedded().unwrap();
    let status = |i: usize, code: &str| {
        evaluate(results[i].as_ref().unwrap(), &rules)
            .into_iter()
            .find(|f| f.rule == code)
            .unwrap()
    };
    assert_eq!(status(0, "ZP001").status, Status::Pass);
    let busy = status(1, "ZP001");
    assert_eq!(busy.status, Status::Error, "{}", busy.message);
    assert_eq!(
        busy.evidence.failed_call.as_deref(),
        Some("rds:DescribeDBClusterParameters")
    );
    // Facts the throttled call does not provide still judge the second pair.
    assert_eq!(status(1, "ZR007").status, Status::Pass);
    assert_eq!(status(1, "ZC001").status, Status::Pass);
}

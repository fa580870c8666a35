//! Health facts read from moto's CloudWatch, through the CBOR gateway (the SDK speaks Smithy
//! RPC v2 CBOR, moto answers JSON: `tests/support/cbor_gateway.py`): real datapoints for four
//! integrations (healthy, lagging, failed tables, no data), alarms on some of them (a metric
//! alarm and a metric-math alarm), the rules' verdicts on each, and the calls one fleet read
//! makes. Faults the emulator cannot make (denied, throttled) are mocked.

mod common;

use std::sync::Arc;

use aws_sdk_cloudwatch::types::{
    ComparisonOperator, Dimension, Metric, MetricDataQuery, MetricStat, Statistic,
};
use common::metrics::{dimension, id, integration, put};
use common::moto::{sdk_config, Gateway, Moto};
use zetl_preflight::fetch::cache::ReadCache;
use zetl_preflight::fetch::health;
use zetl_preflight::model::reads::Wanted;
use zetl_preflight::model::{Fact, Snapshot, Status};
use zetl_preflight::rules::{evaluate, RuleSet};

const NAMES: [&str; 4] = ["healthy", "lagging", "failing", "silent"];

/// The pair of integration `name`, in a Region that has all four.
fn snapshot(name: &str) -> Snapshot {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mysql-provisioned-ok.json");
    let mut snap: Snapshot = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    snap.source
        .rds_mut()
        .unwrap()
        .cluster_mut()
        .unwrap()
        .db_cluster_arn = integration(name).source_arn;
    snap.integrations = Fact::Ok(Arc::new(NAMES.iter().map(|n| integration(n)).collect()));
    snap
}

fn statuses(snap: &Snapshot) -> Vec<(String, Status)> {
    evaluate(snap, &RuleSet::embedded().unwrap())
        .into_iter()
        .filter(|f| f.rule.starts_with("ZH"))
        .map(|f| (f.rule, f.status))
        .collect()
}

fn status(all: &[(String, Status)], code: &str) -> Status {
    all.iter().find(|(c, _)| c == code).unwrap().1
}

#[tokio::test(flavor = "multi_thread")]
async fn a_fleets_health_is_read_once_per_region_and_judged() {
    let moto = Moto::start();
    let gateway = Gateway::start(&moto);
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config(&gateway.url()));
    let now = zetl_preflight::model::clock::epoch_now();
    let minutes = |f: &dyn Fn(i64) -> f64| -> Vec<(i64, f64)> {
        (1..=10).map(|m| (now - 60 * m, f(m))).collect()
    };
    put(
        &cw,
        "healthy",
        "IntegrationLag",
        &minutes(&|m| 3.0 + m as f64),
    )
    .await;
    put(
        &cw,
        "healthy",
        "IntegrationNumTablesFailedReplication",
        &minutes(&|_| 0.0),
    )
    .await;
    put(
        &cw,
        "healthy",
        "IntegrationLatestAppliedChange",
        &minutes(&|m| (now - 60 * m - 2) as f64),
    )
    .await;
    put(
        &cw,
        "lagging",
        "IntegrationLag",
        &minutes(&|m| 400.0 * m as f64),
    )
    .await;
    put(
        &cw,
        "lagging",
        "IntegrationNumTablesFailedReplication",
        &minutes(&|_| 0.0),
    )
    .await;
    put(&cw, "failing", "IntegrationLag", &minutes(&|_| 2.0)).await;
    put(
        &cw,
        "failing",
        "IntegrationNumTablesFailedReplication",
        &minutes(&|m| if m < 3 { 3.0 } else { 0.0 }),
    )
    .await;
    // "silent" has no datapoints at all.

    // healthy: a metric alarm on its lag, a metric-math alarm on its failed tables.
    cw.put_metric_alarm()
        .alarm_name("orders-lag")
        .namespace("AWS/Redshift")
        .metric_name("IntegrationLag")
        .dimensions(dimension("healthy"))
        .statistic(Statistic::Maximum)
        .period(60)
        .evaluation_periods(5)
        .threshold(900.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    let failed = Metric::builder()
        .namespace("AWS/Redshift")
        .metric_name("IntegrationNumTablesFailedReplication")
        .dimensions(dimension("healthy"))
        .build();
    cw.put_metric_alarm()
        .alarm_name("orders-failed-tables")
        .metrics(
            MetricDataQuery::builder()
                .id("failed")
                .metric_stat(
                    MetricStat::builder()
                        .metric(failed)
                        .period(60)
                        .stat("Maximum")
                        .build(),
                )
                .return_data(false)
                .build(),
        )
        .metrics(
            MetricDataQuery::builder()
                .id("any")
                .expression("IF(failed > 0, 1, 0)")
                .return_data(true)
                .build(),
        )
        .evaluation_periods(1)
        .threshold(0.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    // An alarm on another integration's lag watches nothing of these.
    cw.put_metric_alarm()
        .alarm_name("someone-else")
        .namespace("AWS/Redshift")
        .metric_name("IntegrationLag")
        .dimensions(
            Dimension::builder()
                .name("IntegrationId")
                .value("another")
                .build(),
        )
        .statistic(Statistic::Maximum)
        .period(60)
        .evaluation_periods(1)
        .threshold(1.0)
        .comparison_operator(ComparisonOperator::GreaterThanThreshold)
        .send()
        .await
        .unwrap();
    let before = gateway.calls();

    // Four pairs of one Region, read as a fleet: one cache, one moment.
    let cache = Arc::new(ReadCache::default());
    let mut snaps = Vec::new();
    for name in NAMES {
        let mut s = snapshot(name);
        health::attach(
            &mut s,
            || Some(cw.clone()),
            Wanted::ALL,
            Some(&cache),
            (now, 900),
        )
        .await;
        snaps.push(s);
    }
    let after = gateway.calls();
    let made =
        |op: &str| after.get(op).copied().unwrap_or(0) - before.get(op).copied().unwrap_or(0);
    assert_eq!(made("ListMetrics"), 1, "{after:?}");
    assert_eq!(made("GetMetricData"), 1, "{after:?}");
    assert_eq!(made("DescribeAlarms"), 1, "{after:?}");

    let h = snaps[0].health.as_ref().unwrap();
    let m = h.metrics.ok().unwrap();
    assert_eq!(m.namespace, "AWS/Redshift");
    assert_eq!(m.points("IntegrationLag").unwrap().len(), 10, "{m:?}");
    let alarms = h.alarms.ok().unwrap();
    assert_eq!(alarms.lag, vec!["orders-lag".to_string()]);
    assert_eq!(
        alarms.failed_tables,
        vec!["orders-failed-tables".to_string()]
    );

    let healthy = statuses(&snaps[0]);
    for code in ["ZH001", "ZH002", "ZH003", "ZH004", "ZH005"] {
        assert_eq!(status(&healthy, code), Status::Pass, "{code}: {healthy:?}");
    }
    let lagging = statuses(&snaps[1]);
    assert_eq!(status(&lagging, "ZH001"), Status::Fail, "{lagging:?}");
    assert_eq!(status(&lagging, "ZH002"), Status::Pass);
    assert_eq!(status(&lagging, "ZH004"), Status::Warn);
    assert_eq!(status(&lagging, "ZH005"), Status::Warn);
    let failing = statuses(&snaps[2]);
    assert_eq!(status(&failing, "ZH001"), Status::Pass);
    assert_eq!(status(&failing, "ZH002"), Status::Fail, "{failing:?}");
    let silent = statuses(&snaps[3]);
    // No data is its own fact: a warning, never a pass.
    assert_eq!(status(&silent, "ZH001"), Status::Warn, "{silent:?}");
    assert_eq!(status(&silent, "ZH002"), Status::Warn);
    assert_eq!(status(&silent, "ZH003"), Status::Skip);
}

/// A pair without an integration reads nothing and gets no health finding.
#[tokio::test]
async fn before_creation_nothing_is_read() {
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config("http://127.0.0.1:9"));
    let mut s = snapshot("healthy");
    s.integrations = Fact::Ok(Arc::new(Vec::new()));
    health::attach(&mut s, || Some(cw.clone()), Wanted::ALL, None, (0, 900)).await;
    assert!(s.health.is_none());
    assert!(statuses(&s).is_empty());
}

/// What the emulator cannot do: a denied metrics read and a throttled alarms read are
/// unverified, never healthy.
#[tokio::test]
async fn a_failed_read_is_unverified() {
    use aws_sdk_cloudwatch::operation::describe_alarms::DescribeAlarmsError;
    use aws_sdk_cloudwatch::operation::list_metrics::ListMetricsError;
    use aws_smithy_mocks::{mock, mock_client, RuleMode};
    use aws_smithy_types::error::ErrorMetadata;
    let denied = mock!(aws_sdk_cloudwatch::Client::list_metrics).then_error(|| {
        ListMetricsError::generic(
            ErrorMetadata::builder()
                .code("AccessDenied")
                .message("not authorized to perform: cloudwatch:ListMetrics")
                .build(),
        )
    });
    let throttled = mock!(aws_sdk_cloudwatch::Client::describe_alarms).then_error(|| {
        DescribeAlarmsError::generic(
            ErrorMetadata::builder()
                .code("Throttling")
                .message("Rate exceeded")
                .build(),
        )
    });
    let cw = mock_client!(
        aws_sdk_cloudwatch,
        RuleMode::MatchAny,
        &[&denied, &throttled],
        |c| c.retry_config(common::aws_mocks::fast_retries())
    );
    let mut s = snapshot("lagging");
    health::attach(
        &mut s,
        || Some(cw.clone()),
        Wanted::ALL,
        None,
        (1_800_000_000, 900),
    )
    .await;
    let h = s.health.as_ref().unwrap();
    assert!(matches!(&h.metrics, Fact::Error(e) if e.call == "cloudwatch:ListMetrics"));
    assert!(matches!(&h.alarms, Fact::Error(e) if e.call == "cloudwatch:DescribeAlarms"));
    let all = statuses(&s);
    for code in ["ZH001", "ZH002", "ZH003", "ZH004", "ZH005"] {
        assert_eq!(status(&all, code), Status::Error, "{code}: {all:?}");
    }
}

/// `--fix` creates the missing alarms (ZH004, ZH005) with PutMetricAlarm through the gateway:
/// safe actions that say what they cost and whom they notify; read again, the integration is
/// watched, and a second plan creates nothing.
#[tokio::test(flavor = "multi_thread")]
async fn the_fix_creates_the_missing_alarms_and_a_second_run_is_clean() {
    use zetl_preflight::fix::action::Op;
    use zetl_preflight::fix::apply::{apply, ApplyOptions, Outcome};
    use zetl_preflight::fix::context::FixContext;
    use zetl_preflight::fix::journal::Journal;
    use zetl_preflight::rules::spec::Applicability;

    let moto = Moto::start();
    let gateway = Gateway::start(&moto);
    let cw = aws_sdk_cloudwatch::Client::new(&sdk_config(&gateway.url()));
    let now = zetl_preflight::model::clock::epoch_now();
    put(&cw, "lagging", "IntegrationLag", &[(now - 60, 5.0)]).await;
    let rules = RuleSet::embedded().unwrap();
    let read = |mut s: Snapshot| {
        let cw = cw.clone();
        async move {
            health::attach(&mut s, || Some(cw.clone()), Wanted::ALL, None, (now, 900)).await;
            s
        }
    };
    let before = read(snapshot("lagging")).await;
    let findings = evaluate(&before, &rules);
    let mut ctx = FixContext::assume_unshared(&before);
    let topic = "arn:aws:sns:us-east-1:123456789012:oncall".to_string();
    ctx.alarm_actions = vec![topic.clone()];
    let plan = zetl_preflight::fix::plan(&before, &findings, &rules, &ctx);
    let alarms: Vec<_> = plan
        .actions
        .iter()
        .filter(|a| a.op.call() == "cloudwatch:PutMetricAlarm")
        .collect();
    assert_eq!(alarms.len(), 2, "{:#?}", plan.actions);
    for a in &alarms {
        assert_eq!(a.applicability, Applicability::Safe);
        let why = a.reason.as_deref().unwrap();
        assert!(
            why.contains("per alarm per month") && why.contains(&topic),
            "{why}"
        );
    }
    let Op::PutMetricAlarm(lag) = &alarms[0].op else {
        unreachable!()
    };
    assert_eq!(
        (lag.metric.as_str(), lag.threshold),
        ("IntegrationLag", 900.0)
    );

    let dir = common::scratch_dir("health-fix");
    let mut journal = Journal::new(&dir.join("journal.jsonl"));
    let (src, tgt) = fix_clients(&moto);
    let opts = ApplyOptions {
        unsafe_fixes: false,
        wait_timeout: std::time::Duration::from_secs(5),
        poll: std::time::Duration::from_millis(50),
    };
    // Only the alarms: the rest of this made-up pair's plan is not what is tested here.
    let only = zetl_preflight::fix::Plan {
        actions: alarms.iter().map(|a| (*a).clone()).collect(),
    };
    let out = apply(
        &only,
        zetl_preflight::fix::apply::Reach {
            cloudwatch: Some(&cw),
            ..zetl_preflight::fix::apply::Reach::new(&src, &tgt)
        },
        &opts,
        &mut journal,
    )
    .await;
    let applied = out.iter().filter(|o| **o == Outcome::Applied).count();
    assert_eq!(applied, 2, "{out:?}");

    let after = read(snapshot("lagging")).await;
    let all = statuses(&after);
    assert_eq!(status(&all, "ZH004"), Status::Pass, "{all:?}");
    assert_eq!(status(&all, "ZH005"), Status::Pass, "{all:?}");
    let described = cw
        .describe_alarms()
        .alarm_names(format!("zetl-{}-lag", id("lagging")))
        .send()
        .await
        .unwrap();
    let alarm = &described.metric_alarms()[0];
    assert_eq!(alarm.alarm_actions(), [topic]);
    assert_eq!(alarm.treat_missing_data(), Some("breaching"));
    let again = zetl_preflight::fix::plan(&after, &evaluate(&after, &rules), &rules, &ctx);
    assert!(
        again
            .actions
            .iter()
            .all(|a| a.op.call() != "cloudwatch:PutMetricAlarm"),
        "{:#?}",
        again.actions
    );
}

/// Source and target clients for `apply` (the alarm calls use neither).
fn fix_clients(
    moto: &Moto,
) -> (
    zetl_preflight::fetch::SourceClients,
    zetl_preflight::fetch::TargetClients,
) {
    let sdk = sdk_config(&moto.url());
    (
        zetl_preflight::fetch::SourceClients::new(&sdk, None),
        zetl_preflight::fetch::TargetClients::new(&sdk, None),
    )
}

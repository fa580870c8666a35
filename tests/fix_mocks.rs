//! `--fix` on aws-smithy-mocks, for what moto lacks: Redshift ModifyClusterParameterGroup,
//! the resource-policy merge, Serverless UpdateWorkgroup, a call failing halfway through a
//! plan, and a dry run that makes no mutating call (checked on the mocks' call counts).

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_sdk_redshift::operation::describe_clusters::DescribeClustersOutput;
use aws_sdk_redshift::operation::get_resource_policy::GetResourcePolicyOutput;
use aws_sdk_redshift::operation::modify_cluster_parameter_group::ModifyClusterParameterGroupOutput;
use aws_sdk_redshift::operation::put_resource_policy::PutResourcePolicyOutput;
use aws_sdk_redshift::operation::reboot_cluster::RebootClusterOutput;
use aws_sdk_redshiftserverless::operation::update_workgroup::{
    UpdateWorkgroupError, UpdateWorkgroupOutput,
};
use aws_smithy_mocks::{mock, Rule};

use common::aws_mocks::*;
use zetl_preflight::fetch::{self, SourceRef, TargetRef};
use zetl_preflight::fix::apply::{ApplyOptions, Outcome, Reach};
use zetl_preflight::fix::flow::{self, FlowOptions, FlowResult};
use zetl_preflight::rules::{evaluate, RuleSet};

/// The existing policy: a statement of the user's that must survive, byte for byte in meaning.
const THEIR_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"TheirAudit","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/audit"},"Action":["redshift:DescribeInboundIntegrations"],"Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#;

fn workgroup_without_case_sensitivity() -> Rule {
    workgroup_with(&[("require_ssl", "true"), ("search_path", "$user, public")])
}

fn their_policy() -> Rule {
    mock!(aws_sdk_redshift::Client::get_resource_policy).then_output(|| {
        GetResourcePolicyOutput::builder()
            .resource_policy(
                aws_sdk_redshift::types::ResourcePolicy::builder()
                    .resource_arn(NS_ARN)
                    .policy(THEIR_POLICY)
                    .build(),
            )
            .build()
    })
}

type Log = Arc<Mutex<Vec<String>>>;

fn update_workgroup(log: Log) -> Rule {
    mock!(aws_sdk_redshiftserverless::Client::update_workgroup).then_compute_output(move |req| {
        let params: Vec<String> = req
            .config_parameters()
            .iter()
            .map(|p| {
                format!(
                    "{}={}",
                    p.parameter_key().unwrap_or_default(),
                    p.parameter_value().unwrap_or_default()
                )
            })
            .collect();
        log.lock().unwrap().push(params.join(";"));
        UpdateWorkgroupOutput::builder().build()
    })
}

fn put_policy(log: Log) -> Rule {
    mock!(aws_sdk_redshift::Client::put_resource_policy).then_compute_output(move |req| {
        log.lock()
            .unwrap()
            .push(req.policy().unwrap_or_default().to_string());
        PutResourcePolicyOutput::builder().build()
    })
}

/// Source fine; Serverless target missing case sensitivity and the zero-ETL policy statements.
fn side(update: Rule, put: Rule) -> Side {
    Side {
        rds: rds_rules(),
        redshift: vec![no_cluster(), their_policy(), put],
        serverless: vec![workgroup_without_case_sensitivity(), namespace_ok(), update],
    }
}

fn options(dir: &std::path::Path, dry_run: bool) -> FlowOptions {
    FlowOptions {
        alarm_actions: Vec::new(),
        tables: None,
        managed_tags: Vec::new(),
        allow_drift: false,
        dry_run,
        apply: ApplyOptions {
            unsafe_fixes: false,
            wait_timeout: Duration::from_secs(5),
            poll: Duration::from_millis(1),
        },
        journal: dir.join("journal.jsonl"),
    }
}

async fn run(side: &Side, opts: &FlowOptions) -> FlowResult {
    let rules = RuleSet::embedded().unwrap();
    let (src, tgt) = side.clients();
    let (source, target) = (
        SourceRef::parse("events-pg").unwrap(),
        TargetRef::parse("analytics-wg").unwrap(),
    );
    flow::run(
        Reach::new(&src, &tgt),
        async || fetch::snapshot(&src, &tgt, &source, &target).await,
        &rules,
        |s| evaluate(s, &rules),
        opts,
        |_| true,
    )
    .await
    .unwrap()
}

fn journal(dir: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("journal.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn dry_run_makes_no_mutating_call() {
    let (wl, pl) = (Log::default(), Log::default());
    let s = side(update_workgroup(wl.clone()), put_policy(pl.clone()));
    let dir = common::scratch_dir("fix-mocks-dry");
    let r = run(&s, &options(&dir, true)).await;
    assert_eq!(r.plan.actions.len(), 2, "{:#?}", r.plan.actions);
    assert!(r.outcomes.is_none());
    assert_eq!(s.serverless[2].num_calls(), 0, "UpdateWorkgroup was called");
    assert_eq!(s.redshift[2].num_calls(), 0, "PutResourcePolicy was called");
    assert!(journal(&dir).is_empty());
}

#[tokio::test]
async fn safe_fixes_keep_config_parameters_and_existing_policy_statements() {
    let (wl, pl) = (Log::default(), Log::default());
    let s = side(update_workgroup(wl.clone()), put_policy(pl.clone()));
    let dir = common::scratch_dir("fix-mocks-safe");
    let r = run(&s, &options(&dir, false)).await;
    assert_eq!(
        r.outcomes.as_deref(),
        Some(&[Outcome::Applied, Outcome::Applied][..])
    );
    // UpdateWorkgroup replaces the list: the workgroup's other parameters are sent too.
    let sent = wl.lock().unwrap().clone();
    assert_eq!(
        sent,
        ["require_ssl=true;search_path=$user, public;enable_case_sensitive_identifier=true"]
    );
    // PutResourcePolicy replaces the policy: the user's statement is kept as it was.
    let policy: serde_json::Value = serde_json::from_str(&pl.lock().unwrap()[0]).unwrap();
    let theirs: serde_json::Value = serde_json::from_str(THEIR_POLICY).unwrap();
    let statements = policy["Statement"].as_array().unwrap();
    assert_eq!(statements[0], theirs["Statement"][0]);
    assert_eq!(statements.len(), 3);
    assert_eq!(
        statements[1]["Condition"]["StringEquals"]["aws:SourceArn"],
        PG_ARN
    );
    assert_eq!(
        statements[2]["Principal"]["AWS"],
        "arn:aws:iam::123456789012:root"
    );
    // The journal has both changes, with their before and after values.
    let j = journal(&dir);
    assert_eq!(j.len(), 2);
    assert_eq!(j[0]["call"], "redshift-serverless:UpdateWorkgroup");
    assert_eq!(j[0]["changes"][0]["after"], "true");
    assert_eq!(j[1]["call"], "redshift:PutResourcePolicy");
    assert_eq!(j[1]["changes"][0]["before"], THEIR_POLICY);
    assert!(j
        .iter()
        .all(|r| r["result"] == "applied" && r["time"].is_string()));
}

#[tokio::test]
async fn a_failure_halfway_stops_the_plan_and_is_journaled() {
    let pl = Log::default();
    let failing = mock!(aws_sdk_redshiftserverless::Client::update_workgroup).then_error(|| {
        UpdateWorkgroupError::generic(
            aws_smithy_types::error::ErrorMetadata::builder()
                .code("AccessDeniedException")
                .message("not authorized to perform redshift-serverless:UpdateWorkgroup")
                .build(),
        )
    });
    let s = side(failing, put_policy(pl.clone()));
    let dir = common::scratch_dir("fix-mocks-fail");
    let r = run(&s, &options(&dir, false)).await;
    let outcomes = r.outcomes.unwrap();
    let Outcome::Failed { error } = &outcomes[0] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(error.code.as_deref(), Some("AccessDeniedException"));
    assert_eq!(outcomes[1], Outcome::NotAttempted);
    assert_eq!(
        s.redshift[2].num_calls(),
        0,
        "a later step ran after the failure"
    );
    let j = journal(&dir);
    assert_eq!(j.len(), 1);
    assert_eq!(j[0]["result"], "failed");
    assert_eq!(j[0]["error"]["code"], "AccessDeniedException");
    // The state was read again for the report.
    assert!(r.after.is_some());
}

/// No group of the probed name exists (the planner looks for a free name).
fn no_group_named() -> Rule {
    mock!(aws_sdk_redshift::Client::describe_cluster_parameter_groups).then_error(|| {
        aws_sdk_redshift::operation::describe_cluster_parameter_groups::DescribeClusterParameterGroupsError::ClusterParameterGroupNotFoundFault(
            aws_sdk_redshift::types::error::ClusterParameterGroupNotFoundFault::builder()
                .meta(meta("ClusterParameterGroupNotFound", "not found"))
                .build(),
        )
    })
}

#[tokio::test]
async fn provisioned_case_sensitivity_is_set_in_place_then_the_cluster_reboots() {
    let describe = mock!(aws_sdk_redshift::Client::describe_clusters).then_output(move || {
        DescribeClustersOutput::builder()
            .clusters(provisioned_cluster("analytics-params", "in-sync"))
            .build()
    });
    let params = case_sensitivity_parameter("false");
    let sent = Log::default();
    let log = sent.clone();
    let modify = mock!(aws_sdk_redshift::Client::modify_cluster_parameter_group)
        .then_compute_output(move |req| {
            for p in req.parameters() {
                log.lock().unwrap().push(format!(
                    "{}:{}={}",
                    req.parameter_group_name().unwrap_or_default(),
                    p.parameter_name().unwrap_or_default(),
                    p.parameter_value().unwrap_or_default()
                ));
            }
            ModifyClusterParameterGroupOutput::builder().build()
        });
    let reboot = mock!(aws_sdk_redshift::Client::reboot_cluster)
        .then_output(|| RebootClusterOutput::builder().build());
    let policy = mock!(aws_sdk_redshift::Client::get_resource_policy).then_output(|| {
        GetResourcePolicyOutput::builder()
            .resource_policy(
                aws_sdk_redshift::types::ResourcePolicy::builder()
                    .policy(format!(
                        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::123456789012:root"}},"Action":"redshift:CreateInboundIntegration","Resource":"*"}},{{"Effect":"Allow","Principal":{{"Service":"redshift.amazonaws.com"}},"Action":"redshift:AuthorizeInboundIntegration","Resource":"*","Condition":{{"StringEquals":{{"aws:SourceArn":"{PG_ARN}"}}}}}}]}}"#
                    ))
                    .build(),
            )
            .build()
    });
    let s = Side {
        rds: rds_rules(),
        redshift: vec![describe, params, modify, reboot, policy, no_group_named()],
        serverless: vec![],
    };
    let dir = common::scratch_dir("fix-mocks-provisioned");
    let mut opts = options(&dir, false);
    let rules = RuleSet::embedded().unwrap();
    let (src, tgt) = s.clients();
    let target = TargetRef::parse(PROV_NS_ARN).unwrap();
    let source = SourceRef::parse("events-pg").unwrap();
    let pair = Reach::new(&src, &tgt);
    let read = async || fetch::snapshot(&src, &tgt, &source, &target).await;
    // Safe fixes only: modifying a group and rebooting are unsafe, so nothing is applied.
    let r = flow::run(pair, read, &rules, |x| evaluate(x, &rules), &opts, |_| true)
        .await
        .unwrap();
    assert!(r.outcomes.is_none());
    assert_eq!(s.redshift[2].num_calls() + s.redshift[3].num_calls(), 0);
    opts.apply.unsafe_fixes = true;
    let r = flow::run(pair, read, &rules, |x| evaluate(x, &rules), &opts, |_| true)
        .await
        .unwrap();
    let calls: Vec<&str> = r.plan.actions.iter().map(|a| a.op.call()).collect();
    assert_eq!(
        calls,
        [
            "redshift:ModifyClusterParameterGroup",
            "redshift:RebootCluster"
        ]
    );
    assert_eq!(r.outcomes.unwrap(), [Outcome::Applied, Outcome::Applied]);
    assert_eq!(
        *sent.lock().unwrap(),
        ["analytics-params:enable_case_sensitive_identifier=true"]
    );
    assert_eq!(s.redshift[3].num_calls(), 1, "one reboot");
}

/// A Multi-AZ DB cluster reboots as a whole: RebootDBCluster on the cluster, then the wait
/// until DescribeDBClusters says it is available again. moto has no RebootDBCluster.
#[tokio::test]
async fn a_multi_az_db_cluster_is_rebooted_as_a_cluster_and_waited_for() {
    use zetl_preflight::fix::apply::apply;
    use zetl_preflight::fix::journal::Journal;
    use zetl_preflight::fix::FixContext;

    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/rds-mysql-multi-az-ok.json");
    let mut snap: zetl_preflight::model::Snapshot =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for m in &mut snap
        .source
        .rds_mut()
        .unwrap()
        .cluster_mut()
        .unwrap()
        .db_cluster_members
    {
        m.db_cluster_parameter_group_status = Some("pending-reboot".into());
    }
    let rules = RuleSet::embedded().unwrap();
    let plan = zetl_preflight::fix::plan(
        &snap,
        &evaluate(&snap, &rules),
        &rules,
        &FixContext::assume_unshared(&snap),
    );
    let automated: Vec<&zetl_preflight::fix::Action> = plan
        .actions
        .iter()
        .filter(|a| a.op.call() != "manual")
        .collect();
    assert_eq!(automated.len(), 1, "{:#?}", plan.actions);
    let cluster = snap
        .source
        .rds()
        .unwrap()
        .cluster()
        .unwrap()
        .db_cluster_identifier
        .clone();

    let rebooted = Log::default();
    let log = rebooted.clone();
    let reboot = mock!(aws_sdk_rds::Client::reboot_db_cluster).then_compute_output(move |req| {
        log.lock()
            .unwrap()
            .push(req.db_cluster_identifier().unwrap_or_default().to_string());
        aws_sdk_rds::operation::reboot_db_cluster::RebootDbClusterOutput::builder().build()
    });
    let available = mock!(aws_sdk_rds::Client::describe_db_clusters).then_output(|| {
        aws_sdk_rds::operation::describe_db_clusters::DescribeDbClustersOutput::builder()
            .db_clusters(
                aws_sdk_rds::types::DbCluster::builder()
                    .db_cluster_identifier("billing-mz")
                    .status("available")
                    .build(),
            )
            .build()
    });
    let s = Side {
        rds: vec![reboot, available],
        redshift: vec![],
        serverless: vec![],
    };
    let (src, tgt) = s.clients();
    let dir = common::scratch_dir("fix-mocks-multi-az");
    let mut opts = options(&dir, false).apply;
    opts.unsafe_fixes = true;
    let mut journal = Journal::new(&dir.join("journal.jsonl"));
    let out = apply(&plan, Reach::new(&src, &tgt), &opts, &mut journal).await;
    let applied: Vec<&Outcome> = out
        .iter()
        .filter(|o| !matches!(o, Outcome::Skipped { .. }))
        .collect();
    assert_eq!(applied, [&Outcome::Applied], "{out:#?}");
    assert_eq!(*rebooted.lock().unwrap(), [cluster]);
    assert!(
        s.rds[1].num_calls() >= 1,
        "the wait read the cluster's status"
    );

    // Refused (the cluster is busy): the step fails naming the call, and nothing follows.
    let refused = mock!(aws_sdk_rds::Client::reboot_db_cluster).then_error(|| {
        aws_sdk_rds::operation::reboot_db_cluster::RebootDBClusterError::InvalidDbClusterStateFault(
            aws_sdk_rds::types::error::InvalidDbClusterStateFault::builder()
                .message("DB cluster is not available")
                .meta(meta(
                    "InvalidDBClusterStateFault",
                    "DB cluster is not available",
                ))
                .build(),
        )
    });
    let s = Side {
        rds: vec![refused],
        redshift: vec![],
        serverless: vec![],
    };
    let (src, tgt) = s.clients();
    let mut journal = Journal::new(&dir.join("journal-2.jsonl"));
    let out = apply(&plan, Reach::new(&src, &tgt), &opts, &mut journal).await;
    let failed = out
        .iter()
        .find_map(|o| match o {
            Outcome::Failed { error } => Some(error),
            _ => None,
        })
        .expect("the refused reboot fails the step");
    assert_eq!(failed.call, "rds:RebootDBCluster");
}

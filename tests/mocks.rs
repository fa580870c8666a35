//! The fetch layer on aws-smithy-mocks, for what moto lacks (Redshift Serverless, resource
//! policies, integrations, engine defaults) and for faults: AccessDenied on one call,
//! throttling that succeeds after retries, and parameter groups spanning several pages.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use aws_sdk_rds::operation::describe_db_cluster_parameter_groups::DescribeDbClusterParameterGroupsOutput;
use aws_sdk_rds::operation::describe_db_cluster_parameters::DescribeDbClusterParametersOutput;
use aws_sdk_rds::operation::describe_db_clusters::DescribeDbClustersOutput;
use aws_sdk_rds::operation::describe_engine_default_cluster_parameters::DescribeEngineDefaultClusterParametersOutput;
use aws_sdk_rds::operation::describe_integrations::DescribeIntegrationsOutput;
use aws_sdk_redshift::operation::describe_cluster_parameters::DescribeClusterParametersOutput;
use aws_sdk_redshift::operation::describe_clusters::{
    DescribeClustersError, DescribeClustersOutput,
};
use aws_sdk_redshift::operation::get_resource_policy::{
    GetResourcePolicyError, GetResourcePolicyOutput,
};
use aws_sdk_redshiftserverless::operation::get_namespace::{GetNamespaceError, GetNamespaceOutput};
use aws_sdk_redshiftserverless::operation::get_workgroup::{GetWorkgroupError, GetWorkgroupOutput};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::retry::RetryConfig;

use zetl_preflight::fetch::{self, FetchError, SourceClients, SourceRef, TargetClients, TargetRef};
use zetl_preflight::model::{Snapshot, Status, TargetSnapshot};
use zetl_preflight::rules::{evaluate, RuleSet};

const PG_ARN: &str = "arn:aws:rds:us-east-1:123456789012:cluster:events-pg";
const NS_ARN: &str =
    "arn:aws:redshift-serverless:us-east-1:123456789012:namespace/8d2e1f4a-7c3b-4e59-a6d0-1b2c3d4e5f60";
const PROV_NS_ARN: &str =
    "arn:aws:redshift:us-east-1:123456789012:namespace:6c0f8e2a-4b5d-4f3e-9a1b-2c3d4e5f6a7b";

fn meta(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
}

// ------------------------------------------------------------------ the RDS side

fn rds_param(name: &str, value: &str) -> aws_sdk_rds::types::Parameter {
    aws_sdk_rds::types::Parameter::builder()
        .parameter_name(name)
        .parameter_value(value)
        .source("user")
        .apply_type("static")
        .build()
}

/// An Aurora PostgreSQL 16.4 cluster with a custom group, spread over three pages.
fn rds_rules() -> Vec<Rule> {
    let cluster = mock!(aws_sdk_rds::Client::describe_db_clusters).then_output(|| {
        let member = aws_sdk_rds::types::DbClusterMember::builder()
            .db_instance_identifier("events-pg-1")
            .is_cluster_writer(true)
            .db_cluster_parameter_group_status("in-sync")
            .build();
        let c = aws_sdk_rds::types::DbCluster::builder()
            .db_cluster_identifier("events-pg")
            .db_cluster_arn(PG_ARN)
            .engine("aurora-postgresql")
            .engine_version("16.4")
            .engine_mode("provisioned")
            .status("available")
            .db_cluster_parameter_group("events-pg-zetl")
            .db_cluster_members(member)
            .build();
        DescribeDbClustersOutput::builder().db_clusters(c).build()
    });
    let group =
        mock!(aws_sdk_rds::Client::describe_db_cluster_parameter_groups).then_output(|| {
            DescribeDbClusterParameterGroupsOutput::builder()
                .db_cluster_parameter_groups(
                    aws_sdk_rds::types::DbClusterParameterGroup::builder()
                        .db_cluster_parameter_group_name("events-pg-zetl")
                        .db_parameter_group_family("aurora-postgresql16")
                        .build(),
                )
                .build()
        });
    // Three pages, chained by Marker.
    let page1 = mock!(aws_sdk_rds::Client::describe_db_cluster_parameters)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| {
            DescribeDbClusterParametersOutput::builder()
                .parameters(rds_param("rds.logical_replication", "1"))
                .marker("page-2")
                .build()
        });
    let page2 = mock!(aws_sdk_rds::Client::describe_db_cluster_parameters)
        .match_requests(|r| r.marker() == Some("page-2"))
        .then_output(|| {
            DescribeDbClusterParametersOutput::builder()
                .parameters(rds_param("aurora.enhanced_logical_replication", "1"))
                .marker("page-3")
                .build()
        });
    let page3 = mock!(aws_sdk_rds::Client::describe_db_cluster_parameters)
        .match_requests(|r| r.marker() == Some("page-3"))
        .then_output(|| {
            DescribeDbClusterParametersOutput::builder()
                .parameters(rds_param("aurora.logical_replication_backup", "0"))
                .parameters(rds_param("aurora.logical_replication_globaldb", "0"))
                .build()
        });
    let defaults = mock!(aws_sdk_rds::Client::describe_engine_default_cluster_parameters)
        .then_output(|| {
            DescribeEngineDefaultClusterParametersOutput::builder()
                .engine_defaults(
                    aws_sdk_rds::types::EngineDefaults::builder()
                        .db_parameter_group_family("aurora-postgresql16")
                        .parameters(
                            aws_sdk_rds::types::Parameter::builder()
                                .parameter_name("rds.babelfish_status")
                                .parameter_value("off")
                                .source("engine-default")
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let integrations = mock!(aws_sdk_rds::Client::describe_integrations).then_output(|| {
        DescribeIntegrationsOutput::builder()
            .integrations(
                aws_sdk_rds::types::Integration::builder()
                    .integration_name("events-to-analytics")
                    .source_arn(PG_ARN)
                    .target_arn(NS_ARN)
                    .status(aws_sdk_rds::types::IntegrationStatus::Active)
                    .build(),
            )
            .build()
    });
    vec![cluster, group, page1, page2, page3, defaults, integrations]
}

// ------------------------------------------------------------------ the Redshift side

const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"redshift:CreateInboundIntegration","Resource":"*"},
 {"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"redshift:AuthorizeInboundIntegration","Resource":"*",
  "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:rds:us-east-1:123456789012:cluster:events-pg"}}}]}"#;

fn policy_ok() -> Rule {
    mock!(aws_sdk_redshift::Client::get_resource_policy).then_output(|| {
        GetResourcePolicyOutput::builder()
            .resource_policy(
                aws_sdk_redshift::types::ResourcePolicy::builder()
                    .resource_arn(NS_ARN)
                    .policy(POLICY)
                    .build(),
            )
            .build()
    })
}

fn no_cluster() -> Rule {
    mock!(aws_sdk_redshift::Client::describe_clusters).then_error(|| {
        DescribeClustersError::ClusterNotFoundFault(
            aws_sdk_redshift::types::error::ClusterNotFoundFault::builder()
                .message("Cluster analytics-wg not found.")
                .meta(meta("ClusterNotFound", "Cluster analytics-wg not found."))
                .build(),
        )
    })
}

fn workgroup_ok() -> Rule {
    mock!(aws_sdk_redshiftserverless::Client::get_workgroup).then_output(|| {
        let p = |k: &str, v: &str| {
            aws_sdk_redshiftserverless::types::ConfigParameter::builder()
                .parameter_key(k)
                .parameter_value(v)
                .build()
        };
        GetWorkgroupOutput::builder()
            .workgroup(
                aws_sdk_redshiftserverless::types::Workgroup::builder()
                    .workgroup_name("analytics-wg")
                    .namespace_name("analytics-ns")
                    .status(aws_sdk_redshiftserverless::types::WorkgroupStatus::Available)
                    .config_parameters(p("enable_case_sensitive_identifier", "true"))
                    .config_parameters(p("require_ssl", "true"))
                    .build(),
            )
            .build()
    })
}

fn namespace_output() -> GetNamespaceOutput {
    GetNamespaceOutput::builder()
        .namespace(
            aws_sdk_redshiftserverless::types::Namespace::builder()
                .namespace_name("analytics-ns")
                .namespace_arn(NS_ARN)
                .status(aws_sdk_redshiftserverless::types::NamespaceStatus::Available)
                .build(),
        )
        .build()
}

fn namespace_ok() -> Rule {
    mock!(aws_sdk_redshiftserverless::Client::get_namespace).then_output(namespace_output)
}

struct Side {
    rds: Vec<Rule>,
    redshift: Vec<Rule>,
    serverless: Vec<Rule>,
}

impl Side {
    /// Aurora PostgreSQL → a Serverless workgroup, everything correct.
    fn serverless_ok() -> Side {
        Side {
            rds: rds_rules(),
            redshift: vec![no_cluster(), policy_ok()],
            serverless: vec![workgroup_ok(), namespace_ok()],
        }
    }

    fn clients(&self) -> (SourceClients, TargetClients) {
        let src = SourceClients {
            rds: mock_client!(aws_sdk_rds, RuleMode::MatchAny, &self.rds, |c| c
                .retry_config(fast_retries())),
        };
        let tgt = TargetClients {
            redshift: mock_client!(aws_sdk_redshift, RuleMode::MatchAny, &self.redshift, |c| c
                .retry_config(fast_retries())),
            serverless: mock_client!(
                aws_sdk_redshiftserverless,
                RuleMode::MatchAny,
                &self.serverless,
                |c| c.retry_config(fast_retries())
            ),
        };
        (src, tgt)
    }

    async fn fetch(&self, target: &str) -> Result<Snapshot, FetchError> {
        let (src, tgt) = self.clients();
        fetch::snapshot(
            &src,
            &tgt,
            &SourceRef::parse("events-pg").unwrap(),
            &TargetRef::parse(target).unwrap(),
        )
        .await
    }
}

fn statuses(snap: &Snapshot) -> BTreeMap<String, Status> {
    evaluate(snap, &RuleSet::embedded().unwrap())
        .into_iter()
        .map(|f| (f.rule, f.status))
        .collect()
}

fn not_passing(snap: &Snapshot) -> BTreeSet<String> {
    statuses(snap)
        .into_iter()
        .filter(|(_, s)| !matches!(s, Status::Pass | Status::Skip))
        .map(|(c, _)| c)
        .collect()
}

#[tokio::test]
async fn serverless_target_is_found_by_workgroup_name_and_passes() {
    let side = Side::serverless_ok();
    let snap = side.fetch("analytics-wg").await.unwrap();
    let TargetSnapshot::Serverless(t) = &snap.target else {
        panic!("expected a Serverless target, got {:?}", snap.target.kind());
    };
    assert_eq!(t.namespace.ok().unwrap().namespace_arn, NS_ARN);
    assert!(t.resource_policy.ok().unwrap().is_some());
    assert_eq!(snap.integrations.ok().unwrap().len(), 1);
    assert!(not_passing(&snap).is_empty(), "{:?}", statuses(&snap));
    // The parameter group came from three pages; all four values made it.
    let group = snap.source.parameter_group.ok().unwrap();
    assert_eq!(group.parameters.len(), 4, "{:?}", group.parameters.keys());
    assert_eq!(group.family.as_deref(), Some("aurora-postgresql16"));
    for (i, rule) in side.rds[2..5].iter().enumerate() {
        assert_eq!(rule.num_calls(), 1, "page {} requested once", i + 1);
    }
}

#[tokio::test]
async fn access_denied_on_one_call_makes_exactly_its_rules_errors() {
    let mut side = Side::serverless_ok();
    side.redshift[1] = mock!(aws_sdk_redshift::Client::get_resource_policy).then_error(|| {
        GetResourcePolicyError::generic(meta(
            "AccessDenied",
            "User: arn:aws:sts::123456789012:assumed-role/ci/ci is not authorized to perform: redshift:GetResourcePolicy",
        ))
    });
    let snap = side.fetch("analytics-wg").await.unwrap();
    let err = snap.target.resource_policy().as_result().unwrap_err();
    assert_eq!(err.call, "redshift:GetResourcePolicy");
    assert_eq!(err.code.as_deref(), Some("AccessDenied"));
    let st = statuses(&snap);
    assert_eq!(st["ZA001"], Status::Error);
    assert_eq!(st["ZA002"], Status::Error);
    let others: Vec<_> = st
        .iter()
        .filter(|(c, s)| !c.starts_with("ZA") && !matches!(s, Status::Pass | Status::Skip))
        .collect();
    assert!(
        others.is_empty(),
        "other rules did not run to a verdict: {others:?}"
    );
}

#[tokio::test]
async fn throttling_that_succeeds_after_retries_is_a_plain_fact() {
    let mut side = Side::serverless_ok();
    side.serverless[1] = mock!(aws_sdk_redshiftserverless::Client::get_namespace)
        .sequence()
        .error(|| GetNamespaceError::generic(meta("ThrottlingException", "Rate exceeded")))
        .times(2)
        .output(namespace_output)
        .build();
    let snap = side.fetch("analytics-wg").await.unwrap();
    assert_eq!(
        side.serverless[1].num_calls(),
        3,
        "two throttled attempts, then success"
    );
    let TargetSnapshot::Serverless(t) = &snap.target else {
        panic!()
    };
    assert!(t.namespace.ok().is_some());
    assert!(not_passing(&snap).is_empty(), "{:?}", statuses(&snap));
}

#[tokio::test]
async fn throttling_past_the_retries_is_an_error_naming_the_call() {
    let mut side = Side::serverless_ok();
    side.rds[5] = mock!(aws_sdk_rds::Client::describe_engine_default_cluster_parameters)
        .sequence()
        .error(|| {
            aws_sdk_rds::operation::describe_engine_default_cluster_parameters::DescribeEngineDefaultClusterParametersError::generic(
                meta("Throttling", "Rate exceeded"),
            )
        })
        .repeatedly()
        .build();
    let snap = side.fetch("analytics-wg").await.unwrap();
    assert_eq!(side.rds[5].num_calls(), 3, "the SDK's retries were used");
    let err = snap.source.engine_defaults.as_result().unwrap_err();
    assert_eq!(err.code.as_deref(), Some("Throttling"));
    // ZP006 needs rds.babelfish_status, which only the engine defaults had; the rule data
    // carries its documented default, so the verdict stands, labelled as documented.
    let st = statuses(&snap);
    assert_eq!(st["ZP006"], Status::Pass);
}

#[tokio::test]
async fn no_resource_policy_fails_authorization() {
    let mut side = Side::serverless_ok();
    side.redshift[1] = mock!(aws_sdk_redshift::Client::get_resource_policy).then_error(|| {
        GetResourcePolicyError::ResourceNotFoundFault(
            aws_sdk_redshift::types::error::ResourceNotFoundFault::builder()
                .meta(meta("ResourceNotFoundFault", "no policy"))
                .build(),
        )
    });
    let snap = side.fetch("analytics-wg").await.unwrap();
    assert_eq!(snap.target.resource_policy().ok(), Some(&None));
    let st = statuses(&snap);
    assert_eq!(st["ZA001"], Status::Fail);
    assert_eq!(st["ZA002"], Status::Warn, "same account: a warning");
}

fn provisioned_cluster(apply: &str) -> aws_sdk_redshift::types::Cluster {
    aws_sdk_redshift::types::Cluster::builder()
        .cluster_identifier("analytics")
        .node_type("ra3.xlplus")
        .number_of_nodes(2)
        .encrypted(true)
        .cluster_status("available")
        .cluster_namespace_arn(PROV_NS_ARN)
        .cluster_parameter_groups(
            aws_sdk_redshift::types::ClusterParameterGroupStatus::builder()
                .parameter_group_name("analytics-zetl")
                .parameter_apply_status(apply)
                .build(),
        )
        .build()
}

#[tokio::test]
async fn provisioned_target_by_namespace_arn_across_pages_with_pending_reboot() {
    let page1 = mock!(aws_sdk_redshift::Client::describe_clusters)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| {
            let other = aws_sdk_redshift::types::Cluster::builder()
                .cluster_identifier("other")
                .cluster_namespace_arn("arn:aws:redshift:us-east-1:123456789012:namespace:other")
                .build();
            DescribeClustersOutput::builder()
                .clusters(other)
                .marker("m2")
                .build()
        });
    let page2 = mock!(aws_sdk_redshift::Client::describe_clusters)
        .match_requests(|r| r.marker() == Some("m2"))
        .then_output(|| {
            DescribeClustersOutput::builder()
                .clusters(provisioned_cluster("pending-reboot"))
                .build()
        });
    let params = mock!(aws_sdk_redshift::Client::describe_cluster_parameters).then_output(|| {
        DescribeClusterParametersOutput::builder()
            .parameters(
                aws_sdk_redshift::types::Parameter::builder()
                    .parameter_name("enable_case_sensitive_identifier")
                    .parameter_value("true")
                    .source("user")
                    .build(),
            )
            .build()
    });
    let policy = policy_ok();
    let side = Side {
        rds: rds_rules(),
        redshift: vec![page1, page2, params, policy],
        serverless: vec![],
    };
    let snap = side.fetch(PROV_NS_ARN).await.unwrap();
    let TargetSnapshot::Provisioned(t) = &snap.target else {
        panic!()
    };
    assert_eq!(t.cluster.cluster_identifier, "analytics");
    let findings = evaluate(&snap, &RuleSet::embedded().unwrap());
    let zr007 = findings.iter().find(|f| f.rule == "ZR007").unwrap();
    // The value is right but not live: a failure whose fix is the reboot alone.
    assert_eq!(zr007.status, Status::Fail);
    assert!(
        zr007.message.contains("pending-reboot"),
        "{}",
        zr007.message
    );
    assert_eq!(
        zr007.remediation.as_deref(),
        Some("aws redshift reboot-cluster --cluster-identifier analytics")
    );
    // The source's integration targets another namespace, so this pair is not integrated yet.
    assert_eq!(
        findings.iter().find(|f| f.rule == "ZI005").unwrap().status,
        Status::Skip
    );
}

#[tokio::test]
async fn a_name_that_is_both_a_cluster_and_a_workgroup_is_ambiguous() {
    let cluster = mock!(aws_sdk_redshift::Client::describe_clusters).then_output(|| {
        DescribeClustersOutput::builder()
            .clusters(provisioned_cluster("in-sync"))
            .build()
    });
    let side = Side {
        rds: rds_rules(),
        redshift: vec![cluster],
        serverless: vec![workgroup_ok()],
    };
    let err = side.fetch("analytics").await.unwrap_err();
    assert!(matches!(err, FetchError::Ambiguous(_)), "{err}");
    assert!(err.to_string().contains("namespace ARN"), "{err}");
}

#[tokio::test]
async fn neither_cluster_nor_workgroup_is_not_found() {
    let side = Side {
        rds: rds_rules(),
        redshift: vec![no_cluster()],
        serverless: vec![
            mock!(aws_sdk_redshiftserverless::Client::get_workgroup).then_error(|| {
                GetWorkgroupError::ResourceNotFoundException(
                    aws_sdk_redshiftserverless::types::error::ResourceNotFoundException::builder()
                        .message("Workgroup not found")
                        .meta(meta("ResourceNotFoundException", "Workgroup not found"))
                        .build()
                        .unwrap(),
                )
            }),
        ],
    };
    let err = side.fetch("nothing-here").await.unwrap_err();
    assert!(matches!(err, FetchError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("nothing-here"), "{err}");
}

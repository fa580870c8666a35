//! aws-smithy-mocks building blocks: an Aurora PostgreSQL source and a Serverless target,
//! each call a rule that a test can replace.

#![allow(dead_code)]

use std::time::Duration;

use aws_sdk_rds::operation::describe_db_cluster_parameter_groups::DescribeDbClusterParameterGroupsOutput;
use aws_sdk_rds::operation::describe_db_cluster_parameters::DescribeDbClusterParametersOutput;
use aws_sdk_rds::operation::describe_db_clusters::DescribeDbClustersOutput;
use aws_sdk_rds::operation::describe_engine_default_cluster_parameters::DescribeEngineDefaultClusterParametersOutput;
use aws_sdk_rds::operation::describe_integrations::DescribeIntegrationsOutput;
use aws_sdk_redshift::operation::describe_clusters::DescribeClustersError;
use aws_sdk_redshift::operation::get_resource_policy::GetResourcePolicyOutput;
use aws_sdk_redshiftserverless::operation::get_namespace::GetNamespaceOutput;
use aws_sdk_redshiftserverless::operation::get_workgroup::GetWorkgroupOutput;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_types::error::ErrorMetadata;
use aws_smithy_types::retry::RetryConfig;

use zetl_preflight::fetch::{self, FetchError, SourceClients, SourceRef, TargetClients, TargetRef};
use zetl_preflight::model::Snapshot;

pub const PG_ARN: &str = "arn:aws:rds:us-east-1:123456789012:cluster:events-pg";
pub const NS_ARN: &str =
    "arn:aws:redshift-serverless:us-east-1:123456789012:namespace/8d2e1f4a-7c3b-4e59-a6d0-1b2c3d4e5f60";
pub const PROV_NS_ARN: &str =
    "arn:aws:redshift:us-east-1:123456789012:namespace:6c0f8e2a-4b5d-4f3e-9a1b-2c3d4e5f6a7b";

pub fn meta(code: &str, message: &str) -> ErrorMetadata {
    ErrorMetadata::builder().code(code).message(message).build()
}

/// The source side's DynamoDB and Redshift clients of an account without DynamoDB
/// integrations: DynamoDB answers nothing (an RDS source never calls it), and Redshift's
/// DescribeIntegrations (what `audit` lists DynamoDB integrations with) is empty.
pub fn no_table_clients() -> (aws_sdk_dynamodb::Client, aws_sdk_redshift::Client) {
    let none: [&Rule; 0] = [];
    let empty = mock!(aws_sdk_redshift::Client::describe_integrations).then_output(|| {
        aws_sdk_redshift::operation::describe_integrations::DescribeIntegrationsOutput::builder()
            .build()
    });
    (
        mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, none),
        mock_client!(aws_sdk_redshift, RuleMode::MatchAny, [&empty]),
    )
}

pub fn fast_retries() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(3)
        .with_initial_backoff(Duration::from_millis(1))
}

// ------------------------------------------------------------------ the RDS side

pub fn rds_param(name: &str, value: &str) -> aws_sdk_rds::types::Parameter {
    aws_sdk_rds::types::Parameter::builder()
        .parameter_name(name)
        .parameter_value(value)
        .source("user")
        .apply_type("static")
        .build()
}

/// An Aurora PostgreSQL 16.4 cluster with a custom group, spread over three pages.
pub fn rds_rules() -> Vec<Rule> {
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
    let blue_green = mock!(aws_sdk_rds::Client::describe_blue_green_deployments).then_output(|| {
        aws_sdk_rds::operation::describe_blue_green_deployments::DescribeBlueGreenDeploymentsOutput::builder().build()
    });
    // A plain name is also looked up as a DB instance: there is none of that name.
    let no_instance = mock!(aws_sdk_rds::Client::describe_db_instances)
        .match_requests(|r| r.db_instance_identifier() == Some("events-pg"))
        .then_error(|| {
            aws_sdk_rds::operation::describe_db_instances::DescribeDBInstancesError::DbInstanceNotFoundFault(
                aws_sdk_rds::types::error::DbInstanceNotFoundFault::builder()
                    .message("DBInstance events-pg not found.")
                    .meta(meta("DBInstanceNotFound", "DBInstance events-pg not found."))
                    .build(),
            )
        });
    // A fleet run lists the Region's DB instances once: none here.
    let instances = mock!(aws_sdk_rds::Client::describe_db_instances)
        .match_requests(|r| r.db_instance_identifier().is_none())
        .then_output(|| {
            aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput::builder()
                .build()
        });
    vec![
        cluster,
        group,
        page1,
        page2,
        page3,
        defaults,
        integrations,
        blue_green,
        no_instance,
        instances,
    ]
}

// ------------------------------------------------------------------ the Redshift side

pub const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"redshift:CreateInboundIntegration","Resource":"*"},
 {"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"redshift:AuthorizeInboundIntegration","Resource":"*",
  "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:rds:us-east-1:123456789012:cluster:events-pg"}}}]}"#;

pub fn policy_ok() -> Rule {
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

pub fn no_cluster() -> Rule {
    mock!(aws_sdk_redshift::Client::describe_clusters).then_error(|| {
        DescribeClustersError::ClusterNotFoundFault(
            aws_sdk_redshift::types::error::ClusterNotFoundFault::builder()
                .message("Cluster analytics-wg not found.")
                .meta(meta("ClusterNotFound", "Cluster analytics-wg not found."))
                .build(),
        )
    })
}

/// GetWorkgroup answering "not found".
pub fn no_workgroup() -> Rule {
    mock!(aws_sdk_redshiftserverless::Client::get_workgroup).then_error(|| {
        aws_sdk_redshiftserverless::operation::get_workgroup::GetWorkgroupError::ResourceNotFoundException(
            aws_sdk_redshiftserverless::types::error::ResourceNotFoundException::builder()
                .message("Workgroup not found")
                .meta(meta("ResourceNotFoundException", "Workgroup not found"))
                .build()
                .unwrap(),
        )
    })
}

/// The workgroup `analytics-wg` with these `configParameters`.
pub fn workgroup_with(params: &[(&str, &str)]) -> Rule {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    mock!(aws_sdk_redshiftserverless::Client::get_workgroup).then_output(move || {
        let config = params
            .iter()
            .map(|(k, v)| {
                aws_sdk_redshiftserverless::types::ConfigParameter::builder()
                    .parameter_key(k)
                    .parameter_value(v)
                    .build()
            })
            .collect();
        GetWorkgroupOutput::builder()
            .workgroup(
                aws_sdk_redshiftserverless::types::Workgroup::builder()
                    .workgroup_name("analytics-wg")
                    .namespace_name("analytics-ns")
                    .status(aws_sdk_redshiftserverless::types::WorkgroupStatus::Available)
                    .set_config_parameters(Some(config))
                    .build(),
            )
            .build()
    })
}

pub fn workgroup_ok() -> Rule {
    workgroup_with(&[
        ("enable_case_sensitive_identifier", "true"),
        ("require_ssl", "true"),
    ])
}

/// The provisioned cluster `analytics` on `group`, with that apply status.
pub fn provisioned_cluster(group: &str, apply: &str) -> aws_sdk_redshift::types::Cluster {
    aws_sdk_redshift::types::Cluster::builder()
        .cluster_identifier("analytics")
        .node_type("ra3.xlplus")
        .number_of_nodes(2)
        .encrypted(true)
        .cluster_status("available")
        .cluster_namespace_arn(PROV_NS_ARN)
        .cluster_parameter_groups(
            aws_sdk_redshift::types::ClusterParameterGroupStatus::builder()
                .parameter_group_name(group)
                .parameter_apply_status(apply)
                .build(),
        )
        .build()
}

pub fn namespace_output() -> GetNamespaceOutput {
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

pub fn namespace_ok() -> Rule {
    mock!(aws_sdk_redshiftserverless::Client::get_namespace).then_output(namespace_output)
}

pub struct Side {
    pub rds: Vec<Rule>,
    pub redshift: Vec<Rule>,
    pub serverless: Vec<Rule>,
}

impl Side {
    /// Aurora PostgreSQL → a Serverless workgroup, everything correct.
    pub fn serverless_ok() -> Side {
        Side {
            rds: rds_rules(),
            redshift: vec![no_cluster(), policy_ok()],
            serverless: vec![workgroup_ok(), namespace_ok()],
        }
    }

    pub fn clients(&self) -> (SourceClients, TargetClients) {
        let (dynamodb, redshift) = no_table_clients();
        let src = SourceClients {
            rds: mock_client!(aws_sdk_rds, RuleMode::MatchAny, &self.rds, |c| c
                .retry_config(fast_retries())),
            dynamodb,
            redshift,
            cache: None,
            wanted: Default::default(),
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
            cache: None,
            wanted: Default::default(),
        };
        (src, tgt)
    }

    pub async fn fetch(&self, target: &str) -> Result<Snapshot, FetchError> {
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

/// DescribeClusterParameters answering `enable_case_sensitive_identifier` = `value` (user-set).
pub fn case_sensitivity_parameter(value: &'static str) -> Rule {
    mock!(aws_sdk_redshift::Client::describe_cluster_parameters).then_output(move || {
        aws_sdk_redshift::operation::describe_cluster_parameters::DescribeClusterParametersOutput::builder()
            .parameters(
                aws_sdk_redshift::types::Parameter::builder()
                    .parameter_name("enable_case_sensitive_identifier")
                    .parameter_value(value)
                    .source("user")
                    .build(),
            )
            .build()
    })
}

// ------------------------------------------------------------------ IAM

/// iam:SimulatePrincipalPolicy's answer to `req`: each action on each resource it names, as
/// `decide(resource)` says (what AWS returns with ResourceArns: one result per action, one
/// resource-specific result per resource).
pub fn simulation_answer(
    req: &aws_sdk_iam::operation::simulate_principal_policy::SimulatePrincipalPolicyInput,
    decide: impl Fn(&str) -> aws_sdk_iam::types::PolicyEvaluationDecisionType,
) -> aws_sdk_iam::operation::simulate_principal_policy::SimulatePrincipalPolicyOutput {
    use aws_sdk_iam::types::{
        EvaluationResult, PolicyEvaluationDecisionType as D, ResourceSpecificResult,
    };
    let mut out =
        aws_sdk_iam::operation::simulate_principal_policy::SimulatePrincipalPolicyOutput::builder()
            .is_truncated(false);
    for action in req.action_names() {
        let mut r = EvaluationResult::builder()
            .eval_action_name(action)
            .eval_decision(D::ImplicitDeny);
        for arn in req.resource_arns() {
            r = r.resource_specific_results(
                ResourceSpecificResult::builder()
                    .eval_resource_name(arn)
                    .eval_resource_decision(decide(arn))
                    .build()
                    .unwrap(),
            );
        }
        out = out.evaluation_results(r.build().unwrap());
    }
    out.build()
}

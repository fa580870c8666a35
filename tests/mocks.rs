//! The fetch layer on aws-smithy-mocks, for what moto lacks (Redshift Serverless, resource
//! policies, integrations, engine defaults) and for faults: AccessDenied on one call,
//! throttling that succeeds after retries, and parameter groups spanning several pages.

mod common;

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_redshift::operation::describe_clusters::DescribeClustersOutput;
use aws_sdk_redshift::operation::get_resource_policy::GetResourcePolicyError;
use aws_sdk_redshiftserverless::operation::get_namespace::GetNamespaceError;
use aws_smithy_mocks::mock;

use common::aws_mocks::*;
use zetl_preflight::fetch::FetchError;
use zetl_preflight::model::{Snapshot, Status, TargetSnapshot};
use zetl_preflight::rules::{evaluate, RuleSet};

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
    let group = snap.source.rds().unwrap().parameter_group.ok().unwrap();
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
    let err = snap
        .source
        .rds()
        .unwrap()
        .engine_defaults
        .as_result()
        .unwrap_err();
    assert_eq!(err.code.as_deref(), Some("Throttling"));
    // ZP006 needs rds.babelfish_status, which only the engine defaults had. The documented
    // default would pass, but after a failed read it is unverified, naming the call.
    let st = statuses(&snap);
    assert_eq!(st["ZP006"], Status::Error);
    let f = evaluate(&snap, &RuleSet::embedded().unwrap());
    let zp006 = f.iter().find(|f| f.rule == "ZP006").unwrap();
    assert_eq!(
        zp006.evidence.failed_call.as_deref(),
        Some("rds:DescribeEngineDefaultClusterParameters")
    );
    assert!(
        zp006.message.contains("could not be read"),
        "{}",
        zp006.message
    );
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
                .clusters(provisioned_cluster("analytics-zetl", "pending-reboot"))
                .build()
        });
    let params = case_sensitivity_parameter("true");
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
            .clusters(provisioned_cluster("analytics-zetl", "in-sync"))
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
        serverless: vec![no_workgroup()],
    };
    let err = side.fetch("nothing-here").await.unwrap_err();
    assert!(matches!(err, FetchError::NotFound { .. }), "{err}");
    assert!(err.to_string().contains("nothing-here"), "{err}");
}

/// A well-formed HTTP 200 whose XML is cut short: the SDK parses what arrived without an
/// error, so the tool must notice that the cluster lacks what AWS always returns.
#[tokio::test]
async fn a_cut_short_answer_is_a_failed_read_not_data() {
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    let mut side = Side::serverless_ok();
    side.rds[0] = mock!(aws_sdk_rds::Client::describe_db_clusters).then_http_response(|| {
        let cut = "<DescribeDBClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\
            <DescribeDBClustersResult><DBClusters><DBCluster>\
            <DBClusterIdentifier>events-pg</DBClusterIdentifier>\
            <DBClusterArn>arn:aws:rds:us-east-1:123456789012:cluster:events-pg</DBClusterArn>";
        HttpResponse::new(200.try_into().unwrap(), SdkBody::from(cut))
    });
    match side.fetch("analytics-wg").await {
        Err(FetchError::Unreadable { error, .. }) => {
            assert_eq!(error.call, "rds:DescribeDBClusters");
            assert!(error.message.contains("Engine"), "{}", error.message);
        }
        other => panic!("expected a failed read, got {other:?}"),
    }
}

/// A parameters page without its Parameters element is a failed read, never "no parameters".
#[tokio::test]
async fn a_parameters_page_without_its_list_is_a_failed_read() {
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;
    let mut side = Side::serverless_ok();
    side.rds.insert(
        0,
        mock!(aws_sdk_rds::Client::describe_db_cluster_parameters).then_http_response(|| {
            let body = "<DescribeDBClusterParametersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\
                <DescribeDBClusterParametersResult></DescribeDBClusterParametersResult>\
                </DescribeDBClusterParametersResponse>";
            HttpResponse::new(200.try_into().unwrap(), SdkBody::from(body))
        }),
    );
    let snap = side.fetch("analytics-wg").await.unwrap();
    let err = snap
        .source
        .rds()
        .unwrap()
        .parameter_group
        .as_result()
        .unwrap_err();
    assert_eq!(err.call, "rds:DescribeDBClusterParameters");
    assert!(err.message.contains("Parameters"), "{}", err.message);
    assert_eq!(statuses(&snap)["ZP001"], Status::Error);
}

/// Neither a cluster nor a workgroup of that name, while the cluster lookup was denied: "not
/// found", saying which lookup could not answer; never "cannot read the target".
#[tokio::test]
async fn not_found_while_the_other_lookup_failed_says_which() {
    let side = Side {
        rds: rds_rules(),
        redshift: vec![
            mock!(aws_sdk_redshift::Client::describe_clusters).then_error(|| {
                aws_sdk_redshift::operation::describe_clusters::DescribeClustersError::generic(
                    meta(
                        "AccessDenied",
                        "not authorized to perform redshift:DescribeClusters",
                    ),
                )
            }),
        ],
        serverless: vec![no_workgroup()],
    };
    let err = side.fetch("nothing-here").await.unwrap_err();
    assert!(matches!(err, FetchError::NotFound { .. }), "{err}");
    let text = err.to_string();
    assert!(text.contains("was not found"), "{text}");
    assert!(
        text.contains("redshift:DescribeClusters failed: AccessDenied"),
        "{text}"
    );
}

/// A failed GetNamespace is reported as GetNamespace's failure, not as a resource-policy
/// call that was never made.
#[tokio::test]
async fn a_failed_get_namespace_is_named_for_the_policy_rules() {
    let mut side = Side::serverless_ok();
    side.serverless[1] = mock!(aws_sdk_redshiftserverless::Client::get_namespace)
        .then_error(|| GetNamespaceError::generic(meta("AccessDeniedException", "denied")));
    let snap = side.fetch("analytics-wg").await.unwrap();
    let f = evaluate(&snap, &RuleSet::embedded().unwrap());
    for code in ["ZA001", "ZA002", "ZR009"] {
        let x = f.iter().find(|f| f.rule == code).unwrap();
        assert_eq!(x.status, Status::Error, "{code}: {}", x.message);
        assert_eq!(
            x.evidence.failed_call.as_deref(),
            Some("redshift-serverless:GetNamespace"),
            "{code}: {}",
            x.message
        );
        assert!(!x.message.contains("not called"), "{}", x.message);
    }
}

/// A plain `--source` name that no cluster has is looked up as a DB instance; when that
/// lookup fails too, the error names both lookups, never a bare "not found".
#[tokio::test]
async fn a_name_no_cluster_has_is_looked_up_as_an_instance() {
    use aws_sdk_rds::operation::describe_db_clusters::DescribeDBClustersError;
    let no_db_cluster = mock!(aws_sdk_rds::Client::describe_db_clusters).then_error(|| {
        DescribeDBClustersError::DbClusterNotFoundFault(
            aws_sdk_rds::types::error::DbClusterNotFoundFault::builder()
                .meta(meta(
                    "DBClusterNotFoundFault",
                    "DBCluster events-pg not found.",
                ))
                .build(),
        )
    });
    let denied = mock!(aws_sdk_rds::Client::describe_db_instances).then_error(|| {
        aws_sdk_rds::operation::describe_db_instances::DescribeDBInstancesError::generic(meta(
            "AccessDenied",
            "not authorized to perform rds:DescribeDBInstances",
        ))
    });
    // Ahead of the usual answers, which the other reads of the pair still get.
    let mut rds = vec![no_db_cluster, denied];
    rds.extend(rds_rules());
    let side = Side {
        rds,
        redshift: vec![no_cluster(), policy_ok()],
        serverless: vec![workgroup_ok(), namespace_ok()],
    };
    let err = side.fetch("analytics-wg").await.unwrap_err().to_string();
    assert!(err.contains("No Aurora DB cluster has that name"), "{err}");
    assert!(err.contains("rds:DescribeDBInstances"), "{err}");
    assert!(err.contains("AccessDenied"), "{err}");
}

/// An RDS for PostgreSQL DB instance whose DB parameter group cannot be read (AccessDenied on
/// DescribeDBParameters, throttling on DescribeEngineDefaultParameters): every parameter rule
/// is unverified and names the call, never a pass; the rules on the instance itself are still
/// judged.
#[tokio::test]
async fn an_rds_instance_whose_parameters_are_denied_is_unverified() {
    use aws_sdk_rds::operation::describe_db_clusters::DescribeDBClustersError;
    let no_db_cluster = mock!(aws_sdk_rds::Client::describe_db_clusters).then_error(|| {
        DescribeDBClustersError::DbClusterNotFoundFault(
            aws_sdk_rds::types::error::DbClusterNotFoundFault::builder()
                .meta(meta(
                    "DBClusterNotFoundFault",
                    "DBCluster events-pg not found.",
                ))
                .build(),
        )
    });
    let instance = mock!(aws_sdk_rds::Client::describe_db_instances).then_output(|| {
        aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput::builder()
            .db_instances(
                aws_sdk_rds::types::DbInstance::builder()
                    .db_instance_identifier("events-pg")
                    .db_instance_arn("arn:aws:rds:us-east-1:123456789012:db:events-pg")
                    .engine("postgres")
                    .engine_version("16.4")
                    .db_instance_status("available")
                    .backup_retention_period(7)
                    .storage_type("gp3")
                    .db_parameter_groups(
                        aws_sdk_rds::types::DbParameterGroupStatus::builder()
                            .db_parameter_group_name("events-pg-zetl")
                            .parameter_apply_status("in-sync")
                            .build(),
                    )
                    .build(),
            )
            .build()
    });
    let denied = mock!(aws_sdk_rds::Client::describe_db_parameters).then_error(|| {
        aws_sdk_rds::operation::describe_db_parameters::DescribeDBParametersError::generic(meta(
            "AccessDenied",
            "not authorized to perform rds:DescribeDBParameters",
        ))
    });
    let throttled = mock!(aws_sdk_rds::Client::describe_engine_default_parameters)
        .sequence()
        .error(|| {
            aws_sdk_rds::operation::describe_engine_default_parameters::DescribeEngineDefaultParametersError::generic(
                meta("Throttling", "Rate exceeded"),
            )
        })
        .repeatedly()
        .build();
    let mut rds = vec![no_db_cluster, instance, denied, throttled];
    rds.extend(rds_rules());
    let side = Side {
        rds,
        redshift: vec![no_cluster(), policy_ok()],
        serverless: vec![workgroup_ok(), namespace_ok()],
    };
    let snap = side.fetch("analytics-wg").await.unwrap();
    let findings: BTreeMap<String, zetl_preflight::model::Finding> =
        evaluate(&snap, &RuleSet::embedded().unwrap())
            .into_iter()
            .map(|f| (f.rule.clone(), f))
            .collect();
    for code in ["ZQ001", "ZQ002", "ZQ003", "ZQ004", "ZQ005", "ZQ006"] {
        let f = &findings[code];
        assert_eq!(f.status, Status::Error, "{code}: {}", f.message);
        assert_eq!(
            f.evidence.failed_call.as_deref(),
            Some("rds:DescribeDBParameters"),
            "{code}: {}",
            f.message
        );
    }
    for code in ["ZY001", "ZY002", "ZY003", "ZQ007", "ZQ008", "ZQ009"] {
        assert_eq!(
            findings[code].status,
            Status::Pass,
            "{code}: {}",
            findings[code].message
        );
    }
}

/// `check --fix` reads a Serverless workgroup's tags (whether code owns it): the tags as
/// ListTagsForResource gives them for the workgroup's ARN, or the call's error, never an
/// empty map in its place.
#[tokio::test]
async fn a_workgroups_tags_are_read_by_its_arn_and_a_denial_is_named() {
    use aws_sdk_redshiftserverless::operation::list_tags_for_resource::{
        ListTagsForResourceError, ListTagsForResourceOutput,
    };
    use aws_sdk_redshiftserverless::types::Tag;
    const WG: &str = "arn:aws:redshift-serverless:us-east-1:123456789012:workgroup/analytics-wg";
    for denied in [false, true] {
        let mut side = Side::serverless_ok();
        let rule = mock!(aws_sdk_redshiftserverless::Client::list_tags_for_resource)
            .match_requests(|r| r.resource_arn() == Some(WG));
        side.serverless.push(if denied {
            rule.then_error(|| {
                ListTagsForResourceError::generic(meta("AccessDeniedException", "not authorized"))
            })
        } else {
            rule.then_output(|| {
                ListTagsForResourceOutput::builder()
                    .tags(
                        Tag::builder()
                            .key("aws:cloudformation:stack-name")
                            .value("analytics")
                            .build()
                            .unwrap(),
                    )
                    .build()
            })
        });
        let mut snap = side.fetch("analytics-wg").await.unwrap();
        let TargetSnapshot::Serverless(t) = &mut snap.target else {
            panic!("a Serverless target");
        };
        t.workgroup.workgroup_arn = Some(WG.to_string());
        assert_eq!(t.tags, None, "not read by a plain check");
        let (_, tgt) = side.clients();
        zetl_preflight::run::tags::attach_workgroup_tags(&mut snap, &tgt).await;
        let TargetSnapshot::Serverless(t) = &snap.target else {
            unreachable!()
        };
        let tags = t.tags.as_ref().expect("read");
        match denied {
            false => assert_eq!(
                tags.ok()
                    .unwrap()
                    .get("aws:cloudformation:stack-name")
                    .map(String::as_str),
                Some("analytics")
            ),
            true => {
                let e = tags.as_result().unwrap_err();
                assert_eq!(e.call, "redshift-serverless:ListTagsForResource");
                assert_eq!(e.code.as_deref(), Some("AccessDeniedException"));
            }
        }
    }
}

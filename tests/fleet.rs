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
struct Shared(SourceClients, TargetClients, aws_sdk_redshiftdata::Client);

impl run::Clients for Shared {
    fn for_pair(&self, _: &SourceRef, _: &TargetRef) -> (SourceClients, TargetClients) {
        (self.0.clone(), self.1.clone())
    }
    fn in_region(&self, _: &str) -> SourceClients {
        self.0.clone()
    }
    fn targets_in_region(&self, _: &str) -> TargetClients {
        self.1.clone()
    }
    fn data_api(&self, _: &str) -> aws_sdk_redshiftdata::Client {
        self.2.clone()
    }
    fn sdk(&self) -> Option<&aws_config::SdkConfig> {
        None
    }
}

/// A Data API client that answers nothing (the tests that do not read table states).
fn no_data_api() -> aws_sdk_redshiftdata::Client {
    aws_smithy_mocks::mock_client!(aws_sdk_redshiftdata, [])
}

/// `n` Aurora PostgreSQL clusters `events-pg-1..n`; cluster `i` uses `group(i)`.
pub fn clusters(n: usize, group: fn(usize) -> String) -> Rule {
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
    let results = read_all(Arc::new(Shared(src, tgt, no_data_api())), &pairs(12)).await;
    assert_eq!(results.len(), 12);
    for (i, r) in results.iter().enumerate() {
        let snap = r.as_ref().unwrap();
        assert_eq!(
            snap.source
                .rds()
                .unwrap()
                .cluster()
                .unwrap()
                .db_cluster_identifier,
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
    // Cluster list, instance list (plain names are looked up as both), 3 parameter pages,
    // engine defaults, integrations, blue/green; DescribeClusters (ruled out), GetWorkgroup,
    // GetNamespace, GetResourcePolicy. (The group's family comes from the engine version: no
    // DescribeDBClusterParameterGroups.)
    assert_eq!(total, 12, "{calls:?}");
    // What pairs have in common is held once, not copied into every snapshot.
    let (a, b) = (results[0].as_ref().unwrap(), results[11].as_ref().unwrap());
    let group = |s: &zetl_preflight::model::Snapshot| {
        s.source
            .rds()
            .unwrap()
            .parameter_group
            .ok()
            .unwrap()
            .parameters
            .clone()
    };
    let defaults = |s: &zetl_preflight::model::Snapshot| {
        s.source
            .rds()
            .unwrap()
            .engine_defaults
            .ok()
            .unwrap()
            .parameters
            .clone()
    };
    assert!(!group(a).is_empty());
    assert!(Arc::ptr_eq(&group(a), &group(b)));
    assert!(Arc::ptr_eq(&defaults(a), &defaults(b)));
    assert!(Arc::ptr_eq(
        a.integrations.ok().unwrap(),
        b.integrations.ok().unwrap()
    ));
    // And the findings are those of a single check.
    let first = evaluate(a, &RuleSet::embedded().unwrap());
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
    let results = read_all(Arc::new(Shared(src, tgt, no_data_api())), &pairs(2)).await;
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

fn integration(
    name: &str,
    source: &str,
    status: aws_sdk_rds::types::IntegrationStatus,
) -> aws_sdk_rds::types::Integration {
    aws_sdk_rds::types::Integration::builder()
        .integration_name(name)
        .integration_arn(format!(
            "arn:aws:rds:us-east-1:123456789012:integration:{name}"
        ))
        .source_arn(source)
        .target_arn(NS_ARN)
        .status(status)
        .build()
}

/// ListNamespaces and ListWorkgroups of the account: analytics-ns behind analytics-wg (the
/// integrations name their target by namespace ARN, resolved by listing).
fn serverless_listing() -> (Rule, Rule) {
    let namespaces = mock!(aws_sdk_redshiftserverless::Client::list_namespaces).then_output(|| {
        aws_sdk_redshiftserverless::operation::list_namespaces::ListNamespacesOutput::builder()
            .namespaces(
                aws_sdk_redshiftserverless::types::Namespace::builder()
                    .namespace_name("analytics-ns")
                    .namespace_arn(NS_ARN)
                    .build(),
            )
            .build()
            .unwrap()
    });
    let workgroups = mock!(aws_sdk_redshiftserverless::Client::list_workgroups).then_output(|| {
        aws_sdk_redshiftserverless::operation::list_workgroups::ListWorkgroupsOutput::builder()
            .workgroups(
                aws_sdk_redshiftserverless::types::Workgroup::builder()
                    .workgroup_name("analytics-wg")
                    .namespace_name("analytics-ns")
                    .status(aws_sdk_redshiftserverless::types::WorkgroupStatus::Available)
                    .config_parameters(
                        aws_sdk_redshiftserverless::types::ConfigParameter::builder()
                            .parameter_key("enable_case_sensitive_identifier")
                            .parameter_value("true")
                            .build(),
                    )
                    .build(),
            )
            .build()
            .unwrap()
    });
    (namespaces, workgroups)
}

/// `audit`: integrations on two pages; one healthy, one needs attention with an error the
/// rules confirm, one with an RDS (non-Aurora) source that is listed but not checked.
#[tokio::test]
async fn audit_finds_every_integration_and_maps_its_errors_to_rules() {
    use aws_sdk_rds::operation::describe_integrations::DescribeIntegrationsOutput;
    use aws_sdk_rds::types::IntegrationStatus;
    use zetl_preflight::report::{self, table, Document, IntegrationInfo, Report};
    let mut side = Side::serverless_ok();
    side.rds[0] = clusters(3, |i| {
        if i == 2 {
            "replication-off".into()
        } else {
            "events-pg-zetl".into()
        }
    });
    // The Side's own DescribeIntegrations answer is replaced by the two pages below.
    side.rds.remove(6);
    let page1 = mock!(aws_sdk_rds::Client::describe_integrations)
        .match_requests(|r| r.marker().is_none())
        .then_output(|| {
            DescribeIntegrationsOutput::builder()
                .integrations(integration(
                    "healthy",
                    "arn:aws:rds:us-east-1:123456789012:cluster:events-pg-1",
                    IntegrationStatus::Active,
                ))
                .marker("page-2")
                .build()
        });
    let page2 = mock!(aws_sdk_rds::Client::describe_integrations)
        .match_requests(|r| r.marker() == Some("page-2"))
        .then_output(|| {
            let mut broken = integration(
                "stalled",
                "arn:aws:rds:us-east-1:123456789012:cluster:events-pg-2",
                IntegrationStatus::NeedsAttention,
            );
            broken.errors = Some(vec![aws_sdk_rds::types::IntegrationError::builder()
                .error_code("INTEGRATION_FAILURE")
                .error_message("Logical replication is not enabled on the source")
                .build()]);
            DescribeIntegrationsOutput::builder()
                .integrations(broken)
                .integrations(integration(
                    "rds-sqlserver",
                    "arn:aws:rds:us-east-1:123456789012:db:mssql-1",
                    IntegrationStatus::Active,
                ))
                // Its source is gone: the audit cannot check it, and says so.
                .integrations(integration(
                    "orphan",
                    "arn:aws:rds:us-east-1:123456789012:cluster:events-pg-9",
                    IntegrationStatus::Failed,
                ))
                .build()
        });
    let off = mock!(aws_sdk_rds::Client::describe_db_cluster_parameters)
        .match_requests(|r| r.db_cluster_parameter_group_name() == Some("replication-off"))
        .then_output(|| {
            aws_sdk_rds::operation::describe_db_cluster_parameters::DescribeDbClusterParametersOutput::builder()
                .parameters(rds_param("rds.logical_replication", "0"))
                .build()
        });
    side.rds.insert(0, off);
    side.rds.push(page1.clone());
    side.rds.push(page2.clone());
    // The integrations name their target by namespace ARN: resolved by listing.
    let (namespaces, workgroups) = serverless_listing();
    side.serverless.push(namespaces.clone());
    side.serverless.push(workgroups.clone());
    // The Redshift side also sees one integration from another account.
    let inbound = mock!(aws_sdk_redshift::Client::describe_inbound_integrations).then_output(|| {
        aws_sdk_redshift::operation::describe_inbound_integrations::DescribeInboundIntegrationsOutput::builder()
            .inbound_integrations(
                aws_sdk_redshift::types::InboundIntegration::builder()
                    .integration_arn("arn:aws:rds:us-east-1:999999999999:integration:elsewhere")
                    .source_arn("arn:aws:rds:us-east-1:999999999999:cluster:partner-db")
                    .target_arn(NS_ARN)
                    .status(aws_sdk_redshift::types::ZeroEtlIntegrationStatus::Active)
                    .build(),
            )
            .inbound_integrations(
                aws_sdk_redshift::types::InboundIntegration::builder()
                    .integration_arn("arn:aws:rds:us-east-1:123456789012:integration:healthy")
                    .source_arn("arn:aws:rds:us-east-1:123456789012:cluster:events-pg-1")
                    .target_arn(NS_ARN)
                    .build(),
            )
            .build()
    });
    side.redshift.push(inbound);
    // The RDS source is read, and is an engine the tool does not cover: noted, not checked.
    // (First, before the empty instance list of the shared rules.)
    side.rds.insert(
        0,
        mock!(aws_sdk_rds::Client::describe_db_instances).then_output(|| {
            aws_sdk_rds::operation::describe_db_instances::DescribeDbInstancesOutput::builder()
                .db_instances(
                    aws_sdk_rds::types::DbInstance::builder()
                        .db_instance_identifier("mssql-1")
                        .db_instance_arn("arn:aws:rds:us-east-1:123456789012:db:mssql-1")
                        .engine("sqlserver-se")
                        .engine_version("15.00.4365.2.v1")
                        .db_instance_status("available")
                        .build(),
                )
                .build()
        }),
    );
    let (src, tgt) = side.clients();
    // The creator is simulated for the candidate only: the others exist already.
    let simulate = mock!(aws_sdk_iam::Client::simulate_principal_policy).then_http_response(denied);
    let iam = aws_smithy_mocks::mock_client!(
        aws_sdk_iam,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&simulate]
    );
    let (described, policy) = kms_key_answers();
    let kms = aws_smithy_mocks::mock_client!(
        aws_sdk_kms,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&described, &policy]
    );
    let audited = audit_one(
        Arc::new(WithKms(Shared(src, tgt, no_data_api()), kms, Some(iam))),
        Some("analytics-wg"),
        Some("arn:aws:iam::123456789012:role/deployer"),
    )
    .await;
    let simulated: Vec<bool> = audited
        .checked
        .iter()
        .map(|(_, s)| s.creator.is_some())
        .collect();
    assert_eq!(simulated, vec![false, false, true]);
    // Two integrations and one candidate (events-pg-3 has none), in discovery order.
    assert_eq!(audited.checked.len(), 3);
    assert!(audited.checked[2].0.candidate);
    assert_eq!(audited.checked[2].0.integration.status, "(not created)");
    // The inbound integration from another account is named, the known one is not repeated.
    let inbound: Vec<&String> = audited
        .notes
        .iter()
        .filter(|n| n.starts_with("inbound"))
        .collect();
    assert_eq!(inbound.len(), 1, "{inbound:?}");
    assert!(inbound[0].contains("999999999999") && inbound[0].contains("--role-arn"));
    assert!(
        audited.notes.iter().any(|n| n.contains("rds-sqlserver")
            && n.contains("not checked")
            && n.contains("sqlserver-se")),
        "{:?}",
        audited.notes
    );
    // An integration that could not be checked is unverified, never left out silently.
    assert_eq!(audited.unverified.len(), 1, "{:?}", audited.unverified);
    assert!(
        audited.unverified[0].contains("orphan") && audited.unverified[0].contains("events-pg-9"),
        "{:?}",
        audited.unverified
    );
    // Both pages were read once, and the pairs did not list the integrations again.
    assert_eq!((page1.num_calls(), page2.num_calls()), (1, 1));
    assert_eq!((namespaces.num_calls(), workgroups.num_calls()), (1, 1));

    let rules = RuleSet::embedded().unwrap();
    let reports: Vec<Report> = audited
        .checked
        .iter()
        .map(|(f, s)| {
            let findings = evaluate(s, &rules);
            let mut r = Report::new(s, findings);
            r.integration = Some(IntegrationInfo::new(
                &f.integration,
                &f.region,
                &r.findings,
                &RuleSet::embedded().unwrap().causes,
            ));
            r
        })
        .collect();
    let stalled = reports[1].integration.as_ref().unwrap();
    assert_eq!(stalled.status, "needs_attention");
    assert!(stalled.errors[0]
        .confirmed_by
        .contains(&"ZP001".to_string()));
    let doc = Document::new(reports, &rules);
    let out = report::render(&doc, report::Format::Table, &table::TableOptions::plain());
    assert!(out.starts_with("Fleet: 3 integrations"), "{out}");
    assert!(out.contains("(not created)"), "{out}");
    assert!(out.contains("healthy") && out.contains("stalled"), "{out}");
    assert!(out.contains("confirmed by ZP001"), "{out}");
}

fn data_api_answering(
    overview: Vec<Vec<&'static str>>,
    failed: Vec<Vec<&'static str>>,
) -> aws_sdk_redshiftdata::Client {
    use aws_sdk_redshiftdata::operation::describe_statement::DescribeStatementOutput;
    use aws_sdk_redshiftdata::operation::execute_statement::ExecuteStatementOutput;
    use aws_sdk_redshiftdata::operation::get_statement_result::GetStatementResultOutput;
    use aws_sdk_redshiftdata::types::{Field, StatusString};
    let exec = mock!(aws_sdk_redshiftdata::Client::execute_statement).then_compute_output(|r| {
        let id = if r
            .sql()
            .unwrap_or("")
            .contains("svv_integration_table_state")
        {
            "tables"
        } else {
            "overview"
        };
        ExecuteStatementOutput::builder().id(id).build()
    });
    let describe =
        mock!(aws_sdk_redshiftdata::Client::describe_statement).then_compute_output(|r| {
            DescribeStatementOutput::builder()
                .id(r.id().unwrap_or_default())
                .status(StatusString::Finished)
                .build()
                .unwrap()
        });
    let records = move |rows: &Vec<Vec<&'static str>>| {
        rows.iter()
            .map(|r| {
                r.iter()
                    .map(|v| Field::StringValue(v.to_string()))
                    .collect::<Vec<_>>()
            })
            .collect::<Vec<_>>()
    };
    let (ov, ts) = (records(&overview), records(&failed));
    let result =
        mock!(aws_sdk_redshiftdata::Client::get_statement_result).then_compute_output(move |r| {
            let rows = if r.id() == Some("tables") {
                ts.clone()
            } else {
                ov.clone()
            };
            GetStatementResultOutput::builder()
                .set_records(Some(rows))
                .build()
                .unwrap()
        });
    aws_smithy_mocks::mock_client!(
        aws_sdk_redshiftdata,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&exec, &describe, &result]
    )
}

/// `audit --tables`: failed tables and lag from SVV_INTEGRATION*, and an empty answer said
/// to be incomplete (the views show every row only to a superuser), never "no failed tables".
#[tokio::test]
async fn table_states_name_failed_tables_and_never_read_empty_as_healthy() {
    use zetl_preflight::model::Snapshot;
    use zetl_preflight::run::audit::Found;
    use zetl_preflight::run::tables::read as table_state;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/postgres-serverless-ok.json");
    let snap: Snapshot = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let found = Found {
        region: "us-east-1".into(),
        integration: serde_json::from_value(serde_json::json!({
            "IntegrationName": "events",
            "IntegrationArn": "arn:aws:rds:us-east-1:123456789012:integration:5b9f0c2e-1a2b",
            "SourceArn": PG_ARN,
            "TargetArn": NS_ARN,
            "Status": "needs_attention"
        }))
        .unwrap(),
        pair: Err(String::new()),
        candidate: false,
    };
    let opts = fast_tables();
    let (src, tgt) = Side::serverless_ok().clients();
    let api = data_api_answering(
        vec![vec!["ErrorState", "42", "events_db"]],
        vec![vec![
            "public",
            "orders",
            "Failed",
            "table has no primary key",
        ]],
    );
    let checked = [(found.clone(), snap.clone())];
    let clients = Shared(src.clone(), tgt.clone(), api);
    let t = &table_state(
        &clients,
        checked[0].0.integration.integration_arn.as_deref().unwrap(),
        &checked[0].1,
        &opts,
    )
    .await;
    assert_eq!(t.state.as_deref(), Some("ErrorState"));
    assert_eq!(t.target_database.as_deref(), Some("events_db"));
    assert_eq!(t.tables[0].table, "public.orders");
    assert_eq!(
        t.tables[0].reason.as_deref(),
        Some("table has no primary key")
    );

    let api = data_api_answering(vec![], vec![]);
    let clients = Shared(src, tgt, api);
    let state = table_state(
        &clients,
        checked[0].0.integration.integration_arn.as_deref().unwrap(),
        &checked[0].1,
        &opts,
    )
    .await;
    let note = state.note.as_deref().unwrap();
    assert!(note.contains("superuser"), "{note}");
    assert!(state.tables.is_empty());
}

/// Two accounts audited at once: an inbound integration that one account's target sees is
/// noted as "in another account" only when that account is not audited too, and once.
#[tokio::test]
async fn an_integration_seen_from_two_audited_accounts_is_checked_once_and_not_noted() {
    use aws_sdk_rds::operation::describe_integrations::DescribeIntegrationsOutput;
    use aws_sdk_rds::types::IntegrationStatus;
    use run::audit::{discover_all, Account};
    let inbound = || {
        mock!(aws_sdk_redshift::Client::describe_inbound_integrations).then_output(|| {
            let seen = |arn: &str, source: &str| {
                aws_sdk_redshift::types::InboundIntegration::builder()
                    .integration_arn(arn)
                    .source_arn(source)
                    .target_arn(NS_ARN)
                    .build()
            };
            aws_sdk_redshift::operation::describe_inbound_integrations::DescribeInboundIntegrationsOutput::builder()
                .inbound_integrations(seen(
                    "arn:aws:rds:us-east-1:123456789012:integration:shared",
                    "arn:aws:rds:us-east-1:123456789012:cluster:events-pg-1",
                ))
                .inbound_integrations(seen(
                    "arn:aws:rds:us-east-1:999999999999:integration:partner",
                    "arn:aws:rds:us-east-1:999999999999:cluster:partner-db",
                ))
                .build()
        })
    };
    // Account A owns the source of "shared"; account B's target sees it (and "partner").
    let mut a = Side::serverless_ok();
    // The Side's own (empty) DescribeIntegrations answer is replaced.
    a.rds.remove(6);
    a.rds.push(
        mock!(aws_sdk_rds::Client::describe_integrations).then_output(|| {
            DescribeIntegrationsOutput::builder()
                .integrations(integration(
                    "shared",
                    "arn:aws:rds:us-east-1:123456789012:cluster:events-pg-1",
                    IntegrationStatus::Active,
                ))
                .build()
        }),
    );
    a.redshift.push(inbound());
    let mut b = Side::serverless_ok();
    b.rds.remove(6);
    b.rds.push(
        mock!(aws_sdk_rds::Client::describe_integrations)
            .then_output(|| DescribeIntegrationsOutput::builder().build()),
    );
    b.redshift.push(inbound());
    let account = |side: &Side, role: Option<&str>| {
        let (src, tgt) = side.clients();
        Account {
            role: role.map(str::to_string),
            clients: Arc::new(Shared(src, tgt, no_data_api())),
            regions: vec!["us-east-1".to_string()],
        }
    };
    let discovered = discover_all(
        vec![
            account(&a, None),
            account(&b, Some("arn:aws:iam::210987654321:role/audit")),
        ],
        None,
    )
    .await
    .unwrap();
    let names: Vec<_> = discovered
        .found
        .iter()
        .map(|(n, f)| (*n, f.integration.integration_name.clone().unwrap()))
        .collect();
    assert_eq!(names, vec![(0, "shared".to_string())]);
    let notes = discovered.notes.join("\n");
    assert_eq!(notes.matches("integration:partner").count(), 1, "{notes}");
    assert!(!notes.contains("integration:shared"), "{notes}");
}

/// A plan with two integrations from the same new cluster: completing them from AWS reads
/// the Region's integrations and the family's engine defaults once, not once per pair.
#[tokio::test]
async fn a_plans_pairs_share_their_live_reads() {
    use zetl_preflight::inputs::terraform;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/terraform/mysql-serverless-new.json");
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    // A second integration: the same pair, another name.
    for list in ["/resource_changes", "/configuration/root_module/resources"] {
        let items = plan.pointer_mut(list).unwrap().as_array_mut().unwrap();
        let mut second = items
            .iter()
            .find(|r| r["address"] == "aws_rds_integration.this")
            .unwrap()
            .clone();
        second["address"] = serde_json::json!("aws_rds_integration.second");
        second["name"] = serde_json::json!("second");
        items.push(second);
    }
    let world = terraform::read(&plan.to_string(), "plan.json", None).unwrap();
    let (pairs, unchecked) = world.pairs(None).unwrap();
    assert_eq!((pairs.len(), unchecked.len()), (2, 0));

    let integrations = mock!(aws_sdk_rds::Client::describe_integrations).then_output(|| {
        aws_sdk_rds::operation::describe_integrations::DescribeIntegrationsOutput::builder().build()
    });
    let defaults = mysql_defaults();
    let src = SourceClients {
        rds: aws_smithy_mocks::mock_client!(
            aws_sdk_rds,
            aws_smithy_mocks::RuleMode::MatchAny,
            [&integrations, &defaults]
        ),
        dynamodb: no_table_clients().0,
        redshift: no_table_clients().1,
        cache: None,
        wanted: Default::default(),
    };
    let (_, tgt) = Side::serverless_ok().clients();
    let done = run::deployment::snapshots(
        Arc::new(Shared(src, tgt, no_data_api())),
        pairs,
        None,
        None,
        4,
    )
    .await;
    assert!(done.iter().all(Result::is_ok));
    assert_eq!(integrations.num_calls(), 1);
    assert_eq!(defaults.num_calls(), 1);
    let snap = done.into_iter().next().unwrap().unwrap();
    assert!(snap.integrations.ok().is_some(), "read from AWS");
    assert!(
        snap.source.rds().unwrap().engine_defaults.ok().is_some(),
        "read from AWS"
    );
}

/// The engine defaults of aurora-mysql8.0, as far as the plans' checks need them.
fn mysql_defaults() -> Rule {
    mock!(aws_sdk_rds::Client::describe_engine_default_cluster_parameters)
        .then_output(|| {
            aws_sdk_rds::operation::describe_engine_default_cluster_parameters::DescribeEngineDefaultClusterParametersOutput::builder()
                .engine_defaults(
                    aws_sdk_rds::types::EngineDefaults::builder()
                        .db_parameter_group_family("aurora-mysql8.0")
                        .parameters(rds_param("binlog_transaction_compression", "OFF"))
                        .build(),
                )
                .build()
        })
}

/// Completing a plan from AWS when the reads are denied: the facts stay failed reads, and
/// the rules that need them are unverified, never a pass on the plan's side alone.
#[tokio::test]
async fn a_plans_denied_live_reads_are_unverified() {
    let integrations = mock!(aws_sdk_rds::Client::describe_integrations).then_http_response(denied);
    let defaults = mock!(aws_sdk_rds::Client::describe_engine_default_cluster_parameters)
        .then_http_response(denied);
    let snap = plan_read_live("mysql-serverless-new.json", &[&integrations, &defaults]).await;
    let findings = evaluate(&snap, &RuleSet::embedded().unwrap());
    let status = |code: &str| findings.iter().find(|f| f.rule == code).unwrap().status;
    // The account's integrations: denied.
    assert_eq!(status("ZI001"), Status::Error);
    // Not set in the planned group; the defaults were denied; the documented default would
    // pass: unverified.
    assert_eq!(status("ZM007"), Status::Error);
    let zm007 = findings.iter().find(|f| f.rule == "ZM007").unwrap();
    assert!(zm007.message.contains("AccessDenied"), "{}", zm007.message);
}

/// Every pair's snapshot through the run's own reader (one read cache for many pairs), in
/// order.
async fn read_all(
    clients: Arc<Shared>,
    pairs: &[(SourceRef, TargetRef)],
) -> Vec<Result<zetl_preflight::model::Snapshot, zetl_preflight::fetch::FetchError>> {
    let cache =
        (pairs.len() > 1).then(|| Arc::new(zetl_preflight::fetch::cache::ReadCache::default()));
    let mut out = Vec::new();
    run::each_snapshot(
        cache,
        clients,
        pairs,
        4,
        &run::Extras::default(),
        |_, snap| out.push(snap),
    )
    .await;
    out
}

/// What one account's audit checked (in discovery order), noted and could not verify,
/// through the audit's own discovery and reads.
struct Audited {
    checked: Vec<(run::audit::Found, zetl_preflight::model::Snapshot)>,
    notes: Vec<String>,
    unverified: Vec<String>,
}

async fn audit_one<C: run::Clients + 'static>(
    clients: Arc<C>,
    candidates: Option<&str>,
    creator: Option<&str>,
) -> Audited {
    let account = run::audit::Account {
        role: None,
        clients,
        regions: vec!["us-east-1".to_string()],
    };
    let found = run::audit::discover_all(vec![account], candidates)
        .await
        .unwrap();
    let mut out = Audited {
        checked: Vec::new(),
        notes: found.notes.clone(),
        unverified: found.unverified.clone(),
    };
    found
        .check(4, (None, creator, 900), |c| match c.snapshot {
            Ok(s) => out.checked.push((c.found, s)),
            Err(e) if run::audit::out_of_scope(&e) => out.notes.push(format!(
                "{} is not checked: {e}",
                run::audit::label(&c.found)
            )),
            Err(e) => out.unverified.push(format!(
                "{} could not be checked: {e}",
                run::audit::label(&c.found)
            )),
        })
        .await;
    out
}

/// An existing cluster's live state is read with --live; when that read fails, its facts
/// stay unverified saying the read was tried and why, not in `--offline`'s words.
#[tokio::test]
async fn a_failed_live_read_says_it_was_tried() {
    let clusters = mock!(aws_sdk_rds::Client::describe_db_clusters).then_http_response(denied);
    let integrations = mock!(aws_sdk_rds::Client::describe_integrations).then_http_response(denied);
    let defaults = mock!(aws_sdk_rds::Client::describe_engine_default_cluster_parameters)
        .then_http_response(denied);
    let snap = plan_read_live(
        "mysql-serverless-broken.json",
        &[&clusters, &integrations, &defaults],
    )
    .await;
    let plan = snap.deployment.as_ref().unwrap();
    let why = plan
        .unknown
        .get("source.cluster.Status")
        .expect("the status is unknown");
    assert!(why.contains("reading it from AWS failed"), "{why}");
    assert!(why.contains("AccessDenied"), "{why}");
    assert!(!why.contains("not read from AWS"), "{why}");
}

/// An AWS AccessDenied answer, for mocked calls.
fn denied() -> aws_smithy_runtime_api::client::orchestrator::HttpResponse {
    aws_smithy_runtime_api::client::orchestrator::HttpResponse::new(
        403.try_into().unwrap(),
        aws_smithy_types::body::SdkBody::from(
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
             <Message>not authorized</Message></Error><RequestId>1</RequestId></ErrorResponse>",
        ),
    )
}

/// The one pair of `fixtures/terraform/FILE` completed from AWS: RDS answers with `rds`, the
/// target side as in `Side::serverless_ok`.
async fn plan_read_live(file: &str, rds: &[&Rule]) -> zetl_preflight::model::Snapshot {
    use zetl_preflight::inputs::terraform;
    let src = SourceClients {
        rds: aws_smithy_mocks::mock_client!(aws_sdk_rds, aws_smithy_mocks::RuleMode::MatchAny, rds),
        dynamodb: no_table_clients().0,
        redshift: no_table_clients().1,
        cache: None,
        wanted: Default::default(),
    };
    let (_, tgt) = Side::serverless_ok().clients();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/terraform")
        .join(file);
    let world =
        terraform::read(&std::fs::read_to_string(path).unwrap(), "plan.json", None).unwrap();
    let (pairs, _) = world.pairs(None).unwrap();
    let mut done = run::deployment::snapshots(
        Arc::new(Shared(src, tgt, no_data_api())),
        pairs,
        None,
        None,
        4,
    )
    .await;
    done.remove(0).unwrap()
}

/// The clients of `Shared`, with KMS and IAM.
struct WithKms(Shared, aws_sdk_kms::Client, Option<aws_sdk_iam::Client>);

impl run::Clients for WithKms {
    fn for_pair(&self, s: &SourceRef, t: &TargetRef) -> (SourceClients, TargetClients) {
        self.0.for_pair(s, t)
    }
    fn in_region(&self, r: &str) -> SourceClients {
        self.0.in_region(r)
    }
    fn targets_in_region(&self, r: &str) -> TargetClients {
        self.0.targets_in_region(r)
    }
    fn data_api(&self, r: &str) -> aws_sdk_redshiftdata::Client {
        self.0.data_api(r)
    }
    fn kms(&self, _: &str) -> Option<aws_sdk_kms::Client> {
        Some(self.1.clone())
    }
    fn iam(&self) -> Option<aws_sdk_iam::Client> {
        self.2.clone()
    }
    fn sdk(&self) -> Option<&aws_config::SdkConfig> {
        None
    }
}

/// DescribeKey of `KEY` (an enabled customer managed symmetric key) and GetKeyPolicy
/// answering AWS's default key policy, which delegates to IAM and lets Redshift nothing.
fn kms_key_answers() -> (Rule, Rule) {
    use aws_sdk_kms::types::{KeyManagerType, KeyMetadata, KeySpec, KeyState, KeyUsageType};
    let described = mock!(aws_sdk_kms::Client::describe_key)
        .match_requests(|r| r.key_id() == Some(KEY))
        .then_output(|| {
            aws_sdk_kms::operation::describe_key::DescribeKeyOutput::builder()
                .key_metadata(
                    KeyMetadata::builder()
                        .key_id("1234abcd-12ab-34cd-56ef-1234567890ab")
                        .arn(KEY)
                        .key_state(KeyState::Enabled)
                        .key_manager(KeyManagerType::Customer)
                        .key_spec(KeySpec::SymmetricDefault)
                        .key_usage(KeyUsageType::EncryptDecrypt)
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let policy = mock!(aws_sdk_kms::Client::get_key_policy).then_output(|| {
        aws_sdk_kms::operation::get_key_policy::GetKeyPolicyOutput::builder()
            .policy(
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"kms:*","Resource":"*"}]}"#,
            )
            .build()
    });
    (described, policy)
}

const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// `audit` checks an existing integration's customer managed key: the KMSKeyId and the
/// encryption context DescribeIntegrations gives, read with DescribeKey and GetKeyPolicy.
#[tokio::test]
async fn audit_reads_the_kms_key_of_an_existing_integration() {
    use aws_sdk_rds::operation::describe_integrations::DescribeIntegrationsOutput;
    let mut side = Side::serverless_ok();
    // One pair: its cluster is read by its ARN (the Side's answer), not listed.
    side.rds.remove(6);
    side.rds.push(
        mock!(aws_sdk_rds::Client::describe_integrations).then_output(|| {
            let mut i = integration(
                "encrypted",
                PG_ARN,
                aws_sdk_rds::types::IntegrationStatus::Active,
            );
            i.kms_key_id = Some(KEY.into());
            i.additional_encryption_context =
                Some([("team".to_string(), "orders".to_string())].into());
            DescribeIntegrationsOutput::builder()
                .integrations(i)
                .build()
        }),
    );
    let (namespaces, workgroups) = serverless_listing();
    side.serverless.push(namespaces);
    side.serverless.push(workgroups);
    side.redshift.push(
        mock!(aws_sdk_redshift::Client::describe_inbound_integrations).then_output(|| {
            aws_sdk_redshift::operation::describe_inbound_integrations::DescribeInboundIntegrationsOutput::builder().build()
        }),
    );
    let (described, policy) = kms_key_answers();
    let kms = aws_smithy_mocks::mock_client!(
        aws_sdk_kms,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&described, &policy]
    );
    let (src, tgt) = side.clients();
    let clients = WithKms(Shared(src, tgt, no_data_api()), kms, None);
    let account = run::audit::Account {
        role: None,
        clients: Arc::new(clients),
        regions: vec!["us-east-1".to_string()],
    };
    let found = run::audit::discover_all(vec![account], None).await.unwrap();
    let mut checked = Vec::new();
    found
        .check(4, (None, None, 900), |c| checked.push(c.snapshot.unwrap()))
        .await;
    assert_eq!(checked.len(), 1);
    let key = checked[0]
        .kms_key
        .as_ref()
        .expect("the integration's key is read");
    assert_eq!(key.origin, "the KMSKeyId of integration encrypted");
    assert_eq!(key.encryption_context["team"], "orders");
    assert_eq!((described.num_calls(), policy.num_calls()), (1, 1));
    let findings = evaluate(&checked[0], &RuleSet::embedded().unwrap());
    let status = |code: &str| findings.iter().find(|f| f.rule == code).unwrap().status;
    // Usable, within the context limit, but Redshift may not create its grant.
    assert_eq!(status("ZK001"), Status::Pass);
    assert_eq!(status("ZK005"), Status::Pass);
    assert_eq!(status("ZK002"), Status::Fail);
}

/// A plan whose integration names a key outside it: with --live the key is read as a live
/// check reads it, and the creator's permissions are simulated (a denied simulation is
/// unverified, never a pass).
#[tokio::test]
async fn a_plans_key_outside_it_is_read_live_and_the_creator_simulated() {
    use zetl_preflight::inputs::terraform;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/terraform/mysql-serverless-new.json");
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    for r in plan["resource_changes"].as_array_mut().unwrap() {
        if r["address"] == "aws_rds_integration.this" {
            r["change"]["after"]["kms_key_id"] = serde_json::json!(KEY);
            r["change"]["after_unknown"]["kms_key_id"] = serde_json::json!(false);
        }
    }
    let world = terraform::read(&plan.to_string(), "plan.json", None).unwrap();
    let (pairs, _) = world.pairs(None).unwrap();
    let integrations = mock!(aws_sdk_rds::Client::describe_integrations).then_output(|| {
        aws_sdk_rds::operation::describe_integrations::DescribeIntegrationsOutput::builder().build()
    });
    let src = SourceClients {
        rds: aws_smithy_mocks::mock_client!(
            aws_sdk_rds,
            aws_smithy_mocks::RuleMode::MatchAny,
            [&integrations, &mysql_defaults()]
        ),
        dynamodb: no_table_clients().0,
        redshift: no_table_clients().1,
        cache: None,
        wanted: Default::default(),
    };
    let (_, tgt) = Side::serverless_ok().clients();
    let (described, policy) = kms_key_answers();
    let kms = aws_smithy_mocks::mock_client!(
        aws_sdk_kms,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&described, &policy]
    );
    let simulate = mock!(aws_sdk_iam::Client::simulate_principal_policy).then_http_response(denied);
    let iam = aws_smithy_mocks::mock_client!(
        aws_sdk_iam,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&simulate]
    );
    let clients = WithKms(Shared(src, tgt, no_data_api()), kms, Some(iam));
    let creator = (
        "arn:aws:iam::123456789012:role/deployer".to_string(),
        "--creator".to_string(),
    );
    let done = run::deployment::snapshots(Arc::new(clients), pairs, None, Some(creator), 4).await;
    let snap = done.into_iter().next().unwrap().unwrap();
    assert_eq!((described.num_calls(), policy.num_calls()), (1, 1));
    let findings = evaluate(&snap, &RuleSet::embedded().unwrap());
    let status = |code: &str| findings.iter().find(|f| f.rule == code).unwrap().status;
    assert_eq!(status("ZK001"), Status::Pass);
    assert_eq!(status("ZK002"), Status::Fail);
    assert!(simulate.num_calls() >= 1);
    assert_eq!(status("ZW001"), Status::Error);
}

/// Pairs that share a KMS key read it once in a fleet run: DescribeKey and GetKeyPolicy are
/// facts of the key, not of the pair; each pair keeps its own origin and context.
#[tokio::test]
async fn a_key_many_pairs_use_is_read_once() {
    let (described, policy) = kms_key_answers();
    let kms = aws_smithy_mocks::mock_client!(
        aws_sdk_kms,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&described, &policy]
    );
    let (src, tgt) = Side::serverless_ok().clients();
    let clients = Arc::new(WithKms(Shared(src, tgt, no_data_api()), kms, None));
    let pair = (
        SourceRef::parse(PG_ARN).unwrap(),
        TargetRef::parse("analytics-wg").unwrap(),
    );
    let pairs = vec![pair.clone(), pair.clone(), pair];
    let choice = |team: &str| zetl_preflight::fetch::kms::KeyChoice {
        key: KEY.to_string(),
        origin: format!("pair {team}"),
        encryption_context: [("team".to_string(), team.to_string())].into(),
    };
    let extras = run::Extras {
        keys: vec![Some(choice("a")), Some(choice("b")), Some(choice("c"))],
        ..Default::default()
    };
    let cache = Some(Arc::new(zetl_preflight::fetch::cache::ReadCache::default()));
    let mut keys = Vec::new();
    run::each_snapshot(cache, clients, &pairs, 3, &extras, |_, snap| {
        keys.push(snap.unwrap().kms_key.expect("the pair's key is read"))
    })
    .await;
    assert_eq!((described.num_calls(), policy.num_calls()), (1, 1));
    let origins: Vec<&str> = keys.iter().map(|k| k.origin.as_str()).collect();
    assert_eq!(origins, ["pair a", "pair b", "pair c"]);
    assert_eq!(keys[2].encryption_context["team"], "c");
    assert!(keys
        .iter()
        .all(|k| k.description.ok().is_some() && k.policy.ok().is_some()));
}

/// `audit --candidates --creator`: the candidates of the creator's account are simulated
/// together (one batch for their sources, one ask for the namespace), and each candidate gets
/// its own source's answer.
#[tokio::test]
async fn audit_simulates_the_candidates_together() {
    use aws_sdk_iam::types::PolicyEvaluationDecisionType as D;
    let mut side = Side::serverless_ok();
    side.rds[0] = clusters(3, |_| "events-pg-zetl".into());
    // No integration yet: the three clusters are candidates.
    side.rds.remove(6);
    side.rds.push(
        mock!(aws_sdk_rds::Client::describe_integrations).then_output(|| {
            aws_sdk_rds::operation::describe_integrations::DescribeIntegrationsOutput::builder()
                .build()
        }),
    );
    let (namespaces, workgroups) = serverless_listing();
    side.serverless.push(namespaces);
    side.serverless.push(workgroups);
    side.redshift.push(
        mock!(aws_sdk_redshift::Client::describe_inbound_integrations).then_output(|| {
            aws_sdk_redshift::operation::describe_inbound_integrations::DescribeInboundIntegrationsOutput::builder().build()
        }),
    );
    // Allowed everywhere but on events-pg-2.
    let simulate =
        mock!(aws_sdk_iam::Client::simulate_principal_policy).then_compute_output(|req| {
            simulation_answer(req, |arn| {
                if arn.ends_with(":cluster:events-pg-2") {
                    D::ImplicitDeny
                } else {
                    D::Allowed
                }
            })
        });
    let iam = aws_smithy_mocks::mock_client!(
        aws_sdk_iam,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&simulate]
    );
    let (described, policy) = kms_key_answers();
    let kms = aws_smithy_mocks::mock_client!(
        aws_sdk_kms,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&described, &policy]
    );
    let (src, tgt) = side.clients();
    let audited = audit_one(
        Arc::new(WithKms(Shared(src, tgt, no_data_api()), kms, Some(iam))),
        Some("analytics-wg"),
        Some("arn:aws:iam::123456789012:role/deployer"),
    )
    .await;
    assert_eq!(audited.checked.len(), 3);
    assert_eq!(
        simulate.num_calls(),
        2,
        "one batch for the sources, one for the namespace"
    );
    let rules = RuleSet::embedded().unwrap();
    let zw001: Vec<(String, Status)> = audited
        .checked
        .iter()
        .map(|(f, s)| {
            let status = evaluate(s, &rules)
                .into_iter()
                .find(|x| x.rule == "ZW001")
                .unwrap()
                .status;
            (
                f.integration
                    .source_arn
                    .rsplit(':')
                    .next()
                    .unwrap()
                    .to_string(),
                status,
            )
        })
        .collect();
    assert_eq!(
        zw001,
        [
            ("events-pg-1".to_string(), Status::Pass),
            ("events-pg-2".to_string(), Status::Fail),
            ("events-pg-3".to_string(), Status::Pass)
        ]
    );
}

/// Without a creator, the reason the acting principal is not known reaches every pair's
/// snapshot, so the creator rules say so (unverified) instead of skipping.
#[tokio::test]
async fn why_the_acting_principal_is_unknown_reaches_each_pair() {
    let (src, tgt) = Side::serverless_ok().clients();
    let clients = Arc::new(Shared(src, tgt, no_data_api()));
    let pair = (
        SourceRef::parse(PG_ARN).unwrap(),
        TargetRef::parse("analytics-wg").unwrap(),
    );
    let extras = run::Extras {
        creator_unknown: Some(zetl_preflight::model::CallError::new(
            "sts:GetCallerIdentity",
            Some("AccessDenied"),
            "denied",
        )),
        ..Default::default()
    };
    let mut snaps = Vec::new();
    run::each_snapshot(None, clients, &[pair.clone(), pair], 2, &extras, |_, s| {
        snaps.push(s.unwrap())
    })
    .await;
    assert_eq!(snaps.len(), 2);
    for s in &snaps {
        assert!(s.creator.is_none());
        let e = s.creator_unknown.as_ref().expect("the reason is carried");
        assert_eq!(e.call, "sts:GetCallerIdentity");
    }
}

/// `check --tables`: the table states go into the existing integration's health facts, so
/// ZH002 names the failed table and its reason for a single pair as it does for `audit`.
#[tokio::test]
async fn check_tables_name_the_failed_table_in_zh002() {
    use zetl_preflight::model::Snapshot;
    use zetl_preflight::rules::{evaluate, RuleSet};
    use zetl_preflight::run::tables::attach;
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/integration-healthy.json");
    let mut snap: Snapshot = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let opts = fast_tables();
    let (src, tgt) = Side::serverless_ok().clients();
    let api = data_api_answering(
        vec![vec!["CdcRefreshState", "42", "orders"]],
        vec![vec![
            "shop",
            "audit_log",
            "Failed",
            "table has no primary key   ",
        ]],
    );
    attach(&Shared(src, tgt, api), &mut snap, &opts).await;
    let tables = snap.health.as_ref().unwrap().tables.as_ref().unwrap();
    assert_eq!(tables.tables[0].table, "shop.audit_log");
    let zh002 = evaluate(&snap, &RuleSet::embedded().unwrap())
        .into_iter()
        .find(|f| f.rule == "ZH002")
        .unwrap();
    assert_eq!(zh002.status, zetl_preflight::model::Status::Fail);
    assert!(
        zh002
            .message
            .contains("shop.audit_log (Failed: table has no primary key)"),
        "{}",
        zh002.message
    );
}

/// `--tables` on the `dev` database, polling the mocked Data API without waiting.
fn fast_tables() -> zetl_preflight::run::tables::TablesOptions {
    zetl_preflight::run::tables::TablesOptions {
        login: zetl_preflight::fetch::redshift_data::Login {
            database: "dev".into(),
            db_user: None,
            secret_arn: None,
        },
        poll: std::time::Duration::from_millis(1),
        timeout: std::time::Duration::from_secs(5),
    }
}

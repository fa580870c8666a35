//! DynamoDB table sources with aws-smithy-mocks, for what moto lacks (Redshift's
//! DescribeIntegrations, the Serverless target) and for faults on every new call: a fact the
//! tool could not read is `error` naming the call, never a pass or a fail; a table without a
//! policy is a fact; `audit` finds DynamoDB integrations among Redshift's and checks them.

mod common;

use std::sync::Arc;

use aws_sdk_dynamodb::operation::describe_continuous_backups::DescribeContinuousBackupsOutput;
use aws_sdk_dynamodb::operation::describe_table::DescribeTableOutput;
use aws_sdk_dynamodb::operation::get_resource_policy::GetResourcePolicyOutput;
use aws_sdk_dynamodb::types::{
    ContinuousBackupsDescription, ContinuousBackupsStatus, KeySchemaElement, KeyType,
    PointInTimeRecoveryDescription, PointInTimeRecoveryStatus, TableDescription, TableStatus,
};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_types::body::SdkBody;
use common::aws_mocks::*;
use zetl_preflight::fetch::{self, SourceClients, SourceRef, TargetClients, TargetRef};
use zetl_preflight::model::{Finding, Snapshot, Status};
use zetl_preflight::rules::{evaluate, RuleSet};

const TABLE: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";

/// A DynamoDB (JSON protocol) error answer.
fn ddb_error(status: u16, code: &str) -> HttpResponse {
    HttpResponse::new(
        status.try_into().unwrap(),
        SdkBody::from(format!(
            "{{\"__type\":\"com.amazonaws.dynamodb.v20120810#{code}\",\"message\":\"{code} for the test\"}}"
        )),
    )
}

/// A Redshift (query protocol) AccessDenied.
fn redshift_denied() -> HttpResponse {
    HttpResponse::new(
        403.try_into().unwrap(),
        SdkBody::from(
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
             <Message>not authorized</Message></Error><RequestId>1</RequestId></ErrorResponse>",
        ),
    )
}

fn table_ok() -> Rule {
    mock!(aws_sdk_dynamodb::Client::describe_table).then_output(|| {
        DescribeTableOutput::builder()
            .table(
                TableDescription::builder()
                    .table_name("orders")
                    .table_arn(TABLE)
                    .table_status(TableStatus::Active)
                    .key_schema(
                        KeySchemaElement::builder()
                            .attribute_name("id")
                            .key_type(KeyType::Hash)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build()
    })
}

fn pitr_on() -> Rule {
    mock!(aws_sdk_dynamodb::Client::describe_continuous_backups).then_output(|| {
        DescribeContinuousBackupsOutput::builder()
            .continuous_backups_description(
                ContinuousBackupsDescription::builder()
                    .continuous_backups_status(ContinuousBackupsStatus::Enabled)
                    .point_in_time_recovery_description(
                        PointInTimeRecoveryDescription::builder()
                            .point_in_time_recovery_status(PointInTimeRecoveryStatus::Enabled)
                            .build(),
                    )
                    .build()
                    .unwrap(),
            )
            .build()
    })
}

const TABLE_POLICY: &str = r#"{"Version":"2012-10-17","Statement":[
 {"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":["dynamodb:ExportTableToPointInTime","dynamodb:DescribeTable"],"Resource":"*",
  "Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},"ArnEquals":{"aws:SourceArn":"arn:aws:redshift:us-east-1:123456789012:integration:*"}}},
 {"Effect":"Allow","Principal":{"Service":"redshift.amazonaws.com"},"Action":"dynamodb:DescribeExport","Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/orders/export/*",
  "Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"},"ArnEquals":{"aws:SourceArn":"arn:aws:redshift:us-east-1:123456789012:integration:*"}}}]}"#;

fn policy_documented() -> Rule {
    mock!(aws_sdk_dynamodb::Client::get_resource_policy).then_output(|| {
        GetResourcePolicyOutput::builder()
            .policy(TABLE_POLICY)
            .revision_id("1700000000000")
            .build()
    })
}

/// The namespace policy of `Side::serverless_ok`, authorizing the table.
fn namespace_authorizes_table() -> Rule {
    mock!(aws_sdk_redshift::Client::get_resource_policy).then_output(|| {
        aws_sdk_redshift::operation::get_resource_policy::GetResourcePolicyOutput::builder()
            .resource_policy(
                aws_sdk_redshift::types::ResourcePolicy::builder()
                    .resource_arn(NS_ARN)
                    .policy(POLICY.replace(PG_ARN, TABLE))
                    .build(),
            )
            .build()
    })
}

/// One Redshift integration from the table into the workgroup's namespace.
fn table_integrations() -> Rule {
    mock!(aws_sdk_redshift::Client::describe_integrations).then_output(|| {
        use aws_sdk_redshift::types::{Integration, IntegrationError, ZeroEtlIntegrationStatus};
        aws_sdk_redshift::operation::describe_integrations::DescribeIntegrationsOutput::builder()
            .integrations(
                Integration::builder()
                    .integration_name("orders-to-analytics")
                    .integration_arn("arn:aws:redshift:us-east-1:123456789012:integration:0f1e2d3c")
                    .source_arn(TABLE)
                    .target_arn(NS_ARN)
                    .status(ZeroEtlIntegrationStatus::NeedsAttention)
                    .errors(
                        IntegrationError::builder()
                            .error_code("INTEGRATION_FAILURE")
                            .error_message("Redshift does not have access to DynamoDB table key")
                            .build(),
                    )
                    .build(),
            )
            // An S3 event integration: Redshift's too, and not a source the tool checks.
            .integrations(
                Integration::builder()
                    .integration_name("landing-bucket")
                    .integration_arn("arn:aws:redshift:us-east-1:123456789012:integration:5a6b7c8d")
                    .source_arn("arn:aws:s3:::landing-bucket")
                    .target_arn(NS_ARN)
                    .status(ZeroEtlIntegrationStatus::Active)
                    .build(),
            )
            .build()
    })
}

/// The source side: DynamoDB answers `ddb`, Redshift `redshift`, RDS nothing.
fn source(ddb: &[&Rule], redshift: &[&Rule]) -> SourceClients {
    let none: [&Rule; 0] = [];
    SourceClients {
        rds: mock_client!(aws_sdk_rds, RuleMode::MatchAny, none),
        dynamodb: mock_client!(aws_sdk_dynamodb, RuleMode::MatchAny, ddb, |c| c
            .retry_config(fast_retries())),
        redshift: mock_client!(aws_sdk_redshift, RuleMode::MatchAny, redshift, |c| c
            .retry_config(fast_retries())),
        cache: None,
        wanted: Default::default(),
    }
}

/// The Serverless target of `Side::serverless_ok`, its namespace authorizing the table.
fn target() -> TargetClients {
    let mut side = Side::serverless_ok();
    side.redshift.insert(0, namespace_authorizes_table());
    side.clients().1
}

async fn snapshot(src: &SourceClients) -> Snapshot {
    fetch::snapshot(
        src,
        &target(),
        &SourceRef::parse(TABLE).unwrap(),
        &TargetRef::parse("analytics-wg").unwrap(),
    )
    .await
    .expect("the table is read")
}

fn finding<'a>(findings: &'a [Finding], rule: &str) -> &'a Finding {
    findings
        .iter()
        .find(|f| f.rule == rule)
        .unwrap_or_else(|| panic!("{rule} missing: {findings:#?}"))
}

/// Everything answered as AWS documents it: the table's rules and the pair's pass, and the
/// existing integration's errors are reported (ZI005) with the table key rules they name.
#[tokio::test]
async fn a_documented_table_passes_and_its_integration_errors_are_reported() {
    let (t, p, pol, i) = (
        table_ok(),
        pitr_on(),
        policy_documented(),
        table_integrations(),
    );
    let snap = snapshot(&source(&[&t, &p, &pol], &[&i])).await;
    let findings = evaluate(&snap, &RuleSet::embedded().unwrap());
    for rule in [
        "ZB001", "ZB002", "ZB003", "ZB004", "ZB006", "ZA001", "ZA002", "ZC004", "ZR007",
    ] {
        assert_eq!(finding(&findings, rule).status, Status::Pass, "{rule}");
    }
    let health = finding(&findings, "ZI005");
    assert_eq!(health.status, Status::Fail);
    assert!(
        health
            .message
            .contains("does not have access to DynamoDB table key"),
        "{}",
        health.message
    );
    // The RDS rules do not judge a table: none of them is in the report.
    assert!(!findings.iter().any(|f| f.rule.starts_with("ZM")
        || f.rule.starts_with("ZC00") && f.rule != "ZC004"
        || f.rule.starts_with("ZI001")));
}

/// A fault on each new call: the rules that need the fact are `error` naming the call, the
/// others still judge; a table without a policy is a failure, not an error; a table the
/// caller cannot describe stops the check with the call named.
#[tokio::test]
async fn every_new_call_that_fails_is_named() {
    let rules = RuleSet::embedded().unwrap();
    // DescribeContinuousBackups denied: ZB002 unverified.
    let (t, pol, i) = (table_ok(), policy_documented(), table_integrations());
    let denied = mock!(aws_sdk_dynamodb::Client::describe_continuous_backups)
        .then_http_response(|| ddb_error(400, "AccessDeniedException"));
    let findings = evaluate(
        &snapshot(&source(&[&t, &denied, &pol], &[&i])).await,
        &rules,
    );
    let f = finding(&findings, "ZB002");
    assert_eq!(f.status, Status::Error);
    assert!(
        f.message.contains("dynamodb:DescribeContinuousBackups"),
        "{}",
        f.message
    );
    assert_eq!(finding(&findings, "ZB003").status, Status::Pass);

    // GetResourcePolicy denied: ZB003 unverified; PolicyNotFoundException: a fact (fail).
    let p = pitr_on();
    let denied = mock!(aws_sdk_dynamodb::Client::get_resource_policy)
        .then_http_response(|| ddb_error(400, "AccessDeniedException"));
    let findings = evaluate(&snapshot(&source(&[&t, &p, &denied], &[&i])).await, &rules);
    let f = finding(&findings, "ZB003");
    assert_eq!(f.status, Status::Error);
    assert!(
        f.message.contains("dynamodb:GetResourcePolicy"),
        "{}",
        f.message
    );
    let none = mock!(aws_sdk_dynamodb::Client::get_resource_policy)
        .then_http_response(|| ddb_error(400, "PolicyNotFoundException"));
    let findings = evaluate(&snapshot(&source(&[&t, &p, &none], &[&i])).await, &rules);
    let f = finding(&findings, "ZB003");
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.contains("has no resource policy"),
        "{}",
        f.message
    );

    // Redshift DescribeIntegrations denied: the existing integration is unverified.
    let denied =
        mock!(aws_sdk_redshift::Client::describe_integrations).then_http_response(redshift_denied);
    let findings = evaluate(
        &snapshot(&source(&[&t, &p, &pol], &[&denied])).await,
        &rules,
    );
    let f = finding(&findings, "ZI005");
    assert_eq!(f.status, Status::Error);
    assert!(
        f.message.contains("redshift:DescribeIntegrations"),
        "{}",
        f.message
    );

    // DescribeTable throttled after retries, and not found: the check cannot go on.
    async fn refused(answer: &'static str, p: &Rule, pol: &Rule, i: &Rule) -> String {
        let rule = mock!(aws_sdk_dynamodb::Client::describe_table)
            .then_http_response(move || ddb_error(400, answer));
        fetch::snapshot(
            &source(&[&rule, p, pol], &[i]),
            &target(),
            &SourceRef::parse(TABLE).unwrap(),
            &TargetRef::parse("analytics-wg").unwrap(),
        )
        .await
        .unwrap_err()
        .to_string()
    }
    let err = refused("ThrottlingException", &p, &pol, &i).await;
    assert!(
        err.contains("dynamodb:DescribeTable") && err.contains("orders"),
        "{err}"
    );
    let err = refused("ResourceNotFoundException", &p, &pol, &i).await;
    assert!(
        err.contains("DynamoDB table") && err.contains("not found"),
        "{err}"
    );
}

/// The same mock clients for every pair and Region.
struct Shared(SourceClients, TargetClients);

impl zetl_preflight::run::Clients for Shared {
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
        let none: [&Rule; 0] = [];
        mock_client!(aws_sdk_redshiftdata, RuleMode::MatchAny, none)
    }
    fn sdk(&self) -> Option<&aws_config::SdkConfig> {
        None
    }
}

/// `audit` lists Redshift's integrations beside RDS's: the DynamoDB one is a pair to check,
/// the S3 one is noted and not checked; a denied Redshift list leaves the Region unverified.
#[tokio::test]
async fn audit_finds_the_dynamodb_integration() {
    use zetl_preflight::run::audit::{discover_all, Account};
    let (t, p, pol, i) = (
        table_ok(),
        pitr_on(),
        policy_documented(),
        table_integrations(),
    );
    let rds_empty = mock!(aws_sdk_rds::Client::describe_integrations).then_output(|| {
        aws_sdk_rds::operation::describe_integrations::DescribeIntegrationsOutput::builder().build()
    });
    let inbound = mock!(aws_sdk_redshift::Client::describe_inbound_integrations).then_output(|| {
        aws_sdk_redshift::operation::describe_inbound_integrations::DescribeInboundIntegrationsOutput::builder().build()
    });
    let mut src = source(&[&t, &p, &pol], &[&i]);
    src.rds = mock_client!(aws_sdk_rds, RuleMode::MatchAny, [&rds_empty]);
    let mut side = Side::serverless_ok();
    side.redshift.insert(0, inbound.clone());
    let tgt = side.clients().1;
    let account = Account {
        role: None,
        clients: Arc::new(Shared(src.clone(), tgt.clone())),
        regions: vec!["us-east-1".into()],
    };
    let found = discover_all(vec![account], None).await.unwrap();
    let pairs: Vec<_> = found
        .found
        .iter()
        .filter_map(|(_, f)| f.pair.as_ref().ok().map(|(s, _)| s.identifier.clone()))
        .collect();
    assert_eq!(pairs, vec![TABLE.to_string()]);
    let noted = found.notes.join("\n");
    assert!(noted.contains("landing-bucket"), "{noted}");
    assert!(found.unverified.is_empty(), "{:?}", found.unverified);

    let denied =
        mock!(aws_sdk_redshift::Client::describe_integrations).then_http_response(redshift_denied);
    let mut src = source(&[&t, &p, &pol], &[&denied]);
    src.rds = mock_client!(aws_sdk_rds, RuleMode::MatchAny, [&rds_empty]);
    let account = Account {
        role: None,
        clients: Arc::new(Shared(src, tgt)),
        regions: vec!["us-east-1".into()],
    };
    let found = discover_all(vec![account], None).await.unwrap();
    let missed = found.unverified.join("\n");
    assert!(
        missed.contains("DynamoDB integrations in us-east-1 were not listed")
            && missed.contains("redshift:DescribeIntegrations"),
        "{missed}"
    );
}

/// ZW001 for a table: the creator is simulated for `redshift:CreateIntegration` (what creates
/// a DynamoDB integration) on the Region's `redshift:…:integration:*`; a role allowed only
/// `rds:CreateIntegration` fails. (IAM: an action no statement allows is an implicit deny.)
#[tokio::test]
async fn the_creator_of_a_table_integration_is_asked_for_redshift_create_integration() {
    use aws_sdk_iam::types::PolicyEvaluationDecisionType as D;
    const ROLE: &str = "arn:aws:iam::123456789012:role/deployer";
    let (t, p, pol, i) = (
        table_ok(),
        pitr_on(),
        policy_documented(),
        table_integrations(),
    );
    let rules = RuleSet::embedded().unwrap();
    for (allowed, want) in [
        ("redshift:CreateIntegration", Status::Pass),
        ("rds:CreateIntegration", Status::Fail),
    ] {
        let asked = Arc::new(std::sync::Mutex::new(Vec::new()));
        let seen = asked.clone();
        let sim =
            mock!(aws_sdk_iam::Client::simulate_principal_policy).then_compute_output(move |req| {
                seen.lock()
                    .unwrap()
                    .push((req.action_names().to_vec(), req.resource_arns().to_vec()));
                let action = req.action_names().first().cloned().unwrap_or_default();
                simulation_answer(req, |_| {
                    if action == allowed || action == "redshift:CreateInboundIntegration" {
                        D::Allowed
                    } else {
                        D::ImplicitDeny
                    }
                })
            });
        let iam = mock_client!(aws_sdk_iam, RuleMode::MatchAny, [&sim]);
        let mut snap = snapshot(&source(&[&t, &p, &pol], &[&i])).await;
        let creator = (ROLE.to_string(), "--creator".to_string());
        fetch::creator::attach(
            &mut snap,
            Some(&creator),
            Some(&iam),
            Default::default(),
            None,
        )
        .await;
        let findings = evaluate(&snap, &rules);
        let f = finding(&findings, "ZW001");
        assert_eq!(f.status, want, "{allowed}: {}", f.message);
        let asked = asked.lock().unwrap();
        assert!(
            asked
                .iter()
                .any(|(a, r)| a == &["redshift:CreateIntegration".to_string()]
                    && r == &["arn:aws:redshift:us-east-1:123456789012:integration:*".to_string()]),
            "{asked:?}"
        );
        assert!(!asked
            .iter()
            .any(|(a, _)| a.iter().any(|x| x.starts_with("rds:"))));
    }
}

/// `check --fix` reads the table's tags (every page) to know whether code owns it; a denial
/// is the fact's error naming the call, never "not owned". `--candidate-sources dynamodb`
/// with ListTables denied leaves the Region's candidates unverified.
#[tokio::test]
async fn the_tables_tags_and_list_are_read_or_named() {
    use aws_sdk_dynamodb::operation::list_tags_of_resource::ListTagsOfResourceOutput;
    use aws_sdk_dynamodb::types::Tag;
    use zetl_preflight::model::Fact;
    let (t, p, pol, i) = (
        table_ok(),
        pitr_on(),
        policy_documented(),
        table_integrations(),
    );
    let page1 = mock!(aws_sdk_dynamodb::Client::list_tags_of_resource)
        .match_requests(|r| r.next_token().is_none())
        .then_output(|| {
            ListTagsOfResourceOutput::builder()
                .tags(Tag::builder().key("team").value("orders").build().unwrap())
                .next_token("2")
                .build()
        });
    let page2 = mock!(aws_sdk_dynamodb::Client::list_tags_of_resource)
        .match_requests(|r| r.next_token() == Some("2"))
        .then_output(|| {
            ListTagsOfResourceOutput::builder()
                .tags(
                    Tag::builder()
                        .key("aws:cloudformation:stack-name")
                        .value("orders")
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let src = source(&[&t, &p, &pol, &page1, &page2], &[&i]);
    let mut snap = snapshot(&src).await;
    zetl_preflight::run::tags::attach_table_tags(&mut snap, &src).await;
    let Some(Fact::Ok(tags)) = &snap.source.table().unwrap().tags else {
        panic!("{:?}", snap.source.table().unwrap().tags)
    };
    assert_eq!(tags.len(), 2, "both pages: {tags:?}");

    let denied = mock!(aws_sdk_dynamodb::Client::list_tags_of_resource)
        .then_http_response(|| ddb_error(400, "AccessDeniedException"));
    let src = source(&[&t, &p, &pol, &denied], &[&i]);
    let mut snap = snapshot(&src).await;
    zetl_preflight::run::tags::attach_table_tags(&mut snap, &src).await;
    let Some(Fact::Error(e)) = &snap.source.table().unwrap().tags else {
        panic!("{:?}", snap.source.table().unwrap().tags)
    };
    assert_eq!(e.call, "dynamodb:ListTagsOfResource");

    use zetl_preflight::run::audit::{discover_with, Account, CandidateSource, Candidates};
    let rds_empty = mock!(aws_sdk_rds::Client::describe_integrations).then_output(|| {
        aws_sdk_rds::operation::describe_integrations::DescribeIntegrationsOutput::builder().build()
    });
    let no_list = mock!(aws_sdk_dynamodb::Client::list_tables)
        .then_http_response(|| ddb_error(400, "AccessDeniedException"));
    let inbound = mock!(aws_sdk_redshift::Client::describe_inbound_integrations).then_output(|| {
        aws_sdk_redshift::operation::describe_inbound_integrations::DescribeInboundIntegrationsOutput::builder().build()
    });
    let mut src = source(&[&no_list], &[&i]);
    src.rds = mock_client!(aws_sdk_rds, RuleMode::MatchAny, [&rds_empty]);
    let mut side = Side::serverless_ok();
    side.redshift.insert(0, inbound);
    let account = Account {
        role: None,
        clients: Arc::new(Shared(src, side.clients().1)),
        regions: vec!["us-east-1".into()],
    };
    let wanted = Candidates {
        target: "analytics-wg".into(),
        sources: vec![CandidateSource::Dynamodb],
    };
    let found = discover_with(vec![account], Some(wanted)).await.unwrap();
    let missed = found.unverified.join("\n");
    assert!(
        missed.contains("candidate DynamoDB tables in us-east-1 were not listed")
            && missed.contains("dynamodb:ListTables"),
        "{missed}"
    );
}

/// Applying a table's steps: UpdateContinuousBackups with recovery on; a PutResourcePolicy
/// DynamoDB refuses (the policy changed since it was read: a revision mismatch) fails naming
/// the call, and nothing after it runs.
#[tokio::test]
async fn a_refused_table_policy_write_fails_naming_the_call() {
    use aws_sdk_dynamodb::operation::update_continuous_backups::UpdateContinuousBackupsOutput;
    use zetl_preflight::fix::apply::{apply, ApplyOptions, Outcome, Reach};
    use zetl_preflight::fix::journal::Journal;
    use zetl_preflight::fix::FixContext;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/dynamodb-provisioned-broken.json");
    let snap: Snapshot = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let rules = RuleSet::embedded().unwrap();
    let mut plan = zetl_preflight::fix::plan(
        &snap,
        &evaluate(&snap, &rules),
        &rules,
        &FixContext::assume_unshared(&snap),
    );
    plan.actions
        .retain(|a| a.op.call().starts_with("dynamodb:"));
    assert_eq!(plan.actions.len(), 2, "{:#?}", plan.actions);
    let asked = Arc::new(std::sync::Mutex::new(None));
    let seen = asked.clone();
    let pitr = mock!(aws_sdk_dynamodb::Client::update_continuous_backups).then_compute_output(
        move |req| {
            *seen.lock().unwrap() = req
                .point_in_time_recovery_specification()
                .map(|s| s.point_in_time_recovery_enabled());
            UpdateContinuousBackupsOutput::builder().build()
        },
    );
    let stale = mock!(aws_sdk_dynamodb::Client::put_resource_policy)
        .then_http_response(|| ddb_error(400, "PolicyNotFoundException"));
    let src = source(&[&pitr, &stale], &[]);
    let tgt = target();
    let dir = common::scratch_dir("ddb-apply");
    let opts = ApplyOptions {
        unsafe_fixes: true,
        wait_timeout: std::time::Duration::from_secs(5),
        poll: std::time::Duration::from_millis(1),
    };
    let mut journal = Journal::new(&dir.join("journal.jsonl"));
    let out = apply(&plan, Reach::new(&src, &tgt), &opts, &mut journal).await;
    assert_eq!(out[0], Outcome::Applied, "{out:#?}");
    assert_eq!(*asked.lock().unwrap(), Some(true));
    let Outcome::Failed { error } = &out[1] else {
        panic!("{out:#?}")
    };
    assert_eq!(error.call, "dynamodb:PutResourcePolicy");
    assert_eq!(error.code.as_deref(), Some("PolicyNotFoundException"));
}

//! DynamoDB tables in Terraform plans (`aws_dynamodb_table`, `aws_dynamodb_resource_policy`,
//! `aws_redshift_integration`) and CloudFormation templates (`AWS::DynamoDB::Table` with its
//! `ResourcePolicy`, `PointInTimeRecoverySpecification` and `SSESpecification`,
//! `AWS::Redshift::Integration`): each pair becomes a table snapshot, judged by the same
//! rules; what the plan cannot tell is unverified.

use std::collections::BTreeMap;
use std::path::Path;

use zetl_preflight::inputs::{cloudformation, terraform};
use zetl_preflight::model::{Snapshot, SourceShape, Status};
use zetl_preflight::rules::{evaluate, RuleSet};

fn read(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap()
}

fn statuses(snap: &Snapshot) -> BTreeMap<String, Status> {
    evaluate(snap, &RuleSet::embedded().unwrap())
        .into_iter()
        .map(|f| (f.rule, f.status))
        .collect()
}

fn one(snaps: Vec<Snapshot>) -> Snapshot {
    assert_eq!(snaps.len(), 1);
    snaps.into_iter().next().unwrap()
}

/// A plan that creates a table (point-in-time recovery on, the AWS owned key), its resource
/// policy (known only after apply), a Serverless target and a Redshift integration.
#[test]
fn a_terraform_plan_with_a_table_is_judged_as_a_table() {
    let file = "fixtures/terraform/dynamodb-serverless-new.json";
    let world = terraform::read(&read(file), file, None).unwrap();
    let (snaps, unchecked) = world.snapshots(None).unwrap();
    assert!(unchecked.is_empty(), "{unchecked:?}");
    let snap = one(snaps);
    assert_eq!(snap.source.shape(), SourceShape::DynamodbTable);
    let t = snap.source.table().unwrap();
    assert_eq!(t.table.table_name, "orders");
    assert_eq!(t.table.key_schema.len(), 2);
    let s = statuses(&snap);
    // (rule, status, why)
    for (rule, want, why) in [
        (
            "ZB001",
            Status::Pass,
            "a table the plan creates is ACTIVE after apply",
        ),
        (
            "ZB002",
            Status::Pass,
            "point_in_time_recovery { enabled = true }",
        ),
        (
            "ZB003",
            Status::Error,
            "the policy refers to the table's ARN: known after apply",
        ),
        (
            "ZB004",
            Status::Pass,
            "no server_side_encryption: the AWS owned key",
        ),
        ("ZR007", Status::Pass, "the workgroup's config_parameter"),
        (
            "ZT008",
            Status::Pass,
            "source_arn is aws_dynamodb_table.orders.arn",
        ),
        ("ZT009", Status::Pass, "a valid integration name"),
    ] {
        assert_eq!(s.get(rule), Some(&want), "{rule}: {why}");
    }
    // No RDS rule judges it: no parameter group, no engine version.
    assert!(!s
        .keys()
        .any(|r| r.starts_with("ZM") || r == "ZT001" || r == "ZC001"));
    // The existing integrations are Redshift's, not in the plan.
    let why = snap.integrations.as_result().unwrap_err();
    assert_eq!(why.call, "redshift:DescribeIntegrations");
}

/// Point-in-time recovery off in the plan, a source_arn naming the table's stream: each on
/// the failing side of its line.
#[test]
fn a_plan_without_recovery_or_with_the_stream_arn_fails() {
    let file = "fixtures/terraform/dynamodb-serverless-new.json";
    let mut plan: serde_json::Value = serde_json::from_str(&read(file)).unwrap();
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        if rc["address"] == "aws_dynamodb_table.orders" {
            rc["change"]["after"]["point_in_time_recovery"] =
                serde_json::json!([{ "enabled": false }]);
        }
    }
    for r in plan["configuration"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
    {
        if r["address"] == "aws_redshift_integration.this" {
            r["expressions"]["source_arn"]["references"] = serde_json::json!([
                "aws_dynamodb_table.orders.stream_arn",
                "aws_dynamodb_table.orders"
            ]);
        }
    }
    let world = terraform::read(&plan.to_string(), file, None).unwrap();
    let snap = one(world.snapshots(None).unwrap().0);
    let s = statuses(&snap);
    assert_eq!(s.get("ZB002"), Some(&Status::Fail), "DDB-2");
    assert_eq!(
        s.get("ZT008"),
        Some(&Status::Fail),
        "INT-2: SourceArn is the table's ARN"
    );
}

/// The template's table: recovery off, encryption on without a key (the AWS managed key), a
/// policy that lets Redshift describe but not export, a number sort key; the workgroup's
/// case sensitivity off.
#[test]
fn a_cloudformation_table_is_judged_from_its_properties() {
    let file = "fixtures/cloudformation/dynamodb-serverless.yaml";
    let world =
        cloudformation::read(&read(file), file, &BTreeMap::new(), Some("us-east-1")).unwrap();
    let (snaps, unchecked) = world.snapshots(None).unwrap();
    assert!(unchecked.is_empty(), "{unchecked:?}");
    let snap = one(snaps);
    let s = statuses(&snap);
    for (rule, want, why) in [
        ("ZB002", Status::Fail, "PointInTimeRecoveryEnabled: false"),
        (
            "ZB003",
            Status::Fail,
            "DDB-3: no Allow for ExportTableToPointInTime",
        ),
        (
            "ZB004",
            Status::Fail,
            "DDB-6: SSEEnabled without a key is the AWS managed key",
        ),
        ("ZB005", Status::Skip, "no customer managed key"),
        ("ZB006", Status::Pass, "short names"),
        ("ZB007", Status::Warn, "DDB-11: the sort key is a number"),
        ("ZR007", Status::Fail, "DDB-5: case sensitivity off"),
        ("ZT008", Status::Pass, "SourceArn is !GetAtt Clicks.Arn"),
    ] {
        assert_eq!(s.get(rule), Some(&want), "{rule}: {why}");
    }
}

/// The template is one CloudFormation accepts: cfn-lint (which scripts/test installs) finds
/// no error in it, so the verdicts above are about a deployable stack.
#[test]
fn the_template_is_valid_cloudformation() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/cloudformation/dynamodb-serverless.yaml");
    let lint = std::process::Command::new("cfn-lint")
        .arg(&file)
        .output()
        .expect("cfn-lint runs (scripts/test installs it from PyPI)");
    // 0: clean; 4, 8: warnings and informational findings only.
    let code = lint.status.code().unwrap_or(-1);
    assert!(
        matches!(code, 0 | 4 | 8 | 12),
        "cfn-lint found errors ({code}): {}",
        String::from_utf8_lossy(&lint.stdout)
    );
}

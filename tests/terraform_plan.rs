//! `check --terraform-plan`: hand-made plans in Terraform's documented JSON format
//! (https://developer.hashicorp.com/terraform/internals/json-format), shaped after the AWS
//! provider's own acceptance test for aws_rds_integration. One correct plan in
//! `fixtures/terraform/`, and each broken case as a small edit of it, with the rule (AWS's
//! or Terraform's) that makes the verdict right.

mod common;

use std::collections::BTreeMap;

use serde_json::{json, Value};
use zetl_preflight::inputs::terraform;
use zetl_preflight::model::Status;
use zetl_preflight::rules::{evaluate, RuleSet};

const BASE: &str = "fixtures/terraform/mysql-serverless-new.json";

fn base() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(BASE);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The resource change and the configuration entry of `address`.
fn change<'a>(plan: &'a mut Value, address: &str) -> &'a mut Value {
    plan["resource_changes"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} in the plan"))
}

fn config<'a>(plan: &'a mut Value, address: &str) -> &'a mut Value {
    plan["configuration"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["address"] == address)
        .unwrap_or_else(|| panic!("{address} in the configuration"))
}

fn params(plan: &mut Value) -> &mut Vec<Value> {
    change(plan, "aws_rds_cluster_parameter_group.zero_etl")["change"]["after"]["parameter"]
        .as_array_mut()
        .unwrap()
}

/// Rule code → status, for each pair the plan makes; and what could not be checked.
fn verdicts(plan: &Value) -> (Vec<BTreeMap<String, Status>>, Vec<String>) {
    let world = terraform::read(&plan.to_string(), "plan.json", None).unwrap();
    let (snaps, unchecked) = world.snapshots(None).unwrap();
    let rules = RuleSet::embedded().unwrap();
    let per_pair = snaps
        .iter()
        .map(|s| {
            evaluate(s, &rules)
                .into_iter()
                .map(|f| (f.rule, f.status))
                .collect()
        })
        .collect();
    (per_pair, unchecked.into_iter().map(|u| u.why).collect())
}

fn one(plan: &Value) -> BTreeMap<String, Status> {
    let (mut pairs, unchecked) = verdicts(plan);
    assert!(unchecked.is_empty(), "{unchecked:?}");
    assert_eq!(pairs.len(), 1);
    pairs.remove(0)
}

/// The correct plan: nothing fails or warns. What a plan cannot tell (the policy and the
/// namespace ARN, known only after apply; the account's integrations and the engine defaults,
/// outside the plan) is unverified, never a pass.
#[test]
fn the_correct_plan_fails_nothing_and_says_what_it_cannot_know() {
    let v = one(&base());
    let unverified: Vec<&str> = v
        .iter()
        .filter(|(_, s)| **s == Status::Error)
        .map(|(c, _)| c.as_str())
        .collect();
    assert_eq!(
        unverified,
        [
            "ZA001", "ZA002", "ZI001", "ZI002", "ZI003", "ZI004", "ZI005",
            // The key is named by an ARN outside the plan, and not read from AWS.
            "ZK001", "ZK002", "ZK003", "ZK004", "ZM007", "ZM008", "ZM009", "ZR009"
        ]
    );
    assert!(
        !v.values().any(|s| matches!(s, Status::Fail | Status::Warn)),
        "{v:?}"
    );
    for code in [
        "ZM001", "ZM003", "ZM010", "ZR007", "ZT001", "ZT002", "ZT003", "ZT004", "ZT006",
    ] {
        assert_eq!(v[code], Status::Pass, "{code}");
    }
}

type Edit = fn(&mut Value);

/// A case: its name, what it rests on, the edit, and the verdicts it must produce.
type Case = (
    &'static str,
    &'static str,
    Edit,
    &'static [(&'static str, Status)],
);

const CASES: &[Case] = &[
    (
        "the target named by the workgroup's ARN",
        "CreateIntegration: TargetArn is the namespace ARN (namespace/ or namespace:), not a workgroup or cluster ARN",
        |p| {
            config(p, "aws_rds_integration.this")["expressions"]["target_arn"] = json!({
                "references": ["aws_redshiftserverless_workgroup.target.arn", "aws_redshiftserverless_workgroup.target"]
            })
        },
        &[("ZT008", Status::Fail)],
    ),
    (
        "the source named by the cluster's id",
        "CreateIntegration: SourceArn is arn:aws:rds:REGION:ACCOUNT:cluster:NAME",
        |p| {
            config(p, "aws_rds_integration.this")["expressions"]["source_arn"] =
                json!({"references": ["aws_rds_cluster.source.id", "aws_rds_cluster.source"]})
        },
        &[("ZT008", Status::Fail)],
    ),
    (
        "an integration name with an underscore",
        "CreateIntegration: IntegrationName is [a-zA-Z](-?[a-zA-Z0-9]+)*, at most 63",
        |p| {
            change(p, "aws_rds_integration.this")["change"]["after"]["integration_name"] =
                json!("orders_to_analytics")
        },
        &[("ZT009", Status::Fail)],
    ),
    (
        "the group lacks binlog_format",
        "AWS: binlog_format must be ROW; the Aurora MySQL default is OFF (USER_LogAccess.MySQL.BinaryFormat)",
        |p| params(p).retain(|x| x["name"] != "binlog_format"),
        &[("ZM003", Status::Fail)],
    ),
    (
        "a static parameter applied immediately",
        "RDS: InvalidParameterCombination: cannot use immediate apply method for static parameter",
        |p| params(p)[0]["apply_method"] = json!("immediate"),
        &[("ZT001", Status::Fail), ("ZT002", Status::Fail)],
    ),
    (
        "the enhanced-binlog trio split",
        "AWS: set aurora_enhanced_binlog, binlog_backup and binlog_replication_globaldb in the same request",
        |p| params(p).retain(|x| x["name"] != "binlog_replication_globaldb"),
        &[("ZT002", Status::Fail), ("ZM004", Status::Fail)],
    ),
    (
        "the integration replaced",
        "Terraform: actions [delete, create] with replace_paths; a new integration re-seeds every table",
        |p| {
            let i = change(p, "aws_rds_integration.this");
            i["change"]["actions"] = json!(["delete", "create"]);
            i["change"]["replace_paths"] = json!([["source_arn"]]);
            i["action_reason"] = json!("replace_because_cannot_update");
        },
        &[("ZT003", Status::Fail)],
    ),
    (
        "a data filter with a regular expression group",
        "CreateIntegration: DataFilter allows [a-zA-Z0-9_ \"\\-$,*.:?+/] only",
        |p| {
            change(p, "aws_rds_integration.this")["change"]["after"]["data_filter"] =
                json!("include: orders.(a|b)")
        },
        &[("ZT006", Status::Fail)],
    ),
    (
        "an encryption context without a KMS key",
        "AWS: AdditionalEncryptionContext only with KMSKeyId",
        |p| {
            let i = change(p, "aws_rds_integration.this");
            i["change"]["after"]["additional_encryption_context"] = json!({"team": "data"});
            i["change"]["after"]["kms_key_id"] = Value::Null;
            i["change"]["after_unknown"]["kms_key_id"] = json!(false);
        },
        &[("ZT007", Status::Fail)],
    ),
    (
        "seven encryption context pairs",
        "AWS: at most 6 user pairs (RDS adds its own)",
        |p| {
            let i = change(p, "aws_rds_integration.this");
            let ctx: serde_json::Map<String, Value> =
                (0..7).map(|n| (format!("k{n}"), json!("v"))).collect();
            i["change"]["after"]["additional_encryption_context"] = Value::Object(ctx);
            i["change"]["after"]["kms_key_id"] = json!("arn:aws:kms:us-east-1:123456789012:key/1");
            i["change"]["after_unknown"]["kms_key_id"] = json!(false);
        },
        // The plan's rule and the key's rule agree.
        &[("ZT007", Status::Fail), ("ZK005", Status::Fail)],
    ),
    (
        "no engine_version",
        "AWS picks the default version at apply: the version rule cannot be judged",
        |p| {
            change(p, "aws_rds_cluster.source")["change"]["after"]
                .as_object_mut()
                .unwrap()
                .remove("engine_version");
            change(p, "aws_rds_cluster.source")["change"]["after_unknown"]["engine_version"] =
                json!(true);
            config(p, "aws_rds_cluster.source")["expressions"]
                .as_object_mut()
                .unwrap()
                .remove("engine_version");
        },
        &[("ZM010", Status::Error)],
    ),
    (
        "an engine version below the minimum",
        "AWS: Aurora MySQL 3.05.2 or later",
        |p| {
            change(p, "aws_rds_cluster.source")["change"]["after"]["engine_version"] =
                json!("8.0.mysql_aurora.3.04.0")
        },
        &[("ZM010", Status::Fail)],
    ),
    (
        "a parameter value known only after apply",
        "Terraform: after_unknown marks it; the rule that reads it cannot be judged",
        |p| {
            let g = change(p, "aws_rds_cluster_parameter_group.zero_etl");
            g["change"]["after"]["parameter"][2]["value"] = Value::Null;
            g["change"]["after_unknown"]["parameter"][2] = json!({"value": true});
        },
        &[("ZM003", Status::Error)],
    ),
    (
        "case sensitivity off in the workgroup",
        "AWS: enable_case_sensitive_identifier must be true on the target",
        |p| {
            change(p, "aws_redshiftserverless_workgroup.target")["change"]["after"]
                ["config_parameter"][0]["parameter_value"] = json!("false")
        },
        &[("ZR007", Status::Fail)],
    ),
    (
        "a cluster without an instance",
        "AWS: the source needs a writer instance",
        |p| {
            p["resource_changes"]
                .as_array_mut()
                .unwrap()
                .retain(|r| r["address"] != "aws_rds_cluster_instance.writer")
        },
        &[("ZC002", Status::Fail)],
    ),
    (
        "a policy with only the CreateInboundIntegration statement",
        "AWS: the namespace policy must also let redshift.amazonaws.com AuthorizeInboundIntegration for the source ARN; the provider's doc example has only the first statement",
        |p| {
            let arn = "arn:aws:redshift-serverless:us-east-1:123456789012:namespace/9f1c2d3e-4b5a-6c7d-8e9f-0a1b2c3d4e5f";
            let ns = change(p, "aws_redshiftserverless_namespace.target");
            ns["change"]["after"]["arn"] = json!(arn);
            ns["change"]["after_unknown"]["arn"] = json!(false);
            let policy = json!({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                    "Action": "redshift:CreateInboundIntegration",
                    "Resource": arn
                }]
            });
            let pol = change(p, "aws_redshift_resource_policy.target");
            pol["change"]["after"] = json!({"resource_arn": arn, "policy": policy.to_string()});
            pol["change"]["after_unknown"] = json!({"id": true});
        },
        // ZA002 needs the source's account, from its ARN: known only after apply here.
        &[("ZA001", Status::Fail), ("ZA002", Status::Error), ("ZR009", Status::Pass)],
    ),
    (
        "an existing cluster moved to the zero-ETL group in the same apply",
        "AWS: a new parameter group is live after the writer reboots, which the apply does not do",
        |p| {
            let arn = "arn:aws:rds:us-east-1:123456789012:cluster:orders";
            let c = change(p, "aws_rds_cluster.source");
            let mut before = c["change"]["after"].clone();
            before["db_cluster_parameter_group_name"] = json!("default.aurora-mysql8.0");
            before["arn"] = json!(arn);
            c["change"]["before"] = before;
            c["change"]["after"]["arn"] = json!(arn);
            c["change"]["after_unknown"] = json!({});
            c["change"]["actions"] = json!(["update"]);
        },
        &[("ZT004", Status::Warn), ("ZC001", Status::Error), ("ZC007", Status::Error)],
    ),
];

#[test]
fn each_broken_plan_gets_the_verdict_aws_would_give() {
    for (name, rests_on, edit, expected) in CASES {
        let mut plan = base();
        edit(&mut plan);
        let v = one(&plan);
        for (code, status) in *expected {
            assert_eq!(
                v.get(*code),
                Some(status),
                "{name} ({rests_on}): {code} in {v:?}"
            );
        }
        // Nothing else fails because of the edit's side effects, unless the case says so.
        let expected_fail: Vec<&str> = expected
            .iter()
            .filter(|(_, s)| *s == Status::Fail)
            .map(|(c, _)| *c)
            .collect();
        for (code, status) in &v {
            if *status == Status::Fail {
                assert!(
                    expected_fail.contains(&code.as_str()),
                    "{name}: unexpected fail {code}"
                );
            }
        }
    }
}

/// Aurora PostgreSQL needs a data filter with an include (CreateIntegration:
/// "Your data filter must contain at least one include statement").
#[test]
fn a_postgresql_integration_without_an_include_fails() {
    let mut plan = base();
    let c = change(&mut plan, "aws_rds_cluster.source");
    c["change"]["after"]["engine"] = json!("aurora-postgresql");
    c["change"]["after"]["engine_version"] = json!("16.4");
    let g = change(&mut plan, "aws_rds_cluster_parameter_group.zero_etl");
    g["change"]["after"]["family"] = json!("aurora-postgresql16");
    g["change"]["after"]["parameter"] = json!([
        {"name": "rds.logical_replication", "value": "1", "apply_method": "pending-reboot"},
        {"name": "aurora.enhanced_logical_replication", "value": "1", "apply_method": "pending-reboot"},
        {"name": "aurora.logical_replication_backup", "value": "0", "apply_method": "pending-reboot"},
        {"name": "aurora.logical_replication_globaldb", "value": "0", "apply_method": "pending-reboot"}
    ]);
    g["change"]["after_unknown"]["parameter"] = json!([{}, {}, {}, {}]);
    let i = change(&mut plan, "aws_rds_integration.this");
    i["change"]["after"]["data_filter"] = Value::Null;
    i["change"]["after_unknown"]["data_filter"] = json!(true);
    config(&mut plan, "aws_rds_integration.this")["expressions"]
        .as_object_mut()
        .unwrap()
        .remove("data_filter");
    let v = one(&plan);
    assert_eq!(v["ZT005"], Status::Fail, "{v:?}");
    assert_eq!(v["ZP001"], Status::Pass);
    assert!(!v.contains_key("ZT002"), "an Aurora MySQL rule");
    // With an include, it passes.
    let i = change(&mut plan, "aws_rds_integration.this");
    i["change"]["after"]["data_filter"] = json!("include: orders.public.*");
    i["change"]["after_unknown"]["data_filter"] = json!(false);
    assert_eq!(one(&plan)["ZT005"], Status::Pass);
}

/// A source named by an ARN that no resource of the plan has is outside the plan: the pair
/// is not checked, and says why, never a pass.
#[test]
fn a_source_outside_the_plan_is_not_verified() {
    let mut plan = base();
    let arn = "arn:aws:rds:us-east-1:123456789012:cluster:legacy";
    let i = change(&mut plan, "aws_rds_integration.this");
    i["change"]["after"]["source_arn"] = json!(arn);
    i["change"]["after_unknown"]["source_arn"] = json!(false);
    config(&mut plan, "aws_rds_integration.this")["expressions"]["source_arn"] =
        json!({"constant_value": arn});
    let (pairs, unchecked) = verdicts(&plan);
    assert!(pairs.is_empty());
    assert_eq!(unchecked.len(), 1);
    assert!(
        unchecked[0].contains(arn) && unchecked[0].contains("not in the plan"),
        "{unchecked:?}"
    );
}

/// Plans that are not plans are bad input (exit 2), with what to run instead.
#[test]
fn what_is_not_a_plan_is_refused_with_a_reason() {
    for (text, says) in [
        ("{", "not JSON"),
        (r#"{"values": {}}"#, "format_version"),
        (
            r#"{"format_version": "2.0", "resource_changes": []}"#,
            "1.x",
        ),
        (r#"{"format_version": "1.0"}"#, "resource_changes"),
    ] {
        let err = terraform::read(text, "plan.json", None).unwrap_err();
        assert!(err.contains(says), "{text}: {err}");
    }
}

/// Terraform findings name the resource address as their logical location and point at the
/// plan file without a line (the plan's JSON has none for a resource; none is invented).
#[test]
fn sarif_names_the_address_and_invents_no_line() {
    let mut plan = base();
    params(&mut plan).retain(|x| x["name"] != "binlog_format");
    let world = terraform::read(&plan.to_string(), "plan.json", None).unwrap();
    let snap = world.snapshots(None).unwrap().0.remove(0);
    let zm003 = common::sarif_result(&snap, "plan.json", "ZM003");
    let loc = &zm003["locations"][0];
    assert_eq!(
        loc["physicalLocation"]["artifactLocation"]["uri"],
        "plan.json"
    );
    assert!(loc["physicalLocation"].get("region").is_none(), "{loc}");
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "aws_rds_cluster_parameter_group.zero_etl"
    );
}

/// The same plan with every resource inside a module (`module.zero_etl.…`): references in a
/// module's configuration are relative to it, and resolve to the planned addresses.
#[test]
fn resources_in_a_module_resolve_their_references() {
    let mut plan = base();
    for r in plan["resource_changes"].as_array_mut().unwrap() {
        let a = format!("module.zero_etl.{}", r["address"].as_str().unwrap());
        r["address"] = json!(a);
        r["module_address"] = json!("module.zero_etl");
    }
    let resources = plan["configuration"]["root_module"]["resources"].take();
    plan["configuration"]["root_module"] = json!({
        "module_calls": { "zero_etl": { "source": "./modules/zero-etl", "module": { "resources": resources } } }
    });
    let v = one(&plan);
    assert_eq!(v["ZM003"], Status::Pass, "{v:?}");
    assert_eq!(
        v["ZC002"],
        Status::Pass,
        "the writer instance refers to its cluster"
    );
    assert_eq!(v["ZR007"], Status::Pass);
}

/// Without an integration resource, --source and --target name the pair by address.
#[test]
fn without_an_integration_the_pair_is_named_by_address() {
    let mut plan = base();
    plan["resource_changes"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["address"] != "aws_rds_integration.this");
    let world = terraform::read(&plan.to_string(), "plan.json", None).unwrap();
    assert!(world.snapshots(None).unwrap().0.is_empty());
    let (snaps, unchecked) = world
        .snapshots(Some((
            "aws_rds_cluster.source",
            "aws_redshiftserverless_workgroup.target",
        )))
        .unwrap();
    assert!(unchecked.is_empty());
    let rules = RuleSet::embedded().unwrap();
    let v: BTreeMap<String, Status> = evaluate(&snaps[0], &rules)
        .into_iter()
        .map(|f| (f.rule, f.status))
        .collect();
    assert_eq!(v["ZM003"], Status::Pass);
    assert_eq!(
        v.get("ZT003"),
        Some(&Status::Skip),
        "no integration to replace"
    );
    let err = world
        .snapshots(Some((
            "aws_rds_cluster.nope",
            "aws_redshiftserverless_workgroup.target",
        )))
        .unwrap_err();
    assert!(err.contains("aws_rds_cluster.nope"), "{err}");
}

/// A plan is fixed in its source: the remediation of a parameter finding is the block to
/// write, in the resource to write it in, not an AWS CLI command.
#[test]
fn fixes_are_written_for_the_plan_source() {
    let mut plan = base();
    params(&mut plan).retain(|x| x["name"] != "binlog_format");
    change(&mut plan, "aws_redshiftserverless_workgroup.target")["change"]["after"]
        ["config_parameter"][0]["parameter_value"] = json!("false");
    let world = terraform::read(&plan.to_string(), "plan.json", None).unwrap();
    let snap = world.snapshots(None).unwrap().0.remove(0);
    let fs = evaluate(&snap, &RuleSet::embedded().unwrap());
    let fix = |code: &str| {
        fs.iter()
            .find(|f| f.rule == code)
            .and_then(|f| f.remediation.clone())
            .unwrap()
    };
    assert_eq!(
        fix("ZM003"),
        "# in aws_rds_cluster_parameter_group.zero_etl:\nparameter { name = \"binlog_format\"  value = \"ROW\"  apply_method = \"pending-reboot\" }"
    );
    assert_eq!(
        fix("ZR007"),
        "# in aws_redshiftserverless_workgroup.target:\nconfig_parameter { parameter_key = \"enable_case_sensitive_identifier\"  parameter_value = \"true\" }"
    );
}

/// With the configuration beside the plan, Terraform findings point at the `.tf` file and
/// line of their resource's block, in the root module and in a module `terraform init`
/// installed (`.terraform/modules/modules.json`); a resource whose block is not found keeps
/// its address and no line.
#[test]
fn findings_point_at_the_tf_block_when_the_configuration_is_there() {
    let dir = std::env::temp_dir().join(format!("zetl-tf-locate-{}", std::process::id()));
    let module = dir.join("modules/target");
    std::fs::create_dir_all(&module).unwrap();
    std::fs::create_dir_all(dir.join(".terraform/modules")).unwrap();
    // The workgroup in a module, everything else in the root.
    let mut plan = base();
    for r in plan["resource_changes"].as_array_mut().unwrap() {
        if r["address"] == "aws_redshiftserverless_workgroup.target" {
            r["address"] = json!("module.target.aws_redshiftserverless_workgroup.target");
        }
        if r["address"] == "aws_rds_cluster_parameter_group.zero_etl" {
            r["change"]["after"]["parameter"]
                .as_array_mut()
                .unwrap()
                .retain(|x| x["name"] != "binlog_format");
        }
    }
    change(
        &mut plan,
        "module.target.aws_redshiftserverless_workgroup.target",
    )["change"]["after"]["config_parameter"][0]["parameter_value"] = json!("false");
    std::fs::write(dir.join("plan.json"), plan.to_string()).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        "terraform {}\n\nresource \"aws_rds_cluster_parameter_group\" \"zero_etl\" {\n  family = \"aurora-mysql8.0\"\n}\n",
    )
    .unwrap();
    std::fs::write(
        module.join("workgroup.tf"),
        "# the target\n\n\n  resource \"aws_redshiftserverless_workgroup\" \"target\" {\n  }\n",
    )
    .unwrap();
    std::fs::write(
        dir.join(".terraform/modules/modules.json"),
        r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"target","Source":"./modules/target","Dir":"modules/target"}]}"#,
    )
    .unwrap();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_zetl-preflight"));
    for v in common::AWS_VARS_TO_CLEAR {
        cmd.env_remove(v);
    }
    let o = cmd
        .current_dir(&dir)
        .args([
            "check",
            "--offline",
            "--terraform-plan",
            "plan.json",
            "--format",
            "sarif",
        ])
        .output()
        .unwrap();
    let sarif: Value = serde_json::from_slice(&o.stdout).unwrap();
    let at = |rule: &str| {
        let r = sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap_or_else(|| panic!("{rule}"));
        r["locations"][0]["physicalLocation"].clone()
    };
    assert_eq!(at("ZM003")["artifactLocation"]["uri"], "main.tf");
    assert_eq!(at("ZM003")["region"]["startLine"], 3);
    assert_eq!(
        at("ZR007")["artifactLocation"]["uri"],
        "modules/target/workgroup.tf"
    );
    assert_eq!(at("ZR007")["region"]["startLine"], 4);
    assert_eq!(at("ZR007")["region"]["startColumn"], 3);
    // The namespace has no block on disk: the plan file, without a line.
    assert_eq!(at("ZR009")["artifactLocation"]["uri"], "plan.json");
    assert!(at("ZR009").get("region").is_none());
    std::fs::remove_dir_all(&dir).ok();
}

/// The RDS for PostgreSQL plan of `fixtures/terraform/`: an aws_db_instance with its
/// aws_db_parameter_group, into Serverless.
fn rds_base() -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/terraform/rds-postgres-serverless-new.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn rds_params(plan: &mut Value) -> &mut Vec<Value> {
    change(plan, "aws_db_parameter_group.zero_etl")["change"]["after"]["parameter"]
        .as_array_mut()
        .unwrap()
}

/// An RDS DB instance as the planned source: the instance rules judge its planned settings
/// and DB parameter group, and each broken edit gets the verdict AWS would give:
/// backups off (zero-ETL needs automated backups), a static parameter applied immediately
/// (ModifyDBParameterGroup refuses it), no include in a PostgreSQL filter
/// (CreateIntegration refuses it), no parameter group (the instance gets default.postgres16,
/// which cannot be modified).
#[test]
fn an_rds_instance_in_a_plan_is_judged_as_a_live_one() {
    let v = one(&rds_base());
    for code in [
        "ZY001", "ZY002", "ZY003", "ZQ001", "ZQ002", "ZQ003", "ZQ004", "ZQ005", "ZQ006", "ZQ007",
        "ZQ008", "ZQ009", "ZT005", "ZT010",
    ] {
        assert_eq!(v.get(code), Some(&Status::Pass), "{code}: {v:?}");
    }
    assert!(
        !v.contains_key("ZC001") && !v.contains_key("ZT001"),
        "Aurora rules: {v:?}"
    );
    assert!(
        v.values()
            .all(|s| !matches!(s, Status::Fail | Status::Warn)),
        "{v:?}"
    );

    let mut plan = rds_base();
    change(&mut plan, "aws_db_instance.source")["change"]["after"]["backup_retention_period"] =
        json!(0);
    assert_eq!(one(&plan)["ZQ009"], Status::Fail);

    let mut plan = rds_base();
    rds_params(&mut plan)[0]["apply_method"] = json!("immediate");
    assert_eq!(
        one(&plan)["ZT010"],
        Status::Fail,
        "rds.logical_replication is static"
    );

    let mut plan = rds_base();
    let i = change(&mut plan, "aws_rds_integration.this");
    i["change"]["after"]["data_filter"] = json!("exclude: payments.public.tmp");
    assert_eq!(one(&plan)["ZT005"], Status::Fail);

    let mut plan = rds_base();
    change(&mut plan, "aws_db_instance.source")["change"]["after"]
        .as_object_mut()
        .unwrap()
        .remove("parameter_group_name");
    config(&mut plan, "aws_db_instance.source")["expressions"]
        .as_object_mut()
        .unwrap()
        .remove("parameter_group_name");
    let v = one(&plan);
    assert_eq!(v["ZY002"], Status::Fail, "default.postgres16: {v:?}");
    assert_eq!(
        v["ZQ001"],
        Status::Error,
        "the engine defaults are not in the plan"
    );
}

/// RDS for MySQL: binlog_format is dynamic there, so an immediate apply passes ZT010 (it
/// fails ZT001 on Aurora, where it is static); performance_schema is static.
#[test]
fn binlog_format_is_dynamic_on_rds_for_mysql() {
    let mut plan = rds_base();
    let i = change(&mut plan, "aws_db_instance.source");
    i["change"]["after"]["engine"] = json!("mysql");
    i["change"]["after"]["engine_version"] = json!("8.0.39");
    let g = change(&mut plan, "aws_db_parameter_group.zero_etl");
    g["change"]["after"]["family"] = json!("mysql8.0");
    g["change"]["after"]["parameter"] = json!([
        {"name": "binlog_format", "value": "ROW", "apply_method": "immediate"},
        {"name": "binlog_row_image", "value": "full", "apply_method": "immediate"},
        {"name": "performance_schema", "value": "1", "apply_method": "pending-reboot"}
    ]);
    g["change"]["after_unknown"]["parameter"] = json!([{}, {}, {}]);
    change(&mut plan, "aws_rds_integration.this")["change"]["after"]["data_filter"] =
        json!("include: payments.*");
    let v = one(&plan);
    for code in ["ZT010", "ZY004", "ZY005", "ZY008", "ZY009"] {
        assert_eq!(v.get(code), Some(&Status::Pass), "{code}: {v:?}");
    }
    rds_params(&mut plan)[2]["apply_method"] = json!("immediate");
    assert_eq!(
        one(&plan)["ZT010"],
        Status::Fail,
        "performance_schema is static"
    );
}

/// A KMS key planned with the integration (`kms_key_id = aws_kms_key.zero_etl.arn`): its
/// key policy is judged as a live one's. Without a `policy`, AWS gives the key its default
/// policy (the account root only, KMS-DEFAULT), which lets Redshift create no grant: ZK002
/// fails before anything is applied.
#[test]
fn a_planned_key_is_judged_with_its_key_policy() {
    let with_policy = |policy: Option<Value>| {
        let mut plan = base();
        let mut after = json!({"description": "zero-ETL", "key_usage": "ENCRYPT_DECRYPT",
            "customer_master_key_spec": "SYMMETRIC_DEFAULT", "is_enabled": true});
        if let Some(p) = policy {
            after["policy"] = Value::String(p.to_string());
        }
        plan["resource_changes"]
            .as_array_mut()
            .unwrap()
            .push(json!({
                "address": "aws_kms_key.zero_etl", "mode": "managed", "type": "aws_kms_key",
                "name": "zero_etl", "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": {"actions": ["create"], "before": null, "after": after,
                    "after_unknown": {"arn": true, "key_id": true, "id": true}}
            }));
        let i = change(&mut plan, "aws_rds_integration.this");
        i["change"]["after"]
            .as_object_mut()
            .unwrap()
            .remove("kms_key_id");
        i["change"]["after_unknown"]["kms_key_id"] = json!(true);
        config(&mut plan, "aws_rds_integration.this")["expressions"]["kms_key_id"] =
            json!({"references": ["aws_kms_key.zero_etl.arn", "aws_kms_key.zero_etl"]});
        one(&plan)
    };
    let v = with_policy(None);
    assert_eq!(v["ZK001"], Status::Pass, "{v:?}");
    assert_eq!(v["ZK002"], Status::Fail, "the default key policy: {v:?}");
    let documented = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "kms:*", "Resource": "*"},
        {"Effect": "Allow", "Principal": {"Service": "redshift.amazonaws.com"}, "Action": "kms:CreateGrant", "Resource": "*",
         "Condition": {"ForAllValues:StringEquals": {"kms:GrantOperations": ["Decrypt", "GenerateDataKey", "CreateGrant"]}}}]});
    let v = with_policy(Some(documented));
    assert_eq!(v["ZK002"], Status::Pass, "{v:?}");
    assert_eq!(v["ZK004"], Status::Pass, "{v:?}");
}

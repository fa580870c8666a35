//! `check --cloudformation`: a template in YAML (short-form tags) and the same in JSON,
//! parameters, conditions, edges between logical ids, and findings that point at the line
//! and column of their resource, so SARIF annotates the pull request's diff.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use zetl_preflight::inputs::cloudformation;
use zetl_preflight::model::{Finding, Status};
use zetl_preflight::rules::{evaluate, RuleSet};

const YAML: &str = "fixtures/cloudformation/mysql-provisioned.yaml";
const JSON: &str = "fixtures/cloudformation/mysql-provisioned.json";

fn text(path: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap()
}

fn findings(template: &str, file: &str, params: &[(&str, &str)]) -> Vec<Finding> {
    let given: BTreeMap<String, String> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let world = cloudformation::read(template, file, &given, Some("us-east-1")).unwrap();
    let (snaps, unchecked) = world.snapshots(None).unwrap();
    assert!(unchecked.is_empty(), "{unchecked:?}");
    assert_eq!(snaps.len(), 1);
    evaluate(&snaps[0], &RuleSet::embedded().unwrap())
}

fn verdicts(fs: &[Finding]) -> BTreeMap<String, Status> {
    fs.iter().map(|f| (f.rule.clone(), f.status)).collect()
}

/// The template as written passes everything a template can tell; what only exists once
/// the stack does (ARNs in the policy, the account's integrations, engine defaults) is
/// unverified.
#[test]
fn the_template_passes_what_it_can_tell_in_yaml_and_json_alike() {
    let yaml = verdicts(&findings(&text(YAML), YAML, &[]));
    let json = verdicts(&findings(&text(JSON), JSON, &[]));
    assert_eq!(yaml, json, "the short forms read as their long forms");
    assert!(
        !yaml
            .values()
            .any(|s| matches!(s, Status::Fail | Status::Warn)),
        "{yaml:?}"
    );
    for code in [
        "ZM001", "ZM003", "ZR004", "ZR005", "ZR006", "ZR007", "ZC002", "ZC006", "ZT001", "ZT002",
        "ZT006",
    ] {
        assert_eq!(yaml[code], Status::Pass, "{code}");
    }
    for code in ["ZA001", "ZA002", "ZR009", "ZI001"] {
        assert_eq!(yaml[code], Status::Error, "{code}");
    }
}

/// Parameters and conditions decide values: Env=dev makes a one-node cluster (Fn::If on a
/// condition), NodeType a dc2 node (AWS: zero-ETL needs RA3 or Serverless).
#[test]
fn parameters_and_conditions_decide_the_verdicts() {
    let v = verdicts(&findings(
        &text(YAML),
        YAML,
        &[("Env", "dev"), ("NodeType", "dc2.large")],
    ));
    assert_eq!(v["ZR004"], Status::Fail);
    assert_eq!(v["ZR005"], Status::Warn);
}

/// Edits of the template, each with the AWS rule it rests on.
#[test]
fn edits_that_break_the_template_fail_the_rule_they_break() {
    let cases: &[(&str, &str, &str, &str, Status)] = &[
        (
            "binlog_format must be ROW",
            "binlog_format: ROW",
            "binlog_format: MIXED",
            "ZM003",
            Status::Fail,
        ),
        (
            "enable_case_sensitive_identifier must be true",
            "ParameterValue: \"true\"",
            "ParameterValue: \"false\"",
            "ZR007",
            Status::Fail,
        ),
        (
            "DataFilter allows no parentheses",
            "DataFilter: \"include: orders.*\"",
            "DataFilter: \"include: orders.(a|b)\"",
            "ZT006",
            Status::Fail,
        ),
        (
            "the target must be encrypted",
            "Encrypted: true",
            "Encrypted: false",
            "ZR006",
            Status::Fail,
        ),
        (
            "the enhanced-binlog trio goes together",
            "        binlog_replication_globaldb: \"0\"\n",
            "",
            "ZT002",
            Status::Fail,
        ),
    ];
    for (rests_on, from, to, code, status) in cases {
        let edited = text(YAML).replacen(from, to, 1);
        assert_ne!(edited, text(YAML), "{from}");
        let v = verdicts(&findings(&edited, YAML, &[]));
        assert_eq!(v[*code], *status, "{rests_on}");
    }
}

/// Findings point at the resource's logical id in the template: SARIF carries the file,
/// line and column (valid against the official schema), the logical id as the logical
/// location.
#[test]
fn findings_point_at_their_resource_in_the_template() {
    let source = text(YAML);
    let line_of = |id: &str| {
        source
            .lines()
            .position(|l| l == format!("  {id}:"))
            .map(|n| n as u32 + 1)
            .unwrap()
    };
    let fs = findings(
        &source.replace("NodeType: !Ref NodeType", "NodeType: dc2.large"),
        YAML,
        &[],
    );
    let zr004 = fs.iter().find(|f| f.rule == "ZR004").unwrap();
    let at = zr004.location.as_ref().unwrap();
    assert_eq!(
        (at.address.as_str(), at.line, at.column),
        ("Warehouse", Some(line_of("Warehouse")), Some(3))
    );
    let zm003 = fs.iter().find(|f| f.rule == "ZM003").unwrap();
    assert_eq!(
        zm003.location.as_ref().unwrap().line,
        Some(line_of("ZeroEtlGroup"))
    );

    let world = cloudformation::read(
        &source.replace("NodeType: !Ref NodeType", "NodeType: dc2.large"),
        YAML,
        &BTreeMap::new(),
        Some("us-east-1"),
    )
    .unwrap();
    let snap = world.snapshots(None).unwrap().0.remove(0);
    let result = common::sarif_result(&snap, YAML, "ZR004");
    let loc = &result["locations"][0];
    assert_eq!(loc["physicalLocation"]["artifactLocation"]["uri"], YAML);
    assert_eq!(
        loc["physicalLocation"]["region"]["startLine"],
        line_of("Warehouse")
    );
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "Warehouse"
    );
}

fn run(args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zetl-preflight"));
    for v in common::AWS_VARS_TO_CLEAR {
        cmd.env_remove(v);
    }
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap()
}

/// End to end: `--parameters` in the AWS CLI's file format, exit 1 on a failure; a file
/// that is not a template, or a parameter the template does not declare, exit 2 naming it.
#[test]
fn the_cli_checks_a_template_with_its_parameters() {
    let dir = std::env::temp_dir().join(format!("zetl-cfn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let params = dir.join("params.json");
    std::fs::write(
        &params,
        r#"[{"ParameterKey": "NodeType", "ParameterValue": "dc2.large"}]"#,
    )
    .unwrap();
    let o = run(&[
        "check",
        "--cloudformation",
        YAML,
        "--parameters",
        params.to_str().unwrap(),
        "--region",
        "us-east-1",
        "--format",
        "github",
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains(&format!("::error file={YAML},line=")), "{out}");
    assert!(out.contains("ZR004"), "{out}");

    let bad = dir.join("not-a-template.yaml");
    std::fs::write(&bad, "Description: nothing\n").unwrap();
    let o = run(&["check", "--cloudformation", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no Resources section"));

    std::fs::write(&params, r#"{"Nope": "x"}"#).unwrap();
    let o = run(&[
        "check",
        "--cloudformation",
        YAML,
        "--parameters",
        params.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("Nope"));
    std::fs::remove_dir_all(&dir).ok();
}

/// The integration's own properties: an Aurora PostgreSQL source needs a filter that
/// includes something (CreateIntegration refuses it otherwise); an encryption context needs
/// a KMS key (AWS: AdditionalEncryptionContext only with KMSKeyId).
#[test]
fn the_integration_properties_are_judged_as_create_integration_would() {
    let pg = text(YAML)
        .replace(
            "Engine: aurora-mysql\n      EngineVersion: 8.0.mysql_aurora.3.05.2",
            "Engine: aurora-postgresql\n      EngineVersion: \"16.4\"",
        )
        .replace("Family: aurora-mysql8.0", "Family: aurora-postgresql16")
        .replace("      DataFilter: \"include: orders.*\"\n", "");
    let v = verdicts(&findings(&pg, YAML, &[]));
    assert_eq!(v["ZT005"], Status::Fail, "{v:?}");
    let with_include = pg.replace(
        "      TargetArn: !GetAtt Warehouse.ClusterNamespaceArn\n",
        "      TargetArn: !GetAtt Warehouse.ClusterNamespaceArn\n      DataFilter: \"include: orders.public.*\"\n",
    );
    assert_eq!(
        verdicts(&findings(&with_include, YAML, &[]))["ZT005"],
        Status::Pass
    );

    let context = text(YAML).replace(
        "      DataFilter: \"include: orders.*\"\n",
        "      DataFilter: \"include: orders.*\"\n      AdditionalEncryptionContext:\n        team: data\n",
    );
    assert_eq!(
        verdicts(&findings(&context, YAML, &[]))["ZT007"],
        Status::Fail
    );
    let keyed = context.replace(
        "        team: data\n",
        "        team: data\n      KMSKeyId: arn:aws:kms:us-east-1:123456789012:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e\n",
    );
    assert_eq!(
        verdicts(&findings(&keyed, YAML, &[]))["ZT007"],
        Status::Pass
    );
}

/// A template names no Region; the config file's `region` is used, as by every other
/// command (it used to be read only from --region and the environment).
#[test]
fn a_template_takes_the_region_of_the_config_file() {
    let dir = std::env::temp_dir().join(format!("zetl-cfn-region-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let config = dir.join("zetl-preflight.toml");
    std::fs::write(&config, "region = \"us-east-1\"\n").unwrap();
    let args = [
        "check",
        "--offline",
        "--cloudformation",
        YAML,
        "--format",
        "json",
    ];
    let without = run(&args);
    let with = run(&[&args[..], &["--config", config.to_str().unwrap()]].concat());
    let same_region = |o: &std::process::Output| {
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "ZC004")
            .map(|f| f["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(
        same_region(&without),
        "error",
        "no Region anywhere: unverified"
    );
    assert_eq!(
        same_region(&with),
        "pass",
        "the config file's Region is the template's"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A template is described in CloudFormation's words: its property and GetAtt names, no
/// Terraform provider, and one line that says to pass --region.
#[test]
fn a_template_is_described_in_its_own_words() {
    let o = run(&["check", "--offline", "--cloudformation", YAML]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    let all = format!("{out}{err}");
    assert!(all.contains("Warehouse.NamespaceResourcePolicy"), "{all}");
    assert!(!all.contains("namespace_resource_policy"), "{all}");
    assert!(!all.contains("provider"), "{all}");
    assert!(!all.contains("(unknown Region)"), "{all}");
    assert!(out.contains("Region unknown"), "{out}");
    assert_eq!(all.matches("pass --region").count(), 1, "{all}");
}

/// An `AWS::RDS::DBInstance` without `DBClusterIdentifier` is an RDS DB instance of its own:
/// with its `AWS::RDS::DBParameterGroup` it is judged by the RDS for MySQL rules (a member of
/// an Aurora cluster stays the cluster's), `!GetAtt X.DBInstanceArn` is a source ARN
/// CreateIntegration takes, and backups off fail ZY007.
#[test]
fn an_rds_instance_in_a_template_is_the_source() {
    const RDS: &str = "fixtures/cloudformation/rds-mysql-provisioned.yaml";
    let v = verdicts(&findings(&text(RDS), RDS, &[]));
    assert!(
        !v.values().any(|s| matches!(s, Status::Fail | Status::Warn)),
        "{v:?}"
    );
    for code in [
        "ZY001", "ZY002", "ZY004", "ZY005", "ZY007", "ZY008", "ZY009", "ZY010", "ZT008", "ZT010",
    ] {
        assert_eq!(v.get(code), Some(&Status::Pass), "{code}: {v:?}");
    }
    assert!(
        !v.contains_key("ZC002") && !v.contains_key("ZM001"),
        "Aurora rules: {v:?}"
    );
    let off = text(RDS).replace("BackupRetentionPeriod: 7", "BackupRetentionPeriod: 0");
    assert_eq!(verdicts(&findings(&off, RDS, &[]))["ZY007"], Status::Fail);
}

/// An `AWS::KMS::Key` of the template as the integration's `KMSKeyId`: its `KeyPolicy` is
/// judged (a policy without Redshift's grant fails ZK002, the documented one passes), and a
/// disabled key fails ZK001.
#[test]
fn a_key_of_the_template_is_judged_with_its_key_policy() {
    let with_key = |statements: &str, enabled: bool| {
        let key = format!(
            "  ZeroEtlKey:\n    Type: AWS::KMS::Key\n    Properties:\n      Enabled: {enabled}\n      KeyPolicy:\n        Version: \"2012-10-17\"\n        Statement:\n{statements}\n\n  Integration:\n"
        );
        text(YAML).replace("  Integration:\n", &key).replace(
            "      DataFilter: \"include: orders.*\"",
            "      DataFilter: \"include: orders.*\"\n      KMSKeyId: !GetAtt ZeroEtlKey.Arn",
        )
    };
    let root = "          - Effect: Allow\n            Principal:\n              AWS: !Sub \"arn:aws:iam::${AWS::AccountId}:root\"\n            Action: \"kms:*\"\n            Resource: \"*\"";
    let redshift = "          - Effect: Allow\n            Principal:\n              Service: redshift.amazonaws.com\n            Action: kms:CreateGrant\n            Resource: \"*\"\n            Condition:\n              ForAllValues:StringEquals:\n                kms:GrantOperations: [Decrypt, GenerateDataKey, CreateGrant]";
    let v = verdicts(&findings(&with_key(root, true), YAML, &[]));
    assert_eq!(v["ZK002"], Status::Fail, "{v:?}");
    let v = verdicts(&findings(
        &with_key(&format!("{root}\n{redshift}"), true),
        YAML,
        &[],
    ));
    assert_eq!(v["ZK002"], Status::Pass, "{v:?}");
    assert_eq!(v["ZK001"], Status::Pass, "{v:?}");
    let v = verdicts(&findings(
        &with_key(&format!("{root}\n{redshift}"), false),
        YAML,
        &[],
    ));
    assert_eq!(v["ZK001"], Status::Fail, "{v:?}");
    // The hardened statement compares with the stack's own account, known only once the
    // stack exists: unverified, never a guess.
    let hardened = format!(
        "{redshift}\n              StringEquals:\n                aws:SourceAccount: !Ref AWS::AccountId"
    );
    let v = verdicts(&findings(
        &with_key(&format!("{root}\n{hardened}"), true),
        YAML,
        &[],
    ));
    assert_eq!(v["ZK002"], Status::Error, "{v:?}");
}

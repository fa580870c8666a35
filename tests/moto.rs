//! The fetch layer and the CLI against a real AWS API emulator: moto server on 127.0.0.1,
//! started by each test. moto implements RDS clusters, instances and cluster parameter groups,
//! and Redshift clusters and parameter groups; what it lacks must become `error` findings.

mod common;

use std::collections::BTreeMap;

use common::world::{run_cli, run_cli_in, World};
use common::{aws_env, Moto, AWS_VARS_TO_CLEAR};
use zetl_preflight::model::{Finding, Status, ValueSource};

const ZETL_MYSQL: [(&str, &str, &str); 6] = [
    ("aurora_enhanced_binlog", "1", "pending-reboot"),
    ("binlog_backup", "0", "pending-reboot"),
    ("binlog_replication_globaldb", "0", "pending-reboot"),
    ("binlog_format", "ROW", "pending-reboot"),
    ("binlog_row_image", "full", "immediate"),
    ("binlog_row_metadata", "full", "immediate"),
];

fn status(findings: &BTreeMap<String, Finding>, code: &str) -> Status {
    findings
        .get(code)
        .unwrap_or_else(|| panic!("no finding for {code}"))
        .status
}

#[track_caller]
fn assert_status(findings: &BTreeMap<String, Finding>, codes: &[&str], want: Status) {
    for code in codes {
        let f = &findings[*code];
        assert_eq!(f.status, want, "{code}: {}", f.message);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn moto_quirks_become_facts_not_guesses() {
    let moto = Moto::start();
    let world = World::new(&moto);
    world.misconfigured().await;
    let snap = world.snapshot().await;

    // moto names the default group default.aurora8.0 and cannot describe it: a default.*
    // group holds engine defaults only, so it is recorded as such, not as an error.
    let group = snap
        .source
        .rds()
        .unwrap()
        .parameter_group
        .ok()
        .expect("default group is known");
    assert_eq!(group.name, "default.aurora8.0");
    assert!(group.defaults_only);
    assert_eq!(group.family.as_deref(), Some("aurora-mysql8.0"));
    // moto has no DescribeEngineDefaultClusterParameters: an error naming the call.
    let err = snap
        .source
        .rds()
        .unwrap()
        .engine_defaults
        .as_result()
        .unwrap_err();
    assert_eq!(err.call, "rds:DescribeEngineDefaultClusterParameters");
    // ... nor DescribeIntegrations.
    assert_eq!(
        snap.integrations.as_result().unwrap_err().call,
        "rds:DescribeIntegrations"
    );
    let zetl_preflight::model::TargetSnapshot::Provisioned(t) = &snap.target else {
        panic!("warehouse is a provisioned cluster");
    };
    // moto returns no ClusterNamespaceArn, so the resource policy cannot be looked up.
    assert_eq!(t.cluster.cluster_namespace_arn, None);
    assert!(t.resource_policy.as_result().is_err());
    assert_eq!(t.cluster.node_type, "dc2.large");
    assert_eq!(t.cluster.encrypted, Some(false));
    let members = &snap
        .source
        .rds()
        .unwrap()
        .cluster()
        .unwrap()
        .db_cluster_members;
    assert_eq!(members.len(), 1);
    assert!(members[0].is_cluster_writer);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misconfigured_setup_fails_then_each_fix_turns_to_pass() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;

    let f = w.check().await;
    // Every broken requirement is named, with expected and actual values.
    let zc006 = &f["ZC006"];
    assert_eq!(zc006.status, Status::Fail);
    assert_eq!(
        zc006.evidence.field.as_deref(),
        Some("DBClusterParameterGroup")
    );
    assert_eq!(zc006.evidence.actual.as_deref(), Some("default.aurora8.0"));
    for code in ["ZM001", "ZM002", "ZM003", "ZM004", "ZM006"] {
        let x = &f[code];
        assert_eq!(x.status, Status::Fail, "{code}: {}", x.message);
        assert!(x.evidence.parameter.is_some() && x.evidence.expected.is_some());
        // moto returns no engine defaults: the documented default, labelled as such, and
        // the failed read named.
        assert_eq!(
            x.evidence.actual_source,
            Some(ValueSource::DocumentedDefault),
            "{code}"
        );
        assert_eq!(
            x.evidence.failed_call.as_deref(),
            Some("rds:DescribeEngineDefaultClusterParameters")
        );
    }
    assert_eq!(f["ZM003"].evidence.actual.as_deref(), Some("OFF"));
    assert_eq!(f["ZM003"].evidence.expected.as_deref(), Some("ROW"));
    let zm010 = &f["ZM010"];
    assert_eq!(zm010.status, Status::Fail);
    assert_eq!(
        zm010.evidence.actual.as_deref(),
        Some("8.0.mysql_aurora.3.04.1")
    );
    let zr004 = &f["ZR004"];
    assert_eq!(zr004.status, Status::Fail);
    assert_eq!(zr004.evidence.field.as_deref(), Some("NodeType"));
    assert_eq!(zr004.evidence.actual.as_deref(), Some("dc2.large"));
    assert_eq!(f["ZR006"].status, Status::Fail);
    assert_eq!(f["ZR006"].evidence.actual.as_deref(), Some("false"));
    assert_eq!(status(&f, "ZR005"), Status::Warn);
    // moto keeps enable_case_sensitive_identifier out of its parameter rows: documented default.
    assert_eq!(status(&f, "ZR007"), Status::Fail);
    // What moto cannot represent is unverified, never a pass.
    assert_status(
        &f,
        &[
            "ZR009", "ZA001", "ZA002", "ZI001", "ZI002", "ZI003", "ZI004", "ZI005",
        ],
        Status::Error,
    );
    // What is right already passes.
    assert_status(
        &f,
        &[
            "ZC001", "ZC002", "ZC003", "ZC004", "ZC005", "ZC007", "ZR001",
        ],
        Status::Pass,
    );
    // moto does not implement DescribeEngineDefaultClusterParameters (HTTP 500): a value that
    // rests on an engine default is unverified, never passed, and names the failed call.
    for code in ["ZM005", "ZM007", "ZM008", "ZM009"] {
        assert_eq!(status(&f, code), Status::Error, "{code}");
        assert_eq!(
            f[code].evidence.failed_call.as_deref(),
            Some("rds:DescribeEngineDefaultClusterParameters"),
            "{code}"
        );
    }
    // No backtrack on record, but enhanced binlog is off: a restore history nobody can see
    // is a warning until enhanced binlog is on and live.
    assert_eq!(status(&f, "ZM011"), Status::Warn);

    // Fix 1: a custom group with the zero-ETL values, associated with the cluster.
    w.rds
        .create_db_cluster_parameter_group()
        .db_cluster_parameter_group_name("shop-db-zetl")
        .db_parameter_group_family("aurora-mysql8.0")
        .description("zero-ETL parameters for shop-db")
        .send()
        .await
        .unwrap();
    let params = ZETL_MYSQL.iter().map(|(n, v, m)| {
        aws_sdk_rds::types::Parameter::builder()
            .parameter_name(*n)
            .parameter_value(*v)
            .apply_method(aws_sdk_rds::types::ApplyMethod::from(*m))
            .build()
    });
    w.rds
        .modify_db_cluster_parameter_group()
        .db_cluster_parameter_group_name("shop-db-zetl")
        .set_parameters(Some(params.collect()))
        .send()
        .await
        .unwrap();
    w.rds
        .modify_db_cluster()
        .db_cluster_identifier("shop-db")
        .db_cluster_parameter_group_name("shop-db-zetl")
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    let f = w.check().await;
    assert_status(
        &f,
        &[
            "ZC006", "ZM001", "ZM002", "ZM003", "ZM004", "ZM006", "ZC007",
        ],
        Status::Pass,
    );
    assert_eq!(f["ZM001"].evidence.actual_source, Some(ValueSource::User));
    assert_eq!(status(&f, "ZM010"), Status::Fail, "not fixed yet");

    // Fix 2: the engine version.
    w.rds
        .modify_db_cluster()
        .db_cluster_identifier("shop-db")
        .engine_version("8.0.mysql_aurora.3.05.2")
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    let f = w.check().await;
    assert_status(&f, &["ZM010"], Status::Pass);
    assert_eq!(status(&f, "ZR004"), Status::Fail, "not fixed yet");

    // Fix 3: RA3 with two nodes.
    w.redshift
        .modify_cluster()
        .cluster_identifier("warehouse")
        .node_type("ra3.xlplus")
        .cluster_type("multi-node")
        .number_of_nodes(2)
        .send()
        .await
        .unwrap();
    let f = w.check().await;
    assert_status(&f, &["ZR004", "ZR005"], Status::Pass);
    assert_eq!(status(&f, "ZR006"), Status::Fail, "not fixed yet");

    // Fix 4: encryption.
    w.redshift
        .modify_cluster()
        .cluster_identifier("warehouse")
        .encrypted(true)
        .send()
        .await
        .unwrap();
    let f = w.check().await;
    assert_status(&f, &["ZR006"], Status::Pass);

    // Everything moto can represent now passes; the rest is unverified (no engine defaults,
    // no namespace ARN, no integrations API) or (ZR007: moto cannot set
    // enable_case_sensitive_identifier) still failing, never silently passing. No KMS key is
    // named, and no creator is simulated here: those rules do not apply.
    for (code, x) in &f {
        if code.starts_with("ZK") || code.starts_with("ZW") {
            assert_eq!(x.status, Status::Skip, "{code}: {}", x.message);
            continue;
        }
        let moto_cannot = code.starts_with("ZA")
            || code.starts_with("ZI")
            || matches!(
                code.as_str(),
                "ZR009" | "ZR007" | "ZM005" | "ZM007" | "ZM008" | "ZM009"
            );
        if !moto_cannot {
            assert_eq!(x.status, Status::Pass, "{code}: {}", x.message);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_against_moto_exits_1_and_snapshot_replays_the_same_findings() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    let dir = std::env::temp_dir().join(format!("zetl-moto-{}", moto.port));
    std::fs::create_dir_all(&dir).unwrap();
    let saved = dir.join("snap.json");
    let saved_s = saved.to_str().unwrap();

    let live = run_cli(
        &moto,
        &[
            "check",
            "--source",
            "shop-db",
            "--target",
            "warehouse",
            "--format",
            "json",
            "--save-snapshot",
            saved_s,
        ],
    );
    let stderr = String::from_utf8_lossy(&live.stderr);
    assert_eq!(live.status.code(), Some(1), "stderr: {stderr}");
    let live_doc: serde_json::Value = serde_json::from_slice(&live.stdout).unwrap();
    assert_eq!(live_doc["source"]["id"], "shop-db");
    assert_eq!(live_doc["target"]["kind"], "provisioned");
    assert!(live_doc["summary"]["fail"].as_u64().unwrap() >= 8);
    // Who acted, from sts:GetCallerIdentity (moto's default account).
    assert_eq!(live_doc["identity"]["account"], "123456789012");
    assert!(live_doc["identity"]["arn"]
        .as_str()
        .unwrap()
        .starts_with("arn:aws:"));

    let offline = run_cli(&moto, &["check", "--snapshot", saved_s, "--format", "json"]);
    assert_eq!(offline.status.code(), Some(1));
    let offline_doc: serde_json::Value = serde_json::from_slice(&offline.stdout).unwrap();
    assert_eq!(live_doc["findings"], offline_doc["findings"]);
    // Offline, nobody acted: no identity.
    assert!(offline_doc.get("identity").is_none());

    // The table names the broken requirements, with expected and actual values.
    let table = run_cli(
        &moto,
        &["check", "--source", "shop-db", "--target", "warehouse"],
    );
    let text = String::from_utf8_lossy(&table.stdout);
    assert_eq!(table.status.code(), Some(1));
    assert!(
        text.starts_with("Checked as account 123456789012 as arn:aws:"),
        "{text}"
    );
    // No log lines in normal output: stderr holds nothing but the progress line on a TTY.
    let err = String::from_utf8_lossy(&table.stderr);
    assert!(!err.contains(" WARN ") && !err.contains(" INFO "), "{err}");
    for needle in [
        "ZM010",
        "dc2.large",
        "ZR006",
        "NOT READY",
        "Could not verify",
        "default.aurora8.0",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    assert!(!text.contains('\x1b'), "NO_COLOR output has escapes");
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_cluster_is_exit_2_with_one_clear_line() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    let out = run_cli(
        &moto,
        &["check", "--source", "no-such-db", "--target", "warehouse"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert!(
        errors[0].contains("no-such-db") && errors[0].contains("not found"),
        "{err}"
    );
    assert!(out.stdout.is_empty());

    let out = run_cli(
        &moto,
        &["check", "--source", "shop-db", "--target", "no-such-target"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no-such-target"), "{err}");
}

/// Region precedence: the command line over the config file over the environment.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn region_comes_from_cli_then_config_then_environment() {
    let moto = Moto::start();
    let base = moto.config();
    let paris =
        |b: aws_sdk_rds::config::Builder| b.region(aws_config::Region::new("eu-west-3")).build();
    let rds = aws_sdk_rds::Client::from_conf(paris(aws_sdk_rds::config::Builder::from(&base)));
    let redshift = aws_sdk_redshift::Client::from_conf(
        aws_sdk_redshift::config::Builder::from(&base)
            .region(aws_config::Region::new("eu-west-3"))
            .build(),
    );
    rds.create_db_cluster()
        .db_cluster_identifier("paris-db")
        .engine("aurora-mysql")
        .engine_version("8.0.mysql_aurora.3.05.2")
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .send()
        .await
        .unwrap();
    redshift
        .create_cluster()
        .cluster_identifier("paris-dw")
        .node_type("ra3.xlplus")
        .number_of_nodes(2)
        .master_username("admin")
        .master_user_password("NotASecret1")
        .send()
        .await
        .unwrap();
    let dir = common::scratch_dir(&format!("region-{}", moto.port));
    std::fs::write(dir.join("zetl-preflight.toml"), "region = \"eu-west-3\"\n").unwrap();
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_zetl-preflight"));
        for v in AWS_VARS_TO_CLEAR {
            cmd.env_remove(v);
        }
        // The environment says us-east-1; the config file says eu-west-3.
        cmd.envs(aws_env(&moto.url()))
            .current_dir(&dir)
            .args(args)
            .output()
            .unwrap()
    };
    let pair = [
        "check", "--source", "paris-db", "--target", "paris-dw", "--format", "json",
    ];
    let o = run(&pair);
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["source"]["region"], "eu-west-3");
    let mut with_flag = pair.to_vec();
    with_flag.extend(["--region", "us-east-1"]);
    let o = run(&with_flag);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("paris-db") && err.contains("us-east-1"),
        "{err}"
    );
    std::fs::remove_file(dir.join("zetl-preflight.toml")).unwrap();
    let o = run(&pair);
    assert_eq!(
        o.status.code(),
        Some(2),
        "without the config file the environment's us-east-1 applies"
    );
}

/// The commands of the CI examples (docs/ci.md, and the README's GitHub job), run as written in a scratch repository against
/// moto: they produce a valid SARIF file, a JUnit file and a Markdown summary, and the gate
/// exits as `--fail-on` says.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ci_examples_run_as_written_against_moto() {
    let moto = Moto::start();
    World::new(&moto).misconfigured().await;
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_zetl-preflight"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci");
    let read = |page: &str| {
        std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(page))
            .unwrap()
    };
    let (readme, ci_page) = (read("README.md"), read("docs/ci.md"));

    // GitHub: the action's `args:` (the action runs `zetl-preflight ARGS`), then the steps
    // that run it as a command.
    for (file, prefixes) in [
        (
            "github-actions.yml",
            &["args: ", "run: zetl-preflight "][..],
        ),
        ("gitlab-ci.yml", &["- zetl-preflight "][..]),
    ] {
        let yaml = std::fs::read_to_string(examples.join(file)).unwrap();
        assert!(
            ci_page.contains(yaml.trim()),
            "docs/ci.md does not show examples/ci/{file} as it is"
        );
        assert!(
            file != "github-actions.yml" || readme.contains(yaml.trim()),
            "README does not show examples/ci/{file} as it is"
        );
        let repo = common::scratch_dir(&format!("ci-{file}-{}", moto.port));
        // Two pairs (the same one twice is enough): the examples save one snapshot per pair
        // and render every format from the folder.
        std::fs::write(
            repo.join("zetl-preflight.toml"),
            "[[pair]]\nsource = \"shop-db\"\ntarget = \"warehouse\"\n\n\
             [[pair]]\nsource = \"shop-db\"\ntarget = \"warehouse\"\n",
        )
        .unwrap();
        let summary = repo.join("step-summary.md");
        let commands: Vec<String> = yaml
            .lines()
            .filter_map(|l| {
                prefixes
                    .iter()
                    .find_map(|p| l.trim().strip_prefix(p))
                    .map(|rest| format!("zetl-preflight {rest}"))
            })
            .collect();
        assert!(commands.len() >= 3, "{file}: found {commands:?}");
        let sh = |command: &str| {
            let mut cmd = std::process::Command::new("sh");
            for v in AWS_VARS_TO_CLEAR {
                cmd.env_remove(v);
            }
            cmd.envs(aws_env(&moto.url()))
                .env("PATH", &path)
                .env("GITHUB_STEP_SUMMARY", &summary)
                .current_dir(&repo)
                .args(["-c", command])
                .output()
                .unwrap()
        };
        for command in &commands {
            let o = sh(command);
            let want = if command.contains("--fail-on error") {
                1
            } else {
                0
            };
            assert_eq!(
                o.status.code(),
                Some(want),
                "{file}: `{command}`: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
        let sarif: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(repo.join("zetl.sarif")).unwrap())
                .unwrap();
        let errors: Vec<String> = common::sarif_validator()
            .iter_errors(&sarif)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
        assert!(sarif["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["ruleId"] == "ZM010"));
        if let Ok(junit) = std::fs::read_to_string(repo.join("zetl-junit.xml")) {
            let xml = roxmltree::Document::parse(&junit).unwrap();
            assert!(xml.descendants().any(|n| n.has_tag_name("failure")));
        } else {
            panic!("{file}: no JUnit file");
        }
        let md = std::fs::read_to_string(if file.starts_with("github") {
            summary.clone()
        } else {
            repo.join("zetl-summary.md")
        })
        .unwrap();
        assert!(md.starts_with("## zetl-preflight: ❌ failed"), "{md}");
        // The gate under each threshold, on the same live setup.
        for (fail_on, want) in [("error", 1), ("warning", 1), ("never", 0)] {
            let o = sh(&format!(
                "zetl-preflight check --format github --fail-on {fail_on}"
            ));
            assert_eq!(o.status.code(), Some(want), "--fail-on {fail_on}");
        }
        let o = sh("zetl-preflight check --format github --fail-on error --allow-unverified");
        assert_eq!(
            o.status.code(),
            Some(1),
            "real failures still fail with --allow-unverified"
        );
    }
}

/// Against an endpoint without DescribeIntegrations (moto), a Region's discovery is not
/// verified, never an empty READY fleet and never a stop: the run exits 1 naming the call
/// (0 with --allow-unverified), and `--candidates` are still checked: Aurora clusters and RDS
/// DB instances alike, not the instances of a cluster.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_without_an_integrations_api_is_not_verified() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    w.rds
        .create_db_instance()
        .db_instance_identifier("billing")
        .engine("mysql")
        .engine_version("8.0.39")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .send()
        .await
        .unwrap();
    let out = run_cli(
        &moto,
        &["audit", "--regions", "us-east-1", "--format", "json"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let missed = doc["unverified"].to_string();
    assert!(
        missed.contains("integrations in us-east-1 were not listed"),
        "{doc}"
    );
    assert!(missed.contains("rds:DescribeIntegrations"), "{doc}");
    let out = run_cli(
        &moto,
        &[
            "audit",
            "--regions",
            "us-east-1",
            "--allow-unverified",
            "-q",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    let out = run_cli(
        &moto,
        &[
            "audit",
            "--regions",
            "us-east-1",
            "--candidates",
            "warehouse",
            "--format",
            "json",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    // The misconfigured candidate fails its checks: exit 1, with its pair in the report.
    assert_eq!(out.status.code(), Some(1), "{err}");
    let text = String::from_utf8_lossy(&out.stdout);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let sources: Vec<&str> = doc["checks"]
        .as_array()
        .unwrap_or_else(|| panic!("{text}"))
        .iter()
        .filter_map(|p| p["source"]["id"].as_str())
        .collect();
    assert!(sources.contains(&"shop-db"), "{sources:?}");
    assert!(
        sources.contains(&"billing"),
        "the RDS instance is a candidate: {sources:?}"
    );
    assert!(
        !sources.iter().any(|s| s.starts_with("shop-db-")),
        "a cluster's instances are not candidates: {sources:?}"
    );
    assert!(
        text.contains("integrations in us-east-1 were not listed"),
        "{text}"
    );
}

/// `audit --save-snapshot DIR` keeps each pair it checked, one file each; `check --snapshot
/// DIR` judges the same pairs offline with the same results (yesterday's fleet, rendered
/// again without AWS).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_audit_saved_to_a_folder_is_checked_again_offline() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    let dir = common::scratch_dir("audit-saved");
    let saved = dir.join("fleet");
    let out = run_cli(
        &moto,
        &[
            "audit",
            "--regions",
            "us-east-1",
            "--candidates",
            "warehouse",
            "--format",
            "json",
            "--save-snapshot",
            saved.to_str().unwrap(),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // One pair's report is a flat document; many pairs' are its `checks`.
    let by_pair = |doc: &serde_json::Value| -> BTreeMap<String, serde_json::Value> {
        doc["checks"]
            .as_array()
            .cloned()
            .unwrap_or_else(|| vec![doc.clone()])
            .iter()
            .map(|p| {
                (
                    format!("{} -> {}", p["source"]["id"], p["target"]["id"]),
                    p["summary"].clone(),
                )
            })
            .collect()
    };
    let live = by_pair(&serde_json::from_slice(&out.stdout).unwrap());
    let files = std::fs::read_dir(&saved).unwrap().count();
    assert_eq!(files, live.len(), "one snapshot per pair");
    let again = common::zetl_in(
        None,
        &[
            "check",
            "--snapshot",
            saved.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    assert_eq!(
        again.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    let offline = by_pair(&serde_json::from_slice(&again.stdout).unwrap());
    assert_eq!(offline, live);
}

/// `check --save-snapshot DIR/` with the config file's pairs saves one snapshot per pair
/// (a second file of the same name gets a suffix, never overwrites the first), and
/// `check --snapshot DIR` checks them again offline with the same counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_config_files_pairs_are_saved_one_file_each() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    let dir = common::scratch_dir("check-saved");
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        "[[pair]]\nsource = \"shop-db\"\ntarget = \"warehouse\"\n\n[[pair]]\nsource = \"shop-db\"\ntarget = \"warehouse\"\n",
    )
    .unwrap();
    let out = run_cli_in(
        &moto,
        Some(&dir),
        &[
            "check",
            "--region",
            "us-east-1",
            "--save-snapshot",
            "saved/",
            "--format",
            "json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut files: Vec<String> = std::fs::read_dir(dir.join("saved"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "us-east-1--shop-db--warehouse-2.json",
            "us-east-1--shop-db--warehouse.json"
        ]
    );
    let live: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let again = common::zetl_in(
        Some(&dir),
        &["check", "--snapshot", "saved", "--format", "json"],
    );
    let offline: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(offline["summary"], live["summary"]);
}

/// The correct Terraform plan of `fixtures/terraform/`, to edit.
fn base_plan() -> serde_json::Value {
    let path = common::fixture("terraform/mysql-serverless-new.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// Rule code → status in a single-pair JSON report.
fn statuses(doc: &serde_json::Value) -> BTreeMap<String, String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// A plan whose integration names an existing cluster by ARN (outside the plan): with
/// credentials it is read from AWS (moto) and judged with the plan's target; `--offline`, it
/// is not verified, naming the ARN.
#[tokio::test(flavor = "multi_thread")]
async fn a_plan_source_outside_the_plan_is_read_from_aws() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    let arn = "arn:aws:rds:us-east-1:123456789012:cluster:shop-db";
    let mut plan = base_plan();
    for r in plan["resource_changes"].as_array_mut().unwrap() {
        if r["address"] == "aws_rds_integration.this" {
            r["change"]["after"]["source_arn"] = serde_json::json!(arn);
            r["change"]["after_unknown"]["source_arn"] = serde_json::json!(false);
        }
    }
    for r in plan["configuration"]["root_module"]["resources"]
        .as_array_mut()
        .unwrap()
    {
        if r["address"] == "aws_rds_integration.this" {
            r["expressions"]["source_arn"] = serde_json::json!({ "constant_value": arn });
        }
    }
    let dir = common::scratch_dir("plan-live");
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let path = path.to_str().unwrap();

    let o = run_cli(
        &moto,
        &["check", "--terraform-plan", path, "--format", "json"],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc.get("unverified").is_none(), "{doc}");
    let found = statuses(&doc);
    let status = |code: &str| found.get(code).cloned();
    // Read from moto: Aurora MySQL 3.04.1 on its default group.
    assert_eq!(status("ZM010").as_deref(), Some("fail"), "{doc}");
    assert_eq!(status("ZC006").as_deref(), Some("fail"));
    // The planned target and the plan's own rules are judged too.
    assert_eq!(status("ZR007").as_deref(), Some("pass"));
    assert_eq!(status("ZT003").as_deref(), Some("pass"));
    assert_eq!(doc["source"]["arn"], arn);

    let o = run_cli(
        &moto,
        &[
            "check",
            "--terraform-plan",
            path,
            "--offline",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let why = doc["unverified"][0].as_str().unwrap();
    assert!(why.contains(arn) && why.contains("--live"), "{why}");
}

/// A cluster the plan updates exists: with credentials its live state is read (moto: the
/// cluster is available, one writer); the plan gives it a new parameter group, so after the
/// apply the writer reports pending-reboot (ZC007 fails) and the integration in the same
/// apply is warned about (ZT004).
#[tokio::test(flavor = "multi_thread")]
async fn a_planned_update_of_an_existing_cluster_reads_its_live_state() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    let arn = "arn:aws:rds:us-east-1:123456789012:cluster:shop-db";
    let mut plan = base_plan();
    for r in plan["resource_changes"].as_array_mut().unwrap() {
        if r["address"] == "aws_rds_cluster.source" {
            let c = &mut r["change"];
            c["after"]["arn"] = serde_json::json!(arn);
            c["after"]["cluster_identifier"] = serde_json::json!("shop-db");
            let mut before = c["after"].clone();
            before["db_cluster_parameter_group_name"] =
                serde_json::json!("default.aurora-mysql8.0");
            c["before"] = before;
            c["after_unknown"] = serde_json::json!({});
            c["actions"] = serde_json::json!(["update"]);
        }
    }
    plan["resource_changes"]
        .as_array_mut()
        .unwrap()
        .retain(|r| r["address"] != "aws_rds_cluster_instance.writer");
    let dir = common::scratch_dir("plan-update-live");
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let o = run_cli(
        &moto,
        &[
            "check",
            "--terraform-plan",
            path.to_str().unwrap(),
            "--format",
            "json",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let found = statuses(&doc);
    let status = |code: &str| found.get(code).cloned();
    assert_eq!(status("ZC001").as_deref(), Some("pass"), "{doc}");
    assert_eq!(
        status("ZC002").as_deref(),
        Some("pass"),
        "the writer, read from moto"
    );
    assert_eq!(status("ZC007").as_deref(), Some("fail"));
    assert_eq!(status("ZT004").as_deref(), Some("warn"));
}

/// A plan that only adds the integration between two clusters it already manages (both
/// `no-op`): offline their live state is unverified; with credentials it is read (moto).
#[tokio::test(flavor = "multi_thread")]
async fn a_plan_between_existing_resources_reads_their_live_state() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    let source_arn = "arn:aws:rds:us-east-1:123456789012:cluster:shop-db";
    let noop = |address: &str, kind: &str, after: serde_json::Value| {
        serde_json::json!({
            "address": address, "mode": "managed", "type": kind,
            "name": address.split('.').nth(1).unwrap(),
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": { "actions": ["no-op"], "before": after.clone(), "after": after, "after_unknown": {} }
        })
    };
    let plan = serde_json::json!({
        "format_version": "1.2",
        "resource_changes": [
            noop("aws_rds_cluster.shop", "aws_rds_cluster", serde_json::json!({
                "cluster_identifier": "shop-db", "arn": source_arn, "engine": "aurora-mysql",
                "engine_version": "8.0.mysql_aurora.3.04.1",
                "db_cluster_parameter_group_name": "default.aurora-mysql8.0"
            })),
            noop("aws_redshift_cluster.warehouse", "aws_redshift_cluster", serde_json::json!({
                "cluster_identifier": "warehouse", "node_type": "dc2.large", "number_of_nodes": 1,
                "encrypted": false, "cluster_parameter_group_name": "default.redshift-2.0",
                "cluster_namespace_arn": "arn:aws:redshift:us-east-1:123456789012:namespace:5f8e9d2c-1b3a-4c5d-8e7f-9a0b1c2d3e4f"
            })),
            {
                "address": "aws_rds_integration.this", "mode": "managed", "type": "aws_rds_integration",
                "name": "this", "provider_name": "registry.terraform.io/hashicorp/aws",
                "change": { "actions": ["create"], "before": null,
                    "after": { "integration_name": "shop-to-warehouse", "data_filter": "include: shop.*" },
                    "after_unknown": { "arn": true, "source_arn": true, "target_arn": true } }
            }
        ],
        "configuration": { "root_module": { "resources": [{
            "address": "aws_rds_integration.this", "mode": "managed", "type": "aws_rds_integration", "name": "this",
            "expressions": {
                "integration_name": { "constant_value": "shop-to-warehouse" },
                "data_filter": { "constant_value": "include: shop.*" },
                "source_arn": { "references": ["aws_rds_cluster.shop.arn", "aws_rds_cluster.shop"] },
                "target_arn": { "references": ["aws_redshift_cluster.warehouse.cluster_namespace_arn", "aws_redshift_cluster.warehouse"] }
            }
        }]}}
    });
    let dir = common::scratch_dir("plan-existing-live");
    let path = dir.join("plan.json");
    std::fs::write(&path, plan.to_string()).unwrap();
    let path = path.to_str().unwrap();
    let report = |args: &[&str]| {
        let o = run_cli(&moto, args);
        let doc: serde_json::Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
        statuses(&doc)
    };
    let offline = report(&[
        "check",
        "--terraform-plan",
        path,
        "--offline",
        "--format",
        "json",
    ]);
    for code in ["ZC001", "ZC002", "ZR001", "ZA001"] {
        assert_eq!(offline[code], "error", "{code} offline: {offline:?}");
    }
    assert_eq!(offline["ZR004"], "fail", "dc2 is in the plan itself");
    let live = report(&["check", "--terraform-plan", path, "--format", "json"]);
    assert_eq!(live["ZC001"], "pass", "{live:?}");
    assert_eq!(live["ZC002"], "pass");
    assert_eq!(live["ZR001"], "pass");
    assert_eq!(live["ZM010"], "fail", "3.04.1");
}

/// An RDS for MySQL DB instance, named by a plain identifier that no cluster has: it is read
/// as the source (DescribeDBInstances, DescribeDBParameters); on its default group with
/// backups off the instance rules fail, and on a custom group with the binlog settings and
/// backups on they pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rds_mysql_instance_is_checked_as_the_source() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    w.rds
        .create_db_instance()
        .db_instance_identifier("billing")
        .engine("mysql")
        .engine_version("8.0.39")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .storage_type("gp3")
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .backup_retention_period(0)
        .send()
        .await
        .unwrap();
    let check = |moto: &Moto| rds_check(moto, "billing");
    let (code, s) = check(&moto);
    assert_eq!(code, Some(1));
    assert_eq!(s["ZY001"], "pass", "{s:?}");
    assert_eq!(s["ZY002"], "fail", "default.mysql8.0: {s:?}");
    assert_eq!(s["ZY007"], "fail", "backups off: {s:?}");
    assert_eq!(s["ZY009"], "pass", "{s:?}");
    assert_eq!(s["ZY010"], "pass", "{s:?}");
    assert!(
        !s.contains_key("ZC002"),
        "Aurora-only rules do not judge an instance: {s:?}"
    );

    w.rds
        .create_db_parameter_group()
        .db_parameter_group_name("billing-zetl")
        .db_parameter_group_family("mysql8.0")
        .description("zero-ETL parameters for billing")
        .send()
        .await
        .unwrap();
    w.rds
        .modify_db_parameter_group()
        .db_parameter_group_name("billing-zetl")
        .parameters(immediate("binlog_format", "ROW"))
        .parameters(immediate("binlog_row_image", "full"))
        .send()
        .await
        .unwrap();
    w.rds
        .modify_db_instance()
        .db_instance_identifier("billing")
        .db_parameter_group_name("billing-zetl")
        .backup_retention_period(7)
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    let (_, s) = check(&moto);
    assert_eq!(s["ZY002"], "pass", "{s:?}");
    assert_eq!(
        s["ZY004"], "pass",
        "binlog_format ROW in billing-zetl: {s:?}"
    );
    assert_eq!(s["ZY005"], "pass", "{s:?}");
    assert_eq!(s["ZY007"], "pass", "{s:?}");
}

/// An RDS for PostgreSQL DB instance named by ARN: read as the source with its DB parameter
/// group; on the default group the logical-replication rules fail, on a custom group with
/// the zero-ETL settings they pass.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rds_postgres_instance_is_checked_as_the_source() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    let created = w
        .rds
        .create_db_instance()
        .db_instance_identifier("payments")
        .engine("postgres")
        .engine_version("16.4")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .backup_retention_period(7)
        .send()
        .await
        .unwrap();
    let arn = created
        .db_instance()
        .and_then(|i| i.db_instance_arn())
        .unwrap()
        .to_string();
    let check = |moto: &Moto| rds_check(moto, &arn);
    let (_, s) = check(&moto);
    assert_eq!(s["ZY002"], "fail", "default.postgres16: {s:?}");
    assert_eq!(s["ZQ007"], "pass", "16.4: {s:?}");
    assert_eq!(s["ZQ008"], "pass", "not a replica: {s:?}");
    assert_eq!(s["ZQ009"], "pass", "{s:?}");
    assert!(
        !s.contains_key("ZY004"),
        "MySQL rules do not judge PostgreSQL: {s:?}"
    );

    w.rds
        .create_db_parameter_group()
        .db_parameter_group_name("payments-zetl")
        .db_parameter_group_family("postgres16")
        .description("zero-ETL parameters for payments")
        .send()
        .await
        .unwrap();
    w.rds
        .modify_db_parameter_group()
        .db_parameter_group_name("payments-zetl")
        .parameters(immediate("rds.logical_replication", "1"))
        .parameters(immediate("rds.replica_identity_full", "1"))
        .parameters(immediate("session_replication_role", "origin"))
        .parameters(immediate("wal_sender_timeout", "60000"))
        .parameters(immediate("max_wal_senders", "25"))
        .parameters(immediate("max_replication_slots", "25"))
        .send()
        .await
        .unwrap();
    w.rds
        .modify_db_instance()
        .db_instance_identifier("payments")
        .db_parameter_group_name("payments-zetl")
        .apply_immediately(true)
        .send()
        .await
        .unwrap();
    let (_, s) = check(&moto);
    for code in [
        "ZY002", "ZQ001", "ZQ002", "ZQ003", "ZQ004", "ZQ005", "ZQ006",
    ] {
        assert_eq!(s[code], "pass", "{code}: {s:?}");
    }
}

/// `check` of `source` against moto's `warehouse`, as JSON: the exit code and each rule's status.
fn rds_check(moto: &Moto, source: &str) -> (Option<i32>, BTreeMap<String, String>) {
    let out = run_cli(
        moto,
        &[
            "check",
            "--source",
            source,
            "--target",
            "warehouse",
            "--format",
            "json",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    let doc: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {err}"));
    (out.status.code(), statuses(&doc))
}

/// A DB parameter applied immediately.
fn immediate(name: &str, value: &str) -> aws_sdk_rds::types::Parameter {
    aws_sdk_rds::types::Parameter::builder()
        .parameter_name(name)
        .parameter_value(value)
        .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
        .build()
}

/// An RDS for Oracle DB instance (Standard Edition 2, 19c, a 2024 Release Update): read as
/// the source; the Oracle rules pass, the MySQL and PostgreSQL parameter rules do not judge
/// it. An instance on an April 2019 Release Update with backups off fails ZO001 and ZO004.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rds_oracle_instance_is_checked_as_the_source() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    for (id, engine, version, days) in [
        (
            "ledger",
            "oracle-se2",
            "19.0.0.0.ru-2024-10.rur-2024-10.r1",
            7,
        ),
        (
            "archive",
            "oracle-ee",
            "19.0.0.0.ru-2019-04.rur-2019-04.r1",
            0,
        ),
    ] {
        w.rds
            .create_db_instance()
            .db_instance_identifier(id)
            .engine(engine)
            .engine_version(version)
            .license_model("license-included")
            .db_instance_class("db.m5.large")
            .allocated_storage(20)
            .master_username("admin")
            .master_user_password("not-a-secret-1")
            .backup_retention_period(days)
            .send()
            .await
            .unwrap();
    }
    let (_, s) = rds_check(&moto, "ledger");
    for code in ["ZY001", "ZO001", "ZO002", "ZO003", "ZO004"] {
        assert_eq!(s[code], "pass", "{code}: {s:?}");
    }
    for code in ["ZY002", "ZY004", "ZQ001"] {
        assert!(
            !s.contains_key(code),
            "{code} judges only MySQL or PostgreSQL: {s:?}"
        );
    }
    let (code, s) = rds_check(&moto, "archive");
    assert_eq!(code, Some(1));
    assert_eq!(s["ZO001"], "fail", "RU 2019-04: {s:?}");
    assert_eq!(s["ZO002"], "pass", "Enterprise Edition: {s:?}");
    assert_eq!(s["ZO004"], "fail", "backups off: {s:?}");
}

/// A plain name is looked up as a DB cluster and as a DB instance at once: a name that is both
/// an Aurora cluster and a standalone RDS instance stops (exit 2) and asks for the ARN, and
/// either ARN then checks the one it names. A cluster's own instance of the same name is the
/// cluster's, not a rival.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_that_is_a_cluster_and_an_instance_asks_for_the_arn() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    w.rds
        .create_db_instance()
        .db_instance_identifier("shop-db")
        .engine("mysql")
        .engine_version("8.0.39")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .send()
        .await
        .unwrap();
    let out = run_cli(
        &moto,
        &["check", "--source", "shop-db", "--target", "warehouse"],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("ambiguous") && err.contains(":cluster:shop-db"),
        "{err}"
    );
    for (arn, engine) in [
        (
            "arn:aws:rds:us-east-1:123456789012:cluster:shop-db",
            "aurora-mysql",
        ),
        ("arn:aws:rds:us-east-1:123456789012:db:shop-db", "mysql"),
    ] {
        let out = run_cli(
            &moto,
            &[
                "check",
                "--source",
                arn,
                "--target",
                "warehouse",
                "--format",
                "json",
            ],
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(doc["source"]["engine"], engine, "{arn}");
    }
}

/// A Multi-AZ DB cluster of RDS for MySQL (engine `mysql`) is read as the source with its DB
/// cluster parameter group, and judged by the Multi-AZ rules, not the instance ones; one of
/// RDS for PostgreSQL fails ZQ011 (zero-ETL takes a DB instance there).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_az_db_cluster_is_checked_as_the_source() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    w.rds
        .create_db_cluster_parameter_group()
        .db_cluster_parameter_group_name("billing-mz-zetl")
        .db_parameter_group_family("mysql8.0")
        .description("zero-ETL parameters for billing-mz")
        .send()
        .await
        .unwrap();
    w.rds
        .modify_db_cluster_parameter_group()
        .db_cluster_parameter_group_name("billing-mz-zetl")
        .parameters(immediate("binlog_format", "ROW"))
        .parameters(immediate("binlog_row_image", "full"))
        .send()
        .await
        .unwrap();
    for (id, engine, version) in [
        ("billing-mz", "mysql", "8.0.39"),
        ("payments-mz", "postgres", "16.4"),
    ] {
        let mut c = w
            .rds
            .create_db_cluster()
            .db_cluster_identifier(id)
            .engine(engine)
            .engine_version(version)
            .master_username("admin")
            .master_user_password("not-a-secret-1")
            .db_cluster_instance_class("db.m5d.large")
            .allocated_storage(100)
            .storage_type("io1")
            .iops(1000)
            .backup_retention_period(7);
        if engine == "mysql" {
            c = c.db_cluster_parameter_group_name("billing-mz-zetl");
        }
        c.send().await.unwrap();
    }
    let (_, s) = rds_check(&moto, "billing-mz");
    assert_eq!(s["ZY012"], "pass", "{s:?}");
    assert_eq!(s["ZY013"], "pass", "billing-mz-zetl: {s:?}");
    assert_eq!(s["ZY004"], "pass", "ROW in the cluster group: {s:?}");
    assert_eq!(s["ZY016"], "pass", "{s:?}");
    assert!(
        !s.contains_key("ZY001") && !s.contains_key("ZY007"),
        "instance rules do not judge a cluster: {s:?}"
    );
    let (code, s) = rds_check(&moto, "payments-mz");
    assert_eq!(code, Some(1));
    assert_eq!(s["ZQ011"], "fail", "{s:?}");
}

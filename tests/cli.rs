//! The binary end to end, offline: exit codes 0, 1 and 2, and one clear line for bad input.

mod common;

use std::path::PathBuf;
use std::process::Output;

use common::fixture;

fn zetl(args: &[&str]) -> Output {
    common::zetl_in(None, args)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2 with exactly one `error:` line that contains every `needle`, and nothing on stdout.
#[track_caller]
fn assert_tool_error(o: &Output, needles: &[&str]) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    let lines: Vec<&str> = err.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "want one line, got: {err}");
    assert!(lines[0].starts_with("error: "), "{err}");
    for n in needles {
        assert!(lines[0].contains(n), "'{n}' missing from: {err}");
    }
    assert!(
        o.stdout.is_empty(),
        "stdout: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn clean_snapshot_exits_0() {
    let o = zetl(&["check", "--snapshot", &fixture("mysql-provisioned-ok.json")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("READY"), "{out}");
    assert!(!out.contains('\x1b'));
}

#[test]
fn warnings_alone_exit_0() {
    // A clean setup with only a warning-severity finding: auto-pause at 0 ACU.
    let text = std::fs::read_to_string(fixture("postgres-serverless-ok.json")).unwrap();
    let text = text.replace("\"MinCapacity\": 0.5", "\"MinCapacity\": 0.0");
    let path = temp("warn-only.json", &text);
    let o = zetl(&[
        "check",
        "--snapshot",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["warn"], 1);
    assert_eq!(doc["summary"]["fail"], 0);
}

#[test]
fn quiet_prints_only_the_summary_line() {
    let o = zetl(&[
        "check",
        "--snapshot",
        &fixture("seed-default-groups.json"),
        "-q",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("NOT READY: 9 failed"), "{out}");
    assert!(
        o.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

#[test]
fn failing_snapshot_exits_1() {
    let o = zetl(&["check", "--snapshot", &fixture("seed-default-groups.json")]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("NOT READY"));
}

#[test]
fn unverified_facts_exit_1() {
    let o = zetl(&[
        "check",
        "--snapshot",
        &fixture("access-denied.json"),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["summary"]["fail"], 0);
    assert!(doc["summary"]["error"].as_u64().unwrap() > 0);
}

#[test]
fn json_document_has_the_documented_shape() {
    let o = zetl(&[
        "check",
        "--snapshot",
        &fixture("postgres-serverless-ok.json"),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["schema_version"], 1);
    assert_eq!(doc["tool"]["name"], "zetl-preflight");
    assert_eq!(doc["target"]["kind"], "serverless");
    let f = &doc["findings"][0];
    for key in [
        "rule", "name", "title", "status", "severity", "resource", "message", "evidence", "docs",
    ] {
        assert!(f.get(key).is_some(), "finding lacks {key}: {f}");
    }
}

#[test]
fn malformed_arn_is_exit_2() {
    let o = zetl(&[
        "check",
        "--source",
        "arn:aws:rds:us-east-1",
        "--target",
        "wg",
        "--region",
        "us-east-1",
    ]);
    assert_tool_error(&o, &["arn:aws:rds:us-east-1"]);
    let o = zetl(&[
        "check",
        "--source",
        "arn:aws:rds:us-east-1:123456789012:og:default-mysql",
        "--target",
        "wg",
    ]);
    assert_tool_error(&o, &["DB cluster ARN", "DB instance ARN"]);
    let o = zetl(&["check", "--source", "db", "--target", "arn:aws:s3:::bucket"]);
    assert_tool_error(&o, &["arn:aws:s3:::bucket", "namespace ARN"]);
}

/// A saved fleet: `--snapshot` repeated or a folder checks every pair; an empty folder, a bad
/// file among them, or `--source` with many snapshots is exit 2 naming what is wrong.
#[test]
fn many_snapshots_are_a_fleet_and_bad_sets_are_exit_2() {
    let dir = common::scratch_dir("cli-snapshot-set");
    let fleet = dir.join("fleet");
    std::fs::create_dir_all(&fleet).unwrap();
    for n in ["mysql-provisioned-ok.json", "rds-mysql-ok.json"] {
        std::fs::copy(fixture(n), fleet.join(n)).unwrap();
    }
    std::fs::write(fleet.join("README.txt"), "not a snapshot").unwrap();
    let o = zetl(&["check", "--snapshot", fleet.to_str().unwrap(), "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(String::from_utf8_lossy(&o.stdout).lines().count(), 2);
    let o = zetl(&[
        "check",
        "--snapshot",
        &fixture("mysql-provisioned-ok.json"),
        "--snapshot",
        &fixture("rds-mysql-ok.json"),
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["checks"].as_array().unwrap().len(), 2);
    // Snapshots `audit` saved read as the audit did: the fleet's table first.
    let o = zetl(&[
        "check",
        "--snapshot",
        &fixture("integration-healthy.json"),
        "--snapshot",
        &fixture("integration-lagging.json"),
    ]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("Fleet: 2 integrations"), "{out}");

    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let o = zetl(&["check", "--snapshot", empty.to_str().unwrap()]);
    assert_tool_error(&o, &["empty", "no .json snapshot"]);
    let o = zetl(&[
        "check",
        "--snapshot",
        fleet.to_str().unwrap(),
        "--source",
        "orders-db",
    ]);
    assert_tool_error(&o, &["--source and --target", "2 snapshots"]);
    std::fs::write(fleet.join("zz-broken.json"), "{").unwrap();
    let o = zetl(&["check", "--snapshot", fleet.to_str().unwrap()]);
    assert_tool_error(
        &o,
        &["zz-broken.json", "not a valid zetl-preflight snapshot"],
    );
}

#[test]
fn corrupt_snapshot_is_exit_2() {
    let path = temp("corrupt.json", "{\"schema_version\": 1, \"source\": ");
    let o = zetl(&["check", "--snapshot", path.to_str().unwrap()]);
    assert_tool_error(
        &o,
        &[
            "corrupt.json",
            "not a valid zetl-preflight snapshot",
            "line 1",
        ],
    );

    let path = temp("future.json", "{\"schema_version\": 99}");
    let o = zetl(&["check", "--snapshot", path.to_str().unwrap()]);
    assert_tool_error(&o, &["schema_version 99"]);

    let o = zetl(&["check", "--snapshot", "/nonexistent/snap.json"]);
    assert_tool_error(&o, &["/nonexistent/snap.json", "cannot read"]);
}

#[test]
fn unsupported_engine_snapshot_is_exit_2() {
    // Every rule would skip an engine no rule covers: an empty report is no READY.
    let text = std::fs::read_to_string(fixture("mysql-provisioned-ok.json")).unwrap();
    let path = temp(
        "rds-sqlserver.json",
        &text.replace("\"aurora-mysql\"", "\"sqlserver-ee\""),
    );
    let o = zetl(&["check", "--snapshot", path.to_str().unwrap()]);
    assert_tool_error(&o, &["engine 'sqlserver-ee'", "Aurora MySQL"]);
    // An engine no rule covers at all (RDS Custom for Oracle) is refused the same way.
    let path = temp(
        "rds-custom.json",
        &text.replace("\"aurora-mysql\"", "\"custom-oracle-ee\""),
    );
    let o = zetl(&["check", "--snapshot", path.to_str().unwrap()]);
    assert_tool_error(
        &o,
        &[
            "engine 'custom-oracle-ee'",
            "RDS for MySQL, PostgreSQL and Oracle",
        ],
    );
    // A DB cluster of engine postgres is a Multi-AZ DB cluster: judged, and refused by ZQ011.
    let path = temp(
        "rds-postgres.json",
        &text.replace("\"aurora-mysql\"", "\"postgres\""),
    );
    let o = zetl(&[
        "check",
        "--snapshot",
        path.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let zq011 = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "ZQ011")
        .expect("ZQ011 judges it");
    assert_eq!(zq011["status"], "fail");
}

#[test]
fn snapshot_must_match_named_pair() {
    let o = zetl(&[
        "check",
        "--snapshot",
        &fixture("mysql-provisioned-ok.json"),
        "--source",
        "other-db",
    ]);
    assert_tool_error(&o, &["other-db", "orders-db"]);
    let o = zetl(&[
        "check",
        "--snapshot",
        &fixture("mysql-provisioned-ok.json"),
        "--source",
        "arn:aws:rds:us-east-1:123456789012:cluster:orders-db",
        "--target",
        "analytics",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn missing_arguments_are_exit_2() {
    let o = zetl(&["check"]);
    assert_tool_error(&o, &["--source", "--snapshot"]);
    // clap's own usage errors use exit code 2 as well.
    let o = zetl(&["check", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn no_region_is_exit_2_before_any_call() {
    let o = zetl(&["check", "--source", "db", "--target", "wg"]);
    assert_tool_error(&o, &["no AWS Region", "--region"]);
}

#[test]
fn no_credentials_is_exit_2() {
    let o = zetl(&[
        "check",
        "--source",
        "db",
        "--target",
        "wg",
        "--region",
        "us-east-1",
    ]);
    assert_tool_error(&o, &["credentials"]);
}

/// `rules` piped: one line per rule, every name whole. At 80 columns (COLUMNS, as a
/// terminal would give): every line fits, and no name is broken across lines.
#[test]
fn rules_table_never_breaks_a_name() {
    let names: Vec<String> = {
        let o = zetl(&["rules", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_array()
            .unwrap()
            .iter()
            .map(|r| r["name"].as_str().unwrap().to_string())
            .collect()
    };
    let piped = String::from_utf8(zetl(&["rules"]).stdout).unwrap();
    for n in &names {
        assert!(
            piped.lines().any(|l| l.contains(&format!(" {n} "))),
            "{n} not whole in:\n{piped}"
        );
    }
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_zetl-preflight"));
    let o = cmd.env("COLUMNS", "80").arg("rules").output().unwrap();
    let narrow = String::from_utf8(o.stdout).unwrap();
    for l in narrow.lines() {
        assert!(l.chars().count() <= 80, "too wide: {l}");
    }
    for n in &names {
        assert!(
            narrow.lines().any(|l| l.contains(&format!(" {n} "))),
            "{n} broken in:\n{narrow}"
        );
    }
}

#[test]
fn rules_and_rule_docs() {
    let o = zetl(&["rules"]);
    assert_eq!(o.status.code(), Some(0));
    let out = String::from_utf8_lossy(&o.stdout);
    for code in ["ZC001", "ZM001", "ZP001", "ZR007", "ZA001", "ZI001"] {
        assert!(out.contains(code), "{code} missing");
    }
    let o = zetl(&["rule", "ZM001"]);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0));
    for part in [
        "aurora-enhanced-binlog",
        "## Why it matters",
        "## How to fix",
        "https://docs.aws.amazon.com",
    ] {
        assert!(out.contains(part), "{part} missing:\n{out}");
    }
    let by_name = zetl(&["rule", "aurora-enhanced-binlog"]);
    assert_eq!(by_name.stdout, o.stdout);
    let o = zetl(&["rule", "ZX999"]);
    assert_tool_error(&o, &["ZX999", "zetl-preflight rules"]);
    let o = zetl(&["rules", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v.as_array().unwrap().len() >= 37);
}

#[test]
fn rules_dir_overrides_and_bad_rules_file() {
    let dir = temp_dir("rules-override");
    std::fs::write(
        dir.join("mine.toml"),
        r#"
[[rule]]
code = "ZM010"
name = "mysql-engine-version"
title = "Aurora MySQL is version 3.08.0 or later (our policy)"
severity = "error"
applies_to = { engines = ["aurora-mysql"] }
check = { kind = "engine_version", minimum = "3.08.0" }
[rule.docs]
what = "Our minimum."
why = "Our reasons."
fix = "aws rds modify-db-cluster --db-cluster-identifier {source_id} --engine-version 8.0.mysql_aurora.3.08.0"
references = ["https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/zero-etl.html"]
"#,
    )
    .unwrap();
    let ok = fixture("mysql-provisioned-ok.json");
    let o = zetl(&["check", "--snapshot", &ok]);
    assert_eq!(o.status.code(), Some(0));
    let o = zetl(&[
        "check",
        "--snapshot",
        &ok,
        "--rules-dir",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(1),
        "the stricter minimum fails 3.05.2"
    );
    assert!(String::from_utf8_lossy(&o.stdout).contains("3.08.0"));

    std::fs::write(
        dir.join("mine.toml"),
        "[[rule]]\ncode = \"ZM010\"\nseverity = \"fatal\"\n",
    )
    .unwrap();
    let o = zetl(&[
        "check",
        "--snapshot",
        &ok,
        "--rules-dir",
        dir.to_str().unwrap(),
    ]);
    assert_tool_error(&o, &["mine.toml"]);
}

fn temp_dir(name: &str) -> PathBuf {
    common::scratch_dir(name)
}

fn temp(name: &str, text: &str) -> PathBuf {
    let path = common::scratch_dir(&format!("file-{name}")).join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Every numeric flag says what it takes, for a negative number as for zero or a word
/// (a negative number used to read as an unknown flag).
#[test]
fn numeric_flags_say_what_they_take() {
    let snap = fixture("mysql-provisioned-ok.json");
    let snap = snap.as_str();
    for (flag, value, want) in [
        (
            "--timeout",
            "-1",
            "a whole number of seconds from 1 to 3600",
        ),
        ("--timeout", "0", "a whole number of seconds from 1 to 3600"),
        (
            "--sql-timeout",
            "-5",
            "a whole number of seconds from 1 to 3600",
        ),
        (
            "--data-api-wait",
            "soon",
            "a whole number of seconds from 1 to 3600",
        ),
        ("--concurrency", "-2", "a whole number from 1 to 1024"),
        ("--concurrency", "0", "a whole number from 1 to 1024"),
    ] {
        let o = zetl(&["check", "--snapshot", snap, flag, value]);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{flag} {value}: {err}");
        let first = err.lines().next().unwrap_or_default();
        assert!(
            first.contains(flag) && first.contains(want),
            "{flag} {value}: {err}"
        );
        assert!(!err.contains("unexpected argument"), "{err}");
    }
}

/// Counts read right with 0, 1 and 2 (`1 warning`, `2 warnings`), in the summary line and
/// in GitHub's notice, and no message names a Rust type or says `(s)`.
#[test]
fn counts_read_right_with_0_1_and_2() {
    for (file, warn) in [
        ("mysql-provisioned-ok.json", "0 warnings"),
        ("postgres-old-version.json", "1 warning,"),
        ("seed-default-groups.json", "2 warnings"),
    ] {
        let snap = fixture(file);
        let table = zetl(&["check", "--snapshot", snap.as_str(), "-q"]);
        let out = String::from_utf8_lossy(&table.stdout).into_owned();
        assert!(out.contains(warn), "{file}: {out}");
        let gh = zetl(&["check", "--snapshot", snap.as_str(), "--format", "github"]);
        let out = String::from_utf8_lossy(&gh.stdout).into_owned();
        assert!(out.contains(warn.trim_end_matches(',')), "{file}: {out}");
        let all = zetl(&["check", "--snapshot", snap.as_str(), "--show-passes"]);
        let out = String::from_utf8_lossy(&all.stdout).into_owned();
        assert!(
            !out.contains("(s)") && !out.contains(" 1 checks") && !out.contains("(1 checks"),
            "{file}: {out}"
        );
    }
}

/// Bad snapshots and config files say where and what, in the tool's words.
#[test]
fn bad_input_is_told_where_and_what() {
    let dir = std::env::temp_dir().join(format!("zetl-words-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let array = dir.join("array.json");
    std::fs::write(&array, "[1,2]").unwrap();
    let o = zetl(&["check", "--snapshot", array.to_str().unwrap()]);
    assert_tool_error(&o, &["holds an array", "schema_version"]);

    let ok = std::fs::read_to_string(fixture("mysql-provisioned-ok.json")).unwrap();
    let mut doc: serde_json::Value = serde_json::from_str(&ok).unwrap();
    doc["source"]["cluster"]["Engine"] = serde_json::json!(5);
    let wrong = dir.join("wrong.json");
    std::fs::write(&wrong, doc.to_string()).unwrap();
    let o = zetl(&["check", "--snapshot", wrong.to_str().unwrap()]);
    assert_tool_error(&o, &["at `source.cluster.Engine`", "expected a string"]);
    doc["source"] = serde_json::json!(3);
    std::fs::write(&wrong, doc.to_string()).unwrap();
    let o = zetl(&["check", "--snapshot", wrong.to_str().unwrap()]);
    assert_tool_error(&o, &["at `source`", "expected an object"]);
    assert!(!stderr(&o).contains("SourceSnapshot"), "{}", stderr(&o));

    let config = dir.join("zetl-preflight.toml");
    std::fs::write(&config, "[rules]\nselect = [\"NOPE\"]\n").unwrap();
    let o = zetl(&["--config", config.to_str().unwrap(), "rules"]);
    assert_tool_error(&o, &["config file [rules]", "NOPE"]);
    assert!(!stderr(&o).contains("rules file config"), "{}", stderr(&o));
    std::fs::remove_dir_all(&dir).ok();
}

/// `iam-policy` honours `--format`: JSON (the default) or a Markdown table; others exit 2.
#[test]
fn iam_policy_honours_the_format() {
    let o = zetl(&["iam-policy", "--data"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(doc.to_string().contains("redshift:GetClusterCredentials\""));
    let o = zetl(&["iam-policy", "--format", "markdown"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.starts_with("| action | statement |"), "{out}");
    assert!(
        out.contains("| `rds:DescribeDBClusters` | ZetlPreflightRead |"),
        "{out}"
    );
    let o = zetl(&["iam-policy", "--format", "sarif"]);
    assert_tool_error(&o, &["JSON", "Markdown", "sarif"]);
}

/// SARIF and GitHub annotations point only at files that exist: the snapshot checked, or
/// nothing but the resource when no file named the pair (never a missing config file).
#[test]
fn results_point_only_at_files_that_exist() {
    let snap = fixture("seed-default-groups.json");
    let o = zetl(&["check", "--snapshot", snap.as_str(), "--format", "sarif"]);
    let log: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap().clone();
    assert!(!results.is_empty());
    for r in &results {
        let uri = r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(uri.ends_with("seed-default-groups.json"), "{uri}");
        assert!(!uri.contains("zetl-preflight.toml"), "{uri}");
    }
    let o = zetl(&["check", "--snapshot", snap.as_str(), "--format", "github"]);
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(!out.contains("zetl-preflight.toml"), "{out}");
    assert!(out.contains("seed-default-groups.json,line=1"), "{out}");
}

/// `--data` with a saved snapshot: its data facts are judged when it has them; a snapshot
/// without a catalog is refused rather than `--data` ignored.
#[test]
fn data_with_a_snapshot_is_judged_or_refused() {
    let plain = fixture("mysql-provisioned-ok.json");
    let o = zetl(&["check", "--snapshot", plain.as_str(), "--data"]);
    assert_tool_error(&o, &["--data", "holds none", "--save-snapshot"]);
    let with_data = fixture("mysql-data-problems.json");
    let o = zetl(&[
        "check",
        "--snapshot",
        with_data.as_str(),
        "--data",
        "--format",
        "json",
    ]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let data_rules = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"].as_str().unwrap().starts_with("ZD"))
        .count();
    assert!(data_rules > 0, "{doc}");
}

/// A Region AWS does not have is named before any call, with the nearest known one; and a
/// call that reaches no endpoint says why in one line, with no Rust type or debug dump.
#[test]
fn unknown_regions_and_unreachable_endpoints_are_told_plainly() {
    let env = [
        ("AWS_ACCESS_KEY_ID", "testing"),
        ("AWS_SECRET_ACCESS_KEY", "testing"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        // The wording is the point, not the SDK's retries of a call that cannot connect.
        ("AWS_MAX_ATTEMPTS", "1"),
    ];
    let run = |args: &[&str]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_zetl-preflight"));
        for v in common::AWS_VARS_TO_CLEAR {
            cmd.env_remove(v);
        }
        cmd.envs(env).args(args).output().unwrap()
    };
    let check = ["--timeout", "2", "check", "--source", "a", "--target", "b"];
    let o = run(&[&["--region", "us-esat-1"][..], &check].concat());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("warning: 'us-esat-1' is not a Region"),
        "{err}"
    );
    assert!(err.contains("did you mean us-east-1?"), "{err}");
    assert!(
        err.contains("DNS lookup of the service endpoint failed"),
        "{err}"
    );
    // A closed loopback port: refused, in one line.
    let closed = [
        "--region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ];
    let o = run(&[&closed[..], &check].concat());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("refused the connection"), "{err}");
    let o = run(&[
        "--endpoint-url",
        "http://127.0.0.1:9",
        "--timeout",
        "2",
        "audit",
        "--regions",
        "us-east-1",
    ]);
    for out in [stderr(&o), String::from_utf8_lossy(&o.stdout).into_owned()] {
        for dump in ["DispatchFailure", "ConnectorError", "hyper", "{ ", "Os {"] {
            assert!(!out.contains(dump), "{dump} in: {out}");
        }
    }
}

/// Every error path a person meets reads as a sentence: no Rust type, path or debug dump.
#[test]
fn no_error_message_is_a_debug_dump() {
    let dir = std::env::temp_dir().join(format!("zetl-dumps-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p.display().to_string()
    };
    let corrupt = write(
        "corrupt.json",
        "{\"schema_version\": 1, \"source\": {\"region\": 4}}",
    );
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).unwrap();
    std::fs::write(rules.join("bad.toml"), "[[rule]]\ncode = 5\n").unwrap();
    let config = write("bad.toml", "regoin = \"us-east-1\"\n");
    let template = write(
        "t.yaml",
        "Resources:\n  X:\n    Type: AWS::RDS::Integration\n    Properties: [1, 2\n",
    );
    let plan = write("plan.json", "{\"format_version\": 3}");
    let ok = fixture("mysql-provisioned-ok.json");
    let cases: Vec<Vec<&str>> = vec![
        vec!["check", "--snapshot", &corrupt],
        vec![
            "check",
            "--snapshot",
            ok.as_str(),
            "--rules-dir",
            rules.to_str().unwrap(),
        ],
        vec!["--config", &config, "rules"],
        vec!["check", "--offline", "--cloudformation", &template],
        vec!["check", "--offline", "--terraform-plan", &plan],
        vec![
            "check",
            "--source",
            "arn:aws:rds:us-east-1",
            "--target",
            "wg",
        ],
        vec!["rule", "ZZ999"],
        vec!["check", "--snapshot", ok.as_str(), "--concurrency", "-1"],
    ];
    let rust_path = regex::Regex::new(r"\b[a-z_]+::[a-z_]+").unwrap();
    let debug_struct = regex::Regex::new(r"\b[A-Z][A-Za-z]+ \{|\b[A-Z][A-Za-z]+\(").unwrap();
    for args in cases {
        let o = zetl(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(!rust_path.is_match(&err), "{args:?}: a Rust path in: {err}");
        assert!(
            !debug_struct.is_match(&err),
            "{args:?}: a debug dump in: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// `data-query` prints each engine's catalog query: the catalog views only, and nothing but
/// reads (no statement that writes or changes anything).
#[test]
fn data_query_prints_a_read_only_catalog_query() {
    for (engine, reads) in [
        ("mysql", "information_schema.COLUMNS"),
        ("postgres", "pg_attribute"),
        ("oracle", "all_tab_columns"),
    ] {
        let o = zetl(&["data-query", "--engine", engine]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let sql = String::from_utf8_lossy(&o.stdout).to_ascii_uppercase();
        assert!(sql.contains(&reads.to_ascii_uppercase()), "{engine}: {sql}");
        let code: String = sql
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        for verb in [
            "INSERT ",
            "UPDATE ",
            "DELETE ",
            "DROP ",
            "ALTER ",
            "CREATE ",
            "GRANT ",
            "TRUNCATE ",
        ] {
            assert!(!code.contains(verb), "{engine}: the query holds {verb}");
        }
    }
    let o = zetl(&["data-query", "--engine", "sqlserver"]);
    assert_eq!(o.status.code(), Some(2));
}

/// RDS for Oracle's tables, from a saved SQL*Plus output: keys, unsupported types and capped
/// values are found; a data filter that keeps the clean schema only is READY; bad input
/// (a missing file, another engine's output, both --data and --data-from, a filter with
/// neither) is exit 2 with one line.
#[test]
fn oracle_tables_are_checked_from_a_saved_catalog() {
    let snap = fixture("rds-oracle-ok.json");
    let saved = fixture("sql/oracle-catalog.csv");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--snapshot",
            &snap,
            "--data-from",
            &saved,
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        zetl(&args)
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let finding = |code: &str| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == code)
            .unwrap_or_else(|| panic!("{code} missing"))
            .clone()
    };
    assert_eq!(finding("ZD002")["status"], "fail");
    assert_eq!(
        finding("ZD002")["evidence"]["table"],
        "ORCL.APP.EVENTS_NOPK"
    );
    assert_eq!(finding("ZD018")["status"], "fail");
    let types = finding("ZD018")["message"].to_string();
    for t in [
        "SDO_GEOMETRY",
        "REF EMPLOYEE_T",
        "a user-defined type",
        "ROWID",
    ] {
        assert!(types.contains(t), "{t}: {types}");
    }
    assert_eq!(finding("ZD019")["status"], "warn");
    assert!(
        !doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "ZD004"),
        "MySQL's type rule does not judge Oracle"
    );

    let o = run(&["--data-filter", "include: ORCL.CLEAN.*"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stdout)
    );

    let o = zetl(&[
        "check",
        "--snapshot",
        &snap,
        "--data-from",
        "/nonexistent/catalog.csv",
    ]);
    assert_tool_error(&o, &["--data-from /nonexistent/catalog.csv", "cannot read"]);
    let pg = temp(
        "pg.csv",
        "record,database_name,schema_name,table_name,object_name,kind,detail,data_type,declared_type,numeric_precision,numeric_scale,max_bytes,ordinal_position,flags\n\
         setting,,,,current_database,,app,,,,,,,\n",
    );
    let o = zetl(&[
        "check",
        "--snapshot",
        &snap,
        "--data-from",
        pg.to_str().unwrap(),
    ]);
    assert_tool_error(&o, &["PostgreSQL query", "--engine oracle"]);
    let o = zetl(&[
        "check",
        "--snapshot",
        &snap,
        "--data",
        "--data-from",
        &saved,
    ]);
    assert_eq!(o.status.code(), Some(2));
    let o = zetl(&[
        "check",
        "--snapshot",
        &snap,
        "--data-filter",
        "include: ORCL.*.*",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

/// A selection that judges nothing of this pair is never READY: a rule of another engine
/// (ZQ001 is RDS for PostgreSQL's) on an Aurora MySQL snapshot stops with exit 2, naming
/// the pair; a rule that applies still runs.
#[test]
fn a_selection_that_checks_nothing_is_not_ready() {
    let snap = fixture("mysql-provisioned-ok.json");
    let o = zetl(&["check", "--snapshot", &snap, "--select", "ZQ001"]);
    assert_tool_error(
        &o,
        &["no selected rule applies", "orders-db", "aurora-mysql"],
    );
    let o = zetl(&["check", "--snapshot", &snap, "--select", "ZM001"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// An unknown code in --select or --ignore is named with the flag it came from.
#[test]
fn an_unknown_rule_is_named_with_its_flag() {
    let snap = fixture("mysql-provisioned-ok.json");
    let dir = temp_dir("no-config-here");
    let o = common::zetl_in(
        Some(&dir),
        &["check", "--snapshot", &snap, "--select", "ZZ999"],
    );
    assert_tool_error(&o, &["--select", "ZZ999"]);
    assert!(!stderr(&o).contains("config file"), "{}", stderr(&o));
    let o = common::zetl_in(
        Some(&dir),
        &["check", "--snapshot", &snap, "--ignore", "ZZ998"],
    );
    assert_tool_error(&o, &["--ignore", "ZZ998"]);
}

/// What a saved snapshot cannot use is refused, not ignored: a key or a creator (read live),
/// and a Region other than the snapshot's.
#[test]
fn flags_a_snapshot_cannot_use_are_refused() {
    let snap = fixture("mysql-provisioned-ok.json");
    let snap = snap.as_str();
    let o = zetl(&["check", "--snapshot", snap, "--kms-key", "alias/zero-etl"]);
    assert_tool_error(&o, &["--kms-key", "live"]);
    let o = zetl(&[
        "check",
        "--snapshot",
        snap,
        "--creator",
        "arn:aws:iam::123456789012:role/x",
    ]);
    assert_tool_error(&o, &["--creator", "live"]);
    let o = zetl(&["check", "--snapshot", snap, "--tables"]);
    assert_tool_error(&o, &["--tables", "live"]);
    for region in ["us-west-2", "mars-east-1"] {
        let o = zetl(&["check", "--snapshot", snap, "--region", region]);
        assert_tool_error(&o, &[region, "us-east-1"]);
    }
    let o = zetl(&["check", "--snapshot", snap, "--region", "us-east-1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

/// A Terraform plan or a CloudFormation template given as a snapshot is named as what it is,
/// with the flag that takes it.
#[test]
fn a_deployment_given_as_a_snapshot_is_named() {
    for (file, flag) in [
        ("terraform/mysql-serverless-new.json", "--terraform-plan"),
        ("cloudformation/mysql-provisioned.json", "--cloudformation"),
        ("cloudformation/mysql-provisioned.yaml", "--cloudformation"),
    ] {
        let o = zetl(&["check", "--snapshot", &fixture(file)]);
        assert_tool_error(&o, &[flag]);
        assert!(!stderr(&o).contains("unknown field"), "{}", stderr(&o));
    }
}

/// Timeouts in the config file are checked as the flags are: 0 and 99999 are refused.
#[test]
fn config_timeouts_are_checked_like_the_flags() {
    let snap = fixture("mysql-provisioned-ok.json");
    for (key, value) in [
        ("timeout", "0"),
        ("timeout", "99999"),
        ("sql_timeout", "0"),
        ("data_api_wait", "4000"),
    ] {
        let dir = temp_dir(&format!("timeout-{key}-{value}"));
        std::fs::write(
            dir.join("zetl-preflight.toml"),
            format!("{key} = {value}\n"),
        )
        .unwrap();
        let o = common::zetl_in(Some(&dir), &["check", "--snapshot", &snap]);
        assert_tool_error(&o, &[&format!("{key} = {value}"), "from 1 to 3600"]);
    }
    let o = zetl(&["check", "--snapshot", &snap, "--timeout", "0"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("from 1 to 3600"), "{}", stderr(&o));
}

/// `--format` means something to `rules` and `rule` (table, json, markdown) and nothing to
/// `init`, `data-query`, `completions` and `man`: refused there, with exit 2.
#[test]
fn format_is_honoured_or_refused() {
    let o = zetl(&["rules", "--format", "markdown"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.starts_with("| code | name |"), "{out}");
    assert!(out.contains("| ZW002 | `creator-may-create-inbound-integration` |"));
    let o = zetl(&["rule", "ZW002", "--format", "json"]);
    let rule: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(rule["code"], "ZW002");
    for args in [
        &["rules", "--format", "sarif"][..],
        &["rule", "ZW002", "--format", "junit"],
        &["init", "--format", "json"],
        &["data-query", "--engine", "mysql", "--format", "json"],
        &["completions", "bash", "--format", "json"],
        &["man", "--format", "json"],
    ] {
        let o = zetl(args);
        assert_tool_error(&o, &["--format"]);
    }
}

/// Piped `check` output takes its width from COLUMNS, and a long fix command folds with
/// backslash continuations (each line but the last of a command ends in " \").
#[test]
fn piped_tables_take_columns_and_fold_commands() {
    let snap = fixture("seed-default-groups.json");
    let run = |columns: Option<&str>| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_zetl-preflight"));
        cmd.args(["check", "--snapshot", &snap]);
        cmd.env_remove("COLUMNS");
        if let Some(c) = columns {
            cmd.env("COLUMNS", c);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    let widest = |text: &str| {
        text.lines()
            .filter(|l| l.starts_with('│') || l.starts_with('┌'))
            .map(|l| l.chars().count())
            .max()
            .unwrap()
    };
    assert_eq!(widest(&run(None)), 120);
    assert_eq!(widest(&run(Some("90"))), 90);
    let out = run(Some("90"));
    let put = out
        .lines()
        .position(|l| l.contains("aws redshift put-resource-policy"))
        .unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[put].ends_with(" \\"), "{}", lines[put]);
    assert!(
        lines[put + 1].trim_start().starts_with("--resource-arn"),
        "{}",
        lines[put + 1]
    );
}

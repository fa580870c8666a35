//! The config file and the CI flags, end to end through the binary, offline.

mod common;

use std::path::Path;
use std::process::Output;

use common::{fixture, scratch_dir, zetl_in};

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn warn_only(dir: &Path) -> String {
    // The correct PostgreSQL setup with Serverless v2 auto-pause: one warning (ZC008).
    let t = std::fs::read_to_string(fixture("postgres-serverless-ok.json")).unwrap();
    let path = dir.join("warn-only.json");
    std::fs::write(
        &path,
        t.replace("\"MinCapacity\": 0.5", "\"MinCapacity\": 0.0"),
    )
    .unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn fail_on_and_allow_unverified_set_the_exit_code() {
    let dir = scratch_dir("fail-on");
    let warn = warn_only(&dir);
    let seed = fixture("seed-default-groups.json");
    let denied = fixture("access-denied.json");
    let run = |args: &[&str]| code(&zetl_in(Some(&dir), args));
    assert_eq!(run(&["check", "--snapshot", &warn]), 0);
    assert_eq!(
        run(&["check", "--snapshot", &warn, "--fail-on", "warning"]),
        1
    );
    assert_eq!(
        run(&["check", "--snapshot", &seed, "--fail-on", "never"]),
        0
    );
    assert_eq!(
        run(&["check", "--snapshot", &seed, "--fail-on", "error"]),
        1
    );
    assert_eq!(run(&["check", "--snapshot", &denied]), 1);
    assert_eq!(
        run(&["check", "--snapshot", &denied, "--allow-unverified"]),
        0
    );
    // The denied fixture also warns (ZM011: a restore history the API never shows), so
    // --fail-on warning still fails it while --allow-unverified forgives the rest.
    assert_eq!(
        run(&[
            "check",
            "--snapshot",
            &denied,
            "--allow-unverified",
            "--fail-on",
            "warning"
        ]),
        1
    );
}

#[test]
fn severity_override_changes_the_exit_code() {
    let dir = scratch_dir("severity");
    let warn = warn_only(&dir);
    assert_eq!(
        code(&zetl_in(Some(&dir), &["check", "--snapshot", &warn])),
        0
    );
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        "[rules]\nseverity = { ZC008 = \"error\" }\n",
    )
    .unwrap();
    let o = zetl_in(Some(&dir), &["check", "--snapshot", &warn]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("FAIL"), "{}", text(&o));
}

#[test]
fn config_is_found_upwards_and_ignore_drops_rules() {
    let dir = scratch_dir("upwards");
    let child = dir.join("a/b");
    std::fs::create_dir_all(&child).unwrap();
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        "[rules]\nignore = [\"ZM\", \"ZC006\", \"ZR007\", \"ZA001\"]\n",
    )
    .unwrap();
    let seed = fixture("seed-default-groups.json");
    let o = zetl_in(
        Some(&child),
        &["check", "--snapshot", &seed, "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!codes.iter().any(|c| c.starts_with("ZM")), "{codes:?}");
    assert_eq!(
        code(&o),
        0,
        "every failing rule of the seed is ignored: {}",
        text(&o)
    );
    // --config wins over discovery.
    let other = dir.join("strict.toml");
    std::fs::write(&other, "[rules]\nselect = [\"ZM010\"]\n").unwrap();
    let o = zetl_in(
        Some(&child),
        &[
            "--config",
            other.to_str().unwrap(),
            "check",
            "--snapshot",
            &seed,
            "--format",
            "json",
        ],
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["findings"].as_array().unwrap().len(), 1);
    assert_eq!(code(&o), 1);
}

#[test]
fn unknown_key_is_exit_2_naming_key_and_line() {
    let dir = scratch_dir("unknown-key");
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        "region = \"us-east-1\"\n\n[rules]\nselekt = [\"ZM\"]\n",
    )
    .unwrap();
    let o = zetl_in(
        Some(&dir),
        &["check", "--snapshot", &fixture("seed-default-groups.json")],
    );
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("selekt") && err.contains("line 4") && err.contains("zetl-preflight.toml"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn suppressions_apply_and_stale_or_expired_ones_are_reported() {
    let dir = scratch_dir("suppress");
    let warn = warn_only(&dir);
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        r#"
[[suppress]]
rule = "ZC008"
resource = "events-pg"
reason = "auto-pause is wanted on this dev cluster"
expires = 2999-01-01

[[suppress]]
rule = "ZR004"
resource = "no-such-cluster"
reason = "left over"

[[suppress]]
rule = "serverless-v2-auto-pause"
resource = "arn:aws:rds:us-east-1:123456789012:cluster:events-pg"
reason = "an old acceptance"
expires = 2020-01-01
"#,
    )
    .unwrap();
    let o = zetl_in(
        Some(&dir),
        &["check", "--snapshot", &warn, "--fail-on", "warning"],
    );
    let out = text(&o);
    assert_eq!(code(&o), 0, "the warning is suppressed: {out}");
    assert!(out.contains("suppressed"), "{out}");
    assert!(
        out.contains("suppression of ZR004 on no-such-cluster matched no finding"),
        "{out}"
    );
    assert!(out.contains("expired until 2020-01-01"), "{out}");
    let o = zetl_in(
        Some(&dir),
        &["check", "--snapshot", &warn, "--format", "json"],
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let states: Vec<&str> = doc["suppressions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["applied", "unused", "expired"]);
    assert_eq!(doc["summary"]["suppressed"], 1);
}

#[test]
fn suppression_without_reason_is_rejected() {
    let dir = scratch_dir("no-reason");
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        "[[suppress]]\nrule = \"ZC008\"\nresource = \"x\"\n",
    )
    .unwrap();
    let o = zetl_in(
        Some(&dir),
        &["check", "--snapshot", &fixture("seed-default-groups.json")],
    );
    assert_eq!(code(&o), 2);
    assert!(text(&o).contains("reason"), "{}", text(&o));
}

#[test]
fn override_changes_rule_data() {
    let dir = scratch_dir("override");
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        "[override.ZM010.check]\nminimum = \"3.08.0\"\n",
    )
    .unwrap();
    let ok = fixture("mysql-provisioned-ok.json");
    let o = zetl_in(Some(&dir), &["check", "--snapshot", &ok]);
    assert_eq!(
        code(&o),
        1,
        "3.05.2 is below the overridden minimum: {}",
        text(&o)
    );
    assert!(text(&o).contains("3.08.0"));
    let o = zetl_in(Some(&dir), &["rule", "ZM010"]);
    assert!(text(&o).contains("minimum = \"3.08.0\""), "{}", text(&o));
}

#[test]
fn output_file_gets_the_report_and_the_terminal_a_summary() {
    let dir = scratch_dir("output");
    let seed = fixture("seed-default-groups.json");
    let o = zetl_in(
        Some(&dir),
        &[
            "check",
            "--snapshot",
            &seed,
            "--format",
            "sarif",
            "--output",
            "out.sarif",
        ],
    );
    assert_eq!(code(&o), 1);
    assert!(o.stdout.is_empty());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("NOT READY") && err.contains("out.sarif"),
        "{err}"
    );
    let sarif: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn pairs_come_from_the_config_file() {
    let dir = scratch_dir("pairs");
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        "region = \"us-east-1\"\n[[pair]]\nsource = \"a\"\ntarget = \"b\"\n[[pair]]\nsource = \"c\"\ntarget = \"d\"\n",
    )
    .unwrap();
    // With a Region from the config and no credentials anywhere: the run gets as far as the
    // credential check, so the pairs and Region were taken from the file.
    let o = zetl_in(Some(&dir), &["check"]);
    assert_eq!(code(&o), 2);
    assert!(text(&o).contains("credentials"), "{}", text(&o));
    let o = zetl_in(Some(&dir), &["check", "--save-snapshot", "x.json"]);
    assert!(text(&o).contains("lists 2"), "{}", text(&o));
    // Half a pair on the command line is an error, not a silent mix.
    let o = zetl_in(Some(&dir), &["check", "--source", "a"]);
    assert_eq!(code(&o), 2);
}

#[test]
fn init_writes_a_starter_that_loads() {
    let dir = scratch_dir("init");
    let o = zetl_in(Some(&dir), &["init"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(dir.join("zetl-preflight.toml").is_file());
    let o = zetl_in(Some(&dir), &["init"]);
    assert_eq!(code(&o), 2, "no overwrite without --force");
    let o = zetl_in(
        Some(&dir),
        &["check", "--snapshot", &fixture("mysql-provisioned-ok.json")],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
}

#[test]
fn iam_policy_and_completions() {
    let o = zetl_in(None, &["iam-policy"]);
    let p: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(p["Statement"].as_array().unwrap().len(), 1);
    assert!(p.to_string().contains("rds:DescribeDBClusters"));
    let o = zetl_in(None, &["iam-policy", "--fix"]);
    let p: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(p.to_string().contains("redshift:PutResourcePolicy"));
    let o = zetl_in(None, &["completions", "bash"]);
    assert_eq!(code(&o), 0);
    assert!(String::from_utf8_lossy(&o.stdout).contains("zetl-preflight"));
    let o = zetl_in(None, &["--version"]);
    let version = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(version.starts_with("zetl-preflight "), "{version}");
    // Built from a git checkout (and no commit given to the build): it names the commit.
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    if let (Some(head), None) = (head, option_env!("ZETL_PREFLIGHT_COMMIT")) {
        assert!(
            version.contains(&format!("({head})")),
            "{version} lacks {head}"
        );
    }
}

/// `man`: the main page, and with --dir one page per command, each naming its options.
#[test]
fn the_manual_pages_name_every_command_and_option() {
    let o = zetl_in(None, &["man"]);
    assert_eq!(code(&o), 0);
    let main = String::from_utf8_lossy(&o.stdout);
    assert!(main.contains(".TH zetl-preflight 1"), "{main}");
    for sub in [
        "check",
        "audit",
        "rules",
        "iam\\-policy",
        "data\\-query",
        "completions",
    ] {
        assert!(main.contains(sub), "the main page lacks {sub}");
    }
    let dir = scratch_dir("man");
    let o = zetl_in(Some(&dir), &["man", "--dir", "pages"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let check = std::fs::read_to_string(dir.join("pages/zetl-preflight-check.1")).unwrap();
    assert!(check.contains(".TH zetl-preflight-check 1"), "{check}");
    for flag in [
        "\\-\\-kms\\-key",
        "\\-\\-terraform\\-plan",
        "\\-\\-unsafe\\-fixes",
        "\\-\\-select",
    ] {
        assert!(check.contains(flag), "zetl-preflight-check.1 lacks {flag}");
    }
    assert!(dir.join("pages/zetl-preflight-audit.1").is_file());
    assert!(!dir.join("pages/zetl-preflight-help.1").exists());
}

/// `demo` is `check --snapshot fixtures/seed-default-groups.json` with the snapshot inside
/// the binary: the same findings, the same exit code, from any directory.
#[test]
fn the_demo_is_the_bundled_snapshot() {
    let dir = scratch_dir("demo");
    let demo = zetl_in(Some(&dir), &["demo", "--format", "json"]);
    let check = zetl_in(
        None,
        &[
            "check",
            "--snapshot",
            &fixture("seed-default-groups.json"),
            "--format",
            "json",
        ],
    );
    assert_eq!((code(&demo), code(&check)), (1, 1), "{}", text(&demo));
    let findings = |o: &std::process::Output| {
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["findings"].clone()
    };
    assert_eq!(findings(&demo), findings(&check));
}

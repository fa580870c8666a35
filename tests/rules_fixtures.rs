//! The rules on the bundled fixtures: JSON and table output pinned with insta, and a
//! coverage test that every rule both passes and fails somewhere in `fixtures/`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use zetl_preflight::model::{Finding, Snapshot, Status};
use zetl_preflight::report::{self, table, Document, Format, Report};
use zetl_preflight::rules::{evaluate, RuleSet};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "fixtures missing: {files:?}");
    files
}

fn load(path: &Path) -> Snapshot {
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn name(path: &Path) -> String {
    path.file_stem().unwrap().to_string_lossy().into_owned()
}

fn report(path: &Path) -> Report {
    let snap = load(path);
    let findings = evaluate(&snap, &RuleSet::embedded().unwrap());
    Report::new(&snap, findings)
}

/// The document `check --snapshot fixtures/NAME` makes: results point at the snapshot file.
fn document(path: &Path) -> Document {
    let mut doc = Document::new(vec![report(path)], &RuleSet::embedded().unwrap());
    let name = path.file_name().unwrap().to_string_lossy();
    doc.artifact = Some(format!("fixtures/{name}"));
    doc
}

/// Every output format on every fixture, pinned.
#[test]
fn every_format_on_every_fixture() {
    let formats = [
        (Format::Table, "table"),
        (Format::Json, "json"),
        (Format::Sarif, "sarif"),
        (Format::Junit, "junit"),
        (Format::Github, "github"),
        (Format::Markdown, "markdown"),
    ];
    for path in fixtures() {
        let doc = document(&path);
        for (format, label) in formats {
            let out = report::render(&doc, format, &table::TableOptions::plain());
            assert!(
                !out.contains('\x1b'),
                "{label}: plain output has ANSI escapes"
            );
            if matches!(format, Format::Json | Format::Sarif) {
                let _: serde_json::Value = serde_json::from_str(&out).unwrap();
            }
            insta::assert_snapshot!(format!("{label}__{}", name(&path)), out);
        }
    }
}

#[test]
fn json_is_the_documented_single_pair_shape() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seed-default-groups.json");
    let v: serde_json::Value = serde_json::from_str(&report::render(
        &document(&path),
        report::Format::Json,
        &table::TableOptions::plain(),
    ))
    .unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["source"]["id"], "shop-db");
    assert!(v["findings"].is_array());
    assert!(v.get("checks").is_none());
}

#[test]
fn table_with_passes_lists_every_finding() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mysql-provisioned-ok.json");
    let doc = document(&path);
    let opts = table::TableOptions {
        show_passes: true,
        ..table::TableOptions::plain()
    };
    let out = report::render(&doc, report::Format::Table, &opts);
    for f in doc.findings() {
        assert!(
            out.contains(&f.rule),
            "{} missing from --show-passes output",
            f.rule
        );
    }
    let quiet = report::render(&doc, report::Format::Table, &table::TableOptions::plain());
    assert!(
        !quiet.contains("PASS"),
        "passes shown without --show-passes"
    );
}

#[test]
fn colour_only_when_asked() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seed-default-groups.json");
    let opts = table::TableOptions {
        color: true,
        ..table::TableOptions::plain()
    };
    let out = report::render(&document(&path), report::Format::Table, &opts);
    assert!(
        out.contains("\x1b[31m") || out.contains("\x1b[1;31m"),
        "no red in coloured output"
    );
}

/// Every rule passes in at least one fixture and fails (or warns) in at least one, so each
/// check is seen both ways.
#[test]
fn every_rule_passes_and_fails_somewhere() {
    let rules = RuleSet::embedded().unwrap();
    let mut seen: BTreeMap<String, BTreeSet<Status>> = BTreeMap::new();
    for path in fixtures() {
        for f in report(&path).findings {
            seen.entry(f.rule).or_default().insert(f.status);
        }
    }
    // ZD016 is too large for a fixture (100,000 tables or 4,950 schemas): the unit tests of
    // rules::checks::data fail it instead.
    // ZT005 passes in tests/terraform_plan.rs (a PostgreSQL plan with an include), which
    // spares a fourth plan fixture.
    let covered_elsewhere = ["ZD016", "ZT005"];
    let mut missing = Vec::new();
    for r in rules
        .rules
        .iter()
        .filter(|r| !covered_elsewhere.contains(&r.code.as_str()))
    {
        let st = seen.get(&r.code).cloned().unwrap_or_default();
        if !st.contains(&Status::Pass) {
            missing.push(format!("{} never passes", r.code));
        }
        if !st.contains(&Status::Fail) && !st.contains(&Status::Warn) {
            missing.push(format!("{} never fails", r.code));
        }
    }
    assert!(missing.is_empty(), "fixture coverage gaps: {missing:#?}");
}

/// The two correct scenarios are clean: nothing fails, warns or errors.
#[test]
fn correct_scenarios_are_clean() {
    for stem in ["mysql-provisioned-ok", "postgres-serverless-ok"] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("fixtures/{stem}.json"));
        let r = report(&path);
        let bad: Vec<&Finding> = r
            .findings
            .iter()
            .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Error))
            .collect();
        assert!(bad.is_empty(), "{stem}: {bad:#?}");
    }
}

/// AccessDenied on a call turns exactly the rules that need that fact into `error`; every
/// other rule still runs and reaches a verdict.
#[test]
fn access_denied_is_error_not_pass() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/access-denied.json");
    let r = report(&path);
    for f in &r.findings {
        let needs_denied_fact = f.rule.starts_with("ZM0")
            && !matches!(f.rule.as_str(), "ZM010" | "ZM011" | "ZM012")
            || f.rule.starts_with("ZA")
            || f.rule.starts_with("ZI")
            || f.rule == "ZR007";
        if needs_denied_fact {
            assert_eq!(f.status, Status::Error, "{}: {}", f.rule, f.message);
            assert!(
                f.evidence.failed_call.is_some(),
                "{} names no failed call",
                f.rule
            );
        } else {
            assert_ne!(f.status, Status::Error, "{}: {}", f.rule, f.message);
        }
    }
}

/// Save → load gives the same findings (the offline mode's promise).
#[test]
fn snapshot_round_trip() {
    for path in fixtures() {
        let snap = load(&path);
        let again: Snapshot = serde_json::from_str(&serde_json::to_string(&snap).unwrap()).unwrap();
        assert_eq!(snap, again, "{}", path.display());
    }
}

/// ZR007 is judged by its own ClusterParameterStatusList entry: another parameter pending a
/// reboot in the same group does not make enable_case_sensitive_identifier pending.
#[test]
fn case_sensitivity_judged_by_its_own_apply_status() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/postgres-old-version.json");
    let r = report(&path);
    let f = r.findings.iter().find(|f| f.rule == "ZR007").unwrap();
    assert_eq!(f.status, Status::Pass, "{}", f.message);
}

/// "How to fix" as `--fix` does it: every parameter of a group in one modify command, one
/// reboot of the writer at the end, a guarded group creation, and no command twice.
#[test]
fn how_to_fix_batches_parameters_and_reboots_once() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seed-default-groups.json");
    let out = report::render(
        &document(&path),
        report::Format::Table,
        &table::TableOptions::plain(),
    );
    // Commands fold as a shell reads them: join the continuation lines back.
    let joined = regex::Regex::new(r" \\\n +")
        .unwrap()
        .replace_all(&out, " ")
        .into_owned();
    let fix = &joined[joined.find("How to fix").unwrap()..];
    let count = |needle: &str| fix.lines().filter(|l| l.contains(needle)).count();
    assert_eq!(
        count("aws rds modify-db-cluster-parameter-group"),
        1,
        "{fix}"
    );
    assert_eq!(count("aws rds reboot-db-instance"), 1, "{fix}");
    let modify = fix
        .lines()
        .find(|l| l.contains("modify-db-cluster-parameter-group"))
        .unwrap();
    for p in [
        "aurora_enhanced_binlog",
        "binlog_backup",
        "binlog_format",
        "binlog_row_metadata",
    ] {
        assert!(modify.contains(p), "{p} not in: {modify}");
    }
    let reboot_at = fix.find("reboot-db-instance").unwrap();
    assert!(fix.find("modify-db-cluster-parameter-group").unwrap() < reboot_at);
    assert!(fix.contains("describe-db-cluster-parameter-groups --db-cluster-parameter-group-name shop-db-zetl >/dev/null 2>&1 || aws rds create-db-cluster-parameter-group"));
    // Problems are stated as they are, not as the requirement.
    assert!(
        fix.contains("aurora_enhanced_binlog is 0 (engine-default)"),
        "{fix}"
    );
    assert!(fix.contains("zero-ETL needs 1"), "{fix}");
    // A minor upgrade does not ask for a major one.
    assert!(!fix.contains("--allow-major-version-upgrade"), "{fix}");
}

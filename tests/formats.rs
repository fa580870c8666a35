//! CI formats checked by their consumers' rules: SARIF against the official SARIF 2.1.0
//! schema, JUnit parsed back as XML, GitHub workflow commands one per line.

mod common;

use std::path::Path;

use zetl_preflight::config::file::Suppression;
use zetl_preflight::config::suppress;
use zetl_preflight::model::Snapshot;
use zetl_preflight::report::{self, table::TableOptions, Document, FailOn, Format, Gate, Report};
use zetl_preflight::rules::{evaluate, RuleSet};

fn fixtures() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    v.sort();
    v
}

fn document(paths: &[&Path]) -> Document {
    let rules = RuleSet::embedded().unwrap();
    let reports = paths
        .iter()
        .map(|p| {
            let snap: Snapshot =
                serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap();
            Report::new(&snap, evaluate(&snap, &rules))
        })
        .collect();
    Document::new(reports, &rules)
}

/// A document with a suppressed finding, several pairs and a non-default gate, to reach the
/// less common shapes.
fn rich_document() -> Document {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seed-default-groups.json");
    let denied = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/access-denied.json");
    let mut doc = document(&[&seed, &denied]);
    let sup = Suppression {
        rule: "ZM010".into(),
        resource: "shop-db".into(),
        reason: "upgrade booked for the next maintenance window".into(),
        expires: Some("2999-12-31".parse().unwrap()),
    };
    doc.suppressions = suppress::apply(
        doc.reports.iter_mut().flat_map(|r| r.findings.iter_mut()),
        &[sup],
        "2026-11-25",
    );
    doc.gate = Gate {
        fail_on: FailOn::Warning,
        allow_unverified: true,
    };
    doc
}

use common::sarif_validator;

#[test]
fn sarif_validates_against_the_official_schema() {
    let validator = sarif_validator();
    // As `check --snapshot FILE` makes them (results point at the snapshot), and one that
    // no file named (results have a logical location alone).
    let mut docs: Vec<Document> = fixtures()
        .iter()
        .map(|p| {
            let mut doc = document(&[p.as_path()]);
            doc.artifact = Some(p.display().to_string());
            doc
        })
        .collect();
    docs.push(rich_document());
    for doc in docs {
        let out = report::render(&doc, Format::Sarif, &TableOptions::plain());
        let log: serde_json::Value = serde_json::from_str(&out).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&log)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
        // What GitHub code scanning needs: one run, rules with help, results with a file
        // location and the resource ARN.
        let run = &log["runs"][0];
        assert_eq!(log["runs"].as_array().unwrap().len(), 1);
        for rule in run["tool"]["driver"]["rules"].as_array().unwrap() {
            assert!(rule["helpUri"].as_str().unwrap().starts_with("https://"));
            assert!(rule["help"]["markdown"].as_str().is_some());
        }
        for r in run["results"].as_array().unwrap() {
            let loc = &r["locations"][0];
            match &doc.artifact {
                Some(file) => {
                    assert_eq!(loc["physicalLocation"]["artifactLocation"]["uri"], *file)
                }
                None => assert!(loc.get("physicalLocation").is_none(), "{loc}"),
            }
            assert!(!loc["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
                .is_empty());
            assert!(r["properties"]["resource"].is_string());
        }
    }
}

#[test]
fn the_schema_check_can_fail() {
    let doc = rich_document();
    let mut log: serde_json::Value =
        serde_json::from_str(&report::render(&doc, Format::Sarif, &TableOptions::plain())).unwrap();
    log["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(
        !sarif_validator().is_valid(&log),
        "an invalid level must be rejected"
    );
}

#[test]
fn sarif_marks_suppressions_and_levels() {
    let out = report::render(&rich_document(), Format::Sarif, &TableOptions::plain());
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let zm010 = results.iter().find(|r| r["ruleId"] == "ZM010").unwrap();
    assert_eq!(zm010["suppressions"][0]["kind"], "external");
    // --allow-unverified: an unverified result is a warning, not an error.
    let unverified = results
        .iter()
        .find(|r| r["properties"]["status"] == "error")
        .unwrap();
    assert_eq!(unverified["level"], "warning");
    // --fail-on warning: a warning fails the run, so it is an error-level result.
    let warn = results
        .iter()
        .find(|r| r["properties"]["status"] == "warn")
        .unwrap();
    assert_eq!(warn["level"], "error");
}

#[test]
fn junit_parses_back_with_consistent_counts() {
    let mut docs: Vec<Document> = fixtures()
        .iter()
        .map(|p| document(&[p.as_path()]))
        .collect();
    docs.push(rich_document());
    for doc in docs {
        let out = report::render(&doc, Format::Junit, &TableOptions::plain());
        let xml = roxmltree::Document::parse(&out).unwrap_or_else(|e| panic!("{e}\n{out}"));
        let root = xml.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let num = |n: roxmltree::Node, a: &str| n.attribute(a).unwrap().parse::<usize>().unwrap();
        let cases: Vec<_> = root
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(num(root, "tests"), cases.len());
        assert_eq!(cases.len(), doc.findings().count());
        let count = |tag: &str| {
            cases
                .iter()
                .filter(|c| c.children().any(|x| x.has_tag_name(tag)))
                .count()
        };
        assert_eq!(num(root, "failures"), count("failure"));
        assert_eq!(num(root, "errors"), count("error"));
        assert_eq!(num(root, "skipped"), count("skipped"));
        for suite in root.children().filter(|n| n.has_tag_name("testsuite")) {
            let n = suite
                .children()
                .filter(|c| c.has_tag_name("testcase"))
                .count();
            assert_eq!(num(suite, "tests"), n);
        }
    }
}

#[test]
fn junit_maps_statuses() {
    let denied = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/access-denied.json");
    let out = report::render(&document(&[&denied]), Format::Junit, &TableOptions::plain());
    let xml = roxmltree::Document::parse(&out).unwrap();
    let errors = xml
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .count();
    assert_eq!(errors, 17, "each unverified check is a JUnit error");
    let rich = report::render(&rich_document(), Format::Junit, &TableOptions::plain());
    let xml = roxmltree::Document::parse(&rich).unwrap();
    let suppressed = xml
        .descendants()
        .filter(|n| n.has_tag_name("skipped"))
        .any(|n| n.attribute("message").unwrap().starts_with("suppressed: "));
    assert!(suppressed);
}

#[test]
fn github_commands_are_one_line_each() {
    let out = report::render(&rich_document(), Format::Github, &TableOptions::plain());
    for line in out.lines() {
        assert!(
            line.starts_with("::error ")
                || line.starts_with("::warning ")
                || line.starts_with("::notice "),
            "{line}"
        );
        let (_, message) = line.split_once("::").unwrap().1.split_once("::").unwrap();
        assert!(!message.contains('\n'));
    }
    assert!(
        !out.contains("ZM010 mysql-engine-version"),
        "suppressed findings are not annotated"
    );
}

/// A fleet's report is written pair by pair through a temporary file; the result must be
/// the very document rendered whole, in every format, for one pair, several, or none.
#[test]
fn a_report_written_pair_by_pair_through_a_file_is_the_same_document() {
    use zetl_preflight::report::stream::Writer;
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/seed-default-groups.json");
    let mut docs = vec![rich_document(), document(&[&seed])];
    let mut empty = rich_document();
    empty.reports.clear();
    docs.push(empty);
    for doc in &docs {
        for format in [
            Format::Table,
            Format::Json,
            Format::Sarif,
            Format::Junit,
            Format::Github,
            Format::Markdown,
        ] {
            let whole = report::render(doc, format, &TableOptions::plain());
            let mut w = Writer::spooled(doc.frame(), format, TableOptions::plain());
            for r in &doc.reports {
                w.push(r).unwrap();
            }
            let mut out = Vec::new();
            w.finish(doc.suppressions.clone(), &mut out).unwrap();
            assert_eq!(
                String::from_utf8(out).unwrap(),
                whole,
                "{format:?}, {} pairs",
                doc.reports.len()
            );
        }
    }
}

/// What a run could not verify (an account not audited) is part of the report in every
/// format, and fails the run unless unverified is allowed.
#[test]
fn what_the_run_could_not_verify_is_in_every_format() {
    let missed =
        "account of role arn:aws:iam::210987654321:role/audit was not audited: AccessDenied";
    let mut doc = rich_document();
    doc.unverified = vec![missed.to_string()];
    doc.notes = vec![
        "integration rds-mysql (active) is not checked: its source is an RDS DB instance".into(),
    ];
    let text = |f| report::render(&doc, f, &TableOptions::plain());
    assert!(text(Format::Table).contains(&format!("not verified: {missed}")));
    assert!(text(Format::Markdown).contains(&format!("#### Not verified\n\n- ❓ {missed}")));
    assert!(text(Format::Github).contains(&format!(
        "::error title=zetl-preflight: not verified::{missed}"
    )));
    let json: serde_json::Value = serde_json::from_str(&text(Format::Json)).unwrap();
    assert_eq!(json["unverified"][0], missed);
    assert!(json["run_notes"][0].as_str().unwrap().contains("rds-mysql"));
    let junit = text(Format::Junit);
    assert!(
        junit.contains(
            "<testsuite name=\"zetl-preflight coverage\" tests=\"1\" failures=\"0\" errors=\"1\""
        ),
        "{junit}"
    );
    let sarif: serde_json::Value = serde_json::from_str(&text(Format::Sarif)).unwrap();
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
    assert_eq!(
        sarif["runs"][0]["invocations"][0]["executionSuccessful"],
        false
    );
    // rich_document allows unverified; the default gate does not.
    doc.gate.fail_on = FailOn::Never;
    assert!(!doc.fails());
    doc.gate = Gate::default();
    doc.reports.clear();
    assert!(doc.fails(), "an incomplete run is not a pass");
    doc.gate.fail_on = FailOn::Never;
    assert!(!doc.fails(), "--fail-on never never exits 1");
}

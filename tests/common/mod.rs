//! Shared test support: a moto server on a free loopback port, and SDK configuration that
//! can only reach it (static test credentials, no instance metadata, no retries).

#![allow(dead_code)]

pub mod aws_mocks;
pub mod db;
pub mod metrics;
pub mod moto;
pub mod world;

pub use moto::*;

use std::process::Command;

/// The binary, in `dir`, with no AWS configuration reachable: no profile files, no instance
/// metadata, no credentials or Region from the developer's shell.
pub fn zetl_in(dir: Option<&std::path::Path>, args: &[&str]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zetl-preflight"));
    for v in AWS_VARS_TO_CLEAR {
        cmd.env_remove(v);
    }
    for v in [
        "AWS_REGION",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_ENDPOINT_URL",
    ] {
        cmd.env_remove(v);
    }
    // The table's width comes from COLUMNS when it is set: tests see the pipe's width.
    cmd.env_remove("COLUMNS");
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/zetl-preflight-test")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/zetl-preflight-test",
        )
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .unwrap()
}

/// A fresh, empty directory for one test.
pub fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("zetl-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A bundled fixture's absolute path.
pub fn fixture(name: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// The official SARIF 2.1.0 schema (tests/data), compiled.
pub fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json"),
    )
    .unwrap();
    let mut schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    // The rtm.5 schema's `run.language` pattern is malformed (an unbalanced `]`), which the
    // draft-04 meta-schema rejects; use the pattern it means (a language tag such as en-US).
    // Our output has no `language`; every other keyword is enforced as published.
    let mut fixed = 0;
    for def in ["run", "toolComponent"] {
        let pattern = &mut schema["definitions"][def]["properties"]["language"]["pattern"];
        if pattern == "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$" {
            *pattern = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$".into();
            fixed += 1;
        }
    }
    assert_eq!(fixed, 2, "the schema file changed: review this workaround");
    jsonschema::draft4::new(&schema).expect("the SARIF schema compiles")
}

/// One snapshot's report as SARIF, checked against the official schema, and its result for
/// `rule`.
pub fn sarif_result(
    snap: &zetl_preflight::model::Snapshot,
    artifact: &str,
    rule: &str,
) -> serde_json::Value {
    use zetl_preflight::report::{self, table::TableOptions, Document, Format, Report};
    use zetl_preflight::rules::{evaluate, RuleSet};
    let rules = RuleSet::embedded().unwrap();
    let mut doc = Document::new(vec![Report::new(snap, evaluate(snap, &rules))], &rules);
    doc.artifact = Some(artifact.to_string());
    let sarif: serde_json::Value =
        serde_json::from_str(&report::render(&doc, Format::Sarif, &TableOptions::plain())).unwrap();
    let errors: Vec<String> = sarif_validator()
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
    sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == rule)
        .unwrap_or_else(|| panic!("no {rule} result"))
        .clone()
}

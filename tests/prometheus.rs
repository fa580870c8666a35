//! `--format prometheus` passes `promtool check metrics` (Debian's `prometheus` package ships
//! it; scripts/test installs it when missing) for every fixture and for a fleet of them, says
//! what the health facts say in base units, and writes its file atomically.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::fixture;
use zetl_preflight::model::Snapshot;
use zetl_preflight::report::{self, table::TableOptions, Document, Format, Report};
use zetl_preflight::rules::{evaluate, RuleSet};

fn promtool(text: &str) -> Result<(), String> {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool is installed: scripts/test installs it (Debian package prometheus)");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

fn fixtures() -> Vec<(String, Snapshot)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let snap = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            out.push((p.file_name().unwrap().to_string_lossy().into_owned(), snap));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn render(snaps: &[&Snapshot]) -> String {
    let rules = RuleSet::embedded().unwrap();
    let reports = snaps
        .iter()
        .map(|s| Report::new(s, evaluate(s, &rules)))
        .collect();
    let doc = Document::new(reports, &rules);
    report::render(&doc, Format::Prometheus, &TableOptions::plain())
}

#[test]
fn every_fixture_and_the_fleet_pass_promtool() {
    let all = fixtures();
    assert!(all.len() > 40);
    let mut wrong = Vec::new();
    for (name, snap) in &all {
        if let Err(e) = promtool(&render(&[snap])) {
            wrong.push(format!("{name}: {e}"));
        }
    }
    // Every fixture as one fleet: each family written once, its samples together.
    let fleet: Vec<&Snapshot> = all.iter().map(|(_, s)| s).collect();
    let text = render(&fleet);
    if let Err(e) = promtool(&text) {
        wrong.push(format!("the fleet: {e}"));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let helps = text.lines().filter(|l| l.starts_with("# HELP ")).count();
    let names: std::collections::BTreeSet<&str> = text
        .lines()
        .filter(|l| l.starts_with("# HELP "))
        .map(|l| l.split(' ').nth(2).unwrap())
        .collect();
    assert_eq!(helps, names.len(), "a family written twice");
    assert!(text.contains(&format!("zetl_preflight_pairs {}", all.len())));
}

#[test]
fn health_is_in_base_units_and_no_data_is_no_sample() {
    let read = |name: &str| -> Snapshot {
        serde_json::from_str(&std::fs::read_to_string(fixture(name)).unwrap()).unwrap()
    };
    let lagging = render(&[&read("integration-lagging.json")]);
    // IntegrationLag is in seconds already: 4200 s, the latest datapoint.
    assert!(lagging.contains("} 4200\n"), "{lagging}");
    assert!(lagging.contains("zetl_preflight_integration_status{"));
    assert!(lagging.contains(",status=\"active\"} 1\n"));
    assert!(lagging.contains(",status=\"needs_attention\"} 0\n"));
    assert!(lagging.contains(",rule=\"ZH001\",status=\"fail\"} 1\n"));
    let silent = render(&[&read("integration-no-data.json")]);
    assert!(
        !silent.contains("zetl_preflight_integration_lag_seconds{"),
        "{silent}"
    );
    assert!(silent.contains("zetl_preflight_integration_metrics_up{"));
    let denied = render(&[&read("integration-metrics-denied.json")]);
    assert!(denied.contains("zetl_preflight_integration_metrics_up{"));
    assert!(denied.contains("\"} 0\n"));
}

/// `-o FILE` replaces the file whole (written beside it, then renamed), readable by others,
/// as node_exporter's textfile collector wants.
#[test]
fn the_output_file_is_replaced_atomically() {
    let dir = common::scratch_dir("prometheus-out");
    let path = dir.join("zetl.prom");
    std::fs::write(&path, "old\n").unwrap();
    let o = common::zetl_in(
        None,
        &[
            "check",
            "-q",
            "--snapshot",
            &fixture("integration-healthy.json"),
            "--format",
            "prometheus",
            "-o",
            path.to_str().unwrap(),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("# HELP zetl_preflight_"), "{text}");
    promtool(&text).unwrap();
    // Nothing else is left in the folder (no temporary file).
    assert_eq!(std::fs::read_dir(&dir).unwrap().count(), 1);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o044, 0o044, "{mode:o}");
    }
}

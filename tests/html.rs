//! `--format html` in a real browser: Debian's Chromium, headless, driven through the DevTools
//! protocol by playwright-core (scripts/test installs both; `tests/browser/page.mjs` opens
//! the page and reports what it saw). Each page is checked as a person would: the verdict,
//! the rows, a filter that hides the others, a copy button that copies the fix, no request
//! but the page, no console error (a wrong Content-Security-Policy hash shows as one), a
//! resource named `<script>` shown as text and never run; the page's text is an insta
//! snapshot, and a screenshot of each page goes to `target/screenshots/`.

mod common;

use std::path::{Path, PathBuf};

use common::{fixture, scratch_dir, zetl_in};

/// The page `check` writes for `args` (with `--format html -o page.html`) in `dir`.
fn page(dir: &Path, args: &[&str]) -> PathBuf {
    let out = dir.join("page.html");
    let mut all = vec!["check", "--format", "html", "-o", out.to_str().unwrap()];
    all.extend_from_slice(args);
    let o = zetl_in(Some(dir), &all);
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    out
}

/// What the browser saw of `page`; its screenshot is written as `target/screenshots/NAME.png`.
fn browse(page: &Path, name: &str, filter: Option<&str>) -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shots = root.join("target/screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut cmd = std::process::Command::new("node");
    cmd.current_dir(root)
        .arg("tests/browser/page.mjs")
        .arg(page)
        .arg(shots.join(format!("{name}.png")));
    if let Some(f) = filter {
        cmd.arg(f);
    }
    let o = cmd
        .output()
        .expect("node runs (scripts/test installs Node.js, playwright-core and chromium)");
    assert!(
        o.status.success(),
        "the browser could not open the page (scripts/test installs chromium and \
         playwright-core into target/tools): {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let seen: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    // Nothing but the page was requested, and nothing went wrong in it.
    let url = seen["url"].as_str().unwrap();
    assert_eq!(seen["requests"], serde_json::json!([url]), "{seen:#}");
    assert_eq!(seen["console"], serde_json::json!([]), "{seen:#}");
    assert_eq!(seen["page_errors"], serde_json::json!([]), "{seen:#}");
    // It fits a phone's width (its tables scroll inside their own box).
    assert!(seen["phone_overflow"].as_i64().unwrap() <= 0, "{seen:#}");
    // With JavaScript off the verdict and rows are there, and no control that needs it.
    assert_eq!(seen["noscript"]["verdict"], seen["verdict"]);
    assert_eq!(seen["noscript"]["rows"], seen["rows"]);
    assert_eq!(seen["noscript"]["copy_buttons_visible"], 0);
    assert_eq!(seen["noscript"]["filters_visible"], 0);
    seen
}

/// The page's text as a person reads it, for an insta snapshot (the tool's version aside).
fn text(seen: &serde_json::Value) -> String {
    seen["text"]
        .as_str()
        .unwrap()
        .replace(env!("CARGO_PKG_VERSION"), "VERSION")
}

/// A copy button copies exactly the fix command it stands beside.
fn assert_copies(seen: &serde_json::Value) {
    assert_eq!(seen["copy_label"], "Copied", "{seen:#}");
    assert!(!seen["copied"].as_str().unwrap().is_empty());
    assert_eq!(seen["copied"], seen["copy_expected"], "{seen:#}");
}

#[test]
fn one_pair_with_failures() {
    let dir = scratch_dir("html-one");
    // Named as given: the page says which file it checked.
    std::fs::copy(
        fixture("mysql-provisioned-broken.json"),
        dir.join("broken.json"),
    )
    .unwrap();
    let page = page(&dir, &["--snapshot", "broken.json"]);
    let seen = browse(&page, "check", None);
    assert_eq!(seen["verdict"], "NOT READY");
    assert_eq!(seen["title"], "zetl-preflight: NOT READY");
    assert_eq!(seen["sections"], 1);
    // One pair: no fleet table.
    assert_eq!(seen["rows"], 0);
    assert!(seen["fixes"].as_u64().unwrap() > 0);
    assert_copies(&seen);
    insta::assert_snapshot!("html_check", text(&seen));
}

#[test]
fn a_fleet_of_many_pairs_filters_by_status() {
    let dir = scratch_dir("html-fleet");
    let fleet = dir.join("fleet");
    std::fs::create_dir_all(&fleet).unwrap();
    let names = [
        "mysql-provisioned-broken.json",
        "mysql-provisioned-ok.json",
        "postgres-serverless-ok.json",
        "postgres-serverless-broken.json",
        "rds-mysql-ok.json",
        "rds-oracle-broken.json",
        "access-denied.json",
        "china-enhanced-vpc-routing.json",
    ];
    for n in names {
        std::fs::copy(fixture(n), fleet.join(n)).unwrap();
    }
    let page = page(&dir, &["--snapshot", "fleet"]);
    let seen = browse(&page, "fleet", Some("fail"));
    assert_eq!(seen["verdict"], "NOT READY");
    assert_eq!(seen["rows"], names.len());
    assert_eq!(seen["sections"], names.len());
    assert_eq!(seen["filters_shown"], true);
    // Filtering by status shows that status alone, in the table and among the sections.
    let f = &seen["filtered"];
    let visible = f["visible_rows"].as_u64().unwrap();
    assert!(visible > 0 && visible < names.len() as u64, "{f}");
    assert_eq!(f["visible_sections"], f["visible_rows"]);
    assert!(f["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s == "fail"));
    assert_eq!(f["shown"], format!("{visible} of {} shown", names.len()));
    // Printed, every pair shows whatever the filter, and the filters do not.
    assert_eq!(seen["printed"]["visible_sections"], names.len());
    assert_eq!(seen["printed"]["filters_visible"], false);
    // A column header sorts the rows by it.
    let failing: Vec<u64> = seen["sorted_failing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    assert_eq!(failing.len(), names.len());
    assert!(failing.windows(2).all(|w| w[0] <= w[1]), "{failing:?}");
    assert!(failing.first() < failing.last(), "{failing:?}");
    assert_copies(&seen);
    insta::assert_snapshot!("html_fleet", text(&seen));
}

#[test]
fn an_audit_with_health_shows_lag_and_failed_tables() {
    let dir = scratch_dir("html-health");
    let page = page(
        &dir,
        &[
            "--snapshot",
            &fixture("integration-lagging.json"),
            "--snapshot",
            &fixture("integration-healthy.json"),
            "--snapshot",
            &fixture("postgres-provisioned-needs-attention.json"),
        ],
    );
    let seen = browse(&page, "health", Some("pass"));
    assert_eq!(seen["rows"], 3);
    // Each integration with metrics has its lag chart.
    assert_eq!(seen["charts"], 2, "{seen:#}");
    let t = text(&seen);
    for part in [
        "Integration orders-to-analytics is active",
        "IntegrationLag, last 15 min: now 1 h 10 min",
        "shop.audit_log\tFailed\tTable does not have a primary key",
        "Integration payments-to-finance is needs_attention",
    ] {
        assert!(t.contains(part), "{part}\n{t}");
    }
    assert_eq!(seen["filtered"]["visible_rows"], 1);
    insta::assert_snapshot!("html_health", t);
}

/// Values from AWS are text: a cluster, a parameter group and an integration's error named
/// with markup are shown as written, and nothing in them runs.
#[test]
fn markup_in_a_resource_name_is_text_and_never_runs() {
    let dir = scratch_dir("html-injection");
    let evil = "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=2\">";
    let mut snap: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("integration-lagging.json")).unwrap(),
    )
    .unwrap();
    snap["source"]["cluster"]["DBClusterIdentifier"] = serde_json::json!(evil);
    let text_of = serde_json::to_string(&snap).unwrap();
    // A failed table's reason, as Redshift's view gives it.
    let text_of = text_of.replace(
        "Table does not have a primary key",
        &evil.replace('"', "\\\""),
    );
    std::fs::write(dir.join("evil.json"), text_of).unwrap();
    let page = page(&dir, &["--snapshot", "evil.json"]);
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        !html.contains("<script>window.pwned"),
        "unescaped markup in the page"
    );
    let seen = browse(&page, "injection", None);
    assert_eq!(
        seen["pwned"],
        serde_json::Value::Null,
        "the injected script ran"
    );
    assert!(text(&seen).contains(evil), "{}", text(&seen));
}

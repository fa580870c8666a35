//! The requirements catalog (docs/requirements.md) is the project's own: every row names its
//! source with a URL, and every rule's `catalog` ids resolve to rows of it.

use std::collections::BTreeSet;
use std::path::Path;

use zetl_preflight::rules::RuleSet;

fn rows() -> Vec<(String, String)> {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/requirements.md"))
            .unwrap();
    text.lines()
        .filter_map(|l| {
            let id = l
                .strip_prefix("| ")?
                .split(" | ")
                .next()?
                .trim()
                .to_string();
            let is_id = id.contains('-')
                && id
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || "-.*".contains(c));
            is_id.then(|| (id, l.to_string()))
        })
        .collect()
}

#[test]
fn every_row_names_its_source_with_a_url() {
    let rows = rows();
    assert!(rows.len() >= 90, "only {} rows", rows.len());
    for (id, line) in &rows {
        assert!(line.contains("https://"), "{id} has no source URL: {line}");
    }
}

#[test]
fn every_catalog_id_of_every_rule_resolves() {
    let ids: BTreeSet<String> = rows().into_iter().map(|(id, _)| id).collect();
    let mut missing = Vec::new();
    for r in RuleSet::embedded().unwrap().rules {
        assert!(!r.catalog.is_empty(), "{} names no catalog row", r.code);
        for c in &r.catalog {
            if !ids.contains(c) {
                missing.push(format!("{} → {c}", r.code));
            }
        }
    }
    assert!(missing.is_empty(), "unresolved catalog ids: {missing:?}");
}

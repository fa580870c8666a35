//! The README's rules table is the rules data, not a second copy of it.

use std::path::Path;

use zetl_preflight::rules::RuleSet;

#[test]
fn readme_rules_table_matches_the_rules() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut rules = RuleSet::embedded().unwrap().rules;
    rules.sort_by(|a, b| a.code.cmp(&b.code));
    let mut expected = vec![
        "| code | name | severity | catalog | requirement |".to_string(),
        "| --- | --- | --- | --- | --- |".to_string(),
    ];
    for r in &rules {
        expected.push(format!(
            "| {} | `{}` | {} | {} | {} |",
            r.code,
            r.name,
            r.severity.as_str(),
            r.catalog.join(", "),
            r.title
        ));
    }
    let start = readme
        .find("| code | name | severity | catalog | requirement |")
        .expect("the README has a rules table");
    let actual: Vec<&str> = readme[start..]
        .lines()
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(
        actual,
        expected,
        "README rules table is out of date; regenerate it from `zetl-preflight rules --format json`"
    );
}

//! The docs are true: the tables that mirror code are that code's data, every link between
//! the README and `docs/` resolves, and the README stays a front page.

use std::path::{Path, PathBuf};

use zetl_preflight::rules::checks::ABOUT;
use zetl_preflight::rules::RuleSet;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The lines of the Markdown table that starts with `header`.
fn table<'a>(text: &'a str, header: &str, page: &str) -> Vec<&'a str> {
    let start = text
        .find(header)
        .unwrap_or_else(|| panic!("{page} has no table headed {header}"));
    text[start..]
        .lines()
        .take_while(|l| l.starts_with('|'))
        .collect()
}

#[test]
fn the_rules_table_is_the_rules_data() {
    let page = read("docs/checks.md");
    let rules = RuleSet::embedded().unwrap().rules;
    let header = "| code | name | severity | catalog | requirement |";
    let expected = zetl_preflight::report::rules::rules_markdown(&rules);
    assert_eq!(
        table(&page, header, "docs/checks.md"),
        expected.lines().collect::<Vec<_>>(),
        "docs/checks.md rules table is out of date; regenerate it with `zetl-preflight rules --format markdown`"
    );
}

/// The IAM page lists every action the tool calls, for reading and for fixing.
#[test]
fn the_iam_page_names_every_call() {
    let page = read("docs/iam.md");
    for call in zetl_preflight::fetch::calls::READ
        .iter()
        .chain(zetl_preflight::fetch::calls::FIX)
    {
        assert!(
            page.contains(&format!("\"{call}\"")),
            "docs/iam.md lacks {call}"
        );
    }
}

#[test]
fn the_check_kinds_table_is_the_registry() {
    let page = read("docs/rules-data.md");
    let header = "| kind | fields | checks |";
    let mut expected = vec![header.to_string(), "| --- | --- | --- |".to_string()];
    for k in ABOUT {
        let fields = if k.fields.is_empty() {
            String::new()
        } else {
            format!("{} ", k.fields)
        };
        expected.push(format!("| `{}` | {fields}| {} |", k.name, k.checks));
    }
    let actual = table(&page, header, "docs/rules-data.md");
    assert_eq!(
        actual,
        expected,
        "docs/rules-data.md check-kinds table differs from rules::checks::ABOUT; expected:\n{}",
        expected.join("\n")
    );
}

/// GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

fn anchors(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for l in text.lines() {
        if l.starts_with("```") {
            fenced = !fenced;
        } else if !fenced && l.starts_with('#') {
            out.push(slug(l.trim_start_matches('#')));
        }
    }
    out
}

/// Every `[text](target)` of a page outside code blocks.
fn links(text: &str) -> Vec<String> {
    let mut fenced = false;
    let mut out = Vec::new();
    for l in text.lines() {
        if l.starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Inline code is no link.
        let mut plain = String::new();
        for (n, part) in l.split('`').enumerate() {
            if n % 2 == 0 {
                plain.push_str(part);
            }
        }
        let mut rest = plain.as_str();
        while let Some(i) = rest.find("](") {
            let tail = &rest[i + 2..];
            let Some(end) = tail.find(')') else { break };
            out.push(tail[..end].to_string());
            rest = &tail[end..];
        }
    }
    out
}

#[test]
fn every_link_between_the_readme_and_the_docs_resolves() {
    let mut pages = vec![root().join("README.md")];
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            pages.push(p);
        }
    }
    let mut broken = Vec::new();
    for page in &pages {
        let text = std::fs::read_to_string(page).unwrap();
        for link in links(&text) {
            if link.starts_with("http://") || link.starts_with("https://") {
                continue;
            }
            let (file, anchor) = match link.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (link.as_str(), None),
            };
            let target = if file.is_empty() {
                page.clone()
            } else {
                page.parent().unwrap().join(file)
            };
            if !target.exists() {
                broken.push(format!("{}: {link} (no such file)", page.display()));
                continue;
            }
            if let Some(a) = anchor {
                let t = std::fs::read_to_string(&target).unwrap_or_default();
                if !anchors(&t).iter().any(|h| h == a) {
                    broken.push(format!("{}: {link} (no such heading)", page.display()));
                }
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn the_readme_is_a_front_page() {
    let readme = read("README.md");
    let n = readme.lines().count();
    assert!(
        n <= 300,
        "README.md has {n} lines; the reference belongs in docs/"
    );
    for page in [
        "docs/check.md",
        "docs/audit.md",
        "docs/iam.md",
        "docs/output.md",
    ] {
        assert!(readme.contains(page), "README does not link {page}");
    }
}

#[test]
fn the_link_reader_sees_anchors_and_skips_code() {
    assert_eq!(
        slug(" `check --data`: the source's tables"),
        "check---data-the-sources-tables"
    );
    let text = "see [a](x.md#b) and [c](#d)\n```\n[no](link.md)\n```\n";
    assert_eq!(links(text), ["x.md#b", "#d"]);
}

/// The JSON example in docs/output.md adds up: its summary counts every status it shows.
#[test]
fn the_json_example_adds_up() {
    let page = read("docs/output.md");
    let start = page.find("```json\n").expect("a JSON example") + 8;
    let end = start + page[start..].find("\n```").unwrap();
    let doc: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
    let summary = &doc["summary"];
    let statuses = ["pass", "fail", "warn", "error", "skip"];
    let sum: u64 = statuses.iter().map(|s| summary[*s].as_u64().unwrap()).sum();
    assert_eq!(summary["total"].as_u64(), Some(sum), "{summary}");
    for f in doc["findings"].as_array().unwrap() {
        let status = f["status"].as_str().unwrap();
        assert!(
            summary[status].as_u64().unwrap() > 0,
            "a {status} finding, none counted"
        );
        assert!(
            f["resource"]
                .as_str()
                .unwrap()
                .ends_with(doc["source"]["id"].as_str().unwrap()),
            "{f}"
        );
    }
}

/// `zetl-preflight COMMAND --help`, as a map from each flag to its help text.
fn help_of(command: &[&str]) -> std::collections::BTreeMap<String, String> {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zetl-preflight"))
        .args(command)
        .arg("--help")
        .env_remove("COLUMNS")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    // Flags stand at two spaces (`  -q, --quiet`) or six (`      --timeout`); their help at ten.
    let flag = regex::Regex::new(r"^(?:  -\w, |      )(--[a-z][a-z0-9-]*)").unwrap();
    let mut map = std::collections::BTreeMap::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(c) = flag.captures(line) {
            current = Some(c[1].to_string());
            map.insert(c[1].to_string(), line.to_string());
        } else if let Some(f) = &current {
            let entry = map.get_mut(f).unwrap();
            entry.push(' ');
            entry.push_str(line.trim());
        }
    }
    map
}

/// Every row of a reference table whose first cell names flags: flag → the row.
fn documented_flags() -> std::collections::BTreeMap<String, String> {
    let flag = regex::Regex::new(r"--[a-z][a-z0-9-]*").unwrap();
    let mut map = std::collections::BTreeMap::new();
    for entry in std::fs::read_dir(root().join("docs")).unwrap() {
        let path = entry.unwrap().path();
        // The pages, not their images.
        if path.extension().is_none_or(|x| x != "md") {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for line in text.lines().filter(|l| l.starts_with("| `")) {
            let first = line.split('|').nth(1).unwrap_or_default();
            for f in flag.find_iter(first) {
                map.entry(f.as_str().to_string())
                    .or_insert_with(|| line.to_string());
            }
        }
    }
    map
}

/// Every flag of each command is in a table of the reference, and the facts both state of
/// it agree: what it checks, its default.
#[test]
fn the_flags_help_and_the_docs_tables_agree() {
    let docs = documented_flags();
    let mut missing = Vec::new();
    for command in [
        &["check"][..],
        &["audit"],
        &["rules"],
        &["rule"],
        &["iam-policy"],
        &["demo"],
    ] {
        for flag in help_of(command).keys() {
            if !["--help", "--version"].contains(&flag.as_str()) && !docs.contains_key(flag) {
                missing.push(format!("{} {flag}", command.join(" ")));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "flags in no table of docs/: {missing:?}"
    );
    // What the help and the row of each flag both have to say.
    let concurrency = zetl_preflight::run::DEFAULT_CONCURRENCY.to_string();
    let facts: &[(&str, &str, &[&str])] = &[
        (
            "audit",
            "--candidates",
            &["Aurora cluster", "RDS DB instance"],
        ),
        ("audit", "--creator", &["ZW001", "ZW002", "ZK003"]),
        ("check", "--creator", &["simulated"]),
        ("check", "--concurrency", &[&concurrency]),
        ("audit", "--concurrency", &[&concurrency]),
        // Where the password comes from, in order.
        (
            "check",
            "--database-url",
            &[
                "--db-secret",
                "--iam-auth",
                "master user secret",
                "MYSQL_PWD",
                "PGPASSWORD",
            ],
        ),
    ];
    let mut wrong = Vec::new();
    for (command, flag, words) in facts {
        let help = &help_of(&[command])[*flag];
        let row = &docs[*flag];
        for w in *words {
            if !help.contains(w) {
                wrong.push(format!(
                    "`{command} --help` for {flag} does not say '{w}': {help}"
                ));
            }
            if !row.contains(w) {
                wrong.push(format!(
                    "the docs' row for {flag} does not say '{w}': {row}"
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The summary line docs/output.md shows is the demo's, as the binary prints it today.
#[test]
fn the_summary_line_shown_is_the_demos() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_zetl-preflight"))
        .args(["check", "-q", "--snapshot"])
        .arg(root().join("fixtures/seed-default-groups.json"))
        .output()
        .unwrap();
    let line = String::from_utf8(out.stdout).unwrap();
    let line = line.trim();
    assert!(line.starts_with("NOT READY"), "{line}");
    let page = read("docs/output.md");
    assert!(
        page.lines().any(|l| l == line),
        "docs/output.md does not show the demo's summary line: {line}"
    );
}

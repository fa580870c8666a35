//! The rules for people: the `rules` table, the Markdown table of docs/checks.md, and one
//! rule's documentation page (`rule CODE`).

use comfy_table::{presets, ColumnConstraint, ContentArrangement, Table};

use crate::rules::spec::Rule;

fn applies_to(rule: &Rule) -> String {
    let a = &rule.applies_to;
    let engines = if a.engines.is_empty() {
        "any engine".to_string()
    } else {
        a.engines.join(", ")
    };
    let targets = if a.targets.is_empty() {
        "any target".to_string()
    } else {
        a.targets
            .iter()
            .map(|t| t.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let engines = if a.sources.is_empty() {
        engines
    } else {
        let shapes: Vec<String> = a.sources.iter().map(|s| s.to_string()).collect();
        format!("{engines} ({})", shapes.join(", "))
    };
    if a.regions.is_empty() {
        format!("{engines}; {targets}")
    } else {
        format!("{engines}; {targets} in {}", a.regions.join(", "))
    }
}

/// The rules as a table of `width` columns. Codes, names and the short columns are never
/// wrapped (a name broken mid-word cannot be searched for); on a narrow screen the
/// applies-to and catalog columns give way first, and the title wraps at spaces.
pub fn rules_table(rules: &[Rule], width: Option<u16>) -> String {
    let wide = width.is_none_or(|w| w >= 130);
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED).force_no_tty();
    match width {
        Some(w) => {
            t.set_content_arrangement(ContentArrangement::Dynamic)
                .set_width(w);
        }
        None => {
            t.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    let mut header = vec!["Code", "Name", "Severity", "Fix"];
    if wide {
        header.extend(["Applies to", "Catalog"]);
    }
    header.push("Title");
    t.set_header(header);
    for r in rules {
        let mut row = vec![
            r.code.clone(),
            r.name.clone(),
            r.severity.as_str().to_string(),
            r.applicability.as_str().to_string(),
        ];
        if wide {
            row.extend([applies_to(r), r.catalog.join(" ")]);
        }
        row.push(r.title.clone());
        t.add_row(row);
    }
    let keep = if wide { 6 } else { 4 };
    for i in 0..keep {
        if let Some(c) = t.column_mut(i) {
            c.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    let mut out = t.to_string();
    if !wide {
        out.push_str(
            "\n(130 columns show applies-to and catalog;\n`rule CODE` and --format json always do)",
        );
    }
    out
}

/// The rules as the Markdown table docs/checks.md carries (`rules --format markdown`), in
/// code order.
pub fn rules_markdown(rules: &[Rule]) -> String {
    let mut out = String::from(
        "| code | name | severity | catalog | requirement |\n| --- | --- | --- | --- | --- |\n",
    );
    let mut sorted: Vec<&Rule> = rules.iter().collect();
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    for r in sorted {
        out.push_str(&format!(
            "| {} | `{}` | {} | {} | {} |\n",
            r.code,
            r.name,
            r.severity.as_str(),
            r.catalog.join(", "),
            r.title
        ));
    }
    out
}

/// A rule's documentation as Markdown, in the shape of `ruff rule`.
pub fn rule_docs(rule: &Rule) -> String {
    let d = &rule.docs;
    let check = toml::to_string(&rule.check).unwrap_or_default();
    let mut out = format!(
        "# {} ({})\n\n{}\n\nSeverity: {}. Applies to: {}. Fix: {}. Catalog: {}.\n\n\
         ## What it checks\n{}\n\n## Why it matters\n{}\n\n## How to fix\n```sh\n{}\n```\n\n\
         ## Check (rules data)\n```toml\n{}```\n",
        rule.name,
        rule.code,
        rule.title,
        rule.severity.as_str(),
        applies_to(rule),
        rule.applicability.as_str(),
        if rule.catalog.is_empty() {
            "-".to_string()
        } else {
            rule.catalog.join(", ")
        },
        d.what.trim(),
        d.why.trim(),
        crate::rules::fix_text::for_docs(rule),
        check,
    );
    if let Some(notes) = &d.notes {
        out.push_str(&format!("\n## Notes\n{}\n", notes.trim()));
    }
    out.push_str("\n## References\n");
    for r in &d.references {
        out.push_str(&format!("- {r}\n"));
    }
    out
}

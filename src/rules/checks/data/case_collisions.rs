//! `problem = "case_collisions"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = None;

pub fn judge(s: &Scope) -> Outcome {
    let snap = s.snap;
    let _filter = &s.filter;
    let scope = s.scope.clone();
    let _tables = s.tables.clone();
    let n = s.tables.len();
        let mut found = Found::new();
        let mut groups: BTreeMap<(String, String), Vec<&TableFacts>> = BTreeMap::new();
        for t in &scope {
            let container = t
                .schema
                .clone()
                .map_or(t.database.clone(), |s| format!("{}.{s}", t.database));
            groups
                .entry((container, t.name.to_lowercase()))
                .or_default()
                .push(t);
        }
        for same in groups.values().filter(|g| g.len() > 1) {
            for t in same {
                found.add(
                    t,
                    DataObject {
                        detail: Some("table name differs only by case".into()),
                        ..object(t)
                    },
                );
            }
        }
        for t in &scope {
            let mut cols: BTreeMap<String, Vec<&str>> = BTreeMap::new();
            for c in &t.columns {
                cols.entry(c.name.to_lowercase()).or_default().push(&c.name);
            }
            for same in cols.values().filter(|g| g.len() > 1) {
                found.add(
                    t,
                    DataObject {
                        column: Some(same.join(" / ")),
                        detail: Some("column names differ only by case".into()),
                        ..object(t)
                    },
                );
            }
        }
        let sensitive = target_case_sensitive(snap);
        let verdict = match sensitive {
            Some(true) => Verdict::Pass,
            Some(false) => Verdict::Violation,
            None => Verdict::Advisory,
        };
        let ev = evidence(
            "names",
            "no names that differ only by case, or a case-sensitive target",
        );
        if found.objects.is_empty() {
            return report_found(
                found,
                ev,
                Verdict::Violation,
                format!("no names in scope differ only by case ({n} tables)"),
                |_, _| String::new(),
                None,
            );
        }
        let why = match sensitive {
            Some(true) => "the target has enable_case_sensitive_identifier on, so they stay apart",
            Some(false) => "the target folds identifiers to lower case (enable_case_sensitive_identifier is off), so they collide",
            None => "whether the target keeps them apart (enable_case_sensitive_identifier) could not be read",
        };
        report_found(
            found,
            ev,
            verdict,
            String::new(),
            |k, l| {
                format!(
                    "{} that differ only by case; {why}: {l}",
                    count(k, "name", "names")
                )
            },
            None,
        )
}

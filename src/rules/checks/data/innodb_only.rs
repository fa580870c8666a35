//! `problem = "innodb_only"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = Some(Dialect::Mysql);

pub fn judge(s: &Scope) -> Outcome {
    let facts = s.facts;
    let _scope = s.scope.clone();
    let tables = s.tables.clone();
    let n = s.tables.len();
        let mut found = Found::new();
        for t in &tables {
            let engine = t.engine.as_deref().unwrap_or("");
            if !engine.eq_ignore_ascii_case("InnoDB") {
                found.add(
                    t,
                    DataObject {
                        detail: Some(format!("engine {engine}")),
                        ..object(t)
                    },
                );
            }
        }
        let fix = (!found.tables.is_empty()).then(|| {
            exclusion_fix(
                facts,
                &found.tables,
                &format!(
                    "ALTER TABLE {} ENGINE = InnoDB;",
                    found.tables[0].qualified()
                ),
            )
        });
        report_found(
            found,
            evidence("ENGINE", "InnoDB"),
            Verdict::Violation,
            format!("all {n} tables in scope are InnoDB"),
            |k, l| {
                format!(
                    "{} in scope {} not InnoDB and not replicated: {l}",
                    count(k, "table", "tables"),
                    if k == 1 { "is" } else { "are" }
                )
            },
            fix,
        )
}

//! `problem = "cascading_foreign_keys"`

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
            for fk in &t.cascading_foreign_keys {
                found.add(
                    t,
                    DataObject {
                        detail: Some(fk.clone()),
                        ..object(t)
                    },
                );
            }
        }
        let fix = (!found.tables.is_empty()).then(|| {
            exclusion_fix(facts, &found.tables, "# recreate these foreign keys without CASCADE, SET NULL or SET DEFAULT (ON DELETE RESTRICT), and apply the cascade in the application")
        });
        report_found(
            found,
            evidence(
                "REFERENTIAL_CONSTRAINTS",
                "no CASCADE, SET NULL or SET DEFAULT action",
            ),
            Verdict::Violation,
            format!("no foreign key in scope cascades ({n} tables)"),
            |k, l| {
                format!("{} with cascading actions; cascaded changes are not in the binlog, so their tables fail: {l}", count(k, "foreign key", "foreign keys"))
            },
            fix,
        )
}

//! `problem = "primary_key"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = None;

pub fn judge(s: &Scope) -> Outcome {
    let facts = s.facts;
    let _scope = s.scope.clone();
    let tables = s.tables.clone();
    let n = s.tables.len();
        let mut found = Found::new();
        for t in &tables {
            if !t.primary_key {
                found.add(t, object(t));
            }
        }
        let fix = (!found.tables.is_empty()).then(|| {
            exclusion_fix(
                facts,
                &found.tables,
                &format!(
                    "# add a primary key to each table, for example:\nALTER TABLE {} ADD PRIMARY KEY (<column>);",
                    sql_name(facts, found.tables[0])
                ),
            )
        });
        report_found(
            found,
            evidence("PRIMARY KEY", "every table in scope has one"),
            Verdict::Violation,
            format!("all {n} tables in scope have a primary key"),
            |k, l| {
                format!(
                    "{} of {n} in scope {} no primary key and will fail to replicate: {l}",
                    count(k, "table", "tables"),
                    if k == 1 { "has" } else { "have" }
                )
            },
            fix,
        )
}

//! `problem = "postgres_column_types"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = Some(Dialect::Postgres);

pub fn judge(s: &Scope) -> Outcome {
    let facts = s.facts;
    let _scope = s.scope.clone();
    let tables = s.tables.clone();
    let _types = &s.types;
    let n = s.tables.len();
        let mut found = Found::new();
        for t in &tables {
            for c in &t.columns {
                let why = pg_type_problem(c);
                if let Some(why) = why {
                    found.add(
                        t,
                        DataObject {
                            column: Some(c.name.clone()),
                            data_type: Some(c.declared.clone()),
                            detail: Some(why),
                            ..object(t)
                        },
                    );
                }
            }
        }
        let fix = (!found.tables.is_empty()).then(|| exclusion_fix(facts, &found.tables, "# change these columns to built-in types zero-ETL maps (numeric(p,s) with p <= 38, s in 0..=37; interval YEAR TO MONTH or DAY TO SECOND; text for custom and extension types)"));
        report_found(
            found,
            evidence("format_type", "a type zero-ETL replicates"),
            Verdict::Violation,
            format!("every column type of the {n} tables in scope is replicable"),
            |k, l| {
                format!(
                    "{} of a type zero-ETL does not replicate, so their tables fail: {l}",
                    count(k, "column", "columns")
                )
            },
            fix,
        )
}

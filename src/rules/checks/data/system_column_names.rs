//! `problem = "system_column_names"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = None;

pub fn judge(s: &Scope) -> Outcome {
    let _scope = s.scope.clone();
    let tables = s.tables.clone();
    let n = s.tables.len();
        let mut found = Found::new();
        for t in &tables {
            for c in &t.columns {
                if SYSTEM_COLUMNS.contains(&c.name.to_lowercase().as_str()) {
                    found.add(
                        t,
                        DataObject {
                            column: Some(c.name.clone()),
                            ..object(t)
                        },
                    );
                }
            }
        }
        report_found(
            found,
            evidence("COLUMN_NAME", "not a Redshift system column name"),
            Verdict::Violation,
            format!("no column in scope uses a Redshift system column name ({n} tables)"),
            |k, l| {
                format!("{} named like Redshift system columns (oid, tableoid, xmin, cmin, xmax, cmax, ctid): {l}", count(k, "column", "columns"))
            },
            None,
        )
}

//! `problem = "object_counts"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = None;

pub fn judge(s: &Scope) -> Outcome {
    let _filter = &s.filter;
    let scope = s.scope.clone();
    let _tables = s.tables.clone();
    let limit = s.limit;
        let max_tables = limit.unwrap_or(100_000);
        let schemas: std::collections::BTreeSet<String> = scope
            .iter()
            .map(|t| match &t.schema {
                Some(s) => format!("{}.{s}", t.database),
                None => t.database.clone(),
            })
            .collect();
        let mut ev = evidence(
            "tables, schemas",
            &format!("< {max_tables} tables, < 4950 schemas"),
        );
        ev.actual = Some(format!("{} tables, {} schemas", scope.len(), schemas.len()));
        if (scope.len() as u64) < max_tables && schemas.len() < 4950 {
            Outcome::new(
                Verdict::Pass,
                format!(
                    "{} tables in {} schemas are in scope, within the target's ceilings",
                    scope.len(),
                    schemas.len()
                ),
                ev,
            )
        } else {
            Outcome::new(Verdict::Violation, format!("{} tables in {} schemas are in scope; a target takes fewer than {max_tables} tables and 4,950 schemas: narrow the data filter", scope.len(), schemas.len()), ev)
        }
}

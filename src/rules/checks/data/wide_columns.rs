//! `problem = "wide_columns"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = None;

pub fn judge(s: &Scope) -> Outcome {
    let facts = s.facts;
    let _scope = s.scope.clone();
    let tables = s.tables.clone();
    let _limit = s.limit;
    let n = s.tables.len();
        let mut found = Found::new();
        for t in &tables {
            for c in &t.columns {
                let wide = match facts.dialect {
                    // Oracle's LOB and LONG caps are ZD019's; its VARCHAR2 is at most 32,767 bytes.
                    Dialect::Mysql | Dialect::Oracle => {
                        c.max_bytes.is_some_and(|b| b > MAX_VALUE_BYTES)
                    }
                    Dialect::Postgres => {
                        matches!(
                            c.data_type.as_str(),
                            "text" | "bytea" | "json" | "jsonb" | "xml"
                        ) || pg_declared_length(&c.declared)
                            .is_some_and(|n| n * 4 > MAX_VALUE_BYTES)
                    }
                };
                if wide {
                    found.add(
                        t,
                        DataObject {
                            column: Some(c.name.clone()),
                            data_type: Some(c.declared.clone()),
                            ..object(t)
                        },
                    );
                }
            }
        }
        report_found(found, evidence("size", "values of at most 65,535 bytes"), Verdict::Violation, format!("no column in scope allows values over 65,535 bytes ({n} tables)"), |k, l| format!("{} allowing values over 65,535 bytes (Redshift's VARCHAR limit); a longer value fails its table unless the destination database truncates (TRUNCATECOLUMNS = TRUE): {l}", count(k, "column", "columns")), Some("# create the destination database with the option TRUNCATECOLUMNS TRUE (CREATE DATABASE ... FROM INTEGRATION ... ; ALTER DATABASE ... INTEGRATION SET TRUNCATECOLUMNS = TRUE), or keep values under 64 KB".into()))
}

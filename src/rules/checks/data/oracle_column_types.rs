//! `problem = "oracle_column_types"`: RDS for Oracle types zero-ETL does not replicate: the
//! rule's `unsupported` names (ANYDATA, BFILE, ROWID, ...), `REF` columns and user-defined
//! types (objects, VARRAYs, nested tables), which `ALL_TAB_COLUMNS` shows with an owner.

use super::*;

/// The source engine this problem concerns.
pub const DIALECT: Option<Dialect> = Some(Dialect::Oracle);

pub fn judge(s: &Scope) -> Outcome {
    let n = s.tables.len();
    let mut bad = Found::new();
    for t in &s.tables {
        for c in &t.columns {
            let listed = s
                .types
                .unsupported
                .iter()
                .any(|u| u.eq_ignore_ascii_case(&c.data_type));
            let user_defined = matches!(c.type_origin.as_deref(), Some("ref" | "user"));
            if listed || user_defined {
                let kind = match c.type_origin.as_deref() {
                    Some("ref") => format!("REF {}", c.declared),
                    Some("user") => format!("{}, a user-defined type", c.declared),
                    _ => c.declared.clone(),
                };
                bad.add(
                    t,
                    DataObject {
                        column: Some(c.name.clone()),
                        data_type: Some(kind),
                        ..object(t)
                    },
                );
            }
        }
    }
    let fix = (!bad.tables.is_empty()).then(|| {
        exclusion_fix(
            s.facts,
            &bad.tables,
            "# store these values in supported types (spatial data as WKT text, object attributes as columns)",
        )
    });
    report_found(
        bad,
        evidence("DATA_TYPE", "a type zero-ETL replicates from Oracle"),
        Verdict::Violation,
        format!("no column of the {n} tables in scope has a type zero-ETL cannot replicate"),
        |k, l| {
            format!(
                "{} of a type zero-ETL does not replicate from Oracle, so their tables fail: {l}",
                count(k, "column", "columns")
            )
        },
        fix,
    )
}

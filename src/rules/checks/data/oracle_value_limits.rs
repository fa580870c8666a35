//! `problem = "oracle_value_limits"`: RDS for Oracle columns whose values zero-ETL caps or
//! changes: BLOB and LONG RAW at 31 KB; CLOB, NCLOB, LONG and XMLTYPE at 63 KB; NUMBER with a
//! scale of 38 to 127 arrives as VARCHAR. (A VARCHAR2 over 4,000 bytes is capped at 63 KB too,
//! but Oracle allows at most 32,767 bytes, so no value reaches that cap.)

use super::*;

/// The source engine this problem concerns.
pub const DIALECT: Option<Dialect> = Some(Dialect::Oracle);

/// Types whose values are capped, with the cap.
const CAPPED: [(&str, &str); 6] = [
    ("BLOB", "31 KB"),
    ("LONG RAW", "31 KB"),
    ("CLOB", "63 KB"),
    ("NCLOB", "63 KB"),
    ("LONG", "63 KB"),
    ("XMLTYPE", "63 KB"),
];

/// Redshift's DECIMAL keeps a scale of at most 37.
const MAX_SCALE: i64 = 37;

pub fn judge(s: &Scope) -> Outcome {
    let n = s.tables.len();
    let mut found = Found::new();
    for t in &s.tables {
        for c in &t.columns {
            let cap = CAPPED
                .iter()
                .find(|(ty, _)| ty.eq_ignore_ascii_case(&c.data_type))
                .map(|(_, cap)| format!("values over {cap} do not replicate whole"));
            let scale = (c.data_type.eq_ignore_ascii_case("NUMBER")
                && c.numeric_scale.is_some_and(|x| x > MAX_SCALE))
            .then(|| "a scale over 37 arrives as VARCHAR, not a number".to_string());
            if let Some(detail) = cap.or(scale) {
                found.add(
                    t,
                    DataObject {
                        column: Some(c.name.clone()),
                        data_type: Some(c.declared.clone()),
                        detail: Some(detail),
                        ..object(t)
                    },
                );
            }
        }
    }
    report_found(
        found,
        evidence("DATA_TYPE", "values within zero-ETL's caps for Oracle"),
        Verdict::Advisory,
        format!("no column of the {n} tables in scope is capped or changed by zero-ETL's Oracle mapping"),
        |k, l| {
            format!(
                "{} whose values zero-ETL caps or changes on the way from Oracle: {l}",
                count(k, "column", "columns")
            )
        },
        Some("# keep large objects under the caps (or out of the integration with the data filter), and NUMBER scales at 37 or less".into()),
    )
}

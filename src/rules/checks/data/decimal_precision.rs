//! `problem = "decimal_precision"`

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
            for c in &t.columns {
                let p = c.numeric_precision.unwrap_or(0);
                let s = c.numeric_scale.unwrap_or(0);
                if c.data_type == "decimal" && (p > 38 || s > 37) {
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
        let fix = (!found.tables.is_empty()).then(|| {
            exclusion_fix(
                facts,
                &found.tables,
                "# narrow these columns to DECIMAL(38, s) with s <= 37, or store them as text",
            )
        });
        report_found(
            found,
            evidence("NUMERIC_PRECISION", "DECIMAL precision <= 38, scale <= 37"),
            Verdict::Violation,
            format!("no DECIMAL column in scope exceeds precision 38 or scale 37 ({n} tables)"),
            |k, l| {
                format!(
                    "{} beyond precision 38 or scale 37: {l}",
                    count(k, "DECIMAL column", "DECIMAL columns")
                )
            },
            fix,
        )
}

//! `problem = "identifier_length"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = None;

pub fn judge(s: &Scope) -> Outcome {
    let scope = s.scope.clone();
    let _tables = s.tables.clone();
    let n = s.tables.len();
        let mut found = Found::new();
        for t in &scope {
            for n in names(t) {
                if n.len() > MAX_IDENTIFIER_BYTES {
                    found.add(
                        t,
                        DataObject {
                            detail: Some(format!("name of {} bytes", n.len())),
                            ..object(t)
                        },
                    );
                }
            }
            for c in &t.columns {
                if c.name.len() > MAX_IDENTIFIER_BYTES {
                    found.add(
                        t,
                        DataObject {
                            column: Some(c.name.clone()),
                            detail: Some(format!("{} bytes", c.name.len())),
                            ..object(t)
                        },
                    );
                }
            }
        }
        report_found(
            found,
            evidence("identifier", "at most 127 bytes"),
            Verdict::Violation,
            format!("every name in scope fits Redshift's 127 bytes ({n} tables)"),
            |k, l| {
                format!(
                    "{} longer than Redshift's 127 bytes: {l}",
                    count(k, "name", "names")
                )
            },
            None,
        )
}

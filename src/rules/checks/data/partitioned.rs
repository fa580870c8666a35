//! `problem = "partitioned"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = Some(Dialect::Postgres);

pub fn judge(s: &Scope) -> Outcome {
    let scope = s.scope.clone();
    let _tables = s.tables.clone();
        let mut found = Found::new();
        for t in &scope {
            if t.kind == TableKind::Partitioned {
                found.add(
                    t,
                    DataObject {
                        detail: Some("partitioned parent".into()),
                        ..object(t)
                    },
                );
            }
        }
        report_found(
            found,
            evidence("relkind", "no partitioned parents"),
            Verdict::Violation,
            "no declaratively partitioned table in scope".into(),
            |k, l| {
                format!("{} in scope: AWS replicates the partitions as separate tables, not the parent: {l}", count(k, "partitioned table", "partitioned tables"))
            },
            Some(
                "# query the partitions on the target, or combine them there with a view"
                    .into(),
            ),
        )
}

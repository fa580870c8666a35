//! `problem = "mysql_column_types"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = Some(Dialect::Mysql);

pub fn judge(s: &Scope) -> Outcome {
    let facts = s.facts;
    let _scope = s.scope.clone();
    let tables = s.tables.clone();
    let types = &s.types;
    let n = s.tables.len();
        let (mut bad, mut unknown) = (Found::new(), Found::new());
        for t in &tables {
            for c in &t.columns {
                let dt = c.data_type.as_str();
                let o = DataObject {
                    column: Some(c.name.clone()),
                    data_type: Some(c.declared.clone()),
                    ..object(t)
                };
                if types.unsupported.iter().any(|u| u.eq_ignore_ascii_case(dt)) {
                    bad.add(t, o);
                } else if !types.supported.iter().any(|s| s.eq_ignore_ascii_case(dt)) {
                    unknown.add(t, o);
                }
            }
        }
        if bad.objects.is_empty() && !unknown.objects.is_empty() {
            let as_of = types.as_of.unwrap_or("the rule's date");
            return report_found(
                unknown,
                evidence("DATA_TYPE", "a type in AWS's mapping table"),
                Verdict::Advisory,
                String::new(),
                |k, l| {
                    format!("{} of types the mapping data (as of {as_of}) does not list, so replication is not confirmed: {l}", count(k, "column", "columns"))
                },
                None,
            );
        }
        let fix = (!bad.tables.is_empty()).then(|| {
            exclusion_fix(
                facts,
                &bad.tables,
                "# change these columns to a type in AWS's mapping table (spatial data as WKT text, for example)",
            )
        });
        report_found(
            bad,
            evidence("DATA_TYPE", "a type in AWS's mapping table"),
            Verdict::Violation,
            format!("every column type of the {n} tables in scope is in AWS's mapping table"),
            |k, l| {
                format!(
                    "{} of a type zero-ETL does not replicate, so their tables fail: {l}",
                    count(k, "column", "columns")
                )
            },
            fix,
        )
}

//! `problem = "not_replicated"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = Some(Dialect::Postgres);

pub fn judge(s: &Scope) -> Outcome {
    let scope = s.scope.clone();
    let _tables = s.tables.clone();
        let mut found = Found::new();
        for t in &scope {
            let what = match t.kind {
                TableKind::Unlogged => "unlogged table",
                TableKind::MaterializedView => "materialized view",
                _ => continue,
            };
            found.add(
                t,
                DataObject {
                    detail: Some(what.into()),
                    ..object(t)
                },
            );
        }
        report_found(found, evidence("relkind/relpersistence", "logged tables"), Verdict::Violation, "no unlogged table or materialized view in scope".into(), |k, l| format!("{} in scope not replicated (unlogged tables and materialized views are not in the WAL stream): {l}", count(k, "relation", "relations")), Some("# ALTER TABLE <t> SET LOGGED replicates an unlogged table; materialized views are never replicated: rebuild them on the target".into()))
}

//! `problem = "postgres_encoding"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = Some(Dialect::Postgres);

pub fn judge(s: &Scope) -> Outcome {
    let facts = s.facts;
    let _filter = &s.filter;
    let _scope = s.scope.clone();
        let mut found = Found::new();
        let mut ev = evidence("pg_database.encoding", "UTF8");
        let bad: Vec<String> = facts
            .databases
            .iter()
            .filter(|d| d.read && !d.encoding.eq_ignore_ascii_case("UTF8"))
            .map(|d| format!("{} ({})", d.name, d.encoding))
            .collect();
        for d in &bad {
            found.objects.push(DataObject {
                table: d.clone(),
                ..Default::default()
            });
        }
        ev.actual = Some(if bad.is_empty() {
            "UTF8".into()
        } else {
            bad.join(", ")
        });
        let read = facts.databases.iter().filter(|d| d.read).count();
        report_found(found, ev, Verdict::Violation, format!("all {read} databases in scope are UTF8"), |k, l| format!("{} in scope not UTF8, which zero-ETL requires: {l}", count(k, "database", "databases")), Some("# Not changeable in place: dump the database and restore it into one created WITH ENCODING 'UTF8', or leave it out of the data filter".into()))
}

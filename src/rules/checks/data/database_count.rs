//! `problem = "database_count"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = Some(Dialect::Postgres);

pub fn judge(s: &Scope) -> Outcome {
    let facts = s.facts;
    let _filter = &s.filter;
    let _scope = s.scope.clone();
    let limit = s.limit;
        let max = limit.unwrap_or(100);
        let read: Vec<&str> = facts
            .databases
            .iter()
            .filter(|d| d.read)
            .map(|d| d.name.as_str())
            .collect();
        let mut ev = evidence("databases", &format!("<= {max}"));
        ev.actual = Some(read.len().to_string());
        if read.len() as u64 <= max {
            Outcome::new(
                Verdict::Pass,
                format!("{} databases in scope (at most {max})", read.len()),
                ev,
            )
        } else {
            Outcome::new(
                Verdict::Violation,
                format!(
                    "{} databases are in scope; an integration replicates at most {max}",
                    read.len()
                ),
                ev,
            )
        }
}

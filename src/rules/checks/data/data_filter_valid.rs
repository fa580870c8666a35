//! `problem = "data_filter_valid"`: The data filter is one CreateIntegration accepts.

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = None;

pub fn judge(s: &Scope) -> Outcome {
    let facts = s.facts;
    let _filter = &s.filter;
    let _scope = s.scope.clone();
    let _tables = s.tables.clone();
    let n = s.tables.len();
        let mut ev = evidence("DataFilter", "a filter CreateIntegration accepts");
        ev.actual = facts.data_filter.clone().or(Some("(none)".into()));
        let what = match &facts.data_filter {
            Some(f) => format!(
                "the data filter ({}) is valid: {f}; {n} tables in scope",
                origin(facts)
            ),
            None => format!("no data filter: all {n} tables are in scope"),
        };
        Outcome::new(Verdict::Pass, what, ev)
}

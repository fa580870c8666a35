//! `problem = "lower_case_table_names"`

use super::*;

/// The source engine this problem concerns (`None`: both).
pub const DIALECT: Option<Dialect> = Some(Dialect::Mysql);

pub fn judge(s: &Scope) -> Outcome {
    let facts = s.facts;
        let mut ev = evidence("lower_case_table_names", "0 or 1");
        let v = facts.lower_case_table_names;
        ev.actual = v.map(|v| v.to_string());
        match v {
            Some(0) => Outcome::new(Verdict::Pass, "lower_case_table_names is 0: table names keep their case (the target should be case sensitive, ZR007)", ev),
            Some(1) => Outcome::new(Verdict::Pass, "lower_case_table_names is 1: table names are stored in lower case, so they cannot differ only by case", ev),
            Some(x) => Outcome::new(Verdict::Advisory, format!("lower_case_table_names is {x}: names are stored as given but compared in lower case; replicated names may not match the queries that worked on the source"), ev),
            None => Outcome::unknown("the server did not report lower_case_table_names", ev),
        }
}

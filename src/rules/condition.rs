//! The vocabulary rules data compares values with: scalars as TOML writes them, conditions,
//! and documented defaults.

use serde::{Deserialize, Serialize};

/// A documented default: the value AWS documents when the API returns none.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentedDefault {
    pub value: String,
    /// Where it is documented (URL), or why it is inferred.
    pub reference: String,
}

/// A scalar as written in TOML: string, boolean or number. Compared as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Str(s) => f.write_str(s),
        }
    }
}

/// What the value must satisfy. Text comparisons ignore ASCII case, as AWS does for these
/// parameter values (`ROW`/`row`, `FULL`/`full`, `true`/`TRUE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    Equals(Scalar),
    NotEquals(Scalar),
    OneOf(Vec<Scalar>),
    NotOneOf(Vec<Scalar>),
    StartsWith(Vec<String>),
    NotStartsWith(Vec<String>),
    AtLeast(f64),
    GreaterThan(f64),
    /// Any of these holds (`wal_sender_timeout`: at least 20000, or 0).
    AnyOf(Vec<Condition>),
}

impl Condition {
    /// Does `actual` satisfy the condition? `None` means "no value" (unset/empty).
    pub fn holds(&self, actual: Option<&str>) -> bool {
        let a = actual.unwrap_or("").trim();
        let eq = |s: &Scalar| s.to_string().eq_ignore_ascii_case(a);
        let starts = |p: &String| a.to_ascii_lowercase().starts_with(&p.to_ascii_lowercase());
        let num = || a.parse::<f64>().ok();
        match self {
            Condition::Equals(v) => eq(v),
            Condition::NotEquals(v) => !eq(v),
            Condition::OneOf(vs) => vs.iter().any(eq),
            Condition::NotOneOf(vs) => !vs.iter().any(eq),
            Condition::StartsWith(ps) => ps.iter().any(starts),
            Condition::NotStartsWith(ps) => !ps.iter().any(starts),
            Condition::AtLeast(n) => num().is_some_and(|x| x >= *n),
            Condition::GreaterThan(n) => num().is_some_and(|x| x > *n),
            Condition::AnyOf(cs) => cs.iter().any(|c| c.holds(actual)),
        }
    }

    /// The expectation for people, e.g. `ROW`, `anything but ON`, `one of: a, b`, `>= 2`;
    /// it follows "needs" in messages.
    pub fn describe(&self) -> String {
        let list = |vs: &[Scalar]| {
            vs.iter()
                .map(|v| show(&v.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let prefixes = |ps: &[String]| {
            ps.iter()
                .map(|p| format!("{p}*"))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        match self {
            Condition::Equals(v) => show(&v.to_string()),
            Condition::NotEquals(v) => format!("anything but {}", show(&v.to_string())),
            Condition::OneOf(vs) => format!("one of: {}", list(vs)),
            Condition::NotOneOf(vs) => format!("anything but: {}", list(vs)),
            Condition::StartsWith(ps) => prefixes(ps),
            Condition::NotStartsWith(ps) => format!("a name that is not {}", prefixes(ps)),
            Condition::AtLeast(n) => format!(">= {n}"),
            Condition::GreaterThan(n) => format!("> {n}"),
            Condition::AnyOf(cs) => cs
                .iter()
                .map(Condition::describe)
                .collect::<Vec<_>>()
                .join(" or "),
        }
    }
}

/// An empty value shown as `(empty)` so it is visible in tables.
pub fn show(v: &str) -> String {
    if v.is_empty() {
        "(empty)".to_string()
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_compare_case_insensitively() {
        let c = Condition::Equals(Scalar::Str("ROW".into()));
        assert!(c.holds(Some("row")));
        assert!(!c.holds(Some("MIXED")));
        assert!(!c.holds(None));
        let c = Condition::NotEquals(Scalar::Str("ON".into()));
        assert!(c.holds(None));
        assert!(c.holds(Some("OFF")));
        assert!(!c.holds(Some("on")));
        let c = Condition::StartsWith(vec!["ra3.".into(), "rg.".into()]);
        assert!(c.holds(Some("RA3.xlplus")));
        assert!(!c.holds(Some("dc2.large")));
        assert!(Condition::AtLeast(2.0).holds(Some("2")));
        assert!(!Condition::AtLeast(2.0).holds(Some("1")));
        assert!(!Condition::AtLeast(2.0).holds(Some("many")));
        assert!(Condition::Equals(Scalar::Bool(false)).holds(Some("false")));
        let c = Condition::AnyOf(vec![
            Condition::AtLeast(20000.0),
            Condition::Equals(Scalar::Int(0)),
        ]);
        assert!(c.holds(Some("60000")) && c.holds(Some("0")));
        assert!(!c.holds(Some("10000")));
        assert_eq!(c.describe(), ">= 20000 or 0");
    }
}

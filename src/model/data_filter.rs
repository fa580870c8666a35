//! The `DataFilter` of a zero-ETL integration: parsed, validated as CreateIntegration
//! validates it, and applied to table names.
//!
//! Syntax (Maxwell filter syntax, as AWS's data-filtering page and the API reference give it):
//! a comma-separated list of `include: PATTERN` / `exclude: PATTERN`. A pattern is
//! `database.table` (Aurora MySQL) or `database.schema.table` (Aurora PostgreSQL); each part
//! is a name (in double quotes when it holds a dot or comma), `*`, a name with `*`/`?`
//! wildcards, or a regular expression between slashes. PostgreSQL database names cannot be
//! regular expressions. At most 99 patterns of at most 256 characters, 25,600 characters in
//! all, from the character set `[a-zA-Z0-9_ "\\\-$,*.:?+\/]` (so no `^ [ ] ( ) | { }`).
//!
//! Scope: patterns are applied in order and the last one that matches a table decides. With
//! no filter every table is in scope; once there is a filter, a table no pattern matches is
//! out (the filter starts from `exclude: *.*`).

use regex::Regex;

use crate::model::Dialect;

pub const MAX_LENGTH: usize = 25_600;
pub const MAX_PATTERNS: usize = 99;
pub const MAX_PATTERN_LENGTH: usize = 256;

#[derive(Debug, Clone)]
pub enum Part {
    /// A name, with `*` and `?` wildcards when it has them.
    Name(String),
    Regex(Regex),
}

impl Part {
    fn matches(&self, name: &str) -> bool {
        match self {
            Part::Name(p) => super::wildcard::glob(p, name, false),
            Part::Regex(r) => r.is_match(name),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Pattern {
    pub include: bool,
    pub text: String,
    pub parts: Vec<Part>,
}

#[derive(Debug, Clone)]
pub struct DataFilter {
    pub patterns: Vec<Pattern>,
}

/// Why AWS would reject the filter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid data filter: {0}")]
pub struct FilterError(pub String);

fn allowed(c: char) -> bool {
    c.is_ascii_alphanumeric() || " _\"\\-$,*.:?+/".contains(c)
}

/// Split at `sep` outside double quotes and outside `/regex/` parts.
fn split_outside(text: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut quoted, mut regex) = (false, false);
    for c in text.chars() {
        match c {
            '"' if !regex => quoted = !quoted,
            '/' if !quoted => regex = !regex,
            _ => {}
        }
        if c == sep && !quoted && !regex {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    out.push(cur);
    out
}

fn part(raw: &str, what: &str) -> Result<Part, FilterError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(FilterError(format!(
            "the {what} part of a pattern is empty"
        )));
    }
    if let Some(inner) = raw.strip_prefix('/').and_then(|r| r.strip_suffix('/')) {
        return Regex::new(inner)
            .map(Part::Regex)
            .map_err(|e| FilterError(format!("/{inner}/ is not a regular expression: {e}")));
    }
    let name = raw
        .strip_prefix('"')
        .and_then(|r| r.strip_suffix('"'))
        .unwrap_or(raw);
    Ok(Part::Name(name.to_string()))
}

impl DataFilter {
    /// Parse and validate `text` for a source of `dialect`.
    pub fn parse(text: &str, dialect: Dialect) -> Result<DataFilter, FilterError> {
        if text.chars().count() > MAX_LENGTH {
            return Err(FilterError(format!(
                "it is longer than {MAX_LENGTH} characters"
            )));
        }
        if let Some(c) = text.chars().find(|c| !allowed(*c)) {
            return Err(FilterError(format!(
                "'{c}' is not allowed (a data filter may use letters, digits, space and _ \" \\ - $ , * . : ? + /)"
            )));
        }
        let mut patterns = Vec::new();
        for item in split_outside(text, ',') {
            let item = item.trim();
            if item.is_empty() {
                continue;
            }
            let (kind, rest) = item.split_once(':').ok_or_else(|| {
                FilterError(format!(
                    "'{item}' needs a filter type: include: or exclude:"
                ))
            })?;
            let include = match kind.trim().to_ascii_lowercase().as_str() {
                "include" => true,
                "exclude" => false,
                other => {
                    return Err(FilterError(format!(
                        "'{other}' is not a filter type; use include: or exclude:"
                    )))
                }
            };
            let rest = rest.trim();
            if rest.chars().count() > MAX_PATTERN_LENGTH {
                return Err(FilterError(format!(
                    "the pattern '{rest}' is longer than {MAX_PATTERN_LENGTH} characters"
                )));
            }
            let raw_parts = split_outside(rest, '.');
            let want = dialect.parts();
            let shape = if want == 2 {
                "database.table"
            } else {
                "database.schema.table"
            };
            if raw_parts.len() != want {
                return Err(FilterError(format!(
                    "'{rest}' must have the form {shape} for this source"
                )));
            }
            let names = ["database", "schema", "table"];
            let labels: Vec<&str> = if want == 2 {
                vec![names[0], names[2]]
            } else {
                names.to_vec()
            };
            let mut parts = Vec::new();
            for (raw, label) in raw_parts.iter().zip(labels) {
                parts.push(part(raw, label)?);
            }
            if dialect == Dialect::Postgres && matches!(parts[0], Part::Regex(_)) {
                return Err(FilterError(format!(
                    "'{rest}': the database part cannot be a regular expression for Aurora PostgreSQL"
                )));
            }
            patterns.push(Pattern {
                include,
                text: item.to_string(),
                parts,
            });
        }
        if patterns.is_empty() {
            return Err(FilterError("it has no pattern".into()));
        }
        if patterns.len() > MAX_PATTERNS {
            return Err(FilterError(format!(
                "it has {} patterns; at most {MAX_PATTERNS} are allowed",
                patterns.len()
            )));
        }
        if dialect == Dialect::Postgres && !patterns.iter().any(|p| p.include) {
            return Err(FilterError(
                "an Aurora PostgreSQL integration needs at least one include pattern (include: database.*.*)"
                    .into(),
            ));
        }
        Ok(DataFilter { patterns })
    }

    /// Is the table (`[database, table]` or `[database, schema, table]`) replicated?
    pub fn includes(&self, names: &[&str]) -> bool {
        let mut verdict = false;
        for p in &self.patterns {
            if p.parts.len() == names.len()
                && p.parts.iter().zip(names).all(|(part, n)| part.matches(n))
            {
                verdict = p.include;
            }
        }
        verdict
    }

    /// Could any table of `database` be in scope? (PostgreSQL: which databases to read.)
    pub fn may_include_database(&self, database: &str) -> bool {
        self.patterns
            .iter()
            .any(|p| p.include && p.parts.first().is_some_and(|d| d.matches(database)))
    }
}

/// Is the table in scope of an optional filter? No filter: everything is.
pub fn in_scope(filter: Option<&DataFilter>, names: &[&str]) -> bool {
    filter.is_none_or(|f| f.includes(names))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn my(text: &str) -> DataFilter {
        DataFilter::parse(text, Dialect::Mysql).unwrap()
    }

    fn pg(text: &str) -> DataFilter {
        DataFilter::parse(text, Dialect::Postgres).unwrap()
    }

    #[test]
    fn examples_of_the_data_filtering_page() {
        // Every table of one database.
        let f = my("include: foodb.*");
        assert!(f.includes(&["foodb", "orders"]));
        assert!(!f.includes(&["bardb", "orders"]));
        // A database but one table: the later pattern wins for that table.
        let f = my("include: foodb.*, exclude: foodb.tbl");
        assert!(f.includes(&["foodb", "orders"]));
        assert!(!f.includes(&["foodb", "tbl"]));
        // Everything but one database.
        let f = my("include: *.*, exclude: bardb.*");
        assert!(f.includes(&["foodb", "x"]));
        assert!(!f.includes(&["bardb", "x"]));
        // A regular expression on the table part (MySQL allows it on both parts).
        let f = my(r"include: foodb./tbl\d+/");
        assert!(f.includes(&["foodb", "tbl12"]));
        assert!(!f.includes(&["foodb", "other"]));
        let f = my("include: /foo.*/.orders");
        assert!(f.includes(&["foodb", "orders"]));
        // Aurora PostgreSQL: database.schema.table, at least one include.
        let f = pg("include: mydb.*.*, exclude: mydb.tmp.*");
        assert!(f.includes(&["mydb", "public", "t"]));
        assert!(!f.includes(&["mydb", "tmp", "t"]));
        assert!(f.may_include_database("mydb"));
        assert!(!f.may_include_database("otherdb"));
        let f = pg(r"include: mydb.public./item\w*/");
        assert!(f.includes(&["mydb", "public", "items2"]));
        assert!(!f.includes(&["mydb", "sales", "items2"]));
    }

    #[test]
    fn scope_is_everything_without_a_filter_and_nothing_unmatched_with_one() {
        assert!(in_scope(None, &["any", "table"]));
        let f = my("include: shop.*, exclude: shop.tmp_*");
        assert!(in_scope(Some(&f), &["shop", "orders"]));
        assert!(!in_scope(Some(&f), &["shop", "tmp_load"]));
        assert!(!in_scope(Some(&f), &["other", "orders"]));
    }

    #[test]
    fn quoted_names_keep_their_dots() {
        let f = my(r#"include: "my.db".orders"#);
        assert!(f.includes(&["my.db", "orders"]));
    }

    #[test]
    fn rejected_as_aws_rejects_them() {
        let err = |t: &str, d| DataFilter::parse(t, d).unwrap_err().0;
        assert!(err("include: foodb.(a|b)", Dialect::Mysql).contains("'('"));
        assert!(err("include: foodb.[ab]", Dialect::Mysql).contains("'['"));
        assert!(err("foodb.*", Dialect::Mysql).contains("filter type"));
        assert!(err("keep: foodb.*", Dialect::Mysql).contains("not a filter type"));
        assert!(err("include: foodb", Dialect::Mysql).contains("database.table"));
        assert!(err("include: foodb.*", Dialect::Postgres).contains("database.schema.table"));
        assert!(err("exclude: db.*.*", Dialect::Postgres).contains("at least one include"));
        assert!(err(r"include: /db\d/.*.*", Dialect::Postgres).contains("cannot be a regular"));
        let many = (0..100)
            .map(|i| format!("include: db.t{i}"))
            .collect::<Vec<_>>()
            .join(",");
        assert!(err(&many, Dialect::Mysql).contains("at most 99"));
        let long = format!("include: db.{}", "t".repeat(300));
        assert!(err(&long, Dialect::Mysql).contains("256"));
        assert!(err("", Dialect::Mysql).contains("no pattern"));
    }
}

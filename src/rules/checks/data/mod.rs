//! `kind = "data"`: data-level checks on the source's catalog (`check --data`), within the data filter's
//! scope: keys, engines, types, names and counts that decide whether each table replicates.

use crate::model::reads::{Optional, Wanted};
use std::collections::BTreeMap;

use crate::model::data_filter::{in_scope, DataFilter};
use crate::model::{
    DataObject, Dialect, Evidence, Fact, SchemaFacts, Snapshot, TableFacts, TableKind,
    TargetSnapshot, ValueSource,
};
use crate::rules::effective;
use crate::rules::outcome::{Outcome, Verdict};
use serde::{Deserialize, Serialize};

use crate::model::words::count;

use super::{About, Kind, Needs, Reads};

/// Type data a rule carries (MySQL's mapping table).
pub struct TypeData<'a> {
    pub supported: &'a [String],
    pub unsupported: &'a [String],
    pub as_of: Option<&'a str>,
}

/// Redshift's system column names; a source column of that name cannot be created.
const SYSTEM_COLUMNS: [&str; 7] = ["oid", "tableoid", "xmin", "cmin", "xmax", "cmax", "ctid"];
/// Redshift's identifier limit.
const MAX_IDENTIFIER_BYTES: usize = 127;
/// Redshift's VARCHAR limit.
const MAX_VALUE_BYTES: i64 = 65_535;
const GEOMETRIC: [&str; 7] = ["point", "line", "lseg", "box", "path", "polygon", "circle"];
const LISTED: usize = 5;

fn names(t: &TableFacts) -> Vec<&str> {
    match &t.schema {
        Some(s) => vec![t.database.as_str(), s.as_str(), t.name.as_str()],
        None => vec![t.database.as_str(), t.name.as_str()],
    }
}

fn object(t: &TableFacts) -> DataObject {
    DataObject {
        table: t.qualified(),
        ..Default::default()
    }
}

/// `a, b, c (+4 more)`.
fn listing(objects: &[DataObject]) -> String {
    let shown: Vec<String> = objects
        .iter()
        .take(LISTED)
        .map(|o| {
            let mut s = o.table.clone();
            if let Some(c) = &o.column {
                s.push('.');
                s.push_str(c);
            }
            if let Some(t) = &o.data_type {
                s.push_str(&format!(" ({t})"));
            }
            if let Some(d) = &o.detail {
                s.push_str(&format!(": {d}"));
            }
            s
        })
        .collect();
    let more = objects.len().saturating_sub(LISTED);
    if more > 0 {
        format!("{} (+{more} more)", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// How SQL names the table in its own database: Oracle's `schema.table` (the database is the
/// connection's), MySQL's `db.table`, PostgreSQL's `db.schema.table`.
fn sql_name(facts: &SchemaFacts, t: &TableFacts) -> String {
    match (facts.dialect, &t.schema) {
        (Dialect::Oracle, Some(s)) => format!("{s}.{}", t.name),
        _ => t.qualified(),
    }
}

/// A data-filter part, quoted when it holds a dot or comma.
fn filter_name(n: &str) -> String {
    if n.contains(['.', ',', ' ']) {
        format!("\"{n}\"")
    } else {
        n.to_string()
    }
}

/// The filter that keeps everything in scope but these tables.
fn excluding(facts: &SchemaFacts, tables: &[&TableFacts]) -> String {
    let base = facts
        .data_filter
        .clone()
        .unwrap_or_else(|| match facts.dialect {
            Dialect::Mysql => "include: *.*".into(),
            Dialect::Postgres | Dialect::Oracle => {
                let mut dbs: Vec<&str> = facts
                    .databases
                    .iter()
                    .filter(|d| d.read)
                    .map(|d| d.name.as_str())
                    .collect();
                dbs.dedup();
                dbs.iter()
                    .map(|d| format!("include: {}.*.*", filter_name(d)))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        });
    let mut seen = Vec::new();
    for t in tables {
        let q = names(t)
            .iter()
            .map(|n| filter_name(n))
            .collect::<Vec<_>>()
            .join(".");
        if !seen.contains(&q) {
            seen.push(q);
        }
    }
    let excludes: Vec<String> = seen.iter().map(|q| format!("exclude: {q}")).collect();
    format!("{base}, {}", excludes.join(", "))
}

fn exclusion_fix(facts: &SchemaFacts, tables: &[&TableFacts], first: &str) -> String {
    format!(
        "{first}\n# or leave them out of the integration with this data filter (CreateIntegration / ModifyIntegration --data-filter):\n# {}",
        excluding(facts, tables)
    )
}

struct Found<'a> {
    tables: Vec<&'a TableFacts>,
    objects: Vec<DataObject>,
}

impl<'a> Found<'a> {
    fn new() -> Found<'a> {
        Found {
            tables: Vec::new(),
            objects: Vec::new(),
        }
    }

    fn add(&mut self, t: &'a TableFacts, o: DataObject) {
        if !self.tables.iter().any(|x| std::ptr::eq(*x, t)) {
            self.tables.push(t);
        }
        self.objects.push(o);
    }
}

fn evidence(field: &str, expected: &str) -> Evidence {
    Evidence {
        field: Some(field.into()),
        expected: Some(expected.into()),
        ..Default::default()
    }
}


/// Pass when nothing was found; otherwise `verdict` with the objects listed.
fn report_found(
    found: Found,
    mut ev: Evidence,
    verdict: Verdict,
    ok: String,
    bad: impl FnOnce(usize, String) -> String,
    fix: Option<String>,
) -> Outcome {
    if found.objects.is_empty() {
        return Outcome::new(Verdict::Pass, ok, ev);
    }
    let first = &found.objects[0];
    ev.table = Some(first.table.clone());
    ev.column = first.column.clone();
    ev.data_type = first.data_type.clone();
    let message = bad(found.objects.len(), listing(&found.objects));
    ev.objects = found.objects;
    let out = Outcome::new(verdict, message, ev);
    match fix {
        Some(f) => out.fix(f),
        None => out,
    }
}

/// Is the target's `enable_case_sensitive_identifier` effectively true?
fn target_case_sensitive(snap: &Snapshot) -> Option<bool> {
    let value = match &snap.target {
        TargetSnapshot::Provisioned(p) => {
            effective::resolve(
                &p.parameter_group,
                None,
                "enable_case_sensitive_identifier",
                None,
            )
            .ok()?
            .value
        }
        TargetSnapshot::Serverless(s) => Some(
            s.workgroup
                .config_parameters
                .iter()
                .find(|c| c.parameter_key == "enable_case_sensitive_identifier")
                .and_then(|c| c.parameter_value.clone())
                .unwrap_or_else(|| "false".into()),
        ),
    };
    value.map(|v| v.eq_ignore_ascii_case("true"))
}

/// Each problem is a module of its own (its dialect and its judgement), listed once here.
macro_rules! problems {
    ($($variant:ident => $module:ident),* $(,)?) => {
        $(mod $module;)*

        /// The data-level problems a `data` rule can name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum DataProblem {
            $($variant,)*
        }

        impl DataProblem {
            fn dialect(self) -> Option<Dialect> {
                match self {
                    $(DataProblem::$variant => $module::DIALECT,)*
                }
            }

            fn judge(self, s: &Scope) -> Outcome {
                match self {
                    $(DataProblem::$variant => $module::judge(s),)*
                }
            }
        }
    };
}

problems! {
    DataFilterValid => data_filter_valid,
    PrimaryKey => primary_key,
    InnodbOnly => innodb_only,
    MysqlColumnTypes => mysql_column_types,
    DecimalPrecision => decimal_precision,
    CascadingForeignKeys => cascading_foreign_keys,
    CaseCollisions => case_collisions,
    LowerCaseTableNames => lower_case_table_names,
    PostgresEncoding => postgres_encoding,
    PostgresColumnTypes => postgres_column_types,
    NotReplicated => not_replicated,
    Partitioned => partitioned,
    DatabaseCount => database_count,
    IdentifierLength => identifier_length,
    SystemColumnNames => system_column_names,
    ObjectCounts => object_counts,
    WideColumns => wide_columns,
    OracleColumnTypes => oracle_column_types,
    OracleValueLimits => oracle_value_limits,
}

/// A data-level requirement on the source's catalog (`check --data`), within the data
/// filter's scope. `supported`/`unsupported`/`as_of` carry type data where the problem needs
/// it; `limit` a ceiling.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub problem: DataProblem,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub supported: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unsupported: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

pub const ABOUT: About = About {
    name: "data",
    fields: "`problem` (one of the data problems, see `rules/data.toml`), `supported`, `unsupported`, `as_of`, `limit`",
    checks: "the source's catalog within the data filter's scope (runs only with `--data`)",
};

impl Kind for Spec {
    /// Whether the target folds identifiers decides case collisions.
    fn optional_reads(&self) -> Wanted {
        Wanted::of(&[Optional::TargetParameters])
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        check(
            snap,
            self.problem,
            TypeData {
                supported: &self.supported,
                unsupported: &self.unsupported,
                as_of: self.as_of.as_deref(),
            },
            self.limit,
        )
    }

    fn needs(&self) -> Needs {
        Needs::Schema
    }

    fn reads(&self) -> Reads {
        // The catalog is a fact of the snapshot: a failed read is in it.
        Reads::Facts
    }
}

/// What a problem judges: the catalog, the data filter and the tables in its scope.
pub struct Scope<'a> {
    pub snap: &'a Snapshot,
    pub facts: &'a SchemaFacts,
    pub filter: Option<DataFilter>,
    /// Every relation in scope.
    pub scope: Vec<&'a TableFacts>,
    /// The relations in scope that hold replicated rows (not materialized views or
    /// partitioned parents).
    pub tables: Vec<&'a TableFacts>,
    pub types: TypeData<'a>,
    pub limit: Option<u64>,
}

fn check(
    snap: &Snapshot,
    problem: DataProblem,
    types: TypeData,
    limit: Option<u64>,
) -> Outcome {
    let facts = match &snap.schema {
        None => {
            return Outcome::new(
                Verdict::NotApplicable,
                "data checks were not asked for (--data)",
                Evidence::default(),
            )
        }
        Some(Fact::Error(e)) => {
            let ev = Evidence {
                failed_call: Some(e.call.clone()),
                actual_source: Some(ValueSource::Unknown),
                ..Default::default()
            };
            return Outcome::unknown(
                format!(
                    "cannot read the source database's catalog: {}",
                    e.describe()
                ),
                ev,
            );
        }
        Some(Fact::Ok(f)) => f,
    };
    if problem
        .dialect()
        .is_some_and(|d| d != facts.dialect) {
        return Outcome::new(
            Verdict::NotApplicable,
            "does not apply to this source engine",
            Evidence::default(),
        );
    }
    let filter = match facts.data_filter.as_deref() {
        None => None,
        Some(text) => match DataFilter::parse(text, facts.dialect) {
            Ok(f) => Some(f),
            Err(e) if problem == DataProblem::DataFilterValid => {
                let mut ev = evidence("DataFilter", "a filter CreateIntegration accepts");
                ev.actual = Some(text.to_string());
                return Outcome::new(
                    Verdict::Violation,
                    format!(
                        "the data filter ({}) would be rejected: {}",
                        origin(facts),
                        e.0
                    ),
                    ev,
                );
            }
            Err(e) => {
                return Outcome::unknown(
                    format!("the scope is unknown: {e} (see ZD001)"),
                    evidence("DataFilter", "a valid data filter"),
                )
            }
        },
    };
    let scope: Vec<&TableFacts> = facts
        .tables
        .iter()
        .filter(|t| in_scope(filter.as_ref(), &names(t)))
        .collect();
    // Tables that hold replicated rows (materialized views and partitioned parents do not).
    let tables: Vec<&TableFacts> = scope
        .iter()
        .copied()
        .filter(|t| matches!(t.kind, TableKind::Table))
        .collect();
    problem.judge(&Scope {
        snap,
        facts,
        filter,
        scope,
        tables,
        types,
        limit,
    })
}

fn origin(facts: &SchemaFacts) -> String {
    facts
        .data_filter_origin
        .clone()
        .unwrap_or_else(|| "given".into())
}

/// `character varying(20000)` → 20000.
fn pg_declared_length(declared: &str) -> Option<i64> {
    let inner = declared
        .strip_prefix("character varying(")
        .or_else(|| declared.strip_prefix("character("))?;
    inner.trim_end_matches(')').parse().ok()
}

/// Why zero-ETL cannot replicate a PostgreSQL column of this type, if it cannot.
fn pg_type_problem(c: &crate::model::ColumnFacts) -> Option<String> {
    match c.type_origin.as_deref() {
        Some("extension") => return Some("a type from an extension".into()),
        Some("custom" | "enum" | "domain" | "composite") => {
            return Some(format!(
                "a user-defined {} type",
                c.type_origin.as_deref().unwrap_or("custom")
            ))
        }
        _ => {}
    }
    if GEOMETRIC.contains(&c.data_type.as_str()) {
        return Some("a geometric type".into());
    }
    if c.data_type == "numeric" {
        return match (c.numeric_precision, c.numeric_scale) {
            (None, _) => Some("numeric without a declared precision".into()),
            (Some(p), _) if p > 38 => Some("precision above 38".into()),
            (_, Some(s)) if s > 37 => Some("scale above 37".into()),
            (_, Some(s)) if s < 0 => Some("negative scale".into()),
            _ => None,
        };
    }
    if c.data_type == "interval" {
        let d = c.declared.to_ascii_lowercase();
        if !(d.contains("year to month") || d.contains("day to second")) {
            return Some("interval without a YEAR TO MONTH or DAY TO SECOND qualifier".into());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ColumnFacts, SchemaFacts};

    fn snap_with(tables: Vec<TableFacts>) -> Snapshot {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/mysql-provisioned-ok.json");
        let mut snap: Snapshot =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        snap.schema = Some(Fact::Ok(SchemaFacts {
            dialect: Dialect::Mysql,
            server_version: None,
            data_filter: None,
            data_filter_origin: None,
            lower_case_table_names: Some(0),
            databases: Vec::new(),
            tables,
        }));
        snap
    }

    fn table(db: &str, name: &str) -> TableFacts {
        TableFacts {
            database: db.into(),
            schema: None,
            name: name.into(),
            kind: TableKind::Table,
            engine: Some("InnoDB".into()),
            partition: false,
            primary_key: true,
            columns: vec![ColumnFacts {
                name: "id".into(),
                data_type: "int".into(),
                declared: "int".into(),
                numeric_precision: Some(10),
                numeric_scale: Some(0),
                max_bytes: None,
                type_origin: None,
            }],
            cascading_foreign_keys: Vec::new(),
        }
    }

    fn run(snap: &Snapshot, limit: Option<u64>) -> Verdict {
        let types = TypeData {
            supported: &[],
            unsupported: &[],
            as_of: None,
        };
        check(snap, DataProblem::ObjectCounts, types, limit).verdict
    }

    #[test]
    fn object_counts_fail_at_the_ceilings() {
        // 4,950 MySQL databases are 4,950 Redshift schemas: one too many.
        let many: Vec<TableFacts> = (0..4950).map(|i| table(&format!("db{i}"), "t")).collect();
        assert_eq!(run(&snap_with(many), Some(100_000)), Verdict::Violation);
        let fewer: Vec<TableFacts> = (0..4949).map(|i| table(&format!("db{i}"), "t")).collect();
        assert_eq!(run(&snap_with(fewer), Some(100_000)), Verdict::Pass);
        // The table ceiling is rule data: 3 tables against a limit of 3.
        let three: Vec<TableFacts> = (0..3).map(|i| table("db", &format!("t{i}"))).collect();
        assert_eq!(run(&snap_with(three), Some(3)), Verdict::Violation);
    }
}

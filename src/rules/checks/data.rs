//! Data-level checks on the source's catalog (`check --data`), within the data filter's
//! scope: keys, engines, types, names and counts that decide whether each table replicates.

use std::collections::BTreeMap;

use crate::model::data_filter::{in_scope, DataFilter};
use crate::model::{
    DataObject, Dialect, Evidence, Fact, SchemaFacts, Snapshot, TableFacts, TableKind,
    TargetSnapshot, ValueSource,
};
use crate::rules::effective;
use crate::rules::outcome::{Outcome, Verdict};
use crate::rules::spec::DataProblem;

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
            Dialect::Postgres => {
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

/// `1 table`, `3 tables`.
fn count(k: usize, one: &str, many: &str) -> String {
    if k == 1 {
        format!("1 {one}")
    } else {
        format!("{k} {many}")
    }
}

/// Pass when nothing was found; otherwise `verdict` with the objects listed.
fn judge(
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

pub fn check(
    snap: &Snapshot,
    problem: DataProblem,
    types: &TypeData,
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
    use DataProblem as P;
    let only = match problem {
        P::InnodbOnly
        | P::MysqlColumnTypes
        | P::DecimalPrecision
        | P::CascadingForeignKeys
        | P::LowerCaseTableNames => Some(Dialect::Mysql),
        P::PostgresEncoding
        | P::PostgresColumnTypes
        | P::NotReplicated
        | P::Partitioned
        | P::DatabaseCount => Some(Dialect::Postgres),
        _ => None,
    };
    if only.is_some_and(|d| d != facts.dialect) {
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
            Err(e) if problem == P::DataFilterValid => {
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
    let n = tables.len();
    match problem {
        P::DataFilterValid => {
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
        P::PrimaryKey => {
            let mut found = Found::new();
            for t in &tables {
                if !t.primary_key {
                    found.add(t, object(t));
                }
            }
            let fix = (!found.tables.is_empty()).then(|| {
                exclusion_fix(
                    facts,
                    &found.tables,
                    &format!(
                        "# add a primary key to each table, for example:\nALTER TABLE {} ADD PRIMARY KEY (<column>);",
                        found.tables[0].qualified()
                    ),
                )
            });
            judge(
                found,
                evidence("PRIMARY KEY", "every table in scope has one"),
                Verdict::Violation,
                format!("all {n} tables in scope have a primary key"),
                |k, l| {
                    format!(
                        "{} of {n} in scope {} no primary key and will fail to replicate: {l}",
                        count(k, "table", "tables"),
                        if k == 1 { "has" } else { "have" }
                    )
                },
                fix,
            )
        }
        P::InnodbOnly => {
            let mut found = Found::new();
            for t in &tables {
                let engine = t.engine.as_deref().unwrap_or("");
                if !engine.eq_ignore_ascii_case("InnoDB") {
                    found.add(
                        t,
                        DataObject {
                            detail: Some(format!("engine {engine}")),
                            ..object(t)
                        },
                    );
                }
            }
            let fix = (!found.tables.is_empty()).then(|| {
                exclusion_fix(
                    facts,
                    &found.tables,
                    &format!(
                        "ALTER TABLE {} ENGINE = InnoDB;",
                        found.tables[0].qualified()
                    ),
                )
            });
            judge(
                found,
                evidence("ENGINE", "InnoDB"),
                Verdict::Violation,
                format!("all {n} tables in scope are InnoDB"),
                |k, l| {
                    format!(
                        "{} in scope {} not InnoDB and not replicated: {l}",
                        count(k, "table", "tables"),
                        if k == 1 { "is" } else { "are" }
                    )
                },
                fix,
            )
        }
        P::MysqlColumnTypes => {
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
                return judge(
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
            judge(
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
        P::DecimalPrecision => {
            let mut found = Found::new();
            for t in &tables {
                for c in &t.columns {
                    let p = c.numeric_precision.unwrap_or(0);
                    let s = c.numeric_scale.unwrap_or(0);
                    if c.data_type == "decimal" && (p > 38 || s > 37) {
                        found.add(
                            t,
                            DataObject {
                                column: Some(c.name.clone()),
                                data_type: Some(c.declared.clone()),
                                ..object(t)
                            },
                        );
                    }
                }
            }
            let fix = (!found.tables.is_empty()).then(|| {
                exclusion_fix(
                    facts,
                    &found.tables,
                    "# narrow these columns to DECIMAL(38, s) with s <= 37, or store them as text",
                )
            });
            judge(
                found,
                evidence("NUMERIC_PRECISION", "DECIMAL precision <= 38, scale <= 37"),
                Verdict::Violation,
                format!("no DECIMAL column in scope exceeds precision 38 or scale 37 ({n} tables)"),
                |k, l| {
                    format!(
                        "{} beyond precision 38 or scale 37: {l}",
                        count(k, "DECIMAL column", "DECIMAL columns")
                    )
                },
                fix,
            )
        }
        P::CascadingForeignKeys => {
            let mut found = Found::new();
            for t in &tables {
                for fk in &t.cascading_foreign_keys {
                    found.add(
                        t,
                        DataObject {
                            detail: Some(fk.clone()),
                            ..object(t)
                        },
                    );
                }
            }
            let fix = (!found.tables.is_empty()).then(|| {
                exclusion_fix(facts, &found.tables, "# recreate these foreign keys without CASCADE, SET NULL or SET DEFAULT (ON DELETE RESTRICT), and apply the cascade in the application")
            });
            judge(
                found,
                evidence(
                    "REFERENTIAL_CONSTRAINTS",
                    "no CASCADE, SET NULL or SET DEFAULT action",
                ),
                Verdict::Violation,
                format!("no foreign key in scope cascades ({n} tables)"),
                |k, l| {
                    format!("{} with cascading actions; cascaded changes are not in the binlog, so their tables fail: {l}", count(k, "foreign key", "foreign keys"))
                },
                fix,
            )
        }
        P::CaseCollisions => {
            let mut found = Found::new();
            let mut groups: BTreeMap<(String, String), Vec<&TableFacts>> = BTreeMap::new();
            for t in &scope {
                let container = t
                    .schema
                    .clone()
                    .map_or(t.database.clone(), |s| format!("{}.{s}", t.database));
                groups
                    .entry((container, t.name.to_lowercase()))
                    .or_default()
                    .push(t);
            }
            for same in groups.values().filter(|g| g.len() > 1) {
                for t in same {
                    found.add(
                        t,
                        DataObject {
                            detail: Some("table name differs only by case".into()),
                            ..object(t)
                        },
                    );
                }
            }
            for t in &scope {
                let mut cols: BTreeMap<String, Vec<&str>> = BTreeMap::new();
                for c in &t.columns {
                    cols.entry(c.name.to_lowercase()).or_default().push(&c.name);
                }
                for same in cols.values().filter(|g| g.len() > 1) {
                    found.add(
                        t,
                        DataObject {
                            column: Some(same.join(" / ")),
                            detail: Some("column names differ only by case".into()),
                            ..object(t)
                        },
                    );
                }
            }
            let sensitive = target_case_sensitive(snap);
            let verdict = match sensitive {
                Some(true) => Verdict::Pass,
                Some(false) => Verdict::Violation,
                None => Verdict::Advisory,
            };
            let ev = evidence(
                "names",
                "no names that differ only by case, or a case-sensitive target",
            );
            if found.objects.is_empty() {
                return judge(
                    found,
                    ev,
                    Verdict::Violation,
                    format!("no names in scope differ only by case ({n} tables)"),
                    |_, _| String::new(),
                    None,
                );
            }
            let why = match sensitive {
                Some(true) => "the target has enable_case_sensitive_identifier on, so they stay apart",
                Some(false) => "the target folds identifiers to lower case (enable_case_sensitive_identifier is off), so they collide",
                None => "whether the target keeps them apart (enable_case_sensitive_identifier) could not be read",
            };
            judge(
                found,
                ev,
                verdict,
                String::new(),
                |k, l| {
                    format!(
                        "{} that differ only by case; {why}: {l}",
                        count(k, "name", "names")
                    )
                },
                None,
            )
        }
        P::LowerCaseTableNames => {
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
        P::PostgresEncoding => {
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
            judge(found, ev, Verdict::Violation, format!("all {read} databases in scope are UTF8"), |k, l| format!("{} in scope not UTF8, which zero-ETL requires: {l}", count(k, "database", "databases")), Some("# Not changeable in place: dump the database and restore it into one created WITH ENCODING 'UTF8', or leave it out of the data filter".into()))
        }
        P::PostgresColumnTypes => {
            let mut found = Found::new();
            for t in &tables {
                for c in &t.columns {
                    let why = pg_type_problem(c);
                    if let Some(why) = why {
                        found.add(
                            t,
                            DataObject {
                                column: Some(c.name.clone()),
                                data_type: Some(c.declared.clone()),
                                detail: Some(why),
                                ..object(t)
                            },
                        );
                    }
                }
            }
            let fix = (!found.tables.is_empty()).then(|| exclusion_fix(facts, &found.tables, "# change these columns to built-in types zero-ETL maps (numeric(p,s) with p <= 38, s in 0..=37; interval YEAR TO MONTH or DAY TO SECOND; text for custom and extension types)"));
            judge(
                found,
                evidence("format_type", "a type zero-ETL replicates"),
                Verdict::Violation,
                format!("every column type of the {n} tables in scope is replicable"),
                |k, l| {
                    format!(
                        "{} of a type zero-ETL does not replicate, so their tables fail: {l}",
                        count(k, "column", "columns")
                    )
                },
                fix,
            )
        }
        P::NotReplicated => {
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
            judge(found, evidence("relkind/relpersistence", "logged tables"), Verdict::Violation, "no unlogged table or materialized view in scope".into(), |k, l| format!("{} in scope not replicated (unlogged tables and materialized views are not in the WAL stream): {l}", count(k, "relation", "relations")), Some("# ALTER TABLE <t> SET LOGGED replicates an unlogged table; materialized views are never replicated: rebuild them on the target".into()))
        }
        P::Partitioned => {
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
            judge(
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
        P::DatabaseCount => {
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
        P::IdentifierLength => {
            let mut found = Found::new();
            for t in &scope {
                for n in names(t) {
                    if n.len() > MAX_IDENTIFIER_BYTES {
                        found.add(
                            t,
                            DataObject {
                                detail: Some(format!("name of {} bytes", n.len())),
                                ..object(t)
                            },
                        );
                    }
                }
                for c in &t.columns {
                    if c.name.len() > MAX_IDENTIFIER_BYTES {
                        found.add(
                            t,
                            DataObject {
                                column: Some(c.name.clone()),
                                detail: Some(format!("{} bytes", c.name.len())),
                                ..object(t)
                            },
                        );
                    }
                }
            }
            judge(
                found,
                evidence("identifier", "at most 127 bytes"),
                Verdict::Violation,
                format!("every name in scope fits Redshift's 127 bytes ({n} tables)"),
                |k, l| {
                    format!(
                        "{} longer than Redshift's 127 bytes: {l}",
                        count(k, "name", "names")
                    )
                },
                None,
            )
        }
        P::SystemColumnNames => {
            let mut found = Found::new();
            for t in &tables {
                for c in &t.columns {
                    if SYSTEM_COLUMNS.contains(&c.name.to_lowercase().as_str()) {
                        found.add(
                            t,
                            DataObject {
                                column: Some(c.name.clone()),
                                ..object(t)
                            },
                        );
                    }
                }
            }
            judge(
                found,
                evidence("COLUMN_NAME", "not a Redshift system column name"),
                Verdict::Violation,
                format!("no column in scope uses a Redshift system column name ({n} tables)"),
                |k, l| {
                    format!("{} named like Redshift system columns (oid, tableoid, xmin, cmin, xmax, cmax, ctid): {l}", count(k, "column", "columns"))
                },
                None,
            )
        }
        P::ObjectCounts => {
            let max_tables = limit.unwrap_or(100_000);
            let schemas: std::collections::BTreeSet<String> = scope
                .iter()
                .map(|t| match &t.schema {
                    Some(s) => format!("{}.{s}", t.database),
                    None => t.database.clone(),
                })
                .collect();
            let mut ev = evidence(
                "tables, schemas",
                &format!("< {max_tables} tables, < 4950 schemas"),
            );
            ev.actual = Some(format!("{} tables, {} schemas", scope.len(), schemas.len()));
            if (scope.len() as u64) < max_tables && schemas.len() < 4950 {
                Outcome::new(
                    Verdict::Pass,
                    format!(
                        "{} tables in {} schemas are in scope, within the target's ceilings",
                        scope.len(),
                        schemas.len()
                    ),
                    ev,
                )
            } else {
                Outcome::new(Verdict::Violation, format!("{} tables in {} schemas are in scope; a target takes fewer than {max_tables} tables and 4,950 schemas: narrow the data filter", scope.len(), schemas.len()), ev)
            }
        }
        P::WideColumns => {
            let mut found = Found::new();
            for t in &tables {
                for c in &t.columns {
                    let wide = match facts.dialect {
                        Dialect::Mysql => c.max_bytes.is_some_and(|b| b > MAX_VALUE_BYTES),
                        Dialect::Postgres => {
                            matches!(
                                c.data_type.as_str(),
                                "text" | "bytea" | "json" | "jsonb" | "xml"
                            ) || pg_declared_length(&c.declared)
                                .is_some_and(|n| n * 4 > MAX_VALUE_BYTES)
                        }
                    };
                    if wide {
                        found.add(
                            t,
                            DataObject {
                                column: Some(c.name.clone()),
                                data_type: Some(c.declared.clone()),
                                ..object(t)
                            },
                        );
                    }
                }
            }
            judge(found, evidence("size", "values of at most 65,535 bytes"), Verdict::Violation, format!("no column in scope allows values over 65,535 bytes ({n} tables)"), |k, l| format!("{} allowing values over 65,535 bytes (Redshift's VARCHAR limit); a longer value fails its table unless the destination database truncates (TRUNCATECOLUMNS = TRUE): {l}", count(k, "column", "columns")), Some("# create the destination database with the option TRUNCATECOLUMNS TRUE (CREATE DATABASE ... FROM INTEGRATION ... ; ALTER DATABASE ... INTEGRATION SET TRUNCATECOLUMNS = TRUE), or keep values under 64 KB".into()))
        }
    }
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
    use crate::rules::spec::DataProblem;

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
        check(snap, DataProblem::ObjectCounts, &types, limit).verdict
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

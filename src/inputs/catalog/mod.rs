//! The source's catalog from a saved query output (`data-query`, then `check --data-from`):
//! for locked-down networks where the tool cannot reach the database, and for RDS for Oracle,
//! which has no client here. The query is read-only and reads the catalog only; its output
//! (CSV as psql and SQL*Plus write it, or the tab-separated text of `mysql --batch`) becomes
//! the same [`SchemaFacts`] a live `--data` read gives, so the same data rules judge it.

use std::collections::{BTreeMap, BTreeSet};

use crate::model::data_filter::DataFilter;
use crate::model::{ColumnFacts, DatabaseFacts, Dialect, SchemaFacts, TableFacts, TableKind};

/// The query for `dialect`, with how to run it and save its output in its header comment.
pub fn query(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Mysql => include_str!("mysql.sql"),
        Dialect::Postgres => include_str!("postgres.sql"),
        Dialect::Oracle => include_str!("oracle.sql"),
    }
}

/// The query's columns, in order.
const COLUMNS: [&str; 14] = [
    "record",
    "database_name",
    "schema_name",
    "table_name",
    "object_name",
    "kind",
    "detail",
    "data_type",
    "declared_type",
    "numeric_precision",
    "numeric_scale",
    "max_bytes",
    "ordinal_position",
    "flags",
];

/// One row of the query's output, by column name.
#[derive(Debug, Clone, Default, PartialEq)]
struct Row {
    record: String,
    database: String,
    schema: String,
    table: String,
    object: String,
    kind: String,
    detail: String,
    data_type: String,
    declared: String,
    precision: String,
    scale: String,
    max_bytes: String,
    position: String,
    flags: String,
}

/// One saved output: its name (for messages) and its rows.
#[derive(Debug, Clone)]
pub struct Output {
    pub name: String,
    rows: Vec<Row>,
}

impl Output {
    /// The dialect the output is from: MySQL reports `lower_case_table_names`, PostgreSQL
    /// `current_database`, Oracle neither and an Oracle banner.
    fn dialect(&self) -> Option<Dialect> {
        let setting = |n: &str| {
            self.rows
                .iter()
                .find(|r| r.record == "setting" && r.object == n)
        };
        if setting("lower_case_table_names").is_some() {
            Some(Dialect::Mysql)
        } else if setting("current_database").is_some() {
            Some(Dialect::Postgres)
        } else if setting("version").is_some_and(|r| r.detail.starts_with("Oracle")) {
            Some(Dialect::Oracle)
        } else {
            None
        }
    }

    fn setting(&self, name: &str) -> Option<&str> {
        self.rows
            .iter()
            .find(|r| r.record == "setting" && r.object == name)
            .map(|r| r.detail.as_str())
    }
}

fn dialect_name(d: Dialect) -> &'static str {
    match d {
        Dialect::Mysql => "MySQL",
        Dialect::Postgres => "PostgreSQL",
        Dialect::Oracle => "Oracle",
    }
}

/// Parse one saved output. A header line with a tab is `mysql --batch` output; otherwise CSV
/// (double quotes around values, as psql `--csv` and SQL*Plus `MARKUP CSV` write them).
pub fn parse(name: &str, text: &str) -> Result<Output, String> {
    // SQL*Plus may start with empty lines.
    let text = text.trim_start_matches(['\n', '\r']);
    let header = text.lines().next().unwrap_or("");
    let tsv = header.contains('\t');
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(if tsv { b'\t' } else { b',' })
        .quoting(!tsv)
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let not_ours = |why: String| {
        format!("{name} is not the saved output of `zetl-preflight data-query`: {why}")
    };
    let heads: Vec<String> = reader
        .headers()
        .map_err(|e| not_ours(format!("its first line cannot be read ({e})")))?
        .iter()
        .map(|h| h.trim().to_ascii_lowercase())
        .collect();
    let mut at = [0usize; COLUMNS.len()];
    for (i, want) in COLUMNS.iter().enumerate() {
        at[i] = heads
            .iter()
            .position(|h| h == want)
            .ok_or_else(|| not_ours(format!("it has no column `{want}`")))?;
    }
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("{name}, row {}: {e}", n + 2))?;
        // SQL*Plus and mysql print nothing else; a blank line at the end is not a row.
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        let f = |i: usize| {
            let v = record.get(at[i]).unwrap_or("").trim();
            // mysql --batch prints SQL NULL as NULL; the query sends none, but be safe.
            if tsv && v == "NULL" { "" } else { v }.to_string()
        };
        let row = Row {
            record: f(0),
            database: f(1),
            schema: f(2),
            table: f(3),
            object: f(4),
            kind: f(5),
            detail: f(6),
            data_type: f(7),
            declared: f(8),
            precision: f(9),
            scale: f(10),
            max_bytes: f(11),
            position: f(12),
            flags: f(13),
        };
        if !matches!(
            row.record.as_str(),
            "setting" | "database" | "table" | "column" | "foreign_key"
        ) {
            return Err(format!(
                "{name}, row {}: '{}' is not a record of the catalog query",
                n + 2,
                row.record
            ));
        }
        rows.push(row);
    }
    Ok(Output {
        name: name.to_string(),
        rows,
    })
}

fn number(s: &str, what: &str, output: &str) -> Result<Option<i64>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    s.parse()
        .map(Some)
        .map_err(|_| format!("{output}: {what} '{s}' is not a number"))
}

/// The catalog that `outputs` describe, for a source of `dialect`. Every output must come from
/// that engine's query; for PostgreSQL, every database the filter includes must have its own
/// output (the catalog is per database), else the tables there would silently be missing.
pub fn facts(
    outputs: &[Output],
    dialect: Dialect,
    filter: Option<&DataFilter>,
) -> Result<SchemaFacts, String> {
    if outputs.is_empty() {
        return Err("no saved catalog output was given".into());
    }
    for o in outputs {
        match o.dialect() {
            Some(d) if d == dialect => {}
            Some(d) => {
                return Err(format!(
                    "{} is the output of the {} query, but the source speaks {}: run `zetl-preflight data-query --engine {}`",
                    o.name,
                    dialect_name(d),
                    dialect_name(dialect),
                    engine_flag(dialect)
                ))
            }
            None => {
                return Err(format!(
                    "{} has no settings rows: it is not the whole output of `zetl-preflight data-query`",
                    o.name
                ))
            }
        }
    }
    if dialect == Dialect::Mysql && outputs.len() > 1 {
        return Err(format!(
            "a MySQL catalog is one output, and {} were given",
            outputs.len()
        ));
    }
    let mut tables: BTreeMap<(String, String, String), TableFacts> = BTreeMap::new();
    let mut positions: BTreeMap<(String, String, String), Vec<(i64, ColumnFacts)>> =
        BTreeMap::new();
    let mut databases: BTreeMap<String, String> = BTreeMap::new();
    let mut read: BTreeSet<String> = BTreeSet::new();
    for o in outputs {
        if let Some(db) = o.setting("current_database") {
            read.insert(db.to_string());
        }
        for r in &o.rows {
            let key = (r.database.clone(), r.schema.clone(), r.table.clone());
            match r.record.as_str() {
                "database" => {
                    databases.insert(r.database.clone(), r.detail.clone());
                }
                "table" => {
                    if dialect == Dialect::Oracle {
                        read.insert(r.database.clone());
                    }
                    let flags: Vec<&str> = r.flags.split(',').map(str::trim).collect();
                    tables.insert(
                        key,
                        TableFacts {
                            database: r.database.clone(),
                            schema: (dialect != Dialect::Mysql).then(|| r.schema.clone()),
                            name: r.table.clone(),
                            kind: match r.kind.as_str() {
                                "materialized_view" => TableKind::MaterializedView,
                                "partitioned" => TableKind::Partitioned,
                                "unlogged" => TableKind::Unlogged,
                                _ => TableKind::Table,
                            },
                            engine: Some(r.detail.clone()).filter(|e| !e.is_empty()),
                            partition: flags.contains(&"partition"),
                            primary_key: flags.contains(&"primary_key"),
                            columns: Vec::new(),
                            cascading_foreign_keys: Vec::new(),
                        },
                    );
                }
                "column" => {
                    let position = number(&r.position, "ordinal_position", &o.name)?.unwrap_or(0);
                    let column = ColumnFacts {
                        name: r.object.clone(),
                        data_type: match dialect {
                            Dialect::Mysql => r.data_type.to_ascii_lowercase(),
                            _ => r.data_type.clone(),
                        },
                        declared: r.declared.clone(),
                        numeric_precision: number(&r.precision, "numeric_precision", &o.name)?,
                        numeric_scale: number(&r.scale, "numeric_scale", &o.name)?,
                        max_bytes: number(&r.max_bytes, "max_bytes", &o.name)?,
                        // PostgreSQL and Oracle say where the type comes from.
                        type_origin: (dialect != Dialect::Mysql)
                            .then(|| r.kind.clone())
                            .filter(|k| !k.is_empty()),
                    };
                    positions.entry(key).or_default().push((position, column));
                }
                _ => {}
            }
        }
    }
    // Foreign keys, once every table is known (the output's order is the server's).
    for o in outputs {
        for r in o.rows.iter().filter(|r| r.record == "foreign_key") {
            let key = (r.database.clone(), r.schema.clone(), r.table.clone());
            if let Some(t) = tables.get_mut(&key) {
                let actions: Vec<String> = [("ON UPDATE", &r.kind), ("ON DELETE", &r.detail)]
                    .into_iter()
                    .filter(|(_, rule)| {
                        matches!(rule.as_str(), "CASCADE" | "SET NULL" | "SET DEFAULT")
                    })
                    .map(|(what, rule)| format!("{what} {rule}"))
                    .collect();
                t.cascading_foreign_keys
                    .push(format!("{} ({})", r.object, actions.join(", ")));
            }
        }
    }
    for (key, mut columns) in positions {
        columns.sort_by_key(|(p, _)| *p);
        if let Some(t) = tables.get_mut(&key) {
            t.columns = columns.into_iter().map(|(_, c)| c).collect();
        }
    }
    // PostgreSQL: a database the filter includes but whose output is missing would hide its
    // tables; that is an incomplete catalog, never a clean one.
    if dialect == Dialect::Postgres {
        let missing: Vec<&String> = databases
            .keys()
            .filter(|d| filter.is_none_or(|f| f.may_include_database(d)) && !read.contains(*d))
            .collect();
        if !missing.is_empty() {
            return Err(format!(
                "the data filter includes the database{} {}, whose catalog was not given: run the query there too and pass each output with --data-from",
                if missing.len() == 1 { "" } else { "s" },
                missing
                    .iter()
                    .map(|d| d.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    let first = &outputs[0];
    Ok(SchemaFacts {
        dialect,
        server_version: first.setting("version").map(str::to_string),
        data_filter: None,
        data_filter_origin: None,
        lower_case_table_names: first
            .setting("lower_case_table_names")
            .and_then(|v| v.parse().ok()),
        databases: match dialect {
            Dialect::Mysql => Vec::new(),
            Dialect::Postgres => databases
                .into_iter()
                .map(|(name, encoding)| DatabaseFacts {
                    read: read.contains(&name),
                    name,
                    encoding,
                })
                .collect(),
            Dialect::Oracle => read
                .into_iter()
                .map(|name| DatabaseFacts {
                    name,
                    encoding: String::new(),
                    read: true,
                })
                .collect(),
        },
        tables: tables.into_values().collect(),
    })
}

/// The `--engine` value of `data-query` for a dialect.
pub fn engine_flag(d: Dialect) -> &'static str {
    match d {
        Dialect::Mysql => "mysql",
        Dialect::Postgres => "postgres",
        Dialect::Oracle => "oracle",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ORACLE: &str = "\
\"record\",\"database_name\",\"schema_name\",\"table_name\",\"object_name\",\"kind\",\"detail\",\"data_type\",\"declared_type\",\"numeric_precision\",\"numeric_scale\",\"max_bytes\",\"ordinal_position\",\"flags\"
\"setting\",,,,\"version\",,\"Oracle Database 19c Enterprise Edition Release 19.0.0.0.0 - Production\",,,,,,,
\"table\",\"ORCL\",\"HR\",\"EMP\",,\"table\",,,,,,,,\"primary_key\"
\"column\",\"ORCL\",\"HR\",\"EMP\",\"NAME\",\"base\",,\"VARCHAR2\",\"VARCHAR2(100)\",,,\"100\",\"2\",
\"column\",\"ORCL\",\"HR\",\"EMP\",\"ID\",\"base\",,\"NUMBER\",\"NUMBER(10,0)\",\"10\",\"0\",,\"1\",
";

    #[test]
    fn an_oracle_output_becomes_the_catalog() {
        let o = parse("catalog.csv", ORACLE).unwrap();
        let f = facts(&[o], Dialect::Oracle, None).unwrap();
        assert_eq!(f.tables.len(), 1);
        let t = &f.tables[0];
        assert_eq!(t.qualified(), "ORCL.HR.EMP");
        assert!(t.primary_key);
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["ID", "NAME"], "in ordinal order");
        assert_eq!(t.columns[1].max_bytes, Some(100));
        assert_eq!(f.databases[0].name, "ORCL");
    }

    #[test]
    fn a_foreign_or_broken_output_is_refused() {
        let o = parse("catalog.csv", ORACLE).unwrap();
        let e = facts(&[o], Dialect::Mysql, None).unwrap_err();
        assert!(
            e.contains("Oracle query") && e.contains("--engine mysql"),
            "{e}"
        );
        let e = parse("x.csv", "a,b\n1,2\n").unwrap_err();
        assert!(e.contains("no column `record`"), "{e}");
        let bad = ORACLE.replace("\"table\",\"ORCL\"", "\"tabel\",\"ORCL\"");
        let e = parse("x.csv", &bad).unwrap_err();
        assert!(e.contains("row 3") && e.contains("tabel"), "{e}");
        let e = parse("x.csv", &ORACLE.replace(",\"2\",", ",\"two\","))
            .and_then(|o| facts(&[o], Dialect::Oracle, None).map(|_| ()));
        assert!(e.unwrap_err().contains("'two' is not a number"));
    }
}

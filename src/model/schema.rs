//! What the source database's catalog says, for the data-level rules (`check --data`): names,
//! types, keys and counts, never row data. Read over SQL from `information_schema` (MySQL)
//! or `pg_catalog` (PostgreSQL), kept in the snapshot so `--snapshot` re-evaluates it.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dialect {
    Mysql,
    Postgres,
    /// RDS for Oracle: read from a saved query output only (`check --data-from`).
    Oracle,
}

impl Dialect {
    /// The SQL family of a source engine: Aurora MySQL and RDS for MySQL speak MySQL, Aurora
    /// PostgreSQL and RDS for PostgreSQL speak PostgreSQL, every RDS for Oracle edition
    /// speaks Oracle.
    pub fn of_engine(engine: &str) -> Option<Dialect> {
        match engine {
            "aurora-mysql" | "mysql" => Some(Dialect::Mysql),
            "aurora-postgresql" | "postgres" => Some(Dialect::Postgres),
            e if e.starts_with("oracle-") => Some(Dialect::Oracle),
            _ => None,
        }
    }

    /// How a data filter names a table: `database.table` or `database.schema.table`.
    pub fn parts(self) -> usize {
        match self {
            Dialect::Mysql => 2,
            Dialect::Postgres | Dialect::Oracle => 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaFacts {
    pub dialect: Dialect,
    /// `SELECT version()`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_version: Option<String>,
    /// The data filter that decides the scope (the integration's `DataFilter` syntax);
    /// `None`: every table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_filter: Option<String>,
    /// Where the filter came from: `--data-filter`, or the existing integration's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_filter_origin: Option<String>,
    /// MySQL: `@@lower_case_table_names`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower_case_table_names: Option<i64>,
    /// PostgreSQL: every database that allows connections, with its encoding. MySQL: empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub databases: Vec<DatabaseFacts>,
    /// Every user table (and PostgreSQL materialized view) that was read.
    pub tables: Vec<TableFacts>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DatabaseFacts {
    pub name: String,
    pub encoding: String,
    /// Whether its tables were read (it is in the filter's scope).
    #[serde(default)]
    pub read: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableKind {
    /// An ordinary (logged) table.
    Table,
    /// PostgreSQL `UNLOGGED`: not in the WAL, so not replicated.
    Unlogged,
    /// PostgreSQL materialized view: not replicated.
    MaterializedView,
    /// PostgreSQL partitioned parent (its partitions are tables of their own).
    Partitioned,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableFacts {
    /// MySQL: the database (schema). PostgreSQL: the database.
    pub database: String,
    /// PostgreSQL: the schema. MySQL: none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
    pub kind: TableKind,
    /// MySQL storage engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub engine: Option<String>,
    /// PostgreSQL: a partition of a partitioned table.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partition: bool,
    pub primary_key: bool,
    pub columns: Vec<ColumnFacts>,
    /// MySQL foreign keys whose ON UPDATE / ON DELETE is CASCADE, SET NULL or SET DEFAULT:
    /// `name (ON DELETE CASCADE)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cascading_foreign_keys: Vec<String>,
}

impl TableFacts {
    /// `db.table` (MySQL) or `db.schema.table` (PostgreSQL), as the data filter names it.
    pub fn qualified(&self) -> String {
        match &self.schema {
            Some(s) => format!("{}.{s}.{}", self.database, self.name),
            None => format!("{}.{}", self.database, self.name),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnFacts {
    pub name: String,
    /// MySQL `DATA_TYPE` (`varchar`, `geometry`, ...); PostgreSQL `pg_type.typname` of the
    /// base type.
    pub data_type: String,
    /// The full declared type: MySQL `COLUMN_TYPE`, PostgreSQL `format_type()`.
    pub declared: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numeric_precision: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub numeric_scale: Option<i64>,
    /// The most bytes a value may take, when the catalog says (MySQL
    /// `CHARACTER_OCTET_LENGTH`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_bytes: Option<i64>,
    /// PostgreSQL: where the type comes from: `base`, `enum`, `domain`, `composite`,
    /// `range`, `extension` (a type an extension installed), or `array`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_origin: Option<String>,
}

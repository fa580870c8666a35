//! Aurora PostgreSQL: `pg_catalog`. One connection to list the databases and their
//! encodings, then one per database in the filter's scope, with two queries each.

use std::collections::BTreeMap;
use std::str::FromStr;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgRow, PgSslMode};
use sqlx::{AssertSqlSafe, Connection, Row};

use crate::model::data_filter::DataFilter;
use crate::model::{
    CallError, ColumnFacts, DatabaseFacts, Dialect, SchemaFacts, TableFacts, TableKind,
};

use super::{bounded, close_read_only, open_read_only, Setting, SqlSource};

const USER_SCHEMAS: &str =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'";

fn options(src: &SqlSource) -> Result<PgConnectOptions, CallError> {
    let mut opts = PgConnectOptions::from_str(&src.url).map_err(|e| {
        CallError::new(
            "postgres:connect",
            Some("BadUrl"),
            format!("{}: {e}", src.shown()),
        )
    })?;
    if !src.url_sets_tls() && std::env::var_os("PGSSLMODE").is_none() {
        opts = opts.ssl_mode(PgSslMode::VerifyFull);
    }
    if let Some(ca) = &src.ca_file {
        opts = opts.ssl_root_cert(ca);
    }
    if let Some(u) = &src.login.username {
        opts = opts.username(u);
    }
    if let Some(p) = &src.login.password {
        opts = opts.password(&p.0);
    }
    Ok(opts.application_name("zetl-preflight"))
}

async fn connect(src: &SqlSource, opts: &PgConnectOptions) -> Result<PgConnection, CallError> {
    let secs = src.timeout.as_secs().max(1);
    let settings = vec![Setting {
        sql: format!("SET statement_timeout = '{secs}s'"),
        required: true,
    }];
    open_read_only("postgres", src, PgConnection::connect_with(opts), settings).await
}

fn text(row: &PgRow, i: usize) -> String {
    row.try_get::<Option<String>, _>(i)
        .ok()
        .flatten()
        .unwrap_or_default()
}

async fn rows(
    conn: &mut PgConnection,
    src: &SqlSource,
    view: &str,
    sql: &str,
) -> Result<Vec<PgRow>, CallError> {
    let call = format!("postgres:pg_catalog.{view}");
    // Built from this file's constants only: no user input reaches the text.
    let sql = AssertSqlSafe(sql.to_string());
    bounded(&call, src, sqlx::query(sql).fetch_all(&mut *conn)).await
}

/// `numeric(p,s)` from the type modifier; `None` for an unconstrained `numeric`.
fn numeric_typmod(typmod: i32) -> (Option<i64>, Option<i64>) {
    if typmod < 4 {
        return (None, None);
    }
    let t = typmod - 4;
    let precision = (t >> 16) & 0xffff;
    // PostgreSQL 15 stores the scale as an 11-bit signed number (negative scales exist).
    let scale = ((t & 0x7ff) ^ 1024) - 1024;
    (Some(i64::from(precision)), Some(i64::from(scale)))
}

fn origin(typtype: &str, category: &str, from_extension: bool, type_schema: &str) -> String {
    if from_extension {
        return "extension".into();
    }
    match typtype {
        "e" => "enum",
        "d" => "domain",
        "c" => "composite",
        "r" | "m" => "range",
        _ if category == "A" => "array",
        _ if type_schema != "pg_catalog" => "custom",
        _ => "base",
    }
    .into()
}

async fn read_database(
    src: &SqlSource,
    base: &PgConnectOptions,
    database: &str,
) -> Result<Vec<TableFacts>, CallError> {
    let opts = base.clone().database(database);
    let mut conn = connect(src, &opts).await?;
    let tables = rows(
        &mut conn,
        src,
        "pg_class",
        &format!(
            "SELECT n.nspname::text, c.relname::text, c.relkind::text, c.relpersistence::text, \
             c.relispartition, \
             EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) \
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE c.relkind IN ('r', 'p', 'm') AND {USER_SCHEMAS} \
             ORDER BY 1, 2"
        ),
    )
    .await?;
    let columns = rows(
        &mut conn,
        src,
        "pg_attribute",
        &format!(
            "SELECT n.nspname::text, c.relname::text, a.attname::text, \
             format_type(a.atttypid, a.atttypmod), t.typname::text, t.typtype::text, \
             t.typcategory::text, tn.nspname::text, a.atttypmod, \
             EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass \
                     AND d.objid = t.oid AND d.deptype = 'e') \
             FROM pg_attribute a \
             JOIN pg_class c ON c.oid = a.attrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             JOIN pg_type t ON t.oid = a.atttypid \
             JOIN pg_namespace tn ON tn.oid = t.typnamespace \
             WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'm') \
             AND {USER_SCHEMAS} \
             ORDER BY 1, 2, a.attnum"
        ),
    )
    .await?;
    close_read_only("postgres", src, conn).await;

    let mut by_name: BTreeMap<(String, String), TableFacts> = BTreeMap::new();
    for r in &tables {
        let (schema, name) = (text(r, 0), text(r, 1));
        let kind = match (text(r, 2).as_str(), text(r, 3).as_str()) {
            ("m", _) => TableKind::MaterializedView,
            ("p", _) => TableKind::Partitioned,
            (_, "u") => TableKind::Unlogged,
            _ => TableKind::Table,
        };
        by_name.insert(
            (schema.clone(), name.clone()),
            TableFacts {
                database: database.to_string(),
                schema: Some(schema),
                name,
                kind,
                engine: None,
                partition: r.try_get::<bool, _>(4).unwrap_or(false),
                primary_key: r.try_get::<bool, _>(5).unwrap_or(false),
                columns: Vec::new(),
                cascading_foreign_keys: Vec::new(),
            },
        );
    }
    for r in &columns {
        let Some(t) = by_name.get_mut(&(text(r, 0), text(r, 1))) else {
            continue;
        };
        let data_type = text(r, 4);
        let typmod = r.try_get::<i32, _>(8).unwrap_or(-1);
        let (precision, scale) = if data_type == "numeric" {
            numeric_typmod(typmod)
        } else {
            (None, None)
        };
        t.columns.push(ColumnFacts {
            name: text(r, 2),
            declared: text(r, 3),
            type_origin: Some(origin(
                &text(r, 5),
                &text(r, 6),
                r.try_get::<bool, _>(9).unwrap_or(false),
                &text(r, 7),
            )),
            data_type,
            numeric_precision: precision,
            numeric_scale: scale,
            max_bytes: None,
        });
    }
    Ok(by_name.into_values().collect())
}

pub async fn read(src: &SqlSource) -> Result<SchemaFacts, CallError> {
    let base = options(src)?;
    let mut conn = connect(src, &base).await?;
    let dbs = rows(
        &mut conn,
        src,
        "pg_database",
        "SELECT datname::text, pg_encoding_to_char(encoding)::text, version() \
         FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY 1",
    )
    .await?;
    close_read_only("postgres", src, conn).await;
    let version = dbs.first().map(|r| text(r, 2));
    let filter = src
        .filter
        .as_ref()
        .and_then(|(f, _)| DataFilter::parse(f, Dialect::Postgres).ok());
    let mut databases = Vec::new();
    let mut tables = Vec::new();
    for r in &dbs {
        let name = text(r, 0);
        let read = filter
            .as_ref()
            .is_none_or(|f| f.may_include_database(&name));
        if read {
            tables.extend(read_database(src, &base, &name).await?);
        }
        databases.push(DatabaseFacts {
            name,
            encoding: text(r, 1),
            read,
        });
    }
    Ok(SchemaFacts {
        dialect: Dialect::Postgres,
        server_version: version,
        data_filter: None,
        data_filter_origin: None,
        lower_case_table_names: None,
        databases,
        tables,
    })
}

#[cfg(test)]
mod tests {
    use super::numeric_typmod;

    #[test]
    fn numeric_modifiers() {
        // numeric(10,2): typmod = (10 << 16 | 2) + 4.
        assert_eq!(numeric_typmod((10 << 16 | 2) + 4), (Some(10), Some(2)));
        assert_eq!(numeric_typmod(-1), (None, None));
        // numeric(5,-2) (PostgreSQL 15+): the scale's 11 bits are two's complement.
        assert_eq!(
            numeric_typmod((5 << 16 | (0x7ff & -2i32)) + 4),
            (Some(5), Some(-2))
        );
    }
}

//! Aurora MySQL (and any MySQL-compatible server): `information_schema`, five queries.

use std::collections::BTreeMap;
use std::str::FromStr;

use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlRow, MySqlSslMode};
use sqlx::{AssertSqlSafe, Connection, Row};

use crate::model::{CallError, ColumnFacts, Dialect, SchemaFacts, TableFacts, TableKind};

use super::{bounded, close_read_only, open_read_only, Setting, SqlSource};

const SYSTEM: &str = "('mysql', 'information_schema', 'performance_schema', 'sys')";

async fn connect(src: &SqlSource) -> Result<MySqlConnection, CallError> {
    let mut opts = MySqlConnectOptions::from_str(&src.url).map_err(|e| {
        CallError::new(
            "mysql:connect",
            Some("BadUrl"),
            format!("{}: {e}", src.shown()),
        )
    })?;
    if !src.url_sets_tls() {
        opts = opts.ssl_mode(MySqlSslMode::VerifyIdentity);
    }
    if let Some(ca) = &src.ca_file {
        opts = opts.ssl_ca(ca);
    }
    let login = &src.login;
    if let Some(u) = &login.username {
        opts = opts.username(u);
    }
    match &login.password {
        Some(p) => opts = opts.password(&p.0),
        None if !super::credentials::url_has_password(&src.url) => {
            if let Ok(pw) = std::env::var("MYSQL_PWD") {
                opts = opts.password(&pw);
            }
        }
        None => {}
    }
    if login.iam {
        // An IAM token travels as a cleartext password, which is why TLS stays verified.
        opts = opts.enable_cleartext_plugin(true);
    }
    // No statement may run away: MySQL and MariaDB name the limit differently, and each
    // server knows only one of the two, so the other's error is expected.
    let settings = vec![
        Setting {
            sql: format!(
                "SET SESSION max_execution_time = {}",
                src.timeout.as_millis()
            ),
            required: false,
        },
        Setting {
            sql: format!(
                "SET SESSION max_statement_time = {}",
                src.timeout.as_secs().max(1)
            ),
            required: false,
        },
    ];
    open_read_only("mysql", src, MySqlConnection::connect_with(&opts), settings).await
}

fn text(row: &MySqlRow, i: usize) -> String {
    row.try_get::<Option<String>, _>(i)
        .ok()
        .flatten()
        .unwrap_or_default()
}

fn number(row: &MySqlRow, i: usize) -> Option<i64> {
    row.try_get::<Option<i64>, _>(i).ok().flatten()
}

async fn rows(
    conn: &mut MySqlConnection,
    src: &SqlSource,
    view: &str,
    sql: &str,
) -> Result<Vec<MySqlRow>, CallError> {
    let call = format!("mysql:information_schema.{view}");
    // Built from this file's constants only: no user input reaches the text.
    let sql = AssertSqlSafe(sql.to_string());
    bounded(&call, src, sqlx::query(sql).fetch_all(&mut *conn)).await
}

pub async fn read(src: &SqlSource) -> Result<SchemaFacts, CallError> {
    let mut conn = connect(src).await?;
    let c = &mut conn;
    let settings = rows(
        c,
        src,
        "GLOBAL_VARIABLES",
        "SELECT CAST(@@lower_case_table_names AS SIGNED), CAST(VERSION() AS CHAR)",
    )
    .await?;
    let (lower_case, version) = settings
        .first()
        .map(|r| (number(r, 0), Some(text(r, 1))))
        .unwrap_or((None, None));
    let tables = rows(
        c,
        src,
        "TABLES",
        &format!(
            "SELECT CAST(TABLE_SCHEMA AS CHAR), CAST(TABLE_NAME AS CHAR), CAST(ENGINE AS CHAR) \
             FROM information_schema.TABLES \
             WHERE TABLE_TYPE = 'BASE TABLE' AND TABLE_SCHEMA NOT IN {SYSTEM} \
             ORDER BY TABLE_SCHEMA, TABLE_NAME"
        ),
    )
    .await?;
    let keys = rows(
        c,
        src,
        "TABLE_CONSTRAINTS",
        &format!(
            "SELECT CAST(TABLE_SCHEMA AS CHAR), CAST(TABLE_NAME AS CHAR) \
             FROM information_schema.TABLE_CONSTRAINTS \
             WHERE CONSTRAINT_TYPE = 'PRIMARY KEY' AND TABLE_SCHEMA NOT IN {SYSTEM}"
        ),
    )
    .await?;
    let columns = rows(
        c,
        src,
        "COLUMNS",
        &format!(
            "SELECT CAST(TABLE_SCHEMA AS CHAR), CAST(TABLE_NAME AS CHAR), CAST(COLUMN_NAME AS CHAR), \
             CAST(DATA_TYPE AS CHAR), CAST(COLUMN_TYPE AS CHAR), CAST(NUMERIC_PRECISION AS SIGNED), \
             CAST(NUMERIC_SCALE AS SIGNED), CAST(CHARACTER_OCTET_LENGTH AS SIGNED) \
             FROM information_schema.COLUMNS WHERE TABLE_SCHEMA NOT IN {SYSTEM} \
             ORDER BY TABLE_SCHEMA, TABLE_NAME, ORDINAL_POSITION"
        ),
    )
    .await?;
    let foreign = rows(
        c,
        src,
        "REFERENTIAL_CONSTRAINTS",
        &format!(
            "SELECT CAST(CONSTRAINT_SCHEMA AS CHAR), CAST(TABLE_NAME AS CHAR), CAST(CONSTRAINT_NAME AS CHAR), \
             CAST(UPDATE_RULE AS CHAR), CAST(DELETE_RULE AS CHAR) \
             FROM information_schema.REFERENTIAL_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA NOT IN {SYSTEM} \
             AND (UPDATE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT') \
                  OR DELETE_RULE IN ('CASCADE', 'SET NULL', 'SET DEFAULT'))"
        ),
    )
    .await?;
    close_read_only("mysql", src, conn).await;

    let mut by_name: BTreeMap<(String, String), TableFacts> = BTreeMap::new();
    for r in &tables {
        let (db, name) = (text(r, 0), text(r, 1));
        by_name.insert(
            (db.clone(), name.clone()),
            TableFacts {
                database: db,
                schema: None,
                name,
                kind: TableKind::Table,
                engine: Some(text(r, 2)).filter(|e| !e.is_empty()),
                partition: false,
                primary_key: false,
                columns: Vec::new(),
                cascading_foreign_keys: Vec::new(),
            },
        );
    }
    for r in &keys {
        if let Some(t) = by_name.get_mut(&(text(r, 0), text(r, 1))) {
            t.primary_key = true;
        }
    }
    for r in &columns {
        if let Some(t) = by_name.get_mut(&(text(r, 0), text(r, 1))) {
            t.columns.push(ColumnFacts {
                name: text(r, 2),
                data_type: text(r, 3).to_ascii_lowercase(),
                declared: text(r, 4),
                numeric_precision: number(r, 5),
                numeric_scale: number(r, 6),
                max_bytes: number(r, 7),
                type_origin: None,
            });
        }
    }
    for r in &foreign {
        if let Some(t) = by_name.get_mut(&(text(r, 0), text(r, 1))) {
            let mut actions = Vec::new();
            for (what, rule) in [("ON UPDATE", text(r, 3)), ("ON DELETE", text(r, 4))] {
                if matches!(rule.as_str(), "CASCADE" | "SET NULL" | "SET DEFAULT") {
                    actions.push(format!("{what} {rule}"));
                }
            }
            t.cascading_foreign_keys
                .push(format!("{} ({})", text(r, 2), actions.join(", ")));
        }
    }
    Ok(SchemaFacts {
        dialect: Dialect::Mysql,
        server_version: version,
        data_filter: None,
        data_filter_origin: None,
        lower_case_table_names: lower_case,
        databases: Vec::new(),
        tables: by_name.into_values().collect(),
    })
}

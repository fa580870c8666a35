//! The source database's catalog over SQL (`check --data`): read-only, catalog views only,
//! a bounded number of queries (one per kind of fact, never one per table), each under a
//! timeout. What cannot be read (unreachable, authentication, TLS, permissions) comes back
//! as a [`CallError`] naming the step, and the data rules report it as `error`.

pub mod credentials;
mod mysql;
mod postgres;

use std::path::PathBuf;
use std::time::Duration;

use crate::model::{CallError, Dialect, Fact, SchemaFacts, Snapshot};

/// Where and how to read the catalog.
#[derive(Debug, Clone)]
pub struct SqlSource {
    /// `mysql://user:password@host:port/` or `postgres://user:password@host:port/db`. A URL
    /// parameter (`ssl-mode=disabled`, `sslmode=disable`) can turn TLS off for a local server.
    pub url: String,
    /// PEM bundle added to the system roots (the RDS CA bundle).
    pub ca_file: Option<PathBuf>,
    /// For connecting, and for each statement.
    pub timeout: Duration,
    /// The data filter that decides the scope, and where it came from.
    pub filter: Option<(String, String)>,
    /// User and password beyond the URL (secrets, IAM tokens).
    pub login: credentials::Login,
}

impl SqlSource {
    pub fn dialect(&self) -> Result<Dialect, String> {
        dialect_of(&self.url)
    }

    /// The URL without user and password, for messages.
    pub fn shown(&self) -> String {
        redact(&self.url)
    }

    /// Did the URL choose a TLS mode itself?
    fn url_sets_tls(&self) -> bool {
        let q = self.url.split_once('?').map(|(_, q)| q).unwrap_or("");
        q.split('&').any(|kv| {
            let k = kv.split('=').next().unwrap_or("").to_ascii_lowercase();
            k == "sslmode" || k == "ssl-mode"
        })
    }
}

pub fn dialect_of(url: &str) -> Result<Dialect, String> {
    let scheme = url.split("://").next().unwrap_or("").to_ascii_lowercase();
    match scheme.as_str() {
        "mysql" | "mariadb" => Ok(Dialect::Mysql),
        "postgres" | "postgresql" => Ok(Dialect::Postgres),
        _ => Err(format!(
            "'{}' is not a database URL: use mysql://USER@HOST:PORT/ or postgres://USER@HOST:PORT/DB",
            redact(url)
        )),
    }
}

/// `scheme://host:port/path?query` with any user and password removed.
pub fn redact(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (auth_host, tail) = match rest.find('/') {
                Some(i) => rest.split_at(i),
                None => (rest, ""),
            };
            let host = auth_host.rsplit_once('@').map_or(auth_host, |(_, h)| h);
            format!("{scheme}://{host}{tail}")
        }
        None => "(not a URL)".into(),
    }
}

/// What `check --data` was told.
#[derive(Debug, Clone)]
pub struct DataOptions {
    pub database_url: Option<String>,
    pub data_filter: Option<String>,
    pub ca_file: Option<PathBuf>,
    /// Connecting, and each statement (`--sql-timeout`).
    pub timeout: Duration,
    /// `--db-secret ARN`.
    pub db_secret: Option<String>,
    /// `--iam-auth`, with `--db-user`.
    pub iam_auth: bool,
    pub db_user: Option<String>,
}

/// The default when no `--database-url` is given: the writer endpoint, the master user, and
/// the client's usual password variable.
fn default_url(snap: &Snapshot) -> Result<String, CallError> {
    let Some(c) = snap.source.rds() else {
        return Err(CallError::new(
            "sql:connect",
            Some("NotADatabase"),
            format!(
                "{} is a DynamoDB table: it has no SQL catalog",
                snap.source.id()
            ),
        ));
    };
    let (Some(host), Some(port)) = c.endpoint() else {
        return Err(CallError::new(
            "sql:connect",
            Some("NoEndpoint"),
            "DescribeDBClusters reported no writer endpoint; pass --database-url",
        ));
    };
    let user = c.master_username().unwrap_or("admin");
    Ok(match Dialect::of_engine(c.engine()) {
        Some(Dialect::Postgres) => format!("postgres://{user}@{host}:{port}/postgres"),
        Some(Dialect::Mysql) => format!("mysql://{user}@{host}:{port}/"),
        Some(Dialect::Oracle) | None => {
            return Err(CallError::new(
                "sql:connect",
                Some("NoClient"),
                format!(
                    "--data reads MySQL and PostgreSQL catalogs; for {} print the catalog query \
                     with `zetl-preflight data-query`, run it with your client, and pass its \
                     output with `check --data-from FILE`",
                    c.engine()
                ),
            ))
        }
    })
}

/// The filter that decides the scope: `--data-filter`, else the existing integration's
/// between this pair, else none.
pub fn scope_filter(snap: &Snapshot, given: Option<&str>) -> Option<(String, String)> {
    if let Some(f) = given {
        return Some((f.to_string(), "--data-filter".into()));
    }
    let target = snap.target.namespace_arn()?;
    let list = snap.integrations.ok()?;
    list.iter()
        .find(|i| i.source_arn == snap.source.arn() && i.target_arn == target)
        .and_then(|i| {
            let f = i.data_filter.clone()?;
            let name = i
                .integration_name
                .clone()
                .unwrap_or_else(|| "the existing integration".into());
            Some((f, format!("integration {name}")))
        })
}

/// Read the source's catalog into the snapshot; a failure is kept as the fact's error.
/// `sdk` serves secrets and IAM tokens.
pub async fn attach(snap: &mut Snapshot, opts: &DataOptions, sdk: Option<&aws_config::SdkConfig>) {
    let filter = scope_filter(snap, opts.data_filter.as_deref());
    let url = match &opts.database_url {
        Some(u) => Ok(u.clone()),
        None => default_url(snap),
    };
    let fact = match url {
        Err(e) => Err(e),
        Ok(url) => {
            match credentials::login(
                snap,
                &url,
                opts.db_secret.as_deref(),
                opts.iam_auth,
                opts.db_user.as_deref(),
                sdk,
            )
            .await
            {
                Err(e) => Err(e),
                Ok(login) => {
                    let src = SqlSource {
                        url,
                        ca_file: opts.ca_file.clone(),
                        timeout: opts.timeout,
                        filter: filter.clone(),
                        login,
                    };
                    read(&src).await
                }
            }
        }
    };
    snap.schema = Some(match fact {
        Ok(f) => Fact::Ok(f),
        Err(e) => Fact::Error(e),
    });
}

/// Read the catalog.
pub async fn read(src: &SqlSource) -> Result<SchemaFacts, CallError> {
    let dialect = src
        .dialect()
        .map_err(|e| CallError::new("sql:connect", Some("BadUrl"), e))?;
    let mut facts = match dialect {
        Dialect::Mysql => mysql::read(src).await?,
        Dialect::Postgres => postgres::read(src).await?,
        // A URL never names Oracle: there is no Oracle client here.
        Dialect::Oracle => {
            return Err(CallError::new(
                "sql:connect",
                Some("NoClient"),
                "there is no Oracle client here: use `zetl-preflight data-query --engine oracle` and `check --data-from FILE`",
            ))
        }
    };
    if let Some((filter, origin)) = &src.filter {
        facts.data_filter = Some(filter.clone());
        facts.data_filter_origin = Some(origin.clone());
    }
    Ok(facts)
}

/// A sqlx error as a fact-level error: what failed, in words a person can act on.
pub(crate) fn sql_error(call: &str, shown: &str, e: sqlx::Error) -> CallError {
    let (code, what) = match &e {
        sqlx::Error::Io(io) => (
            "Unreachable",
            format!("cannot reach {shown}: {io}; check the endpoint, the port, security groups or the tunnel"),
        ),
        sqlx::Error::Tls(t) => (
            "TlsFailed",
            format!("TLS with {shown} failed: {t}; pass the RDS CA bundle with --db-ca, or turn TLS off in the URL for a local test server"),
        ),
        sqlx::Error::Database(db) => {
            let c = db.code().map(|c| c.to_string()).unwrap_or_default();
            let code = match c.as_str() {
                // MySQL access denied for user; PostgreSQL invalid password / authorization.
                "1045" | "28P01" | "28000" => "AuthenticationFailed",
                // MySQL table/db access denied; PostgreSQL insufficient privilege.
                "1142" | "1044" | "1227" | "42501" => "PermissionDenied",
                "3D000" | "1049" => "DatabaseNotFound",
                _ => "DatabaseError",
            };
            (code, format!("{shown}: {} (code {c})", db.message()))
        }
        other => ("ConnectionFailed", format!("{shown}: {other}")),
    };
    CallError::new(call, Some(code), what)
}

pub(crate) fn timed_out(call: &str, shown: &str, timeout: Duration) -> CallError {
    CallError::new(
        call,
        Some("Timeout"),
        format!(
            "{shown} did not answer within {} s (raise it with --sql-timeout SECONDS)",
            timeout.as_secs()
        ),
    )
}

/// Run `fut` under the timeout, mapping both failures to a [`CallError`].
/// A statement the session runs before reading, and whether its failure stops the read (a
/// setting only one server of the family knows is allowed to fail).
pub(crate) struct Setting {
    pub sql: String,
    pub required: bool,
}

/// One read-only session for `dialect`'s catalog: connect within the timeout, apply the
/// session's settings, and start a read-only transaction (`START TRANSACTION READ ONLY`,
/// which MySQL, MariaDB and PostgreSQL all accept). Every step is named `<engine>:connect`.
pub(crate) async fn open_read_only<C>(
    engine: &str,
    src: &SqlSource,
    connecting: impl std::future::Future<Output = Result<C, sqlx::Error>>,
    settings: Vec<Setting>,
) -> Result<C, CallError>
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
{
    let call = format!("{engine}:connect");
    let mut conn = bounded(&call, src, connecting).await?;
    let begin = Setting {
        sql: "START TRANSACTION READ ONLY".into(),
        required: true,
    };
    for setting in settings.into_iter().chain([begin]) {
        let query = sqlx::query::<C::Database>(sqlx::AssertSqlSafe(setting.sql));
        let done = bounded(&call, src, query.execute(&mut conn)).await;
        if setting.required {
            done?;
        }
    }
    Ok(conn)
}

/// End a read-only session: roll back (nothing was written) and close. Failures here lose
/// nothing, so they are not reported.
pub(crate) async fn close_read_only<C>(engine: &str, src: &SqlSource, mut conn: C)
where
    C: sqlx::Connection,
    for<'c> &'c mut C: sqlx::Executor<'c, Database = C::Database>,
    <C::Database as sqlx::Database>::Arguments: sqlx::IntoArguments<C::Database>,
{
    let rollback = sqlx::query::<C::Database>("ROLLBACK");
    let _ = bounded(
        &format!("{engine}:rollback"),
        src,
        rollback.execute(&mut conn),
    )
    .await;
    let _ = conn.close().await;
}

pub(crate) async fn bounded<T>(
    call: &str,
    src: &SqlSource,
    fut: impl std::future::Future<Output = Result<T, sqlx::Error>>,
) -> Result<T, CallError> {
    match tokio::time::timeout(src.timeout, fut).await {
        Ok(r) => r.map_err(|e| sql_error(call, &src.shown(), e)),
        Err(_) => Err(timed_out(call, &src.shown(), src.timeout)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_shown_without_credentials() {
        assert_eq!(
            redact("postgres://admin:s3cret@db.example:5432/app?sslmode=disable"),
            "postgres://db.example:5432/app?sslmode=disable"
        );
        assert_eq!(
            redact("mysql://root@127.0.0.1:3306/"),
            "mysql://127.0.0.1:3306/"
        );
        assert!(dialect_of("mariadb://x").is_ok());
        assert!(dialect_of("http://x")
            .unwrap_err()
            .contains("not a database URL"));
    }
}

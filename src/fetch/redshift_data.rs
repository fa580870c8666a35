//! `audit --tables`: the integration's state on the Redshift side, read through the Redshift
//! Data API (ExecuteStatement, DescribeStatement until it finishes, GetStatementResult):
//! `SVV_INTEGRATION` (state, lag, the destination database) and the tables of
//! `SVV_INTEGRATION_TABLE_STATE` that are `Failed` or `ResyncRequired`.
//!
//! These views show every row only to a superuser. An empty or denied answer is reported as
//! such, naming what to grant, never as "no failed tables".

use std::time::{Duration, Instant};

use aws_sdk_redshiftdata::types::{Field, StatusString};

use super::calls;
use super::error::{all_pages, call_error, incomplete};

use crate::model::{CallError, Snapshot, TableState, TableStates, TargetSnapshot};

/// Where the statements run, and as whom.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Where {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workgroup: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<String>,
    /// Provisioned clusters: the database user for temporary credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub db_user: Option<String>,
    /// A secret with the credentials instead.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_arn: Option<String>,
    /// The database the session connects to.
    pub database: String,
}

/// How to log in on the target: the database to connect to and, for a provisioned cluster,
/// a database user or a secret (`--tables-database`, `--tables-db-user`, `--tables-secret`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub database: String,
    pub db_user: Option<String>,
    pub secret_arn: Option<String>,
}

impl Where {
    /// The target of `snap`, logged in as `login` says.
    pub fn for_target(snap: &Snapshot, login: &Login) -> Where {
        let (workgroup, cluster) = match &snap.target {
            TargetSnapshot::Serverless(s) => (Some(s.workgroup.workgroup_name.clone()), None),
            TargetSnapshot::Provisioned(p) => (None, Some(p.cluster.cluster_identifier.clone())),
        };
        Where {
            workgroup,
            cluster,
            db_user: login.db_user.clone(),
            secret_arn: login.secret_arn.clone(),
            database: login.database.clone(),
        }
    }
}

fn text(f: &Field) -> Option<String> {
    match f {
        Field::StringValue(s) => Some(s.clone()),
        Field::LongValue(n) => Some(n.to_string()),
        Field::DoubleValue(n) => Some(n.to_string()),
        Field::BooleanValue(b) => Some(b.to_string()),
        _ => None,
    }
}

/// What a failed statement says when the Data API gives no error text.
const FAILED: &str = "the statement failed";

/// Run one statement and return its rows.
async fn rows(
    client: &aws_sdk_redshiftdata::Client,
    at: &Where,
    sql: String,
    poll: Duration,
    timeout: Duration,
) -> Result<Vec<Vec<Option<String>>>, CallError> {
    let id = run(client, at, sql, poll, timeout).await?;
    let records: Vec<Vec<Field>> = all_pages(
        client
            .get_statement_result()
            .id(&id)
            .into_paginator()
            .items()
            .send(),
        calls::GET_STATEMENT_RESULT,
    )
    .await?;
    Ok(records
        .iter()
        .map(|r| r.iter().map(text).collect())
        .collect())
}

/// Start one statement and wait until it finishes; returns its id.
async fn run(
    client: &aws_sdk_redshiftdata::Client,
    at: &Where,
    sql: String,
    poll: Duration,
    timeout: Duration,
) -> Result<String, CallError> {
    let mut req = client.execute_statement().sql(sql).database(&at.database);
    if let Some(w) = &at.workgroup {
        req = req.workgroup_name(w);
    }
    if let Some(c) = &at.cluster {
        req = req.cluster_identifier(c);
    }
    if let Some(u) = &at.db_user {
        req = req.db_user(u);
    }
    if let Some(s) = &at.secret_arn {
        req = req.secret_arn(s);
    }
    let id = req
        .send()
        .await
        .map_err(|e| call_error(calls::EXECUTE_STATEMENT, e))?
        .id
        .ok_or_else(|| incomplete(calls::EXECUTE_STATEMENT, "Id"))?;
    let started = Instant::now();
    loop {
        let d = client
            .describe_statement()
            .id(&id)
            .send()
            .await
            .map_err(|e| call_error(calls::DESCRIBE_STATEMENT, e))?;
        match d.status() {
            Some(StatusString::Finished) => break,
            Some(StatusString::Failed | StatusString::Aborted) => {
                return Err(CallError::new(
                    calls::DESCRIBE_STATEMENT,
                    Some("StatementFailed"),
                    d.error().unwrap_or(FAILED).to_string(),
                ))
            }
            _ if started.elapsed() > timeout => {
                return Err(CallError::new(
                    calls::DESCRIBE_STATEMENT,
                    Some("Timeout"),
                    format!(
                        "the statement did not finish within {} s",
                        timeout.as_secs()
                    ),
                ))
            }
            _ => tokio::time::sleep(poll).await,
        }
    }
    Ok(id)
}

/// Run one statement that returns no rows (`ALTER DATABASE … INTEGRATION REFRESH`), waiting
/// until it finishes. The Data API gives no message when such a statement fails; the error
/// then says where the reason is.
pub async fn execute(
    client: &aws_sdk_redshiftdata::Client,
    at: &Where,
    sql: &str,
    poll: Duration,
    timeout: Duration,
) -> Result<(), CallError> {
    match run(client, at, sql.to_string(), poll, timeout).await {
        Ok(_) => Ok(()),
        Err(mut e) if e.message.trim().is_empty() || e.message == FAILED => {
            e.message = "the statement failed and the Data API gives no reason for it; \
                SVV_INTEGRATION_TABLE_STATE.reason does (check --tables shows it)"
                .into();
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// The integration's id in the Redshift views: the last part of its ARN.
pub fn integration_id(arn: &str) -> Option<String> {
    let id = arn.rsplit(':').next()?;
    (!id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .then(|| id.to_string())
}

const SUPERUSER: &str = "these views show every row only to a superuser (or a user granted sys:monitor); run with one, or pass --tables-db-user / --tables-secret for one";

/// Read the integration's state and failed tables. Never fails: what could not be read is
/// in `note` and `failed_call`.
pub async fn read(
    client: &aws_sdk_redshiftdata::Client,
    at: &Where,
    integration_arn: &str,
    poll: Duration,
    timeout: Duration,
) -> TableStates {
    let Some(id) = integration_id(integration_arn) else {
        return TableStates {
            note: Some(format!("'{integration_arn}' names no integration id")),
            ..Default::default()
        };
    };
    let overview = rows(
        client,
        at,
        format!("SELECT state, current_lag, target_database FROM svv_integration WHERE integration_id = '{id}'"),
        poll,
        timeout,
    );
    let failed = rows(
        client,
        at,
        format!(
            "SELECT schema_name, table_name, table_state, reason FROM svv_integration_table_state \
             WHERE integration_id = '{id}' AND table_state IN ('Failed', 'ResyncRequired') \
             ORDER BY schema_name, table_name"
        ),
        poll,
        timeout,
    );
    let (overview, failed) = tokio::join!(overview, failed);
    let mut out = TableStates::default();
    match overview {
        Err(e) => {
            out.note = Some(format!("{}; {SUPERUSER}", e.describe()));
            out.failed_call = Some(e.call);
            return out;
        }
        Ok(r) if r.is_empty() => {
            out.note = Some(format!(
                "SVV_INTEGRATION has no row for integration {id}: {SUPERUSER}; a failed-table list cannot be trusted without it"
            ));
            return out;
        }
        Ok(r) => {
            let row = &r[0];
            out.state = row.first().cloned().flatten();
            out.current_lag = row.get(1).cloned().flatten();
            out.target_database = row.get(2).cloned().flatten().filter(|d| !d.is_empty());
            if out.target_database.is_none() {
                out.note = Some(
                    "no destination database was created from this integration yet: CREATE DATABASE <name> FROM INTEGRATION '<id>' (with DATABASE \"<source db>\" for PostgreSQL)".into(),
                );
            }
        }
    }
    match failed {
        Err(e) => {
            out.note = Some(format!(
                "the table states could not be read: {}",
                e.describe()
            ));
            out.failed_call = Some(e.call);
        }
        Ok(r) => {
            out.tables = r
                .into_iter()
                .map(|row| {
                    // The views' columns are CHAR: padded with spaces on the right.
                    let cell = |i: usize| {
                        row.get(i)
                            .cloned()
                            .flatten()
                            .map(|v| v.trim_end().to_string())
                            .unwrap_or_default()
                    };
                    let schema = cell(0);
                    TableState {
                        table: format!("{schema}.{}", cell(1)),
                        schema: Some(schema),
                        state: cell(2),
                        reason: Some(cell(3)).filter(|r| !r.is_empty()),
                    }
                })
                .collect()
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::integration_id;

    #[test]
    fn ids_come_from_the_arn() {
        assert_eq!(
            integration_id("arn:aws:rds:us-east-1:123456789012:integration:5b9f-1a2b").as_deref(),
            Some("5b9f-1a2b")
        );
        assert_eq!(integration_id("arn:aws:rds:x:1:integration:a'b"), None);
    }
}

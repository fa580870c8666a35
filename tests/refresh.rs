//! The refresh of an integration's failed tables (ZH002's fix): planned only when this run
//! shows the table's cause gone, run through the Redshift Data API, and never claimed done
//! when the statement failed. Each case names the AWS page its expectation rests on.

mod common;

use std::sync::{Arc, Mutex};

use aws_sdk_redshiftdata::operation::describe_statement::DescribeStatementOutput;
use aws_sdk_redshiftdata::operation::execute_statement::ExecuteStatementOutput;
use aws_sdk_redshiftdata::types::StatusString;
use aws_smithy_mocks::mock;
use zetl_preflight::fetch::redshift_data::Where;
use zetl_preflight::fix::apply::{apply, ApplyOptions, Outcome, Reach};
use zetl_preflight::fix::journal::Journal;
use zetl_preflight::fix::{Action, FixContext, Op};
use zetl_preflight::model::{
    ColumnFacts, Dialect, Fact, SchemaFacts, Snapshot, TableFacts, TableKind, TableState,
    TableStates,
};
use zetl_preflight::rules::spec::Applicability;
use zetl_preflight::rules::{evaluate, RuleSet};

const ALTER: &str = "https://docs.aws.amazon.com/redshift/latest/dg/r_ALTER_DATABASE.html";
const EVENTS: &str =
    "https://docs.aws.amazon.com/redshift/latest/mgmt/integration-event-notifications.html";
const STATES: &str =
    "https://docs.aws.amazon.com/redshift/latest/dg/r_SVV_INTEGRATION_TABLE_STATE.html";
const TROUBLE: &str =
    "https://docs.aws.amazon.com/redshift/latest/mgmt/zero-etl-using.troubleshooting.html";

fn table(db: &str, name: &str, primary_key: bool, data_type: &str) -> TableFacts {
    TableFacts {
        database: db.into(),
        schema: None,
        name: name.into(),
        kind: TableKind::Table,
        engine: Some("InnoDB".into()),
        partition: false,
        primary_key,
        columns: vec![ColumnFacts {
            name: "id".into(),
            data_type: data_type.into(),
            declared: data_type.into(),
            numeric_precision: None,
            numeric_scale: None,
            max_bytes: None,
            type_origin: None,
        }],
        cascading_foreign_keys: Vec::new(),
    }
}

/// The healthy Aurora MySQL integration, with one table in `state` for `reason`, and the
/// source catalog `catalog` (`None`: no `--data`).
fn world(state: &str, reason: &str, catalog: Option<Vec<TableFacts>>) -> Snapshot {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/integration-healthy.json");
    let mut snap: Snapshot = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    snap.health.as_mut().unwrap().tables = Some(TableStates {
        state: Some("CdcRefreshState".into()),
        current_lag: Some("2000".into()),
        target_database: Some("orders".into()),
        tables: vec![TableState {
            table: "shop.audit_log".into(),
            schema: Some("shop".into()),
            state: state.into(),
            reason: Some(reason.into()).filter(|r: &String| !r.is_empty()),
        }],
        note: None,
        failed_call: None,
    });
    snap.schema = catalog.map(|tables| {
        Fact::Ok(SchemaFacts {
            dialect: Dialect::Mysql,
            server_version: None,
            data_filter: None,
            data_filter_origin: None,
            lower_case_table_names: Some(0),
            databases: Vec::new(),
            tables,
        })
    });
    snap
}

fn at() -> Where {
    Where {
        workgroup: Some("analytics-wg".into()),
        cluster: None,
        db_user: None,
        secret_arn: None,
        database: "dev".into(),
    }
}

/// The plan's steps for ZH002.
fn steps(snap: &Snapshot, login: bool) -> Vec<Action> {
    let rules = RuleSet::embedded().unwrap();
    let findings = evaluate(snap, &rules);
    let mut ctx = FixContext::assume_unshared(snap);
    ctx.tables_at = login.then(at);
    zetl_preflight::fix::plan(snap, &findings, &rules, &ctx)
        .actions
        .into_iter()
        .filter(|a| a.rules.iter().any(|r| r == "ZH002"))
        .collect()
}

const SQL: &str = r#"ALTER DATABASE "orders" INTEGRATION REFRESH TABLE "shop"."audit_log""#;

/// What each world plans: an unsafe refresh, or a manual step whose reason holds `why`.
#[test]
fn a_table_is_refreshed_only_when_its_cause_is_shown_gone() {
    let pk = |has: bool| Some(vec![table("shop", "audit_log", has, "int")]);
    // (page, what the case is, the world, Some(words of the manual reason) or None: refreshed)
    let cases: Vec<(&str, &str, Snapshot, Option<&str>)> = vec![
        (
            EVENTS,
            "no primary key yet (-0004: add one): refreshing would fail it again",
            world("Failed", "Table has no primary key", pk(false)),
            Some("ZD002 still fails"),
        ),
        (
            ALTER,
            "the primary key is there now: REFRESH TABLE reloads it",
            world("Failed", "Table has no primary key", pk(true)),
            None,
        ),
        (
            TROUBLE,
            "no --data: nothing shows the primary key was added",
            world("Failed", "Table has no primary key", None),
            Some("did not run in this check"),
        ),
        (
            TROUBLE,
            "the catalog read does not hold the table: ZD002's pass says nothing about it",
            world(
                "Failed",
                "Table has no primary key",
                Some(vec![table("shop", "orders", true, "int")]),
            ),
            Some("has no table shop.audit_log"),
        ),
        (
            EVENTS,
            "an unsupported type (-0005) still in the column",
            world(
                "Failed",
                "unsupported data type geometry",
                Some(vec![table("shop", "audit_log", true, "geometry")]),
            ),
            Some("ZD004 still fails"),
        ),
        (
            EVENTS,
            "the unsupported column was changed (-0005: then REFRESH TABLE)",
            world(
                "Failed",
                "unsupported data type geometry",
                Some(vec![table("shop", "audit_log", true, "int")]),
            ),
            None,
        ),
        (
            STATES,
            "ResyncRequired with no cause named: AWS asks for the refresh",
            world("ResyncRequired", "", pk(true)),
            None,
        ),
        (
            TROUBLE,
            "Failed for a reason no rule explains: a person finds the cause first",
            world("Failed", "internal load error", pk(true)),
            Some("no rule explains why it failed (internal load error)"),
        ),
    ];
    let mut wrong = Vec::new();
    for (page, what, snap, why) in &cases {
        let got = steps(snap, true);
        let ok = match why {
            None => {
                got.len() == 1
                    && got[0].applicability == Applicability::Unsafe
                    && matches!(&got[0].op, Op::RefreshTables { sql, at: w, .. } if sql == SQL && *w == at())
            }
            Some(words) => {
                got.len() == 1
                    && got[0].applicability == Applicability::Manual
                    && got[0].reason.as_deref().is_some_and(|r| r.contains(words))
                    && got[0].command.as_deref() == Some(&format!("{SQL};"))
            }
        };
        if !ok {
            wrong.push(format!("{what} ({page}): {got:#?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}

/// Without `--tables` the tool cannot log in: the step is the statement, for a person.
#[test]
fn without_a_login_the_ready_refresh_is_a_manual_statement() {
    let snap = world(
        "Failed",
        "Table has no primary key",
        Some(vec![table("shop", "audit_log", true, "int")]),
    );
    let got = steps(&snap, false);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].applicability, Applicability::Manual);
    assert_eq!(got[0].command.as_deref(), Some(&*format!("{SQL};")));
    assert!(got[0].reason.as_deref().unwrap().contains("--tables"));
}

fn apply_options() -> ApplyOptions {
    ApplyOptions {
        unsafe_fixes: true,
        wait_timeout: std::time::Duration::from_secs(5),
        poll: std::time::Duration::from_millis(1),
    }
}

/// Applied: exactly the planned statement goes to ExecuteStatement, on the workgroup and
/// database planned, and the step waits until DescribeStatement says FINISHED. A statement
/// that fails (the Data API gives no text for a failed REFRESH) fails the step and says where
/// the reason is; it is never reported applied.
#[tokio::test]
async fn the_refresh_runs_the_planned_statement_and_a_failure_is_not_applied() {
    let snap = world(
        "Failed",
        "Table has no primary key",
        Some(vec![table("shop", "audit_log", true, "int")]),
    );
    let plan = zetl_preflight::fix::Plan {
        actions: steps(&snap, true),
    };
    let sent: Arc<Mutex<Vec<(String, String, String)>>> = Arc::default();
    let log = sent.clone();
    let exec =
        mock!(aws_sdk_redshiftdata::Client::execute_statement).then_compute_output(move |r| {
            log.lock().unwrap().push((
                r.sql().unwrap_or_default().to_string(),
                r.workgroup_name().unwrap_or_default().to_string(),
                r.database().unwrap_or_default().to_string(),
            ));
            ExecuteStatementOutput::builder().id("refresh-1").build()
        });
    let finished = mock!(aws_sdk_redshiftdata::Client::describe_statement).then_output(|| {
        DescribeStatementOutput::builder()
            .id("refresh-1")
            .status(StatusString::Finished)
            .build()
            .unwrap()
    });
    let api = aws_smithy_mocks::mock_client!(
        aws_sdk_redshiftdata,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&exec, &finished]
    );
    let (src, tgt) = common::aws_mocks::Side::serverless_ok().clients();
    let dir = common::scratch_dir("refresh-apply");
    let mut journal = Journal::new(&dir.join("journal.jsonl"));
    let reach = Reach {
        data_api: Some(&api),
        ..Reach::new(&src, &tgt)
    };
    let out = apply(&plan, reach, &apply_options(), &mut journal).await;
    assert_eq!(out, [Outcome::Applied]);
    assert_eq!(
        *sent.lock().unwrap(),
        [(
            SQL.to_string(),
            "analytics-wg".to_string(),
            "dev".to_string()
        )]
    );

    let exec = mock!(aws_sdk_redshiftdata::Client::execute_statement)
        .then_output(|| ExecuteStatementOutput::builder().id("refresh-2").build());
    let failed = mock!(aws_sdk_redshiftdata::Client::describe_statement).then_output(|| {
        DescribeStatementOutput::builder()
            .id("refresh-2")
            .status(StatusString::Failed)
            .error("")
            .build()
            .unwrap()
    });
    let api = aws_smithy_mocks::mock_client!(
        aws_sdk_redshiftdata,
        aws_smithy_mocks::RuleMode::MatchAny,
        [&exec, &failed]
    );
    let mut journal = Journal::new(&dir.join("journal-2.jsonl"));
    let reach = Reach {
        data_api: Some(&api),
        ..Reach::new(&src, &tgt)
    };
    let out = apply(&plan, reach, &apply_options(), &mut journal).await;
    let Outcome::Failed { error } = &out[0] else {
        panic!("{out:?}")
    };
    assert!(
        error.message.contains("SVV_INTEGRATION_TABLE_STATE"),
        "{}",
        error.message
    );

    // Without --unsafe-fixes it is not run at all.
    let mut safe = apply_options();
    safe.unsafe_fixes = false;
    let mut journal = Journal::new(&dir.join("journal-3.jsonl"));
    let out = apply(&plan, reach, &safe, &mut journal).await;
    assert!(matches!(&out[0], Outcome::Skipped { why } if why.contains("--unsafe-fixes")));
}

//! `check --data` against real servers: MariaDB (as the MySQL-compatible source) and
//! PostgreSQL, started by the tests on loopback ports. Schemas with each problem and a clean
//! one come from fixtures/sql/.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use common::db::{Mariadb, Postgres};
use zetl_preflight::fetch::sql::{self, DataOptions};
use zetl_preflight::inputs::catalog;
use zetl_preflight::model::data_filter::DataFilter;
use zetl_preflight::model::{Dialect, Finding, Snapshot, Status};
use zetl_preflight::rules::{evaluate, RuleSet};

fn snapshot(fixture: &str) -> Snapshot {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(fixture);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn sql_fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/sql")
        .join(name)
}

/// ZD002 (the catalog read) is an error whose message names `why`: never a pass.
fn assert_unread(f: &BTreeMap<String, Finding>, why: &str) {
    let zd002 = &f["ZD002"];
    assert_eq!(zd002.status, Status::Error, "{}", zd002.message);
    assert!(zd002.message.contains(why), "{}", zd002.message);
}

async fn data_findings(
    mut snap: Snapshot,
    url: &str,
    filter: Option<&str>,
) -> BTreeMap<String, Finding> {
    let opts = DataOptions {
        database_url: Some(url.to_string()),
        data_filter: filter.map(str::to_string),
        ca_file: None,
        timeout: Duration::from_secs(10),
        db_secret: None,
        iam_auth: false,
        db_user: None,
    };
    sql::attach(&mut snap, &opts, None).await;
    evaluate(&snap, &RuleSet::embedded().unwrap())
        .into_iter()
        .filter(|f| f.rule.starts_with("ZD"))
        .map(|f| (f.rule.clone(), f))
        .collect()
}

/// The fixture `name` is exactly what a real server's catalog gives for fixtures/sql (the
/// server version aside), so offline runs of the data rules rest on real reads.
/// `ZETL_WRITE_FIXTURES=1` rewrites it.
async fn golden(snap: &Snapshot, url: &str, name: &str) {
    golden_with(snap, url, None, name).await
}

async fn golden_with(snap: &Snapshot, url: &str, filter: Option<&str>, name: &str) {
    let mut snap = snap.clone();
    let opts = DataOptions {
        database_url: Some(url.to_string()),
        data_filter: filter.map(str::to_string),
        ca_file: None,
        timeout: Duration::from_secs(10),
        db_secret: None,
        iam_auth: false,
        db_user: None,
    };
    sql::attach(&mut snap, &opts, None).await;
    if let Some(zetl_preflight::model::Fact::Ok(s)) = &mut snap.schema {
        s.server_version = None;
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    if std::env::var_os("ZETL_WRITE_FIXTURES").is_some() {
        let mut text = serde_json::to_string_pretty(&snap).unwrap();
        text.push('\n');
        std::fs::write(&path, text).unwrap();
    }
    let saved: Snapshot = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(
        saved.schema, snap.schema,
        "{name} differs from what the server gives"
    );
}

/// The saved outputs describe the catalog the live read gives (the server's version aside),
/// and the data rules conclude the same on both.
async fn assert_saved_is_live(
    snap: &Snapshot,
    url: &str,
    filter: Option<&str>,
    outputs: &[(&str, String)],
    live_findings: &BTreeMap<String, Finding>,
) {
    let mut live = snap.clone();
    let opts = DataOptions {
        database_url: Some(url.to_string()),
        data_filter: filter.map(str::to_string),
        ca_file: None,
        timeout: Duration::from_secs(10),
        db_secret: None,
        iam_auth: false,
        db_user: None,
    };
    sql::attach(&mut live, &opts, None).await;
    let parsed: Vec<catalog::Output> = outputs
        .iter()
        .map(|(name, text)| catalog::parse(name, text).unwrap())
        .collect();
    let mut saved = snap.clone();
    zetl_preflight::run::data_from::attach(&mut saved, &parsed, filter).unwrap();
    let strip = |s: &Snapshot| match &s.schema {
        Some(zetl_preflight::model::Fact::Ok(f)) => {
            let mut f = f.clone();
            f.server_version = None;
            f
        }
        other => panic!("no catalog: {other:?}"),
    };
    assert_eq!(
        strip(&saved),
        strip(&live),
        "the saved output is not the live catalog"
    );
    let from_saved: BTreeMap<String, Finding> = evaluate(&saved, &RuleSet::embedded().unwrap())
        .into_iter()
        .filter(|f| f.rule.starts_with("ZD"))
        .map(|f| (f.rule.clone(), f))
        .collect();
    assert_same_findings(live_findings, &from_saved);
}

/// The same data rules ran with the same verdicts on the same objects: an Aurora source and
/// an RDS source of the same engine family read one catalog the same way.
#[track_caller]
fn assert_same_findings(aurora: &BTreeMap<String, Finding>, rds: &BTreeMap<String, Finding>) {
    let verdicts = |f: &BTreeMap<String, Finding>| -> Vec<(String, Status, Vec<String>)> {
        f.values()
            .map(|x| (x.rule.clone(), x.status, tables_of(x)))
            .collect()
    };
    assert_eq!(verdicts(aurora), verdicts(rds));
}

/// Without `--database-url`, the source's own endpoint is used with its engine's protocol:
/// an RDS for PostgreSQL instance is reached as PostgreSQL (a closed port here, so the read
/// fails, naming the PostgreSQL connect step), and RDS for Oracle is sent to `data-query`.
#[tokio::test]
async fn an_rds_source_is_reached_with_its_engines_protocol() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let read = |mut snap: Snapshot| async move {
        use zetl_preflight::model::RdsResource;
        match &mut snap.source.rds_mut().unwrap().resource {
            RdsResource::Instance(i) => {
                i.endpoint = Some("127.0.0.1".into());
                i.port = Some(port as i32);
            }
            RdsResource::AuroraCluster(c) | RdsResource::MultiAzCluster(c) => {
                c.endpoint = Some("127.0.0.1".into());
                c.port = Some(port as i32);
            }
        }
        let opts = DataOptions {
            database_url: None,
            data_filter: Some("include: app.*.*".into()),
            ca_file: None,
            timeout: Duration::from_secs(5),
            db_secret: None,
            iam_auth: false,
            db_user: None,
        };
        sql::attach(&mut snap, &opts, None).await;
        match snap.schema {
            Some(zetl_preflight::model::Fact::Error(e)) => e,
            other => panic!("expected a failed read, got {other:?}"),
        }
    };
    let pg = read(snapshot("rds-postgres-ok.json")).await;
    assert_eq!(pg.call, "postgres:connect", "{pg:?}");
    let my = read(snapshot("rds-mysql-ok.json")).await;
    assert_eq!(my.call, "mysql:connect", "{my:?}");
    let ora = read(snapshot("rds-oracle-ok.json")).await;
    assert_eq!(ora.code.as_deref(), Some("NoClient"), "{ora:?}");
    assert!(ora.message.contains("data-query"), "{ora:?}");
}

fn tables_of(f: &Finding) -> Vec<String> {
    f.evidence.objects.iter().map(|o| o.table.clone()).collect()
}

#[track_caller]
fn assert_names(f: &Finding, status: Status, tables: &[&str]) {
    assert_eq!(f.status, status, "{}: {}", f.rule, f.message);
    let got = tables_of(f);
    for t in tables {
        assert!(
            got.iter().any(|g| g == t),
            "{}: {t} not named in {got:?}",
            f.rule
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mariadb_schema_problems_are_named_and_a_filter_turns_it_green() {
    let db = Mariadb::start();
    db.source(&sql_fixture("mysql-problems.sql"));
    let snap = snapshot("mysql-provisioned-ok.json");

    let f = data_findings(snap.clone(), &db.url(), None).await;
    golden(&snap, &db.url(), "mysql-data-problems.json").await;
    assert_names(
        &f["ZD002"],
        Status::Fail,
        &["shop.events_nopk", "shop.tmp_load"],
    );
    assert_eq!(
        f["ZD002"].evidence.table.as_deref(),
        Some("shop.events_nopk")
    );
    assert_names(&f["ZD003"], Status::Fail, &["shop.legacy"]);
    assert_names(&f["ZD004"], Status::Fail, &["shop.places"]);
    assert_eq!(f["ZD004"].evidence.column.as_deref(), Some("loc"));
    assert_eq!(f["ZD004"].evidence.data_type.as_deref(), Some("geometry"));
    assert_names(&f["ZD005"], Status::Fail, &["shop.ledger"]);
    assert_names(&f["ZD006"], Status::Fail, &["shop.child"]);
    // The target of this fixture is case sensitive: colliding names stay apart.
    assert_names(&f["ZD007"], Status::Pass, &["shop.Users", "shop.users"]);
    assert_eq!(f["ZD008"].status, Status::Pass);
    assert_names(&f["ZD015"], Status::Warn, &["shop.versions"]);
    assert_names(&f["ZD017"], Status::Warn, &["shop.orders"]);
    // The fix prints the data filter that leaves the tables out.
    let fix = f["ZD002"].remediation.as_deref().unwrap();
    assert!(fix.contains("exclude: shop.events_nopk"), "{fix}");
    // An RDS for MySQL source reads the same catalog and gets the same findings.
    let rds = data_findings(snapshot("rds-mysql-ok.json"), &db.url(), None).await;
    assert_same_findings(&f, &rds);
    // The saved output of `data-query --engine mysql`, run with the mysql client, is the
    // same catalog as the live read, and gives the same findings.
    let saved = db.batch_output(catalog::query(Dialect::Mysql));
    assert_saved_is_live(&snap, &db.url(), None, &[("catalog.tsv", saved)], &f).await;

    // The clean database alone: every data rule passes.
    let f = data_findings(snap.clone(), &db.url(), Some("include: clean.*")).await;
    let bad: Vec<String> = f
        .values()
        .filter(|x| x.status != Status::Pass)
        .map(|x| format!("{} {:?}: {}", x.rule, x.status, x.message))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");
    // A filter that excludes the bad tables turns the keys green too.
    let f = data_findings(
        snap.clone(),
        &db.url(),
        Some("include: shop.*, exclude: shop.events_nopk, exclude: shop.tmp_*"),
    )
    .await;
    assert_eq!(f["ZD002"].status, Status::Pass, "{}", f["ZD002"].message);

    // A malformed filter is reported as AWS would reject it.
    let f = data_findings(snap.clone(), &db.url(), Some("include: shop.(a|b)")).await;
    assert_eq!(f["ZD001"].status, Status::Fail);
    assert_eq!(f["ZD002"].status, Status::Error);

    // Wrong password and an unreachable port: error, never a pass.
    let wrong = db.url().replace(common::db::PASSWORD, "wrong");
    let f = data_findings(snap.clone(), &wrong, None).await;
    for x in f.values() {
        assert_eq!(x.status, Status::Error, "{}: {}", x.rule, x.message);
    }
    assert!(
        f["ZD002"].message.contains("AuthenticationFailed"),
        "{}",
        f["ZD002"].message
    );
    assert!(
        !f["ZD002"].message.contains("wrong"),
        "a password leaked: {}",
        f["ZD002"].message
    );
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let f = data_findings(
        snap,
        &format!("mysql://root:x@127.0.0.1:{port}/?ssl-mode=disabled"),
        None,
    )
    .await;
    assert_unread(&f, "Unreachable");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_schema_problems_are_named_and_a_filter_turns_it_green() {
    let db = Postgres::start();
    db.psql("postgres", &["-c", "CREATE DATABASE app"]);
    db.psql(
        "postgres",
        &["-c", "CREATE DATABASE legacy WITH ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0"],
    );
    db.psql(
        "app",
        &["-f", sql_fixture("postgres-problems.sql").to_str().unwrap()],
    );
    let snap = snapshot("postgres-serverless-ok.json");

    let f = data_findings(
        snap.clone(),
        &db.url("postgres"),
        Some("include: app.*.*, include: legacy.*.*"),
    )
    .await;
    golden_with(
        &snap,
        &db.url("postgres"),
        Some("include: app.*.*, include: legacy.*.*"),
        "postgres-data-problems.json",
    )
    .await;
    assert_names(&f["ZD002"], Status::Fail, &["app.public.events_nopk"]);
    assert_names(&f["ZD009"], Status::Fail, &["legacy (LATIN1)"]);
    assert_names(
        &f["ZD010"],
        Status::Fail,
        &[
            "app.public.loose",
            "app.public.huge",
            "app.public.moods",
            "app.public.spans",
            "app.public.shapes",
        ],
    );
    assert_names(
        &f["ZD011"],
        Status::Warn,
        &["app.public.scratch", "app.public.totals"],
    );
    assert_names(&f["ZD012"], Status::Warn, &["app.public.measurements"]);
    assert_names(&f["ZD015"], Status::Warn, &["app.public.versions"]);
    assert_eq!(f["ZD013"].status, Status::Pass);
    // interval YEAR TO MONTH is fine; the bare interval is not.
    let spans: Vec<_> = f["ZD010"]
        .evidence
        .objects
        .iter()
        .filter(|o| o.table == "app.public.spans")
        .map(|o| o.column.clone().unwrap())
        .collect();
    assert_eq!(spans, ["d"]);
    // An RDS for PostgreSQL source reads the same catalog and gets the same findings.
    let rds = data_findings(
        snapshot("rds-postgres-ok.json"),
        &db.url("postgres"),
        Some("include: app.*.*, include: legacy.*.*"),
    )
    .await;
    assert_same_findings(&f, &rds);
    // `data-query --engine postgres` run with psql in each database the filter includes.
    let query = std::env::temp_dir().join(format!("zetl-pg-query-{}.sql", db.port));
    std::fs::write(&query, catalog::query(Dialect::Postgres)).unwrap();
    let outputs = [
        ("app.csv", db.csv_output("app", &query)),
        ("legacy.csv", db.csv_output("legacy", &query)),
    ];
    let filter = "include: app.*.*, include: legacy.*.*";
    assert_saved_is_live(&snap, &db.url("postgres"), Some(filter), &outputs, &f).await;
    // One database's output missing: refused, naming it, never a clean catalog.
    let parsed = vec![catalog::parse("app.csv", &outputs[0].1).unwrap()];
    let scope = DataFilter::parse(filter, Dialect::Postgres).unwrap();
    let e = catalog::facts(&parsed, Dialect::Postgres, Some(&scope)).unwrap_err();
    assert!(e.contains("legacy") && e.contains("--data-from"), "{e}");
    let _ = std::fs::remove_file(&query);

    let f = data_findings(
        snap.clone(),
        &db.url("postgres"),
        Some("include: app.clean.*"),
    )
    .await;
    let bad: Vec<String> = f
        .values()
        .filter(|x| x.status != Status::Pass)
        .map(|x| format!("{} {:?}: {}", x.rule, x.status, x.message))
        .collect();
    assert!(bad.is_empty(), "{bad:#?}");

    let wrong = db.url("postgres").replace(common::db::PASSWORD, "wrong");
    let f = data_findings(snap, &wrong, Some("include: app.*.*")).await;
    assert_unread(&f, "AuthenticationFailed");
}

/// The whole command against moto (the AWS side) and MariaDB (the source's catalog), with
/// the password from a Secrets Manager secret: the data findings join the report, and no
/// password appears anywhere in the output.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_data_end_to_end_with_a_secret() {
    let moto = common::Moto::start();
    let w = common::world::World::new(&moto);
    w.misconfigured().await;
    let db = Mariadb::start();
    db.source(&sql_fixture("mysql-problems.sql"));
    let secrets = aws_sdk_secretsmanager::Client::new(&w.config);
    secrets
        .create_secret()
        .name("zetl-db")
        .secret_string(format!(
            r#"{{"username": "root", "password": "{}"}}"#,
            common::db::PASSWORD
        ))
        .send()
        .await
        .unwrap();
    let url = format!("mysql://root@127.0.0.1:{}/?ssl-mode=disabled", db.port);
    // The check with the password from `secret`: its output, and its ZD002 finding.
    let run = |secret: &str| {
        let out = common::world::run_cli(
            &moto,
            &[
                "check",
                "--source",
                "shop-db",
                "--target",
                "warehouse",
                "--data",
                "--database-url",
                &url,
                "--db-secret",
                secret,
                "--format",
                "json",
            ],
        );
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
        let zd002 = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "ZD002")
            .expect("the data rules ran")
            .clone();
        (out, zd002)
    };
    let (out, zd002) = run("zetl-db");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(!stdout.contains(common::db::PASSWORD) && !stderr.contains(common::db::PASSWORD));
    assert_eq!(zd002["status"], "fail", "{zd002}");
    assert_eq!(zd002["evidence"]["table"], "shop.events_nopk");
    // A secret that does not exist: the data rules are unverified, naming the call.
    let (_, zd002) = run("no-such-secret");
    assert_eq!(zd002["status"], "error");
    assert_eq!(
        zd002["evidence"]["failed_call"],
        "secretsmanager:GetSecretValue"
    );
}

/// The Oracle data fixtures are exactly the hand-written SQL*Plus output of
/// `fixtures/sql/oracle-catalog.csv` read as `check --data-from` reads it (all of it, and the
/// clean schema alone). `ZETL_WRITE_FIXTURES=1` rewrites them.
#[test]
fn oracle_data_fixtures_are_the_saved_catalog() {
    let text = std::fs::read_to_string(sql_fixture("oracle-catalog.csv")).unwrap();
    let output = catalog::parse("oracle-catalog.csv", &text).unwrap();
    for (name, filter) in [
        ("rds-oracle-data-problems.json", None),
        ("rds-oracle-data-clean.json", Some("include: ORCL.CLEAN.*")),
    ] {
        let mut snap = snapshot("rds-oracle-ok.json");
        zetl_preflight::run::data_from::attach(&mut snap, std::slice::from_ref(&output), filter)
            .unwrap();
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name);
        if std::env::var_os("ZETL_WRITE_FIXTURES").is_some() {
            let mut text = serde_json::to_string_pretty(&snap).unwrap();
            text.push('\n');
            std::fs::write(&path, text).unwrap();
        }
        let saved: Snapshot =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        assert_eq!(
            saved.schema, snap.schema,
            "{name} differs from the saved catalog"
        );
    }
}

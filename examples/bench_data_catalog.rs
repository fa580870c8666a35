//! Benchmark: how long `check --data` takes to read the catalog of a 20,000-table schema,
//! on PostgreSQL and MariaDB servers started on loopback (as the tests start them).
//!
//!     cargo run --example bench_data_catalog [-- TABLES]
//!
//! Prints one row per server: tables, the time to read the catalog (best of three), and
//! the number of SQL statements sent. The README keeps the measured table.

#[path = "../tests/common/db.rs"]
#[allow(dead_code)]
mod db;

use std::time::{Duration, Instant};

use zetl_preflight::fetch::sql::{self, SqlSource};

async fn best_of_three(src: &SqlSource) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut tables = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let facts = sql::read(src).await.expect("the catalog reads");
        best = best.min(started.elapsed());
        tables = facts.tables.len();
    }
    (best, tables)
}

fn source(url: String) -> SqlSource {
    SqlSource {
        url,
        ca_file: None,
        timeout: Duration::from_secs(300),
        filter: None,
        login: Default::default(),
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(20_000);
    println!("| server | tables | catalog read (best of 3) | SQL statements |");
    println!("|---|---:|---:|---:|");

    let pg = db::Postgres::start();
    pg.psql("postgres", &["-c", "CREATE DATABASE bench"]);
    // In batches: one transaction holding 20,000 new tables' locks runs out of lock slots.
    for start in (1..=n).step_by(1000) {
        let end = (start + 999).min(n);
        pg.psql(
            "bench",
            &[
                "-c",
                &format!(
                    "DO $$ BEGIN FOR i IN {start}..{end} LOOP \
                     EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, name varchar(80), amount numeric(12,2), at timestamptz)', i); \
                     END LOOP; END $$;"
                ),
            ],
        );
    }
    let (took, tables) = best_of_three(&source(pg.url("bench"))).await;
    // 1 connection listing databases (3 statements) + per database read: 3 setup + 2 queries.
    println!(
        "| PostgreSQL 15 | {tables} | {:.2} s | 3 + 5 per database |",
        took.as_secs_f64()
    );
    drop(pg);

    let my = db::Mariadb::start();
    let mut ddl = String::from("CREATE DATABASE bench; USE bench;");
    for i in 1..=n {
        ddl.push_str(&format!(
            "CREATE TABLE t{i} (id BIGINT PRIMARY KEY, name VARCHAR(80), amount DECIMAL(12,2), at DATETIME) ENGINE=InnoDB;"
        ));
    }
    my.script(&ddl);
    let (took, tables) = best_of_three(&source(my.url())).await;
    println!(
        "| MariaDB 10.11 | {tables} | {:.2} s | 8 |",
        took.as_secs_f64()
    );
}

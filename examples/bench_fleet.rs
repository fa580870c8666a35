//! Benchmark: a fleet read through a fixed per-request latency, as a real endpoint has.
//!
//!     cargo build && cargo run --example bench_fleet [-- PAIRS GROUPS LATENCY_MS]
//!
//! Starts moto on loopback, puts a delay proxy in front of it (each request waits
//! LATENCY_MS, default 30, before it is forwarded), populates PAIRS (default 200) Aurora
//! MySQL clusters over GROUPS (default 10) parameter groups and one Redshift target, writes a
//! config file with one `[[pair]]` per cluster, and times `zetl-preflight check` on it
//! (the debug binary next to this example). Prints wall time and the number of AWS requests.

#[path = "../tests/common/moto.rs"]
mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Forward every connection to `upstream`, holding each chunk the client sends for `delay`
/// and counting the chunks that start an HTTP request.
async fn delay_proxy(upstream: u16, delay: Duration, requests: Arc<AtomicUsize>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((client, _)) = listener.accept().await else {
                return;
            };
            let requests = requests.clone();
            tokio::spawn(async move {
                let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = tokio::spawn(async move {
                    let mut buf = vec![0u8; 65536];
                    loop {
                        let n = match cr.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => n,
                        };
                        if buf[..n].starts_with(b"POST ") || buf[..n].starts_with(b"GET ") {
                            requests.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(delay).await;
                        }
                        if sw.write_all(&buf[..n]).await.is_err() {
                            return;
                        }
                    }
                });
                let _ = tokio::io::copy(&mut sr, &mut cw).await;
                up.abort();
            });
        }
    });
    port
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let groups: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(10);
    let latency = Duration::from_millis(args.get(3).and_then(|a| a.parse().ok()).unwrap_or(30));

    // moto counts instances' automated snapshots against a quota of 1,000.
    std::env::set_var("MOTO_RDS_SNAPSHOT_LIMIT", "1000000");
    let moto = common::Moto::start();
    let cfg = moto.config();
    let rds = aws_sdk_rds::Client::new(&cfg);
    let redshift = aws_sdk_redshift::Client::new(&cfg);
    for g in 0..groups {
        rds.create_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(format!("zetl-{g}"))
            .db_parameter_group_family("aurora-mysql8.0")
            .description("bench")
            .send()
            .await
            .unwrap();
    }
    for i in 0..n {
        rds.create_db_cluster()
            .db_cluster_identifier(format!("db-{i}"))
            .engine("aurora-mysql")
            .engine_version("8.0.mysql_aurora.3.05.2")
            .db_cluster_parameter_group_name(format!("zetl-{}", i % groups))
            .master_username("admin")
            .master_user_password("not-a-secret-1")
            .send()
            .await
            .unwrap();
        rds.create_db_instance()
            .db_instance_identifier(format!("db-{i}-1"))
            .db_cluster_identifier(format!("db-{i}"))
            .engine("aurora-mysql")
            .db_instance_class("db.r6g.large")
            .send()
            .await
            .unwrap();
    }
    redshift
        .create_cluster()
        .cluster_identifier("warehouse")
        .node_type("ra3.xlplus")
        .cluster_type("multi-node")
        .number_of_nodes(2)
        .master_username("admin")
        .master_user_password("NotASecret1")
        .encrypted(true)
        .send()
        .await
        .unwrap();

    let requests = Arc::new(AtomicUsize::new(0));
    let proxy = delay_proxy(moto.port, latency, requests.clone()).await;
    let dir = std::env::temp_dir().join(format!("zetl-bench-fleet-{proxy}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = String::new();
    for i in 0..n {
        config.push_str(&format!(
            "[[pair]]\nsource = \"db-{i}\"\ntarget = \"warehouse\"\n"
        ));
    }
    std::fs::write(dir.join("zetl-preflight.toml"), config).unwrap();
    let exe = std::env::current_exe()
        .unwrap()
        .parent()
        .and_then(|p| p.parent())
        .unwrap()
        .join("zetl-preflight");
    // Peak memory through GNU time when the machine has it.
    let gnu_time = std::path::Path::new("/usr/bin/time").exists();
    let mut cmd = if gnu_time {
        let mut c = tokio::process::Command::new("/usr/bin/time");
        c.args(["-f", "peak-rss-kb=%M\ncpu-seconds=%U %S"])
            .arg(&exe);
        c
    } else {
        tokio::process::Command::new(&exe)
    };
    let started = Instant::now();
    let out = cmd
        .current_dir(&dir)
        .envs(common::aws_env(&format!("http://127.0.0.1:{proxy}")))
        .args(["check", "--format", "json"])
        .output()
        .await
        .unwrap();
    let wall = started.elapsed();
    let peak = String::from_utf8_lossy(&out.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("peak-rss-kb=").map(str::to_string))
        .map(|kb| format!("{} MB", kb.trim().parse::<u64>().unwrap_or(0) / 1024))
        .unwrap_or_else(|| "-".into());
    // The tool's own CPU time (user + system), apart from the emulator's.
    let cpu = String::from_utf8_lossy(&out.stderr)
        .lines()
        .find_map(|l| l.strip_prefix("cpu-seconds="))
        .map(|t| {
            let s: f64 = t
                .split_whitespace()
                .filter_map(|x| x.parse::<f64>().ok())
                .sum();
            format!("{s:.2} s")
        })
        .unwrap_or_else(|| "-".into());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    if std::env::var_os("BENCH_VERBOSE").is_some() {
        eprintln!("{}", String::from_utf8_lossy(&out.stderr));
    }
    let checks = doc["checks"].as_array().map_or(1, |c| c.len());
    println!("| pairs | groups | latency | wall | tool CPU | AWS requests | peak memory |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {checks} | {groups} | {} ms | {:.2} s | {cpu} | {} | {peak} |",
        latency.as_millis(),
        wall.as_secs_f64(),
        requests.load(Ordering::SeqCst)
    );
    std::fs::remove_dir_all(&dir).ok();
}

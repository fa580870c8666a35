//! `audit --watch` end to end: the binary against moto, stopped by SIGTERM while it waits,
//! exits with the last round's code; `--count` stops it by itself. (The rounds' transitions
//! are tested in `run::watch` against a world that changes between rounds.)

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::moto::{aws_env, Moto};

fn audit(moto: &Moto, extra: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zetl-preflight"));
    for v in common::moto::AWS_VARS_TO_CLEAR {
        cmd.env_remove(v);
    }
    cmd.envs(aws_env(&moto.url()))
        .args(["audit", "--regions", "us-east-1", "--select", "ZI"])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// `audit --watch 10 --count COUNT --format FORMAT -o FILE` against moto, in a scratch
/// folder NAME: what it printed (it exits 1: moto cannot list integrations), and the file.
fn watch_to_file(
    name: &str,
    count: &str,
    format: &str,
) -> (std::process::Output, std::path::PathBuf) {
    let moto = Moto::start();
    let file = common::scratch_dir(name).join(format!("fleet.{format}"));
    let done = audit(
        &moto,
        &[
            "--watch",
            "10",
            "--count",
            count,
            "--format",
            format,
            "-o",
            file.to_str().unwrap(),
        ],
    )
    .output()
    .unwrap();
    assert_eq!(
        done.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    (done, file)
}

/// moto has no DescribeIntegrations: every round finds the Region unverified (exit 1). A
/// SIGTERM while the watch waits ends it between rounds with that code.
#[test]
fn sigterm_while_waiting_ends_with_the_last_rounds_code() {
    let moto = Moto::start();
    let mut child = audit(&moto, &["--watch", "3600"]).spawn().unwrap();
    // The first round's change line means the round is done and the watch waits.
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert!(
        line.contains("not verified") && line.contains("appeared"),
        "{line}"
    );
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let done = child.wait_with_output().unwrap();
    assert_eq!(
        done.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
    let err = String::from_utf8_lossy(&done.stderr);
    assert!(err.contains("stopped"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// `--count 2`: two rounds, the second says nothing new (nothing changed), and `-o` holds the
/// last round's report.
#[test]
fn count_stops_it_and_unchanged_rounds_say_nothing() {
    let (done, file) = watch_to_file("watch-count", "2", "json");
    let out = String::from_utf8_lossy(&done.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
    let doc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert!(!doc["unverified"].as_array().unwrap().is_empty(), "{doc}");
}

/// `--format html -o FILE`: each round rewrites the page, which says when the round read the
/// fleet and what it could not verify.
#[test]
fn a_watch_writes_the_html_page_each_round() {
    let (_, file) = watch_to_file("watch-html", "1", "html");
    let page = std::fs::read_to_string(&file).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"), "{page}");
    assert!(page.trim_end().ends_with("</html>"), "{page}");
    assert!(page.contains("Read at 20"), "{page}");
    assert!(
        page.contains("<h2>Not verified</h2>") && page.contains("rds:DescribeIntegrations"),
        "{page}"
    );
}

//! Benchmark: where a fleet report's memory goes, without AWS.
//!
//!     cargo run --example bench_report_memory [-- PAIRS [SNAPSHOT.json]]
//!
//! Takes one saved snapshot (default `fixtures/mysql-provisioned-broken.json`) and makes
//! PAIRS copies (default 2000). First the way `check` and `audit` report a fleet: each copy
//! evaluated and written pair by pair through the spooling writer, as a table and as JSON.
//! Then, for comparison, the whole document held at once. Prints the process's resident
//! memory after each stage (Linux `/proc/self/status`); the peak only grows, which is why
//! the streamed stages come first.

use zetl_preflight::model::Snapshot;
use zetl_preflight::report::stream::Writer;
use zetl_preflight::report::{self, table::TableOptions, Document, Format, Report};
use zetl_preflight::rules::{self, RuleSet};

/// Resident memory now and at its peak, in MB.
fn memory() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (kb("VmRSS:") / 1024.0, kb("VmHWM:") / 1024.0)
}

/// Counts what it is given, as stdout would take it.
struct Counter(usize);

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn row(stage: &str, note: String) {
    let (now, peak) = memory();
    println!("| {stage} | {now:.0} MB | {peak:.0} MB | {note} |");
}

fn main() {
    let mut args = std::env::args().skip(1);
    let pairs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(2000);
    let path = args
        .next()
        .unwrap_or_else(|| "fixtures/mysql-provisioned-broken.json".to_string());
    let text = std::fs::read_to_string(&path).expect("read the snapshot");
    let snap: Snapshot = serde_json::from_str(&text).expect("a snapshot");
    let rules = RuleSet::embedded().expect("the embedded rules");

    println!("{pairs} pairs of {path}\n");
    println!("| stage | resident | peak | |");
    println!("|---|---:|---:|---|");
    row("start", String::new());
    for format in [Format::Table, Format::Json] {
        let frame = Document::new(Vec::new(), &rules);
        let mut w = Writer::spooled(frame, format, TableOptions::plain());
        for _ in 0..pairs {
            let copy = snap.clone();
            let r = Report::new(&copy, rules::evaluate(&copy, &rules));
            w.push(&r).expect("spool");
        }
        let mut sink = Counter(0);
        w.finish(Vec::new(), &mut sink).expect("write");
        row(
            &format!("streamed, {format:?}"),
            format!("{} bytes", sink.0),
        );
    }
    let snaps: Vec<Snapshot> = (0..pairs).map(|_| snap.clone()).collect();
    row("snapshots held", String::new());
    let reports: Vec<Report> = snaps
        .iter()
        .map(|s| Report::new(s, rules::evaluate(s, &rules)))
        .collect();
    let findings: usize = reports.iter().map(|r| r.findings.len()).sum();
    row("evaluated", format!("{findings} findings"));
    drop(snaps);
    let doc = Document::new(reports, &rules);
    let table = report::render(&doc, Format::Table, &TableOptions::plain());
    row("table rendered", format!("{} bytes", table.len()));
    drop(table);
    let json = report::render(&doc, Format::Json, &TableOptions::plain());
    row("JSON rendered", format!("{} bytes", json.len()));
}

//! `--format prometheus`: the text exposition format, for node_exporter's textfile collector
//! or any scraper of a file. Names follow Prometheus's conventions: one prefix, base units
//! (seconds), `_timestamp_seconds` for times, a state set for the integration status. Every
//! sample of a metric family is written together, so the pairs' samples are gathered by
//! family and written at the end.

use std::collections::BTreeMap;

use crate::model::health::{LAG, LATEST_APPLIED, TABLES_FAILED, TABLES_REPLICATED};
use crate::model::{Fact, Status};

use super::{Document, Report};

const PREFIX: &str = "zetl_preflight";

/// The statuses an integration can be in (RDS `IntegrationStatus`).
const STATUSES: [&str; 7] = [
    "creating",
    "active",
    "modifying",
    "failed",
    "deleting",
    "syncing",
    "needs_attention",
];

/// Samples gathered by family: name → (help, samples).
#[derive(Default)]
pub struct Families {
    families: BTreeMap<&'static str, (&'static str, Vec<String>)>,
}

/// A label value as the format escapes it.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn labels(pairs: &[(&str, &str)]) -> String {
    let inner: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{k}=\"{}\"", escape(v)))
        .collect();
    format!("{{{}}}", inner.join(","))
}

/// A number as the format writes it.
fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 { "+Inf" } else { "-Inf" }.into()
    } else {
        format!("{v}")
    }
}

impl Families {
    fn add(&mut self, name: &'static str, help: &'static str, labels: String, value: f64) {
        self.families
            .entry(name)
            .or_insert((help, Vec::new()))
            .1
            .push(format!("{PREFIX}_{name}{labels} {}", number(value)));
    }

    /// One pair's samples.
    pub fn pair(&mut self, r: &Report) {
        let account = crate::model::arn::account_of(&r.source.arn).unwrap_or_default();
        let target = r
            .target
            .namespace_arn
            .clone()
            .unwrap_or(r.target.id.clone());
        let pair = [
            ("account", account.as_str()),
            ("region", r.source.region.as_str()),
            ("source", r.source.arn.as_str()),
            ("target", target.as_str()),
        ];
        let summary = r.summary();
        for (status, n) in [
            ("pass", summary.pass),
            ("fail", summary.fail),
            ("warn", summary.warn),
            ("error", summary.error),
            ("skip", summary.skip),
        ] {
            let mut l = pair.to_vec();
            l.push(("status", status));
            self.add(
                "findings",
                "Findings of the pair's check, by status (error: could not be verified).",
                labels(&l),
                n as f64,
            );
        }
        for f in r.findings.iter().filter(|f| {
            f.suppressed.is_none()
                && matches!(f.status, Status::Fail | Status::Warn | Status::Error)
        }) {
            let mut l = pair.to_vec();
            l.push(("rule", f.rule.as_str()));
            l.push(("status", f.status.as_str()));
            self.add(
                "rule_problem",
                "1 for each rule that fails, warns or could not be verified for the pair.",
                labels(&l),
                1.0,
            );
        }
        let ready = summary.fail == 0 && summary.error == 0;
        self.add(
            "ready",
            "1 when the pair has no failing and no unverified finding.",
            labels(&pair),
            if ready { 1.0 } else { 0.0 },
        );
        let Some(h) = &r.snapshot.health else {
            return;
        };
        let mut il = pair.to_vec();
        il.push(("integration", h.integration_id()));
        for s in STATUSES {
            let mut l = il.clone();
            l.push(("status", s));
            let now = h.status.eq_ignore_ascii_case(s);
            self.add(
                "integration_status",
                "The integration's status, as a state set: 1 for the status it is in.",
                labels(&l),
                if now { 1.0 } else { 0.0 },
            );
        }
        self.add(
            "integration_read_timestamp_seconds",
            "When the integration's health was read.",
            labels(&il),
            h.read_at as f64,
        );
        let m = match &h.metrics {
            Fact::Ok(m) => m,
            Fact::Error(_) => {
                self.add(
                    "integration_metrics_up",
                    "1 when the integration's CloudWatch metrics could be read.",
                    labels(&il),
                    0.0,
                );
                return;
            }
        };
        self.add(
            "integration_metrics_up",
            "1 when the integration's CloudWatch metrics could be read.",
            labels(&il),
            1.0,
        );
        // Latest datapoints; a metric without data has no sample (absent, not zero).
        let gauges: [(&'static str, &'static str, &str); 4] = [
            (
                "integration_lag_seconds",
                "IntegrationLag: seconds from a commit on the source to queryable in Redshift (latest datapoint).",
                LAG,
            ),
            (
                "integration_tables_failed",
                "IntegrationNumTablesFailedReplication (latest datapoint).",
                TABLES_FAILED,
            ),
            (
                "integration_tables_replicated",
                "IntegrationNumTablesReplicated (latest datapoint).",
                TABLES_REPLICATED,
            ),
            (
                "integration_last_applied_change_timestamp_seconds",
                "IntegrationLatestAppliedChange: when the last change was applied in Redshift.",
                LATEST_APPLIED,
            ),
        ];
        for (name, help, metric) in gauges {
            if let Some(p) = m.latest(metric) {
                self.add(name, help, labels(&il), p.value);
            }
        }
        if let Fact::Ok(a) = &h.alarms {
            for (watched, n) in [
                ("lag", a.lag.len()),
                ("failed_tables", a.failed_tables.len()),
            ] {
                let mut l = il.clone();
                l.push(("watches", watched));
                self.add(
                    "integration_alarms",
                    "CloudWatch alarms watching the integration's lag or failed tables.",
                    labels(&l),
                    n as f64,
                );
            }
        }
    }

    /// The whole exposition: the run's own samples, then every family with its HELP and
    /// TYPE lines.
    pub fn render(mut self, doc: &Document, pairs: usize) -> String {
        self.add(
            "pairs",
            "Pairs checked by the run.",
            String::new(),
            pairs as f64,
        );
        self.add(
            "unverified",
            "What the run should have read and could not (Regions, accounts, pairs).",
            String::new(),
            doc.unverified.len() as f64,
        );
        let mut out = String::new();
        for (name, (help, samples)) in self.families {
            out.push_str(&format!("# HELP {PREFIX}_{name} {help}\n"));
            out.push_str(&format!("# TYPE {PREFIX}_{name} gauge\n"));
            for s in samples {
                out.push_str(&s);
                out.push('\n');
            }
        }
        out
    }
}

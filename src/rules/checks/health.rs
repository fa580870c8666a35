//! `kind = "health"`: how an existing integration is doing, from the facts read after its
//! creation ([`crate::model::health`]): its lag, its failed tables, whether changes are still
//! being applied, and whether an alarm would tell anyone. Runs only where a pair has an
//! integration (its status is ZI005's). A metric without datapoints is "no data", never
//! zero; a read that failed is unverified.

use serde::{Deserialize, Serialize};

use crate::model::health::{Health, Metrics, LAG, LATEST_APPLIED, TABLES_FAILED};
use crate::model::reads::{Optional, Wanted};
use crate::model::{Evidence, Fact, Snapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};

use super::{About, Kind, Needs, Reads};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthCheck {
    /// `IntegrationLag` over the window is at most `max_seconds`; no data while active warns.
    Lag,
    /// No table failed replication or waits for a resync.
    FailedTables,
    /// Changes were applied within the window while the integration is active.
    LatestApplied,
    /// An alarm watches the integration's lag.
    LagAlarm,
    /// An alarm watches the integration's failed tables.
    FailedTablesAlarm,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub check: HealthCheck,
    /// `lag`: the most lag accepted, in seconds (`--max-lag` and `max_lag` set it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_seconds: Option<u64>,
}

pub const ABOUT: About = About {
    name: "health",
    fields: "`check = \"lag\" \\| \"failed_tables\" \\| \"latest_applied\" \\| \"lag_alarm\" \\| \"failed_tables_alarm\"`, `max_seconds` (lag)",
    checks: "an existing integration's CloudWatch metrics, alarms and (`--tables`) table states",
};

impl Kind for Spec {
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        &super::ALL_SOURCES
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        let Some(h) = &snap.health else {
            return Outcome::new(
                Verdict::NotApplicable,
                "no integration exists between this source and target",
                Evidence::default(),
            );
        };
        match self.check {
            HealthCheck::Lag => lag(
                h,
                self.max_seconds.unwrap_or(900),
                snap.source.table().is_some(),
            ),
            HealthCheck::FailedTables => failed_tables(h),
            HealthCheck::LatestApplied => latest_applied(h),
            HealthCheck::LagAlarm => alarm(h, LAG, &h.alarms.ok().map(|a| a.lag.clone())),
            HealthCheck::FailedTablesAlarm => alarm(
                h,
                TABLES_FAILED,
                &h.alarms.ok().map(|a| a.failed_tables.clone()),
            ),
        }
        .on(h.integration_arn.clone())
    }

    fn reads(&self) -> Reads {
        Reads::Facts
    }

    fn optional_reads(&self) -> Wanted {
        Wanted::of(&[Optional::Integrations, Optional::Health])
    }

    fn roles(&self) -> &'static [&'static str] {
        &["integration"]
    }

    fn needs(&self) -> Needs {
        Needs::Health
    }

    fn validate(&self) -> Result<(), String> {
        match (self.check, self.max_seconds) {
            (HealthCheck::Lag, None) => Err("check \"lag\" needs max_seconds".into()),
            (HealthCheck::Lag, Some(0)) => Err("max_seconds must be at least 1".into()),
            _ => Ok(()),
        }
    }
}

fn active(h: &Health) -> bool {
    h.status.eq_ignore_ascii_case("active")
}

/// The metrics, or the outcome that says they could not be read.
fn metrics(h: &Health) -> Result<&Metrics, Box<Outcome>> {
    match &h.metrics {
        Fact::Ok(m) => Ok(m),
        Fact::Error(e) => Err(Box::new(Outcome::unknown(
            format!(
                "the metrics of integration {} could not be read: {}",
                h.integration_id(),
                e.describe()
            ),
            Evidence {
                failed_call: Some(e.call.clone()),
                actual_source: Some(ValueSource::Unknown),
                ..Default::default()
            },
        ))),
    }
}

fn evidence(field: &str, expected: String) -> Evidence {
    Evidence {
        field: Some(field.into()),
        expected: Some(expected),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    }
}

/// `SVV_INTEGRATION.current_lag` (milliseconds), in seconds, when `--tables` read it.
fn current_lag(h: &Health) -> Option<f64> {
    let t = h.tables.as_ref()?;
    t.current_lag.as_deref()?.trim().parse::<f64>().ok().map(|ms| ms / 1000.0)
}

/// `table`: the source is a DynamoDB table, whose lag has causes of its own.
fn lag(h: &Health, limit: u64, table: bool) -> Outcome {
    let mut ev = evidence(LAG, format!("at most {limit} s"));
    let m = match metrics(h) {
        Ok(m) => m,
        Err(o) => return *o,
    };
    let (max, from) = match (m.max(LAG), current_lag(h)) {
        (Some(v), _) => (v, format!("{LAG} over the last {} s", h.window)),
        (None, Some(v)) => (v, "SVV_INTEGRATION.current_lag".to_string()),
        (None, None) if active(h) => {
            ev.actual = Some("no data".into());
            return Outcome::new(
                Verdict::Advisory,
                format!(
                    "integration {} is active but CloudWatch has no {LAG} datapoints in {} over the last {} s: no data is not zero lag; check that the integration replicates (SVV_INTEGRATION, audit --tables)",
                    h.integration_id(),
                    m.namespace,
                    h.window
                ),
                ev,
            );
        }
        (None, None) => {
            return Outcome::new(
                Verdict::NotApplicable,
                format!(
                    "integration {} is {}: its lag is judged once it is active",
                    h.integration_id(),
                    h.status
                ),
                ev,
            )
        }
    };
    ev.actual = Some(format!("{max} s"));
    if max > limit as f64 {
        let causes = if table {
            "a DynamoDB integration loads by incremental exports every 15 to 30 minutes: lag beyond that means exports are missed or failing (point-in-time recovery turned off, the table's key or policy changed)"
        } else {
            "AWS names heavy SAVEPOINT use on Aurora MySQL, large transactions and source load as causes"
        };
        Outcome::new(
            Verdict::Violation,
            format!(
                "integration {} lags: {from} reached {max} s, more than {limit} s (--max-lag). {causes}; see the troubleshooting page, and SVV_INTEGRATION and SYS_INTEGRATION_ACTIVITY for what is being applied",
                h.integration_id()
            ),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Pass,
            format!("{from} peaked at {max} s, within {limit} s"),
            ev,
        )
    }
}

fn failed_tables(h: &Health) -> Outcome {
    let mut ev = evidence(TABLES_FAILED, "0 tables failed or waiting for a resync".into());
    // The Redshift side's own list, when `--tables` read it, names each table.
    if let Some(t) = h.tables.as_ref().filter(|t| t.failed_call.is_none()) {
        if !t.tables.is_empty() {
            let named: Vec<String> = t
                .tables
                .iter()
                .map(|s| match &s.reason {
                    Some(r) if !r.trim().is_empty() => {
                        format!("{} ({}: {})", s.table, s.state.trim(), r.trim())
                    }
                    _ => format!("{} ({})", s.table, s.state.trim()),
                })
                .collect();
            ev.actual = Some(named.join("; "));
            return Outcome::new(
                Verdict::Violation,
                format!(
                    "integration {} has {} table(s) not replicating: {}. A table without a primary key fails until it has one (REDSHIFT-INTEGRATION-EVENT-0004); an unsupported type until the column is dropped or the table filtered out (-0005); then ALTER DATABASE … INTEGRATION REFRESH TABLE schema.table (or INERROR TABLES) reloads it",
                    h.integration_id(),
                    t.tables.len(),
                    named.join("; ")
                ),
                ev,
            );
        }
    }
    let m = match metrics(h) {
        Ok(m) => m,
        Err(o) => return *o,
    };
    match m.latest(TABLES_FAILED) {
        Some(p) if p.value > 0.0 => {
            ev.actual = Some(format!("{}", p.value));
            Outcome::new(
                Verdict::Violation,
                format!(
                    "integration {}: {TABLES_FAILED} is {} (latest datapoint): tables failed replication and cannot be queried. `audit --tables` names them and why (SVV_INTEGRATION_TABLE_STATE); fix the cause (a primary key, an unsupported type), then ALTER DATABASE … INTEGRATION REFRESH INERROR TABLES",
                    h.integration_id(),
                    p.value
                ),
                ev,
            )
        }
        Some(p) => {
            ev.actual = Some(format!("{}", p.value));
            Outcome::new(Verdict::Pass, format!("{TABLES_FAILED} is 0"), ev)
        }
        None if active(h) => {
            ev.actual = Some("no data".into());
            Outcome::new(
                Verdict::Advisory,
                format!(
                    "integration {} is active but CloudWatch has no {TABLES_FAILED} datapoints over the last {} s: whether tables fail is not known (audit --tables reads the Redshift side)",
                    h.integration_id(),
                    h.window
                ),
                ev,
            )
        }
        None => Outcome::new(
            Verdict::NotApplicable,
            format!("integration {} is {}", h.integration_id(), h.status),
            ev,
        ),
    }
}

fn latest_applied(h: &Health) -> Outcome {
    let mut ev = evidence(
        LATEST_APPLIED,
        format!("a change applied within the last {} s", h.window),
    );
    if !active(h) {
        return Outcome::new(
            Verdict::NotApplicable,
            format!("integration {} is {}", h.integration_id(), h.status),
            ev,
        );
    }
    let m = match metrics(h) {
        Ok(m) => m,
        Err(o) => return *o,
    };
    let Some(p) = m.latest(LATEST_APPLIED) else {
        ev.actual = Some("no data".into());
        return Outcome::new(
            Verdict::NotApplicable,
            format!("no {LATEST_APPLIED} datapoints over the last {} s (ZH001 says whether the integration reports at all)", h.window),
            ev,
        );
    };
    // The value is the time of the last applied change, in seconds since the epoch.
    let age = h.read_at - p.value as i64;
    ev.actual = Some(format!("{age} s ago"));
    if age > h.window as i64 {
        Outcome::new(
            Verdict::Violation,
            format!(
                "integration {} is active but its last applied change is {age} s old, older than the {} s window: nothing changed on the source, or replication is stuck (SVV_INTEGRATION.state, SYS_INTEGRATION_ACTIVITY)",
                h.integration_id(),
                h.window
            ),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Pass,
            format!("the last change was applied {age} s ago"),
            ev,
        )
    }
}

fn alarm(h: &Health, metric: &str, names: &Option<Vec<String>>) -> Outcome {
    let mut ev = evidence("MetricAlarms", format!("an alarm on {metric} for this integration"));
    match (&h.alarms, names) {
        (Fact::Error(e), _) => {
            ev.failed_call = Some(e.call.clone());
            ev.actual_source = Some(ValueSource::Unknown);
            Outcome::unknown(
                format!("the alarms could not be listed: {}", e.describe()),
                ev,
            )
        }
        (_, Some(list)) if !list.is_empty() => {
            ev.actual = Some(list.join(", "));
            Outcome::new(
                Verdict::Pass,
                format!("{metric} is watched by {}", list.join(", ")),
                ev,
            )
        }
        _ => {
            ev.actual = Some("no alarm".into());
            Outcome::new(
                Verdict::Violation,
                format!(
                    "no CloudWatch alarm watches {metric} of integration {}: nobody is told when it {}",
                    h.integration_id(),
                    if metric == LAG { "falls behind" } else { "stops replicating a table" }
                ),
                ev,
            )
        }
    }
}

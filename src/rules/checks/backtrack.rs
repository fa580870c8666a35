//! `kind = "backtrack"`: Aurora MySQL backtrack is not enabled and shows no sign of ever having been (`BacktrackWindow`, `EarliestBacktrackTime`, `BacktrackConsumedChangeRecords`).

use crate::model::reads::{Optional, Wanted};
use serde::{Deserialize, Serialize};
use crate::model::{RdsSource, Evidence, Snapshot, ValueSource};
use crate::rules::effective;
use crate::rules::outcome::{Outcome, Verdict};
use super::{About, Kind, Reads};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {}

pub const ABOUT: About = About {
    name: "backtrack",
    fields: "",
    checks: "backtrack is off and was never on (enhanced binlog cannot be turned on otherwise)",
};

impl Kind for Spec {
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        &[
            crate::model::SourceShape::AuroraCluster,
            crate::model::SourceShape::MultiAzCluster,
        ]
    }

    /// Whether enhanced binlog is already live settles a clean history.
    fn optional_reads(&self) -> Wanted {
        Wanted::of(&[Optional::SourceParameters, Optional::EngineDefaults])
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        super::on_rds(snap, backtrack)
    }

    fn reads(&self) -> Reads {
        Reads::paths(["source.cluster.BacktrackWindow".to_string()])
    }
}

/// Enhanced binlog cannot be turned on where backtrack is, or ever was, enabled.
fn backtrack(rds: &RdsSource) -> Outcome {
    let Some(c) = rds.cluster() else {
        return Outcome::new(
            Verdict::NotApplicable,
            format!("{} is a DB instance, not a DB cluster", rds.id()),
            Evidence::default(),
        );
    };
    let mut ev = Evidence {
        field: Some("BacktrackWindow".into()),
        expected: Some("0, and no backtrack history".into()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let window = c.backtrack_window.unwrap_or(0);
    ev.actual = Some(window.to_string());
    if window > 0 {
        return Outcome::new(
            Verdict::Violation,
            format!(
                "backtrack is enabled on {} (BacktrackWindow {window} s), so enhanced binlog cannot be turned on; {PUSHED_BY}",
                c.db_cluster_identifier
            ),
            ev,
        );
    }
    let mut traces = Vec::new();
    if let Some(t) = &c.earliest_backtrack_time {
        traces.push(format!("EarliestBacktrackTime {t}"));
    }
    if let Some(n) = c.backtrack_consumed_change_records {
        traces.push(format!("BacktrackConsumedChangeRecords {n}"));
    }
    if !traces.is_empty() {
        ev.actual = Some(format!("BacktrackWindow 0, {}", traces.join(", ")));
        return Outcome::new(
            Verdict::Violation,
            format!(
                "backtrack was enabled on {} ({}); BacktrackWindow is 0 now, but enhanced binlog cannot be turned on for a cluster that ever had backtrack; {PUSHED_BY}",
                c.db_cluster_identifier,
                traces.join(", ")
            ),
            ev,
        );
    }
    if enhanced_binlog_live(rds) {
        return Outcome::new(
            Verdict::Pass,
            "no backtrack on record, and aurora_enhanced_binlog is already 1 and live on the writer",
            ev,
        );
    }
    Outcome::new(
        Verdict::Advisory,
        format!(
            "no backtrack on record for {}, but the API does not show whether it was restored from a cluster or snapshot that had backtrack; if it was, enhanced binlog (ZM001) cannot be turned on",
            c.db_cluster_identifier
        ),
        ev,
    )
    .fix(UNKNOWN_HISTORY_FIX)
}

/// Who turns backtrack on without knowing it blocks zero-ETL, and what to ask them for.
const PUSHED_BY: &str = "AWS Config's aurora-mysql-backtracking-enabled rule and Security Hub's control RDS.14 ask for backtrack: exempt this cluster from both before it is created (a Config remediation exception, a suppressed RDS.14 finding), or the next cluster gets it too";

const UNKNOWN_HISTORY_FIX: &str = "# Nothing to change if {source_id} was never restored from a cluster or snapshot with backtrack: set the enhanced binlog parameters (ZM001) and this check passes once they are live.
# If it was, enhanced binlog cannot be turned on: move the data into a new cluster that never had backtrack (logical dump and restore).";

fn enhanced_binlog_live(rds: &RdsSource) -> bool {
    let in_sync = rds.writer().and_then(|w| w.apply_status) == Some("in-sync");
    let value = effective::resolve(
        &rds.parameter_group,
        Some(&rds.engine_defaults),
        "aurora_enhanced_binlog",
        None,
    );
    in_sync && matches!(value, Ok(e) if e.value.as_deref() == Some("1"))
}

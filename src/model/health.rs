//! How a running integration is doing: facts read after creation, judged by the health rules
//! like any other facts. Redshift publishes the integration's CloudWatch metrics (dimension
//! `IntegrationId`, the last part of the integration's ARN); an alarm may watch them; with
//! `--tables` the Redshift side's own views say which tables are not `Synced`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::fact::Fact;
use super::tables::TableStates;

/// The metrics read, by their CloudWatch names.
pub const LAG: &str = "IntegrationLag";
pub const TABLES_FAILED: &str = "IntegrationNumTablesFailedReplication";
pub const TABLES_REPLICATED: &str = "IntegrationNumTablesReplicated";
pub const LATEST_APPLIED: &str = "IntegrationLatestAppliedChange";
pub const DUPLICATE_ROWS: &str = "IntegrationDuplicateRowsDetected";
pub const METRICS: [&str; 5] = [
    LAG,
    TABLES_FAILED,
    TABLES_REPLICATED,
    LATEST_APPLIED,
    DUPLICATE_ROWS,
];
/// The metrics' dimension.
pub const DIMENSION: &str = "IntegrationId";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Health {
    /// The integration's ARN; its last part is the `IntegrationId` dimension.
    pub integration_arn: String,
    /// `creating`, `active`, `modifying`, `failed`, `deleting`, `syncing`, `needs_attention`.
    pub status: String,
    /// When the facts were read (seconds since the Unix epoch).
    pub read_at: i64,
    /// How far back the metrics go from `read_at`, in seconds.
    pub window: u64,
    /// The metrics over the window, by name.
    pub metrics: Fact<Metrics>,
    /// The CloudWatch alarms that watch the integration's metrics.
    pub alarms: Fact<Alarms>,
    /// With `--tables`: `SVV_INTEGRATION` and the tables not `Synced`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tables: Option<TableStates>,
}

/// Each metric's datapoints over the window, oldest first. A metric with no datapoints is
/// there with an empty list: "no data" is its own fact, neither zero nor healthy.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    /// The CloudWatch namespace they were read in.
    pub namespace: String,
    pub series: BTreeMap<String, Vec<Point>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Seconds since the Unix epoch.
    pub at: i64,
    pub value: f64,
}

/// The alarms that watch this integration, by what they watch.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Alarms {
    /// Alarms on `IntegrationLag` for this integration (metric-math alarms included).
    pub lag: Vec<String>,
    /// Alarms on `IntegrationNumTablesFailedReplication` for this integration.
    pub failed_tables: Vec<String>,
}

impl Health {
    /// The `IntegrationId` dimension's value: the last part of the ARN.
    pub fn integration_id(&self) -> &str {
        id_of(&self.integration_arn)
    }
}

/// An integration ARN's id (`arn:aws:rds:R:A:integration:ID` → `ID`).
pub fn id_of(arn: &str) -> &str {
    arn.rsplit([':', '/']).next().unwrap_or(arn)
}

impl Metrics {
    /// The datapoints of `name`; `None` when the metric was not asked for.
    pub fn points(&self, name: &str) -> Option<&[Point]> {
        self.series.get(name).map(Vec::as_slice)
    }

    /// The newest datapoint of `name`.
    pub fn latest(&self, name: &str) -> Option<Point> {
        self.points(name)?.iter().max_by_key(|p| p.at).copied()
    }

    /// The largest value of `name` over the window.
    pub fn max(&self, name: &str) -> Option<f64> {
        self.points(name)?.iter().map(|p| p.value).reduce(f64::max)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_id_is_the_arns_last_part() {
        assert_eq!(
            super::id_of("arn:aws:rds:us-east-1:123456789012:integration:5b9f3d2c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"),
            "5b9f3d2c-1a2b-4c3d-8e9f-0a1b2c3d4e5f"
        );
    }
}

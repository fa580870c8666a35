//! `kind = "source_shape"`: the source is a kind of resource zero-ETL takes from its engine
//! (an RDS for PostgreSQL DB instance, not a Multi-AZ DB cluster).

use serde::{Deserialize, Serialize};

use crate::model::{RdsSource, Evidence, Snapshot, SourceShape, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};

use super::{About, Kind, Reads};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The shapes the engine's zero-ETL takes.
    pub expect: Vec<SourceShape>,
}

pub const ABOUT: About = About {
    name: "source_shape",
    fields: "`expect = [\"aurora_cluster\" \\| \"instance\" \\| \"multi_az_cluster\", ...]`",
    checks: "the source is a DB instance, an Aurora cluster or a Multi-AZ DB cluster, as the engine needs",
};

impl Kind for Spec {
    fn run(&self, snap: &Snapshot) -> Outcome {
        super::on_rds(snap, |rds| self.judge(rds))
    }

    fn reads(&self) -> Reads {
        Reads::paths([
            "source.cluster.Engine".to_string(),
            "source.instance".to_string(),
        ])
    }

    fn validate(&self) -> Result<(), String> {
        if self.expect.is_empty() {
            return Err("a source_shape check needs at least one shape in expect".into());
        }
        Ok(())
    }
}

impl Spec {
    fn judge(&self, rds: &RdsSource) -> Outcome {
        let shape = rds.shape();
        let name = |s: SourceShape| match s {
            SourceShape::AuroraCluster => "an Aurora DB cluster",
            SourceShape::Instance => "a DB instance",
            SourceShape::MultiAzCluster => "a Multi-AZ DB cluster",
            SourceShape::DynamodbTable => "a DynamoDB table",
        };
        let ev = Evidence {
            field: Some("source".into()),
            expected: Some(
                self.expect
                    .iter()
                    .map(|s| name(*s))
                    .collect::<Vec<_>>()
                    .join(" or "),
            ),
            actual: Some(name(shape).into()),
            actual_source: Some(ValueSource::User),
            ..Default::default()
        };
        if self.expect.contains(&shape) {
            Outcome::new(
                Verdict::Pass,
                format!("{} is {}", rds.id(), name(shape)),
                ev,
            )
        } else {
            Outcome::new(
                Verdict::Violation,
                format!(
                    "{} is {}; zero-ETL from {} takes {}",
                    rds.id(),
                    name(shape),
                    rds.engine(),
                    ev.expected.clone().unwrap_or_default()
                ),
                ev,
            )
        }
    }
}

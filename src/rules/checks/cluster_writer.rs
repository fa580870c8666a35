//! `kind = "cluster_writer"`: the cluster has members and exactly one writer.

use serde::{Deserialize, Serialize};
use crate::model::{RdsSource, Evidence, Snapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use super::{About, Kind, Reads};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {}

pub const ABOUT: About = About {
    name: "cluster_writer",
    fields: "",
    checks: "the cluster has members and one writer",
};

impl Kind for Spec {
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        &[
            crate::model::SourceShape::AuroraCluster,
            crate::model::SourceShape::MultiAzCluster,
        ]
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        super::on_rds(snap, cluster_writer)
    }

    fn reads(&self) -> Reads {
        Reads::paths(["source.cluster.DBClusterMembers".to_string()])
    }
}

fn cluster_writer(rds: &RdsSource) -> Outcome {
    let Some(c) = rds.cluster() else {
        return Outcome::new(
            Verdict::NotApplicable,
            format!("{} is a DB instance, not a DB cluster", rds.id()),
            Evidence::default(),
        );
    };
    let writers: Vec<&str> = c
        .db_cluster_members
        .iter()
        .filter(|m| m.is_cluster_writer)
        .map(|m| m.db_instance_identifier.as_str())
        .collect();
    let ev = Evidence {
        field: Some("DBClusterMembers".into()),
        expected: Some("one writer instance".into()),
        actual: Some(format!(
            "{}, writer: {}",
            crate::model::words::count(c.db_cluster_members.len(), "member", "members"),
            if writers.is_empty() {
                "none".to_string()
            } else {
                writers.join(", ")
            }
        )),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    match writers.as_slice() {
        [w] => Outcome::new(Verdict::Pass, format!("writer instance is {w}"), ev),
        [] if c.db_cluster_members.is_empty() => Outcome::new(
            Verdict::Violation,
            format!(
                "cluster {} has no DB instances; zero-ETL needs at least one",
                c.db_cluster_identifier
            ),
            ev,
        ),
        [] => Outcome::new(
            Verdict::Violation,
            format!("cluster {} has no writer instance", c.db_cluster_identifier),
            ev,
        ),
        _ => Outcome::new(
            Verdict::Violation,
            format!(
                "cluster {} reports several writers",
                c.db_cluster_identifier
            ),
            ev,
        ),
    }
}

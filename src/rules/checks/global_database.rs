//! `kind = "global_database"`: the source is not a secondary cluster of a global database.

use serde::{Deserialize, Serialize};
use crate::model::{RdsSource, Evidence, Fact, Snapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use super::{About, Kind, Reads};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {}

pub const ABOUT: About = About {
    name: "global_database",
    fields: "",
    checks: "the source is not a secondary cluster of a global database",
};

impl Kind for Spec {
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        &[
            crate::model::SourceShape::AuroraCluster,
            crate::model::SourceShape::MultiAzCluster,
        ]
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        super::on_rds(snap, global_database)
    }

    fn reads(&self) -> Reads {
        Reads::paths(["source.cluster.GlobalClusterIdentifier".to_string()])
    }
}

/// AUR-T9: a secondary cluster of a global database is not documented as a source.
fn global_database(rds: &RdsSource) -> Outcome {
    let Some(c) = rds.cluster() else {
        return Outcome::new(
            Verdict::NotApplicable,
            format!("{} is a DB instance, not a DB cluster", rds.id()),
            Evidence::default(),
        );
    };
    let mut ev = Evidence {
        field: Some("GlobalClusterMembers[].IsWriter".into()),
        expected: Some("not a global database member, or its writer (primary)".into()),
        ..Default::default()
    };
    let Some(id) = &c.global_cluster_identifier else {
        ev.actual = Some("not in a global database".into());
        ev.actual_source = Some(ValueSource::User);
        return Outcome::new(
            Verdict::Pass,
            format!(
                "cluster {} is not part of a global database",
                c.db_cluster_identifier
            ),
            ev,
        );
    };
    let Some(fact) = &rds.global_cluster else {
        ev.actual_source = Some(ValueSource::Unknown);
        return Outcome::unknown(
            format!(
                "cluster {} belongs to global database {id}, which this snapshot does not describe",
                c.db_cluster_identifier
            ),
            ev,
        );
    };
    let g = match fact {
        Fact::Ok(g) => g,
        Fact::Error(e) => {
            ev.actual_source = Some(ValueSource::Unknown);
            ev.failed_call = Some(e.call.clone());
            return Outcome::unknown(
                format!("cannot read global database {id}: {}", e.describe()),
                ev,
            );
        }
    };
    ev.actual_source = Some(ValueSource::User);
    match g
        .global_cluster_members
        .iter()
        .find(|m| m.db_cluster_arn == c.db_cluster_arn)
    {
        Some(m) if m.is_writer => {
            ev.actual = Some(format!("writer (primary) of {id}"));
            Outcome::new(
                Verdict::Pass,
                format!(
                    "cluster {} is the primary of global database {id}; note that a failover to another Region makes the integration inactive",
                    c.db_cluster_identifier
                ),
                ev,
            )
        }
        Some(_) => {
            ev.actual = Some(format!("secondary of {id}"));
            Outcome::new(
                Verdict::Violation,
                format!(
                    "cluster {} is a secondary of global database {id}; AWS does not document a secondary as a zero-ETL source: use the primary",
                    c.db_cluster_identifier
                ),
                ev,
            )
        }
        None => {
            ev.actual = Some(format!("not listed among the members of {id}"));
            Outcome::unknown(
                format!(
                    "global database {id} does not list cluster {} as a member",
                    c.db_cluster_identifier
                ),
                ev,
            )
        }
    }
}

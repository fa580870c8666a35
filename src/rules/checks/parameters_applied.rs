//! `kind = "parameters_applied"`: the writer's `DBClusterParameterGroupStatus` is `in-sync`.

use serde::{Deserialize, Serialize};
use crate::model::{RdsSource, Evidence, Snapshot, SourceShape, ValueSource};
use crate::rules::effective::IN_SYNC;
use crate::rules::outcome::{Outcome, Verdict};
use super::{About, Kind, Reads};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {}

pub const ABOUT: About = About {
    name: "parameters_applied",
    fields: "",
    checks: "the writer's `DBClusterParameterGroupStatus` is `in-sync`",
};

impl Kind for Spec {
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        &[
            crate::model::SourceShape::AuroraCluster,
            crate::model::SourceShape::MultiAzCluster,
        ]
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        super::on_rds(snap, applied)
    }

    fn reads(&self) -> Reads {
        Reads::paths(["source.cluster.DBClusterMembers".to_string()])
    }
}

/// The writer's DBClusterParameterGroupStatus is `in-sync`.
fn applied(rds: &RdsSource) -> Outcome {
    let Some(c) = rds.cluster() else {
        return Outcome::new(
            Verdict::NotApplicable,
            format!("{} is a DB instance, not a DB cluster", rds.id()),
            Evidence::default(),
        );
    };
    let mut ev = Evidence {
        field: Some("DBClusterParameterGroupStatus".into()),
        expected: Some(IN_SYNC.into()),
        parameter_group: Some(c.db_cluster_parameter_group.clone()),
        ..Default::default()
    };
    let Some(writer) = c.writer() else {
        ev.actual_source = Some(ValueSource::Unknown);
        return Outcome::unknown(
            "the cluster has no writer instance, so no parameter group is applied anywhere",
            ev,
        );
    };
    let status = writer.db_cluster_parameter_group_status.clone();
    ev.actual = status.clone();
    ev.actual_source = Some(if status.is_some() {
        ValueSource::User
    } else {
        ValueSource::Unknown
    });
    let Some(status) = status else {
        return Outcome::unknown(
            format!(
                "writer {} reports no DBClusterParameterGroupStatus",
                writer.db_instance_identifier
            ),
            ev,
        );
    };
    if status != IN_SYNC {
        // A Multi-AZ DB cluster reboots as a whole (RebootDBCluster), not its writer alone.
        let rebooted = if rds.shape() == SourceShape::MultiAzCluster {
            "the DB cluster is rebooted"
        } else {
            "it is rebooted"
        };
        return Outcome::new(
            Verdict::Violation,
            format!(
                "writer {} is {status}: the values in {} are not live until {rebooted}",
                writer.db_instance_identifier, c.db_cluster_parameter_group
            ),
            ev,
        );
    }
    let stale: Vec<String> = c
        .db_cluster_members
        .iter()
        .filter(|m| !m.is_cluster_writer)
        .filter(|m| m.db_cluster_parameter_group_status.as_deref() != Some(IN_SYNC))
        .map(|m| {
            format!(
                "{} ({})",
                m.db_instance_identifier,
                m.db_cluster_parameter_group_status
                    .as_deref()
                    .unwrap_or("unknown")
            )
        })
        .collect();
    if stale.is_empty() {
        Outcome::new(
            Verdict::Pass,
            format!(
                "{} is in-sync on writer {}",
                c.db_cluster_parameter_group, writer.db_instance_identifier
            ),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Advisory,
            format!(
                "{} is in-sync on writer {}, but not on readers: {}; some engine versions need \
                 readers rebooted after a group change",
                c.db_cluster_parameter_group,
                writer.db_instance_identifier,
                stale.join(", ")
            ),
            ev,
        )
    }
}

//! How the source cluster is deployed: global databases and blue/green deployments.

use crate::model::{Evidence, Fact, Snapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};

/// Statuses of a blue/green deployment that is over.
const BLUE_GREEN_DONE: [&str; 2] = ["SWITCHOVER_COMPLETED", "DELETING"];

/// AUR-T9: a secondary cluster of a global database is not documented as a source.
pub fn global_database(snap: &Snapshot) -> Outcome {
    let c = &snap.source.cluster;
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
    let Some(fact) = &snap.source.global_cluster else {
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

/// AUR-T8: no blue/green deployment of the source is in progress.
pub fn blue_green(snap: &Snapshot) -> Outcome {
    let mut ev = Evidence {
        field: Some("BlueGreenDeployments[].Status".into()),
        expected: Some("none in progress".into()),
        ..Default::default()
    };
    let list = match &snap.source.blue_green_deployments {
        None => {
            ev.actual_source = Some(ValueSource::Unknown);
            return Outcome::unknown(
                "this snapshot does not record blue/green deployments (it predates them): save it again",
                ev,
            );
        }
        Some(Fact::Error(e)) => {
            ev.actual_source = Some(ValueSource::Unknown);
            ev.failed_call = Some(e.call.clone());
            return Outcome::unknown(
                format!("cannot list blue/green deployments: {}", e.describe()),
                ev,
            );
        }
        Some(Fact::Ok(list)) => list,
    };
    ev.actual_source = Some(ValueSource::User);
    let active: Vec<String> = list
        .iter()
        .filter(|d| !BLUE_GREEN_DONE.contains(&d.status.as_str()))
        .map(|d| format!("{} ({})", d.blue_green_deployment_identifier, d.status))
        .collect();
    ev.actual = Some(if active.is_empty() {
        "none".into()
    } else {
        active.join(", ")
    });
    if active.is_empty() {
        Outcome::new(
            Verdict::Pass,
            "no blue/green deployment of this cluster is in progress",
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "blue/green deployment {} of this cluster is in progress; a switchover breaks the integration (delete and recreate it afterwards)",
                active.join(", ")
            ),
            ev,
        )
    }
}

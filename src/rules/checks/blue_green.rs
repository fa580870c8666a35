//! `kind = "blue_green"`: no blue/green deployment of the source is in progress.

use crate::model::reads::{Optional, Wanted};
use serde::{Deserialize, Serialize};
use crate::model::{RdsSource, Evidence, Fact, Snapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use super::{About, Kind, Reads};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {}

pub const ABOUT: About = About {
    name: "blue_green",
    fields: "",
    checks: "no blue/green deployment of the source is in progress",
};

impl Kind for Spec {
    fn optional_reads(&self) -> Wanted {
        Wanted::of(&[Optional::BlueGreen])
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        super::on_rds(snap, blue_green)
    }

    fn reads(&self) -> Reads {
        // DescribeBlueGreenDeployments is a fact of the snapshot: a failed read is in it.
        Reads::Facts
    }
}

/// Statuses of a blue/green deployment that is over.
const BLUE_GREEN_DONE: [&str; 2] = ["SWITCHOVER_COMPLETED", "DELETING"];

/// AUR-T8: no blue/green deployment of the source is in progress.
fn blue_green(rds: &RdsSource) -> Outcome {
    let mut ev = Evidence {
        field: Some("BlueGreenDeployments[].Status".into()),
        expected: Some("none in progress".into()),
        ..Default::default()
    };
    let list = match &rds.blue_green_deployments {
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
    let what = if rds.instance().is_some() {
        "instance"
    } else {
        "cluster"
    };
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
            format!("no blue/green deployment of this {what} is in progress"),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "blue/green deployment {} of this {what} is in progress; a switchover breaks the integration (delete and recreate it afterwards)",
                active.join(", ")
            ),
            ev,
        )
    }
}

//! `kind = "source_parameter"`: the effective value of a parameter in the source's DB cluster parameter group, and whether it is live on the writer.

use serde::{Deserialize, Serialize};
use crate::model::{RdsSource, Evidence, Snapshot, SourceShape};
use crate::rules::condition::{Condition, DocumentedDefault};
use crate::rules::effective::{judge, IN_SYNC, REBOOT_DB_CLUSTER, REBOOT_WRITER};
use crate::rules::effective::{self};
use crate::rules::outcome::Outcome;
use super::{About, Kind, Reads};

/// The parameter, the condition its value must meet, and the default AWS documents for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub parameter: String,
    pub expect: Condition,
    #[serde(default)]
    pub documented_default: Option<DocumentedDefault>,
}

pub const ABOUT: About = About {
    name: "source_parameter",
    fields: "`parameter`, `expect`, `documented_default = { value, reference }`",
    checks: "effective value in the source's cluster parameter group, and that it is live on the writer",
};

impl Kind for Spec {
    fn run(&self, snap: &Snapshot) -> Outcome {
        super::on_rds(snap, |rds| source(rds, &self.parameter, &self.expect, self.documented_default.as_ref()))
    }

    fn reads(&self) -> Reads {
        Reads::paths([
            "source.parameter_group".to_string(),
            format!("source.parameter_group.{}", self.parameter),
        ])
    }

    fn roles(&self) -> &'static [&'static str] {
        &["source_group", "source"]
    }
}

/// A parameter of the source's DB cluster parameter group.
fn source(
    rds: &RdsSource,
    name: &str,
    expect: &Condition,
    documented: Option<&DocumentedDefault>,
) -> Outcome {
    let group = rds.parameter_group_name();
    let writer = rds.writer();
    let apply_status = writer.and_then(|w| w.apply_status.map(str::to_string));
    let ev = Evidence {
        parameter: Some(name.to_string()),
        expected: Some(expect.describe()),
        parameter_group: Some(group.to_string()),
        apply_status: apply_status.clone(),
        ..Default::default()
    };
    let resolved = effective::resolve(
        &rds.parameter_group,
        Some(&rds.engine_defaults),
        name,
        documented,
    );
    // Without a writer the apply status cannot be judged here; ZC002 reports the missing writer.
    // An RDS source is its own writer: it is named as the instance it is.
    let (who, field) = match rds.instance() {
        Some(_) => ("instance", "ParameterApplyStatus"),
        None => ("writer", "DBClusterParameterGroupStatus"),
    };
    // A Multi-AZ DB cluster reboots as a whole (RebootDBCluster), not its writer alone.
    let (reboot, command) = if rds.shape() == SourceShape::MultiAzCluster {
        ("reboot the DB cluster", REBOOT_DB_CLUSTER)
    } else {
        ("reboot it", REBOOT_WRITER)
    };
    let not_live = match (writer, apply_status.as_deref()) {
        (Some(w), Some(s)) if s != IN_SYNC => Some(format!(
            "{who} {} is {s}; {reboot} to apply the group",
            w.id
        )),
        (Some(w), None) => Some(format!("{who} {} reports no {field}", w.id)),
        _ => None,
    };
    judge(
        name,
        group,
        expect,
        resolved,
        not_live.map(|w| (w, command)),
        ev,
    )
}

//! `kind = "target_parameter"`: a Redshift parameter: the provisioned cluster's parameter group (and its apply status), or the Serverless workgroup's `configParameters`.

use serde::{Deserialize, Serialize};
use crate::model::{Evidence, Snapshot, TargetSnapshot, ValueSource};
use crate::rules::condition::{Condition, DocumentedDefault};
use crate::rules::effective::{judge, IN_SYNC, REBOOT_CLUSTER};
use crate::rules::effective::{self, Effective};
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
    name: "target_parameter",
    fields: "`parameter`, `expect`, `documented_default`",
    checks: "provisioned: the cluster's parameter group (and `ParameterApplyStatus`); Serverless: the workgroup's `configParameters`",
};

impl Kind for Spec {
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        &super::ALL_SOURCES
    }

    fn needs_source(&self) -> bool {
        false
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        target(snap, &self.parameter, &self.expect, self.documented_default.as_ref())
    }

    fn resource(&self, snap: &Snapshot) -> String {
        super::workgroup_resource(snap)
    }

    fn reads(&self) -> Reads {
        Reads::paths([
            "target.parameter_group".to_string(),
            format!("target.parameter_group.{}", self.parameter),
        ])
    }

    fn roles(&self) -> &'static [&'static str] {
        &["target_group", "target"]
    }
}

/// A Redshift parameter: provisioned cluster parameter group, or Serverless `configParameters`.
fn target(
    snap: &Snapshot,
    name: &str,
    expect: &Condition,
    documented: Option<&DocumentedDefault>,
) -> Outcome {
    match &snap.target {
        TargetSnapshot::Provisioned(p) => {
            let status = p.cluster.cluster_parameter_groups.first();
            let group = status
                .map(|s| s.parameter_group_name.clone())
                .or_else(|| p.parameter_group.ok().map(|g| g.name.clone()))
                .unwrap_or_else(|| "(no parameter group)".into());
            let param_status = status.and_then(|s| {
                s.cluster_parameter_status_list
                    .iter()
                    .find(|x| x.parameter_name == name)
            });
            let group_status = status.and_then(|s| s.parameter_apply_status.clone());
            let param_apply = param_status.and_then(|x| x.parameter_apply_status.clone());
            let apply_status = param_apply.clone().or(group_status.clone());
            // The parameter's own entry in ClusterParameterStatusList decides; the group's
            // status speaks for it only when the list has no entry for it (another
            // parameter pending reboot does not make this one pending).
            let not_live = match &param_apply {
                Some(s) => Some(s.clone()),
                None => group_status.clone(),
            }
            .filter(|s| s != IN_SYNC)
            .map(|s| {
                let mut why = format!(
                    "cluster {} reports {s}; reboot it to apply the group",
                    p.cluster.cluster_identifier
                );
                if let Some(d) =
                    param_status.and_then(|x| x.parameter_apply_error_description.as_deref())
                {
                    why.push_str(&format!(" ({d})"));
                }
                why
            });
            let ev = Evidence {
                parameter: Some(name.to_string()),
                expected: Some(expect.describe()),
                parameter_group: Some(group.clone()),
                apply_status,
                ..Default::default()
            };
            let resolved = effective::resolve(&p.parameter_group, None, name, documented);
            judge(
                name,
                &group,
                expect,
                resolved,
                not_live.map(|w| (w, REBOOT_CLUSTER)),
                ev,
            )
        }
        TargetSnapshot::Serverless(s) => {
            let wg = &s.workgroup;
            let where_ = format!("the configParameters of workgroup {}", wg.workgroup_name);
            let ev = Evidence {
                parameter: Some(name.to_string()),
                expected: Some(expect.describe()),
                ..Default::default()
            };
            let found = wg
                .config_parameters
                .iter()
                .find(|c| c.parameter_key.eq_ignore_ascii_case(name));
            let resolved = Ok(match (found, documented) {
                (Some(c), _) => Effective {
                    value: Some(c.parameter_value.clone().unwrap_or_default()),
                    source: ValueSource::User,
                    reference: None,
                    failed_read: None,
                },
                (None, Some(d)) => Effective {
                    value: Some(d.value.clone()),
                    source: ValueSource::DocumentedDefault,
                    reference: Some(d.reference.clone()),
                    failed_read: None,
                },
                (None, None) => Effective {
                    value: None,
                    source: ValueSource::Unknown,
                    reference: None,
                    failed_read: None,
                },
            });
            judge(name, &where_, expect, resolved, None, ev)
        }
    }
}

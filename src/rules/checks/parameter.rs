//! Parameter checks: effective values, and whether they are live.

use crate::model::{Evidence, Fact, Snapshot, TargetSnapshot, ValueSource};
use crate::rules::effective::{self, Effective};
use crate::rules::outcome::{Outcome, Verdict};
use crate::rules::spec::{Condition, DocumentedDefault};

const IN_SYNC: &str = "in-sync";
/// What to do when the value is right but not live yet: only the reboot.
const REBOOT_WRITER: &str = "aws rds reboot-db-instance --db-instance-identifier {writer}";
const REBOOT_CLUSTER: &str = "aws redshift reboot-cluster --cluster-identifier {target_id}";

/// A parameter of the source's DB cluster parameter group.
pub fn source(
    snap: &Snapshot,
    name: &str,
    expect: &Condition,
    documented: Option<&DocumentedDefault>,
) -> Outcome {
    let src = &snap.source;
    let group = &src.cluster.db_cluster_parameter_group;
    let writer = src.cluster.writer();
    let apply_status = writer.and_then(|w| w.db_cluster_parameter_group_status.clone());
    let ev = Evidence {
        parameter: Some(name.to_string()),
        expected: Some(expect.describe()),
        parameter_group: Some(group.clone()),
        apply_status: apply_status.clone(),
        ..Default::default()
    };
    let resolved = effective::resolve(
        &src.parameter_group,
        Some(&src.engine_defaults),
        name,
        documented,
    );
    // Without a writer the apply status cannot be judged here; ZC002 reports the missing writer.
    let not_live = match (writer, apply_status.as_deref()) {
        (Some(w), Some(s)) if s != IN_SYNC => Some(format!(
            "writer {} is {s}; reboot it to apply the group",
            w.db_instance_identifier
        )),
        (Some(w), None) => Some(format!(
            "writer {} reports no DBClusterParameterGroupStatus",
            w.db_instance_identifier
        )),
        _ => None,
    };
    judge(
        name,
        group,
        expect,
        resolved,
        not_live.map(|w| (w, REBOOT_WRITER)),
        ev,
    )
}

/// Shared by source and target parameter checks. `not_live` is why the group's values are
/// not in force yet, with the command that makes them so.
fn judge(
    name: &str,
    group: &str,
    expect: &Condition,
    resolved: Result<Effective, crate::model::CallError>,
    not_live: Option<(String, &'static str)>,
    mut ev: Evidence,
) -> Outcome {
    let eff = match resolved {
        Err(e) => {
            ev.actual_source = Some(ValueSource::Unknown);
            ev.failed_call = Some(e.call.clone());
            return Outcome::unknown(
                format!("cannot read {name} in {group}: {}", e.describe()),
                ev,
            );
        }
        Ok(eff) => eff,
    };
    ev.actual = eff.value.clone();
    ev.actual_source = Some(eff.source);
    ev.default_reference = eff.reference.clone();
    let Some(value) = eff.value.as_deref() else {
        return Outcome::unknown(
            format!(
                "{name} is not set in {group}, AWS returned no default for it, and the rule \
                 carries no documented default"
            ),
            ev,
        );
    };
    let shown = match (&eff.source, &eff.failed_read) {
        (ValueSource::DocumentedDefault, Some(e)) => format!(
            "not set in {group}; the engine defaults could not be read ({}), so this assumes the documented default {}",
            e.describe(),
            crate::rules::spec::show(value)
        ),
        (ValueSource::DocumentedDefault, None) => format!(
            "not set in {group} and AWS returned no default, so it has its documented default {}",
            crate::rules::spec::show(value)
        ),
        _ => format!("{} in {group}", eff.describe()),
    };
    let holds = expect.holds(Some(value));
    if let Some(e) = &eff.failed_read {
        // A value assumed after a failed read is never a pass: it is unverified.
        ev.failed_call = Some(e.call.clone());
        if holds {
            return Outcome::unknown(
                format!("{name} is {shown}, which would pass; {}", e.remedy()),
                ev,
            );
        }
    }
    match (holds, not_live) {
        (true, None) => Outcome::new(Verdict::Pass, format!("{name} is {shown}"), ev),
        (true, Some((why, reboot))) => Outcome::new(
            Verdict::Violation,
            format!("{name} is {shown}, but it is not live yet: {why}"),
            ev,
        )
        .fix(reboot),
        (false, live) => {
            let mut msg = format!("{name} is {shown}; zero-ETL needs {}", expect.describe());
            if let Some((why, _)) = live {
                msg.push_str(&format!(" (also: {why})"));
            }
            Outcome::new(Verdict::Violation, msg, ev)
        }
    }
}

/// None of these source parameters may have a value (binlog filtering and the like).
pub fn source_unset(snap: &Snapshot, names: &[String]) -> Outcome {
    let src = &snap.source;
    let group_name = &src.cluster.db_cluster_parameter_group;
    let ev = Evidence {
        parameter: Some(names.join(", ")),
        expected: Some("(empty)".into()),
        parameter_group: Some(group_name.clone()),
        ..Default::default()
    };
    let group = match &src.parameter_group {
        Fact::Ok(g) => g,
        Fact::Error(e) => {
            let ev = Evidence {
                failed_call: Some(e.call.clone()),
                actual_source: Some(ValueSource::Unknown),
                ..ev
            };
            return Outcome::unknown(format!("cannot read {group_name}: {}", e.describe()), ev);
        }
    };
    let defaults = src.engine_defaults.ok();
    let unread: Vec<&String> = match &src.engine_defaults {
        Fact::Error(_) => names
            .iter()
            .filter(|n| {
                group
                    .parameters
                    .get(*n)
                    .and_then(|p| p.parameter_value.as_ref())
                    .is_none()
            })
            .collect(),
        Fact::Ok(_) => Vec::new(),
    };
    let set: Vec<String> = names
        .iter()
        .filter_map(|n| {
            let v = group
                .parameters
                .get(n)
                .and_then(|p| p.parameter_value.clone())
                .or_else(|| defaults.and_then(|d| d.parameters.get(n)?.parameter_value.clone()))?;
            (!v.trim().is_empty()).then(|| format!("{n}={v}"))
        })
        .collect();
    if let (true, Fact::Error(e)) = (set.is_empty() && !unread.is_empty(), &src.engine_defaults) {
        return Outcome::unknown(
            format!(
                "no binlog filtering parameter is set in {group_name}, but the engine defaults of {} could not be read ({}); grant {} to verify",
                unread.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "),
                e.describe(),
                e.call
            ),
            Evidence {
                failed_call: Some(e.call.clone()),
                actual_source: Some(ValueSource::Unknown),
                ..ev
            },
        );
    }
    if set.is_empty() {
        Outcome::new(
            Verdict::Pass,
            format!("no binlog filtering parameter is set in {group_name}"),
            Evidence {
                actual: Some("(empty)".into()),
                actual_source: Some(ValueSource::User),
                ..ev
            },
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "{} set in {group_name}: {}",
                plural(set.len()),
                set.join(", ")
            ),
            Evidence {
                actual: Some(set.join(", ")),
                actual_source: Some(ValueSource::User),
                ..ev
            },
        )
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        "a filtering parameter is"
    } else {
        "filtering parameters are"
    }
}

/// A Redshift parameter: provisioned cluster parameter group, or Serverless `configParameters`.
pub fn target(
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

/// The writer's DBClusterParameterGroupStatus is `in-sync`.
pub fn applied(snap: &Snapshot) -> Outcome {
    let c = &snap.source.cluster;
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
        return Outcome::new(
            Verdict::Violation,
            format!(
                "writer {} is {status}: the values in {} are not live until it is rebooted",
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

//! `kind = "source_parameters_unset"`: none of these source parameters has a value (binlog filtering and the like).

use serde::{Deserialize, Serialize};
use crate::model::{RdsSource, Evidence, Fact, Snapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use super::{About, Kind, Reads};

/// The parameters that must have no value.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub parameters: Vec<String>,
}

pub const ABOUT: About = About {
    name: "source_parameters_unset",
    fields: "`parameters = [...]`",
    checks: "none of these has a value",
};

impl Kind for Spec {
    fn run(&self, snap: &Snapshot) -> Outcome {
        super::on_rds(snap, |rds| source_unset(rds, &self.parameters))
    }

    fn reads(&self) -> Reads {
        Reads::paths(
            std::iter::once("source.parameter_group".to_string()).chain(
                self.parameters
                    .iter()
                    .map(|n| format!("source.parameter_group.{n}")),
            ),
        )
    }

    fn roles(&self) -> &'static [&'static str] {
        &["source_group", "source"]
    }
}

/// None of these source parameters may have a value (binlog filtering and the like).
fn source_unset(rds: &RdsSource, names: &[String]) -> Outcome {
    let group_name = rds.parameter_group_name();
    let ev = Evidence {
        parameter: Some(names.join(", ")),
        expected: Some("(empty)".into()),
        parameter_group: Some(group_name.to_string()),
        ..Default::default()
    };
    let group = match &rds.parameter_group {
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
    let defaults = rds.engine_defaults.ok();
    let unread: Vec<&String> = match &rds.engine_defaults {
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
    if let (true, Fact::Error(e)) = (set.is_empty() && !unread.is_empty(), &rds.engine_defaults) {
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

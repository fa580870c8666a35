//! Effective parameter values: what is in force, not what is declared.
//!
//! The value of a parameter comes from the first of: the group's own value, the engine
//! default AWS returns, the documented default the rule data carries. Only if none has it is
//! the value unknown.

use crate::model::{CallError, EngineDefaults, Evidence, Fact, ParameterGroup, ValueSource};

use super::condition::{Condition, DocumentedDefault};
use super::outcome::{Outcome, Verdict};

#[derive(Debug, Clone, PartialEq)]
pub struct Effective {
    /// `None` when unknown.
    pub value: Option<String>,
    pub source: ValueSource,
    /// The documentation behind a documented default.
    pub reference: Option<String>,
    /// The engine-defaults read that failed, when the value is a documented default taken
    /// because of that failure (not because AWS answered without the parameter).
    pub failed_read: Option<CallError>,
}

impl Effective {
    /// The value with its source, for messages: `ROW (user)`.
    pub fn describe(&self) -> String {
        let v = self
            .value
            .as_deref()
            .map(super::condition::show)
            .unwrap_or_else(|| "unknown".into());
        format!("{v} ({})", source_name(self.source))
    }
}

pub fn source_name(s: ValueSource) -> &'static str {
    match s {
        ValueSource::User => "user",
        ValueSource::EngineDefault => "engine-default",
        ValueSource::DocumentedDefault => "documented-default",
        ValueSource::Unknown => "unknown",
    }
}

/// Resolve `name` in `group`, then `defaults` (if this side has engine defaults), then the
/// documented default. `Err` names the call whose failure left the value unknown.
pub fn resolve(
    group: &Fact<ParameterGroup>,
    defaults: Option<&Fact<EngineDefaults>>,
    name: &str,
    documented: Option<&DocumentedDefault>,
) -> Result<Effective, CallError> {
    let group = group.as_result().map_err(Clone::clone)?;
    if let Some(p) = group.parameters.get(name) {
        if let Some(v) = &p.parameter_value {
            // moto leaves Source out of the parameters a user set.
            let source = match p.source.as_deref() {
                None | Some("user") => ValueSource::User,
                Some(_) => ValueSource::EngineDefault,
            };
            return Ok(Effective {
                value: Some(v.clone()),
                source,
                reference: None,
                failed_read: None,
            });
        }
    }
    if let Some(Fact::Ok(d)) = defaults {
        if let Some(v) = d
            .parameters
            .get(name)
            .and_then(|p| p.parameter_value.clone())
        {
            return Ok(Effective {
                value: Some(v),
                source: ValueSource::EngineDefault,
                reference: None,
                failed_read: None,
            });
        }
    }
    let failed = match defaults {
        Some(Fact::Error(e)) => Some(e.clone()),
        _ => None,
    };
    if let Some(doc) = documented {
        return Ok(Effective {
            value: Some(doc.value.clone()),
            source: ValueSource::DocumentedDefault,
            reference: Some(doc.reference.clone()),
            failed_read: failed,
        });
    }
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(Effective {
        value: None,
        source: ValueSource::Unknown,
        reference: None,
        failed_read: None,
    })
}

// ------------------------------------------------ judging a parameter

pub const IN_SYNC: &str = "in-sync";

/// What to do when the value is right but not live yet: only the reboot.
pub const REBOOT_WRITER: &str = "aws rds reboot-db-instance --db-instance-identifier {writer}";

/// The same for a Multi-AZ DB cluster, which reboots as a whole.
pub const REBOOT_DB_CLUSTER: &str = "aws rds reboot-db-cluster --db-cluster-identifier {source_id}";

pub const REBOOT_CLUSTER: &str = "aws redshift reboot-cluster --cluster-identifier {target_id}";

/// Shared by source and target parameter checks. `not_live` is why the group's values are
/// not in force yet, with the command that makes them so.
pub fn judge(
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
            super::condition::show(value)
        ),
        (ValueSource::DocumentedDefault, None) => format!(
            "not set in {group} and AWS returned no default, so it has its documented default {}",
            super::condition::show(value)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Parameter;

    fn group(params: &[(&str, Option<&str>, Option<&str>)]) -> Fact<ParameterGroup> {
        Fact::Ok(ParameterGroup {
            name: "g".into(),
            family: None,
            defaults_only: false,
            parameters: params
                .iter()
                .map(|(n, v, s)| {
                    (
                        n.to_string(),
                        Parameter {
                            parameter_value: v.map(str::to_string),
                            source: s.map(str::to_string),
                            ..Default::default()
                        },
                    )
                })
                .collect::<std::collections::BTreeMap<_, _>>()
                .into(),
        })
    }

    fn defaults(params: &[(&str, &str)]) -> Fact<EngineDefaults> {
        Fact::Ok(EngineDefaults {
            family: "aurora-mysql8.0".into(),
            parameters: params
                .iter()
                .map(|(n, v)| {
                    (
                        n.to_string(),
                        Parameter {
                            parameter_value: Some(v.to_string()),
                            ..Default::default()
                        },
                    )
                })
                .collect::<std::collections::BTreeMap<_, _>>()
                .into(),
        })
    }

    fn doc(v: &str) -> DocumentedDefault {
        DocumentedDefault {
            value: v.into(),
            reference: "https://docs.example/x".into(),
        }
    }

    #[test]
    fn group_value_wins() {
        let e = resolve(
            &group(&[("p", Some("1"), Some("user"))]),
            Some(&defaults(&[("p", "0")])),
            "p",
            Some(&doc("0")),
        )
        .unwrap();
        assert_eq!(e.value.as_deref(), Some("1"));
        assert_eq!(e.source, ValueSource::User);
    }

    #[test]
    fn unset_falls_back_to_engine_default_then_documented() {
        let g = group(&[("p", None, Some("engine-default"))]);
        let e = resolve(&g, Some(&defaults(&[("p", "0")])), "p", Some(&doc("9"))).unwrap();
        assert_eq!(
            (e.value.as_deref(), e.source),
            (Some("0"), ValueSource::EngineDefault)
        );
        let e = resolve(&g, Some(&defaults(&[])), "p", Some(&doc("9"))).unwrap();
        assert_eq!(
            (e.value.as_deref(), e.source),
            (Some("9"), ValueSource::DocumentedDefault)
        );
        assert_eq!(e.reference.as_deref(), Some("https://docs.example/x"));
        // AWS answered without the parameter: a plain documented default.
        assert!(e.failed_read.is_none());
    }

    #[test]
    fn a_documented_default_after_a_failed_read_names_the_failure() {
        let failed: Fact<EngineDefaults> = Fact::Error(CallError::new(
            "rds:DescribeEngineDefaultClusterParameters",
            Some("AccessDenied"),
            "no",
        ));
        let e = resolve(&group(&[]), Some(&failed), "p", Some(&doc("0"))).unwrap();
        assert_eq!(e.source, ValueSource::DocumentedDefault);
        assert_eq!(
            e.failed_read.map(|f| f.call).as_deref(),
            Some("rds:DescribeEngineDefaultClusterParameters")
        );
    }

    #[test]
    fn unreadable_group_is_an_error_even_with_a_documented_default() {
        let g: Fact<ParameterGroup> = Fact::Error(CallError::new(
            "rds:DescribeDBClusterParameters",
            Some("AccessDenied"),
            "no",
        ));
        let err = resolve(&g, None, "p", Some(&doc("0"))).unwrap_err();
        assert_eq!(err.code.as_deref(), Some("AccessDenied"));
    }

    #[test]
    fn unknown_without_any_source() {
        let g = group(&[]);
        let e = resolve(&g, Some(&defaults(&[])), "p", None).unwrap();
        assert_eq!(e.source, ValueSource::Unknown);
        let failed: Fact<EngineDefaults> = Fact::Error(CallError::new(
            "rds:DescribeEngineDefaultClusterParameters",
            None,
            "not implemented",
        ));
        let err = resolve(&g, Some(&failed), "p", None).unwrap_err();
        assert_eq!(err.call, "rds:DescribeEngineDefaultClusterParameters");
    }
}

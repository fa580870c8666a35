//! Which parameter values a fix sets or resets, and how AWS applies them.

use crate::model::{Finding, ParameterGroup, Snapshot, Status};
use crate::rules::spec::{Applicability, Check, Condition, Rule};
use crate::rules::RuleSet;

use super::action::{Change, ParamSet};

/// RDS takes at most 20 parameters per ModifyDBClusterParameterGroup call.
pub const MAX_PER_CALL: usize = 20;

/// These three must go in the same request (AWS rejects enhanced binlog otherwise).
pub const TOGETHER: [&str; 3] = [
    "aurora_enhanced_binlog",
    "binlog_backup",
    "binlog_replication_globaldb",
];

/// Parameters whose change invalidates consumers: every logical replication slot on the
/// writer is dropped when enhanced logical replication is turned on.
pub const DISRUPTIVE: [&str; 1] = ["aurora.enhanced_logical_replication"];

/// The source-side parameter work a plan must do.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SourceParams {
    pub set: Vec<ParamSet>,
    /// Back to the engine default.
    pub reset: Vec<ParamSet>,
    pub changes: Vec<Change>,
    pub rules: Vec<String>,
}

impl SourceParams {
    pub fn is_empty(&self) -> bool {
        self.set.is_empty() && self.reset.is_empty()
    }

    pub fn needs_reboot(&self) -> bool {
        self.set
            .iter()
            .chain(&self.reset)
            .any(|p| p.apply_method == "pending-reboot")
    }
}

/// The findings a fix may act on: failing or warning, not suppressed, and not manual.
pub fn actionable<'a>(findings: &'a [Finding], rules: &'a RuleSet) -> Vec<(&'a Finding, &'a Rule)> {
    findings
        .iter()
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn) && f.suppressed.is_none())
        .filter_map(|f| Some((f, rules.find(&f.rule)?)))
        .filter(|(_, r)| r.applicability != Applicability::Manual)
        .collect()
}

/// `immediate` for dynamic parameters, else `pending-reboot` (also when unknown: it is
/// accepted for every parameter).
pub fn apply_method(snap: &Snapshot, name: &str) -> String {
    let rds = snap.source.rds();
    let from_group = rds
        .and_then(|r| r.parameter_group.ok())
        .and_then(|g| g.parameters.get(name)?.apply_type.clone());
    let from_defaults = || {
        rds.and_then(|r| r.engine_defaults.ok())
            .and_then(|d| d.parameters.get(name)?.apply_type.clone())
    };
    match from_group.or_else(from_defaults).as_deref() {
        Some("dynamic") => "immediate".into(),
        _ => "pending-reboot".into(),
    }
}

/// The value the fix sets for a condition, if it can pick one: the required value, or for a
/// "not X" condition the documented default when that satisfies it (`None`: reset).
/// For a lower bound, the bound itself: the smallest change that passes.
fn desired(expect: &Condition, documented: Option<&str>) -> Option<Option<String>> {
    match expect {
        Condition::Equals(v) => Some(Some(v.to_string())),
        Condition::OneOf(vs) if !vs.is_empty() => Some(Some(vs[0].to_string())),
        Condition::AtLeast(n) if n.fract() == 0.0 => Some(Some(format!("{n:.0}"))),
        Condition::AnyOf(cs) => cs.iter().find_map(|c| desired(c, documented)),
        other => documented.filter(|d| other.holds(Some(d))).map(|_| None),
    }
}

/// The engine's default value of a parameter, as read (DescribeEngineDefault*Parameters).
fn engine_default(snap: &Snapshot, name: &str) -> Option<String> {
    snap.source
        .rds()?
        .engine_defaults
        .ok()?
        .parameters
        .get(name)?
        .parameter_value
        .clone()
}

/// A failing parameter whose value in the group is already right: only not live yet.
pub fn right_but_not_live(f: &Finding, rule: &Rule) -> bool {
    match &rule.check {
        Check::SourceParameter(p) => {
            f.evidence.actual.is_some() && p.expect.holds(f.evidence.actual.as_deref())
        }
        _ => false,
    }
}

/// The user-set values of a group: what a copy carries over.
pub fn user_values(group: &ParameterGroup) -> Vec<(String, String)> {
    group
        .parameters
        .iter()
        .filter(|(_, p)| matches!(p.source.as_deref(), None | Some("user")))
        .filter_map(|(n, p)| Some((n.clone(), p.parameter_value.clone()?)))
        .collect()
}

pub fn source_params(snap: &Snapshot, findings: &[Finding], rules: &RuleSet) -> SourceParams {
    let mut out = SourceParams::default();
    for (f, rule) in actionable(findings, rules) {
        match &rule.check {
            Check::SourceParameter(crate::rules::checks::source_parameter::Spec {
                parameter,
                expect,
                documented_default,
            }) => {
                let actual = f.evidence.actual.as_deref();
                if f.evidence.actual.is_some() && expect.holds(actual) {
                    continue; // right value, not live yet: the reboot handles it
                }
                let documented = documented_default.as_ref().map(|d| d.value.as_str());
                let Some(want) = desired(expect, documented) else {
                    continue;
                };
                // A reset gives the engine's default: when the one read does not hold, the
                // documented value is set instead (and with none to set, it stays manual).
                let want = match want {
                    None if engine_default(snap, parameter)
                        .is_some_and(|d| !expect.holds(Some(&d))) =>
                    {
                        match documented.filter(|d| !d.is_empty()) {
                            Some(d) => Some(d.to_string()),
                            None => continue,
                        }
                    }
                    want => want,
                };
                let p = ParamSet {
                    name: parameter.clone(),
                    value: want.clone().unwrap_or_default(),
                    apply_method: apply_method(snap, parameter),
                };
                let after = want.unwrap_or_else(|| "(engine default)".into());
                out.changes
                    .push(Change::new(parameter, actual, Some(&after)));
                if p.value.is_empty() {
                    out.reset.push(p);
                } else {
                    out.set.push(p);
                }
                out.rules.push(f.rule.clone());
            }
            Check::SourceParametersUnset(crate::rules::checks::source_parameters_unset::Spec {
                parameters,
            }) => {
                let Some(group) = snap.source.rds().and_then(|r| r.parameter_group.ok()) else {
                    continue;
                };
                for name in parameters {
                    let Some(v) = group
                        .parameters
                        .get(name)
                        .and_then(|p| p.parameter_value.clone())
                    else {
                        continue;
                    };
                    out.changes
                        .push(Change::new(name, Some(&v), Some("(engine default)")));
                    out.reset.push(ParamSet {
                        name: name.clone(),
                        value: String::new(),
                        apply_method: apply_method(snap, name),
                    });
                }
                out.rules.push(f.rule.clone());
            }
            _ => {}
        }
    }
    out
}

/// Split parameters into calls of at most 20, keeping [`TOGETHER`] in one call.
pub fn batches(params: &[ParamSet]) -> Vec<Vec<ParamSet>> {
    let mut sorted: Vec<ParamSet> = params.to_vec();
    sorted.sort_by_key(|p| !TOGETHER.contains(&p.name.as_str()));
    sorted
        .chunks(MAX_PER_CALL)
        .map(<[ParamSet]>::to_vec)
        .collect()
}

pub(super) fn failing<'a>(
    findings: &'a [Finding],
    rules: &'a RuleSet,
    pick: impl Fn(&Rule) -> bool,
) -> Vec<&'a Finding> {
    actionable(findings, rules)
        .into_iter()
        .filter(|(_, r)| pick(r))
        .map(|(f, _)| f)
        .collect()
}

pub(super) fn codes(fs: &[&Finding]) -> Vec<String> {
    fs.iter().map(|f| f.rule.clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(name: &str) -> ParamSet {
        ParamSet {
            name: name.into(),
            value: "1".into(),
            apply_method: "pending-reboot".into(),
        }
    }

    #[test]
    fn batches_keep_the_binlog_trio_together_and_cap_at_20() {
        let mut params: Vec<ParamSet> = (0..25).map(|i| p(&format!("p{i:02}"))).collect();
        params.push(p("binlog_replication_globaldb"));
        params.insert(3, p("aurora_enhanced_binlog"));
        params.push(p("binlog_backup"));
        let b = batches(&params);
        assert_eq!(b.len(), 2);
        assert!(b.iter().all(|c| c.len() <= MAX_PER_CALL));
        let first: Vec<&str> = b[0].iter().map(|p| p.name.as_str()).collect();
        for name in TOGETHER {
            assert!(first.contains(&name), "{name} not in the first call");
        }
        assert_eq!(b.iter().map(Vec::len).sum::<usize>(), 28);
    }
}

//! Which facts each check reads, by path, so a snapshot built from a plan can say which of
//! them it does not know. A rule that reads an unknown fact is `error` (unverified) with the
//! plan's reason, never a pass or a fail on a placeholder.
//!
//! Paths: `source.region`, `source.cluster.<Field>` (AWS's DescribeDBClusters names),
//! `source.parameter_group` and `source.parameter_group.<name>`, `target.region`,
//! `target.cluster.<Field>`, `target.workgroup.<field>`, `target.namespace.<field>`,
//! `target.parameter_group[.<name>]`, `target.namespace_arn`, `target.resource_policy`,
//! `plan.integration.<Field>`. Facts a live read can fail on are `Fact`s in the snapshot and
//! need no path.

use crate::model::{DeploymentFacts, Location, Snapshot};

use super::checks::Reads;
use crate::model::reads::{Optional, Wanted};

use super::spec::{Check, Rule};

/// The paths `check` reads (none for a kind that reads only `Fact`s).
pub fn paths(check: &Check) -> Vec<String> {
    match check.kind().reads() {
        Reads::Paths(p) => p,
        Reads::Facts => Vec::new(),
    }
}

/// Where in a plan the resource a check judges is written: the first of its roles the plan
/// locates (`source_group` before `source` for a parameter, …).
pub fn location<'a>(check: &Check, plan: &'a DeploymentFacts) -> Option<&'a Location> {
    check
        .kind()
        .roles()
        .iter()
        .find_map(|r| plan.locations.get(*r))
}

/// The optional reads a rule needs: its kind's, and the source when the kind reads it or the
/// rule applies only to some source engines (which only the source read tells).
pub fn optional_reads(rule: &Rule) -> Wanted {
    let kind = rule.check.kind();
    let w = kind.optional_reads();
    if kind.needs_source() || !rule.applies_to.engines.is_empty() {
        w.with(Optional::SourceCluster)
    } else {
        w
    }
}

/// Why `check` cannot be judged on `snap`: the first fact it reads that the plan does not
/// know. `None` for a live read.
pub fn unknown(check: &Check, snap: &Snapshot) -> Option<String> {
    let plan = snap.deployment.as_ref()?;
    if plan.unknown.is_empty() {
        return None;
    }
    paths(check)
        .iter()
        .find_map(|path| plan.unknown.get(path))
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    /// Every rule of the shipped set says what it reads: fact paths the deployment builders
    /// know how to mark, or only `Fact`s (which need none). An empty list of paths would
    /// let a deployment's unknown slip through as a judged value.
    #[test]
    fn every_rule_names_what_it_reads() {
        let rules = RuleSet::embedded().unwrap();
        for r in &rules.rules {
            match r.check.kind().reads() {
                Reads::Facts => {}
                Reads::Paths(p) => assert!(!p.is_empty(), "{}", r.code),
            }
        }
    }
}

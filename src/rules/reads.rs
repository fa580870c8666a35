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

use super::spec::{Check, DeploymentProblem, On};

/// The paths `check` reads.
pub fn paths(check: &Check) -> Vec<String> {
    let p = |s: &str| vec![s.to_string()];
    match check {
        Check::SourceParameter { parameter, .. } => vec![
            "source.parameter_group".into(),
            format!("source.parameter_group.{parameter}"),
        ],
        Check::SourceParametersUnset { parameters } => {
            let mut v = p("source.parameter_group");
            v.extend(
                parameters
                    .iter()
                    .map(|n| format!("source.parameter_group.{n}")),
            );
            v
        }
        Check::TargetParameter { parameter, .. } => vec![
            "target.parameter_group".into(),
            format!("target.parameter_group.{parameter}"),
        ],
        Check::ParametersApplied | Check::ClusterWriter => p("source.cluster.DBClusterMembers"),
        Check::Attribute { on, field, .. } => {
            let side = match on {
                On::SourceCluster => "source.cluster",
                On::TargetCluster => "target.cluster",
                On::Workgroup => "target.workgroup",
                On::Namespace => "target.namespace",
            };
            let head = field.split('.').next().unwrap_or(field);
            vec![format!("{side}.{head}"), format!("{side}.{field}")]
        }
        Check::EngineVersion { .. } => p("source.cluster.EngineVersion"),
        Check::RegionAvailable { .. } => p("source.region"),
        Check::Backtrack => p("source.cluster.BacktrackWindow"),
        Check::SameRegion => vec!["source.region".into(), "target.region".into()],
        Check::GlobalDatabase => p("source.cluster.GlobalClusterIdentifier"),
        Check::BlueGreen | Check::Data { .. } | Check::Integrations { .. } => Vec::new(),
        Check::NamespaceArn => p("target.namespace_arn"),
        Check::ResourcePolicy { .. } => p("target.resource_policy"),
        Check::Deployment { problem, .. } => match problem {
            DeploymentProblem::FilterIncludes | DeploymentProblem::FilterValid => {
                p("plan.integration.DataFilter")
            }
            // The key matters only with a context; the check asks for it then.
            DeploymentProblem::EncryptionContext => {
                p("plan.integration.AdditionalEncryptionContext")
            }
            DeploymentProblem::StaticImmediate | DeploymentProblem::SetTogether => {
                p("source.parameter_group")
            }
            DeploymentProblem::IntegrationReplaced
            | DeploymentProblem::RebootBetweenApplies
            | DeploymentProblem::Arns
            | DeploymentProblem::IntegrationName => Vec::new(),
        },
    }
}

/// Where in a plan the resource a check judges is written: the first of its roles the plan
/// locates (`source_group` before `source` for a parameter, …).
pub fn location<'a>(check: &Check, plan: &'a DeploymentFacts) -> Option<&'a Location> {
    let roles: &[&str] = match check {
        Check::SourceParameter { .. } | Check::SourceParametersUnset { .. } => {
            &["source_group", "source"]
        }
        Check::TargetParameter { .. } => &["target_group", "target"],
        Check::Attribute { on, .. } => match on {
            On::SourceCluster => &["source"],
            On::TargetCluster | On::Workgroup => &["target"],
            On::Namespace => &["namespace", "target"],
        },
        Check::ResourcePolicy { .. } => &["policy", "namespace", "target"],
        Check::NamespaceArn => &["namespace", "target"],
        Check::Integrations { .. } => &["integration", "source"],
        Check::Deployment { problem, .. } => match problem {
            DeploymentProblem::StaticImmediate | DeploymentProblem::SetTogether => {
                &["source_group", "source"]
            }
            _ => &["integration"],
        },
        _ => &["source"],
    };
    roles.iter().find_map(|r| plan.locations.get(*r))
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

    /// Every rule of the shipped set reads a path the plan builders know how to mark, or a
    /// `Fact` (which needs none): a new check kind must say what it reads.
    #[test]
    fn every_rule_but_fact_backed_ones_names_what_it_reads() {
        let rules = RuleSet::embedded().unwrap();
        for r in &rules.rules {
            let fact_backed = matches!(
                r.check,
                Check::BlueGreen
                    | Check::Data { .. }
                    | Check::Integrations { .. }
                    | Check::Deployment {
                        problem: DeploymentProblem::IntegrationReplaced
                            | DeploymentProblem::RebootBetweenApplies
                            | DeploymentProblem::Arns
                            | DeploymentProblem::IntegrationName,
                        ..
                    }
            );
            assert!(fact_backed || !paths(&r.check).is_empty(), "{}", r.code);
        }
    }
}

//! A planned pair before the ends outside the plan are read, and the snapshot it becomes.

use crate::model::{
    DeploymentFacts, Fact, Snapshot, SourceSnapshot, TargetSnapshot, SNAPSHOT_SCHEMA_VERSION,
};

use super::{not_in_plan, Unchecked};

/// One end of a planned pair.
#[derive(Debug, Clone)]
pub enum Side<T> {
    /// Built from the plan.
    Planned(T),
    /// Outside the plan, named by this ARN or name: only AWS can tell about it.
    Outside(String),
}

/// A planned pair before the ends outside the plan are read (or found missing).
#[derive(Debug, Clone)]
pub struct PlannedPair {
    pub address: String,
    pub source: Side<SourceSnapshot>,
    pub target: Side<TargetSnapshot>,
    /// The resource policy the plan attaches to a target outside it.
    pub target_policy: Option<Fact<Option<String>>>,
    pub plan: DeploymentFacts,
    /// The integration's KMS key, when it names one.
    pub kms_key: Option<crate::model::KmsKey>,
}

impl PlannedPair {
    /// The ends outside the plan, for messages.
    pub fn outside(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Side::Outside(s) = &self.source {
            v.push(format!(
                "its source {s} (an Aurora DB cluster, RDS DB instance or DynamoDB table)"
            ));
        }
        if let Side::Outside(t) = &self.target {
            v.push(format!("its target {t} (a Redshift namespace)"));
        }
        v
    }

    /// The snapshot, when both ends are in the plan; else why it is not checked offline.
    pub fn offline(self) -> Result<Snapshot, Unchecked> {
        let outside = self.outside();
        match (self.source, self.target) {
            (Side::Planned(s), Side::Planned(t)) => Ok(snapshot(s, t, self.plan, self.kms_key)),
            _ => Err(Unchecked::new(
                &self.address,
                format!(
                    "{} not in the plan, and not read from AWS (run with --live and credentials)",
                    outside.join(" and ")
                ),
            )),
        }
    }

    /// The snapshot, with the ends outside the plan as AWS reported them.
    pub fn complete(
        self,
        source: Option<SourceSnapshot>,
        target: Option<TargetSnapshot>,
    ) -> Result<Snapshot, Unchecked> {
        let address = self.address.clone();
        let missing = |what: &str| Unchecked::new(&address, format!("{what} was not read"));
        let source = match (self.source, source) {
            (Side::Planned(s), _) | (Side::Outside(_), Some(s)) => s,
            (Side::Outside(_), None) => return Err(missing("its source")),
        };
        let mut target = match (self.target, target) {
            (Side::Planned(t), _) | (Side::Outside(_), Some(t)) => t,
            (Side::Outside(_), None) => return Err(missing("its target")),
        };
        if let Some(policy) = self.target_policy {
            match &mut target {
                TargetSnapshot::Provisioned(p) => p.resource_policy = policy,
                TargetSnapshot::Serverless(s) => s.resource_policy = policy,
            }
        }
        Ok(snapshot(source, target, self.plan, self.kms_key))
    }
}

/// One line for a pair whose Region nothing names, instead of one per rule that needs it.
fn region_note(plan: &DeploymentFacts) -> Option<String> {
    let unknown = |k: &str| plan.unknown.contains_key(k);
    (unknown("source.region") || unknown("target.region")).then(|| {
        "no Region is known for this pair: pass --region (or set region in \
         zetl-preflight.toml); until then the checks that need it are unverified"
            .to_string()
    })
}

pub(super) fn snapshot(
    source: SourceSnapshot,
    target: TargetSnapshot,
    plan: DeploymentFacts,
    kms_key: Option<crate::model::KmsKey>,
) -> Snapshot {
    // A table's integrations are Redshift's; the others RDS's.
    let call = match source.table() {
        Some(_) => crate::fetch::calls::DESCRIBE_REDSHIFT_INTEGRATIONS,
        None => crate::fetch::calls::DESCRIBE_INTEGRATIONS,
    };
    Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        tool_version: Some(env!("CARGO_PKG_VERSION").to_string()),
        captured_at: None,
        source,
        target,
        integrations: Fact::Error(not_in_plan(call, "the account's existing integrations")),
        schema: None,
        notes: region_note(&plan).into_iter().collect(),
        deployment: Some(plan),
        kms_key,
        creator: None,
        creator_unknown: None,
        health: None,
    }
}

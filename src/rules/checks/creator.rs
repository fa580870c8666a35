//! `kind = "creator"`: what IAM's policy simulation (`iam:SimulatePrincipalPolicy`) says the
//! principal that creates the integration may do. The answer is the simulation's; a
//! simulation that could not run is unverified. The simulation does not cover service
//! control policies or session policies: an allowed answer says so.

use serde::{Deserialize, Serialize};

use crate::model::arn::{account_of, partition_of};
use crate::model::reads::{Optional, Wanted};
use crate::model::creator::{CREATE_INBOUND_INTEGRATION, CREATE_INTEGRATION};
use crate::model::{Creator, Evidence, Fact, Simulated, Snapshot, ValueSource};
use crate::rules::iam::{self, Context, Decision, Principal, Request};
use crate::rules::outcome::{Outcome, Verdict};

use super::{About, Kind, Reads};

/// What the simulation does not see.
pub const NOT_SIMULATED: &str =
    "the simulation does not cover service control policies or session policies";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CreatorCheck {
    /// rds:CreateIntegration on the source and on `integration:*`.
    CreateIntegration,
    /// redshift:CreateInboundIntegration on the namespace, unless its resource policy
    /// authorizes the (same) account.
    CreateInboundIntegration,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub check: CreatorCheck,
}

pub const ABOUT: About = About {
    name: "creator",
    fields: "`check = \"create_integration\" \\| \"create_inbound_integration\"`",
    checks: "the creator's permissions, by `iam:SimulatePrincipalPolicy` (`--creator`, or the acting principal)",
};

impl Kind for Spec {
    fn optional_reads(&self) -> Wanted {
        match self.check {
            CreatorCheck::CreateIntegration => Wanted::of(&[Optional::Creator]),
            // The namespace's resource policy may make the IAM permission unneeded.
            CreatorCheck::CreateInboundIntegration => {
                Wanted::of(&[Optional::Creator, Optional::ResourcePolicy])
            }
        }
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        let Some(c) = &snap.creator else {
            // A live read that could not tell who acts: unverified, never a silent skip.
            if let Some(e) = &snap.creator_unknown {
                return Outcome::unknown(
                    format!(
                        "who creates the integration is not known: no --creator, and the acting principal could not be read ({}); pass --creator ARN",
                        e.describe()
                    ),
                    Evidence {
                        actual_source: Some(ValueSource::Unknown),
                        failed_call: Some(e.call.clone()),
                        ..Default::default()
                    },
                );
            }
            return Outcome::new(
                Verdict::NotApplicable,
                "the creator's permissions were not simulated (no --creator, and the acting principal is not known)",
                Evidence::default(),
            );
        };
        match self.check {
            CreatorCheck::CreateIntegration => {
                let source = snap.source.cluster.db_cluster_arn.clone();
                let integrations = format!(
                    "arn:{}:rds:{}:{}:integration:*",
                    partition_of(&source),
                    snap.source.region,
                    account_of(&source).unwrap_or_default()
                );
                judge(c, CREATE_INTEGRATION, &[source, integrations])
            }
            CreatorCheck::CreateInboundIntegration => inbound(snap, c),
        }
    }

    fn reads(&self) -> Reads {
        Reads::Facts
    }
}

/// AWS: the creator needs redshift:CreateInboundIntegration "unless the same account owns the
/// data warehouse and this account is an authorized principal for it".
fn inbound(snap: &Snapshot, c: &Creator) -> Outcome {
    let Some(ns) = snap.target.namespace_arn() else {
        return Outcome::unknown(
            "the target's namespace ARN is not known (see ZR009)",
            Evidence::default(),
        );
    };
    let creator_account = account_of(&c.arn).unwrap_or_default();
    let same_account = account_of(ns).as_deref() == Some(creator_account.as_str());
    if let (true, Fact::Ok(Some(text))) = (same_account, snap.target.resource_policy()) {
        if let Ok(stmts) = iam::parse(text) {
            let req = Request {
                principal: Principal::Account(&creator_account),
                action: CREATE_INBOUND_INTEGRATION,
                resources: vec![ns.to_string()],
                context: Context::new(),
            };
            if let (Decision::Allowed { statement }, _) = iam::evaluate(&stmts, &req) {
                return Outcome::new(
                    Verdict::Pass,
                    format!(
                        "{} of the namespace's resource policy authorizes account {creator_account}: the creator needs no IAM permission for {CREATE_INBOUND_INTEGRATION} in the same account",
                        stmts[statement].label()
                    ),
                    Evidence {
                        field: Some(CREATE_INBOUND_INTEGRATION.into()),
                        actual_source: Some(ValueSource::User),
                        ..Default::default()
                    },
                );
            }
        }
    }
    judge(c, CREATE_INBOUND_INTEGRATION, &[ns.to_string()])
}

/// Allowed on every resource → pass; denied on one → fail naming it; not simulated → unknown.
pub fn judge(c: &Creator, action: &str, resources: &[String]) -> Outcome {
    let mut ev = Evidence {
        field: Some(action.to_string()),
        expected: Some(format!("allowed for {}", c.arn)),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    if let Fact::Error(e) = &c.simulated {
        ev.actual_source = Some(ValueSource::Unknown);
        ev.failed_call = Some(e.call.clone());
        return Outcome::unknown(
            format!(
                "cannot simulate the permissions of {} ({}): {}",
                c.arn,
                c.origin,
                e.describe()
            ),
            ev,
        );
    }
    let mut denied: Vec<&Simulated> = Vec::new();
    for r in resources {
        match c.answer(action, r) {
            Some(s) if s.decision == "allowed" => {}
            Some(s) => denied.push(s),
            None => {
                return Outcome::unknown(
                    format!("the simulation for {} has no answer for {action} on {r}", c.arn),
                    ev,
                )
            }
        }
    }
    if denied.is_empty() {
        ev.actual = Some("allowed".into());
        return Outcome::new(
            Verdict::Pass,
            format!(
                "{} ({}) may {action} on {}; {NOT_SIMULATED}",
                c.arn,
                c.origin,
                resources.join(" and ")
            ),
            ev,
        );
    }
    let what: Vec<String> = denied
        .iter()
        .map(|s| {
            let by = if s.matched.is_empty() {
                String::new()
            } else {
                format!(" by {}", s.matched.join(", "))
            };
            format!("{} on {} ({}{by})", s.action, s.resource, s.decision)
        })
        .collect();
    ev.actual = Some(what.join("; "));
    Outcome::new(
        Verdict::Violation,
        format!(
            "{} ({}) may not: {}; CreateIntegration fails with AccessDenied",
            c.arn,
            c.origin,
            what.join("; ")
        ),
        ev,
    )
}

//! `kind = "creator"`: what IAM's policy simulation (`iam:SimulatePrincipalPolicy`) says the
//! principal that creates the integration may do. The answer is the simulation's; a
//! simulation that could not run is unverified. The simulation does not cover service
//! control policies or session policies: an allowed answer says so.

use serde::{Deserialize, Serialize};

use crate::model::arn::account_of;
use crate::model::reads::{Optional, Wanted};
use crate::model::creator::CREATE_INBOUND_INTEGRATION;
use crate::model::{Creator, Evidence, Fact, Simulated, Snapshot, ValueSource};
use crate::rules::iam::grant::{combine, grant, Answer, Combine, Grant, Identity};
use crate::rules::iam::{self, Principal};
use crate::rules::outcome::{Outcome, Verdict};

use super::resource_policy::create_request;
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

    /// A DynamoDB table's integration is created with redshift:CreateIntegration, judged
    /// the same way.
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        &super::ALL_SOURCES
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
                let (action, resources) = crate::model::creator::create_integration(
                    snap.source.arn(),
                    snap.source.region(),
                );
                judge(c, action, &resources)
            }
            CreatorCheck::CreateInboundIntegration => inbound(snap, c),
        }
    }

    fn reads(&self) -> Reads {
        Reads::Facts
    }
}

/// `redshift:CreateInboundIntegration` as IAM decides it for the creator: the namespace's
/// resource policy evaluated for the creator's own ARN, combined with the creator's
/// identity-based policies (the simulation) as IAM's evaluation logic combines them
/// ([`iam::grant`]). In one account either side's Allow is enough, but a statement that names
/// the account (root or account id) only delegates to the account's identity policies; across
/// accounts both sides must allow. Redshift's authorization page
/// (<https://docs.aws.amazon.com/redshift/latest/mgmt/zero-etl-using.redshift-iam.html>) lets
/// the authorized-principal step be skipped in one account when an identity-based policy allows
/// the action: that is the simulation's answer.
fn inbound(snap: &Snapshot, c: &Creator) -> Outcome {
    let Some(ns) = snap.target.namespace_arn() else {
        return Outcome::unknown(
            "the target's namespace ARN is not known (see ZR009)",
            Evidence::default(),
        );
    };
    let creator_account = account_of(&c.arn).unwrap_or_default();
    let same_account = account_of(ns).as_deref() == Some(creator_account.as_str());
    let how = if same_account {
        Combine::Either
    } else {
        Combine::Both
    };
    let (resource, said) = resource_side(snap, c, ns, &creator_account);
    let identity = identity_side(c, CREATE_INBOUND_INTEGRATION, ns);
    let mut ev = Evidence {
        field: Some(CREATE_INBOUND_INTEGRATION.into()),
        expected: Some(format!("allowed for {}", c.arn)),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let simulation = match &identity {
        Identity::Allowed => "its IAM policies allow it (simulated)".to_string(),
        Identity::ImplicitDeny => "none of its IAM policies allows it (implicitDeny)".to_string(),
        Identity::ExplicitDeny => "its IAM policies deny it (explicitDeny)".to_string(),
        Identity::Unknown(why) => why.clone(),
    };
    let who = format!("{} ({})", c.arn, c.origin);
    match combine(&resource, &identity, how) {
        Answer::Allowed { by_identity: false } => {
            ev.actual = Some(said.clone());
            let caveat = match &identity {
                Identity::Unknown(_) => "; the simulation could not rule out an explicit Deny in its IAM policies",
                _ => "",
            };
            Outcome::new(
                Verdict::Pass,
                format!(
                    "{said}: in one account a resource-based policy that names the principal allows {CREATE_INBOUND_INTEGRATION} without an IAM permission (a role's permissions boundary still applies){caveat}"
                ),
                ev,
            )
        }
        Answer::Allowed { by_identity: true } => {
            ev.actual = Some("allowed".into());
            let and = match resource {
                Grant::Direct { .. } | Grant::Delegated { .. } => format!(", and {said}"),
                _ => String::new(),
            };
            Outcome::new(
                Verdict::Pass,
                format!("{who} may {CREATE_INBOUND_INTEGRATION} on {ns}: {simulation}{and}; {NOT_SIMULATED}"),
                ev,
            )
        }
        Answer::Denied { by_identity } => {
            let why = if by_identity {
                match (&resource, same_account) {
                    (Grant::Direct { .. }, false) => format!(
                        "{said}, but across accounts its own account's IAM policies must allow it too, and {simulation}"
                    ),
                    _ => format!("{said}, and {simulation}"),
                }
            } else if same_account {
                said.clone()
            } else {
                format!(
                    "{said}; the namespace is in account {}, so its resource policy must name the creator or its account",
                    account_of(ns).unwrap_or_default()
                )
            };
            ev.actual = Some(why.clone());
            Outcome::new(
                Verdict::Violation,
                format!("{who} may not {CREATE_INBOUND_INTEGRATION} on {ns}: {why}; CreateIntegration fails with AccessDenied"),
                ev,
            )
        }
        Answer::Unknown(why) => {
            ev.actual_source = Some(ValueSource::Unknown);
            if let Fact::Error(e) = &c.simulated {
                ev.failed_call = Some(e.call.clone());
            }
            Outcome::unknown(
                format!("whether {who} may {CREATE_INBOUND_INTEGRATION} on {ns} is not known: {said}; {why}"),
                ev,
            )
        }
    }
}

/// What the namespace's resource policy grants the creator, and that in words.
fn resource_side(snap: &Snapshot, c: &Creator, ns: &str, account: &str) -> (Grant, String) {
    let text = match snap.target.resource_policy() {
        Fact::Error(e) => {
            return (
                Grant::Uncertain {
                    reason: format!("the resource policy could not be read ({})", e.describe()),
                },
                "the namespace's resource policy could not be read".into(),
            )
        }
        Fact::Ok(None) => return (Grant::Nothing, "the namespace has no resource policy".into()),
        Fact::Ok(Some(text)) => text,
    };
    let stmts = match iam::parse(text) {
        Ok(s) => s,
        Err(why) => {
            return (
                Grant::Uncertain {
                    reason: format!("the resource policy cannot be analysed: {why}"),
                },
                "the namespace's resource policy cannot be analysed".into(),
            )
        }
    };
    let req = create_request(snap, ns, Principal::Arn(&c.arn), account);
    let (g, _) = grant(&stmts, &req);
    let said = match &g {
        Grant::Direct { statement } => {
            format!("{} of the namespace's resource policy names {}", stmts[*statement].label(), c.arn)
        }
        Grant::Delegated { statement } => format!(
            "{} of the namespace's resource policy names account {account}, not {} itself, which leaves the decision to the account's IAM policies",
            stmts[*statement].label(),
            c.arn
        ),
        Grant::Denied { statement } => format!(
            "{} of the namespace's resource policy denies it (an explicit Deny beats any Allow)",
            stmts[*statement].label()
        ),
        Grant::Uncertain { reason } => {
            format!("the namespace's resource policy may or may not allow it ({reason})")
        }
        Grant::Nothing => format!(
            "no statement of the namespace's resource policy names {} or its account",
            c.arn
        ),
    };
    (g, said)
}

/// The simulation's answer for `action` on `resource`.
pub fn identity_side(c: &Creator, action: &str, resource: &str) -> Identity {
    match &c.simulated {
        Fact::Error(e) => Identity::Unknown(format!(
            "its IAM policies could not be simulated ({})",
            e.describe()
        )),
        Fact::Ok(_) => match c.answer(action, resource) {
            Some(s) => Identity::from_decision(&s.decision),
            None => Identity::Unknown(format!(
                "the simulation has no answer for {action} on {resource}"
            )),
        },
    }
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

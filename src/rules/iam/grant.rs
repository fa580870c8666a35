//! What a resource-based policy (a namespace's resource policy, a key policy) grants one
//! named IAM principal, in the terms IAM's evaluation logic uses to combine it with that
//! principal's identity-based policies:
//! - a statement that names the principal itself (its ARN, or `*`) grants it directly: in one
//!   account that is enough without any identity-based permission;
//! - a statement that names its account (the root ARN or the account id) delegates the
//!   decision to the account: the principal's identity-based policies must allow it too.
//!
//! Pages: the `Principal` element
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html>,
//! "AWS account principals"), and the evaluation logic's resource-based policies section
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html>).

use super::evaluate::{evaluate, Applies, Decision, Request};
use super::{Effect, Statement, Tri};

/// What the policy says of the request.
#[derive(Debug, Clone, PartialEq)]
pub enum Grant {
    /// An Allow names the principal itself, or everyone (`*`).
    Direct { statement: usize },
    /// Only an Allow naming the principal's account applies: identity policies decide.
    Delegated { statement: usize },
    /// An applicable explicit Deny.
    Denied { statement: usize },
    /// Whether a statement applies turns on something the tool cannot know.
    Uncertain { reason: String },
    /// No statement applies.
    Nothing,
}

/// Evaluate `req` (whose principal is [`super::Principal::Arn`]) against the statements.
pub fn grant(stmts: &[Statement], req: &Request) -> (Grant, Vec<Applies>) {
    let (decision, all) = evaluate(stmts, req);
    let grant = match decision {
        Decision::Denied { statement } => Grant::Denied { statement },
        Decision::Uncertain { reason, .. } => Grant::Uncertain { reason },
        Decision::ImplicitDeny => Grant::Nothing,
        Decision::Allowed { statement } => {
            // A direct Allow anywhere beats a delegated one.
            let direct = stmts.iter().zip(&all).position(|(s, a)| {
                s.effect == Effect::Allow && a.value == Tri::True && !a.delegated
            });
            match direct {
                Some(statement) => Grant::Direct { statement },
                None => Grant::Delegated { statement },
            }
        }
    };
    (grant, all)
}

/// The answer of the principal's identity-based policies (the simulation).
#[derive(Debug, Clone, PartialEq)]
pub enum Identity {
    Allowed,
    ImplicitDeny,
    ExplicitDeny,
    /// Not simulated, or the simulation could not run: why.
    Unknown(String),
}

impl Identity {
    /// From a simulation's decision: `allowed`, `implicitDeny`, `explicitDeny`.
    pub fn from_decision(decision: &str) -> Identity {
        match decision {
            "allowed" => Identity::Allowed,
            "explicitDeny" => Identity::ExplicitDeny,
            _ => Identity::ImplicitDeny,
        }
    }
}

/// How the two policies combine for this request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// One account, a resource policy that is optional (a Redshift namespace): either side's
    /// Allow is enough; a direct grant needs no identity permission.
    Either,
    /// The resource policy must allow (a KMS key policy; any resource across accounts), and
    /// a delegated grant needs the identity side too; a direct one does not.
    ResourceFirst,
    /// Across accounts: the resource side must allow (directly or through the account) and
    /// the identity side must allow.
    Both,
}

/// The combined answer, and which side decided it.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// Allowed; `by_identity` when the identity side's Allow was needed.
    Allowed { by_identity: bool },
    /// Denied; `by_identity` when the identity side's answer decided it.
    Denied { by_identity: bool },
    /// Not known: why.
    Unknown(String),
}

/// IAM's combination of the two sides. An explicit Deny on either side denies.
pub fn combine(resource: &Grant, identity: &Identity, how: Combine) -> Answer {
    use Answer::*;
    if *identity == Identity::ExplicitDeny {
        return Denied { by_identity: true };
    }
    let by_identity = |identity: &Identity| match identity {
        Identity::Allowed => Allowed { by_identity: true },
        Identity::ImplicitDeny | Identity::ExplicitDeny => Denied { by_identity: true },
        Identity::Unknown(why) => Unknown(why.clone()),
    };
    match (resource, how) {
        (Grant::Denied { .. }, _) => Denied { by_identity: false },
        (Grant::Direct { .. }, Combine::Either | Combine::ResourceFirst) => {
            Allowed { by_identity: false }
        }
        (Grant::Direct { .. } | Grant::Delegated { .. }, _) => by_identity(identity),
        (Grant::Nothing, Combine::Either) => by_identity(identity),
        (Grant::Nothing, _) => Denied { by_identity: false },
        (Grant::Uncertain { reason }, how) => match (identity, how) {
            // Either side is enough in one account.
            (Identity::Allowed, Combine::Either) => Allowed { by_identity: true },
            // The resource side is needed and the identity side refuses a delegation.
            (Identity::ImplicitDeny, Combine::Both) => Denied { by_identity: true },
            _ => Unknown(reason.clone()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Grant = Grant::Direct { statement: 0 };
    const A: Grant = Grant::Delegated { statement: 0 };
    const X: Grant = Grant::Denied { statement: 0 };

    fn unknown() -> Identity {
        Identity::Unknown("not simulated".into())
    }

    #[test]
    fn an_explicit_deny_on_either_side_denies() {
        for how in [Combine::Either, Combine::ResourceFirst, Combine::Both] {
            assert_eq!(
                combine(&D, &Identity::ExplicitDeny, how),
                Answer::Denied { by_identity: true }
            );
            assert_eq!(
                combine(&X, &Identity::Allowed, how),
                Answer::Denied { by_identity: false }
            );
        }
    }

    #[test]
    fn a_direct_grant_needs_no_identity_permission_in_one_account() {
        let ok = Answer::Allowed { by_identity: false };
        assert_eq!(combine(&D, &Identity::ImplicitDeny, Combine::Either), ok);
        assert_eq!(combine(&D, &unknown(), Combine::ResourceFirst), ok);
        // Across accounts the identity side must allow as well.
        assert_eq!(
            combine(&D, &Identity::ImplicitDeny, Combine::Both),
            Answer::Denied { by_identity: true }
        );
    }

    #[test]
    fn an_account_grant_hands_the_decision_to_identity_policies() {
        for how in [Combine::Either, Combine::ResourceFirst, Combine::Both] {
            assert_eq!(
                combine(&A, &Identity::ImplicitDeny, how),
                Answer::Denied { by_identity: true }
            );
            assert_eq!(
                combine(&A, &Identity::Allowed, how),
                Answer::Allowed { by_identity: true }
            );
            assert!(matches!(combine(&A, &unknown(), how), Answer::Unknown(_)));
        }
    }

    #[test]
    fn no_grant_leaves_it_to_identity_only_where_the_resource_policy_is_optional() {
        assert_eq!(
            combine(&Grant::Nothing, &Identity::Allowed, Combine::Either),
            Answer::Allowed { by_identity: true }
        );
        assert_eq!(
            combine(&Grant::Nothing, &Identity::Allowed, Combine::ResourceFirst),
            Answer::Denied { by_identity: false }
        );
        assert_eq!(
            combine(&Grant::Nothing, &Identity::Allowed, Combine::Both),
            Answer::Denied { by_identity: false }
        );
    }
}

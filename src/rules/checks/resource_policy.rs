//! `kind = "resource_policy"`: namespace resource policy analysis (redshift:GetResourcePolicy), evaluated with IAM's
//! logic ([`crate::rules::iam`]).
//!
//! zero-ETL needs two things of the target namespace's policy: the Redshift service may
//! `AuthorizeInboundIntegration` for exactly this source (`aws:SourceArn`), and a principal
//! of the source account may `CreateInboundIntegration`.

use crate::model::arn::{account_of, Arn};
use crate::model::{Evidence, Fact, Snapshot, ValueSource};
use crate::rules::iam::condition::{
    self, compares_values, is_negated, takes_wildcards, KeyValue, Tri,
};
use crate::rules::iam::document::ConditionEntry;
use crate::rules::iam::matching::has_wildcard;
use crate::rules::iam::{self, Context, Decision, Principal, Request, Statement};
use crate::rules::iam::evaluate::misses;
use crate::rules::outcome::{Outcome, Verdict};
use serde::{Deserialize, Serialize};

use super::{About, Kind, Reads};

const AUTHORIZE: &str = "redshift:AuthorizeInboundIntegration";
const CREATE: &str = "redshift:CreateInboundIntegration";
const SERVICE: &str = "redshift.amazonaws.com";
const SOURCE_ARN: &str = "aws:SourceArn";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyStatement {
    /// Allow `redshift.amazonaws.com` to `redshift:AuthorizeInboundIntegration`, on `aws:SourceArn`.
    AuthorizeInboundIntegration,
    /// Allow an AWS principal to `redshift:CreateInboundIntegration`.
    CreateInboundIntegration,
}

/// The statement zero-ETL needs in the namespace resource policy.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub statement: PolicyStatement,
}

pub const ABOUT: About = About {
    name: "resource_policy",
    fields: "`statement = \"authorize_inbound_integration\" \\| \"create_inbound_integration\"`",
    checks: "analyses the namespace resource policy (exact, wildcard, literal-`*` and Deny cases)",
};

impl Kind for Spec {
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        &super::ALL_SOURCES
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        check(snap, self.statement)
    }

    fn resource(&self, snap: &Snapshot) -> String {
        super::target_resource(snap)
    }

    fn reads(&self) -> Reads {
        Reads::paths(["target.resource_policy".to_string()])
    }

    fn roles(&self) -> &'static [&'static str] {
        &["policy", "namespace", "target"]
    }
}

fn check(snap: &Snapshot, which: PolicyStatement) -> Outcome {
    let mut ev = Evidence {
        field: Some("ResourcePolicy.Policy".into()),
        expected: Some(match which {
            PolicyStatement::AuthorizeInboundIntegration => format!(
                "Allow Service {SERVICE} {AUTHORIZE} with StringEquals aws:SourceArn = {}",
                snap.source.arn()
            ),
            PolicyStatement::CreateInboundIntegration => {
                format!("Allow an AWS principal of the source account {CREATE}")
            }
        }),
        ..Default::default()
    };
    let namespace = snap
        .target
        .namespace_arn()
        .unwrap_or(snap.target.display_id())
        .to_string();
    let policy = match snap.target.resource_policy() {
        Fact::Error(e) => {
            ev.actual_source = Some(ValueSource::Unknown);
            ev.failed_call = Some(e.call.clone());
            return Outcome::unknown(
                format!(
                    "cannot read the resource policy of {namespace}: {}",
                    e.describe()
                ),
                ev,
            );
        }
        Fact::Ok(p) => p,
    };
    ev.actual_source = Some(ValueSource::User);
    let Some(policy) = policy else {
        ev.actual = Some("(no resource policy)".into());
        return match which {
            PolicyStatement::AuthorizeInboundIntegration => Outcome::new(
                Verdict::Violation,
                format!("namespace {namespace} has no resource policy, so no integration source is authorized"),
                ev,
            ),
            PolicyStatement::CreateInboundIntegration => principal_missing(
                snap,
                format!("namespace {namespace} has no resource policy"),
                ev,
            ),
        };
    };
    let stmts = match iam::parse(policy) {
        Ok(s) => s,
        Err(why) => {
            ev.actual_source = Some(ValueSource::Unknown);
            return Outcome::unknown(
                format!("cannot analyse the resource policy of {namespace}: {why}"),
                ev,
            );
        }
    };
    match which {
        PolicyStatement::AuthorizeInboundIntegration => authorize(snap, &stmts, &namespace, ev),
        PolicyStatement::CreateInboundIntegration => create(snap, &stmts, &namespace, ev),
    }
}

/// The ARNs a request on this namespace is evaluated against: the namespace itself, and an
/// integration ARN of the form AWS documents (`arn:aws:redshift:R:A:integration:ID`).
/// None when the namespace ARN is not one (ZR009 reports that): the resource element is then
/// not judged, rather than failed against a wrong ARN.
fn resources(snap: &Snapshot, namespace: &str) -> Vec<String> {
    if !crate::model::arn::is_namespace_arn(namespace) {
        return Vec::new();
    }
    let mut out = vec![namespace.to_string()];
    if let Ok(a) = Arn::parse(namespace) {
        out.push(format!(
            "arn:{}:redshift:{}:{}:integration:00000000-0000-0000-0000-000000000000",
            a.partition, a.region, a.account
        ));
    } else if let Some(account) = account_of(snap.source.arn()) {
        out.push(format!(
            "arn:{}:redshift:{}:{account}:integration:00000000-0000-0000-0000-000000000000",
            crate::model::arn::partition_of(snap.source.arn()),
            snap.target.region()
        ));
    }
    out
}

/// The request AWS makes when RDS asks Redshift to authorize this source.
pub fn authorize_request<'a>(snap: &'a Snapshot, namespace: &str) -> Request<'a> {
    let source = snap.source.arn();
    let mut context = Context::new().with(SOURCE_ARN, KeyValue::Present(source.to_string()));
    if let Some(account) = account_of(source) {
        context = context.with("aws:SourceAccount", KeyValue::Present(account));
    }
    Request {
        principal: Principal::Service(SERVICE),
        action: AUTHORIZE,
        resources: resources(snap, namespace),
        context,
    }
}

fn authorize(snap: &Snapshot, stmts: &[Statement], namespace: &str, mut ev: Evidence) -> Outcome {
    let source = snap.source.arn().to_string();
    let req = authorize_request(snap, namespace);
    let (decision, all) = iam::evaluate(stmts, &req);
    match decision {
        Decision::Denied { statement } => denied(
            &stmts[statement],
            ev,
            namespace,
            &format!("{AUTHORIZE} for this source"),
        ),
        Decision::Uncertain { reason, .. } => {
            doubt(reason, ev, "the policy authorizes this source")
        }
        Decision::ImplicitDeny => {
            let misses = misses(stmts, &all);
            let literal = stmts.iter().any(|s| {
                s.conditions_on(SOURCE_ARN).any(|c| {
                    c.operator.eq_ignore_ascii_case("StringEquals")
                        && c.values.iter().any(|v| v.contains('*'))
                })
            });
            let what = if misses.is_empty() {
                format!("no statement allows {SERVICE} to {AUTHORIZE}; this source ({source}) is not an authorized integration source")
            } else {
                format!(
                    "no statement authorizes this source ({source}): {}",
                    misses.join(" | ")
                )
            };
            let what = if literal {
                format!("{what}. StringEquals compares literally, so a '*' inside it matches no real ARN: use the exact source ARN, or ArnLike")
            } else {
                what
            };
            ev.actual = Some(what.clone());
            Outcome::new(Verdict::Violation, what, ev)
        }
        Decision::Allowed { statement } => {
            let s = &stmts[statement];
            match breadth(s, &source) {
                None => {
                    ev.actual = Some(format!("{} allows {AUTHORIZE} for {source}", s.label()));
                    Outcome::new(
                        Verdict::Pass,
                        format!("{} authorizes this source ({source})", s.label()),
                        ev,
                    )
                }
                Some(why) => {
                    ev.actual = Some(why.clone());
                    Outcome::new(
                        Verdict::Advisory,
                        format!("{why}; an exact StringEquals on aws:SourceArn is safer"),
                        ev,
                    )
                }
            }
        }
    }
}

/// Does condition `c` name `source` exactly: a value without wildcards (or one the operator
/// compares literally) that holds for it? `ArnLike` with the exact ARN is exact.
fn names_exactly(c: &ConditionEntry, source: &str) -> bool {
    compares_values(&c.operator)
        && !is_negated(&c.operator)
        && c.values.iter().any(|v| {
            let one = ConditionEntry {
                values: vec![v.clone()],
                ..c.clone()
            };
            (!takes_wildcards(&c.operator) || !has_wildcard(v))
                && condition::evaluate(&one, &KeyValue::Present(source.to_string())).0 == Tri::True
        })
}

/// An applicable explicit Deny: it beats any Allow.
fn denied(s: &Statement, mut ev: Evidence, namespace: &str, what: &str) -> Outcome {
    ev.actual = Some(format!("Deny in {}", s.label()));
    Outcome::new(
        Verdict::Violation,
        format!(
            "{} of the policy on {namespace} denies {what}; an explicit Deny beats any Allow",
            s.label()
        ),
        ev,
    )
}

/// The answer turns on something the tool cannot know: a warning that says what.
fn doubt(reason: String, mut ev: Evidence, question: &str) -> Outcome {
    ev.actual = Some(reason.clone());
    Outcome::new(
        Verdict::Advisory,
        format!("cannot tell whether {question}: {reason}"),
        ev,
    )
}

/// `None` when the allowing statement names this source exactly; otherwise how broad it is.
fn breadth(s: &Statement, source: &str) -> Option<String> {
    let on_arn: Vec<_> = s.conditions_on(SOURCE_ARN).collect();
    if on_arn.iter().any(|c| names_exactly(c, source)) {
        return None;
    }
    if let Some(c) = on_arn
        .iter()
        .find(|c| compares_values(&c.operator) && !is_negated(&c.operator))
    {
        return Some(format!(
            "{} matches this source only through the pattern '{}' ({})",
            s.label(),
            c.values.join("', '"),
            c.operator
        ));
    }
    if let Some(c) = on_arn.iter().find(|c| compares_values(&c.operator)) {
        return Some(format!(
            "{} authorizes every source except [{}] ({})",
            s.label(),
            c.values.join(", "),
            c.operator
        ));
    }
    match s.conditions_on("aws:SourceAccount").next() {
        Some(c) => Some(format!(
            "{} has no aws:SourceArn condition, so it authorizes any source in account(s) {}",
            s.label(),
            c.values.join(", ")
        )),
        None => Some(format!(
            "{} has no aws:SourceArn condition, so it authorizes any source",
            s.label()
        )),
    }
}

/// The request a principal of the source account makes to create the integration: `who` is
/// some principal of `account` ([`Principal::Account`]) or the creator itself
/// ([`Principal::Arn`]). Whether it carries the source's ARN and account is not documented: a
/// condition on them must hold either way to be decided.
pub fn create_request<'a>(
    snap: &'a Snapshot,
    namespace: &str,
    who: Principal<'a>,
    account: &'a str,
) -> Request<'a> {
    let source = snap.source.arn();
    let mut context = Context::new()
        .with(
            "aws:PrincipalAccount",
            KeyValue::Present(account.to_string()),
        )
        .with(SOURCE_ARN, KeyValue::PresentOrAbsent(source.to_string()))
        .with(
            "aws:SourceAccount",
            KeyValue::PresentOrAbsent(account.to_string()),
        );
    if let Principal::Arn(arn) = who {
        context = context.with("aws:PrincipalArn", KeyValue::Present(arn.to_string()));
    }
    Request {
        principal: who,
        action: CREATE,
        resources: resources(snap, namespace),
        context,
    }
}

fn create(snap: &Snapshot, stmts: &[Statement], namespace: &str, mut ev: Evidence) -> Outcome {
    let Some(account) = account_of(snap.source.arn()) else {
        ev.actual_source = Some(ValueSource::Unknown);
        return Outcome::unknown(
            format!(
                "the source ARN {} names no account, so the principal cannot be checked",
                snap.source.arn()
            ),
            ev,
        );
    };
    let req = create_request(snap, namespace, Principal::Account(&account), &account);
    let (decision, all) = iam::evaluate(stmts, &req);
    match decision {
        Decision::Denied { statement } => denied(
            &stmts[statement],
            ev,
            namespace,
            &format!("{CREATE} to principals of account {account}"),
        ),
        Decision::Uncertain { reason, .. } => doubt(
            reason,
            ev,
            &format!("the policy lets account {account} create the integration"),
        ),
        Decision::Allowed { statement } => {
            let s = &stmts[statement];
            let a = &all[statement];
            if a.anyone {
                ev.actual = Some(format!("{} allows any principal", s.label()));
                Outcome::new(
                    Verdict::Advisory,
                    format!(
                        "{} allows any principal to {CREATE}; name the source account instead",
                        s.label()
                    ),
                    ev,
                )
            } else if let Some(who) = &a.narrowed_to {
                ev.actual = Some(format!("{} allows {who}", s.label()));
                Outcome::new(
                    Verdict::Pass,
                    format!(
                        "{} allows {who} to {CREATE}; create the integration as that principal",
                        s.label()
                    ),
                    ev,
                )
            } else {
                ev.actual = Some(format!("{} allows account {account}", s.label()));
                Outcome::new(
                    Verdict::Pass,
                    format!("{} allows account {account} to {CREATE}", s.label()),
                    ev,
                )
            }
        }
        Decision::ImplicitDeny => {
            let misses = misses(stmts, &all);
            let named: Vec<String> = stmts
                .iter()
                .zip(&all)
                .filter(|(s, a)| {
                    a.misses.is_empty()
                        && s.action
                            .iter()
                            .flatten()
                            .any(|x| iam::matching::action(x, CREATE))
                })
                .flat_map(|(s, _)| s.principal.iter().flat_map(|p| p.aws.clone()))
                .collect();
            let what = if !misses.is_empty() {
                format!(
                    "no statement lets account {account} {CREATE}: {}",
                    misses.join(" | ")
                )
            } else if named.is_empty() {
                format!("no statement allows an AWS principal of account {account} to {CREATE}")
            } else {
                format!(
                    "{CREATE} is allowed only for principals outside the source account {account}: {}",
                    named.join(", ")
                )
            };
            ev.actual = Some(what.clone());
            principal_missing(snap, what, ev)
        }
    }
}

/// A missing principal statement fails cross-account, and warns in one account, where the
/// caller's identity-based IAM policy can grant the permission instead.
fn principal_missing(snap: &Snapshot, what: String, mut ev: Evidence) -> Outcome {
    if ev.actual.is_none() {
        ev.actual = Some(what.clone());
    }
    let source = account_of(snap.source.arn());
    let target = snap.target.namespace_arn().and_then(account_of);
    if source.is_some() && target.is_some() && source != target {
        Outcome::new(
            Verdict::Violation,
            format!(
                "{what}; source account {} and target account {} differ, so the target must \
                 authorize a principal of the source account",
                source.unwrap_or_default(),
                target.unwrap_or_default()
            ),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Advisory,
            format!(
                "{what}; in a same-account setup the creator's IAM policy can grant {CREATE} \
                 instead, otherwise creation fails"
            ),
            ev,
        )
    }
}

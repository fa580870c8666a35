//! A request against a policy's statements, as IAM's evaluation logic orders it:
//! 1. An explicit Deny that applies to the request denies it, whatever else allows it.
//! 2. Otherwise an Allow that applies allows it.
//! 3. Otherwise it is implicitly denied.
//!
//! A statement applies when its principal, action and resource elements all cover the
//! request and every condition holds: several keys in one statement are ANDed.
//! Where the tool cannot tell whether a statement applies (a key it cannot know), the answer
//! is [`Decision::Uncertain`], never an allow.

use std::collections::BTreeMap;

use crate::model::arn::Arn;
use crate::model::fact::UNKNOWN_VALUE;

use super::condition::{self, KeyValue, Tri};
use super::document::{Effect, Principals, Statement};
use super::matching;

/// Who makes the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Principal<'a> {
    /// An AWS service principal, e.g. `redshift.amazonaws.com`.
    Service(&'a str),
    /// Some IAM principal (root, role or user) of this account; which one is not known.
    Account(&'a str),
    /// This IAM principal (a role or user ARN): a statement naming it, or its account (which
    /// delegates to the account's IAM policies), covers it.
    Arn(&'a str),
}

/// The request's context keys. Keys compare case-insensitively; a key not set here is one
/// the tool cannot know.
#[derive(Debug, Clone, Default)]
pub struct Context {
    keys: BTreeMap<String, KeyValue>,
    /// Key prefixes whose unset keys the request is known not to carry
    /// (`kms:EncryptionContext:` beyond the integration's pairs).
    absent_prefixes: Vec<String>,
}

impl Context {
    pub fn new() -> Context {
        Context::default()
    }

    pub fn with(mut self, key: &str, value: KeyValue) -> Context {
        self.keys.insert(key.to_ascii_lowercase(), value);
        self
    }

    /// Every key starting with `prefix` that is not set is absent from the request.
    pub fn absent_beyond(mut self, prefix: &str) -> Context {
        self.absent_prefixes.push(prefix.to_ascii_lowercase());
        self
    }

    pub fn get(&self, key: &str) -> KeyValue {
        let key = key.to_ascii_lowercase();
        match self.keys.get(&key) {
            Some(v) => v.clone(),
            None if self.absent_prefixes.iter().any(|p| key.starts_with(p)) => KeyValue::Absent,
            None => KeyValue::Unknown,
        }
    }
}

#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub principal: Principal<'a>,
    pub action: &'a str,
    /// The resource ARNs the request may be evaluated against; a statement covers the
    /// request when its resource element covers any of them. Empty: not judged.
    pub resources: Vec<String>,
    pub context: Context,
}

/// Why the statements that name the request's principal and action do not apply: each one's
/// label and what it misses (a condition, a resource).
pub fn misses(stmts: &[Statement], all: &[Applies]) -> Vec<String> {
    stmts
        .iter()
        .zip(all)
        .filter(|(_, a)| !a.misses.is_empty())
        .map(|(s, a)| format!("{}: {}", s.label(), a.misses.join("; ")))
        .collect()
}

/// Whether one statement applies, and why not or why unsure.
#[derive(Debug, Clone)]
pub struct Applies {
    pub value: Tri,
    /// Why the answer is unknown (the key or element the tool cannot judge).
    pub unsure: Vec<String>,
    /// Why the statement does not apply, when principal and action would.
    pub misses: Vec<String>,
    /// The statement names a single principal of the account, not the account.
    pub narrowed_to: Option<String>,
    /// The principal element covers everyone (`"*"`).
    pub anyone: bool,
    /// A specific principal is covered through its account (root or account id): the key or
    /// resource policy delegates to the account's IAM policies.
    pub delegated: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// An Allow applies, and no Deny applies or might.
    Allowed { statement: usize },
    /// An explicit Deny applies.
    Denied { statement: usize },
    /// Nothing allows the request.
    ImplicitDeny,
    /// Whether the request is allowed turns on something the tool cannot know.
    Uncertain { statement: usize, reason: String },
}

enum PrincipalMatch {
    All,
    /// Through its account: IAM decides.
    Delegated,
    Part(String),
    /// It names a principal known only once the stack exists.
    Unknown(String),
    No,
}

/// The first entry that holds a value known only once the stack exists.
fn unknown_in(list: &[String]) -> Option<&String> {
    list.iter().find(|e| e.contains(UNKNOWN_VALUE))
}

/// A list element (`Action`, `Resource`): does an entry cover the request, and if none
/// does, might an unknown one?
fn covered(list: &[String], covers: impl Fn(&str) -> bool) -> Tri {
    if list.iter().any(|e| covers(e)) {
        Tri::True
    } else if unknown_in(list).is_some() {
        Tri::Unknown
    } else {
        Tri::False
    }
}

fn not(t: Tri) -> Tri {
    match t {
        Tri::True => Tri::False,
        Tri::False => Tri::True,
        Tri::Unknown => Tri::Unknown,
    }
}

fn root_or_account(entry: &str, account: &str) -> bool {
    if entry == account {
        return true;
    }
    Arn::parse(entry)
        .map(|a| a.service == "iam" && a.account == account && a.resource == "root")
        .unwrap_or(false)
}

fn principal_match(p: &Principals, req: Principal) -> PrincipalMatch {
    if p.anyone {
        return PrincipalMatch::All;
    }
    match req {
        Principal::Service(s) => {
            if p.service.iter().any(|x| x.eq_ignore_ascii_case(s)) {
                PrincipalMatch::All
            } else if let Some(e) = unknown_in(&p.service) {
                PrincipalMatch::Unknown(e.clone())
            } else {
                // An `AWS` entry never names a service principal, known or not.
                PrincipalMatch::No
            }
        }
        Principal::Arn(arn) => {
            if p.aws.iter().any(|e| e == arn) {
                return PrincipalMatch::All;
            }
            let account = Arn::parse(arn).map(|a| a.account).unwrap_or_default();
            if p.aws.iter().any(|e| root_or_account(e, &account)) {
                PrincipalMatch::Delegated
            } else if let Some(e) = unknown_in(&p.aws) {
                PrincipalMatch::Unknown(e.clone())
            } else {
                PrincipalMatch::No
            }
        }
        Principal::Account(account) => {
            if p.aws.iter().any(|e| root_or_account(e, account)) {
                return PrincipalMatch::All;
            }
            match p
                .aws
                .iter()
                .find(|e| Arn::parse(e).is_ok_and(|a| a.account == account))
            {
                Some(e) => PrincipalMatch::Part(e.clone()),
                None => match unknown_in(&p.aws) {
                    Some(e) => PrincipalMatch::Unknown(e.clone()),
                    None => PrincipalMatch::No,
                },
            }
        }
    }
}

/// Does `stmt` apply to `req`?
pub fn applies(stmt: &Statement, req: &Request) -> Applies {
    let mut out = Applies {
        value: Tri::True,
        unsure: Vec::new(),
        misses: Vec::new(),
        narrowed_to: None,
        anyone: false,
        delegated: false,
    };
    // Principal / NotPrincipal.
    let principal = match (&stmt.principal, &stmt.not_principal) {
        (Some(p), _) => {
            out.anyone = p.anyone;
            match principal_match(p, req.principal) {
                PrincipalMatch::All => Tri::True,
                PrincipalMatch::Delegated => {
                    out.delegated = true;
                    Tri::True
                }
                PrincipalMatch::Part(who) if stmt.effect == Effect::Allow => {
                    out.narrowed_to = Some(who);
                    Tri::True
                }
                PrincipalMatch::Part(who) => {
                    out.unsure.push(format!(
                        "it names {who}; whether that is the principal that creates the integration is not known"
                    ));
                    Tri::Unknown
                }
                PrincipalMatch::Unknown(who) => {
                    out.unsure
                        .push(format!("it names {who}, known only once the stack exists"));
                    Tri::Unknown
                }
                PrincipalMatch::No => Tri::False,
            }
        }
        (None, Some(np)) => match principal_match(np, req.principal) {
            PrincipalMatch::All => Tri::False,
            PrincipalMatch::Delegated => {
                out.unsure.push(
                    "its NotPrincipal names the principal's account; whether that excludes the principal is not judged".to_string(),
                );
                Tri::Unknown
            }
            PrincipalMatch::Part(who) => {
                out.unsure.push(format!(
                    "its NotPrincipal excludes {who}; whether that is the principal that creates the integration is not known"
                ));
                Tri::Unknown
            }
            PrincipalMatch::Unknown(who) => {
                out.unsure.push(format!(
                    "its NotPrincipal names {who}, known only once the stack exists"
                ));
                Tri::Unknown
            }
            PrincipalMatch::No => Tri::True,
        },
        (None, None) => {
            out.unsure
                .push("it has neither Principal nor NotPrincipal".to_string());
            Tri::Unknown
        }
    };
    // Action / NotAction.
    let action = match (&stmt.action, &stmt.not_action) {
        (Some(list), _) => covered(list, |a| matching::action(a, req.action)),
        (None, Some(list)) => not(covered(list, |a| matching::action(a, req.action))),
        (None, None) => Tri::False,
    };
    if action == Tri::Unknown {
        out.unsure
            .push("its actions hold a value known only once the stack exists".to_string());
    }
    out.value = principal.and(action);
    if out.value == Tri::False {
        return out;
    }
    // Resource / NotResource.
    let covers = |list: &Vec<String>, r: &String| covered(list, |p| matching::resource(p, r));
    let any = |answers: Vec<Tri>| {
        if answers.contains(&Tri::True) {
            Tri::True
        } else if answers.contains(&Tri::Unknown) {
            Tri::Unknown
        } else {
            Tri::False
        }
    };
    let resource = match (&stmt.resource, &stmt.not_resource) {
        _ if req.resources.is_empty() => Tri::True,
        (Some(list), _) => any(req.resources.iter().map(|r| covers(list, r)).collect()),
        (None, Some(list)) => any(req.resources.iter().map(|r| not(covers(list, r))).collect()),
        (None, None) => Tri::True,
    };
    if resource == Tri::Unknown {
        out.unsure
            .push("its resources hold a value known only once the stack exists".to_string());
        out.value = out.value.and(Tri::Unknown);
    }
    if resource == Tri::False {
        out.misses.push(format!(
            "its resource element does not cover {}",
            req.resources.join(" or ")
        ));
        out.value = Tri::False;
        return out;
    }
    // Conditions: every entry must hold.
    for entry in &stmt.conditions {
        let value = req.context.get(&entry.key);
        let (tri, why) = condition::evaluate(entry, &value);
        if tri == Tri::False {
            let shown = match &value {
                KeyValue::Present(v) => format!("{} is {v}", entry.key),
                _ => format!("the request has no {}", entry.key),
            };
            out.misses.push(format!(
                "{} {} [{}] does not hold ({shown})",
                entry.operator,
                entry.key,
                entry.values.join(", ")
            ));
        }
        out.unsure.extend(why);
        out.value = out.value.and(tri);
    }
    out
}

/// Evaluate the request against every statement.
pub fn evaluate(stmts: &[Statement], req: &Request) -> (Decision, Vec<Applies>) {
    let all: Vec<Applies> = stmts.iter().map(|s| applies(s, req)).collect();
    let find = |effect: Effect, tri: Tri| {
        stmts
            .iter()
            .zip(&all)
            .position(|(s, a)| s.effect == effect && a.value == tri)
    };
    let reason = |i: usize| {
        format!(
            "{}: {}",
            stmts[i].label(),
            all[i].unsure.first().cloned().unwrap_or_default()
        )
    };
    let decision = if let Some(i) = find(Effect::Deny, Tri::True) {
        Decision::Denied { statement: i }
    } else if let Some(i) = find(Effect::Allow, Tri::True) {
        match find(Effect::Deny, Tri::Unknown) {
            Some(d) => Decision::Uncertain {
                statement: d,
                reason: format!("{} might deny it ({})", stmts[d].label(), reason(d)),
            },
            None => Decision::Allowed { statement: i },
        }
    } else if let Some(i) = find(Effect::Allow, Tri::Unknown) {
        Decision::Uncertain {
            statement: i,
            reason: format!("{} might allow it ({})", stmts[i].label(), reason(i)),
        }
    } else {
        Decision::ImplicitDeny
    };
    (decision, all)
}

//! Namespace resource policy analysis (redshift:GetResourcePolicy).
//!
//! zero-ETL needs two statements on the target namespace: the Redshift service authorized to
//! `AuthorizeInboundIntegration` for exactly this source (`aws:SourceArn`), and an AWS
//! principal allowed to `CreateInboundIntegration`.

use serde_json::Value;

use crate::model::arn::account_of;
use crate::model::{Evidence, Fact, Snapshot, ValueSource};
use crate::rules::engine::{Outcome, Verdict};
use crate::rules::spec::PolicyStatement;

const AUTHORIZE: &str = "redshift:AuthorizeInboundIntegration";
const CREATE: &str = "redshift:CreateInboundIntegration";
const SERVICE: &str = "redshift.amazonaws.com";

/// One statement, reduced to what matters here.
#[derive(Debug)]
pub struct Stmt {
    pub sid: Option<String>,
    pub allow: bool,
    pub actions: Vec<String>,
    pub services: Vec<String>,
    pub aws: Vec<String>,
    /// Principal `"*"`.
    pub anyone: bool,
    /// (operator, values) of every condition on `aws:SourceArn`.
    pub source_arn: Vec<(String, Vec<String>)>,
    /// Uses NotAction / NotPrincipal, which this analysis does not model.
    pub negated: bool,
}

impl Stmt {
    fn label(&self) -> String {
        self.sid
            .as_ref()
            .map(|s| format!("statement '{s}'"))
            .unwrap_or_else(|| "a statement".into())
    }

    fn grants(&self, action: &str) -> bool {
        self.actions.iter().any(|a| glob(a, action))
    }
}

/// Parse a policy document. Fields may be a string or a list, as IAM allows.
pub fn parse(policy: &str) -> Result<Vec<Stmt>, String> {
    let doc: Value = serde_json::from_str(policy).map_err(|e| format!("not valid JSON: {e}"))?;
    let stmts = match doc.get("Statement") {
        Some(Value::Array(a)) => a.clone(),
        Some(o @ Value::Object(_)) => vec![o.clone()],
        _ => return Err("it has no Statement".into()),
    };
    Ok(stmts.iter().map(stmt).collect())
}

fn strings(v: Option<&Value>) -> Vec<String> {
    match v {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a
            .iter()
            .filter_map(|x| x.as_str().map(str::to_string))
            .collect(),
        _ => vec![],
    }
}

fn stmt(s: &Value) -> Stmt {
    let principal = s.get("Principal");
    let mut source_arn = Vec::new();
    if let Some(Value::Object(ops)) = s.get("Condition") {
        for (op, kv) in ops {
            if let Value::Object(kv) = kv {
                for (k, v) in kv {
                    if k.eq_ignore_ascii_case("aws:SourceArn") {
                        source_arn.push((op.clone(), strings(Some(v))));
                    }
                }
            }
        }
    }
    Stmt {
        sid: s.get("Sid").and_then(Value::as_str).map(str::to_string),
        allow: s.get("Effect").and_then(Value::as_str) == Some("Allow"),
        actions: strings(s.get("Action")),
        services: strings(principal.and_then(|p| p.get("Service"))),
        aws: strings(principal.and_then(|p| p.get("AWS"))),
        anyone: principal.and_then(Value::as_str) == Some("*"),
        source_arn,
        negated: s.get("NotAction").is_some() || s.get("NotPrincipal").is_some(),
    }
}

/// IAM-style wildcard match (`*` and `?`), case-insensitive, as IAM matches action names.
pub fn glob(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

pub fn check(snap: &Snapshot, which: PolicyStatement) -> Outcome {
    let action = match which {
        PolicyStatement::AuthorizeInboundIntegration => AUTHORIZE,
        PolicyStatement::CreateInboundIntegration => CREATE,
    };
    let mut ev = Evidence {
        field: Some("ResourcePolicy.Policy".into()),
        expected: Some(match which {
            PolicyStatement::AuthorizeInboundIntegration => format!(
                "Allow Service {SERVICE} {AUTHORIZE} with StringEquals aws:SourceArn = {}",
                snap.source.cluster.db_cluster_arn
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
    let stmts = match parse(policy) {
        Ok(s) => s,
        Err(why) => {
            ev.actual_source = Some(ValueSource::Unknown);
            return Outcome::unknown(
                format!("cannot analyse the resource policy of {namespace}: {why}"),
                ev,
            );
        }
    };
    if let Some(deny) = stmts.iter().find(|s| !s.allow && s.grants(action)) {
        ev.actual = Some(format!("Deny in {}", deny.label()));
        return Outcome::new(
            Verdict::Violation,
            format!(
                "{} of the policy on {namespace} denies {action}",
                deny.label()
            ),
            ev,
        );
    }
    match which {
        PolicyStatement::AuthorizeInboundIntegration => authorize(snap, &stmts, ev),
        PolicyStatement::CreateInboundIntegration => create(snap, &stmts, ev),
    }
}

enum Match {
    Exact,
    /// Matches through a wildcard or with no SourceArn condition at all.
    Broad(String),
    /// StringEquals with a `*` in the value: a literal, which matches no real ARN.
    LiteralWildcard(String),
    Other(Vec<String>),
}

fn classify(s: &Stmt, source: &str) -> Match {
    if s.source_arn.is_empty() {
        return Match::Broad(format!(
            "{} has no aws:SourceArn condition, so it authorizes any source",
            s.label()
        ));
    }
    let mut others = Vec::new();
    for (op, values) in &s.source_arn {
        let op_l = op.to_ascii_lowercase();
        let like = op_l.contains("like");
        for v in values {
            if !like && v == source {
                return Match::Exact;
            }
            if like && glob(v, source) {
                return Match::Broad(format!(
                    "{} matches the source only through the pattern '{v}' ({op})",
                    s.label()
                ));
            }
            if !like && v.contains('*') && glob(v, source) {
                return Match::LiteralWildcard(format!(
                    "{} uses '{v}' inside {op}, which compares literally and matches no real ARN; \
                     use the exact source ARN (or ArnLike)",
                    s.label()
                ));
            }
            others.push(v.clone());
        }
    }
    Match::Other(others)
}

fn authorize(snap: &Snapshot, stmts: &[Stmt], mut ev: Evidence) -> Outcome {
    let source = &snap.source.cluster.db_cluster_arn;
    let candidates: Vec<&Stmt> = stmts
        .iter()
        .filter(|s| s.allow && !s.negated && s.grants(AUTHORIZE))
        .filter(|s| s.anyone || s.services.iter().any(|x| x == SERVICE))
        .collect();
    let (mut broad, mut literal, mut others) = (None, None, Vec::new());
    for s in &candidates {
        match classify(s, source) {
            Match::Exact => {
                ev.actual = Some(format!("{} allows {AUTHORIZE} for {source}", s.label()));
                return Outcome::new(
                    Verdict::Pass,
                    format!("{} authorizes this source ({source})", s.label()),
                    ev,
                );
            }
            Match::Broad(why) => broad = broad.or(Some(why)),
            Match::LiteralWildcard(why) => literal = literal.or(Some(why)),
            Match::Other(v) => others.extend(v),
        }
    }
    if let Some(why) = broad {
        ev.actual = Some(why.clone());
        return Outcome::new(
            Verdict::Advisory,
            format!("{why}; an exact StringEquals on aws:SourceArn is safer"),
            ev,
        );
    }
    if let Some(why) = literal {
        ev.actual = Some(why.clone());
        return Outcome::new(Verdict::Violation, why, ev);
    }
    if !others.is_empty() {
        ev.actual = Some(format!("aws:SourceArn in [{}]", others.join(", ")));
        return Outcome::new(
            Verdict::Violation,
            format!(
                "the policy authorizes other sources ({}) but not this one ({source})",
                others.join(", ")
            ),
            ev,
        );
    }
    ev.actual = Some(format!("no Allow statement for {SERVICE} with {AUTHORIZE}"));
    Outcome::new(
        Verdict::Violation,
        format!("no statement allows {SERVICE} to {AUTHORIZE}; this source is not an authorized integration source"),
        ev,
    )
}

fn create(snap: &Snapshot, stmts: &[Stmt], mut ev: Evidence) -> Outcome {
    let source_account = account_of(&snap.source.cluster.db_cluster_arn);
    let in_account = |p: &str| {
        let acct = if p.chars().all(|c| c.is_ascii_digit()) {
            Some(p.to_string())
        } else {
            account_of(p)
        };
        source_account.is_some() && acct == source_account
    };
    let candidates: Vec<&Stmt> = stmts
        .iter()
        .filter(|s| s.allow && !s.negated && s.grants(CREATE))
        .collect();
    if let Some(s) = candidates
        .iter()
        .find(|s| s.aws.iter().any(|p| in_account(p)))
    {
        let p = s
            .aws
            .iter()
            .find(|p| in_account(p))
            .cloned()
            .unwrap_or_default();
        ev.actual = Some(format!("{} allows {p}", s.label()));
        return Outcome::new(
            Verdict::Pass,
            format!("{} allows {p} to {CREATE}", s.label()),
            ev,
        );
    }
    if let Some(s) = candidates
        .iter()
        .find(|s| s.anyone || s.aws.iter().any(|p| p == "*"))
    {
        ev.actual = Some(format!("{} allows any principal", s.label()));
        return Outcome::new(
            Verdict::Advisory,
            format!(
                "{} allows any principal to {CREATE}; name the source account instead",
                s.label()
            ),
            ev,
        );
    }
    let named: Vec<String> = candidates.iter().flat_map(|s| s.aws.clone()).collect();
    let what = if named.is_empty() {
        format!("no statement allows an AWS principal to {CREATE}")
    } else {
        format!(
            "{CREATE} is allowed only for principals outside the source account: {}",
            named.join(", ")
        )
    };
    ev.actual = Some(what.clone());
    principal_missing(snap, what, ev)
}

/// A missing principal statement fails cross-account, and warns in one account, where the
/// caller's identity-based IAM policy can grant the permission instead.
fn principal_missing(snap: &Snapshot, what: String, mut ev: Evidence) -> Outcome {
    if ev.actual.is_none() {
        ev.actual = Some(what.clone());
    }
    let source = account_of(&snap.source.cluster.db_cluster_arn);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globbing() {
        assert!(glob("redshift:*", AUTHORIZE));
        assert!(glob("*", CREATE));
        assert!(glob("Redshift:authorize*", AUTHORIZE));
        assert!(!glob("redshift:Create*", AUTHORIZE));
        assert!(glob(
            "arn:aws:rds:*:123:cluster:*",
            "arn:aws:rds:us-east-1:123:cluster:db"
        ));
        assert!(!glob(
            "arn:aws:rds:*:999:cluster:*",
            "arn:aws:rds:us-east-1:123:cluster:db"
        ));
    }

    #[test]
    fn parses_string_or_list_fields() {
        let p = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow",
            "Principal":{"Service":["redshift.amazonaws.com"]},"Action":"redshift:AuthorizeInboundIntegration",
            "Condition":{"StringEquals":{"aws:SourceArn":"arn:aws:rds:us-east-1:1:cluster:a"}}}}"#;
        let s = parse(p).unwrap();
        assert_eq!(s.len(), 1);
        assert!(s[0].allow && s[0].grants(AUTHORIZE));
        assert_eq!(s[0].services, vec![SERVICE]);
        assert_eq!(
            s[0].source_arn[0].1,
            vec!["arn:aws:rds:us-east-1:1:cluster:a"]
        );
        assert!(parse("{").is_err());
        assert!(parse("{}").is_err());
    }
}

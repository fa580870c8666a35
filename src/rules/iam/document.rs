//! A policy document as IAM reads it.

use serde_json::Value;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

/// A `Principal` or `NotPrincipal` element.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Principals {
    /// `"*"`, or `{"AWS": "*"}`: everyone.
    pub anyone: bool,
    /// `AWS` entries: account ids, root ARNs, role and user ARNs.
    pub aws: Vec<String>,
    /// `Service` entries, e.g. `redshift.amazonaws.com`.
    pub service: Vec<String>,
    /// `Federated` and `CanonicalUser` entries: never this request's principal.
    pub other: Vec<String>,
}

/// One condition: `{"<operator>": {"<key>": [values]}}`, one key at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConditionEntry {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// Position in the policy, from 1.
    pub index: usize,
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Option<Principals>,
    pub not_principal: Option<Principals>,
    pub action: Option<Vec<String>>,
    pub not_action: Option<Vec<String>>,
    pub resource: Option<Vec<String>>,
    pub not_resource: Option<Vec<String>>,
    pub conditions: Vec<ConditionEntry>,
}

impl Statement {
    /// `statement 'Sid'`, or `statement 2` when it has no Sid.
    pub fn label(&self) -> String {
        match &self.sid {
            Some(s) if !s.is_empty() => format!("statement '{s}'"),
            _ => format!("statement {}", self.index),
        }
    }

    /// The condition entries on `key` (keys compare case-insensitively).
    pub fn conditions_on<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a ConditionEntry> {
        self.conditions
            .iter()
            .filter(move |c| c.key.eq_ignore_ascii_case(key))
    }
}

/// Parse a policy document. `Err` says why IAM would not read it either.
pub fn parse(policy: &str) -> Result<Vec<Statement>, String> {
    let doc: Value = serde_json::from_str(policy).map_err(|e| format!("not valid JSON: {e}"))?;
    let list = match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect::<Vec<_>>(),
        Some(o @ Value::Object(_)) => vec![o],
        _ => return Err("it has no Statement".into()),
    };
    list.into_iter()
        .enumerate()
        .map(|(i, s)| statement(i + 1, s))
        .collect()
}

/// A string, or a list of strings; numbers and booleans are read as their text, as IAM does
/// for condition values.
fn strings(v: &Value) -> Result<Vec<String>, String> {
    let one = |x: &Value| match x {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(format!("expected a string, found {other}")),
    };
    match v {
        Value::Array(a) => a.iter().map(one).collect(),
        other => Ok(vec![one(other)?]),
    }
}

fn principals(v: &Value) -> Result<Principals, String> {
    let mut p = Principals::default();
    match v {
        Value::String(s) if s == "*" => p.anyone = true,
        Value::Object(map) => {
            for (kind, values) in map {
                let values = strings(values)?;
                match kind.as_str() {
                    "AWS" => {
                        if values.iter().any(|v| v == "*") {
                            p.anyone = true;
                        }
                        p.aws.extend(values.into_iter().filter(|v| v != "*"));
                    }
                    "Service" => p.service.extend(values),
                    "Federated" | "CanonicalUser" => p.other.extend(values),
                    other => return Err(format!("unknown principal type '{other}'")),
                }
            }
        }
        other => {
            return Err(format!(
                "a principal must be \"*\" or an object, found {other}"
            ))
        }
    }
    Ok(p)
}

fn conditions(v: &Value) -> Result<Vec<ConditionEntry>, String> {
    let Value::Object(ops) = v else {
        return Err("Condition must be an object".into());
    };
    let mut out = Vec::new();
    for (operator, keys) in ops {
        let Value::Object(keys) = keys else {
            return Err(format!(
                "Condition operator {operator} must map keys to values"
            ));
        };
        for (key, values) in keys {
            out.push(ConditionEntry {
                operator: operator.clone(),
                key: key.clone(),
                values: strings(values).map_err(|e| format!("{operator} {key}: {e}"))?,
            });
        }
    }
    Ok(out)
}

fn statement(index: usize, v: &Value) -> Result<Statement, String> {
    let at = |e: String| format!("statement {index}: {e}");
    let Value::Object(s) = v else {
        return Err(at("not an object".into()));
    };
    let field = |name: &str| -> Result<Option<Vec<String>>, String> {
        s.get(name).map(strings).transpose().map_err(at)
    };
    let effect = match s.get("Effect").and_then(Value::as_str) {
        Some("Allow") => Effect::Allow,
        Some("Deny") => Effect::Deny,
        Some(other) => return Err(at(format!("Effect must be Allow or Deny, not '{other}'"))),
        None => return Err(at("it has no Effect".into())),
    };
    let principal_field = |name: &str| -> Result<Option<Principals>, String> {
        s.get(name).map(principals).transpose().map_err(at)
    };
    Ok(Statement {
        index,
        sid: s.get("Sid").and_then(Value::as_str).map(str::to_string),
        effect,
        principal: principal_field("Principal")?,
        not_principal: principal_field("NotPrincipal")?,
        action: field("Action")?,
        not_action: field("NotAction")?,
        resource: field("Resource")?,
        not_resource: field("NotResource")?,
        conditions: match s.get("Condition") {
            Some(c) => conditions(c).map_err(at)?,
            None => Vec::new(),
        },
    })
}

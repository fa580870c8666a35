//! Condition operators, evaluated with three answers.
//!
//! IAM's rules, from the condition-operators page and the multiple-keys-and-values page:
//! - Several values for one key are ORed: `StringEquals {"k": ["a", "b"]}` holds when the
//!   request's value is `a` or `b`.
//! - A negated operator (`StringNotEquals`, `StringNotLike`, `ArnNotEquals`, `ArnNotLike`)
//!   is the negation of that OR: it holds when the value matches none of them.
//! - `StringEquals` compares literally (case-sensitive, a `*` is just a character);
//!   `StringEqualsIgnoreCase` ignores case; `StringLike` takes `*` and `?`.
//! - `ArnEquals` and `ArnLike` behave the same: both take `*` and `?` in each of the six
//!   colon-separated parts, case-sensitively.
//! - A key the request does not carry: the condition is false, except for a negated
//!   operator (true), an `...IfExists` operator (true), `ForAllValues:` (true: all of no
//!   values match) and `Null: true` (true).
//! - `ForAnyValue:` / `ForAllValues:` on a single-valued key behave like the plain operator
//!   while the key is present.
//! - On a multivalued key (`kms:GrantOperations`, `kms:EncryptionContextKeys`),
//!   `ForAllValues:` holds when every request value matches one of the policy's values (and
//!   when the request has no value), `ForAnyValue:` when at least one does; a negated
//!   operator negates each value's match. A plain operator on a multivalued key is read as
//!   `ForAnyValue:`.

use super::document::ConditionEntry;
use super::matching;
use crate::model::fact::UNKNOWN_VALUE;

/// An answer that may be "cannot tell".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    True,
    False,
    Unknown,
}

impl Tri {
    pub fn from_bool(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }

    /// Kleene AND: false wins, then unknown.
    pub fn and(self, other: Tri) -> Tri {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::Unknown, _) | (_, Tri::Unknown) => Tri::Unknown,
            _ => Tri::True,
        }
    }
}

/// What the tool knows about a context key for this request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValue {
    /// The request carries this value.
    Present(String),
    /// The request does not carry the key.
    Absent,
    /// The request carries this value, or does not carry the key at all; which is not known.
    /// A condition that gives the same answer either way is decided.
    PresentOrAbsent(String),
    /// The key's value depends on something the tool cannot see (the caller's organization,
    /// network, time, tags, ...).
    Unknown,
    /// A multivalued key with these values (`kms:GrantOperations`).
    Many(Vec<String>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base {
    StringEquals,
    StringEqualsIgnoreCase,
    StringLike,
    Arn,
    Bool,
    Null,
}

struct Operator {
    base: Option<Base>,
    negated: bool,
    if_exists: bool,
    for_all: bool,
}

fn operator(name: &str) -> Operator {
    let mut rest = name;
    let mut strip_prefix = |p: &str| match rest.get(..p.len()) {
        Some(head) if head.eq_ignore_ascii_case(p) => {
            rest = &rest[p.len()..];
            true
        }
        _ => false,
    };
    let for_all = strip_prefix("ForAllValues:");
    if !for_all {
        // ForAnyValue: over a single-valued key is the plain operator, and over a
        // multivalued key the default reading of one.
        strip_prefix("ForAnyValue:");
    }
    let if_exists = rest.len() > 8 && rest[rest.len() - 8..].eq_ignore_ascii_case("IfExists");
    if if_exists {
        rest = &rest[..rest.len() - 8];
    }
    let (base, negated) = match rest.to_ascii_lowercase().as_str() {
        "stringequals" => (Some(Base::StringEquals), false),
        "stringnotequals" => (Some(Base::StringEquals), true),
        "stringequalsignorecase" => (Some(Base::StringEqualsIgnoreCase), false),
        "stringnotequalsignorecase" => (Some(Base::StringEqualsIgnoreCase), true),
        "stringlike" => (Some(Base::StringLike), false),
        "stringnotlike" => (Some(Base::StringLike), true),
        "arnequals" | "arnlike" => (Some(Base::Arn), false),
        "arnnotequals" | "arnnotlike" => (Some(Base::Arn), true),
        "bool" => (Some(Base::Bool), false),
        "null" => (Some(Base::Null), false),
        _ => (None, false),
    };
    Operator {
        base,
        negated,
        if_exists,
        for_all,
    }
}

fn matches(base: Base, pattern: &str, value: &str) -> bool {
    match base {
        Base::StringEquals => pattern == value,
        Base::StringEqualsIgnoreCase => pattern.to_lowercase() == value.to_lowercase(),
        Base::StringLike => matching::glob(pattern, value, false),
        Base::Arn => matching::arn(pattern, value),
        Base::Bool => pattern.eq_ignore_ascii_case(value),
        Base::Null => false,
    }
}

/// Is the operator one that excludes (`StringNotEquals`, `ArnNotLike`, ...)?
pub fn is_negated(name: &str) -> bool {
    operator(name).negated
}

/// Does the operator compare the key's value with the listed values (String*, Arn*)?
pub fn compares_values(name: &str) -> bool {
    matches!(
        operator(name).base,
        Some(Base::StringEquals | Base::StringEqualsIgnoreCase | Base::StringLike | Base::Arn)
    )
}

/// Does the operator compare with wildcards (`StringLike`, `ArnLike`, `ArnEquals`)?
pub fn takes_wildcards(name: &str) -> bool {
    matches!(operator(name).base, Some(Base::StringLike | Base::Arn))
}

/// Evaluate one condition entry; an unknown answer comes with the reason. A policy value
/// known only once a stack exists ([`UNKNOWN_VALUE`]) may match or not: the entry is decided
/// only when both readings agree.
pub fn evaluate(entry: &ConditionEntry, value: &KeyValue) -> (Tri, Option<String>) {
    if !entry.values.iter().any(|v| v.contains(UNKNOWN_VALUE)) {
        return evaluate_with(entry, value, false);
    }
    let (never, why) = evaluate_with(entry, value, false);
    let (always, _) = evaluate_with(entry, value, true);
    if never == always {
        (never, why)
    } else {
        (
            Tri::Unknown,
            Some(format!(
                "the condition on {} compares with a value known only once the stack exists",
                entry.key
            )),
        )
    }
}

fn evaluate_with(
    entry: &ConditionEntry,
    value: &KeyValue,
    unknown_matches: bool,
) -> (Tri, Option<String>) {
    let matches = |base: Base, pattern: &str, value: &str| {
        if pattern.contains(UNKNOWN_VALUE) {
            unknown_matches
        } else {
            matches(base, pattern, value)
        }
    };
    let op = operator(&entry.operator);
    let Some(base) = op.base else {
        return (
            Tri::Unknown,
            Some(format!(
                "the condition operator {} on {} is not evaluated by this tool",
                entry.operator, entry.key
            )),
        );
    };
    match value {
        KeyValue::Many(values) => {
            if base == Base::Null {
                let wants_absent = entry.values.iter().any(|x| x.eq_ignore_ascii_case("true"));
                return (Tri::from_bool(wants_absent == values.is_empty()), None);
            }
            // Each request value's own answer: matches one of the policy's values (negated:
            // matches none).
            let each = |v: &String| entry.values.iter().any(|p| matches(base, p, v)) != op.negated;
            let holds = if op.for_all {
                values.iter().all(each)
            } else {
                // ForAnyValue:, and a plain operator on a multivalued key.
                values.iter().any(each)
            };
            (Tri::from_bool(holds), None)
        }
        KeyValue::PresentOrAbsent(v) => {
            let present = evaluate_with(entry, &KeyValue::Present(v.clone()), unknown_matches).0;
            let absent = evaluate_with(entry, &KeyValue::Absent, unknown_matches).0;
            if present == absent {
                (present, None)
            } else {
                (
                    Tri::Unknown,
                    Some(format!(
                        "the condition on {} depends on whether the request carries that key",
                        entry.key
                    )),
                )
            }
        }
        KeyValue::Unknown => (
            Tri::Unknown,
            Some(format!(
                "the condition on {} depends on a value this tool cannot know",
                entry.key
            )),
        ),
        KeyValue::Absent => {
            let holds = if base == Base::Null {
                entry.values.iter().any(|v| v.eq_ignore_ascii_case("true"))
            } else {
                op.negated || op.if_exists || op.for_all
            };
            (Tri::from_bool(holds), None)
        }
        KeyValue::Present(v) => {
            if base == Base::Null {
                let wants_absent = entry.values.iter().any(|x| x.eq_ignore_ascii_case("true"));
                return (Tri::from_bool(!wants_absent), None);
            }
            // ForAnyValue / ForAllValues over a single value reduce to the plain test.
            let any = entry.values.iter().any(|p| matches(base, p, v));
            (Tri::from_bool(any != op.negated), None)
        }
    }
}

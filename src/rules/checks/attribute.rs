//! A field of a fetched resource, by AWS's own name.

use serde_json::Value;

use crate::model::{Evidence, Fact, Snapshot, TargetSnapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use crate::rules::spec::{Condition, On, Scalar};

pub fn check(
    snap: &Snapshot,
    on: On,
    field: &str,
    expect: &Condition,
    when_absent: Option<&Scalar>,
) -> Outcome {
    let mut ev = Evidence {
        field: Some(field.to_string()),
        expected: Some(expect.describe()),
        ..Default::default()
    };
    let (what, object) = match resolve_object(snap, on) {
        Ok(x) => x,
        Err(message) => {
            ev.actual_source = Some(ValueSource::Unknown);
            return Outcome::unknown(message, ev);
        }
    };
    let (actual, source) = match lookup(&object, field) {
        Some(v) => (v, ValueSource::User),
        None => match when_absent {
            Some(d) => (d.to_string(), ValueSource::DocumentedDefault),
            None => {
                ev.actual_source = Some(ValueSource::Unknown);
                return Outcome::unknown(format!("AWS did not report {field} for {what}"), ev);
            }
        },
    };
    ev.actual = Some(actual.clone());
    ev.actual_source = Some(source);
    let shown = if source == ValueSource::DocumentedDefault {
        format!("not reported (taken as {actual})")
    } else {
        crate::rules::spec::show(&actual)
    };
    if expect.holds(Some(&actual)) {
        Outcome::new(Verdict::Pass, format!("{field} of {what} is {shown}"), ev)
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "{field} of {what} is {shown}; zero-ETL needs {}",
                expect.describe()
            ),
            ev,
        )
    }
}

/// The object a field is read from, as JSON with AWS's field names, and a name for messages.
fn resolve_object(snap: &Snapshot, on: On) -> Result<(String, Value), String> {
    match (on, &snap.target) {
        (On::SourceCluster, _) => {
            let c = &snap.source.cluster;
            Ok((format!("cluster {}", c.db_cluster_identifier), json(c)))
        }
        (On::TargetCluster, TargetSnapshot::Provisioned(p)) => Ok((
            format!("Redshift cluster {}", p.cluster.cluster_identifier),
            json(&p.cluster),
        )),
        (On::Workgroup, TargetSnapshot::Serverless(s)) => Ok((
            format!("workgroup {}", s.workgroup.workgroup_name),
            json(&s.workgroup),
        )),
        (On::Namespace, TargetSnapshot::Serverless(s)) => match &s.namespace {
            Fact::Ok(n) => Ok((format!("namespace {}", n.namespace_name), json(n))),
            Fact::Error(e) => Err(format!(
                "cannot read namespace {}: {}",
                s.workgroup.namespace_name,
                e.describe()
            )),
        },
        (on, t) => Err(format!(
            "this rule reads {on:?}, which a {} target does not have; fix its applies_to",
            t.kind()
        )),
    }
}

/// Walk a dotted path; scalars come back as text.
fn lookup(object: &Value, path: &str) -> Option<String> {
    let mut v = object;
    for part in path.split('.') {
        v = v.get(part)?;
    }
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

fn json<T: serde::Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

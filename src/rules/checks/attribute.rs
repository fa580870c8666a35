//! `kind = "attribute"`: a field of a fetched resource, by AWS's own name.

use serde_json::Value;

use crate::model::{Evidence, Fact, Snapshot, SourceShape, TargetSnapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use serde::{Deserialize, Serialize};

use super::{About, Kind, Reads};
use crate::rules::condition::{Condition, Scalar};

/// Where an `attribute` check reads its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum On {
    /// The Aurora DB cluster (DescribeDBClusters).
    SourceCluster,
    /// An RDS source's DB instance (DescribeDBInstances).
    SourceInstance,
    /// A DynamoDB source table (DescribeTable).
    SourceTable,
    /// The Redshift provisioned cluster (DescribeClusters).
    TargetCluster,
    /// The Redshift Serverless workgroup (GetWorkgroup).
    Workgroup,
    /// The Redshift Serverless namespace (GetNamespace).
    Namespace,
}

/// A field of a fetched resource, by AWS's name (`NodeType`, `EngineMode`, ...). A dotted
/// path reaches into nested structures.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub on: On,
    pub field: String,
    pub expect: Condition,
    /// The value to assume when AWS omits the field. Without it, an absent field is an error.
    #[serde(default)]
    pub when_absent: Option<Scalar>,
}

pub const ABOUT: About = About {
    name: "attribute",
    fields: "`on` (`source_cluster`, `source_instance`, `source_table`, `target_cluster`, `workgroup`, `namespace`), `field` (AWS name, dotted for nesting), `expect`, `when_absent`",
    checks: "a field of the fetched resource",
};

impl Kind for Spec {
    fn needs_source(&self) -> bool {
        matches!(self.on, On::SourceCluster | On::SourceInstance | On::SourceTable)
    }

    fn sources(&self) -> &'static [SourceShape] {
        match self.on {
            On::SourceCluster | On::SourceInstance => &SourceShape::RDS,
            On::SourceTable => &[SourceShape::DynamodbTable],
            On::TargetCluster | On::Workgroup | On::Namespace => &super::ALL_SOURCES,
        }
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        check(snap, self.on, &self.field, &self.expect, self.when_absent.as_ref())
    }

    fn resource(&self, snap: &Snapshot) -> String {
        match self.on {
            On::SourceCluster | On::SourceInstance | On::SourceTable => {
                super::source_resource(snap)
            }
            On::Workgroup => super::workgroup_resource(snap),
            On::TargetCluster | On::Namespace => super::target_resource(snap),
        }
    }

    fn reads(&self) -> Reads {
        let side = match self.on {
            On::SourceCluster => "source.cluster",
            On::SourceInstance => "source.instance",
            On::SourceTable => "source.table",
            On::TargetCluster => "target.cluster",
            On::Workgroup => "target.workgroup",
            On::Namespace => "target.namespace",
        };
        let head = self.field.split('.').next().unwrap_or(&self.field);
        Reads::paths([format!("{side}.{head}"), format!("{side}.{}", self.field)])
    }

    fn roles(&self) -> &'static [&'static str] {
        match self.on {
            On::SourceCluster | On::SourceInstance | On::SourceTable => &["source"],
            On::TargetCluster | On::Workgroup => &["target"],
            On::Namespace => &["namespace", "target"],
        }
    }
}

fn check(
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
    let shown = if source == ValueSource::DocumentedDefault && actual.is_empty() {
        "not set".to_string()
    } else if source == ValueSource::DocumentedDefault {
        format!("not reported (taken as {actual})")
    } else {
        crate::rules::condition::show(&actual)
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
    let rds = snap.source.rds();
    match (on, &snap.target) {
        (On::SourceTable, _) => match snap.source.table() {
            Some(t) => Ok((format!("table {}", t.table.table_name), json(&t.table))),
            None => Err(format!(
                "this rule reads a DynamoDB table, and the source {} is not one; fix its applies_to",
                snap.source.id()
            )),
        },
        (On::SourceCluster | On::SourceInstance, _) if rds.is_none() => Err(format!(
            "this rule reads an RDS source, and the source {} is a DynamoDB table; fix its applies_to",
            snap.source.id()
        )),
        (On::SourceCluster, _) => match rds.and_then(|r| r.cluster()) {
            Some(c) => Ok((format!("cluster {}", c.db_cluster_identifier), json(c))),
            None => Err(format!(
                "this rule reads a DB cluster, and the source {} is a DB instance; fix its applies_to",
                snap.source.id()
            )),
        },
        (On::SourceInstance, _) => match rds.and_then(|r| r.instance()) {
            Some(i) => Ok((format!("DB instance {}", i.db_instance_identifier), json(i))),
            None => Err(format!(
                "this rule reads a DB instance, and the source {} is an Aurora cluster; fix its applies_to",
                snap.source.id()
            )),
        },
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

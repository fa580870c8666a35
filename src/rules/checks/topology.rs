//! Cluster shape and placement: writer, Region, target ARN.

use crate::model::arn::{region_of, Arn};
use crate::model::{Evidence, Fact, Snapshot, TargetSnapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};

pub fn cluster_writer(snap: &Snapshot) -> Outcome {
    let c = &snap.source.cluster;
    let writers: Vec<&str> = c
        .db_cluster_members
        .iter()
        .filter(|m| m.is_cluster_writer)
        .map(|m| m.db_instance_identifier.as_str())
        .collect();
    let ev = Evidence {
        field: Some("DBClusterMembers".into()),
        expected: Some("one writer instance".into()),
        actual: Some(format!(
            "{} member(s), writer: {}",
            c.db_cluster_members.len(),
            if writers.is_empty() {
                "none".to_string()
            } else {
                writers.join(", ")
            }
        )),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    match writers.as_slice() {
        [w] => Outcome::new(Verdict::Pass, format!("writer instance is {w}"), ev),
        [] if c.db_cluster_members.is_empty() => Outcome::new(
            Verdict::Violation,
            format!(
                "cluster {} has no DB instances; zero-ETL needs at least one",
                c.db_cluster_identifier
            ),
            ev,
        ),
        [] => Outcome::new(
            Verdict::Violation,
            format!("cluster {} has no writer instance", c.db_cluster_identifier),
            ev,
        ),
        _ => Outcome::new(
            Verdict::Violation,
            format!(
                "cluster {} reports several writers",
                c.db_cluster_identifier
            ),
            ev,
        ),
    }
}

pub fn same_region(snap: &Snapshot) -> Outcome {
    let source = region_of(&snap.source.cluster.db_cluster_arn)
        .unwrap_or_else(|| snap.source.region.clone());
    let target = snap
        .target
        .namespace_arn()
        .and_then(region_of)
        .unwrap_or_else(|| snap.target.region().to_string());
    let ev = Evidence {
        field: Some("Region".into()),
        expected: Some(source.clone()),
        actual: Some(target.clone()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    if source == target {
        Outcome::new(
            Verdict::Pass,
            format!("source and target are both in {source}"),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "source is in {source} but target is in {target}; zero-ETL works within one Region"
            ),
            ev,
        )
    }
}

pub fn namespace_arn(snap: &Snapshot) -> Outcome {
    let mut ev = Evidence {
        field: Some(match snap.target {
            TargetSnapshot::Provisioned(_) => "ClusterNamespaceArn".into(),
            TargetSnapshot::Serverless(_) => "namespaceArn".into(),
        }),
        expected: Some("a Redshift namespace ARN".into()),
        ..Default::default()
    };
    let arn = match &snap.target {
        TargetSnapshot::Provisioned(p) => match &p.cluster.cluster_namespace_arn {
            Some(a) => a.clone(),
            None => {
                ev.actual_source = Some(ValueSource::Unknown);
                return Outcome::unknown(
                    format!(
                        "DescribeClusters returned no ClusterNamespaceArn for {}; the namespace \
                         ARN (the integration's TargetArn) and its resource policy cannot be read",
                        p.cluster.cluster_identifier
                    ),
                    ev,
                );
            }
        },
        TargetSnapshot::Serverless(s) => match &s.namespace {
            Fact::Ok(n) => n.namespace_arn.clone(),
            Fact::Error(e) => {
                ev.actual_source = Some(ValueSource::Unknown);
                ev.failed_call = Some(e.call.clone());
                return Outcome::unknown(
                    format!(
                        "cannot read namespace {}: {}",
                        s.workgroup.namespace_name,
                        e.describe()
                    ),
                    ev,
                );
            }
        },
    };
    ev.actual = Some(arn.clone());
    ev.actual_source = Some(ValueSource::User);
    if is_namespace_arn(&arn) {
        Outcome::new(
            Verdict::Pass,
            format!("use TargetArn {arn} when creating the integration"),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!("'{arn}' is not a Redshift namespace ARN"),
            ev,
        )
    }
}

/// `arn:aws:redshift:R:A:namespace:ID` or `arn:aws:redshift-serverless:R:A:namespace/ID`.
pub fn is_namespace_arn(s: &str) -> bool {
    let Ok(a) = Arn::parse(s) else { return false };
    let sep_ok = match a.service.as_str() {
        "redshift" => a.resource.starts_with("namespace:"),
        "redshift-serverless" => a.resource.starts_with("namespace/"),
        _ => false,
    };
    let (_, id) = a.resource_parts();
    sep_ok
        && a.account.len() == 12
        && !a.region.is_empty()
        && !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespace_arns() {
        assert!(is_namespace_arn(
            "arn:aws:redshift:us-east-1:123456789012:namespace:a1b2-c3"
        ));
        assert!(is_namespace_arn(
            "arn:aws:redshift-serverless:us-east-1:123456789012:namespace/a1b2-c3"
        ));
        assert!(!is_namespace_arn(
            "arn:aws:redshift:us-east-1:123456789012:cluster:my-cluster"
        ));
        assert!(!is_namespace_arn(
            "arn:aws:redshift-serverless:us-east-1:123456789012:namespace:a1b2"
        ));
    }
}

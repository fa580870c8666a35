//! `kind = "namespace_arn"`: the target's namespace ARN is known and well formed.

use serde::{Deserialize, Serialize};
use crate::model::arn::is_namespace_arn;
use crate::model::{Evidence, Fact, Snapshot, TargetSnapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use super::{About, Kind, Reads};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {}

pub const ABOUT: About = About {
    name: "namespace_arn",
    fields: "",
    checks: "the target's namespace ARN is known and well formed",
};

impl Kind for Spec {
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        &super::ALL_SOURCES
    }

    fn needs_source(&self) -> bool {
        false
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        namespace_arn(snap)
    }

    fn resource(&self, snap: &Snapshot) -> String {
        super::target_resource(snap)
    }

    fn reads(&self) -> Reads {
        Reads::paths(["target.namespace_arn".to_string()])
    }

    fn roles(&self) -> &'static [&'static str] {
        &["namespace", "target"]
    }
}

fn namespace_arn(snap: &Snapshot) -> Outcome {
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

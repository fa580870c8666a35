//! `kind = "same_region"`: source and target are in the same Region.

use serde::{Deserialize, Serialize};
use crate::model::arn::region_of;
use crate::model::{Evidence, Snapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use super::{About, Kind, Reads};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {}

pub const ABOUT: About = About {
    name: "same_region",
    fields: "",
    checks: "source and target Regions match",
};

impl Kind for Spec {
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        &super::ALL_SOURCES
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        same_region(snap)
    }

    fn reads(&self) -> Reads {
        Reads::paths(["source.region".to_string(), "target.region".to_string()])
    }
}

fn same_region(snap: &Snapshot) -> Outcome {
    let source = region_of(snap.source.arn())
        .unwrap_or_else(|| snap.source.region().to_string());
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

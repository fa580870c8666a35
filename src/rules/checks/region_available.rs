//! `kind = "region_available"`: the source's Region is one where zero-ETL is available for its engine. A Region in `not_available` fails; one in neither list is a warning (the data is as of `as_of`).

use serde::{Deserialize, Serialize};
use crate::model::arn::region_of;
use crate::model::{RdsSource, Evidence, Snapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use super::{About, Kind, Reads};

/// Region data, with the page it was read from and when.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    /// The date the lists were read from `page`.
    pub as_of: String,
    /// The English AWS page the lists come from.
    pub page: String,
    pub available: Vec<String>,
    #[serde(default)]
    pub not_available: Vec<String>,
}

pub const ABOUT: About = About {
    name: "region_available",
    fields: "`as_of`, `page`, `available = [...]`, `not_available = [...]`",
    checks: "the source's Region is one where zero-ETL is available for its engine",
};

impl Kind for Spec {
    fn run(&self, snap: &Snapshot) -> Outcome {
        super::on_rds(snap, |rds| {
            region_available(rds, &self.as_of, &self.page, &self.available, &self.not_available)
        })
    }

    fn reads(&self) -> Reads {
        Reads::paths(["source.region".to_string()])
    }

    fn validate(&self) -> Result<(), String> {
        if !self.page.starts_with("https://") {
            return Err("a region_available check needs an https:// page".into());
        }
        Ok(())
    }
}

fn region_available(
    rds: &RdsSource,
    as_of: &str,
    page: &str,
    available: &[String],
    not_available: &[String],
) -> Outcome {
    let region = region_of(rds.arn()).unwrap_or_else(|| rds.region.clone());
    let ev = Evidence {
        field: Some("Region".into()),
        expected: Some(format!(
            "a Region where zero-ETL is available for {}",
            rds.engine()
        )),
        actual: Some(region.clone()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let listed = |list: &[String]| list.iter().any(|r| r.eq_ignore_ascii_case(&region));
    if listed(not_available) {
        Outcome::new(
            Verdict::Violation,
            format!(
                "zero-ETL integrations with Amazon Redshift are not available for {} in {region} ({page}, read {as_of})",
                rds.engine()
            ),
            ev,
        )
    } else if listed(available) {
        Outcome::new(
            Verdict::Pass,
            format!("zero-ETL is available for {} in {region}", rds.engine()),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Advisory,
            format!(
                "{region} is not in the Region data for {} (read {as_of}): a newer Region, or one added since; check {page}",
                rds.engine()
            ),
            ev,
        )
    }
}

//! `kind = "engine_version"`: the source engine version is at least the minimum (Aurora MySQL: the `3.MM.PP` part).

use serde::{Deserialize, Serialize};
use crate::model::{RdsSource, Evidence, Snapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use super::{About, Kind, Reads};

/// `minimum` holds for every major version; `minimum_by_major` names one per major version
/// (`"16" = "16.4"`): a major version below all of them fails, one above all of them is a
/// warning (newer than the data).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub minimum_by_major: BTreeMap<String, String>,
    /// The date the version data was read from the references.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

pub const ABOUT: About = About {
    name: "engine_version",
    fields: "`minimum`, `minimum_by_major = { \"16\" = \"16.4\" }`, `as_of`",
    checks: "source engine version (Aurora MySQL: the `3.MM.PP` part)",
};

impl Kind for Spec {
    fn run(&self, snap: &Snapshot) -> Outcome {
        super::on_rds(snap, |rds| {
            engine_version(
                rds,
                self.minimum.as_deref(),
                &self.minimum_by_major,
                self.as_of.as_deref(),
            )
        })
    }

    fn reads(&self) -> Reads {
        Reads::paths(["source.cluster.EngineVersion".to_string()])
    }

    fn validate(&self) -> Result<(), String> {
        if self.minimum.is_none() && self.minimum_by_major.is_empty() {
            return Err("an engine_version check needs minimum or minimum_by_major".into());
        }
        Ok(())
    }
}

/// The comparable part of an engine version: `8.0.mysql_aurora.3.05.2` → `[3, 5, 2]`,
/// `16.4` → `[16, 4]`, and for RDS for Oracle the major version and its Release Update:
/// `19.0.0.0.ru-2019-07.rur-2019-07.r1` → `[19, 2019, 7]`.
pub fn parse_version(v: &str) -> Option<Vec<u64>> {
    if let Some(i) = v.find(".ru-") {
        let major: u64 = v.split('.').next()?.parse().ok()?;
        let mut ru = v[i + ".ru-".len()..].split(['-', '.']);
        let year: u64 = ru.next()?.parse().ok()?;
        let month: u64 = ru.next()?.parse().ok()?;
        return Some(vec![major, year, month]);
    }
    let tail = match v.find("mysql_aurora.") {
        Some(i) => &v[i + "mysql_aurora.".len()..],
        None => v,
    };
    let parts: Vec<u64> = tail.split('.').map_while(|p| p.parse().ok()).collect();
    (!parts.is_empty()).then_some(parts)
}

fn compare(a: &[u64], b: &[u64]) -> Ordering {
    let n = a.len().max(b.len());
    let at = |v: &[u64], i: usize| v.get(i).copied().unwrap_or(0);
    (0..n)
        .map(|i| at(a, i).cmp(&at(b, i)))
        .find(|o| o.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// The `--engine-version` value for `minimum` on this engine.
fn target_version(engine: &str, minimum: &str) -> String {
    if engine == "aurora-mysql" && minimum.starts_with("3.") {
        format!("8.0.mysql_aurora.{minimum}")
    } else {
        minimum.to_string()
    }
}

/// The upgrade command: `--allow-major-version-upgrade` only when the major version changes,
/// and then a reminder that the parameter group must be of the new family.
fn upgrade_fix(engine: &str, have: &[u64], minimum: &str) -> String {
    // An Oracle version names a Release Update; the available ones differ by Region.
    if engine.starts_with("oracle-") {
        return format!(
            "# pick a Release Update at least as new as {minimum} among those offered:\n\
             aws rds describe-db-engine-versions --engine {engine} --query 'DBEngineVersions[].EngineVersion'\n\
             aws rds modify-db-instance --db-instance-identifier {{source_id}} --engine-version <version> --apply-immediately"
        );
    }
    let target = target_version(engine, minimum);
    let major = parse_version(minimum).and_then(|m| m.first().copied()) != have.first().copied();
    let family = crate::model::family_for(engine, &target);
    // Aurora upgrades the cluster; an RDS source is a DB instance with a DB parameter group.
    let (what, modify, id, group) = if engine.starts_with("aurora") {
        (
            "the cluster needs a DB cluster parameter group",
            "modify-db-cluster",
            "--db-cluster-identifier",
            "--db-cluster-parameter-group-name",
        )
    } else {
        (
            "the instance needs a DB parameter group",
            "modify-db-instance",
            "--db-instance-identifier",
            "--db-parameter-group-name",
        )
    };
    if major {
        format!(
            "# a major version upgrade: {what} of family {family} with the zero-ETL parameters\n\
             aws rds {modify} {id} {{source_id}} --engine-version {target} --allow-major-version-upgrade {group} <{family}-group> --apply-immediately"
        )
    } else {
        format!("aws rds {modify} {id} {{source_id}} --engine-version {target} --apply-immediately")
    }
}

fn engine_version(
    rds: &RdsSource,
    minimum: Option<&str>,
    by_major: &BTreeMap<String, String>,
    as_of: Option<&str>,
) -> Outcome {
    let mut ev = Evidence {
        field: Some("EngineVersion".into()),
        actual: Some(rds.engine_version().to_string()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let Some(have) = parse_version(rds.engine_version()) else {
        ev.actual_source = Some(ValueSource::Unknown);
        return Outcome::unknown(
            format!(
                "cannot read a version number in EngineVersion '{}' of {} {}",
                rds.engine_version(), rds.engine(), rds.id()
            ),
            ev,
        );
    };
    let data = as_of
        .map(|d| format!("the version data as of {d}"))
        .unwrap_or_else(|| "the version data".into());
    let major = have[0];
    let min = match by_major.get(&major.to_string()) {
        Some(m) => m.clone(),
        None if !by_major.is_empty() => {
            let mut known: Vec<(u64, &String)> = by_major
                .iter()
                .filter_map(|(k, v)| Some((k.parse().ok()?, v)))
                .collect();
            known.sort();
            let lowest = known.first().map(|(_, v)| v.as_str()).unwrap_or("?");
            let listed: Vec<&str> = known.iter().map(|(_, v)| v.as_str()).collect();
            ev.expected = Some(format!(">= one of {}", listed.join(", ")));
            if known.first().is_some_and(|(m, _)| major < *m) {
                return Outcome::new(
                    Verdict::Violation,
                    format!(
                        "{} {} is major version {major}; zero-ETL supports {} only from {lowest}",
                        rds.engine(), rds.engine_version(), rds.engine()
                    ),
                    ev,
                )
                .fix(upgrade_fix(rds.engine(), &have, lowest));
            }
            return Outcome::new(
                Verdict::Advisory,
                format!(
                    "{} major version {major} is not in {data} (it lists {}); check the Region and version page before relying on it",
                    rds.engine(),
                    listed.join(", ")
                ),
                ev,
            );
        }
        None => match minimum {
            Some(m) => m.to_string(),
            None => return Outcome::unknown("the rule names no minimum version; fix its data", ev),
        },
    };
    ev.expected = Some(format!(">= {min}"));
    let Some(want) = parse_version(&min) else {
        return Outcome::unknown(format!("the rule's minimum '{min}' is not a version"), ev);
    };
    if compare(&have, &want).is_ge() {
        Outcome::new(
            Verdict::Pass,
            format!("{} {} is at least {min}", rds.engine(), rds.engine_version()),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "{} {} is older than {min}, the oldest version that supports zero-ETL",
                rds.engine(), rds.engine_version()
            ),
            ev,
        )
        .fix(upgrade_fix(rds.engine(), &have, &min))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(
            parse_version("8.0.mysql_aurora.3.05.2"),
            Some(vec![3, 5, 2])
        );
        assert_eq!(parse_version("16.4"), Some(vec![16, 4]));
        assert_eq!(parse_version("16.4.aurora-postgresql"), Some(vec![16, 4]));
        assert_eq!(parse_version("abc"), None);
        // RDS for Oracle: the major version, then the Release Update's year and month.
        assert_eq!(
            parse_version("19.0.0.0.ru-2019-07.rur-2019-07.r1"),
            Some(vec![19, 2019, 7])
        );
        assert_eq!(parse_version("19.0.0.0.ru-2024-10.rur-2024-10.r1"), Some(vec![19, 2024, 10]));
        assert!(compare(&[19, 2019, 4], &[19, 2019, 7]).is_lt());
        assert!(compare(&[19, 2020, 1], &[19, 2019, 7]).is_gt());
        assert!(compare(&[3, 5, 2], &[3, 5, 2]).is_eq());
        assert!(compare(&[3, 10], &[3, 5, 2]).is_gt());
        assert!(compare(&[3, 4, 3], &[3, 5, 2]).is_lt());
    }

    #[test]
    fn upgrade_flag_only_for_a_major_upgrade() {
        let minor = upgrade_fix("aurora-mysql", &[3, 4, 2], "3.05.2");
        assert!(minor.contains("8.0.mysql_aurora.3.05.2"), "{minor}");
        assert!(!minor.contains("--allow-major-version-upgrade"), "{minor}");
        let major = upgrade_fix("aurora-postgresql", &[15, 4], "16.4");
        assert!(major.contains("--allow-major-version-upgrade"), "{major}");
        assert!(major.contains("aurora-postgresql16"), "{major}");
    }

    #[test]
    fn an_rds_source_is_upgraded_as_an_instance() {
        let fix = upgrade_fix("mysql", &[5, 7, 44], "8.0");
        assert!(fix.contains("modify-db-instance --db-instance-identifier"), "{fix}");
        assert!(fix.contains("--db-parameter-group-name <mysql8.0-group>"), "{fix}");
    }
}

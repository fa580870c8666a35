//! Version, Region and history gates: what AWS supports where, from the data the rules carry.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use crate::model::arn::region_of;
use crate::model::{Evidence, Snapshot, ValueSource};
use crate::rules::effective;
use crate::rules::outcome::{Outcome, Verdict};

/// The comparable part of an engine version: `8.0.mysql_aurora.3.05.2` → `[3, 5, 2]`,
/// `16.4` → `[16, 4]`.
pub fn parse_version(v: &str) -> Option<Vec<u64>> {
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
    let target = target_version(engine, minimum);
    let major = parse_version(minimum).and_then(|m| m.first().copied()) != have.first().copied();
    if major {
        let family = crate::model::family_for(engine, &target);
        format!(
            "# a major version upgrade: the cluster needs a DB cluster parameter group of family {family} with the zero-ETL parameters\n\
             aws rds modify-db-cluster --db-cluster-identifier {{source_id}} --engine-version {target} --allow-major-version-upgrade --db-cluster-parameter-group-name <{family}-group> --apply-immediately"
        )
    } else {
        format!(
            "aws rds modify-db-cluster --db-cluster-identifier {{source_id}} --engine-version {target} --apply-immediately"
        )
    }
}

pub fn engine_version(
    snap: &Snapshot,
    minimum: Option<&str>,
    by_major: &BTreeMap<String, String>,
    as_of: Option<&str>,
) -> Outcome {
    let c = &snap.source.cluster;
    let mut ev = Evidence {
        field: Some("EngineVersion".into()),
        actual: Some(c.engine_version.clone()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let Some(have) = parse_version(&c.engine_version) else {
        ev.actual_source = Some(ValueSource::Unknown);
        return Outcome::unknown(
            format!(
                "cannot read a version number in EngineVersion '{}' of {} {}",
                c.engine_version, c.engine, c.db_cluster_identifier
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
                        c.engine, c.engine_version, c.engine
                    ),
                    ev,
                )
                .fix(upgrade_fix(&c.engine, &have, lowest));
            }
            return Outcome::new(
                Verdict::Advisory,
                format!(
                    "{} major version {major} is not in {data} (it lists {}); check the Region and version page before relying on it",
                    c.engine,
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
            format!("{} {} is at least {min}", c.engine, c.engine_version),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "{} {} is older than {min}, the oldest version that supports zero-ETL",
                c.engine, c.engine_version
            ),
            ev,
        )
        .fix(upgrade_fix(&c.engine, &have, &min))
    }
}

pub fn region_available(
    snap: &Snapshot,
    as_of: &str,
    page: &str,
    available: &[String],
    not_available: &[String],
) -> Outcome {
    let c = &snap.source.cluster;
    let region = region_of(&c.db_cluster_arn).unwrap_or_else(|| snap.source.region.clone());
    let ev = Evidence {
        field: Some("Region".into()),
        expected: Some(format!(
            "a Region where zero-ETL is available for {}",
            c.engine
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
                c.engine
            ),
            ev,
        )
    } else if listed(available) {
        Outcome::new(
            Verdict::Pass,
            format!("zero-ETL is available for {} in {region}", c.engine),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Advisory,
            format!(
                "{region} is not in the Region data for {} (read {as_of}): a newer Region, or one added since; check {page}",
                c.engine
            ),
            ev,
        )
    }
}

/// Enhanced binlog cannot be turned on where backtrack is, or ever was, enabled.
pub fn backtrack(snap: &Snapshot) -> Outcome {
    let c = &snap.source.cluster;
    let mut ev = Evidence {
        field: Some("BacktrackWindow".into()),
        expected: Some("0, and no backtrack history".into()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let window = c.backtrack_window.unwrap_or(0);
    ev.actual = Some(window.to_string());
    if window > 0 {
        return Outcome::new(
            Verdict::Violation,
            format!(
                "backtrack is enabled on {} (BacktrackWindow {window} s), so enhanced binlog cannot be turned on",
                c.db_cluster_identifier
            ),
            ev,
        );
    }
    let mut traces = Vec::new();
    if let Some(t) = &c.earliest_backtrack_time {
        traces.push(format!("EarliestBacktrackTime {t}"));
    }
    if let Some(n) = c.backtrack_consumed_change_records {
        traces.push(format!("BacktrackConsumedChangeRecords {n}"));
    }
    if !traces.is_empty() {
        ev.actual = Some(format!("BacktrackWindow 0, {}", traces.join(", ")));
        return Outcome::new(
            Verdict::Violation,
            format!(
                "backtrack was enabled on {} ({}); BacktrackWindow is 0 now, but enhanced binlog cannot be turned on for a cluster that ever had backtrack",
                c.db_cluster_identifier,
                traces.join(", ")
            ),
            ev,
        );
    }
    if enhanced_binlog_live(snap) {
        return Outcome::new(
            Verdict::Pass,
            "no backtrack on record, and aurora_enhanced_binlog is already 1 and live on the writer",
            ev,
        );
    }
    Outcome::new(
        Verdict::Advisory,
        format!(
            "no backtrack on record for {}, but the API does not show whether it was restored from a cluster or snapshot that had backtrack; if it was, enhanced binlog (ZM001) cannot be turned on",
            c.db_cluster_identifier
        ),
        ev,
    )
    .fix(UNKNOWN_HISTORY_FIX)
}

const UNKNOWN_HISTORY_FIX: &str = "# Nothing to change if {source_id} was never restored from a cluster or snapshot with backtrack: set the enhanced binlog parameters (ZM001) and this check passes once they are live.
# If it was, enhanced binlog cannot be turned on: move the data into a new cluster that never had backtrack (logical dump and restore).";

fn enhanced_binlog_live(snap: &Snapshot) -> bool {
    let src = &snap.source;
    let in_sync = src
        .cluster
        .writer()
        .and_then(|w| w.db_cluster_parameter_group_status.as_deref())
        == Some("in-sync");
    let value = effective::resolve(
        &src.parameter_group,
        Some(&src.engine_defaults),
        "aurora_enhanced_binlog",
        None,
    );
    in_sync && matches!(value, Ok(e) if e.value.as_deref() == Some("1"))
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
}

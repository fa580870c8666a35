//! `kind = "integrations"`: existing integrations (rds:DescribeIntegrations) and the documented quotas.

use crate::model::reads::{Optional, Wanted};
use crate::model::{Evidence, Fact, Integration, Snapshot, ValueSource};
use crate::rules::outcome::{Outcome, Verdict};
use serde::{Deserialize, Serialize};

use super::{About, Kind, Reads};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationCheck {
    SourceQuota,
    TargetQuota,
    AccountQuota,
    NoConcurrentCreation,
    ExistingHealth,
    /// An RDS DB instance: no integration on its primary or on one of its read replicas.
    ReplicaConflict,
    /// An RDS DB instance: no major version upgrade pending (an integration blocks it).
    MajorUpgradePending,
}

/// Which question about existing integrations, and the quota where there is one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub check: IntegrationCheck,
    #[serde(default)]
    pub limit: Option<usize>,
}

pub const ABOUT: About = About {
    name: "integrations",
    fields: "`check = \"source_quota\" \\| \"target_quota\" \\| \"account_quota\" \\| \"no_concurrent_creation\" \\| \"existing_health\" \\| \"replica_conflict\" \\| \"major_upgrade_pending\"`, `limit`",
    checks: "existing integrations from `DescribeIntegrations`",
};

impl Kind for Spec {
    /// A DynamoDB table's integrations are Redshift's: their health and a creation under way
    /// are judged as any source's; the quotas counted here are RDS's.
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        match self.check {
            IntegrationCheck::ExistingHealth | IntegrationCheck::NoConcurrentCreation => {
                &super::ALL_SOURCES
            }
            _ => &crate::model::SourceShape::RDS,
        }
    }

    fn optional_reads(&self) -> Wanted {
        Wanted::of(&[Optional::Integrations])
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        check(snap, self.check, self.limit)
    }

    fn reads(&self) -> Reads {
        // DescribeIntegrations is a fact of the snapshot: a failed read is in it.
        Reads::Facts
    }

    fn roles(&self) -> &'static [&'static str] {
        &["integration", "source"]
    }
}

fn check(snap: &Snapshot, which: IntegrationCheck, limit: Option<usize>) -> Outcome {
    if which == IntegrationCheck::MajorUpgradePending {
        return major_upgrade(snap);
    }
    let mut ev = Evidence {
        field: Some("Integrations".into()),
        ..Default::default()
    };
    let list = match &snap.integrations {
        Fact::Ok(l) => l,
        Fact::Error(e) => {
            ev.actual_source = Some(ValueSource::Unknown);
            ev.failed_call = Some(e.call.clone());
            return Outcome::unknown(format!("cannot list integrations: {}", e.describe()), ev);
        }
    };
    ev.actual_source = Some(ValueSource::User);
    let source = snap.source.arn();
    let target = snap.target.namespace_arn();
    let live = |i: &&Integration| !i.status.eq_ignore_ascii_case("deleting");
    let on_source: Vec<&Integration> = list
        .iter()
        .filter(|i| i.source_arn == source)
        .filter(live)
        .collect();
    let pair = between(snap);
    let quota = |n: usize, limit: usize, scope: String| {
        let mut ev = ev.clone();
        ev.expected = Some(format!("< {limit}"));
        ev.actual = Some(n.to_string());
        if pair.is_some() {
            Outcome::new(
                Verdict::Pass,
                format!(
                    "{scope} has {}; this pair is already integrated",
                    crate::model::words::count(n, "integration", "integrations")
                ),
                ev,
            )
        } else if n >= limit {
            Outcome::new(
                Verdict::Violation,
                format!("{scope} already has {n} integration(s); the quota is {limit}"),
                ev,
            )
        } else {
            Outcome::new(
                Verdict::Pass,
                format!("{scope} has {n} of at most {limit} integrations"),
                ev,
            )
        }
    };
    match which {
        IntegrationCheck::SourceQuota => quota(
            on_source.len(),
            limit.unwrap_or(5),
            format!("source {}", snap.source.id()),
        ),
        IntegrationCheck::AccountQuota => quota(
            list.iter().filter(live).count(),
            limit.unwrap_or(100),
            format!("the account in {}", snap.source.region()),
        ),
        IntegrationCheck::TargetQuota => {
            let Some(t) = target else {
                ev.actual_source = Some(ValueSource::Unknown);
                return Outcome::unknown(
                    "the target's namespace ARN is unknown, so its integrations cannot be counted",
                    ev,
                );
            };
            let n = list
                .iter()
                .filter(live)
                .filter(|i| i.target_arn == t)
                .count();
            quota(
                n,
                limit.unwrap_or(50),
                format!("target {}", snap.target.display_id()),
            )
        }
        IntegrationCheck::NoConcurrentCreation => {
            let creating: Vec<String> = on_source
                .iter()
                .filter(|i| Some(i.target_arn.as_str()) != target)
                .filter(|i| i.status.eq_ignore_ascii_case("creating"))
                .map(|i| name(i))
                .collect();
            ev.expected = Some("no other integration in status creating".into());
            ev.actual = Some(if creating.is_empty() {
                "none".into()
            } else {
                creating.join(", ")
            });
            if creating.is_empty() {
                Outcome::new(
                    Verdict::Pass,
                    "no other integration is being created on this source",
                    ev,
                )
            } else {
                Outcome::new(
                    Verdict::Violation,
                    format!(
                        "another integration is being created on this source ({}); wait until it is active",
                        creating.join(", ")
                    ),
                    ev,
                )
            }
        }
        IntegrationCheck::ExistingHealth => health(pair, ev),
        IntegrationCheck::ReplicaConflict => replica_conflict(snap, list, ev),
        IntegrationCheck::MajorUpgradePending => major_upgrade(snap),
    }
}

/// The integration (not being deleted) between the snapshot's source and target, if any.
pub fn between(snap: &Snapshot) -> Option<&Integration> {
    let Fact::Ok(list) = &snap.integrations else {
        return None;
    };
    let source = snap.source.arn();
    let target = snap.target.namespace_arn()?;
    list.iter().find(|i| {
        i.source_arn == source
            && i.target_arn == target
            && !i.status.eq_ignore_ascii_case("deleting")
    })
}

/// The DB instance name an RDS ARN (`arn:aws:rds:R:A:db:NAME`) names.
fn instance_of(arn: &str) -> Option<&str> {
    arn.split_once(":db:").map(|(_, n)| n)
}

/// RDS for MySQL: AWS does not support integrations on both a primary and its read replica
/// in the same Region. The other members are the instance's primary and its replicas.
fn replica_conflict(snap: &Snapshot, list: &[Integration], mut ev: Evidence) -> Outcome {
    let Some(me) = snap.source.rds().and_then(|r| r.instance()) else {
        return Outcome::new(
            Verdict::NotApplicable,
            "the source is not an RDS DB instance",
            ev,
        );
    };
    let others: Vec<&str> = me
        .read_replica_source
        .iter()
        .chain(&me.read_replicas)
        .map(String::as_str)
        .collect();
    ev.expected = Some("no integration on the instance's primary or read replicas".into());
    let clashing: Vec<String> = list
        .iter()
        .filter(|i| !i.status.eq_ignore_ascii_case("deleting"))
        .filter(|i| instance_of(&i.source_arn).is_some_and(|n| others.contains(&n)))
        .map(|i| format!("{} (on {})", name(i), instance_of(&i.source_arn).unwrap_or("?")))
        .collect();
    ev.actual = Some(if clashing.is_empty() {
        "none".into()
    } else {
        clashing.join(", ")
    });
    if clashing.is_empty() {
        let scope = if others.is_empty() {
            "it has no primary and no read replica".to_string()
        } else {
            format!("none on {}", others.join(", "))
        };
        Outcome::new(
            Verdict::Pass,
            format!("no integration on a replication partner of {}: {scope}", me.db_instance_identifier),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "{} has an integration on its replication partner: {}; zero-ETL does not support integrations on both a primary and its read replica",
                me.db_instance_identifier,
                clashing.join(", ")
            ),
            ev,
        )
    }
}

/// RDS for PostgreSQL: a major version upgrade cannot run while an integration exists. A
/// pending one is a warning: delete the integration first, or upgrade before creating it.
fn major_upgrade(snap: &Snapshot) -> Outcome {
    let mut ev = Evidence {
        field: Some("PendingModifiedValues.EngineVersion".into()),
        expected: Some("no major version upgrade pending".into()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let Some(me) = snap.source.rds().and_then(|r| r.instance()) else {
        return Outcome::new(
            Verdict::NotApplicable,
            "the source is not an RDS DB instance",
            ev,
        );
    };
    let major = |v: &str| v.split('.').next().unwrap_or("").to_string();
    let pending = me
        .pending_modified_values
        .as_ref()
        .and_then(|p| p.engine_version.clone());
    ev.actual = Some(pending.clone().unwrap_or_else(|| "none".into()));
    let Some(next) = pending.filter(|v| major(v) != major(&me.engine_version)) else {
        return Outcome::new(
            Verdict::Pass,
            format!("no major version upgrade of {} is pending", me.db_instance_identifier),
            ev,
        );
    };
    let on_it = match &snap.integrations {
        Fact::Ok(list) => list
            .iter()
            .filter(|i| i.source_arn == me.db_instance_arn)
            .map(name)
            .collect::<Vec<_>>()
            .join(", "),
        Fact::Error(_) => String::new(),
    };
    let why = if on_it.is_empty() {
        "upgrade before creating the integration, or the upgrade waits for the integration to be deleted".to_string()
    } else {
        format!("delete its integration ({on_it}) first, then upgrade and create it again")
    };
    Outcome::new(
        Verdict::Violation,
        format!(
            "a major version upgrade of {} from {} to {next} is pending; {why}",
            me.db_instance_identifier, me.engine_version
        ),
        ev,
    )
}

fn name(i: &Integration) -> String {
    i.integration_name
        .clone()
        .or_else(|| i.integration_arn.clone())
        .unwrap_or_else(|| i.target_arn.clone())
}

fn health(pair: Option<&Integration>, mut ev: Evidence) -> Outcome {
    ev.field = Some("Status".into());
    ev.expected = Some("active".into());
    let Some(i) = pair else {
        ev.actual = Some("(no integration)".into());
        return Outcome::new(
            Verdict::NotApplicable,
            "no integration exists yet between this source and target",
            ev,
        );
    };
    ev.actual = Some(i.status.clone());
    let errors: Vec<String> = i
        .errors
        .iter()
        .map(|e| match &e.error_message {
            Some(m) => format!("{}: {m}", e.error_code),
            None => e.error_code.clone(),
        })
        .collect();
    let detail = if errors.is_empty() {
        String::new()
    } else {
        format!("; AWS reports: {}", errors.join("; "))
    };
    let verdict = match i.status.to_ascii_lowercase().as_str() {
        "active" if errors.is_empty() => Verdict::Pass,
        "active" | "creating" | "modifying" | "syncing" | "deleting" => Verdict::Advisory,
        _ => Verdict::Violation,
    };
    let msg = format!("integration {} is {}{detail}", name(i), i.status);
    let resource = i.integration_arn.clone();
    let out = Outcome::new(verdict, msg, ev);
    match resource {
        Some(r) => out.on(r),
        None => out,
    }
}

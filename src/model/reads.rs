//! The reads a run may leave out when no selected rule needs them (`--select`, `--ignore`,
//! `[rules]`). A left-out read is a failed fact naming its call ("not read"). The source
//! cluster itself is left out only when no selected rule reads anything of the source; the
//! target is always identified.

use super::dynamodb::TableSource;
use super::fact::{CallError, Fact};
use super::rds::{DbCluster, RdsResource, RdsSource};
use super::snapshot::{Snapshot, TargetSnapshot};
use super::source::SourceSnapshot;

/// A read that can be left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Optional {
    /// The source cluster (DescribeDBClusters), and with it everything of the source.
    SourceCluster,
    /// The source's DB cluster parameter group (DescribeDBClusterParameters).
    SourceParameters,
    /// The engine defaults of its family (DescribeEngineDefaultClusterParameters).
    EngineDefaults,
    /// The global database the source belongs to (DescribeGlobalClusters).
    GlobalCluster,
    /// Blue/green deployments of the source (DescribeBlueGreenDeployments).
    BlueGreen,
    /// The Region's integrations (DescribeIntegrations).
    Integrations,
    /// A provisioned target's cluster parameter group (DescribeClusterParameters).
    TargetParameters,
    /// The namespace resource policy (GetResourcePolicy).
    ResourcePolicy,
    /// The integration's KMS key and its key policy (DescribeKey, GetKeyPolicy).
    KmsKey,
    /// The creator's permissions (SimulatePrincipalPolicy).
    Creator,
    /// An existing integration's CloudWatch metrics and alarms (GetMetricData,
    /// DescribeAlarms).
    Health,
}

impl Optional {
    pub const ALL: [Optional; 11] = [
        Optional::SourceCluster,
        Optional::SourceParameters,
        Optional::EngineDefaults,
        Optional::GlobalCluster,
        Optional::BlueGreen,
        Optional::Integrations,
        Optional::TargetParameters,
        Optional::ResourcePolicy,
        Optional::KmsKey,
        Optional::Creator,
        Optional::Health,
    ];

    fn bit(self) -> u16 {
        1 << (self as u8)
    }
}

/// A set of optional reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wanted(u16);

impl Default for Wanted {
    /// Everything: what a run without a rule selection reads.
    fn default() -> Self {
        Wanted::ALL
    }
}

impl Wanted {
    pub const ALL: Wanted = Wanted(0b111_1111_1111);
    pub const NONE: Wanted = Wanted(0);

    pub fn of(reads: &[Optional]) -> Wanted {
        reads.iter().fold(Wanted::NONE, |w, r| w.with(*r))
    }

    pub fn with(self, r: Optional) -> Wanted {
        Wanted(self.0 | r.bit())
    }

    pub fn union(self, other: Wanted) -> Wanted {
        Wanted(self.0 | other.0)
    }

    pub fn wants(self, r: Optional) -> bool {
        self.0 & r.bit() != 0
    }
}

/// The code of a fact that was left out.
pub const NOT_READ: &str = "NotRead";

/// The failed fact a left-out read becomes.
pub fn not_read(call: &str) -> CallError {
    CallError::new(
        call,
        Some(NOT_READ),
        "not read: no selected rule needs it (--select, --ignore, [rules])",
    )
}

/// The source as a run that did not read it holds it: named as it was given, every fact a
/// failed read. No rule that reads the source is selected in such a run.
pub fn unread_source(
    identifier: &str,
    arn: Option<&str>,
    region: &str,
    calls: &dyn Fn(Optional) -> &'static str,
) -> SourceSnapshot {
    let err = |r: Optional| not_read(calls(r));
    if let Some(table) = arn.filter(|a| a.starts_with("arn:") && a.contains(":dynamodb:")) {
        return SourceSnapshot::Table(TableSource::named(table, region, not_read));
    }
    SourceSnapshot::Rds(RdsSource {
        region: region.to_string(),
        resource: RdsResource::AuroraCluster(DbCluster::named(identifier, arn.unwrap_or_default())),
        parameter_group: Fact::Error(err(Optional::SourceParameters)),
        engine_defaults: Fact::Error(err(Optional::EngineDefaults)),
        global_cluster: None,
        blue_green_deployments: Some(Fact::Error(err(Optional::BlueGreen))),
    })
}

/// The note a snapshot carries when its source was not read.
pub const SOURCE_NOT_READ: &str =
    "the source was not read: no selected rule needs it (--select, --ignore, [rules])";

/// `snap` as a run that wanted only `wanted` would have read it: every other optional fact
/// is a failed read. (What a live read does for a narrower selection, applied to a snapshot.)
pub fn narrowed(
    snap: &Snapshot,
    wanted: Wanted,
    calls: &dyn Fn(Optional) -> &'static str,
) -> Snapshot {
    let mut s = snap.clone();
    let gone = |r: Optional| !wanted.wants(r);
    let err = |r: Optional| not_read(calls(r));
    if gone(Optional::SourceCluster) {
        // What the run knows of an unread source: the name it was given (not its ARN).
        // A table is named by its ARN, the only way `--source` names one.
        let arn = snap.source.table().map(|t| t.table.table_arn.as_str());
        s.source = unread_source(snap.source.id(), arn, snap.source.region(), calls);
    }
    if let Some(rds) = s.source.rds_mut() {
        if gone(Optional::SourceParameters) {
            rds.parameter_group = Fact::Error(err(Optional::SourceParameters));
        }
        if gone(Optional::EngineDefaults) {
            rds.engine_defaults = Fact::Error(err(Optional::EngineDefaults));
        }
        if gone(Optional::GlobalCluster) && rds.global_cluster.is_some() {
            rds.global_cluster = Some(Fact::Error(err(Optional::GlobalCluster)));
        }
        if gone(Optional::BlueGreen) {
            rds.blue_green_deployments = Some(Fact::Error(err(Optional::BlueGreen)));
        }
    }
    if gone(Optional::Integrations) {
        s.integrations = Fact::Error(err(Optional::Integrations));
    }
    if gone(Optional::Creator) {
        if let Some(c) = &mut s.creator {
            c.simulated = Fact::Error(err(Optional::Creator));
        }
    }
    if gone(Optional::Health) {
        s.health = None;
    }
    if gone(Optional::KmsKey) {
        if let Some(k) = &mut s.kms_key {
            k.description = Fact::Error(err(Optional::KmsKey));
            k.policy = Fact::Error(not_read("kms:GetKeyPolicy"));
        }
    }
    match &mut s.target {
        TargetSnapshot::Provisioned(p) => {
            if gone(Optional::TargetParameters) {
                p.parameter_group = Fact::Error(err(Optional::TargetParameters));
            }
            if gone(Optional::ResourcePolicy) {
                p.resource_policy = Fact::Error(err(Optional::ResourcePolicy));
            }
        }
        TargetSnapshot::Serverless(w) => {
            if gone(Optional::ResourcePolicy) {
                w.resource_policy = Fact::Error(err(Optional::ResourcePolicy));
            }
        }
    }
    s
}

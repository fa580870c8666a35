//! The check kinds. Each kind is one module: its rules-data shape (`Spec`), its row of
//! documentation (`ABOUT`), and everything the engine asks of it behind [`Kind`]: how it
//! judges a snapshot, the resource its findings are about, the facts it reads, and where in a
//! deployment its findings point. The kinds are listed once, in [`kinds!`] below: adding a
//! kind is its module, its line there, and its rules data.

use serde::{Deserialize, Serialize};

use crate::model::reads::{Optional, Wanted};
use crate::model::{Evidence, RdsSource, Snapshot, SourceShape, TargetSnapshot};

use super::outcome::{Outcome, Verdict};

/// What the engine asks of a check kind.
pub trait Kind {
    /// Judge the snapshot.
    fn run(&self, snap: &Snapshot) -> Outcome;

    /// The resource a finding is about when the outcome does not name one.
    fn resource(&self, snap: &Snapshot) -> String {
        source_resource(snap)
    }

    /// The facts the check reads, so a snapshot that cannot tell one (a deployment's
    /// unknown) makes the check unverified instead of judged.
    fn reads(&self) -> Reads;

    /// The deployment roles a finding points at, first located first (`source_group`,
    /// `source`, `target_group`, `target`, `namespace`, `policy`, `integration`).
    fn roles(&self) -> &'static [&'static str] {
        &["source"]
    }

    /// The optional reads the check needs (`tests/reads.rs` proves each kind judges a
    /// snapshot without the others exactly as with them). By default, what its fact paths
    /// name.
    fn optional_reads(&self) -> Wanted {
        match self.reads() {
            Reads::Paths(p) => wanted_by_paths(&p),
            Reads::Facts => Wanted::NONE,
        }
    }

    /// The kinds of source the check can judge. By default the RDS shapes: a kind that
    /// reads a parameter group, members or engine versions reaches them through [`rds`].
    /// Kinds that judge the target, the pair or the namespace policy name every shape.
    fn sources(&self) -> &'static [SourceShape] {
        &SourceShape::RDS
    }

    /// Does the check read anything of the source? (Only a few target checks do not.)
    fn needs_source(&self) -> bool {
        true
    }

    /// Whether the rules data is complete for this kind (beyond what its shape enforces).
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    /// What a snapshot must hold for the kind to run at all.
    fn needs(&self) -> Needs {
        Needs::Nothing
    }
}

/// Which facts a check reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reads {
    /// Fact paths (see [`crate::rules::reads`] for the grammar).
    Paths(Vec<String>),
    /// Only facts a live read records as `Fact`s (a failed read is in the snapshot), so no
    /// path is needed.
    Facts,
}

impl Reads {
    pub fn paths(p: impl IntoIterator<Item = String>) -> Reads {
        Reads::Paths(p.into_iter().collect())
    }
}

/// What a snapshot must hold for a kind to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needs {
    Nothing,
    /// The source's catalog (`check --data`).
    Schema,
    /// A Terraform plan or CloudFormation template.
    Deployment,
    /// An existing integration's health facts (read after creation).
    Health,
}

/// A kind's row in the documentation: its name in rules data, its fields, what it checks.
#[derive(Debug, Clone, Copy)]
pub struct About {
    pub name: &'static str,
    pub fields: &'static str,
    pub checks: &'static str,
}

macro_rules! kinds {
    ($($(#[$meta:meta])* $variant:ident => $module:ident),* $(,)?) => {
        $(pub mod $module;)*

        /// A check of a typed kind, as rules data writes it (`check = { kind = "…", … }`).
        /// Simple comparisons are data; analyses live in code and the data names them.
        #[derive(Debug, Clone, Serialize, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum Check {
            $($(#[$meta])* $variant($module::Spec),)*
        }

        impl Check {
            /// The kind behind this check.
            pub fn kind(&self) -> &dyn Kind {
                match self {
                    $(Check::$variant(spec) => spec,)*
                }
            }
        }

        /// Every kind's documentation row, in the order of the list.
        pub const ABOUT: &[About] = &[$($module::ABOUT,)*];
    };
}

kinds! {
    SourceParameter => source_parameter,
    SourceParametersUnset => source_parameters_unset,
    TargetParameter => target_parameter,
    Attribute => attribute,
    EngineVersion => engine_version,
    RegionAvailable => region_available,
    Backtrack => backtrack,
    ParametersApplied => parameters_applied,
    ClusterWriter => cluster_writer,
    SameRegion => same_region,
    GlobalDatabase => global_database,
    BlueGreen => blue_green,
    NamespaceArn => namespace_arn,
    ResourcePolicy => resource_policy,
    Data => data,
    Integrations => integrations,
    SourceShape => source_shape,
    KmsKey => kms_key,
    Creator => creator,
    Health => health,
    Table => table,
    /// Written `plan` by rules files before 0.2: still read.
    #[serde(alias = "plan")]
    Deployment => deployment,
}

/// Every kind of source: what a kind that judges the target or the pair names.
pub const ALL_SOURCES: [SourceShape; 4] = [
    SourceShape::AuroraCluster,
    SourceShape::Instance,
    SourceShape::MultiAzCluster,
    SourceShape::DynamodbTable,
];

/// Judge an RDS source's own facts with `judge`. A DynamoDB table has none: not applicable
/// (the engine gives such a kind no table, so this is the compiler's guard, not a verdict
/// anyone sees).
pub fn on_rds(snap: &Snapshot, judge: impl FnOnce(&RdsSource) -> Outcome) -> Outcome {
    match snap.source.rds() {
        Some(rds) => judge(rds),
        None => Outcome::new(
            Verdict::NotApplicable,
            format!(
                "{} is a DynamoDB table: this check judges RDS sources",
                snap.source.id()
            ),
            Evidence::default(),
        ),
    }
}

/// The source's ARN.
pub fn source_resource(snap: &Snapshot) -> String {
    snap.source.arn().to_string()
}

/// The target namespace ARN where known, else the cluster identifier or workgroup name.
pub fn target_resource(snap: &Snapshot) -> String {
    snap.target
        .namespace_arn()
        .unwrap_or(snap.target.display_id())
        .to_string()
}

/// The workgroup of a Serverless target; a provisioned target's namespace.
fn workgroup_resource(snap: &Snapshot) -> String {
    match &snap.target {
        TargetSnapshot::Serverless(s) => s
            .workgroup
            .workgroup_arn
            .clone()
            .unwrap_or_else(|| s.workgroup.workgroup_name.clone()),
        TargetSnapshot::Provisioned(_) => target_resource(snap),
    }
}

/// The optional reads fact paths name.
pub fn wanted_by_paths(paths: &[String]) -> Wanted {
    let mut w = Wanted::NONE;
    for p in paths {
        if p.starts_with("source.parameter_group") {
            w = w
                .with(Optional::SourceParameters)
                .with(Optional::EngineDefaults);
        } else if p.starts_with("target.parameter_group") {
            w = w.with(Optional::TargetParameters);
        } else if p == "target.resource_policy" {
            w = w.with(Optional::ResourcePolicy);
        } else if p == "source.cluster.GlobalClusterIdentifier" {
            w = w.with(Optional::GlobalCluster);
        }
    }
    w
}

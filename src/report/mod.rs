//! Findings → output for people (tables) and machines (JSON). Pure: returns strings.

pub mod json;
pub mod table;

use serde::Serialize;

use crate::model::{Finding, Snapshot, Summary, TargetSnapshot};

/// Version of the JSON report format. Bump on incompatible changes.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// The checked source, as the report names it.
#[derive(Debug, Clone, Serialize)]
pub struct SourceInfo {
    pub id: String,
    pub arn: String,
    pub engine: String,
    pub engine_version: String,
    pub region: String,
}

/// The checked target, as the report names it.
#[derive(Debug, Clone, Serialize)]
pub struct TargetInfo {
    pub kind: String,
    /// Cluster identifier or workgroup name.
    pub id: String,
    /// The workgroup ARN (Serverless); provisioned clusters are named by their namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The namespace ARN: the integration's `TargetArn`. `null` when it could not be read.
    pub namespace_arn: Option<String>,
    pub region: String,
}

/// Everything a report needs: what was checked and what was found.
#[derive(Debug, Clone)]
pub struct Report {
    pub source: SourceInfo,
    pub target: TargetInfo,
    pub captured_at: Option<String>,
    pub findings: Vec<Finding>,
    pub summary: Summary,
}

impl Report {
    pub fn new(snap: &Snapshot, findings: Vec<Finding>) -> Report {
        let c = &snap.source.cluster;
        let source = SourceInfo {
            id: c.db_cluster_identifier.clone(),
            arn: c.db_cluster_arn.clone(),
            engine: c.engine.clone(),
            engine_version: c.engine_version.clone(),
            region: snap.source.region.clone(),
        };
        let arn = match &snap.target {
            TargetSnapshot::Provisioned(_) => None,
            TargetSnapshot::Serverless(s) => s.workgroup.workgroup_arn.clone(),
        };
        let target = TargetInfo {
            kind: snap.target.kind().to_string(),
            id: snap.target.display_id().to_string(),
            arn,
            namespace_arn: snap.target.namespace_arn().map(str::to_string),
            region: snap.target.region().to_string(),
        };
        let summary = Summary::of(&findings);
        Report {
            source,
            target,
            captured_at: snap.captured_at.clone(),
            findings,
            summary,
        }
    }
}

/// Output formats for `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables grouped by resource, for people.
    Table,
    /// One versioned JSON document (schema in the README).
    Json,
}

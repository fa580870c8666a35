//! Findings → output for people (tables, Markdown), machines (JSON) and CI (SARIF, JUnit,
//! GitHub annotations). Each format's parts are pure (they return strings); `stream` is the one
//! writer that puts them together, through a spool file, pair by pair.

pub mod gate;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod prometheus;
pub mod rules;
pub mod sarif;
pub mod steps;
pub mod stream;
pub mod table;
pub mod wrap;

pub use gate::{FailOn, Gate};

use serde::Serialize;

use crate::config::suppress::SuppressionNote;
use crate::model::{Finding, Identity, Snapshot, Summary, TargetSnapshot};
use crate::rules::Rule;

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

impl SourceInfo {
    /// `ARN (engine version, Region)`; a source the run did not read (no selected rule
    /// needed it) is named as it was given.
    pub fn describe(&self) -> String {
        if self.engine.is_empty() {
            let name = if self.arn.is_empty() {
                &self.id
            } else {
                &self.arn
            };
            return format!("{name} (not read, {})", region_shown(&self.region));
        }
        let engine = if self.engine_version.is_empty() {
            self.engine.clone()
        } else {
            format!("{} {}", self.engine, self.engine_version)
        };
        format!("{} ({engine}, {})", self.arn, region_shown(&self.region))
    }
}

/// A Region for people: `Region unknown` where nothing named one.
pub fn region_shown(region: &str) -> &str {
    if region.is_empty() {
        "Region unknown"
    } else {
        region
    }
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
    /// What the read had to assume, for people to know.
    pub notes: Vec<String>,
    /// What was checked, for planning the "How to fix" steps.
    pub snapshot: Snapshot,
    /// `audit`: the existing integration this pair is.
    pub integration: Option<IntegrationInfo>,
}

/// An existing integration, as `audit` reports it.
#[derive(Debug, Clone, Serialize)]
pub struct IntegrationInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `creating`, `active`, `modifying`, `failed`, `deleting`, `syncing`, `needs_attention`.
    pub status: String,
    pub region: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_filter: Option<String>,
    /// Its `Errors`, each with the likely cause and the rules that confirm it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<crate::rules::integration_causes::MappedError>,
    /// `audit --tables`: the Redshift side (state, lag, destination database, failed tables).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tables: Option<crate::model::TableStates>,
}

impl IntegrationInfo {
    pub fn new(
        i: &crate::model::Integration,
        region: &str,
        findings: &[Finding],
        causes: &[crate::rules::spec::Cause],
    ) -> Self {
        IntegrationInfo {
            arn: i.integration_arn.clone(),
            name: i.integration_name.clone(),
            status: i.status.clone(),
            region: region.to_string(),
            account: crate::model::arn::account_of(&i.source_arn),
            data_filter: i.data_filter.clone(),
            errors: crate::rules::integration_causes::map(&i.errors, findings, causes),
            tables: None,
        }
    }

    /// Is the integration in a state that needs someone?
    pub fn troubled(&self) -> bool {
        matches!(
            self.status.as_str(),
            "failed" | "needs_attention" | "syncing"
        ) || !self.errors.is_empty()
    }
}

impl Report {
    pub fn new(snap: &Snapshot, findings: Vec<Finding>) -> Report {
        let source = SourceInfo {
            id: snap.source.id().to_string(),
            arn: snap.source.arn().to_string(),
            // Empty for a source the run did not read.
            engine: if snap.source.was_read() {
                snap.source.engine().to_string()
            } else {
                String::new()
            },
            engine_version: snap.source.version().to_string(),
            region: snap.source.region().to_string(),
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
        Report {
            source,
            target,
            captured_at: snap.captured_at.clone(),
            findings,
            notes: snap.notes.clone(),
            snapshot: snap.clone(),
            integration: None,
        }
    }

    pub fn summary(&self) -> Summary {
        Summary::of(&self.findings)
    }

    /// `source → target`, for headings.
    pub fn pair(&self) -> String {
        format!("{} → {}", self.source.id, self.target.id)
    }
}

/// Everything one run produced: a report per checked pair, what became of each suppression,
/// and the exit threshold.
#[derive(Debug, Clone)]
pub struct Document {
    pub reports: Vec<Report>,
    pub suppressions: Vec<SuppressionNote>,
    pub gate: Gate,
    /// The file results point at when their resource has no place of its own: the snapshot,
    /// plan or template checked, or the config file that named the pairs. `None` when no
    /// file named them (pairs given on the command line, an audit): results then have a
    /// logical location alone, never a file that does not exist.
    pub artifact: Option<String>,
    /// The rules that ran, for rule metadata (SARIF).
    pub rules: Vec<Rule>,
    /// What an integration's errors and failed tables point at (the rules data's causes):
    /// "How to fix" plans with them.
    pub causes: Vec<crate::rules::spec::Cause>,
    /// Who ran the live checks, when known.
    pub identity: Option<Identity>,
    /// An audit: the table opens with the fleet summary and details only troubled pairs.
    pub fleet: bool,
    /// What the run as a whole noted (an integration out of scope, one in another account).
    pub notes: Vec<String>,
    /// What the run should have checked and could not (an account, a Region's list, a
    /// pair whose read failed): never a pass.
    pub unverified: Vec<String>,
    /// When a live run (an audit's round) began, for pages that say when they were read.
    pub read_at: Option<String>,
}

impl Document {
    pub fn new(reports: Vec<Report>, rules: &crate::rules::RuleSet) -> Document {
        Document {
            fleet: reports.iter().any(|r| r.integration.is_some()),
            notes: Vec::new(),
            unverified: Vec::new(),
            read_at: None,
            reports,
            suppressions: Vec::new(),
            gate: Gate::default(),
            artifact: None,
            rules: rules.rules.clone(),
            causes: rules.causes.clone(),
            identity: None,
        }
    }

    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.reports.iter().flat_map(|r| r.findings.iter())
    }

    /// Counts over every pair.
    pub fn summary(&self) -> Summary {
        Summary::of(self.findings())
    }

    /// Whether the run exits 1.
    pub fn fails(&self) -> bool {
        self.fails_with(&self.summary())
    }

    /// Whether a run with these counts exits 1: a finding the gate fails on, or (unless
    /// allowed) something the run could not verify.
    pub fn fails_with(&self, summary: &Summary) -> bool {
        let unverified = !self.unverified.is_empty();
        self.gate.fails(summary)
            || (unverified && self.gate.status_fails(crate::model::Status::Error))
    }

    /// The document without its reports: what a [`stream::Writer`] starts from.
    pub fn frame(&self) -> Document {
        Document {
            reports: Vec::new(),
            suppressions: Vec::new(),
            gate: self.gate,
            artifact: self.artifact.clone(),
            rules: self.rules.clone(),
            causes: self.causes.clone(),
            identity: self.identity.clone(),
            fleet: self.fleet,
            notes: self.notes.clone(),
            unverified: self.unverified.clone(),
            read_at: self.read_at.clone(),
        }
    }
}

fn write(doc: &Document, writer: stream::Writer) -> String {
    let mut w = writer;
    for r in &doc.reports {
        w.push(r).expect("writing to memory does not fail");
    }
    stream::to_string(w, doc.suppressions.clone())
}

/// Render `doc` in `format`.
pub fn render(doc: &Document, format: Format, table: &table::TableOptions) -> String {
    write(doc, stream::Writer::new(doc.frame(), format, *table))
}

/// `--quiet` tables: each pair's summary line, and what became of the suppressions.
pub fn render_quiet(doc: &Document, color: bool) -> String {
    let opts = table::TableOptions {
        color,
        ..table::TableOptions::plain()
    };
    write(
        doc,
        stream::Writer::new(doc.frame(), Format::Table, opts).quiet(),
    )
}

/// Output formats for `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Tables grouped by resource, for people.
    Table,
    /// One versioned JSON document (schema in docs/output.md).
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML: one test case per rule and resource.
    Junit,
    /// GitHub Actions workflow commands (::error / ::warning annotations).
    Github,
    /// Markdown, for $GITHUB_STEP_SUMMARY and PR comments.
    Markdown,
    /// Prometheus text exposition format, for node_exporter's textfile collector.
    Prometheus,
    /// One self-contained HTML page (no request leaves it), for people to open and forward.
    Html,
}

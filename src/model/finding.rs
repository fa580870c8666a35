//! What evaluation produces: one finding per rule and resource.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    Warn,
    Error,
    Skip,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Pass,
        Status::Fail,
        Status::Warn,
        Status::Error,
        Status::Skip,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Warn => "warn",
            Status::Error => "error",
            Status::Skip => "skip",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where an `actual` value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ValueSource {
    /// Read from the resource itself: a value the user set, or a field AWS reported.
    User,
    /// The engine default, as the group or DescribeEngineDefault*Parameters reported it.
    EngineDefault,
    /// Not returned by AWS; the documented default that the rule data carries.
    DocumentedDefault,
    /// Could not be determined.
    Unknown,
}

/// What the finding is about, in AWS's own names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual_source: Option<ValueSource>,
    /// Where a documented default comes from (a doc URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_reference: Option<String>,
    /// The parameter group the value was read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameter_group: Option<String>,
    /// Apply status of that group on the resource (`in-sync`, `pending-reboot`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apply_status: Option<String>,
    /// The AWS call that failed, for `error` findings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_call: Option<String>,
    /// Data rules: the (first) table concerned, as `db.table` or `db.schema.table`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Data rules: the column concerned, with `data_type`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    /// Data rules: every object concerned (the first is also in `table`/`column`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<DataObject>,
}

/// One table (or column) a data rule names.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DataObject {
    pub table: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_type: Option<String>,
    /// What is wrong with it, when the rule's message does not say it for all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub name: String,
    pub title: String,
    pub status: Status,
    pub severity: Severity,
    /// The resource's ARN where known, else its identifier.
    pub resource: String,
    pub message: String,
    pub evidence: Evidence,
    /// The rule's primary documentation URL.
    pub docs: String,
    /// How to fix it by hand, for failing findings, with this resource's names filled in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation: Option<String>,
    /// Set when a suppression in the config file accepts this finding.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppressed>,
    /// From a plan or template: where the resource is written (its address or logical id,
    /// and the file position when known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<super::deployment::Location>,
}

/// Why a finding is accepted as a known risk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppressed {
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// Counts per status, in a fixed order. Suppressed findings are counted apart.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub warn: usize,
    pub error: usize,
    pub skip: usize,
    #[serde(default, skip_serializing_if = "is_zero")]
    pub suppressed: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Summary {
    /// Add another's counts (the totals of a run, pair by pair).
    pub fn add(&mut self, other: &Summary) {
        self.pass += other.pass;
        self.fail += other.fail;
        self.warn += other.warn;
        self.error += other.error;
        self.skip += other.skip;
        self.suppressed += other.suppressed;
    }

    pub fn of<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Summary {
        let mut s = Summary::default();
        for f in findings {
            if f.suppressed.is_some() {
                s.suppressed += 1;
            } else {
                *s.slot(f.status) += 1;
            }
        }
        s
    }

    fn slot(&mut self, status: Status) -> &mut usize {
        match status {
            Status::Pass => &mut self.pass,
            Status::Fail => &mut self.fail,
            Status::Warn => &mut self.warn,
            Status::Error => &mut self.error,
            Status::Skip => &mut self.skip,
        }
    }

    pub fn get(&self, status: Status) -> usize {
        let mut copy = *self;
        *copy.slot(status)
    }
}

//! The shape of a rule as written in `rules/*.toml`.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::{Severity, TargetKind};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleFile {
    #[serde(rename = "rule", default)]
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Stable code, e.g. `ZM001`. Never reused for another meaning.
    pub code: String,
    /// Stable kebab-case name, e.g. `aurora-enhanced-binlog`.
    pub name: String,
    /// One line stating the requirement.
    pub title: String,
    pub severity: Severity,
    /// Requirement IDs in the catalog (`AMY-P1`, `RS-T4`, ...).
    #[serde(default)]
    pub catalog: Vec<String>,
    #[serde(default)]
    pub applies_to: AppliesTo,
    /// How `check --fix` treats a failure of this rule.
    #[serde(default)]
    pub applicability: Applicability,
    pub check: Check,
    pub docs: Docs,
}

/// Fix applicability, as ruff has it: what `--fix` may do about a failure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Applicability {
    /// No restart and no effect on other resources: applied by `--fix`.
    Safe,
    /// Needs a reboot, swaps a parameter group, or is felt by other consumers: applied only
    /// with `--unsafe-fixes`. (A safe fix can become unsafe in context, e.g. a shared group.)
    Unsafe,
    /// Not automated: the plan shows the command for a person to run.
    #[default]
    Manual,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
            Applicability::Manual => "manual",
        }
    }
}

impl Rule {
    /// The primary documentation URL.
    pub fn docs_url(&self) -> &str {
        self.docs
            .references
            .first()
            .map(String::as_str)
            .unwrap_or("")
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppliesTo {
    /// Source engines (`aurora-mysql`, `aurora-postgresql`); empty means all.
    #[serde(default)]
    pub engines: Vec<String>,
    /// Target kinds; empty means all.
    #[serde(default)]
    pub targets: Vec<TargetKind>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Docs {
    /// What the rule checks.
    pub what: String,
    /// Why it matters: what breaks when it does not hold.
    pub why: String,
    /// How to fix it by hand: an AWS CLI command. `{placeholders}` are filled per finding.
    pub fix: String,
    /// The fix when the target is Redshift Serverless, where it differs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fix_serverless: Option<String>,
    /// AWS documentation URLs; the first is the finding's `docs` link.
    pub references: Vec<String>,
    /// Caveats: conflicting docs, inferred defaults, history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// A documented default: the value AWS documents when the API returns none.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentedDefault {
    pub value: String,
    /// Where it is documented (URL), or why it is inferred.
    pub reference: String,
}

/// Where an `attribute` check reads its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum On {
    /// The Aurora DB cluster (DescribeDBClusters).
    SourceCluster,
    /// The Redshift provisioned cluster (DescribeClusters).
    TargetCluster,
    /// The Redshift Serverless workgroup (GetWorkgroup).
    Workgroup,
    /// The Redshift Serverless namespace (GetNamespace).
    Namespace,
}

/// A check of a typed kind. Simple comparisons are data; analyses live in code and the data
/// names them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The effective value of a parameter in the source's DB cluster parameter group, and
    /// whether it is live on the writer.
    SourceParameter {
        parameter: String,
        expect: Condition,
        #[serde(default)]
        documented_default: Option<DocumentedDefault>,
    },
    /// None of these source parameters may have a value.
    SourceParametersUnset { parameters: Vec<String> },
    /// A Redshift parameter: the provisioned cluster's parameter group, or the Serverless
    /// workgroup's `configParameters`.
    TargetParameter {
        parameter: String,
        expect: Condition,
        #[serde(default)]
        documented_default: Option<DocumentedDefault>,
    },
    /// A field of a fetched resource, by AWS's name (`NodeType`, `EngineMode`, ...). A dotted
    /// path reaches into nested structures.
    Attribute {
        on: On,
        field: String,
        expect: Condition,
        /// The value to assume when AWS omits the field. Without it, an absent field is an error.
        #[serde(default)]
        when_absent: Option<Scalar>,
    },
    /// The source engine version is at least the minimum (Aurora MySQL: the `3.MM.PP`
    /// part). `minimum` holds for every major version; `minimum_by_major` names one per major
    /// version (`"16" = "16.4"`): a major version below all of them fails, one above all of
    /// them is a warning (newer than the data).
    EngineVersion {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        minimum: Option<String>,
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        minimum_by_major: BTreeMap<String, String>,
        /// The date the version data was read from the references.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        as_of: Option<String>,
    },
    /// The source's Region is one where zero-ETL is available for its engine. A Region in
    /// `not_available` fails; one in neither list is a warning (the data is as of `as_of`).
    RegionAvailable {
        /// The date the lists were read from `page`.
        as_of: String,
        /// The English AWS page the lists come from.
        page: String,
        available: Vec<String>,
        #[serde(default)]
        not_available: Vec<String>,
    },
    /// Aurora MySQL: backtrack is not enabled and shows no sign of ever having been
    /// (`BacktrackWindow`, `EarliestBacktrackTime`, `BacktrackConsumedChangeRecords`).
    Backtrack,
    /// The writer's DBClusterParameterGroupStatus is `in-sync`.
    ParametersApplied,
    /// The cluster has members and exactly one writer.
    ClusterWriter,
    /// Source and target are in the same Region.
    SameRegion,
    /// The source is not a secondary cluster of a global database.
    GlobalDatabase,
    /// No blue/green deployment of the source is in progress.
    BlueGreen,
    /// The target's namespace ARN is known and well formed.
    NamespaceArn,
    /// The namespace resource policy has the statement zero-ETL needs.
    ResourcePolicy { statement: PolicyStatement },
    /// A data-level requirement on the source's catalog (`check --data`), within the data
    /// filter's scope. `supported`/`unsupported`/`as_of` carry type data where the problem
    /// needs it; `limit` a ceiling.
    Data {
        problem: DataProblem,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        supported: Vec<String>,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        unsupported: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        as_of: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<u64>,
    },
    /// Existing integrations and quotas.
    Integrations {
        check: IntegrationCheck,
        #[serde(default)]
        limit: Option<usize>,
    },
    /// What only a Terraform plan or CloudFormation template can get wrong (how it applies
    /// parameters, what it replaces, what it orders badly). Runs only on snapshots built from
    /// one. `parameters` names the parameters the problem concerns; `limit` a ceiling.
    /// Written `plan` by rules files before 0.2: still read.
    #[serde(alias = "plan")]
    Deployment {
        problem: DeploymentProblem,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        parameters: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        limit: Option<usize>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentProblem {
    /// A static parameter planned with `apply_method = "immediate"`.
    StaticImmediate,
    /// Parameters AWS accepts only together, set in part or with different apply methods.
    SetTogether,
    /// The integration is replaced (deleted and created again).
    IntegrationReplaced,
    /// The integration is created in the same apply that changes what the source's writer
    /// must reboot for.
    RebootBetweenApplies,
    /// The data filter includes something (Aurora PostgreSQL needs an include).
    FilterIncludes,
    /// The data filter is one CreateIntegration accepts.
    FilterValid,
    /// `AdditionalEncryptionContext` only with a KMS key, and within the limit of pairs.
    EncryptionContext,
    /// `SourceArn` is the cluster's ARN and `TargetArn` the namespace's (not a cluster or
    /// workgroup ARN, an id or a name).
    Arns,
    /// `IntegrationName` is one CreateIntegration accepts.
    IntegrationName,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyStatement {
    /// Allow `redshift.amazonaws.com` to `redshift:AuthorizeInboundIntegration`, on `aws:SourceArn`.
    AuthorizeInboundIntegration,
    /// Allow an AWS principal to `redshift:CreateInboundIntegration`.
    CreateInboundIntegration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataProblem {
    /// The data filter is one CreateIntegration accepts.
    DataFilterValid,
    PrimaryKey,
    InnodbOnly,
    MysqlColumnTypes,
    DecimalPrecision,
    CascadingForeignKeys,
    CaseCollisions,
    LowerCaseTableNames,
    PostgresEncoding,
    PostgresColumnTypes,
    NotReplicated,
    Partitioned,
    DatabaseCount,
    IdentifierLength,
    SystemColumnNames,
    ObjectCounts,
    WideColumns,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationCheck {
    SourceQuota,
    TargetQuota,
    AccountQuota,
    NoConcurrentCreation,
    ExistingHealth,
}

/// A scalar as written in TOML: string, boolean or number. Compared as text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

impl std::fmt::Display for Scalar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Scalar::Bool(b) => write!(f, "{b}"),
            Scalar::Int(i) => write!(f, "{i}"),
            Scalar::Float(x) => write!(f, "{x}"),
            Scalar::Str(s) => f.write_str(s),
        }
    }
}

/// What the value must satisfy. Text comparisons ignore ASCII case, as AWS does for these
/// parameter values (`ROW`/`row`, `FULL`/`full`, `true`/`TRUE`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    Equals(Scalar),
    NotEquals(Scalar),
    OneOf(Vec<Scalar>),
    NotOneOf(Vec<Scalar>),
    StartsWith(Vec<String>),
    NotStartsWith(Vec<String>),
    AtLeast(f64),
    GreaterThan(f64),
}

impl Condition {
    /// Does `actual` satisfy the condition? `None` means "no value" (unset/empty).
    pub fn holds(&self, actual: Option<&str>) -> bool {
        let a = actual.unwrap_or("").trim();
        let eq = |s: &Scalar| s.to_string().eq_ignore_ascii_case(a);
        let starts = |p: &String| a.to_ascii_lowercase().starts_with(&p.to_ascii_lowercase());
        let num = || a.parse::<f64>().ok();
        match self {
            Condition::Equals(v) => eq(v),
            Condition::NotEquals(v) => !eq(v),
            Condition::OneOf(vs) => vs.iter().any(eq),
            Condition::NotOneOf(vs) => !vs.iter().any(eq),
            Condition::StartsWith(ps) => ps.iter().any(starts),
            Condition::NotStartsWith(ps) => !ps.iter().any(starts),
            Condition::AtLeast(n) => num().is_some_and(|x| x >= *n),
            Condition::GreaterThan(n) => num().is_some_and(|x| x > *n),
        }
    }

    /// The expectation for people, e.g. `ROW`, `not ON`, `one of: a, b`, `>= 2`.
    pub fn describe(&self) -> String {
        let list = |vs: &[Scalar]| {
            vs.iter()
                .map(|v| show(&v.to_string()))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let prefixes = |ps: &[String]| {
            ps.iter()
                .map(|p| format!("{p}*"))
                .collect::<Vec<_>>()
                .join(" or ")
        };
        match self {
            Condition::Equals(v) => show(&v.to_string()),
            Condition::NotEquals(v) => format!("not {}", show(&v.to_string())),
            Condition::OneOf(vs) => format!("one of: {}", list(vs)),
            Condition::NotOneOf(vs) => format!("none of: {}", list(vs)),
            Condition::StartsWith(ps) => prefixes(ps),
            Condition::NotStartsWith(ps) => format!("not {}", prefixes(ps)),
            Condition::AtLeast(n) => format!(">= {n}"),
            Condition::GreaterThan(n) => format!("> {n}"),
        }
    }
}

/// An empty value shown as `(empty)` so it is visible in tables.
pub fn show(v: &str) -> String {
    if v.is_empty() {
        "(empty)".to_string()
    } else {
        v.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_compare_case_insensitively() {
        let c = Condition::Equals(Scalar::Str("ROW".into()));
        assert!(c.holds(Some("row")));
        assert!(!c.holds(Some("MIXED")));
        assert!(!c.holds(None));
        let c = Condition::NotEquals(Scalar::Str("ON".into()));
        assert!(c.holds(None));
        assert!(c.holds(Some("OFF")));
        assert!(!c.holds(Some("on")));
        let c = Condition::StartsWith(vec!["ra3.".into(), "rg.".into()]);
        assert!(c.holds(Some("RA3.xlplus")));
        assert!(!c.holds(Some("dc2.large")));
        assert!(Condition::AtLeast(2.0).holds(Some("2")));
        assert!(!Condition::AtLeast(2.0).holds(Some("1")));
        assert!(!Condition::AtLeast(2.0).holds(Some("many")));
        assert!(Condition::Equals(Scalar::Bool(false)).holds(Some("false")));
    }

    /// Rules files written before the check kind was named `deployment` still load.
    #[test]
    fn the_deployment_kind_is_also_read_as_plan() {
        for kind in ["deployment", "plan"] {
            let text = format!("kind = \"{kind}\"\nproblem = \"arns\"\n");
            let check: Check = toml::from_str(&text).unwrap();
            assert!(
                matches!(
                    check,
                    Check::Deployment {
                        problem: DeploymentProblem::Arns,
                        ..
                    }
                ),
                "{kind}"
            );
        }
    }
}

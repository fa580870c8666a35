//! The facts of a DynamoDB table source, in DynamoDB's own field names.

use serde::{Deserialize, Serialize};

use super::fact::Fact;
use super::kms::KmsKey;

/// A DynamoDB table as a zero-ETL source: what DescribeTable, DescribeContinuousBackups and
/// GetResourcePolicy say of it, and its KMS key when it is not the AWS owned one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableSource {
    /// The Region the table was read in.
    pub region: String,
    /// dynamodb:DescribeTable.
    pub table: Table,
    /// dynamodb:DescribeContinuousBackups: point-in-time recovery.
    pub continuous_backups: Fact<ContinuousBackups>,
    /// dynamodb:GetResourcePolicy on the table; `null` when none is attached.
    pub table_policy: Fact<Option<TablePolicy>>,
    /// The table's KMS key (`SSEDescription.KMSMasterKeyArn`): kms:DescribeKey and
    /// kms:GetKeyPolicy. Absent: the AWS owned key, which needs nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<KmsKey>,
    /// dynamodb:ListTagsOfResource: read by `check --fix` only, to know whether code owns
    /// the table (its live steps then stay manual). `None`: not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Fact<std::collections::BTreeMap<String, String>>>,
}

impl TableSource {
    /// A table known only by its ARN: every fact a failed read with `err`.
    pub fn named(arn: &str, region: &str, err: impl Fn(&str) -> super::fact::CallError) -> Self {
        let name = arn.rsplit('/').next().unwrap_or(arn);
        TableSource {
            region: region.to_string(),
            table: Table::named(name, arn),
            continuous_backups: Fact::Error(err("dynamodb:DescribeContinuousBackups")),
            table_policy: Fact::Error(err("dynamodb:GetResourcePolicy")),
            key: None,
            tags: None,
        }
    }
}

/// `DescribeTable.Table`, the fields the rules read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Table {
    pub table_name: String,
    pub table_arn: String,
    /// `CREATING`, `UPDATING`, `DELETING`, `ACTIVE`, `INACCESSIBLE_ENCRYPTION_CREDENTIALS`,
    /// `ARCHIVING`, `ARCHIVED`.
    pub table_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_size_bytes: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_count: Option<i64>,
    #[serde(default)]
    pub key_schema: Vec<KeySchemaElement>,
    /// The key attributes' types (`S`, `N`, `B`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attribute_definitions: Vec<AttributeDefinition>,
    /// Absent: the AWS owned key.
    #[serde(
        rename = "SSEDescription",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub sse_description: Option<SseDescription>,
}

impl Table {
    /// A table known only by name and ARN.
    pub fn named(name: &str, arn: &str) -> Table {
        Table {
            table_name: name.to_string(),
            table_arn: arn.to_string(),
            table_status: String::new(),
            table_size_bytes: None,
            item_count: None,
            key_schema: Vec::new(),
            attribute_definitions: Vec::new(),
            sse_description: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeySchemaElement {
    pub attribute_name: String,
    /// `HASH` (partition key) or `RANGE` (sort key).
    pub key_type: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AttributeDefinition {
    pub attribute_name: String,
    pub attribute_type: String,
}

/// `DescribeTable.Table.SSEDescription`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SseDescription {
    /// `ENABLING`, `ENABLED`, `DISABLING`, `DISABLED`, `UPDATING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `KMS` (an AWS managed or customer managed key) or `AES256`.
    #[serde(rename = "SSEType", default, skip_serializing_if = "Option::is_none")]
    pub sse_type: Option<String>,
    #[serde(
        rename = "KMSMasterKeyArn",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub kms_master_key_arn: Option<String>,
}

/// `DescribeContinuousBackups.ContinuousBackupsDescription`, flattened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContinuousBackups {
    /// `ENABLED` or `DISABLED`.
    pub continuous_backups_status: String,
    /// `PointInTimeRecoveryDescription.PointInTimeRecoveryStatus`: `ENABLED` or `DISABLED`.
    pub point_in_time_recovery_status: String,
    /// `PointInTimeRecoveryDescription.RecoveryPeriodInDays`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recovery_period_in_days: Option<i32>,
}

/// `GetResourcePolicy`: the table's policy document and its revision (what a write must
/// name to replace it and nothing newer).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct TablePolicy {
    pub policy: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revision_id: Option<String>,
}

//! The integration's KMS key: which one, what DescribeKey says of it, and its key policy. No
//! key (`None` in the snapshot) means the AWS owned key, which needs nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::fact::Fact;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KmsKey {
    /// As named: a key id, key ARN, alias name or alias ARN.
    pub given: String,
    /// Where it was named: `--kms-key`, or the existing integration's KMSKeyId.
    pub origin: String,
    /// kms:DescribeKey.
    pub description: Fact<KeyDescription>,
    /// kms:GetKeyPolicy (policy name `default`): the policy document.
    pub policy: Fact<String>,
    /// The integration's additional encryption context.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub encryption_context: BTreeMap<String, String>,
    /// kms:ListResourceTags: read by `check --fix` only, to know whether code owns the key
    /// (its key policy is then not changed live). `None`: not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<super::fact::Fact<BTreeMap<String, String>>>,
}

/// `DescribeKey.KeyMetadata`, the fields the rules read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct KeyDescription {
    pub key_id: String,
    pub arn: String,
    /// `Enabled`, `Disabled`, `PendingDeletion`, …
    pub key_state: String,
    /// `CUSTOMER` or `AWS`.
    pub key_manager: String,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, …
    pub key_spec: String,
    /// `ENCRYPT_DECRYPT`, `SIGN_VERIFY`, …
    pub key_usage: String,
}

//! The integration's KMS key: which key (`--kms-key`, else the existing integration's
//! KMSKeyId), kms:DescribeKey and kms:GetKeyPolicy. A failed read is the fact's error.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::reads::{not_read, Optional, Wanted};
use crate::model::{CallError, Fact, KeyDescription, KmsKey, Snapshot};

use super::cache::{memo, KeyFacts, ReadCache};
use super::calls;
use super::error::call_error;

/// The key a person named for a pair, with the encryption context the integration will use.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct KeyChoice {
    pub key: String,
    /// Where it was named, for messages (`--kms-key`, a config file's pair).
    pub origin: String,
    pub encryption_context: BTreeMap<String, String>,
}

/// The pair's key: `given`, else the KMS key of the existing integration between the pair.
/// `None`: the AWS owned key.
pub fn choose(snap: &Snapshot, given: Option<&KeyChoice>) -> Option<KeyChoice> {
    if let Some(g) = given {
        return Some(g.clone());
    }
    let target = snap.target.namespace_arn()?;
    let list = snap.integrations.ok()?;
    let i = list
        .iter()
        .find(|i| i.source_arn == snap.source.arn() && i.target_arn == target)?;
    let key = i.kms_key_id.clone()?;
    let name = i
        .integration_name
        .clone()
        .unwrap_or_else(|| "the existing integration".into());
    Some(KeyChoice {
        key,
        origin: format!("the KMSKeyId of integration {name}"),
        encryption_context: i.additional_encryption_context.clone(),
    })
}

/// The key as a run that could not read it holds it: named, both facts failed for `why`.
pub fn unread(choice: &KeyChoice, why: &str) -> KmsKey {
    let err = |call: &str| CallError::new(call, None, format!("not read: {why}"));
    KmsKey {
        given: choice.key.clone(),
        origin: choice.origin.clone(),
        description: Fact::Error(err(calls::DESCRIBE_KEY)),
        policy: Fact::Error(err(calls::GET_KEY_POLICY)),
        encryption_context: choice.encryption_context.clone(),
        tags: None,
    }
}

/// DescribeKey and GetKeyPolicy of `choice.key`; through `cache` in a fleet run, so a key
/// that many pairs use is read once (per Region its pairs read it from).
pub async fn read(
    client: &aws_sdk_kms::Client,
    choice: &KeyChoice,
    wanted: Wanted,
    cache: Option<&Arc<ReadCache>>,
) -> KmsKey {
    let mut key = KmsKey {
        given: choice.key.clone(),
        origin: choice.origin.clone(),
        description: Fact::Error(not_read(calls::DESCRIBE_KEY)),
        policy: Fact::Error(not_read(calls::GET_KEY_POLICY)),
        encryption_context: choice.encryption_context.clone(),
        tags: None,
    };
    if !wanted.wants(Optional::KmsKey) {
        return key;
    }
    let region = client.config().region().map(|r| r.to_string());
    let name = format!("{}\n{}", region.unwrap_or_default(), choice.key);
    let (description, policy) =
        memo(cache, |c| &c.kms_keys, name, || facts(client, &choice.key)).await;
    key.description = description;
    key.policy = policy;
    key
}

/// DescribeKey and GetKeyPolicy (which takes the key's ARN: DescribeKey gives it for an alias
/// too).
async fn facts(client: &aws_sdk_kms::Client, given: &str) -> KeyFacts {
    let described = client
        .describe_key()
        .key_id(given)
        .send()
        .await
        .map_err(|e| call_error(calls::DESCRIBE_KEY, e))
        .and_then(|o| {
            let m = o.key_metadata().ok_or_else(|| {
                CallError::new(
                    calls::DESCRIBE_KEY,
                    Some("IncompleteAnswer"),
                    "the answer has no KeyMetadata",
                )
            })?;
            Ok(KeyDescription {
                key_id: m.key_id().to_string(),
                arn: m.arn().unwrap_or_default().to_string(),
                key_state: m
                    .key_state()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                key_manager: m
                    .key_manager()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                key_spec: m
                    .key_spec()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                key_usage: m
                    .key_usage()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
            })
        });
    let policy_key = match &described {
        Ok(d) if !d.arn.is_empty() => d.arn.clone(),
        _ => given.to_string(),
    };
    let policy = if policy_key.starts_with("alias/") || policy_key.contains(":alias/") {
        Fact::Error(CallError::new(
            calls::GET_KEY_POLICY,
            None,
            "not read: the alias could not be resolved to a key (DescribeKey failed)",
        ))
    } else {
        client
            .get_key_policy()
            .key_id(policy_key)
            .policy_name("default")
            .send()
            .await
            .map_err(|e| call_error(calls::GET_KEY_POLICY, e))
            .and_then(|o| {
                o.policy().map(str::to_string).ok_or_else(|| {
                    CallError::new(
                        calls::GET_KEY_POLICY,
                        Some("IncompleteAnswer"),
                        "the answer has no Policy",
                    )
                })
            })
            .into()
    };
    (described.into(), policy)
}

/// Give `snap` its integration's key (`given`, else the existing integration's), read with
/// the client `client()` makes (asked only when there is a key); without one the key is
/// named and unverified.
pub async fn attach(
    snap: &mut Snapshot,
    given: Option<&KeyChoice>,
    client: impl FnOnce() -> Option<aws_sdk_kms::Client>,
    wanted: Wanted,
    cache: Option<&Arc<ReadCache>>,
) {
    if let Some(choice) = choose(snap, given) {
        snap.kms_key = Some(match client() {
            Some(c) => read(&c, &choice, wanted, cache).await,
            None => unread(&choice, "no AWS configuration to read it with"),
        });
    }
}

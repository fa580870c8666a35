//! `check --fix` only: the tags that say whether code owns a resource the fix may change,
//! where the describe call does not carry them (a Serverless workgroup's, a customer managed
//! KMS key's; a cluster's come with DescribeDBClusters and DescribeClusters). A plain check
//! does not read them, so its permissions do not need these calls; `iam-policy --fix`
//! grants them.

use crate::fetch::calls;
use crate::fetch::error::call_error;
use crate::fetch::TargetClients;
use crate::model::{CallError, Fact, Snapshot, TargetSnapshot};

/// The workgroup's tags (`check --fix`: whether code owns it), when the target is Serverless.
pub async fn attach_workgroup_tags(snap: &mut Snapshot, c: &TargetClients) {
    let TargetSnapshot::Serverless(s) = &mut snap.target else {
        return;
    };
    let Some(arn) = s.workgroup.workgroup_arn.clone() else {
        s.tags = Some(Fact::Error(CallError::new(
            calls::LIST_TAGS_FOR_RESOURCE,
            None,
            "GetWorkgroup returned no workgroup ARN to ask about",
        )));
        return;
    };
    let read = c
        .serverless
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .map_err(|e| call_error(calls::LIST_TAGS_FOR_RESOURCE, e))
        .map(|o| {
            o.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect()
        });
    s.tags = Some(read.into());
}

/// A DynamoDB table source's tags (whether code owns it), every page.
pub async fn attach_table_tags(snap: &mut Snapshot, c: &crate::fetch::SourceClients) {
    let Some(t) = snap.source.table_mut() else {
        return;
    };
    let mut tags = std::collections::BTreeMap::new();
    let mut next: Option<String> = None;
    let read = loop {
        let page = c
            .dynamodb
            .list_tags_of_resource()
            .resource_arn(&t.table.table_arn)
            .set_next_token(next.take())
            .send()
            .await
            .map_err(|e| call_error(calls::LIST_TABLE_TAGS, e));
        match page {
            Err(e) => break Err(e),
            Ok(o) => {
                for tag in o.tags() {
                    tags.insert(tag.key().to_string(), tag.value().to_string());
                }
                match o.next_token() {
                    Some(n) if !n.is_empty() => next = Some(n.to_string()),
                    _ => break Ok(std::mem::take(&mut tags)),
                }
            }
        }
    };
    t.tags = Some(read.into());
}

/// The integration's customer managed KMS key's tags (whether code owns its key policy).
pub async fn attach_key_tags(snap: &mut Snapshot, kms: Option<&aws_sdk_kms::Client>) {
    let Some(key) = &mut snap.kms_key else {
        return;
    };
    let Fact::Ok(d) = &key.description else {
        return; // no key to ask about: its rules are unverified already
    };
    let Some(kms) = kms else {
        key.tags = Some(Fact::Error(CallError::new(
            calls::LIST_RESOURCE_TAGS,
            None,
            "no AWS configuration to read with",
        )));
        return;
    };
    // A key holds at most 50 tags: one page of 50 is all of them.
    let read = kms
        .list_resource_tags()
        .key_id(&d.arn)
        .limit(50)
        .send()
        .await
        .map_err(|e| call_error(calls::LIST_RESOURCE_TAGS, e))
        .map(|o| {
            o.tags()
                .iter()
                .map(|t| (t.tag_key().to_string(), t.tag_value().to_string()))
                .collect()
        });
    key.tags = Some(read.into());
}

//! `check --fix` only: the tags that say whether code owns the target, where the describe
//! call does not carry them (a Serverless workgroup's; a provisioned cluster's come with
//! DescribeClusters). A plain check does not read them, so its permissions do not need this
//! call; `iam-policy --fix` grants it.

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

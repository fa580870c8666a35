//! A DynamoDB table source: DescribeTable, DescribeContinuousBackups and GetResourcePolicy,
//! and the Redshift integrations of the account (a table's integration is Redshift's, not
//! RDS's). A table with no resource policy is a fact (`None`), not an error.

use std::sync::Arc;

use aws_sdk_dynamodb::types as ddb;

use crate::model::reads::Wanted;
use crate::model::snapshot::Integrations;
use crate::model::{
    CallError, ContinuousBackups, Fact, Integration, IntegrationError, Snapshot, SourceSnapshot,
    SseDescription, Table, TablePolicy, TableSource,
};

use super::cache::ReadCache;
use super::calls;
use super::clients::SourceClients;
use super::error::{all_pages, call_error, unreadable, FetchError};
use super::kms::KeyChoice;
use super::refs::SourceRef;

/// The table `source` names (its ARN) and its facts.
pub async fn fetch(c: &SourceClients, source: &SourceRef) -> Result<SourceSnapshot, FetchError> {
    let arn = source.identifier.as_str();
    let (table, backups, policy) = tokio::join!(
        describe_table(c, arn),
        continuous_backups(c, arn),
        resource_policy(c, arn),
    );
    let table = match table {
        Ok(t) => t,
        Err(e) if e.code.as_deref() == Some("ResourceNotFoundException") => {
            return Err(FetchError::NotFound {
                what: "DynamoDB table",
                id: arn.to_string(),
                region: c.region(),
                hint: "Check the table ARN (aws dynamodb list-tables lists the Region's tables)"
                    .into(),
            })
        }
        Err(e) => return Err(unreadable(arn, "DynamoDB table", e)),
    };
    Ok(SourceSnapshot::Table(TableSource {
        region: c.region(),
        table,
        continuous_backups: backups.into(),
        table_policy: policy.into(),
        key: None,
        tags: None,
    }))
}

async fn describe_table(c: &SourceClients, arn: &str) -> Result<Table, CallError> {
    let out = c
        .dynamodb
        .describe_table()
        .table_name(arn)
        .send()
        .await
        .map_err(|e| call_error(calls::DESCRIBE_TABLE, e))?;
    let t = out
        .table()
        .ok_or_else(|| super::error::incomplete(calls::DESCRIBE_TABLE, "Table"))?;
    Ok(Table {
        table_name: t.table_name().unwrap_or_default().to_string(),
        table_arn: t.table_arn().unwrap_or(arn).to_string(),
        table_status: t
            .table_status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        table_size_bytes: t.table_size_bytes(),
        item_count: t.item_count(),
        key_schema: t
            .key_schema()
            .iter()
            .map(|k| crate::model::dynamodb::KeySchemaElement {
                attribute_name: k.attribute_name().to_string(),
                key_type: k.key_type().as_str().to_string(),
            })
            .collect(),
        attribute_definitions: t
            .attribute_definitions()
            .iter()
            .map(|a| crate::model::dynamodb::AttributeDefinition {
                attribute_name: a.attribute_name().to_string(),
                attribute_type: a.attribute_type().as_str().to_string(),
            })
            .collect(),
        sse_description: t.sse_description().map(sse),
    })
}

fn sse(s: &ddb::SseDescription) -> SseDescription {
    SseDescription {
        status: s.status().map(|v| v.as_str().to_string()),
        sse_type: s.sse_type().map(|v| v.as_str().to_string()),
        kms_master_key_arn: s.kms_master_key_arn().map(str::to_string),
    }
}

async fn continuous_backups(c: &SourceClients, arn: &str) -> Result<ContinuousBackups, CallError> {
    let out = c
        .dynamodb
        .describe_continuous_backups()
        .table_name(arn)
        .send()
        .await
        .map_err(|e| call_error(calls::DESCRIBE_CONTINUOUS_BACKUPS, e))?;
    let d = out.continuous_backups_description().ok_or_else(|| {
        super::error::incomplete(
            calls::DESCRIBE_CONTINUOUS_BACKUPS,
            "ContinuousBackupsDescription",
        )
    })?;
    let pitr = d.point_in_time_recovery_description();
    Ok(ContinuousBackups {
        continuous_backups_status: d.continuous_backups_status().as_str().to_string(),
        point_in_time_recovery_status: pitr
            .and_then(|p| p.point_in_time_recovery_status())
            .map(|s| s.as_str().to_string())
            .unwrap_or_else(|| "DISABLED".into()),
        recovery_period_in_days: pitr.and_then(|p| p.recovery_period_in_days()),
    })
}

/// The table's resource policy; `None` when it has none (PolicyNotFoundException).
async fn resource_policy(c: &SourceClients, arn: &str) -> Result<Option<TablePolicy>, CallError> {
    match c
        .dynamodb
        .get_resource_policy()
        .resource_arn(arn)
        .send()
        .await
    {
        Ok(out) => Ok(out.policy().map(|p| TablePolicy {
            policy: p.to_string(),
            revision_id: out.revision_id().map(str::to_string),
        })),
        Err(e) => {
            let e = call_error(calls::GET_TABLE_POLICY, e);
            if e.code.as_deref() == Some("PolicyNotFoundException") {
                Ok(None)
            } else {
                Err(e)
            }
        }
    }
}

/// Every Redshift integration in the account and Region (redshift:DescribeIntegrations,
/// every page): where a DynamoDB table's integrations are.
pub async fn integrations(c: &SourceClients) -> Fact<Integrations> {
    if let Err(e) = super::calls::left_out(c.wanted, crate::model::reads::Optional::Integrations) {
        return Fact::Error(e);
    }
    let all = all_pages(
        c.redshift
            .describe_integrations()
            .into_paginator()
            .items()
            .send(),
        calls::DESCRIBE_REDSHIFT_INTEGRATIONS,
    )
    .await;
    all.map(|list| {
        list.iter()
            .map(|i| Integration {
                integration_name: i.integration_name().map(str::to_string),
                integration_arn: i.integration_arn().map(str::to_string),
                source_arn: i.source_arn().unwrap_or_default().to_string(),
                target_arn: i.target_arn().unwrap_or_default().to_string(),
                status: i
                    .status()
                    .map(|s| s.as_str().to_string())
                    .unwrap_or_default(),
                data_filter: None,
                kms_key_id: i.kms_key_id().map(str::to_string),
                additional_encryption_context: i
                    .additional_encryption_context()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
                errors: i
                    .errors()
                    .iter()
                    .map(|e| IntegrationError {
                        error_code: e.error_code().unwrap_or_default().to_string(),
                        error_message: e.error_message().map(str::to_string),
                    })
                    .collect(),
            })
            .collect::<Vec<_>>()
            .into()
    })
    .into()
}

/// Every table of the Region, as ARNs (`--candidates` with `--candidate-sources dynamodb`):
/// ListTables (every page) gives names, and each name's ARN is the Region's and the account's,
/// read from the first table's DescribeTable.
pub async fn all_tables(c: &SourceClients) -> Result<Vec<String>, CallError> {
    let names = all_pages(
        c.dynamodb.list_tables().into_paginator().items().send(),
        calls::LIST_TABLES,
    )
    .await?;
    let Some(first) = names.first() else {
        return Ok(Vec::new());
    };
    let arn = describe_table(c, first).await?.table_arn;
    let Some((prefix, _)) = arn.split_once(":table/") else {
        return Err(CallError::new(
            calls::DESCRIBE_TABLE,
            Some("IncompleteAnswer"),
            format!("the table ARN '{arn}' has no :table/ part"),
        ));
    };
    Ok(names
        .iter()
        .map(|n| format!("{prefix}:table/{n}"))
        .collect())
}

/// Where the snapshot says a table's key was named.
pub const KEY_ORIGIN: &str = "the table's SSEDescription.KMSMasterKeyArn";

/// The table's KMS key when it is not the AWS owned one: DescribeKey (which tells an AWS
/// managed key from a customer managed one) and its key policy, as the integration's key is
/// read.
pub async fn attach_key(
    snap: &mut Snapshot,
    client: impl FnOnce() -> Option<aws_sdk_kms::Client>,
    wanted: Wanted,
    cache: Option<&Arc<ReadCache>>,
) {
    let Some(table) = snap.source.table_mut() else {
        return;
    };
    let Some(arn) = table
        .table
        .sse_description
        .as_ref()
        .and_then(|s| s.kms_master_key_arn.clone())
    else {
        return;
    };
    let choice = KeyChoice {
        key: arn,
        origin: KEY_ORIGIN.into(),
        encryption_context: Default::default(),
    };
    table.key = Some(match client() {
        Some(c) => super::kms::read(&c, &choice, wanted, cache).await,
        None => super::kms::unread(&choice, "no AWS configuration to read it with"),
    });
}

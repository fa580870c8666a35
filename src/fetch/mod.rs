//! The imperative shell's read side: AWS → [`Snapshot`]. Source and target are read in
//! parallel, every list call is paginated, and the SDK's standard retries apply. A call that
//! fails becomes a [`crate::model::CallError`] in the snapshot, never a silent default; only
//! an unidentifiable source or target stops the run.

pub mod answer;
pub mod cache;
pub mod calls;
pub mod clients;
pub mod creator;
pub mod dynamodb;
pub mod error;
pub mod health;
pub mod kms;
pub mod redshift_data;
pub mod refs;
pub mod source;
pub mod sql;
pub mod target;

use crate::model::reads::{unread_source, Optional, SOURCE_NOT_READ};
use crate::model::{Snapshot, SNAPSHOT_SCHEMA_VERSION};

pub use clients::{AwsOptions, SourceClients, TargetClients};
pub use error::FetchError;
pub use refs::{SourceKind, SourceRef, TargetRef};

pub async fn snapshot(
    src: &SourceClients,
    tgt: &TargetClients,
    source: &SourceRef,
    target: &TargetRef,
) -> Result<Snapshot, FetchError> {
    let table = source.kind == SourceKind::Table;
    let read_source = async {
        if table && src.wanted.wants(Optional::SourceCluster) {
            return Ok((dynamodb::fetch(src, source).await?, Vec::new()));
        }
        if src.wanted.wants(Optional::SourceCluster) {
            return source::fetch(src, source).await;
        }
        if table {
            let arn = Some(source.identifier.as_str());
            let id = source.identifier.rsplit('/').next().unwrap_or_default();
            return Ok((
                unread_source(id, arn, &src.region(), &calls::optional),
                Vec::new(),
            ));
        }
        let (id, arn) = match source.identifier.rsplit_once(":cluster:") {
            Some((_, id)) if source.identifier.starts_with("arn:") => {
                (id.to_string(), Some(source.identifier.as_str()))
            }
            _ => (source.identifier.clone(), None),
        };
        Ok((
            unread_source(&id, arn, &src.region(), &calls::optional),
            Vec::new(),
        ))
    };
    let (s, t, integrations) = tokio::join!(read_source, target::fetch(tgt, target), async {
        // A table's integrations are Redshift's; the others are RDS's. Each list is read
        // once per Region.
        if table {
            let key = format!("redshift\n{}", src.region());
            cache::memo(
                src.cache.as_ref(),
                |x| &x.integrations,
                key,
                || dynamodb::integrations(src),
            )
            .await
        } else {
            cache::memo(
                src.cache.as_ref(),
                |x| &x.integrations,
                src.region(),
                || source::integrations(src),
            )
            .await
        }
    });
    // The source's error first: it is the one the user named first.
    let (source, source_notes) = s?;
    let (target, mut notes) = t?;
    notes.extend(source_notes);
    if !src.wanted.wants(Optional::SourceCluster) {
        notes.push(SOURCE_NOT_READ.to_string());
    }
    Ok(Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        schema: None,
        notes,
        tool_version: Some(env!("CARGO_PKG_VERSION").to_string()),
        captured_at: Some(crate::model::now_rfc3339()),
        source,
        target,
        integrations,
        deployment: None,
        kms_key: None,
        creator: None,
        creator_unknown: None,
        health: None,
    })
}

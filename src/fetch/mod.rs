//! The imperative shell's read side: AWS → [`Snapshot`]. Source and target are read in
//! parallel, every list call is paginated, and the SDK's standard retries apply. A call that
//! fails becomes a [`crate::model::CallError`] in the snapshot, never a silent default; only
//! an unidentifiable source or target stops the run.

pub mod answer;
pub mod cache;
pub mod calls;
pub mod clients;
pub mod error;
pub mod redshift_data;
pub mod refs;
pub mod source;
pub mod sql;
pub mod target;

use crate::model::{Snapshot, SNAPSHOT_SCHEMA_VERSION};

pub use clients::{AwsOptions, SourceClients, TargetClients};
pub use error::FetchError;
pub use refs::{SourceRef, TargetRef};

pub async fn snapshot(
    src: &SourceClients,
    tgt: &TargetClients,
    source: &SourceRef,
    target: &TargetRef,
) -> Result<Snapshot, FetchError> {
    let (s, t, integrations) = tokio::join!(
        source::fetch(src, source),
        target::fetch(tgt, target),
        cache::memo(
            src.cache.as_ref(),
            |x| &x.integrations,
            src.region(),
            || { source::integrations(src) }
        )
    );
    // The source's error first: it is the one the user named first.
    let source = s?;
    let (target, notes) = t?;
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
    })
}

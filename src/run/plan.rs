//! A plan's pairs completed from AWS (`--live`): the ends outside the plan (an existing
//! cluster or namespace named by ARN), and what no plan holds: the account's integrations
//! and the engine defaults of the source's family. Read failures stay in the snapshot as
//! failed facts (`error`), as in a live check.

use crate::fetch::{self, SourceRef, TargetRef};
use crate::inputs::planned::{PlannedPair, Side, Unchecked};
use crate::model::{Fact, Snapshot};

use super::Clients;

/// Complete one planned pair. `region` is where ends named without an ARN live.
pub async fn complete<C: Clients>(
    clients: &C,
    pair: PlannedPair,
    region: Option<&str>,
) -> Result<Snapshot, Unchecked> {
    let address = pair.address.clone();
    let unchecked = |why: String| Unchecked {
        address: address.clone(),
        why: format!("{address} is not checked: {why}"),
    };
    let source = match &pair.source {
        Side::Planned(_) => None,
        Side::Outside(v) => {
            let r = SourceRef::parse(v).map_err(|e| unchecked(e.to_string()))?;
            let c = clients.in_region(r.region.as_deref().or(region).unwrap_or_default());
            Some(
                fetch::source::fetch(&c, &r)
                    .await
                    .map_err(|e| unchecked(format!("its source {v} could not be read: {e}")))?,
            )
        }
    };
    let target = match &pair.target {
        Side::Planned(_) => None,
        Side::Outside(v) => {
            let r = TargetRef::parse(v).map_err(|e| unchecked(e.to_string()))?;
            let where_ = r
                .region()
                .or(region.map(str::to_string))
                .unwrap_or_default();
            let c = clients.targets_in_region(&where_);
            let (t, _notes) = fetch::target::fetch(&c, &r)
                .await
                .map_err(|e| unchecked(format!("its target {v} could not be read: {e}")))?;
            Some(t)
        }
    };
    let mut snap = pair.complete(source, target)?;
    let src = clients.in_region(&snap.source.region);
    snap.integrations = fetch::source::integrations(&src).await;
    let defaults_missing = matches!(
        &snap.source.engine_defaults,
        Fact::Error(e) if e.is_not_in_plan()
    );
    if defaults_missing {
        let c = &snap.source.cluster;
        let family = fetch::source::family_for(&c.engine, &c.engine_version);
        snap.source.engine_defaults = fetch::source::engine_defaults(&src, &family).await.into();
    }
    snap.captured_at = Some(fetch::now_rfc3339());
    Ok(snap)
}

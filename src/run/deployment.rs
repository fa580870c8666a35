//! A plan's pairs completed from AWS (`--live`): the ends outside the plan (an existing
//! cluster or namespace named by ARN), and what no plan holds: the account's integrations
//! and the engine defaults of the source's family. Read failures stay in the snapshot as
//! failed facts (`error`), as in a live check.

use crate::fetch::{self, SourceRef, TargetRef};
use crate::inputs::planned::{PlannedPair, Side, Unchecked};
use crate::model::{Fact, Snapshot, SourceSnapshot};

use std::path::Path;
use std::sync::Arc;

use crate::fetch::cache::{memo, ReadCache};

use super::{Clients, Error, Settings};
use crate::inputs::planned::NOT_READ_LIVE;

/// Which file a deployment is read from.
#[derive(Debug, Clone)]
pub enum Source<'a> {
    /// `terraform show -json PLANFILE`'s output.
    Terraform(&'a Path),
    /// A CloudFormation template, with its parameter values file when given.
    CloudFormation {
        template: &'a Path,
        parameters: Option<&'a Path>,
    },
}

/// What a deployment check reads: the snapshots its pairs make, what could not be made into
/// one (not verified), and the file as reports name it.
#[derive(Debug)]
pub struct Read {
    pub snapshots: Vec<Snapshot>,
    pub unchecked: Vec<String>,
    pub shown: String,
}

/// Read the plan or template, make its pairs (`pair`: the source and target named by address
/// or logical id, when it plans no integration), and complete them from AWS when `live`.
pub async fn read(
    settings: &Settings,
    source: Source<'_>,
    pair: Option<(&str, &str)>,
    live: bool,
    creator: Option<&str>,
    concurrency: usize,
) -> Result<Read, Error> {
    let path = match &source {
        Source::Terraform(p) => *p,
        Source::CloudFormation { template, .. } => *template,
    };
    let bad = |message: String| Error::Plan {
        path: path.to_path_buf(),
        message,
    };
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let shown = shown_path(path);
    // The Region as given, configured or in the environment: plans honour the config file.
    let region = settings.region_hint();
    let world = match source {
        Source::CloudFormation { parameters, .. } => {
            let given = match parameters {
                Some(p) => {
                    let unreadable = |message: String| Error::Plan {
                        path: p.to_path_buf(),
                        message,
                    };
                    let text = std::fs::read_to_string(p)
                        .map_err(|e| unreadable(format!("cannot read it: {e}")))?;
                    crate::inputs::cloudformation::parameter_values(&text).map_err(unreadable)?
                }
                None => Default::default(),
            };
            crate::inputs::cloudformation::read(&text, &shown, &given, region.as_deref())
        }
        Source::Terraform(_) => {
            crate::inputs::terraform::read(&text, &shown, region.as_deref()).map(|mut world| {
                // The configuration is where `terraform plan` ran: beside the plan file.
                let root = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .unwrap_or(Path::new("."));
                crate::inputs::tf_files::locate(&mut world, &text, root, &|p| shown_path(p));
                world
            })
        }
    }
    .map_err(bad)?;
    let (pairs, unchecked) = world.pairs(pair).map_err(bad)?;
    if pairs.is_empty() && unchecked.is_empty() {
        return Err(bad(
            "it plans no integration (aws_rds_integration, AWS::RDS::Integration); name the pair with --source and --target".into(),
        ));
    }
    let mut unchecked: Vec<String> = unchecked.into_iter().map(|u| u.why).collect();
    let home_region = world.region.clone().or(region);
    let results = if live {
        let sdk = super::session::connect(settings, &[]).await?;
        // The creator whose permissions are simulated: `--creator`, else the acting principal;
        // when who acts cannot be read, the creator rules say so (unverified), as in `check`.
        let wanted = settings
            .wanted()
            .wants(crate::model::reads::Optional::Creator);
        let (creator, unknown) = match creator {
            Some(_) => (super::session::creator_of(creator, None), None),
            None if wanted => match super::session::acting(&sdk).await {
                Ok(id) => (super::session::creator_of(None, Some(&id)), None),
                Err(e) => (None, Some(e)),
            },
            None => (None, None),
        };
        let clients = Arc::new(super::SdkClients::new(sdk).wanting(settings.wanted()));
        let region = home_region.as_deref();
        let mut results = snapshots(clients, pairs, region, creator, concurrency).await;
        for s in results.iter_mut().flatten() {
            s.creator_unknown = unknown.clone();
        }
        results
    } else {
        pairs.into_iter().map(|p| p.offline()).collect()
    };
    let mut snaps = Vec::new();
    for r in results {
        match r {
            Ok(s) => snaps.push(s),
            Err(u) => unchecked.push(u.why),
        }
    }
    Ok(Read {
        snapshots: snaps,
        unchecked,
        shown,
    })
}

/// A path as reports name it: relative to here when it is below here.
fn shown_path(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    let abs = if path.is_absolute() {
        path.to_path_buf()
    } else {
        cwd.join(path)
    };
    abs.strip_prefix(&cwd)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every planned pair completed from AWS, in order, at most `concurrency` at a time.
pub async fn snapshots<C: Clients + 'static>(
    clients: std::sync::Arc<C>,
    pairs: Vec<PlannedPair>,
    region: Option<&str>,
    creator: Option<(String, String)>,
    concurrency: usize,
) -> Vec<Result<Snapshot, Unchecked>> {
    let n = pairs.len();
    let pairs = std::sync::Arc::new(pairs);
    let region = region.map(str::to_string);
    let creator = std::sync::Arc::new(creator);
    // Pairs of one plan share a Region's integrations, engine defaults, lists: read once.
    let cache = std::sync::Arc::new(ReadCache::default());
    let task = |i: usize| {
        let (clients, pairs, region, cache, creator) = (
            clients.clone(),
            pairs.clone(),
            region.clone(),
            cache.clone(),
            creator.clone(),
        );
        async move {
            let pair = pairs[i].clone();
            let at = (region.as_deref(), creator.as_ref().as_ref());
            complete(clients.as_ref(), Some(cache), pair, at).await
        }
    };
    let mut out = Vec::with_capacity(n);
    super::ordered::ordered(n, concurrency, task, |_, r| out.push(r)).await;
    out
}

/// Complete one planned pair, through `cache` when pairs share one. `region` is where ends
/// named without an ARN live; `creator` (ARN, where it came from) is simulated.
pub async fn complete<C: Clients>(
    clients: &C,
    cache: Option<Arc<ReadCache>>,
    pair: PlannedPair,
    (region, creator): (Option<&str>, Option<&(String, String)>),
) -> Result<Snapshot, Unchecked> {
    let sources = |region: &str| {
        let c = clients.in_region(region);
        match &cache {
            Some(k) => c.with_cache(k.clone()),
            None => c,
        }
    };
    let targets = |region: &str| {
        let c = clients.targets_in_region(region);
        match &cache {
            Some(k) => c.with_cache(k.clone()),
            None => c,
        }
    };
    let address = pair.address.clone();
    let unchecked = |why: String| Unchecked::new(&address, why);
    let source = match &pair.source {
        Side::Planned(_) => None,
        Side::Outside(v) => {
            let r = SourceRef::parse(v).map_err(|e| unchecked(e.to_string()))?;
            let Some(at) = r.region.as_deref().or(region) else {
                return Err(unchecked(format!(
                    "its source {v} has no Region: pass --region"
                )));
            };
            let c = sources(at);
            Some(
                // A plan names its source by ARN: nothing to note about the kind.
                fetch::source::fetch(&c, &r)
                    .await
                    .map(|(s, _)| s)
                    .map_err(|e| unchecked(format!("its source {v} could not be read: {e}")))?,
            )
        }
    };
    let target = match &pair.target {
        Side::Planned(_) => None,
        Side::Outside(v) => {
            let r = TargetRef::parse(v).map_err(|e| unchecked(e.to_string()))?;
            let Some(at) = r.region().or(region.map(str::to_string)) else {
                return Err(unchecked(format!(
                    "its target {v} has no Region: pass --region"
                )));
            };
            let c = targets(&at);
            let (t, _notes) = fetch::target::fetch(&c, &r)
                .await
                .map_err(|e| unchecked(format!("its target {v} could not be read: {e}")))?;
            Some(t)
        }
    };
    let planned_existing = matches!(pair.source, Side::Planned(_)) && pair.plan.source_exists;
    let mut snap = pair.complete(source, target)?;
    let unknown = |key: &str| {
        snap.deployment
            .as_ref()
            .is_some_and(|p| p.unknown.contains_key(key))
    };
    if unknown("source.region") || unknown("target.region") {
        // Nowhere to read: what no plan holds stays unverified, saying why.
        return Ok(snap);
    }
    let src = sources(snap.source.region());
    if planned_existing {
        live_state(&src, &mut snap).await;
    }
    let tgt = targets(snap.target.region());
    live_target_state(&tgt, &mut snap).await;
    snap.integrations = memo(
        cache.as_ref(),
        |x| &x.integrations,
        src.region(),
        || fetch::source::integrations(&src),
    )
    .await;
    // A key outside the plan is read as a live check reads it.
    let key_outside = snap
        .kms_key
        .as_ref()
        .is_some_and(|k| matches!(&k.description, Fact::Error(e) if e.is_not_in_plan()));
    if let (true, Some(client), Some(k)) = (key_outside, clients.kms(&src.region()), &snap.kms_key)
    {
        let choice = fetch::kms::KeyChoice {
            key: k.given.clone(),
            origin: k.origin.clone(),
            encryption_context: k.encryption_context.clone(),
        };
        snap.kms_key = Some(fetch::kms::read(&client, &choice, src.wanted, cache.as_ref()).await);
    }
    let iam = clients.iam();
    fetch::creator::attach(&mut snap, creator, iam.as_ref(), src.wanted, cache.as_ref()).await;
    let missing_family = snap.source.rds().and_then(|r| match &r.engine_defaults {
        Fact::Error(e) if e.is_not_in_plan() => {
            Some(crate::model::family_for(r.engine(), r.engine_version()))
        }
        _ => None,
    });
    if let Some(family) = missing_family {
        // The same key as a live read of the source uses: read once whichever asks first.
        let key = format!("{}/{family}", src.region());
        let defaults = memo(
            cache.as_ref(),
            |x| &x.engine_defaults,
            key,
            || fetch::source::engine_defaults(&src, &family),
        )
        .await;
        if let Some(r) = snap.source.rds_mut() {
            r.engine_defaults = defaults.into();
        }
    }
    snap.captured_at = Some(crate::model::now_rfc3339());
    Ok(snap)
}

/// A cluster the plan updates or leaves be exists now: its live state (status, writer,
/// blue/green deployments, global database), which no plan holds, is read from AWS. The
/// planned settings (engine version, parameter group) stay as planned.
async fn live_state(src: &crate::fetch::SourceClients, snap: &mut Snapshot) {
    let arn = snap.source.arn().to_string();
    let Ok(r) = SourceRef::parse(&arn) else {
        return;
    };
    let live = match fetch::source::fetch(src, &r).await {
        Ok((live, _)) => live,
        Err(e) => {
            // Still unknown, but not for want of trying: say which read failed and why.
            read_failed(snap, "source.", &e.to_string());
            return;
        }
    };
    let (Some(mine), SourceSnapshot::Rds(live)) = (snap.source.rds_mut(), live) else {
        return;
    };
    use crate::model::RdsResource as R;
    match (&mut mine.resource, live.resource) {
        (
            R::AuroraCluster(c) | R::MultiAzCluster(c),
            R::AuroraCluster(l) | R::MultiAzCluster(l),
        ) => {
            c.cross_account_clone = l.cross_account_clone;
            c.status = l.status;
            c.db_cluster_members = l.db_cluster_members;
            c.earliest_backtrack_time = l.earliest_backtrack_time;
            c.backtrack_consumed_change_records = l.backtrack_consumed_change_records;
        }
        (R::Instance(i), R::Instance(l)) => {
            i.db_instance_status = l.db_instance_status;
            i.parameter_apply_status = l.parameter_apply_status;
        }
        _ => {}
    }
    mine.blue_green_deployments = live.blue_green_deployments;
    if mine.global_cluster.is_some() {
        mine.global_cluster = live.global_cluster;
    }
    let Some(plan) = &mut snap.deployment else {
        return;
    };
    // What the plan left unknown only because the cluster exists is known now.
    for field in ["Status", "BacktrackWindow", "CrossAccountClone"] {
        let key = format!("source.cluster.{field}");
        if plan
            .unknown
            .get(&key)
            .is_some_and(|why| why.contains("exists already"))
        {
            plan.unknown.remove(&key);
        }
    }
    if !plan.reboot_needed.is_empty() {
        // A new parameter group is live only after the writer reboots, which the apply
        // does not do: that is what the writer will report after it.
        match &mut mine.resource {
            R::AuroraCluster(c) | R::MultiAzCluster(c) => {
                for m in &mut c.db_cluster_members {
                    m.db_cluster_parameter_group_status = Some("pending-reboot".into());
                }
            }
            R::Instance(i) => i.parameter_apply_status = Some("pending-reboot".into()),
        }
        plan.unknown.remove("source.cluster.DBClusterMembers");
    } else if plan.changed_parameters.is_empty() {
        plan.unknown.remove("source.cluster.DBClusterMembers");
    } else {
        plan.unknown.insert(
            "source.cluster.DBClusterMembers".into(),
            format!(
                "the apply changes {} in the source's group; whether the writer is in-sync after it is known only then",
                plan.changed_parameters.join(", ")
            ),
        );
    }
}

/// A target the plan updates or leaves be exists now: its status, its parameter group's
/// apply status and (when the plan attaches none) its resource policy are read from AWS.
async fn live_target_state(tgt: &crate::fetch::TargetClients, snap: &mut Snapshot) {
    use crate::model::TargetSnapshot;
    let Some(plan) = &snap.deployment else { return };
    let exists = |key: &str| {
        plan.unknown
            .get(key)
            .is_some_and(|why| why.contains("exists already"))
    };
    let keys: &[&str] = match &snap.target {
        TargetSnapshot::Provisioned(_) => &["target.cluster.ClusterStatus"],
        TargetSnapshot::Serverless(_) => &["target.workgroup.status", "target.namespace.status"],
    };
    if !keys.iter().any(|k| exists(k)) {
        return;
    }
    let name = TargetRef::Name(snap.target.display_id().to_string());
    let (live, _) = match fetch::target::fetch(tgt, &name).await {
        Ok(live) => live,
        Err(e) => {
            read_failed(snap, "target.", &e.to_string());
            return;
        }
    };
    let policy_not_planned = matches!(
        snap.target.resource_policy(),
        Fact::Error(e) if e.is_not_in_plan()
    );
    match (&mut snap.target, live) {
        (TargetSnapshot::Provisioned(p), TargetSnapshot::Provisioned(l)) => {
            p.cluster.cluster_status = l.cluster.cluster_status;
            if p.cluster.cluster_parameter_groups.is_empty() {
                p.cluster.cluster_parameter_groups = l.cluster.cluster_parameter_groups;
            }
            if policy_not_planned {
                p.resource_policy = l.resource_policy;
            }
        }
        (TargetSnapshot::Serverless(s), TargetSnapshot::Serverless(l)) => {
            s.workgroup.status = l.workgroup.status;
            if let (Fact::Ok(ns), Fact::Ok(lns)) = (&mut s.namespace, &l.namespace) {
                ns.status = lns.status.clone();
            }
            if policy_not_planned {
                s.resource_policy = l.resource_policy;
            }
        }
        // The plan and AWS disagree on what the target is: leave it unknown.
        _ => return,
    }
    if let Some(plan) = &mut snap.deployment {
        for k in keys.iter().chain(&["target.parameter_group"]) {
            if plan
                .unknown
                .get(*k)
                .is_some_and(|why| why.contains("exists already"))
            {
                plan.unknown.remove(*k);
            }
        }
    }
}

/// The live read of an existing resource was tried and failed: the facts the plan left to it
/// (under `prefix`) stay unknown, now saying why, instead of reading like `--offline`.
fn read_failed(snap: &mut Snapshot, prefix: &str, error: &str) {
    let Some(plan) = &mut snap.deployment else {
        return;
    };
    for (key, why) in plan.unknown.iter_mut() {
        if key.starts_with(prefix) && why.ends_with(NOT_READ_LIVE) {
            let head = why.trim_end_matches(NOT_READ_LIVE);
            *why = format!("{head}, and reading it from AWS failed: {error}");
        }
    }
}

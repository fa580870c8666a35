//! `check --fix` on one pair: connect, say whose account will change, then plan, confirm,
//! apply and check again ([`crate::fix::flow`]). The pair is read before and after exactly as
//! `check` reads it: with its catalog (`--data`, `--data-from`), its table states (`--tables`)
//! and its metrics over `--window`.

use crate::fetch::kms::KeyChoice;
use crate::fetch::{SourceRef, TargetRef};
use crate::fix::apply::Reach;
use crate::fix::flow::{self, FlowOptions, FlowResult};
use crate::fix::Plan;
use crate::inputs::catalog::Output;
use crate::model::{Finding, Snapshot};

use super::{session, Clients, Extras};
use super::{Error, Settings};

/// What is read besides the pair's own facts.
#[derive(Debug, Clone, Copy)]
pub struct Reads<'a> {
    /// `--data`, `--tables` and `--window`, as `check` has them (the key and the creator are
    /// this function's own arguments).
    pub extras: &'a Extras,
    /// `--data-from`: a saved catalog, and the filter that scopes it.
    pub data_from: (&'a [Output], Option<&'a str>),
}

/// Fix one pair. `confirm` is shown the sentence that names the account to be changed and
/// the plan. Returns what happened and that sentence.
pub async fn fix(
    settings: &Settings,
    pair: &(SourceRef, TargetRef),
    (key, creator): (Option<&KeyChoice>, Option<&str>),
    reads: Reads<'_>,
    opts: &FlowOptions,
    findings_of: impl Fn(&Snapshot) -> Vec<Finding>,
    confirm: impl FnOnce(&str, &Plan) -> bool,
) -> Result<(FlowResult, String), Error> {
    let (source, target) = pair;
    let sdk = session::connect(settings, std::slice::from_ref(pair)).await?;
    // The account that will be changed, shown before anything is asked or applied.
    let identity = session::who_is_acting(&sdk).await;
    let acting = match &identity {
        Some(id) => format!("Changes will be made in {}\n\n", id.describe()),
        None => "Changes will be made with the current credentials (sts:GetCallerIdentity \
                 was not allowed, so the account is not shown)\n\n"
            .to_string(),
    };
    let (src, tgt) = session::clients(&sdk, source, target);
    let mut extras = reads.extras.clone();
    extras.creator = session::creator_of(creator, identity.as_ref());
    // Whether code owns the target: a workgroup's tags are a call of their own.
    extras.owner_tags = !opts.allow_drift;
    let window = extras
        .health
        .map_or(crate::fetch::health::DEFAULT_WINDOW, |(_, w)| w);
    let clients = super::SdkClients::new(sdk).wanting(src.wanted);
    let (kms, cloudwatch) = (
        clients.kms(&src.region()),
        clients.cloudwatch(&tgt.region()),
    );
    let data_api = opts
        .tables
        .is_some()
        .then(|| clients.data_api(&tgt.region()));
    let (saved, filter) = reads.data_from;
    // Each read is of its own moment: the metrics after the fix end when they are read.
    let read = async || {
        let mut extras = extras.clone();
        extras.health = Some(super::health_moment(window));
        let mut snap = super::read_pair(&clients, None, (source, target), key, &extras).await?;
        if !saved.is_empty() {
            super::data_from::attach(&mut snap, saved, filter)?;
        }
        Ok::<_, Error>(snap)
    };
    let reach = Reach {
        kms: kms.as_ref(),
        cloudwatch: cloudwatch.as_ref(),
        data_api: data_api.as_ref(),
        ..Reach::new(&src, &tgt)
    };
    let result = flow::run(reach, read, &settings.rules, findings_of, opts, |plan| {
        confirm(&acting, plan)
    })
    .await?;
    Ok((result, acting))
}

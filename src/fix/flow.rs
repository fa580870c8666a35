//! The whole fix, as the CLI runs it, with the printing and asking left to the caller:
//! fetch → evaluate → context → plan → (confirm) → apply → fetch again.

use std::path::PathBuf;

use crate::fetch::{self, FetchError, SourceClients, SourceRef, TargetClients, TargetRef};
use crate::model::{Finding, Snapshot};
use crate::rules::spec::Applicability;
use crate::rules::RuleSet;

use super::apply::{self, ApplyOptions, Outcome};
use super::journal::Journal;
use super::{context, plan, Plan};

#[derive(Debug, Clone)]
pub struct FlowOptions {
    pub dry_run: bool,
    /// What the alarms a fix creates notify (`--alarm-action`).
    pub alarm_actions: Vec<String>,
    pub apply: ApplyOptions,
    pub journal: PathBuf,
}

/// What happened, step by step.
#[derive(Debug)]
pub struct FlowResult {
    pub before: Snapshot,
    pub plan: Plan,
    /// `None` for a dry run, when nothing was applicable, or when not confirmed.
    pub outcomes: Option<Vec<Outcome>>,
    /// The state read again after applying.
    pub after: Option<Snapshot>,
    pub journal: Journal,
}

/// How many actions this run would apply.
pub fn applicable(plan: &Plan, unsafe_fixes: bool) -> usize {
    plan.actions
        .iter()
        .filter(|a| match a.applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => unsafe_fixes,
            Applicability::Manual => false,
        })
        .count()
}

/// The pair to fix, and the clients to reach it.
#[derive(Debug, Clone, Copy)]
pub struct Pair<'a> {
    pub src: &'a SourceClients,
    pub tgt: &'a TargetClients,
    pub source: &'a SourceRef,
    pub target: &'a TargetRef,
    /// The integration's key and creator, read and fixed as `check` reads them.
    pub keyed: Keyed<'a>,
}

/// The integration's KMS key (`--kms-key`, else the existing integration's) and the creator
/// whose permissions are simulated, with the clients to read and change them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Keyed<'a> {
    pub key: Option<&'a fetch::kms::KeyChoice>,
    pub kms: Option<&'a aws_sdk_kms::Client>,
    pub creator: Option<&'a (String, String)>,
    pub iam: Option<&'a aws_sdk_iam::Client>,
    /// CloudWatch in the target's Region: an existing integration's health, and its alarms.
    pub cloudwatch: Option<&'a aws_sdk_cloudwatch::Client>,
}

/// The pair's state: the snapshot, its key and its creator.
async fn read(pair: &Pair<'_>) -> Result<Snapshot, FetchError> {
    let mut snap = fetch::snapshot(pair.src, pair.tgt, pair.source, pair.target).await?;
    let k = pair.keyed;
    fetch::kms::attach(&mut snap, k.key, || k.kms.cloned(), pair.src.wanted, None).await;
    fetch::creator::attach(&mut snap, k.creator, k.iam, pair.src.wanted, None).await;
    let moment = (
        crate::model::clock::epoch_now(),
        fetch::health::DEFAULT_WINDOW,
    );
    fetch::health::attach(
        &mut snap,
        || k.cloudwatch.cloned(),
        pair.src.wanted,
        None,
        moment,
    )
    .await;
    Ok(snap)
}

/// Run the fix. `findings_of` evaluates a snapshot (with the config's rule selection and
/// suppressions); `confirm` sees the plan and says whether to go on (it is not asked for a
/// dry run or an empty plan).
pub async fn run(
    pair: Pair<'_>,
    rules: &RuleSet,
    findings_of: impl Fn(&Snapshot) -> Vec<Finding>,
    opts: &FlowOptions,
    confirm: impl FnOnce(&Plan) -> bool,
) -> Result<FlowResult, FetchError> {
    let (src, tgt) = (pair.src, pair.tgt);
    let before = read(&pair).await?;
    let findings = findings_of(&before);
    let mut ctx = context::fetch(src, tgt, &before).await;
    ctx.alarm_actions = opts.alarm_actions.clone();
    let plan = plan(&before, &findings, rules, &ctx);
    let mut journal = Journal::new(&opts.journal);
    let go = !opts.dry_run && applicable(&plan, opts.apply.unsafe_fixes) > 0 && confirm(&plan);
    if !go {
        return Ok(FlowResult {
            before,
            plan,
            outcomes: None,
            after: None,
            journal,
        });
    }
    let reach = (src, tgt, pair.keyed.kms, pair.keyed.cloudwatch);
    let outcomes = apply::apply(&plan, reach, &opts.apply, &mut journal).await;
    let after = read(&pair).await?;
    Ok(FlowResult {
        before,
        plan,
        outcomes: Some(outcomes),
        after: Some(after),
        journal,
    })
}

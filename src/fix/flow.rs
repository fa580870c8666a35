//! The whole fix, as the CLI runs it, with the printing and asking left to the caller:
//! read → evaluate → context → plan → (confirm) → apply → read again. The caller reads the
//! pair (as `check` reads it, with `--data`, `--tables` and the rest), so the state after the
//! fix is read exactly as the state before it.

use std::path::PathBuf;

use crate::fetch::redshift_data::{Login, Where};
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
    /// How SQL statements log in on the target (`--tables` and its options): without it a
    /// table refresh is a manual step.
    pub tables: Option<Login>,
    /// Tags that mark a resource as owned by code (config `managed_tags`).
    pub managed_tags: Vec<crate::config::file::ManagedTag>,
    /// `--allow-drift`: change resources code owns live anyway.
    pub allow_drift: bool,
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

/// Run the fix. `findings_of` evaluates a snapshot (with the config's rule selection and
/// suppressions); `confirm` sees the plan and says whether to go on (it is not asked for a
/// dry run or an empty plan).
pub async fn run<E>(
    reach: apply::Reach<'_>,
    read: impl AsyncFn() -> Result<Snapshot, E>,
    rules: &RuleSet,
    findings_of: impl Fn(&Snapshot) -> Vec<Finding>,
    opts: &FlowOptions,
    confirm: impl FnOnce(&Plan) -> bool,
) -> Result<FlowResult, E> {
    let before = read().await?;
    let findings = findings_of(&before);
    let mut ctx = context::fetch(reach.source, reach.target, &before).await;
    ctx.alarm_actions = opts.alarm_actions.clone();
    ctx.tables_at = opts.tables.as_ref().map(|l| Where::for_target(&before, l));
    ctx.managed_tags = opts.managed_tags.clone();
    ctx.allow_drift = opts.allow_drift;
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
    let outcomes = apply::apply(&plan, reach, &opts.apply, &mut journal).await;
    let after = read().await?;
    Ok(FlowResult {
        before,
        plan,
        outcomes: Some(outcomes),
        after: Some(after),
        journal,
    })
}

//! `check --terraform-plan` / `--cloudformation`: a deployment checked before it happens.
//! `crate::run::deployment` reads the plan or template into snapshots (completed from AWS
//! when live); this decides live or offline from the flags, and prints.

use std::path::Path;

use crate::run::deployment::{self, Source};
use crate::run::session::runtime;
use crate::run::Settings;

use super::output::{save_snapshot, Stream};
use super::{CheckArgs, CliError, GlobalArgs};

/// `--terraform-plan` / `--cloudformation`: one snapshot per planned integration. A pair that
/// cannot be made into a snapshot is not verified (the run fails unless allowed).
pub(super) fn run(
    global: &GlobalArgs,
    args: &CheckArgs,
    settings: &Settings,
    path: &Path,
) -> Result<bool, CliError> {
    if args.fix.fix || args.data.data {
        return Err(CliError::Usage(
            "a plan or template is checked offline; --fix and --data need a live cluster".into(),
        ));
    }
    if args.key.kms_key.is_some() {
        return Err(CliError::Usage(
            "a plan or template names the integration's key itself (kms_key_id, KMSKeyId);              --kms-key is for a live pair"
                .into(),
        ));
    }
    let pair = match (&args.source, &args.target) {
        (Some(s), Some(t)) => Some((s.as_str(), t.as_str())),
        (None, None) => None,
        _ => return Err(CliError::Usage(
            "with a plan or template, --source and --target go together (addresses or logical ids)"
                .into(),
        )),
    };
    let source = match args.cloudformation {
        Some(_) => Source::CloudFormation {
            template: path,
            parameters: args.parameters.as_deref(),
        },
        None => Source::Terraform(path),
    };
    let live = args.live || (!args.offline && settings.credentials_given());
    let read = runtime()?.block_on(deployment::read(
        settings,
        source,
        pair,
        live,
        args.key.creator.as_deref(),
        args.concurrency,
    ))?;
    if let Some(save) = &args.save_snapshot {
        match read.snapshots.as_slice() {
            [one] => save_snapshot(save, one, global.quiet)?,
            _ => {
                return Err(CliError::Usage(format!(
                    "--save-snapshot writes one pair, but the plan makes {}",
                    read.snapshots.len()
                )))
            }
        }
    }
    let mut out = Stream::new(global, &args.report, settings, false);
    out.frame().artifact = Some(read.shown);
    for snap in &read.snapshots {
        out.push(snap, None)?;
    }
    out.frame().unverified = read.unchecked;
    out.finish(global, &args.report)
}

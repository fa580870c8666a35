//! `check --terraform-plan` / `--cloudformation`: a deployment checked before it happens.
//! The plan or template becomes snapshots (`crate::inputs`), completed from AWS when
//! credentials are given (`crate::run::deployment`); this parses, decides live or offline, prints.

use std::path::Path;

use crate::config::file::Loaded;

use super::output::save_snapshot;
use super::output::Stream;
use super::session::{connect, runtime};
use super::{CheckArgs, CliError, GlobalArgs};

/// `--terraform-plan` / `--cloudformation`: one snapshot per planned integration, completed
/// from AWS when live. A pair that cannot be made into a snapshot is not verified (the run
/// fails unless allowed).
pub(super) fn run(
    global: &GlobalArgs,
    args: &CheckArgs,
    config: &Loaded,
    rules: &crate::rules::RuleSet,
    path: &Path,
) -> Result<bool, CliError> {
    let bad = |message: String| CliError::Plan {
        path: path.to_path_buf(),
        message,
    };
    if args.fix.fix || args.data.data {
        return Err(CliError::Usage(
            "a plan or template is checked offline; --fix and --data need a live cluster".into(),
        ));
    }
    let text = std::fs::read_to_string(path).map_err(|e| bad(format!("cannot read it: {e}")))?;
    let shown = shown_path(path);
    let region = global
        .region
        .clone()
        .or_else(|| std::env::var("AWS_REGION").ok())
        .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok());
    let world = if args.cloudformation.is_some() {
        let given = match &args.parameters {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|e| CliError::Plan {
                    path: p.clone(),
                    message: format!("cannot read it: {e}"),
                })?;
                crate::inputs::cloudformation::parameter_values(&text).map_err(|message| {
                    CliError::Plan {
                        path: p.clone(),
                        message,
                    }
                })?
            }
            None => Default::default(),
        };
        crate::inputs::cloudformation::read(&text, &shown, &given, region.as_deref())
    } else {
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
    .map_err(bad)?;
    let pair = match (&args.source, &args.target) {
        (Some(s), Some(t)) => Some((s.as_str(), t.as_str())),
        (None, None) => None,
        _ => return Err(CliError::Usage(
            "with a plan or template, --source and --target go together (addresses or logical ids)"
                .into(),
        )),
    };
    let (pairs, mut unchecked) = world.pairs(pair).map_err(bad)?;
    if pairs.is_empty() && unchecked.is_empty() {
        return Err(bad(
            "it plans no integration (aws_rds_integration, AWS::RDS::Integration); name the pair with --source and --target".into(),
        ));
    }
    let live = args.live || (!args.offline && credentials_given(global));
    let home_region = world.region.clone().or(region.clone());
    let results = if live {
        runtime()?.block_on(async {
            let sdk = connect(global, config, &[]).await?;
            let clients = std::sync::Arc::new(crate::run::SdkClients::new(sdk));
            let region = home_region.as_deref();
            Ok::<_, CliError>(
                crate::run::deployment::snapshots(clients, pairs, region, args.concurrency).await,
            )
        })?
    } else {
        pairs.into_iter().map(|p| p.offline()).collect()
    };
    let mut snaps = Vec::new();
    for r in results {
        match r {
            Ok(s) => snaps.push(s),
            Err(u) => unchecked.push(u),
        }
    }
    if let Some(save) = &args.save_snapshot {
        match snaps.as_slice() {
            [one] => save_snapshot(save, one, global.quiet)?,
            _ => {
                return Err(CliError::Usage(format!(
                    "--save-snapshot writes one pair, but the plan makes {}",
                    snaps.len()
                )))
            }
        }
    }
    let mut out = Stream::new(global, args, config, rules, false);
    out.frame().artifact = shown;
    for snap in &snaps {
        out.push(snap, None)?;
    }
    out.frame().unverified = unchecked.into_iter().map(|u| u.why).collect();
    out.finish(global, args)
}

/// Credentials given without any call: the environment's keys, a profile, a web identity
/// token or a container's credentials endpoint. (An instance role is not guessed at: it
/// needs a call, and a CI runner without network would wait for it.)
fn credentials_given(global: &GlobalArgs) -> bool {
    global.profile.is_some()
        || [
            "AWS_ACCESS_KEY_ID",
            "AWS_PROFILE",
            "AWS_WEB_IDENTITY_TOKEN_FILE",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI",
            "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        ]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
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

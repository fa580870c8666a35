//! The AWS session every command shares: the async runtime, the configuration (command line
//! over config file over the standard chain), credentials checked before any call, the pairs
//! to check, and who is acting.

use aws_credential_types::provider::ProvideCredentials;
use aws_smithy_types::error::display::DisplayErrorContext;

use crate::config::file::{Loaded, Pair};
use crate::fetch::{self, SourceClients, SourceRef, TargetClients, TargetRef};
use crate::model::Identity;

use super::settings::Settings;
use super::Error;

pub fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::Aws(format!("cannot start the async runtime: {e}")))
}

/// Load the AWS configuration (command line over config file over the standard chain) and
/// make sure a Region and credentials are there before any call.
pub async fn connect(
    settings: &Settings,
    refs: &[(SourceRef, TargetRef)],
) -> Result<aws_config::SdkConfig, Error> {
    let sdk = fetch::clients::load(&settings.aws)
        .await
        .map_err(Error::Aws)?;
    // Before any call: a Region AWS does not have ends in a DNS error, later and less clearly.
    if let Some(warning) = sdk
        .region()
        .and_then(|r| settings.region_warning(r.as_ref()))
    {
        if !settings.quiet {
            eprintln!("warning: {warning}");
        }
    }
    let arns_name_regions = refs
        .iter()
        .all(|(s, t)| s.region.is_some() && t.region().is_some());
    if sdk.region().is_none() && !arns_name_regions {
        return Err(Error::Usage(
            "no AWS Region: pass --region, set AWS_REGION, set a region in the profile or in \
             zetl-preflight.toml (or give --source and --target as ARNs)"
                .into(),
        ));
    }
    check_credentials(&sdk).await?;
    Ok(sdk)
}

async fn check_credentials(sdk: &aws_config::SdkConfig) -> Result<(), Error> {
    let provider = sdk
        .credentials_provider()
        .ok_or_else(|| Error::Aws("no AWS credentials provider is configured".into()))?;
    if let Err(e) = provider.provide_credentials().await {
        // The chain's report lists every provider on its own line; the first line says it.
        let full = e.to_string();
        let first = full.lines().next().unwrap_or_default();
        let first = first.trim_end().trim_end_matches("Attempted:").trim_end();
        tracing::debug!("credentials: {}", DisplayErrorContext(&e));
        return Err(Error::Aws(format!(
            "no usable AWS credentials ({first}). Set AWS_PROFILE or --profile, run \
             `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY \
             (-vv shows each provider tried)"
        )));
    }
    Ok(())
}

/// The caller's identity, logged with -v; `None` when it cannot be read.
pub async fn who_is_acting(sdk: &aws_config::SdkConfig) -> Option<Identity> {
    acting(sdk).await.ok()
}

/// Whose permissions are simulated: `--creator` (`given`), else the acting principal (an
/// assumed-role session as its role), with where it came from.
pub fn creator_of(given: Option<&str>, acting: Option<&Identity>) -> Option<(String, String)> {
    match (given, acting) {
        (Some(arn), _) => Some((arn.to_string(), "--creator".to_string())),
        (None, Some(id)) => Some((
            crate::model::creator::principal_of(&id.arn),
            format!("the acting principal ({})", id.arn),
        )),
        (None, None) => None,
    }
}

/// The caller's identity, logged with -v, or why it cannot be read.
pub async fn acting(sdk: &aws_config::SdkConfig) -> Result<Identity, crate::model::CallError> {
    let id = fetch::clients::identity(sdk).await;
    match &id {
        Ok(i) => tracing::info!("acting as {}", i.describe()),
        Err(_) => tracing::info!("sts:GetCallerIdentity failed: the identity is not shown"),
    }
    id
}

pub fn parse_pairs(pairs: &[Pair]) -> Result<Vec<(SourceRef, TargetRef)>, Error> {
    pairs
        .iter()
        .map(|p| Ok((SourceRef::parse(&p.source)?, TargetRef::parse(&p.target)?)))
        .collect()
}

/// Clients for one pair, each in its ARN's Region when the ARN names one.
pub fn clients(
    sdk: &aws_config::SdkConfig,
    source: &SourceRef,
    target: &TargetRef,
) -> (SourceClients, TargetClients) {
    (
        SourceClients::new(sdk, source.region.as_deref()),
        TargetClients::new(sdk, target.region().as_deref()),
    )
}

/// The pairs to check: `--source`/`--target`, else the config file's `[[pair]]`s.
pub fn pairs(
    source: Option<&String>,
    target: Option<&String>,
    config: &Loaded,
) -> Result<Vec<Pair>, Error> {
    match (source, target) {
        (Some(s), Some(t)) => Ok(vec![Pair::new(s, t)]),
        (None, None) if !config.file.pairs.is_empty() => Ok(config.file.pairs.clone()),
        (Some(_), None) | (None, Some(_)) => Err(Error::Usage(
            "give both --source and --target (or neither, to check the config file's pairs)".into(),
        )),
        (None, None) => Err(Error::Usage(
            "check needs --source CLUSTER and --target TARGET, a [[pair]] in zetl-preflight.toml, \
             or --snapshot FILE to check a saved snapshot"
                .into(),
        )),
    }
}

//! AWS configuration and clients. One HTTP/TLS stack: rustls with ring.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::cache::ReadCache;
use crate::model::reads::Wanted;
use crate::model::Identity;
use aws_config::profile::ProfileFileCredentialsProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// The connect timeout never exceeds this.
const MAX_CONNECT_SECS: u64 = 5;

/// Connection options from the command line; everything else comes from the standard chain
/// (environment, profiles, SSO, instance roles), including `AWS_ENDPOINT_URL[_<SERVICE>]`.
#[derive(Debug, Clone)]
pub struct AwsOptions {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// One attempt of one call (`--timeout`); connect gets at most 5 s of it.
    pub timeout: Duration,
}

/// The HTTPS client every SDK client uses: a 2xx answer is a complete document or a failed
/// read ([`super::answer`]).
pub fn http_client() -> SharedHttpClient {
    super::answer::http_client(
        aws_smithy_http_client::Builder::new()
            .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
            .build_https(),
    )
}

/// Connect and attempt timeouts for every call.
pub fn timeouts(attempt: Duration) -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(attempt.min(Duration::from_secs(MAX_CONNECT_SECS)))
        .operation_attempt_timeout(attempt)
        .build()
}

/// The shared config and credentials files, as the AWS CLI finds them.
pub fn profile_files() -> Vec<PathBuf> {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    let pick = |var: &str, default: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .unwrap_or_else(|| home.join(".aws").join(default))
    };
    vec![
        pick("AWS_CONFIG_FILE", "config"),
        pick("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
    ]
}

/// Does profile `name` exist in the shared files?
async fn profile_exists(name: &str) -> Result<bool, String> {
    let fs = aws_types::os_shim_internal::Fs::real();
    let env = aws_types::os_shim_internal::Env::real();
    let files = aws_runtime::env_config::file::EnvConfigFiles::default();
    match aws_config::profile::load(&fs, &env, &files, None).await {
        Ok(set) => Ok(set.get_profile(name).is_some()),
        Err(e) => Err(e.to_string()),
    }
}

/// Load the shared configuration. A named profile is used as the AWS CLI uses it: its
/// credentials win over `AWS_ACCESS_KEY_ID` in the environment, so `--fix` acts on the
/// account that was asked for. A profile that does not exist is an error.
pub async fn load(opts: &AwsOptions) -> Result<SdkConfig, String> {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http_client())
        .timeout_config(timeouts(opts.timeout));
    if let Some(p) = &opts.profile {
        let shown = profile_files()
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(" and ");
        match profile_exists(p).await {
            Ok(true) => {}
            Ok(false) => {
                return Err(format!(
                    "profile '{p}' was not found in {shown}; name a profile from those files (aws configure list-profiles)"
                ))
            }
            Err(e) => return Err(format!("cannot read the AWS profile files ({shown}): {e}")),
        }
        // The profile's provider may call STS (role_arn, SSO): give it the same client.
        let provider_config = aws_config::provider_config::ProviderConfig::default()
            .with_http_client(http_client())
            .with_timeout_config(timeouts(opts.timeout));
        loader = loader.profile_name(p).credentials_provider(
            ProfileFileCredentialsProvider::builder()
                .configure(&provider_config)
                .profile_name(p)
                .build(),
        );
    }
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    Ok(loader.load().await)
}

/// The caller's identity, or why it cannot be read (a missing `sts:GetCallerIdentity`
/// permission, or no STS endpoint reachable, only drops what needs it).
pub async fn identity(sdk: &SdkConfig) -> Result<Identity, crate::model::CallError> {
    let sts = aws_sdk_sts::Client::new(sdk);
    match sts.get_caller_identity().send().await {
        Ok(o) => match (o.account(), o.arn()) {
            (Some(account), Some(arn)) => Ok(Identity {
                account: account.to_string(),
                arn: arn.to_string(),
            }),
            _ => Err(crate::model::CallError::new(
                super::calls::GET_CALLER_IDENTITY,
                Some("IncompleteAnswer"),
                "the answer names no account or ARN",
            )),
        },
        Err(e) => {
            tracing::debug!(
                "{} failed: {}",
                super::calls::GET_CALLER_IDENTITY,
                aws_smithy_types::error::display::DisplayErrorContext(&e)
            );
            Err(super::error::call_error(
                super::calls::GET_CALLER_IDENTITY,
                e,
            ))
        }
    }
}

/// Clients for one side, in one Region, and the run's shared reads when it has them.
#[derive(Debug, Clone)]
pub struct SourceClients {
    pub rds: aws_sdk_rds::Client,
    /// A DynamoDB table source.
    pub dynamodb: aws_sdk_dynamodb::Client,
    /// A table's integrations (redshift:DescribeIntegrations), in the source's account.
    pub redshift: aws_sdk_redshift::Client,
    pub cache: Option<Arc<ReadCache>>,
    /// The optional reads the run's rules need; the others are left out.
    pub wanted: Wanted,
}

#[derive(Debug, Clone)]
pub struct TargetClients {
    pub redshift: aws_sdk_redshift::Client,
    pub serverless: aws_sdk_redshiftserverless::Client,
    pub cache: Option<Arc<ReadCache>>,
    /// The optional reads the run's rules need; the others are left out.
    pub wanted: Wanted,
}

fn with_region(base: &SdkConfig, region: Option<&str>) -> SdkConfig {
    match region {
        Some(r) => base.to_builder().region(Region::new(r.to_string())).build(),
        None => base.clone(),
    }
}

impl SourceClients {
    pub fn new(base: &SdkConfig, region: Option<&str>) -> Self {
        let cfg = with_region(base, region);
        SourceClients {
            rds: aws_sdk_rds::Client::new(&cfg),
            dynamodb: aws_sdk_dynamodb::Client::new(&cfg),
            redshift: aws_sdk_redshift::Client::new(&cfg),
            cache: None,
            wanted: Wanted::ALL,
        }
    }

    /// Share reads with the other pairs of the run.
    pub fn with_cache(mut self, cache: Arc<ReadCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Leave out the optional reads no selected rule needs.
    pub fn wanting(mut self, wanted: Wanted) -> Self {
        self.wanted = wanted;
        self
    }

    pub fn region(&self) -> String {
        self.rds
            .config()
            .region()
            .map(|r| r.to_string())
            .unwrap_or_default()
    }
}

impl TargetClients {
    pub fn new(base: &SdkConfig, region: Option<&str>) -> Self {
        let cfg = with_region(base, region);
        TargetClients {
            redshift: aws_sdk_redshift::Client::new(&cfg),
            serverless: aws_sdk_redshiftserverless::Client::new(&cfg),
            cache: None,
            wanted: Wanted::ALL,
        }
    }

    /// Share reads with the other pairs of the run.
    pub fn with_cache(mut self, cache: Arc<ReadCache>) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Leave out the optional reads no selected rule needs.
    pub fn wanting(mut self, wanted: Wanted) -> Self {
        self.wanted = wanted;
        self
    }

    pub fn region(&self) -> String {
        self.redshift
            .config()
            .region()
            .map(|r| r.to_string())
            .unwrap_or_default()
    }
}

//! AWS configuration and clients. One HTTP/TLS stack: rustls with ring.

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
use aws_smithy_runtime_api::client::http::SharedHttpClient;

/// Connection options from the command line; everything else comes from the standard chain
/// (environment, profiles, SSO, instance roles), including `AWS_ENDPOINT_URL[_<SERVICE>]`.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
}

/// The HTTPS client every SDK client uses.
pub fn http_client() -> SharedHttpClient {
    aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
        .build_https()
}

/// Load the shared configuration from the standard chain.
pub async fn load(opts: &AwsOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).http_client(http_client());
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    loader.load().await
}

/// Clients for one side, in one Region.
#[derive(Debug, Clone)]
pub struct SourceClients {
    pub rds: aws_sdk_rds::Client,
}

#[derive(Debug, Clone)]
pub struct TargetClients {
    pub redshift: aws_sdk_redshift::Client,
    pub serverless: aws_sdk_redshiftserverless::Client,
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
        }
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
        }
    }

    pub fn region(&self) -> String {
        self.redshift
            .config()
            .region()
            .map(|r| r.to_string())
            .unwrap_or_default()
    }
}

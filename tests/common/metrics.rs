//! A CloudWatch world of integrations for the health tests and benchmark: integrations named
//! by a word, their `IntegrationId`s, and datapoints put into moto through the CBOR gateway.
//! Free of the test-binary paths, so benchmarks can include it too.

#![allow(dead_code)]

use aws_sdk_cloudwatch::types::{Dimension, MetricDatum, StandardUnit};
use zetl_preflight::model::Integration;

/// The target every integration of this world goes to.
pub const NS: &str =
    "arn:aws:redshift:us-east-1:123456789012:namespace:6c0f8e2a-4b5d-4f3e-9a1b-2c3d4e5f6a7b";

/// The `IntegrationId` of integration `name`.
pub fn id(name: &str) -> String {
    format!("{name}-0000-4000-8000-000000000000")
}

/// Integration `name`: active, from cluster `name` into [`NS`].
pub fn integration(name: &str) -> Integration {
    Integration {
        integration_name: Some(name.into()),
        integration_arn: Some(format!(
            "arn:aws:rds:us-east-1:123456789012:integration:{}",
            id(name)
        )),
        source_arn: format!("arn:aws:rds:us-east-1:123456789012:cluster:{name}"),
        target_arn: NS.into(),
        status: "active".into(),
        data_filter: None,
        errors: Vec::new(),
        kms_key_id: None,
        additional_encryption_context: Default::default(),
    }
}

/// The `IntegrationId` dimension of integration `name`.
pub fn dimension(name: &str) -> Dimension {
    Dimension::builder()
        .name("IntegrationId")
        .value(id(name))
        .build()
}

/// Datapoints `(seconds since the epoch, value)` of `metric` for integration `name`.
pub async fn put(cw: &aws_sdk_cloudwatch::Client, name: &str, metric: &str, values: &[(i64, f64)]) {
    let data = values
        .iter()
        .map(|(at, v)| {
            MetricDatum::builder()
                .metric_name(metric)
                .dimensions(dimension(name))
                .timestamp(aws_smithy_types::DateTime::from_secs(*at))
                .value(*v)
                .unit(StandardUnit::None)
                .build()
        })
        .collect();
    cw.put_metric_data()
        .namespace("AWS/Redshift")
        .set_metric_data(Some(data))
        .send()
        .await
        .expect("moto takes the datapoints through the gateway");
}

//! A complete answer or a failed read, for every call, decided in one place.
//!
//! Every SDK client (and the credential providers) sends through [`http_client`], which wraps
//! the HTTPS client: a 2xx answer's body is read whole and must be one complete document of
//! the shape its protocol promises (an XML document whose root element closes, or one JSON
//! value). A body cut short would otherwise parse as far as it goes, so a list would read as
//! shorter, or empty, than it is. Instead the attempt fails as an I/O error (the SDK retries
//! it like any dropped connection), and the call's error names what was wrong.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::byte_stream::ByteStream;
use aws_smithy_types::config_bag::ConfigBag;

/// A 2xx answer whose body is not a complete document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the answer was cut short or malformed ({0}); no data was taken from it")]
pub struct IncompleteAnswer(pub String);

/// Is `body` one complete document? `Err` says what is wrong with it. An empty body and a
/// body that is neither XML nor JSON are left to the SDK's own parser, which knows whether
/// the operation allows them.
pub fn check(body: &[u8]) -> Result<(), IncompleteAnswer> {
    let start = body.iter().position(|b| !b.is_ascii_whitespace());
    match start.map(|i| body[i]) {
        Some(b'<') => check_xml(body),
        Some(b'{') | Some(b'[') => serde_json::from_slice::<serde::de::IgnoredAny>(body)
            .map(|_| ())
            .map_err(|e| IncompleteAnswer(format!("JSON: {e}"))),
        _ => Ok(()),
    }
}

fn check_xml(body: &[u8]) -> Result<(), IncompleteAnswer> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(body);
    let mut depth = 0usize;
    let mut roots = 0usize;
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(_)) => {
                if depth == 0 {
                    roots += 1;
                }
                depth += 1;
            }
            Ok(Event::Empty(_)) if depth == 0 => roots += 1,
            Ok(Event::End(_)) => depth = depth.saturating_sub(1),
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(IncompleteAnswer(format!("XML: {e}"))),
        }
        buf.clear();
    }
    match (roots, depth) {
        (0, _) => Err(IncompleteAnswer("XML: no root element".into())),
        (_, 0) => Ok(()),
        (_, open) => Err(IncompleteAnswer(format!(
            "XML: the document ends with {} still open",
            crate::model::words::count(open, "element", "elements")
        ))),
    }
}

/// The HTTPS client every SDK client uses, behind the completeness check.
pub fn http_client(inner: SharedHttpClient) -> SharedHttpClient {
    SharedHttpClient::new(Checked(inner))
}

#[derive(Debug)]
struct Checked(SharedHttpClient);

impl HttpClient for Checked {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(CheckedConnector(
            self.0.http_connector(settings, components),
        ))
    }

    fn validate_base_client_config(
        &self,
        components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.validate_base_client_config(components, cfg)
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.0.connector_metadata()
    }
}

#[derive(Debug)]
struct CheckedConnector(SharedHttpConnector);

impl HttpConnector for CheckedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let answer = self.0.call(request);
        HttpConnectorFuture::new(async move {
            let mut response = answer.await?;
            if !response.status().is_success() {
                // Error documents are the SDK's to parse; a cut one still reads as an error.
                return Ok(response);
            }
            let body = std::mem::replace(response.body_mut(), SdkBody::taken());
            let bytes = ByteStream::new(body)
                .collect()
                .await
                .map_err(|e| ConnectorError::io(e.into()))?
                .into_bytes();
            check(&bytes).map_err(|e| ConnectorError::io(e.into()))?;
            *response.body_mut() = SdkBody::from(bytes);
            Ok(response)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn complete_documents_pass() {
        let xml = br#"<?xml version="1.0"?>
<DescribeIntegrationsResponse xmlns="http://rds.amazonaws.com/doc/2014-10-31/">
  <DescribeIntegrationsResult><Integrations/></DescribeIntegrationsResult>
  <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
</DescribeIntegrationsResponse>
"#;
        assert_eq!(check(xml), Ok(()));
        assert_eq!(check(br#"{"workgroups":[]}"#), Ok(()));
        assert_eq!(check(b"  {}\n"), Ok(()));
        // Not a document of either kind: the SDK decides.
        assert_eq!(check(b""), Ok(()));
    }

    #[test]
    fn cut_documents_fail() {
        let xml = br#"<DescribeIntegrationsResponse><DescribeIntegrationsResult><Integrations><Integration><IntegrationName>a</IntegrationName>"#;
        let e = check(xml).unwrap_err();
        assert!(e.0.contains("still open"), "{e}");
        assert!(check(br#"<A><B></A>"#).is_err(), "mismatched end tag");
        assert!(check(br#"{"workgroups":[{"workgroupName":"#).is_err());
        assert!(check(br#"[1,2"#).is_err());
        assert!(
            check(br#"<?xml version="1.0"?>"#).is_err(),
            "no root element"
        );
    }
}

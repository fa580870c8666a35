//! SDK errors → [`CallError`] facts, and the few errors that stop the whole run.

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::model::CallError;

/// Every item (or page) a paginator yields, or the first error as a fact naming the call.
pub async fn all_pages<T, E>(
    stream: aws_smithy_async::future::pagination_stream::PaginationStream<
        Result<T, SdkError<E, HttpResponse>>,
    >,
    call: &str,
) -> Result<Vec<T>, CallError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    stream
        .collect::<Result<Vec<_>, _>>()
        .await
        .map_err(|e| call_error(call, e))
}

/// The items of every page's `element` list (all pages, each of which must have the list), or
/// the call's error. A page without its list is a failed read, not an empty one.
pub async fn all_page_items<P, T, E>(
    stream: aws_smithy_async::future::pagination_stream::PaginationStream<
        Result<P, SdkError<E, HttpResponse>>,
    >,
    call: &str,
    element: &str,
    items: impl Fn(P) -> Option<Vec<T>>,
) -> Result<Vec<T>, CallError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let mut out = Vec::new();
    for page in all_pages(stream, call).await? {
        out.extend(items(page).ok_or_else(|| incomplete(call, element))?);
    }
    Ok(out)
}

/// Turn an SDK error into a fact-level error naming the call.
pub fn call_error<E>(call: &str, err: SdkError<E, HttpResponse>) -> CallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let code = err.code().map(str::to_string);
    let timed_out = match &err {
        SdkError::TimeoutError(_) => true,
        SdkError::DispatchFailure(d) => d.is_timeout(),
        _ => false,
    };
    if timed_out {
        return CallError {
            call: call.to_string(),
            code: Some("Timeout".into()),
            message: "no answer within the timeout (raise it with --timeout SECONDS)".into(),
        };
    }
    if let Some(cut) = find_source::<super::answer::IncompleteAnswer>(&err) {
        return CallError {
            call: call.to_string(),
            code: Some("IncompleteAnswer".into()),
            message: one_line(&cut.to_string()),
        };
    }
    let message = match (err.message(), &err) {
        (Some(m), _) => m.to_string(),
        (None, SdkError::ServiceError(_)) if code.is_some() => "(no message)".to_string(),
        // Not an AWS error document at all: an emulator without this API, a proxy, a wrong
        // endpoint. The status says more than the parser's complaint.
        (None, SdkError::ServiceError(ctx)) => format!(
            "HTTP {} with a response that is not an AWS API error; is this API available at \
             the endpoint?",
            ctx.raw().status().as_u16()
        ),
        (None, _) => failure(&err),
    };
    // No AWS answer at all: the message says what to check.
    let code = match (&err, code) {
        (SdkError::DispatchFailure(_), None) => Some(UNREACHABLE.to_string()),
        (_, code) => code,
    };
    CallError {
        call: call.to_string(),
        code,
        message: one_line(&message),
    }
}

/// The code of a call that reached no endpoint (DNS, refused, TLS, network).
pub const UNREACHABLE: &str = "Unreachable";

/// One line for people on why a call got no AWS answer (the SDK's whole chain of errors,
/// Rust types and all, goes to the debug log, shown with `-vv`).
fn failure<E>(err: &SdkError<E, HttpResponse>) -> String
where
    E: std::error::Error + Send + Sync + 'static,
{
    tracing::debug!("{}", DisplayErrorContext(err));
    let chain = {
        let mut text = Vec::new();
        let mut next: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(e) = next {
            text.push(e.to_string());
            next = e.source();
        }
        text.join(": ").to_lowercase()
    };
    let has = |words: &[&str]| words.iter().any(|w| chain.contains(w));
    match err {
        SdkError::DispatchFailure(_) if has(&["dns error", "failed to lookup address"]) => {
            "DNS lookup of the service endpoint failed: check --region (a Region AWS has, such \
             as us-east-1) and --endpoint-url"
                .into()
        }
        SdkError::DispatchFailure(_) if has(&["connection refused"]) => {
            "the endpoint refused the connection: check --endpoint-url, or that the emulator \
             or proxy is running"
                .into()
        }
        SdkError::DispatchFailure(_) if has(&["certificate", "tls", "handshake"]) => {
            "the TLS handshake with the endpoint failed: check --endpoint-url and any proxy \
             that intercepts TLS"
                .into()
        }
        SdkError::DispatchFailure(_) => {
            "the endpoint could not be reached (a network error; -vv shows it)".into()
        }
        SdkError::ResponseError(_) => {
            "the answer could not be read as an AWS response: check --endpoint-url".into()
        }
        SdkError::ConstructionFailure(_) => {
            "the request could not be made: check --region, the profile and the credentials \
             (-vv shows why)"
                .into()
        }
        _ => "the call failed (-vv shows why)".into(),
    }
}

/// The first error of type `T` in `err`'s chain of sources.
fn find_source<'a, T: std::error::Error + 'static>(
    err: &'a (dyn std::error::Error + 'static),
) -> Option<&'a T> {
    let mut next = Some(err);
    while let Some(e) = next {
        if let Some(t) = e.downcast_ref::<T>() {
            return Some(t);
        }
        next = e.source();
    }
    None
}

/// AWS messages can span lines (HTML error pages from emulators, for instance).
fn one_line(s: &str) -> String {
    let joined = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() > 400 {
        let cut: String = joined.chars().take(400).collect();
        format!("{cut}…")
    } else {
        joined
    }
}

pub fn is_not_found(e: &CallError) -> bool {
    matches!(
        e.code.as_deref(),
        Some(
            "DBClusterNotFoundFault"
                | "DBInstanceNotFound"
                | "ClusterNotFound"
                | "ClusterNotFoundFault"
                | "ResourceNotFoundException"
                | "ResourceNotFoundFault"
                | "DBParameterGroupNotFound"
                | "DBClusterParameterGroupNotFound"
                | "ClusterParameterGroupNotFound"
                | "ClusterParameterGroupNotFoundFault"
        )
    )
}

/// Errors that stop a check: the source or target cannot be identified at all.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{what} '{id}' was not found in {region}. {hint}")]
    NotFound {
        what: &'static str,
        id: String,
        region: String,
        hint: String,
    },
    #[error(
        "target '{0}' is ambiguous: both a Redshift cluster and a Redshift Serverless workgroup \
         have that name. Pass the namespace ARN instead (ClusterNamespaceArn, or the Serverless \
         namespaceArn)"
    )]
    Ambiguous(String),
    #[error(
        "source '{0}' is ambiguous: both a DB cluster and an RDS DB instance have that name. \
         Pass the ARN instead (arn:aws:rds:REGION:ACCOUNT:cluster:{0} or …:db:{0})"
    )]
    AmbiguousSource(String),
    #[error("cannot read {what} '{id}': {}. {hint}", .error.describe())]
    Unreadable {
        what: &'static str,
        id: String,
        error: Box<CallError>,
        hint: String,
    },
    #[error("{0}")]
    Unsupported(String),
}

/// `what` `id` could not be read: the failed call, and what to do about it.
pub fn unreadable(id: &str, what: &'static str, e: CallError) -> FetchError {
    let hint = hint_for(&e);
    FetchError::Unreadable {
        what,
        id: id.to_string(),
        error: Box::new(e),
        hint,
    }
}

/// A hint for a failed call: what to grant or check.
pub fn hint_for(e: &CallError) -> String {
    if e.is_access_denied() {
        format!(
            "Grant {} to the caller (zetl-preflight iam-policy lists every permission it needs)",
            e.call
        )
    } else if e.code.as_deref() == Some(UNREACHABLE) {
        "Try again once the endpoint answers".to_string()
    } else if e.code.as_deref() == Some("IncompleteAnswer") {
        "Check the endpoint URL and any proxy in between (they cut the answer short), then try again"
            .to_string()
    } else if e.code.is_none() || e.code.as_deref() == Some("Timeout") {
        "Check the network, the endpoint URL and the credentials, then try again".to_string()
    } else {
        "Try again; if it persists, check the identifier and the Region".to_string()
    }
}

/// A page that lacks what AWS always returns: a failed read, not an empty list.
pub fn incomplete(call: &str, element: &str) -> CallError {
    CallError::new(
        call,
        None,
        format!("the answer has no {element} element (incomplete response)"),
    )
}

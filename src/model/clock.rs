//! The clock, read in one place.

/// The current time as RFC 3339 (UTC, seconds).
pub fn now_rfc3339() -> String {
    aws_smithy_types::DateTime::from(std::time::SystemTime::now())
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_default()
}

/// The current time in seconds since the Unix epoch.
pub fn epoch_now() -> i64 {
    aws_smithy_types::DateTime::from(std::time::SystemTime::now()).secs()
}

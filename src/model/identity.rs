//! Who acted: the caller's account and principal, from `sts:GetCallerIdentity`.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Identity {
    pub account: String,
    /// The principal ARN (an assumed-role session, a user, ...).
    pub arn: String,
}

impl Identity {
    /// `account 123456789012 as arn:aws:sts::…`, for report headers.
    pub fn describe(&self) -> String {
        format!("account {} as {}", self.account, self.arn)
    }
}

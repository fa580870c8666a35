//! A fact read from AWS, or the reason it could not be read.

use serde::{Deserialize, Serialize};

/// The error code of a fact a plan does not hold and that was not fetched.
pub const NOT_IN_PLAN: &str = "NotInPlan";

/// Stands in a policy of a template for a value known only once the stack exists (an
/// `AWS::AccountId`, a resource's ARN). The policy evaluator treats what holds it as unknown.
pub const UNKNOWN_VALUE: &str = "<unknown>";

/// Why a call failed. Kept in the snapshot so an offline run reports the same `error` findings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CallError {
    /// The AWS operation, as `service:Operation` (the IAM action name).
    pub call: String,
    /// The AWS error code (`AccessDenied`, `Throttling`, ...), when the service sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub message: String,
}

impl CallError {
    pub fn new(call: &str, code: Option<&str>, message: impl Into<String>) -> Self {
        CallError {
            call: call.to_string(),
            code: code.map(str::to_string),
            message: message.into(),
        }
    }

    /// One line for people: `rds:DescribeDBClusters failed: AccessDenied: ...`.
    pub fn describe(&self) -> String {
        match &self.code {
            Some(code) => format!("{} failed: {}: {}", self.call, code, self.message),
            None => format!("{} failed: {}", self.call, self.message),
        }
    }

    /// The fact comes from outside a Terraform plan or CloudFormation template, and was not
    /// read from AWS.
    pub fn is_not_in_plan(&self) -> bool {
        self.code.as_deref() == Some(NOT_IN_PLAN)
    }

    /// What to do to read it: grant the call, or (outside a plan) check the live resource.
    pub fn remedy(&self) -> String {
        if self.is_not_in_plan() {
            "a plan cannot tell it: check the live resources after apply".to_string()
        } else {
            format!("grant {} to verify it", self.call)
        }
    }

    pub fn is_access_denied(&self) -> bool {
        matches!(
            self.code.as_deref(),
            Some("AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation")
        )
    }
}

/// Either the value AWS returned, or why it could not be read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fact<T> {
    Ok(T),
    Error(CallError),
}

impl<T> Fact<T> {
    pub fn as_result(&self) -> Result<&T, &CallError> {
        match self {
            Fact::Ok(v) => Ok(v),
            Fact::Error(e) => Err(e),
        }
    }

    pub fn ok(&self) -> Option<&T> {
        self.as_result().ok()
    }
}

impl<T> From<Result<T, CallError>> for Fact<T> {
    fn from(r: Result<T, CallError>) -> Self {
        match r {
            Ok(v) => Fact::Ok(v),
            Err(e) => Fact::Error(e),
        }
    }
}

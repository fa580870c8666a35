//! The part of IAM's policy evaluation logic that a namespace resource policy needs.
//!
//! Read in this order:
//! - [`document`]: a policy document, parsed as IAM reads it (a field may be one string or a
//!   list; `Principal` may be `"*"` or a map).
//! - [`matching`]: wildcards. Actions match case-insensitively; ARNs segment by segment.
//! - [`condition`]: condition operators, with the three answers a preflight tool can give:
//!   true, false, or unknown (a key whose value the tool cannot know).
//! - [`evaluate`]: a request (principal, action, resources, context keys) against the
//!   statements. An applicable explicit Deny beats any Allow; without an applicable Allow the
//!   request is implicitly denied.
//! - [`grant`]: what a resource-based policy grants one named principal (itself, or through
//!   its account), and how that combines with its identity-based policies.
//!
//! The rules each piece follows are IAM's documented ones:
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html>
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html>
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html>
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html>

pub mod condition;
pub mod document;
pub mod evaluate;
pub mod grant;
pub mod matching;

#[cfg(test)]
mod tests;

pub use condition::Tri;
pub use document::{parse, Effect, Statement};
pub use evaluate::{evaluate, Context, Decision, Principal, Request};

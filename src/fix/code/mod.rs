//! Fixing the code, not the cloud: the edits `check --fix` makes to a deployment's source
//! files (Terraform `.tf`, CloudFormation YAML and JSON templates) in place of AWS calls,
//! planned from the findings of its plan and written (by `run::source_fix`) only where the
//! file is as it was read.

pub mod json;
pub mod plan;
pub mod policy;
pub mod terraform;
pub mod tree;
pub mod yaml;

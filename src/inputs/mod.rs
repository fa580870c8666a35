//! Inputs other than a live AWS read that become snapshots: a Terraform plan and a
//! CloudFormation template, through the planned world they share.

pub mod catalog;
pub mod cloudformation;
pub mod planned;
pub mod terraform;
pub mod tf_files;
pub mod yaml;

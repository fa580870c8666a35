//! zetl-preflight: preflight checks for Aurora → Amazon Redshift zero-ETL integrations.
//!
//! Functional core, imperative shell: [`fetch`] reads AWS into a [`model::Snapshot`],
//! [`rules::evaluate`] turns a snapshot into findings (pure), [`report`] renders them.

pub mod cli;
pub mod config;
pub mod fetch;
pub mod fix;
pub mod inputs;
pub mod model;
pub mod progress;
pub mod report;
pub mod rules;
pub mod run;

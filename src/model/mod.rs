//! Plain data: snapshots (what was fetched) and findings (what was concluded).

pub mod arn;
pub mod clock;
pub mod creator;
pub mod data_filter;
pub mod deployment;
pub mod dynamodb;
pub mod fact;
pub mod family;
pub mod finding;
pub mod health;
pub mod identity;
pub mod kms;
pub mod parameters;
pub mod rds;
pub mod reads;
pub mod schema;
pub mod snapshot;
pub mod source;
pub mod tables;
pub mod wildcard;
pub mod words;

pub use clock::now_rfc3339;
pub use creator::{Creator, Simulated};
pub use deployment::{
    DeploymentFacts, Edge, Location, PlannedGroup, PlannedIntegration, PlannedParameter,
};
pub use dynamodb::{ContinuousBackups, SseDescription, Table, TablePolicy, TableSource};
pub use fact::{CallError, Fact};
pub use family::family_for;
pub use finding::{
    DataObject, Evidence, Finding, Severity, Status, Summary, Suppressed, ValueSource,
};
pub use identity::Identity;
pub use kms::{KeyDescription, KmsKey};
pub use parameters::*;
pub use rds::*;
pub use schema::{ColumnFacts, DatabaseFacts, Dialect, SchemaFacts, TableFacts, TableKind};
pub use snapshot::*;
pub use source::*;
pub use tables::{TableState, TableStates};

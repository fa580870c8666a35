//! `check --fix`: failing findings → a [`Plan`] (pure), shown as a diff; then, with consent,
//! applied in order (stopping at the first failed call), journaled, and verified by a fresh
//! check. Like `terraform apply`: it changes exactly what it showed.

pub mod action;
pub mod apply;
pub mod cli_text;
pub mod code;
pub mod context;
pub mod flow;
pub mod journal;
pub mod owned;
pub mod params;
pub mod plan;
mod plan_health;
mod plan_key;
mod plan_refresh;
mod plan_source;
mod plan_table;
mod plan_target;
pub mod policy;
pub mod render;
mod strategy;

pub use action::{Action, Change, Op, Plan};
pub use context::FixContext;
pub use plan::plan;

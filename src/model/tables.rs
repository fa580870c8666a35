//! An integration's state on the Redshift side: `SVV_INTEGRATION` and the tables of
//! `SVV_INTEGRATION_TABLE_STATE` that are `Failed` or `ResyncRequired`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableState {
    pub table: String,
    pub state: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// What the Redshift side says about one integration.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TableStates {
    /// `SVV_INTEGRATION.state`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_lag: Option<String>,
    /// The database created from the integration; absent when none was (catalog RS-D1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_database: Option<String>,
    /// Tables in `Failed` or `ResyncRequired`.
    #[serde(default)]
    pub tables: Vec<TableState>,
    /// Why the answer is incomplete (empty result, denied, timed out), and what to do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_call: Option<String>,
}

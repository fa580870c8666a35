//! An integration's state on the Redshift side: `SVV_INTEGRATION` and the tables of
//! `SVV_INTEGRATION_TABLE_STATE` that are `Failed` or `ResyncRequired`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TableState {
    /// `schema.table`, as Redshift names it.
    pub table: String,
    /// The schema part of `table`, as read (older snapshots lack it: `table` is split at
    /// its first dot, which no MySQL database name holds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
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

impl TableState {
    /// (schema, table), as SQL names them in the database created from the integration.
    pub fn parts(&self) -> (&str, &str) {
        if let Some(s) = &self.schema {
            if let Some(rest) = self
                .table
                .strip_prefix(s.as_str())
                .and_then(|r| r.strip_prefix('.'))
            {
                return (s, rest);
            }
        }
        self.table.split_once('.').unwrap_or(("", &self.table))
    }
}

#[cfg(test)]
mod tests {
    use super::TableState;

    fn state(table: &str, schema: Option<&str>) -> TableState {
        TableState {
            table: table.into(),
            schema: schema.map(str::to_string),
            state: "Failed".into(),
            reason: None,
        }
    }

    #[test]
    fn a_schema_read_with_the_table_wins_over_the_first_dot() {
        assert_eq!(state("a.b.c", Some("a.b")).parts(), ("a.b", "c"));
        assert_eq!(state("shop.orders", None).parts(), ("shop", "orders"));
        assert_eq!(
            state("shop.orders", Some("other")).parts(),
            ("shop", "orders")
        );
    }
}

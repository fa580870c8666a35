//! `--tables`: an integration's state on the Redshift side (`SVV_INTEGRATION` and the tables
//! of `SVV_INTEGRATION_TABLE_STATE` that are not `Synced`), read through the Data API for
//! `audit` and for `check`.

use crate::fetch::redshift_data::{self, Login, Where};
use crate::model::{Snapshot, TableStates};

use super::{Clients, Settings};

/// How `--tables` reaches the Redshift side.
#[derive(Debug, Clone)]
pub struct TablesOptions {
    pub login: Login,
    pub poll: std::time::Duration,
    pub timeout: std::time::Duration,
}

impl TablesOptions {
    /// `--tables` and its options, waiting as the settings say.
    pub fn new(
        settings: &Settings,
        database: String,
        db_user: Option<String>,
        secret_arn: Option<String>,
    ) -> TablesOptions {
        TablesOptions {
            login: Login {
                database,
                db_user,
                secret_arn,
            },
            poll: std::time::Duration::from_millis(500),
            timeout: settings.data_api_wait,
        }
    }
}

/// The Redshift-side state of integration `arn` into the snapshot's target.
pub async fn read<C: Clients>(
    clients: &C,
    arn: &str,
    snap: &Snapshot,
    opts: &TablesOptions,
) -> TableStates {
    let at = Where::for_target(snap, &opts.login);
    let client = clients.data_api(snap.target.region());
    redshift_data::read(&client, &at, arn, opts.poll, opts.timeout).await
}

/// Give an existing integration's health facts its table states (`check --tables`).
pub async fn attach<C: Clients>(clients: &C, snap: &mut Snapshot, opts: &TablesOptions) {
    let Some(arn) = snap.health.as_ref().map(|h| h.integration_arn.clone()) else {
        return;
    };
    let states = read(clients, &arn, snap, opts).await;
    if let Some(h) = &mut snap.health {
        h.tables = Some(states);
    }
}

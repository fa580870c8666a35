//! What `check` (and `check --fix`) read besides each pair's own facts, from the flags.

use crate::run::check::{data_options, DataOptions};
use crate::run::Settings;

use super::{CheckArgs, CliError};

/// What is read besides each pair's own facts: `--data`, `--creator`, `--window`, `--tables`.
pub(super) fn extras(
    args: &CheckArgs,
    settings: &Settings,
) -> Result<crate::run::Extras, CliError> {
    Ok(crate::run::Extras {
        data: data(args, settings)?,
        keys: Vec::new(),
        creator: args
            .key
            .creator
            .as_ref()
            .map(|a| (a.clone(), "--creator".to_string())),
        creator_unknown: None,
        health: Some(crate::run::health_moment(args.window.window)),
        tables: args.tables.options(settings),
        owner_tags: false,
    })
}

/// What `--data` and its options say, checked (`None` without `--data`).
fn data(args: &CheckArgs, settings: &Settings) -> Result<Option<DataOptions>, CliError> {
    let d = &args.data;
    if !d.data {
        return Ok(None);
    }
    data_options(DataOptions {
        database_url: d.database_url.clone(),
        data_filter: d.data_filter.clone(),
        ca_file: d.db_ca.clone(),
        db_secret: d.db_secret.clone(),
        iam_auth: d.iam_auth,
        db_user: d.db_user.clone(),
        timeout: settings.sql_timeout,
    })
    .map(Some)
}

//! `check --data-from`: the source's catalog from the saved output of `data-query`, read and
//! put into a snapshot in place of a live `--data` read.

use std::path::PathBuf;

use crate::fetch;
use crate::inputs::catalog::{self, Output};
use crate::model::data_filter::DataFilter;
use crate::model::{Dialect, Fact, Snapshot};

use super::Error;

/// `data-query`: the catalog query for `dialect`, with how to run it.
pub fn query(dialect: Dialect) -> &'static str {
    catalog::query(dialect)
}

/// Every file, read and parsed; a file that cannot be read or is not the query's output is
/// bad input.
pub fn read(paths: &[PathBuf]) -> Result<Vec<Output>, Error> {
    paths
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).map_err(|e| {
                Error::Usage(format!("--data-from {}: cannot read it: {e}", p.display()))
            })?;
            catalog::parse(&p.display().to_string(), &text).map_err(Error::Usage)
        })
        .collect()
}

/// The saved catalog as `snap`'s schema, in the scope of `filter` (else the existing
/// integration's filter, else every table), as `--data` would read it.
pub fn attach(snap: &mut Snapshot, outputs: &[Output], filter: Option<&str>) -> Result<(), Error> {
    let dialect = Dialect::of_engine(snap.source.engine()).ok_or_else(|| {
        Error::Usage(format!(
            "--data-from: the source {} runs engine '{}', which has no catalog rules",
            snap.source.id(),
            snap.source.engine()
        ))
    })?;
    let scope = fetch::sql::scope_filter(snap, filter);
    let parsed = scope
        .as_ref()
        .and_then(|(f, _)| DataFilter::parse(f, dialect).ok());
    let mut facts = catalog::facts(outputs, dialect, parsed.as_ref())
        .map_err(|e| Error::Usage(format!("--data-from: {e}")))?;
    if let Some((f, origin)) = scope {
        facts.data_filter = Some(f);
        facts.data_filter_origin = Some(origin);
    }
    snap.schema = Some(Fact::Ok(facts));
    Ok(())
}

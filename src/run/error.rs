//! Errors that stop the tool (exit code 2). Each says what went wrong, on what, and what to do.

use std::path::PathBuf;

use crate::fetch::refs::RefError;
use crate::fetch::FetchError;
use crate::rules::RulesError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Rules(#[from] RulesError),
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Ref(#[from] RefError),
    #[error(transparent)]
    Fetch(Box<FetchError>),
    #[error("snapshot {}: {message}", .path.display())]
    Snapshot { path: PathBuf, message: String },
    #[error("{}: {message}", .path.display())]
    Plan { path: PathBuf, message: String },
    #[error("cannot write {}: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Aws(String),
}

impl From<FetchError> for Error {
    fn from(e: FetchError) -> Self {
        Error::Fetch(Box::new(e))
    }
}

//! `zetl-preflight.toml`: defaults for the command line, rule selection and overrides, and
//! suppressions. Found in the current directory or upwards, or given with `--config`.

pub mod file;
pub mod rules;
pub mod suppress;

pub use file::{ConfigError, ConfigFile, Pair, FILE_NAME};

//! Small commands: `init`, `iam-policy`, `completions`.

use std::path::Path;

use clap::CommandFactory;

use crate::config::{file::STARTER, FILE_NAME};

use super::output::emit;
use super::{Cli, CliError};

pub fn init(force: bool) -> Result<(), CliError> {
    let path = Path::new(FILE_NAME);
    if path.exists() && !force {
        return Err(CliError::Usage(format!(
            "{FILE_NAME} already exists here; pass --force to overwrite it"
        )));
    }
    std::fs::write(path, STARTER).map_err(|source| CliError::Write {
        path: path.to_path_buf(),
        source,
    })?;
    eprintln!("wrote {FILE_NAME}: add a [[pair]] and run `zetl-preflight check`");
    Ok(())
}

pub fn iam_policy(fix: bool, data: bool) {
    let policy = crate::fetch::calls::iam_policy_with(fix, data);
    let mut text = serde_json::to_string_pretty(&policy).expect("policy serializes");
    text.push('\n');
    emit(&text);
}

pub fn completions(shell: clap_complete::Shell) {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "zetl-preflight", &mut out);
    emit(&String::from_utf8_lossy(&out));
}

//! Small commands: `init`, `iam-policy`, `completions`.

use std::path::Path;

use clap::CommandFactory;

use crate::config::{file::STARTER, FILE_NAME};

use crate::report::Format;

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

/// The policy as JSON (the document to attach; also the default), or as a Markdown table of
/// its actions. Other formats are refused.
pub fn iam_policy(format: Format, fix: bool, data: bool) -> Result<(), CliError> {
    let policy = crate::fetch::calls::iam_policy_with(fix, data);
    let text = match format {
        Format::Table | Format::Json => {
            let mut text = serde_json::to_string_pretty(&policy).expect("policy serializes");
            text.push('\n');
            text
        }
        Format::Markdown => {
            let mut text = String::from("| action | statement |\n| --- | --- |\n");
            for st in policy["Statement"].as_array().into_iter().flatten() {
                let sid = st["Sid"].as_str().unwrap_or_default();
                for action in st["Action"].as_array().into_iter().flatten() {
                    text.push_str(&format!(
                        "| `{}` | {sid} |\n",
                        action.as_str().unwrap_or_default()
                    ));
                }
            }
            text
        }
        other => {
            return Err(CliError::Usage(format!(
                "iam-policy prints the policy as JSON (the default) or a Markdown table, not {}",
                format!("{other:?}").to_lowercase()
            )))
        }
    };
    emit(&text);
    Ok(())
}

pub fn completions(shell: clap_complete::Shell) {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "zetl-preflight", &mut out);
    emit(&String::from_utf8_lossy(&out));
}

//! Small commands: `init`, `iam-policy`, `completions`, `man`.

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
pub fn iam_policy(format: Option<Format>, fix: bool, data: bool) -> Result<(), CliError> {
    let policy = crate::run::iam_policy(fix, data);
    let text = match format.unwrap_or(Format::Json) {
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

/// The manual: the main page on stdout, or every command's page written into `dir`.
pub fn man(dir: Option<&Path>) -> Result<(), CliError> {
    let cmd = Cli::command();
    let render = |c: clap::Command| {
        let mut out = Vec::new();
        clap_mangen::Man::new(c)
            .render(&mut out)
            .expect("rendering into memory does not fail");
        out
    };
    let Some(dir) = dir else {
        emit(&String::from_utf8_lossy(&render(cmd)));
        return Ok(());
    };
    let write = |name: &str, page: Vec<u8>| {
        let path = dir.join(format!("{name}.1"));
        std::fs::write(&path, page).map_err(|source| CliError::Write { path, source })
    };
    std::fs::create_dir_all(dir).map_err(|source| CliError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        // The page's name is the command as typed: `zetl-preflight-check` for `check`.
        let name = format!("zetl-preflight-{}", sub.get_name());
        let page = sub
            .clone()
            .display_name(name.clone())
            .version(env!("ZETL_PREFLIGHT_VERSION"))
            .bin_name(format!("zetl-preflight {}", sub.get_name()));
        write(&name, render(page))?;
    }
    write("zetl-preflight", render(cmd))?;
    eprintln!("wrote the manual pages into {}", dir.display());
    Ok(())
}

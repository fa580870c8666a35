//! The journal: one JSON line per change attempted, appended to a file, with enough to undo
//! it by hand (the resource, the call, what it sent, the values before and after).

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::model::CallError;

use super::action::{Action, Change, Op};

/// The default journal file, in the current directory.
pub const DEFAULT_PATH: &str = "zetl-preflight-journal.jsonl";

#[derive(Debug, Serialize)]
pub struct Record<'a> {
    pub time: String,
    pub tool_version: &'static str,
    /// The action's number in the plan (1-based).
    pub action: usize,
    pub resource: &'a str,
    pub call: &'static str,
    pub request: &'a Op,
    pub changes: &'a [Change],
    /// `applied` or `failed`.
    pub result: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<&'a CallError>,
}

#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    written: usize,
    applied: usize,
}

impl Journal {
    pub fn new(path: &Path) -> Journal {
        Journal {
            path: path.to_path_buf(),
            written: 0,
            applied: 0,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records written (applied and failed).
    pub fn written(&self) -> usize {
        self.written
    }

    /// Changes applied.
    pub fn applied(&self) -> usize {
        self.applied
    }

    /// Append one record. A journal that cannot be written is an error: changes must not
    /// go unrecorded.
    pub fn append(
        &mut self,
        n: usize,
        a: &Action,
        error: Option<&CallError>,
    ) -> std::io::Result<()> {
        let record = Record {
            time: crate::model::now_rfc3339(),
            tool_version: env!("CARGO_PKG_VERSION"),
            action: n,
            resource: &a.resource,
            call: a.op.call(),
            request: &a.op,
            changes: &a.changes,
            result: if error.is_some() { "failed" } else { "applied" },
            error,
        };
        let mut line = serde_json::to_string(&record).expect("record serializes");
        line.push('\n');
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.path)?;
        f.write_all(line.as_bytes())?;
        self.written += 1;
        if error.is_none() {
            self.applied += 1;
        }
        Ok(())
    }
}

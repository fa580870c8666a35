//! `check` of live pairs and saved snapshots: read every pair (one read cache for many), load
//! and confirm a saved snapshot, and validate what `--data` was told.

use std::path::Path;

use crate::config::file::Pair;
use crate::fetch::cache::ReadCache;
use crate::fetch::{self, TargetRef};
use crate::model::reads::{Optional, SOURCE_NOT_READ};
use crate::model::{
    Identity, Snapshot, TargetSnapshot, READABLE_SCHEMA_VERSIONS, SUPPORTED_ENGINES,
};

use super::session::{connect, parse_pairs, who_is_acting};
use super::{Error, Settings};

/// `--data`'s options, as `cli/` fills them in.
pub use crate::fetch::sql::DataOptions;

/// `--data`'s options, checked: a malformed URL or a missing CA file is bad input (exit 2).
pub fn data_options(opts: fetch::sql::DataOptions) -> Result<fetch::sql::DataOptions, Error> {
    if let Some(url) = &opts.database_url {
        fetch::sql::dialect_of(url).map_err(Error::Usage)?;
    }
    if let Some(ca) = &opts.ca_file {
        if !ca.is_file() {
            return Err(Error::Usage(format!(
                "--db-ca {}: no such file (download the RDS CA bundle, global-bundle.pem)",
                ca.display()
            )));
        }
    }
    Ok(opts)
}

/// Read every pair (sharing one read cache when there are several), handing each snapshot
/// to `sink` in the pairs' order; returns who was acting.
pub async fn read_pairs(
    settings: &Settings,
    pairs: &[Pair],
    extras: &super::Extras,
    concurrency: usize,
    mut sink: impl FnMut(Result<Snapshot, fetch::FetchError>),
) -> Result<Option<Identity>, Error> {
    let refs = parse_pairs(pairs)?;
    let sdk = connect(settings, &refs).await?;
    // Many pairs: client-side rate limiting when AWS throttles, rather than failed reads.
    let run_sdk = if refs.len() > 1 {
        sdk.to_builder().retry_config(super::adaptive(&sdk)).build()
    } else {
        sdk.clone()
    };
    tracing::info!(pairs = refs.len(), "fetching");
    let clients = std::sync::Arc::new(super::SdkClients::new(run_sdk).wanting(settings.wanted()));
    let cache = (refs.len() > 1).then(|| std::sync::Arc::new(ReadCache::default()));
    let bar = (refs.len() > 1).then(|| crate::progress::Bar::new("pairs read"));
    let _spinner = match refs.as_slice() {
        [(s, t)] => Some(crate::progress::Progress::start(format!(
            "reading {} and {}",
            s.identifier,
            target_label(t)
        ))),
        _ => None,
    };
    let total = refs.len();
    // The creator whose permissions are simulated: `--creator`, else the acting principal,
    // read first then (it is simulated with every pair).
    let mut extras = extras.clone();
    extras.keys = pairs.iter().map(Pair::key).collect();
    let mut known = None;
    if extras.creator.is_none() && settings.wanted().wants(Optional::Creator) {
        match super::session::acting(&sdk).await {
            Ok(id) => {
                extras.creator = super::session::creator_of(None, Some(&id));
                known = Some(Some(id));
            }
            Err(e) => {
                extras.creator_unknown = Some(e);
                known = Some(None);
            }
        }
    }
    // Otherwise who is acting is read alongside the pairs, not before them.
    let acting = async {
        match known {
            Some(id) => id,
            None => who_is_acting(&sdk).await,
        }
    };
    let (identity, ()) = tokio::join!(
        acting,
        super::each_snapshot(cache, clients, &refs, concurrency, &extras, |i, snap| {
            sink(snap);
            if let Some(b) = &bar {
                b.update(i + 1, total);
            }
        })
    );
    tracing::info!(pairs = total, "read");
    Ok(identity)
}

fn target_label(t: &TargetRef) -> String {
    match t {
        TargetRef::Name(n) => n.clone(),
        TargetRef::ClusterArn { id, .. } => id.clone(),
        TargetRef::ProvisionedNamespace(a)
        | TargetRef::ServerlessNamespace(a)
        | TargetRef::ServerlessWorkgroup(a) => a.to_string(),
    }
}

/// A saved snapshot, or why it cannot be checked.
pub fn load_snapshot(path: &Path) -> Result<Snapshot, Error> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::Snapshot {
        path: path.to_path_buf(),
        message: format!("cannot read it: {e}"),
    })?;
    parse_snapshot(&text, path)
}

/// The snapshot files `--snapshot` names, in order: a file as given, a folder as its `*.json`
/// files sorted by name (a saved fleet: `audit --save-snapshot DIR`).
pub fn snapshot_files(paths: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>, Error> {
    let mut out = Vec::new();
    for path in paths {
        if !path.is_dir() {
            out.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|e| Error::Snapshot {
            path: path.clone(),
            message: format!("cannot read the folder: {e}"),
        })?;
        let mut files: Vec<std::path::PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "json"))
            .collect();
        if files.is_empty() {
            return Err(Error::Snapshot {
                path: path.clone(),
                message: "the folder holds no .json snapshot; save some with `audit \
                          --save-snapshot DIR` or `check --save-snapshot DIR`"
                    .into(),
            });
        }
        files.sort();
        out.extend(files);
    }
    Ok(out)
}

/// The existing integration a snapshot is about (one `audit` saved): the one its health was
/// read for, else the one from its source to its target.
pub fn audited(snap: &Snapshot) -> Option<&crate::model::Integration> {
    let list = snap.integrations.ok()?;
    if let Some(h) = &snap.health {
        return list
            .iter()
            .find(|i| i.integration_arn.as_deref() == Some(h.integration_arn.as_str()));
    }
    let namespace = snap.target.namespace_arn()?;
    list.iter()
        .find(|i| i.source_arn == snap.source.arn() && i.target_arn == namespace)
}

/// A file name for a pair's snapshot in a folder: `REGION--SOURCE--TARGET.json`, with
/// characters a file name should not hold replaced.
pub fn snapshot_file_name(snap: &Snapshot) -> String {
    let clean = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "._-".contains(c) {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!(
        "{}--{}--{}.json",
        clean(snap.source.region()),
        clean(snap.source.id()),
        clean(snap.target.display_id())
    )
}

/// The demo `zetl-preflight demo` checks: a fresh setup on default parameter groups
/// (`fixtures/seed-default-groups.json`), inside the binary so an installed tool has it.
pub const DEMO_SNAPSHOT: &str = include_str!("../../fixtures/seed-default-groups.json");

fn template_message() -> String {
    "this is a CloudFormation template, not a zetl-preflight snapshot: check it with \
     `zetl-preflight check --cloudformation FILE`"
        .into()
}

/// What a deployment given in place of a snapshot is, said with the flag that takes it.
fn deployment_kind(object: &serde_json::Map<String, serde_json::Value>) -> Option<String> {
    let plan = object.contains_key("format_version")
        && [
            "terraform_version",
            "planned_values",
            "resource_changes",
            "configuration",
        ]
        .iter()
        .any(|k| object.contains_key(*k));
    if plan {
        return Some(
            "this is a Terraform plan (`terraform show -json`), not a zetl-preflight snapshot: \
             check it with `zetl-preflight check --terraform-plan FILE`"
                .into(),
        );
    }
    let template = object.contains_key("AWSTemplateFormatVersion")
        || (object.contains_key("Resources") && !object.contains_key("schema_version"));
    template.then(template_message)
}

/// A snapshot from its JSON text; `path` names it in messages.
pub fn parse_snapshot(text: &str, path: &Path) -> Result<Snapshot, Error> {
    let bad = |message: String| Error::Snapshot {
        path: path.to_path_buf(),
        message,
    };
    let write_one =
        "Write one with `zetl-preflight check --source … --target … --save-snapshot FILE`";
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        if text.contains("AWSTemplateFormatVersion") || text.lines().any(|l| l == "Resources:") {
            return bad(template_message());
        }
        bad(format!(
            "not a valid zetl-preflight snapshot: not JSON ({e}). {write_one}"
        ))
    })?;
    if let Some(other) = value.as_object().and_then(deployment_kind) {
        return Err(bad(other));
    }
    let Some(object) = value.as_object() else {
        let kind = match value {
            serde_json::Value::Array(_) => "an array",
            serde_json::Value::String(_) => "a string",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Bool(_) => "a boolean",
            _ => "null",
        };
        return Err(bad(format!(
            "not a zetl-preflight snapshot: it holds {kind}, where a snapshot is an object with \
             schema_version, source and target. {write_one}"
        )));
    };
    // A different schema version explains a shape mismatch better than serde can.
    match object.get("schema_version").and_then(|v| v.as_u64()) {
        Some(v) if !READABLE_SCHEMA_VERSIONS.iter().any(|r| u64::from(*r) == v) => {
            return Err(bad(version_message(v as u32)))
        }
        _ => {}
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    let snap: Snapshot = serde_path_to_error::deserialize(de).map_err(|e| {
        let at = e.path().to_string();
        // serde names the Rust type it wanted; people are told the JSON shape.
        let inner = regex::Regex::new(r"expected (struct|enum|tuple struct) \w+")
            .expect("the pattern is valid")
            .replace_all(&e.inner().to_string(), "expected an object")
            .into_owned();
        bad(format!(
            "not a valid zetl-preflight snapshot: at `{at}`, {inner}. {write_one}"
        ))
    })?;
    let engine = snap.source.engine();
    let unread = engine.is_empty() && snap.notes.iter().any(|n| n == SOURCE_NOT_READ);
    let table = snap.source.table().is_some();
    if !SUPPORTED_ENGINES.contains(&engine) && !table && !unread {
        return Err(bad(format!(
            "its source {} runs engine '{engine}', which no rule covers; zetl-preflight checks {}",
            snap.source.id(),
            crate::model::SUPPORTED_SOURCES
        )));
    }
    Ok(snap)
}

fn version_message(found: u32) -> String {
    format!(
        "has schema_version {found}, but this zetl-preflight {} reads versions {}; save the \
         snapshot again with this version",
        env!("CARGO_PKG_VERSION"),
        crate::model::words::list(&READABLE_SCHEMA_VERSIONS.map(|v| v.to_string()))
    )
}

/// With `--snapshot`, `--source` and `--target` are optional; when given they must name
/// what the snapshot holds, so a CI job cannot check the wrong file by accident.
/// Flags that a live read uses and a saved snapshot cannot: refused (exit 2) rather than
/// silently ignored. `region`: `--region`; `key`, `creator`, `tables`: whether `--kms-key`,
/// `--creator` or `--tables` was given.
pub fn offline_flags(
    snap: &Snapshot,
    region: Option<&str>,
    (key, creator, tables): (bool, bool, bool),
) -> Result<(), Error> {
    if let Some(r) = region.filter(|r| *r != snap.source.region()) {
        return Err(Error::Usage(format!(
            "--region {r} does not match the snapshot, which was read in {}: a saved snapshot is \
             checked as it was read; leave --region out",
            snap.source.region()
        )));
    }
    let saved = |flag: &str, what: &str| {
        Error::Usage(format!(
            "{flag} is for a live check, which reads {what}; a saved snapshot holds what was read \
             when it was saved. Save a new one with `check --source … --target … {flag} … \
             --save-snapshot FILE`, or leave {flag} out"
        ))
    };
    if key {
        return Err(saved("--kms-key", "the key and its policy"));
    }
    if creator {
        return Err(saved(
            "--creator",
            "and simulates the creator's permissions",
        ));
    }
    if tables {
        return Err(saved("--tables", "the Redshift side's table states"));
    }
    Ok(())
}

pub fn confirm_pair(
    snap: &Snapshot,
    source: Option<&String>,
    target: Option<&String>,
) -> Result<(), Error> {
    if let Some(s) = source {
        if s != snap.source.id() && s != snap.source.arn() {
            return Err(Error::Usage(format!(
                "--source '{s}' does not match the snapshot's source '{}'",
                snap.source.id()
            )));
        }
    }
    if let Some(t) = target {
        let mut names = vec![snap.target.display_id().to_string()];
        names.extend(snap.target.namespace_arn().map(str::to_string));
        if let TargetSnapshot::Serverless(s) = &snap.target {
            names.extend(s.workgroup.workgroup_arn.clone());
        }
        let cluster_arn_match = matches!(&snap.target, TargetSnapshot::Provisioned(p)
            if t.starts_with("arn:") && t.ends_with(&format!(":cluster:{}", p.cluster.cluster_identifier)));
        if !names.contains(t) && !cluster_arn_match {
            return Err(Error::Usage(format!(
                "--target '{t}' does not match the snapshot's target '{}'",
                snap.target.display_id()
            )));
        }
    }
    Ok(())
}

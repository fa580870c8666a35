//! Where a Terraform resource is written, when the configuration is on disk: a plan's JSON
//! names each resource's module and address but not its file, so the `.tf` files of the
//! module's directory are read for the `resource "TYPE" "NAME"` block. A module's directory
//! comes from `.terraform/modules/modules.json` (what `terraform init` installed) or, for a
//! local source, from the `source` the plan's configuration gives. What is not found keeps
//! the address alone: a line is never guessed.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::planned::World;
use super::terraform::config_address;

/// Module path (`zero_etl.inner`) → its source as the configuration writes it.
fn module_sources(plan: &Value) -> BTreeMap<String, String> {
    fn walk(module: &Value, prefix: &str, out: &mut BTreeMap<String, String>) {
        if let Some(Value::Object(calls)) = module.get("module_calls") {
            for (name, call) in calls {
                let key = format!("{prefix}{name}");
                if let Some(src) = call.get("source").and_then(Value::as_str) {
                    out.insert(key.clone(), src.to_string());
                }
                if let Some(m) = call.get("module") {
                    walk(m, &format!("{key}."), out);
                }
            }
        }
    }
    let mut out = BTreeMap::new();
    if let Some(root) = plan.pointer("/configuration/root_module") {
        walk(root, "", &mut out);
    }
    out
}

/// What `terraform init` recorded: module key → directory, relative to the root.
fn installed(root: &Path) -> BTreeMap<String, PathBuf> {
    let Ok(text) = std::fs::read_to_string(root.join(".terraform/modules/modules.json")) else {
        return BTreeMap::new();
    };
    let Ok(v) = serde_json::from_str::<Value>(&text) else {
        return BTreeMap::new();
    };
    v.get("Modules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|m| {
            Some((
                m.get("Key")?.as_str()?.to_string(),
                root.join(m.get("Dir")?.as_str()?),
            ))
        })
        .collect()
}

/// The directory of a module path (`a.b`), or the root for the root module.
fn module_dir(
    root: &Path,
    path: &[&str],
    sources: &BTreeMap<String, String>,
    installed: &BTreeMap<String, PathBuf>,
) -> Option<PathBuf> {
    if path.is_empty() {
        return Some(root.to_path_buf());
    }
    let key = path.join(".");
    if let Some(dir) = installed.get(&key) {
        return Some(dir.clone());
    }
    let source = sources.get(&key)?;
    if !(source.starts_with("./") || source.starts_with("../")) {
        return None;
    }
    let parent = module_dir(root, &path[..path.len() - 1], sources, installed)?;
    Some(parent.join(source))
}

/// The file and position of `resource "TYPE" "NAME"` among the `.tf` files of `dir`.
fn find_block(dir: &Path, kind: &str, name: &str) -> Option<(PathBuf, u32, u32)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
        .collect();
    files.sort();
    let opening = format!("\"{kind}\"");
    let label = format!("\"{name}\"");
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else {
            continue;
        };
        for (n, line) in text.lines().enumerate() {
            let trimmed = line.trim_start();
            let mut words = trimmed.split_whitespace();
            if words.next() == Some("resource")
                && words.next() == Some(opening.as_str())
                && words.next().map(|w| w.trim_end_matches('{')) == Some(label.as_str())
            {
                let column = (line.len() - trimmed.len()) as u32 + 1;
                return Some((file, n as u32 + 1, column));
            }
        }
    }
    None
}

/// Give each planned resource the file, line and column of its block, when the
/// configuration in `root` (the directory `terraform plan` ran in) has it. `shown` turns a
/// path into how reports name it.
pub fn locate(world: &mut World, plan_text: &str, root: &Path, shown: &dyn Fn(&Path) -> String) {
    let Ok(plan) = serde_json::from_str::<Value>(plan_text) else {
        return;
    };
    let sources = module_sources(&plan);
    let installed = installed(root);
    for r in &mut world.resources {
        let (_, config) = config_address(&r.address);
        let parts: Vec<&str> = config.split('.').collect();
        let [modules @ .., kind, name] = parts.as_slice() else {
            continue;
        };
        let path: Vec<&str> = modules
            .chunks(2)
            .filter_map(|c| match c {
                ["module", m] => Some(*m),
                _ => None,
            })
            .collect();
        let Some(dir) = module_dir(root, &path, &sources, &installed) else {
            continue;
        };
        if let Some((file, line, column)) = find_block(&dir, kind, name) {
            r.location.file = Some(shown(&file));
            r.location.line = Some(line);
            r.location.column = Some(column);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_found_by_type_and_name_with_their_position() {
        let dir = std::env::temp_dir().join(format!("zetl-tf-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            "provider \"aws\" {}\n\n  resource \"aws_rds_cluster\" \"source\" {\n  engine = \"aurora-mysql\"\n}\n",
        )
        .unwrap();
        let (file, line, column) = find_block(&dir, "aws_rds_cluster", "source").unwrap();
        assert_eq!(
            (file.file_name().unwrap().to_str(), line, column),
            (Some("main.tf"), 3, 3)
        );
        assert!(find_block(&dir, "aws_rds_cluster", "other").is_none());
        std::fs::remove_dir_all(&dir).ok();
    }
}

//! A Terraform plan (`terraform show -json PLANFILE`) → the planned world.
//!
//! Values come from `resource_changes[].change.after` (what the apply leaves), what is
//! unknown until apply from `after_unknown`, the actions and what forces a replacement from
//! the change, and the edges between resources from `configuration`'s expression
//! `references` (the only link to a resource whose ARN does not exist yet). Format:
//! <https://developer.hashicorp.com/terraform/internals/json-format>.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use crate::model::Location;

use super::planned::{Kind, Res, World};

fn kind_of(resource_type: &str) -> Option<Kind> {
    Some(match resource_type {
        "aws_rds_cluster" => Kind::Cluster,
        "aws_rds_cluster_instance" => Kind::ClusterInstance,
        "aws_rds_cluster_parameter_group" => Kind::ClusterGroup,
        "aws_db_instance" => Kind::Instance,
        "aws_db_parameter_group" => Kind::InstanceGroup,
        "aws_redshift_cluster" => Kind::RedshiftCluster,
        "aws_redshift_parameter_group" => Kind::RedshiftGroup,
        "aws_redshiftserverless_namespace" => Kind::Namespace,
        "aws_redshiftserverless_workgroup" => Kind::Workgroup,
        "aws_redshift_resource_policy" | "aws_redshiftserverless_resource_policy" => Kind::Policy,
        "aws_rds_integration" | "aws_redshift_integration" => Kind::Integration,
        "aws_dynamodb_table" => Kind::Table,
        "aws_dynamodb_resource_policy" => Kind::TablePolicy,
        "aws_kms_key" => Kind::KmsKey,
        _ => return None,
    })
}

/// Read a plan's JSON text. `file` names it in messages and locations; `region` is used
/// when the plan's provider configuration sets none.
pub fn read(text: &str, file: &str, region: Option<&str>) -> Result<World, String> {
    let plan: Value = serde_json::from_str(text).map_err(|e| {
        format!("not JSON ({e}); give the output of `terraform show -json PLANFILE`")
    })?;
    let version = match plan.get("format_version") {
        Some(Value::String(v)) => v.as_str(),
        Some(other) => {
            return Err(format!(
                "format_version is {other}, where Terraform writes a string such as \"1.2\": \
                 not the output of `terraform show -json PLANFILE`"
            ))
        }
        None => {
            return Err(
                "no format_version: not the output of `terraform show -json PLANFILE`".into(),
            )
        }
    };
    if version.split('.').next() != Some("1") {
        return Err(format!(
            "format_version {version}: this zetl-preflight reads Terraform's JSON plan format 1.x"
        ));
    }
    let changes = plan
        .get("resource_changes")
        .and_then(Value::as_array)
        .ok_or(
            "no resource_changes: is this a plan (terraform show -json PLANFILE) and not a state?",
        )?;
    let mut config = BTreeMap::new();
    if let Some(root) = plan.pointer("/configuration/root_module") {
        collect_config(root, "", &mut config);
    }
    let mut world = World {
        tool: "terraform".into(),
        file: file.to_string(),
        region: provider_region(&plan).or(region.map(str::to_string)),
        resources: Vec::new(),
    };
    for rc in changes {
        if rc.get("mode").and_then(Value::as_str) != Some("managed") || rc.get("deposed").is_some()
        {
            continue;
        }
        let Some(kind) = rc.get("type").and_then(Value::as_str).and_then(kind_of) else {
            continue;
        };
        let address = rc
            .get("address")
            .and_then(Value::as_str)
            .ok_or("a resource change without an address")?
            .to_string();
        let change = rc.get("change").cloned().unwrap_or(Value::Null);
        let actions: Vec<String> = change
            .get("actions")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default();
        // What remains after the apply; a resource being deleted keeps its "before".
        let after = match change.get("after") {
            Some(Value::Object(m)) => m.clone(),
            _ => match change.get("before") {
                Some(Value::Object(m)) => m.clone(),
                _ => Map::new(),
            },
        };
        let before = change.get("before").and_then(Value::as_object);
        let mut unknown = BTreeSet::new();
        if let Some(Value::Object(u)) = change.get("after_unknown") {
            unknown_paths(u, "", &mut unknown);
        }
        let changed: BTreeSet<String> = match before {
            Some(b) if actions.iter().any(|a| a == "update") => after
                .iter()
                .filter(|(k, v)| b.get(*k) != Some(*v) || unknown.contains(*k))
                .map(|(k, _)| k.clone())
                .collect(),
            _ => BTreeSet::new(),
        };
        let changed_parameters = match before {
            Some(b) if actions.iter().any(|a| a == "update") => {
                changed_params(b.get("parameter"), after.get("parameter"))
            }
            _ => Vec::new(),
        };
        let replaced_because = replaced_because(rc, &change);
        let (module, config_address) = config_address(&address);
        let (refs, ref_attrs) = match config.get(&config_address) {
            Some(expressions) => edges(expressions, &module),
            None => (BTreeMap::new(), BTreeMap::new()),
        };
        // Without a configuration (a plan rendered without it), every attribute counts as set.
        let configured: BTreeSet<String> = match config.get(&config_address) {
            Some(expressions) => expressions.keys().cloned().collect(),
            None => after.keys().chain(unknown.iter()).cloned().collect(),
        };
        world.resources.push(Res {
            kind,
            address: address.clone(),
            attrs: after,
            unknown,
            refs,
            ref_attrs,
            configured,
            names: BTreeMap::new(),
            actions,
            replaced_because,
            changed,
            changed_parameters,
            location: Location {
                address,
                file: None,
                line: None,
                column: None,
            },
        });
    }
    Ok(world)
}

/// The AWS provider's Region, when the configuration sets it to a constant.
fn provider_region(plan: &Value) -> Option<String> {
    plan.pointer("/configuration/provider_config/aws/expressions/region/constant_value")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// `after_unknown` → the unknown attribute paths: `engine_version`, `parameter[2].value`.
fn unknown_paths(u: &Map<String, Value>, prefix: &str, out: &mut BTreeSet<String>) {
    for (k, v) in u {
        let path = format!("{prefix}{k}");
        match v {
            Value::Bool(true) => {
                out.insert(path);
            }
            Value::Object(m) => unknown_paths(m, &format!("{path}."), out),
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    match item {
                        Value::Bool(true) => {
                            out.insert(format!("{path}[{i}]"));
                        }
                        Value::Object(m) => unknown_paths(m, &format!("{path}[{i}]."), out),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// Parameters (by name) whose value or apply method differs between before and after.
fn changed_params(before: Option<&Value>, after: Option<&Value>) -> Vec<String> {
    let by_name = |v: Option<&Value>| -> BTreeMap<String, Value> {
        v.and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|p| Some((p.get("name")?.as_str()?.to_string(), p.clone())))
                    .collect()
            })
            .unwrap_or_default()
    };
    let (b, a) = (by_name(before), by_name(after));
    let mut names: BTreeSet<&String> = b.keys().collect();
    names.extend(a.keys());
    names
        .into_iter()
        .filter(|n| b.get(*n) != a.get(*n))
        .cloned()
        .collect()
}

fn replaced_because(rc: &Value, change: &Value) -> Option<String> {
    let paths: Vec<String> = change
        .get("replace_paths")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .filter_map(Value::as_array)
                .map(|p| {
                    p.iter()
                        .map(|s| match s {
                            Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .collect()
        })
        .unwrap_or_default();
    let reason = rc.get("action_reason").and_then(Value::as_str);
    match (paths.is_empty(), reason) {
        (false, Some(r)) => Some(format!("a change to {} ({r})", paths.join(", "))),
        (false, None) => Some(format!("a change to {}", paths.join(", "))),
        (true, Some(r)) => Some(r.to_string()),
        (true, None) => None,
    }
}

/// Every resource's expressions in `configuration`, by its address without instance keys
/// (`module.db.aws_rds_cluster.this`).
fn collect_config(module: &Value, prefix: &str, out: &mut BTreeMap<String, Map<String, Value>>) {
    for r in module
        .get("resources")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let (Some(address), Some(Value::Object(e))) = (
            r.get("address").and_then(Value::as_str),
            r.get("expressions"),
        ) {
            out.insert(format!("{prefix}{address}"), e.clone());
        }
    }
    if let Some(Value::Object(calls)) = module.get("module_calls") {
        for (name, call) in calls {
            if let Some(m) = call.get("module") {
                collect_config(m, &format!("{prefix}module.{name}."), out);
            }
        }
    }
}

/// A planned address → (its module instance prefix, its configuration address): drops
/// instance keys, `module.db[0].aws_x.y["a"]` → (`module.db[0].`, `module.db.aws_x.y`).
pub(crate) fn config_address(address: &str) -> (String, String) {
    let parts = split_address(address);
    let resource_start = parts.len().saturating_sub(2);
    let module: String = parts[..resource_start]
        .iter()
        .map(|p| format!("{p}."))
        .collect();
    let config = parts
        .iter()
        .map(|p| p.split('[').next().unwrap_or(p))
        .collect::<Vec<_>>()
        .join(".");
    (module, config)
}

/// Split an address at the dots that are not inside an index (`["a.b"]`).
fn split_address(address: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in address.char_indices() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => {
                parts.push(&address[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&address[start..]);
    parts
}

type Edges = (BTreeMap<String, Vec<String>>, BTreeMap<String, String>);

/// The resources each top-level attribute refers to, as planned addresses (within the
/// referring resource's module), and the attribute it reads of them.
fn edges(expressions: &Map<String, Value>, module: &str) -> Edges {
    let mut refs = BTreeMap::new();
    let mut attrs = BTreeMap::new();
    for (attr, e) in expressions {
        let mut found = Vec::new();
        collect_refs(e, &mut found);
        let mut targets = Vec::new();
        for r in &found {
            let parts = split_address(r);
            let first = parts.first().copied().unwrap_or("");
            if [
                "var",
                "local",
                "module",
                "data",
                "each",
                "count",
                "path",
                "terraform",
                "self",
            ]
            .contains(&first)
                || parts.len() < 2
            {
                continue;
            }
            let address = format!("{module}{}.{}", parts[0], parts[1]);
            if let Some(a) = parts.get(2) {
                attrs.entry(attr.clone()).or_insert_with(|| a.to_string());
            }
            if !targets.contains(&address) {
                targets.push(address);
            }
        }
        if !targets.is_empty() {
            refs.insert(attr.clone(), targets);
        }
    }
    (refs, attrs)
}

fn collect_refs(e: &Value, out: &mut Vec<String>) {
    match e {
        Value::Object(m) => {
            if let Some(Value::Array(rs)) = m.get("references") {
                out.extend(rs.iter().filter_map(Value::as_str).map(str::to_string));
            }
            for (k, v) in m {
                if k != "references" {
                    collect_refs(v, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| collect_refs(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_lose_instance_keys_and_keep_their_module_instance() {
        assert_eq!(
            config_address("module.db[0].aws_rds_cluster.this[\"a.b\"]"),
            (
                "module.db[0].".to_string(),
                "module.db.aws_rds_cluster.this".to_string()
            )
        );
        assert_eq!(
            config_address("aws_rds_integration.x"),
            (String::new(), "aws_rds_integration.x".to_string())
        );
    }

    #[test]
    fn after_unknown_names_nested_and_listed_unknowns() {
        let u: Map<String, Value> = serde_json::from_str(
            r#"{"arn": true, "engine": false, "parameter": [{}, {"value": true}], "tags_all": {}}"#,
        )
        .unwrap();
        let mut out = BTreeSet::new();
        unknown_paths(&u, "", &mut out);
        assert_eq!(
            out.into_iter().collect::<Vec<_>>(),
            vec!["arn".to_string(), "parameter[1].value".to_string()]
        );
    }

    #[test]
    fn references_become_planned_addresses_in_the_same_module() {
        let e: Map<String, Value> = serde_json::from_str(
            r#"{"source_arn": {"references": ["aws_rds_cluster.src.arn", "aws_rds_cluster.src"]},
                "data_filter": {"references": ["var.filter"]}}"#,
        )
        .unwrap();
        let (refs, attrs) = edges(&e, "module.zero_etl.");
        assert_eq!(
            refs.get("source_arn").unwrap(),
            &vec!["module.zero_etl.aws_rds_cluster.src".to_string()]
        );
        assert_eq!(attrs.get("source_arn").unwrap(), "arn");
        assert!(!refs.contains_key("data_filter"));
    }
}

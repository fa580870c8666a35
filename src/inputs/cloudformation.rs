//! A CloudFormation template (YAML or JSON) → the planned world.
//!
//! Every resource is planned for creation. Properties are renamed to the Terraform
//! provider's attribute names, so one snapshot builder serves both. Intrinsic functions are
//! resolved where the template and `--parameters` allow (`Ref` to a parameter, `Fn::Sub` /
//! `Fn::Join` / `Fn::If` over known values, conditions); a value CloudFormation knows only
//! while it creates the stack (an ARN, a generated name, `AWS::AccountId`) is unknown, and a
//! `Ref` / `Fn::GetAtt` / `${Resource}` to a resource of the template is an edge. Locations
//! are the file, line and column of each resource's logical id.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value as Json};

use crate::model::Location;

use super::planned::{Kind, Res, World};
use super::yaml::{self, Node, Value};

fn kind_of(resource_type: &str) -> Option<Kind> {
    Some(match resource_type {
        "AWS::RDS::DBCluster" => Kind::Cluster,
        "AWS::RDS::DBInstance" => Kind::ClusterInstance,
        "AWS::RDS::DBClusterParameterGroup" => Kind::ClusterGroup,
        "AWS::Redshift::Cluster" => Kind::RedshiftCluster,
        "AWS::Redshift::ClusterParameterGroup" => Kind::RedshiftGroup,
        "AWS::RedshiftServerless::Namespace" => Kind::Namespace,
        "AWS::RedshiftServerless::Workgroup" => Kind::Workgroup,
        "AWS::RDS::Integration" => Kind::Integration,
        _ => return None,
    })
}

/// Property → Terraform attribute, per resource type.
fn attribute(kind: Kind, property: &str) -> Option<&'static str> {
    Some(match (kind, property) {
        (Kind::Cluster, "DBClusterIdentifier") => "cluster_identifier",
        (Kind::Cluster, "Engine") => "engine",
        (Kind::Cluster, "EngineVersion") => "engine_version",
        (Kind::Cluster, "EngineMode") => "engine_mode",
        (Kind::Cluster, "DBClusterParameterGroupName") => "db_cluster_parameter_group_name",
        (Kind::Cluster, "BacktrackWindow") => "backtrack_window",
        (Kind::Cluster, "GlobalClusterIdentifier") => "global_cluster_identifier",
        (Kind::Cluster, "ClusterScalabilityType") => "cluster_scalability_type",
        (Kind::Cluster, "ServerlessV2ScalingConfiguration") => "serverlessv2_scaling_configuration",
        (Kind::ClusterInstance, "DBClusterIdentifier") => "cluster_identifier",
        (Kind::ClusterInstance, "DBInstanceIdentifier") => "identifier",
        (Kind::ClusterGroup, "DBClusterParameterGroupName") => "name",
        (Kind::ClusterGroup, "Family") => "family",
        (Kind::ClusterGroup, "Parameters") => "parameter",
        (Kind::RedshiftCluster, "ClusterIdentifier") => "cluster_identifier",
        (Kind::RedshiftCluster, "NodeType") => "node_type",
        (Kind::RedshiftCluster, "NumberOfNodes") => "number_of_nodes",
        (Kind::RedshiftCluster, "Encrypted") => "encrypted",
        (Kind::RedshiftCluster, "EnhancedVpcRouting") => "enhanced_vpc_routing",
        (Kind::RedshiftCluster, "ClusterParameterGroupName") => "cluster_parameter_group_name",
        (Kind::RedshiftCluster, "NamespaceResourcePolicy") => "namespace_resource_policy",
        (Kind::RedshiftGroup, "ParameterGroupName") => "name",
        (Kind::RedshiftGroup, "ParameterGroupFamily") => "family",
        (Kind::RedshiftGroup, "Parameters") => "parameter",
        (Kind::Namespace, "NamespaceName") => "namespace_name",
        (Kind::Namespace, "KmsKeyId") => "kms_key_id",
        (Kind::Namespace, "NamespaceResourcePolicy") => "namespace_resource_policy",
        (Kind::Workgroup, "WorkgroupName") => "workgroup_name",
        (Kind::Workgroup, "NamespaceName") => "namespace_name",
        (Kind::Workgroup, "ConfigParameters") => "config_parameter",
        (Kind::Integration, "IntegrationName") => "integration_name",
        (Kind::Integration, "SourceArn") => "source_arn",
        (Kind::Integration, "TargetArn") => "target_arn",
        (Kind::Integration, "DataFilter") => "data_filter",
        (Kind::Integration, "KMSKeyId") => "kms_key_id",
        (Kind::Integration, "AdditionalEncryptionContext") => "additional_encryption_context",
        _ => return None,
    })
}

/// A value resolved as far as the template allows: known or not, and the resources it
/// refers to (logical id, attribute).
#[derive(Debug, Default)]
struct Resolved {
    value: Option<Json>,
    refs: Vec<(String, String)>,
}

impl Resolved {
    fn known(v: Json) -> Resolved {
        Resolved {
            value: Some(v),
            refs: Vec::new(),
        }
    }

    fn unknown(refs: Vec<(String, String)>) -> Resolved {
        Resolved { value: None, refs }
    }
}

struct Template<'a> {
    parameters: BTreeMap<String, Json>,
    resources: BTreeMap<String, &'a Node>,
    conditions: BTreeMap<String, &'a Node>,
    region: Option<String>,
}

/// The values given for the template's parameters: the AWS CLI's
/// `[{"ParameterKey": …, "ParameterValue": …}]`, or a plain `{"Key": "Value"}` map.
pub fn parameter_values(text: &str) -> Result<BTreeMap<String, String>, String> {
    let v: Json = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let text_of = |v: &Json| match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(_) | Json::Bool(_) => Some(v.to_string()),
        _ => None,
    };
    match v {
        Json::Array(items) => items
            .iter()
            .map(|i| {
                let key = i.get("ParameterKey").and_then(Json::as_str);
                let value = i.get("ParameterValue").and_then(text_of);
                match (key, value) {
                    (Some(k), Some(v)) => Ok((k.to_string(), v)),
                    _ => Err(format!(
                        "each entry needs ParameterKey and ParameterValue: {i}"
                    )),
                }
            })
            .collect(),
        Json::Object(m) => m
            .iter()
            .map(|(k, v)| {
                text_of(v)
                    .map(|v| (k.clone(), v))
                    .ok_or_else(|| format!("parameter {k}: a string, number or boolean"))
            })
            .collect(),
        _ => Err("a list of {ParameterKey, ParameterValue} or a {\"Key\": \"Value\"} map".into()),
    }
}

/// Read a template. `file` names it in locations; `region` stands for `AWS::Region`.
pub fn read(
    text: &str,
    file: &str,
    given: &BTreeMap<String, String>,
    region: Option<&str>,
) -> Result<World, String> {
    let doc = yaml::parse(text)?;
    let resources_node = doc
        .get("Resources")
        .ok_or("no Resources section: not a CloudFormation template")?;
    let mut parameters = BTreeMap::new();
    for (k, p) in doc.get("Parameters").map(Node::entries).unwrap_or_default() {
        let Some(name) = k.as_str() else { continue };
        if let Some(v) = given.get(name) {
            parameters.insert(name.to_string(), Json::String(v.clone()));
        } else if let Some(d) = p.get("Default") {
            if let Some(v) = plain(d) {
                parameters.insert(name.to_string(), v);
            }
        }
    }
    let unknown_given: Vec<&String> = given
        .keys()
        .filter(|k| doc.get("Parameters").and_then(|p| p.get(k)).is_none())
        .collect();
    if !unknown_given.is_empty() {
        return Err(format!(
            "--parameters names {} which the template does not declare",
            unknown_given
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let t = Template {
        parameters,
        resources: resources_node
            .entries()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v)))
            .collect(),
        conditions: doc
            .get("Conditions")
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            .filter_map(|(k, v)| Some((k.as_str()?.to_string(), v)))
            .collect(),
        region: region.map(str::to_string),
    };
    let mut world = World {
        tool: "cloudformation".into(),
        file: file.to_string(),
        region: t.region.clone(),
        resources: Vec::new(),
    };
    for (key, node) in resources_node.entries() {
        let Some(id) = key.as_str() else { continue };
        let Some(kind) = node.get("Type").and_then(Node::as_str).and_then(kind_of) else {
            continue;
        };
        // A resource whose condition is false is not created.
        if let Some(c) = node.get("Condition").and_then(Node::as_str) {
            if t.condition(c) == Some(false) {
                continue;
            }
        }
        world.resources.push(t.resource(id, kind, node, key, file));
    }
    Ok(world)
}

/// A plain YAML value as JSON (no intrinsics).
fn plain(n: &Node) -> Option<Json> {
    Some(match &n.value {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(x) => Json::Number(x.clone()),
        Value::Str(s) => Json::String(s.clone()),
        Value::Seq(items) => Json::Array(items.iter().map(plain).collect::<Option<_>>()?),
        Value::Map(entries) => Json::Object(
            entries
                .iter()
                .map(|(k, v)| Some((k.as_str()?.to_string(), plain(v)?)))
                .collect::<Option<Map<_, _>>>()?,
        ),
    })
}

fn text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(_) | Json::Bool(_) => Some(v.to_string()),
        _ => None,
    }
}

impl Template<'_> {
    fn condition(&self, name: &str) -> Option<bool> {
        let node = self.conditions.get(name)?;
        self.truth(node)
    }

    /// A condition's value, when the template and parameters decide it.
    fn truth(&self, n: &Node) -> Option<bool> {
        let (f, arg) = function(n)?;
        let args = match &arg.value {
            Value::Seq(a) => a.as_slice(),
            _ => std::slice::from_ref(arg),
        };
        match f {
            "Fn::Equals" => {
                let a = self.resolve(args.first()?).value?;
                let b = self.resolve(args.get(1)?).value?;
                Some(text(&a)? == text(&b)?)
            }
            "Fn::Not" => self.truth(args.first()?).map(|b| !b),
            "Fn::And" => args
                .iter()
                .map(|a| self.truth(a))
                .collect::<Option<Vec<_>>>()
                .map(|v| v.iter().all(|b| *b)),
            "Fn::Or" => args
                .iter()
                .map(|a| self.truth(a))
                .collect::<Option<Vec<_>>>()
                .map(|v| v.iter().any(|b| *b)),
            "Condition" => self.condition(arg.as_str()?),
            _ => None,
        }
    }

    /// What `Ref` to a resource gives, and whether the template knows it.
    fn ref_resource(&self, id: &str) -> Resolved {
        let name_property = self.resources.get(id).and_then(|r| {
            let ty = r.get("Type")?.as_str()?;
            let prop = match ty {
                "AWS::RDS::DBCluster" => "DBClusterIdentifier",
                "AWS::RDS::DBClusterParameterGroup" => "DBClusterParameterGroupName",
                "AWS::Redshift::Cluster" => "ClusterIdentifier",
                "AWS::Redshift::ClusterParameterGroup" => "ParameterGroupName",
                "AWS::RedshiftServerless::Namespace" => "NamespaceName",
                "AWS::RedshiftServerless::Workgroup" => "WorkgroupName",
                _ => return None,
            };
            r.get("Properties")?.get(prop)
        });
        let mut r = match name_property {
            // CloudFormation generates the name when the template sets none.
            Some(p) => self.resolve(p),
            None => Resolved::default(),
        };
        r.refs.push((id.to_string(), "Ref".into()));
        r
    }

    fn resolve(&self, n: &Node) -> Resolved {
        let Some((f, arg)) = function(n) else {
            return match &n.value {
                Value::Seq(items) => self.all(items.iter().map(|i| self.resolve(i)), Json::Array),
                Value::Map(entries) => {
                    let keys: Vec<String> = entries
                        .iter()
                        .map(|(k, _)| k.as_str().unwrap_or("").to_string())
                        .collect();
                    self.all(entries.iter().map(|(_, v)| self.resolve(v)), |vals| {
                        Json::Object(keys.iter().cloned().zip(vals).collect())
                    })
                }
                _ => Resolved::known(plain(n).unwrap_or(Json::Null)),
            };
        };
        match f {
            "Ref" => {
                let Some(name) = arg.as_str() else {
                    return Resolved::default();
                };
                if let Some(v) = self.parameters.get(name) {
                    return Resolved::known(v.clone());
                }
                match name {
                    "AWS::Region" => self
                        .region
                        .clone()
                        .map(|r| Resolved::known(Json::String(r)))
                        .unwrap_or_default(),
                    "AWS::Partition" => Resolved::known(Json::String("aws".into())),
                    "AWS::URLSuffix" => Resolved::known(Json::String("amazonaws.com".into())),
                    "AWS::NoValue" => Resolved::known(Json::Null),
                    _ if self.resources.contains_key(name) => self.ref_resource(name),
                    _ => Resolved::default(),
                }
            }
            "Fn::GetAtt" => {
                let parts: Vec<String> = match &arg.value {
                    Value::Seq(p) => p
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect(),
                    Value::Str(s) => s.splitn(2, '.').map(str::to_string).collect(),
                    _ => Vec::new(),
                };
                match parts.as_slice() {
                    [res, attr, ..] => Resolved::unknown(vec![(res.clone(), attr.clone())]),
                    _ => Resolved::default(),
                }
            }
            "Fn::Sub" => self.sub(arg),
            "Fn::Join" => {
                let Value::Seq(a) = &arg.value else {
                    return Resolved::default();
                };
                let (Some(delim), Some(list)) = (a.first().and_then(Node::as_str), a.get(1)) else {
                    return Resolved::default();
                };
                let items = self.resolve(list);
                match items.value {
                    Some(Json::Array(vals)) => {
                        match vals.iter().map(text).collect::<Option<Vec<_>>>() {
                            Some(parts) => Resolved {
                                value: Some(Json::String(parts.join(delim))),
                                refs: items.refs,
                            },
                            None => Resolved::unknown(items.refs),
                        }
                    }
                    _ => Resolved::unknown(items.refs),
                }
            }
            "Fn::If" => {
                let Value::Seq(a) = &arg.value else {
                    return Resolved::default();
                };
                let (Some(c), Some(yes), Some(no)) =
                    (a.first().and_then(Node::as_str), a.get(1), a.get(2))
                else {
                    return Resolved::default();
                };
                match self.condition(c) {
                    Some(true) => self.resolve(yes),
                    Some(false) => self.resolve(no),
                    None => {
                        let mut refs = self.resolve(yes).refs;
                        refs.extend(self.resolve(no).refs);
                        Resolved::unknown(refs)
                    }
                }
            }
            "Fn::Select" => {
                let Value::Seq(a) = &arg.value else {
                    return Resolved::default();
                };
                let (Some(i), Some(list)) = (a.first().map(|i| self.resolve(i)), a.get(1)) else {
                    return Resolved::default();
                };
                let list = self.resolve(list);
                let index = i
                    .value
                    .as_ref()
                    .and_then(text)
                    .and_then(|s| s.parse::<usize>().ok());
                match (index, &list.value) {
                    (Some(i), Some(Json::Array(v))) if i < v.len() => Resolved {
                        value: Some(v[i].clone()),
                        refs: list.refs,
                    },
                    _ => Resolved::unknown(list.refs),
                }
            }
            _ => Resolved::unknown(self.resolve(arg).refs),
        }
    }

    /// All parts known → `make` of their values; else unknown, with every part's edges.
    fn all(
        &self,
        parts: impl Iterator<Item = Resolved>,
        make: impl FnOnce(Vec<Json>) -> Json,
    ) -> Resolved {
        let mut refs = Vec::new();
        let mut values = Vec::new();
        let mut known = true;
        for p in parts {
            refs.extend(p.refs);
            match p.value {
                Some(v) => values.push(v),
                None => known = false,
            }
        }
        Resolved {
            value: known.then(|| make(values)),
            refs,
        }
    }

    /// `Fn::Sub`: a string with `${Name}` / `${Resource.Attr}`, and optional variables.
    fn sub(&self, arg: &Node) -> Resolved {
        let (template, vars) = match &arg.value {
            Value::Str(s) => (s.clone(), None),
            Value::Seq(a) => match (a.first().and_then(Node::as_str), a.get(1)) {
                (Some(s), vars) => (s.to_string(), vars),
                _ => return Resolved::default(),
            },
            _ => return Resolved::default(),
        };
        let mut out = String::new();
        let mut refs = Vec::new();
        let mut known = true;
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            // `${!Literal}` writes `${Literal}`.
            if let Some(lit) = after.strip_prefix('!') {
                out.push_str("${");
                rest = lit;
                continue;
            }
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            let r = match vars.and_then(|v| v.get(name)) {
                Some(node) => self.resolve(node),
                None => match name.split_once('.') {
                    Some((res, attr)) if self.resources.contains_key(res) => {
                        Resolved::unknown(vec![(res.to_string(), attr.to_string())])
                    }
                    _ => self.resolve(&Node {
                        value: Value::Map(vec![(
                            Node {
                                value: Value::Str("Ref".into()),
                                line: arg.line,
                                column: arg.column,
                            },
                            Node {
                                value: Value::Str(name.to_string()),
                                line: arg.line,
                                column: arg.column,
                            },
                        )]),
                        line: arg.line,
                        column: arg.column,
                    }),
                },
            };
            refs.extend(r.refs);
            match r.value.as_ref().and_then(text) {
                Some(t) => out.push_str(&t),
                None => known = false,
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Resolved {
            value: known.then_some(Json::String(out)),
            refs,
        }
    }

    fn resource(&self, id: &str, kind: Kind, node: &Node, key: &Node, file: &str) -> Res {
        let mut attrs = Map::new();
        let mut unknown = BTreeSet::new();
        let mut refs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut ref_attrs = BTreeMap::new();
        let mut configured = BTreeSet::new();
        // What CloudFormation computes while it creates the resource.
        for computed in ["arn", "cluster_namespace_arn"] {
            unknown.insert(computed.to_string());
        }
        for (k, v) in node
            .get("Properties")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let Some(attr) = k.as_str().and_then(|p| attribute(kind, p)) else {
                continue;
            };
            configured.insert(attr.to_string());
            let r = self.resolve(v);
            let targets: Vec<String> = r.refs.iter().map(|(res, _)| res.clone()).collect();
            if let Some((_, a)) = r.refs.first() {
                ref_attrs.insert(attr.to_string(), a.clone());
            }
            if !targets.is_empty() {
                refs.insert(attr.to_string(), targets);
            }
            match r.value {
                Some(value) => {
                    let value = reshape(kind, attr, value);
                    attrs.insert(attr.to_string(), value);
                }
                None => {
                    unknown.insert(attr.to_string());
                }
            }
        }
        if kind == Kind::RedshiftCluster {
            let props = node.get("Properties");
            // Documented defaults: a single-node cluster has one node; Encrypted is false.
            let single = props
                .and_then(|p| p.get("ClusterType"))
                .and_then(Node::as_str)
                == Some("single-node");
            if single && !attrs.contains_key("number_of_nodes") {
                attrs.insert("number_of_nodes".into(), Json::from(1));
            }
            if !configured.contains("encrypted") {
                attrs.insert("encrypted".into(), Json::Bool(false));
            }
        }
        Res {
            kind,
            address: id.to_string(),
            attrs,
            unknown,
            refs,
            ref_attrs,
            configured,
            actions: vec!["create".into()],
            replaced_because: None,
            changed: BTreeSet::new(),
            changed_parameters: Vec::new(),
            location: Location {
                address: id.to_string(),
                file: Some(file.to_string()),
                line: Some(key.line),
                column: Some(key.column),
            },
        }
    }
}

/// CloudFormation's shapes → the Terraform provider's: parameter maps and lists become
/// `parameter` blocks, configuration parameters `config_parameter` blocks, scaling a block.
fn reshape(kind: Kind, attr: &str, value: Json) -> Json {
    match (kind, attr, value) {
        (Kind::ClusterGroup, "parameter", Json::Object(m)) => Json::Array(
            m.into_iter()
                .map(|(name, v)| serde_json::json!({ "name": name, "value": text(&v) }))
                .collect(),
        ),
        (Kind::RedshiftGroup, "parameter", Json::Array(items)) => Json::Array(
            items
                .into_iter()
                .map(|p| {
                    serde_json::json!({
                        "name": p.get("ParameterName"),
                        "value": p.get("ParameterValue").and_then(text),
                    })
                })
                .collect(),
        ),
        (Kind::Workgroup, "config_parameter", Json::Array(items)) => Json::Array(
            items
                .into_iter()
                .map(|p| {
                    serde_json::json!({
                        "parameter_key": p.get("ParameterKey"),
                        "parameter_value": p.get("ParameterValue").and_then(text),
                    })
                })
                .collect(),
        ),
        (Kind::Cluster, "serverlessv2_scaling_configuration", Json::Object(m)) => {
            serde_json::json!([{
                "min_capacity": m.get("MinCapacity"),
                "max_capacity": m.get("MaxCapacity"),
            }])
        }
        (_, _, v) => v,
    }
}

/// `{"Ref": x}` / `{"Fn::…": x}` → the function and its argument.
fn function(n: &Node) -> Option<(&str, &Node)> {
    match &n.value {
        Value::Map(entries) if entries.len() == 1 => {
            let (k, v) = &entries[0];
            let name = k.as_str()?;
            (name == "Ref" || name == "Condition" || name.starts_with("Fn::")).then_some((name, v))
        }
        _ => None,
    }
}

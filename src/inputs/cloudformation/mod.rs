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

mod intrinsics;

use super::planned::{Kind, Res, World};
use super::yaml::{self, Node, Value};

fn kind_of(resource_type: &str) -> Option<Kind> {
    Some(match resource_type {
        "AWS::RDS::DBCluster" => Kind::Cluster,
        "AWS::RDS::DBInstance" => Kind::ClusterInstance,
        "AWS::RDS::DBClusterParameterGroup" => Kind::ClusterGroup,
        "AWS::RDS::DBParameterGroup" => Kind::InstanceGroup,
        "AWS::Redshift::Cluster" => Kind::RedshiftCluster,
        "AWS::Redshift::ClusterParameterGroup" => Kind::RedshiftGroup,
        "AWS::RedshiftServerless::Namespace" => Kind::Namespace,
        "AWS::RedshiftServerless::Workgroup" => Kind::Workgroup,
        "AWS::RDS::Integration" | "AWS::Redshift::Integration" => Kind::Integration,
        "AWS::DynamoDB::Table" => Kind::Table,
        "AWS::KMS::Key" => Kind::KmsKey,
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
        (Kind::Instance, "DBInstanceIdentifier") => "identifier",
        (Kind::Instance, "Engine") => "engine",
        (Kind::Instance, "EngineVersion") => "engine_version",
        (Kind::Instance, "DBParameterGroupName") => "parameter_group_name",
        (Kind::Instance, "BackupRetentionPeriod") => "backup_retention_period",
        (Kind::Instance, "StorageType") => "storage_type",
        (Kind::Instance, "SourceDBInstanceIdentifier") => "replicate_source_db",
        (Kind::Instance, "MultiAZ") => "multi_az",
        (Kind::InstanceGroup, "DBParameterGroupName") => "name",
        (Kind::InstanceGroup, "Family") => "family",
        (Kind::InstanceGroup, "Parameters") => "parameter",
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
        (Kind::KmsKey, "KeyPolicy") => "policy",
        (Kind::KmsKey, "KeySpec") => "customer_master_key_spec",
        (Kind::KmsKey, "KeyUsage") => "key_usage",
        (Kind::KmsKey, "Enabled") => "is_enabled",
        (Kind::Table, "TableName") => "name",
        (Kind::Table, "KeySchema") => "key_schema",
        (Kind::Table, "AttributeDefinitions") => "attribute",
        (Kind::Table, "PointInTimeRecoverySpecification") => "point_in_time_recovery",
        (Kind::Table, "SSESpecification") => "server_side_encryption",
        (Kind::Table, "ResourcePolicy") => "resource_policy",
        (Kind::Integration, "IntegrationName") => "integration_name",
        (Kind::Integration, "SourceArn") => "source_arn",
        (Kind::Integration, "TargetArn") => "target_arn",
        (Kind::Integration, "DataFilter") => "data_filter",
        (Kind::Integration, "KMSKeyId") => "kms_key_id",
        (Kind::Integration, "AdditionalEncryptionContext") => "additional_encryption_context",
        _ => return None,
    })
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
        let Some(mut kind) = node.get("Type").and_then(Node::as_str).and_then(kind_of) else {
            continue;
        };
        // AWS::RDS::DBInstance is an Aurora cluster's instance when it names the cluster,
        // else an RDS DB instance of its own.
        let in_cluster = node
            .get("Properties")
            .and_then(|p| p.get("DBClusterIdentifier"))
            .is_some();
        if kind == Kind::ClusterInstance && !in_cluster {
            kind = Kind::Instance;
        }
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
    fn resource(&self, id: &str, kind: Kind, node: &Node, key: &Node, file: &str) -> Res {
        let mut attrs = Map::new();
        let mut unknown = BTreeSet::new();
        let mut refs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut ref_attrs = BTreeMap::new();
        let mut configured = BTreeSet::new();
        let mut names = BTreeMap::new();
        // What CloudFormation computes while it creates the resource, by its GetAtt name.
        for computed in ["arn", "cluster_namespace_arn"] {
            unknown.insert(computed.to_string());
            let shown = match (kind, computed) {
                (Kind::Cluster, "arn") => "DBClusterArn",
                (Kind::Instance, "arn") => "DBInstanceArn",
                (Kind::KmsKey, "arn") => "Arn",
                (Kind::Table, "arn") => "Arn",
                (Kind::RedshiftCluster, "cluster_namespace_arn") => "ClusterNamespaceArn",
                (Kind::Namespace, "arn") => "Namespace.NamespaceArn",
                (Kind::Workgroup, "arn") => "Workgroup.WorkgroupArn",
                (Kind::Integration, "arn") => "IntegrationArn",
                _ => continue,
            };
            names.insert(computed.to_string(), shown.to_string());
        }
        for (k, v) in node
            .get("Properties")
            .map(Node::entries)
            .unwrap_or_default()
        {
            let Some((property, attr)) = k.as_str().and_then(|p| Some((p, attribute(kind, p)?)))
            else {
                continue;
            };
            names.insert(attr.to_string(), property.to_string());
            configured.insert(attr.to_string());
            let r = if matches!(
                attr,
                "policy" | "server_side_encryption" | "resource_policy"
            ) {
                self.resolve_partial(v)
            } else {
                self.resolve(v)
            };
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
            names,
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
        (Kind::ClusterGroup | Kind::InstanceGroup, "parameter", Json::Object(m)) => Json::Array(
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

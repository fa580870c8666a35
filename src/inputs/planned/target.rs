//! The target end of a planned pair: a provisioned cluster and its parameter group, or a
//! Serverless namespace and workgroup, and the resource policy the plan attaches.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::Value;

use crate::model::{
    ClusterParameterGroupStatus, ConfigParameter, DeploymentFacts, Fact, Namespace, Parameter,
    ParameterGroup, ProvisionedTarget, RedshiftCluster, ServerlessTarget, TargetSnapshot,
    Workgroup,
};

use super::{
    defaults_group, empty_group, not_in_plan, policy_text, scalar, Kind, Res, Resolved, World,
};

impl World {
    pub(super) fn target(
        &self,
        t: &Res,
        plan: &mut DeploymentFacts,
    ) -> Result<TargetSnapshot, String> {
        match t.kind {
            Kind::RedshiftCluster => self.provisioned(t, plan).map(TargetSnapshot::Provisioned),
            Kind::Namespace => {
                let wg = self
                    .of(Kind::Workgroup)
                    .find(|w| w.refers_to("namespace_name", t, "namespace_name"))
                    .ok_or_else(|| {
                        format!(
                            "the plan has no Redshift Serverless workgroup for namespace {}",
                            t.address
                        )
                    })?;
                self.serverless(t, wg, plan).map(TargetSnapshot::Serverless)
            }
            Kind::Workgroup => {
                let ns = match self.resolve(
                    t,
                    "namespace_name",
                    &[Kind::Namespace],
                    &["namespace_name"],
                ) {
                    Resolved::InPlan(ns) => ns,
                    _ => {
                        return Err(format!(
                            "the namespace of workgroup {} is not in the plan",
                            t.address
                        ))
                    }
                };
                self.serverless(ns, t, plan).map(TargetSnapshot::Serverless)
            }
            _ => Err(format!("{} is not a Redshift target", t.address)),
        }
    }

    /// The resource policy on the target, by the plan: its policy document, or none.
    fn policy(
        &self,
        target: &Res,
        arn_attr: &str,
        plan: &mut DeploymentFacts,
    ) -> Fact<Option<String>> {
        // CloudFormation can hold it on the target itself.
        if let Some(p) = target.attrs.get("namespace_resource_policy") {
            plan.locations
                .insert("policy".into(), target.location.clone());
            return Fact::Ok(Some(policy_text(p)));
        }
        if target.is_unknown("namespace_resource_policy") {
            Self::after_apply(
                plan,
                "target.resource_policy",
                target,
                "namespace_resource_policy",
            );
            return Fact::Ok(None);
        }
        let attached = self
            .of(Kind::Policy)
            .find(|p| p.refers_to("resource_arn", target, arn_attr));
        match attached {
            Some(p) => {
                plan.locations.insert("policy".into(), p.location.clone());
                if p.is_unknown("policy") {
                    Self::after_apply(plan, "target.resource_policy", p, "policy");
                    return Fact::Ok(None);
                }
                Fact::Ok(p.attrs.get("policy").map(policy_text))
            }
            None if target.exists() => Fact::Error(not_in_plan(
                "redshift:GetResourcePolicy",
                &format!("the resource policy of {}", target.address),
            )),
            // A target this apply creates has no policy unless the plan attaches one.
            None => Fact::Ok(None),
        }
    }

    fn provisioned(
        &self,
        t: &Res,
        plan: &mut DeploymentFacts,
    ) -> Result<ProvisionedTarget, String> {
        plan.locations.insert("target".into(), t.location.clone());
        let region = self.region_for(t, "arn", "target", plan);
        let exists = t.exists();
        plan.target_exists = exists;
        for (attr, field) in [
            ("node_type", "NodeType"),
            ("number_of_nodes", "NumberOfNodes"),
            ("encrypted", "Encrypted"),
            ("enhanced_vpc_routing", "EnhancedVpcRouting"),
        ] {
            if t.is_unknown(attr) {
                Self::after_apply(plan, &format!("target.cluster.{field}"), t, attr);
            }
        }
        Self::live_state(plan, "target.cluster.ClusterStatus", t, "status");
        let namespace_arn = t.str("cluster_namespace_arn").map(str::to_string);
        if namespace_arn.is_none() {
            Self::after_apply(plan, "target.namespace_arn", t, "cluster_namespace_arn");
        }
        let group_attr = "cluster_parameter_group_name";
        let (group_name, parameter_group) =
            match self.resolve(t, group_attr, &[Kind::RedshiftGroup], &["name"]) {
                Resolved::InPlan(g) => {
                    plan.locations
                        .insert("target_group".into(), g.location.clone());
                    let name = g.str("name").unwrap_or(g.address.as_str()).to_string();
                    let mut params = BTreeMap::new();
                    for (n, p) in g.blocks("parameter").into_iter().enumerate() {
                        let Some(pname) = p.get("name").and_then(Value::as_str) else {
                            continue;
                        };
                        match p.get("value").and_then(scalar) {
                            Some(v) if !g.unknown.contains(&format!("parameter[{n}].value")) => {
                                params.insert(
                                    pname.to_string(),
                                    Parameter {
                                        parameter_value: Some(v),
                                        source: Some("user".into()),
                                        ..Parameter::default()
                                    },
                                );
                            }
                            _ => {
                                plan.unknown.insert(
                                    format!("target.parameter_group.{pname}"),
                                    format!(
                                        "the value of {pname} in {} is known only after apply",
                                        g.address
                                    ),
                                );
                            }
                        }
                    }
                    let group = ParameterGroup {
                        name: name.clone(),
                        family: g.str("family").map(str::to_string),
                        defaults_only: false,
                        parameters: Arc::new(params),
                    };
                    (name, Fact::Ok(group))
                }
                Resolved::Outside(name) if name.starts_with("default.") => {
                    (name.clone(), Fact::Ok(defaults_group(&name, None)))
                }
                Resolved::Outside(name) => (
                    name.clone(),
                    Fact::Error(not_in_plan(
                        "redshift:DescribeClusterParameters",
                        &format!("the cluster parameter group {name}"),
                    )),
                ),
                Resolved::Unknown => {
                    Self::after_apply(plan, "target.parameter_group", t, group_attr);
                    (
                        "(known after apply)".into(),
                        Fact::Ok(empty_group("(known after apply)")),
                    )
                }
                Resolved::Unset => {
                    let name = "default.redshift-2.0".to_string();
                    (name.clone(), Fact::Ok(defaults_group(&name, None)))
                }
            };
        // An existing cluster's parameter apply status is live state: read with --live,
        // unless this apply changes the group or its parameters (then known only after it).
        let group_changes = match self.resolve(t, group_attr, &[Kind::RedshiftGroup], &["name"]) {
            Resolved::InPlan(g) => g.changed_parameters.clone(),
            _ => Vec::new(),
        };
        if exists && t.changed.contains(group_attr) {
            plan.unknown.insert(
                "target.parameter_group".into(),
                format!(
                    "{} gets a new parameter group, live only after the cluster reboots",
                    t.address
                ),
            );
        } else if exists && !group_changes.is_empty() {
            plan.unknown.insert(
                "target.parameter_group".into(),
                format!(
                    "the apply changes {} in the parameter group of {}; whether the cluster applies it before the integration is known only then",
                    group_changes.join(", "),
                    t.address
                ),
            );
        } else {
            Self::live_state(plan, "target.parameter_group", t, "parameter apply status");
        }
        let resource_policy = self.policy(t, "cluster_namespace_arn", plan);
        Ok(ProvisionedTarget {
            region,
            cluster: RedshiftCluster {
                cluster_identifier: t
                    .str("cluster_identifier")
                    .unwrap_or(t.address.as_str())
                    .to_string(),
                node_type: t
                    .str("node_type")
                    .unwrap_or("(known after apply)")
                    .to_string(),
                number_of_nodes: t.int("number_of_nodes"),
                encrypted: t.bool("encrypted"),
                cluster_status: if exists {
                    "(not in the plan)"
                } else {
                    "available"
                }
                .to_string(),
                cluster_namespace_arn: namespace_arn,
                // A cluster this apply creates starts with its group applied.
                cluster_parameter_groups: if exists {
                    Vec::new()
                } else {
                    vec![ClusterParameterGroupStatus {
                        parameter_group_name: group_name,
                        parameter_apply_status: Some("in-sync".into()),
                        cluster_parameter_status_list: Vec::new(),
                    }]
                },
                enhanced_vpc_routing: t.bool("enhanced_vpc_routing"),
                cluster_version: None,
                cluster_revision_number: None,
                tags: Default::default(),
            },
            parameter_group,
            resource_policy,
        })
    }

    fn serverless(
        &self,
        ns: &Res,
        wg: &Res,
        plan: &mut DeploymentFacts,
    ) -> Result<ServerlessTarget, String> {
        plan.locations.insert("target".into(), wg.location.clone());
        plan.locations
            .insert("namespace".into(), ns.location.clone());
        plan.target_exists = wg.exists();
        let region = self.region_for(ns, "arn", "target", plan);
        if wg.is_unknown("config_parameter") {
            Self::after_apply(plan, "target.parameter_group", wg, "config_parameter");
        }
        Self::live_state(plan, "target.workgroup.status", wg, "status");
        Self::live_state(plan, "target.namespace.status", ns, "status");
        let namespace_arn = ns.str("arn").map(str::to_string);
        if namespace_arn.is_none() {
            Self::after_apply(plan, "target.namespace_arn", ns, "arn");
        }
        let config_parameters = wg
            .blocks("config_parameter")
            .into_iter()
            .filter_map(|p| {
                Some(ConfigParameter {
                    parameter_key: p.get("parameter_key")?.as_str()?.to_string(),
                    parameter_value: p.get("parameter_value").and_then(scalar),
                })
            })
            .collect();
        let resource_policy = self.policy(ns, "arn", plan);
        let namespace_name = ns
            .str("namespace_name")
            .unwrap_or(ns.address.as_str())
            .to_string();
        Ok(ServerlessTarget {
            tags: None,
            region,
            workgroup: Workgroup {
                workgroup_name: wg
                    .str("workgroup_name")
                    .unwrap_or(wg.address.as_str())
                    .to_string(),
                workgroup_arn: wg.str("arn").map(str::to_string),
                namespace_name: namespace_name.clone(),
                status: if wg.exists() {
                    "(not in the plan)"
                } else {
                    "AVAILABLE"
                }
                .to_string(),
                config_parameters,
            },
            namespace: Fact::Ok(Namespace {
                namespace_name,
                namespace_arn: namespace_arn.unwrap_or_else(|| ns.address.clone()),
                status: if ns.exists() {
                    "(not in the plan)"
                } else {
                    "AVAILABLE"
                }
                .to_string(),
                kms_key_id: ns.str("kms_key_id").map(str::to_string),
            }),
            resource_policy,
        })
    }
}

//! The planned world: the resources a Terraform plan or CloudFormation template will create
//! or change, with the attribute names of the Terraform AWS provider (the CloudFormation
//! reader renames its properties to them), what is unknown until apply, and the edges
//! between resources. From it, one snapshot per planned integration.
//!
//! What the plan cannot tell is never filled in: it is named in `PlanFacts::unknown` (a
//! value known only after apply) or is a `Fact::Error` (a resource outside the plan that was
//! not fetched), and the rules that need it are `error`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;

use crate::model::{
    CallError, ClusterMember, ClusterParameterGroupStatus, ConfigParameter, DbCluster, Fact,
    Location, Namespace, Parameter, ParameterGroup, PlanFacts, PlannedGroup, PlannedIntegration,
    PlannedParameter, ProvisionedTarget, RedshiftCluster, ServerlessTarget, ServerlessV2Scaling,
    Snapshot, SourceSnapshot, TargetSnapshot, Workgroup, SNAPSHOT_SCHEMA_VERSION,
};

/// What a planned resource is, for zero-ETL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Cluster,
    ClusterInstance,
    ClusterGroup,
    RedshiftCluster,
    RedshiftGroup,
    Namespace,
    Workgroup,
    Policy,
    Integration,
}

/// One planned resource.
#[derive(Debug, Clone)]
pub struct Res {
    pub kind: Kind,
    /// Terraform address or CloudFormation logical id.
    pub address: String,
    /// Attributes by the Terraform provider's names; an unknown one is absent here and named
    /// in `unknown`.
    pub attrs: serde_json::Map<String, Value>,
    /// Attributes known only after apply (top-level names; a list element's unknown field
    /// is `parameter[2].value`).
    pub unknown: BTreeSet<String>,
    /// Attribute → the addresses it refers to (the plan's edges).
    pub refs: BTreeMap<String, Vec<String>>,
    /// Attribute → the attribute of the referred resource (`arn`, `cluster_namespace_arn`).
    pub ref_attrs: BTreeMap<String, String>,
    /// Attributes the configuration sets (an unset optional attribute that AWS computes is
    /// unknown in the plan, yet not set).
    pub configured: BTreeSet<String>,
    /// Terraform's planned actions; CloudFormation: `create`.
    pub actions: Vec<String>,
    /// Why it is replaced (`replace_paths`, `action_reason`).
    pub replaced_because: Option<String>,
    /// Attributes whose value changes in this apply (updates of existing resources).
    pub changed: BTreeSet<String>,
    /// Parameters whose value or apply method changes (parameter groups being updated).
    pub changed_parameters: Vec<String>,
    pub location: Location,
}

impl Res {
    /// It exists already: this plan updates it or leaves it be.
    pub fn exists(&self) -> bool {
        !self.actions.iter().any(|a| a == "create")
    }

    pub fn str(&self, attr: &str) -> Option<&str> {
        self.attrs
            .get(attr)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }

    pub fn is_unknown(&self, attr: &str) -> bool {
        self.unknown.contains(attr)
    }

    /// Does `attr` name `other`: by a reference, or by the same known value as its `key`?
    fn refers_to(&self, attr: &str, other: &Res, key: &str) -> bool {
        self.refs
            .get(attr)
            .is_some_and(|r| r.contains(&other.address))
            || (self.str(attr).is_some() && self.str(attr) == other.str(key))
    }

    /// Unknown until apply, and set by the configuration (not left to AWS).
    fn set_but_unknown(&self, attr: &str) -> bool {
        self.is_unknown(attr) && self.configured.contains(attr)
    }

    fn bool(&self, attr: &str) -> Option<bool> {
        self.attrs.get(attr).and_then(Value::as_bool)
    }

    fn int(&self, attr: &str) -> Option<i64> {
        let v = self.attrs.get(attr)?;
        v.as_i64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    }

    /// A list of objects (a Terraform block, a CloudFormation list of objects).
    fn blocks(&self, attr: &str) -> Vec<&serde_json::Map<String, Value>> {
        match self.attrs.get(attr) {
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_object).collect(),
            _ => Vec::new(),
        }
    }
}

/// Every planned resource of a plan or template.
#[derive(Debug, Clone, Default)]
pub struct World {
    pub tool: String,
    pub file: String,
    /// The Region the plan deploys to, when it says (provider configuration, template ARNs)
    /// or the caller knows (`--region`).
    pub region: Option<String>,
    pub resources: Vec<Res>,
}

/// Where an edge leads.
enum Resolved<'a> {
    /// To a resource in the plan.
    InPlan(&'a Res),
    /// To something outside the plan, named by this value (an ARN or a name).
    Outside(String),
    /// To a value known only after apply that names nothing in the plan.
    Unknown,
    /// The attribute is not set.
    Unset,
}

/// A pair that could not be made into a snapshot, and why.
#[derive(Debug, Clone)]
pub struct Unchecked {
    pub address: String,
    pub why: String,
}

/// One end of a planned pair.
#[derive(Debug, Clone)]
pub enum Side<T> {
    /// Built from the plan.
    Planned(T),
    /// Outside the plan, named by this ARN or name: only AWS can tell about it.
    Outside(String),
}

/// A planned pair before the ends outside the plan are read (or found missing).
#[derive(Debug, Clone)]
pub struct PlannedPair {
    pub address: String,
    pub source: Side<SourceSnapshot>,
    pub target: Side<TargetSnapshot>,
    /// The resource policy the plan attaches to a target outside it.
    pub target_policy: Option<Fact<Option<String>>>,
    pub plan: PlanFacts,
}

impl PlannedPair {
    /// The ends outside the plan, for messages.
    pub fn outside(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Side::Outside(s) = &self.source {
            v.push(format!("its source {s} (an Aurora DB cluster)"));
        }
        if let Side::Outside(t) = &self.target {
            v.push(format!("its target {t} (a Redshift namespace)"));
        }
        v
    }

    /// The snapshot, when both ends are in the plan; else why it is not checked offline.
    pub fn offline(self) -> Result<Snapshot, Unchecked> {
        let outside = self.outside();
        match (self.source, self.target) {
            (Side::Planned(s), Side::Planned(t)) => Ok(snapshot(s, t, self.plan)),
            _ => Err(Unchecked {
                why: format!(
                    "{} is not checked: {} not in the plan, and not read from AWS (run with --live and credentials)",
                    self.address,
                    outside.join(" and ")
                ),
                address: self.address,
            }),
        }
    }

    /// The snapshot, with the ends outside the plan as AWS reported them.
    pub fn complete(
        self,
        source: Option<SourceSnapshot>,
        target: Option<TargetSnapshot>,
    ) -> Result<Snapshot, Unchecked> {
        let address = self.address.clone();
        let missing = |what: &str| Unchecked {
            address: address.clone(),
            why: format!("{address} is not checked: {what} was not read"),
        };
        let source = match (self.source, source) {
            (Side::Planned(s), _) | (Side::Outside(_), Some(s)) => s,
            (Side::Outside(_), None) => return Err(missing("its source")),
        };
        let mut target = match (self.target, target) {
            (Side::Planned(t), _) | (Side::Outside(_), Some(t)) => t,
            (Side::Outside(_), None) => return Err(missing("its target")),
        };
        if let Some(policy) = self.target_policy {
            match &mut target {
                TargetSnapshot::Provisioned(p) => p.resource_policy = policy,
                TargetSnapshot::Serverless(s) => s.resource_policy = policy,
            }
        }
        Ok(snapshot(source, target, self.plan))
    }
}

fn snapshot(source: SourceSnapshot, target: TargetSnapshot, plan: PlanFacts) -> Snapshot {
    Snapshot {
        schema_version: SNAPSHOT_SCHEMA_VERSION,
        tool_version: Some(env!("CARGO_PKG_VERSION").to_string()),
        captured_at: None,
        source,
        target,
        integrations: Fact::Error(not_in_plan(
            crate::fetch::calls::DESCRIBE_INTEGRATIONS,
            "the account's existing integrations",
        )),
        schema: None,
        notes: Vec::new(),
        plan: Some(plan),
    }
}

fn not_in_plan(call: &str, what: &str) -> CallError {
    CallError::new(
        call,
        Some(crate::model::fact::NOT_IN_PLAN),
        format!("{what}: not in the plan, and not read from AWS"),
    )
}

fn region_of(arn: &str) -> Option<String> {
    arn.split(':')
        .nth(3)
        .filter(|r| !r.is_empty())
        .map(str::to_string)
}

impl World {
    fn get(&self, address: &str) -> Option<&Res> {
        self.resources.iter().find(|r| r.address == address)
    }

    fn of(&self, kind: Kind) -> impl Iterator<Item = &Res> {
        self.resources.iter().filter(move |r| r.kind == kind)
    }

    /// Follow `attr` of `from` to a resource of one of `kinds`: by its references first,
    /// then by a known value matched against the candidates' identifying attributes.
    fn resolve<'a>(&'a self, from: &Res, attr: &str, kinds: &[Kind], ids: &[&str]) -> Resolved<'a> {
        if let Some(refs) = from.refs.get(attr) {
            if let Some(r) = refs
                .iter()
                .filter_map(|a| self.get(a))
                .find(|r| kinds.contains(&r.kind))
            {
                return Resolved::InPlan(r);
            }
        }
        if from.is_unknown(attr) {
            return Resolved::Unknown;
        }
        let Some(value) = from.str(attr) else {
            return Resolved::Unset;
        };
        let hit = self
            .resources
            .iter()
            .filter(|r| kinds.contains(&r.kind))
            .find(|r| ids.iter().any(|id| r.str(id) == Some(value)));
        match hit {
            Some(r) => Resolved::InPlan(r),
            None => Resolved::Outside(value.to_string()),
        }
    }

    /// One snapshot per planned integration whose both ends are in the plan (or the
    /// `--source`/`--target` pair when the plan has none), and the pairs that could not be
    /// built (an end outside the plan, offline).
    pub fn snapshots(
        &self,
        pair: Option<(&str, &str)>,
    ) -> Result<(Vec<Snapshot>, Vec<Unchecked>), String> {
        let (pairs, mut unchecked) = self.pairs(pair)?;
        let mut snaps = Vec::new();
        for p in pairs {
            match p.offline() {
                Ok(s) => snaps.push(s),
                Err(u) => unchecked.push(u),
            }
        }
        Ok((snaps, unchecked))
    }

    /// Every planned pair, its ends built from the plan or named as outside it.
    pub fn pairs(
        &self,
        pair: Option<(&str, &str)>,
    ) -> Result<(Vec<PlannedPair>, Vec<Unchecked>), String> {
        let mut pairs = Vec::new();
        let mut unchecked = Vec::new();
        let integrations: Vec<&Res> = self
            .of(Kind::Integration)
            .filter(|i| !(i.actions.len() == 1 && i.actions[0] == "delete"))
            .collect();
        if integrations.is_empty() {
            let Some((s, t)) = pair else {
                return Ok((pairs, unchecked));
            };
            let source = self
                .get(s)
                .filter(|r| r.kind == Kind::Cluster)
                .ok_or_else(|| {
                    format!(
                        "--source {s}: no Aurora DB cluster with this address in {}",
                        self.file
                    )
                })?;
            let target = self
                .get(t)
                .filter(|r| {
                    matches!(
                        r.kind,
                        Kind::RedshiftCluster | Kind::Namespace | Kind::Workgroup
                    )
                })
                .ok_or_else(|| {
                    format!(
                        "--target {t}: no Redshift cluster, namespace or workgroup with this address in {}",
                        self.file
                    )
                })?;
            let address = format!("{s} → {t}");
            match self.pair(
                &address,
                Resolved::InPlan(source),
                Resolved::InPlan(target),
                None,
            ) {
                Ok(p) => pairs.push(p),
                Err(why) => unchecked.push(Unchecked { address, why }),
            }
            return Ok((pairs, unchecked));
        }
        for i in integrations {
            let source = self.resolve(i, "source_arn", &[Kind::Cluster], &["arn"]);
            let target = self.resolve(
                i,
                "target_arn",
                &[Kind::RedshiftCluster, Kind::Namespace],
                &["cluster_namespace_arn", "arn"],
            );
            match self.pair(&i.address, source, target, Some(i)) {
                Ok(p) => pairs.push(p),
                Err(why) => unchecked.push(Unchecked {
                    address: i.address.clone(),
                    why: format!("{} is not checked: {why}", i.address),
                }),
            }
        }
        Ok((pairs, unchecked))
    }

    /// One planned pair: each end built from the plan, or named as outside it.
    fn pair(
        &self,
        address: &str,
        source: Resolved<'_>,
        target: Resolved<'_>,
        integration: Option<&Res>,
    ) -> Result<PlannedPair, String> {
        let when = match self.tool.as_str() {
            "cloudformation" => "known only while the stack is created",
            _ => "known only after apply",
        };
        let unresolvable = |r: &Resolved<'_>, attr: &str, what: &str| match r {
            Resolved::Unknown => Some(format!(
                "its {attr} is {when} and refers to no {what} in the plan"
            )),
            Resolved::Unset => Some(format!("it sets no {attr}")),
            _ => None,
        };
        let problems: Vec<String> = [
            unresolvable(&source, "source_arn", "Aurora DB cluster"),
            unresolvable(&target, "target_arn", "Redshift namespace"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let mut plan = PlanFacts {
            tool: self.tool.clone(),
            file: self.file.clone(),
            source_exists: true,
            ..PlanFacts::default()
        };
        let source = match source {
            Resolved::InPlan(cluster) => {
                plan.source_exists = cluster.exists();
                plan.locations
                    .insert("source".into(), cluster.location.clone());
                Side::Planned(self.source(cluster, &mut plan)?)
            }
            Resolved::Outside(v) => Side::Outside(v),
            Resolved::Unknown | Resolved::Unset => unreachable!("refused above"),
        };
        let (target, target_policy) = match target {
            Resolved::InPlan(t) => (Side::Planned(self.target(t, &mut plan)?), None),
            Resolved::Outside(v) => {
                let policy = self.policy_on_outside(&v, &mut plan);
                (Side::Outside(v), policy)
            }
            Resolved::Unknown | Resolved::Unset => unreachable!("refused above"),
        };
        if let Some(i) = integration {
            plan.locations
                .insert("integration".into(), i.location.clone());
            plan.integration = Some(self.integration(i, &mut plan));
        }
        Ok(PlannedPair {
            address: address.to_string(),
            source,
            target,
            target_policy,
            plan,
        })
    }

    /// A resource policy the plan attaches to a target outside it (by its namespace ARN).
    fn policy_on_outside(&self, arn: &str, plan: &mut PlanFacts) -> Option<Fact<Option<String>>> {
        let p = self
            .of(Kind::Policy)
            .find(|p| p.str("resource_arn") == Some(arn))?;
        plan.locations.insert("policy".into(), p.location.clone());
        if p.is_unknown("policy") {
            Self::after_apply(plan, "target.resource_policy", p, "policy");
            return Some(Fact::Ok(None));
        }
        Some(Fact::Ok(p.attrs.get("policy").map(policy_text)))
    }

    fn region_for(&self, res: &Res, arn_attr: &str, side: &str, plan: &mut PlanFacts) -> String {
        if let Some(r) = res.str(arn_attr).and_then(region_of) {
            return r;
        }
        match &self.region {
            Some(r) => r.clone(),
            None => {
                plan.unknown.insert(
                    format!("{side}.region"),
                    format!(
                        "the Region of {} is not in the plan (the provider sets none): pass --region",
                        res.address
                    ),
                );
                "(unknown Region)".into()
            }
        }
    }

    /// A resource that exists already has live state (status, writer) no plan holds.
    fn live_state(plan: &mut PlanFacts, path: &str, res: &Res, what: &str) {
        if res.exists() {
            plan.unknown.insert(
                path.to_string(),
                format!(
                    "{} exists already; its {what} is not in the plan, and not read from AWS",
                    res.address
                ),
            );
        }
    }

    /// Name `path` unknown because `attr` of `res` is known only after apply.
    fn after_apply(plan: &mut PlanFacts, path: &str, res: &Res, attr: &str) {
        let when = match plan.tool.as_str() {
            "cloudformation" => "known only while the stack is created",
            _ => "known only after apply",
        };
        plan.unknown.insert(
            path.to_string(),
            format!("{}.{attr} is {when}", res.address),
        );
    }

    fn source(&self, c: &Res, plan: &mut PlanFacts) -> Result<SourceSnapshot, String> {
        let engine = c
            .str("engine")
            .ok_or_else(|| format!("{} has no known engine", c.address))?
            .to_string();
        if !crate::model::SUPPORTED_ENGINES.contains(&engine.as_str()) {
            return Err(format!(
                "{} runs engine '{engine}'; zetl-preflight checks Aurora MySQL and Aurora PostgreSQL",
                c.address
            ));
        }
        let region = self.region_for(c, "arn", "source", plan);
        let engine_version = match c.str("engine_version") {
            Some(v) => v.to_string(),
            None => {
                let why = if c.is_unknown("engine_version") {
                    format!("{}.engine_version is known only after apply", c.address)
                } else {
                    format!(
                        "{} sets no engine_version: AWS picks the default version at apply; pin one",
                        c.address
                    )
                };
                plan.unknown
                    .insert("source.cluster.EngineVersion".into(), why);
                "(known after apply)".into()
            }
        };
        let exists = c.exists();
        Self::live_state(plan, "source.cluster.Status", c, "Status");
        Self::live_state(
            plan,
            "source.cluster.DBClusterMembers",
            c,
            "DBClusterMembers",
        );
        for (attr, field) in [
            ("backtrack_window", "BacktrackWindow"),
            ("global_cluster_identifier", "GlobalClusterIdentifier"),
            ("engine_mode", "EngineMode"),
        ] {
            if c.is_unknown(attr) {
                Self::after_apply(plan, &format!("source.cluster.{field}"), c, attr);
            }
        }
        // The writer and readers: the plan's instances of this cluster; the first one writes.
        let members: Vec<ClusterMember> = self
            .of(Kind::ClusterInstance)
            .filter(|i| i.refers_to("cluster_identifier", c, "cluster_identifier"))
            .enumerate()
            .map(|(n, i)| ClusterMember {
                db_instance_identifier: i
                    .str("identifier")
                    .unwrap_or(i.address.as_str())
                    .to_string(),
                is_cluster_writer: n == 0,
                db_cluster_parameter_group_status: Some("in-sync".into()),
            })
            .collect();
        let (group_name, parameter_group) = self.source_group(c, &engine, &engine_version, plan);
        let scaling = c
            .blocks("serverlessv2_scaling_configuration")
            .first()
            .map(|b| ServerlessV2Scaling {
                min_capacity: b.get("min_capacity").and_then(Value::as_f64),
                max_capacity: b.get("max_capacity").and_then(Value::as_f64),
            });
        let global = c.str("global_cluster_identifier").map(str::to_string);
        let cluster = DbCluster {
            db_cluster_identifier: c
                .str("cluster_identifier")
                .unwrap_or(c.address.as_str())
                .to_string(),
            db_cluster_arn: c.str("arn").unwrap_or(c.address.as_str()).to_string(),
            engine: engine.clone(),
            engine_version: engine_version.clone(),
            engine_mode: Some(c.str("engine_mode").unwrap_or("provisioned").to_string()),
            status: if exists {
                "(not in the plan)"
            } else {
                "available"
            }
            .to_string(),
            db_cluster_parameter_group: group_name,
            db_cluster_members: members,
            backtrack_window: c.int("backtrack_window").filter(|w| *w > 0),
            earliest_backtrack_time: None,
            backtrack_consumed_change_records: None,
            cross_account_clone: None,
            cluster_scalability_type: c.str("cluster_scalability_type").map(str::to_string),
            serverless_v2_scaling_configuration: scaling,
            global_cluster_identifier: global.clone(),
            endpoint: None,
            port: None,
            master_username: None,
            master_user_secret_arn: None,
        };
        Ok(SourceSnapshot {
            region,
            cluster,
            parameter_group,
            engine_defaults: Fact::Error(not_in_plan(
                "rds:DescribeEngineDefaultClusterParameters",
                &format!(
                    "the engine defaults of {}",
                    crate::fetch::source::family_for(&engine, &engine_version)
                ),
            )),
            global_cluster: global.map(|_| {
                Fact::Error(not_in_plan(
                    "rds:DescribeGlobalClusters",
                    "the global database",
                ))
            }),
            blue_green_deployments: Some(if exists {
                Fact::Error(not_in_plan(
                    "rds:DescribeBlueGreenDeployments",
                    "the cluster's blue/green deployments",
                ))
            } else {
                // A cluster this apply creates has none.
                Fact::Ok(Vec::new())
            }),
        })
    }

    /// The source's parameter group: its name and what the plan puts in it.
    fn source_group(
        &self,
        c: &Res,
        engine: &str,
        version: &str,
        plan: &mut PlanFacts,
    ) -> (String, Fact<ParameterGroup>) {
        let attr = "db_cluster_parameter_group_name";
        let family = crate::fetch::source::family_for(engine, version);
        if c.changed.contains(attr) {
            plan.reboot_needed.push(format!(
                "gives {} the parameter group {}",
                c.address,
                c.str(attr).unwrap_or("(known after apply)")
            ));
        }
        match self.resolve(c, attr, &[Kind::ClusterGroup], &["name"]) {
            Resolved::InPlan(g) => {
                plan.locations
                    .insert("source_group".into(), g.location.clone());
                let name = g.str("name").unwrap_or(g.address.as_str()).to_string();
                if g.is_unknown("parameter") {
                    Self::after_apply(plan, "source.parameter_group", g, "parameter");
                }
                let mut planned = Vec::new();
                let mut params = BTreeMap::new();
                for (n, p) in g.blocks("parameter").into_iter().enumerate() {
                    let Some(pname) = p.get("name").and_then(Value::as_str) else {
                        continue;
                    };
                    let value = p.get("value").and_then(scalar);
                    let unknown_value = g.unknown.contains(&format!("parameter[{n}].value"));
                    if value.is_none() || unknown_value {
                        plan.unknown.insert(
                            format!("source.parameter_group.{pname}"),
                            format!(
                                "the value of {pname} in {} is known only after apply",
                                g.address
                            ),
                        );
                    }
                    if let (Some(v), false) = (&value, unknown_value) {
                        params.insert(
                            pname.to_string(),
                            Parameter {
                                parameter_value: Some(v.clone()),
                                source: Some("user".into()),
                                ..Parameter::default()
                            },
                        );
                    }
                    planned.push(PlannedParameter {
                        name: pname.to_string(),
                        value: value.filter(|_| !unknown_value),
                        apply_method: p
                            .get("apply_method")
                            .and_then(Value::as_str)
                            .map(str::to_string),
                    });
                }
                if c.exists() {
                    plan.changed_parameters = g.changed_parameters.clone();
                }
                plan.source_group = Some(PlannedGroup {
                    address: g.address.clone(),
                    name: name.clone(),
                    parameters: planned,
                });
                (
                    name.clone(),
                    Fact::Ok(ParameterGroup {
                        name,
                        family: g.str("family").map(str::to_string).or(Some(family)),
                        defaults_only: false,
                        parameters: Arc::new(params),
                    }),
                )
            }
            Resolved::Outside(name) if name.starts_with("default.") => (
                name.clone(),
                Fact::Ok(ParameterGroup {
                    name,
                    family: Some(family),
                    defaults_only: true,
                    parameters: Arc::default(),
                }),
            ),
            Resolved::Outside(name) => (
                name.clone(),
                Fact::Error(not_in_plan(
                    crate::fetch::calls::DESCRIBE_DB_CLUSTER_PARAMETERS,
                    &format!("the DB cluster parameter group {name}"),
                )),
            ),
            Resolved::Unknown => {
                Self::after_apply(plan, "source.parameter_group", c, attr);
                Self::after_apply(plan, "source.cluster.DBClusterParameterGroup", c, attr);
                (
                    "(known after apply)".into(),
                    Fact::Ok(empty_group("(known after apply)")),
                )
            }
            // No group named: the cluster gets its family's default group.
            Resolved::Unset => {
                let name = format!("default.{family}");
                (
                    name.clone(),
                    Fact::Ok(ParameterGroup {
                        name,
                        family: Some(family),
                        defaults_only: true,
                        parameters: Arc::default(),
                    }),
                )
            }
        }
    }

    fn target(&self, t: &Res, plan: &mut PlanFacts) -> Result<TargetSnapshot, String> {
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
    fn policy(&self, target: &Res, arn_attr: &str, plan: &mut PlanFacts) -> Fact<Option<String>> {
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

    fn provisioned(&self, t: &Res, plan: &mut PlanFacts) -> Result<ProvisionedTarget, String> {
        plan.locations.insert("target".into(), t.location.clone());
        let region = self.region_for(t, "arn", "target", plan);
        let exists = t.exists();
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
                Resolved::Outside(name) if name.starts_with("default.") => (
                    name.clone(),
                    Fact::Ok(ParameterGroup {
                        defaults_only: true,
                        ..empty_group(&name)
                    }),
                ),
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
                    (
                        name.clone(),
                        Fact::Ok(ParameterGroup {
                            defaults_only: true,
                            ..empty_group(&name)
                        }),
                    )
                }
            };
        if exists && t.changed.contains(group_attr) {
            plan.unknown.insert(
                "target.parameter_group".into(),
                format!(
                    "{} gets a new parameter group, live only after the cluster reboots",
                    t.address
                ),
            );
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
            },
            parameter_group,
            resource_policy,
        })
    }

    fn serverless(
        &self,
        ns: &Res,
        wg: &Res,
        plan: &mut PlanFacts,
    ) -> Result<ServerlessTarget, String> {
        plan.locations.insert("target".into(), wg.location.clone());
        plan.locations
            .insert("namespace".into(), ns.location.clone());
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

    fn integration(&self, i: &Res, plan: &mut PlanFacts) -> PlannedIntegration {
        for (attr, field) in [
            ("data_filter", "DataFilter"),
            ("kms_key_id", "KMSKeyId"),
            (
                "additional_encryption_context",
                "AdditionalEncryptionContext",
            ),
        ] {
            if i.set_but_unknown(attr) {
                Self::after_apply(plan, &format!("plan.integration.{field}"), i, attr);
            }
        }
        let context = match i.attrs.get("additional_encryption_context") {
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| (k.clone(), scalar(v).unwrap_or_default()))
                .collect(),
            _ => BTreeMap::new(),
        };
        PlannedIntegration {
            address: i.address.clone(),
            actions: i.actions.clone(),
            replaced_because: i.replaced_because.clone(),
            data_filter: i.str("data_filter").map(str::to_string),
            kms_key_id: i.str("kms_key_id").map(str::to_string),
            additional_encryption_context: context,
        }
    }
}

fn empty_group(name: &str) -> ParameterGroup {
    ParameterGroup {
        name: name.to_string(),
        family: None,
        defaults_only: false,
        parameters: Arc::default(),
    }
}

/// A string, number or boolean as the text AWS would hold.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A policy as JSON text: Terraform holds it as a string, CloudFormation as an object.
fn policy_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

//! The planned world: the resources a Terraform plan or CloudFormation template will create
//! or change, with the attribute names of the Terraform AWS provider (the CloudFormation
//! reader renames its properties to them), what is unknown until apply, and the edges
//! between resources. From it, one snapshot per planned integration.
//!
//! What the plan cannot tell is never filled in: it is named in `DeploymentFacts::unknown` (a
//! value known only after apply) or is a `Fact::Error` (a resource outside the plan that was
//! not fetched), and the rules that need it are `error`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;

use crate::model::{
    CallError, DeploymentFacts, Edge, Fact, KeyDescription, KmsKey, Location, ParameterGroup,
    PlannedIntegration, Snapshot,
};

mod pair;
mod source;
mod table;
mod target;

pub use pair::{PlannedPair, Side};

/// What a planned resource is, for zero-ETL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Cluster,
    ClusterInstance,
    ClusterGroup,
    /// An RDS DB instance of its own (not a cluster's): RDS for MySQL, PostgreSQL, Oracle.
    Instance,
    /// A DB parameter group (an RDS instance's).
    InstanceGroup,
    RedshiftCluster,
    RedshiftGroup,
    Namespace,
    Workgroup,
    Policy,
    Integration,
    /// A KMS key (`aws_kms_key`, `AWS::KMS::Key`), with its key policy.
    KmsKey,
    /// A DynamoDB table (`aws_dynamodb_table`, `AWS::DynamoDB::Table`).
    Table,
    /// A DynamoDB table's resource policy (`aws_dynamodb_resource_policy`).
    TablePolicy,
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
    /// Attribute → its name in the file when it differs (CloudFormation's property and
    /// `GetAtt` names), for messages.
    pub names: BTreeMap<String, String>,
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

/// A pair that could not be made into a snapshot, and why: one sentence naming it.
#[derive(Debug, Clone)]
pub struct Unchecked {
    pub why: String,
}

impl Unchecked {
    /// `{address} is not checked: {reason}`.
    pub fn new(address: &str, reason: impl std::fmt::Display) -> Unchecked {
        Unchecked {
            why: format!("{address} is not checked: {reason}"),
        }
    }
}

/// How a reason ends when AWS was not asked (`--offline`, or no credentials); a live read
/// that fails replaces it with what failed.
pub const NOT_READ_LIVE: &str = ", and not read from AWS";

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
                .filter(|r| matches!(r.kind, Kind::Cluster | Kind::Instance | Kind::Table))
                .ok_or_else(|| {
                    format!(
                        "--source {s}: no Aurora DB cluster, RDS DB instance or DynamoDB table with this address in {}",
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
                Err(why) => unchecked.push(Unchecked::new(&address, why)),
            }
            return Ok((pairs, unchecked));
        }
        for i in integrations {
            let source = self.resolve(
                i,
                "source_arn",
                &[Kind::Cluster, Kind::Instance, Kind::Table],
                &["arn"],
            );
            let target = self.resolve(
                i,
                "target_arn",
                // A workgroup is not a target ARN, but a plan that names one is judged (ZT008).
                &[Kind::RedshiftCluster, Kind::Namespace, Kind::Workgroup],
                &["cluster_namespace_arn", "arn"],
            );
            match self.pair(&i.address, source, target, Some(i)) {
                Ok(p) => pairs.push(p),
                Err(why) => unchecked.push(Unchecked::new(&i.address, why)),
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
            unresolvable(
                &source,
                "source_arn",
                "Aurora DB cluster, RDS DB instance or DynamoDB table",
            ),
            unresolvable(&target, "target_arn", "Redshift namespace"),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let mut plan = DeploymentFacts {
            tool: self.tool.clone(),
            file: self.file.clone(),
            source_exists: true,
            ..DeploymentFacts::default()
        };
        let source = match source {
            Resolved::InPlan(res) => {
                plan.source_exists = res.exists();
                plan.locations.insert("source".into(), res.location.clone());
                Side::Planned(match res.kind {
                    Kind::Instance => self.instance_source(res, &mut plan)?,
                    Kind::Table => self.table_source(res, &mut plan)?,
                    _ => self.source(res, &mut plan)?,
                })
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
        let mut kms_key = None;
        if let Some(i) = integration {
            plan.locations
                .insert("integration".into(), i.location.clone());
            plan.integration = Some(self.integration(i, &mut plan));
            kms_key = self.planned_key(i, &source);
        }
        Ok(PlannedPair {
            address: address.to_string(),
            source,
            target,
            target_policy,
            plan,
            kms_key,
        })
    }

    /// A resource policy the plan attaches to a target outside it (by its namespace ARN).
    fn policy_on_outside(
        &self,
        arn: &str,
        plan: &mut DeploymentFacts,
    ) -> Option<Fact<Option<String>>> {
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

    fn region_for(
        &self,
        res: &Res,
        arn_attr: &str,
        side: &str,
        plan: &mut DeploymentFacts,
    ) -> String {
        if let Some(r) = res.str(arn_attr).and_then(region_of) {
            return r;
        }
        match &self.region {
            Some(r) => r.clone(),
            None => {
                let why = match plan.tool.as_str() {
                    "cloudformation" => "the template names none",
                    _ => "the provider sets none",
                };
                plan.unknown.insert(
                    format!("{side}.region"),
                    format!("the Region of {} is not known ({why})", res.address),
                );
                String::new()
            }
        }
    }

    /// A resource that exists already has live state (status, writer) no plan holds.
    fn live_state(plan: &mut DeploymentFacts, path: &str, res: &Res, what: &str) {
        if res.exists() {
            plan.unknown.insert(
                path.to_string(),
                format!(
                    "{} exists already; its {what} is not in the plan{NOT_READ_LIVE}",
                    res.address
                ),
            );
        }
    }

    /// Name `path` unknown because `attr` of `res` is known only after apply.
    fn after_apply(plan: &mut DeploymentFacts, path: &str, res: &Res, attr: &str) {
        let attr = res.names.get(attr).map_or(attr, String::as_str);
        let when = match plan.tool.as_str() {
            "cloudformation" => "known only while the stack is created",
            _ => "known only after apply",
        };
        plan.unknown.insert(
            path.to_string(),
            format!("{}.{attr} is {when}", res.address),
        );
    }

    /// The integration's KMS key as the plan has it: a key of the plan with its key policy
    /// (AWS's default key policy when the plan sets none), a key outside it (unverified
    /// unless read live), or none (the AWS owned key).
    fn planned_key(&self, i: &Res, source: &Side<crate::model::SourceSnapshot>) -> Option<KmsKey> {
        let context: BTreeMap<String, String> = match i.attrs.get("additional_encryption_context") {
            Some(Value::Object(m)) => m
                .iter()
                .map(|(k, v)| (k.clone(), scalar(v).unwrap_or_default()))
                .collect(),
            _ => BTreeMap::new(),
        };
        let key = |given: String, description, policy| KmsKey {
            given,
            origin: format!("{}.kms_key_id", i.address),
            description,
            policy,
            encryption_context: context.clone(),
            tags: None,
        };
        // Not a fact AWS holds yet: nothing to read live.
        let unknown = |call: &str, what: &str| {
            CallError::new(call, None, format!("{what} is known only after apply"))
        };
        match self.resolve(i, "kms_key_id", &[Kind::KmsKey], &["arn", "key_id"]) {
            Resolved::Unset => None,
            Resolved::Unknown => Some(key(
                format!("{}.kms_key_id", i.address),
                Fact::Error(unknown(crate::fetch::calls::DESCRIBE_KEY, "the key")),
                Fact::Error(unknown(
                    crate::fetch::calls::GET_KEY_POLICY,
                    "the key policy",
                )),
            )),
            Resolved::Outside(v) => Some(key(
                v.clone(),
                Fact::Error(not_in_plan(
                    crate::fetch::calls::DESCRIBE_KEY,
                    &format!("the KMS key {v}"),
                )),
                Fact::Error(not_in_plan(
                    crate::fetch::calls::GET_KEY_POLICY,
                    &format!("the key policy of {v}"),
                )),
            )),
            Resolved::InPlan(k) => {
                let account = match source {
                    Side::Planned(s) => s.account(),
                    Side::Outside(v) => crate::model::arn::account_of(v),
                }
                .unwrap_or_else(|| "ACCOUNT".into());
                let description = KeyDescription {
                    key_id: k.str("key_id").unwrap_or(k.address.as_str()).to_string(),
                    arn: k.str("arn").unwrap_or(k.address.as_str()).to_string(),
                    key_state: if k.bool("is_enabled") == Some(false) {
                        "Disabled"
                    } else {
                        "Enabled"
                    }
                    .into(),
                    key_manager: "CUSTOMER".into(),
                    key_spec: k
                        .str("customer_master_key_spec")
                        .unwrap_or("SYMMETRIC_DEFAULT")
                        .to_string(),
                    key_usage: k.str("key_usage").unwrap_or("ENCRYPT_DECRYPT").to_string(),
                };
                let policy = match k.attrs.get("policy") {
                    Some(p) => Fact::Ok(policy_text(p)),
                    None if k.set_but_unknown("policy") => Fact::Error(unknown(
                        crate::fetch::calls::GET_KEY_POLICY,
                        &format!("{}.policy", k.address),
                    )),
                    // No policy in the plan: AWS gives the key its default key policy, which
                    // allows the account root and nothing else.
                    None => Fact::Ok(
                        serde_json::json!({
                            "Version": "2012-10-17",
                            "Statement": [{
                                "Sid": "Enable IAM User Permissions",
                                "Effect": "Allow",
                                "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
                                "Action": "kms:*",
                                "Resource": "*"
                            }]
                        })
                        .to_string(),
                    ),
                };
                Some(key(k.address.clone(), Fact::Ok(description), policy))
            }
        }
    }

    fn integration(&self, i: &Res, plan: &mut DeploymentFacts) -> PlannedIntegration {
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
        let edge = |attr: &str| match (i.str(attr), i.refs.get(attr), i.ref_attrs.get(attr)) {
            (Some(v), _, _) => Some(Edge::Value(v.to_string())),
            (None, Some(refs), Some(a)) => {
                refs.first().map(|r| Edge::Attribute(r.clone(), a.clone()))
            }
            _ => None,
        };
        PlannedIntegration {
            address: i.address.clone(),
            actions: i.actions.clone(),
            replaced_because: i.replaced_because.clone(),
            data_filter: i.str("data_filter").map(str::to_string),
            kms_key_id: i.str("kms_key_id").map(str::to_string),
            additional_encryption_context: context,
            name: i.str("integration_name").map(str::to_string),
            source_arn: edge("source_arn"),
            target_arn: edge("target_arn"),
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

/// A `default.*` group: it holds engine defaults only.
fn defaults_group(name: &str, family: Option<String>) -> ParameterGroup {
    ParameterGroup {
        family,
        defaults_only: true,
        ..empty_group(name)
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

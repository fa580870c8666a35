//! A rule's "how to fix" text with this snapshot's names filled in, so a person can copy
//! the command. Placeholders are documented in docs/rules-data.md.

use crate::model::arn::account_of;
use crate::model::{Snapshot, SourceShape, TargetSnapshot};

use super::spec::Rule;

const CASE_SENSITIVE: &str = "enable_case_sensitive_identifier";

/// The remediation for a failing finding of `rule`.
pub fn remediation(rule: &Rule, snap: &Snapshot) -> String {
    if let Some(text) = snap
        .deployment
        .as_ref()
        .and_then(|p| in_plan(rule, p, snap))
    {
        return text;
    }
    let template = match (&snap.target, &rule.docs.fix_serverless) {
        (TargetSnapshot::Serverless(_), Some(t)) => t,
        _ => &rule.docs.fix,
    };
    fill(template, snap)
}

/// A parameter to set, as the plan's source writes it (a plan is fixed in its source, not
/// with AWS CLI commands).
fn in_plan(rule: &Rule, plan: &crate::model::DeploymentFacts, snap: &Snapshot) -> Option<String> {
    use crate::rules::spec::{Check, Condition};
    let at = |role: &str, or: &str| {
        plan.locations
            .get(role)
            .map(|l| l.address.clone())
            .unwrap_or_else(|| or.to_string())
    };
    let terraform = plan.tool == "terraform";
    match &rule.check {
        Check::SourceParameter(crate::rules::checks::source_parameter::Spec {
            parameter,
            expect: Condition::Equals(v),
            ..
        }) => Some(format!(
            "# in {}:\n{}",
            at(
                "source_group",
                snap.source
                    .rds()
                    .map_or("", |r| r.parameter_group_name())
            ),
            plan_parameter(&plan.tool, parameter, &v.to_string())
        )),
        Check::TargetParameter(crate::rules::checks::target_parameter::Spec {
            parameter,
            expect: Condition::Equals(v),
            ..
        }) => Some(match (&snap.target, terraform) {
            (TargetSnapshot::Serverless(_), true) => format!(
                "# in {}:\nconfig_parameter {{ parameter_key = \"{parameter}\"  parameter_value = \"{v}\" }}",
                at("target", snap.target.display_id())
            ),
            (TargetSnapshot::Serverless(_), false) => format!(
                "# in {}, Properties.ConfigParameters:\n- ParameterKey: {parameter}\n  ParameterValue: \"{v}\"",
                at("target", snap.target.display_id())
            ),
            (TargetSnapshot::Provisioned(_), true) => format!(
                "# in {} (an aws_redshift_parameter_group the cluster uses):\nparameter {{ name = \"{parameter}\"  value = \"{v}\" }}",
                at("target_group", "the cluster's parameter group")
            ),
            (TargetSnapshot::Provisioned(_), false) => format!(
                "# in {} (an AWS::Redshift::ClusterParameterGroup the cluster uses), Properties.Parameters:\n- ParameterName: {parameter}\n  ParameterValue: \"{v}\"",
                at("target_group", "the cluster's parameter group")
            ),
        }),
        _ => None,
    }
}

/// One parameter of a DB cluster parameter group as the plan's tool writes it.
pub fn plan_parameter(tool: &str, name: &str, value: &str) -> String {
    match tool {
        "terraform" => format!(
            "parameter {{ name = \"{name}\"  value = \"{value}\"  apply_method = \"pending-reboot\" }}"
        ),
        _ => format!("{name}: \"{value}\"   # under Properties.Parameters"),
    }
}

/// A rule's `fix` as its documentation shows it (no snapshot: `rule CODE`, SARIF rule help):
/// the placeholders that stand for a whole call of the source's kind are written out for the
/// kinds the rule judges, the others stay as they are.
pub fn for_docs(rule: &Rule) -> String {
    let shapes = judged_shapes(rule);
    let instance = shapes.contains(&SourceShape::Instance);
    let multi_az = shapes.contains(&SourceShape::MultiAzCluster);
    let group = "{writable_parameter_group}";
    let (first, reboot) = if instance {
        (
            SourceShape::Instance,
            "aws rds reboot-db-instance --db-instance-identifier {source_id}",
        )
    } else if multi_az {
        (
            SourceShape::MultiAzCluster,
            "aws rds reboot-db-cluster --db-cluster-identifier {source_id}",
        )
    } else {
        (
            SourceShape::AuroraCluster,
            "aws rds reboot-db-instance --db-instance-identifier {writer}",
        )
    };
    let template = rule.docs.fix.trim();
    let mut out = template
        .replace(
            "{modify_parameter_group}",
            &group_command(first, "modify", group),
        )
        .replace(
            "{reset_parameter_group}",
            &group_command(first, "reset", group),
        )
        .replace("{reboot_source}", reboot);
    if instance && multi_az {
        let mut other = Vec::new();
        for verb in ["modify", "reset"] {
            if template.contains(&format!("{{{verb}_parameter_group}}")) {
                other.push(group_command(SourceShape::MultiAzCluster, verb, group));
            }
        }
        if template.contains("{reboot_source}") {
            other.push("aws rds reboot-db-cluster --db-cluster-identifier {source_id}".into());
        }
        if !other.is_empty() {
            out.push_str(&format!(
                "\n# on a Multi-AZ DB cluster, the same with: {}",
                other.join("; ")
            ));
        }
    }
    out
}

/// The source shapes a rule can meet: as it says, else as its engines imply.
fn judged_shapes(rule: &Rule) -> Vec<SourceShape> {
    let a = &rule.applies_to;
    if !a.sources.is_empty() {
        return a.sources.clone();
    }
    let aurora = |e: &String| e.starts_with("aurora");
    if !a.engines.is_empty() && a.engines.iter().all(aurora) {
        vec![SourceShape::AuroraCluster]
    } else if !a.engines.is_empty() && !a.engines.iter().any(aurora) {
        vec![SourceShape::Instance, SourceShape::MultiAzCluster]
    } else {
        vec![
            SourceShape::AuroraCluster,
            SourceShape::Instance,
            SourceShape::MultiAzCluster,
        ]
    }
}

/// Fill `{placeholders}` in `template`. A command that would modify a `default.*` parameter
/// group (which AWS refuses) names a custom group instead, after the steps that create it.
pub fn fill(template: &str, snap: &Snapshot) -> String {
    let rds = snap.source.rds();
    let id = snap.source.id();
    let writer = rds
        .and_then(|r| r.writer())
        .map(|w| w.id)
        .unwrap_or("<writer-instance>");
    let group = rds.map_or("<parameter-group>", |r| r.parameter_group_name());
    let mut preamble = Vec::new();
    let writes_group = [
        "{writable_parameter_group}",
        "{modify_parameter_group}",
        "{reset_parameter_group}",
    ]
    .iter()
    .any(|p| template.contains(p));
    let writable_group = if writes_group && is_default(group) {
        let new = format!("{id}-zetl");
        preamble.extend(source_group_steps(snap, group, &new));
        new
    } else {
        group.to_string()
    };
    let shape = snap.source.shape();
    // The source's group and reboot in the calls of its kind: an RDS DB instance holds a DB
    // parameter group and reboots itself; an Aurora cluster reboots its writer; a Multi-AZ
    // DB cluster reboots as a whole.
    let group_call = |verb: &str| group_command(shape, verb, &writable_group);
    let reboot_source = match shape {
        SourceShape::Instance => {
            format!("aws rds reboot-db-instance --db-instance-identifier {id}")
        }
        SourceShape::MultiAzCluster => {
            format!("aws rds reboot-db-cluster --db-cluster-identifier {id}")
        }
        SourceShape::AuroraCluster => {
            format!("aws rds reboot-db-instance --db-instance-identifier {writer}")
        }
        SourceShape::DynamodbTable => String::new(),
    };
    let target_group = target_group(snap).unwrap_or("<parameter-group>");
    let writable_target_group =
        if template.contains("{writable_target_parameter_group}") && is_default(target_group) {
            let new = format!("{}-zetl", snap.target.display_id());
            preamble.extend(target_group_steps(snap, target_group, &new));
            new
        } else {
            target_group.to_string()
        };
    let namespace_name = match &snap.target {
        TargetSnapshot::Serverless(s) => s.workgroup.namespace_name.as_str(),
        TargetSnapshot::Provisioned(_) => "<namespace>",
    };
    let source_arn = snap.source.arn();
    let source_account = account_of(source_arn).unwrap_or_else(|| "<source-account>".into());
    let pairs = [
        ("{source_id}", id.to_string()),
        ("{source_arn}", source_arn.to_string()),
        ("{source_account}", source_account),
        ("{partition}", crate::model::arn::partition_of(source_arn)),
        ("{engine}", snap.source.engine().to_string()),
        ("{parameter_group}", group.to_string()),
        ("{modify_parameter_group}", group_call("modify")),
        ("{reset_parameter_group}", group_call("reset")),
        ("{reboot_source}", reboot_source),
        ("{parameter_group_family}", source_family(snap)),
        ("{writable_parameter_group}", writable_group.clone()),
        ("{writer}", writer.to_string()),
        ("{region}", snap.source.region().to_string()),
        ("{target_id}", snap.target.display_id().to_string()),
        ("{target_region}", snap.target.region().to_string()),
        (
            "{namespace_arn}",
            snap.target
                .namespace_arn()
                .unwrap_or("<namespace-arn>")
                .to_string(),
        ),
        ("{namespace}", namespace_name.to_string()),
        ("{target_parameter_group}", target_group.to_string()),
        ("{writable_target_parameter_group}", writable_target_group),
        (
            "{workgroup_config_parameters}",
            workgroup_config_parameters(snap),
        ),
        (
            "{integration_id}",
            snap.health
                .as_ref()
                .map_or("<integration-id>", |h| h.integration_id())
                .to_string(),
        ),
        (
            "{metrics_namespace}",
            snap.health
                .as_ref()
                .and_then(|h| h.metrics.ok().map(|m| m.namespace.clone()))
                .unwrap_or_else(|| "AWS/Redshift".into()),
        ),
    ];
    let mut out = template.trim().to_string();
    for (k, v) in pairs {
        out = out.replace(k, &v);
    }
    if preamble.is_empty() {
        out
    } else {
        format!("{}\n{out}", preamble.join("\n"))
    }
}

/// `aws rds VERB-db[-cluster]-parameter-group` with its group option, for the source's kind.
fn group_command(shape: SourceShape, verb: &str, group: &str) -> String {
    match shape {
        SourceShape::Instance => {
            format!("aws rds {verb}-db-parameter-group --db-parameter-group-name {group}")
        }
        _ => format!(
            "aws rds {verb}-db-cluster-parameter-group --db-cluster-parameter-group-name {group}"
        ),
    }
}

fn is_default(group: &str) -> bool {
    group.starts_with("default.")
}

fn target_group(snap: &Snapshot) -> Option<&str> {
    match &snap.target {
        TargetSnapshot::Provisioned(p) => p
            .cluster
            .cluster_parameter_groups
            .first()
            .map(|g| g.parameter_group_name.as_str()),
        TargetSnapshot::Serverless(_) => None,
    }
}

/// A custom group in place of a default one, in the same commands as ZC006's fix (so the
/// report prints them once). AWS copies neither a default DB parameter group nor a default
/// DB cluster parameter group (docs/fix.md): a new group of the same family starts with the
/// same defaults.
fn source_group_steps(snap: &Snapshot, group: &str, new: &str) -> Vec<String> {
    let id = snap.source.id();
    let family = source_family(snap);
    let first = format!(
        "# {group} is a default group, which AWS does not let you modify or copy: create {new} (family {family}) and attach it first"
    );
    match snap.source.shape() {
        SourceShape::Instance => vec![
            first,
            format!("aws rds create-db-parameter-group --db-parameter-group-name {new} --db-parameter-group-family {family} --description \"zero-ETL parameters for {id}\""),
            format!("aws rds modify-db-instance --db-instance-identifier {id} --db-parameter-group-name {new} --apply-immediately"),
        ],
        _ => vec![
            first,
            format!("aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name {new} --db-parameter-group-family {family} --description \"zero-ETL parameters for {id}\""),
            format!("aws rds modify-db-cluster --db-cluster-identifier {id} --db-cluster-parameter-group-name {new} --apply-immediately"),
        ],
    }
}

/// The family of the source's parameter group. A default group's name says it
/// (`default.FAMILY`); another's is as read, else the engine defaults' family, else derived
/// from the engine and version.
fn source_family(snap: &Snapshot) -> String {
    let Some(src) = snap.source.rds() else {
        return String::new();
    };
    if let Some(family) = src.parameter_group_name().strip_prefix("default.") {
        return family.to_string();
    }
    src.parameter_group
        .ok()
        .and_then(|g| g.family.clone())
        .or_else(|| src.engine_defaults.ok().map(|d| d.family.clone()))
        .unwrap_or_else(|| crate::model::family_for(src.engine(), src.engine_version()))
}

fn target_group_steps(snap: &Snapshot, group: &str, new: &str) -> Vec<String> {
    let id = snap.target.display_id();
    vec![
        format!("# {group} is a default group, which AWS does not let you modify: create {new} and attach it first"),
        format!(
            "aws redshift create-cluster-parameter-group --parameter-group-name {new} --parameter-group-family {} --description \"zero-ETL parameters for {id}\"",
            group.strip_prefix("default.").unwrap_or("redshift-2.0")
        ),
        format!("aws redshift modify-cluster --cluster-identifier {id} --cluster-parameter-group-name {new}"),
    ]
}

/// The workgroup's current `configParameters` (all but the case-sensitivity one) in AWS CLI
/// shorthand, because UpdateWorkgroup replaces the whole list.
fn workgroup_config_parameters(snap: &Snapshot) -> String {
    let TargetSnapshot::Serverless(s) = &snap.target else {
        return String::new();
    };
    s.workgroup
        .config_parameters
        .iter()
        .filter(|p| p.parameter_key != CASE_SENSITIVE)
        .map(|p| {
            let v = p.parameter_value.as_deref().unwrap_or_default();
            if v.contains([',', ' ', '$', '"', '\'']) {
                format!("'parameterKey={},parameterValue=\"{v}\"'", p.parameter_key)
            } else {
                format!("parameterKey={},parameterValue={v}", p.parameter_key)
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

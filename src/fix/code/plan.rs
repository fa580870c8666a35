//! Findings of a deployment → the settings to write into its source files. Pure: the
//! snapshot (with where each planned resource is written), the findings and the rules decide.
//! A parameter the rules want is a nested block of the resource that holds it: `parameter`
//! of the source's DB (cluster) parameter group and of a provisioned target's parameter
//! group, `config_parameter` of a Serverless workgroup. What is not in a file here (a
//! registry module, a group the plan does not hold) is a manual step that says why.

use crate::model::{Finding, Snapshot, Status, TargetSnapshot};
use crate::rules::checks::deployment::DeploymentProblem;
use crate::rules::condition::Condition;
use crate::rules::spec::Check;
use crate::rules::RuleSet;

use super::policy::PolicyEdit;
use super::terraform::NestedSetting;

/// The settings to write into one resource of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceEdit {
    /// The file, as reports name it (relative to the current directory when below it).
    pub file: String,
    /// `resource "kind" "name"`; a template's resource: ("", logical id).
    pub resource: (String, String),
    /// A template's resource: the line of its logical id (Terraform's are found by labels).
    pub line: Option<u32>,
    /// What the resource is to the pair: `source_group`, `target` (a workgroup),
    /// `target_group` (a Redshift cluster parameter group).
    pub role: String,
    /// Its address in the plan.
    pub address: String,
    pub settings: Vec<NestedSetting>,
    /// Its own attributes.
    pub attributes: Vec<AttributeSetting>,
    /// Statements for the namespace resource policy the resource holds (or, in Terraform,
    /// a new policy resource beside it).
    pub policy: Option<PolicyEdit>,
    /// The rules these settings make pass.
    pub rules: Vec<String>,
}

/// A failing rule no edit here covers, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualEdit {
    pub rule: String,
    pub why: String,
    /// What to write, as the finding's remediation says it.
    pub text: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EditPlan {
    pub edits: Vec<ResourceEdit>,
    pub manual: Vec<ManualEdit>,
}

impl EditPlan {
    /// `edit`, merged into the one for the same resource when there is one: one value per
    /// attribute (two rules that want the same one write it once).
    fn add(&mut self, edit: ResourceEdit) {
        let Some(e) = self
            .edits
            .iter_mut()
            .find(|e| e.file == edit.file && e.resource == edit.resource)
        else {
            self.edits.push(edit);
            return;
        };
        for setting in edit.settings {
            let same = |x: &NestedSetting| {
                x.block == setting.block && x.key == setting.key && x.value.0 == setting.value.0
            };
            if !e.settings.iter().any(same) {
                e.settings.push(setting);
            }
        }
        for a in edit.attributes {
            if !e.attributes.iter().any(|x| x.terraform == a.terraform) {
                e.attributes.push(a);
            }
        }
        if e.policy.is_none() {
            e.policy = edit.policy;
        }
        for rule in edit.rules {
            if !e.rules.contains(&rule) {
                e.rules.push(rule);
            }
        }
    }
}

/// A resource's own attribute: `encrypted = true` in Terraform, `Encrypted: true` under a
/// template resource's `Properties`. A dotted name is an attribute of a nested block
/// (`point_in_time_recovery.enabled`) or property (`PointInTimeRecoverySpecification.…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeSetting {
    pub terraform: String,
    pub template: String,
    pub value: String,
    /// A bool or number, written bare; else a string.
    pub typed: bool,
    /// A Terraform reference (written bare), which replaces whatever expression the
    /// attribute has (`target_arn = aws_redshiftserverless_namespace.x.arn`).
    pub reference: bool,
}

/// The attribute a failing rule wants, and the role of the resource that holds it.
fn attribute_wanted(
    rule: &crate::rules::Rule,
    deployment: &crate::model::DeploymentFacts,
) -> Option<(&'static str, Vec<AttributeSetting>)> {
    use crate::rules::checks::attribute::On;
    let setting = |terraform: &str, template: &str, value: String, typed: bool| AttributeSetting {
        terraform: terraform.into(),
        template: template.into(),
        value,
        typed,
        reference: false,
    };
    match &rule.check {
        Check::Attribute(a) if a.on == On::TargetCluster => {
            let Condition::Equals(v) = &a.expect else {
                return None;
            };
            let (terraform, template) = match a.field.as_str() {
                "Encrypted" => ("encrypted", "Encrypted"),
                "EnhancedVpcRouting" => ("enhanced_vpc_routing", "EnhancedVpcRouting"),
                _ => return None,
            };
            Some((
                "target",
                vec![setting(terraform, template, v.to_string(), true)],
            ))
        }
        // A DynamoDB table's point-in-time recovery: a nested block in Terraform, a nested
        // property in a template.
        Check::Table(t)
            if t.problem == crate::rules::checks::table::TableProblem::PointInTimeRecovery =>
        {
            Some((
                "source",
                vec![setting(
                    "point_in_time_recovery.enabled",
                    "PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled",
                    "true".into(),
                    true,
                )],
            ))
        }
        Check::Deployment(d) if d.problem == DeploymentProblem::IntegrationName => {
            let name = deployment.integration.as_ref()?.name.as_ref()?;
            let valid = crate::rules::checks::deployment::valid_name(name);
            Some((
                "integration",
                vec![setting("integration_name", "IntegrationName", valid, false)],
            ))
        }
        Check::Deployment(d)
            if d.problem == DeploymentProblem::Arns && deployment.tool == "terraform" =>
        {
            let fixes = arn_references(deployment);
            (!fixes.is_empty()).then_some(("integration", fixes))
        }
        _ => None,
    }
}

/// ZT008 in Terraform: `source_arn` / `target_arn` that refer to the right resource's wrong
/// attribute, or to the workgroup where the namespace is meant, made the reference the
/// integration takes (a resource of the integration's own module, not indexed).
fn arn_references(deployment: &crate::model::DeploymentFacts) -> Vec<AttributeSetting> {
    use crate::model::deployment::Edge;
    let Some(i) = &deployment.integration else {
        return Vec::new();
    };
    let module = |address: &str| address.rsplitn(3, '.').nth(2).map(str::to_string);
    let local = |address: &str| {
        (!address.contains('[') && module(address) == module(&i.address))
            .then(|| kind_and_name(address))
            .flatten()
    };
    let reference = |value: String| AttributeSetting {
        terraform: String::new(),
        template: String::new(),
        value,
        typed: true,
        reference: true,
    };
    let mut out = Vec::new();
    if let Some(Edge::Attribute(res, attr)) = &i.target_arn {
        let wanted = match local(res) {
            Some((kind, name)) if kind == "aws_redshift_cluster" => (attr
                != "cluster_namespace_arn")
                .then(|| format!("{kind}.{name}.cluster_namespace_arn")),
            Some((kind, name)) if kind == "aws_redshiftserverless_namespace" => {
                (attr != "arn").then(|| format!("{kind}.{name}.arn"))
            }
            // The workgroup (or anything else) where the namespace is meant.
            Some(_) => deployment
                .locations
                .get("namespace")
                .and_then(|ns| local(&ns.address))
                .filter(|(kind, _)| kind == "aws_redshiftserverless_namespace")
                .map(|(kind, name)| format!("{kind}.{name}.arn")),
            None => None,
        };
        if let Some(w) = wanted {
            out.push(AttributeSetting {
                terraform: "target_arn".into(),
                ..reference(w)
            });
        }
    }
    if let Some(Edge::Attribute(res, attr)) = &i.source_arn {
        let source = matches!(
            local(res).map(|(kind, _)| kind).as_deref(),
            Some("aws_rds_cluster" | "aws_db_instance")
        );
        if source && attr != "arn" {
            if let Some((kind, name)) = local(res) {
                out.push(AttributeSetting {
                    terraform: "source_arn".into(),
                    ..reference(format!("{kind}.{name}.arn"))
                });
            }
        }
    }
    out
}

/// Plan the edits for one deployment snapshot's failing findings. An unsafe edit (its rule's
/// fix is unsafe, or the edit is: encrypting an existing cluster) is held back, as a manual
/// step that says so, unless `unsafe_fixes`, or unless edits for other rules write it anyway.
pub fn plan(
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
    unsafe_fixes: bool,
) -> EditPlan {
    let mut out = EditPlan::default();
    let Some(deployment) = &snap.deployment else {
        return out;
    };
    let terraform = deployment.tool == "terraform";
    let serverless = matches!(snap.target, TargetSnapshot::Serverless(_));
    let open =
        |f: &&Finding| matches!(f.status, Status::Fail | Status::Warn) && f.suppressed.is_none();
    let is_policy = |f: &Finding| {
        rules
            .find(&f.rule)
            .is_some_and(|r| matches!(r.check, Check::ResourcePolicy(_)))
    };
    let policy_findings: Vec<&Finding> = findings
        .iter()
        .filter(open)
        .filter(|f| is_policy(f))
        .collect();
    if !policy_findings.is_empty() {
        policy_edit(&mut out, snap, deployment, &policy_findings, rules);
    }
    // (finding, role, settings, attributes, why unsafe)
    type Held<'a> = (
        &'a Finding,
        &'a str,
        Vec<NestedSetting>,
        Vec<AttributeSetting>,
        String,
    );
    let mut held: Vec<Held> = Vec::new();
    for f in findings {
        if !open(&f) || is_policy(f) {
            continue;
        }
        let manual = |why: String| ManualEdit {
            rule: f.rule.clone(),
            why,
            text: f.remediation.clone(),
        };
        let Some(rule) = rules.find(&f.rule) else {
            continue;
        };
        if let Some((role, attributes)) = attribute_wanted(rule, deployment) {
            let what = attributes
                .iter()
                .map(|a| match a.typed {
                    true => format!("{} = {}", a.terraform, a.value),
                    false => format!("{} = \"{}\"", a.terraform, a.value),
                })
                .collect::<Vec<_>>()
                .join(", ");
            let unsafe_why = attributes
                .iter()
                .find_map(|a| unsafe_edit(rule, role, Some(a), snap));
            if let (Some(why), false) = (unsafe_why, unsafe_fixes) {
                held.push((f, role, Vec::new(), attributes, why));
                continue;
            }
            match place(deployment, role, &what, terraform) {
                Ok(Place {
                    file,
                    line,
                    resource,
                    address,
                }) => out.add(ResourceEdit {
                    file,
                    line,
                    role: role.to_string(),
                    resource,
                    address,
                    settings: Vec::new(),
                    attributes,
                    policy: None,
                    rules: vec![f.rule.clone()],
                }),
                Err(why) => out.manual.push(manual(why)),
            }
            continue;
        }
        let param =
            |block: &str, key: &str, value: &str, (name, v): (String, String)| NestedSetting {
                block: block.into(),
                key: (key.into(), name),
                value: (value.into(), v),
                extra: Vec::new(),
                create: true,
            };
        // (the role of the resource that holds them, the settings)
        let wanted: Option<(&str, Vec<NestedSetting>)> = match &rule.check {
            Check::SourceParameter(s) => match &s.expect {
                // RDS applies a static parameter only on reboot and refuses `immediate`.
                Condition::Equals(v) => Some((
                    "source_group",
                    vec![NestedSetting {
                        extra: vec![("apply_method".into(), "pending-reboot".into())],
                        ..param(
                            "parameter",
                            "name",
                            "value",
                            (s.parameter.clone(), v.to_string()),
                        )
                    }],
                )),
                _ => None,
            },
            Check::TargetParameter(s) => match &s.expect {
                Condition::Equals(v) if serverless => Some((
                    "target",
                    vec![param(
                        "config_parameter",
                        "parameter_key",
                        "parameter_value",
                        (s.parameter.clone(), v.to_string()),
                    )],
                )),
                Condition::Equals(v) => Some((
                    "target_group",
                    vec![param(
                        "parameter",
                        "name",
                        "value",
                        (s.parameter.clone(), v.to_string()),
                    )],
                )),
                _ => None,
            },
            Check::Deployment(d) if d.problem == DeploymentProblem::StaticImmediate => {
                deployment.source_group.as_ref().map(|g| {
                    let statics = g.parameters.iter().filter(|p| {
                        d.parameters.contains(&p.name)
                            && p.apply_method.as_deref() == Some("immediate")
                    });
                    let fixes = statics
                        .map(|p| NestedSetting {
                            value: ("apply_method".into(), "pending-reboot".into()),
                            create: false,
                            ..param(
                                "parameter",
                                "name",
                                "value",
                                (p.name.clone(), String::new()),
                            )
                        })
                        .collect();
                    ("source_group", fixes)
                })
            }
            Check::Deployment(d) if d.problem == DeploymentProblem::SetTogether => deployment
                .source_group
                .as_ref()
                .map(|g| ("source_group", together(g, &d.parameters, rules))),
            _ => None,
        };
        let Some((role, settings)) = wanted.filter(|(_, s)| !s.is_empty()) else {
            out.manual
                .push(manual(rule.docs.code.clone().unwrap_or_else(|| {
                    "no edit of the deployment's source makes this pass: the finding says what to \
                 change"
                        .into()
                })));
            continue;
        };
        let what = settings
            .iter()
            .map(|s| match s.value.0.as_str() {
                "value" | "parameter_value" => format!("{} = {}", s.key.1, s.value.1),
                attr => format!("{}'s {attr} = {}", s.key.1, s.value.1),
            })
            .collect::<Vec<_>>()
            .join(", ");
        // A template has no apply methods (CloudFormation applies static parameters on the
        // reboot it does), and only the source group's `Parameters` map is edited in it.
        let settings: Vec<NestedSetting> = if terraform {
            settings
        } else {
            settings
                .into_iter()
                .filter(|s| {
                    (s.block == "parameter" && s.value.0 == "value")
                        || s.block == "config_parameter"
                })
                .collect()
        };
        if settings.is_empty() {
            continue; // nothing a template says
        }
        if let (Some(why), false) = (unsafe_edit(rule, role, None, snap), unsafe_fixes) {
            held.push((f, role, settings, Vec::new(), why));
            continue;
        }
        let Place {
            file,
            line,
            resource,
            address,
        } = match place(deployment, role, &what, terraform) {
            Ok(p) => p,
            Err(why) => {
                out.manual.push(manual(why));
                continue;
            }
        };
        out.add(ResourceEdit {
            file,
            line,
            role: role.to_string(),
            resource,
            address,
            settings,
            attributes: Vec::new(),
            policy: None,
            rules: vec![f.rule.clone()],
        });
    }
    for (f, role, settings, attributes, why) in held {
        // Written anyway by another rule's edit: this one passes with it.
        let covered = out.edits.iter_mut().find(|e| {
            e.role == role
                && settings.iter().all(|s| {
                    e.settings
                        .iter()
                        .any(|x| x.block == s.block && x.key == s.key && x.value == s.value)
                })
                && attributes.iter().all(|a| e.attributes.contains(a))
        });
        match covered {
            Some(e) => e.rules.push(f.rule.clone()),
            None => out.manual.push(ManualEdit {
                rule: f.rule.clone(),
                why: format!("held back: {why}; --unsafe-fixes writes it"),
                text: f.remediation.clone(),
            }),
        }
    }
    out
}

/// Why an edit for `rule` of the resource of `role` is unsafe, when it is: its rule's fix is
/// unsafe (a reboot, or felt by others) and the resource exists already. A resource the plan
/// creates is created with the edit: nothing running feels it.
fn unsafe_edit(
    rule: &crate::rules::Rule,
    role: &str,
    attribute: Option<&AttributeSetting>,
    snap: &Snapshot,
) -> Option<String> {
    use crate::rules::spec::Applicability;
    let d = snap.deployment.as_ref()?;
    let exists = match role {
        "source_group" | "source" => d.source_exists,
        // Anything but a plain create (an update, a no-op, a replacement) finds it there.
        "integration" => d
            .integration
            .as_ref()
            .is_some_and(|i| i.actions != ["create"]),
        _ => d.target_exists,
    };
    if !exists {
        return None;
    }
    match attribute {
        Some(a) if a.reference => Some(
            "a new source or target replaces the integration, which seeds every table again".into(),
        ),
        Some(a) if a.template == "Encrypted" => Some(
            "encrypting an existing cluster is a migration during which it is read-only \
             (hours on a large one)"
                .into(),
        ),
        _ if rule.applicability == Applicability::Unsafe => Some(format!(
            "{} is an unsafe fix and the resource exists (applied, it needs a reboot or other \
             users of it feel it: zetl-preflight rule {})",
            rule.code, rule.code
        )),
        _ => None,
    }
}

/// Where a resource is written.
struct Place {
    file: String,
    /// A template's logical id's line.
    line: Option<u32>,
    /// (kind, name), or ("", logical id).
    resource: (String, String),
    address: String,
}

/// Where the resource of `role` is written, or why it is not edited here.
fn place(
    deployment: &crate::model::DeploymentFacts,
    role: &str,
    what: &str,
    terraform: bool,
) -> Result<Place, String> {
    let Some(at) = deployment.locations.get(role) else {
        return Err(format!(
            "the plan holds no {} to write {what} in: add one and use it",
            match role {
                "source_group" => "parameter group of the source",
                "target_group" => "parameter group of the cluster",
                "namespace" | "policy" => "namespace",
                _ => "workgroup",
            }
        ));
    };
    let Some(file) = &at.file else {
        return Err(format!(
            "{} is not in the files beside the plan (it comes from a registry module, or its \
             configuration is elsewhere): set {what} where it is declared, or through the \
             module's inputs",
            at.address
        ));
    };
    // `terraform init` downloads registry and remote modules under `.terraform/`: their
    // files are a copy the next init replaces, not the code to fix.
    if terraform && (file.starts_with(".terraform/") || file.contains("/.terraform/")) {
        return Err(format!(
            "{} comes from a module terraform init downloaded ({file}): its files are not \
             yours to edit; set {what} through the module's inputs",
            at.address
        ));
    }
    let line = if terraform { None } else { at.line };
    let resource = match (terraform, kind_and_name(&at.address)) {
        (true, Some(r)) => r,
        (false, _) if line.is_some() => (String::new(), at.address.clone()),
        _ => return Err(format!("'{}' is not a resource address", at.address)),
    };
    Ok(Place {
        file: file.clone(),
        line,
        resource,
        address: at.address.clone(),
    })
}

/// ZA001/ZA002: one edit of the namespace resource policy for all of them, or a manual step
/// for each saying why not.
fn policy_edit(
    out: &mut EditPlan,
    snap: &Snapshot,
    deployment: &crate::model::DeploymentFacts,
    findings: &[&Finding],
    rules: &RuleSet,
) {
    let terraform = deployment.tool == "terraform";
    let placed = super::policy::plan(snap, deployment, findings, rules).and_then(|planned| {
        let what = "the zero-ETL statements of the namespace resource policy";
        place(deployment, planned.role, what, terraform).map(|p| (planned, p))
    });
    let remediation = |rule: &str| {
        findings
            .iter()
            .find(|f| f.rule == rule)
            .and_then(|f| f.remediation.clone())
    };
    match placed {
        Ok((
            planned,
            Place {
                file,
                line,
                resource,
                address,
            },
        )) => {
            out.add(ResourceEdit {
                file,
                line,
                role: planned.role.to_string(),
                resource,
                address,
                settings: Vec::new(),
                attributes: Vec::new(),
                policy: Some(planned.edit),
                rules: planned.covers,
            });
            out.manual
                .extend(planned.left.into_iter().map(|(rule, why)| ManualEdit {
                    text: remediation(&rule),
                    rule,
                    why,
                }));
        }
        Err(why) => out.manual.extend(findings.iter().map(|f| ManualEdit {
            rule: f.rule.clone(),
            why: why.clone(),
            text: f.remediation.clone(),
        })),
    }
}

/// ZT002: the parameters that go together, each set (to the value its rule wants) and
/// applied `pending-reboot`, so the provider sends them in one request.
fn together(
    group: &crate::model::PlannedGroup,
    names: &[String],
    rules: &RuleSet,
) -> Vec<NestedSetting> {
    let wanted_value = |name: &str| {
        rules.rules.iter().find_map(|r| match &r.check {
            Check::SourceParameter(s) if s.parameter == name => match &s.expect {
                Condition::Equals(v) => Some(v.to_string()),
                _ => None,
            },
            _ => None,
        })
    };
    let mut out = Vec::new();
    for name in names {
        let planned = group.parameters.iter().find(|p| &p.name == name);
        let setting = |value: (&str, String), create: bool| NestedSetting {
            block: "parameter".into(),
            key: ("name".into(), name.clone()),
            value: (value.0.into(), value.1),
            extra: vec![("apply_method".into(), "pending-reboot".into())],
            create,
        };
        match planned {
            None => match wanted_value(name) {
                Some(v) => out.push(setting(("value", v), true)),
                // A value no rule states: the finding stays by hand.
                None => return Vec::new(),
            },
            Some(p) if p.apply_method.as_deref() != Some("pending-reboot") => {
                out.push(setting(("apply_method", "pending-reboot".into()), false))
            }
            Some(_) => {}
        }
    }
    out
}

/// `module.a.aws_x.name[0]` → (`aws_x`, `name`).
fn kind_and_name(address: &str) -> Option<(String, String)> {
    // Drop index keys (`[0]`, `["a.b"]`), which may hold dots.
    let mut plain = String::new();
    let mut depth = 0;
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            c if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let mut parts = plain.rsplit('.');
    let name = parts.next()?;
    let kind = parts.next()?;
    (!name.is_empty() && !kind.is_empty()).then(|| (kind.to_string(), name.to_string()))
}

#[cfg(test)]
mod tests {
    #[test]
    fn addresses_give_the_block_labels() {
        let k = |a: &str| super::kind_and_name(a);
        assert_eq!(
            k("aws_rds_cluster_parameter_group.zero_etl"),
            Some(("aws_rds_cluster_parameter_group".into(), "zero_etl".into()))
        );
        assert_eq!(
            k("module.db.aws_db_parameter_group.this[\"a.b\"]"),
            Some(("aws_db_parameter_group".into(), "this".into()))
        );
        assert_eq!(k("nothing"), None);
    }
}

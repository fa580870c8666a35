//! ZA001/ZA002 in a deployment's source: the namespace resource policy's missing zero-ETL
//! statements, written as the file refers to things (a Terraform reference to the source
//! cluster, CloudFormation's `!GetAtt`), appended after every statement the policy has.
//! Where the plan attaches no policy, Terraform gets a new `aws_redshift_resource_policy`
//! beside the namespace, and a template gets the namespace's `NamespaceResourcePolicy`.

use crate::fix::policy::{unique_sid, AUTHORIZE_SID, CREATE_SID};
use crate::model::arn::{account_of, partition_of};
use crate::model::{DeploymentFacts, Fact, Finding, Snapshot, SourceShape, TargetSnapshot};
use crate::rules::spec::{Check, PolicyStatement};
use crate::rules::RuleSet;

use super::tree::Node;

/// What to write into the policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyEdit {
    pub statements: Vec<Node>,
    /// Terraform, when the plan has no policy: the expression of the namespace ARN a new
    /// `aws_redshift_resource_policy` is attached to.
    pub attach_to: Option<String>,
}

/// What the policy's findings come to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Planned {
    /// The role (in `DeploymentFacts::locations`) of the resource to edit.
    pub role: &'static str,
    pub edit: PolicyEdit,
    /// The rules the edit covers.
    pub covers: Vec<String>,
    /// The rules it does not, and why.
    pub left: Vec<(String, String)>,
}

/// The edit of the policy, or why none is written.
pub fn plan(
    snap: &Snapshot,
    deployment: &DeploymentFacts,
    findings: &[&Finding],
    rules: &RuleSet,
) -> Result<Planned, String> {
    let wanted = |which: PolicyStatement| {
        findings
            .iter()
            .filter(|f| {
                rules.find(&f.rule).is_some_and(
                    |r| matches!(&r.check, Check::ResourcePolicy(p) if p.statement == which),
                )
            })
            .map(|f| f.rule.clone())
            .collect::<Vec<_>>()
    };
    if findings.iter().any(|f| {
        f.evidence
            .actual
            .as_deref()
            .is_some_and(|a| a.starts_with("Deny"))
    }) {
        return Err(
            "a Deny in the policy applies: removing or narrowing it is your decision".into(),
        );
    }
    let existing = match snap.target.resource_policy() {
        Fact::Ok(p) => p.clone(),
        _ => return Err("the policy the plan writes is not known".into()),
    };
    let existing_statements: Vec<serde_json::Value> = match &existing {
        None => Vec::new(),
        Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(v) => match &v["Statement"] {
                serde_json::Value::Array(a) => a.clone(),
                o @ serde_json::Value::Object(_) => vec![o.clone()],
                _ => Vec::new(),
            },
            Err(_) => return Err("the policy the plan writes is not JSON".into()),
        },
    };
    let terraform = deployment.tool == "terraform";
    let serverless = matches!(snap.target, TargetSnapshot::Serverless(_));
    let namespace_role = if serverless { "namespace" } else { "target" };
    let role = if deployment.locations.contains_key("policy") {
        "policy"
    } else {
        namespace_role
    };
    let at = deployment
        .locations
        .get(role)
        .ok_or("the plan holds neither the policy nor the namespace to write it beside")?;
    let module = |address: &str| address.rsplitn(3, '.').nth(2).map(str::to_string);
    // A resource of the same module, by its reference there.
    let reference = |role: &str, attr: &str| {
        let other = deployment.locations.get(role)?;
        if other.address.contains('[') || module(&other.address) != module(&at.address) {
            return None;
        }
        let mut parts = other.address.rsplitn(3, '.');
        let name = parts.next()?;
        let kind = parts.next()?;
        Some(format!("{kind}.{name}.{attr}"))
    };
    let source_arn = snap.source.arn();
    let account = account_of(source_arn);
    let source = if terraform {
        match reference("source", "arn") {
            Some(r) => Node::Expr(r),
            None if account.is_some() => Node::text(source_arn),
            None => return Err("the source's ARN is not known in the plan".into()),
        }
    } else {
        match deployment.locations.get("source") {
            Some(s) => Node::GetAtt(
                s.address.clone(),
                match snap.source.shape() {
                    SourceShape::Instance => "DBInstanceArn",
                    SourceShape::DynamodbTable => "Arn",
                    SourceShape::AuroraCluster | SourceShape::MultiAzCluster => "DBClusterArn",
                }
                .into(),
            ),
            None if account.is_some() => Node::text(source_arn),
            None => return Err("the source's ARN is not known in the template".into()),
        }
    };
    let namespace_attr = if serverless {
        "arn"
    } else {
        "cluster_namespace_arn"
    };
    // The namespace, as a statement's Resource: a template's policy is a property of the
    // namespace itself, where its own ARN would be a circular reference ("*" is the resource
    // the policy is attached to).
    let resource = if terraform {
        match (
            reference(namespace_role, namespace_attr),
            snap.target.namespace_arn(),
        ) {
            (Some(r), _) => Node::Expr(r),
            (None, Some(arn)) if arn.starts_with("arn:") => Node::text(arn),
            _ => return Err("the namespace's ARN is not known in the plan".into()),
        }
    } else {
        Node::text("*")
    };
    let mut taken = existing_statements;
    let mut statements = Vec::new();
    let mut add = |base: &str, node: Vec<(&str, Node)>, taken: &mut Vec<serde_json::Value>| {
        let sid = unique_sid(taken, base);
        taken.push(serde_json::json!({ "Sid": sid }));
        let mut entries = vec![("Sid".to_string(), Node::Text(sid))];
        entries.extend(node.into_iter().map(|(k, v)| (k.to_string(), v)));
        statements.push(Node::Map(entries));
    };
    let mut covers = Vec::new();
    let mut left = Vec::new();
    let authorize = wanted(PolicyStatement::AuthorizeInboundIntegration);
    if !authorize.is_empty() {
        covers.extend(authorize);
        add(
            AUTHORIZE_SID,
            vec![
                ("Effect", Node::text("Allow")),
                (
                    "Principal",
                    Node::map([("Service", Node::text("redshift.amazonaws.com"))]),
                ),
                ("Action", Node::text("redshift:AuthorizeInboundIntegration")),
                ("Resource", resource.clone()),
                (
                    "Condition",
                    Node::map([("StringEquals", Node::map([("aws:SourceArn", source)]))]),
                ),
            ],
            &mut taken,
        );
    }
    let create = wanted(PolicyStatement::CreateInboundIntegration);
    let principal = match (
        &account,
        terraform,
        deployment.locations.contains_key("source"),
    ) {
        // The template creates the source in its own account.
        (_, false, true) => Some(Node::Sub(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:root".into(),
        )),
        (Some(a), _, _) => Some(Node::Text(format!(
            "arn:{}:iam::{a}:root",
            partition_of(source_arn)
        ))),
        (None, _, _) => None,
    };
    match principal {
        None => left.extend(create.into_iter().map(|rule| {
            (
                rule,
                "the plan does not say which account the source is in: add a statement that \
                 allows redshift:CreateInboundIntegration to arn:aws:iam::ACCOUNT:root"
                    .to_string(),
            )
        })),
        Some(_) if create.is_empty() => {}
        Some(principal) => {
            covers.extend(create);
            add(
                CREATE_SID,
                vec![
                    ("Effect", Node::text("Allow")),
                    ("Principal", Node::map([("AWS", principal)])),
                    ("Action", Node::text("redshift:CreateInboundIntegration")),
                    ("Resource", resource.clone()),
                ],
                &mut taken,
            );
        }
    }
    if statements.is_empty() {
        return Err(left
            .first()
            .map(|(_, why)| why.clone())
            .unwrap_or_else(|| "no statement is missing".into()));
    }
    let attach_to = match (terraform, role) {
        (true, "policy") | (false, _) => None,
        (true, _) => match &resource {
            Node::Expr(e) => Some(e.clone()),
            Node::Text(t) => Some(format!("\"{t}\"")),
            _ => None,
        },
    };
    Ok(Planned {
        role,
        edit: PolicyEdit {
            statements,
            attach_to,
        },
        covers,
        left,
    })
}

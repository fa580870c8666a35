//! `kind = "deployment"`: problems only a Terraform plan or CloudFormation template can have: how it applies
//! parameters, what it replaces, and what it asks of one apply. Each reads
//! `Snapshot::plan`; the engine runs them only on snapshots built from a plan.

use crate::model::data_filter::DataFilter;
use crate::model::{DeploymentFacts, Dialect, Edge, Evidence, PlannedParameter, Snapshot};
use crate::rules::outcome::{Outcome, Verdict};
use serde::{Deserialize, Serialize};

use super::{About, Kind, Needs, Reads};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentProblem {
    /// A static parameter planned with `apply_method = "immediate"`.
    StaticImmediate,
    /// Parameters AWS accepts only together, set in part or with different apply methods.
    SetTogether,
    /// The integration is replaced (deleted and created again).
    IntegrationReplaced,
    /// The integration is created in the same apply that changes what the source's writer
    /// must reboot for.
    RebootBetweenApplies,
    /// The data filter includes something (Aurora PostgreSQL needs an include).
    FilterIncludes,
    /// The data filter is one CreateIntegration accepts.
    FilterValid,
    /// `AdditionalEncryptionContext` only with a KMS key, and within the limit of pairs.
    EncryptionContext,
    /// `SourceArn` is the cluster's ARN and `TargetArn` the namespace's (not a cluster or
    /// workgroup ARN, an id or a name).
    Arns,
    /// `IntegrationName` is one CreateIntegration accepts.
    IntegrationName,
}

/// What only a Terraform plan or CloudFormation template can get wrong (how it applies
/// parameters, what it replaces, what it orders badly). `parameters` names the parameters
/// the problem concerns; `limit` a ceiling.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub problem: DeploymentProblem,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parameters: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<usize>,
}

pub const ABOUT: About = About {
    name: "deployment",
    fields: "`problem` (`static_immediate`, `set_together`, `integration_replaced`, `reboot_between_applies`, `filter_includes`, `filter_valid`, `encryption_context`, `arns`, `integration_name`), `parameters`, `limit`",
    checks: "what a Terraform plan or CloudFormation template does (runs only on snapshots built from one)",
};

impl Kind for Spec {
    /// What the integration resource says is judged for any source; the parameter, data
    /// filter and reboot problems are an RDS source's.
    fn sources(&self) -> &'static [crate::model::SourceShape] {
        use DeploymentProblem as P;
        match self.problem {
            P::IntegrationReplaced | P::EncryptionContext | P::Arns | P::IntegrationName => {
                &super::ALL_SOURCES
            }
            _ => &crate::model::SourceShape::RDS,
        }
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        check(snap, self.problem, &self.parameters, self.limit)
    }

    fn needs(&self) -> Needs {
        Needs::Deployment
    }

    fn reads(&self) -> Reads {
        use DeploymentProblem as P;
        match self.problem {
            P::FilterIncludes | P::FilterValid => {
                Reads::paths(["plan.integration.DataFilter".to_string()])
            }
            // The key matters only with a context; the check asks for it then.
            P::EncryptionContext => {
                Reads::paths(["plan.integration.AdditionalEncryptionContext".to_string()])
            }
            P::StaticImmediate | P::SetTogether => {
                Reads::paths(["source.parameter_group".to_string()])
            }
            // What the deployment itself says: facts of the snapshot.
            P::IntegrationReplaced | P::RebootBetweenApplies | P::Arns | P::IntegrationName => {
                Reads::Facts
            }
        }
    }

    fn roles(&self) -> &'static [&'static str] {
        match self.problem {
            DeploymentProblem::StaticImmediate | DeploymentProblem::SetTogether => {
                &["source_group", "source"]
            }
            _ => &["integration"],
        }
    }
}

fn check(
    snap: &Snapshot,
    problem: DeploymentProblem,
    parameters: &[String],
    limit: Option<usize>,
) -> Outcome {
    let Some(plan) = &snap.deployment else {
        return na("not built from a plan");
    };
    let outcome = match problem {
        DeploymentProblem::StaticImmediate => static_immediate(plan, parameters),
        DeploymentProblem::SetTogether => set_together(plan, parameters),
        DeploymentProblem::IntegrationReplaced => replaced(plan),
        DeploymentProblem::RebootBetweenApplies => reboot_between(plan, parameters),
        DeploymentProblem::FilterIncludes => filter_includes(plan),
        DeploymentProblem::FilterValid => filter_valid(snap, plan),
        DeploymentProblem::EncryptionContext => encryption_context(plan, limit.unwrap_or(6)),
        DeploymentProblem::Arns => arns(plan),
        DeploymentProblem::IntegrationName => integration_name(plan),
    };
    // Point at the resource as the plan names it.
    let role = match problem {
        DeploymentProblem::StaticImmediate | DeploymentProblem::SetTogether => "source_group",
        _ => "integration",
    };
    match plan.locations.get(role) {
        Some(l) if outcome.resource.is_none() => outcome.on(l.address.clone()),
        _ => outcome,
    }
}

fn na(why: &str) -> Outcome {
    Outcome::new(Verdict::NotApplicable, why, Evidence::default())
}

fn pass(message: impl Into<String>) -> Outcome {
    Outcome::new(Verdict::Pass, message, Evidence::default())
}

fn violation(message: impl Into<String>, evidence: Evidence) -> Outcome {
    Outcome::new(Verdict::Violation, message, evidence)
}

fn planned<'a>(plan: &'a DeploymentFacts, name: &str) -> Option<&'a PlannedParameter> {
    plan.source_group
        .as_ref()?
        .parameters
        .iter()
        .find(|p| p.name == name)
}

fn static_immediate(plan: &DeploymentFacts, statics: &[String]) -> Outcome {
    let Some(group) = &plan.source_group else {
        return na("the plan writes no DB cluster parameter group for the source");
    };
    let wrong: Vec<&PlannedParameter> = group
        .parameters
        .iter()
        .filter(|p| statics.contains(&p.name) && p.apply_method.as_deref() == Some("immediate"))
        .collect();
    match wrong.as_slice() {
        [] => pass(format!(
            "no static parameter of {} is applied immediately",
            group.name
        )),
        [first, ..] => violation(
            format!(
                "{} sets the static parameter{} {} with apply_method = \"immediate\"; AWS rejects it \
                 (InvalidParameterCombination: cannot use immediate apply method for static parameter)",
                group.address,
                if wrong.len() > 1 { "s" } else { "" },
                wrong.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(", ")
            ),
            Evidence {
                parameter: Some(first.name.clone()),
                expected: Some("pending-reboot".into()),
                actual: Some("immediate".into()),
                parameter_group: Some(group.name.clone()),
                ..Evidence::default()
            },
        ),
    }
}

fn set_together(plan: &DeploymentFacts, together: &[String]) -> Outcome {
    let Some(group) = &plan.source_group else {
        return na("the plan writes no DB cluster parameter group for the source");
    };
    let set: Vec<&PlannedParameter> = together.iter().filter_map(|n| planned(plan, n)).collect();
    if set.is_empty() {
        return na("the plan sets none of them; the parameter rules judge their values");
    }
    let missing: Vec<&str> = together
        .iter()
        .filter(|n| planned(plan, n).is_none())
        .map(String::as_str)
        .collect();
    let evidence = |actual: String| Evidence {
        parameter_group: Some(group.name.clone()),
        expected: Some(together.join(", ")),
        actual: Some(actual),
        ..Evidence::default()
    };
    if !missing.is_empty() {
        return violation(
            format!(
                "{} sets {} but not {}: AWS accepts these only together, in one request",
                group.address,
                set.iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                missing.join(", ")
            ),
            evidence(
                set.iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        );
    }
    let mut methods: Vec<Option<&str>> = set.iter().map(|p| p.apply_method.as_deref()).collect();
    methods.dedup();
    if methods.len() > 1 {
        let how: Vec<String> = set
            .iter()
            .map(|p| {
                format!(
                    "{}={}",
                    p.name,
                    p.apply_method.as_deref().unwrap_or("(default)")
                )
            })
            .collect();
        return violation(
            format!(
                "{} applies them differently ({}): they go in separate requests; give all of them apply_method = \"pending-reboot\"",
                group.address,
                how.join(", ")
            ),
            evidence(how.join(", ")),
        );
    }
    pass(format!(
        "{} sets {} together",
        group.name,
        together.join(", ")
    ))
}

fn replaced(plan: &DeploymentFacts) -> Outcome {
    let Some(i) = &plan.integration else {
        return na("the plan has no integration resource");
    };
    if !i.actions.iter().any(|a| a == "delete") {
        return pass(format!(
            "{} is not replaced ({})",
            i.address,
            i.actions.join(", ")
        ));
    }
    let because = i
        .replaced_because
        .as_deref()
        .map(|b| format!(" because of {b}"))
        .unwrap_or_default();
    violation(
        format!(
            "the plan {} {}{because}: a new integration seeds every table again from the start",
            if i.actions.iter().any(|a| a == "create") {
                "replaces"
            } else {
                "deletes"
            },
            i.address
        ),
        Evidence {
            field: Some("actions".into()),
            expected: Some("no delete".into()),
            actual: Some(i.actions.join(", ")),
            ..Evidence::default()
        },
    )
}

fn reboot_between(plan: &DeploymentFacts, statics: &[String]) -> Outcome {
    let Some(i) = &plan.integration else {
        return na("the plan has no integration resource");
    };
    if !i.actions.iter().any(|a| a == "create") {
        return na("the plan does not create the integration");
    }
    let mut needs = plan.reboot_needed.clone();
    let changed: Vec<&str> = plan
        .changed_parameters
        .iter()
        .filter(|p| statics.contains(p))
        .map(String::as_str)
        .collect();
    if !changed.is_empty() {
        needs.push(format!(
            "changes the static parameter{} {} of its group",
            if changed.len() > 1 { "s" } else { "" },
            changed.join(", ")
        ));
    }
    if !plan.source_exists || needs.is_empty() {
        return pass("the integration's source needs no reboot for this plan");
    }
    violation(
        format!(
            "the plan creates {} in the same apply that {}; the integration is created before the \
             writer reboots to apply it. Apply the parameter change, reboot the writer, then apply the integration",
            i.address,
            needs.join("; ")
        ),
        Evidence {
            apply_status: Some("pending-reboot".into()),
            ..Evidence::default()
        },
    )
}

fn filter_includes(plan: &DeploymentFacts) -> Outcome {
    let Some(i) = &plan.integration else {
        return na("the plan has no integration resource");
    };
    let includes = i
        .data_filter
        .as_deref()
        .and_then(|f| DataFilter::parse(f, Dialect::Postgres).ok())
        .is_some_and(|f| f.patterns.iter().any(|p| p.include));
    if includes {
        return pass("the data filter includes at least one pattern");
    }
    violation(
        format!(
            "{} has {}: an Aurora PostgreSQL integration needs a data filter that includes something \
             (AWS: \"Your data filter must contain at least one include statement\")",
            i.address,
            match &i.data_filter {
                None => "no data_filter".to_string(),
                Some(f) => format!("the data filter \"{f}\", which includes nothing"),
            }
        ),
        Evidence {
            field: Some("DataFilter".into()),
            expected: Some("include: database.schema.table".into()),
            actual: i.data_filter.clone(),
            ..Evidence::default()
        },
    )
}

fn filter_valid(snap: &Snapshot, plan: &DeploymentFacts) -> Outcome {
    let Some(i) = &plan.integration else {
        return na("the plan has no integration resource");
    };
    let Some(text) = &i.data_filter else {
        return na("the integration has no data filter");
    };
    let dialect = Dialect::of_engine(snap.source.engine()).unwrap_or(Dialect::Mysql);
    match DataFilter::parse(text, dialect) {
        Ok(_) => pass("the data filter is one CreateIntegration accepts"),
        Err(e) => violation(
            format!("{} has a data filter AWS rejects: {}", i.address, e.0),
            Evidence {
                field: Some("DataFilter".into()),
                actual: Some(text.clone()),
                ..Evidence::default()
            },
        ),
    }
}

fn encryption_context(plan: &DeploymentFacts, limit: usize) -> Outcome {
    let Some(i) = &plan.integration else {
        return na("the plan has no integration resource");
    };
    let pairs = i.additional_encryption_context.len();
    if pairs == 0 {
        return na("the integration sets no additional encryption context");
    }
    let evidence = |expected: &str, actual: String| Evidence {
        field: Some("AdditionalEncryptionContext".into()),
        expected: Some(expected.into()),
        actual: Some(actual),
        ..Evidence::default()
    };
    if let (None, Some(why)) = (&i.kms_key_id, plan.unknown.get("plan.integration.KMSKeyId")) {
        return Outcome::unknown(why.clone(), Evidence::default());
    }
    if i.kms_key_id.is_none() {
        return violation(
            format!(
                "{} sets additional_encryption_context without kms_key_id: AWS accepts a context only with a customer managed key",
                i.address
            ),
            evidence("with KMSKeyId", "no KMSKeyId".into()),
        );
    }
    if pairs > limit {
        return violation(
            format!(
                "{} sets {pairs} encryption context pairs; AWS accepts at most {limit}",
                i.address
            ),
            evidence(&format!("at most {limit} pairs"), pairs.to_string()),
        );
    }
    pass(format!(
        "{} with a KMS key",
        crate::model::words::count(pairs, "encryption context pair", "encryption context pairs")
    ))
}

/// CreateIntegration's SourceArn pattern: a DB cluster or a DB instance.
const SOURCE_ARN: &str =
    r"^arn:aws[a-z\-]*:rds(-[a-z]*)?:[a-z0-9\-]*:[0-9]*:(cluster|db):[a-z][a-z0-9]*(-[a-z0-9]+)*$";
/// The TargetArn pattern: a provisioned (`namespace:`) or Serverless (`namespace/`) namespace.
const TARGET_ARN: &str = r"^arn:aws[a-z\-]*:redshift(-serverless)?:[a-z0-9\-]+:[0-9]{12}:(namespace/|namespace:)[a-z0-9\-]+$";

/// What is wrong with one ARN of the integration, if anything.
fn edge_problem(
    attr: &str,
    edge: &Edge,
    pattern: &str,
    good: &dyn Fn(&str, &str) -> bool,
    wanted: &str,
) -> Option<String> {
    match edge {
        Edge::Value(v) => (!regex::Regex::new(pattern)
            .expect("the ARN patterns are valid")
            .is_match(v))
        .then(|| format!("{attr} {v} is not {wanted}")),
        Edge::Attribute(res, a) => {
            (!good(res, a)).then(|| format!("{attr} is {res}.{a}, which is not {wanted}"))
        }
    }
}

fn arns(plan: &DeploymentFacts) -> Outcome {
    let Some(i) = &plan.integration else {
        return na("the plan has no integration resource");
    };
    // A DynamoDB table's ARN: Terraform's aws_dynamodb_table.X.arn, a template's !GetAtt X.Arn.
    let source_ok = |res: &str, a: &str| {
        a == "arn"
            || a == "DBClusterArn"
            || a == "DBInstanceArn"
            || (a == "Arn" && !res.contains('.'))
    };
    let target_ok = |res: &str, a: &str| {
        a == "cluster_namespace_arn"
            || a == "ClusterNamespaceArn"
            || a == "Namespace.NamespaceArn"
            || (a == "arn" && res.contains("aws_redshiftserverless_namespace."))
    };
    let problems: Vec<String> = [
        i.source_arn.as_ref().and_then(|e| {
            edge_problem("SourceArn", e, SOURCE_ARN, &source_ok, "a DB cluster or DB instance ARN (arn:aws:rds:REGION:ACCOUNT:cluster:NAME or …:db:NAME; Terraform: aws_rds_cluster.X.arn or aws_db_instance.X.arn, CloudFormation: !GetAtt X.DBClusterArn or X.DBInstanceArn)")
        }),
        i.target_arn.as_ref().and_then(|e| {
            edge_problem("TargetArn", e, TARGET_ARN, &target_ok, "a Redshift namespace ARN (Terraform: aws_redshift_cluster.X.cluster_namespace_arn or aws_redshiftserverless_namespace.X.arn; CloudFormation: !GetAtt X.ClusterNamespaceArn or X.Namespace.NamespaceArn)")
        }),
    ]
    .into_iter()
    .flatten()
    .collect();
    if problems.is_empty() {
        return pass("SourceArn names the cluster and TargetArn the namespace");
    }
    violation(
        format!("{}: {}", i.address, problems.join("; ")),
        Evidence {
            field: Some("SourceArn/TargetArn".into()),
            expected: Some("the cluster's ARN and the namespace's ARN".into()),
            actual: Some(problems.join("; ")),
            ..Evidence::default()
        },
    )
}

fn integration_name(plan: &DeploymentFacts) -> Outcome {
    let Some(i) = &plan.integration else {
        return na("the plan has no integration resource");
    };
    let Some(name) = &i.name else {
        return na("the plan does not say the integration's name");
    };
    let valid = regex::Regex::new(r"^[a-zA-Z](-?[a-zA-Z0-9]+)*$")
        .expect("the name pattern is valid")
        .is_match(name)
        && name.len() <= 63;
    if valid {
        return pass(format!("{name} is a name CreateIntegration accepts"));
    }
    let fixed = valid_name(name);
    let fix = match plan.tool.as_str() {
        "cloudformation" => format!("IntegrationName: {fixed}"),
        _ => format!("integration_name = \"{fixed}\""),
    };
    violation(
        format!(
            "{} is named \"{name}\": CreateIntegration takes 1 to 63 letters, digits and single hyphens, starting with a letter",
            i.address
        ),
        Evidence {
            field: Some("IntegrationName".into()),
            expected: Some("[a-zA-Z](-?[a-zA-Z0-9]+)*, at most 63".into()),
            actual: Some(name.clone()),
            ..Evidence::default()
        },
    )
    .fix(fix)
}

/// The nearest name CreateIntegration accepts: every run of other characters becomes one
/// hyphen, leading characters up to the first letter go, and it is cut to 63 characters.
pub fn valid_name(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            if out.is_empty() && !c.is_ascii_alphabetic() {
                continue;
            }
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(63);
    let out = out.trim_end_matches('-');
    if out.is_empty() {
        "zero-etl-integration".to_string()
    } else {
        out.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::valid_name;

    #[test]
    fn a_valid_name_is_derived_from_the_given_one() {
        assert_eq!(valid_name("orders_to_analytics"), "orders-to-analytics");
        assert_eq!(valid_name("2024 orders--to__wh!"), "orders-to-wh");
        assert_eq!(valid_name("___"), "zero-etl-integration");
        let long = "a".repeat(62) + "_b";
        assert_eq!(valid_name(&long), "a".repeat(62));
    }
}

//! Every AWS operation the fetch layer calls, by its IAM action name. The fetch code names
//! calls only through these constants, so this list is what a read-only role needs (the
//! IAM policy in docs/iam.md is tested against it).

pub const DESCRIBE_DB_CLUSTERS: &str = "rds:DescribeDBClusters";
pub const DESCRIBE_DB_CLUSTER_PARAMETER_GROUPS: &str = "rds:DescribeDBClusterParameterGroups";
pub const DESCRIBE_DB_CLUSTER_PARAMETERS: &str = "rds:DescribeDBClusterParameters";
pub const DESCRIBE_ENGINE_DEFAULT_CLUSTER_PARAMETERS: &str =
    "rds:DescribeEngineDefaultClusterParameters";
pub const DESCRIBE_INTEGRATIONS: &str = "rds:DescribeIntegrations";
pub const DESCRIBE_GLOBAL_CLUSTERS: &str = "rds:DescribeGlobalClusters";
pub const DESCRIBE_BLUE_GREEN_DEPLOYMENTS: &str = "rds:DescribeBlueGreenDeployments";
pub const DESCRIBE_CLUSTERS: &str = "redshift:DescribeClusters";
/// An RDS source (and `check --fix`, waiting for a rebooted writer).
pub const DESCRIBE_DB_INSTANCES: &str = "rds:DescribeDBInstances";
/// `check --fix`: whether a name for a new DB parameter group is free.
pub const DESCRIBE_DB_PARAMETER_GROUPS: &str = "rds:DescribeDBParameterGroups";
/// An RDS source's DB parameter group.
pub const DESCRIBE_DB_PARAMETERS: &str = "rds:DescribeDBParameters";
/// An RDS source's engine defaults.
pub const DESCRIBE_ENGINE_DEFAULT_PARAMETERS: &str = "rds:DescribeEngineDefaultParameters";
pub const DESCRIBE_CLUSTER_PARAMETERS: &str = "redshift:DescribeClusterParameters";
pub const GET_RESOURCE_POLICY: &str = "redshift:GetResourcePolicy";
/// `audit`: integrations into this account's targets, from any account.
pub const DESCRIBE_INBOUND_INTEGRATIONS: &str = "redshift:DescribeInboundIntegrations";
pub const GET_WORKGROUP: &str = "redshift-serverless:GetWorkgroup";
pub const GET_NAMESPACE: &str = "redshift-serverless:GetNamespace";
/// `check --fix` only: a workgroup's tags (whether code owns it).
pub const LIST_TAGS_FOR_RESOURCE: &str = "redshift-serverless:ListTagsForResource";
/// `check --fix` only: a customer managed KMS key's tags (whether code owns it).
pub const LIST_RESOURCE_TAGS: &str = "kms:ListResourceTags";
pub const LIST_WORKGROUPS: &str = "redshift-serverless:ListWorkgroups";
pub const LIST_NAMESPACES: &str = "redshift-serverless:ListNamespaces";
/// Who is acting (the identity line). Optional: without it only that line is dropped.
pub const GET_CALLER_IDENTITY: &str = "sts:GetCallerIdentity";
/// The creator's permissions (the actions simulated are in `model::creator`).
pub const SIMULATE_PRINCIPAL_POLICY: &str = "iam:SimulatePrincipalPolicy";
/// The integration's KMS key (`--kms-key`, or the existing integration's KMSKeyId).
pub const DESCRIBE_KEY: &str = "kms:DescribeKey";
pub const GET_KEY_POLICY: &str = "kms:GetKeyPolicy";
/// `check --data`: the database password from a secret (`--db-secret`, or the cluster's
/// RDS-managed master user secret).
pub const GET_SECRET_VALUE: &str = "secretsmanager:GetSecretValue";
/// `check --data --iam-auth`: IAM database authentication (the token is signed locally).
pub const RDS_DB_CONNECT: &str = "rds-db:connect";
/// After creation: an integration's metrics and the alarms that watch them (health).
pub const LIST_METRICS: &str = "cloudwatch:ListMetrics";
pub const GET_METRIC_DATA: &str = "cloudwatch:GetMetricData";
pub const DESCRIBE_ALARMS: &str = "cloudwatch:DescribeAlarms";
/// A DynamoDB table source.
pub const DESCRIBE_TABLE: &str = "dynamodb:DescribeTable";
pub const DESCRIBE_CONTINUOUS_BACKUPS: &str = "dynamodb:DescribeContinuousBackups";
pub const GET_TABLE_POLICY: &str = "dynamodb:GetResourcePolicy";
/// `audit --candidates … --candidate-sources dynamodb`: the Region's tables.
pub const LIST_TABLES: &str = "dynamodb:ListTables";
/// A DynamoDB table's integrations are Redshift's.
pub const DESCRIBE_REDSHIFT_INTEGRATIONS: &str = "redshift:DescribeIntegrations";
/// Used by `check --fix` only: whether code owns the table.
pub const LIST_TABLE_TAGS: &str = "dynamodb:ListTagsOfResource";
/// Used by `check --fix` only, to find a free name for a new group.
pub const DESCRIBE_CLUSTER_PARAMETER_GROUPS: &str = "redshift:DescribeClusterParameterGroups";

/// Everything `check` may call.
pub const READ: &[&str] = &[
    DESCRIBE_DB_CLUSTERS,
    DESCRIBE_DB_INSTANCES,
    DESCRIBE_DB_PARAMETERS,
    DESCRIBE_ENGINE_DEFAULT_PARAMETERS,
    DESCRIBE_DB_CLUSTER_PARAMETER_GROUPS,
    DESCRIBE_DB_CLUSTER_PARAMETERS,
    DESCRIBE_ENGINE_DEFAULT_CLUSTER_PARAMETERS,
    DESCRIBE_INTEGRATIONS,
    DESCRIBE_GLOBAL_CLUSTERS,
    DESCRIBE_BLUE_GREEN_DEPLOYMENTS,
    DESCRIBE_CLUSTERS,
    DESCRIBE_CLUSTER_PARAMETERS,
    GET_RESOURCE_POLICY,
    DESCRIBE_INBOUND_INTEGRATIONS,
    GET_WORKGROUP,
    GET_NAMESPACE,
    LIST_WORKGROUPS,
    LIST_NAMESPACES,
    GET_CALLER_IDENTITY,
    DESCRIBE_KEY,
    GET_KEY_POLICY,
    SIMULATE_PRINCIPAL_POLICY,
    LIST_METRICS,
    GET_METRIC_DATA,
    DESCRIBE_ALARMS,
    DESCRIBE_TABLE,
    DESCRIBE_CONTINUOUS_BACKUPS,
    GET_TABLE_POLICY,
    DESCRIBE_REDSHIFT_INTEGRATIONS,
    LIST_TABLES,
];

/// The call behind each optional read.
pub fn optional(r: crate::model::reads::Optional) -> &'static str {
    use crate::model::reads::Optional as O;
    match r {
        O::SourceCluster => DESCRIBE_DB_CLUSTERS,
        O::SourceParameters => DESCRIBE_DB_CLUSTER_PARAMETERS,
        O::EngineDefaults => DESCRIBE_ENGINE_DEFAULT_CLUSTER_PARAMETERS,
        O::GlobalCluster => DESCRIBE_GLOBAL_CLUSTERS,
        O::BlueGreen => DESCRIBE_BLUE_GREEN_DEPLOYMENTS,
        O::Integrations => DESCRIBE_INTEGRATIONS,
        O::TargetParameters => DESCRIBE_CLUSTER_PARAMETERS,
        O::ResourcePolicy => GET_RESOURCE_POLICY,
        O::KmsKey => DESCRIBE_KEY,
        O::Creator => SIMULATE_PRINCIPAL_POLICY,
        O::Health => GET_METRIC_DATA,
    }
}

/// `Err(not read)` when the run's rules do not need `read`.
pub(crate) fn left_out(
    wanted: crate::model::reads::Wanted,
    read: crate::model::reads::Optional,
) -> Result<(), crate::model::CallError> {
    if wanted.wants(read) {
        Ok(())
    } else {
        Err(crate::model::reads::not_read(optional(read)))
    }
}

/// What `check --fix` may call on top of [`READ`]: waits, and the changes themselves.
pub const FIX: &[&str] = &[
    "rds:CreateDBClusterParameterGroup",
    "rds:ModifyDBClusterParameterGroup",
    "rds:ResetDBClusterParameterGroup",
    "rds:ModifyDBCluster",
    "rds:RebootDBInstance",
    "rds:RebootDBCluster",
    "rds:CreateDBParameterGroup",
    "rds:CopyDBParameterGroup",
    "rds:ModifyDBParameterGroup",
    "rds:ResetDBParameterGroup",
    "rds:ModifyDBInstance",
    DESCRIBE_DB_PARAMETER_GROUPS,
    DESCRIBE_CLUSTER_PARAMETER_GROUPS,
    "redshift:CreateClusterParameterGroup",
    "redshift:ModifyClusterParameterGroup",
    "redshift:ModifyCluster",
    "redshift:RebootCluster",
    "redshift:PutResourcePolicy",
    "redshift-serverless:UpdateWorkgroup",
    LIST_TAGS_FOR_RESOURCE,
    "kms:PutKeyPolicy",
    LIST_RESOURCE_TAGS,
    "cloudwatch:PutMetricAlarm",
    "dynamodb:UpdateContinuousBackups",
    LIST_TABLE_TAGS,
    "dynamodb:PutResourcePolicy",
];

/// `audit --tables`: the Redshift Data API.
pub const EXECUTE_STATEMENT: &str = "redshift-data:ExecuteStatement";
pub const DESCRIBE_STATEMENT: &str = "redshift-data:DescribeStatement";
pub const GET_STATEMENT_RESULT: &str = "redshift-data:GetStatementResult";

/// What `check --data` and `audit --tables` may call on top of [`READ`]: secrets, IAM
/// database authentication, and the Data API with the temporary credentials it asks for.
pub const DATA: &[&str] = &[
    GET_SECRET_VALUE,
    RDS_DB_CONNECT,
    EXECUTE_STATEMENT,
    DESCRIBE_STATEMENT,
    GET_STATEMENT_RESULT,
    "redshift:GetClusterCredentialsWithIAM",
    // The Data API with `--tables-db-user`: temporary credentials for that database user.
    "redshift:GetClusterCredentials",
    "redshift-serverless:GetCredentials",
];

/// The least-privilege IAM policy document for checking, or for checking and fixing;
/// `data` adds what `check --data` needs for secrets and IAM database authentication.
pub fn iam_policy(fix: bool) -> serde_json::Value {
    iam_policy_with(fix, false)
}

pub fn iam_policy_with(fix: bool, data: bool) -> serde_json::Value {
    let mut statements = vec![serde_json::json!({
        "Sid": "ZetlPreflightRead",
        "Effect": "Allow",
        "Action": READ,
        "Resource": "*",
    })];
    if data {
        statements.push(serde_json::json!({
            "Sid": "ZetlPreflightData",
            "Effect": "Allow",
            "Action": DATA,
            "Resource": "*",
        }));
    }
    if fix {
        statements.push(serde_json::json!({
            "Sid": "ZetlPreflightFix",
            "Effect": "Allow",
            "Action": FIX,
            "Resource": "*",
        }));
    }
    serde_json::json!({ "Version": "2012-10-17", "Statement": statements })
}

#[cfg(test)]
mod tests {
    use super::{iam_policy, iam_policy_with, DATA, FIX, READ};

    /// Every SDK operation called anywhere in `src/` (`.rds.op()`, `.redshift.op()`,
    /// `.serverless.op()`) is granted by `iam-policy --fix`; the read-only ones by `iam-policy`.
    #[test]
    fn policy_covers_every_operation_the_code_calls() {
        let granted = |fix: bool| -> Vec<String> {
            iam_policy(fix)["Statement"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|s| s["Action"].as_array().unwrap().clone())
                .map(|a| {
                    a.as_str()
                        .unwrap()
                        .split(':')
                        .nth(1)
                        .unwrap()
                        .to_ascii_lowercase()
                })
                .collect()
        };
        let all = granted(true);
        let mut seen = 0;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.ends_with("fetch/calls.rs") {
                    continue;
                }
                let text: String = std::fs::read_to_string(&path)
                    .unwrap()
                    .split_whitespace()
                    .collect();
                for client in [".rds.", ".redshift.", ".serverless."] {
                    for (i, _) in text.match_indices(client) {
                        let rest = &text[i + client.len()..];
                        let op: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                            .collect();
                        if op.is_empty() || !rest[op.len()..].starts_with("()") || op == "config" {
                            continue;
                        }
                        seen += 1;
                        let action = op.replace('_', "");
                        assert!(
                            all.contains(&action),
                            "{} calls {op}, which iam-policy --fix does not grant",
                            path.display()
                        );
                        if path.starts_with(
                            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/fetch"),
                        ) {
                            assert!(
                                granted(false).contains(&action),
                                "fetch calls {op}, which iam-policy does not grant"
                            );
                        }
                    }
                }
            }
        }
        assert!(
            seen >= 10,
            "found only {seen} SDK calls: the scan is broken"
        );
    }

    /// The fetch code names no call except through these constants.
    #[test]
    fn fetch_code_has_no_literal_call_names() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/fetch");
        let mut files: Vec<std::path::PathBuf> = Vec::new();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else {
                files.push(path);
            }
        }
        for path in files {
            if path.file_name().is_some_and(|n| n == "calls.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            for prefix in ["\"rds:", "\"redshift:", "\"redshift-serverless:"] {
                assert!(
                    !text.contains(prefix),
                    "{} names a call as a literal ({prefix}…); use fetch::calls",
                    path.display()
                );
            }
        }
    }

    /// The IAM policy in docs/iam.md grants every call.
    #[test]
    fn documented_policy_lists_every_call() {
        let page = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/iam.md"),
        )
        .unwrap();
        for call in READ {
            assert!(
                page.contains(&format!("\"{call}\"")),
                "docs/iam.md IAM policy lacks {call}"
            );
        }
    }

    /// Every call named in this file is in the policy for the options that make it: the
    /// plain policy holds every read, `--fix` and `--data` add theirs.
    #[test]
    fn the_policy_grants_every_call_named_here() {
        let text = include_str!("calls.rs");
        let named: Vec<&str> = text
            .split('"')
            .skip(1)
            .step_by(2)
            .filter(|s| {
                let Some((svc, action)) = s.split_once(':') else {
                    return false;
                };
                !svc.is_empty()
                    && svc.chars().all(|c| c.is_ascii_lowercase() || c == '-')
                    && action
                        .chars()
                        .next()
                        .is_some_and(|c| c.is_ascii_uppercase())
                    && action.chars().all(|c| c.is_ascii_alphanumeric())
            })
            .collect();
        assert!(named.len() > 30, "{named:?}");
        let granted = |p: &serde_json::Value| p.to_string();
        let full = granted(&iam_policy_with(true, true));
        for call in &named {
            assert!(
                full.contains(&format!("\"{call}\"")),
                "{call} is in no policy"
            );
        }
        let plain = granted(&iam_policy_with(false, false));
        for call in READ {
            assert!(plain.contains(&format!("\"{call}\"")), "{call}");
        }
        let fix = granted(&iam_policy_with(true, false));
        for call in FIX {
            assert!(fix.contains(&format!("\"{call}\"")), "{call}");
        }
        let data = granted(&iam_policy_with(false, true));
        for call in DATA {
            assert!(data.contains(&format!("\"{call}\"")), "{call}");
        }
        assert!(data.contains("redshift:GetClusterCredentials\""));
    }
}

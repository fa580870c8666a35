//! Each planned call as the AWS CLI command that does the same, for people who fix by hand.
//! Creating a group is guarded, so the commands can be run again after a partial fix.

use super::action::{Action, Op, ParamSet};

/// Quote for a POSIX shell when needed.
fn sh(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@+".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// `--parameters` in the CLI's shorthand, or JSON when a value would break the shorthand.
fn rds_parameters(params: &[ParamSet], with_value: bool) -> String {
    let plain = |v: &str| !v.contains([',', ' ', '"', '\'', '[', ']', '{', '}', '=']);
    if params.iter().all(|p| plain(&p.value)) {
        params
            .iter()
            .map(|p| {
                if with_value {
                    format!(
                        "\"ParameterName={},ParameterValue={},ApplyMethod={}\"",
                        p.name, p.value, p.apply_method
                    )
                } else {
                    format!(
                        "\"ParameterName={},ApplyMethod={}\"",
                        p.name, p.apply_method
                    )
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    } else {
        let list: Vec<serde_json::Value> = params
            .iter()
            .map(|p| {
                let mut o = serde_json::json!({
                    "ParameterName": p.name,
                    "ApplyMethod": p.apply_method,
                });
                if with_value {
                    o["ParameterValue"] = serde_json::Value::String(p.value.clone());
                }
                o
            })
            .collect();
        sh(&serde_json::Value::Array(list).to_string())
    }
}

fn redshift_parameters(params: &[ParamSet]) -> String {
    let list: Vec<serde_json::Value> = params
        .iter()
        .map(|p| serde_json::json!({"ParameterName": p.name, "ParameterValue": p.value}))
        .collect();
    sh(&serde_json::Value::Array(list).to_string())
}

/// The command for `a`: a manual action's own text, or the CLI form of its call.
pub fn command(a: &Action) -> Option<String> {
    Some(match &a.op {
        Op::Manual => return a.command.clone(),
        Op::CreateDbClusterParameterGroup {
            name,
            family,
            description,
        } => format!(
            "aws rds describe-db-cluster-parameter-groups --db-cluster-parameter-group-name {name} >/dev/null 2>&1 || \
             aws rds create-db-cluster-parameter-group --db-cluster-parameter-group-name {name} --db-parameter-group-family {family} --description {}",
            sh(description)
        ),
        Op::ModifyDbClusterParameterGroup { group, parameters } => format!(
            "aws rds modify-db-cluster-parameter-group --db-cluster-parameter-group-name {group} --parameters {}",
            rds_parameters(parameters, true)
        ),
        Op::ResetDbClusterParameterGroup { group, parameters } => format!(
            "aws rds reset-db-cluster-parameter-group --db-cluster-parameter-group-name {group} --parameters {}",
            rds_parameters(parameters, false)
        ),
        Op::ModifyDbCluster {
            cluster,
            parameter_group,
        } => format!(
            "aws rds modify-db-cluster --db-cluster-identifier {cluster} --db-cluster-parameter-group-name {parameter_group} --apply-immediately"
        ),
        Op::RebootDbInstance { instance } => {
            format!("aws rds reboot-db-instance --db-instance-identifier {instance}")
        }
        Op::RebootDbCluster { cluster } => {
            format!("aws rds reboot-db-cluster --db-cluster-identifier {cluster}")
        }
        Op::CreateDbParameterGroup {
            name,
            family,
            description,
        } => format!(
            "aws rds describe-db-parameter-groups --db-parameter-group-name {name} >/dev/null 2>&1 || \
             aws rds create-db-parameter-group --db-parameter-group-name {name} --db-parameter-group-family {family} --description {}",
            sh(description)
        ),
        Op::CopyDbParameterGroup {
            source,
            name,
            description,
        } => format!(
            "aws rds describe-db-parameter-groups --db-parameter-group-name {name} >/dev/null 2>&1 || \
             aws rds copy-db-parameter-group --source-db-parameter-group-identifier {source} --target-db-parameter-group-identifier {name} --target-db-parameter-group-description {}",
            sh(description)
        ),
        Op::ModifyDbParameterGroup { group, parameters } => format!(
            "aws rds modify-db-parameter-group --db-parameter-group-name {group} --parameters {}",
            rds_parameters(parameters, true)
        ),
        Op::ResetDbParameterGroup { group, parameters } => format!(
            "aws rds reset-db-parameter-group --db-parameter-group-name {group} --parameters {}",
            rds_parameters(parameters, false)
        ),
        Op::ModifyDbInstance {
            instance,
            parameter_group,
        } => format!(
            "aws rds modify-db-instance --db-instance-identifier {instance} --db-parameter-group-name {parameter_group} --apply-immediately"
        ),
        Op::SetBackupRetention { instance, days } => format!(
            "aws rds modify-db-instance --db-instance-identifier {instance} --backup-retention-period {days} --apply-immediately"
        ),
        Op::CreateClusterParameterGroup {
            name,
            family,
            description,
        } => format!(
            "aws redshift describe-cluster-parameter-groups --parameter-group-name {name} >/dev/null 2>&1 || \
             aws redshift create-cluster-parameter-group --parameter-group-name {name} --parameter-group-family {family} --description {}",
            sh(description)
        ),
        Op::ModifyClusterParameterGroup { group, parameters } => format!(
            "aws redshift modify-cluster-parameter-group --parameter-group-name {group} --parameters {}",
            redshift_parameters(parameters)
        ),
        Op::ModifyCluster {
            cluster,
            parameter_group,
        } => format!(
            "aws redshift modify-cluster --cluster-identifier {cluster} --cluster-parameter-group-name {parameter_group}"
        ),
        Op::RebootCluster { cluster } => {
            format!("aws redshift reboot-cluster --cluster-identifier {cluster}")
        }
        Op::PutResourcePolicy {
            resource_arn,
            policy,
        } => format!(
            "aws redshift put-resource-policy --resource-arn {resource_arn} --policy {}",
            sh(policy)
        ),
        Op::UpdateContinuousBackups { table } => format!(
            "aws dynamodb update-continuous-backups --table-name {table} --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true"
        ),
        Op::PutTablePolicy {
            table,
            policy,
            expected_revision_id,
        } => format!(
            "aws dynamodb put-resource-policy --resource-arn {table} --expected-revision-id {expected_revision_id} --policy {}",
            sh(policy)
        ),
        Op::PutKeyPolicy { key_id, policy } => format!(
            "aws kms put-key-policy --key-id {key_id} --policy-name default --policy {}",
            sh(policy)
        ),
        Op::PutMetricAlarm(a) => {
            let actions = if a.actions.is_empty() {
                String::new()
            } else {
                format!(" --alarm-actions {}", a.actions.join(" "))
            };
            format!(
                "aws cloudwatch put-metric-alarm --alarm-name {} --namespace {} --metric-name {} --dimensions Name=IntegrationId,Value={} --statistic Maximum --period 60 --evaluation-periods {} --threshold {} --comparison-operator GreaterThanThreshold --treat-missing-data {}{actions}",
                a.name, a.namespace, a.metric, a.integration_id, a.evaluation_periods, a.threshold, a.missing_data
            )
        }
        Op::RefreshTables { at, sql, .. } => {
            let mut cmd = String::from("aws redshift-data execute-statement");
            for (flag, value) in [
                ("--workgroup-name", &at.workgroup),
                ("--cluster-identifier", &at.cluster),
                ("--db-user", &at.db_user),
                ("--secret-arn", &at.secret_arn),
            ] {
                if let Some(v) = value {
                    cmd.push_str(&format!(" {flag} {}", sh(v)));
                }
            }
            format!("{cmd} --database {} --sql {}", sh(&at.database), sh(sql))
        }
        Op::UpdateWorkgroup {
            workgroup,
            config_parameters,
        } => {
            let list: Vec<serde_json::Value> = config_parameters
                .iter()
                .map(|(k, v)| serde_json::json!({"parameterKey": k, "parameterValue": v}))
                .collect();
            format!(
                "aws redshift-serverless update-workgroup --workgroup-name {workgroup} --config-parameters {}",
                sh(&serde_json::Value::Array(list).to_string())
            )
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(sh("shop-db"), "shop-db");
        assert_eq!(sh("it's"), r"'it'\''s'");
        assert_eq!(sh("a b"), "'a b'");
    }
}

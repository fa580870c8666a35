//! What a fix plan is made of: actions with an applicability, a readable diff, and the one
//! AWS call each makes.

use serde::Serialize;

use crate::fetch::redshift_data::Where;
use crate::rules::spec::Applicability;

#[derive(Debug, Clone, Default, Serialize)]
pub struct Plan {
    pub actions: Vec<Action>,
}

impl Plan {
    /// True when there is nothing to apply (manual actions are advice, not changes).
    pub fn is_empty(&self) -> bool {
        self.actions
            .iter()
            .all(|a| a.applicability == Applicability::Manual)
    }

    pub fn push(&mut self, action: Action) {
        self.actions.push(action);
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Action {
    pub applicability: Applicability,
    /// The resource it changes (ARN or name).
    pub resource: String,
    /// One line: what it does.
    pub summary: String,
    /// Why it is unsafe, or why it is manual.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The rule codes it addresses.
    pub rules: Vec<String>,
    /// Before → after, field by field.
    pub changes: Vec<Change>,
    /// The call it makes; `Manual` shows `command` instead.
    pub op: Op,
    /// For manual actions: the command for a person to run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

impl Change {
    pub fn new(field: impl Into<String>, before: Option<&str>, after: Option<&str>) -> Change {
        Change {
            field: field.into(),
            before: before.map(str::to_string),
            after: after.map(str::to_string),
        }
    }
}

/// A parameter value to set, with how AWS applies it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParamSet {
    pub name: String,
    pub value: String,
    /// `immediate` or `pending-reboot` (RDS); Redshift applies on reboot when static.
    pub apply_method: String,
}

/// Exactly one AWS call, with everything it sends.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "call")]
pub enum Op {
    #[serde(rename = "rds:CreateDBClusterParameterGroup")]
    CreateDbClusterParameterGroup {
        name: String,
        family: String,
        description: String,
    },
    #[serde(rename = "rds:ModifyDBClusterParameterGroup")]
    ModifyDbClusterParameterGroup {
        group: String,
        parameters: Vec<ParamSet>,
    },
    #[serde(rename = "rds:ResetDBClusterParameterGroup")]
    ResetDbClusterParameterGroup {
        group: String,
        /// (name, apply method)
        parameters: Vec<ParamSet>,
    },
    #[serde(rename = "rds:ModifyDBCluster")]
    ModifyDbCluster {
        cluster: String,
        parameter_group: String,
    },
    #[serde(rename = "rds:RebootDBInstance")]
    RebootDbInstance { instance: String },
    /// A Multi-AZ DB cluster reboots as a whole (its writer and both readers).
    #[serde(rename = "rds:RebootDBCluster")]
    RebootDbCluster { cluster: String },
    /// A new DB parameter group (for an RDS DB instance): used when the current group is a
    /// default one, which AWS does not let anyone copy.
    #[serde(rename = "rds:CreateDBParameterGroup")]
    CreateDbParameterGroup {
        name: String,
        family: String,
        description: String,
    },
    /// A copy of a custom DB parameter group, with every value it sets.
    #[serde(rename = "rds:CopyDBParameterGroup")]
    CopyDbParameterGroup {
        source: String,
        name: String,
        description: String,
    },
    #[serde(rename = "rds:ModifyDBParameterGroup")]
    ModifyDbParameterGroup {
        group: String,
        parameters: Vec<ParamSet>,
    },
    #[serde(rename = "rds:ResetDBParameterGroup")]
    ResetDbParameterGroup {
        group: String,
        parameters: Vec<ParamSet>,
    },
    /// Associate a DB parameter group with a DB instance (applied immediately; in force
    /// after the reboot).
    #[serde(rename = "rds:ModifyDBInstance")]
    ModifyDbInstance {
        instance: String,
        parameter_group: String,
    },
    /// Turn on automated backups, applied immediately.
    #[serde(rename = "rds:ModifyDBInstance")]
    SetBackupRetention { instance: String, days: i32 },
    #[serde(rename = "redshift:CreateClusterParameterGroup")]
    CreateClusterParameterGroup {
        name: String,
        family: String,
        description: String,
    },
    #[serde(rename = "redshift:ModifyClusterParameterGroup")]
    ModifyClusterParameterGroup {
        group: String,
        parameters: Vec<ParamSet>,
    },
    #[serde(rename = "redshift:ModifyCluster")]
    ModifyCluster {
        cluster: String,
        parameter_group: String,
    },
    #[serde(rename = "redshift:RebootCluster")]
    RebootCluster { cluster: String },
    #[serde(rename = "redshift:PutResourcePolicy")]
    PutResourcePolicy {
        resource_arn: String,
        policy: String,
    },
    /// The whole key policy (`default`): PutKeyPolicy replaces it.
    #[serde(rename = "kms:PutKeyPolicy")]
    PutKeyPolicy { key_id: String, policy: String },
    #[serde(rename = "redshift-serverless:UpdateWorkgroup")]
    UpdateWorkgroup {
        workgroup: String,
        /// The complete list: UpdateWorkgroup replaces it.
        config_parameters: Vec<(String, String)>,
    },
    /// A CloudWatch alarm on one metric of one integration (PutMetricAlarm creates or
    /// replaces the alarm of that name).
    #[serde(rename = "cloudwatch:PutMetricAlarm")]
    PutMetricAlarm(Alarm),
    /// `ALTER DATABASE … INTEGRATION REFRESH TABLE …`, run on the target through the Redshift
    /// Data API (ExecuteStatement, then DescribeStatement until it finishes).
    #[serde(rename = "redshift-data:ExecuteStatement")]
    RefreshTables {
        /// The target, the database the session connects to, and the login.
        at: Where,
        /// The database created from the integration.
        database: String,
        /// `schema.table`, as Redshift names them.
        tables: Vec<String>,
        sql: String,
    },
    /// Point-in-time recovery on for a DynamoDB table.
    #[serde(rename = "dynamodb:UpdateContinuousBackups")]
    UpdateContinuousBackups { table: String },
    /// A DynamoDB table's whole resource policy, put only over the revision that was read
    /// (`NO_POLICY`: only where there is none).
    #[serde(rename = "dynamodb:PutResourcePolicy")]
    PutTablePolicy {
        table: String,
        policy: String,
        expected_revision_id: String,
    },
    #[serde(rename = "manual")]
    Manual,
}

/// What PutMetricAlarm sends: a standard-resolution alarm on the maximum of one metric with
/// the `IntegrationId` dimension.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Alarm {
    pub name: String,
    pub namespace: String,
    pub metric: String,
    pub integration_id: String,
    pub threshold: f64,
    pub evaluation_periods: i32,
    /// `breaching` or `notBreaching`.
    pub missing_data: String,
    /// SNS topics (or other actions) to notify when it goes to ALARM.
    pub actions: Vec<String>,
}

impl Op {
    /// The IAM action name of the call (`manual` for none).
    pub fn call(&self) -> &'static str {
        match self {
            Op::CreateDbClusterParameterGroup { .. } => "rds:CreateDBClusterParameterGroup",
            Op::ModifyDbClusterParameterGroup { .. } => "rds:ModifyDBClusterParameterGroup",
            Op::ResetDbClusterParameterGroup { .. } => "rds:ResetDBClusterParameterGroup",
            Op::ModifyDbCluster { .. } => "rds:ModifyDBCluster",
            Op::RebootDbInstance { .. } => "rds:RebootDBInstance",
            Op::RebootDbCluster { .. } => "rds:RebootDBCluster",
            Op::CreateDbParameterGroup { .. } => "rds:CreateDBParameterGroup",
            Op::CopyDbParameterGroup { .. } => "rds:CopyDBParameterGroup",
            Op::ModifyDbParameterGroup { .. } => "rds:ModifyDBParameterGroup",
            Op::ResetDbParameterGroup { .. } => "rds:ResetDBParameterGroup",
            Op::ModifyDbInstance { .. } | Op::SetBackupRetention { .. } => "rds:ModifyDBInstance",
            Op::CreateClusterParameterGroup { .. } => "redshift:CreateClusterParameterGroup",
            Op::ModifyClusterParameterGroup { .. } => "redshift:ModifyClusterParameterGroup",
            Op::ModifyCluster { .. } => "redshift:ModifyCluster",
            Op::RebootCluster { .. } => "redshift:RebootCluster",
            Op::PutResourcePolicy { .. } => "redshift:PutResourcePolicy",
            Op::PutKeyPolicy { .. } => "kms:PutKeyPolicy",
            Op::UpdateWorkgroup { .. } => "redshift-serverless:UpdateWorkgroup",
            Op::PutMetricAlarm(_) => "cloudwatch:PutMetricAlarm",
            Op::RefreshTables { .. } => "redshift-data:ExecuteStatement",
            Op::UpdateContinuousBackups { .. } => "dynamodb:UpdateContinuousBackups",
            Op::PutTablePolicy { .. } => "dynamodb:PutResourcePolicy",
            Op::Manual => "manual",
        }
    }
}

pub(super) fn action(
    applicability: Applicability,
    resource: &str,
    summary: String,
    rules: &[String],
    op: Op,
) -> Action {
    Action {
        applicability,
        resource: resource.to_string(),
        summary,
        reason: None,
        rules: rules.to_vec(),
        changes: Vec::new(),
        op,
        command: None,
    }
}

pub(super) fn with_reason(mut a: Action, reason: Option<String>) -> Action {
    a.reason = reason;
    a
}

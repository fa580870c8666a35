//! `kind = "table"`: a DynamoDB table source: point-in-time recovery, the table's resource
//! policy and key as IAM evaluates them for Redshift, and the names and keys zero-ETL
//! limits. Pages: <https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/RedshiftforDynamoDB-zero-etl.html>,
//! <https://docs.aws.amazon.com/redshift/latest/mgmt/zero-etl.reqs-lims.html>.

use serde::{Deserialize, Serialize};

use crate::model::arn::{account_of, partition_of};
use crate::model::reads::{Optional, Wanted};
use crate::model::{Evidence, Fact, KmsKey, Snapshot, SourceShape, TableSource, ValueSource};
use crate::rules::iam::condition::KeyValue;
use crate::rules::iam::{self, Context, Decision, Principal, Request, Statement};
use crate::rules::outcome::{Outcome, Verdict};

use super::{About, Kind, Reads};

const SERVICE: &str = "redshift.amazonaws.com";
/// Redshift's longest identifier: a longer table or key attribute name fails the integration.
pub const MAX_NAME: usize = 127;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableProblem {
    /// Point-in-time recovery is enabled (DescribeContinuousBackups).
    PointInTimeRecovery,
    /// The table's resource policy lets Redshift export it.
    TablePolicy,
    /// The table's key is the AWS owned key or a customer managed key, not the AWS managed
    /// `aws/dynamodb`.
    TableKey,
    /// A customer managed table key lets Redshift decrypt.
    TableKeyPolicy,
    /// The table name and key attribute names fit Redshift's 127 characters.
    Names,
    /// A number key attribute: DECIMAL(38,10) in Redshift for non-key numbers, (38,18) for
    /// keys; more precision is lost.
    NumberKeys,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub problem: TableProblem,
}

pub const ABOUT: About = About {
    name: "table",
    fields: "`problem = \"point_in_time_recovery\" \\| \"table_policy\" \\| \"table_key\" \\| \"table_key_policy\" \\| \"names\" \\| \"number_keys\"`",
    checks: "a DynamoDB table source: point-in-time recovery, its resource policy and key for Redshift (IAM's evaluation logic), name lengths, number keys",
};

impl Kind for Spec {
    fn sources(&self) -> &'static [SourceShape] {
        &[SourceShape::DynamodbTable]
    }

    fn optional_reads(&self) -> Wanted {
        match self.problem {
            TableProblem::TableKey | TableProblem::TableKeyPolicy => {
                Wanted::of(&[Optional::KmsKey, Optional::Integrations])
            }
            TableProblem::TablePolicy => Wanted::of(&[Optional::Integrations]),
            _ => Wanted::NONE,
        }
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        let Some(t) = snap.source.table() else {
            return Outcome::new(
                Verdict::NotApplicable,
                format!("{} is not a DynamoDB table", snap.source.id()),
                Evidence::default(),
            );
        };
        match self.problem {
            TableProblem::PointInTimeRecovery => pitr(t),
            TableProblem::TablePolicy => table_policy(snap, t),
            TableProblem::TableKey => table_key(t),
            TableProblem::TableKeyPolicy => key_policy(snap, t),
            TableProblem::Names => names(t),
            TableProblem::NumberKeys => number_keys(t),
        }
    }

    fn reads(&self) -> Reads {
        let path = match self.problem {
            TableProblem::PointInTimeRecovery => "source.continuous_backups",
            TableProblem::TablePolicy => "source.table_policy",
            TableProblem::TableKey | TableProblem::TableKeyPolicy => "source.table.SSEDescription",
            TableProblem::Names | TableProblem::NumberKeys => "source.table.KeySchema",
        };
        Reads::paths([path.to_string()])
    }
}

fn failed(what: &str, t: &TableSource, e: &crate::model::CallError) -> Outcome {
    let ev = Evidence {
        actual_source: Some(ValueSource::Unknown),
        failed_call: Some(e.call.clone()),
        ..Default::default()
    };
    Outcome::unknown(
        format!(
            "cannot read {what} of table {}: {}; {}",
            t.table.table_name,
            e.describe(),
            e.remedy()
        ),
        ev,
    )
}

fn pitr(t: &TableSource) -> Outcome {
    let b = match &t.continuous_backups {
        Fact::Ok(b) => b,
        Fact::Error(e) => return failed("point-in-time recovery", t, e),
    };
    let ev = Evidence {
        field: Some("PointInTimeRecoveryStatus".into()),
        expected: Some("ENABLED".into()),
        actual: Some(b.point_in_time_recovery_status.clone()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let name = &t.table.table_name;
    if b.point_in_time_recovery_status.eq_ignore_ascii_case("ENABLED") {
        Outcome::new(
            Verdict::Pass,
            format!("point-in-time recovery is on for {name}"),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "point-in-time recovery is {} on {name}: zero-ETL exports the table from it, so CreateIntegration fails (and an integration stops loading when it is turned off)",
                b.point_in_time_recovery_status
            ),
            ev,
        )
    }
}

/// The integration's ARN as Redshift's calls carry it in `aws:SourceArn`: the existing
/// integration's, else a new one in the table's account and Region (its id is not known
/// before it exists; the documented condition matches `integration:*`).
pub fn integration_arn(snap: &Snapshot) -> String {
    let existing = snap.integrations.ok().and_then(|list| {
        let target = snap.target.namespace_arn()?;
        list.iter()
            .find(|i| i.source_arn == snap.source.arn() && i.target_arn == target)
            .and_then(|i| i.integration_arn.clone())
    });
    existing.unwrap_or_else(|| {
        let source = snap.source.arn();
        format!(
            "arn:{}:redshift:{}:{}:integration:new-integration",
            partition_of(source),
            snap.source.region(),
            account_of(source).unwrap_or_default()
        )
    })
}

/// Redshift's request for `action` on `resource`, as the integration makes it.
fn redshift_request<'a>(snap: &Snapshot, action: &'a str, resource: String) -> Request<'a> {
    let account = account_of(snap.source.arn()).unwrap_or_default();
    Request {
        principal: Principal::Service(SERVICE),
        action,
        resources: vec![resource],
        context: Context::new()
            .with("aws:SourceAccount", KeyValue::Present(account))
            .with("aws:SourceArn", KeyValue::Present(integration_arn(snap))),
    }
}

/// The statements AWS documents for the table's policy: Redshift may export and describe the
/// table, and describe its exports, for the account's integrations.
pub fn table_statements(snap: &Snapshot) -> serde_json::Value {
    let arn = snap.source.arn();
    let account = account_of(arn).unwrap_or_default();
    let condition = serde_json::json!({
        "StringEquals": {"aws:SourceAccount": account},
        "ArnEquals": {"aws:SourceArn": format!(
            "arn:{}:redshift:{}:{account}:integration:*",
            partition_of(arn),
            snap.source.region()
        )},
    });
    serde_json::json!([
        {
            "Sid": "AllowRedshiftZeroEtlExport",
            "Effect": "Allow",
            "Principal": {"Service": SERVICE},
            "Action": ["dynamodb:ExportTableToPointInTime", "dynamodb:DescribeTable"],
            "Resource": "*",
            "Condition": condition,
        },
        {
            "Sid": "AllowRedshiftZeroEtlDescribeExport",
            "Effect": "Allow",
            "Principal": {"Service": SERVICE},
            "Action": "dynamodb:DescribeExport",
            "Resource": format!("{arn}/export/*"),
            "Condition": condition,
        }
    ])
}

/// Each call Redshift makes of the table, and the resource it names.
fn table_calls(t: &TableSource) -> [(&'static str, String); 3] {
    let arn = &t.table.table_arn;
    [
        ("dynamodb:ExportTableToPointInTime", arn.clone()),
        ("dynamodb:DescribeTable", arn.clone()),
        // An export's ARN: the table's, then /export/ and the export's id.
        ("dynamodb:DescribeExport", format!("{arn}/export/01234567890123-abcdefgh")),
    ]
}

/// Judge each of `calls` against `stmts`: the first that is not allowed decides.
fn judge_calls(
    snap: &Snapshot,
    stmts: &[Statement],
    calls: &[(&'static str, String)],
    whose: &str,
    ev: Evidence,
) -> Outcome {
    let mut uncertain = None;
    for (action, resource) in calls {
        let req = redshift_request(snap, action, resource.clone());
        let (decision, applies) = iam::evaluate(stmts, &req);
        match decision {
            Decision::Allowed { .. } => {}
            Decision::Denied { statement } => {
                return Outcome::new(
                    Verdict::Violation,
                    format!(
                        "{} of {whose} denies Redshift's {action}; the integration cannot read the table",
                        stmts[statement].label()
                    ),
                    ev,
                )
            }
            Decision::ImplicitDeny => {
                let why = iam::evaluate::misses(stmts, &applies);
                let detail = if why.is_empty() {
                    format!("no statement allows {SERVICE} {action}")
                } else {
                    why.join("; ")
                };
                return Outcome::new(
                    Verdict::Violation,
                    format!("{whose} does not let Redshift call {action} ({detail})"),
                    ev,
                );
            }
            Decision::Uncertain { reason, .. } => {
                uncertain.get_or_insert(format!("{action}: {reason}"));
            }
        }
    }
    match uncertain {
        Some(reason) => Outcome::unknown(
            format!("whether {whose} lets Redshift read the table is not known: {reason}"),
            ev,
        ),
        None => Outcome::new(
            Verdict::Pass,
            format!(
                "{whose} lets {SERVICE} call {}",
                calls
                    .iter()
                    .map(|(a, _)| *a)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            ev,
        ),
    }
}

fn table_policy(snap: &Snapshot, t: &TableSource) -> Outcome {
    let policy = match &t.table_policy {
        Fact::Ok(p) => p,
        Fact::Error(e) => return failed("the resource policy", t, e),
    };
    let calls = table_calls(t);
    let ev = Evidence {
        field: Some("ResourcePolicy".into()),
        expected: Some(format!(
            "Allow {SERVICE} {} for the account's integrations",
            calls.iter().map(|(a, _)| *a).collect::<Vec<_>>().join(", ")
        )),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let name = &t.table.table_name;
    let Some(policy) = policy else {
        let mut ev = ev;
        ev.actual = Some("no resource policy".into());
        return Outcome::new(
            Verdict::Violation,
            format!(
                "table {name} has no resource policy: Redshift cannot export it, and CreateIntegration fails"
            ),
            ev,
        );
    };
    let stmts = match iam::parse(&policy.policy) {
        Ok(s) => s,
        Err(e) => {
            return Outcome::unknown(
                format!("the resource policy of table {name} cannot be read as a policy: {e}"),
                ev,
            )
        }
    };
    judge_calls(
        snap,
        &stmts,
        &calls,
        &format!("the resource policy of table {name}"),
        ev,
    )
}

/// The table's key, when a KMS key (not the AWS owned one) encrypts it.
fn key_of(t: &TableSource) -> Option<&KmsKey> {
    t.key.as_ref()
}

fn table_key(t: &TableSource) -> Outcome {
    let mut ev = Evidence {
        field: Some("SSEDescription.KMSMasterKeyArn".into()),
        expected: Some("the AWS owned key or a customer managed key".into()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let name = &t.table.table_name;
    let Some(key) = key_of(t) else {
        ev.actual = Some("the AWS owned key".into());
        return Outcome::new(
            Verdict::Pass,
            format!("table {name} is encrypted with the AWS owned key"),
            ev,
        );
    };
    ev.actual = Some(key.given.clone());
    let d = match &key.description {
        Fact::Ok(d) => d,
        Fact::Error(e) => return failed("the key description", t, e),
    };
    ev.actual = Some(format!("{} (KeyManager {})", d.arn, d.key_manager));
    if d.key_manager.eq_ignore_ascii_case("AWS") {
        Outcome::new(
            Verdict::Violation,
            format!(
                "table {name} is encrypted with the AWS managed key {}: zero-ETL does not support it; switch the table to the AWS owned key or a customer managed key",
                d.arn
            ),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Pass,
            format!(
                "table {name} is encrypted with the customer managed key {}",
                d.key_id
            ),
            ev,
        )
    }
}

/// The statement AWS documents on a customer managed table key.
pub fn key_statement(snap: &Snapshot) -> serde_json::Value {
    let arn = snap.source.arn();
    let account = account_of(arn).unwrap_or_default();
    serde_json::json!({
        "Sid": "AllowRedshiftZeroEtlDecrypt",
        "Effect": "Allow",
        "Principal": {"Service": SERVICE},
        "Action": "kms:Decrypt",
        "Resource": "*",
        "Condition": {
            "StringEquals": {"aws:SourceAccount": account},
            "ArnEquals": {"aws:SourceArn": format!(
                "arn:{}:redshift:{}:{account}:integration:*",
                partition_of(arn),
                snap.source.region()
            )},
        },
    })
}

fn key_policy(snap: &Snapshot, t: &TableSource) -> Outcome {
    let ev = Evidence {
        field: Some("KeyPolicy".into()),
        expected: Some(format!("Allow {SERVICE} kms:Decrypt")),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let Some(key) = key_of(t) else {
        return Outcome::new(
            Verdict::NotApplicable,
            "the table is encrypted with the AWS owned key",
            ev,
        );
    };
    let d = match &key.description {
        Fact::Ok(d) => d,
        Fact::Error(e) => return failed("the key description", t, e),
    };
    if d.key_manager.eq_ignore_ascii_case("AWS") {
        // The AWS managed key fails its own rule; its policy is AWS's.
        return Outcome::new(
            Verdict::NotApplicable,
            "the table's key is AWS managed",
            ev,
        );
    }
    let text = match &key.policy {
        Fact::Ok(p) => p,
        Fact::Error(e) => return failed("the key policy", t, e),
    };
    let stmts = match iam::parse(text) {
        Ok(s) => s,
        Err(e) => {
            return Outcome::unknown(
                format!("the key policy of {} cannot be read as a policy: {e}", d.key_id),
                ev,
            )
        }
    };
    let calls = [("kms:Decrypt", d.arn.clone())];
    let out = judge_calls(
        snap,
        &stmts,
        &calls,
        &format!("the key policy of {}", d.key_id),
        ev,
    );
    if out.verdict == Verdict::Violation {
        out.fix(format!(
            "# add this statement to the key policy of {} (aws kms get-key-policy --key-id {} --policy-name default, then put-key-policy with it merged):\n{}",
            d.key_id,
            d.arn,
            key_statement(snap)
        ))
    } else {
        out
    }
}

fn names(t: &TableSource) -> Outcome {
    let mut long: Vec<String> = Vec::new();
    let name = &t.table.table_name;
    if name.chars().count() > MAX_NAME {
        long.push(format!("the table name ({} characters)", name.chars().count()));
    }
    for k in &t.table.key_schema {
        let n = k.attribute_name.chars().count();
        if n > MAX_NAME {
            long.push(format!("key attribute {} ({n} characters)", k.attribute_name));
        }
    }
    let ev = Evidence {
        field: Some("TableName, KeySchema".into()),
        expected: Some(format!("at most {MAX_NAME} characters")),
        actual: Some(if long.is_empty() {
            "within the limit".into()
        } else {
            long.join(", ")
        }),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    if long.is_empty() {
        Outcome::new(
            Verdict::Pass,
            format!("the name of {name} and its key attributes fit Redshift's {MAX_NAME} characters"),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "{} of {name} exceed Redshift's {MAX_NAME} characters: the integration fails and must be recreated",
                long.join(" and ")
            ),
            ev,
        )
    }
}

fn number_keys(t: &TableSource) -> Outcome {
    let numbers: Vec<&str> = t
        .table
        .key_schema
        .iter()
        .filter(|k| {
            t.table
                .attribute_definitions
                .iter()
                .any(|a| a.attribute_name == k.attribute_name && a.attribute_type == "N")
        })
        .map(|k| k.attribute_name.as_str())
        .collect();
    let ev = Evidence {
        field: Some("AttributeDefinitions".into()),
        expected: Some("no number key attribute with more than (38,18) precision".into()),
        actual: Some(if numbers.is_empty() {
            "no number key attribute".into()
        } else {
            format!("number keys: {}", numbers.join(", "))
        }),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let name = &t.table.table_name;
    if numbers.is_empty() {
        return Outcome::new(
            Verdict::Pass,
            format!("{name} has no number key attribute"),
            ev,
        );
    }
    Outcome::new(
        Verdict::Violation,
        format!(
            "{name} has number key attributes ({}): Redshift keeps keys to DECIMAL(38,18), and an item whose key has more precision fails the integration (recreate it to recover); other number attributes become DECIMAL(38,10) and lose digits beyond it. Items are not scanned",
            numbers.join(", ")
        ),
        ev,
    )
}

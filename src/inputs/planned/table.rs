//! The source end of a planned pair when it is a DynamoDB table (`aws_dynamodb_table`,
//! `AWS::DynamoDB::Table`): its key schema, point-in-time recovery, encryption and resource
//! policy (`aws_dynamodb_resource_policy`, or the template's `ResourcePolicy`), as the plan
//! leaves them. A Terraform block is a list of objects; a template's property is an object
//! with its own names: both are read.

use serde_json::{Map, Value};

use crate::fetch::calls;
use crate::model::dynamodb::{AttributeDefinition, KeySchemaElement};
use crate::model::{
    ContinuousBackups, DeploymentFacts, Fact, KeyDescription, KmsKey, SourceSnapshot,
    SseDescription, Table, TablePolicy, TableSource,
};

use super::{not_in_plan, policy_text, Kind, Res, World};

/// The first object of a Terraform block, or a template's object property.
fn block<'a>(res: &'a Res, attr: &str) -> Option<&'a Map<String, Value>> {
    match res.attrs.get(attr)? {
        Value::Array(a) => a.first().and_then(Value::as_object),
        Value::Object(m) => Some(m),
        _ => None,
    }
}

fn flag(b: &Map<String, Value>, names: &[&str]) -> Option<bool> {
    names.iter().find_map(|n| match b.get(*n)? {
        Value::Bool(v) => Some(*v),
        Value::String(s) => s.parse().ok(),
        _ => None,
    })
}

fn text<'a>(b: &'a Map<String, Value>, names: &[&str]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| b.get(*n).and_then(Value::as_str))
        .filter(|s| !s.is_empty())
}

impl World {
    pub(super) fn table_source(
        &self,
        t: &Res,
        plan: &mut DeploymentFacts,
    ) -> Result<SourceSnapshot, String> {
        let region = self.region_for(t, "arn", "source", plan);
        let name = t.str("name").unwrap_or(t.address.as_str()).to_string();
        let arn = t.str("arn").unwrap_or(t.address.as_str()).to_string();
        if t.is_unknown("name") {
            Self::after_apply(plan, "source.table.KeySchema", t, "name");
        }
        Self::live_state(plan, "source.table.TableStatus", t, "TableStatus");
        let (key_schema, attribute_definitions) = keys(t);
        let pitr = block(t, "point_in_time_recovery")
            .and_then(|b| flag(b, &["enabled", "PointInTimeRecoveryEnabled"]))
            .unwrap_or(false);
        if t.set_but_unknown("point_in_time_recovery") {
            Self::after_apply(
                plan,
                "source.continuous_backups",
                t,
                "point_in_time_recovery",
            );
        }
        let status = if pitr { "ENABLED" } else { "DISABLED" };
        let (sse_description, key) = self.table_key(t, plan);
        let table_policy = self.table_policy(t, plan);
        Ok(SourceSnapshot::Table(TableSource {
            region,
            table: Table {
                table_name: name,
                table_arn: arn,
                table_status: if t.exists() {
                    "(not in the plan)".into()
                } else {
                    "ACTIVE".into()
                },
                table_size_bytes: None,
                item_count: None,
                key_schema,
                attribute_definitions,
                sse_description,
            },
            continuous_backups: Fact::Ok(ContinuousBackups {
                continuous_backups_status: status.into(),
                point_in_time_recovery_status: status.into(),
                recovery_period_in_days: None,
            }),
            table_policy,
            key,
            tags: None,
        }))
    }

    /// The table's resource policy: a template's `ResourcePolicy.PolicyDocument`, else a
    /// planned `aws_dynamodb_resource_policy` on it. None in the plan: a new table has none;
    /// an existing one's is not in the plan.
    fn table_policy(&self, t: &Res, plan: &mut DeploymentFacts) -> Fact<Option<TablePolicy>> {
        let own = block(t, "resource_policy").and_then(|b| b.get("PolicyDocument"));
        if let Some(doc) = own {
            return Fact::Ok(Some(TablePolicy {
                policy: policy_text(doc),
                revision_id: None,
            }));
        }
        let attached = self
            .of(Kind::TablePolicy)
            .find(|p| p.refers_to("resource_arn", t, "arn"));
        if let Some(p) = attached {
            plan.locations
                .insert("table_policy".into(), p.location.clone());
            if p.is_unknown("policy") {
                Self::after_apply(plan, "source.table_policy", p, "policy");
                return Fact::Ok(None);
            }
            return Fact::Ok(p.attrs.get("policy").map(|v| TablePolicy {
                policy: policy_text(v),
                revision_id: None,
            }));
        }
        if t.exists() {
            return Fact::Error(not_in_plan(
                calls::GET_TABLE_POLICY,
                &format!("the resource policy of {}", t.address),
            ));
        }
        Fact::Ok(None)
    }

    /// The table's encryption: none (the AWS owned key), the AWS managed key (encryption on
    /// without a key), or a KMS key of the plan or outside it.
    fn table_key(
        &self,
        t: &Res,
        plan: &mut DeploymentFacts,
    ) -> (Option<SseDescription>, Option<KmsKey>) {
        let Some(sse) = block(t, "server_side_encryption") else {
            return (None, None);
        };
        if flag(sse, &["enabled", "SSEEnabled"]) != Some(true) {
            return (None, None);
        }
        let key = |given: String, description: Fact<KeyDescription>, policy: Fact<String>| KmsKey {
            given,
            origin: format!("{}'s server-side encryption", t.address),
            description,
            policy,
            encryption_context: Default::default(),
            tags: None,
        };
        let description = |arn: &str| SseDescription {
            status: Some("ENABLED".into()),
            sse_type: Some("KMS".into()),
            kms_master_key_arn: Some(arn.to_string()),
        };
        // The key attribute as a reference or a value: Terraform's `kms_key_arn`, the
        // template's `KMSMasterKeyId`.
        let attr = if sse.contains_key("KMSMasterKeyId") {
            "KMSMasterKeyId"
        } else {
            "kms_key_arn"
        };
        let given = text(sse, &[attr]);
        let refs = t
            .refs
            .get(&format!("server_side_encryption.{attr}"))
            .or_else(|| t.refs.get("server_side_encryption"));
        let in_plan = refs
            .into_iter()
            .flatten()
            .filter_map(|a| self.get(a))
            .find(|r| r.kind == Kind::KmsKey)
            .or_else(|| {
                given.and_then(|g| {
                    self.of(Kind::KmsKey)
                        .find(|k| k.str("arn") == Some(g) || k.str("key_id") == Some(g))
                })
            });
        match (in_plan, given) {
            (Some(k), _) => {
                let arn = k.str("arn").unwrap_or(k.address.as_str()).to_string();
                let d = KeyDescription {
                    key_id: k.str("key_id").unwrap_or(k.address.as_str()).to_string(),
                    arn: arn.clone(),
                    key_state: "Enabled".into(),
                    key_manager: "CUSTOMER".into(),
                    key_spec: "SYMMETRIC_DEFAULT".into(),
                    key_usage: "ENCRYPT_DECRYPT".into(),
                };
                let policy = match k.attrs.get("policy") {
                    Some(p) => Fact::Ok(policy_text(p)),
                    None => Fact::Error(not_in_plan(
                        calls::GET_KEY_POLICY,
                        &format!(
                            "the key policy of {} (AWS's default, which names only the account)",
                            k.address
                        ),
                    )),
                };
                (
                    Some(description(&arn)),
                    Some(key(k.address.clone(), Fact::Ok(d), policy)),
                )
            }
            // Encryption on and no key: DynamoDB uses the AWS managed key `aws/dynamodb`.
            (None, None) if !t.set_but_unknown("server_side_encryption") => {
                let d = KeyDescription {
                    key_id: "alias/aws/dynamodb".into(),
                    arn: "alias/aws/dynamodb".into(),
                    key_state: "Enabled".into(),
                    key_manager: "AWS".into(),
                    key_spec: "SYMMETRIC_DEFAULT".into(),
                    key_usage: "ENCRYPT_DECRYPT".into(),
                };
                (
                    Some(description("alias/aws/dynamodb")),
                    Some(key(
                        "alias/aws/dynamodb".into(),
                        Fact::Ok(d),
                        Fact::Ok(String::new()),
                    )),
                )
            }
            (None, Some(v)) => (
                Some(description(v)),
                Some(key(
                    v.to_string(),
                    Fact::Error(not_in_plan(
                        calls::DESCRIBE_KEY,
                        &format!("the KMS key {v}"),
                    )),
                    Fact::Error(not_in_plan(
                        calls::GET_KEY_POLICY,
                        &format!("the key policy of {v}"),
                    )),
                )),
            ),
            (None, None) => {
                Self::after_apply(
                    plan,
                    "source.table.SSEDescription",
                    t,
                    "server_side_encryption",
                );
                (None, None)
            }
        }
    }
}

/// The key schema and the key attributes' types: Terraform's `hash_key`, `range_key` and
/// `attribute` blocks, or a template's `KeySchema` and `AttributeDefinitions`.
fn keys(t: &Res) -> (Vec<KeySchemaElement>, Vec<AttributeDefinition>) {
    let mut schema = Vec::new();
    for (attr, key_type) in [("hash_key", "HASH"), ("range_key", "RANGE")] {
        if let Some(name) = t.str(attr) {
            schema.push(KeySchemaElement {
                attribute_name: name.to_string(),
                key_type: key_type.into(),
            });
        }
    }
    for b in t.blocks("key_schema") {
        if let (Some(n), Some(k)) = (text(b, &["AttributeName"]), text(b, &["KeyType"])) {
            schema.push(KeySchemaElement {
                attribute_name: n.to_string(),
                key_type: k.to_string(),
            });
        }
    }
    let definitions = t
        .blocks("attribute")
        .into_iter()
        .filter_map(|b| {
            Some(AttributeDefinition {
                attribute_name: text(b, &["name", "AttributeName"])?.to_string(),
                attribute_type: text(b, &["type", "AttributeType"])?.to_string(),
            })
        })
        .collect();
    (schema, definitions)
}

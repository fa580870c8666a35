//! `kind = "kms_key"`: the integration's customer managed KMS key. Whether the key can be
//! used (enabled, customer managed, symmetric, in the source's Region), and whether its key
//! policy lets Redshift and the creator make the grants an integration needs, evaluated with
//! the IAM evaluator as AWS documents the policy on the "creating an integration" pages.
//! No key: the AWS owned key, which needs nothing.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::arn::{account_of, partition_of, region_of};
use crate::model::reads::{Optional, Wanted};
use crate::model::creator::CREATE_GRANT;
use crate::model::{Creator, Evidence, Fact, KeyDescription, KmsKey, Snapshot, ValueSource};
use crate::rules::iam::condition::KeyValue;
use crate::rules::iam::grant::{combine, grant, Answer, Combine, Grant, Identity};
use crate::rules::iam::{self, Context, Decision, Principal, Request};
use crate::rules::outcome::{Outcome, Verdict};

use super::creator::NOT_SIMULATED;
use super::{About, Kind, Reads};

/// The grant operations the documented key policy allows Redshift.
pub const GRANT_OPERATIONS: [&str; 3] = ["Decrypt", "GenerateDataKey", "CreateGrant"];

/// At most this many user pairs of additional encryption context (RDS adds two of its own).
pub const MAX_CONTEXT_PAIRS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyCheck {
    /// Enabled, customer managed, symmetric encryption, in the source's Region.
    Usable,
    /// The key policy lets `redshift.amazonaws.com` create the integration's grant.
    RedshiftGrant,
    /// The key policy lets the creator create a grant through RDS and describe the key.
    CreatorGrant,
    /// Redshift's grant is no broader than the documented operations.
    GrantScope,
    /// At most six user pairs of encryption context.
    ContextPairs,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Spec {
    pub check: KeyCheck,
}

pub const ABOUT: About = About {
    name: "kms_key",
    fields: "`check = \"usable\" \\| \"redshift_grant\" \\| \"creator_grant\" \\| \"grant_scope\" \\| \"context_pairs\"`",
    checks: "the integration's customer managed KMS key and its key policy (`--kms-key`, or the existing integration's)",
};

impl Kind for Spec {
    fn optional_reads(&self) -> Wanted {
        let w = Wanted::of(&[Optional::KmsKey, Optional::Integrations]);
        // The creator's grant falls to IAM when the key policy delegates to it.
        if self.check == KeyCheck::CreatorGrant {
            w.with(Optional::Creator)
        } else {
            w
        }
    }

    fn run(&self, snap: &Snapshot) -> Outcome {
        let Some(key) = &snap.kms_key else {
            return Outcome::new(
                Verdict::NotApplicable,
                "no customer managed KMS key: the integration uses the AWS owned key, which needs nothing",
                Evidence::default(),
            );
        };
        match self.check {
            KeyCheck::Usable => usable(snap, key),
            KeyCheck::RedshiftGrant => redshift_grant(snap, key),
            KeyCheck::CreatorGrant => creator_grant(snap, key),
            KeyCheck::GrantScope => grant_scope(snap, key),
            KeyCheck::ContextPairs => context_pairs(key),
        }
    }

    fn resource(&self, snap: &Snapshot) -> String {
        snap.kms_key
            .as_ref()
            .map(|k| match &k.description {
                Fact::Ok(d) => d.arn.clone(),
                Fact::Error(_) => k.given.clone(),
            })
            .unwrap_or_else(|| super::source_resource(snap))
    }

    fn reads(&self) -> Reads {
        // DescribeKey and GetKeyPolicy are facts of the snapshot: a failed read is in it.
        Reads::Facts
    }
}

fn unread(what: &str, key: &KmsKey, e: &crate::model::CallError) -> Outcome {
    Outcome::unknown(
        format!("cannot read {what} of KMS key {}: {}", key.given, e.describe()),
        Evidence {
            failed_call: Some(e.call.clone()),
            actual_source: Some(ValueSource::Unknown),
            ..Default::default()
        },
    )
}

fn usable(snap: &Snapshot, key: &KmsKey) -> Outcome {
    let d = match &key.description {
        Fact::Ok(d) => d,
        Fact::Error(e) => return unread("the description", key, e),
    };
    let source_region = region_of(snap.source.arn())
        .unwrap_or_else(|| snap.source.region().to_string());
    let key_region = region_of(&d.arn).unwrap_or_default();
    let mut problems = Vec::new();
    if d.key_state != "Enabled" {
        problems.push(format!("its state is {}, not Enabled", d.key_state));
    }
    if d.key_manager != "CUSTOMER" {
        problems.push(format!(
            "it is managed by {} (an AWS managed key cannot be given to an integration; use a customer managed key, or none for the AWS owned key)",
            d.key_manager
        ));
    }
    // A SYMMETRIC_DEFAULT key is only ever ENCRYPT_DECRYPT (KMS key specs): an answer
    // without KeyUsage does not make it unusable.
    let usage_ok = d.key_usage == "ENCRYPT_DECRYPT" || d.key_usage.is_empty();
    if d.key_spec != "SYMMETRIC_DEFAULT" || !usage_ok {
        problems.push(format!(
            "it is a {} key for {}, not a symmetric encryption key",
            d.key_spec, d.key_usage
        ));
    }
    if !key_region.is_empty() && key_region != source_region {
        problems.push(format!(
            "it is in {key_region}, and the source in {source_region}"
        ));
    }
    let ev = Evidence {
        field: Some("KeyMetadata".into()),
        expected: Some(
            "Enabled, CUSTOMER, SYMMETRIC_DEFAULT for ENCRYPT_DECRYPT, in the source's Region"
                .into(),
        ),
        actual: Some(format!(
            "{}, {}, {} for {}, in {key_region}",
            d.key_state, d.key_manager, d.key_spec, d.key_usage
        )),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    if problems.is_empty() {
        Outcome::new(
            Verdict::Pass,
            format!(
                "KMS key {} ({}) is an enabled customer managed symmetric key in {key_region}",
                d.key_id, key.origin
            ),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "KMS key {} ({}) cannot encrypt the integration: {}",
                key.given,
                key.origin,
                problems.join("; ")
            ),
            ev,
        )
    }
}

/// The key's policy, parsed; or why not.
fn policy(key: &KmsKey) -> Result<(Vec<iam::Statement>, &KeyDescription), Box<Outcome>> {
    let d = match &key.description {
        Fact::Ok(d) => d,
        Fact::Error(e) => return Err(Box::new(unread("the description", key, e))),
    };
    let text = match &key.policy {
        Fact::Ok(t) => t,
        Fact::Error(e) => return Err(Box::new(unread("the key policy", key, e))),
    };
    iam::parse(text).map(|s| (s, d)).map_err(|e| {
        Box::new(Outcome::unknown(
            format!("the key policy of {} cannot be read as a policy: {e}", d.key_id),
            Evidence::default(),
        ))
    })
}

/// The integration's ARN as the grant carries it: the existing integration's, else a new one
/// of the source's account and Region (its id is not known before it exists).
fn integration_arn(snap: &Snapshot) -> String {
    let existing = snap.integrations.ok().and_then(|list| {
        let target = snap.target.namespace_arn()?;
        list.iter()
            .find(|i| {
                i.source_arn == snap.source.arn() && i.target_arn == target
            })
            .and_then(|i| i.integration_arn.clone())
    });
    existing.unwrap_or_else(|| {
        let source = snap.source.arn();
        format!(
            "arn:{}:rds:{}:{}:integration:new-integration",
            partition_of(source),
            snap.source.region(),
            account_of(source).unwrap_or_default()
        )
    })
}

/// The encryption context Redshift's grant carries: the user pairs and the two RDS adds.
pub fn grant_context(snap: &Snapshot, key: &KmsKey) -> BTreeMap<String, String> {
    let mut c = key.encryption_context.clone();
    c.insert("aws:redshift:integration:arn".into(), integration_arn(snap));
    c.insert("aws:servicename:id".into(), "Redshift".into());
    c
}

fn operations() -> KeyValue {
    KeyValue::Many(GRANT_OPERATIONS.iter().map(|s| s.to_string()).collect())
}

/// Redshift's CreateGrant on the key, with the context AWS documents.
fn redshift_request(snap: &Snapshot, key: &KmsKey, d: &KeyDescription) -> Request<'static> {
    let account = account_of(snap.source.arn()).unwrap_or_default();
    let context = grant_context(snap, key);
    let mut ctx = Context::new()
        .with("kms:GrantOperations", operations())
        .with(
            "kms:EncryptionContextKeys",
            KeyValue::Many(context.keys().cloned().collect()),
        )
        .with("aws:SourceAccount", KeyValue::Present(account))
        .with("aws:SourceArn", KeyValue::Present(integration_arn(snap)))
        // Redshift calls KMS itself, not through a service on someone's behalf.
        .with("kms:ViaService", KeyValue::Absent)
        .absent_beyond("kms:EncryptionContext:");
    for (k, v) in &context {
        ctx = ctx.with(&format!("kms:EncryptionContext:{k}"), KeyValue::Present(v.clone()));
    }
    Request {
        principal: Principal::Service("redshift.amazonaws.com"),
        action: "kms:CreateGrant",
        resources: vec![d.arn.clone()],
        context: ctx,
    }
}

/// The statement AWS documents for Redshift (its hardened form), for the source's Region and
/// account and the integration's encryption context.
pub fn redshift_statement(snap: &Snapshot, key: &KmsKey) -> serde_json::Value {
    let account = account_of(snap.source.arn()).unwrap_or_default();
    let mut condition = serde_json::json!({
        "ForAllValues:StringEquals": {"kms:GrantOperations": GRANT_OPERATIONS},
        "StringEquals": {"aws:SourceAccount": account},
        "ArnLike": {"aws:SourceArn": format!(
            "arn:{}:*:{}:{account}:integration:*",
            partition_of(snap.source.arn()),
            snap.source.region()
        )},
    });
    for (k, v) in &key.encryption_context {
        condition["StringEquals"][format!("kms:EncryptionContext:{k}")] =
            serde_json::Value::String(v.clone());
    }
    serde_json::json!({
        "Sid": "AllowRedshiftZeroEtlGrants",
        "Effect": "Allow",
        "Principal": {"Service": "redshift.amazonaws.com"},
        "Action": "kms:CreateGrant",
        "Resource": "*",
        "Condition": condition,
    })
}

/// The statement AWS documents for the principal that creates the integration: a grant
/// through RDS in the source's Region, and DescribeKey. `creator`: its ARN.
pub fn creator_statement(creator: &str, region: &str) -> serde_json::Value {
    serde_json::json!({
        "Sid": "AllowZeroEtlCreatorGrants",
        "Effect": "Allow",
        "Principal": {"AWS": creator},
        "Action": ["kms:CreateGrant", "kms:DescribeKey"],
        "Resource": "*",
        "Condition": {"StringEquals": {"kms:ViaService": format!("rds.{region}.amazonaws.com")}},
    })
}

fn redshift_grant(snap: &Snapshot, key: &KmsKey) -> Outcome {
    let (stmts, d) = match policy(key) {
        Ok(x) => x,
        Err(o) => return *o,
    };
    let req = redshift_request(snap, key, d);
    let (decision, applies) = iam::evaluate(&stmts, &req);
    let ev = Evidence {
        field: Some("KeyPolicy".into()),
        expected: Some(
            "Allow redshift.amazonaws.com kms:CreateGrant for Decrypt, GenerateDataKey, CreateGrant"
                .into(),
        ),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let add = format!(
        "# add this statement to the key policy of {} (aws kms get-key-policy --key-id {} --policy-name default, then put-key-policy with it merged):\n{}",
        d.key_id,
        d.arn,
        redshift_statement(snap, key)
    );
    match decision {
        Decision::Allowed { statement } => Outcome::new(
            Verdict::Pass,
            format!(
                "{} lets Redshift create the integration's grant on key {}",
                stmts[statement].label(),
                d.key_id
            ),
            ev,
        ),
        Decision::Denied { statement } => Outcome::new(
            Verdict::Violation,
            format!(
                "{} of the key policy of {} denies Redshift's kms:CreateGrant; the integration cannot be created (KMSKeyNotAccessibleFault)",
                stmts[statement].label(),
                d.key_id
            ),
            ev,
        ),
        Decision::ImplicitDeny => {
            let why = iam::evaluate::misses(&stmts, &applies);
            let detail = if why.is_empty() {
                "no statement allows redshift.amazonaws.com kms:CreateGrant".to_string()
            } else {
                why.join("; ")
            };
            Outcome::new(
                Verdict::Violation,
                format!(
                    "the key policy of {} does not let Redshift create the integration's grant ({detail}); CreateIntegration fails with KMSKeyNotAccessibleFault",
                    d.key_id
                ),
                ev,
            )
            .fix(add)
        }
        Decision::Uncertain { reason, .. } => Outcome::unknown(
            format!(
                "whether the key policy of {} lets Redshift create the grant is not known: {reason}",
                d.key_id
            ),
            ev,
        ),
    }
}

fn creator_grant(snap: &Snapshot, key: &KmsKey) -> Outcome {
    let (stmts, d) = match policy(key) {
        Ok(x) => x,
        Err(o) => return *o,
    };
    if let Some(c) = &snap.creator {
        return known_creator_grant(snap, key, &stmts, d, c);
    }
    // Who creates it is not known: some principal of the source's account.
    let account = account_of(snap.source.arn()).unwrap_or_default();
    let via = via_service(snap);
    let ev = Evidence {
        field: Some("KeyPolicy".into()),
        expected: Some(format!(
            "the creator may kms:CreateGrant (kms:ViaService {via}) and kms:DescribeKey"
        )),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let mut delegated = Vec::new();
    let mut narrowed = Vec::new();
    for action in [CREATE_GRANT, "kms:DescribeKey"] {
        let req = creator_request(snap, key, Principal::Account(&account), action, &d.arn);
        let (decision, applies) = iam::evaluate(&stmts, &req);
        match decision {
            Decision::Allowed { statement } => match &applies[statement].narrowed_to {
                Some(who) => narrowed.push(format!("{action} for {who} only")),
                None => delegated.push(action),
            },
            Decision::Denied { statement } => {
                return Outcome::new(
                    Verdict::Violation,
                    format!(
                        "{} of the key policy of {} denies {action} to the account's principals; the creator cannot hand the key to the integration",
                        stmts[statement].label(),
                        d.key_id
                    ),
                    ev,
                )
            }
            Decision::ImplicitDeny => {
                return Outcome::new(
                    Verdict::Violation,
                    format!(
                        "the key policy of {} lets no principal of account {account} {action} (through {via}); the creator cannot hand the key to the integration",
                        d.key_id
                    ),
                    ev,
                )
                .fix(format!(
                    "# allow the role that creates the integration in the key policy of {}:\n{}",
                    d.key_id,
                    creator_statement("<creator role ARN>", snap.source.region())
                ))
            }
            Decision::Uncertain { reason, .. } => {
                return Outcome::unknown(
                    format!("whether the creator may {action} on {} is not known: {reason}", d.key_id),
                    ev,
                )
            }
        }
    }
    if delegated.is_empty() {
        return Outcome::new(
            Verdict::Pass,
            format!(
                "the key policy of {} allows {}: make sure that principal creates the integration",
                d.key_id,
                narrowed.join(", ")
            ),
            ev,
        );
    }
    Outcome::unknown(
        format!(
            "the key policy of {} delegates {} to IAM (the account's root is allowed): whether the creator's IAM policies allow them is not known (no --creator, and the acting principal is not known)",
            d.key_id,
            delegated.join(" and ")
        ),
        ev,
    )
}

/// The creator's call through RDS on the key: `who` is the creator, or some principal of the
/// source's account when the creator is not known. A grant request carries the integration's
/// encryption context (`kms:EncryptionContext:*`, as Redshift's grant does); DescribeKey
/// carries none.
fn creator_request<'a>(
    snap: &Snapshot,
    key: &KmsKey,
    who: Principal<'a>,
    action: &'a str,
    arn: &str,
) -> Request<'a> {
    let account = account_of(snap.source.arn()).unwrap_or_default();
    let mut ctx = Context::new()
        .with("kms:ViaService", KeyValue::Present(via_service(snap)))
        .with("kms:CallerAccount", KeyValue::Present(account))
        .absent_beyond("kms:EncryptionContext:");
    if let Principal::Arn(a) = who {
        ctx = ctx.with("aws:PrincipalArn", KeyValue::Present(a.to_string()));
    }
    if action == CREATE_GRANT {
        let context = grant_context(snap, key);
        ctx = ctx
            .with("kms:GrantOperations", operations())
            .with("kms:GrantIsForAWSResource", KeyValue::Present("true".into()))
            .with(
                "kms:EncryptionContextKeys",
                KeyValue::Many(context.keys().cloned().collect()),
            );
        for (k, v) in &context {
            ctx = ctx.with(&format!("kms:EncryptionContext:{k}"), KeyValue::Present(v.clone()));
        }
    }
    Request {
        principal: who,
        action,
        resources: vec![arn.to_string()],
        context: ctx,
    }
}

/// `rds.REGION.amazonaws.com`: the service the creator's calls go through.
fn via_service(snap: &Snapshot) -> String {
    format!("rds.{}.amazonaws.com", snap.source.region())
}

/// The creator is known: the key policy evaluated for its own ARN with the request's whole
/// context, combined with its IAM policies (the simulation, asked with the same context) as
/// KMS combines them. The key policy must allow: a statement naming the creator allows it
/// without any IAM permission; one naming the account (root) hands the decision to IAM
/// (<https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html>,
/// <https://docs.aws.amazon.com/kms/latest/developerguide/determining-access-key-policy.html>).
fn known_creator_grant(
    snap: &Snapshot,
    key: &KmsKey,
    stmts: &[iam::Statement],
    d: &KeyDescription,
    c: &Creator,
) -> Outcome {
    let mut ev = Evidence {
        field: Some("KeyPolicy".into()),
        expected: Some(format!(
            "{} may kms:CreateGrant (kms:ViaService {}) and kms:DescribeKey",
            c.arn,
            via_service(snap)
        )),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let same_account = account_of(&c.arn) == account_of(&d.arn);
    let how = if same_account {
        Combine::ResourceFirst
    } else {
        Combine::Both
    };
    let context = if key.encryption_context.is_empty() {
        String::new()
    } else {
        format!(
            " with the encryption context {}",
            key.encryption_context
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let mut allowed = Vec::new();
    for action in [CREATE_GRANT, "kms:DescribeKey"] {
        let req = creator_request(snap, key, Principal::Arn(&c.arn), action, &d.arn);
        let (g, _) = grant(stmts, &req);
        let identity = super::creator::identity_side(c, action, &d.arn);
        let on = if action == CREATE_GRANT { context.as_str() } else { "" };
        let said = match &g {
            Grant::Direct { statement } => format!("{} names it", stmts[*statement].label()),
            Grant::Delegated { statement } => format!(
                "{} hands it to the account's IAM policies",
                stmts[*statement].label()
            ),
            Grant::Denied { statement } => format!("{} denies it", stmts[*statement].label()),
            Grant::Uncertain { reason } => format!("it may or may not allow it ({reason})"),
            Grant::Nothing => "no statement allows it to the creator or its account".into(),
        };
        match combine(&g, &identity, how) {
            Answer::Allowed { by_identity } => allowed.push((
                format!("{action}{on}"),
                if by_identity {
                    format!("the key policy: {said}, and its IAM policies allow it (simulated)")
                } else {
                    format!("the key policy: {said}")
                },
            )),
            Answer::Denied { by_identity } => {
                let why = match (by_identity, &identity) {
                    (true, Identity::ExplicitDeny) => format!(
                        "it is explicitly denied by its IAM policies{}, and no key policy statement can allow it then",
                        c.answer(action, &d.arn)
                            .filter(|s| !s.matched.is_empty())
                            .map(|s| format!(" ({})", s.matched.join(", ")))
                            .unwrap_or_default()
                    ),
                    (true, _) if !same_account => format!(
                        "the key policy: {said}; across accounts its own IAM policies must allow it too, and they do not (implicitDeny)"
                    ),
                    (true, _) => format!(
                        "the key policy: {said}, and its IAM policies do not allow it (implicitDeny)"
                    ),
                    (false, _) => format!("the key policy: {said}"),
                };
                ev.actual = Some(why.clone());
                let out = Outcome::new(
                    Verdict::Violation,
                    format!(
                        "{} ({}) may not {action}{on} on key {}: {why}; the creator cannot hand the key to the integration",
                        c.arn, c.origin, d.key_id
                    ),
                    ev,
                );
                return match (&g, by_identity) {
                    (Grant::Nothing, _) | (Grant::Delegated { .. }, true) => out.fix(format!(
                        "# allow the role that creates the integration in the key policy of {}:\n{}",
                        d.key_id,
                        creator_statement(&c.arn, snap.source.region())
                    )),
                    _ => out,
                };
            }
            Answer::Unknown(why) => {
                ev.actual_source = Some(ValueSource::Unknown);
                if let Fact::Error(e) = &c.simulated {
                    ev.failed_call = Some(e.call.clone());
                }
                return Outcome::unknown(
                    format!(
                        "whether {} may {action}{on} on key {} is not known: the key policy: {said}; {why}",
                        c.arn, d.key_id
                    ),
                    ev,
                );
            }
        }
    }
    ev.actual = Some("allowed".into());
    let what: Vec<&str> = allowed.iter().map(|(a, _)| a.as_str()).collect();
    let why = if allowed.iter().all(|(_, w)| *w == allowed[0].1) {
        allowed[0].1.clone()
    } else {
        allowed
            .iter()
            .map(|(a, w)| format!("{a}: {w}"))
            .collect::<Vec<_>>()
            .join("; ")
    };
    Outcome::new(
        Verdict::Pass,
        format!(
            "{} ({}) may {} on key {}: {why}; {NOT_SIMULATED}",
            c.arn,
            c.origin,
            what.join(" and "),
            d.key_id
        ),
        ev,
    )
}

fn grant_scope(snap: &Snapshot, key: &KmsKey) -> Outcome {
    let (stmts, d) = match policy(key) {
        Ok(x) => x,
        Err(o) => return *o,
    };
    let req = redshift_request(snap, key, d);
    let (decision, _) = iam::evaluate(&stmts, &req);
    let ev = Evidence {
        field: Some("KeyPolicy".into()),
        expected: Some("ForAllValues:StringEquals kms:GrantOperations within Decrypt, GenerateDataKey, CreateGrant".into()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    let Decision::Allowed { statement } = decision else {
        return Outcome::new(
            Verdict::NotApplicable,
            "Redshift is not allowed a grant (see ZK002)",
            ev,
        );
    };
    let s = &stmts[statement];
    let bounded = s.conditions.iter().any(|c| {
        c.key.eq_ignore_ascii_case("kms:GrantOperations")
            && c.operator.to_ascii_lowercase().starts_with("forallvalues:stringequals")
            && c.values.iter().all(|v| {
                GRANT_OPERATIONS
                    .iter()
                    .any(|g| g.eq_ignore_ascii_case(v))
            })
    });
    if bounded {
        Outcome::new(
            Verdict::Pass,
            format!("{} limits Redshift's grant to the documented operations", s.label()),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "{} lets Redshift create grants on {} for any operation; AWS documents ForAllValues:StringEquals kms:GrantOperations [Decrypt, GenerateDataKey, CreateGrant]",
                s.label(),
                d.key_id
            ),
            ev,
        )
    }
}

fn context_pairs(key: &KmsKey) -> Outcome {
    let n = key.encryption_context.len();
    let ev = Evidence {
        field: Some("AdditionalEncryptionContext".into()),
        expected: Some(format!("at most {MAX_CONTEXT_PAIRS} pairs")),
        actual: Some(n.to_string()),
        actual_source: Some(ValueSource::User),
        ..Default::default()
    };
    if n <= MAX_CONTEXT_PAIRS {
        Outcome::new(
            Verdict::Pass,
            format!(
                "{} of additional encryption context",
                crate::model::words::count(n, "pair", "pairs")
            ),
            ev,
        )
    } else {
        Outcome::new(
            Verdict::Violation,
            format!(
                "{n} pairs of additional encryption context; RDS adds two of its own and allows at most {MAX_CONTEXT_PAIRS} more"
            ),
            ev,
        )
    }
}

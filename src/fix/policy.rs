//! Merging the zero-ETL statements into a namespace resource policy or a KMS key policy.
//! PutResourcePolicy and PutKeyPolicy replace the whole policy, so the merge keeps every
//! existing statement as it is (same JSON values, same order) and only appends what is
//! missing.

use serde_json::{json, Value};

use crate::model::arn::partition_of;

pub const AUTHORIZE_SID: &str = "ZeroEtlAuthorizeInboundIntegration";
pub const CREATE_SID: &str = "ZeroEtlCreateInboundIntegration";

/// What to add.
#[derive(Debug, Clone, Default)]
pub struct Additions<'a> {
    /// Authorize `redshift.amazonaws.com` for this source ARN.
    pub authorize_source: Option<&'a str>,
    /// Let this account's root principal create integrations.
    pub create_for_account: Option<&'a str>,
}

pub fn unique_sid(existing: &[Value], base: &str) -> String {
    let taken = |sid: &str| {
        existing
            .iter()
            .any(|s| s.get("Sid").and_then(Value::as_str) == Some(sid))
    };
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}{i}"))
        .find(|s| !taken(s))
        .expect("some suffix is free")
}

/// The policy with `statements` appended, each under a Sid no existing statement has
/// (their own Sid, else `base`, with a number when taken). Every existing statement is kept
/// as it is (same JSON values, same order): the Put calls replace the whole policy. `Err`
/// when the existing policy is not a JSON object with a `Statement`.
pub fn append(existing: Option<&str>, statements: Vec<Value>) -> Result<String, String> {
    let mut doc: Value = match existing {
        Some(text) => {
            serde_json::from_str(text).map_err(|e| format!("the policy is not valid JSON: {e}"))?
        }
        None => json!({ "Version": "2012-10-17", "Statement": [] }),
    };
    let obj = doc
        .as_object_mut()
        .ok_or("the policy is not a JSON object")?;
    let list = obj.entry("Statement").or_insert_with(|| json!([]));
    // A single statement object is the same policy as a one-element list.
    if list.is_object() {
        *list = Value::Array(vec![list.take()]);
    }
    let list = list
        .as_array_mut()
        .ok_or("Statement is neither a list nor an object")?;
    for mut s in statements {
        let base = s
            .get("Sid")
            .and_then(Value::as_str)
            .unwrap_or("ZeroEtl")
            .to_string();
        s["Sid"] = Value::String(unique_sid(list, &base));
        list.push(s);
    }
    Ok(serde_json::to_string(&doc).expect("policy serializes"))
}

/// A namespace resource policy with the missing zero-ETL statements appended.
pub fn merge(
    existing: Option<&str>,
    namespace_arn: &str,
    add: &Additions,
) -> Result<String, String> {
    let mut statements = Vec::new();
    if let Some(source) = add.authorize_source {
        statements.push(json!({
            "Sid": AUTHORIZE_SID,
            "Effect": "Allow",
            "Principal": { "Service": "redshift.amazonaws.com" },
            "Action": "redshift:AuthorizeInboundIntegration",
            "Resource": namespace_arn,
            "Condition": { "StringEquals": { "aws:SourceArn": source } },
        }));
    }
    if let Some(account) = add.create_for_account {
        statements.push(json!({
            "Sid": CREATE_SID,
            "Effect": "Allow",
            "Principal": { "AWS": format!("arn:{}:iam::{account}:root", partition_of(namespace_arn)) },
            "Action": "redshift:CreateInboundIntegration",
            "Resource": namespace_arn,
        }));
    }
    append(existing, statements)
}

#[cfg(test)]
mod tests {
    use super::*;

    const NS: &str = "arn:aws:redshift:us-east-1:123456789012:namespace:abc";

    #[test]
    fn keeps_existing_statements_and_appends() {
        let existing = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Theirs","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999999999999:role/x"},"Action":"redshift:CreateInboundIntegration","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#;
        let out = merge(
            Some(existing),
            NS,
            &Additions {
                authorize_source: Some("arn:aws:rds:us-east-1:123456789012:cluster:db"),
                create_for_account: None,
            },
        )
        .unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        let before: Value = serde_json::from_str(existing).unwrap();
        assert_eq!(
            v["Statement"][0], before["Statement"][0],
            "existing statement changed"
        );
        assert_eq!(v["Statement"].as_array().unwrap().len(), 2);
        assert_eq!(
            v["Statement"][1]["Condition"]["StringEquals"]["aws:SourceArn"],
            "arn:aws:rds:us-east-1:123456789012:cluster:db"
        );
    }

    #[test]
    fn single_statement_object_and_sid_clash() {
        let existing = r#"{"Version":"2012-10-17","Statement":{"Sid":"ZeroEtlCreateInboundIntegration","Effect":"Deny","Principal":"*","Action":"redshift:DeleteNamespace","Resource":"*"}}"#;
        let out = merge(
            Some(existing),
            NS,
            &Additions {
                authorize_source: None,
                create_for_account: Some("123456789012"),
            },
        )
        .unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["Statement"][0]["Effect"], "Deny");
        assert_eq!(v["Statement"][1]["Sid"], "ZeroEtlCreateInboundIntegration2");
        assert_eq!(
            v["Statement"][1]["Principal"]["AWS"],
            "arn:aws:iam::123456789012:root"
        );
    }

    /// The account's root is named in the namespace's partition (China, GovCloud).
    #[test]
    fn the_root_principal_is_in_the_namespaces_partition() {
        let ns = "arn:aws-cn:redshift:cn-north-1:123456789012:namespace:abc";
        let add = Additions {
            authorize_source: None,
            create_for_account: Some("123456789012"),
        };
        let v: Value = serde_json::from_str(&merge(None, ns, &add).unwrap()).unwrap();
        assert_eq!(
            v["Statement"][0]["Principal"]["AWS"],
            "arn:aws-cn:iam::123456789012:root"
        );
    }

    #[test]
    fn no_policy_starts_one_and_garbage_is_refused() {
        let out = merge(
            None,
            NS,
            &Additions {
                authorize_source: Some("arn:x"),
                create_for_account: Some("1"),
            },
        )
        .unwrap();
        let v: Value = serde_json::from_str(&out).unwrap();
        assert_eq!(v["Statement"].as_array().unwrap().len(), 2);
        assert!(merge(Some("not json"), NS, &Additions::default()).is_err());
    }
}

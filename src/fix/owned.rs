//! Live fixes do not drift what code owns. A source, a target (a provisioned cluster or a
//! Serverless workgroup) or a KMS key that carries CloudFormation's
//! `aws:cloudformation:stack-name` tag (or a tag the config file's `managed_tags` names, such
//! as `managed-by=terraform`) is changed by its stack or configuration: a live change there is
//! put back by the next deployment, and the integration breaks again days later. Its steps
//! stay in the plan as manual ones that name the owner and the command, unless
//! `--allow-drift` says to change it live anyway. Tags that could not be read leave the
//! owner unknown: those steps stay manual too, saying so.

use std::collections::BTreeMap;

use crate::config::file::ManagedTag;
use crate::model::{Fact, Snapshot, TargetSnapshot};
use crate::rules::spec::Applicability;

use super::action::{Op, Plan};
use super::cli_text;
use super::context::FixContext;

/// The tag CloudFormation puts on every resource of a stack that can be tagged.
pub const STACK_TAG: &str = "aws:cloudformation:stack-name";

/// Who owns a resource with `tags`, in words, when code does.
pub fn owner(tags: &BTreeMap<String, String>, managed: &[ManagedTag]) -> Option<String> {
    if let Some(stack) = tags.get(STACK_TAG) {
        return Some(format!("CloudFormation stack {stack}"));
    }
    managed.iter().find_map(|m| {
        let v = tags.get(&m.key)?;
        let wanted = m.value.as_ref().is_none_or(|x| x.eq_ignore_ascii_case(v));
        wanted.then(|| format!("the code its tag {}={v} names (managed_tags)", m.key))
    })
}

/// Who owns a resource, as far as its tags tell.
enum Owner {
    /// Code does, in these words.
    Code(String),
    /// Its tags could not be read, and why.
    Unknown(String),
}

/// Turn the live steps on owned resources into manual ones that say who owns them.
pub(super) fn guard(plan: &mut Plan, snap: &Snapshot, ctx: &FixContext) {
    if ctx.allow_drift {
        return;
    }
    let source = match snap.source.tags() {
        Some(Fact::Ok(tags)) => owner(&tags, &ctx.managed_tags).map(Owner::Code),
        // Not known: changed live only with consent.
        Some(Fact::Error(e)) => Some(Owner::Unknown(e.describe())),
        None => None,
    };
    let target = match &snap.target {
        TargetSnapshot::Provisioned(p) => {
            owner(&p.cluster.tags, &ctx.managed_tags).map(Owner::Code)
        }
        TargetSnapshot::Serverless(s) => match &s.tags {
            Some(Fact::Ok(tags)) => owner(tags, &ctx.managed_tags).map(Owner::Code),
            // Not known: changed live only with consent.
            Some(Fact::Error(e)) => Some(Owner::Unknown(e.describe())),
            None => None,
        },
    };
    let key = snap.kms_key.as_ref().and_then(|k| match &k.tags {
        Some(Fact::Ok(tags)) => owner(tags, &ctx.managed_tags).map(Owner::Code),
        Some(Fact::Error(e)) => Some(Owner::Unknown(e.describe())),
        None => None,
    });
    let key_name = snap.kms_key.as_ref().map_or("", |k| k.given.as_str());
    for a in &mut plan.actions {
        if a.applicability == Applicability::Manual {
            continue;
        }
        let call = a.op.call();
        let (who, what) = if call.starts_with("rds:") || call.starts_with("dynamodb:") {
            (&source, snap.source.id())
        } else if call.starts_with("redshift:") || call.starts_with("redshift-serverless:") {
            (&target, snap.target.display_id())
        } else if call == "kms:PutKeyPolicy" {
            (&key, key_name)
        } else {
            continue;
        };
        let Some(who) = who else { continue };
        a.command = cli_text::command(a);
        a.reason = Some(match who {
            Owner::Code(who) => format!(
                "{what} is managed by {who}: a live change is undone by its next deployment. \
                 Make this change in its template or configuration and deploy it, or run \
                 --fix with --allow-drift to change it live anyway"
            ),
            Owner::Unknown(why) => format!(
                "whether code owns {what} is not known: its tags could not be read ({why}). \
                 Grant that call, or run --fix with --allow-drift to change it live anyway"
            ),
        });
        a.applicability = Applicability::Manual;
        a.op = Op::Manual;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn the_stack_tag_and_the_configured_tags_name_the_owner() {
        let managed = vec![
            ManagedTag::try_from("managed-by=terraform".to_string()).unwrap(),
            ManagedTag::try_from("owner-repo".to_string()).unwrap(),
        ];
        assert_eq!(
            owner(&tags(&[(STACK_TAG, "orders")]), &[]).as_deref(),
            Some("CloudFormation stack orders")
        );
        assert!(owner(&tags(&[("managed-by", "Terraform")]), &managed).is_some());
        assert!(owner(&tags(&[("managed-by", "console")]), &managed).is_none());
        assert!(owner(&tags(&[("owner-repo", "infra")]), &managed).is_some());
        assert!(owner(&tags(&[("team", "data")]), &managed).is_none());
        assert!(ManagedTag::try_from("=x".to_string()).is_err());
    }
}

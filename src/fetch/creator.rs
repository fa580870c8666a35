//! The creator's permissions: `iam:SimulatePrincipalPolicy` for the calls CreateIntegration
//! makes on their behalf. The answer is the simulation's; a failed simulation is the fact's
//! error, never an allow.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::model::reads::{not_read, Optional, Wanted};
use crate::model::{CallError, Creator, Fact, Simulated, Snapshot};

use crate::rules::checks::kms_key::{grant_context, GRANT_OPERATIONS};

use crate::model::creator::{CREATE_GRANT, CREATE_INBOUND_INTEGRATION, CREATE_INTEGRATION};

use super::cache::{memo, ReadCache};
use super::calls::{DESCRIBE_KEY, SIMULATE_PRINCIPAL_POLICY};
use super::error::call_error;

/// One simulation call: actions on resources, with context keys.
struct Ask {
    actions: Vec<&'static str>,
    resources: Vec<String>,
    context: Vec<aws_sdk_iam::types::ContextEntry>,
}

impl Ask {
    /// `rds:CreateIntegration` on the source and on the Region's integrations.
    fn create_integration(resources: Vec<String>) -> Ask {
        Ask {
            actions: vec![CREATE_INTEGRATION],
            resources,
            context: Vec::new(),
        }
    }

    /// What the answer to this ask, for this principal, is remembered under.
    fn key(&self, principal: &str) -> String {
        format!(
            "{principal}\n{:?}\n{:?}\n{:?}",
            self.actions, self.resources, self.context
        )
    }
}

/// The Region's integrations, as CreateIntegration's second resource, in the source's
/// partition (`aws`, `aws-cn`, `aws-us-gov`).
fn integrations_arn(partition: &str, region: &str, account: &str) -> String {
    format!("arn:{partition}:rds:{region}:{account}:integration:*")
}

/// Source ARNs per simulation call when a fleet's are asked together.
const BATCH: usize = 100;

fn entry(
    key: &str,
    kind: aws_sdk_iam::types::ContextKeyTypeEnum,
    values: &[&str],
) -> aws_sdk_iam::types::ContextEntry {
    aws_sdk_iam::types::ContextEntry::builder()
        .context_key_name(key)
        .context_key_type(kind)
        .set_context_key_values(Some(values.iter().map(|v| v.to_string()).collect()))
        .build()
}

/// What CreateIntegration needs of `arn`, simulated.
pub async fn simulate(
    client: &aws_sdk_iam::Client,
    snap: &Snapshot,
    (arn, origin): (&str, &str),
    wanted: Wanted,
    cache: Option<&Arc<ReadCache>>,
) -> Creator {
    let mut creator = Creator {
        arn: arn.to_string(),
        origin: origin.to_string(),
        simulated: Fact::Error(not_read(SIMULATE_PRINCIPAL_POLICY)),
    };
    if !wanted.wants(Optional::Creator) {
        return creator;
    }
    let source = snap.source.arn().to_string();
    let account = crate::model::arn::account_of(&source).unwrap_or_default();
    let region = snap.source.region().to_string();
    let (action, resources) = crate::model::creator::create_integration(&source, &region);
    let mut asks = vec![Ask {
        actions: vec![action],
        resources,
        context: Vec::new(),
    }];
    if let Some(ns) = snap.target.namespace_arn() {
        asks.push(Ask {
            actions: vec![CREATE_INBOUND_INTEGRATION],
            resources: vec![ns.to_string()],
            context: Vec::new(),
        });
    }
    if let Some((key, Fact::Ok(d))) = snap.kms_key.as_ref().map(|k| (k, &k.description)) {
        use aws_sdk_iam::types::ContextKeyTypeEnum as T;
        let via = entry(
            "kms:ViaService",
            T::String,
            &[&format!("rds.{region}.amazonaws.com")],
        );
        let caller = entry("kms:CallerAccount", T::String, &[&account]);
        // The grant carries the integration's encryption context, as the key policy sees it.
        let context = grant_context(snap, key);
        let keys: Vec<&str> = context.keys().map(String::as_str).collect();
        let mut grant = vec![
            via.clone(),
            entry("kms:GrantOperations", T::StringList, &GRANT_OPERATIONS),
            caller.clone(),
            entry("kms:GrantIsForAWSResource", T::Boolean, &["true"]),
            entry("kms:EncryptionContextKeys", T::StringList, &keys),
        ];
        for (k, v) in &context {
            grant.push(entry(
                &format!("kms:EncryptionContext:{k}"),
                T::String,
                &[v],
            ));
        }
        asks.push(Ask {
            actions: vec![CREATE_GRANT],
            resources: vec![d.arn.clone()],
            context: grant,
        });
        asks.push(Ask {
            actions: vec![DESCRIBE_KEY],
            resources: vec![d.arn.clone()],
            context: vec![via, caller],
        });
    }
    let mut all = Vec::new();
    for ask in asks {
        let answer = memo(
            cache,
            |c| &c.simulations,
            ask.key(arn),
            || one(client, arn, &ask),
        )
        .await;
        match answer {
            Ok(mut v) => all.append(&mut v),
            Err(e) => {
                creator.simulated = Fact::Error(e);
                return creator;
            }
        }
    }
    creator.simulated = Fact::Ok(all);
    creator
}

async fn one(
    client: &aws_sdk_iam::Client,
    arn: &str,
    ask: &Ask,
) -> Result<Vec<Simulated>, CallError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = client
            .simulate_principal_policy()
            .policy_source_arn(arn)
            .set_action_names(Some(ask.actions.iter().map(|a| a.to_string()).collect()))
            .set_resource_arns(Some(ask.resources.clone()))
            .set_context_entries(Some(ask.context.clone()))
            .set_marker(marker.clone())
            .send()
            .await
            .map_err(|e| call_error(SIMULATE_PRINCIPAL_POLICY, e))?;
        for r in page.evaluation_results() {
            let matched = |stmts: &[aws_sdk_iam::types::Statement]| {
                stmts
                    .iter()
                    .map(|s| {
                        format!(
                            "{} (line {})",
                            s.source_policy_id().unwrap_or("?"),
                            s.start_position().map(|p| p.line()).unwrap_or(0)
                        )
                    })
                    .collect::<Vec<_>>()
            };
            if r.resource_specific_results().is_empty() {
                out.push(Simulated {
                    action: r.eval_action_name().to_string(),
                    resource: r.eval_resource_name().unwrap_or("*").to_string(),
                    decision: r.eval_decision().as_str().to_string(),
                    matched: matched(r.matched_statements()),
                });
            } else {
                for s in r.resource_specific_results() {
                    out.push(Simulated {
                        action: r.eval_action_name().to_string(),
                        resource: s.eval_resource_name().to_string(),
                        decision: s.eval_resource_decision().as_str().to_string(),
                        matched: matched(s.matched_statements()),
                    });
                }
            }
        }
        if page.is_truncated() {
            marker = page.marker().map(str::to_string);
            if marker.is_none() {
                break;
            }
        } else {
            break;
        }
    }
    Ok(out)
}

/// Give `snap` the simulation of `creator` (its ARN, where it came from), when there is one
/// and a client to ask with; through `cache` in a fleet run.
pub async fn attach(
    snap: &mut Snapshot,
    creator: Option<&(String, String)>,
    client: Option<&aws_sdk_iam::Client>,
    wanted: Wanted,
    cache: Option<&Arc<ReadCache>>,
) {
    if let (Some((arn, origin)), Some(client)) = (creator, client) {
        snap.creator = Some(simulate(client, snap, (arn, origin), wanted, cache).await);
    }
}

/// Ask CreateIntegration for a fleet's sources together: one simulation per Region and
/// account for up to [`BATCH`] sources, instead of one per source. Each source's answer is
/// put in `cache` under the key its own ask has, so [`simulate`] finds it and asks nothing;
/// the simulation judges each resource on its own, so the answers are those the single asks
/// would get. A batch that fails (denied, throttled after retries) is every one of its
/// sources' answer: unverified, as a single ask's failure would be.
pub async fn prefill(
    cache: &Arc<ReadCache>,
    client: &aws_sdk_iam::Client,
    principal: &str,
    sources: &[String],
) {
    let mut groups: BTreeMap<(String, String, String), BTreeSet<String>> = BTreeMap::new();
    for s in sources {
        // RDS sources only: a table's CreateIntegration is Redshift's, asked on its own.
        if let Some(a) = crate::model::arn::Arn::parse(s)
            .ok()
            .filter(|a| a.service == "rds")
        {
            let group = groups
                .entry((a.partition, a.region, a.account))
                .or_default();
            group.insert(s.clone());
        }
    }
    for ((partition, region, account), arns) in groups {
        let arns: Vec<String> = arns.into_iter().collect();
        let all = integrations_arn(&partition, &region, &account);
        for chunk in arns.chunks(BATCH) {
            let mut resources = chunk.to_vec();
            resources.push(all.clone());
            let answer = one(client, principal, &Ask::create_integration(resources)).await;
            for s in chunk {
                let own = Ask::create_integration(vec![s.clone(), all.clone()]);
                let value = match &answer {
                    Ok(results) => Ok(own
                        .resources
                        .iter()
                        .flat_map(|r| results.iter().filter(move |x| &x.resource == r))
                        .cloned()
                        .collect::<Vec<_>>()),
                    Err(e) => Err(e.clone()),
                };
                // The value is stored; what `get` hands back is that same value.
                let _ = cache
                    .simulations
                    .get(&own.key(principal), || async { value })
                    .await;
            }
        }
    }
}

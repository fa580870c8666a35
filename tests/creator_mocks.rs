//! The creator's permissions by iam:SimulatePrincipalPolicy, which moto does not implement:
//! mocked answers (allowed, implicit and explicit deny, a denied or throttled simulation, a
//! creator of another account). The answer is the simulation's, never a guess.

mod common;

use aws_sdk_iam::operation::simulate_principal_policy::{
    SimulatePrincipalPolicyError, SimulatePrincipalPolicyOutput,
};
use aws_sdk_iam::types::{
    EvaluationResult, PolicyEvaluationDecisionType as D, Position, ResourceSpecificResult,
    Statement,
};
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use common::aws_mocks::{fast_retries, meta, simulation_answer};
use zetl_preflight::fetch::creator;
use zetl_preflight::model::{Snapshot, Status};
use zetl_preflight::rules::{evaluate, RuleSet};

const SOURCE: &str = "arn:aws:rds:us-east-1:123456789012:cluster:orders-db";
const INTEGRATIONS: &str = "arn:aws:rds:us-east-1:123456789012:integration:*";
const DEPLOYER: &str = "arn:aws:iam::123456789012:role/deployer";

fn snapshot() -> Snapshot {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/mysql-provisioned-ok.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// rds:CreateIntegration answered per resource.
fn answer(source: D, integrations: D, matched: Option<&'static str>) -> Rule {
    mock!(aws_sdk_iam::Client::simulate_principal_policy).then_output(move || {
        let result = |r: &str, d: D| {
            let mut b = ResourceSpecificResult::builder()
                .eval_resource_name(r)
                .eval_resource_decision(d.clone());
            if let (Some(id), D::ExplicitDeny) = (matched, &d) {
                b = b.matched_statements(
                    Statement::builder()
                        .source_policy_id(id)
                        .start_position(Position::builder().line(4).column(1).build())
                        .build(),
                );
            }
            b.build().unwrap()
        };
        SimulatePrincipalPolicyOutput::builder()
            .evaluation_results(
                EvaluationResult::builder()
                    .eval_action_name("rds:CreateIntegration")
                    .eval_decision(D::ImplicitDeny)
                    .resource_specific_results(result(SOURCE, source.clone()))
                    .resource_specific_results(result(INTEGRATIONS, integrations.clone()))
                    .build()
                    .unwrap(),
            )
            .is_truncated(false)
            .build()
    })
}

async fn zw001(rule: Rule, creator_arn: &str) -> (Status, String) {
    let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&rule], |c| c
        .retry_config(fast_retries()));
    let mut snap = snapshot();
    snap.creator = Some(
        creator::simulate(
            &client,
            &snap,
            (creator_arn, "--creator"),
            Default::default(),
            None,
        )
        .await,
    );
    let f = evaluate(&snap, &RuleSet::embedded().unwrap())
        .into_iter()
        .find(|f| f.rule == "ZW001")
        .unwrap();
    (f.status, f.message)
}

#[tokio::test]
async fn the_simulation_decides() {
    // Allowed on both resources: pass, saying what the simulation does not cover.
    let (s, m) = zw001(answer(D::Allowed, D::Allowed, None), DEPLOYER).await;
    assert_eq!(s, Status::Pass, "{m}");
    assert!(m.contains("service control policies"), "{m}");

    // Allowed on the source but not on integration:* (the sample policy needs both).
    let (s, m) = zw001(answer(D::Allowed, D::ImplicitDeny, None), DEPLOYER).await;
    assert_eq!(s, Status::Fail, "{m}");
    assert!(
        m.contains(INTEGRATIONS) && m.contains("implicitDeny"),
        "{m}"
    );

    // An explicit deny names the statement the simulation matched.
    let (s, m) = zw001(
        answer(D::ExplicitDeny, D::Allowed, Some("deny-prod-writes")),
        DEPLOYER,
    )
    .await;
    assert_eq!(s, Status::Fail, "{m}");
    assert!(m.contains("deny-prod-writes (line 4)"), "{m}");
}

#[tokio::test]
async fn a_simulation_that_cannot_run_is_unverified() {
    // The caller may not simulate: unverified, naming the call, never a pass.
    let denied = mock!(aws_sdk_iam::Client::simulate_principal_policy).then_error(|| {
        SimulatePrincipalPolicyError::generic(meta(
            "AccessDenied",
            "not authorized to perform iam:SimulatePrincipalPolicy",
        ))
    });
    let (s, m) = zw001(denied, DEPLOYER).await;
    assert_eq!(s, Status::Error, "{m}");
    assert!(
        m.contains("iam:SimulatePrincipalPolicy") && m.contains("AccessDenied"),
        "{m}"
    );

    // Throttled past the retries.
    let throttled = mock!(aws_sdk_iam::Client::simulate_principal_policy)
        .sequence()
        .error(|| SimulatePrincipalPolicyError::generic(meta("Throttling", "Rate exceeded")))
        .repeatedly()
        .build();
    let (s, m) = zw001(throttled, DEPLOYER).await;
    assert_eq!(s, Status::Error, "{m}");
    assert!(m.contains("Throttling"), "{m}");

    // A creator of another account: IAM in this account cannot simulate it.
    let foreign = mock!(aws_sdk_iam::Client::simulate_principal_policy).then_error(|| {
        SimulatePrincipalPolicyError::NoSuchEntityException(
            aws_sdk_iam::types::error::NoSuchEntityException::builder()
                .message("The role with name deployer cannot be found.")
                .meta(meta(
                    "NoSuchEntity",
                    "The role with name deployer cannot be found.",
                ))
                .build(),
        )
    });
    let (s, m) = zw001(foreign, "arn:aws:iam::999999999999:role/deployer").await;
    assert_eq!(s, Status::Error, "{m}");
    assert!(m.contains("NoSuchEntity"), "{m}");
}

/// Without a known creator (a saved snapshot, no --creator): the rule does not apply.
#[test]
fn no_creator_is_not_simulated() {
    let snap = snapshot();
    let f = evaluate(&snap, &RuleSet::embedded().unwrap())
        .into_iter()
        .find(|f| f.rule == "ZW001")
        .unwrap();
    assert_eq!(f.status, Status::Skip, "{}", f.message);
}

/// A live read that could not tell who acts (sts:GetCallerIdentity failed, no --creator):
/// the creator rules are unverified, naming the call and what to pass, never skipped.
#[test]
fn an_unknown_acting_principal_is_unverified() {
    let mut snap = snapshot();
    snap.creator_unknown = Some(zetl_preflight::model::CallError::new(
        "sts:GetCallerIdentity",
        Some("RequestTimeout"),
        "no STS endpoint answered",
    ));
    let findings = evaluate(&snap, &RuleSet::embedded().unwrap());
    for code in ["ZW001", "ZW002"] {
        let f = findings.iter().find(|f| f.rule == code).unwrap();
        assert_eq!(f.status, Status::Error, "{code}: {}", f.message);
        assert!(f.message.contains("sts:GetCallerIdentity"), "{}", f.message);
        assert!(f.message.contains("--creator"), "{}", f.message);
    }
}

/// A fleet's sources are asked together (one simulation per Region and account), and each
/// pair then finds its own source's answer: the decisions do not bleed between sources, and
/// they are what the pair's own simulation answers.
#[tokio::test]
async fn a_fleets_sources_are_simulated_together_and_keep_their_own_answers() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use zetl_preflight::fetch::cache::ReadCache;

    const BILLING: &str = "arn:aws:rds:us-east-1:123456789012:cluster:billing-db";
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    // Allowed on orders-db and the integrations, not on billing-db; the namespace allowed.
    let per_resource =
        mock!(aws_sdk_iam::Client::simulate_principal_policy).then_compute_output(move |req| {
            counted.fetch_add(1, Ordering::SeqCst);
            simulation_answer(req, |arn| {
                if arn == BILLING {
                    D::ImplicitDeny
                } else {
                    D::Allowed
                }
            })
        });
    let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&per_resource], |c| c
        .retry_config(fast_retries()));
    let orders = snapshot();
    let mut billing = snapshot();
    billing
        .source
        .rds_mut()
        .unwrap()
        .cluster_mut()
        .unwrap()
        .db_cluster_arn = BILLING.to_string();
    billing
        .source
        .rds_mut()
        .unwrap()
        .cluster_mut()
        .unwrap()
        .db_cluster_identifier = "billing-db".to_string();

    let cache = Arc::new(ReadCache::default());
    creator::prefill(&cache, &client, DEPLOYER, &[SOURCE.into(), BILLING.into()]).await;
    assert_eq!(
        calls.load(Ordering::SeqCst),
        1,
        "one simulation for both sources"
    );
    let rules = RuleSet::embedded().unwrap();
    let mut verdicts = Vec::new();
    for snap in [orders, billing] {
        let shared = creator::simulate(
            &client,
            &snap,
            (DEPLOYER, "--creator"),
            Default::default(),
            Some(&cache),
        )
        .await;
        let own = creator::simulate(
            &client,
            &snap,
            (DEPLOYER, "--creator"),
            Default::default(),
            None,
        )
        .await;
        assert_eq!(
            shared, own,
            "the batch answers as the pair's own simulation does"
        );
        let mut snap = snap;
        snap.creator = Some(shared);
        let f = evaluate(&snap, &rules)
            .into_iter()
            .find(|f| f.rule == "ZW001")
            .unwrap();
        verdicts.push(f.status);
    }
    assert_eq!(verdicts, [Status::Pass, Status::Fail]);
    // 1 batch, 1 namespace ask shared by both pairs, and the 2 uncached comparisons (2 asks each).
    assert_eq!(calls.load(Ordering::SeqCst), 1 + 1 + 4);

    // A batch that fails is every one of its sources' answer (unverified), asked once.
    let throttled = mock!(aws_sdk_iam::Client::simulate_principal_policy)
        .then_error(|| SimulatePrincipalPolicyError::generic(meta("Throttling", "Rate exceeded")));
    let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&throttled], |c| c
        .retry_config(fast_retries()));
    let cache = Arc::new(ReadCache::default());
    creator::prefill(&cache, &client, DEPLOYER, &[SOURCE.into(), BILLING.into()]).await;
    let asked = throttled.num_calls();
    let snap = snapshot();
    let c = creator::simulate(
        &client,
        &snap,
        (DEPLOYER, "--creator"),
        Default::default(),
        Some(&cache),
    )
    .await;
    assert!(
        matches!(&c.simulated, zetl_preflight::model::Fact::Error(e) if e.code.as_deref() == Some("Throttling")),
        "{c:?}"
    );
    assert_eq!(
        throttled.num_calls(),
        asked,
        "the source's answer came from the batch"
    );
}

/// In the China and GovCloud partitions the Region's integrations are named in the source's
/// partition: an `arn:aws:` resource would be another partition's, and never match.
#[tokio::test]
async fn the_integrations_are_named_in_the_sources_partition() {
    use std::sync::{Arc, Mutex};
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    // Allowed on whatever is asked.
    let rule =
        mock!(aws_sdk_iam::Client::simulate_principal_policy).then_compute_output(move |req| {
            seen.lock()
                .unwrap()
                .extend(req.resource_arns().iter().cloned());
            simulation_answer(req, |_| D::Allowed)
        });
    let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&rule], |c| c
        .retry_config(fast_retries()));
    let mut snap = snapshot();
    snap.source
        .rds_mut()
        .unwrap()
        .cluster_mut()
        .unwrap()
        .db_cluster_arn = "arn:aws-cn:rds:cn-north-1:123456789012:cluster:orders-db".into();
    snap.source.rds_mut().unwrap().region = "cn-north-1".into();
    let deployer = "arn:aws-cn:iam::123456789012:role/deployer";
    let c = creator::simulate(
        &client,
        &snap,
        (deployer, "--creator"),
        Default::default(),
        None,
    )
    .await;
    let integrations = "arn:aws-cn:rds:cn-north-1:123456789012:integration:*".to_string();
    assert!(asked.lock().unwrap().contains(&integrations), "{asked:?}");
    // The rule looks for the same resources: allowed on both is a pass.
    snap.creator = Some(c);
    let f = evaluate(&snap, &RuleSet::embedded().unwrap())
        .into_iter()
        .find(|f| f.rule == "ZW001")
        .unwrap();
    assert_eq!(f.status, Status::Pass, "{}", f.message);
}

/// The creator's grant is simulated with the request's whole context, the integration's
/// encryption context among it (`kms:EncryptionContext:team`), and DescribeKey without it:
/// an IAM policy that conditions on the context is then answered as AWS would answer it.
#[tokio::test]
async fn the_key_grant_is_simulated_with_the_integrations_encryption_context() {
    use std::sync::{Arc, Mutex};
    type Asked = (Vec<String>, Vec<(String, Vec<String>)>);
    let seen: Arc<Mutex<Vec<Asked>>> = Arc::default();
    let log = seen.clone();
    let rule =
        mock!(aws_sdk_iam::Client::simulate_principal_policy).then_compute_output(move |req| {
            let context = req
                .context_entries()
                .iter()
                .map(|e| {
                    (
                        e.context_key_name().unwrap_or_default().to_string(),
                        e.context_key_values().to_vec(),
                    )
                })
                .collect();
            log.lock()
                .unwrap()
                .push((req.action_names().to_vec(), context));
            simulation_answer(req, |_| D::Allowed)
        });
    let client = mock_client!(aws_sdk_iam, RuleMode::MatchAny, &[&rule], |c| c
        .retry_config(fast_retries()));
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/creator-allowed.json");
    let snap: Snapshot = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    creator::simulate(
        &client,
        &snap,
        (DEPLOYER, "--creator"),
        Default::default(),
        None,
    )
    .await;
    let seen = seen.lock().unwrap();
    let value = |actions: &[String], key: &str| {
        seen.iter()
            .find(|(a, _)| a == actions)
            .and_then(|(_, c)| c.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone()))
    };
    let grant = ["kms:CreateGrant".to_string()];
    assert_eq!(
        value(&grant, "kms:EncryptionContext:team"),
        Some(vec!["data".to_string()]),
        "{seen:?}"
    );
    assert_eq!(
        value(&grant, "kms:ViaService"),
        Some(vec!["rds.us-east-1.amazonaws.com".to_string()])
    );
    assert_eq!(
        value(&grant, "kms:CallerAccount"),
        Some(vec!["123456789012".to_string()])
    );
    let describe = ["kms:DescribeKey".to_string()];
    assert!(value(&describe, "kms:ViaService").is_some(), "{seen:?}");
    assert_eq!(value(&describe, "kms:EncryptionContext:team"), None);
}

//! Planning on the fixtures (pure): which actions, in which order, with which safety.

use std::path::Path;

use zetl_preflight::fix::action::Op;
use zetl_preflight::fix::context::{FixContext, NewGroup};
use zetl_preflight::fix::{plan, Plan};
use zetl_preflight::model::{Fact, Snapshot};
use zetl_preflight::rules::spec::Applicability;
use zetl_preflight::rules::{evaluate, RuleSet};

fn snap(name: &str) -> Snapshot {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

fn plan_for(s: &Snapshot, ctx: &FixContext) -> Plan {
    let rules = RuleSet::embedded().unwrap();
    plan(s, &evaluate(s, &rules), &rules, ctx)
}

fn calls(p: &Plan) -> Vec<&'static str> {
    p.actions.iter().map(|a| a.op.call()).collect()
}

#[test]
fn plans_are_pinned() {
    for name in [
        "seed-default-groups",
        "mysql-provisioned-broken",
        "postgres-serverless-broken",
        "postgres-provisioned-needs-attention",
        "rds-mysql-broken",
        "rds-postgres-broken",
        "rds-mysql-multi-az-broken",
        "kms-creator",
    ] {
        let s = snap(&format!("{name}.json"));
        let p = plan_for(&s, &FixContext::assume_unshared(&s));
        insta::assert_json_snapshot!(format!("plan__{name}"), p);
    }
}

#[test]
fn a_correct_setup_plans_nothing() {
    for name in [
        "mysql-provisioned-ok.json",
        "postgres-serverless-ok.json",
        "rds-mysql-ok.json",
        "rds-postgres-ok.json",
        "rds-oracle-ok.json",
    ] {
        let s = snap(name);
        let p = plan_for(&s, &FixContext::assume_unshared(&s));
        assert!(p.actions.is_empty(), "{name}: {:#?}", p.actions);
    }
}

#[test]
fn default_group_is_copied_never_edited() {
    let s = snap("seed-default-groups.json");
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    for a in &p.actions {
        match &a.op {
            Op::ModifyDbClusterParameterGroup { group, .. }
            | Op::ResetDbClusterParameterGroup { group, .. } => {
                assert!(!group.starts_with("default."), "edits {group}")
            }
            Op::ModifyClusterParameterGroup { group, .. } => {
                assert!(!group.starts_with("default."), "edits {group}")
            }
            _ => {}
        }
    }
    let c = calls(&p);
    let create = c
        .iter()
        .position(|c| *c == "rds:CreateDBClusterParameterGroup")
        .unwrap();
    let modify = c
        .iter()
        .position(|c| *c == "rds:ModifyDBClusterParameterGroup")
        .unwrap();
    let assoc = c.iter().position(|c| *c == "rds:ModifyDBCluster").unwrap();
    let reboot = c.iter().position(|c| *c == "rds:RebootDBInstance").unwrap();
    assert!(create < modify && modify < assoc && assoc < reboot, "{c:?}");
    // The three enhanced-binlog parameters go in one request.
    let Op::ModifyDbClusterParameterGroup { parameters, group } = &p.actions[modify].op else {
        panic!()
    };
    assert_eq!(group, "shop-db-zetl");
    for name in [
        "aurora_enhanced_binlog",
        "binlog_backup",
        "binlog_replication_globaldb",
    ] {
        let x = parameters.iter().find(|x| x.name == name).unwrap();
        assert_eq!(x.apply_method, "pending-reboot", "{name} is static");
    }
    // Manual steps carry the command for a person.
    let manual = p.actions.iter().find(|a| a.rules == ["ZM010"]).unwrap();
    assert_eq!(manual.applicability, Applicability::Manual);
    assert!(manual
        .command
        .as_deref()
        .unwrap()
        .contains("modify-db-cluster"));
}

#[test]
fn shared_group_is_copied_and_exclusive_group_edited_in_place() {
    let s = snap("mysql-provisioned-broken.json");
    let mut ctx = FixContext::assume_unshared(&s);
    let exclusive = plan_for(&s, &ctx);
    assert!(!calls(&exclusive).contains(&"rds:CreateDBClusterParameterGroup"));
    let edits: Vec<&Op> = exclusive
        .actions
        .iter()
        .map(|a| &a.op)
        .filter(|o| matches!(o, Op::ModifyDbClusterParameterGroup { group, .. } | Op::ResetDbClusterParameterGroup { group, .. } if group == "billing-shared"))
        .collect();
    assert!(!edits.is_empty(), "{:?}", calls(&exclusive));

    ctx.source_group_users = Fact::Ok(vec!["billing-db-replica".into()]);
    let shared = plan_for(&s, &ctx);
    let c = calls(&shared);
    assert!(c.contains(&"rds:CreateDBClusterParameterGroup"), "{c:?}");
    for a in &shared.actions {
        if let Op::ModifyDbClusterParameterGroup { group, .. }
        | Op::ResetDbClusterParameterGroup { group, .. } = &a.op
        {
            assert_eq!(
                group, "billing-db-zetl",
                "the shared group must not be edited"
            );
        }
    }
    let create = shared
        .actions
        .iter()
        .find(|a| a.op.call() == "rds:CreateDBClusterParameterGroup")
        .unwrap();
    assert!(
        create
            .reason
            .as_deref()
            .unwrap()
            .contains("billing-db-replica"),
        "the plan names the other clusters"
    );
    // The copy carries the group's other user-set values, with the bad ones fixed or dropped.
    let set: Vec<(String, String)> = shared
        .actions
        .iter()
        .filter_map(|a| match &a.op {
            Op::ModifyDbClusterParameterGroup { parameters, .. } => Some(parameters.clone()),
            _ => None,
        })
        .flatten()
        .map(|p| (p.name, p.value))
        .collect();
    assert!(
        set.contains(&("binlog_row_image".into(), "full".into())),
        "{set:?}"
    );
    assert!(
        set.contains(&("aurora_enhanced_binlog".into(), "1".into())),
        "{set:?}"
    );
    assert!(
        !set.iter()
            .any(|(n, _)| n == "binlog-do-db" || n == "binlog_row_value_options"),
        "{set:?}"
    );

    // Unknown sharing is treated as shared.
    ctx.source_group_users = Fact::Error(zetl_preflight::model::CallError::new(
        "rds:DescribeDBClusters",
        Some("AccessDenied"),
        "no",
    ));
    assert!(calls(&plan_for(&s, &ctx)).contains(&"rds:CreateDBClusterParameterGroup"));
}

#[test]
fn an_unused_group_from_an_earlier_run_is_reused() {
    let s = snap("seed-default-groups.json");
    let mut ctx = FixContext::assume_unshared(&s);
    ctx.source_new_group = Fact::Ok(NewGroup {
        name: "shop-db-zetl".into(),
        reuse: true,
    });
    let c = calls(&plan_for(&s, &ctx));
    assert!(!c.contains(&"rds:CreateDBClusterParameterGroup"), "{c:?}");
    assert!(c.contains(&"rds:ModifyDBClusterParameterGroup"));
}

#[test]
fn serverless_keeps_config_parameters_and_policy_keeps_statements() {
    let s = snap("postgres-serverless-broken.json");
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    let wg = p
        .actions
        .iter()
        .find(|a| a.op.call() == "redshift-serverless:UpdateWorkgroup")
        .unwrap();
    assert_eq!(wg.applicability, Applicability::Safe);
    let Op::UpdateWorkgroup {
        config_parameters, ..
    } = &wg.op
    else {
        panic!()
    };
    let keys: Vec<&str> = config_parameters.iter().map(|(k, _)| k.as_str()).collect();
    for k in [
        "auto_mv",
        "datestyle",
        "search_path",
        "require_ssl",
        "enable_case_sensitive_identifier",
    ] {
        assert!(keys.contains(&k), "{k} dropped: {keys:?}");
    }
    let pol = p
        .actions
        .iter()
        .find(|a| a.op.call() == "redshift:PutResourcePolicy")
        .unwrap();
    assert_eq!(pol.applicability, Applicability::Safe);
    let Op::PutResourcePolicy { policy, .. } = &pol.op else {
        panic!()
    };
    let new: serde_json::Value = serde_json::from_str(policy).unwrap();
    let zetl_preflight::model::TargetSnapshot::Serverless(t) = &s.target else {
        panic!()
    };
    let old: serde_json::Value =
        serde_json::from_str(t.resource_policy.ok().unwrap().as_deref().unwrap()).unwrap();
    let old_n = old["Statement"].as_array().unwrap().len();
    assert_eq!(
        new["Statement"].as_array().unwrap()[..old_n],
        old["Statement"].as_array().unwrap()[..]
    );
    assert_eq!(
        new["Statement"].as_array().unwrap().len(),
        old_n + 2,
        "authorize + create added"
    );
}

#[test]
fn enhanced_logical_replication_is_unsafe_even_in_place() {
    let s = snap("postgres-serverless-broken.json");
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    let a = p
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::ModifyDbClusterParameterGroup { parameters, .. } if parameters.iter().any(|x| x.name == "aurora.enhanced_logical_replication")))
        .unwrap();
    assert_eq!(a.applicability, Applicability::Unsafe);
    assert!(
        a.reason.as_deref().unwrap().contains("replication slot"),
        "{:?}",
        a.reason
    );
}

#[test]
fn pending_reboot_only_plans_just_the_reboot() {
    let mut s = snap("mysql-provisioned-ok.json");
    for m in &mut s
        .source
        .rds_mut()
        .unwrap()
        .cluster_mut()
        .unwrap()
        .db_cluster_members
    {
        m.db_cluster_parameter_group_status = Some("pending-reboot".into());
    }
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    // Besides the reboot, only manual notes (ZM011 warns until enhanced binlog is live).
    let automated: Vec<&str> = calls(&p).into_iter().filter(|c| *c != "manual").collect();
    assert_eq!(automated, ["rds:RebootDBInstance"]);
    assert_eq!(p.actions[0].applicability, Applicability::Unsafe);
}

#[test]
fn old_postgresql_readers_reboot_after_a_group_swap() {
    let mut s = snap("postgres-provisioned-needs-attention.json");
    let reboots = |s: &Snapshot| {
        plan_for(s, &FixContext::assume_unshared(s))
            .actions
            .iter()
            .filter_map(|a| match &a.op {
                Op::RebootDbInstance { instance } => Some(instance.clone()),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        reboots(&s),
        ["payments-pg-instance-1"],
        "16.6: the writer only"
    );
    s.source
        .rds_mut()
        .unwrap()
        .cluster_mut()
        .unwrap()
        .engine_version = "15.2".into();
    assert_eq!(
        reboots(&s),
        ["payments-pg-instance-1", "payments-pg-instance-2"]
    );
}

/// An RDS DB instance: its DB parameter group is never edited when it is a default one (a new
/// group is created: AWS does not copy default groups), is copied with CopyDBParameterGroup
/// when others share it, and is edited in place when the instance alone uses it; the
/// instance itself reboots, once, at the end. Turning on backups is unsafe.
#[test]
fn an_rds_instance_gets_a_db_parameter_group_and_its_own_reboot() {
    // default.mysql8.0: created, filled, associated, rebooted.
    let s = snap("rds-mysql-broken.json");
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    let c = calls(&p);
    let at = |call: &str| {
        c.iter()
            .position(|x| *x == call)
            .unwrap_or_else(|| panic!("{call} missing: {c:?}"))
    };
    let backups = at("rds:ModifyDBInstance");
    let create = at("rds:CreateDBParameterGroup");
    let modify = at("rds:ModifyDBParameterGroup");
    let reboot = at("rds:RebootDBInstance");
    assert!(
        backups < create && create < modify && modify < reboot,
        "{c:?}"
    );
    assert_eq!(
        c.iter().filter(|x| **x == "rds:RebootDBInstance").count(),
        1
    );
    assert!(
        !c.contains(&"rds:CopyDBParameterGroup"),
        "a default group is never copied: {c:?}"
    );
    let assoc = p
        .actions
        .iter()
        .find(|a| matches!(&a.op, Op::ModifyDbInstance { parameter_group, .. } if parameter_group == "billing-mysql-zetl"))
        .expect("the new group is associated");
    assert_eq!(assoc.applicability, Applicability::Unsafe);
    let b = &p.actions[backups];
    assert!(
        matches!(b.op, Op::SetBackupRetention { days: 7, .. }),
        "{:?}",
        b.op
    );
    assert_eq!(b.applicability, Applicability::Unsafe);
    assert!(
        b.reason.as_deref().unwrap().contains("offline"),
        "{:?}",
        b.reason
    );
    for a in &p.actions {
        if let Op::ModifyDbParameterGroup { group, parameters } = &a.op {
            assert_eq!(group, "billing-mysql-zetl");
            let names: Vec<&str> = parameters.iter().map(|x| x.name.as_str()).collect();
            assert!(names.contains(&"binlog_format"), "{names:?}");
        }
    }

    // A custom group the instance alone uses: edited in place, no association.
    let s = snap("rds-postgres-broken.json");
    let mut ctx = FixContext::assume_unshared(&s);
    let c = calls(&plan_for(&s, &ctx));
    assert!(c.contains(&"rds:ModifyDBParameterGroup"), "{c:?}");
    assert!(
        !c.contains(&"rds:CopyDBParameterGroup") && !c.contains(&"rds:CreateDBParameterGroup"),
        "{c:?}"
    );

    // Shared: copied (CopyDBParameterGroup keeps its values), the copy edited, associated.
    ctx.source_group_users = Fact::Ok(vec!["payments-pg-2".into()]);
    let p = plan_for(&s, &ctx);
    let c = calls(&p);
    assert!(c.contains(&"rds:CopyDBParameterGroup"), "{c:?}");
    for a in &p.actions {
        match &a.op {
            Op::ModifyDbParameterGroup { group, .. } | Op::ResetDbParameterGroup { group, .. } => {
                assert_eq!(
                    group, "payments-pg-zetl-2",
                    "the shared group is not edited"
                )
            }
            Op::CopyDbParameterGroup { source, .. } => assert_eq!(source, "payments-pg-zetl"),
            _ => {}
        }
    }
    assert!(
        p.actions.iter().any(
            |a| matches!(&a.op, Op::ModifyDbInstance { instance, .. } if instance == "payments-pg")
        ),
        "{c:?}"
    );
}

/// An RDS instance whose group holds the right values but waits for a reboot: the plan is
/// the instance's reboot alone.
#[test]
fn an_rds_instance_pending_reboot_plans_just_its_reboot() {
    let mut s = snap("rds-postgres-ok.json");
    // An instance holds its apply status once: no stand-in cluster repeats it.
    s.source
        .rds_mut()
        .unwrap()
        .instance_mut()
        .unwrap()
        .parameter_apply_status = Some("pending-reboot".into());
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    let automated: Vec<&str> = calls(&p).into_iter().filter(|c| *c != "manual").collect();
    assert_eq!(automated, ["rds:RebootDBInstance"], "{:#?}", p.actions);
    assert!(
        matches!(&p.actions[0].op, Op::RebootDbInstance { instance } if instance == "payments-pg")
    );
}

/// A Multi-AZ DB cluster (RDS for MySQL): its DB cluster parameter group is replaced as an
/// Aurora cluster's is, and then it reboots as a whole (RebootDBCluster: RDS reboots a
/// Multi-AZ DB cluster, not its writer alone, after a parameter group change).
#[test]
fn a_multi_az_db_cluster_gets_a_cluster_group_and_reboots_as_a_cluster() {
    let s = snap("rds-mysql-multi-az-broken.json");
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    let c = calls(&p);
    let at = |call: &str| {
        c.iter()
            .position(|x| *x == call)
            .unwrap_or_else(|| panic!("{call} missing: {c:?}"))
    };
    let create = at("rds:CreateDBClusterParameterGroup");
    let modify = at("rds:ModifyDBClusterParameterGroup");
    let assoc = at("rds:ModifyDBCluster");
    let reboot = at("rds:RebootDBCluster");
    assert!(create < modify && modify < assoc && assoc < reboot, "{c:?}");
    assert_eq!(c.iter().filter(|x| **x == "rds:RebootDBCluster").count(), 1);
    assert!(
        !c.contains(&"rds:RebootDBInstance") && !c.contains(&"rds:ModifyDBParameterGroup"),
        "a Multi-AZ DB cluster is not an instance: {c:?}"
    );
    assert!(
        matches!(&p.actions[reboot].op, Op::RebootDbCluster { cluster } if cluster == "billing-mz")
    );
    assert_eq!(p.actions[reboot].applicability, Applicability::Unsafe);
    assert!(
        matches!(&p.actions[assoc].op, Op::ModifyDbCluster { cluster, parameter_group }
            if cluster == "billing-mz" && parameter_group == "billing-mz-zetl"),
        "{:?}",
        p.actions[assoc].op
    );
    for a in &p.actions {
        if let Op::ModifyDbClusterParameterGroup { group, parameters } = &a.op {
            assert_eq!(
                group, "billing-mz-zetl",
                "the default group is never edited"
            );
            let names: Vec<&str> = parameters.iter().map(|x| x.name.as_str()).collect();
            assert!(names.contains(&"binlog_format"), "{names:?}");
        }
    }
    // Backups and the cluster's status are a person's to settle: shown, not applied.
    let manual: Vec<&str> = p
        .actions
        .iter()
        .filter(|a| a.applicability == Applicability::Manual)
        .flat_map(|a| a.rules.iter().map(String::as_str))
        .collect();
    assert!(
        manual.contains(&"ZY016") && manual.contains(&"ZY012"),
        "{manual:?}"
    );

    // The right group, waiting for a reboot: the cluster's reboot alone.
    let mut s = snap("rds-mysql-multi-az-ok.json");
    for m in &mut s
        .source
        .rds_mut()
        .unwrap()
        .cluster_mut()
        .unwrap()
        .db_cluster_members
    {
        m.db_cluster_parameter_group_status = Some("pending-reboot".into());
    }
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    let automated: Vec<&str> = calls(&p).into_iter().filter(|c| *c != "manual").collect();
    assert_eq!(automated, ["rds:RebootDBCluster"], "{:#?}", p.actions);
}

/// The key policy fix: the statements it lacks are appended to it, every existing statement
/// kept; the creator's only when the creator is known; an explicit Deny is left to a person.
#[test]
fn a_key_policy_gets_the_missing_statements_and_keeps_its_own() {
    use zetl_preflight::model::Creator;
    // kms-creator: the creator may already, Redshift may not.
    let s = snap("kms-creator.json");
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    let a = p
        .actions
        .iter()
        .find(|a| a.op.call() == "kms:PutKeyPolicy")
        .expect("a PutKeyPolicy action");
    assert_eq!(a.applicability, Applicability::Unsafe);
    assert_eq!(a.rules, vec!["ZK002".to_string()]);
    let Op::PutKeyPolicy { policy, .. } = &a.op else {
        unreachable!()
    };
    let before: serde_json::Value =
        serde_json::from_str(s.kms_key.as_ref().unwrap().policy.ok().unwrap()).unwrap();
    let after: serde_json::Value = serde_json::from_str(policy).unwrap();
    let n = before["Statement"].as_array().unwrap().len();
    assert_eq!(
        after["Statement"].as_array().unwrap()[..n],
        before["Statement"].as_array().unwrap()[..]
    );
    assert_eq!(
        after["Statement"][n]["Principal"]["Service"],
        "redshift.amazonaws.com"
    );
    // The merged policy passes the rule it fixes.
    let mut fixed = s.clone();
    fixed.kms_key.as_mut().unwrap().policy = Fact::Ok(policy.clone());
    let rules = RuleSet::embedded().unwrap();
    let zk002 = evaluate(&fixed, &rules)
        .into_iter()
        .find(|f| f.rule == "ZK002")
        .unwrap();
    assert_eq!(zk002.status, zetl_preflight::model::Status::Pass);

    // kms-broken: the creator may not; without a known creator nothing is put.
    let mut s = snap("kms-broken.json");
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    assert!(!calls(&p).contains(&"kms:PutKeyPolicy"), "{:?}", calls(&p));
    s.creator = Some(Creator {
        arn: "arn:aws:iam::123456789012:role/deployer".into(),
        origin: "--creator".into(),
        simulated: Fact::Error(zetl_preflight::model::CallError::new(
            "iam:SimulatePrincipalPolicy",
            Some("AccessDenied"),
            "denied",
        )),
    });
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    let a = p
        .actions
        .iter()
        .find(|a| a.op.call() == "kms:PutKeyPolicy")
        .expect("the creator's statement");
    assert_eq!(a.rules, vec!["ZK003".to_string()]);
    assert!(a.summary.contains("role/deployer"), "{}", a.summary);

    // An explicit Deny of Redshift's grant stays: no statement added would win over it.
    let mut s = snap("kms-creator.json");
    let deny = r#"{"Version":"2012-10-17","Statement":[{"Sid":"no","Effect":"Deny","Principal":"*","Action":"kms:CreateGrant","Resource":"*","Condition":{"Bool":{"kms:GrantIsForAWSResource":"true"}}}]}"#;
    s.kms_key.as_mut().unwrap().policy = Fact::Ok(deny.into());
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    assert!(!calls(&p).contains(&"kms:PutKeyPolicy"), "{:?}", calls(&p));
    assert!(p
        .actions
        .iter()
        .any(|a| a.applicability == Applicability::Manual && a.rules == vec!["ZK002".to_string()]));
}

/// creator-denied: the key policy delegates to IAM, and IAM does not allow the creator
/// kms:CreateGrant (implicitly): a key policy statement naming the creator allows it, so
/// the fix adds one. Had IAM denied it explicitly, no key policy could, and nothing is put.
#[test]
fn the_creators_grant_is_added_unless_iam_denies_it_explicitly() {
    let s = snap("creator-denied.json");
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    let a = p
        .actions
        .iter()
        .find(|a| a.op.call() == "kms:PutKeyPolicy")
        .expect("the creator's statement");
    assert_eq!(a.rules, vec!["ZK003".to_string()]);
    assert!(a.summary.contains("role/ci"), "{}", a.summary);

    let mut s = snap("creator-denied.json");
    let Fact::Ok(answers) = &mut s.creator.as_mut().unwrap().simulated else {
        unreachable!()
    };
    for x in answers.iter_mut().filter(|x| x.action == "kms:CreateGrant") {
        x.decision = "explicitDeny".into();
        x.matched = vec!["no-kms (line 3)".into()];
    }
    let rules = RuleSet::embedded().unwrap();
    let zk003 = evaluate(&s, &rules)
        .into_iter()
        .find(|f| f.rule == "ZK003")
        .unwrap();
    assert_eq!(zk003.status, zetl_preflight::model::Status::Fail);
    assert!(
        zk003.message.contains("explicitly denied"),
        "{}",
        zk003.message
    );
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    assert!(!calls(&p).contains(&"kms:PutKeyPolicy"), "{:?}", calls(&p));
}

/// A Serverless workgroup's tags (read by `check --fix` with ListTagsForResource): one a
/// CloudFormation stack owns keeps its live steps manual, naming the stack; tags that could
/// not be read keep them manual too, saying so (whether code owns it is not known); with
/// `--allow-drift`, or tags that name no owner, the steps stay as planned.
#[test]
fn a_workgroup_code_owns_or_may_own_is_not_changed_live() {
    use zetl_preflight::model::{CallError, TargetSnapshot};
    let base = snap("postgres-serverless-broken.json");
    let with_tags = |tags: Option<Fact<std::collections::BTreeMap<String, String>>>| {
        let mut s = base.clone();
        let TargetSnapshot::Serverless(t) = &mut s.target else {
            panic!("the fixture's target is Serverless");
        };
        t.tags = tags;
        s
    };
    let workgroup_steps = |p: &Plan| -> Vec<(Applicability, Option<String>)> {
        p.actions
            .iter()
            .filter(|a| a.rules.iter().any(|r| r == "ZR007"))
            .map(|a| (a.applicability, a.reason.clone()))
            .collect()
    };
    let planned = |s: &Snapshot, allow_drift: bool| {
        let mut ctx = FixContext::assume_unshared(s);
        ctx.allow_drift = allow_drift;
        workgroup_steps(&plan_for(s, &ctx))
    };
    let free = planned(&with_tags(None), false);
    assert!(
        !free.is_empty() && free.iter().all(|(a, _)| *a != Applicability::Manual),
        "{free:?}"
    );

    let stack = [(
        "aws:cloudformation:stack-name".to_string(),
        "analytics".to_string(),
    )];
    let owned = with_tags(Some(Fact::Ok(stack.into_iter().collect())));
    let steps = planned(&owned, false);
    assert!(
        steps.iter().all(|(a, why)| *a == Applicability::Manual
            && why
                .as_deref()
                .is_some_and(|w| w.contains("CloudFormation stack analytics"))),
        "{steps:?}"
    );
    assert_eq!(planned(&owned, true), free);

    let denied = with_tags(Some(Fact::Error(CallError::new(
        "redshift-serverless:ListTagsForResource",
        Some("AccessDeniedException"),
        "not authorized",
    ))));
    let steps = planned(&denied, false);
    assert!(
        steps.iter().all(|(a, why)| *a == Applicability::Manual
            && why
                .as_deref()
                .is_some_and(|w| w.contains("its tags could not be read")
                    && w.contains("ListTagsForResource"))),
        "{steps:?}"
    );

    let unowned = with_tags(Some(Fact::Ok(
        [("team".to_string(), "data".to_string())]
            .into_iter()
            .collect(),
    )));
    assert_eq!(planned(&unowned, false), free);
}

/// A DynamoDB integration's lag alarm takes ZH006's limit (an hour: exports every 15-30
/// minutes), not ZH001's 900 s, which would alarm on every healthy table; a table's fixes
/// are turning on recovery and the table's policy, and nothing of an RDS source.
#[test]
fn a_dynamodb_integrations_lag_alarm_takes_its_own_limit() {
    let mut s = snap("dynamodb-integration-healthy.json");
    if let Some(h) = &mut s.health {
        h.alarms = Fact::Ok(Default::default());
    }
    let p = plan_for(&s, &FixContext::assume_unshared(&s));
    let lag = p
        .actions
        .iter()
        .find_map(|a| match &a.op {
            Op::PutMetricAlarm(alarm) if alarm.metric == "IntegrationLag" => Some(alarm),
            _ => None,
        })
        .expect("a lag alarm is planned");
    assert_eq!(lag.threshold, 3600.0);

    let broken = snap("dynamodb-provisioned-broken.json");
    let p = plan_for(&broken, &FixContext::assume_unshared(&broken));
    let c = calls(&p);
    assert!(c.contains(&"dynamodb:UpdateContinuousBackups"), "{c:?}");
    assert!(!c.iter().any(|c| c.starts_with("rds:")), "{c:?}");
}

/// A DynamoDB table's tags (read by `check --fix` with ListTagsOfResource): a table a
/// CloudFormation stack owns keeps its live steps (recovery, its policy) manual, naming the
/// stack; tags that could not be read keep them manual, saying so; `--allow-drift` plans them.
#[test]
fn a_table_code_owns_or_may_own_is_not_changed_live() {
    use zetl_preflight::model::CallError;
    let base = snap("dynamodb-provisioned-broken.json");
    let with_tags = |tags: Option<Fact<std::collections::BTreeMap<String, String>>>| {
        let mut s = base.clone();
        s.source.table_mut().unwrap().tags = tags;
        s
    };
    let table_steps = |s: &Snapshot, allow_drift: bool| -> Vec<(Applicability, Option<String>)> {
        let mut ctx = FixContext::assume_unshared(s);
        ctx.allow_drift = allow_drift;
        plan_for(s, &ctx)
            .actions
            .into_iter()
            .filter(|a| a.rules.iter().any(|r| r == "ZB002" || r == "ZB003"))
            .map(|a| (a.applicability, a.reason))
            .collect()
    };
    let free = table_steps(&with_tags(None), false);
    assert_eq!(free.len(), 2, "{free:?}");
    assert!(
        free.iter().all(|(a, _)| *a != Applicability::Manual),
        "{free:?}"
    );

    let stack = [(
        "aws:cloudformation:stack-name".to_string(),
        "clicks".to_string(),
    )];
    let owned = with_tags(Some(Fact::Ok(stack.into_iter().collect())));
    let steps = table_steps(&owned, false);
    assert!(
        steps.iter().all(|(a, why)| *a == Applicability::Manual
            && why
                .as_deref()
                .is_some_and(|w| w.contains("CloudFormation stack clicks"))),
        "{steps:?}"
    );
    assert_eq!(table_steps(&owned, true), free);

    let denied = with_tags(Some(Fact::Error(CallError::new(
        "dynamodb:ListTagsOfResource",
        Some("AccessDeniedException"),
        "not authorized",
    ))));
    let steps = table_steps(&denied, false);
    assert!(
        steps.iter().all(|(a, why)| *a == Applicability::Manual
            && why
                .as_deref()
                .is_some_and(|w| w.contains("its tags could not be read")
                    && w.contains("ListTagsOfResource"))),
        "{steps:?}"
    );
}

//! `check --fix` end to end against moto: every result is read back through the API.

mod common;

use common::world::{run_cli_in, World};
use common::{scratch_dir, Moto};

async fn cluster_group(w: &World, id: &str) -> String {
    let o = w
        .rds
        .describe_db_clusters()
        .db_cluster_identifier(id)
        .send()
        .await
        .unwrap();
    o.db_clusters()[0]
        .db_cluster_parameter_group()
        .unwrap()
        .to_string()
}

async fn group_values(w: &World, group: &str) -> Vec<(String, String)> {
    let o = w
        .rds
        .describe_db_cluster_parameters()
        .db_cluster_parameter_group_name(group)
        .send()
        .await
        .unwrap();
    o.parameters()
        .iter()
        .map(|p| {
            (
                p.parameter_name().unwrap().to_string(),
                p.parameter_value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

async fn group_exists(w: &World, group: &str) -> bool {
    w.rds
        .describe_db_cluster_parameter_groups()
        .db_cluster_parameter_group_name(group)
        .send()
        .await
        .is_ok()
}

fn journal_calls(dir: &std::path::Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(dir.join("zetl-preflight-journal.jsonl")) else {
        return Vec::new();
    };
    text.lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            (
                v["call"].as_str().unwrap().to_string(),
                v["result"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

async fn custom_group(w: &World, name: &str, binlog_format: &str) {
    w.rds
        .create_db_cluster_parameter_group()
        .db_cluster_parameter_group_name(name)
        .db_parameter_group_family("aurora-mysql8.0")
        .description("team group")
        .send()
        .await
        .unwrap();
    w.rds
        .modify_db_cluster_parameter_group()
        .db_cluster_parameter_group_name(name)
        .parameters(
            aws_sdk_rds::types::Parameter::builder()
                .parameter_name("binlog_format")
                .parameter_value(binlog_format)
                .apply_method(aws_sdk_rds::types::ApplyMethod::PendingReboot)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

async fn cluster_on(w: &World, id: &str, group: &str) {
    w.rds
        .create_db_cluster()
        .db_cluster_identifier(id)
        .engine("aurora-mysql")
        .engine_version("8.0.mysql_aurora.3.05.2")
        .db_cluster_parameter_group_name(group)
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .send()
        .await
        .unwrap();
    w.rds
        .create_db_instance()
        .db_instance_identifier(format!("{id}-1"))
        .db_cluster_identifier(id)
        .engine("aurora-mysql")
        .db_instance_class("db.r6g.large")
        .send()
        .await
        .unwrap();
}

/// The scenario: the seed misconfiguration, planned, applied, verified.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_group_gets_a_custom_copy_and_the_writer_reboots_only_with_unsafe_fixes() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    let dir = scratch_dir(&format!("fix-seed-{}", moto.port));
    let pair = [
        "check",
        "--source",
        "shop-db",
        "--target",
        "warehouse",
        "--fix",
    ];
    let run = |extra: &[&str]| {
        let mut args = pair.to_vec();
        args.extend_from_slice(extra);
        run_cli_in(&moto, Some(&dir), &args)
    };

    // Dry run: a plan a reviewer can read, and nothing changes.
    let o = run(&["--dry-run"]);
    let plan = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1));
    for needle in [
        "Changes will be made in account 123456789012 as arn:aws:",
        "Create DB cluster parameter group shop-db-zetl",
        "default.aurora8.0 → shop-db-zetl",
        "Reboot the writer shop-db-1",
        "Dry run: nothing was changed",
    ] {
        assert!(
            plan.contains(needle),
            "{needle} missing from the plan:\n{plan}"
        );
    }
    assert_eq!(cluster_group(&w, "shop-db").await, "default.aurora8.0");
    assert!(!group_exists(&w, "shop-db-zetl").await);

    // Without a terminal, --yes is required.
    let o = run(&["--unsafe-fixes"]);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("--yes"));

    // Without --unsafe-fixes every action here is unsafe: nothing is applied, no reboot.
    let o = run(&["--yes", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        doc["apply"].is_null(),
        "nothing applicable, nothing applied: {doc}"
    );
    assert!(journal_calls(&dir).is_empty());
    assert_eq!(cluster_group(&w, "shop-db").await, "default.aurora8.0");

    // With it: applied in order, the Redshift part stops where moto lacks the API.
    let o = run(&["--yes", "--unsafe-fixes", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let results: Vec<&str> = doc["apply"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["result"].as_str().unwrap())
        .collect();
    let calls: Vec<&str> = doc["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["op"]["call"].as_str().unwrap())
        .collect();
    let failed = results
        .iter()
        .position(|r| *r == "failed")
        .expect("moto has no ModifyClusterParameterGroup");
    assert_eq!(calls[failed], "redshift:ModifyClusterParameterGroup");
    assert!(results[failed + 1..]
        .iter()
        .zip(&calls[failed + 1..])
        .all(|(r, c)| *r == "not_attempted" || *c == "manual"));
    assert!(calls[..failed].contains(&"rds:RebootDBInstance"));

    // Read back: the new group holds the required values and the cluster uses it.
    assert_eq!(cluster_group(&w, "shop-db").await, "shop-db-zetl");
    let values = group_values(&w, "shop-db-zetl").await;
    for (k, v) in [
        ("aurora_enhanced_binlog", "1"),
        ("binlog_backup", "0"),
        ("binlog_replication_globaldb", "0"),
        ("binlog_format", "ROW"),
        ("binlog_row_metadata", "full"),
    ] {
        assert!(
            values.contains(&(k.into(), v.into())),
            "{k}={v} missing: {values:?}"
        );
    }
    // The journal lists exactly the changes attempted, in order, with the failure last.
    let journal = journal_calls(&dir);
    let expected: Vec<(String, String)> = calls[..=failed]
        .iter()
        .enumerate()
        .map(|(i, c)| {
            (
                c.to_string(),
                if i == failed { "failed" } else { "applied" }.to_string(),
            )
        })
        .collect();
    assert_eq!(journal, expected);
    // After the fix, every rule moto can represent on the source passes. Those that rest on
    // engine defaults stay unverified: moto has no DescribeEngineDefaultClusterParameters.
    let after = &doc["check"]["findings"];
    for f in after.as_array().unwrap() {
        let code = f["rule"].as_str().unwrap();
        let want = match code {
            "ZM005" | "ZM007" | "ZM008" | "ZM009" => "error",
            "ZM010" => continue,
            c if c.starts_with("ZM") || c == "ZC006" || c == "ZC007" => "pass",
            _ => continue,
        };
        assert_eq!(f["status"], want, "{code}: {}", f["message"]);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shared_group_is_copied_and_exclusive_group_is_edited() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await; // for the warehouse target
    custom_group(&w, "shared-params", "MIXED").await;
    cluster_on(&w, "app-a", "shared-params").await;
    cluster_on(&w, "app-b", "shared-params").await;
    custom_group(&w, "solo-params", "MIXED").await;
    cluster_on(&w, "app-c", "solo-params").await;
    let dir = scratch_dir(&format!("fix-shared-{}", moto.port));
    // moto cannot represent the Redshift side: leave ZR007 out of this test.
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        "[rules]\nignore = [\"ZR007\"]\n",
    )
    .unwrap();
    let fix = |source: &str| {
        run_cli_in(
            &moto,
            Some(&dir),
            &[
                "check",
                "--source",
                source,
                "--target",
                "warehouse",
                "--fix",
                "--yes",
                "--unsafe-fixes",
            ],
        )
    };

    let o = fix("app-a");
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("shared-params is shared with app-b"),
        "the plan names the other cluster:\n{out}"
    );
    assert_eq!(cluster_group(&w, "app-a").await, "app-a-zetl");
    assert_eq!(
        cluster_group(&w, "app-b").await,
        "shared-params",
        "the other cluster keeps its group"
    );
    let shared = group_values(&w, "shared-params").await;
    assert!(
        shared.contains(&("binlog_format".into(), "MIXED".into())),
        "the shared group was edited: {shared:?}"
    );
    assert!(group_values(&w, "app-a-zetl")
        .await
        .contains(&("binlog_format".into(), "ROW".into())));

    let o = fix("app-c");
    assert!(o.status.code().is_some());
    assert_eq!(
        cluster_group(&w, "app-c").await,
        "solo-params",
        "an exclusive group stays"
    );
    assert!(
        !group_exists(&w, "app-c-zetl").await,
        "no copy for an exclusive group"
    );
    let solo = group_values(&w, "solo-params").await;
    assert!(
        solo.contains(&("binlog_format".into(), "ROW".into())),
        "{solo:?}"
    );
    assert!(
        solo.contains(&("aurora_enhanced_binlog".into(), "1".into())),
        "{solo:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_fix_plans_nothing_and_exits_0() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    cluster_on(&w, "ready-db", "default.aurora8.0").await;
    w.redshift
        .create_cluster()
        .cluster_identifier("ready-dw")
        .node_type("ra3.xlplus")
        .number_of_nodes(2)
        .encrypted(true)
        .master_username("admin")
        .master_user_password("NotASecret1")
        .send()
        .await
        .unwrap();
    let dir = scratch_dir(&format!("fix-twice-{}", moto.port));
    std::fs::write(
        dir.join("zetl-preflight.toml"),
        "[rules]\nignore = [\"ZR007\"]\n",
    )
    .unwrap();
    let args = [
        "check",
        "--source",
        "ready-db",
        "--target",
        "ready-dw",
        "--fix",
        "--yes",
        "--unsafe-fixes",
        "--allow-unverified",
    ];
    let first = run_cli_in(&moto, Some(&dir), &args);
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stdout)
    );
    let applied = journal_calls(&dir).len();
    assert!(
        applied >= 4,
        "create, set, associate, reboot: {:?}",
        journal_calls(&dir)
    );
    let second = run_cli_in(&moto, Some(&dir), &args);
    let out = String::from_utf8_lossy(&second.stdout);
    assert_eq!(second.status.code(), Some(0), "{out}");
    assert!(
        out.contains("Plan: nothing to change") && out.contains("Nothing to apply"),
        "{out}"
    );
    assert_eq!(
        journal_calls(&dir).len(),
        applied,
        "the second run changed nothing"
    );
}

/// A DB instance as moto creates it (RDS for MySQL 8.0, gp3).
async fn mysql_instance(w: &World, id: &str, group: Option<&str>, backup_days: i32) {
    w.rds
        .create_db_instance()
        .db_instance_identifier(id)
        .engine("mysql")
        .engine_version("8.0.39")
        .db_instance_class("db.t3.micro")
        .allocated_storage(20)
        .storage_type("gp3")
        .master_username("admin")
        .master_user_password("not-a-secret-1")
        .backup_retention_period(backup_days)
        .set_db_parameter_group_name(group.map(str::to_string))
        .send()
        .await
        .unwrap();
}

async fn instance(w: &World, id: &str) -> aws_sdk_rds::types::DbInstance {
    let o = w
        .rds
        .describe_db_instances()
        .db_instance_identifier(id)
        .send()
        .await
        .unwrap();
    o.db_instances()[0].clone()
}

async fn db_group_values(w: &World, group: &str) -> Vec<(String, String)> {
    let o = w
        .rds
        .describe_db_parameters()
        .db_parameter_group_name(group)
        .send()
        .await
        .unwrap();
    o.parameters()
        .iter()
        .map(|p| {
            (
                p.parameter_name().unwrap_or_default().to_string(),
                p.parameter_value().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// `check --fix` of one RDS instance against moto's `warehouse`, for the selected rules only
/// (moto lacks the Redshift calls a target fix makes, and the engine defaults that unset
/// parameters need): the JSON document.
fn fix_rds(moto: &Moto, dir: &std::path::Path, source: &str, select: &str) -> serde_json::Value {
    let o = run_cli_in(
        moto,
        Some(dir),
        &[
            "check",
            "--source",
            source,
            "--target",
            "warehouse",
            "--select",
            select,
            "--fix",
            "--yes",
            "--unsafe-fixes",
            "--format",
            "json",
        ],
    );
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)))
}

fn statuses_after(doc: &serde_json::Value) -> Vec<(String, String)> {
    doc["check"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// An RDS for MySQL DB instance on its default DB parameter group with backups off: `--fix`
/// turns backups on and creates a DB parameter group (AWS cannot copy a default group),
/// associates it and reboots the instance; each result is read back, and a second run
/// changes nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_rds_instance_on_a_default_group_gets_a_new_group_and_backups() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    mysql_instance(&w, "billing", None, 0).await;
    let dir = scratch_dir(&format!("fix-rds-{}", moto.port));
    let doc = fix_rds(&moto, &dir, "billing", "ZY002,ZY007");
    let calls = journal_calls(&dir);
    let names: Vec<&str> = calls.iter().map(|(c, _)| c.as_str()).collect();
    assert_eq!(
        names,
        [
            "rds:ModifyDBInstance",
            "rds:CreateDBParameterGroup",
            "rds:ModifyDBInstance",
            "rds:RebootDBInstance"
        ],
        "{doc}"
    );
    assert!(calls.iter().all(|(_, r)| r == "applied"), "{calls:?}");
    let i = instance(&w, "billing").await;
    assert_eq!(i.backup_retention_period(), Some(7));
    assert_eq!(
        i.db_parameter_groups()[0].db_parameter_group_name(),
        Some("billing-zetl")
    );
    assert_eq!(
        statuses_after(&doc),
        [
            ("ZY002".into(), "pass".into()),
            ("ZY007".into(), "pass".into())
        ],
        "verified after the fix"
    );
    let before = journal_calls(&dir).len();
    let again = fix_rds(&moto, &dir, "billing", "ZY002,ZY007");
    assert!(
        again["plan"]["actions"].as_array().unwrap().is_empty(),
        "{again}"
    );
    assert_eq!(
        journal_calls(&dir).len(),
        before,
        "the second run changed nothing"
    );
}

/// Two RDS for MySQL instances share a custom DB parameter group with `binlog_format=MIXED`:
/// `--fix` copies it (CopyDBParameterGroup keeps its other values), sets ROW in the copy,
/// associates the copy and reboots the instance. The shared group and the other instance are
/// untouched.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_db_parameter_group_is_copied_not_edited() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    w.rds
        .create_db_parameter_group()
        .db_parameter_group_name("ledger-params")
        .db_parameter_group_family("mysql8.0")
        .description("shared by the ledger instances")
        .send()
        .await
        .unwrap();
    let set = |name: &str, value: &str| {
        aws_sdk_rds::types::Parameter::builder()
            .parameter_name(name)
            .parameter_value(value)
            .apply_method(aws_sdk_rds::types::ApplyMethod::Immediate)
            .build()
    };
    w.rds
        .modify_db_parameter_group()
        .db_parameter_group_name("ledger-params")
        .parameters(set("binlog_format", "MIXED"))
        .parameters(set("binlog_row_image", "full"))
        .parameters(set("max_connections", "300"))
        .send()
        .await
        .unwrap();
    mysql_instance(&w, "ledger", Some("ledger-params"), 7).await;
    mysql_instance(&w, "ledger-reports", Some("ledger-params"), 7).await;
    let dir = scratch_dir(&format!("fix-rds-shared-{}", moto.port));
    let doc = fix_rds(&moto, &dir, "ledger", "ZY002,ZY004,ZY005");
    let names: Vec<String> = journal_calls(&dir).into_iter().map(|(c, _)| c).collect();
    assert_eq!(
        names,
        [
            "rds:CopyDBParameterGroup",
            "rds:ModifyDBParameterGroup",
            "rds:ModifyDBInstance",
            "rds:RebootDBInstance"
        ],
        "{doc}"
    );
    let copy = db_group_values(&w, "ledger-zetl").await;
    for want in [
        ("binlog_format", "ROW"),
        ("binlog_row_image", "full"),
        ("max_connections", "300"),
    ] {
        assert!(
            copy.contains(&(want.0.into(), want.1.into())),
            "{want:?} missing from the copy: {copy:?}"
        );
    }
    let shared = db_group_values(&w, "ledger-params").await;
    assert!(
        shared.contains(&("binlog_format".into(), "MIXED".into())),
        "{shared:?}"
    );
    let other = instance(&w, "ledger-reports").await;
    assert_eq!(
        other.db_parameter_groups()[0].db_parameter_group_name(),
        Some("ledger-params")
    );
    assert_eq!(
        statuses_after(&doc),
        [
            ("ZY002".into(), "pass".into()),
            ("ZY004".into(), "pass".into()),
            ("ZY005".into(), "pass".into())
        ]
    );
}

/// A cluster its CloudFormation stack owns (the `aws:cloudformation:stack-name` tag) is not
/// changed live: its steps are manual, naming the stack, and nothing is applied to it; with
/// `--allow-drift` they run. A tag the config's `managed_tags` names does the same.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_a_stack_owns_is_left_to_the_stack_unless_drift_is_allowed() {
    let moto = Moto::start();
    let w = World::new(&moto);
    w.misconfigured().await;
    let arn = w
        .rds
        .describe_db_clusters()
        .db_cluster_identifier("shop-db")
        .send()
        .await
        .unwrap()
        .db_clusters()[0]
        .db_cluster_arn()
        .unwrap()
        .to_string();
    let tag = |k: &str, v: &str| aws_sdk_rds::types::Tag::builder().key(k).value(v).build();
    w.rds
        .add_tags_to_resource()
        .resource_name(&arn)
        .tags(tag("aws:cloudformation:stack-name", "shop-stack"))
        .send()
        .await
        .unwrap();
    let dir = scratch_dir(&format!("fix-owned-{}", moto.port));
    let run = |extra: &[&str]| {
        let mut args = vec![
            "check",
            "--source",
            "shop-db",
            "--target",
            "warehouse",
            "--fix",
        ];
        args.extend_from_slice(extra);
        run_cli_in(&moto, Some(&dir), &args)
    };
    let o = run(&["--yes", "--unsafe-fixes", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let source_steps: Vec<&serde_json::Value> = doc["plan"]["actions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["resource"].as_str().unwrap_or("").contains("shop-db"))
        .collect();
    assert!(!source_steps.is_empty(), "{doc}");
    // Every step on the cluster is by hand; those that were calls say who owns it, and keep
    // the command they would have run.
    assert!(source_steps.iter().all(|a| a["applicability"] == "manual"));
    let owned: Vec<&&serde_json::Value> = source_steps
        .iter()
        .filter(|a| {
            let why = a["reason"].as_str().unwrap_or("");
            why.contains("CloudFormation stack shop-stack") && why.contains("--allow-drift")
        })
        .collect();
    assert!(
        owned.iter().any(|a| a["command"]
            .as_str()
            .unwrap_or("")
            .starts_with("aws rds reboot-db-instance")),
        "{source_steps:#?}"
    );
    assert!(journal_calls(&dir)
        .iter()
        .all(|(c, _)| !c.starts_with("rds:")));
    assert_eq!(cluster_group(&w, "shop-db").await, "default.aurora8.0");

    // With --allow-drift the source is changed live.
    let o = run(&[
        "--yes",
        "--unsafe-fixes",
        "--allow-drift",
        "--format",
        "json",
    ]);
    assert!(
        o.stdout.starts_with(b"{"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert_eq!(cluster_group(&w, "shop-db").await, "shop-db-zetl");
}

//! A world in moto: the seed misconfiguration, and running checks against it.

use std::collections::BTreeMap;

use zetl_preflight::fetch::{self, SourceClients, SourceRef, TargetClients, TargetRef};
use zetl_preflight::model::{Finding, Snapshot};
use zetl_preflight::rules::{evaluate, RuleSet};

use super::{aws_env, Moto, AWS_VARS_TO_CLEAR};

pub struct World {
    pub rds: aws_sdk_rds::Client,
    pub redshift: aws_sdk_redshift::Client,
    /// For setting the world up: retries ride out a busy emulator.
    pub config: aws_config::SdkConfig,
    /// For the checks: one attempt, as every other emulator test reads (moto answers the
    /// calls it lacks with HTTP 500, which the standard retries would wait out for seconds).
    pub check_config: aws_config::SdkConfig,
}

impl World {
    pub fn new(moto: &Moto) -> World {
        let config = moto.config();
        World {
            rds: aws_sdk_rds::Client::new(&config),
            redshift: aws_sdk_redshift::Client::new(&config),
            config,
            check_config: super::sdk_config(&moto.url()),
        }
    }

    /// The seed: Aurora MySQL 3.04.1 on its default group, one writer; a single-node dc2
    /// cluster, unencrypted.
    pub async fn misconfigured(&self) {
        self.rds
            .create_db_cluster()
            .db_cluster_identifier("shop-db")
            .engine("aurora-mysql")
            .engine_version("8.0.mysql_aurora.3.04.1")
            .master_username("admin")
            .master_user_password("not-a-secret-1")
            .send()
            .await
            .unwrap();
        self.rds
            .create_db_instance()
            .db_instance_identifier("shop-db-1")
            .db_cluster_identifier("shop-db")
            .engine("aurora-mysql")
            .db_instance_class("db.r6g.large")
            .send()
            .await
            .unwrap();
        self.redshift
            .create_cluster()
            .cluster_identifier("warehouse")
            .node_type("dc2.large")
            .cluster_type("single-node")
            .master_username("admin")
            .master_user_password("NotASecret1")
            .encrypted(false)
            .send()
            .await
            .unwrap();
    }

    pub async fn check(&self) -> BTreeMap<String, Finding> {
        let snap = self.snapshot().await;
        evaluate(&snap, &RuleSet::embedded().unwrap())
            .into_iter()
            .map(|f| (f.rule.clone(), f))
            .collect()
    }

    pub async fn snapshot(&self) -> Snapshot {
        fetch::snapshot(
            &SourceClients::new(&self.check_config, None),
            &TargetClients::new(&self.check_config, None),
            &SourceRef::parse("shop-db").unwrap(),
            &TargetRef::parse("warehouse").unwrap(),
        )
        .await
        .expect("fetch succeeds")
    }
}

/// The binary against moto, in `dir` when given.
pub fn run_cli_in(
    moto: &Moto,
    dir: Option<&std::path::Path>,
    args: &[&str],
) -> std::process::Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_zetl-preflight"));
    for v in AWS_VARS_TO_CLEAR {
        cmd.env_remove(v);
    }
    if let Some(d) = dir {
        cmd.current_dir(d);
    }
    cmd.envs(aws_env(&moto.url()))
        .env("ZETL_PREFLIGHT_POLL_MS", "20")
        .args(args)
        .output()
        .unwrap()
}

pub fn run_cli(moto: &Moto, args: &[&str]) -> std::process::Output {
    run_cli_in(moto, None, args)
}

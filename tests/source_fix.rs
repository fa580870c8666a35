//! `check --terraform-plan PLAN --fix`: the plan's failing parameters are written into the
//! `.tf` files beside it, keeping everything else byte for byte; `--dry-run` prints a patch
//! `git apply` takes and writes nothing; a file changed after it was read is not written;
//! a second run finds nothing to write.

mod common;

use common::zetl_in;

/// The source's group of `fixtures/terraform/mysql-serverless-broken.json` as someone wrote
/// it: comments, odd spacing, `aurora_enhanced_binlog` without `apply_method` (Terraform's
/// default is `immediate`, which the plan shows), no `binlog_replication_globaldb`.
const MAIN_TF: &str = r#"# Orders database: the zero-ETL source.
resource "aws_rds_cluster_parameter_group"   "zero_etl" {
  name        = "orders-zero-etl"
  family      = "aurora-mysql8.0"
  description = "zero-ETL"

  # enhanced binlog: static, see the runbook
  parameter {
    name  = "aurora_enhanced_binlog"
    value = "1"
  }
  parameter {
    name         = "binlog_backup"
    value        = "0"
    apply_method = "pending-reboot"
  }
  parameter {
    name = "binlog_format"
    value = "ROW"       # row-based, required
    apply_method = "pending-reboot"
  }
  parameter {
    name  = "binlog_row_image"
    value = "full"
  }
  parameter {
    name  = "binlog_row_metadata"
    value = "full"
  }
}

resource "aws_rds_cluster" "source" {
  cluster_identifier              = "orders"
  engine                          = "aurora-mysql"
  db_cluster_parameter_group_name = aws_rds_cluster_parameter_group.zero_etl.name
}
"#;

fn project(name: &str) -> std::path::PathBuf {
    let dir = common::scratch_dir(name);
    let plan = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/terraform/mysql-serverless-broken.json");
    std::fs::copy(plan, dir.join("plan.json")).unwrap();
    std::fs::write(dir.join("main.tf"), MAIN_TF).unwrap();
    dir
}

/// `check --terraform-plan plan.json --fix --unsafe-fixes --offline` in `dir`, with `flag`
/// (`--dry-run`, `--yes`).
fn fix(dir: &std::path::Path, flag: &str) -> std::process::Output {
    fix_with(dir, &[flag, "--unsafe-fixes"])
}

/// `check --terraform-plan plan.json --fix --offline` in `dir`, with `flags`.
fn fix_with(dir: &std::path::Path, flags: &[&str]) -> std::process::Output {
    let mut args = vec![
        "check",
        "--terraform-plan",
        "plan.json",
        "--fix",
        "--offline",
    ];
    args.extend_from_slice(flags);
    zetl_in(Some(dir), &args)
}

/// A fixture's text (`fixtures/…`).
fn fixture(path: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(path),
    )
    .unwrap()
}

/// `template` written as `name` in `dir`, then `check --cloudformation name --fix --yes`:
/// what it printed and what the file holds after.
fn fix_template(
    dir: &std::path::Path,
    name: &str,
    template: &str,
) -> (std::process::Output, String) {
    std::fs::write(dir.join(name), template).unwrap();
    let o = zetl_in(
        Some(dir),
        &[
            "check",
            "--cloudformation",
            name,
            "--fix",
            "--yes",
            "--offline",
        ],
    );
    (o, std::fs::read_to_string(dir.join(name)).unwrap())
}

/// The file as python-hcl2 (an HCL parser that is not ours; scripts/test installs it) reads
/// it, as JSON.
fn hcl2(file: &std::path::Path) -> serde_json::Value {
    let parsed = std::process::Command::new("python3")
        .args([
            "-c",
            "import hcl2, json, sys; print(json.dumps(hcl2.load(open(sys.argv[1]))))",
        ])
        .arg(file)
        .output()
        .unwrap();
    assert!(
        parsed.status.success(),
        "python-hcl2 (scripts/test installs it) could not read the file: {}",
        String::from_utf8_lossy(&parsed.stderr)
    );
    serde_json::from_slice(&parsed.stdout).unwrap()
}

/// `cfn-lint` (scripts/test installs it from PyPI) finds no error in `file` (warnings, such
/// as the fixtures' deprecated engine version, are theirs before and after).
fn assert_lints_clean(dir: &std::path::Path, file: &str) {
    let lint = std::process::Command::new("cfn-lint")
        .arg(file)
        .current_dir(dir)
        .output()
        .expect("cfn-lint runs (scripts/test installs it from PyPI)");
    let code = lint.status.code().unwrap_or(-1);
    assert!(
        code >= 0 && code & 2 == 0,
        "cfn-lint found errors in {file} ({code}): {}",
        String::from_utf8_lossy(&lint.stdout)
    );
}

/// The plan is not made again (that needs Terraform), so its findings stay: a second run
/// finds the files already say what the fix would write, and leaves `main.tf` as `written`.
fn assert_a_second_run_writes_nothing(dir: &std::path::Path, written: &str) {
    let o = fix(dir, "--yes");
    assert!(text(&o).contains("# nothing to write"), "{}", text(&o));
    assert_eq!(
        std::fs::read_to_string(dir.join("main.tf")).unwrap(),
        written
    );
}

fn text(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_dry_run_prints_a_patch_and_writes_nothing() {
    let dir = project("source-fix-dry");
    let o = fix(&dir, "--dry-run");
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert_eq!(
        std::fs::read_to_string(dir.join("main.tf")).unwrap(),
        MAIN_TF
    );
    insta::assert_snapshot!("terraform_dry_run", out);
    // What it prints is a patch: git applies it, and it gives the file `--fix --yes` writes.
    std::fs::write(dir.join("fix.patch"), &out).unwrap();
    let git = std::process::Command::new("git")
        .args(["apply", "fix.patch"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert!(
        git.status.success(),
        "{}",
        String::from_utf8_lossy(&git.stderr)
    );
    let patched = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    std::fs::write(dir.join("main.tf"), MAIN_TF).unwrap();
    let o = fix(&dir, "--yes");
    assert_eq!(
        std::fs::read_to_string(dir.join("main.tf")).unwrap(),
        patched,
        "{}",
        text(&o)
    );
}

#[test]
fn the_fix_writes_only_its_settings_and_a_second_run_has_nothing_to_write() {
    let dir = project("source-fix-write");
    let o = fix(&dir, "--yes");
    let out = text(&o);
    assert!(
        out.contains("# wrote main.tf (ZM004, ZT001, ZT002): read back, every setting as intended"),
        "{out}"
    );
    let written = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    // Exactly the two settings, where a person would write them; nothing else moves.
    let want = MAIN_TF
        .replacen(
            "    value = \"1\"\n  }\n",
            "    value = \"1\"\n    apply_method = \"pending-reboot\"\n  }\n",
            1,
        )
        .replacen(
            "    name  = \"binlog_row_metadata\"\n    value = \"full\"\n  }\n}\n",
            "    name  = \"binlog_row_metadata\"\n    value = \"full\"\n  }\n\n  parameter {\n    name         = \"binlog_replication_globaldb\"\n    value        = \"0\"\n    apply_method = \"pending-reboot\"\n  }\n}\n",
            1,
        );
    assert_ne!(want, MAIN_TF);
    assert_eq!(written, want);
    // An HCL parser that is not ours reads the same parameters out of the written file.
    let doc = hcl2(&dir.join("main.tf"));
    let group = &doc["resource"][0]["aws_rds_cluster_parameter_group"]["zero_etl"];
    let params: Vec<(String, String, String)> = group["parameter"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap_or("").trim_matches('"').to_string();
            (s("name"), s("value"), s("apply_method"))
        })
        .collect();
    for want in [
        ("aurora_enhanced_binlog", "1", "pending-reboot"),
        ("binlog_replication_globaldb", "0", "pending-reboot"),
    ] {
        let want = (want.0.to_string(), want.1.to_string(), want.2.to_string());
        assert!(params.contains(&want), "{want:?} not in {params:?}");
    }
    // The plan is not made again (that needs Terraform), so its findings stay; the files
    // already say what the fix would write.
    assert_a_second_run_writes_nothing(&dir, &written);
}

/// A file that changed after the fix read it is left as it is now.
#[test]
fn a_file_changed_after_it_was_read_is_not_written() {
    use zetl_preflight::run::source_fix::{write, FileChange, SourceFix, Written};
    let dir = common::scratch_dir("source-fix-race");
    let file = dir.join("main.tf");
    std::fs::write(&file, "a\n").unwrap();
    let fix = SourceFix {
        changes: vec![FileChange {
            file: file.display().to_string(),
            before: "a\n".into(),
            after: "b\n".into(),
            rules: vec!["ZM004".into()],
            settings: Vec::new(),
        }],
        manual: Vec::new(),
    };
    std::fs::write(&file, "someone else's change\n").unwrap();
    let got = write(&fix);
    assert!(
        matches!(&got[0], Written::NotWritten(why) if why.contains("changed since it was read")),
        "{got:?}"
    );
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "someone else's change\n"
    );
}

/// A YAML template: the source group's `Parameters` map is edited in place (a value
/// replaced beside its comment, a missing entry added after the last one, a number kept a
/// string), every other byte kept (short-form tags included), and the template checked again
/// as a new deployment: the rules the fix meant pass.
#[test]
fn a_yaml_template_is_edited_in_place_and_checked_again() {
    let dir = common::scratch_dir("source-fix-yaml");
    let good = fixture("cloudformation/mysql-provisioned.yaml");
    let broken = good
        .replace(
            "        binlog_format: ROW\n",
            "        binlog_format: MIXED   # legacy replicas\n",
        )
        .replace("        binlog_replication_globaldb: \"0\"\n", "");
    assert_ne!(broken, good);
    let (o, written) = fix_template(&dir, "stack.yaml", &broken);
    let out = text(&o);
    let want = broken
        .replace(
            "        binlog_format: MIXED   # legacy replicas\n",
            "        binlog_format: ROW   # legacy replicas\n",
        )
        .replace(
            "        binlog_row_metadata: full\n",
            "        binlog_row_metadata: full\n        binlog_replication_globaldb: \"0\"\n",
        );
    assert_eq!(written, want, "{out}");
    for code in ["ZM003", "ZM004", "ZT002"] {
        assert!(
            out.contains(&format!("# checked again: {code} pass")),
            "{code}: {out}"
        );
    }
    assert!(written.contains("!Ref ZeroEtlGroup") && written.contains("!Sub \"orders-${Env}\""));
    // cfn-lint (scripts/test installs it) finds no error in what was written; its warnings
    // (a deprecated engine version) are the fixture's, before and after.
    let lint = std::process::Command::new("cfn-lint")
        .arg("stack.yaml")
        .current_dir(&dir)
        .output()
        .expect("cfn-lint runs (scripts/test installs it from PyPI)");
    let code = lint.status.code().unwrap_or(-1);
    assert!(
        code >= 0 && code & 2 == 0,
        "cfn-lint found errors ({code}): {}",
        String::from_utf8_lossy(&lint.stdout)
    );
}

/// A JSON template: a member's value replaced and a missing member added after the last one,
/// in the order written; the rest byte for byte; still JSON cfn-lint finds no error in.
#[test]
fn a_json_template_keeps_its_key_order_and_layout() {
    let dir = common::scratch_dir("source-fix-json");
    let good = fixture("cloudformation/mysql-provisioned.json");
    let broken = good
        .replace("\"binlog_format\": \"ROW\"", "\"binlog_format\": \"MIXED\"")
        .replace(
            "\"binlog_row_image\": \"full\",\n          \"binlog_row_metadata\": \"full\"",
            "\"binlog_row_image\": \"full\"",
        );
    assert_ne!(broken, good);
    let (o, written) = fix_template(&dir, "stack.json", &broken);
    // binlog_row_metadata comes back at the end of the map, where the fix adds it.
    assert_eq!(written, good, "{}", text(&o));
    assert!(
        text(&o).contains("# checked again: ZM003 pass"),
        "{}",
        text(&o)
    );
    let lint = std::process::Command::new("cfn-lint")
        .arg("stack.json")
        .current_dir(&dir)
        .output()
        .expect("cfn-lint runs (scripts/test installs it from PyPI)");
    assert_eq!(lint.status.code().map(|c| c & 2), Some(0));
}

/// The group in a local module is edited in the module's file; the same group in a module
/// `terraform init` downloaded (under `.terraform/modules`) is not: the step says to set the
/// module's input.
#[test]
fn a_local_module_is_edited_and_a_downloaded_one_is_not() {
    for (dir_of_module, edited) in [("modules/db", true), (".terraform/modules/db", false)] {
        let dir = common::scratch_dir(&format!("source-fix-module-{edited}"));
        let original = fixture("terraform/mysql-serverless-broken.json");
        // The group moves into module.db.
        let plan = original.replace(
            "\"aws_rds_cluster_parameter_group.zero_etl\"",
            "\"module.db.aws_rds_cluster_parameter_group.zero_etl\"",
        );
        assert_ne!(plan, original);
        std::fs::write(dir.join("plan.json"), plan).unwrap();
        std::fs::write(
            dir.join("main.tf"),
            "module \"db\" {\n  source = \"./modules/db\"\n}\n",
        )
        .unwrap();
        std::fs::create_dir_all(dir.join(dir_of_module)).unwrap();
        std::fs::create_dir_all(dir.join(".terraform/modules")).unwrap();
        std::fs::write(
            dir.join(".terraform/modules/modules.json"),
            format!(r#"{{"Modules":[{{"Key":"","Source":"","Dir":"."}},{{"Key":"db","Source":"x","Dir":"{dir_of_module}"}}]}}"#),
        )
        .unwrap();
        let module_tf = dir.join(dir_of_module).join("main.tf");
        std::fs::write(&module_tf, MAIN_TF).unwrap();
        let o = fix(&dir, "--yes");
        let after = std::fs::read_to_string(&module_tf).unwrap();
        assert_eq!(after != MAIN_TF, edited, "{}", text(&o));
        if !edited {
            assert!(
                text(&o).contains("terraform init downloaded")
                    && text(&o).contains("module's inputs"),
                "{}",
                text(&o)
            );
        }
    }
}

/// A Serverless workgroup's `ConfigParameters` list in a YAML template: the missing
/// `enable_case_sensitive_identifier` item is added after the last one, as the list writes
/// its items, and ZR007 passes when the template is checked again.
#[test]
fn a_workgroups_config_parameters_list_gets_its_item() {
    let dir = common::scratch_dir("source-fix-workgroup");
    let template = fixture("cloudformation/mysql-serverless-case-off.yaml");
    let (o, written) = fix_template(&dir, "stack.yaml", &template);
    let want = template.replace(
        "        - ParameterKey: require_ssl   # security baseline\n          ParameterValue: \"true\"\n",
        "        - ParameterKey: require_ssl   # security baseline\n          ParameterValue: \"true\"\n        - ParameterKey: enable_case_sensitive_identifier\n          ParameterValue: \"true\"\n",
    );
    assert_ne!(want, template);
    assert_eq!(written, want, "{}", text(&o));
    assert!(
        text(&o).contains("# checked again: ZR007 pass"),
        "{}",
        text(&o)
    );
}

/// A provisioned target's cluster parameter group in a YAML template: its `Parameters` list
/// item for `enable_case_sensitive_identifier` gets the value ZR007 wants, beside the rest.
#[test]
fn a_redshift_parameter_groups_list_item_is_corrected() {
    let dir = common::scratch_dir("source-fix-redshift-group");
    let good = fixture("cloudformation/mysql-provisioned.yaml");
    let broken = good.replace(
        "        - ParameterName: enable_case_sensitive_identifier\n          ParameterValue: \"true\"",
        "        - ParameterName: enable_case_sensitive_identifier\n          ParameterValue: \"false\"",
    );
    assert_ne!(broken, good);
    let (o, written) = fix_template(&dir, "stack.yaml", &broken);
    assert_eq!(written, good, "{}", text(&o));
    assert!(
        text(&o).contains("# checked again: ZR007 pass"),
        "{}",
        text(&o)
    );
}

/// A plain check of the plan says, in "How to fix", which file `--fix` writes each step into.
#[test]
fn how_to_fix_names_the_file_the_fix_writes() {
    let dir = project("source-fix-steps");
    let o = zetl_in(
        Some(&dir),
        &["check", "--terraform-plan", "plan.json", "--offline"],
    );
    let out = text(&o);
    for code in ["ZM004", "ZT001"] {
        let step = out
            .split("\n")
            .skip_while(|l| !l.contains(&format!("FAIL {code}")))
            .take_while(|l| !l.starts_with(char::is_numeric) || l.contains(code))
            .collect::<Vec<_>>()
            .join("\n");
        assert!(
            step.contains(
                "# check --fix writes this into main.tf (aws_rds_cluster_parameter_group.zero_etl)"
            ),
            "{code}: {step}\n\n{out}"
        );
    }
    assert_eq!(
        std::fs::read_to_string(dir.join("main.tf")).unwrap(),
        MAIN_TF
    );
}

/// A plan whose namespace has no resource policy (ZA001 fails): `--fix` adds an
/// `aws_redshift_resource_policy` beside the namespace, in the file's own terms (references to
/// the namespace and the source cluster); ZA002 stays by hand, saying why (the plan does not
/// say which account the source is in); a second run with the same plan writes nothing more.
#[test]
fn a_missing_namespace_policy_is_added_beside_the_namespace() {
    let dir = common::scratch_dir("source-fix-policy-tf");
    let mut plan: serde_json::Value =
        serde_json::from_str(&fixture("terraform/mysql-serverless-new.json")).unwrap();
    fn strip(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Array(items) => {
                items.retain(|i| {
                    !i["address"]
                        .as_str()
                        .is_some_and(|a| a.starts_with("aws_redshift_resource_policy"))
                });
                items.iter_mut().for_each(strip);
            }
            serde_json::Value::Object(m) => m.values_mut().for_each(strip),
            _ => {}
        }
    }
    strip(&mut plan);
    assert!(!plan.to_string().contains("aws_redshift_resource_policy"));
    std::fs::write(dir.join("plan.json"), plan.to_string()).unwrap();
    let main = "# the warehouse\nresource \"aws_redshiftserverless_namespace\" \"target\" {\n  namespace_name = \"analytics\"\n  db_name        = \"dev\"\n}\n";
    std::fs::write(dir.join("main.tf"), main).unwrap();
    let o = fix(&dir, "--yes");
    let out = text(&o);
    assert!(
        out.contains("# wrote main.tf (ZA001): read back, every setting as intended"),
        "{out}"
    );
    assert!(
        out.contains("# by hand, ZA002: the plan does not say which account the source is in"),
        "{out}"
    );
    let written = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    assert!(written.starts_with(main), "{written}");
    let doc = hcl2(&dir.join("main.tf"));
    let policy = doc["resource"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|r| r.get("aws_redshift_resource_policy"))
        .expect("a policy resource")["zero_etl"]
        .clone();
    assert_eq!(
        policy["resource_arn"]
            .as_str()
            .unwrap()
            .trim_matches(['$', '{', '}']),
        "aws_redshiftserverless_namespace.target.arn"
    );
    let document = policy["policy"].as_str().unwrap();
    for part in [
        "redshift:AuthorizeInboundIntegration",
        "redshift.amazonaws.com",
        "aws_rds_cluster.source.arn",
        "ZeroEtlAuthorizeInboundIntegration",
    ] {
        assert!(document.contains(part), "{part} not in {document}");
    }
    assert_a_second_run_writes_nothing(&dir, &written);
}

/// A template whose Redshift cluster has no `NamespaceResourcePolicy` (ZA001 and ZA002 fail):
/// `--fix` writes one with both statements, referring to the template's source with
/// `!GetAtt` / `Fn::GetAtt` and to its account with `!Sub`; the template stays valid for
/// cfn-lint, and checked again neither rule fails (the policy then depends on the source's
/// ARN, which is known once the stack is created: `error`, not `pass`).
#[test]
fn a_missing_namespace_policy_is_written_into_the_template() {
    let dir = common::scratch_dir("source-fix-policy-cfn");
    let yaml = fixture("cloudformation/mysql-provisioned.yaml");
    let start = yaml.find("      NamespaceResourcePolicy:").unwrap();
    let end = yaml.find("\n  Integration:").unwrap();
    let bare = format!("{}{}", &yaml[..start], &yaml[end + 1..]);
    let json = fixture("cloudformation/mysql-provisioned.json");
    let mut doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    doc["Resources"]["Warehouse"]["Properties"]
        .as_object_mut()
        .unwrap()
        .remove("NamespaceResourcePolicy")
        .expect("the fixture's cluster has a policy");
    let bare_json = serde_json::to_string_pretty(&doc).unwrap() + "\n";
    for (name, template) in [("stack.yaml", bare), ("stack.json", bare_json)] {
        let (o, written) = fix_template(&dir, name, &template);
        let out = text(&o);
        assert!(
            out.contains(&format!("# wrote {name} (ZA001, ZA002)")),
            "{name}: {out}"
        );
        for code in ["ZA001", "ZA002"] {
            assert!(
                out.contains(&format!("# checked again: {code} error")),
                "{code}: {out}"
            );
        }
        assert!(written.starts_with(&template[..template.find("Warehouse").unwrap()]));
        for part in [
            "ZeroEtlAuthorizeInboundIntegration",
            "ZeroEtlCreateInboundIntegration",
            "redshift:AuthorizeInboundIntegration",
        ] {
            assert!(written.contains(part), "{name}: {part}");
        }
        if name.ends_with("yaml") {
            assert!(written.contains("aws:SourceArn: !GetAtt Orders.DBClusterArn"));
            assert!(
                written.contains("AWS: !Sub \"arn:${AWS::Partition}:iam::${AWS::AccountId}:root\"")
            );
        } else {
            let v: serde_json::Value = serde_json::from_str(&written).unwrap();
            let statements =
                &v["Resources"]["Warehouse"]["Properties"]["NamespaceResourcePolicy"]["Statement"];
            assert_eq!(
                statements[0]["Condition"]["StringEquals"]["aws:SourceArn"]["Fn::GetAtt"],
                serde_json::json!(["Orders", "DBClusterArn"])
            );
        }
        assert_lints_clean(&dir, name);
    }
}

/// The same in a JSON template: a wrong item's value is replaced; a missing item is added
/// after the last one, in the list's layout; the rest stays byte for byte.
#[test]
fn a_json_templates_parameter_list_is_edited_in_its_layout() {
    let dir = common::scratch_dir("source-fix-json-list");
    let good = fixture("cloudformation/mysql-provisioned.json");
    let item = "            \"ParameterName\": \"enable_case_sensitive_identifier\",\n            \"ParameterValue\": \"true\"";
    assert!(good.contains(item));
    let wrong = good.replace(item, &item.replace("\"true\"", "\"false\""));
    let (o, written) = fix_template(&dir, "stack.json", &wrong);
    assert_eq!(written, good, "{}", text(&o));
    assert!(
        text(&o).contains("# checked again: ZR007 pass"),
        "{}",
        text(&o)
    );
    // Another item only: enable_case_sensitive_identifier comes after it.
    let other = good.replace(
        item,
        "            \"ParameterName\": \"require_ssl\",\n            \"ParameterValue\": \"true\"",
    );
    let (o, written) = fix_template(&dir, "stack.json", &other);
    let want = other.replace(
        "            \"ParameterValue\": \"true\"\n          }\n        ]",
        &format!("            \"ParameterValue\": \"true\"\n          }},\n          {{\n{}\n          }}\n        ]", item),
    );
    assert_ne!(want, other);
    assert_eq!(written, want, "{}", text(&o));
    assert!(
        text(&o).contains("# checked again: ZR007 pass"),
        "{}",
        text(&o)
    );
    assert_lints_clean(&dir, "stack.json");
}

/// A template's own properties: the Redshift cluster's `Encrypted: false` (ZR006) and an
/// integration name CreateIntegration refuses (ZT009) are corrected in place, beside their
/// comments, and checked again both pass. The template creates the cluster, so encrypting it
/// is safe here.
#[test]
fn a_templates_own_properties_are_corrected() {
    let dir = common::scratch_dir("source-fix-properties");
    let good = fixture("cloudformation/mysql-provisioned.yaml");
    let broken = good
        .replace(
            "      Encrypted: true\n",
            "      Encrypted: false   # as the old stack had it\n",
        )
        .replace(
            "IntegrationName: !Sub \"orders-${Env}-to-warehouse\"",
            "IntegrationName: orders_to_warehouse",
        );
    assert_ne!(broken, good);
    let (o, written) = fix_template(&dir, "stack.yaml", &broken);
    let want = broken
        .replace("Encrypted: false   #", "Encrypted: true   #")
        .replace("orders_to_warehouse", "orders-to-warehouse");
    assert_eq!(written, want, "{}", text(&o));
    for code in ["ZR006", "ZT009"] {
        assert!(
            text(&o).contains(&format!("# checked again: {code} pass")),
            "{code}: {}",
            text(&o)
        );
    }
    assert_lints_clean(&dir, "stack.yaml");
}

/// An unsafe fix of a resource that exists (ZM004 on the running source's group: applied, the
/// writer must reboot) is held back without `--unsafe-fixes`, saying so, and written with it.
#[test]
fn an_unsafe_edit_of_an_existing_resource_waits_for_unsafe_fixes() {
    let dir = project("source-fix-unsafe");
    // The group sets binlog_replication_globaldb = 1 with the rest of the trio (ZT002 passes,
    // ZM004 fails).
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("plan.json")).unwrap()).unwrap();
    fn add(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Array(items) => {
                let named = |i: &serde_json::Value| {
                    i["name"] == "binlog_backup" || i["name"]["constant_value"] == "binlog_backup"
                };
                if let Some(backup) = items.iter().find(|i| named(i)).cloned() {
                    let mut new = backup
                        .to_string()
                        .replace("binlog_backup", "binlog_replication_globaldb");
                    new = new.replace("\"value\":\"0\"", "\"value\":\"1\"").replace(
                        "\"value\":{\"constant_value\":\"0\"}",
                        "\"value\":{\"constant_value\":\"1\"}",
                    );
                    items.push(serde_json::from_str(&new).unwrap());
                }
                items.iter_mut().for_each(add);
            }
            serde_json::Value::Object(m) => m.values_mut().for_each(add),
            _ => {}
        }
    }
    add(&mut plan);
    std::fs::write(dir.join("plan.json"), plan.to_string()).unwrap();
    let main = MAIN_TF.replace(
        "  parameter {\n    name = \"binlog_format\"",
        "  parameter {\n    name         = \"binlog_replication_globaldb\"\n    value        = \"1\"\n    apply_method = \"pending-reboot\"\n  }\n  parameter {\n    name = \"binlog_format\"",
    );
    assert_ne!(main, MAIN_TF);
    std::fs::write(dir.join("main.tf"), &main).unwrap();
    let held = fix_with(&dir, &["--yes"]);
    assert!(
        text(&held).contains(
            "# by hand, ZM004: held back: ZM004 is an unsafe fix and the resource exists"
        ),
        "{}",
        text(&held)
    );
    let after = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    assert!(after.contains("value        = \"1\""), "{after}");
    let o = fix(&dir, "--yes");
    let after = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    assert!(
        after.contains("name         = \"binlog_replication_globaldb\"\n    value        = \"0\""),
        "{}\n{after}",
        text(&o)
    );
}

/// ZT008 in Terraform: an integration whose `target_arn` is the workgroup's ARN gets the
/// namespace's reference instead (a resource of its own module), and ZT009's name is made
/// one CreateIntegration accepts; the rest of the file stays. The plan replaces that
/// integration already (it exists), so the new target waits for `--unsafe-fixes`: a new
/// target seeds every table again.
#[test]
fn an_integration_pointed_at_the_workgroup_gets_the_namespace() {
    const INTEGRATION_TF: &str = r#"resource "aws_rds_integration" "this" {
  integration_name = "orders_to_analytics"
  source_arn       = aws_rds_cluster.source.arn
  target_arn       = aws_redshiftserverless_workgroup.target.arn # the workgroup, by mistake
  data_filter      = "include: orders.*"
}

resource "aws_redshiftserverless_namespace" "target" {
  namespace_name = "analytics"
}

resource "aws_redshiftserverless_workgroup" "target" {
  workgroup_name = "analytics"
  namespace_name = aws_redshiftserverless_namespace.target.namespace_name
}
"#;
    let dir = project("source-fix-arns");
    std::fs::write(dir.join("integration.tf"), INTEGRATION_TF).unwrap();
    let held = fix_with(&dir, &["--yes"]);
    assert!(
        text(&held).contains(
            "# by hand, ZT008: held back: a new source or target replaces the integration"
        ),
        "{}",
        text(&held)
    );
    let named = std::fs::read_to_string(dir.join("integration.tf")).unwrap();
    assert_eq!(
        named,
        INTEGRATION_TF.replace("\"orders_to_analytics\"", "\"orders-to-analytics\""),
        "the name is safe to change in place: {}",
        text(&held)
    );
    let o = fix(&dir, "--yes");
    let written = std::fs::read_to_string(dir.join("integration.tf")).unwrap();
    assert_eq!(
        written,
        named.replace(
            "target_arn       = aws_redshiftserverless_workgroup.target.arn #",
            "target_arn       = aws_redshiftserverless_namespace.target.arn #"
        ),
        "{}",
        text(&o)
    );
    assert!(text(&o).contains("ZT008"), "{}", text(&o));
    let doc = hcl2(&dir.join("integration.tf"));
    let integration = &doc["resource"][0]["aws_rds_integration"]["this"];
    assert_eq!(
        integration["target_arn"]
            .as_str()
            .unwrap()
            .trim_matches(['$', '{', '}']),
        "aws_redshiftserverless_namespace.target.arn"
    );
}

/// A DynamoDB table in a template: point-in-time recovery written into its
/// `PointInTimeRecoverySpecification`, the namespace's policy added naming the table
/// (`!GetAtt Clicks.Arn`), and the workgroup below it still found and corrected after the
/// lines the policy added above it; cfn-lint finds no error, and the checks that can be
/// judged before the stack exists pass again.
#[test]
fn a_templates_table_gets_recovery_and_the_namespace_authorizes_it() {
    let dir = common::scratch_dir("source-fix-dynamodb");
    let broken = fixture("cloudformation/dynamodb-serverless.yaml");
    let (o, written) = fix_template(&dir, "stack.yaml", &broken);
    assert!(
        written.contains("        PointInTimeRecoveryEnabled: true\n"),
        "{written}"
    );
    assert!(
        written.contains("aws:SourceArn: !GetAtt Clicks.Arn"),
        "{written}"
    );
    assert!(
        written.contains(
            "        - ParameterKey: enable_case_sensitive_identifier\n          ParameterValue: \"true\""
        ),
        "{written}"
    );
    for code in ["ZB002", "ZR007"] {
        assert!(
            text(&o).contains(&format!("# checked again: {code} pass")),
            "{code}: {}",
            text(&o)
        );
    }
    // The statement names the table by !GetAtt, known only while the stack is created: the
    // policy rules are unverified until then, never passed on a placeholder.
    assert!(
        text(&o).contains("# checked again: ZA001 error"),
        "{}",
        text(&o)
    );
    assert_lints_clean(&dir, "stack.yaml");
}

/// In Terraform, point-in-time recovery is the table's nested block: added when missing, its
/// `enabled` corrected when false; python-hcl2 reads the result.
#[test]
fn a_terraform_tables_recovery_block_is_written() {
    use zetl_preflight::fix::code::terraform::{read_attribute, set_attribute};
    use zetl_preflight::fix::code::tree::Node;
    let dir = common::scratch_dir("source-fix-dynamodb-tf");
    let table = "resource \"aws_dynamodb_table\" \"orders\" {\n  name     = \"orders\"\n  hash_key = \"id\"\n\n  attribute {\n    name = \"id\"\n    type = \"S\"\n  }\n}\n";
    let r = ("aws_dynamodb_table", "orders");
    let on = Node::Expr("true".into());
    let added = set_attribute(table, r, "point_in_time_recovery.enabled", &on, false).unwrap();
    assert!(
        added.contains("  point_in_time_recovery {\n    enabled = true\n  }\n}\n"),
        "{added}"
    );
    assert_eq!(
        read_attribute(&added, r, "point_in_time_recovery.enabled").as_deref(),
        Some("true")
    );
    let off = added.replace("enabled = true", "enabled = false");
    let corrected = set_attribute(&off, r, "point_in_time_recovery.enabled", &on, false).unwrap();
    assert_eq!(corrected, added);
    std::fs::write(dir.join("main.tf"), &added).unwrap();
    let parsed = hcl2(&dir.join("main.tf"));
    let block = &parsed["resource"][0]["aws_dynamodb_table"]["orders"]["point_in_time_recovery"];
    assert_eq!(block[0]["enabled"], true, "{parsed}");
    let dynamic = table.replace(
        "  attribute {",
        "  dynamic \"point_in_time_recovery\" {\n    for_each = [1]\n    content { enabled = var.pitr }\n  }\n  attribute {",
    );
    let refused = set_attribute(&dynamic, r, "point_in_time_recovery.enabled", &on, false);
    assert!(refused.unwrap_err().contains("dynamic block"));
}

/// `check --terraform-plan --fix` on a plan whose table has point-in-time recovery off:
/// `enabled = true` is written into the table's `point_in_time_recovery` block in `main.tf`,
/// its comment kept, and read back.
#[test]
fn a_planned_tables_recovery_is_written_into_its_file() {
    let dir = common::scratch_dir("source-fix-dynamodb-plan");
    let plan_path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/terraform/dynamodb-serverless-new.json");
    let mut plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(plan_path).unwrap()).unwrap();
    for rc in plan["resource_changes"].as_array_mut().unwrap() {
        if rc["address"] == "aws_dynamodb_table.orders" {
            rc["change"]["after"]["point_in_time_recovery"] =
                serde_json::json!([{ "enabled": false }]);
        }
    }
    std::fs::write(dir.join("plan.json"), plan.to_string()).unwrap();
    let main = "# The orders table: the zero-ETL source.\nresource \"aws_dynamodb_table\" \"orders\" {\n  name         = \"orders\"\n  billing_mode = \"PAY_PER_REQUEST\"\n  hash_key     = \"customer_id\"\n  range_key    = \"order_id\"\n\n  attribute {\n    name = \"customer_id\"\n    type = \"S\"\n  }\n  attribute {\n    name = \"order_id\"\n    type = \"S\"\n  }\n\n  point_in_time_recovery {\n    enabled = false # to be decided\n  }\n}\n";
    std::fs::write(dir.join("main.tf"), main).unwrap();
    let o = fix_with(&dir, &["--yes", "--select", "ZB002"]);
    let written = std::fs::read_to_string(dir.join("main.tf")).unwrap();
    assert_eq!(
        written,
        main.replace(
            "enabled = false # to be decided",
            "enabled = true # to be decided"
        ),
        "{}",
        text(&o)
    );
    assert!(
        text(&o).contains("read back, every setting as intended"),
        "{}",
        text(&o)
    );
    // A plan is made again only by Terraform: the tool says so, and judges nothing anew.
    assert!(
        text(&o).contains("run terraform plan again"),
        "{}",
        text(&o)
    );
}

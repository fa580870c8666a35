//! The GitHub Action (action.yml) and the workflows, as far as this machine can check them:
//! what actionlint checks of a local action (the inputs a workflow passes to `uses: ./` are
//! declared), the references inside the action (inputs, step outputs, scripts), and every
//! `run:` block through shellcheck. scripts/test lints the workflows with actionlint too.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use yaml_rust2::{Yaml, YamlLoader};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn load(rel: &str) -> (String, Yaml) {
    let text = std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let doc = YamlLoader::load_from_str(&text)
        .unwrap_or_else(|e| panic!("{rel}: {e}"))
        .remove(0);
    (text, doc)
}

fn keys(y: &Yaml) -> BTreeSet<String> {
    y.as_hash()
        .map(|h| {
            h.keys()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn workflows() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join(".github/workflows"))
        .unwrap()
        .map(|e| {
            format!(
                ".github/workflows/{}",
                e.unwrap().file_name().to_string_lossy()
            )
        })
        .filter(|p| p.ends_with(".yml"))
        .collect();
    out.sort();
    out
}

/// Every `run:` block of a steps list, with its step's name.
fn runs(steps: &Yaml) -> Vec<(String, String)> {
    steps
        .as_vec()
        .into_iter()
        .flatten()
        .filter_map(|s| {
            let run = s["run"].as_str()?;
            let name = s["name"].as_str().unwrap_or("(unnamed)").to_string();
            Some((name, run.to_string()))
        })
        .collect()
}

#[test]
fn the_action_refers_only_to_what_it_declares() {
    let (text, action) = load("action.yml");
    let inputs = keys(&action["inputs"]);
    for want in ["version", "args", "working-directory", "sarif"] {
        assert!(inputs.contains(want), "action.yml lacks the input {want}");
    }
    assert_eq!(
        keys(&action["outputs"]),
        BTreeSet::from(["exit-code".to_string(), "report".to_string()])
    );
    let used = regex::Regex::new(r"inputs\.([A-Za-z0-9_-]+)").unwrap();
    for c in used.captures_iter(&text) {
        assert!(
            inputs.contains(&c[1]),
            "action.yml uses undeclared input {}",
            &c[1]
        );
    }
    let steps = &action["runs"]["steps"];
    let ids: BTreeSet<String> = steps
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str().map(str::to_string))
        .collect();
    let outputs = regex::Regex::new(r"steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)").unwrap();
    for c in outputs.captures_iter(&text) {
        assert!(
            ids.contains(&c[1]),
            "action.yml refers to step {} it lacks",
            &c[1]
        );
        // The step writes that output.
        assert!(
            text.contains(&format!("echo \"{}=", &c[2])),
            "no step writes the output {}",
            &c[2]
        );
    }
    let scripts = regex::Regex::new(r"\$GITHUB_ACTION_PATH/([A-Za-z0-9_./-]+)").unwrap();
    for c in scripts.captures_iter(&text) {
        assert!(
            root().join(&c[1]).is_file(),
            "action.yml runs {} that is not there",
            &c[1]
        );
    }
}

/// actionlint reads a local action's metadata and checks the inputs a workflow gives it.
#[test]
fn workflows_pass_the_action_only_its_inputs() {
    let (_, action) = load("action.yml");
    let inputs = keys(&action["inputs"]);
    let mut checked = 0;
    for wf in workflows() {
        let (_, doc) = load(&wf);
        for job in doc["jobs"].as_hash().unwrap().values() {
            for step in job["steps"].as_vec().into_iter().flatten() {
                if step["uses"].as_str() != Some("./") {
                    continue;
                }
                for k in keys(&step["with"]) {
                    assert!(
                        inputs.contains(&k),
                        "{wf} passes the action an input {k} it lacks"
                    );
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no workflow uses the action: nothing checked");
}

/// Each `run:` block is a bash script: shellcheck it, with `${{ … }}` as a variable.
#[test]
fn every_run_block_passes_shellcheck() {
    let Ok(version) = Command::new("shellcheck").arg("--version").output() else {
        panic!("shellcheck is not installed: scripts/test installs it (Debian package shellcheck)");
    };
    assert!(version.status.success());
    let expr = regex::Regex::new(r"\$\{\{[^}]*\}\}").unwrap();
    let mut blocks = Vec::new();
    let (_, action) = load("action.yml");
    for (name, run) in runs(&action["runs"]["steps"]) {
        blocks.push((format!("action.yml: {name}"), run));
    }
    for wf in workflows() {
        let (_, doc) = load(&wf);
        for job in doc["jobs"].as_hash().unwrap().values() {
            for (name, run) in runs(&job["steps"]) {
                blocks.push((format!("{wf}: {name}"), run));
            }
        }
    }
    assert!(blocks.len() >= 10, "{} run blocks", blocks.len());
    for (name, run) in blocks {
        let script = format!(
            "#!/usr/bin/env bash\nset -e\n{}",
            expr.replace_all(&run, regex::NoExpand("${GHA_EXPR}"))
        );
        let mut child = Command::new("shellcheck")
            .args(["-s", "bash", "-e", "SC2154", "-"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(script.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{name}:\n{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

/// The action's run step, as the runner runs it: with a stand-in `zetl-preflight` on PATH
/// that records its arguments, the step's environment, and GITHUB_OUTPUT.
fn run_step(args: &str, sarif: bool) -> (std::process::Output, Vec<String>, String) {
    let (_, action) = load("action.yml");
    let run = runs(&action["runs"]["steps"])
        .into_iter()
        .find(|(name, _)| name == "Run zetl-preflight")
        .expect("the action has its run step")
        .1;
    assert!(
        !run.contains("${{"),
        "the step reads its inputs from env only"
    );
    let dir = std::env::temp_dir().join(format!("zetl-action-{}-{sarif}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    let fake = dir.join("bin/zetl-preflight");
    std::fs::write(
        &fake,
        "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\" > \"$ARGS_FILE\"\nexit 1\n",
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&fake).status().unwrap();
    let output = dir.join("github_output");
    std::fs::write(&output, "").unwrap();
    let out = Command::new("bash")
        .args(["-e", "-c", &run])
        .env(
            "PATH",
            format!(
                "{}:{}",
                dir.join("bin").display(),
                std::env::var("PATH").unwrap()
            ),
        )
        .env("ARGS_FILE", dir.join("args"))
        .env("ZETL_ARGS", args)
        .env("ZETL_SARIF", if sarif { "true" } else { "false" })
        .env("RUNNER_TEMP", &dir)
        .env("GITHUB_OUTPUT", &output)
        .output()
        .unwrap();
    let seen = std::fs::read_to_string(dir.join("args"))
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default();
    let outputs = std::fs::read_to_string(&output).unwrap();
    (out, seen, outputs)
}

/// The `args` input is split as a shell splits words, so a data filter with spaces survives;
/// nothing in it is expanded or run; the exit code and the report path become outputs.
#[test]
fn the_run_step_passes_arguments_as_words_and_reports_the_exit_code() {
    let (out, seen, outputs) = run_step(
        r#"check --data-filter 'include: shop.*' --source "arn:aws:rds:us-east-1:1:cluster:a b" $HOME `id`"#,
        false,
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        seen,
        [
            "check",
            "--data-filter",
            "include: shop.*",
            "--source",
            "arn:aws:rds:us-east-1:1:cluster:a b",
            "$HOME",
            "`id`"
        ]
    );
    assert!(outputs.contains("exit-code=1\n"), "{outputs}");
    assert!(outputs.contains("report=\n"), "{outputs}");

    let (out, seen, outputs) = run_step("check --offline", true);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(seen[..3], ["check", "--offline", "--format"]);
    assert_eq!(seen[3], "sarif");
    assert_eq!(seen[4], "--output");
    assert!(seen[5].ends_with("zetl-preflight.sarif"), "{seen:?}");
    assert!(
        outputs.contains(&format!("report={}\n", seen[5])),
        "{outputs}"
    );

    // An unmatched quote is the user's mistake: said, exit 2, the tool not run.
    let (out, seen, _) = run_step("check --data-filter 'include: shop.*", false);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(seen.is_empty());
    assert!(String::from_utf8_lossy(&out.stdout).contains("cannot split the args input"));
}

//! Names the commit the binary is built from, for `--version`: `ZETL_PREFLIGHT_COMMIT` when
//! the build sets it (the release workflow does), else `git rev-parse` of the checkout, else
//! nothing (a build from a source archive says only its version).

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git").args(args).output().ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    (out.status.success() && !text.trim().is_empty()).then(|| text.trim().to_string())
}

fn main() {
    println!("cargo:rerun-if-env-changed=ZETL_PREFLIGHT_COMMIT");
    // A new commit moves HEAD or the branch it points at: look again then.
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        let dir = Path::new(&dir);
        println!("cargo:rerun-if-changed={}", dir.join("HEAD").display());
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            println!("cargo:rerun-if-changed={}", dir.join(branch).display());
        }
        println!(
            "cargo:rerun-if-changed={}",
            dir.join("packed-refs").display()
        );
    }
    let commit = std::env::var("ZETL_PREFLIGHT_COMMIT")
        .ok()
        .filter(|c| !c.is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]));
    let version = match commit {
        Some(c) => format!("{} ({})", env!("CARGO_PKG_VERSION"), &c[..c.len().min(12)]),
        None => env!("CARGO_PKG_VERSION").to_string(),
    };
    println!("cargo:rustc-env=ZETL_PREFLIGHT_VERSION={version}");
}

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
    // A new commit moves HEAD or the branch it points at: look again then. Only paths that
    // exist are named: Cargo takes a missing `rerun-if-changed` path as always changed, which
    // would rebuild the binary on every build (`packed-refs` before refs were ever packed, a
    // branch's loose ref after `git pack-refs`). The refs folder is watched as a whole, so a
    // loose ref that appears or goes away is seen too.
    if let Some(dir) = git(&["rev-parse", "--git-dir"]) {
        let dir = Path::new(&dir);
        let common = git(&["rev-parse", "--git-common-dir"]);
        let common = common.as_deref().map(Path::new).unwrap_or(dir);
        let mut watched = vec![dir.join("HEAD"), common.join("packed-refs")];
        if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
            watched.push(common.join(&branch));
            if let Some(folder) = Path::new(&branch).parent() {
                watched.push(common.join(folder));
            }
        }
        for path in watched.iter().filter(|p| p.exists()) {
            println!("cargo:rerun-if-changed={}", path.display());
        }
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

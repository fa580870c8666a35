//! The GitHub Action's install step (`scripts/install-release`) against a local HTTP server
//! serving a release built from this checkout by `scripts/pack-release`: it installs a
//! verified archive, and refuses a checksum mismatch and a version that is not there.

mod common;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use common::scratch_dir;

const TARGET: &str = "x86_64-unknown-linux-musl";

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join(name)
}

/// `python3 -m http.server` on a free loopback port, serving `dir`.
struct Server(Child, u16);

impl Server {
    fn start(dir: &Path) -> Server {
        let mut child = Command::new("python3")
            .args([
                "-u",
                "-m",
                "http.server",
                "0",
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs");
        // "Serving HTTP on 127.0.0.1 port 40123 (http://127.0.0.1:40123/) ..."
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .split_whitespace()
            .skip_while(|w| *w != "port")
            .nth(1)
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Server(child, port)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The release archive of this checkout's binary, packed once for every test here, in a
/// `releases/v0.1.0/` directory as a release server has it.
fn packed() -> &'static Path {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch_dir("packed");
        let out = Command::new("bash")
            .arg(script("pack-release"))
            .args(["0.1.0", TARGET, env!("CARGO_BIN_EXE_zetl-preflight")])
            .arg(dir.join("v0.1.0"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        dir
    })
}

fn install(server: &Server, version: &str, dest: &Path) -> std::process::Output {
    Command::new("bash")
        .arg(script("install-release"))
        .args([version, dest.to_str().unwrap()])
        .env(
            "ZETL_PREFLIGHT_RELEASES",
            format!("http://127.0.0.1:{}", server.1),
        )
        .env("ZETL_PREFLIGHT_TARGET", TARGET)
        .output()
        .unwrap()
}

#[test]
fn the_installer_verifies_the_archive_before_it_installs() {
    let dir = scratch_dir("install");
    let releases = packed();
    let good = releases.join("v0.1.0");
    let archive = format!("zetl-preflight-0.1.0-{TARGET}.tar.gz");
    let sums = Command::new("sha256sum")
        .arg(&archive)
        .current_dir(&good)
        .output()
        .unwrap();
    std::fs::write(good.join("SHA256SUMS"), &sums.stdout).unwrap();
    // v0.0.9: the same archive under a SHA256SUMS that does not match it.
    let bad = releases.join("v0.0.9");
    std::fs::create_dir_all(&bad).unwrap();
    let bad_archive = format!("zetl-preflight-0.0.9-{TARGET}.tar.gz");
    std::fs::copy(good.join(&archive), bad.join(&bad_archive)).unwrap();
    std::fs::write(
        bad.join("SHA256SUMS"),
        format!("{}  {bad_archive}\n", "0".repeat(64)),
    )
    .unwrap();
    let server = Server::start(releases);

    let dest = dir.join("bin");
    let o = install(&server, "v0.1.0", &dest);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let version = Command::new(dest.join("zetl-preflight"))
        .arg("--version")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&version.stdout).starts_with("zetl-preflight 0.1.0"));

    let dest = dir.join("bin-bad");
    let o = install(&server, "0.0.9", &dest);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("checksum mismatch"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(!dest.join("zetl-preflight").exists(), "nothing installed");

    let o = install(&server, "9.9.9", &dir.join("bin-none"));
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("cannot download"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `cargo binstall` finds the archive `scripts/pack-release` makes, and the binary in it.
#[test]
fn binstall_metadata_names_the_release_archive() {
    let manifest: toml::Value = toml::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap(),
    )
    .unwrap();
    let b = &manifest["package"]["metadata"]["binstall"];
    let fill = |t: &str| {
        t.replace(
            "{ repo }",
            "https://github.com/zetl-preflight/zetl-preflight",
        )
        .replace("{ version }", "0.1.0")
        .replace("{ name }", "zetl-preflight")
        .replace("{ target }", TARGET)
        .replace("{ archive-suffix }", ".tar.gz")
        .replace("{ bin }", "zetl-preflight")
        .replace("{ binary-ext }", "")
    };
    let url = fill(b["pkg-url"].as_str().unwrap());
    assert_eq!(
        url,
        format!("https://github.com/zetl-preflight/zetl-preflight/releases/download/v0.1.0/zetl-preflight-0.1.0-{TARGET}.tar.gz")
    );
    let dir = packed().join("v0.1.0");
    let list = Command::new("tar")
        .arg("tzf")
        .arg(dir.join(url.rsplit('/').next().unwrap()))
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    let bin = fill(b["bin-dir"].as_str().unwrap());
    assert!(list.lines().any(|l| l == bin), "{bin} not in:\n{list}");
}

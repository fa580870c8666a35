//! The binary against an endpoint that accepts connections and never answers: every call
//! ends at the timeout, and the run ends with a clear error, never a hang. The same endpoint
//! records the requests' Authorization headers, which show whose credentials signed them.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A loopback server that reads each request's head, reports it, and never answers.
struct Silent {
    port: u16,
    heads: mpsc::Receiver<String>,
}

impl Silent {
    fn start() -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, heads) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    let mut stream = stream;
                    let mut buf = vec![0u8; 16384];
                    let mut head = Vec::new();
                    while let Ok(n) = stream.read(&mut buf) {
                        if n == 0 {
                            return;
                        }
                        head.extend_from_slice(&buf[..n]);
                        if head.windows(4).any(|w| w == b"\r\n\r\n") {
                            let _ = tx.send(String::from_utf8_lossy(&head).into_owned());
                            break;
                        }
                    }
                    // Hold the connection open without a word until the client gives up.
                    std::thread::sleep(Duration::from_secs(120));
                    drop(stream);
                });
            }
        });
        Silent { port, heads }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

/// Run the binary with `env`, killing it (and failing) if it runs past a generous bound:
/// the point is that it ends by itself, not how fast.
fn run(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_zetl-preflight"));
    for v in common::AWS_VARS_TO_CLEAR {
        cmd.env_remove(v);
    }
    let mut child = cmd
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("zetl-preflight hung against a silent endpoint");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_silent_endpoint_ends_in_a_timeout_error_naming_the_call() {
    let server = Silent::start();
    let env = common::aws_env(&server.url());
    let o = run(
        &[
            "check",
            "--source",
            "shop-db",
            "--target",
            "warehouse",
            "--timeout",
            "1",
        ],
        &env,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    // The call that identifies the source did not answer: the tool cannot do the job.
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("rds:DescribeDBClusters"), "{err}");
    assert!(err.contains("--timeout"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_named_profile_wins_over_environment_credentials() {
    let server = Silent::start();
    let dir = std::env::temp_dir().join(format!("zetl-profile-{}", server.port));
    std::fs::create_dir_all(&dir).unwrap();
    let creds = dir.join("credentials");
    std::fs::write(
        &creds,
        "[ops]\naws_access_key_id = AKIAPROFILEOPS\naws_secret_access_key = profile-secret\n",
    )
    .unwrap();
    let config = dir.join("config");
    std::fs::write(&config, "[profile ops]\nregion = us-east-1\n").unwrap();
    let mut env = common::aws_env(&server.url());
    env.retain(|(k, _)| !k.starts_with("AWS_CONFIG_FILE") && !k.starts_with("AWS_SHARED"));
    env.push(("AWS_CONFIG_FILE", config.display().to_string()));
    env.push(("AWS_SHARED_CREDENTIALS_FILE", creds.display().to_string()));
    env.retain(|(k, _)| *k != "AWS_ACCESS_KEY_ID");
    env.push(("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENT".into()));
    let args = [
        "check",
        "--source",
        "shop-db",
        "--target",
        "warehouse",
        "--timeout",
        "1",
        "--profile",
        "ops",
    ];
    let o = run(&args, &env);
    assert_eq!(o.status.code(), Some(2));
    let heads: Vec<String> = server.heads.try_iter().collect();
    assert!(!heads.is_empty(), "no request reached the endpoint");
    for h in &heads {
        assert!(h.contains("Credential=AKIAPROFILEOPS/"), "{h}");
        assert!(!h.contains("AKIAENVIRONMENT"), "{h}");
    }

    // A profile that does not exist: exit 2, naming it and the files read, before any call.
    let mut args = args.to_vec();
    *args.last_mut().unwrap() = "nope";
    let o = run(&args, &env);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("profile 'nope'"), "{err}");
    assert!(err.contains(&creds.display().to_string()), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

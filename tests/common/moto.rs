//! moto on a free loopback port, and SDK configuration and environments that can only
//! reach it. Free of the test-binary paths, so benchmarks can include it too.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_smithy_types::retry::RetryConfig;

pub const REGION: &str = "us-east-1";

/// A moto server process, stopped when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
}

impl Moto {
    /// Start `moto_server` on a free port of 127.0.0.1 and wait until it accepts connections.
    pub fn start() -> Moto {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free loopback port")
            .port();
        let port_s = port.to_string();
        let args = ["-H", "127.0.0.1", "-p", port_s.as_str()];
        // The console script when it is on PATH, else the module (pip --user installs put
        // scripts in a directory that may not be on PATH).
        let spawn = |program: &str, pre: &[&str]| {
            Command::new(program)
                .args(pre)
                .args(args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
        };
        let child = spawn("moto_server", &[])
            .or_else(|_| spawn("python3", &["-m", "moto.server"]))
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start moto ({e}). Run the tests with scripts/test, which installs \
                     moto[server] when it is missing"
                )
            });
        let mut moto = Moto { child, port };
        let deadline = Instant::now() + Duration::from_secs(30);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!("moto_server exited early: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "moto_server did not listen on port {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// SDK configuration for clients that set up the world in moto: only calls moto
    /// implements, so the standard retries ride out a busy emulator (its first call of a
    /// service loads that service, which takes seconds on a loaded machine).
    pub fn config(&self) -> SdkConfig {
        sdk_config(&self.url())
            .to_builder()
            .retry_config(RetryConfig::standard().with_max_attempts(4))
            .build()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Static test credentials, one attempt (moto answers unimplemented calls with HTTP 500, which
/// the SDK would otherwise retry for seconds), and the product's own HTTP client.
pub fn sdk_config(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(Credentials::new(
                "testing", "testing", None, None, "tests",
            )),
        )
        .endpoint_url(endpoint)
        .retry_config(RetryConfig::standard().with_max_attempts(1))
        .http_client(zetl_preflight::fetch::clients::http_client())
        .build()
}

/// The environment for running the binary against `endpoint`, and nothing real.
pub fn aws_env(endpoint: &str) -> Vec<(&'static str, String)> {
    vec![
        ("AWS_ENDPOINT_URL", endpoint.to_string()),
        ("AWS_ACCESS_KEY_ID", "testing".into()),
        ("AWS_SECRET_ACCESS_KEY", "testing".into()),
        ("AWS_REGION", REGION.into()),
        ("AWS_MAX_ATTEMPTS", "1".into()),
        ("AWS_EC2_METADATA_DISABLED", "true".into()),
        ("AWS_CONFIG_FILE", "/nonexistent/zetl-preflight-test".into()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/zetl-preflight-test".into(),
        ),
        ("NO_COLOR", "1".into()),
    ]
}

/// The environment variables a test must remove so nothing from the developer's shell leaks in.
pub const AWS_VARS_TO_CLEAR: &[&str] = &[
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

/// `tests/support/cbor_gateway.py` in front of `moto`: the SDK's Smithy RPC v2 CBOR calls
/// (CloudWatch) reach moto as JSON, everything else passes through. Stopped when dropped.
pub struct Gateway {
    child: Child,
    pub port: u16,
}

impl Gateway {
    pub fn start(moto: &Moto) -> Gateway {
        use std::io::BufRead;
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/cbor_gateway.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(moto.url())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("python3 runs the CBOR gateway (botocore comes with moto)");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("its stdout"))
            .read_line(&mut line)
            .expect("the gateway prints its port");
        let port = line.trim().parse().unwrap_or_else(|_| {
            panic!("the CBOR gateway did not start (printed {line:?}); is botocore installed?")
        });
        Gateway { child, port }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// How many calls of each CBOR operation the gateway answered.
    pub fn calls(&self) -> std::collections::BTreeMap<String, u64> {
        use std::io::{Read, Write};
        let mut s = TcpStream::connect(("127.0.0.1", self.port)).expect("the gateway listens");
        write!(
            s,
            "GET /_gateway/calls HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        let body = text.split("\r\n\r\n").nth(1).unwrap_or("{}");
        serde_json::from_str(body).expect("the gateway answers JSON")
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

//! The binary against an endpoint that accepts connections and never answers: every call
//! ends at the timeout, and the run ends with a clear error, never a hang. The same endpoint
//! records the requests' Authorization headers, which show whose credentials signed them.

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A loopback server that reads each request, reports its head, answers the ones `answer`
/// knows (with an XML body) and leaves every other without a word.
struct Silent {
    port: u16,
    heads: mpsc::Receiver<String>,
}

type Answer = fn(&str) -> Option<String>;

impl Silent {
    fn start() -> Silent {
        Silent::answering(|_| None)
    }

    fn answering(answer: Answer) -> Silent {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, heads) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let tx = tx.clone();
                std::thread::spawn(move || serve(stream, tx, answer));
            }
        });
        Silent { port, heads }
    }
    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

fn serve(mut stream: std::net::TcpStream, tx: mpsc::Sender<String>, answer: Answer) {
    use std::io::Write;
    let mut pending = Vec::new();
    let mut buf = vec![0u8; 16384];
    loop {
        // One request: the head, then Content-Length bytes of body.
        let head_end = loop {
            if let Some(i) = pending.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        };
        let head = String::from_utf8_lossy(&pending[..head_end]).into_owned();
        let length = head
            .lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("content-length")
                    .then(|| v.trim().parse::<usize>().ok())?
            })
            .unwrap_or(0);
        while pending.len() < head_end + length {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        }
        let body = String::from_utf8_lossy(&pending[head_end..head_end + length]).into_owned();
        pending.drain(..head_end + length);
        let _ = tx.send(head.clone());
        match answer(&format!("{head}{body}")) {
            Some(xml) => {
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{xml}",
                    xml.len()
                );
                if stream.write_all(reply.as_bytes()).is_err() {
                    return;
                }
            }
            None => {
                // Hold the connection open without a word until the client gives up.
                std::thread::sleep(Duration::from_secs(120));
                return;
            }
        }
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
    // Drain the pipes while waiting: a report larger than a pipe's buffer would otherwise
    // block the child and look like a hang.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut p) = pipe {
                let _ = p.read_to_end(&mut bytes);
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("zetl-preflight hung against a silent endpoint");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
    }
}

/// The check every test runs, with a one-second timeout per attempt.
const CHECK: [&str; 7] = [
    "check",
    "--source",
    "shop-db",
    "--target",
    "warehouse",
    "--timeout",
    "1",
];

#[test]
fn a_silent_endpoint_ends_in_a_timeout_error_naming_the_call() {
    let server = Silent::start();
    let env = common::aws_env(&server.url());
    let o = run(&CHECK, &env);
    let err = String::from_utf8_lossy(&o.stderr);
    // The call that identifies the source did not answer: the tool cannot do the job.
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("rds:DescribeDBClusters"), "{err}");
    assert!(err.contains("--timeout"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Answers only the two calls that identify the source and the target.
fn identify_only(request: &str) -> Option<String> {
    if request.contains("Action=DescribeDBClusters&") {
        return Some(
            "<DescribeDBClustersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><DescribeDBClustersResult><DBClusters><DBCluster>\
             <DBClusterIdentifier>shop-db</DBClusterIdentifier>\
             <DBClusterArn>arn:aws:rds:us-east-1:123456789012:cluster:shop-db</DBClusterArn>\
             <Engine>aurora-mysql</Engine><EngineVersion>8.0.mysql_aurora.3.05.2</EngineVersion>\
             <EngineMode>provisioned</EngineMode><Status>available</Status>\
             <DBClusterParameterGroup>shop-params</DBClusterParameterGroup>\
             <DBClusterMembers><DBClusterMember><DBInstanceIdentifier>shop-1</DBInstanceIdentifier>\
             <IsClusterWriter>true</IsClusterWriter><DBClusterParameterGroupStatus>in-sync</DBClusterParameterGroupStatus>\
             </DBClusterMember></DBClusterMembers>\
             </DBCluster></DBClusters></DescribeDBClustersResult></DescribeDBClustersResponse>"
                .into(),
        );
    }
    if request.contains("Action=DescribeClusters&") {
        return Some(
            "<DescribeClustersResponse xmlns=\"http://redshift.amazonaws.com/doc/2012-12-01/\"><DescribeClustersResult><Clusters><Cluster>\
             <ClusterIdentifier>warehouse</ClusterIdentifier><NodeType>ra3.xlplus</NodeType>\
             <NumberOfNodes>2</NumberOfNodes><Encrypted>true</Encrypted><ClusterStatus>available</ClusterStatus>\
             <ClusterNamespaceArn>arn:aws:redshift:us-east-1:123456789012:namespace:6c0f8e2a-4b5d-4f3e-9a1b-2c3d4e5f6a7b</ClusterNamespaceArn>\
             <ClusterParameterGroups><ClusterParameterGroup><ParameterGroupName>wh-params</ParameterGroupName>\
             <ParameterApplyStatus>in-sync</ParameterApplyStatus></ClusterParameterGroup></ClusterParameterGroups>\
             </Cluster></Clusters></DescribeClustersResult></DescribeClustersResponse>"
                .into(),
        );
    }
    None
}

/// The source and target are found, everything else is silent: every fact those calls would
/// have provided is an `error` finding naming its call, and the run exits 1.
#[test]
fn silent_calls_after_identification_are_unverified_findings() {
    let server = Silent::answering(identify_only);
    let env = common::aws_env(&server.url());
    let o = run(&[&CHECK[..], &["--format", "json"]].concat(), &env);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let finding = |code: &str| {
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == code)
            .unwrap_or_else(|| panic!("{code} missing"))
            .clone()
    };
    for (code, call) in [
        ("ZM001", "rds:DescribeDBClusterParameters"),
        ("ZR007", "redshift:DescribeClusterParameters"),
        ("ZA001", "redshift:GetResourcePolicy"),
        ("ZI001", "rds:DescribeIntegrations"),
    ] {
        let f = finding(code);
        assert_eq!(f["status"], "error", "{code}: {f}");
        assert_eq!(f["evidence"]["failed_call"], call, "{code}: {f}");
        assert!(f["message"].as_str().unwrap().contains("--timeout"), "{f}");
    }
    // What was read still judges: the node type passes.
    assert_eq!(finding("ZR004")["status"], "pass");
    // The workgroup lookup did not answer: the report says what was assumed.
    let notes = doc["notes"].as_array().expect("a note");
    assert!(
        notes[0]
            .as_str()
            .unwrap()
            .contains("could not be ruled out"),
        "{notes:?}"
    );
    // The identity call did not answer either: no identity, nothing else changes.
    assert!(doc.get("identity").is_none());
    // ... but who would create the integration is not known: the creator rules are
    // unverified, naming that call and what to pass.
    for code in ["ZW001", "ZW002"] {
        let f = finding(code);
        assert_eq!(f["status"], "error", "{code}: {f}");
        assert_eq!(f["evidence"]["failed_call"], "sts:GetCallerIdentity", "{f}");
        assert!(f["message"].as_str().unwrap().contains("--creator"), "{f}");
    }
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
    let args = [&CHECK[..], &["--profile", "ops"]].concat();
    let o = run(&args, &env);
    assert_eq!(o.status.code(), Some(2));
    let heads: Vec<String> = server.heads.try_iter().collect();
    assert!(!heads.is_empty(), "no request reached the endpoint");
    for h in &heads {
        assert!(h.contains("Credential=AKIAPROFILEOPS/"), "{h}");
        assert!(!h.contains("AKIAENVIRONMENT"), "{h}");
    }

    // A profile that does not exist: exit 2, naming it and the files read, before any call.
    let mut args = args.clone();
    *args.last_mut().unwrap() = "nope";
    let o = run(&args, &env);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("profile 'nope'"), "{err}");
    assert!(err.contains(&creds.display().to_string()), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}

/// STS answers AssumeRole with credentials of its own; RDS and Redshift list no integration.
fn sts_and_empty_rds(request: &str) -> Option<String> {
    if request.contains("Action=AssumeRole&") {
        return Some(
            "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><AssumeRoleResult>\
             <Credentials><AccessKeyId>AKIAASSUMEDROLE</AccessKeyId><SecretAccessKey>assumed-secret</SecretAccessKey>\
             <SessionToken>assumed-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>\
             <AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/audit/zetl-preflight-audit</Arn>\
             <AssumedRoleId>AROAEXAMPLE:zetl-preflight-audit</AssumedRoleId></AssumedRoleUser>\
             </AssumeRoleResult></AssumeRoleResponse>"
                .into(),
        );
    }
    if request.contains("Action=GetCallerIdentity") {
        return Some(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>\
             <Arn>arn:aws:iam::123456789012:user/ci</Arn><UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>\
             </GetCallerIdentityResult></GetCallerIdentityResponse>"
                .into(),
        );
    }
    if request.contains("Action=DescribeInboundIntegrations") {
        return Some(
            "<DescribeInboundIntegrationsResponse xmlns=\"http://redshift.amazonaws.com/doc/2012-12-01/\">\
             <DescribeInboundIntegrationsResult><InboundIntegrations/></DescribeInboundIntegrationsResult>\
             </DescribeInboundIntegrationsResponse>"
                .into(),
        );
    }
    if request.contains("Action=DescribeIntegrations") {
        return Some(
            "<DescribeIntegrationsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\
             <DescribeIntegrationsResult><Integrations/></DescribeIntegrationsResult>\
             </DescribeIntegrationsResponse>"
                .into(),
        );
    }
    None
}

/// `audit --role-arn`: the other account is listed with the credentials the role gives.
#[test]
fn audit_lists_other_accounts_with_the_assumed_role() {
    let server = Silent::answering(sts_and_empty_rds);
    let env = common::aws_env(&server.url());
    let o = run(
        &[
            "audit",
            "--regions",
            "us-east-1",
            "--role-arn",
            "arn:aws:iam::111111111111:role/audit",
            "--timeout",
            "2",
        ],
        &env,
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    assert!(err.contains("no integration to check"), "{err}");
    let heads: Vec<String> = server.heads.try_iter().collect();
    // RDS requests, by the key that signed them (the credential scope names the service).
    let rds_signed_by = |key: &str| {
        heads
            .iter()
            .any(|h| h.contains(&format!("Credential={key}/")) && h.contains("/rds/aws4_request"))
    };
    assert!(
        rds_signed_by("testing"),
        "own account not listed: {heads:#?}"
    );
    assert!(
        rds_signed_by("AKIAASSUMEDROLE"),
        "the role's account not listed: {heads:#?}"
    );
}

/// As [`sts_and_empty_rds`], but Redshift never answers DescribeInboundIntegrations.
fn inbound_silent(request: &str) -> Option<String> {
    if request.contains("Action=DescribeInboundIntegrations") {
        return None;
    }
    sts_and_empty_rds(request)
}

/// An audit that could not list part of the fleet is not a pass: it names what it missed
/// (even with -q) in the report itself, and exits 1, or 0 with --allow-unverified. Machine
/// formats carry it as data and tell people on stderr too.
#[test]
fn audit_that_misses_a_list_is_not_verified() {
    let server = Silent::answering(inbound_silent);
    let env = common::aws_env(&server.url());
    let missed = "inbound integrations in us-east-1 were not listed";
    let args = ["audit", "-q", "--regions", "us-east-1", "--timeout", "1"];
    let o = run(&args, &env);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(out.contains(&format!("not verified: {missed}")), "{out}");
    let o = run(&[&args[..], &["--allow-unverified"]].concat(), &env);
    let out = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}");
    assert!(out.contains("not verified:"), "{out}");

    let o = run(&[&args[..], &["--format", "json"]].concat(), &env);
    let (out, err) = (
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr),
    );
    assert_eq!(o.status.code(), Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).expect("a JSON report");
    let listed = doc["unverified"].as_array().expect("an unverified list");
    assert!(listed[0].as_str().unwrap().contains(missed), "{out}");
    assert!(err.contains(&format!("not verified: {missed}")), "{err}");

    let o = run(&[&args[..], &["--format", "sarif"]].concat(), &env);
    let out = String::from_utf8_lossy(&o.stdout);
    let log: serde_json::Value = serde_json::from_str(&out).expect("a SARIF log");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false, "{out}");
    let notes = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert!(notes
        .iter()
        .any(|n| n["level"] == "error" && n["message"]["text"].as_str().unwrap().contains(missed)));
}

/// As [`identify_only`], but the integrations list and the cluster parameter group's page
/// answer HTTP 200 with a document cut short.
fn cut_short(request: &str) -> Option<String> {
    if request.contains("Action=DescribeIntegrations&") {
        return Some(
            "<DescribeIntegrationsResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\
             <DescribeIntegrationsResult><Integrations><Integration>\
             <IntegrationName>orders</IntegrationName>"
                .into(),
        );
    }
    if request.contains("Action=DescribeDBClusterParameters&") {
        return Some(
            "<DescribeDBClusterParametersResponse xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\">\
             <DescribeDBClusterParametersResult><Parameters><Parameter>\
             <ParameterName>binlog_format</ParameterName><ParameterValue>ROW</Para"
                .into(),
        );
    }
    identify_only(request)
}

/// A 200 whose body is not a complete document is a failed read naming the call, never
/// data: the cut integrations list is not "no integrations" (which would pass ZI001, ZI003
/// and ZI004), and a cut parameters page is not "every parameter at its engine default".
#[test]
fn an_answer_cut_short_is_a_failed_read_not_data() {
    let server = Silent::answering(cut_short);
    let env = common::aws_env(&server.url());
    let o = run(&[&CHECK[..], &["--format", "json"]].concat(), &env);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let findings = doc["findings"].as_array().unwrap();
    let of = |prefix: &str| {
        findings
            .iter()
            .filter(|f| f["rule"].as_str().unwrap().starts_with(prefix))
            .collect::<Vec<_>>()
    };
    let cut_reads = [
        ("ZI00", "rds:DescribeIntegrations"),
        ("ZM00", "rds:DescribeDBClusterParameters"),
    ];
    for (prefix, call) in cut_reads {
        let judged = of(prefix);
        assert!(!judged.is_empty(), "no {prefix} finding");
        for f in judged
            .iter()
            .filter(|f| f["evidence"]["failed_call"] == call)
        {
            assert_eq!(f["status"], "error", "{f}");
            assert!(f["message"].as_str().unwrap().contains("cut short"), "{f}");
        }
        assert!(
            judged.iter().any(|f| f["evidence"]["failed_call"] == call),
            "no {prefix} finding names {call}: {judged:#?}"
        );
    }
    for code in ["ZI001", "ZI003", "ZI004"] {
        let f = findings.iter().find(|f| f["rule"] == code).unwrap();
        assert_eq!(f["status"], "error", "{code} judged a cut list: {f}");
    }
}

/// Every request the endpoint saw, by its API action (query protocol) or target (JSON).
static SEEN: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn recording(request: &str) -> Option<String> {
    let action = request
        .split(['&', '?', '\n'])
        .find_map(|p| p.strip_prefix("Action="))
        .map(str::to_string)
        .or_else(|| {
            request.lines().find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case("x-amz-target")
                    .then(|| v.trim().to_string())
            })
        });
    // The service, from the signature's credential scope (…/REGION/SERVICE/aws4_request).
    let service = request
        .split("/aws4_request")
        .next()
        .and_then(|head| head.rsplit('/').next())
        .unwrap_or("?");
    if let Some(a) = action {
        SEEN.lock().unwrap().push(format!("{service}:{a}"));
    }
    identify_only(request)
}

/// The reads a run makes follow from the rules it runs: with `--select ZR004` (the node
/// type, read with the target cluster itself) no RDS call and no parameter group, policy or
/// integration call is made; with a source rule only the source is identified; without a
/// selection everything is read.
#[test]
fn a_rule_selection_reads_only_what_it_needs() {
    let server = Silent::answering(recording);
    let env = common::aws_env(&server.url());
    let skipped = [
        "DescribeDBClusterParameters",
        "DescribeEngineDefaultClusterParameters",
        "DescribeIntegrations",
        "DescribeBlueGreenDeployments",
        "GetResourcePolicy",
        "DescribeClusterParameters",
    ];
    let calls = |args: &[&str]| {
        SEEN.lock().unwrap().clear();
        let o = run(&[&CHECK[..], args, &["--format", "json"]].concat(), &env);
        let seen = SEEN.lock().unwrap().clone();
        (o, seen)
    };
    let (o, seen) = calls(&["--select", "ZR004"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rules: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["ZR004"]);
    let called =
        |seen: &[String], call: &str| seen.iter().any(|s| s.ends_with(&format!(":{call}")));
    for call in skipped {
        assert!(!called(&seen, call), "{call} was called: {seen:?}");
    }
    // ZR004 reads nothing of the source: no RDS call at all; the target is still identified.
    assert!(!seen.iter().any(|s| s.starts_with("rds:")), "{seen:?}");
    assert!(called(&seen, "DescribeClusters"), "{seen:?}");
    // A rule of the source (its writer) identifies the source, and reads nothing more.
    let (_, seen) = calls(&["--select", "ZC002"]);
    assert!(called(&seen, "DescribeDBClusters"), "{seen:?}");
    for call in skipped {
        assert!(!called(&seen, call), "{call} was called: {seen:?}");
    }

    let (_, seen) = calls(&[]);
    for call in [
        "DescribeDBClusterParameters",
        "GetResourcePolicy",
        "DescribeIntegrations",
    ] {
        assert!(called(&seen, call), "{call} not called: {seen:?}");
    }
}

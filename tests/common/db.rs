//! Real database servers for the data-level tests: MariaDB (MySQL-compatible) and
//! PostgreSQL from Debian's packages, each started on a free loopback port with a temporary
//! data directory, and stopped (directory removed) when dropped. As root (CI), the servers
//! run as the `postgres` / `mysql` system users the packages create.

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub const PASSWORD: &str = "zetl-test-pw";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free loopback port")
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

/// `program args` as `user` when we are root.
fn as_user(user: &str, program: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", user, "--", program]);
        c
    } else {
        Command::new(program)
    }
}

fn scratch(name: &str, owner: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "zetl-{name}-{}-{}",
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    if is_root() {
        let _ = Command::new("chown").args(["-R", owner]).arg(&dir).status();
    }
    dir
}

fn wait_for(port: u16, child: &mut Child, what: &str) {
    let started = Instant::now();
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited before it listened: {status}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{what} did not listen on {port}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn run(cmd: &mut Command, what: &str) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn bin(candidates: &[&str]) -> String {
    candidates
        .iter()
        .find(|p| Path::new(p).exists())
        .map(|p| p.to_string())
        .unwrap_or_else(|| candidates[0].rsplit('/').next().unwrap().to_string())
}

/// A PostgreSQL server program: Debian keeps them in /usr/lib/postgresql/<major>/bin.
fn postgres_bin(name: &str) -> String {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path().join("bin").join(name))
        .filter(|p| p.exists())
        .collect();
    found.sort();
    match found.pop() {
        Some(p) => p.display().to_string(),
        None => name.to_string(),
    }
}

pub struct Postgres {
    child: Child,
    dir: PathBuf,
    pub port: u16,
}

impl Postgres {
    /// initdb (scram passwords for TCP), then postgres on 127.0.0.1:<free port>.
    pub fn start() -> Postgres {
        let dir = scratch("pg", "postgres");
        let data = dir.join("data");
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, PASSWORD).unwrap();
        if is_root() {
            let _ = Command::new("chown")
                .args(["-R", "postgres"])
                .arg(&dir)
                .status();
        }
        let pgbin = |name: &str| {
            bin(&[
                &format!("/usr/lib/postgresql/15/bin/{name}"),
                &format!("/usr/local/bin/{name}"),
            ])
        };
        run(
            as_user("postgres", &pgbin("initdb"))
                .arg("-D")
                .arg(&data)
                .args([
                    "-U",
                    "zetl",
                    "-E",
                    "UTF8",
                    "--locale=C",
                    "--auth-host=scram-sha-256",
                    "--auth-local=trust",
                ])
                .arg(format!("--pwfile={}", pwfile.display())),
            "initdb",
        );
        let port = free_port();
        let mut child = as_user("postgres", &pgbin("postgres"))
            .arg("-D")
            .arg(&data)
            .args(["-p", &port.to_string(), "-c", "listen_addresses=127.0.0.1"])
            .arg("-k")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("postgres starts");
        wait_for(port, &mut child, "postgres");
        Postgres { child, dir, port }
    }

    pub fn url(&self, db: &str) -> String {
        format!(
            "postgres://zetl:{PASSWORD}@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    /// The output of the SQL file `query` in `db` as `psql --csv` writes it (what
    /// `data-query` tells people to run).
    pub fn csv_output(&self, db: &str, query: &Path) -> String {
        let out = Command::new("psql")
            .env("PGPASSWORD", PASSWORD)
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "zetl",
                "-d",
                db,
            ])
            .args(["--csv", "-v", "ON_ERROR_STOP=1", "-f"])
            .arg(query)
            .output()
            .expect("psql runs");
        assert!(
            out.status.success(),
            "the catalog query failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Run SQL (a file's statements one by one) with psql.
    pub fn psql(&self, db: &str, args: &[&str]) {
        run(
            Command::new("psql")
                .env("PGPASSWORD", PASSWORD)
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &self.port.to_string(),
                    "-U",
                    "zetl",
                    "-d",
                    db,
                ])
                .args(["-v", "ON_ERROR_STOP=1", "-q"])
                .args(args),
            "psql",
        );
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub struct Mariadb {
    child: Child,
    dir: PathBuf,
    pub port: u16,
}

impl Mariadb {
    /// mariadb-install-db, then mariadbd on 127.0.0.1:<free port>; root gets PASSWORD.
    pub fn start() -> Mariadb {
        let dir = scratch("mariadb", "mysql");
        let data = dir.join("data");
        let user = if is_root() { "mysql" } else { "" };
        let mut install = Command::new("mariadb-install-db");
        install
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg("--auth-root-authentication-method=normal")
            .arg("--skip-test-db");
        if !user.is_empty() {
            install.arg(format!("--user={user}"));
        }
        run(&mut install, "mariadb-install-db");
        let port = free_port();
        let mut server = Command::new(bin(&["/usr/sbin/mariadbd", "/usr/sbin/mysqld"]));
        server
            .arg("--no-defaults")
            .arg(format!("--datadir={}", data.display()))
            .arg(format!("--socket={}", dir.join("sock").display()))
            .arg(format!("--pid-file={}", dir.join("pid").display()))
            .arg(format!("--port={port}"))
            .arg("--bind-address=127.0.0.1")
            .arg("--lower-case-table-names=0");
        if !user.is_empty() {
            server.arg(format!("--user={user}"));
        }
        let mut child = server
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("mariadbd starts");
        wait_for(port, &mut child, "mariadbd");
        let db = Mariadb { child, dir, port };
        db.sql(
            &[
                "-e",
                &format!(
                    "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1'; \
                 ALTER USER 'root'@'localhost' IDENTIFIED BY '{PASSWORD}'; \
                 ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '{PASSWORD}'; \
                 GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;"
                ),
            ],
            false,
        );
        db
    }

    pub fn url(&self) -> String {
        format!(
            "mysql://root:{PASSWORD}@127.0.0.1:{}/?ssl-mode=disabled",
            self.port
        )
    }

    /// Run SQL with the mariadb client over the socket.
    pub fn sql(&self, args: &[&str], with_password: bool) {
        let mut c = Command::new("mariadb");
        c.arg("--no-defaults")
            .arg(format!("--socket={}", self.dir.join("sock").display()))
            .arg("-uroot");
        if with_password {
            c.arg(format!("-p{PASSWORD}"));
        }
        run(c.args(args), "mariadb client");
    }

    /// The output of `query` as `mysql --batch --raw` writes it (what `data-query` tells
    /// people to run).
    pub fn batch_output(&self, query: &str) -> String {
        use std::io::Write;
        let mut child = Command::new("mariadb")
            .arg("--no-defaults")
            .args(["-h", "127.0.0.1", "-P", &self.port.to_string(), "-uroot"])
            .arg(format!("-p{PASSWORD}"))
            .args(["--batch", "--raw"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the mariadb client runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(query.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "the catalog query failed");
        String::from_utf8(out.stdout).unwrap()
    }

    pub fn source(&self, file: &Path) {
        let text = std::fs::read_to_string(file).unwrap();
        self.script(&text);
    }

    /// Run a script of any length through the client's standard input.
    pub fn script(&self, text: &str) {
        use std::io::Write;
        let mut child = Command::new("mariadb")
            .arg("--no-defaults")
            .arg(format!("--socket={}", self.dir.join("sock").display()))
            .arg("-uroot")
            .arg(format!("-p{PASSWORD}"))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .expect("the mariadb client runs");
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let status = child.wait().unwrap();
        assert!(status.success(), "the mariadb script failed");
    }
}

impl Drop for Mariadb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

//! Where the database password comes from, in this order: the URL; `--db-secret`; an IAM
//! authentication token (`--iam-auth`); the cluster's RDS-managed master user secret; the
//! client's usual environment variable (`MYSQL_PWD`, `PGPASSWORD`). No password or token is
//! ever printed or kept in the snapshot.

use aws_config::SdkConfig;
use serde_json::Value;

use crate::fetch::calls;
use crate::fetch::error::call_error;
use crate::model::{CallError, Snapshot};

/// A secret that never shows in `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// What the reader logs in with, beyond the URL.
#[derive(Debug, Clone, Default)]
pub struct Login {
    pub username: Option<String>,
    pub password: Option<Secret>,
    /// An IAM token: MySQL must send it with the cleartext plugin, over TLS.
    pub iam: bool,
    /// Where the credential came from, for the report.
    pub source: String,
}

/// Does the URL carry a password?
pub fn url_has_password(url: &str) -> bool {
    url.split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
        .and_then(|auth| auth.rsplit_once('@').map(|(cred, _)| cred.contains(':')))
        .unwrap_or(false)
}

/// `(user, host, port)` of a database URL.
fn parts(url: &str) -> (Option<String>, String, u64) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let (user, hostport) = match authority.rsplit_once('@') {
        Some((cred, h)) => (Some(cred.split(':').next().unwrap_or("").to_string()), h),
        None => (None, authority),
    };
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h.to_string(), p.parse().unwrap_or(0)),
        None => (hostport.to_string(), 0),
    };
    (user.filter(|u| !u.is_empty()), host, port)
}

async fn secret(sdk: &SdkConfig, arn: &str) -> Result<(Option<String>, Secret), CallError> {
    let client = aws_sdk_secretsmanager::Client::new(sdk);
    let out = client
        .get_secret_value()
        .secret_id(arn)
        .send()
        .await
        .map_err(|e| call_error(calls::GET_SECRET_VALUE, e))?;
    let text = out.secret_string().ok_or_else(|| {
        CallError::new(
            calls::GET_SECRET_VALUE,
            None,
            format!("secret {arn} holds no text"),
        )
    })?;
    let v: Value = serde_json::from_str(text).map_err(|_| {
        CallError::new(
            calls::GET_SECRET_VALUE,
            None,
            format!("secret {arn} is not the JSON RDS uses ({{\"username\", \"password\"}})"),
        )
    })?;
    let password = v["password"].as_str().ok_or_else(|| {
        CallError::new(
            calls::GET_SECRET_VALUE,
            None,
            format!("secret {arn} has no password"),
        )
    })?;
    Ok((
        v["username"].as_str().map(str::to_string),
        Secret(password.to_string()),
    ))
}

async fn iam_token(sdk: &SdkConfig, url: &str, user: &str) -> Result<Secret, CallError> {
    let (_, host, port) = parts(url);
    let fail = |e: String| CallError::new(calls::RDS_DB_CONNECT, Some("TokenFailed"), e);
    let mut cfg = aws_sdk_rds::auth_token::Config::builder()
        .hostname(host)
        .port(port)
        .username(user);
    if let Some(r) = sdk.region() {
        cfg = cfg.region(r.clone());
    }
    let cfg = cfg.build().map_err(|e| fail(e.to_string()))?;
    aws_sdk_rds::auth_token::AuthTokenGenerator::new(cfg)
        .auth_token(sdk)
        .await
        .map(|t| Secret(t.as_str().to_string()))
        .map_err(|e| fail(format!("cannot sign an IAM authentication token: {e}")))
}

/// Decide how to log in. `sdk` is absent only when no AWS configuration was loaded.
pub async fn login(
    snap: &Snapshot,
    url: &str,
    db_secret: Option<&str>,
    iam_auth: bool,
    db_user: Option<&str>,
    sdk: Option<&SdkConfig>,
) -> Result<Login, CallError> {
    if url_has_password(url) {
        return Ok(Login {
            source: "the database URL".into(),
            ..Login::default()
        });
    }
    let need_sdk = |what: &str| {
        sdk.ok_or_else(|| {
            CallError::new(
                "sql:connect",
                Some("NoAwsConfig"),
                format!("{what} needs AWS credentials, and none were loaded"),
            )
        })
    };
    if let Some(arn) = db_secret {
        let (username, password) = secret(need_sdk("--db-secret")?, arn).await?;
        return Ok(Login {
            username: db_user.map(str::to_string).or(username),
            password: Some(password),
            iam: false,
            source: format!("secret {arn}"),
        });
    }
    let (url_user, _, _) = parts(url);
    if iam_auth {
        let user = db_user
            .map(str::to_string)
            .or(url_user)
            .or(snap
                .source
                .rds()
                .and_then(|r| r.master_username().map(str::to_string)))
            .ok_or_else(|| {
                CallError::new(calls::RDS_DB_CONNECT, None, "--iam-auth needs --db-user")
            })?;
        let token = iam_token(need_sdk("--iam-auth")?, url, &user).await?;
        return Ok(Login {
            username: Some(user.clone()),
            password: Some(token),
            iam: true,
            source: format!("an IAM authentication token for {user}"),
        });
    }
    let secret_arn = snap.source.rds().and_then(|r| r.master_user_secret_arn());
    if let (Some(arn), Some(sdk)) = (secret_arn, sdk) {
        let (username, password) = secret(sdk, arn).await?;
        return Ok(Login {
            username: db_user.map(str::to_string).or(username),
            password: Some(password),
            iam: false,
            source: format!("the cluster's master user secret {arn}"),
        });
    }
    Ok(Login {
        username: db_user.map(str::to_string),
        password: None,
        iam: false,
        source: "the environment (MYSQL_PWD or PGPASSWORD)".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_parts_and_passwords() {
        assert!(url_has_password("postgres://u:p@h:5432/db"));
        assert!(!url_has_password("postgres://u@h:5432/db"));
        assert!(!url_has_password("mysql://h:3306/"));
        assert_eq!(
            parts("mysql://admin@db.example:3306/?ssl-mode=disabled"),
            (Some("admin".into()), "db.example".into(), 3306)
        );
        assert_eq!(format!("{:?}", Secret("hunter2".into())), "Secret(***)");
    }

    fn snapshot() -> Snapshot {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/mysql-provisioned-ok.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[tokio::test]
    async fn iam_auth_signs_a_token_for_the_user_and_a_url_password_wins() {
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_config::Region::new("us-east-1"))
            .credentials_provider(aws_credential_types::Credentials::new(
                "AKIDEXAMPLE",
                "secret",
                None,
                None,
                "test",
            ))
            .http_client(crate::fetch::clients::http_client())
            .load()
            .await;
        let url = "mysql://app@db.example:3306/";
        let login = login(&snapshot(), url, None, true, Some("reader"), Some(&sdk))
            .await
            .unwrap();
        assert!(login.iam);
        assert_eq!(login.username.as_deref(), Some("reader"));
        let token = login.password.unwrap().0;
        assert!(
            token.starts_with("db.example:3306/?Action=connect&DBUser=reader"),
            "{token}"
        );
        assert!(token.contains("X-Amz-Signature="), "{token}");
        assert!(token.contains("AKIDEXAMPLE"), "{token}");
        // The password in the URL wins over everything else.
        let login = login_of("mysql://app:pw@db.example:3306/", &sdk).await;
        assert!(login.password.is_none() && !login.iam);
        assert_eq!(login.source, "the database URL");
    }

    async fn login_of(url: &str, sdk: &SdkConfig) -> Login {
        login(&snapshot(), url, None, true, None, Some(sdk))
            .await
            .unwrap()
    }
}

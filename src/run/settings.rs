//! Settings resolved once, in one place: the command line over the config file over the
//! environment (which the AWS SDK's standard chain reads), with one default per setting.

use std::path::PathBuf;
use std::time::Duration;

use crate::config::file::Loaded;
use crate::fetch::AwsOptions;
use crate::model::reads::Wanted;
use crate::rules::RuleSet;

use super::Error;

/// One attempt of one AWS call (`--timeout`, `timeout`).
pub const DEFAULT_TIMEOUT_SECS: u64 = 20;

/// `--max-lag` / `max_lag`: the limit of every lag rule (`kind = "health"`, `check = "lag"`).
fn set_max_lag(rules: &mut RuleSet, limit: u64) {
    use crate::rules::checks::health::HealthCheck;
    for r in &mut rules.rules {
        if let crate::rules::spec::Check::Health(h) = &mut r.check {
            if h.check == HealthCheck::Lag {
                h.max_seconds = Some(limit);
            }
        }
    }
}

/// What a timeout may be, in seconds, on the command line and in the config file alike.
pub const TIMEOUT_SECS: std::ops::RangeInclusive<u64> = 1..=3600;

/// A timeout's seconds, checked: a whole number in [`TIMEOUT_SECS`].
pub fn timeout_secs(value: i128) -> Result<u64, String> {
    match u64::try_from(value) {
        Ok(n) if TIMEOUT_SECS.contains(&n) => Ok(n),
        _ => Err(format!(
            "must be a whole number of seconds from {} to {}",
            TIMEOUT_SECS.start(),
            TIMEOUT_SECS.end()
        )),
    }
}
/// Connecting to the source database, and each SQL statement (`--sql-timeout`, `sql_timeout`).
pub const DEFAULT_SQL_TIMEOUT_SECS: u64 = 20;
/// The whole wait for one Redshift Data API statement (`--data-api-wait`, `data_api_wait`).
pub const DEFAULT_DATA_API_WAIT_SECS: u64 = 60;

/// What the command line gave (`None`: not given).
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub region: Option<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// `--config FILE`; else `zetl-preflight.toml` here or in a parent directory.
    pub config: Option<PathBuf>,
    pub timeout: Option<u64>,
    pub sql_timeout: Option<u64>,
    pub data_api_wait: Option<u64>,
    /// `--rules-dir DIR`; else the config file's `[rules].dir`.
    pub rules_dir: Option<PathBuf>,
    /// `--select`: replaces the config file's `[rules].select` when given.
    pub select: Vec<String>,
    /// `--ignore`: replaces the config file's `[rules].ignore` when given.
    pub ignore: Vec<String>,
    /// `--max-lag`: the lag limit of ZH001 (over the config file's `max_lag`).
    pub max_lag: Option<u64>,
    /// `--quiet`: warnings are not printed.
    pub quiet: bool,
}

/// Everything a command runs with.
#[derive(Debug)]
pub struct Settings {
    pub config: Loaded,
    /// Region, profile and endpoint as given or configured; what neither says is left to the
    /// standard chain (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, the profile's region, …).
    pub aws: AwsOptions,
    pub sql_timeout: Duration,
    pub data_api_wait: Duration,
    /// `--quiet`: warnings are not printed.
    pub quiet: bool,
    /// The built-in rules, layered with the rules directory, then configured by the config
    /// file's `[rules]` and `[override.*]`.
    pub rules: RuleSet,
}

impl Settings {
    /// Find and read the config file and the rules, and resolve every setting.
    pub fn load(given: &Given) -> Result<Settings, Error> {
        let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
        let config = Loaded::find(given.config.as_deref(), &cwd)?;
        let dir = given.rules_dir.clone().or_else(|| config.rules_dir());
        let set = match dir {
            Some(dir) => RuleSet::embedded_with_dir(&dir)?,
            None => RuleSet::embedded()?,
        };
        for (key, value) in [
            ("timeout", config.file.timeout),
            ("sql_timeout", config.file.sql_timeout),
            ("data_api_wait", config.file.data_api_wait),
        ] {
            if let Some(v) = value {
                timeout_secs(i128::from(v)).map_err(|why| {
                    Error::Usage(format!(
                        "{}: {key} = {v} {why} (the command line's --{} is checked the same way)",
                        config
                            .path
                            .as_deref()
                            .map_or("the config file".into(), |p| p.display().to_string()),
                        key.replace('_', "-")
                    ))
                })?;
            }
        }
        if let Some(v) = config.file.max_lag.filter(|v| !(1..=432_000).contains(v)) {
            return Err(Error::Usage(format!(
                "{}: max_lag = {v} must be a whole number of seconds from 1 to 432000 (as --max-lag)",
                config
                    .path
                    .as_deref()
                    .map_or("the config file".into(), |p| p.display().to_string())
            )));
        }
        let mut selection = config.file.rules.clone();
        let mut from = crate::config::rules::Origins::default();
        if !given.select.is_empty() {
            selection.select = given.select.clone();
            from.select = "--select";
        }
        if !given.ignore.is_empty() {
            selection.ignore = given.ignore.clone();
            from.ignore = "--ignore";
        }
        let mut rules =
            crate::config::rules::configure(set, &selection, &from, &config.file.overrides)?;
        if let Some(limit) = given.max_lag.or(config.file.max_lag) {
            set_max_lag(&mut rules, limit);
        }
        Ok(Settings::resolve(given, config, rules))
    }

    /// Resolve the settings from what was given and a config file already read.
    pub fn resolve(given: &Given, config: Loaded, rules: RuleSet) -> Settings {
        let file = &config.file;
        let secs = |flag: Option<u64>, key: Option<u64>, default: u64| {
            Duration::from_secs(flag.or(key).unwrap_or(default))
        };
        let aws = AwsOptions {
            region: given.region.clone().or_else(|| file.region.clone()),
            profile: given.profile.clone().or_else(|| file.profile.clone()),
            endpoint_url: given
                .endpoint_url
                .clone()
                .or_else(|| file.endpoint_url.clone()),
            timeout: secs(given.timeout, file.timeout, DEFAULT_TIMEOUT_SECS),
        };
        Settings {
            aws,
            quiet: given.quiet,
            sql_timeout: secs(
                given.sql_timeout,
                file.sql_timeout,
                DEFAULT_SQL_TIMEOUT_SECS,
            ),
            data_api_wait: secs(
                given.data_api_wait,
                file.data_api_wait,
                DEFAULT_DATA_API_WAIT_SECS,
            ),
            config,
            rules,
        }
    }

    /// The optional reads the selected rules need (each kind names its own; `tests/reads.rs`
    /// proves the names complete).
    pub fn wanted(&self) -> Wanted {
        self.rules.rules.iter().fold(Wanted::NONE, |w, r| {
            w.union(crate::rules::reads::optional_reads(r))
        })
    }

    /// Every Region the rules' Region data names (available or not), sorted: the run's rules
    /// and the built-in ones (a `--select` that leaves the Region rules out changes nothing).
    pub fn known_regions(&self) -> Vec<String> {
        let builtin = RuleSet::embedded().map(|r| r.rules).unwrap_or_default();
        let mut out: Vec<String> = self
            .rules
            .rules
            .iter()
            .chain(&builtin)
            .filter_map(|r| match &r.check {
                crate::rules::spec::Check::RegionAvailable(r) => {
                    Some(r.available.iter().chain(&r.not_available).cloned())
                }
                _ => None,
            })
            .flatten()
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// A warning when `region` is not one the tool knows and no endpoint was named (an
    /// emulator may use any name): the nearest known names as a suggestion.
    pub fn region_warning(&self, region: &str) -> Option<String> {
        let endpoint = self.aws.endpoint_url.is_some()
            || std::env::var_os("AWS_ENDPOINT_URL").is_some_and(|v| !v.is_empty());
        let known = self.known_regions();
        if endpoint || known.is_empty() || known.iter().any(|r| r == region) {
            return None;
        }
        let mut near: Vec<(usize, &String)> = known
            .iter()
            .map(|r| (strsim::levenshtein(region, r), r))
            .filter(|(d, _)| *d <= 3)
            .collect();
        near.sort();
        let hint = match near.as_slice() {
            [] => String::new(),
            [(_, r), ..] => format!("; did you mean {r}?"),
        };
        Some(format!(
            "'{region}' is not a Region this tool knows (the rules' Region data lists {}){hint}",
            known.len()
        ))
    }

    /// The Region as given or configured, else the environment's (`AWS_REGION`,
    /// `AWS_DEFAULT_REGION`); the profile's own Region needs the SDK's chain.
    pub fn region_hint(&self) -> Option<String> {
        self.aws
            .region
            .clone()
            .or_else(|| std::env::var("AWS_REGION").ok())
            .or_else(|| std::env::var("AWS_DEFAULT_REGION").ok())
            .filter(|r| !r.is_empty())
    }

    /// Credentials given without any call: a profile (given or configured), the
    /// environment's keys, a web identity token or a container's credentials endpoint. (An
    /// instance role is not guessed at: it needs a call, and a CI runner without network
    /// would wait for it.)
    pub fn credentials_given(&self) -> bool {
        self.aws.profile.is_some()
            || [
                "AWS_ACCESS_KEY_ID",
                "AWS_PROFILE",
                "AWS_WEB_IDENTITY_TOKEN_FILE",
                "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
            ]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::file::parse;

    fn with(text: &str, given: &Given) -> Settings {
        let file = parse(std::path::Path::new("t.toml"), text).unwrap();
        let config = Loaded { file, path: None };
        Settings::resolve(given, config, RuleSet::embedded().unwrap())
    }

    /// The flag wins over the config file, which wins over the default; each timeout is its
    /// own setting.
    #[test]
    fn flags_over_config_over_defaults() {
        let s = with("", &Given::default());
        assert_eq!(s.aws.timeout, Duration::from_secs(DEFAULT_TIMEOUT_SECS));
        assert_eq!(s.sql_timeout, Duration::from_secs(DEFAULT_SQL_TIMEOUT_SECS));
        assert_eq!(
            s.data_api_wait,
            Duration::from_secs(DEFAULT_DATA_API_WAIT_SECS)
        );
        let text = "region = \"eu-west-1\"\nprofile = \"ops\"\ntimeout = 7\nsql_timeout = 8\ndata_api_wait = 9\n";
        let s = with(text, &Given::default());
        assert_eq!(s.aws.region.as_deref(), Some("eu-west-1"));
        assert_eq!(s.aws.profile.as_deref(), Some("ops"));
        assert_eq!(
            (s.aws.timeout, s.sql_timeout, s.data_api_wait),
            (
                Duration::from_secs(7),
                Duration::from_secs(8),
                Duration::from_secs(9)
            )
        );
        assert!(s.credentials_given(), "a configured profile is credentials");
        let given = Given {
            region: Some("us-east-2".into()),
            timeout: Some(3),
            sql_timeout: Some(4),
            ..Default::default()
        };
        let s = with(text, &given);
        assert_eq!(s.aws.region.as_deref(), Some("us-east-2"));
        assert_eq!(s.aws.timeout, Duration::from_secs(3));
        assert_eq!(s.sql_timeout, Duration::from_secs(4));
        assert_eq!(s.data_api_wait, Duration::from_secs(9));
    }
}

//! The config file's shape, its discovery and parsing. Unknown keys are errors.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::Severity;

pub const FILE_NAME: &str = "zetl-preflight.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Default AWS Region (the command line wins).
    pub region: Option<String>,
    /// Default named profile (the command line wins).
    pub profile: Option<String>,
    /// Default endpoint URL for every service.
    pub endpoint_url: Option<String>,
    /// Seconds one attempt of one AWS call may take (the command line's --timeout wins).
    pub timeout: Option<u64>,
    /// Seconds for connecting to the source database and for each SQL statement
    /// (`--sql-timeout` wins).
    pub sql_timeout: Option<u64>,
    /// Seconds `audit --tables` waits for one Redshift Data API statement
    /// (`--data-api-wait` wins).
    pub data_api_wait: Option<u64>,
    /// The most lag an existing integration may have, in seconds (ZH001; `--max-lag` wins).
    pub max_lag: Option<u64>,
    /// Tags that say infrastructure as code owns a resource (`KEY` or `KEY=VALUE`), beside
    /// CloudFormation's own `aws:cloudformation:stack-name`: a live `--fix` leaves such a
    /// resource to its code unless `--allow-drift`.
    #[serde(default)]
    pub managed_tags: Vec<ManagedTag>,
    /// Source/target pairs that a plain `zetl-preflight check` checks.
    #[serde(default, rename = "pair")]
    pub pairs: Vec<Pair>,
    /// Other accounts `audit` searches, each through a role it assumes.
    #[serde(default, rename = "account")]
    pub accounts: Vec<Account>,
    #[serde(default)]
    pub rules: RulesConfig,
    /// Overrides of rule data, merged key by key into the rule: `[override.ZM010.check]`.
    #[serde(default, rename = "override")]
    pub overrides: BTreeMap<String, toml::Table>,
    #[serde(default, rename = "suppress")]
    pub suppressions: Vec<Suppression>,
}

/// A tag that marks a resource as owned by infrastructure as code: any value of `key`, or
/// only `value` (compared without regard to case).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(try_from = "String")]
pub struct ManagedTag {
    pub key: String,
    pub value: Option<String>,
}

impl TryFrom<String> for ManagedTag {
    type Error = String;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        let (key, value) = match s.split_once('=') {
            Some((k, v)) => (k.trim(), Some(v.trim().to_string())),
            None => (s.trim(), None),
        };
        if key.is_empty() {
            return Err(format!(
                "managed_tags: '{s}' names no tag key (write KEY or KEY=VALUE, e.g. managed-by=terraform)"
            ));
        }
        Ok(ManagedTag {
            key: key.to_string(),
            value,
        })
    }
}

/// An account for `audit`: the role to assume there, and its Regions (default: the run's).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Account {
    pub role_arn: String,
    #[serde(default)]
    pub regions: Option<Vec<String>>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Pair {
    pub source: String,
    pub target: String,
    /// The customer managed KMS key the integration uses (key id, ARN or alias).
    #[serde(default)]
    pub kms_key: Option<String>,
    /// The integration's additional encryption context (with `kms_key`).
    #[serde(default)]
    pub encryption_context: BTreeMap<String, String>,
    /// The key came from `--kms-key`, not from the file (for messages).
    #[serde(skip)]
    pub key_from_flag: bool,
}

impl Pair {
    /// The pair's key, as the reads take it (`None`: the existing integration's, if any).
    pub fn key(&self) -> Option<crate::fetch::kms::KeyChoice> {
        self.kms_key.as_ref().map(|k| crate::fetch::kms::KeyChoice {
            key: k.clone(),
            origin: if self.key_from_flag {
                "--kms-key".into()
            } else {
                "kms_key of the config file's pair".into()
            },
            encryption_context: self.encryption_context.clone(),
        })
    }

    /// A pair with no key named (the existing integration's, else the AWS owned key).
    pub fn new(source: &str, target: &str) -> Pair {
        Pair {
            source: source.to_string(),
            target: target.to_string(),
            kms_key: None,
            encryption_context: BTreeMap::new(),
            key_from_flag: false,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulesConfig {
    /// Rule codes, code prefixes (`ZM`) or names to run; empty means all.
    #[serde(default)]
    pub select: Vec<String>,
    /// Rule codes, code prefixes or names to leave out.
    #[serde(default)]
    pub ignore: Vec<String>,
    /// Severity per rule code or name.
    #[serde(default)]
    pub severity: BTreeMap<String, Severity>,
    /// A directory of rules files layered over the built-in rules (relative to this file).
    pub dir: Option<PathBuf>,
}

/// Accept a known risk: one rule on one resource, with a reason.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Suppression {
    /// Rule code or name.
    pub rule: String,
    /// The finding's resource: its ARN, or the cluster or workgroup identifier.
    pub resource: String,
    pub reason: String,
    /// Last day the suppression applies (a TOML date, e.g. `2027-03-31`).
    pub expires: Option<toml::value::Datetime>,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {}: {message}", .path.display())]
    Invalid { path: PathBuf, message: String },
    #[error("cannot read config file {}: {source}", .path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// A loaded config file and where it came from.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub path: Option<PathBuf>,
    pub file: ConfigFile,
}

impl Loaded {
    /// `--config PATH`, else `zetl-preflight.toml` in `start` or a parent, else defaults.
    pub fn find(explicit: Option<&Path>, start: &Path) -> Result<Loaded, ConfigError> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => start
                .ancestors()
                .map(|d| d.join(FILE_NAME))
                .find(|p| p.is_file()),
        };
        match path {
            None => Ok(Loaded::default()),
            Some(path) => {
                let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                let file = parse(&path, &text)?;
                Ok(Loaded {
                    path: Some(path),
                    file,
                })
            }
        }
    }

    /// The rules directory, resolved against the config file's directory.
    pub fn rules_dir(&self) -> Option<PathBuf> {
        let dir = self.file.rules.dir.as_ref()?;
        Some(match self.path.as_ref().and_then(|p| p.parent()) {
            Some(base) if dir.is_relative() => base.join(dir),
            _ => dir.clone(),
        })
    }
}

pub fn parse(path: &Path, text: &str) -> Result<ConfigFile, ConfigError> {
    let invalid = |message: String| ConfigError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let file: ConfigFile =
        toml::from_str(text).map_err(|e| invalid(crate::rules::one_line_toml_error(text, &e)))?;
    for s in &file.suppressions {
        if s.reason.trim().is_empty() {
            return Err(invalid(format!(
                "the suppression of {} on {} needs a reason",
                s.rule, s.resource
            )));
        }
        if s.expires
            .is_some_and(|d| d.date.is_none() || d.time.is_some())
        {
            return Err(invalid(format!(
                "the suppression of {} on {}: expires must be a date like 2027-03-31",
                s.rule, s.resource
            )));
        }
    }
    Ok(file)
}

/// The starter file `zetl-preflight init` writes.
pub const STARTER: &str = r#"# zetl-preflight configuration. The command line overrides everything here.
# Docs: docs/config.md in the zetl-preflight repository.

# Defaults for the AWS connection (else the standard chain: AWS_REGION, AWS_PROFILE, ...).
# region = "us-east-1"
# profile = "prod"

# The pairs a plain `zetl-preflight check` checks. Add one [[pair]] per integration.
# [[pair]]
# source = "orders-db"                 # Aurora DB cluster, RDS DB instance, or an ARN
# target = "analytics"                 # Redshift cluster, Serverless workgroup, or namespace ARN
# kms_key = "alias/zero-etl"           # optional: the integration's customer managed KMS key
# encryption_context = { team = "orders" }   # optional, with kms_key

[rules]
# Run only these (codes, code prefixes such as "ZM", or names); empty means every rule.
select = []
# Leave these out.
ignore = []
# Change a rule's severity: "error" fails the run, "warning" does not (unless --fail-on warning).
# severity = { ZR005 = "error", ZM009 = "error" }
# A directory of your own rules files, layered over the built-in ones.
# dir = "zetl-rules"

# Change rule data when AWS changes a requirement, key by key.
# [override.ZM010.check]
# minimum = "3.07.0"

# Accept a known risk on one resource. A reason is required; `expires` is optional.
# A suppression that matches nothing, or has expired, is reported.
# [[suppress]]
# rule = "ZR005"
# resource = "arn:aws:redshift:us-east-1:123456789012:namespace:..."
# reason = "single-node dev cluster; the integration works, AWS documents two nodes"
# expires = 2027-03-31
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starter_file_parses() {
        parse(Path::new("starter"), STARTER).unwrap();
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let err = parse(
            Path::new("z.toml"),
            "region = \"x\"\n[rules]\nselekt = []\n",
        )
        .unwrap_err();
        let msg = err.to_string();
        assert!(
            msg.contains("z.toml") && msg.contains("selekt") && msg.contains("line 3"),
            "{msg}"
        );
    }

    #[test]
    fn suppression_needs_reason_and_date() {
        let text = "[[suppress]]\nrule = \"ZR005\"\nresource = \"r\"\nreason = \" \"\n";
        assert!(parse(Path::new("z"), text)
            .unwrap_err()
            .to_string()
            .contains("needs a reason"));
        let text = "[[suppress]]\nrule = \"ZR005\"\nresource = \"r\"\nreason = \"ok\"\nexpires = 2027-01-01T00:00:00Z\n";
        assert!(parse(Path::new("z"), text)
            .unwrap_err()
            .to_string()
            .contains("a date"));
        let text = "[[suppress]]\nrule = \"ZR005\"\nresource = \"r\"\nreason = \"ok\"\n";
        assert!(parse(Path::new("z"), text).is_ok());
    }
}

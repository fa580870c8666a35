//! Rule selection, severity overrides and rule-data overrides from the config file.

use std::collections::BTreeMap;

use crate::rules::spec::Rule;
use crate::rules::{RuleSet, RulesError};

use super::file::RulesConfig;

/// Does `key` name this rule: its code, its name, or a code prefix such as `ZM`?
pub fn names(key: &str, rule: &Rule) -> bool {
    rule.code.eq_ignore_ascii_case(key)
        || rule.name == key
        || (!key.is_empty()
            && key.chars().all(|c| c.is_ascii_alphanumeric())
            && rule.code.starts_with(&key.to_ascii_uppercase()))
}

/// Where the selection came from, for messages: a flag, or the config file's `[rules]`.
#[derive(Debug, Clone, Copy)]
pub struct Origins {
    pub select: &'static str,
    pub ignore: &'static str,
}

impl Default for Origins {
    fn default() -> Self {
        Origins {
            select: FILE,
            ignore: FILE,
        }
    }
}

const FILE: &str = "config file [rules]";

fn check_known(set: &RuleSet, key: &str, table: &str, from: &str) -> Result<(), RulesError> {
    if set.rules.iter().any(|r| names(key, r)) {
        return Ok(());
    }
    let what = if from == FILE {
        format!("{table} names '{key}'")
    } else {
        format!("'{key}'")
    };
    Err(RulesError {
        file: from.into(),
        message: format!(
            "{what}, which is no rule's code, prefix or name (zetl-preflight rules lists them)"
        ),
    })
}

/// Apply `[rules]` and `[override.*]` to a rule set.
pub fn configure(
    mut set: RuleSet,
    cfg: &RulesConfig,
    from: &Origins,
    overrides: &BTreeMap<String, toml::Table>,
) -> Result<RuleSet, RulesError> {
    for key in &cfg.select {
        check_known(&set, key, "select", from.select)?;
    }
    for key in &cfg.ignore {
        check_known(&set, key, "ignore", from.ignore)?;
    }
    for key in cfg.severity.keys() {
        check_known(&set, key, "severity", FILE)?;
    }
    for (key, table) in overrides {
        let Some(slot) = set
            .rules
            .iter_mut()
            .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == *key)
        else {
            return Err(RulesError {
                file: format!("config file [override.{key}]"),
                message: format!("'{key}' is no rule's code or name"),
            });
        };
        *slot = merged(slot, table).map_err(|message| RulesError {
            file: format!("config file [override.{key}]"),
            message,
        })?;
    }
    set.rules.retain(|r| {
        (cfg.select.is_empty() || cfg.select.iter().any(|k| names(k, r)))
            && !cfg.ignore.iter().any(|k| names(k, r))
    });
    for r in &mut set.rules {
        if let Some((_, sev)) = cfg.severity.iter().find(|(k, _)| names(k, r)) {
            r.severity = *sev;
        }
    }
    set.validate()?;
    Ok(set)
}

/// The rule with `table` merged into its data, key by key (tables merge, values replace).
fn merged(rule: &Rule, table: &toml::Table) -> Result<Rule, String> {
    if table.contains_key("code") {
        return Err("the code of a rule cannot be overridden".into());
    }
    let mut value = toml::Value::try_from(rule).map_err(|e| e.to_string())?;
    merge(&mut value, &toml::Value::Table(table.clone()));
    value
        .try_into::<Rule>()
        .map_err(|e| e.message().split_whitespace().collect::<Vec<_>>().join(" "))
}

fn merge(into: &mut toml::Value, from: &toml::Value) {
    match (into, from) {
        (toml::Value::Table(a), toml::Value::Table(b)) => {
            for (k, v) in b {
                match a.get_mut(k) {
                    Some(slot) => merge(slot, v),
                    None => {
                        a.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (slot, v) => *slot = v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Severity;
    use crate::rules::spec::Check;

    fn cfg(text: &str) -> super::super::ConfigFile {
        super::super::file::parse(std::path::Path::new("t.toml"), text).unwrap()
    }

    #[test]
    fn select_ignore_and_severity() {
        let c = cfg("[rules]\nselect = [\"ZM\", \"node-type\"]\nignore = [\"ZM009\"]\nseverity = { ZR004 = \"warning\" }\n");
        let set = configure(
            RuleSet::embedded().unwrap(),
            &c.rules,
            &Origins::default(),
            &c.overrides,
        )
        .unwrap();
        assert!(set
            .rules
            .iter()
            .all(|r| r.code.starts_with("ZM") || r.code == "ZR004"));
        assert!(set.find("ZM009").is_none());
        assert_eq!(set.find("ZR004").unwrap().severity, Severity::Warning);
    }

    #[test]
    fn override_merges_rule_data() {
        let c = cfg(
            "[override.ZM010.check]\nminimum = \"3.07.0\"\n[override.ZM010]\ntitle = \"ours\"\n",
        );
        let set = configure(
            RuleSet::embedded().unwrap(),
            &c.rules,
            &Origins::default(),
            &c.overrides,
        )
        .unwrap();
        let r = set.find("ZM010").unwrap();
        assert_eq!(r.title, "ours");
        assert!(
            matches!(&r.check, Check::EngineVersion(v) if v.minimum.as_deref() == Some("3.07.0"))
        );
    }

    #[test]
    fn unknown_names_and_bad_overrides_are_errors() {
        let c = cfg("[rules]\nignore = [\"ZX\"]\n");
        assert!(configure(
            RuleSet::embedded().unwrap(),
            &c.rules,
            &Origins::default(),
            &c.overrides,
        )
        .is_err());
        let c = cfg("[override.ZM010.check]\nminimun = \"3.07.0\"\n");
        let e = configure(
            RuleSet::embedded().unwrap(),
            &c.rules,
            &Origins::default(),
            &c.overrides,
        )
        .unwrap_err();
        assert!(e.to_string().contains("minimun"), "{e}");
    }
}

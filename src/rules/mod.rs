//! Rules: data in `rules/*.toml` (embedded at build time), and the engine that runs them.

pub mod checks;
pub mod condition;
pub mod effective;
pub mod engine;
pub mod fix_text;
pub mod iam;
pub mod integration_causes;
pub mod outcome;
pub mod reads;
pub mod spec;

use std::path::Path;

pub use engine::evaluate;
pub use spec::Rule;

/// The rules files compiled into the binary.
pub const EMBEDDED: &[(&str, &str)] = &[
    (
        "rules/aurora-cluster.toml",
        include_str!("../../rules/aurora-cluster.toml"),
    ),
    (
        "rules/aurora-mysql.toml",
        include_str!("../../rules/aurora-mysql.toml"),
    ),
    (
        "rules/aurora-postgresql.toml",
        include_str!("../../rules/aurora-postgresql.toml"),
    ),
    (
        "rules/redshift.toml",
        include_str!("../../rules/redshift.toml"),
    ),
    (
        "rules/authorization.toml",
        include_str!("../../rules/authorization.toml"),
    ),
    (
        "rules/integrations.toml",
        include_str!("../../rules/integrations.toml"),
    ),
    ("rules/data.toml", include_str!("../../rules/data.toml")),
    (
        "rules/rds-mysql.toml",
        include_str!("../../rules/rds-mysql.toml"),
    ),
    (
        "rules/rds-postgresql.toml",
        include_str!("../../rules/rds-postgresql.toml"),
    ),
    (
        "rules/rds-oracle.toml",
        include_str!("../../rules/rds-oracle.toml"),
    ),
    ("rules/kms.toml", include_str!("../../rules/kms.toml")),
    (
        "rules/creator.toml",
        include_str!("../../rules/creator.toml"),
    ),
    (
        "rules/deployment.toml",
        include_str!("../../rules/deployment.toml"),
    ),
    ("rules/health.toml", include_str!("../../rules/health.toml")),
    (
        "rules/dynamodb.toml",
        include_str!("../../rules/dynamodb.toml"),
    ),
];

#[derive(Debug, thiserror::Error)]
#[error("{file}: {message}")]
pub struct RulesError {
    pub file: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct RuleSet {
    pub rules: Vec<Rule>,
    /// Integration error causes, in the order the files list them: the first whose words
    /// match an error names its cause.
    pub causes: Vec<spec::Cause>,
}

impl RuleSet {
    /// The rules shipped with this build.
    pub fn embedded() -> Result<RuleSet, RulesError> {
        RuleSet::from_sources(EMBEDDED.iter().map(|(n, t)| (n.to_string(), t.to_string())))
    }

    /// The embedded rules, with every `*.toml` in `dir` layered on top: a rule whose code
    /// matches an embedded one replaces it, any other is added.
    pub fn embedded_with_dir(dir: &Path) -> Result<RuleSet, RulesError> {
        let mut set = RuleSet::embedded()?;
        let io_err = |e: std::io::Error| RulesError {
            file: format!("rules directory {}", dir.display()),
            message: format!("cannot read it: {e}"),
        };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io_err)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|e| RulesError {
                file: format!("rules file {}", path.display()),
                message: format!("cannot read it: {e}"),
            })?;
            let file = parse_file(&path.display().to_string(), &text)?;
            for rule in file.rules {
                match set.rules.iter_mut().find(|r| r.code == rule.code) {
                    Some(slot) => *slot = rule,
                    None => set.rules.push(rule),
                }
            }
            for cause in file.causes {
                match set.causes.iter_mut().find(|c| c.what == cause.what) {
                    Some(slot) => *slot = cause,
                    None => set.causes.push(cause),
                }
            }
        }
        set.validate()?;
        set.validate_causes()?;
        Ok(set)
    }

    pub fn from_sources(
        sources: impl IntoIterator<Item = (String, String)>,
    ) -> Result<RuleSet, RulesError> {
        let (mut rules, mut causes) = (Vec::new(), Vec::new());
        for (name, text) in sources {
            let file = parse_file(&name, &text)?;
            rules.extend(file.rules);
            causes.extend(file.causes);
        }
        let set = RuleSet { rules, causes };
        set.validate()?;
        set.validate_causes()?;
        Ok(set)
    }

    /// Find a rule by code (case-insensitive) or name.
    pub fn find(&self, key: &str) -> Option<&Rule> {
        self.rules
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(key) || r.name == key)
    }

    pub(crate) fn validate(&self) -> Result<(), RulesError> {
        let mut seen = std::collections::HashSet::new();
        for r in &self.rules {
            let bad = |message: String| RulesError {
                file: format!("rule {}", r.code),
                message,
            };
            let code_ok = r.code.len() >= 3
                && r.code
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                && r.code
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_uppercase());
            if !code_ok {
                return Err(bad(format!(
                    "code '{}' must be upper-case letters then digits, like ZM001",
                    r.code
                )));
            }
            let kebab = !r.name.is_empty()
                && r.name.split('-').all(|p| {
                    !p.is_empty()
                        && p.chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
                });
            if !kebab {
                return Err(bad(format!("name '{}' must be kebab-case", r.name)));
            }
            if !seen.insert(r.code.clone()) || !seen.insert(format!("name:{}", r.name)) {
                return Err(bad(format!("code or name '{}' is used twice", r.name)));
            }
            r.check.kind().validate().map_err(bad)?;
            if r.docs.references.is_empty()
                || r.docs.references.iter().any(|u| !u.starts_with("https://"))
            {
                return Err(bad("docs.references needs at least one https:// URL".into()));
            }
        }

        Ok(())
    }

    /// Every cause names rules of the loaded set (before any selection narrows it).
    fn validate_causes(&self) -> Result<(), RulesError> {
        for c in &self.causes {
            let bad = |message: String| RulesError {
                file: format!("cause '{}'", c.what),
                message,
            };
            if c.words.is_empty() || c.words.iter().any(|w| *w != w.to_lowercase()) {
                return Err(bad(
                    "words needs at least one lower-case word or phrase".into()
                ));
            }
            if let Some(code) = c.rules.iter().find(|code| self.find(code).is_none()) {
                return Err(bad(format!(
                    "names rule {code}, which no rules file defines"
                )));
            }
            if !c.reference.starts_with("https://") {
                return Err(bad("reference needs an https:// URL".into()));
            }
        }
        Ok(())
    }
}

fn parse_file(name: &str, text: &str) -> Result<spec::RuleFile, RulesError> {
    toml::from_str::<spec::RuleFile>(text).map_err(|e| RulesError {
        file: format!("rules file {name}"),
        message: one_line_toml_error(text, &e),
    })
}

/// `line L, column C: message`, on one line (toml's own rendering spans several).
pub fn one_line_toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = e.message().split_whitespace().collect::<Vec<_>>().join(" ");
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {message}")
        }
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rules_load() {
        let set = RuleSet::embedded().expect("embedded rules are valid");
        assert!(set.rules.len() >= 30, "only {} rules", set.rules.len());
    }

    #[test]
    fn every_rules_file_is_embedded() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = format!("rules/{}", entry.unwrap().file_name().to_string_lossy());
            assert!(
                EMBEDDED.iter().any(|(n, _)| *n == name),
                "{name} is not listed in rules::EMBEDDED"
            );
        }
    }

    #[test]
    fn unknown_key_names_the_key_and_line() {
        let text = "[[rule]]\ncode = \"ZX001\"\nnmae = \"x\"\n";
        let err = RuleSet::from_sources([("bad.toml".to_string(), text.to_string())]).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("bad.toml"), "{msg}");
        assert!(msg.contains("nmae"), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
    }

    /// A cause must name rules that exist, so a renamed code cannot leave it pointing nowhere.
    #[test]
    fn a_cause_names_rules_that_exist() {
        let mut sources: Vec<(String, String)> = EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        sources.push((
            "extra.toml".into(),
            "[[cause]]\nwhat = \"x\"\nwords = [\"x\"]\nrules = [\"ZZ999\"]\nreference = \"https://example.com\"\n".into(),
        ));
        let err = RuleSet::from_sources(sources).unwrap_err();
        assert!(err.to_string().contains("ZZ999"), "{err}");
        assert!(!RuleSet::embedded().unwrap().causes.is_empty());
    }
}

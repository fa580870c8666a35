//! `check --terraform-plan PLAN --fix`: the deployment's findings become edits of its `.tf`
//! files ([`crate::edit`]), shown as a unified diff (one `git apply` takes), and written only
//! with consent and only where the file is still as it was read. After writing, each file is
//! read back and every setting compared with what the fix meant to write.

use std::path::Path;

use crate::fix::code::json;
use crate::fix::code::plan::{plan as plan_edits, AttributeSetting, ManualEdit};
use crate::fix::code::policy::PolicyEdit;
use crate::fix::code::terraform::{
    add_policy_resource, add_statements, read_attribute, read_setting, read_sids, set_attribute,
    set_nested, NestedSetting,
};
use crate::fix::code::tree::Node;
use crate::fix::code::yaml::{self, ListSetting, MapSetting};
use crate::model::{Finding, Snapshot};
use crate::rules::RuleSet;

/// One file's change.
#[derive(Debug, Clone)]
pub struct FileChange {
    /// The file, as reports name it (relative to the current directory when below it).
    pub file: String,
    pub before: String,
    pub after: String,
    /// The rules it makes pass.
    pub rules: Vec<String>,
    /// What each resource must read back as.
    pub settings: Vec<Meant>,
}

/// One setting as it must read back: in a Terraform resource (kind, name), or in a template
/// resource whose logical id is on a line.
#[derive(Debug, Clone)]
pub enum Meant {
    Terraform((String, String), NestedSetting),
    Template(usize, MapSetting),
    TemplateList(usize, ListSetting),
    /// Policy statements, by their `Sid`s: in a Terraform `aws_redshift_resource_policy`
    /// (true) or a template (false).
    Statements(bool, Vec<String>),
    /// A Terraform resource's own attribute and its value.
    Attribute((String, String), String, String),
}

impl Meant {
    /// The same setting after lines were inserted or removed in its file: a template
    /// resource below `from` moved by `delta` lines.
    fn shifted(self, shift: (usize, isize)) -> Meant {
        match self {
            Meant::Template(l, s) => Meant::Template(moved(l, shift), s),
            Meant::TemplateList(l, s) => Meant::TemplateList(moved(l, shift), s),
            other => other,
        }
    }

    fn holds(&self, text: &str) -> bool {
        match self {
            Meant::Terraform((kind, name), s) => {
                read_setting(text, (kind, name), s).as_deref() == Some(s.value.1.as_str())
            }
            Meant::Template(line, s) => {
                let read = match json_text(text) {
                    true => json::read_in_map(text, *line, &s.path, &s.key),
                    false => yaml::read_in_map(text, *line, &s.path, &s.key),
                };
                read.as_deref() == Some(s.value.as_str())
            }
            Meant::TemplateList(line, s) => {
                let read = match json_text(text) {
                    true => json::read_in_list(text, *line, s),
                    false => yaml::read_in_list(text, *line, s),
                };
                read.as_deref() == Some(s.value.1.as_str())
            }
            Meant::Attribute((kind, name), attr, value) => {
                read_attribute(text, (kind, name), attr).as_deref() == Some(value.as_str())
            }
            Meant::Statements(terraform, sids) => {
                let read = match (terraform, json_text(text)) {
                    (true, _) => read_sids(text, "aws_redshift_resource_policy"),
                    (false, true) => json::read_sids(text),
                    (false, false) => yaml::read_sids(text),
                };
                sids.iter().all(|s| read.contains(s))
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Meant::Terraform((kind, name), s) => format!("{kind}.{name} {} {}", s.block, s.key.1),
            Meant::Template(line, s) => format!("{}.{} (line {line})", s.path.join("."), s.key),
            Meant::TemplateList(line, s) => {
                format!("{} {} (line {line})", s.path.join("."), s.name.1)
            }
            Meant::Statements(_, sids) => format!("the policy statements {}", sids.join(", ")),
            Meant::Attribute((kind, name), attr, _) => format!("{kind}.{name} {attr}"),
        }
    }
}

/// A template's settings written into `text` for the resource on `line`: the group's
/// `Parameters` map, a workgroup's `ConfigParameters` list, a Redshift group's `Parameters`
/// list.
fn template(
    text: &str,
    (line, role): (usize, &str),
    settings: &[NestedSetting],
) -> (Result<String, String>, Vec<Meant>) {
    let mut meant = Vec::new();
    let mut out = text.to_string();
    for s in settings {
        // A workgroup's ConfigParameters and a Redshift group's Parameters are lists of
        // name/value objects; an RDS group's Parameters is a map.
        let list = match (s.block.as_str(), role) {
            ("config_parameter", _) => Some(("ConfigParameters", "ParameterKey")),
            (_, "target_group") => Some(("Parameters", "ParameterName")),
            _ => None,
        };
        let step = if let Some((field, name)) = list {
            let l = ListSetting {
                path: vec!["Properties".into(), field.into()],
                name: (name.into(), s.key.1.clone()),
                value: ("ParameterValue".into(), s.value.1.clone()),
            };
            let r = match json_text(&out) {
                true => json::set_in_list(&out, line, &l),
                false => yaml::set_in_list(&out, line, &l),
            };
            meant.push(Meant::TemplateList(line, l));
            r
        } else {
            let m = MapSetting::parameter(&s.key.1, &s.value.1);
            let r = match json_text(&out) {
                true => json::set_in_map(&out, line, std::slice::from_ref(&m)),
                false => yaml::set_in_map(&out, line, std::slice::from_ref(&m)),
            };
            meant.push(Meant::Template(line, m));
            r
        };
        match step {
            Ok(t) => out = t,
            Err(e) => return (Err(e), meant),
        }
    }
    (Ok(out), meant)
}

/// A policy's statements written into `text`: a Terraform policy resource's (or a new one),
/// or a template resource's `NamespaceResourcePolicy` (the resource on `line`).
fn policy(
    text: &str,
    resource: (&str, &str),
    line: Option<u32>,
    p: &PolicyEdit,
) -> (Result<String, String>, Vec<Meant>) {
    let sids = p
        .statements
        .iter()
        .filter_map(|s| s.sid().map(str::to_string))
        .collect();
    let edited = match (line, &p.attach_to) {
        (None, Some(arn)) => add_policy_resource(text, arn, &p.statements),
        (None, None) => add_statements(text, resource, &p.statements),
        (Some(l), _) if json_text(text) => json::add_statements(text, l as usize, &p.statements),
        (Some(l), _) => yaml::add_statements(text, l as usize, &p.statements),
    };
    (edited, vec![Meant::Statements(line.is_none(), sids)])
}

/// A resource's own attribute written into `text`: Terraform's (the resource by its labels)
/// or a template resource's property (the resource on `line`).
fn attribute(
    text: &str,
    resource: (&str, &str),
    line: Option<u32>,
    a: &AttributeSetting,
) -> (Result<String, String>, Meant) {
    match line {
        None => {
            let value = match a.typed {
                true => Node::Expr(a.value.clone()),
                false => Node::Text(a.value.clone()),
            };
            (
                set_attribute(text, resource, &a.terraform, &value, a.reference),
                Meant::Attribute(
                    (resource.0.to_string(), resource.1.to_string()),
                    a.terraform.clone(),
                    a.value.clone(),
                ),
            )
        }
        Some(l) => {
            // `Outer.Inner`: a property of a nested property map.
            let mut path = vec!["Properties".to_string()];
            let mut names: Vec<&str> = a.template.split('.').collect();
            let key = names.pop().unwrap_or_default();
            path.extend(names.iter().map(|n| n.to_string()));
            let m = MapSetting {
                path,
                key: key.to_string(),
                value: a.value.clone(),
                typed: a.typed,
            };
            let r = match json_text(text) {
                true => json::set_in_map(text, l as usize, std::slice::from_ref(&m)),
                false => yaml::set_in_map(text, l as usize, std::slice::from_ref(&m)),
            };
            (r, Meant::Template(l as usize, m))
        }
    }
}

/// Where `line` is after an edit that changed the file from line `from` on and added `delta`
/// lines: a line below it moved.
fn moved(line: usize, (from, delta): (usize, isize)) -> usize {
    if line > from {
        line.saturating_add_signed(delta)
    } else {
        line
    }
}

/// The first line (1-based) where `after` differs from `before`, and how many lines it has
/// more (or fewer).
fn line_shift(before: &str, after: &str) -> (usize, isize) {
    let first = before
        .lines()
        .zip(after.lines())
        .take_while(|(a, b)| a == b)
        .count()
        + 1;
    let delta = after.lines().count() as isize - before.lines().count() as isize;
    (first, delta)
}

/// A template written in JSON (it opens with `{`), not YAML.
fn json_text(text: &str) -> bool {
    text.trim_start().starts_with('{')
}

/// Every change, and what stays by hand.
#[derive(Debug, Clone, Default)]
pub struct SourceFix {
    pub changes: Vec<FileChange>,
    pub manual: Vec<ManualEdit>,
}

/// Plan the edits for every pair of a deployment, reading the files they touch.
pub fn plan(checked: &[(&Snapshot, &[Finding])], rules: &RuleSet, unsafe_fixes: bool) -> SourceFix {
    let mut out = SourceFix::default();
    // (file index, (line, lines added)) of each edit made, in order: a template resource
    // below an edit above it has moved.
    let mut shifts: Vec<(usize, (usize, isize))> = Vec::new();
    for (snap, findings) in checked {
        let p = plan_edits(snap, findings, rules, unsafe_fixes);
        for m in p.manual {
            if !out.manual.contains(&m) {
                out.manual.push(m);
            }
        }
        for e in p.edits {
            let at = match out.changes.iter().position(|c| c.file == e.file) {
                Some(i) => i,
                None => match std::fs::read_to_string(&e.file) {
                    Ok(text) => {
                        out.changes.push(FileChange {
                            file: e.file.clone(),
                            before: text.clone(),
                            after: text,
                            rules: Vec::new(),
                            settings: Vec::new(),
                        });
                        out.changes.len() - 1
                    }
                    Err(err) => {
                        for rule in &e.rules {
                            out.manual.push(ManualEdit {
                                rule: rule.clone(),
                                why: format!("{} cannot be read: {err}", e.file),
                                text: None,
                            });
                        }
                        continue;
                    }
                },
            };
            let c = &mut out.changes[at];
            // A template resource's line, after what earlier edits inserted above it.
            let mut e = e;
            e.line = e.line.map(|l| {
                shifts
                    .iter()
                    .filter(|(file, _)| *file == at)
                    .fold(l as usize, |l, (_, shift)| moved(l, *shift)) as u32
            });
            let resource = (e.resource.0.as_str(), e.resource.1.as_str());
            let mut meant = Vec::new();
            let mut edited = Ok(c.after.clone());
            if let Some(p) = &e.policy {
                let (r, m) = policy(&c.after, resource, e.line, p);
                edited = r;
                meant.extend(m);
            }
            for a in &e.attributes {
                let Ok(text) = &edited else { break };
                let (r, m) = attribute(text, resource, e.line, a);
                edited = r;
                meant.push(m);
            }
            if let (false, Ok(text)) = (e.settings.is_empty(), &edited) {
                let (r, m) = match e.line {
                    None => (
                        set_nested(text, resource, &e.settings),
                        e.settings
                            .iter()
                            .map(|s| Meant::Terraform(e.resource.clone(), s.clone()))
                            .collect::<Vec<_>>(),
                    ),
                    Some(line) => template(text, (line as usize, &e.role), &e.settings),
                };
                edited = r;
                meant.extend(m);
            }
            match edited {
                Ok(text) => {
                    // What this edit moved: the resources below its first changed line.
                    let shift = line_shift(&c.after, &text);
                    c.settings = std::mem::take(&mut c.settings)
                        .into_iter()
                        .map(|m| m.shifted(shift))
                        .collect();
                    shifts.push((at, shift));
                    c.after = text;
                    c.rules.extend(e.rules.iter().cloned());
                    c.settings.extend(meant);
                }
                Err(why) => {
                    for rule in &e.rules {
                        out.manual.push(ManualEdit {
                            rule: rule.clone(),
                            why: format!("{} in {}: {why}", e.address, e.file),
                            text: None,
                        });
                    }
                }
            }
        }
    }
    out.changes.retain(|c| c.after != c.before);
    for c in &mut out.changes {
        c.rules.sort();
        c.rules.dedup();
    }
    out
}

/// The changes as one unified diff, with `a/` and `b/` paths as `git apply` reads them.
pub fn diff(fix: &SourceFix) -> String {
    let mut out = String::new();
    for c in &fix.changes {
        let d = similar::TextDiff::from_lines(&c.before, &c.after);
        out.push_str(&format!("diff --git a/{0} b/{0}\n", c.file));
        out.push_str(
            &d.unified_diff()
                .context_radius(3)
                .header(&format!("a/{}", c.file), &format!("b/{}", c.file))
                .to_string(),
        );
    }
    out
}

/// What writing one file came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// Written, and every setting read back as meant.
    Verified,
    /// Not written, and why (changed on disk since it was read, cannot be written).
    NotWritten(String),
    /// Written, but reading it back did not show the settings meant (named).
    Differs(String),
}

/// Write each change whose file is still as it was read (atomically: a new file renamed over
/// the old, with its permissions), then read it back.
pub fn write(fix: &SourceFix) -> Vec<Written> {
    fix.changes.iter().map(write_one).collect()
}

fn write_one(c: &FileChange) -> Written {
    let path = Path::new(&c.file);
    match std::fs::read_to_string(path) {
        Ok(now) if now == c.before => {}
        Ok(_) => {
            return Written::NotWritten(format!(
                "{} changed since it was read: nothing was written to it; run the fix again",
                c.file
            ))
        }
        Err(e) => return Written::NotWritten(format!("{} cannot be read again: {e}", c.file)),
    }
    if let Err(e) = replace(path, &c.after) {
        return Written::NotWritten(format!("{} cannot be written: {e}", c.file));
    }
    let back = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return Written::Differs(format!("{} cannot be read back: {e}", c.file)),
    };
    let wrong: Vec<String> = c
        .settings
        .iter()
        .filter(|m| !m.holds(&back))
        .map(Meant::describe)
        .collect();
    if wrong.is_empty() {
        Written::Verified
    } else {
        Written::Differs(format!(
            "{} was written, but reading it back does not show {}",
            c.file,
            wrong.join(", ")
        ))
    }
}

/// `path`'s content replaced by `text` in one rename, keeping its permissions.
fn replace(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let permissions = std::fs::metadata(path)?.permissions();
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().set_permissions(permissions)?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

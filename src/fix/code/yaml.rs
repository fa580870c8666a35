//! CloudFormation YAML edits that keep the template as it was written: the resource's block
//! is found by its logical id's line and the indentation below it, and only the lines of the
//! change are written (a map entry's value replaced, or an entry added after the map's last
//! one with its indentation). Comments, key order, blank lines and short-form tags such as
//! `!Ref` and `!Sub` stay byte for byte; nothing is re-serialized. Flow style (`{…}`) and
//! block scalars are refused with the reason.

use super::terraform::Refusal;
use super::tree::{yaml_item, yaml_text as scalar, Node};

/// One entry of a map under the resource: `Properties.Parameters.<key>: <value>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapSetting {
    /// The keys from the resource down to the map: `["Properties", "Parameters"]`.
    pub path: Vec<String>,
    pub key: String,
    pub value: String,
    /// Written as YAML or JSON types it (`true`, `2`), not as a string.
    pub typed: bool,
}

impl MapSetting {
    /// A parameter group's parameter: `Properties.Parameters.<name>: <value>`.
    pub fn parameter(name: &str, value: &str) -> MapSetting {
        MapSetting {
            path: vec!["Properties".into(), "Parameters".into()],
            key: name.into(),
            value: value.into(),
            typed: false,
        }
    }

    /// A resource property written as its type: `Properties.Encrypted: true`.
    pub fn property(name: &str, value: &str) -> MapSetting {
        MapSetting {
            path: vec!["Properties".into()],
            key: name.into(),
            value: value.into(),
            typed: true,
        }
    }
}

/// One line with its end, and where it starts in the text.
struct Line<'a> {
    start: usize,
    text: &'a str,
}

fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    for l in text.split_inclusive('\n') {
        out.push(Line { start, text: l });
        start += l.len();
    }
    out
}

fn content(l: &str) -> &str {
    l.trim_end_matches(['\n', '\r'])
}

fn indent(l: &str) -> usize {
    l.len() - l.trim_start_matches(' ').len()
}

fn is_content(l: &str) -> bool {
    let t = content(l).trim();
    !t.is_empty() && !t.starts_with('#')
}

/// The index after the last line of the block that opens at `at` (its lines are indented
/// more than `at`'s), and the last content line in it.
fn block(ls: &[Line], at: usize) -> (usize, Option<usize>) {
    let own = indent(ls[at].text);
    let mut last = None;
    for (i, l) in ls.iter().enumerate().skip(at + 1) {
        if !is_content(l.text) {
            continue;
        }
        if indent(l.text) <= own {
            break;
        }
        last = Some(i);
    }
    (last.map_or(at + 1, |i| i + 1), last)
}

/// `key` as a mapping key at the start of `line` (plain or quoted): the rest after the colon.
fn keyed<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let t = content(line).trim_start();
    for k in [key.to_string(), format!("\"{key}\""), format!("'{key}'")] {
        if let Some(rest) = t.strip_prefix(k.as_str()).and_then(|r| r.strip_prefix(':')) {
            if rest.is_empty() || rest.starts_with([' ', '\t']) {
                return Some(rest);
            }
        }
    }
    None
}

/// The child of the line at `at` whose key is `key`, and the indentation of its children.
fn child(ls: &[Line], at: usize, key: &str) -> (Option<usize>, Option<usize>) {
    let (end, _) = block(ls, at);
    let first = (at + 1..end).find(|&i| is_content(ls[i].text));
    let Some(first) = first else {
        return (None, None);
    };
    let width = indent(ls[first].text);
    let hit =
        (first..end).find(|&i| indent(ls[i].text) == width && keyed(ls[i].text, key).is_some());
    (hit, Some(width))
}

/// The value part of `key: value  # comment` after the colon: its range within `rest`, and
/// its text without quotes. `None` for what cannot be edited in place.
fn value_span(rest: &str) -> Option<(std::ops::Range<usize>, String)> {
    let lead = rest.len() - rest.trim_start().len();
    let v = rest.trim_start();
    let (len, text) = match v.chars().next()? {
        '"' => {
            let end = v[1..].find('"')? + 2;
            (end, v[1..end - 1].to_string())
        }
        '\'' => {
            let end = v[1..].find('\'')? + 2;
            (end, v[1..end - 1].to_string())
        }
        '|' | '>' | '{' | '[' | '&' | '*' | '!' => return None,
        _ => {
            let end = v.find(" #").unwrap_or(v.len());
            let text = v[..end].trim_end();
            (text.len(), text.to_string())
        }
    };
    Some((lead..lead + len, text))
}

/// `text` with every setting made true in the resource whose logical id is on `line`
/// (1-based), or why not.
pub fn set_in_map(text: &str, line: usize, settings: &[MapSetting]) -> Result<String, Refusal> {
    let mut out = text.to_string();
    for s in settings {
        out = set_one(&out, line, s)?;
    }
    Ok(out)
}

fn set_one(text: &str, line: usize, s: &MapSetting) -> Result<String, Refusal> {
    let ls = lines(text);
    let eol = eol(text);
    let written = if s.typed {
        s.value.clone()
    } else {
        scalar(&s.value)
    };
    let at = match walk(&ls, line, &s.path)? {
        Walked::At(at) => at,
        // The map is missing: added, with the entry, at the end of its parent.
        Walked::Missing { parent, width } => {
            let new = format!(
                "{}{}:{eol}{}{}: {}{eol}",
                " ".repeat(width),
                s.path[s.path.len() - 1],
                " ".repeat(width + 2),
                s.key,
                written
            );
            return Ok(append(text, &ls, parent, &new));
        }
    };
    match child(&ls, at, &s.key) {
        (Some(i), _) => {
            let rest = keyed(ls[i].text, &s.key).unwrap_or("");
            rewrite(text, &ls[i], rest, &s.value, s.typed).ok_or_else(|| {
                format!(
                    "{} of {} is not a plain value (a block scalar, a tag, an alias): set it by hand",
                    s.key,
                    s.path.join(".")
                )
            })
        }
        (None, width) => {
            let width = width.unwrap_or(indent(ls[at].text) + 2);
            let new = format!("{}{}: {written}{eol}", " ".repeat(width), s.key);
            Ok(append(text, &ls, at, &new))
        }
    }
}

fn eol(text: &str) -> &'static str {
    if text.contains("\r\n") {
        "\r\n"
    } else {
        "\n"
    }
}

/// Where a path of keys leads under the resource whose logical id is on a line.
enum Walked {
    /// The line of its last key.
    At(usize),
    /// Only its last key is missing: its parent's line, and the indentation of its children.
    Missing { parent: usize, width: usize },
}

fn walk(ls: &[Line], line: usize, path: &[String]) -> Result<Walked, Refusal> {
    let mut at = line
        .checked_sub(1)
        .filter(|&i| i < ls.len() && is_content(ls[i].text))
        .ok_or_else(|| format!("line {line} is not the resource's logical id"))?;
    for (depth, key) in path.iter().enumerate() {
        match child(ls, at, key) {
            (Some(i), _) => {
                let after = keyed(ls[i].text, key).unwrap_or("").trim();
                if !after.is_empty() && !after.starts_with('#') {
                    return Err(format!(
                        "{} is written on one line (flow style): write it as a block first",
                        path[..=depth].join(".")
                    ));
                }
                at = i;
            }
            (None, width) if depth == path.len() - 1 && depth > 0 => {
                let width = width.unwrap_or(indent(ls[at].text) + 2);
                return Ok(Walked::Missing { parent: at, width });
            }
            (None, _) => return Err(format!("the resource has no {}", path[..=depth].join("."))),
        }
    }
    Ok(Walked::At(at))
}

/// `text` with `new` (whole lines) after the last line of the block under `parent`.
fn append(text: &str, ls: &[Line], parent: usize, new: &str) -> String {
    let (_, last) = block(ls, parent);
    let i = last.unwrap_or(parent);
    let pos = ls[i].start + ls[i].text.len();
    let mut out = text.to_string();
    let lead = if text[..pos].ends_with('\n') {
        ""
    } else {
        eol(text)
    };
    out.insert_str(pos, &format!("{lead}{new}"));
    out
}

/// `text` with the value after `rest` (a key's rest of `line`) made `value`, its quoting kept;
/// `None` when it is not a plain value.
fn rewrite(text: &str, line: &Line, rest: &str, value: &str, typed: bool) -> Option<String> {
    let (range, current) = value_span(rest)?;
    if current == value {
        return Some(text.to_string());
    }
    let written = match rest[range.clone()].chars().next() {
        Some('"') => format!("\"{}\"", value.replace('\\', "\\\\").replace('"', "\\\"")),
        Some('\'') => format!("'{}'", value.replace('\'', "''")),
        _ if typed => value.to_string(),
        _ => scalar(value),
    };
    let from = line.start + content(line.text).len() - rest.len();
    let mut out = text.to_string();
    out.replace_range(from + range.start..from + range.end, &written);
    Some(out)
}

/// One item of a list of name/value objects under the resource: a workgroup's
/// `Properties.ConfigParameters` (`ParameterKey`, `ParameterValue`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListSetting {
    pub path: Vec<String>,
    /// The item's naming key and the name: (`ParameterKey`, `enable_case_sensitive_identifier`).
    pub name: (String, String),
    /// The item's value key and the value wanted.
    pub value: (String, String),
}

/// The items of the block list that opens under the line at `at`: (first line, end) of each.
fn items(ls: &[Line], at: usize) -> Vec<(usize, usize)> {
    let (end, _) = block(ls, at);
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut dash = None;
    for (i, l) in ls.iter().enumerate().take(end).skip(at + 1) {
        let t = content(l.text).trim_start();
        if !is_content(l.text) {
            continue;
        }
        let here = indent(l.text);
        if t.starts_with("- ") || t == "-" {
            if dash.is_none() {
                dash = Some(here);
            }
            if Some(here) == dash {
                if let Some(last) = out.last_mut() {
                    last.1 = i;
                }
                out.push((i, end));
            }
        }
    }
    out
}

/// In the item spanning `lines[from..to]`, the line of `key` and the rest after its colon.
fn item_key<'a>(ls: &'a [Line], (from, to): (usize, usize), key: &str) -> Option<(usize, &'a str)> {
    (from..to).find_map(|i| {
        let t = content(ls[i].text).trim_start();
        let t = if i == from {
            t.strip_prefix('-')?.trim_start()
        } else {
            t
        };
        keyed(t, key).map(|rest| (i, rest))
    })
}

/// `text` with the list item of `s` made true in the resource on `line`, or why not.
pub fn set_in_list(text: &str, line: usize, s: &ListSetting) -> Result<String, Refusal> {
    let ls = lines(text);
    let eol = eol(text);
    let item = |pad: &str| {
        format!(
            "{pad}- {}: {}{eol}{pad}  {}: {}{eol}",
            s.name.0,
            scalar(&s.name.1),
            s.value.0,
            scalar(&s.value.1)
        )
    };
    let at = match walk(&ls, line, &s.path)? {
        Walked::At(at) => at,
        // The list is missing: added, with the item, at the end of its parent.
        Walked::Missing { parent, width } => {
            let key = &s.path[s.path.len() - 1];
            let new = format!(
                "{}{key}:{eol}{}",
                " ".repeat(width),
                item(&" ".repeat(width + 2))
            );
            return Ok(append(text, &ls, parent, &new));
        }
    };
    let list = items(&ls, at);
    let found = list.iter().find(|&&span| {
        item_key(&ls, span, &s.name.0)
            .and_then(|(_, rest)| value_span(rest))
            .is_some_and(|(_, v)| v == s.name.1)
    });
    match found {
        Some(&span) => {
            let (i, rest) = item_key(&ls, span, &s.value.0).ok_or_else(|| {
                format!(
                    "the {} item {} has no {}",
                    s.path.join("."),
                    s.name.1,
                    s.value.0
                )
            })?;
            rewrite(text, &ls[i], rest, &s.value.1, false)
                .ok_or_else(|| format!("{} of {} is not a plain value", s.value.0, s.name.1))
        }
        None => {
            let &(first, _) = list
                .first()
                .ok_or_else(|| format!("{} has no items to follow", s.path.join(".")))?;
            let pad = " ".repeat(indent(ls[first].text));
            Ok(append(text, &ls, at, &item(&pad)))
        }
    }
}

/// `text` with `statements` appended to `Properties.NamespaceResourcePolicy.Statement` of the
/// resource on `line`, after its last item and indented as the items are (the policy or its
/// list added when missing).
pub fn add_statements(text: &str, line: usize, statements: &[Node]) -> Result<String, Refusal> {
    let ls = lines(text);
    let eol = eol(text);
    let path = |keys: &[&str]| keys.iter().map(|k| k.to_string()).collect::<Vec<_>>();
    let written =
        |pad: usize| -> String { statements.iter().map(|s| yaml_item(s, pad, eol)).collect() };
    match walk(&ls, line, &path(&["Properties", "NamespaceResourcePolicy"]))? {
        Walked::Missing { parent, width } => {
            let pad = " ".repeat(width);
            let new = format!(
                "{pad}NamespaceResourcePolicy:{eol}{pad}  Version: \"2012-10-17\"{eol}{pad}  Statement:{eol}{}",
                written(width + 4)
            );
            return Ok(append(text, &ls, parent, &new));
        }
        Walked::At(_) => {}
    }
    match walk(
        &ls,
        line,
        &path(&["Properties", "NamespaceResourcePolicy", "Statement"]),
    )? {
        Walked::Missing { parent, width } => {
            let new = format!("{}Statement:{eol}{}", " ".repeat(width), written(width + 2));
            Ok(append(text, &ls, parent, &new))
        }
        Walked::At(at) => {
            let list = items(&ls, at);
            let &(first, _) = list
                .first()
                .ok_or("the policy's Statement has no items to follow")?;
            Ok(append(text, &ls, at, &written(indent(ls[first].text))))
        }
    }
}

/// The `Sid`s written in the template (for checking an edit).
pub fn read_sids(text: &str) -> Vec<String> {
    lines(text)
        .iter()
        .filter_map(|l| {
            let t = content(l.text).trim_start();
            let t = t.strip_prefix("- ").unwrap_or(t).trim_start();
            keyed(t, "Sid").and_then(value_span).map(|(_, v)| v)
        })
        .collect()
}

/// The value of the list item named `name` under the resource on `line`, as written.
pub fn read_in_list(text: &str, line: usize, s: &ListSetting) -> Option<String> {
    let ls = lines(text);
    let mut at = line.checked_sub(1)?;
    for k in &s.path {
        at = child(&ls, at, k).0?;
    }
    let span = *items(&ls, at).iter().find(|&&span| {
        item_key(&ls, span, &s.name.0)
            .and_then(|(_, rest)| value_span(rest))
            .is_some_and(|(_, v)| v == s.name.1)
    })?;
    let (_, rest) = item_key(&ls, span, &s.value.0)?;
    value_span(rest).map(|(_, v)| v)
}

/// The value of `key` in the map at `path` under the resource on `line`, as written.
pub fn read_in_map(text: &str, line: usize, path: &[String], key: &str) -> Option<String> {
    let ls = lines(text);
    let mut at = line.checked_sub(1)?;
    for k in path {
        at = child(&ls, at, k).0?;
    }
    let i = child(&ls, at, key).0?;
    let rest = keyed(ls[i].text, key)?;
    value_span(rest).map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "Resources:\n  ZeroEtlGroup:   # the source's group\n    Type: AWS::RDS::DBClusterParameterGroup\n    Properties:\n      Family: aurora-mysql8.0\n      Parameters:\n        aurora_enhanced_binlog: \"1\"\n        binlog_format: MIXED   # was ROW\n\n  Orders:\n    Type: AWS::RDS::DBCluster\n    Properties:\n      DBClusterParameterGroupName: !Ref ZeroEtlGroup\n";

    use super::MapSetting as M;

    #[test]
    fn a_value_is_replaced_in_place_with_its_comment() {
        let out = set_in_map(TEMPLATE, 2, &[M::parameter("binlog_format", "ROW")]).unwrap();
        assert_eq!(
            out,
            TEMPLATE.replace("MIXED   # was ROW", "ROW   # was ROW")
        );
    }

    #[test]
    fn a_missing_entry_goes_after_the_last_one_and_numbers_stay_strings() {
        let out = set_in_map(TEMPLATE, 2, &[M::parameter("binlog_backup", "0")]).unwrap();
        assert_eq!(
            out,
            TEMPLATE.replace(
                "MIXED   # was ROW\n",
                "MIXED   # was ROW\n        binlog_backup: \"0\"\n"
            )
        );
        let path = ["Properties".to_string(), "Parameters".to_string()];
        assert_eq!(
            read_in_map(&out, 2, &path, "binlog_backup").as_deref(),
            Some("0")
        );
    }

    #[test]
    fn a_missing_map_is_added_under_properties() {
        let t = "Resources:\n  G:\n    Type: AWS::RDS::DBClusterParameterGroup\n    Properties:\n      Family: aurora-mysql8.0\n";
        let out = set_in_map(t, 2, &[M::parameter("binlog_format", "ROW")]).unwrap();
        assert_eq!(
            out,
            format!("{t}      Parameters:\n        binlog_format: ROW\n")
        );
    }

    fn case(value: &str) -> ListSetting {
        ListSetting {
            path: vec!["Properties".into(), "ConfigParameters".into()],
            name: (
                "ParameterKey".into(),
                "enable_case_sensitive_identifier".into(),
            ),
            value: ("ParameterValue".into(), value.into()),
        }
    }

    const WORKGROUP: &str = "Resources:\n  Wg:\n    Type: AWS::RedshiftServerless::Workgroup\n    Properties:\n      WorkgroupName: analytics\n      ConfigParameters:\n        - ParameterKey: require_ssl   # policy\n          ParameterValue: \"true\"\n        - ParameterKey: enable_case_sensitive_identifier\n          ParameterValue: \"false\"\n  Next:\n    Type: X\n";

    #[test]
    fn a_list_item_is_changed_or_added_in_the_list() {
        let out = set_in_list(WORKGROUP, 2, &case("true")).unwrap();
        assert_eq!(
            out,
            WORKGROUP.replace(
                "enable_case_sensitive_identifier\n          ParameterValue: \"false\"",
                "enable_case_sensitive_identifier\n          ParameterValue: \"true\""
            )
        );
        assert_eq!(
            read_in_list(&out, 2, &case("true")).as_deref(),
            Some("true")
        );
        let without = WORKGROUP.replace(
            "        - ParameterKey: enable_case_sensitive_identifier\n          ParameterValue: \"false\"\n",
            "",
        );
        let out = set_in_list(&without, 2, &case("true")).unwrap();
        assert_eq!(
            out,
            without.replace(
                "          ParameterValue: \"true\"\n  Next:",
                "          ParameterValue: \"true\"\n        - ParameterKey: enable_case_sensitive_identifier\n          ParameterValue: \"true\"\n  Next:"
            )
        );
        let none = "Resources:\n  Wg:\n    Properties:\n      WorkgroupName: analytics\n";
        let out = set_in_list(none, 2, &case("true")).unwrap();
        assert_eq!(
            out,
            format!("{none}      ConfigParameters:\n        - ParameterKey: enable_case_sensitive_identifier\n          ParameterValue: \"true\"\n")
        );
    }

    #[test]
    fn flow_style_and_tags_are_refused() {
        let flow = "Resources:\n  G:\n    Properties:\n      Parameters: {binlog_format: MIXED}\n";
        assert!(set_in_map(flow, 2, &[M::parameter("binlog_format", "ROW")])
            .unwrap_err()
            .contains("flow style"));
        let tagged = "Resources:\n  G:\n    Properties:\n      Parameters:\n        binlog_format: !Ref Format\n";
        assert!(
            set_in_map(tagged, 2, &[M::parameter("binlog_format", "ROW")])
                .unwrap_err()
                .contains("not a plain value")
        );
    }

    #[test]
    fn policy_statements_follow_the_last_one_or_make_the_policy() {
        let with = "Resources:\n  Ns:\n    Type: AWS::RedshiftServerless::Namespace\n    Properties:\n      NamespaceName: a\n      NamespaceResourcePolicy:\n        Version: \"2012-10-17\"\n        Statement:\n          - Sid: Existing   # keep\n            Effect: Allow\n  Next:\n    Type: X\n";
        let s = crate::fix::code::tree::Node::map([
            ("Sid", crate::fix::code::tree::Node::text("New")),
            ("Resource", crate::fix::code::tree::Node::text("*")),
        ]);
        let out = add_statements(with, 2, std::slice::from_ref(&s)).unwrap();
        assert_eq!(
            out,
            with.replace(
                "            Effect: Allow\n",
                "            Effect: Allow\n          - Sid: New\n            Resource: \"*\"\n"
            )
        );
        assert_eq!(read_sids(&out), ["Existing", "New"]);
        let without = "Resources:\n  Ns:\n    Properties:\n      NamespaceName: a\n";
        let out = add_statements(without, 2, &[s]).unwrap();
        assert_eq!(
            out,
            format!("{without}      NamespaceResourcePolicy:\n        Version: \"2012-10-17\"\n        Statement:\n          - Sid: New\n            Resource: \"*\"\n")
        );
    }
}

//! CloudFormation JSON edits that keep the template as it was written: a small scanner walks
//! from the resource's logical id down its objects by key, and only the bytes of the change
//! are written (a member's value replaced, or a member added after the object's last one,
//! indented as it). Key order, spacing and every other member stay as they are.

use std::ops::Range;

use super::terraform::Refusal;
use super::tree::{json, Node};
use super::yaml::{ListSetting, MapSetting};

/// The end of the JSON value that starts at `at` (after whitespace).
fn value_end(t: &[u8], at: usize) -> Option<usize> {
    let mut i = skip_ws(t, at);
    match *t.get(i)? {
        b'"' => string_end(t, i),
        b'{' | b'[' => {
            let mut depth = 0usize;
            while i < t.len() {
                match t[i] {
                    b'"' => {
                        i = string_end(t, i)?;
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            None
        }
        _ => {
            while i < t.len() && !matches!(t[i], b',' | b'}' | b']') && !t[i].is_ascii_whitespace()
            {
                i += 1;
            }
            Some(i)
        }
    }
}

fn skip_ws(t: &[u8], mut i: usize) -> usize {
    while i < t.len() && t[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// The index after the closing quote of the string that opens at `at`.
fn string_end(t: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    while i < t.len() {
        match t[i] {
            b'\\' => i += 2,
            b'"' => return Some(i + 1),
            _ => i += 1,
        }
    }
    None
}

/// One member of an object: its key, where the member starts, and its value's bytes.
struct Member {
    key: String,
    start: usize,
    value: Range<usize>,
}

/// The members of the object that opens at `at` (a `{`), and its closing brace.
fn members(text: &str, at: usize) -> Option<(Vec<Member>, usize)> {
    let t = text.as_bytes();
    if t.get(at) != Some(&b'{') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = skip_ws(t, at + 1);
    loop {
        match *t.get(i)? {
            b'}' => return Some((out, i)),
            b',' => i = skip_ws(t, i + 1),
            b'"' => {
                let end = string_end(t, i)?;
                let key: String = serde_json::from_str(&text[i..end]).ok()?;
                let colon = skip_ws(t, end);
                if t.get(colon) != Some(&b':') {
                    return None;
                }
                let v = skip_ws(t, colon + 1);
                let v_end = value_end(t, v)?;
                out.push(Member {
                    key,
                    start: i,
                    value: v..v_end,
                });
                i = skip_ws(t, v_end);
            }
            _ => return None,
        }
    }
}

/// The value of the logical id whose key is on `line` (1-based): its `{`.
fn resource_object(text: &str, line: usize) -> Option<usize> {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum();
    let t = text.as_bytes();
    let key = start + text[start..].find('"')?;
    let colon = skip_ws(t, string_end(t, key)?);
    (t.get(colon) == Some(&b':')).then(|| skip_ws(t, colon + 1))
}

/// `text` with every setting made true in the resource whose logical id is on `line`.
pub fn set_in_map(text: &str, line: usize, settings: &[MapSetting]) -> Result<String, Refusal> {
    let mut out = text.to_string();
    for s in settings {
        out = set_one(&out, line, s)?;
    }
    Ok(out)
}

fn set_one(text: &str, line: usize, s: &MapSetting) -> Result<String, Refusal> {
    let mut at = resource_object(text, line)
        .ok_or_else(|| format!("line {line} is not the resource's logical id"))?;
    for key in &s.path {
        let (ms, _) = members(text, at).ok_or("the resource is not a JSON object")?;
        at = ms
            .iter()
            .find(|m| &m.key == key)
            .map(|m| m.value.start)
            .ok_or_else(|| {
                format!(
                    "the resource has no {} (add it, then fix again)",
                    s.path.join(".")
                )
            })?;
        if text.as_bytes()[at] != b'{' {
            return Err(format!("{key} is not an object"));
        }
    }
    let (ms, _) = members(text, at).ok_or("the map is not a JSON object")?;
    let value = if s.typed {
        s.value.clone()
    } else {
        serde_json::Value::String(s.value.clone()).to_string()
    };
    let mut out = text.to_string();
    match ms.iter().find(|m| m.key == s.key) {
        Some(m) => {
            let current: Option<serde_json::Value> =
                serde_json::from_str(&text[m.value.clone()]).ok();
            let same = match &current {
                Some(serde_json::Value::String(v)) => *v == s.value,
                Some(serde_json::Value::Number(n)) => n.to_string() == s.value,
                Some(serde_json::Value::Bool(b)) => b.to_string() == s.value,
                _ => {
                    return Err(format!(
                        "{} of {} is not a plain value",
                        s.key,
                        s.path.join(".")
                    ))
                }
            };
            if !same {
                out.replace_range(m.value.clone(), &value);
            }
        }
        None => out = add_member(text, at, &ms, &s.key, |_| value.clone()),
    }
    Ok(out)
}

/// `text` with the member `key` added to the object that opens at `at` (whose members are
/// `ms`) after its last one, on a line of its own indented as that one; `value` is written
/// for the indentation of its line.
fn add_member(
    text: &str,
    at: usize,
    ms: &[Member],
    key: &str,
    value: impl Fn(&str) -> String,
) -> String {
    let key = serde_json::Value::String(key.to_string()).to_string();
    let (at, new) = match ms.last() {
        Some(last) => {
            // On the last member's line, with its indentation.
            let line_start = text[..last.start].rfind('\n').map_or(0, |i| i + 1);
            let indent = &text[line_start..last.start];
            if indent.chars().all(char::is_whitespace) {
                (
                    last.value.end,
                    format!(",\n{indent}{key}: {}", value(indent)),
                )
            } else {
                (last.value.end, format!(", {key}: {}", value("")))
            }
        }
        None => (at + 1, format!("{key}: {}", value(""))),
    };
    let mut out = text.to_string();
    out.insert_str(at, &new);
    out
}

/// The object `key` of the object that opens at `at`: where its value opens, or `None`.
fn member_at(text: &str, at: usize, key: &str) -> Result<Option<(usize, Vec<Member>)>, Refusal> {
    let (ms, _) = members(text, at).ok_or("not a JSON object")?;
    Ok(ms
        .iter()
        .find(|m| m.key == key)
        .map(|m| m.value.start)
        .map(|v| (v, ms)))
}

/// `text` with `statements` appended to `Properties.NamespaceResourcePolicy.Statement` of the
/// resource whose logical id is on `line` (the policy or its list added when missing).
pub fn add_statements(text: &str, line: usize, statements: &[Node]) -> Result<String, Refusal> {
    let resource = resource_object(text, line)
        .ok_or_else(|| format!("line {line} is not the resource's logical id"))?;
    let (properties, _) =
        member_at(text, resource, "Properties")?.ok_or("the resource has no Properties")?;
    let t = text.as_bytes();
    if t.get(properties) != Some(&b'{') {
        return Err("Properties is not an object".into());
    }
    let eol = "\n";
    let Some((policy, _)) = member_at(text, properties, "NamespaceResourcePolicy")? else {
        let (ms, _) = members(text, properties).ok_or("Properties is not an object")?;
        let document = Node::Map(vec![
            ("Version".into(), Node::text("2012-10-17")),
            ("Statement".into(), Node::List(statements.to_vec())),
        ]);
        return Ok(add_member(
            text,
            properties,
            &ms,
            "NamespaceResourcePolicy",
            |indent| json(&document, indent, eol),
        ));
    };
    if t.get(policy) != Some(&b'{') {
        return Err("NamespaceResourcePolicy is not written as a JSON object".into());
    }
    let Some((list, _)) = member_at(text, policy, "Statement")? else {
        let (ms, _) = members(text, policy).ok_or("the policy is not an object")?;
        let items = Node::List(statements.to_vec());
        return Ok(add_member(text, policy, &ms, "Statement", |indent| {
            json(&items, indent, eol)
        }));
    };
    if t.get(list) != Some(&b'[') {
        return Err("the policy's Statement is not a list: write it as [ … ] first".into());
    }
    let ends = elements(t, list).ok_or("the policy's Statement does not scan")?;
    let mut out = text.to_string();
    match ends.last() {
        Some(last) => {
            let (start, end) = (last.start, last.end);
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let indent = &text[line_start..start];
            let indent = if indent.chars().all(char::is_whitespace) {
                indent
            } else {
                ""
            };
            let new: String = statements
                .iter()
                .map(|s| format!(",{eol}{indent}{}", json(s, indent, eol)))
                .collect();
            out.insert_str(end, &new);
        }
        None => {
            let items = Node::List(statements.to_vec());
            let close = list + text[list..].find(']').unwrap_or(0) + 1;
            let line_start = text[..list].rfind('\n').map_or(0, |i| i + 1);
            let indent: String = text[line_start..list]
                .chars()
                .take_while(|c| c.is_whitespace())
                .collect();
            out.replace_range(list..close, &json(&items, &indent, eol));
        }
    }
    Ok(out)
}

/// The items of the JSON list that opens at `at` (a `[`): each value's range.
fn elements(t: &[u8], at: usize) -> Option<Vec<Range<usize>>> {
    if t.get(at) != Some(&b'[') {
        return None;
    }
    let mut out = Vec::new();
    let mut i = skip_ws(t, at + 1);
    while *t.get(i)? != b']' {
        let end = value_end(t, i)?;
        out.push(i..end);
        i = skip_ws(t, end);
        if t.get(i) == Some(&b',') {
            i = skip_ws(t, i + 1);
        }
    }
    Some(out)
}

/// The string (or number, bool) a member holds.
fn plain(text: &str, m: &Member) -> Option<String> {
    match serde_json::from_str(&text[m.value.clone()]).ok()? {
        serde_json::Value::String(v) => Some(v),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// The object at `path` under the resource on `line`: where it opens; `Err` when a key on
/// the way is missing (the last one's parent is given, to add it).
fn walk(text: &str, line: usize, path: &[String]) -> Result<Result<usize, usize>, Refusal> {
    let mut at = resource_object(text, line)
        .ok_or_else(|| format!("line {line} is not the resource's logical id"))?;
    for (depth, key) in path.iter().enumerate() {
        let (ms, _) = members(text, at).ok_or("not a JSON object")?;
        match ms.iter().find(|m| &m.key == key) {
            Some(m) => at = m.value.start,
            None if depth == path.len() - 1 => return Ok(Err(at)),
            None => return Err(format!("the resource has no {}", path[..=depth].join("."))),
        }
    }
    Ok(Ok(at))
}

/// `text` with the list item of `s` made true in the resource on `line` (a workgroup's
/// `ConfigParameters`, a Redshift parameter group's `Parameters`): its value replaced, or an
/// item added after the last one in its layout, or the list added.
pub fn set_in_list(text: &str, line: usize, s: &ListSetting) -> Result<String, Refusal> {
    let t = text.as_bytes();
    let item = Node::Map(vec![
        (s.name.0.clone(), Node::Text(s.name.1.clone())),
        (s.value.0.clone(), Node::Text(s.value.1.clone())),
    ]);
    let at = match walk(text, line, &s.path)? {
        Ok(at) => at,
        Err(parent) => {
            let (ms, _) = members(text, parent).ok_or("not a JSON object")?;
            let key = &s.path[s.path.len() - 1];
            let list = Node::List(vec![item]);
            return Ok(add_member(text, parent, &ms, key, |indent| {
                json(&list, indent, "\n")
            }));
        }
    };
    let items = elements(t, at).ok_or_else(|| format!("{} is not a list", s.path.join(".")))?;
    for range in &items {
        let Some((ms, _)) = members(text, range.start) else {
            continue;
        };
        if ms
            .iter()
            .find(|m| m.key == s.name.0)
            .and_then(|m| plain(text, m))
            != Some(s.name.1.clone())
        {
            continue;
        }
        let mut out = text.to_string();
        match ms.iter().find(|m| m.key == s.value.0) {
            Some(m) if plain(text, m).as_deref() == Some(s.value.1.as_str()) => {}
            Some(m) if plain(text, m).is_some() => out.replace_range(
                m.value.clone(),
                &serde_json::Value::String(s.value.1.clone()).to_string(),
            ),
            Some(_) => {
                return Err(format!(
                    "{} of {} is not a plain value",
                    s.value.0, s.name.1
                ))
            }
            None => {
                let v = serde_json::Value::String(s.value.1.clone()).to_string();
                out = add_member(text, range.start, &ms, &s.value.0, |_| v.clone());
            }
        }
        return Ok(out);
    }
    let last = items
        .last()
        .ok_or_else(|| format!("{} has no items to follow", s.path.join(".")))?;
    let line_start = text[..last.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..last.start];
    let indent = if indent.chars().all(char::is_whitespace) {
        indent
    } else {
        ""
    };
    let mut out = text.to_string();
    out.insert_str(
        last.end,
        &format!(",\n{indent}{}", json(&item, indent, "\n")),
    );
    Ok(out)
}

/// The value of the list item named `s.name` under the resource on `line`.
pub fn read_in_list(text: &str, line: usize, s: &ListSetting) -> Option<String> {
    let at = walk(text, line, &s.path).ok()?.ok()?;
    elements(text.as_bytes(), at)?.iter().find_map(|range| {
        let (ms, _) = members(text, range.start)?;
        let name = ms.iter().find(|m| m.key == s.name.0)?;
        if plain(text, name)? != s.name.1 {
            return None;
        }
        plain(text, ms.iter().find(|m| m.key == s.value.0)?)
    })
}

/// The `Sid`s written anywhere in the template (for checking an edit).
pub fn read_sids(text: &str) -> Vec<String> {
    fn walk(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(s)) = m.get("Sid") {
                    out.push(s.clone());
                }
                m.values().for_each(|v| walk(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Ok(v) = serde_json::from_str(text) {
        walk(&v, &mut out);
    }
    out
}

/// The value of `key` in the map at `path` under the resource on `line`.
pub fn read_in_map(text: &str, line: usize, path: &[String], key: &str) -> Option<String> {
    let mut at = resource_object(text, line)?;
    for k in path {
        let (ms, _) = members(text, at)?;
        at = ms.iter().find(|m| &m.key == k)?.value.start;
    }
    let (ms, _) = members(text, at)?;
    let m = ms.iter().find(|m| m.key == key)?;
    match serde_json::from_str(&text[m.value.clone()]).ok()? {
        serde_json::Value::String(v) => Some(v),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEMPLATE: &str = "{\n  \"Resources\": {\n    \"ZeroEtlGroup\": {\n      \"Type\": \"AWS::RDS::DBClusterParameterGroup\",\n      \"Properties\": {\n        \"Parameters\": {\n          \"zeta\": \"1\",\n          \"binlog_format\": \"MIXED\"\n        },\n        \"Family\": \"aurora-mysql8.0\"\n      }\n    }\n  }\n}\n";

    use super::MapSetting as M;

    #[test]
    fn a_value_is_replaced_and_a_member_added_in_the_order_written() {
        let out = set_in_map(
            TEMPLATE,
            3,
            &[
                M::parameter("binlog_format", "ROW"),
                M::parameter("binlog_backup", "0"),
            ],
        )
        .unwrap();
        assert_eq!(
            out,
            TEMPLATE.replace(
                "\"binlog_format\": \"MIXED\"\n",
                "\"binlog_format\": \"ROW\",\n          \"binlog_backup\": \"0\"\n"
            )
        );
        let path = ["Properties".to_string(), "Parameters".to_string()];
        assert_eq!(
            read_in_map(&out, 3, &path, "binlog_backup").as_deref(),
            Some("0")
        );
        assert!(serde_json::from_str::<serde_json::Value>(&out).is_ok());
    }

    #[test]
    fn what_is_not_there_or_not_plain_is_refused() {
        let no_params = "{\"Resources\": {\n\"G\": {\"Properties\": {}}}}";
        assert!(set_in_map(no_params, 2, &[M::parameter("a", "1")]).is_err());
        let tagged = "{\"Resources\": {\n\"G\": {\"Properties\": {\"Parameters\": {\"a\": {\"Ref\": \"X\"}}}}}}";
        assert!(set_in_map(tagged, 2, &[M::parameter("a", "1")])
            .unwrap_err()
            .contains("not a plain value"));
    }

    #[test]
    fn policy_statements_follow_the_last_one_in_its_layout() {
        let t = "{\"Resources\": {\n  \"Ns\": {\"Properties\": {\n    \"NamespaceResourcePolicy\": {\n      \"Statement\": [\n        {\"Sid\": \"Existing\"}\n      ]\n    }\n  }}\n}}\n";
        let s = Node::map([("Sid", Node::text("New"))]);
        let out = add_statements(t, 2, &[s]).unwrap();
        assert_eq!(
            out,
            t.replace(
                "{\"Sid\": \"Existing\"}\n",
                "{\"Sid\": \"Existing\"},\n        {\n          \"Sid\": \"New\"\n        }\n"
            )
        );
        assert_eq!(read_sids(&out), ["Existing", "New"]);
    }
}

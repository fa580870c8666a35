//! CloudFormation JSON edits that keep the template as it was written: a small scanner walks
//! from the resource's logical id down its objects by key, and only the bytes of the change
//! are written (a member's value replaced, or a member added after the object's last one,
//! indented as it). Key order, spacing and every other member stay as they are.

use std::ops::Range;

use super::terraform::Refusal;
use super::yaml::MapSetting;

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
    let value = serde_json::Value::String(s.value.clone()).to_string();
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
        None => {
            let key = serde_json::Value::String(s.key.clone()).to_string();
            let (at, new) = match ms.last() {
                Some(last) => {
                    // On the last member's line, with its indentation.
                    let line_start = text[..last.start].rfind('\n').map_or(0, |i| i + 1);
                    let indent = &text[line_start..last.start];
                    let sep = if indent.chars().all(char::is_whitespace) {
                        format!("\n{indent}")
                    } else {
                        " ".to_string()
                    };
                    (last.value.end, format!(",{sep}{key}: {value}"))
                }
                None => (at + 1, format!("{key}: {value}")),
            };
            out.insert_str(at, &new);
        }
    }
    Ok(out)
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
}

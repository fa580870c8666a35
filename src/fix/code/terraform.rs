//! Terraform edits that keep the file as it was written: the file is parsed with `hcl-edit`
//! to find the resource's block and its nested blocks by their byte spans, and only those
//! bytes change (a value replaced, a nested block inserted before the resource's closing
//! brace with the indentation the block already uses). Comments, blank lines, alignment and
//! everything else stay byte for byte.

use std::ops::Range;

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body};
use hcl_edit::Span;

use super::tree::{hcl, Node};

/// One setting in a resource's nested blocks: `parameter { name = "x"  value = "1" }`, or a
/// workgroup's `config_parameter { parameter_key = "x"  parameter_value = "1" }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NestedSetting {
    /// The nested block's name: `parameter`, `config_parameter`.
    pub block: String,
    /// The attribute that names the setting, and the name.
    pub key: (String, String),
    /// The attribute that holds the value, and the value wanted.
    pub value: (String, String),
    /// Attributes a new block also gets (`apply_method = "pending-reboot"`); an existing
    /// block keeps its own.
    pub extra: Vec<(String, String)>,
    /// Whether a missing block is added (else the edit is refused: it only corrects a block
    /// that is there, as `apply_method` of a parameter).
    pub create: bool,
}

/// Why a setting cannot be written into the file: the step stays manual, saying this.
pub type Refusal = String;

/// `text` with `settings` made true in `resource "kind" "name"`, or why not.
pub fn set_nested(
    text: &str,
    (kind, name): (&str, &str),
    settings: &[NestedSetting],
) -> Result<String, Refusal> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| format!("it does not parse: {e}"))?;
    let resource = find_resource(&body, kind, name)
        .ok_or_else(|| format!("it has no resource \"{kind}\" \"{name}\""))?;
    let span = resource
        .span()
        .ok_or_else(|| "the parser gave no position for the resource".to_string())?;
    // (byte range, replacement), applied from the end of the file back.
    let mut changes: Vec<(Range<usize>, String)> = Vec::new();
    let mut added: Vec<&NestedSetting> = Vec::new();
    for (i, s) in settings.iter().enumerate() {
        let said =
            |x: &NestedSetting| x.block == s.block && x.key == s.key && x.value.0 == s.value.0;
        if settings[..i].iter().any(said) {
            continue; // one value per attribute: the first wins
        }
        if resource
            .body
            .get_blocks("dynamic")
            .any(|d| d.labels.iter().any(|l| l.as_str() == s.block))
        {
            return Err(format!(
                "its {} blocks are made by a dynamic block: change the list it iterates over",
                s.block
            ));
        }
        match find_setting(&resource.body, s) {
            Some(existing) => {
                let attr = existing.body.get_attribute(&s.value.0);
                match attr.map(|a| &a.value) {
                    Some(v) if literal(v).as_deref() == Some(s.value.1.as_str()) => {}
                    Some(v) if literal(v).is_some() => {
                        let at = v.span().ok_or("the parser gave no position for a value")?;
                        changes.push((at, quote(&s.value.1)));
                    }
                    Some(_) => {
                        return Err(format!(
                            "{} {} takes its {} from an expression: set it where that is defined",
                            s.block, s.key.1, s.value.0
                        ))
                    }
                    // Not written (a default applies): a line after the block's last one.
                    None => changes.push(new_attribute(text, existing, s)?),
                }
            }
            None if s.create => added.push(s),
            None => return Err(format!("it has no {} block for {}", s.block, s.key.1)),
        }
    }
    if !added.is_empty() {
        let (at, indent, eol) = insertion(text, &resource.body, span.clone())?;
        let mut new = String::new();
        for s in added {
            new.push_str(&nested_block(s, &indent, eol));
        }
        changes.push((at..at, new));
    }
    changes.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    let mut out = text.to_string();
    for (range, with) in changes {
        out.replace_range(range, &with);
    }
    Ok(out)
}

/// `text` with the attribute `attr` of `resource "kind" "name"` made `value` (a literal
/// replaced, or a line added after the resource's last attribute, its `=` in their column);
/// or why not (a value that comes from an expression, unless `over_expression`: a reference
/// that replaces a wrong one).
pub fn set_attribute(
    text: &str,
    (kind, name): (&str, &str),
    attr: &str,
    value: &Node,
    over_expression: bool,
) -> Result<String, Refusal> {
    if let Some((block, inner)) = attr.split_once('.') {
        return set_in_block(text, (kind, name), (block, inner), value);
    }
    let body = hcl_edit::parser::parse_body(text).map_err(|e| format!("it does not parse: {e}"))?;
    let resource = find_resource(&body, kind, name)
        .ok_or_else(|| format!("it has no resource \"{kind}\" \"{name}\""))?;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let written = hcl(value, "", eol);
    let mut out = text.to_string();
    if let Some(a) = resource.body.get_attribute(attr) {
        let at = a
            .value
            .span()
            .ok_or("the parser gave no position for a value")?;
        if text[at.clone()].trim() == written {
            return Ok(out);
        }
        if literal(&a.value).is_none() && !over_expression {
            return Err(format!(
                "its {attr} comes from an expression: set it where that is defined"
            ));
        }
        out.replace_range(at, &written);
        return Ok(out);
    }
    let last = resource
        .body
        .attributes()
        .filter_map(|a| a.span())
        .max_by_key(|r| r.end);
    match last {
        Some(last) => {
            let line_start = text[..last.start].rfind('\n').map_or(0, |i| i + 1);
            let indent = &text[line_start..last.start];
            if !indent.chars().all(char::is_whitespace) {
                return Err("the resource is written on one line: write it out first".into());
            }
            // The `=` of the line above, when this name fits before it.
            let eq = text[last.start..last.end].find('=').unwrap_or(0);
            let width = if attr.len() < eq { eq - 1 } else { attr.len() };
            let line_end = text[last.end..]
                .find('\n')
                .map_or(text.len(), |i| last.end + i);
            let at = if text[..line_end].ends_with('\r') {
                line_end - 1
            } else {
                line_end
            };
            out.insert_str(at, &format!("{eol}{indent}{attr:<width$} = {written}"));
        }
        None => {
            let span = resource.span().ok_or("the parser gave no position")?;
            let (at, indent, eol) = insertion(text, &resource.body, span)?;
            out.insert_str(at, &format!("{indent}{attr} = {written}{eol}"));
        }
    }
    Ok(out)
}

/// `attr` of the resource's single nested block `block` (`point_in_time_recovery { enabled
/// = true }`): the value replaced, the attribute added to the block, or the block added
/// before the resource's closing brace. A `dynamic` block of that name, or a value from an
/// expression, is refused.
fn set_in_block(
    text: &str,
    (kind, name): (&str, &str),
    (block, attr): (&str, &str),
    value: &Node,
) -> Result<String, Refusal> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| format!("it does not parse: {e}"))?;
    let resource = find_resource(&body, kind, name)
        .ok_or_else(|| format!("it has no resource \"{kind}\" \"{name}\""))?;
    if resource
        .body
        .get_blocks("dynamic")
        .any(|d| d.labels.iter().any(|l| l.as_str() == block))
    {
        return Err(format!(
            "its {block} is a dynamic block: set {attr} where its content is built"
        ));
    }
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let written = hcl(value, "", eol);
    let mut out = text.to_string();
    match resource.body.get_blocks(block).next() {
        Some(b) => {
            if let Some(a) = b.body.get_attribute(attr) {
                let at = a
                    .value
                    .span()
                    .ok_or("the parser gave no position for a value")?;
                if text[at.clone()].trim() == written {
                    return Ok(out);
                }
                if literal(&a.value).is_none() {
                    return Err(format!(
                        "its {block}.{attr} comes from an expression: set it where that is defined"
                    ));
                }
                out.replace_range(at, &written);
            } else {
                let span = b.span().ok_or("the parser gave no position")?;
                let (at, indent, eol) = insertion(text, &b.body, span)?;
                out.insert_str(at, &format!("{indent}{attr} = {written}{eol}"));
            }
        }
        None => {
            let span = resource.span().ok_or("the parser gave no position")?;
            let (at, indent, eol) = insertion(text, &resource.body, span)?;
            out.insert_str(
                at,
                &format!("{indent}{block} {{{eol}{indent}  {attr} = {written}{eol}{indent}}}{eol}"),
            );
        }
    }
    Ok(out)
}

/// A resource's attribute, read back (for checking an edit): its literal value, or the
/// expression as written. `block.attr` reads an attribute of a nested block.
pub fn read_attribute(text: &str, (kind, name): (&str, &str), attr: &str) -> Option<String> {
    let body = hcl_edit::parser::parse_body(text).ok()?;
    let resource = find_resource(&body, kind, name)?;
    let value = match attr.split_once('.') {
        Some((block, inner)) => {
            &resource
                .body
                .get_blocks(block)
                .next()?
                .body
                .get_attribute(inner)?
                .value
        }
        None => &resource.body.get_attribute(attr)?.value,
    };
    literal(value).or_else(|| Some(text[value.span()?].trim().to_string()))
}

/// `text` with `statements` appended to the `Statement` list of `policy = jsonencode({…})`
/// in `resource "kind" "name"`, after every statement it has; or why not.
pub fn add_statements(
    text: &str,
    (kind, name): (&str, &str),
    statements: &[Node],
) -> Result<String, Refusal> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| format!("it does not parse: {e}"))?;
    let resource = find_resource(&body, kind, name)
        .ok_or_else(|| format!("it has no resource \"{kind}\" \"{name}\""))?;
    let policy = resource
        .body
        .get_attribute("policy")
        .ok_or("it has no policy attribute")?;
    let document = match &policy.value {
        Expression::FuncCall(call)
            if call.name.name.as_str() == "jsonencode" && call.args.len() == 1 =>
        {
            call.args.get(0).and_then(Expression::as_object)
        }
        _ => None,
    }
    .ok_or(
        "its policy is not written as jsonencode({ … }) (a heredoc, a file or a policy \
         document data source): add the statements there",
    )?;
    let list = document
        .iter()
        .find(|(k, _)| {
            k.as_ident().map(|i| i.as_str()) == Some("Statement")
                || k.as_expr().and_then(Expression::as_str) == Some("Statement")
        })
        .map(|(_, v)| v.expr())
        .ok_or("its policy has no Statement")?;
    let Expression::Array(array) = list else {
        return Err("its policy's Statement is not a list: write it as [ … ] first".into());
    };
    // A statement the policy has already (by its Sid) is not written twice.
    let written = sids_of(resource);
    let statements: Vec<&Node> = statements
        .iter()
        .filter(|s| s.sid().is_none_or(|sid| !written.iter().any(|w| w == sid)))
        .collect();
    if statements.is_empty() {
        return Ok(text.to_string());
    }
    let span = array
        .span()
        .ok_or("the parser gave no position for Statement")?;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let line_indent = |at: usize| -> String {
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        text[start..at]
            .chars()
            .take_while(|c| c.is_whitespace())
            .collect()
    };
    let mut out = text.to_string();
    match array.iter().filter_map(|e| e.span()).max_by_key(|r| r.end) {
        Some(last) => {
            let indent = line_indent(last.start);
            let rest = &text[last.end..span.end];
            let comma = rest.trim_start().starts_with(',');
            let at = if comma {
                last.end + rest.find(',').unwrap_or(0) + 1
            } else {
                last.end
            };
            let mut new = String::new();
            for (i, s) in statements.iter().enumerate() {
                let lead = if i == 0 && !comma { "," } else { "" };
                let tail = if comma || i + 1 < statements.len() {
                    ","
                } else {
                    ""
                };
                new.push_str(&format!(
                    "{lead}{eol}{indent}{}{tail}",
                    hcl(s, &indent, eol)
                ));
            }
            out.insert_str(at, &new);
        }
        None => {
            let indent = line_indent(span.start);
            let inner = format!("{indent}  ");
            let mut new = format!("[{eol}");
            for s in statements {
                new.push_str(&format!("{inner}{},{eol}", hcl(s, &inner, eol)));
            }
            new.push_str(&format!("{indent}]"));
            out.replace_range(span, &new);
        }
    }
    Ok(out)
}

/// `text` with a new `resource "aws_redshift_resource_policy" "zero_etl"` at its end,
/// attached to `resource_arn` (an expression) with `statements`.
pub fn add_policy_resource(
    text: &str,
    resource_arn: &str,
    statements: &[Node],
) -> Result<String, Refusal> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| format!("it does not parse: {e}"))?;
    let kind = "aws_redshift_resource_policy";
    // One the file attaches to the same namespace already (written by an earlier fix, before
    // the plan was made again) takes the statements.
    let attached = body.get_blocks("resource").find(|b| {
        b.labels.first().map(|l| l.as_str()) == Some(kind)
            && b.body
                .get_attribute("resource_arn")
                .and_then(|a| a.value.span())
                .is_some_and(|r| text[r].trim() == resource_arn)
    });
    if let Some(b) = attached {
        let name = b.labels[1].as_str().to_string();
        return add_statements(text, (kind, &name), statements);
    }
    let name = ["zero_etl", "zero_etl_integration", "zero_etl_policy"]
        .into_iter()
        .find(|n| find_resource(&body, kind, n).is_none())
        .ok_or("it has aws_redshift_resource_policy resources named zero_etl already")?;
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let document = Node::Map(vec![
        ("Version".into(), Node::text("2012-10-17")),
        ("Statement".into(), Node::List(statements.to_vec())),
    ]);
    let mut out = text.to_string();
    if !out.is_empty() && !out.ends_with('\n') {
        out.push_str(eol);
    }
    out.push_str(&format!(
        "{eol}# Lets Redshift accept the zero-ETL integration (zetl-preflight ZA001/ZA002).{eol}\
         resource \"{kind}\" \"{name}\" {{{eol}  resource_arn = {resource_arn}{eol}  policy       = jsonencode({}){eol}}}{eol}",
        hcl(&document, "  ", eol)
    ));
    Ok(out)
}

/// The `Sid`s of the statements in `policy = jsonencode({…})` of every resource of `kind`,
/// read back from `text` (for checking an edit).
pub fn read_sids(text: &str, kind: &str) -> Vec<String> {
    let Ok(body) = hcl_edit::parser::parse_body(text) else {
        return Vec::new();
    };
    body.get_blocks("resource")
        .filter(|b| b.labels.first().map(|l| l.as_str()) == Some(kind))
        .flat_map(sids_of)
        .collect()
}

/// The `Sid`s in the resource's `policy = jsonencode({…})`.
fn sids_of(b: &Block) -> Vec<String> {
    let mut out = Vec::new();
    let Some(Expression::FuncCall(call)) = b.body.get_attribute("policy").map(|a| &a.value) else {
        return out;
    };
    let Some(doc) = call.args.get(0).and_then(Expression::as_object) else {
        return out;
    };
    let named = |k: &hcl_edit::expr::ObjectKey, name: &str| {
        k.as_ident().map(|i| i.as_str()) == Some(name)
            || k.as_expr().and_then(Expression::as_str) == Some(name)
    };
    for (_, v) in doc.iter().filter(|(k, _)| named(k, "Statement")) {
        for s in v.expr().as_array().into_iter().flat_map(|a| a.iter()) {
            for (k, v) in s.as_object().into_iter().flat_map(|o| o.iter()) {
                if named(k, "Sid") {
                    out.extend(v.expr().as_str().map(str::to_string));
                }
            }
        }
    }
    out
}

/// The value `settings` hold in the resource, read back from `text` (for checking an edit).
pub fn read_setting(text: &str, (kind, name): (&str, &str), s: &NestedSetting) -> Option<String> {
    let body = hcl_edit::parser::parse_body(text).ok()?;
    let resource = find_resource(&body, kind, name)?;
    let block = find_setting(&resource.body, s)?;
    literal(&block.body.get_attribute(&s.value.0)?.value)
}

fn find_resource<'a>(body: &'a Body, kind: &str, name: &str) -> Option<&'a Block> {
    body.get_blocks("resource").find(|b| {
        b.labels.len() == 2 && b.labels[0].as_str() == kind && b.labels[1].as_str() == name
    })
}

fn find_setting<'a>(body: &'a Body, s: &'a NestedSetting) -> Option<&'a Block> {
    body.get_blocks(&s.block).find(|b| {
        b.body
            .get_attribute(&s.key.0)
            .and_then(|a| literal(&a.value))
            .is_some_and(|k| k == s.key.1)
    })
}

/// A string, number or bool written as such, as Terraform would read it.
fn literal(e: &Expression) -> Option<String> {
    match e {
        Expression::String(s) => Some(s.value().to_string()),
        Expression::Number(n) => Some(n.value().to_string()),
        Expression::Bool(b) => Some(b.value().to_string()),
        _ => None,
    }
}

/// A double-quoted HCL string whose value is `v` exactly.
fn quote(v: &str) -> String {
    let mut out = String::from("\"");
    let mut chars = v.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            // `${` and `%{` open templates; `$${` and `%%{` are the literal text.
            '$' | '%' if chars.peek() == Some(&'{') => {
                out.push(c);
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Where new nested blocks go (the start of the line with the resource's closing brace),
/// the indentation of the resource's own attributes, and the file's line ending.
fn insertion(
    text: &str,
    body: &Body,
    span: Range<usize>,
) -> Result<(usize, String, &'static str), Refusal> {
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let close = text[span.clone()]
        .rfind('}')
        .map(|i| span.start + i)
        .ok_or("the resource block has no closing brace")?;
    let line_start = text[..close].rfind('\n').map_or(0, |i| i + 1);
    let before_brace = &text[line_start..close];
    let block_indent: String = text
        [text[..span.start].rfind('\n').map_or(0, |i| i + 1)..span.start]
        .chars()
        .take_while(|c| c.is_whitespace())
        .collect();
    // The resource's attributes show its indentation; else two spaces more than the block.
    let inner = body
        .iter()
        .find_map(|item| {
            let at = match item {
                hcl_edit::structure::Structure::Attribute(a) => a.span(),
                hcl_edit::structure::Structure::Block(b) => b.span(),
            }?;
            let start = text[..at.start].rfind('\n').map_or(0, |i| i + 1);
            let ws = &text[start..at.start];
            ws.chars().all(char::is_whitespace).then(|| ws.to_string())
        })
        .unwrap_or_else(|| format!("{block_indent}  "));
    if before_brace.trim().is_empty() {
        // `}` alone on its line: insert whole lines before it.
        Ok((line_start, inner, eol))
    } else {
        // `... }` on one line (a one-line resource): break the line before the brace.
        Err("the resource is written on one line: write it out over several lines first".into())
    }
}

/// `key = "value"` on a line of its own after the last attribute of `block`, indented as it.
fn new_attribute(
    text: &str,
    block: &Block,
    s: &NestedSetting,
) -> Result<(Range<usize>, String), Refusal> {
    let last = block
        .body
        .attributes()
        .filter_map(|a| a.span())
        .max_by_key(|r| r.end)
        .ok_or("a nested block without attributes")?;
    let line_start = text[..last.start].rfind('\n').map_or(0, |i| i + 1);
    let indent = &text[line_start..last.start];
    if !indent.chars().all(char::is_whitespace) {
        return Err(format!(
            "its {} block for {} is written on one line: write it out over several lines first",
            s.block, s.key.1
        ));
    }
    let line_end = text[last.end..]
        .find('\n')
        .map_or(text.len(), |i| last.end + i);
    let eol = if text[..line_end].ends_with('\r') {
        "\r\n"
    } else {
        "\n"
    };
    let at = if eol == "\r\n" {
        line_end - 1
    } else {
        line_end
    };
    Ok((
        at..at,
        format!("{eol}{indent}{} = {}", s.value.0, quote(&s.value.1)),
    ))
}

/// One nested block, its `=` aligned as `terraform fmt` aligns them.
fn nested_block(s: &NestedSetting, indent: &str, eol: &str) -> String {
    let mut attrs = vec![(&s.key.0, &s.key.1), (&s.value.0, &s.value.1)];
    attrs.extend(s.extra.iter().map(|(k, v)| (k, v)));
    let width = attrs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let mut out = format!("{eol}{indent}{} {{{eol}", s.block);
    for (k, v) in attrs {
        out.push_str(&format!("{indent}  {k:<width$} = {}{eol}", quote(v)));
    }
    out.push_str(&format!("{indent}}}{eol}"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, value: &str) -> NestedSetting {
        NestedSetting {
            block: "parameter".into(),
            key: ("name".into(), name.into()),
            value: ("value".into(), value.into()),
            extra: vec![("apply_method".into(), "pending-reboot".into())],
            create: true,
        }
    }

    const GROUP: &str = r#"# the source's group
resource "aws_rds_cluster_parameter_group" "zero_etl" {
  name   = "orders"   # keep this name
  family = "aurora-mysql8.0"

  parameter {
    name  = "binlog_format"
    value = "MIXED" # was ROW once
  }
}

resource "aws_rds_cluster" "source" {
  engine = "aurora-mysql"
}
"#;

    #[test]
    fn a_wrong_value_is_replaced_and_nothing_else_moves() {
        let out = set_nested(
            GROUP,
            ("aws_rds_cluster_parameter_group", "zero_etl"),
            &[param("binlog_format", "ROW")],
        )
        .unwrap();
        assert_eq!(out, GROUP.replace("\"MIXED\"", "\"ROW\""));
    }

    #[test]
    fn a_missing_parameter_is_a_new_block_before_the_closing_brace() {
        let out = set_nested(
            GROUP,
            ("aws_rds_cluster_parameter_group", "zero_etl"),
            &[param("aurora_enhanced_binlog", "1")],
        )
        .unwrap();
        let want = GROUP.replacen(
            "    value = \"MIXED\" # was ROW once\n  }\n",
            "    value = \"MIXED\" # was ROW once\n  }\n\n  parameter {\n    name         = \"aurora_enhanced_binlog\"\n    value        = \"1\"\n    apply_method = \"pending-reboot\"\n  }\n",
            1,
        );
        assert_eq!(out, want);
        let s = param("aurora_enhanced_binlog", "1");
        assert_eq!(
            read_setting(&out, ("aws_rds_cluster_parameter_group", "zero_etl"), &s).as_deref(),
            Some("1")
        );
    }

    #[test]
    fn what_cannot_be_edited_safely_is_refused_with_the_reason() {
        let dynamic = "resource \"aws_db_parameter_group\" \"g\" {\n  dynamic \"parameter\" {\n    for_each = var.params\n    content {\n      name = parameter.key\n      value = parameter.value\n    }\n  }\n}\n";
        let e = set_nested(dynamic, ("aws_db_parameter_group", "g"), &[param("x", "1")]);
        assert!(e.unwrap_err().contains("dynamic"));
        let from_var = "resource \"aws_db_parameter_group\" \"g\" {\n  parameter {\n    name = \"x\"\n    value = var.x\n  }\n}\n";
        let e = set_nested(
            from_var,
            ("aws_db_parameter_group", "g"),
            &[param("x", "1")],
        );
        assert!(e.unwrap_err().contains("expression"));
        let e = set_nested(
            GROUP,
            ("aws_db_parameter_group", "other"),
            &[param("x", "1")],
        );
        assert!(e.unwrap_err().contains("no resource"));
    }

    #[test]
    fn a_missing_attribute_is_a_line_after_the_last_one() {
        let s = NestedSetting {
            block: "parameter".into(),
            key: ("name".into(), "binlog_format".into()),
            value: ("apply_method".into(), "pending-reboot".into()),
            extra: Vec::new(),
            create: false,
        };
        let out = set_nested(GROUP, ("aws_rds_cluster_parameter_group", "zero_etl"), &[s]).unwrap();
        assert_eq!(
            out,
            GROUP.replace(
                "    value = \"MIXED\" # was ROW once\n",
                "    value = \"MIXED\" # was ROW once\n    apply_method = \"pending-reboot\"\n"
            )
        );
    }

    #[test]
    fn templates_in_values_stay_literal() {
        assert_eq!(quote("a${b}\"c"), r#""a$${b}\"c""#);
        assert_eq!(quote("5$ or 10%"), r#""5$ or 10%""#);
    }

    fn statement(sid: &str) -> Node {
        Node::map([
            ("Sid", Node::text(sid)),
            ("Effect", Node::text("Allow")),
            (
                "Resource",
                Node::Expr("aws_redshiftserverless_namespace.t.arn".into()),
            ),
        ])
    }

    const POLICY: &str = r#"resource "aws_redshift_resource_policy" "p" {
  resource_arn = aws_redshiftserverless_namespace.t.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid    = "Existing" # keep
        Effect = "Allow"
      }
    ]
  })
}
"#;

    #[test]
    fn statements_follow_the_last_one_and_are_not_written_twice() {
        let out = add_statements(
            POLICY,
            ("aws_redshift_resource_policy", "p"),
            &[statement("ZeroEtlA")],
        )
        .unwrap();
        assert_eq!(
            out,
            POLICY.replace(
                "        Effect = \"Allow\"\n      }\n",
                "        Effect = \"Allow\"\n      },\n      {\n        Sid      = \"ZeroEtlA\"\n        Effect   = \"Allow\"\n        Resource = aws_redshiftserverless_namespace.t.arn\n      }\n"
            )
        );
        assert_eq!(
            read_sids(&out, "aws_redshift_resource_policy"),
            ["Existing", "ZeroEtlA"]
        );
        let again = add_statements(
            &out,
            ("aws_redshift_resource_policy", "p"),
            &[statement("ZeroEtlA")],
        )
        .unwrap();
        assert_eq!(again, out);
        // A new resource on the same namespace is not added beside it: it takes the statement.
        let attached = add_policy_resource(
            &out,
            "aws_redshiftserverless_namespace.t.arn",
            &[statement("ZeroEtlB")],
        )
        .unwrap();
        assert_eq!(
            read_sids(&attached, "aws_redshift_resource_policy"),
            ["Existing", "ZeroEtlA", "ZeroEtlB"]
        );
        assert_eq!(
            attached
                .matches("resource \"aws_redshift_resource_policy\"")
                .count(),
            1
        );
    }

    #[test]
    fn an_empty_list_is_filled_and_a_policy_not_in_jsonencode_is_refused() {
        let empty = POLICY.replace(
            "[\n      {\n        Sid    = \"Existing\" # keep\n        Effect = \"Allow\"\n      }\n    ]",
            "[]",
        );
        assert_ne!(empty, POLICY);
        let out = add_statements(
            &empty,
            ("aws_redshift_resource_policy", "p"),
            &[statement("S")],
        )
        .unwrap();
        assert_eq!(read_sids(&out, "aws_redshift_resource_policy"), ["S"]);
        let document = "resource \"aws_redshift_resource_policy\" \"p\" {\n  policy = data.aws_iam_policy_document.p.json\n}\n";
        assert!(add_statements(
            document,
            ("aws_redshift_resource_policy", "p"),
            &[statement("S")]
        )
        .unwrap_err()
        .contains("policy document data source"));
    }

    #[test]
    fn an_attribute_is_replaced_or_added_in_the_column_of_the_one_above() {
        let cluster = "resource \"aws_redshift_cluster\" \"w\" {\n  cluster_identifier = \"w\"\n  node_type          = \"ra3.xlplus\" # sized for 2026\n\n  logging {\n    enable = true\n  }\n}\n";
        let r = ("aws_redshift_cluster", "w");
        let out =
            set_attribute(cluster, r, "encrypted", &Node::Expr("true".into()), false).unwrap();
        assert_eq!(
            out,
            cluster.replace(
                "# sized for 2026\n",
                "# sized for 2026\n  encrypted          = true\n"
            )
        );
        assert_eq!(
            read_attribute(&out, r, "encrypted").as_deref(),
            Some("true")
        );
        let off = set_attribute(&out, r, "encrypted", &Node::Expr("false".into()), false).unwrap();
        assert_eq!(
            off,
            out.replace("= true\n  logging", "= false\n  logging")
                .replace("encrypted          = true", "encrypted          = false")
        );
        assert_eq!(
            set_attribute(&out, r, "encrypted", &Node::Expr("true".into()), false).unwrap(),
            out
        );
        let named =
            set_attribute(cluster, r, "node_type", &Node::text("ra3.4xlarge"), false).unwrap();
        assert!(named.contains("node_type          = \"ra3.4xlarge\" # sized for 2026"));
        let expression = cluster.replace("\"ra3.xlplus\"", "var.node_type");
        assert!(
            set_attribute(&expression, r, "node_type", &Node::text("x"), false)
                .unwrap_err()
                .contains("expression")
        );
    }
}

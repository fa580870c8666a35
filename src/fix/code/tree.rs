//! A small document to write into a source file (a policy statement), and how each format
//! writes it: HCL (the object syntax `jsonencode({…})` takes), YAML (block style, short-form
//! intrinsics) and JSON (CloudFormation's long-form intrinsics). Only new text is written
//! this way; what a file holds already is never re-serialized.

/// One value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    Text(String),
    /// A Terraform expression written as is: `aws_rds_cluster.source.arn`.
    Expr(String),
    /// CloudFormation's `Fn::GetAtt` of (logical id, attribute).
    GetAtt(String, String),
    /// CloudFormation's `Fn::Sub` of a string.
    Sub(String),
    Map(Vec<(String, Node)>),
    List(Vec<Node>),
}

impl Node {
    pub fn map<const N: usize>(entries: [(&str, Node); N]) -> Node {
        Node::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    pub fn text(s: &str) -> Node {
        Node::Text(s.to_string())
    }

    /// The `Sid` of a statement.
    pub fn sid(&self) -> Option<&str> {
        match self {
            Node::Map(m) => m.iter().find_map(|(k, v)| match (k.as_str(), v) {
                ("Sid", Node::Text(s)) => Some(s.as_str()),
                _ => None,
            }),
            _ => None,
        }
    }
}

fn json_string(s: &str) -> String {
    serde_json::Value::String(s.to_string()).to_string()
}

/// HCL, for a value that starts after `key = ` on a line indented by `indent`.
pub fn hcl(n: &Node, indent: &str, eol: &str) -> String {
    match n {
        Node::Text(s) => json_string(s).replace("${", "$${").replace("%{", "%%{"),
        Node::Expr(e) => e.clone(),
        // Not Terraform's: written as the strings CloudFormation would resolve are unknown.
        Node::GetAtt(..) | Node::Sub(_) => "null".into(),
        Node::Map(m) if m.len() == 1 && !matches!(m[0].1, Node::Map(_) | Node::List(_)) => {
            format!("{{ {} = {} }}", hcl_key(&m[0].0), hcl(&m[0].1, indent, eol))
        }
        Node::Map(m) => {
            let inner = format!("{indent}  ");
            let width = m.iter().map(|(k, _)| hcl_key(k).len()).max().unwrap_or(0);
            let mut out = format!("{{{eol}");
            for (k, v) in m {
                out.push_str(&format!(
                    "{inner}{:<width$} = {}{eol}",
                    hcl_key(k),
                    hcl(v, &inner, eol)
                ));
            }
            out.push_str(&format!("{indent}}}"));
            out
        }
        Node::List(items) => {
            let inner = format!("{indent}  ");
            let mut out = format!("[{eol}");
            for v in items {
                out.push_str(&format!("{inner}{},{eol}", hcl(v, &inner, eol)));
            }
            out.push_str(&format!("{indent}]"));
            out
        }
    }
}

/// An object key as HCL writes it: bare when it is an identifier, else quoted.
fn hcl_key(k: &str) -> String {
    let bare = k.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if bare {
        k.to_string()
    } else {
        json_string(k)
    }
}

/// YAML lines for a list item: the first line starts `- ` at `indent`, the rest below it.
pub fn yaml_item(n: &Node, indent: usize, eol: &str) -> String {
    let pad = " ".repeat(indent);
    match n {
        Node::Map(m) => {
            let mut out = String::new();
            for (i, (k, v)) in m.iter().enumerate() {
                let lead = if i == 0 {
                    format!("{pad}- ")
                } else {
                    format!("{pad}  ")
                };
                out.push_str(&yaml_entry(&lead, k, v, indent + 2, eol));
            }
            out
        }
        other => format!("{pad}- {}{eol}", yaml_scalar(other)),
    }
}

/// YAML lines for a map's entries at `indent`.
pub fn yaml_map(entries: &[(String, Node)], indent: usize, eol: &str) -> String {
    let pad = " ".repeat(indent);
    entries
        .iter()
        .map(|(k, v)| yaml_entry(&pad, k, v, indent, eol))
        .collect()
}

fn yaml_entry(lead: &str, k: &str, v: &Node, indent: usize, eol: &str) -> String {
    let key = yaml_key(k);
    match v {
        Node::Map(m) => format!("{lead}{key}:{eol}{}", yaml_map(m, indent + 2, eol)),
        Node::List(items) => {
            let mut out = format!("{lead}{key}:{eol}");
            for item in items {
                out.push_str(&yaml_item(item, indent + 2, eol));
            }
            out
        }
        scalar => format!("{lead}{key}: {}{eol}", yaml_scalar(scalar)),
    }
}

fn yaml_key(k: &str) -> String {
    if k.chars()
        .all(|c| c.is_ascii_alphanumeric() || "_:-.".contains(c))
        && !k.ends_with(':')
    {
        k.to_string()
    } else {
        json_string(k)
    }
}

/// A value as YAML reads it back as the same string: plain when it is a word (a colon inside
/// it, as in `redshift:AuthorizeInboundIntegration`, but never before a space or at its end),
/// else double-quoted.
pub fn yaml_text(v: &str) -> String {
    let plain = v.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || "_.-/:".contains(c))
        && !v.ends_with(':')
        && !matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n"
        );
    if plain {
        v.to_string()
    } else {
        serde_json::Value::String(v.to_string()).to_string()
    }
}

fn yaml_scalar(n: &Node) -> String {
    match n {
        Node::Text(s) => yaml_text(s),
        Node::GetAtt(id, attr) => format!("!GetAtt {id}.{attr}"),
        Node::Sub(s) => format!("!Sub {}", json_string(s)),
        Node::Expr(e) => json_string(e),
        Node::Map(_) | Node::List(_) => "{}".into(),
    }
}

/// JSON, pretty, for a value that starts on a line indented by `indent`.
pub fn json(n: &Node, indent: &str, eol: &str) -> String {
    let v = to_value(n);
    let pretty = serde_json::to_string_pretty(&v).expect("a tree serializes");
    pretty
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                l.to_string()
            } else {
                format!("{indent}{l}")
            }
        })
        .collect::<Vec<_>>()
        .join(eol)
}

fn to_value(n: &Node) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    match n {
        Node::Text(s) | Node::Expr(s) => Value::String(s.clone()),
        Node::GetAtt(id, attr) => json!({ "Fn::GetAtt": [id, attr] }),
        Node::Sub(s) => json!({ "Fn::Sub": s }),
        Node::Map(m) => Value::Object(
            m.iter()
                .map(|(k, v)| (k.clone(), to_value(v)))
                .collect::<Map<_, _>>(),
        ),
        Node::List(items) => Value::Array(items.iter().map(to_value).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn statement() -> Node {
        Node::map([
            ("Sid", Node::text("ZeroEtlAuthorizeInboundIntegration")),
            ("Effect", Node::text("Allow")),
            (
                "Principal",
                Node::map([("Service", Node::text("redshift.amazonaws.com"))]),
            ),
            ("Resource", Node::text("*")),
            (
                "Condition",
                Node::map([(
                    "StringEquals",
                    Node::map([(
                        "aws:SourceArn",
                        Node::GetAtt("Orders".into(), "DBClusterArn".into()),
                    )]),
                )]),
            ),
        ])
    }

    #[test]
    fn yaml_writes_block_style_with_short_form_tags() {
        let y = yaml_item(&statement(), 10, "\n");
        assert_eq!(
            y,
            "          - Sid: ZeroEtlAuthorizeInboundIntegration\n            Effect: Allow\n            Principal:\n              Service: redshift.amazonaws.com\n            Resource: \"*\"\n            Condition:\n              StringEquals:\n                aws:SourceArn: !GetAtt Orders.DBClusterArn\n"
        );
    }

    #[test]
    fn json_writes_long_form_intrinsics_and_hcl_quotes_what_is_not_an_identifier() {
        let j = json(&statement(), "    ", "\n");
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(
            v["Condition"]["StringEquals"]["aws:SourceArn"]["Fn::GetAtt"][0],
            "Orders"
        );
        let s = Node::map([
            ("Effect", Node::text("Allow")),
            (
                "Condition",
                Node::map([(
                    "StringEquals",
                    Node::map([(
                        "aws:SourceArn",
                        Node::Expr("aws_rds_cluster.source.arn".into()),
                    )]),
                )]),
            ),
        ]);
        assert_eq!(
            hcl(&s, "", "\n"),
            "{\n  Effect    = \"Allow\"\n  Condition = {\n    StringEquals = { \"aws:SourceArn\" = aws_rds_cluster.source.arn }\n  }\n}"
        );
        // A `${` in a string is not an interpolation in what is written.
        assert_eq!(hcl(&Node::text("a${b}"), "", "\n"), "\"a$${b}\"");
    }
}

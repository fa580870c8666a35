//! YAML (and JSON, which is YAML) into a tree that keeps each node's line and column, with
//! CloudFormation's short-form tags (`!Ref x`, `!GetAtt a.b`, `!Sub …`) turned into their
//! long forms (`{"Ref": x}`, `{"Fn::GetAtt": [a, b]}`, …), as CloudFormation reads them.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A value and where it starts (1-based line and column).
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub value: Value,
    pub line: u32,
    pub column: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(serde_json::Number),
    Str(String),
    Seq(Vec<Node>),
    /// Keys in document order, each with the node of its key (for its position).
    Map(Vec<(Node, Node)>),
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// The key node of `key` (where it is written).
    pub fn key(&self, key: &str) -> Option<&Node> {
        match &self.value {
            Value::Map(m) => m
                .iter()
                .find(|(k, _)| k.as_str() == Some(key))
                .map(|(k, _)| k),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Node, Node)] {
        match &self.value {
            Value::Map(m) => m,
            _ => &[],
        }
    }
}

/// The short-form tags and the functions they stand for.
fn long_form(suffix: &str) -> Option<&'static str> {
    Some(match suffix {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" => "Fn::Sub",
        "If" => "Fn::If",
        "Join" => "Fn::Join",
        "Select" => "Fn::Select",
        "Split" => "Fn::Split",
        "Equals" => "Fn::Equals",
        "Not" => "Fn::Not",
        "And" => "Fn::And",
        "Or" => "Fn::Or",
        "FindInMap" => "Fn::FindInMap",
        "Base64" => "Fn::Base64",
        "ImportValue" => "Fn::ImportValue",
        "GetAZs" => "Fn::GetAZs",
        "Cidr" => "Fn::Cidr",
        "ToJsonString" => "Fn::ToJsonString",
        "Length" => "Fn::Length",
        _ => return None,
    })
}

enum Open {
    Seq(Node, Option<Tag>),
    Map(Node, Option<Tag>, Option<Node>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    done: Option<Node>,
    error: Option<String>,
}

fn at(mark: Marker, value: Value) -> Node {
    Node {
        value,
        line: mark.line() as u32,
        column: mark.col() as u32 + 1,
    }
}

fn scalar(text: String, style: TScalarStyle) -> Value {
    if style != TScalarStyle::Plain {
        return Value::Str(text);
    }
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => match text.parse::<i64>() {
            Ok(n) => Value::Number(n.into()),
            Err(_) => match text
                .parse::<f64>()
                .ok()
                .and_then(serde_json::Number::from_f64)
            {
                Some(n) if !text.starts_with('.') => Value::Number(n),
                _ => Value::Str(text),
            },
        },
    }
}

impl Builder {
    /// Wrap a tagged node in its function: `!GetAtt a.b` → `{"Fn::GetAtt": ["a", "b"]}`.
    fn tagged(&mut self, node: Node, tag: Option<Tag>) -> Node {
        let Some(tag) = tag else { return node };
        if tag.handle != "!" {
            return node;
        }
        let Some(name) = long_form(&tag.suffix) else {
            self.error
                .get_or_insert(format!("line {}: unknown tag !{}", node.line, tag.suffix));
            return node;
        };
        let (line, column) = (node.line, node.column);
        let arg = match (name, node.value) {
            ("Fn::GetAtt", Value::Str(s)) => {
                let (res, attr) = s.split_once('.').unwrap_or((s.as_str(), ""));
                let part = |s: &str| Node {
                    value: Value::Str(s.to_string()),
                    line,
                    column,
                };
                Node {
                    value: Value::Seq(vec![part(res), part(attr)]),
                    line,
                    column,
                }
            }
            (_, value) => Node {
                value,
                line,
                column,
            },
        };
        let key = Node {
            value: Value::Str(name.to_string()),
            line,
            column,
        };
        Node {
            value: Value::Map(vec![(key, arg)]),
            line,
            column,
        }
    }

    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.done = Some(node),
            Some(Open::Seq(seq, _)) => {
                if let Value::Seq(items) = &mut seq.value {
                    items.push(node);
                }
            }
            Some(Open::Map(map, _, key)) => match key.take() {
                None => *key = Some(node),
                Some(k) => {
                    if let Value::Map(entries) = &mut map.value {
                        entries.push((k, node));
                    }
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(text, style, _, tag) => {
                let node = self.tagged(at(mark, scalar(text, style)), tag);
                self.push(node);
            }
            Event::SequenceStart(_, tag) => self
                .stack
                .push(Open::Seq(at(mark, Value::Seq(Vec::new())), tag)),
            Event::MappingStart(_, tag) => {
                self.stack
                    .push(Open::Map(at(mark, Value::Map(Vec::new())), tag, None))
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let node = match self.stack.pop() {
                    Some(Open::Seq(n, tag)) | Some(Open::Map(n, tag, _)) => self.tagged(n, tag),
                    None => return,
                };
                self.push(node);
            }
            Event::Alias(_) => {
                self.error.get_or_insert(format!(
                    "line {}: YAML aliases are not supported in templates",
                    mark.line()
                ));
            }
            _ => {}
        }
    }
}

/// Parse one YAML or JSON document.
pub fn parse(text: &str) -> Result<Node, String> {
    let mut b = Builder::default();
    Parser::new_from_str(text)
        .load(&mut b, false)
        .map_err(|e| e.to_string())?;
    if let Some(e) = b.error {
        return Err(e);
    }
    b.done.ok_or_else(|| "the file is empty".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_become_long_forms_with_positions() {
        let doc = parse("Resources:\n  A:\n    Arn: !GetAtt Cluster.DBClusterArn\n    Name: !Ref Param\n    S: !Sub \"${A}-x\"\n").unwrap();
        let a = doc.get("Resources").unwrap().get("A").unwrap();
        let arn = a.get("Arn").unwrap();
        // Where the value starts (after the tag).
        assert_eq!((arn.line, arn.column), (3, 18));
        let f = arn.get("Fn::GetAtt").unwrap();
        match &f.value {
            Value::Seq(parts) => {
                assert_eq!(parts[0].as_str(), Some("Cluster"));
                assert_eq!(parts[1].as_str(), Some("DBClusterArn"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(
            a.get("Name").unwrap().get("Ref").unwrap().as_str(),
            Some("Param")
        );
        assert_eq!(
            a.get("S").unwrap().get("Fn::Sub").unwrap().as_str(),
            Some("${A}-x")
        );
        assert_eq!(a.key("Name").unwrap().line, 4);
    }

    #[test]
    fn json_is_read_too_and_scalars_keep_their_types() {
        let doc = parse(r#"{"A": {"N": 2, "B": true, "S": "2", "Z": null}}"#).unwrap();
        let a = doc.get("A").unwrap();
        assert_eq!(a.get("N").unwrap().value, Value::Number(2.into()));
        assert_eq!(a.get("B").unwrap().value, Value::Bool(true));
        assert_eq!(a.get("S").unwrap().value, Value::Str("2".into()));
        assert_eq!(a.get("Z").unwrap().value, Value::Null);
    }

    #[test]
    fn unknown_tags_and_bad_yaml_are_errors() {
        assert!(parse("A: !Nope x\n").unwrap_err().contains("!Nope"));
        assert!(parse("A: [1, 2\n").is_err());
    }
}

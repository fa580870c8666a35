//! CloudFormation's intrinsic functions, resolved as far as the template and its parameters
//! allow: `Ref`, `Fn::GetAtt`, `Fn::Sub`, `Fn::Join`, `Fn::If`, `Fn::Select` and the
//! condition functions. What only the stack's creation tells is unknown; what refers to a
//! resource of the template is an edge.

use serde_json::Value as Json;

use super::super::yaml::{Node, Value};
use super::{plain, text, Template};
use crate::model::fact::UNKNOWN_VALUE;

/// A value resolved as far as the template allows: known or not, and the resources it
/// refers to (logical id, attribute).
#[derive(Debug, Default)]
pub(super) struct Resolved {
    pub(super) value: Option<Json>,
    pub(super) refs: Vec<(String, String)>,
}

impl Resolved {
    fn known(v: Json) -> Resolved {
        Resolved {
            value: Some(v),
            refs: Vec::new(),
        }
    }

    fn unknown(refs: Vec<(String, String)>) -> Resolved {
        Resolved { value: None, refs }
    }
}

impl Template<'_> {
    pub(super) fn condition(&self, name: &str) -> Option<bool> {
        let node = self.conditions.get(name)?;
        self.truth(node)
    }

    /// A condition's value, when the template and parameters decide it.
    fn truth(&self, n: &Node) -> Option<bool> {
        let (f, arg) = function(n)?;
        let args = match &arg.value {
            Value::Seq(a) => a.as_slice(),
            _ => std::slice::from_ref(arg),
        };
        match f {
            "Fn::Equals" => {
                let a = self.resolve(args.first()?).value?;
                let b = self.resolve(args.get(1)?).value?;
                Some(text(&a)? == text(&b)?)
            }
            "Fn::Not" => self.truth(args.first()?).map(|b| !b),
            "Fn::And" => args
                .iter()
                .map(|a| self.truth(a))
                .collect::<Option<Vec<_>>>()
                .map(|v| v.iter().all(|b| *b)),
            "Fn::Or" => args
                .iter()
                .map(|a| self.truth(a))
                .collect::<Option<Vec<_>>>()
                .map(|v| v.iter().any(|b| *b)),
            "Condition" => self.condition(arg.as_str()?),
            _ => None,
        }
    }

    /// What `Ref` to a resource gives, and whether the template knows it.
    fn ref_resource(&self, id: &str) -> Resolved {
        let name_property = self.resources.get(id).and_then(|r| {
            let ty = r.get("Type")?.as_str()?;
            let prop = match ty {
                "AWS::RDS::DBCluster" => "DBClusterIdentifier",
                "AWS::RDS::DBClusterParameterGroup" => "DBClusterParameterGroupName",
                "AWS::RDS::DBInstance" => "DBInstanceIdentifier",
                "AWS::RDS::DBParameterGroup" => "DBParameterGroupName",
                "AWS::Redshift::Cluster" => "ClusterIdentifier",
                "AWS::Redshift::ClusterParameterGroup" => "ParameterGroupName",
                "AWS::RedshiftServerless::Namespace" => "NamespaceName",
                "AWS::RedshiftServerless::Workgroup" => "WorkgroupName",
                _ => return None,
            };
            r.get("Properties")?.get(prop)
        });
        let mut r = match name_property {
            // CloudFormation generates the name when the template sets none.
            Some(p) => self.resolve(p),
            None => Resolved::default(),
        };
        r.refs.push((id.to_string(), "Ref".into()));
        r
    }

    pub(super) fn resolve(&self, n: &Node) -> Resolved {
        let Some((f, arg)) = function(n) else {
            return match &n.value {
                Value::Seq(items) => self.all(items.iter().map(|i| self.resolve(i)), Json::Array),
                Value::Map(entries) => {
                    let keys: Vec<String> = entries
                        .iter()
                        .map(|(k, _)| k.as_str().unwrap_or("").to_string())
                        .collect();
                    self.all(entries.iter().map(|(_, v)| self.resolve(v)), |vals| {
                        Json::Object(keys.iter().cloned().zip(vals).collect())
                    })
                }
                _ => Resolved::known(plain(n).unwrap_or(Json::Null)),
            };
        };
        match f {
            "Ref" => {
                let Some(name) = arg.as_str() else {
                    return Resolved::default();
                };
                if let Some(v) = self.parameters.get(name) {
                    return Resolved::known(v.clone());
                }
                match name {
                    "AWS::Region" => self
                        .region
                        .clone()
                        .map(|r| Resolved::known(Json::String(r)))
                        .unwrap_or_default(),
                    "AWS::Partition" => Resolved::known(Json::String("aws".into())),
                    "AWS::URLSuffix" => Resolved::known(Json::String("amazonaws.com".into())),
                    "AWS::NoValue" => Resolved::known(Json::Null),
                    _ if self.resources.contains_key(name) => self.ref_resource(name),
                    _ => Resolved::default(),
                }
            }
            "Fn::GetAtt" => {
                let parts: Vec<String> = match &arg.value {
                    Value::Seq(p) => p
                        .iter()
                        .filter_map(|x| x.as_str().map(str::to_string))
                        .collect(),
                    Value::Str(s) => s.splitn(2, '.').map(str::to_string).collect(),
                    _ => Vec::new(),
                };
                match parts.as_slice() {
                    [res, attr, ..] => Resolved::unknown(vec![(res.clone(), attr.clone())]),
                    _ => Resolved::default(),
                }
            }
            "Fn::Sub" => self.sub(arg, None),
            "Fn::Join" => {
                let Value::Seq(a) = &arg.value else {
                    return Resolved::default();
                };
                let (Some(delim), Some(list)) = (a.first().and_then(Node::as_str), a.get(1)) else {
                    return Resolved::default();
                };
                let items = self.resolve(list);
                match items.value {
                    Some(Json::Array(vals)) => {
                        match vals.iter().map(text).collect::<Option<Vec<_>>>() {
                            Some(parts) => Resolved {
                                value: Some(Json::String(parts.join(delim))),
                                refs: items.refs,
                            },
                            None => Resolved::unknown(items.refs),
                        }
                    }
                    _ => Resolved::unknown(items.refs),
                }
            }
            "Fn::If" => {
                let Value::Seq(a) = &arg.value else {
                    return Resolved::default();
                };
                let (Some(c), Some(yes), Some(no)) =
                    (a.first().and_then(Node::as_str), a.get(1), a.get(2))
                else {
                    return Resolved::default();
                };
                match self.condition(c) {
                    Some(true) => self.resolve(yes),
                    Some(false) => self.resolve(no),
                    None => {
                        let mut refs = self.resolve(yes).refs;
                        refs.extend(self.resolve(no).refs);
                        Resolved::unknown(refs)
                    }
                }
            }
            "Fn::Select" => {
                let Value::Seq(a) = &arg.value else {
                    return Resolved::default();
                };
                let (Some(i), Some(list)) = (a.first().map(|i| self.resolve(i)), a.get(1)) else {
                    return Resolved::default();
                };
                let list = self.resolve(list);
                let index = i
                    .value
                    .as_ref()
                    .and_then(text)
                    .and_then(|s| s.parse::<usize>().ok());
                match (index, &list.value) {
                    (Some(i), Some(Json::Array(v))) if i < v.len() => Resolved {
                        value: Some(v[i].clone()),
                        refs: list.refs,
                    },
                    _ => Resolved::unknown(list.refs),
                }
            }
            _ => Resolved::unknown(self.resolve(arg).refs),
        }
    }

    /// All parts known → `make` of their values; else unknown, with every part's edges.
    fn all(
        &self,
        parts: impl Iterator<Item = Resolved>,
        make: impl FnOnce(Vec<Json>) -> Json,
    ) -> Resolved {
        let mut refs = Vec::new();
        let mut values = Vec::new();
        let mut known = true;
        for p in parts {
            refs.extend(p.refs);
            match p.value {
                Some(v) => values.push(v),
                None => known = false,
            }
        }
        Resolved {
            value: known.then(|| make(values)),
            refs,
        }
    }

    /// A policy document as far as the template knows it: each value known only once the
    /// stack exists (a whole value, or a part of an `Fn::Sub`) is [`UNKNOWN_VALUE`], so the
    /// statements that do not turn on it can still be judged.
    pub(super) fn resolve_partial(&self, n: &Node) -> Resolved {
        let unknown = || Json::String(UNKNOWN_VALUE.into());
        let parts = |items: Vec<Resolved>, make: &dyn Fn(Vec<Json>) -> Json| {
            let mut refs = Vec::new();
            let values = items
                .into_iter()
                .map(|r| {
                    refs.extend(r.refs);
                    r.value.unwrap_or_else(unknown)
                })
                .collect();
            Resolved {
                value: Some(make(values)),
                refs,
            }
        };
        match (function(n), &n.value) {
            (Some(("Fn::Sub", arg)), _) => self.sub(arg, Some(UNKNOWN_VALUE)),
            (Some(_), _) => {
                let r = self.resolve(n);
                Resolved {
                    value: Some(r.value.unwrap_or_else(unknown)),
                    refs: r.refs,
                }
            }
            (None, Value::Seq(items)) => parts(
                items.iter().map(|i| self.resolve_partial(i)).collect(),
                &Json::Array,
            ),
            (None, Value::Map(entries)) => {
                let keys: Vec<String> = entries
                    .iter()
                    .map(|(k, _)| k.as_str().unwrap_or("").to_string())
                    .collect();
                parts(
                    entries
                        .iter()
                        .map(|(_, v)| self.resolve_partial(v))
                        .collect(),
                    &|vals| Json::Object(keys.iter().cloned().zip(vals).collect()),
                )
            }
            (None, _) => self.resolve(n),
        }
    }

    /// `Fn::Sub`: a string with `${Name}` / `${Resource.Attr}`, and optional variables. A
    /// part the template does not know makes the whole unknown, or is written as `fill`.
    fn sub(&self, arg: &Node, fill: Option<&str>) -> Resolved {
        let (template, vars) = match &arg.value {
            Value::Str(s) => (s.clone(), None),
            Value::Seq(a) => match (a.first().and_then(Node::as_str), a.get(1)) {
                (Some(s), vars) => (s.to_string(), vars),
                _ => return Resolved::default(),
            },
            _ => return Resolved::default(),
        };
        let mut out = String::new();
        let mut refs = Vec::new();
        let mut known = true;
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            // `${!Literal}` writes `${Literal}`.
            if let Some(lit) = after.strip_prefix('!') {
                out.push_str("${");
                rest = lit;
                continue;
            }
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            let r = match vars.and_then(|v| v.get(name)) {
                Some(node) => self.resolve(node),
                None => match name.split_once('.') {
                    Some((res, attr)) if self.resources.contains_key(res) => {
                        Resolved::unknown(vec![(res.to_string(), attr.to_string())])
                    }
                    _ => self.resolve(&Node {
                        value: Value::Map(vec![(
                            Node {
                                value: Value::Str("Ref".into()),
                                line: arg.line,
                                column: arg.column,
                            },
                            Node {
                                value: Value::Str(name.to_string()),
                                line: arg.line,
                                column: arg.column,
                            },
                        )]),
                        line: arg.line,
                        column: arg.column,
                    }),
                },
            };
            refs.extend(r.refs);
            match (r.value.as_ref().and_then(text), fill) {
                (Some(t), _) => out.push_str(&t),
                (None, Some(f)) => out.push_str(f),
                (None, None) => known = false,
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        Resolved {
            value: known.then_some(Json::String(out)),
            refs,
        }
    }
}

/// `{"Ref": x}` / `{"Fn::…": x}` → the function and its argument.
fn function(n: &Node) -> Option<(&str, &Node)> {
    match &n.value {
        Value::Map(entries) if entries.len() == 1 => {
            let (k, v) = &entries[0];
            let name = k.as_str()?;
            (name == "Ref" || name == "Condition" || name.starts_with("Fn::")).then_some((name, v))
        }
        _ => None,
    }
}

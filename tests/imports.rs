//! The layers of `src/` import one way, and no two files import each other.
//!
//! Every path to our own code (`crate::…` and `super::…`, in `use` lines and inline, brace
//! groups expanded) is read from the source text and resolved to the file that holds it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The order imports run in: a module may import from modules after it, never before it.
/// Modules on one line are siblings and do not import each other.
const LAYERS: &[&[&str]] = &[
    &["main", "lib"],
    &["cli"],
    &["run"],
    &["report"],
    &["fix", "inputs"],
    &["progress", "config"],
    &["fetch"],
    &["rules"],
    &["model"],
];

fn rank(top: &str) -> usize {
    LAYERS
        .iter()
        .position(|l| l.contains(&top))
        .unwrap_or_else(|| panic!("src/{top} is in no layer of tests/imports.rs"))
}

/// `src/a/b.rs` → `["a", "b"]`; `src/a/mod.rs` → `["a"]`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if parts.last().map(String::as_str) == Some("mod") {
        parts.pop();
    }
    parts
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a file without its comments (line comments, doc comments, block comments)
/// and without the contents of string literals, so that a path named in prose is no import.
fn code(text: &str) -> String {
    let b: Vec<char> = text.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == '/' && b.get(i + 1) == Some(&'/') {
            while i < b.len() && b[i] != '\n' {
                i += 1;
            }
        } else if b[i] == '/' && b.get(i + 1) == Some(&'*') {
            while i + 1 < b.len() && !(b[i] == '*' && b[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if b[i] == 'r' && raw_string_at(&b, i) {
            // A raw string: r"…", r#"…"#, r##"…"##.
            let mut j = i + 1;
            while b.get(j) == Some(&'#') {
                j += 1;
            }
            let hashes = j - i - 1;
            j += 1;
            while j < b.len() && !(b[j] == '"' && (1..=hashes).all(|k| b.get(j + k) == Some(&'#')))
            {
                j += 1;
            }
            i = j + 1 + hashes;
            out.push_str("\"\"");
        } else if b[i] == '"' {
            i += 1;
            while i < b.len() && b[i] != '"' {
                i += if b[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if b[i] == '\'' && b.get(i + 1) == Some(&'\\') {
            // An escaped char literal: '\n', '\'', '\u{1F600}'.
            let mut j = i + 3;
            while j < b.len() && b[j] != '\'' {
                j += 1;
            }
            i = j + 1;
        } else if b[i] == '\'' && b.get(i + 2) == Some(&'\'') {
            // A char literal such as '{' or '"'.
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

/// Does a raw string (`r"`, `r#"`, `br#"`) start at `b[i]`, the `r`?
fn raw_string_at(b: &[char], i: usize) -> bool {
    let word = |c: char| c.is_alphanumeric() || c == '_';
    let starts_token = i == 0 || !word(b[i - 1]) || (b[i - 1] == 'b' && (i < 2 || !word(b[i - 2])));
    let mut j = i + 1;
    while b.get(j) == Some(&'#') {
        j += 1;
    }
    starts_token && b.get(j) == Some(&'"')
}

fn ident(s: &[char], i: &mut usize) -> Option<String> {
    let start = *i;
    while *i < s.len() && (s[*i].is_alphanumeric() || s[*i] == '_') {
        *i += 1;
    }
    (*i > start).then(|| s[start..*i].iter().collect())
}

/// The paths after `prefix::` at `s[i..]`, brace groups expanded.
fn paths_at(s: &[char], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    let mut path = prefix;
    loop {
        while *i < s.len() && s[*i].is_whitespace() {
            *i += 1;
        }
        if *i < s.len() && s[*i] == '{' {
            *i += 1;
            loop {
                while *i < s.len() && (s[*i].is_whitespace() || s[*i] == ',') {
                    *i += 1;
                }
                if *i >= s.len() || s[*i] == '}' {
                    *i += 1;
                    return;
                }
                paths_at(s, i, path.clone(), out);
                // `as name` after a path in a group.
                while *i < s.len() && s[*i] != ',' && s[*i] != '}' {
                    *i += 1;
                }
            }
        }
        match ident(s, i) {
            Some(seg) => path.push(seg),
            None => {
                out.push(path);
                return;
            }
        }
        if s[*i..].starts_with(&[':', ':']) {
            *i += 2;
        } else {
            // `as x`, `;`, `(`, `,`: the path ends here.
            out.push(path);
            return;
        }
    }
}

/// Every path to our own code in `text`, as absolute module paths (without `crate`).
fn imports(module: &[String], text: &str) -> Vec<Vec<String>> {
    let s: Vec<char> = code(text).chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let boundary =
            i == 0 || !(s[i - 1].is_alphanumeric() || s[i - 1] == '_' || s[i - 1] == ':');
        if !boundary {
            i += 1;
            continue;
        }
        let rest: String = s[i..s.len().min(i + 8)].iter().collect();
        if rest.starts_with("crate::") {
            i += 7;
            paths_at(&s, &mut i, Vec::new(), &mut out);
        } else if rest.starts_with("super::") {
            // `super` is the module's parent (a mod.rs is the module of its folder).
            let mut base = module.to_vec();
            base.pop();
            i += 7;
            while s[i..].starts_with(&['s', 'u', 'p', 'e', 'r', ':', ':']) {
                base.pop();
                i += 7;
            }
            paths_at(&s, &mut i, base, &mut out);
        } else {
            i += 1;
        }
    }
    out
}

/// The longest prefix of `path` that is a module of ours.
fn resolve(path: &[String], modules: &BTreeSet<Vec<String>>) -> Option<Vec<String>> {
    (1..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
}

/// What each module re-exports: (module, name) → the path it names (`pub use a::b::X;` in
/// module `m` maps `(m, X)` to `a::b::X`). A bare path in a `pub use` is relative to the module
/// (`pub use evaluate::Decision;` in `iam/mod.rs`).
type Reexports = BTreeMap<(Vec<String>, String), Vec<String>>;

fn reexports(module: &[String], text: &str, modules: &BTreeSet<Vec<String>>) -> Reexports {
    let mut out = Reexports::new();
    let code = code(text);
    for stmt in code.split("pub use ").skip(1) {
        let Some(end) = stmt.find(';') else { continue };
        let body = stmt[..end].trim();
        let s: Vec<char> = body.chars().collect();
        let mut paths = Vec::new();
        if body.starts_with("crate::") || body.starts_with("super::") {
            paths = imports(module, body);
        } else {
            let mut i = 0;
            paths_at(&s, &mut i, module.to_vec(), &mut paths);
        }
        for p in paths {
            if let Some(item) = p.last() {
                if p.len() > 1 && resolve(&p, modules).is_some() {
                    out.insert((module.to_vec(), item.clone()), p.clone());
                }
            }
        }
    }
    out
}

/// The module that holds what `path` names, following re-exports to where the item is
/// defined.
fn origin(path: &[String], modules: &BTreeSet<Vec<String>>, re: &Reexports) -> Option<Vec<String>> {
    let mut path = path.to_vec();
    for _ in 0..16 {
        let m = resolve(&path, modules)?;
        let Some(item) = path.get(m.len()) else {
            return Some(m);
        };
        match re.get(&(m.clone(), item.clone())) {
            Some(next) if *next != path => path = next.clone(),
            _ => return Some(m),
        }
    }
    None
}

/// Who imports whom. An import names the module its path goes through (a re-exporting
/// module among them) and, through re-exports, the module that defines the item: a circle
/// through a re-export is a circle.
fn graph() -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let modules: BTreeSet<Vec<String>> = all.iter().map(|f| module_of(&src, f)).collect();
    let texts: Vec<(Vec<String>, String)> = all
        .iter()
        .map(|f| (module_of(&src, f), std::fs::read_to_string(f).unwrap()))
        .collect();
    let mut re = Reexports::new();
    for (module, text) in &texts {
        re.extend(reexports(module, text, &modules));
    }
    let mut edges = BTreeMap::new();
    for (module, text) in &texts {
        let mut to = BTreeSet::new();
        for p in imports(module, text) {
            to.extend(resolve(&p, &modules));
            to.extend(origin(&p, &modules, &re));
        }
        to.remove(module);
        edges.insert(module.clone(), to);
    }
    edges
}

/// The circles of the import graph (its strongly connected parts of more than one module),
/// leaving out a module's imports of its own ancestors and descendants: a module and its
/// parent are one unit (declarations and re-exports).
fn circles(g: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>) -> Vec<Vec<Vec<String>>> {
    let related = |a: &Vec<String>, b: &Vec<String>| a.starts_with(b) || b.starts_with(a);
    let next = |a: &Vec<String>| -> Vec<Vec<String>> {
        g[a].iter().filter(|b| !related(a, b)).cloned().collect()
    };
    // Modules that reach each other are in one circle.
    let reach = |from: &Vec<String>| {
        let mut seen = BTreeSet::new();
        let mut todo = next(from);
        while let Some(m) = todo.pop() {
            if seen.insert(m.clone()) {
                todo.extend(next(&m));
            }
        }
        seen
    };
    let reaches: BTreeMap<_, _> = g.keys().map(|m| (m.clone(), reach(m))).collect();
    let mut done = BTreeSet::new();
    let mut out = Vec::new();
    for m in g.keys() {
        if done.contains(m) || !reaches[m].contains(m) {
            continue;
        }
        let part: Vec<Vec<String>> = reaches[m]
            .iter()
            .filter(|o| reaches[*o].contains(m))
            .cloned()
            .collect();
        done.extend(part.iter().cloned());
        out.push(part);
    }
    out
}

fn name(m: &[String]) -> String {
    format!("src/{}", m.join("/"))
}

#[test]
fn layers_import_one_way() {
    let mut wrong = Vec::new();
    for (from, tos) in graph() {
        let Some(top) = from.first() else { continue };
        for to in tos {
            let other = &to[0];
            if other != top && rank(other) <= rank(top) {
                wrong.push(format!("{} imports {}", name(&from), name(&to)));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the order {LAYERS:?}:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_files_import_each_other_in_a_circle() {
    let found: Vec<String> = circles(&graph())
        .iter()
        .map(|c| c.iter().map(|m| name(m)).collect::<Vec<_>>().join(" -> "))
        .collect();
    assert!(
        found.is_empty(),
        "files that import each other, directly or round a circle:\n{}",
        found.join("\n")
    );
}

/// The circle that a re-export once hid: `effective` took `show` through `spec`, which
/// re-exports the checks, one of which imports `effective`.
#[test]
fn a_circle_through_a_reexport_is_seen() {
    let m = |s: &str| s.split("::").map(String::from).collect::<Vec<String>>();
    let modules: BTreeSet<Vec<String>> = [
        "rules::effective",
        "rules::spec",
        "rules::condition",
        "rules::checks::data",
    ]
    .into_iter()
    .map(m)
    .collect();
    let spec =
        "pub use super::checks::data::DataProblem;\npub use super::condition::{show, Condition};";
    let re = reexports(&m("rules::spec"), spec, &modules);
    assert_eq!(
        origin(&m("rules::spec::show"), &modules, &re),
        Some(m("rules::condition"))
    );
    let mut g = BTreeMap::new();
    g.insert(
        m("rules::effective"),
        [m("rules::spec"), m("rules::condition")].into(),
    );
    g.insert(
        m("rules::spec"),
        [m("rules::checks::data"), m("rules::condition")].into(),
    );
    g.insert(m("rules::checks::data"), [m("rules::effective")].into());
    g.insert(m("rules::condition"), BTreeSet::new());
    assert_eq!(circles(&g).len(), 1, "{:?}", circles(&g));
    // Importing `show` from where it is defined breaks the circle.
    g.insert(m("rules::effective"), [m("rules::condition")].into());
    assert!(circles(&g).is_empty());
}

#[test]
fn the_reader_finds_grouped_nested_and_relative_paths() {
    let module = vec!["fetch".to_string(), "sql".into(), "mysql".into()];
    let text = r#"
        use crate::{model::{Fact, CallError}, rules::spec::Rule as R};
        use super::credentials;
        // use crate::cli::nothing;
        let s = "crate::report::not_code";
        let x = crate::fetch::calls::X;
        fn f() -> Option<super::super::error::E> { None }
    "#;
    let got: BTreeSet<String> = imports(&module, text)
        .into_iter()
        .map(|p| p.join("::"))
        .collect();
    let want: BTreeSet<String> = [
        "model::Fact",
        "model::CallError",
        "rules::spec::Rule",
        "fetch::sql::credentials",
        "fetch::calls::X",
        "fetch::error::E",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(got, want);
}

/// `src/cli` parses and prints: it reads no AWS, database, plan, template or snapshot file
/// and no read cache (that is `run/`'s), whatever it imports for types.
#[test]
fn the_cli_reads_nothing() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/cli");
    let mut all = Vec::new();
    files(&dir, &mut all);
    let reads = [
        "std::fs::read",
        "read_to_string(",
        "fetch::cache",
        "fetch::clients",
        "fetch::source",
        "fetch::target",
        "inputs::",
        "sqlx",
        "aws_sdk_",
        "aws_config::",
        "session::connect",
    ];
    let mut found = Vec::new();
    for f in &all {
        let text = code(&std::fs::read_to_string(f).unwrap());
        for r in reads {
            if text.contains(r) {
                found.push(format!("{} uses {r}", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "cli/ reads:\n{}", found.join("\n"));
}

/// One meaning per name: "plan" is the fix plan. Terraform plans and CloudFormation templates
/// are deployments (`inputs/planned` is the world a deployment plans), and a module or type
/// named for a plan lives in `fix/` only.
#[test]
fn plan_means_the_fix_plan() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let mut wrong = Vec::new();
    let plan_type = regex::Regex::new(r"\b(struct|enum|type|trait) Plan[A-Z<\s{(;]").unwrap();
    for f in &all {
        let module = module_of(&src, f);
        let in_fix = module.first().is_some_and(|m| m == "fix");
        let named = module
            .last()
            .is_some_and(|m| m == "plan" || m.starts_with("plan_") || m.ends_with("_plan"));
        if named && !in_fix {
            wrong.push(format!("{} is named for a plan", name(&module)));
        }
        let text = code(&std::fs::read_to_string(f).unwrap());
        if plan_type.is_match(&text) && !in_fix {
            wrong.push(format!("{} declares a Plan type", name(&module)));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `src/cli` parses arguments and renders what `run/` returns: it names no module that reads
/// (`fetch`, `inputs`), none that judges (`rules`), and not the suppressions (`run/` marks
/// them), not even for a type.
#[test]
fn the_cli_names_no_reader_judge_or_suppression() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut all = Vec::new();
    files(&src, &mut all);
    let modules: BTreeSet<Vec<String>> = all.iter().map(|f| module_of(&src, f)).collect();
    let mut found = Vec::new();
    for f in all.iter().filter(|f| f.starts_with(src.join("cli"))) {
        let module = module_of(&src, f);
        for p in imports(&module, &std::fs::read_to_string(f).unwrap()) {
            let Some(m) = resolve(&p, &modules) else {
                continue;
            };
            let top = m[0].as_str();
            if ["fetch", "inputs", "rules"].contains(&top) || m[..] == ["config", "suppress"] {
                found.push(format!("{} names {}", name(&module), p.join("::")));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

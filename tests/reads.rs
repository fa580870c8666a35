//! A run reads only what its selected rules need. That is safe only if every check kind
//! names every optional read it uses: here each rule judges each fixture with only its own
//! reads (the others left out, as a narrower live run leaves them) and must conclude
//! exactly what it concludes with everything read.

use std::path::Path;

use zetl_preflight::fetch::calls;
use zetl_preflight::model::reads::{narrowed, Wanted};
use zetl_preflight::model::Snapshot;
use zetl_preflight::rules::{evaluate, RuleSet};

fn fixtures() -> Vec<(String, Snapshot)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "json") {
            let text = std::fs::read_to_string(&p).unwrap();
            let snap: Snapshot = serde_json::from_str(&text).unwrap();
            out.push((p.file_name().unwrap().to_string_lossy().into_owned(), snap));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn each_rule_needs_only_the_reads_it_names() {
    let all = RuleSet::embedded().unwrap();
    let mut wrong = Vec::new();
    for (name, snap) in fixtures() {
        for rule in &all.rules {
            let one = RuleSet {
                rules: vec![rule.clone()],
                causes: Vec::new(),
            };
            let wanted = zetl_preflight::rules::reads::optional_reads(rule);
            let full = evaluate(&snap, &one);
            let narrow = evaluate(&narrowed(&snap, wanted, &calls::optional), &one);
            let show = |fs: &[zetl_preflight::model::Finding]| {
                fs.iter()
                    .map(|f| {
                        format!(
                            "{:?}: {} [{}] {:?}",
                            f.status, f.message, f.resource, f.remediation
                        )
                    })
                    .collect::<Vec<_>>()
            };
            if show(&full) != show(&narrow) {
                wrong.push(format!(
                    "{} on {name}: with everything {:?}; with only {wanted:?} {:?}",
                    rule.code,
                    show(&full),
                    show(&narrow)
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// The check: leaving every optional read out does change some verdicts (so the test above
/// can fail).
#[test]
fn leaving_reads_out_is_seen() {
    let all = RuleSet::embedded().unwrap();
    let changed = fixtures().iter().any(|(_, snap)| {
        let narrow = narrowed(snap, Wanted::NONE, &calls::optional);
        evaluate(snap, &all)
            .iter()
            .zip(evaluate(&narrow, &all).iter())
            .any(|(a, b)| a.status != b.status)
    });
    assert!(changed);
}

//! `audit --watch`: the same read → judge → report, round after round, saying only what
//! changed. A round's state is, per integration, its status and the rules that do not pass;
//! the changes between two rounds are what a person on call wants to read.

use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

use crate::model::{Finding, Status};

/// The rules that do not pass, with their status.
pub type Problems = BTreeMap<String, Status>;

/// The findings that fail, warn or are unverified (suppressed ones left out).
pub fn problems(findings: &[Finding]) -> Problems {
    findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .filter(|f| matches!(f.status, Status::Fail | Status::Warn | Status::Error))
        .map(|f| (f.rule.clone(), f.status))
        .collect()
}

/// One integration as a round saw it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Seen {
    /// The integration's status (`active`, `needs_attention`, …; `(not created)` for a
    /// candidate).
    pub status: String,
    /// Each rule that fails, warns or is unverified, with that status.
    pub problems: Problems,
}

/// A round: every integration by its label.
pub type Round = BTreeMap<String, Seen>;

/// What changed between two rounds, one line each.
pub fn changes(before: &Round, after: &Round) -> Vec<String> {
    let mut out = Vec::new();
    for (who, now) in after {
        let Some(was) = before.get(who) else {
            let problems = if now.problems.is_empty() {
                String::new()
            } else {
                format!(
                    " ({})",
                    now.problems
                        .iter()
                        .map(|(r, s)| format!("{r} {}", s.as_str()))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            out.push(format!("{who}: appeared, {}{problems}", now.status));
            continue;
        };
        if was.status != now.status {
            out.push(format!("{who}: status {} -> {}", was.status, now.status));
        }
        for (rule, s) in &now.problems {
            match was.problems.get(rule) {
                Some(w) if w == s => {}
                Some(w) => out.push(format!("{who}: {rule} {} -> {}", w.as_str(), s.as_str())),
                None => out.push(format!("{who}: {rule} pass -> {}", s.as_str())),
            }
        }
        for (rule, w) in &was.problems {
            if !now.problems.contains_key(rule) {
                out.push(format!("{who}: {rule} {} -> pass", w.as_str()));
            }
        }
    }
    for who in before.keys().filter(|w| !after.contains_key(*w)) {
        out.push(format!("{who}: gone"));
    }
    out
}

/// How a watch ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// `--count` rounds were made.
    Counted,
    /// SIGINT or SIGTERM came while it waited.
    Signalled,
}

/// Run `round` every `interval` until `count` rounds were made or `stop` resolves (checked
/// only between rounds: a round is never cut short). `say` gets each round's changes (the
/// first round: everything appears). Returns the last round's verdict and how it ended.
pub async fn watch<R, F, E>(
    mut round: R,
    interval: Duration,
    count: Option<u64>,
    stop: impl Future<Output = ()>,
    mut say: impl FnMut(u64, &[String]),
) -> Result<(bool, End), E>
where
    R: FnMut(u64) -> F,
    F: Future<Output = Result<(Round, bool), E>>,
{
    tokio::pin!(stop);
    let mut before = Round::new();
    let mut n = 0;
    loop {
        n += 1;
        let (after, fails) = round(n).await?;
        say(n, &changes(&before, &after));
        before = after;
        if count.is_some_and(|c| n >= c) {
            return Ok((fails, End::Counted));
        }
        tokio::select! {
            _ = tokio::time::sleep(interval) => {}
            _ = &mut stop => return Ok((fails, End::Signalled)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seen(status: &str, problems: &[(&str, Status)]) -> Seen {
        Seen {
            status: status.into(),
            problems: problems.iter().map(|(r, s)| (r.to_string(), *s)).collect(),
        }
    }

    fn round(list: &[(&str, Seen)]) -> Round {
        list.iter()
            .map(|(w, s)| (w.to_string(), s.clone()))
            .collect()
    }

    #[test]
    fn only_what_changed_is_said() {
        let a = round(&[
            ("orders", seen("active", &[])),
            ("billing", seen("active", &[("ZH004", Status::Warn)])),
        ]);
        let b = round(&[
            (
                "orders",
                seen("needs_attention", &[("ZI005", Status::Fail)]),
            ),
            ("billing", seen("active", &[("ZH004", Status::Warn)])),
        ]);
        assert_eq!(
            changes(&a, &b),
            vec![
                "orders: status active -> needs_attention".to_string(),
                "orders: ZI005 pass -> fail".to_string(),
            ]
        );
        assert_eq!(changes(&b, &b), Vec::<String>::new());
        let c = round(&[("orders", seen("active", &[]))]);
        assert_eq!(
            changes(&b, &c),
            vec![
                "orders: status needs_attention -> active".to_string(),
                "orders: ZI005 fail -> pass".to_string(),
                "billing: gone".to_string(),
            ]
        );
        assert_eq!(
            changes(&Round::new(), &a),
            vec![
                "billing: appeared, active (ZH004 warn)".to_string(),
                "orders: appeared, active".to_string(),
            ]
        );
    }

    /// Three rounds against a world that changes between them: an integration goes
    /// needs_attention, then back; exactly those transitions are said, and the exit is the
    /// last round's.
    #[tokio::test(start_paused = true)]
    async fn three_rounds_say_the_transitions_and_end_with_the_last_verdict() {
        let worlds = [
            round(&[("orders", seen("active", &[]))]),
            round(&[(
                "orders",
                seen("needs_attention", &[("ZI005", Status::Fail)]),
            )]),
            round(&[("orders", seen("active", &[]))]),
        ];
        let mut said = Vec::new();
        let (fails, end) = watch(
            |n| {
                let w = worlds[(n - 1) as usize].clone();
                async move { Ok::<_, ()>((w, n == 2)) }
            },
            Duration::from_secs(30),
            Some(3),
            std::future::pending(),
            |n, lines| said.push((n, lines.to_vec())),
        )
        .await
        .unwrap();
        assert_eq!((fails, end), (false, End::Counted));
        assert_eq!(said[0], (1, vec!["orders: appeared, active".to_string()]));
        assert_eq!(
            said[1],
            (
                2,
                vec![
                    "orders: status active -> needs_attention".to_string(),
                    "orders: ZI005 pass -> fail".to_string()
                ]
            )
        );
        assert_eq!(
            said[2],
            (
                3,
                vec![
                    "orders: status needs_attention -> active".to_string(),
                    "orders: ZI005 fail -> pass".to_string()
                ]
            )
        );
    }

    /// A stop while it waits ends the watch with the last round's verdict; the round itself
    /// is never cut short.
    #[tokio::test(start_paused = true)]
    async fn a_stop_while_waiting_ends_with_the_last_verdict() {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let mut tx = Some(tx);
        let (fails, end) = watch(
            |n| {
                if n == 2 {
                    // The signal comes during the wait after round 2.
                    let _ = tx.take().unwrap().send(());
                }
                async move { Ok::<_, ()>((Round::new(), n == 2)) }
            },
            Duration::from_secs(3600),
            None,
            async {
                let _ = rx.await;
            },
            |_, _| {},
        )
        .await
        .unwrap();
        assert_eq!((fails, end), (true, End::Signalled));
    }
}

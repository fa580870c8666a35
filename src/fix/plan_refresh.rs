//! Planning the refresh of an integration's failed tables (ZH002, with `--tables`):
//! `ALTER DATABASE "db" INTEGRATION REFRESH TABLE "schema"."table", …` through the Redshift
//! Data API. Unsafe: each table is reloaded from the source and cannot be queried until it is
//! `Synced` again. A table is refreshed only when this run shows its cause gone: its reason
//! points at a cause (`[[cause]]` in the rules data) whose rules ran and do not fail for it
//! (a table without a primary key is refreshed once the catalog read with `--data` shows it
//! has one). Otherwise its step is manual and says why; a refresh before the cause is fixed
//! only fails the table again.

use crate::model::{Fact, Finding, Snapshot, Status, TableState};
use crate::rules::checks::health::HealthCheck;
use crate::rules::checks::Needs;
use crate::rules::integration_causes::cause_of;
use crate::rules::spec::{Applicability, Check};
use crate::rules::RuleSet;

use super::action::{action, with_reason, Op, Plan};
use super::context::FixContext;
use super::params::{codes, failing};

/// Why a refresh is unsafe, said in the plan.
const RELOADS: &str = "each table is reloaded from the source: it cannot be queried until it \
    is Synced again (unless QUERY_ALL_STATES is on), and a large table takes long to reload";

/// `ResyncRequired` is AWS's own request for a refresh.
const RESYNC: &str = "ResyncRequired";

/// What this run says about refreshing one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Refresh {
    /// Its cause is shown gone (or it only waits for a resync): refresh it.
    Ready,
    /// Not yet, and why.
    NotYet(String),
}

pub(super) fn refresh_actions(
    plan: &mut Plan,
    handled: &mut Vec<String>,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
    ctx: &FixContext,
) {
    let Some(h) = &snap.health else { return };
    let Some(states) = h.tables.as_ref().filter(|t| t.failed_call.is_none()) else {
        return;
    };
    let wanted = failing(
        findings,
        rules,
        |r| matches!(&r.check, Check::Health(c) if c.check == HealthCheck::FailedTables),
    );
    if wanted.is_empty() || states.tables.is_empty() {
        return;
    }
    let rule_codes = codes(&wanted);
    let id = h.integration_id();
    let Some(database) = states.target_database.as_deref() else {
        return; // no destination database: the generic manual step says to create it
    };
    let (mut ready, mut later) = (Vec::new(), Vec::new());
    for t in &states.tables {
        match judge(t, snap, findings, rules) {
            Refresh::Ready => ready.push(t),
            Refresh::NotYet(why) => {
                let mut a = action(
                    Applicability::Manual,
                    &h.integration_arn,
                    format!(
                        "Refresh {} of integration {id} once its cause is fixed",
                        t.table
                    ),
                    &rule_codes,
                    Op::Manual,
                );
                a.reason = Some(why);
                a.command = Some(format!("{};", statement(database, &[t])));
                later.push(a);
            }
        }
    }
    handled.extend(rule_codes.iter().cloned());
    refresh(plan, &ready, (h, database, &rule_codes), ctx);
    // The tables not refreshed yet go after every change, as manual steps do.
    for a in later {
        plan.push(a);
    }
}

/// The refresh of the tables that are ready: by the tool with `--tables`, else by hand.
fn refresh(
    plan: &mut Plan,
    ready: &[&TableState],
    (h, database, rule_codes): (&crate::model::health::Health, &str, &[String]),
    ctx: &FixContext,
) {
    if ready.is_empty() {
        return;
    }
    let id = h.integration_id();
    let sql = statement(database, ready);
    let names: Vec<String> = ready.iter().map(|t| t.table.clone()).collect();
    let summary = format!(
        "Refresh {} of integration {id} in database {database}: {}",
        crate::model::words::count(ready.len(), "table", "tables"),
        names.join(", ")
    );
    let Some(at) = ctx.tables_at.clone() else {
        let mut a = action(
            Applicability::Manual,
            &h.integration_arn,
            summary,
            rule_codes,
            Op::Manual,
        );
        a.reason = Some(
            "the cause is gone; run the statement on the target, or run --fix with --tables so \
             the tool can (it logs in as --tables-db-user or --tables-secret say)"
                .into(),
        );
        a.command = Some(format!("{sql};"));
        plan.push(a);
        return;
    };
    plan.push(with_reason(
        action(
            Applicability::Unsafe,
            &h.integration_arn,
            summary,
            rule_codes,
            Op::RefreshTables {
                at,
                database: database.to_string(),
                tables: names,
                sql,
            },
        ),
        Some(RELOADS.into()),
    ));
}

/// Whether `t` may be refreshed now, from this run's findings and catalog.
pub(super) fn judge(
    t: &TableState,
    snap: &Snapshot,
    findings: &[Finding],
    rules: &RuleSet,
) -> Refresh {
    let reason = t.reason.as_deref().unwrap_or("").trim();
    let Some(cause) = cause_of(reason, &rules.causes) else {
        if t.state.trim() == RESYNC {
            return Refresh::Ready;
        }
        return Refresh::NotYet(format!(
            "no rule explains why it failed ({}): find the cause (SYS_LOAD_ERROR_DETAIL, the \
             zero-ETL troubleshooting page) and fix it before the refresh",
            if reason.is_empty() {
                "no reason given"
            } else {
                reason
            }
        ));
    };
    let list = cause.rules.join(", ");
    let judged: Vec<&Finding> = findings
        .iter()
        .filter(|f| cause.rules.contains(&f.rule) && f.suppressed.is_none())
        .collect();
    // A failing rule blocks unless it names its tables and this one is not among them.
    if let Some(f) = judged.iter().find(|f| {
        matches!(f.status, Status::Fail | Status::Warn)
            && (f.evidence.objects.is_empty()
                || f.evidence.objects.iter().any(|o| names(&o.table, &t.table)))
    }) {
        return Refresh::NotYet(format!(
            "{} still {}: {}. Fix it first; a refresh before that fails the table again",
            f.rule,
            if f.status == Status::Fail {
                "fails"
            } else {
                "warns"
            },
            f.message
        ));
    }
    let ran = judged
        .iter()
        .any(|f| matches!(f.status, Status::Pass | Status::Fail | Status::Warn));
    if !ran {
        return Refresh::NotYet(format!(
            "its reason points at {} ({list}), and {list} did not run in this check; run --fix \
             with --data (the source's catalog) so the tool can see the cause gone",
            cause.what
        ));
    }
    // A data rule speaks only of the tables the catalog read holds.
    let data_rule = cause.rules.iter().any(|c| {
        rules
            .find(c)
            .is_some_and(|r| r.check.kind().needs() == Needs::Schema)
    });
    if data_rule && !in_catalog(snap, &t.table) {
        return Refresh::NotYet(format!(
            "the source's catalog read in this check has no table {}, so {list} says nothing \
             about it; widen --data's scope (--data-filter) or check the table by hand",
            t.table
        ));
    }
    Refresh::Ready
}

/// Whether a source table name (`db.table`, `db.schema.table`) is Redshift's `schema.table`.
/// Case is ignored: matching more tables blocks more refreshes, never fewer.
fn names(source: &str, redshift: &str) -> bool {
    let (s, r) = (source.to_lowercase(), redshift.to_lowercase());
    s == r || s.ends_with(&format!(".{r}"))
}

fn in_catalog(snap: &Snapshot, table: &str) -> bool {
    match &snap.schema {
        Some(Fact::Ok(facts)) => facts.tables.iter().any(|f| names(&f.qualified(), table)),
        _ => false,
    }
}

/// A double-quoted SQL identifier.
fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `ALTER DATABASE "db" INTEGRATION REFRESH TABLE "s"."t", …`.
fn statement(database: &str, tables: &[&TableState]) -> String {
    let list: Vec<String> = tables
        .iter()
        .map(|t| {
            let (schema, name) = t.parts();
            format!("{}.{}", quoted(schema), quoted(name))
        })
        .collect();
    format!(
        "ALTER DATABASE {} INTEGRATION REFRESH TABLE {}",
        quoted(database),
        list.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(table: &str) -> TableState {
        TableState {
            table: table.into(),
            schema: None,
            state: "Failed".into(),
            reason: None,
        }
    }

    #[test]
    fn names_are_quoted_and_quotes_doubled() {
        assert_eq!(
            statement("orders", &[&state("shop.audit_log"), &state("a\"b.c")]),
            r#"ALTER DATABASE "orders" INTEGRATION REFRESH TABLE "shop"."audit_log", "a""b"."c""#
        );
    }

    #[test]
    fn a_source_name_ends_with_the_redshift_one() {
        assert!(names("shop.audit_log", "shop.audit_log"));
        assert!(names("appdb.public.Orders", "public.orders"));
        assert!(!names("appdb.public.orders2", "public.orders"));
        assert!(!names("shop.xaudit_log", "shop.audit_log"));
        assert!(!names("bigshop.audit_log", "shop.audit_log"));
    }
}

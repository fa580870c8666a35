//! How a parameter group gets its new values: edited in place, copied, or not at all.

use crate::model::Fact;

use super::context::NewGroup;

/// How a parameter group gets its new values.
pub(super) enum Strategy {
    InPlace,
    /// Copy to this new group and associate it, for this reason.
    Copy {
        group: NewGroup,
        why: String,
    },
    /// Cannot decide safely.
    Blocked(String),
}

pub(super) fn strategy(
    group: &str,
    users: &Fact<Vec<String>>,
    new_name: &Fact<NewGroup>,
    kind: &str,
) -> Strategy {
    let copy = |why: String| match new_name {
        Fact::Ok(g) => Strategy::Copy {
            group: g.clone(),
            why,
        },
        Fact::Error(e) => {
            Strategy::Blocked(format!("no free name for a new {kind}: {}", e.describe()))
        }
    };
    if group.starts_with("default.") {
        return copy(format!("{group} is a default group, which is never edited"));
    }
    match users {
        Fact::Ok(u) if u.is_empty() => Strategy::InPlace,
        Fact::Ok(u) => copy(format!(
            "{group} is shared with {}; it is copied, not edited",
            u.join(", ")
        )),
        Fact::Error(e) => copy(format!(
            "could not tell whether other clusters use {group} ({}); it is copied, not edited",
            e.describe()
        )),
    }
}

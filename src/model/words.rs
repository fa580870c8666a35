//! Words for people: a count with its noun in the right number, a list in a sentence.

/// `0 warnings`, `1 warning`, `2 warnings`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// `a`, `a and b`, `a, b and c`.
pub fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{count, list};

    #[test]
    fn a_list_is_joined_by_commas_and_a_last_and() {
        let words = |w: &[&str]| w.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(list(&words(&[])), "");
        assert_eq!(list(&words(&["1"])), "1");
        assert_eq!(list(&words(&["1", "2"])), "1 and 2");
        assert_eq!(list(&words(&["1", "2", "3"])), "1, 2 and 3");
    }

    #[test]
    fn one_is_singular_and_every_other_count_plural() {
        assert_eq!(count(0, "warning", "warnings"), "0 warnings");
        assert_eq!(count(1, "warning", "warnings"), "1 warning");
        assert_eq!(count(2, "warning", "warnings"), "2 warnings");
    }
}

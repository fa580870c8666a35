//! Wildcard matching as IAM does it.

/// `*` matches any run of characters (also none), `?` exactly one. `fold` compares ASCII
/// case-insensitively (action names); otherwise the match is exact (ARNs, StringLike).
pub fn glob(pattern: &str, text: &str, fold: bool) -> bool {
    let norm = |s: &str| -> Vec<char> {
        if fold {
            s.to_ascii_lowercase().chars().collect()
        } else {
            s.chars().collect()
        }
    };
    let (p, t) = (norm(pattern), norm(text));
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Does `pattern` hold a wildcard?
pub fn has_wildcard(pattern: &str) -> bool {
    pattern.contains(['*', '?'])
}

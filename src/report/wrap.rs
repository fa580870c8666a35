//! Fix commands folded to a width as a shell still reads them: a command breaks between its
//! words with a backslash at the end of each line but the last, never inside a quoted word
//! (a backslash-newline inside single quotes is two literal characters); a comment breaks
//! into more comment lines. Anything else (a JSON statement to paste) is left whole.

/// `line` as lines of at most `width` characters where it can be broken; each line but the
/// first starts with `indent` more spaces.
pub fn shell_lines(line: &str, width: usize, indent: usize) -> Vec<String> {
    if line.chars().count() <= width {
        return vec![line.to_string()];
    }
    if let Some(text) = line.strip_prefix('#') {
        return comment(text.trim_start(), width);
    }
    match words(line) {
        Some(words) if is_command(&words) => command(&words, width, indent),
        _ => vec![line.to_string()],
    }
}

/// A command line's words, quotes kept; `None` when a quote is not closed.
fn words(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in line.chars() {
        word.push(c);
        match (quote, c) {
            (_, _) if escaped => escaped = false,
            (Some('"') | None, '\\') => escaped = true,
            (Some(q), c) if c == q => quote = None,
            (None, '\'' | '"') => quote = Some(c),
            (None, ' ') => {
                word.pop();
                if !word.is_empty() {
                    out.push(std::mem::take(&mut word));
                }
            }
            _ => {}
        }
    }
    if quote.is_some() || escaped {
        return None;
    }
    if !word.is_empty() {
        out.push(word);
    }
    Some(out)
}

/// A command to run (`aws …`, `psql …`), not data to paste: its first word is a program name.
fn is_command(words: &[String]) -> bool {
    words.first().is_some_and(|w| {
        w.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.' || c == '/')
    })
}

/// Words joined up to the width; a flag stays on the line of its value when both fit.
fn command(words: &[String], width: usize, indent: usize) -> Vec<String> {
    let pad = " ".repeat(indent);
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut i = 0;
    while i < words.len() {
        // A flag and its value move together.
        let mut unit = words[i].clone();
        if words[i].starts_with("--") && i + 1 < words.len() && !words[i + 1].starts_with("--") {
            unit = format!("{} {}", words[i], words[i + 1]);
            i += 1;
        }
        i += 1;
        let unit = spread_json(&unit, &pad, width);
        let room = width.saturating_sub(2); // " \"
                                            // The next command of a list (`a || b`) starts a line of its own.
        let ends_command = ["||", "&&", ";"].contains(&unit.as_str());
        if ends_command && !current.is_empty() {
            current.push(' ');
            current.push_str(&unit);
            lines.push(std::mem::take(&mut current));
            continue;
        }
        if current.is_empty() {
            current = if lines.is_empty() {
                unit
            } else {
                format!("{pad}{unit}")
            };
        } else if !unit.contains('\n')
            && last_line(&current).chars().count() + 1 + unit.chars().count() <= room
        {
            current.push(' ');
            current.push_str(&unit);
        } else {
            lines.push(std::mem::take(&mut current));
            current = format!("{pad}{unit}");
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    let last = lines.len().saturating_sub(1);
    lines
        .into_iter()
        .enumerate()
        .map(|(n, l)| if n < last { format!("{l} \\") } else { l })
        .flat_map(|l| l.split('\n').map(str::to_string).collect::<Vec<_>>())
        .collect()
}

fn last_line(text: &str) -> &str {
    text.rsplit('\n').next().unwrap_or(text)
}

/// A single-quoted JSON document too long for a line (`--policy '{…}'`), spread over lines
/// inside its quotes: a shell keeps the newlines, JSON ignores them, so the value means the
/// same. Anything else is returned as it is.
fn spread_json(unit: &str, pad: &str, width: usize) -> String {
    if unit.chars().count() <= width {
        return unit.to_string();
    }
    let (head, word) = match unit.split_once(' ') {
        Some((flag, word)) if flag.starts_with("--") => (format!("{flag} "), word),
        _ => (String::new(), unit),
    };
    let inner = match word.strip_prefix('\'').and_then(|w| w.strip_suffix('\'')) {
        Some(inner) if !inner.contains('\'') => inner,
        _ => return unit.to_string(),
    };
    let Ok(value) = serde_json::from_str::<serde_json::Value>(inner) else {
        return unit.to_string();
    };
    if !(value.is_object() || value.is_array()) {
        return unit.to_string();
    }
    let pretty = serde_json::to_string_pretty(&value).expect("a JSON value serializes");
    let body = pretty.replace('\n', &format!("\n{pad}"));
    format!("{head}'{body}'")
}

/// A comment's words as comment lines.
fn comment(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::from("#");
    for w in text.split(' ').filter(|w| !w.is_empty()) {
        if current.len() > 1 && current.chars().count() + 1 + w.chars().count() > width {
            lines.push(std::mem::replace(&mut current, String::from("#")));
        }
        current.push(' ');
        current.push_str(w);
    }
    lines.push(current);
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a POSIX shell makes of the lines: continuations joined, words split, quotes
    /// removed (enough of `sh` for these commands).
    fn argv(lines: &[String]) -> Vec<String> {
        let joined = lines.join("\n").replace("\\\n", "");
        words(&joined)
            .unwrap()
            .into_iter()
            .map(|w| w.replace('\'', ""))
            .collect()
    }

    #[test]
    fn a_long_command_folds_between_words_and_means_the_same() {
        let items = ["\"x\""; 60].join(",");
        let policy = format!("'{{\"Statement\":[{items}]}}'");
        let line = format!(
            "aws redshift put-resource-policy --resource-arn arn:aws:redshift:us-east-1:123456789012:namespace:abc --policy {policy}"
        );
        let lines = shell_lines(&line, 90, 4);
        assert!(lines.len() > 1, "{lines:?}");
        for l in lines.iter().take_while(|l| !l.contains("--policy")) {
            assert!(l.ends_with(" \\"), "{l}");
        }
        assert!(lines.iter().all(|l| l.chars().count() <= 90), "{lines:?}");
        // The same words; the policy the same JSON, spread over lines inside its quotes.
        let (got, want) = (argv(&lines), argv(std::slice::from_ref(&line)));
        assert_eq!(got[..got.len() - 1], want[..want.len() - 1]);
        let json = |w: &str| serde_json::from_str::<serde_json::Value>(w).unwrap();
        assert_eq!(json(&got[got.len() - 1]), json(&want[want.len() - 1]));
        // No backslash inside the quotes, where a shell would keep it.
        let inside = lines.iter().skip_while(|l| !l.contains("--policy")).skip(1);
        assert!(inside
            .clone()
            .all(|l| !l.ends_with('\\') || l.ends_with("' \\")));
        // A flag stays with its value.
        assert!(lines
            .iter()
            .any(|l| l.trim_start().starts_with("--policy '")));
    }

    /// The real shell agrees: the folded command gives the program the same arguments, the
    /// policy the same JSON.
    #[test]
    fn sh_reads_the_folded_command_as_the_line() {
        let items = ["\"arn:aws:rds:us-east-1:123456789012:cluster:x\""; 8].join(",");
        let line = format!(
            "aws kms put-key-policy --key-id arn:aws:kms:us-east-1:123456789012:key/k --policy-name default --policy '{{\"Statement\":[{{\"Resource\":[{items}]}}]}}'"
        );
        let run = |text: String| {
            let script = text.replacen("aws", "printf '%s\\0'", 1);
            let out = std::process::Command::new("sh")
                .args(["-c", &script])
                .output()
                .unwrap();
            assert!(out.status.success(), "{script}");
            String::from_utf8(out.stdout)
                .unwrap()
                .split('\0')
                .map(str::to_string)
                .collect::<Vec<_>>()
        };
        let folded = shell_lines(&line, 80, 4);
        assert!(folded.len() > 3, "{folded:?}");
        let (got, want) = (run(folded.join("\n")), run(line.clone()));
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            match serde_json::from_str::<serde_json::Value>(w) {
                Ok(json) if json.is_object() => {
                    assert_eq!(serde_json::from_str::<serde_json::Value>(g).unwrap(), json)
                }
                _ => assert_eq!(g, w),
            }
        }
    }

    #[test]
    fn comments_fold_into_comments_and_data_is_left_whole() {
        let c = format!("# {}", "grant the creator role this permission ".repeat(5));
        let lines = shell_lines(&c, 50, 4);
        assert!(lines.len() > 2 && lines.iter().all(|l| l.starts_with("# ") && l.len() <= 50));
        let json = format!("{{\"Sid\":\"{}\"}}", "a".repeat(100));
        assert_eq!(shell_lines(&json, 40, 4), vec![json.clone()]);
        assert_eq!(
            shell_lines("aws rds x", 40, 4),
            vec!["aws rds x".to_string()]
        );
    }

    #[test]
    fn an_unclosed_quote_is_left_as_it_is() {
        let line = format!("aws rds modify --x '{}", "y ".repeat(40));
        assert_eq!(shell_lines(&line, 30, 2), vec![line.clone()]);
    }
}

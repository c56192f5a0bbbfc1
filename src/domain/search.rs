//! Turning what a customer types into an FTS5 query: words only, so FTS syntax is always plain text.

/// Words of the query, lower-case, at most 8 of at most 40 characters.
fn words(input: &str) -> Vec<String> {
    input
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(8)
        .map(|w| w.to_lowercase().chars().take(40).collect())
        .collect()
}

/// Every word as a quoted prefix ("kurt"* "blu"*): all must match. `None` when there are no words.
pub fn strict(input: &str) -> Option<String> {
    let w = words(input);
    (!w.is_empty()).then(|| w.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" "))
}

/// A forgiving retry for typos: each word cut to its first two thirds (at least 3 letters), any may match.
pub fn loose(input: &str) -> Option<String> {
    let w = words(input);
    let parts: Vec<String> = w
        .iter()
        .map(|w| {
            let keep = (w.chars().count() * 2).div_ceil(3).max(3);
            format!("\"{}\"*", w.chars().take(keep).collect::<String>())
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_characters_are_text() {
        assert_eq!(strict("blue \"kurta* NEAR -cotton").as_deref(), Some("\"blue\"* \"kurta\"* \"near\"* \"cotton\"*"));
        assert_eq!(strict("TEE-M-BLUE").as_deref(), Some("\"tee\"* \"m\"* \"blue\"*"));
        assert_eq!(strict("\"*-()").as_deref(), None);
        assert_eq!(strict("  ").as_deref(), None);
    }

    #[test]
    fn loose_queries_forgive_a_typo() {
        assert_eq!(loose("kurtaa silk").as_deref(), Some("\"kurt\"* OR \"sil\"*"));
        assert_eq!(loose("ab").as_deref(), Some("\"ab\"*"));
    }
}

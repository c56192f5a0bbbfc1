//! wa.me links: a prefilled message to the shop's WhatsApp, cleaned and kept to a sensible length.

/// Longest prefilled message, in characters; longer text is cut (WhatsApp and some browsers choke on huge URLs).
pub const MAX_TEXT: usize = 1000;

/// Removes control characters (keeping line breaks) and cuts the text to [`MAX_TEXT`] characters.
pub fn clean_text(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || *c == '\n').take(MAX_TEXT).collect()
}

/// Percent-encodes everything but unreserved characters, so spaces become %20 (not '+').
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 3);
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `https://wa.me/<digits>?text=…` for an E.164 number; `None` when the shop has no number.
pub fn link(number_e164: &str, text: &str) -> Option<String> {
    let digits: String = number_e164.chars().filter(|c| c.is_ascii_digit()).collect();
    (!digits.is_empty()).then(|| format!("https://wa.me/{digits}?text={}", encode(&clean_text(text))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_encoded_clean_and_bounded() {
        let l = link("+919876543210", "Hi! 2 × Kurta\u{7}\nSKU A&B").unwrap();
        assert_eq!(l, "https://wa.me/919876543210?text=Hi%21%202%20%C3%97%20Kurta%0ASKU%20A%26B");
        assert_eq!(link("", "x"), None);
        assert_eq!(clean_text(&"a".repeat(5000)).len(), MAX_TEXT);
    }
}

//! wa.me links: a prefilled message to the shop's WhatsApp, cleaned and kept to a sensible length.

use super::checkout::whatsapp_message;
use super::money;
use super::orders::{Line, Order};
use super::shop::ShopSettings;

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

/// The wa.me link that hands an order to the shop, with the seller's message filled in: the order
/// code, items, total, delivery and payment method only, never an address, email or name.
/// `None` when the shop has no WhatsApp number.
pub fn order_link(shop: &ShopSettings, template: &str, o: &Order, lines: &[Line]) -> Option<String> {
    let items: Vec<String> = lines
        .iter()
        .map(|l| {
            let options = if l.options.is_empty() { String::new() } else { format!(" ({})", l.options) };
            format!("{} × {}{options} [{}]", l.quantity, l.title, l.sku)
        })
        .collect();
    let total = money::format(o.total, &o.currency, shop.currency_minor_units);
    let text = whatsapp_message(template, &o.code, &items.join("\n"), &total, &o.delivery_name, &o.payment_name);
    link(&shop.whatsapp_number, &text)
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

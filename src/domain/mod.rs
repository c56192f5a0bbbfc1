//! The rules, in plain Rust: no HTTP and no SQL here.

pub mod audit;
pub mod auth;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod checkout_admin;
pub mod clock;
pub mod jobs;
pub mod money;
pub mod orders;
pub mod outbox;
pub mod product_csv;
pub mod product_form;
pub mod search;
pub mod shop;
pub mod theme;
pub mod throttle;
pub mod time;
pub mod tokens;
pub mod whatsapp;

use std::collections::BTreeMap;

/// Messages for a form, keyed by field name; empty means valid.
pub type FieldErrors = BTreeMap<&'static str, String>;

/// A plausible email address: one `@`, a dot in the domain, no spaces, at most 254 characters.
pub fn valid_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    s.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !s.chars().any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

#[cfg(test)]
mod tests {
    #[test]
    fn emails() {
        for ok in ["a@b.co", "asha.k+shop@example.in"] {
            assert!(super::valid_email(ok), "{ok}");
        }
        for bad in ["", "a", "a@b", "@b.co", "a@.co", "a b@c.co", "a@b.co.", "a@b@c.co", "<a@b.co>"] {
            assert!(!super::valid_email(bad), "{bad}");
        }
    }
}

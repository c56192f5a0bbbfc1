//! Passwordless customer accounts: one-time sign-in codes (6 digits) and links, how long they last,
//! how often they may be asked for and guessed, and the session's life. No password is kept.

use sha2::{Digest, Sha256};

use super::{FieldErrors, valid_email};

/// A signed-in customer.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub email: String,
    /// E.164 when proven, else empty.
    pub phone: String,
}

impl Account {
    /// How the account is known on its pages: its email, else its WhatsApp number.
    pub fn name(&self) -> &str {
        if self.email.is_empty() { &self.phone } else { &self.email }
    }
}

/// Where a sign-in code goes: an email address, or a WhatsApp number (E.164) when the shop sends
/// codes through the WhatsApp Cloud API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Email(String),
    WhatsApp(String),
}

impl Via {
    /// The address or number itself.
    pub fn value(&self) -> &str {
        match self {
            Via::Email(v) | Via::WhatsApp(v) => v,
        }
    }

    /// The key a code's hash and the per-address counters are bound to.
    pub fn key(&self) -> String {
        match self {
            Via::Email(e) => e.to_lowercase(),
            Via::WhatsApp(p) => format!("whatsapp:{p}"),
        }
    }
}

/// An order as "My orders" lists it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct MyOrder {
    pub code: String,
    pub status: String,
    pub payment_status: String,
    pub currency: String,
    pub total: i64,
    pub items: i64,
    pub created_at: String,
}

/// A code or link works this long, once.
pub const CODE_MINUTES: i64 = 15;
/// Wrong codes against one code before it stops working.
pub const MAX_WRONG: i64 = 5;
/// Codes sent to one address, and asked for from one client address, in an hour.
pub const SENDS_PER_EMAIL: i64 = 5;
pub const SENDS_PER_CLIENT: i64 = 20;
/// Wrong codes from one client address in an hour before it must wait.
pub const WRONG_PER_CLIENT: i64 = 20;
/// Wrong codes for one address in an hour, from anywhere, before its codes stop working.
pub const WRONG_PER_EMAIL: i64 = 10;
/// A session lasts this long.
pub const SESSION_DAYS: i64 = 30;

/// A new 6-digit code, uniformly drawn.
pub fn new_code() -> String {
    format!("{:06}", rand::random_range(0..1_000_000u32))
}

/// What is kept of a code: bound to its address, so a code is worth nothing for another one.
pub fn code_hash(email: &str, code: &str) -> Vec<u8> {
    Sha256::digest(format!("{}:{}", email.to_lowercase(), code.trim()).as_bytes()).to_vec()
}

/// An address as typed, checked: trimmed and lower-cased; a display name, a second address or a
/// line break is refused.
pub fn check_email(raw: &str) -> Result<String, FieldErrors> {
    let email = raw.trim().to_lowercase();
    if valid_email(&email) {
        Ok(email)
    } else {
        Err(FieldErrors::from([("email", "Enter your email address, like name@example.com.".to_string())]))
    }
}

/// A code as typed: six digits (spaces people add are ignored).
pub fn check_code(raw: &str) -> Option<String> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_six_digits_and_bound_to_their_address() {
        for _ in 0..100 {
            let c = new_code();
            assert_eq!(c.len(), 6);
            assert!(check_code(&c).is_some());
        }
        assert_eq!(check_code(" 123 456 ").as_deref(), Some("123456"));
        assert_eq!(check_code("12345"), None);
        assert_eq!(check_code("12345a"), None);
        assert_ne!(code_hash("a@example.com", "123456"), code_hash("b@example.com", "123456"));
        assert_eq!(code_hash("A@Example.com", "123456"), code_hash("a@example.com", " 123456"));
    }

    #[test]
    fn a_code_for_a_number_is_worth_nothing_for_an_address() {
        let (email, phone) = (Via::Email("a@example.com".into()), Via::WhatsApp("+919812345678".into()));
        assert_ne!(code_hash(&email.key(), "123456"), code_hash(&phone.key(), "123456"));
        assert_eq!(phone.value(), "+919812345678");
        let a = Account { id: 1, email: String::new(), phone: "+919812345678".into() };
        assert_eq!(a.name(), "+919812345678");
    }

    #[test]
    fn addresses_with_names_or_line_breaks_are_refused() {
        assert_eq!(check_email(" Meera@Example.com ").unwrap(), "meera@example.com");
        for bad in ["Meera <m@example.com>", "m@example.com\\r\\nBcc: x@y.com", "m@example.com, x@y.com", "nope"] {
            assert!(check_email(bad).is_err(), "{bad}");
        }
    }
}

//! The custom-order forms: the customer's request and the seller's quote, as typed and as checked.

use serde::Deserialize;

use super::{MAX_DESCRIPTION, MAX_NOTES, MAX_QUANTITY, MAX_QUOTE_DAYS, QUOTE_DAYS};
use crate::domain::FieldErrors;
use crate::domain::checkout::clean;
use crate::domain::money;
use crate::domain::shop::{ShopSettings, normalize_phone};

/// The request form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RequestInput {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub description: String,
    pub quantity: String,
    pub budget: String,
    /// A field people never see; bots fill it.
    pub website: String,
}

/// A checked request.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRequest {
    pub name: String,
    /// E.164.
    pub phone: String,
    pub email: String,
    pub description: String,
    pub quantity: i64,
    /// Minor units; `None`: not said.
    pub budget: Option<i64>,
}

fn too_long(errors: &mut FieldErrors, field: &'static str, value: &str, max: usize, what: &str) {
    if value.chars().count() > max {
        errors.insert(field, format!("{what} is too long: keep it under {max} characters."));
    }
}

/// Checks the request form: a name, a WhatsApp number, a description that says something, a
/// quantity, and (optional) an email address and a budget.
pub fn check_request(input: &RequestInput, shop: &ShopSettings) -> Result<NewRequest, FieldErrors> {
    let mut e = FieldErrors::new();
    let name = clean(&input.name, false);
    if name.is_empty() {
        e.insert("name", "Enter your name.".into());
    }
    too_long(&mut e, "name", &name, 100, "The name");
    let phone = normalize_phone(&input.phone, &shop.country_calling_code).unwrap_or_else(|m| {
        e.insert("phone", format!("{m} The shop answers on WhatsApp."));
        String::new()
    });
    let email = clean(&input.email, false);
    if !email.is_empty() && !crate::domain::valid_email(&email) {
        e.insert("email", "Enter an email address like asha@example.com, or leave it empty.".into());
    }
    let description = clean(&input.description, true);
    if description.chars().filter(|c| !c.is_whitespace()).count() < 10 {
        e.insert("description", "Describe what you would like made: at least a few words.".into());
    }
    too_long(&mut e, "description", &description, MAX_DESCRIPTION, "The description");
    let quantity = match input.quantity.trim() {
        "" => 1,
        q => match q.parse::<i64>() {
            Ok(n) if (1..=MAX_QUANTITY).contains(&n) => n,
            _ => {
                e.insert("quantity", format!("Enter how many, from 1 to {MAX_QUANTITY}."));
                0
            }
        },
    };
    let budget = match input.budget.trim() {
        "" => None,
        b => money::parse(b, shop.currency_minor_units).or_else(|| {
            e.insert("budget", format!("Enter an amount like 2500 in {}, or leave it empty.", shop.currency));
            None
        }),
    };
    if !e.is_empty() {
        return Err(e);
    }
    Ok(NewRequest { name, phone, email, description, quantity, budget })
}

/// The quote form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct QuoteInput {
    pub unit_price: String,
    pub quantity: String,
    pub delivery_fee: String,
    pub delivery_time: String,
    pub notes: String,
    pub valid_days: String,
    pub no_cancel: Option<String>,
    /// Which button sent it: "whatsapp" also opens the chat with the quote.
    pub send: String,
}

/// A checked quote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    pub unit_price: i64,
    pub quantity: i64,
    pub delivery_fee: i64,
    /// "Ready in 10 days", as the seller writes it.
    pub delivery_time: String,
    pub notes: String,
    /// Days from sending until the quote expires (as the form had it; a stored quote has its end
    /// in the request's `expires_at` and 0 here).
    pub valid_days: i64,
    /// Once confirmed, the order cannot be cancelled by asking.
    pub no_cancel: bool,
}

impl Quote {
    /// Price × quantity; `None` when it does not fit.
    pub fn subtotal(&self) -> Option<i64> {
        self.unit_price.checked_mul(self.quantity)
    }

    pub fn total(&self) -> Option<i64> {
        self.subtotal()?.checked_add(self.delivery_fee)
    }
}

/// Checks the quote form: a price, how many, a delivery fee (0 when empty), when it can be
/// delivered, notes, how long the quote stands.
pub fn check_quote(input: &QuoteInput, minor_units: u8) -> Result<Quote, FieldErrors> {
    let mut e = FieldErrors::new();
    let unit_price = match money::parse(&input.unit_price, minor_units) {
        Some(p) if p > 0 => p,
        _ => {
            e.insert("unit_price", "Enter the price of one, like 1500.".into());
            0
        }
    };
    let quantity = match input.quantity.trim().parse::<i64>() {
        Ok(n) if (1..=MAX_QUANTITY).contains(&n) => n,
        _ => {
            e.insert("quantity", format!("Enter how many, from 1 to {MAX_QUANTITY}."));
            0
        }
    };
    let delivery_fee = match input.delivery_fee.trim() {
        "" => 0,
        f => money::parse(f, minor_units).unwrap_or_else(|| {
            e.insert("delivery_fee", "Enter the delivery fee, like 100, or 0.".into());
            0
        }),
    };
    let delivery_time = clean(&input.delivery_time, false);
    if delivery_time.is_empty() {
        e.insert("delivery_time", "Say when it can be delivered, like “in 10 days”.".into());
    }
    too_long(&mut e, "delivery_time", &delivery_time, 100, "The delivery time");
    let notes = clean(&input.notes, true);
    too_long(&mut e, "notes", &notes, MAX_NOTES, "The notes");
    let valid_days = match input.valid_days.trim() {
        "" => QUOTE_DAYS,
        d => match d.parse::<i64>() {
            Ok(n) if (1..=MAX_QUOTE_DAYS).contains(&n) => n,
            _ => {
                e.insert("valid_days", format!("Enter a whole number of days from 1 to {MAX_QUOTE_DAYS}."));
                0
            }
        },
    };
    let quote = Quote {
        unit_price,
        quantity,
        delivery_fee,
        delivery_time,
        notes,
        valid_days,
        no_cancel: input.no_cancel.is_some(),
    };
    if e.is_empty() && quote.total().is_none_or(|t| t > 1_000_000_000_000) {
        e.insert("unit_price", "That comes to more than an order can hold.".into());
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(quote)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shop() -> ShopSettings {
        ShopSettings { country_calling_code: "91".into(), currency: "INR".into(), ..Default::default() }
    }

    #[test]
    fn a_request_is_checked_field_by_field() {
        let input = RequestInput {
            name: " Asha ".into(),
            phone: "98765 43210".into(),
            description: "A silver ring with my daughter's name, size 12".into(),
            quantity: "2".into(),
            budget: "2,500".into(),
            ..Default::default()
        };
        let r = check_request(&input, &shop()).unwrap();
        assert_eq!(
            (r.name.as_str(), r.phone.as_str(), r.quantity, r.budget),
            ("Asha", "+919876543210", 2, Some(250_000))
        );
        let bad = RequestInput {
            name: String::new(),
            phone: "12".into(),
            email: "asha@".into(),
            description: "ring".into(),
            quantity: "0".into(),
            budget: "a lot".into(),
            ..Default::default()
        };
        let e = check_request(&bad, &shop()).unwrap_err();
        for f in ["name", "phone", "email", "description", "quantity", "budget"] {
            assert!(e.contains_key(f), "{f} not refused: {e:?}");
        }
    }

    #[test]
    fn a_quote_needs_a_price_and_a_delivery_time() {
        let input = QuoteInput {
            unit_price: "1500".into(),
            quantity: "2".into(),
            delivery_fee: "".into(),
            delivery_time: "in 10 days".into(),
            valid_days: "".into(),
            no_cancel: Some("on".into()),
            ..Default::default()
        };
        let q = check_quote(&input, 2).unwrap();
        assert_eq!((q.subtotal(), q.total(), q.valid_days, q.no_cancel), (Some(300_000), Some(300_000), 7, true));
        let e = check_quote(&QuoteInput { unit_price: "0".into(), valid_days: "90".into(), ..Default::default() }, 2)
            .unwrap_err();
        for f in ["unit_price", "quantity", "delivery_time", "valid_days"] {
            assert!(e.contains_key(f), "{f} not refused: {e:?}");
        }
        let huge = QuoteInput { unit_price: "900000000000".into(), quantity: "10000".into(), ..input };
        assert!(check_quote(&huge, 2).unwrap_err().contains_key("unit_price"));
    }
}

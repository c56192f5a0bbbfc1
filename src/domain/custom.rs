//! Custom orders (issue 13): a customer asks for something made for them, the seller quotes, the
//! customer accepts, declines or asks for changes, and acceptance makes an order. The statuses,
//! the checks of both forms and who may do what when; no HTTP or SQL here.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::FieldErrors;
use super::checkout::clean;
use super::money;
use super::shop::{ShopSettings, normalize_phone};

/// A pending request not answered within this many hours expires.
pub const ANSWER_HOURS: i64 = 72;
/// Most reference photos one request takes.
pub const MAX_PHOTOS: usize = 5;
/// The first request's number: `Q-1001`.
pub const FIRST_NUMBER: i64 = 1001;
/// Longest description and notes.
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_NOTES: usize = 1000;
/// Most units one request asks for.
pub const MAX_QUANTITY: i64 = 10_000;
/// Days a quote stands unless the seller says otherwise, and the most it may stand.
pub const QUOTE_DAYS: i64 = 7;
pub const MAX_QUOTE_DAYS: i64 = 60;

/// A request's code from its number.
pub fn code(number: i64) -> String {
    format!("Q-{number}")
}

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CustomStatus {
    /// Waiting for the seller's quote.
    Pending,
    /// Waiting for the customer's answer.
    Quoted,
    Accepted,
    Declined,
    Expired,
}

impl CustomStatus {
    pub const ALL: [CustomStatus; 5] = [
        CustomStatus::Pending,
        CustomStatus::Quoted,
        CustomStatus::Accepted,
        CustomStatus::Declined,
        CustomStatus::Expired,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CustomStatus::Pending => "pending",
            CustomStatus::Quoted => "quoted",
            CustomStatus::Accepted => "accepted",
            CustomStatus::Declined => "declined",
            CustomStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<CustomStatus> {
        CustomStatus::ALL.into_iter().find(|c| c.as_str() == s)
    }

    /// As the seller reads it in the queue.
    pub fn label(self) -> &'static str {
        match self {
            CustomStatus::Pending => "Needs a quote",
            CustomStatus::Quoted => "Quoted",
            CustomStatus::Accepted => "Accepted",
            CustomStatus::Declined => "Declined",
            CustomStatus::Expired => "Expired",
        }
    }

    /// Still waiting for someone (and so able to expire).
    pub fn is_open(self) -> bool {
        matches!(self, CustomStatus::Pending | CustomStatus::Quoted)
    }
}

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
    if !email.is_empty() && !super::valid_email(&email) {
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

/// A stored request, as both sides see it.
#[derive(Debug, Clone)]
pub struct CustomRequest {
    pub id: i64,
    pub code: String,
    pub status: CustomStatus,
    pub description: String,
    pub quantity: i64,
    pub budget: Option<i64>,
    pub currency: String,
    pub customer_name: String,
    pub customer_phone: String,
    pub customer_email: String,
    /// The quote, once one was sent (kept when changes are asked for, as the last quote).
    pub quote: Option<Quote>,
    /// When the quote was sent: the answer forms carry it, so an answer is to the quote the
    /// customer saw, not one sent since.
    pub quoted_at: Option<String>,
    pub quoted_by: String,
    pub expires_at: String,
    /// Why it was declined, or the changes asked for.
    pub reason: String,
    /// The order acceptance made.
    pub order_code: Option<String>,
    /// The request the customer made of this one by asking again.
    pub asked_again_id: Option<i64>,
    pub photos: Vec<i64>,
    pub erased: bool,
    pub created_at: String,
}

/// One step of a request's history.
#[derive(Debug, Clone)]
pub struct CustomEvent {
    pub status: CustomStatus,
    pub note: String,
    pub actor: String,
    pub at: String,
}

/// A request as its page shows it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub request: CustomRequest,
    pub events: Vec<CustomEvent>,
    /// Why an answer is not taken now; `Ok`: the quote can be answered.
    pub reply: Result<(), NotNow>,
    pub ask_again: bool,
    /// The accept form's choices.
    pub deliveries: Vec<super::checkout::DeliveryMethod>,
    pub payments: Vec<super::checkout::PaymentMethod>,
}

/// When a request sent at `now` expires unanswered.
pub fn answer_by(now: DateTime<Utc>) -> DateTime<Utc> {
    now + Duration::hours(ANSWER_HOURS)
}

/// What the customer answers to a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    Accept,
    Decline,
    AskChanges,
}

/// Why the customer's answer is not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotNow {
    /// No quote yet (or changes were asked for and the new quote is not here yet).
    NoQuote,
    /// The quote's time ran out: ask again.
    QuoteExpired,
    /// Already accepted, declined or expired.
    Closed(CustomStatus),
}

impl NotNow {
    pub fn message(&self) -> String {
        match self {
            NotNow::NoQuote => "The shop has not sent a quote yet. You will get a message when it does.".into(),
            NotNow::QuoteExpired => {
                "This quote has expired, so it can no longer be accepted. Ask the shop again below.".into()
            }
            NotNow::Closed(CustomStatus::Accepted) => "This quote was accepted already: your order is below.".into(),
            NotNow::Closed(CustomStatus::Declined) => "This request was declined. Ask the shop again below.".into(),
            NotNow::Closed(_) => "This request has expired. Ask the shop again below.".into(),
        }
    }
}

/// Whether the customer may answer now (any answer needs a live quote).
pub fn may_reply(status: CustomStatus, expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> Result<(), NotNow> {
    match status {
        CustomStatus::Quoted if expires_at.is_some_and(|t| now >= t) => Err(NotNow::QuoteExpired),
        CustomStatus::Quoted => Ok(()),
        CustomStatus::Pending => Err(NotNow::NoQuote),
        closed => Err(NotNow::Closed(closed)),
    }
}

/// Whether a request may be asked again as a new one (it ended without an order, or its quote ran out).
pub fn may_ask_again(status: CustomStatus, expires_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    matches!(status, CustomStatus::Declined | CustomStatus::Expired)
        || (status == CustomStatus::Quoted && expires_at.is_some_and(|t| now >= t))
}

/// How long a link to a request lasts: the shop's link lifetime, and at least a week past the quote's end.
pub fn link_days(link_days: i64, quote_days: i64) -> i64 {
    link_days.max(quote_days + 7)
}

/// Whether the seller may (re)quote: while the request waits for a quote or for the customer.
pub fn may_quote(status: CustomStatus) -> bool {
    status.is_open()
}

/// The order line's title: "Custom order Q-1001: " and the description's start.
pub fn line_title(code: &str, description: &str) -> String {
    if description.trim().is_empty() {
        return format!("Custom order {code}");
    }
    let first: String = description.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = first.chars().take(80).collect();
    let more = if first.chars().count() > 80 { "…" } else { "" };
    format!("Custom order {code}: {short}{more}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shop() -> ShopSettings {
        ShopSettings { country_calling_code: "91".into(), currency: "INR".into(), ..Default::default() }
    }

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
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

    #[test]
    fn only_a_live_quote_can_be_answered() {
        let now = t("2026-05-01T10:00:00Z");
        let later = Some(t("2026-05-02T10:00:00Z"));
        let earlier = Some(t("2026-04-30T10:00:00Z"));
        assert_eq!(may_reply(CustomStatus::Quoted, later, now), Ok(()));
        assert_eq!(may_reply(CustomStatus::Quoted, earlier, now), Err(NotNow::QuoteExpired));
        assert_eq!(may_reply(CustomStatus::Pending, later, now), Err(NotNow::NoQuote));
        assert_eq!(may_reply(CustomStatus::Accepted, later, now), Err(NotNow::Closed(CustomStatus::Accepted)));
        assert!(may_ask_again(CustomStatus::Quoted, earlier, now));
        assert!(!may_ask_again(CustomStatus::Quoted, later, now));
        assert!(may_ask_again(CustomStatus::Expired, later, now));
        assert!(!may_ask_again(CustomStatus::Accepted, later, now));
        assert!(may_quote(CustomStatus::Pending) && may_quote(CustomStatus::Quoted));
        assert!(!may_quote(CustomStatus::Accepted));
    }

    #[test]
    fn names_round_trip_and_titles_stay_short() {
        for s in CustomStatus::ALL {
            assert_eq!(CustomStatus::parse(s.as_str()), Some(s));
        }
        assert_eq!(code(1001), "Q-1001");
        assert_eq!(line_title("Q-1", "A  ring\nwith a name"), "Custom order Q-1: A ring with a name");
        assert!(line_title("Q-1", &"x".repeat(200)).ends_with('…'));
        assert_eq!(answer_by(t("2026-05-01T10:00:00Z")), t("2026-05-04T10:00:00Z"));
    }
}

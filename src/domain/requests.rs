//! Order self-service: what a customer holding an order's manage link may do at each point of the
//! order's life (cancel it, ask to cancel, ask to change the address, confirm delivery, rate it,
//! ask for a return), the seller's policy that bounds it, and the refusal that names what is still
//! possible.

use chrono::{DateTime, Duration, Utc};

use super::FieldErrors;
use super::orders::Status;

/// What a customer asks the seller for; the seller approves or declines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ask {
    Cancel,
    Address,
    Return,
}

impl Ask {
    pub const ALL: [Ask; 3] = [Ask::Cancel, Ask::Address, Ask::Return];

    pub fn as_str(self) -> &'static str {
        match self {
            Ask::Cancel => "cancel",
            Ask::Address => "address",
            Ask::Return => "return",
        }
    }

    pub fn parse(s: &str) -> Option<Ask> {
        Ask::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// "to cancel", "to change the address", "to return it".
    pub fn label(self) -> &'static str {
        match self {
            Ask::Cancel => "Cancel the order",
            Ask::Address => "Change the delivery address",
            Ask::Return => "Return it",
        }
    }
}

/// Where a request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    Open,
    Approved,
    Declined,
}

impl RequestStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Open => "open",
            RequestStatus::Approved => "approved",
            RequestStatus::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<RequestStatus> {
        [RequestStatus::Open, RequestStatus::Approved, RequestStatus::Declined].into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Open => "Waiting for the shop",
            RequestStatus::Approved => "Approved",
            RequestStatus::Declined => "Declined",
        }
    }
}

/// A request as stored, with its order's code and customer.
#[derive(Debug, Clone)]
pub struct Request {
    pub id: i64,
    pub order_id: i64,
    pub code: String,
    pub customer: String,
    pub kind: Ask,
    pub status: RequestStatus,
    pub message: String,
    pub address: Option<super::checkout::Address>,
    pub answer: String,
    pub answered_by: String,
    pub created_at: String,
    pub answered_at: Option<String>,
}

/// A rating: (stars, comment, created_at, published_at).
pub type Rating = (u8, String, String, Option<String>);

/// A rating as the seller's reviews page lists it.
#[derive(Debug, Clone)]
pub struct RatingRow {
    pub code: String,
    pub customer: String,
    pub stars: u8,
    pub comment: String,
    pub created_at: String,
    pub published_at: Option<String>,
    /// The titles of the order's items.
    pub items: String,
}

/// What the order page shows of self-service.
#[derive(Debug, Clone, Default)]
pub struct SelfService {
    pub possible: Vec<Can>,
    pub requests: Vec<Request>,
    pub rating: Option<Rating>,
    pub return_days: i64,
}

/// The seller's rules for what customers may do themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// After confirmation and until shipping, customers may ask to cancel (the seller decides).
    pub cancel_requests: bool,
    /// Days after delivery a return may be asked for; 0: no returns.
    pub return_days: i64,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { cancel_requests: true, return_days: 7 }
    }
}

/// One thing the customer can do now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Can {
    /// Cancel at once (the shop has not confirmed the order).
    CancelNow,
    Ask(Ask),
    ConfirmDelivery,
    Rate,
}

impl Can {
    fn words(self) -> &'static str {
        match self {
            Can::CancelNow => "cancel it",
            Can::Ask(Ask::Cancel) => "ask the shop to cancel it",
            Can::Ask(Ask::Address) => "ask to change the delivery address",
            Can::Ask(Ask::Return) => "ask to return it",
            Can::ConfirmDelivery => "confirm that it arrived",
            Can::Rate => "rate it",
        }
    }
}

/// What is known of the order when the customer acts.
#[derive(Debug, Clone)]
pub struct Facts {
    pub status: Status,
    pub delivered_at: Option<DateTime<Utc>>,
    pub rated: bool,
    /// Requests waiting for the seller.
    pub open: Vec<Ask>,
    /// Custom orders the seller marked non-cancellable once confirmed.
    pub no_cancel_after_confirm: bool,
}

/// Whether the order has not shipped yet (and is still going).
fn before_shipping(s: Status) -> bool {
    matches!(
        s,
        Status::Draft
            | Status::Pending
            | Status::AwaitingPayment
            | Status::Confirmed
            | Status::Processing
            | Status::ReadyToShip
    )
}

/// Everything the customer may do now, in the order the page shows it.
pub fn possible(policy: &Policy, f: &Facts, now: DateTime<Utc>) -> Vec<Can> {
    let mut out = Vec::new();
    let open = |a: Ask| f.open.contains(&a);
    if f.status.customer_may_cancel() {
        out.push(Can::CancelNow);
    } else if policy.cancel_requests && !f.no_cancel_after_confirm && before_shipping(f.status) && !open(Ask::Cancel) {
        out.push(Can::Ask(Ask::Cancel));
    }
    if before_shipping(f.status) && !open(Ask::Address) && !open(Ask::Cancel) {
        out.push(Can::Ask(Ask::Address));
    }
    if f.status == Status::Shipped {
        out.push(Can::ConfirmDelivery);
    }
    if f.status == Status::Delivered {
        if !f.rated {
            out.push(Can::Rate);
        }
        let in_window = f.delivered_at.is_some_and(|d| now <= d + Duration::days(policy.return_days));
        if policy.return_days > 0 && in_window && !open(Ask::Return) {
            out.push(Can::Ask(Ask::Return));
        }
    }
    out
}

/// Why `wanted` is refused, naming what is still possible.
pub fn refusal(wanted: Can, status: Status, still: &[Can]) -> String {
    let why = match (wanted, status) {
        (Can::Ask(a), _)
            if !still.contains(&Can::Ask(a)) && matches!(a, Ask::Cancel | Ask::Address) && !before_shipping(status) =>
        {
            format!("This order is {}: it is too late to {}.", status.label().to_lowercase(), wanted.words())
        }
        (Can::Ask(Ask::Return), Status::Delivered) => {
            "The time to ask for a return has passed, or a request is already waiting.".to_string()
        }
        _ => format!("You cannot {} now (the order is {}).", wanted.words(), status.label().to_lowercase()),
    };
    let next = if still.is_empty() {
        "For anything else, message the shop.".to_string()
    } else {
        let words: Vec<&str> = still.iter().map(|c| c.words()).collect();
        format!("What you can still do: {}.", words.join(", "))
    };
    format!("{why} {next}")
}

/// The self-service settings form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct PolicyInput {
    pub cancel_requests: Option<String>,
    pub return_days: String,
}

impl PolicyInput {
    pub fn from_policy(p: &Policy) -> PolicyInput {
        PolicyInput { cancel_requests: p.cancel_requests.then(|| "on".into()), return_days: p.return_days.to_string() }
    }

    pub fn check(&self) -> Result<Policy, FieldErrors> {
        match self.return_days.trim().parse::<i64>() {
            Ok(d @ 0..=365) => Ok(Policy { cancel_requests: self.cancel_requests.is_some(), return_days: d }),
            _ => Err(FieldErrors::from([(
                "return_days",
                "Enter a whole number of days from 0 (no returns) to 365.".to_string(),
            )])),
        }
    }
}

/// Longest message with a request, and longest rating comment.
pub const MAX_MESSAGE: usize = 1000;

/// The customer's words with a request: trimmed, at most [`MAX_MESSAGE`] characters; a cancel or
/// return needs a reason.
pub fn check_message(ask: Ask, message: &str) -> Result<String, FieldErrors> {
    let m = message.trim().to_string();
    if m.chars().count() > MAX_MESSAGE {
        return Err(FieldErrors::from([("message", format!("Keep it under {MAX_MESSAGE} characters."))]));
    }
    if m.is_empty() && ask != Ask::Address {
        return Err(FieldErrors::from([("message", "Tell the shop why, in a few words.".to_string())]));
    }
    Ok(m)
}

/// A rating as given: 1 to 5 stars and an optional comment.
pub fn check_rating(stars: &str, comment: &str) -> Result<(u8, String), FieldErrors> {
    let mut errors = FieldErrors::new();
    let stars = match stars.trim().parse::<u8>() {
        Ok(n @ 1..=5) => n,
        _ => {
            errors.insert("stars", "Choose from 1 to 5 stars.".into());
            0
        }
    };
    let comment = comment.trim().to_string();
    if comment.chars().count() > MAX_MESSAGE {
        errors.insert("comment", format!("Keep it under {MAX_MESSAGE} characters."));
    }
    if errors.is_empty() { Ok((stars, comment)) } else { Err(errors) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(status: Status) -> Facts {
        Facts { status, delivered_at: None, rated: false, open: vec![], no_cancel_after_confirm: false }
    }

    fn at(h: i64) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-03-01T00:00:00Z").unwrap().with_timezone(&Utc) + Duration::hours(h)
    }

    #[test]
    fn what_a_customer_may_do_follows_the_status() {
        let p = Policy::default();
        assert_eq!(possible(&p, &facts(Status::Pending), at(0)), [Can::CancelNow, Can::Ask(Ask::Address)]);
        assert_eq!(possible(&p, &facts(Status::Confirmed), at(0)), [Can::Ask(Ask::Cancel), Can::Ask(Ask::Address)]);
        assert_eq!(possible(&p, &facts(Status::Shipped), at(0)), [Can::ConfirmDelivery]);
        let delivered = Facts { delivered_at: Some(at(0)), ..facts(Status::Delivered) };
        assert_eq!(possible(&p, &delivered, at(24)), [Can::Rate, Can::Ask(Ask::Return)]);
        assert_eq!(possible(&p, &delivered, at(24 * 8)), [Can::Rate], "after the return window");
        let rated = Facts { rated: true, open: vec![Ask::Return], ..delivered };
        assert!(possible(&p, &rated, at(1)).is_empty());
        assert!(possible(&p, &facts(Status::Cancelled), at(0)).is_empty());
    }

    #[test]
    fn the_policy_bounds_cancel_requests_and_returns() {
        let strict = Policy { cancel_requests: false, return_days: 0 };
        assert_eq!(possible(&strict, &facts(Status::Processing), at(0)), [Can::Ask(Ask::Address)]);
        let delivered = Facts { delivered_at: Some(at(0)), ..facts(Status::Delivered) };
        assert_eq!(possible(&strict, &delivered, at(1)), [Can::Rate]);
        let custom = Facts { no_cancel_after_confirm: true, ..facts(Status::Confirmed) };
        assert_eq!(possible(&Policy::default(), &custom, at(0)), [Can::Ask(Ask::Address)]);
    }

    #[test]
    fn a_refusal_names_what_is_still_possible() {
        let still = possible(&Policy::default(), &facts(Status::Shipped), at(0));
        let r = refusal(Can::Ask(Ask::Cancel), Status::Shipped, &still);
        assert_eq!(
            r,
            "This order is shipped: it is too late to ask the shop to cancel it. What you can still do: confirm that it arrived."
        );
        let r = refusal(Can::Rate, Status::Cancelled, &[]);
        assert!(r.ends_with("For anything else, message the shop."), "{r}");
    }

    #[test]
    fn messages_and_ratings_are_checked() {
        assert!(check_message(Ask::Cancel, "  ").is_err());
        assert_eq!(check_message(Ask::Address, "").unwrap(), "");
        assert!(check_message(Ask::Return, &"x".repeat(1001)).is_err());
        assert_eq!(check_rating("5", " Lovely ").unwrap(), (5, "Lovely".into()));
        assert!(check_rating("6", "").unwrap_err().contains_key("stars"));
        assert!(check_rating("0", "").is_err());
    }
}

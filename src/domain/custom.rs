//! Custom orders (issue 13): a customer asks for something made for them, the seller quotes, the
//! customer accepts, declines or asks for changes, and acceptance makes an order. The statuses,
//! the checks of both forms and who may do what when; no HTTP or SQL here.

use chrono::{DateTime, Duration, Utc};

mod forms;
pub use forms::{NewRequest, Quote, QuoteInput, RequestInput, check_quote, check_request};

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

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
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

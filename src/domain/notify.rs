//! What the shop tells people about an order without being asked: the notices (one per order and
//! event), who receives each, which the owner switched off, and when the follow-ups are due.

use std::collections::BTreeSet;

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::FieldErrors;

/// Replaced by the shop's public address (`[server] public_url`) when a message is sent.
pub const BASE: &str = "[[souk:base]]";
/// Replaced by a new manage link of the message's order when it is sent: no secret waits in the outbox.
pub const ORDER_LINK: &str = "[[souk:order-link]]";
/// Replaced by a follow-up's unsubscribe address when it is sent.
pub const UNSUBSCRIBE: &str = "[[souk:unsubscribe]]";

/// One kind of message about an order (or, for the daily summary, about the day).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Notice {
    OrderReceived,
    PaymentReceived,
    OrderConfirmed,
    OrderShipped,
    OrderDelivered,
    DeliveryFailed,
    OrderCancelled,
    OrderRefunded,
    PaymentReminder,
    ReviewRequest,
    RequestAnswered,
    SellerNewOrder,
    SellerRequest,
    SellerCancelled,
    SellerFlagged,
    SellerDailySummary,
}

/// Who a notice is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Customer,
    Seller,
}

impl Notice {
    pub const ALL: [Notice; 16] = [
        Notice::OrderReceived,
        Notice::PaymentReceived,
        Notice::OrderConfirmed,
        Notice::OrderShipped,
        Notice::OrderDelivered,
        Notice::DeliveryFailed,
        Notice::OrderCancelled,
        Notice::OrderRefunded,
        Notice::PaymentReminder,
        Notice::ReviewRequest,
        Notice::RequestAnswered,
        Notice::SellerNewOrder,
        Notice::SellerRequest,
        Notice::SellerCancelled,
        Notice::SellerFlagged,
        Notice::SellerDailySummary,
    ];

    /// The name kept in the outbox (`kind`), in settings and in URLs.
    pub fn as_str(self) -> &'static str {
        match self {
            Notice::OrderReceived => "order_received",
            Notice::PaymentReceived => "payment_received",
            Notice::OrderConfirmed => "order_confirmed",
            Notice::OrderShipped => "order_shipped",
            Notice::OrderDelivered => "order_delivered",
            Notice::DeliveryFailed => "delivery_failed",
            Notice::OrderCancelled => "order_cancelled",
            Notice::OrderRefunded => "order_refunded",
            Notice::PaymentReminder => "payment_reminder",
            Notice::ReviewRequest => "review_request",
            Notice::RequestAnswered => "request_answered",
            Notice::SellerNewOrder => "seller_new_order",
            Notice::SellerRequest => "seller_request",
            Notice::SellerCancelled => "seller_cancelled",
            Notice::SellerFlagged => "seller_flagged",
            Notice::SellerDailySummary => "seller_daily_summary",
        }
    }

    pub fn parse(s: &str) -> Option<Notice> {
        Notice::ALL.into_iter().find(|n| n.as_str() == s)
    }

    /// What the owner reads in settings.
    pub fn label(self) -> &'static str {
        match self {
            Notice::OrderReceived => "Order received (with payment instructions and the order link)",
            Notice::PaymentReceived => "Payment received",
            Notice::OrderConfirmed => "Order confirmed",
            Notice::OrderShipped => "Shipped (courier and tracking link)",
            Notice::OrderDelivered => "Delivered",
            Notice::DeliveryFailed => "Delivery failed",
            Notice::OrderCancelled => "Cancelled (with the reason)",
            Notice::OrderRefunded => "Refunded",
            Notice::PaymentReminder => "Payment reminder (once, when nothing is paid)",
            Notice::ReviewRequest => "Review request (once, after delivery)",
            Notice::RequestAnswered => "Your answer to their request (cancel, address, return)",
            Notice::SellerNewOrder => "New order",
            Notice::SellerRequest => "A customer's request is waiting",
            Notice::SellerCancelled => "A customer cancelled an order",
            Notice::SellerFlagged => "An order is flagged for review",
            Notice::SellerDailySummary => "Daily summary",
        }
    }

    pub fn audience(self) -> Audience {
        match self {
            Notice::SellerNewOrder
            | Notice::SellerRequest
            | Notice::SellerCancelled
            | Notice::SellerFlagged
            | Notice::SellerDailySummary => Audience::Seller,
            _ => Audience::Customer,
        }
    }

    /// A message the customer did not cause (a reminder, a request for a review): it carries
    /// `List-Unsubscribe`, and an address that unsubscribed does not get it.
    pub fn is_follow_up(self) -> bool {
        matches!(self, Notice::PaymentReminder | Notice::ReviewRequest)
    }

    /// On until the owner switches it off; the daily summary is off until switched on.
    pub fn on_by_default(self) -> bool {
        self != Notice::SellerDailySummary
    }

    /// The notice a status change sends the customer, if any.
    pub fn for_status(status: super::orders::Status) -> Option<Notice> {
        use super::orders::Status;
        match status {
            Status::Confirmed => Some(Notice::OrderConfirmed),
            Status::Shipped => Some(Notice::OrderShipped),
            Status::Delivered => Some(Notice::OrderDelivered),
            Status::FailedDelivery => Some(Notice::DeliveryFailed),
            Status::Cancelled => Some(Notice::OrderCancelled),
            _ => None,
        }
    }
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The owner's choices: which notices go out, the follow-ups' timing, and what the order-received
/// message says about processing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeSettings {
    /// Every notice that goes out.
    pub on: BTreeSet<Notice>,
    /// The payment reminder goes this many hours after the order started awaiting payment.
    pub reminder_hours: i64,
    /// The review request goes this many days after delivery.
    pub review_days: i64,
    /// "Orders are packed within 1–2 working days": shown in the order-received message.
    pub processing_time: String,
    /// The daily summary goes at this hour of the shop's day (0–23).
    pub summary_hour: u32,
}

impl Default for NoticeSettings {
    fn default() -> Self {
        NoticeSettings {
            on: Notice::ALL.into_iter().filter(|n| n.on_by_default()).collect(),
            reminder_hours: 24,
            review_days: 7,
            processing_time: String::new(),
            summary_hour: 8,
        }
    }
}

impl NoticeSettings {
    pub fn sends(&self, notice: Notice) -> bool {
        self.on.contains(&notice)
    }

    /// The notices switched off, space-separated (as stored).
    pub fn off_list(&self) -> String {
        Notice::ALL.into_iter().filter(|n| !self.on.contains(n)).map(Notice::as_str).collect::<Vec<_>>().join(" ")
    }

    /// The set of notices on, from the stored list of those off (unknown names are ignored).
    pub fn on_from_off_list(off: &str) -> BTreeSet<Notice> {
        let off: Vec<Notice> = off.split_whitespace().filter_map(Notice::parse).collect();
        Notice::ALL.into_iter().filter(|n| !off.contains(n)).collect()
    }

    /// When an order that started awaiting payment at `since` is due its reminder.
    pub fn reminder_due(&self, since: DateTime<Utc>) -> DateTime<Utc> {
        since + Duration::hours(self.reminder_hours)
    }

    /// When an order delivered at `at` is due its review request.
    pub fn review_due(&self, at: DateTime<Utc>) -> DateTime<Utc> {
        at + Duration::days(self.review_days)
    }
}

/// Longest processing-time sentence.
pub const MAX_PROCESSING: usize = 200;

/// The settings form as typed: a checkbox per notice (its name, present when ticked).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct NoticeSettingsInput {
    pub on: Vec<String>,
    pub reminder_hours: String,
    pub review_days: String,
    pub processing_time: String,
    pub summary_hour: String,
}

impl NoticeSettingsInput {
    pub fn from_settings(s: &NoticeSettings) -> NoticeSettingsInput {
        NoticeSettingsInput {
            on: s.on.iter().map(|n| n.as_str().to_string()).collect(),
            reminder_hours: s.reminder_hours.to_string(),
            review_days: s.review_days.to_string(),
            processing_time: s.processing_time.clone(),
            summary_hour: s.summary_hour.to_string(),
        }
    }

    /// Checks the form: whole numbers in range, a short processing sentence on one line.
    pub fn check(&self) -> Result<NoticeSettings, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut number = |field: &'static str, value: &str, min: i64, max: i64, what: &str| -> i64 {
            match value.trim().parse::<i64>() {
                Ok(n) if (min..=max).contains(&n) => n,
                _ => {
                    errors.insert(field, format!("Enter a whole number of {what} from {min} to {max}."));
                    0
                }
            }
        };
        let reminder_hours = number("reminder_hours", &self.reminder_hours, 1, 720, "hours");
        let review_days = number("review_days", &self.review_days, 1, 90, "days");
        let summary_hour = number("summary_hour", &self.summary_hour, 0, 23, "hours");
        let processing_time: String = self.processing_time.split_whitespace().collect::<Vec<_>>().join(" ");
        if processing_time.chars().count() > MAX_PROCESSING {
            errors.insert("processing_time", format!("Keep it under {MAX_PROCESSING} characters."));
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(NoticeSettings {
            on: self.on.iter().filter_map(|n| Notice::parse(n)).collect(),
            reminder_hours,
            review_days,
            processing_time,
            summary_hour: summary_hour as u32,
        })
    }
}

/// One line of a header (a subject, a display name): control characters, line breaks among them,
/// become spaces, so nothing typed by a customer can start a header of its own.
pub fn header_text(s: &str) -> String {
    let cleaned: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    cleaned.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An address as shown to whoever holds only a link: `a•••@example.com`.
pub fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}•••@{domain}")
        }
        None => "•••".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_the_summary_starts_off() {
        for n in Notice::ALL {
            assert_eq!(Notice::parse(n.as_str()), Some(n));
        }
        let s = NoticeSettings::default();
        assert!(s.sends(Notice::OrderShipped));
        assert!(!s.sends(Notice::SellerDailySummary));
        assert_eq!(s.off_list(), "seller_daily_summary");
        assert_eq!(NoticeSettings::on_from_off_list(&s.off_list()), s.on);
    }

    #[test]
    fn the_form_is_checked() {
        let mut input = NoticeSettingsInput::from_settings(&NoticeSettings::default());
        assert_eq!(input.check().unwrap(), NoticeSettings::default());
        input.reminder_hours = "0".into();
        input.review_days = "many".into();
        input.processing_time = "x".repeat(201);
        let e = input.check().unwrap_err();
        assert!(e.contains_key("reminder_hours") && e.contains_key("review_days") && e.contains_key("processing_time"));
        input = NoticeSettingsInput { on: vec!["order_shipped".into(), "nonsense".into()], ..input };
        input.reminder_hours = "48".into();
        input.review_days = "3".into();
        input.processing_time = "Packed  within\n2 days".into();
        let s = input.check().unwrap();
        assert_eq!(s.on.iter().copied().collect::<Vec<_>>(), [Notice::OrderShipped]);
        assert_eq!((s.reminder_hours, s.review_days, s.processing_time.as_str()), (48, 3, "Packed within 2 days"));
    }

    #[test]
    fn header_text_cannot_break_a_header() {
        assert_eq!(header_text("Asha\r\nBcc: evil@example.com"), "Asha Bcc: evil@example.com");
        assert_eq!(header_text("  नमस्ते\tAsha "), "नमस्ते Asha");
    }

    #[test]
    fn a_masked_address_keeps_only_its_first_letter_and_domain() {
        assert_eq!(mask_email("asha@example.com"), "a•••@example.com");
        assert_eq!(mask_email("nonsense"), "•••");
    }

    #[test]
    fn follow_ups_fall_due_after_their_delay() {
        let s = NoticeSettings::default();
        let t = DateTime::parse_from_rfc3339("2026-01-01T10:00:00Z").unwrap().with_timezone(&Utc);
        assert_eq!(s.reminder_due(t), t + Duration::hours(24));
        assert_eq!(s.review_due(t), t + Duration::days(7));
    }
}

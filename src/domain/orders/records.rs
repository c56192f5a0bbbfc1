//! An order as stored: the order row, its lines, its timeline, and what its links may do.

use super::{PaymentStatus, Status};
use crate::domain::checkout::Address;

/// An order as stored.
#[derive(Debug, Clone, Default)]
pub struct Order {
    pub id: i64,
    pub code: String,
    pub status: Status,
    pub payment_status: PaymentStatus,
    /// Where it came from (`CHANNELS`).
    pub channel: String,
    pub currency: String,
    pub subtotal: i64,
    pub delivery_fee: i64,
    pub discount: i64,
    pub total: i64,
    pub customer_name: String,
    pub customer_phone: String,
    pub customer_email: String,
    pub delivery_code: String,
    pub delivery_name: String,
    pub delivery_details: String,
    pub address: Address,
    pub payment_code: String,
    pub payment_kind: String,
    pub payment_name: String,
    pub payment_instructions: String,
    pub payment_account: String,
    pub payment_network: String,
    pub discount_code: Option<String>,
    pub note: String,
    pub cancel_reason: Option<String>,
    pub expires_at: Option<String>,
    pub created_at: String,
    /// Payments less refunds, in minor units (the sum of the payment rows).
    pub paid: i64,
    /// Units were deducted from stock at confirmation and not put back since.
    pub stock_committed: bool,
    pub courier: String,
    pub tracking_number: String,
    pub tracking_url: String,
    /// The latest failed delivery's reason (`domain::desk::FailedReason`), empty without one.
    pub failed_reason: String,
    pub confirmed_at: Option<String>,
    pub shipped_at: Option<String>,
    pub delivered_at: Option<String>,
    /// The customer of its WhatsApp number (linked by the database).
    pub customer_id: Option<i64>,
    /// Made from an accepted custom-order quote (not from the catalogue).
    pub custom: bool,
    /// The seller said so in the quote: once confirmed, it cannot be cancelled by asking.
    pub no_cancel: bool,
}

/// What an order line keeps of the catalogue.
#[derive(Debug, Clone, Default)]
pub struct Line {
    pub id: i64,
    pub variant_id: Option<i64>,
    pub product_slug: String,
    pub sku: String,
    pub title: String,
    pub options: String,
    pub unit_price: i64,
    pub quantity: i64,
    pub line_total: i64,
    /// The photo shown at placement; `None` when there was none or it is gone (an order placed
    /// before photos were kept for orders).
    pub image_id: Option<i64>,
    pub reserved: i64,
    /// Units deducted from stock at confirmation, and how many of them were put back since.
    pub committed: i64,
    pub restocked: i64,
}

/// One step of an order's timeline.
#[derive(Debug, Clone)]
pub struct Event {
    pub status: Status,
    pub note: String,
    pub at: String,
}

/// What an order's link may do: `Manage` (the customer's own: cancel, share, turn off other
/// links) or `View` (a link shared with someone else).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkScope {
    Manage,
    View,
}

impl LinkScope {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkScope::Manage => "manage",
            LinkScope::View => "view",
        }
    }

    /// The scope with this name; `None` for anything else.
    pub fn parse(s: &str) -> Option<LinkScope> {
        [LinkScope::Manage, LinkScope::View].into_iter().find(|l| l.as_str() == s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_round_trip() {
        for p in PaymentStatus::ALL {
            assert_eq!(PaymentStatus::parse(p.as_str()), Some(p));
        }
        assert_eq!(PaymentStatus::parse("Paid"), None);
        for l in [LinkScope::Manage, LinkScope::View] {
            assert_eq!(LinkScope::parse(l.as_str()), Some(l));
        }
        assert_eq!(LinkScope::parse("owner"), None);
    }
}

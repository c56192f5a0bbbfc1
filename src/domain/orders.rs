//! Orders: statuses and the transitions between them (PRODUCT.md), order codes, and totals.

use std::fmt;

mod records;
pub use records::{Event, Line, LinkScope, Order};

/// An order's status; the names are the product contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Status {
    #[default]
    Draft,
    Pending,
    AwaitingPayment,
    Confirmed,
    Processing,
    ReadyToShip,
    Shipped,
    Delivered,
    FailedDelivery,
    Cancelled,
    Returned,
}

impl Status {
    pub const ALL: [Status; 11] = [
        Status::Draft,
        Status::Pending,
        Status::AwaitingPayment,
        Status::Confirmed,
        Status::Processing,
        Status::ReadyToShip,
        Status::Shipped,
        Status::Delivered,
        Status::FailedDelivery,
        Status::Cancelled,
        Status::Returned,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Pending => "pending",
            Status::AwaitingPayment => "awaiting_payment",
            Status::Confirmed => "confirmed",
            Status::Processing => "processing",
            Status::ReadyToShip => "ready_to_ship",
            Status::Shipped => "shipped",
            Status::Delivered => "delivered",
            Status::FailedDelivery => "failed_delivery",
            Status::Cancelled => "cancelled",
            Status::Returned => "returned",
        }
    }

    /// The status with this name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// What a customer reads for this status.
    pub fn label(self) -> &'static str {
        match self {
            Status::Draft => "Waiting for the shop",
            Status::Pending => "Received",
            Status::AwaitingPayment => "Awaiting payment",
            Status::Confirmed => "Confirmed",
            Status::Processing => "Being prepared",
            Status::ReadyToShip => "Ready to ship",
            Status::Shipped => "Shipped",
            Status::Delivered => "Delivered",
            Status::FailedDelivery => "Delivery failed",
            Status::Cancelled => "Cancelled",
            Status::Returned => "Returned",
        }
    }

    /// The statuses this one may move to.
    pub fn next(self) -> &'static [Status] {
        use Status::*;
        match self {
            Draft => &[Pending, Cancelled],
            Pending => &[AwaitingPayment, Confirmed, Cancelled],
            AwaitingPayment => &[Confirmed, Cancelled],
            Confirmed => &[Processing, ReadyToShip, Shipped, Cancelled],
            Processing => &[ReadyToShip, Shipped, Cancelled],
            ReadyToShip => &[Shipped, Cancelled],
            Shipped => &[Delivered, FailedDelivery],
            FailedDelivery => &[Shipped, Returned, Cancelled],
            Delivered => &[Returned],
            Cancelled | Returned => &[],
        }
    }

    /// Whether the order's units are still only reserved (placed, not yet confirmed).
    pub fn holds_reservation(self) -> bool {
        matches!(self, Status::Draft | Status::Pending | Status::AwaitingPayment)
    }

    /// Whether a customer holding a manage link may still cancel it themselves.
    pub fn customer_may_cancel(self) -> bool {
        self.holds_reservation()
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether an order's money came in (PRODUCT.md); follows from its payment rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PaymentStatus {
    #[default]
    Unpaid,
    PartiallyPaid,
    Paid,
    Refunded,
}

impl PaymentStatus {
    pub const ALL: [PaymentStatus; 4] =
        [PaymentStatus::Unpaid, PaymentStatus::PartiallyPaid, PaymentStatus::Paid, PaymentStatus::Refunded];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Unpaid => "unpaid",
            PaymentStatus::PartiallyPaid => "partially_paid",
            PaymentStatus::Paid => "paid",
            PaymentStatus::Refunded => "refunded",
        }
    }

    /// The payment status with this name; `None` for anything else.
    pub fn parse(s: &str) -> Option<PaymentStatus> {
        PaymentStatus::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PaymentStatus::Unpaid => "Unpaid",
            PaymentStatus::PartiallyPaid => "Partly paid",
            PaymentStatus::Paid => "Paid",
            PaymentStatus::Refunded => "Refunded",
        }
    }
}

/// Checks a status change; the error says what is allowed instead.
pub fn check_transition(from: Status, to: Status) -> Result<(), String> {
    if from.next().contains(&to) {
        return Ok(());
    }
    let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
    Err(match allowed.as_slice() {
        [] => format!("A {from} order cannot change any more."),
        _ => format!("A {from} order cannot become {to}; it can become {}.", allowed.join(", ")),
    })
}

/// Where an order came from.
pub const CHANNELS: [&str; 7] = ["web", "whatsapp", "instagram", "facebook", "phone", "walk_in", "other"];

/// The human order code: the shop's prefix and the order's number, e.g. `ORD-1042`.
pub fn code(prefix: &str, number: i64) -> String {
    format!("{prefix}{number}")
}

/// The first order number of a shop: codes look established from the start.
pub const FIRST_NUMBER: i64 = 1001;

/// Most units of one variant in one order, whatever the stock: larger amounts are a typo or abuse.
pub const MAX_QUANTITY: i64 = 999;

/// Most distinct lines in one order.
pub const MAX_LINES: usize = 100;

/// An order's money, all in minor units of one currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub subtotal: i64,
    pub discount: i64,
    pub delivery_fee: i64,
    pub total: i64,
}

impl Totals {
    /// Subtotal less discount (never below zero) plus delivery; `None` on overflow.
    pub fn new(subtotal: i64, discount: i64, delivery_fee: i64) -> Option<Totals> {
        let discount = discount.clamp(0, subtotal);
        let total = subtotal.checked_sub(discount)?.checked_add(delivery_fee)?;
        Some(Totals { subtotal, discount, delivery_fee, total })
    }
}

/// The subtotal of (unit price, quantity) lines; `None` on overflow.
pub fn subtotal(lines: impl IntoIterator<Item = (i64, i64)>) -> Option<i64> {
    lines.into_iter().try_fold(0i64, |acc, (price, qty)| acc.checked_add(price.checked_mul(qty)?))
}

/// The lines as a stable key ("3:1,7:2", sorted by variant), to recognise the same order placed twice.
pub fn lines_key(lines: &[(i64, i64)]) -> String {
    let mut sorted = lines.to_vec();
    sorted.sort_unstable();
    sorted.iter().map(|(v, q)| format!("{v}:{q}")).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    /// The table of PRODUCT.md, spelled out once more: every pair not listed is refused.
    const ALLOWED: &[(Status, Status)] = &[
        (Draft, Pending),
        (Draft, Cancelled),
        (Pending, AwaitingPayment),
        (Pending, Confirmed),
        (Pending, Cancelled),
        (AwaitingPayment, Confirmed),
        (AwaitingPayment, Cancelled),
        (Confirmed, Processing),
        (Confirmed, ReadyToShip),
        (Confirmed, Shipped),
        (Confirmed, Cancelled),
        (Processing, ReadyToShip),
        (Processing, Shipped),
        (Processing, Cancelled),
        (ReadyToShip, Shipped),
        (ReadyToShip, Cancelled),
        (Shipped, Delivered),
        (Shipped, FailedDelivery),
        (FailedDelivery, Shipped),
        (FailedDelivery, Returned),
        (FailedDelivery, Cancelled),
        (Delivered, Returned),
    ];

    #[test]
    fn every_transition_is_allowed_or_refused_as_the_contract_says() {
        let mut allowed = 0;
        for from in Status::ALL {
            for to in Status::ALL {
                let want = ALLOWED.contains(&(from, to));
                let got = check_transition(from, to);
                assert_eq!(got.is_ok(), want, "{from} -> {to}");
                if let Err(msg) = got {
                    assert!(msg.contains(from.as_str()), "the message names the status: {msg}");
                }
                allowed += usize::from(want);
            }
        }
        assert_eq!(allowed, ALLOWED.len());
        assert_eq!(
            check_transition(Pending, Shipped).unwrap_err(),
            "A pending order cannot become shipped; it can become awaiting_payment, confirmed, cancelled."
        );
        assert_eq!(check_transition(Cancelled, Pending).unwrap_err(), "A cancelled order cannot change any more.");
    }

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        assert_eq!(Status::parse("Draft"), None);
        assert_eq!(code("ORD-", 1042), "ORD-1042");
    }

    #[test]
    fn totals_never_overflow_or_go_negative() {
        assert_eq!(subtotal([(49900, 2), (1000, 1)]), Some(100800));
        assert_eq!(subtotal([(i64::MAX, 2)]), None);
        let t = Totals::new(10000, 15000, 500).unwrap();
        assert_eq!((t.discount, t.total), (10000, 500), "a discount never exceeds the subtotal");
        assert_eq!(lines_key(&[(7, 2), (3, 1)]), "3:1,7:2");
    }
}

//! The order desk's lists: tabs, the Active tab's groups, the All tab's filters, a list's row,
//! and what the manual order form holds.

use super::orders::Status;

/// The order desk's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    Drafts,
    #[default]
    Active,
    /// Orders the review rules flagged, waiting for someone to review them.
    Review,
    All,
}

impl Tab {
    pub fn parse(s: &str) -> Option<Tab> {
        match s {
            "drafts" => Some(Tab::Drafts),
            "" | "active" => Some(Tab::Active),
            "all" => Some(Tab::All),
            "review" => Some(Tab::Review),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Drafts => "drafts",
            Tab::Active => "active",
            Tab::All => "all",
            Tab::Review => "review",
        }
    }
}

/// The Active tab's groups, by what the seller must do next, in the order they are shown.
pub const ACTIVE_GROUPS: [(&str, &[Status]); 6] = [
    ("To acknowledge or confirm", &[Status::Pending]),
    ("Waiting for payment", &[Status::AwaitingPayment]),
    ("To pack", &[Status::Confirmed, Status::Processing]),
    ("To ship", &[Status::ReadyToShip]),
    ("Delivery failed: arrange again, cancel or take back", &[Status::FailedDelivery]),
    ("On the way", &[Status::Shipped]),
];

/// Whether an order is on the Active tab: not a draft and not finished.
pub fn is_active(s: Status) -> bool {
    !matches!(s, Status::Draft | Status::Cancelled | Status::Delivered | Status::Returned)
}

/// The All tab's filters, as the query string carries them; empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Filter {
    pub tab: String,
    pub status: String,
    pub payment_status: String,
    /// A payment method's code.
    pub payment: String,
    /// A delivery method's code.
    pub delivery: String,
    pub channel: String,
    pub tag: String,
    /// Placed on or after this date (`YYYY-MM-DD`, the shop's time zone).
    pub from: String,
    /// Placed on or before this date.
    pub to: String,
    /// An order code, or a customer's name, phone or email.
    pub q: String,
    pub page: u32,
}

impl Filter {
    /// The query string for these filters on another page (empty values left out).
    pub fn query(&self, page: u32) -> String {
        let mut f = self.clone();
        f.page = page;
        let pairs: Vec<(&str, String)> = [
            ("tab", f.tab),
            ("status", f.status),
            ("payment_status", f.payment_status),
            ("payment", f.payment),
            ("delivery", f.delivery),
            ("channel", f.channel),
            ("tag", f.tag),
            ("from", f.from),
            ("to", f.to),
            ("q", f.q),
            ("page", if page > 1 { page.to_string() } else { String::new() }),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// Orders shown on one page of a list.
pub const PAGE_SIZE: usize = 50;

/// Orders shown in each of the Active tab's groups (oldest first; "See all" lists the rest): a
/// phone screen of work per group, and six groups stay one quick page.
pub const ACTIVE_ROWS: usize = 20;

/// One order in a list.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub id: i64,
    pub code: String,
    pub status: Status,
    pub payment_status: super::orders::PaymentStatus,
    pub channel: String,
    pub customer_name: String,
    pub customer_phone: String,
    pub currency: String,
    pub total: i64,
    pub paid: i64,
    pub payment_name: String,
    pub delivery_name: String,
    pub units: i64,
    pub created_at: String,
}

/// A variant found for a manual order.
#[derive(Debug, Clone)]
pub struct VariantHit {
    pub sku: String,
    pub title: String,
    /// "M / Blue".
    pub options: String,
    pub price: i64,
    /// Units that can be sold now; `None` when stock is not tracked.
    pub available: Option<i64>,
}

/// What the manual order form holds between its steps (every step posts the whole form back).
#[derive(Debug, Clone, Default)]
pub struct ManualInput {
    /// (SKU, quantity as typed), in the order added.
    pub lines: Vec<(String, String)>,
    pub q: String,
    pub customer: super::checkout::CheckoutInput,
    pub channel: String,
    /// Confirm at once (takes the stock now) instead of starting pending.
    pub confirm: bool,
    /// The button pressed: "search", "add:SKU", "remove:SKU", "lookup" or "place".
    pub op: String,
}

impl ManualInput {
    /// Reads the posted form's pairs: `qty:SKU` fields are the lines.
    pub fn from_pairs(pairs: &[(String, String)]) -> ManualInput {
        let mut m = ManualInput::default();
        let c = &mut m.customer;
        for (k, v) in pairs {
            match k.as_str() {
                "q" => m.q = v.clone(),
                "channel" => m.channel = v.clone(),
                "confirm" => m.confirm = v == "1",
                "op" => m.op = v.clone(),
                "name" => c.name = v.clone(),
                "phone" => c.phone = v.clone(),
                "email" => c.email = v.clone(),
                "delivery" => c.delivery = v.clone(),
                "line1" => c.line1 = v.clone(),
                "line2" => c.line2 = v.clone(),
                "city" => c.city = v.clone(),
                "region" => c.region = v.clone(),
                "postal_code" => c.postal_code = v.clone(),
                "country" => c.country = v.clone(),
                "payment" => c.payment = v.clone(),
                "note" => c.note = v.clone(),
                other => {
                    if let Some(sku) = other.strip_prefix("qty:")
                        && !sku.is_empty()
                        && !m.lines.iter().any(|(s, _)| s == sku)
                        && m.lines.len() < super::orders::MAX_LINES
                    {
                        m.lines.push((sku.to_string(), v.clone()));
                    }
                }
            }
        }
        m
    }

    /// The lines as (SKU, quantity); a quantity that is not a whole number from 1 is an error.
    pub fn quantities(&self) -> Result<Vec<(String, i64)>, String> {
        let max = super::orders::MAX_QUANTITY;
        self.lines
            .iter()
            .map(|(sku, q)| match q.trim().parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => Ok((sku.clone(), n)),
                _ => Err(format!("The quantity of {sku} must be a whole number from 1 to {max}.")),
            })
            .collect()
    }
}

/// The channels a seller takes orders through by hand (the web places its own).
pub fn manual_channels() -> impl Iterator<Item = &'static str> {
    super::orders::CHANNELS.into_iter().filter(|c| *c != "web")
}

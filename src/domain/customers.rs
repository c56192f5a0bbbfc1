//! Customers: one per WhatsApp number (E.164), with figures worked out from their orders; the
//! list's filters and sorts; what the seller may write about them.

use super::FieldErrors;

/// A customer as stored, with the figures their orders give.
#[derive(Debug, Clone)]
pub struct Customer {
    pub id: i64,
    pub phone: String,
    /// The name their latest order gave.
    pub name: String,
    pub email: String,
    /// The seller's notes.
    pub note: String,
    pub order_count: i64,
    /// Totals of confirmed orders not cancelled or returned, in minor units.
    pub lifetime_value: i64,
    pub open_orders: i64,
    pub last_order_at: Option<String>,
    pub created_at: String,
    /// When the customer proved this number through a code sent to it by WhatsApp.
    pub whatsapp_verified_at: Option<String>,
}

/// How a customer's orders ended, counted from the orders for their page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Record {
    /// Orders that count towards the lifetime value (confirmed and not cancelled or returned).
    pub valued: i64,
    pub delivered: i64,
    pub cancelled: i64,
    pub returned: i64,
    /// Orders with a failed delivery (whatever happened after).
    pub failed_delivery: i64,
    /// Cash-on-delivery orders whose delivery failed because the customer refused the parcel.
    pub refused_cod: i64,
}

/// The average of the valued orders, in minor units; `None` without one.
pub fn average_order(lifetime_value: i64, valued: i64) -> Option<i64> {
    (valued > 0).then(|| (lifetime_value as f64 / valued as f64).round() as i64)
}

/// The list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    LastOrder,
    Value,
    Orders,
}

impl Sort {
    pub const ALL: [Sort; 3] = [Sort::LastOrder, Sort::Value, Sort::Orders];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::LastOrder => "last_order",
            Sort::Value => "value",
            Sort::Orders => "orders",
        }
    }

    /// `None` for an unknown name; empty is the default.
    pub fn parse(s: &str) -> Option<Sort> {
        match s {
            "" => Some(Sort::default()),
            _ => Sort::ALL.into_iter().find(|x| x.as_str() == s),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Sort::LastOrder => "Latest order",
            Sort::Value => "Lifetime value",
            Sort::Orders => "Most orders",
        }
    }
}

/// The list's query string; empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(default)]
pub struct CustomerFilter {
    /// A name, phone or email, or part of one.
    pub q: String,
    pub tag: String,
    /// "1": only customers with an order still open.
    pub open: String,
    pub sort: String,
    pub page: u32,
}

impl CustomerFilter {
    /// The query string for these filters on another page (empty values left out).
    pub fn query(&self, page: u32) -> String {
        let pairs: Vec<(&str, String)> = [
            ("q", self.q.clone()),
            ("tag", self.tag.clone()),
            ("open", self.open.clone()),
            ("sort", self.sort.clone()),
            ("page", if page > 1 { page.to_string() } else { String::new() }),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// Customers on one page of the list.
pub const PAGE_SIZE: usize = 50;

/// The longest note the seller may keep about a customer.
pub const MAX_NOTE: usize = 2000;

/// The seller's note, checked: plain text (shown escaped), at most [`MAX_NOTE`] characters.
pub fn check_note(raw: &str) -> Result<String, FieldErrors> {
    let note = raw.trim().replace("\r\n", "\n");
    if note.chars().count() > MAX_NOTE {
        return Err(FieldErrors::from([("note", format!("A note is at most {MAX_NOTE} characters."))]));
    }
    if note.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(FieldErrors::from([("note", "The note has characters that cannot be shown.".to_string())]));
    }
    Ok(note)
}

/// The customers export's columns.
pub const CSV_COLUMNS: [&str; 10] = [
    "phone",
    "name",
    "email",
    "orders",
    "open_orders",
    "lifetime_value",
    "last_order_at",
    "customer_since",
    "tags",
    "notes",
];

/// One customer's row of the export, in [`CSV_COLUMNS`]' order: text neutralised against
/// spreadsheet formulas (a phone number starts with `+`), money as a plain number, times local.
pub fn csv_row(c: &Customer, tags: &str, zone: super::zone::Zone, minor_units: u8) -> Vec<String> {
    let text = |s: &str| super::csv_cell(s).into_owned();
    let local = |ts: &str| super::time::parse_ts(ts).map(|t| zone.local_plain(t)).unwrap_or_default();
    vec![
        text(&c.phone),
        text(&c.name),
        text(&c.email),
        c.order_count.to_string(),
        c.open_orders.to_string(),
        super::money::decimal(c.lifetime_value, minor_units),
        c.last_order_at.as_deref().map(local).unwrap_or_default(),
        local(&c.created_at),
        text(tags),
        text(&c.note),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_parse_and_filters_keep_their_query() {
        assert_eq!(Sort::parse(""), Some(Sort::LastOrder));
        assert_eq!(Sort::parse("value"), Some(Sort::Value));
        assert_eq!(Sort::parse("price"), None);
        let f = CustomerFilter { q: "meera".into(), open: "1".into(), ..Default::default() };
        assert_eq!(f.query(2), "q=meera&open=1&page=2");
    }

    #[test]
    fn averages_and_notes() {
        assert_eq!(average_order(100_000, 3), Some(33_333));
        assert_eq!(average_order(0, 0), None);
        assert_eq!(
            check_note("  Prefers evening delivery\r\nCall first ").unwrap(),
            "Prefers evening delivery\nCall first"
        );
        assert!(check_note(&"x".repeat(2001)).is_err());
        assert!(check_note("a\u{7}b").is_err());
    }
}

//! Orders as CSV rows for a spreadsheet (one row per order, or one per item): money in major
//! units as plain numbers, times in the shop's time zone, and every text cell neutralised so a
//! spreadsheet cannot run it as a formula (`super::csv_cell`).

use super::money;
use super::zone::Zone;

/// One order as exported.
#[derive(Debug, Clone)]
pub struct ExportOrder {
    pub id: i64,
    pub code: String,
    pub created_at: String,
    pub status: String,
    pub payment_status: String,
    pub channel: String,
    pub customer_name: String,
    pub customer_phone: String,
    pub customer_email: String,
    pub address: super::checkout::Address,
    pub delivery_name: String,
    pub payment_name: String,
    pub units: i64,
    pub currency: String,
    pub subtotal: i64,
    pub delivery_fee: i64,
    pub discount: i64,
    pub total: i64,
    pub paid: i64,
    pub courier: String,
    pub tracking_number: String,
    /// Comma-separated.
    pub tags: String,
    pub note: String,
}

/// One item of an order as exported.
#[derive(Debug, Clone)]
pub struct ExportLine {
    pub order_id: i64,
    pub sku: String,
    pub title: String,
    pub options: String,
    pub quantity: i64,
    pub unit_price: i64,
    pub line_total: i64,
}

pub const ORDER_COLUMNS: [&str; 28] = [
    "code",
    "placed_at",
    "status",
    "payment_status",
    "channel",
    "customer_name",
    "customer_phone",
    "customer_email",
    "address_line1",
    "address_line2",
    "city",
    "region",
    "postal_code",
    "country",
    "delivery_method",
    "payment_method",
    "units",
    "currency",
    "subtotal",
    "delivery_fee",
    "discount",
    "total",
    "paid",
    "balance",
    "courier",
    "tracking_number",
    "tags",
    "customer_note",
];

pub const LINE_COLUMNS: [&str; 14] = [
    "code",
    "placed_at",
    "status",
    "payment_status",
    "customer_name",
    "customer_phone",
    "sku",
    "title",
    "options",
    "quantity",
    "currency",
    "unit_price",
    "line_total",
    "order_total",
];

/// A stored time as the shop's local date and time ("2026-11-02 14:05:09").
fn local(ts: &str, zone: Zone) -> String {
    super::time::parse_ts(ts).map(|t| zone.local_plain(t)).unwrap_or_default()
}

fn text(s: &str) -> String {
    super::csv_cell(s).into_owned()
}

/// The cells of one order's row, in [`ORDER_COLUMNS`]' order.
pub fn order_row(o: &ExportOrder, zone: Zone, minor_units: u8) -> Vec<String> {
    let m = |v: i64| money::decimal(v, minor_units);
    vec![
        text(&o.code),
        local(&o.created_at, zone),
        o.status.clone(),
        o.payment_status.clone(),
        o.channel.clone(),
        text(&o.customer_name),
        text(&o.customer_phone),
        text(&o.customer_email),
        text(&o.address.line1),
        text(&o.address.line2),
        text(&o.address.city),
        text(&o.address.region),
        text(&o.address.postal_code),
        text(&o.address.country),
        text(&o.delivery_name),
        text(&o.payment_name),
        o.units.to_string(),
        o.currency.clone(),
        m(o.subtotal),
        m(o.delivery_fee),
        m(o.discount),
        m(o.total),
        m(o.paid),
        m((o.total - o.paid).max(0)),
        text(&o.courier),
        text(&o.tracking_number),
        text(&o.tags),
        text(&o.note),
    ]
}

/// The cells of one item's row, in [`LINE_COLUMNS`]' order.
pub fn line_row(o: &ExportOrder, l: &ExportLine, zone: Zone, minor_units: u8) -> Vec<String> {
    let m = |v: i64| money::decimal(v, minor_units);
    vec![
        text(&o.code),
        local(&o.created_at, zone),
        o.status.clone(),
        o.payment_status.clone(),
        text(&o.customer_name),
        text(&o.customer_phone),
        text(&l.sku),
        text(&l.title),
        text(&l.options),
        l.quantity.to_string(),
        o.currency.clone(),
        m(l.unit_price),
        m(l.line_total),
        m(o.total),
    ]
}

//! Orders for the CSV export, a chunk at a time (newest first, by the list's cursor), so 100,000
//! orders are written in bounded memory.

use rusqlite::Connection;
use rusqlite::types::Value;

use super::order_lists::{Plan, Query, where_clause};
use crate::domain::checkout::Address;
use crate::domain::order_export::{ExportLine, ExportOrder};

/// Up to `limit` orders matching `q` (its `before` is the cursor), newest first.
pub fn orders(conn: &Connection, q: &Query, limit: usize) -> rusqlite::Result<Vec<ExportOrder>> {
    // Every match is written, so each is looked up once and sorted.
    let (filter, mut params) = where_clause(q, &Plan::default());
    params.push((":limit", Value::Integer(limit as i64)));
    let named: Vec<(&str, &dyn rusqlite::ToSql)> =
        params.iter().map(|(n, v)| (*n, v as &dyn rusqlite::ToSql)).collect();
    conn.prepare_cached(&format!(
        "SELECT o.id, o.code, o.created_at, o.status, o.payment_status, o.channel, o.customer_name, o.customer_phone,
                o.customer_email, o.address_line1, o.address_line2, o.city, o.region, o.postal_code, o.country,
                o.delivery_name, o.payment_name,
                (SELECT coalesce(sum(quantity), 0) FROM order_lines l WHERE l.order_id = o.id),
                o.currency, o.subtotal, o.delivery_fee, o.discount, o.total, o.paid, o.courier, o.tracking_number,
                (SELECT coalesce(group_concat(tag, ', '), '') FROM (SELECT tag FROM order_tags t WHERE t.order_id = o.id ORDER BY tag)),
                o.note
         FROM orders o {filter} ORDER BY o.created_at DESC, o.id DESC LIMIT :limit"
    ))?
    .query_map(named.as_slice(), |r| {
        Ok(ExportOrder {
            id: r.get(0)?,
            code: r.get(1)?,
            created_at: r.get(2)?,
            status: r.get(3)?,
            payment_status: r.get(4)?,
            channel: r.get(5)?,
            customer_name: r.get(6)?,
            customer_phone: r.get(7)?,
            customer_email: r.get(8)?,
            address: Address {
                line1: r.get(9)?,
                line2: r.get(10)?,
                city: r.get(11)?,
                region: r.get(12)?,
                postal_code: r.get(13)?,
                country: r.get(14)?,
            },
            delivery_name: r.get(15)?,
            payment_name: r.get(16)?,
            units: r.get(17)?,
            currency: r.get(18)?,
            subtotal: r.get(19)?,
            delivery_fee: r.get(20)?,
            discount: r.get(21)?,
            total: r.get(22)?,
            paid: r.get(23)?,
            courier: r.get(24)?,
            tracking_number: r.get(25)?,
            tags: r.get(26)?,
            note: r.get(27)?,
        })
    })?
    .collect()
}

/// The items of these orders, in each order's line order.
pub fn lines(conn: &Connection, order_ids: &[i64]) -> rusqlite::Result<Vec<ExportLine>> {
    let ids = serde_json::to_string(order_ids).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(
        "SELECT order_id, sku, title, options, quantity, unit_price, line_total FROM order_lines
         WHERE order_id IN (SELECT value FROM json_each(:ids)) ORDER BY order_id, id",
    )?
    .query_map(rusqlite::named_params! {":ids": ids}, |r| {
        Ok(ExportLine {
            order_id: r.get(0)?,
            sku: r.get(1)?,
            title: r.get(2)?,
            options: r.get(3)?,
            quantity: r.get(4)?,
            unit_price: r.get(5)?,
            line_total: r.get(6)?,
        })
    })?
    .collect()
}

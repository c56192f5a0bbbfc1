//! The dashboard's figures, added up from the orders each time (indexes of migration 0017).

use rusqlite::{Connection, named_params};

use super::text::Text;
use crate::domain::dashboard::{BUCKET_SECS, Bucket, LowStock, TopProduct};
use crate::domain::orders::Status;

/// The orders placed from `from` to before `to`, added up by quarter hour, status and whether they
/// expired unacknowledged.
pub fn buckets(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<Bucket>> {
    conn.prepare_cached(
        "SELECT unixepoch(created_at) / :b * :b, status, coalesce(cancel_reason, '') = 'expired', count(*), sum(total)
         FROM orders WHERE created_at >= :from AND created_at < :to GROUP BY 1, 2, 3",
    )?
    .query_map(named_params! {":b": BUCKET_SECS, ":from": from, ":to": to}, |r| {
        Ok(Bucket {
            start: r.get(0)?,
            status: r.get::<_, Text<Status>>(1)?.0,
            expired: r.get(2)?,
            count: r.get(3)?,
            total: r.get(4)?,
        })
    })?
    .collect()
}

/// Seconds from confirmation to shipping of the orders shipped from `from` to before `to`.
pub fn ship_times(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT unixepoch(shipped_at) - unixepoch(confirmed_at) FROM orders
         WHERE shipped_at IS NOT NULL AND shipped_at >= :from AND shipped_at < :to AND confirmed_at IS NOT NULL",
    )?
    .query_map(named_params! {":from": from, ":to": to}, |r| r.get(0))?
    .collect()
}

/// Orders waiting for payment now, and what they still owe.
pub fn awaiting(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.prepare_cached(
        "SELECT count(*), coalesce(sum(max(total - paid, 0)), 0) FROM orders WHERE status = 'awaiting_payment'",
    )?
    .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// The products that sold most units in the period's orders that sold.
pub fn top_products(conn: &Connection, from: &str, to: &str, limit: usize) -> rusqlite::Result<Vec<TopProduct>> {
    conn.prepare_cached(
        "SELECT max(l.title), l.product_slug, sum(l.quantity), sum(l.line_total)
         FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE o.created_at >= :from AND o.created_at < :to
           AND o.status IN ('confirmed', 'processing', 'ready_to_ship', 'shipped', 'delivered')
         GROUP BY l.product_slug ORDER BY 3 DESC, 4 DESC, 2 LIMIT :l",
    )?
    .query_map(named_params! {":from": from, ":to": to, ":l": limit as i64}, |r| {
        Ok(TopProduct { title: r.get(0)?, slug: r.get(1)?, units: r.get(2)?, revenue: r.get(3)? })
    })?
    .collect()
}

/// Variants of products on sale with `few` units or fewer left to sell, fewest first.
pub fn low_stock(conn: &Connection, few: i64, limit: usize) -> rusqlite::Result<Vec<LowStock>> {
    conn.prepare_cached(
        "SELECT p.id, p.title, v.sku, trim(v.option1 || ' ' || v.option2 || ' ' || v.option3), v.on_hand - v.reserved
         FROM variants v JOIN products p ON p.id = v.product_id
         WHERE p.status = 'active' AND v.track_stock = 1 AND v.allow_backorder = 0 AND v.on_hand - v.reserved <= :few
         ORDER BY 5, p.title, v.position LIMIT :l",
    )?
    .query_map(named_params! {":few": few, ":l": limit as i64}, |r| {
        Ok(LowStock {
            product_id: r.get(0)?,
            title: r.get(1)?,
            sku: r.get(2)?,
            options: r.get(3)?,
            available: r.get(4)?,
        })
    })?
    .collect()
}

/// The orders' version: it moves with every change to an order or its lines.
pub fn orders_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT n FROM orders_version")?.query_row([], |r| r.get(0))
}

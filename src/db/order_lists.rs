//! The order desk's lists: orders by status, the menu's counts, a customer's orders, and the
//! variants a manual order can take. The All tab's search is in `order_search.rs`.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

pub(crate) use super::order_search::{Plan, where_clause};
pub use super::order_search::{Query, search};
use super::text::Text;
use crate::domain::order_lists::{ListRow, VariantHit};
use crate::domain::orders::{PaymentStatus, Status};

pub(super) const LIST_COLUMNS: &str =
    "o.id, o.code, o.status, o.payment_status, o.channel, o.customer_name, o.customer_phone,
    o.currency, o.total, o.paid, o.payment_name, o.delivery_name,
    (SELECT coalesce(sum(quantity), 0) FROM order_lines l WHERE l.order_id = o.id), o.created_at";

pub(super) fn list_row(r: &Row<'_>) -> rusqlite::Result<ListRow> {
    Ok(ListRow {
        id: r.get(0)?,
        code: r.get(1)?,
        status: r.get::<_, Text<Status>>(2)?.0,
        payment_status: r.get::<_, Text<PaymentStatus>>(3)?.0,
        channel: r.get(4)?,
        customer_name: r.get(5)?,
        customer_phone: r.get(6)?,
        currency: r.get(7)?,
        total: r.get(8)?,
        paid: r.get(9)?,
        payment_name: r.get(10)?,
        delivery_name: r.get(11)?,
        units: r.get(12)?,
        created_at: r.get(13)?,
    })
}

/// Orders in one of these statuses, oldest first, at most `limit`, and how many there are.
pub fn in_statuses(conn: &Connection, statuses: &[Status], limit: usize) -> rusqlite::Result<(Vec<ListRow>, i64)> {
    let list = statuses.iter().map(|s| format!("'{}'", s.as_str())).collect::<Vec<_>>().join(", ");
    let rows = conn
        .prepare_cached(&format!(
            "SELECT {LIST_COLUMNS} FROM orders o WHERE o.status IN ({list}) ORDER BY o.created_at, o.id LIMIT :limit"
        ))?
        .query_map(named_params! {":limit": limit as i64}, list_row)?
        .collect::<Result<Vec<_>, _>>()?;
    let count = if rows.len() < limit {
        rows.len() as i64
    } else {
        conn.prepare_cached(&format!("SELECT coalesce(sum(n), 0) FROM order_status_counts WHERE status IN ({list})"))?
            .query_row([], |r| r.get(0))?
    };
    Ok((rows, count))
}

/// Drafts and active orders, for the admin menu.
pub fn counts(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.prepare_cached(
        "SELECT coalesce(sum(n) FILTER (WHERE status = 'draft'), 0),
                coalesce(sum(n) FILTER (WHERE status IN ('pending', 'awaiting_payment', 'confirmed', 'processing',
                    'ready_to_ship', 'shipped', 'failed_delivery')), 0)
         FROM order_status_counts",
    )?
    .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
}

/// These orders, in this order.
pub fn by_ids(conn: &Connection, ids: &[i64]) -> rusqlite::Result<Vec<ListRow>> {
    let ids = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    conn.prepare_cached(&format!(
        "SELECT {LIST_COLUMNS} FROM json_each(:ids) AS j JOIN orders o ON o.id = j.value ORDER BY j.key"
    ))?
    .query_map(named_params! {":ids": ids}, list_row)?
    .collect()
}

/// A customer's orders, newest first.
pub fn by_customer(conn: &Connection, customer_id: i64, limit: usize) -> rusqlite::Result<Vec<ListRow>> {
    conn.prepare_cached(&format!(
        "SELECT {LIST_COLUMNS} FROM orders o WHERE o.customer_id = :c ORDER BY o.created_at DESC, o.id DESC LIMIT :limit"
    ))?
    .query_map(named_params! {":c": customer_id, ":limit": limit as i64}, list_row)?
    .collect()
}

/// The same customer's other orders (by WhatsApp number), newest first.
pub fn by_phone(conn: &Connection, phone: &str, except: i64, limit: usize) -> rusqlite::Result<Vec<ListRow>> {
    conn.prepare_cached(&format!(
        "SELECT {LIST_COLUMNS} FROM orders o WHERE o.customer_phone = :phone AND o.id != :except
         ORDER BY o.created_at DESC LIMIT :limit"
    ))?
    .query_map(named_params! {":phone": phone, ":except": except, ":limit": limit as i64}, list_row)?
    .collect()
}

/// Statuses and tags whose kept count differs from the orders: (status or "tagged …", kept,
/// counted). For `souk doctor`.
pub fn count_mismatches(conn: &Connection) -> rusqlite::Result<Vec<(String, i64, i64)>> {
    conn.prepare(
        "SELECT s, coalesce(k.n, 0), coalesce(c.n, 0) FROM
           (SELECT status AS s FROM order_status_counts UNION SELECT status FROM orders) AS a
           LEFT JOIN order_status_counts k ON k.status = a.s
           LEFT JOIN (SELECT status, count(*) AS n FROM orders GROUP BY status) c ON c.status = a.s
         WHERE coalesce(k.n, 0) != coalesce(c.n, 0)
         UNION ALL
         SELECT 'tagged ' || t, coalesce(k.n, 0), coalesce(c.n, 0) FROM
           (SELECT tag AS t FROM order_tag_counts UNION SELECT tag FROM order_tags) AS a
           LEFT JOIN order_tag_counts k ON k.tag = a.t
           LEFT JOIN (SELECT tag, count(*) AS n FROM order_tags GROUP BY tag) c ON c.tag = a.t
         WHERE coalesce(k.n, 0) != coalesce(c.n, 0)",
    )?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect()
}

/// Whether the search index agrees with the orders it indexes (FTS5's own check).
pub fn search_index_ok(conn: &Connection) -> rusqlite::Result<bool> {
    match conn.execute("INSERT INTO order_search (order_search, rank) VALUES ('integrity-check', 1)", []) {
        Ok(_) => Ok(true),
        Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DatabaseCorrupt => Ok(false),
        Err(e) => Err(e),
    }
}

/// Drafts placed before `cutoff`, oldest first.
pub fn drafts_before(conn: &Connection, cutoff: &str) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached("SELECT id FROM orders WHERE status = 'draft' AND created_at < :c ORDER BY created_at")?
        .query_map(named_params! {":c": cutoff}, |r| r.get(0))?
        .collect()
}

/// Drafts, and pending orders that carry an expiry (the direct flow), whose time ran out.
pub fn expired(conn: &Connection, now: &str) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT id FROM orders WHERE status IN ('draft', 'pending') AND expires_at <= :now ORDER BY expires_at",
    )?
    .query_map(named_params! {":now": now}, |r| r.get(0))?
    .collect()
}

/// Variants of products on sale whose title or SKU contains `q` (any case), best matches first:
/// for the manual order form.
pub fn find_variants(conn: &Connection, q: &str, limit: usize) -> rusqlite::Result<Vec<VariantHit>> {
    let escaped = q.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let like = format!("%{escaped}%");
    conn.prepare_cached(
        "SELECT v.sku, p.title, trim(v.option1 || coalesce(' / ' || nullif(v.option2, ''), '') || coalesce(' / ' || nullif(v.option3, ''), '')),
                v.price, CASE WHEN v.track_stock = 1 THEN max(v.on_hand - v.reserved, 0) END
         FROM variants v JOIN products p ON p.id = v.product_id
         WHERE p.status = 'active' AND (p.title LIKE :like ESCAPE '\\' OR v.sku LIKE :like ESCAPE '\\')
         ORDER BY v.sku = :q COLLATE NOCASE DESC, p.title, v.position LIMIT :limit",
    )?
    .query_map(named_params! {":like": like, ":q": q.trim(), ":limit": limit as i64}, |r| {
        Ok(VariantHit { sku: r.get(0)?, title: r.get(1)?, options: r.get(2)?, price: r.get(3)?, available: r.get(4)? })
    })?
    .collect()
}

/// These SKUs as variants on sale, in the order asked; unknown ones left out.
pub fn variants_by_sku(conn: &Connection, skus: &[String]) -> rusqlite::Result<Vec<VariantHit>> {
    let mut out = Vec::new();
    for sku in skus {
        let hit = conn
            .prepare_cached(
                "SELECT v.sku, p.title, trim(v.option1 || coalesce(' / ' || nullif(v.option2, ''), '') || coalesce(' / ' || nullif(v.option3, ''), '')),
                        v.price, CASE WHEN v.track_stock = 1 THEN max(v.on_hand - v.reserved, 0) END
                 FROM variants v JOIN products p ON p.id = v.product_id WHERE v.sku = :sku",
            )?
            .query_row(named_params! {":sku": sku}, |r| {
                Ok(VariantHit { sku: r.get(0)?, title: r.get(1)?, options: r.get(2)?, price: r.get(3)?, available: r.get(4)? })
            })
            .optional()?;
        out.extend(hit);
    }
    Ok(out)
}

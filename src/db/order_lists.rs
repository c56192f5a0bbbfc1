//! The order desk's lists: orders by status, the All tab's search, the menu's counts, a customer's
//! other orders, and the variants a manual order can take.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use super::text::Text;
use crate::domain::order_lists::{ListRow, VariantHit};
use crate::domain::orders::{PaymentStatus, Status};

const LIST_COLUMNS: &str = "o.id, o.code, o.status, o.payment_status, o.channel, o.customer_name, o.customer_phone,
    o.currency, o.total, o.paid, o.payment_name, o.delivery_name,
    (SELECT coalesce(sum(quantity), 0) FROM order_lines l WHERE l.order_id = o.id), o.created_at";

fn list_row(r: &Row<'_>) -> rusqlite::Result<ListRow> {
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
        conn.prepare_cached(&format!("SELECT count(*) FROM orders WHERE status IN ({list})"))?
            .query_row([], |r| r.get(0))?
    };
    Ok((rows, count))
}

/// The All tab's query, already checked: every condition optional.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub status: Option<Status>,
    pub payment_status: Option<PaymentStatus>,
    pub payment: Option<String>,
    pub delivery: Option<String>,
    pub channel: Option<String>,
    pub tag: Option<String>,
    /// UTC bounds of the date range: placed at or after `from`, before `until`.
    pub from: Option<String>,
    pub until: Option<String>,
    /// An E.164 number to match exactly.
    pub phone: Option<String>,
    /// A code, name or email fragment.
    pub text: Option<String>,
}

/// A page of orders matching `q`, newest first: at most `limit` rows from `offset`.
pub fn search(conn: &Connection, q: &Query, limit: usize, offset: usize) -> rusqlite::Result<Vec<ListRow>> {
    let like = q.text.as_ref().map(|t| {
        let escaped = t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    });
    conn.prepare_cached(&format!(
        "SELECT {LIST_COLUMNS} FROM orders o
         WHERE (:status IS NULL OR o.status = :status)
           AND (:paid IS NULL OR o.payment_status = :paid)
           AND (:payment IS NULL OR o.payment_code = :payment)
           AND (:delivery IS NULL OR o.delivery_code = :delivery)
           AND (:channel IS NULL OR o.channel = :channel)
           AND (:tag IS NULL OR o.id IN (SELECT order_id FROM order_tags WHERE tag = :tag))
           AND (:from IS NULL OR o.created_at >= :from)
           AND (:until IS NULL OR o.created_at < :until)
           AND (:phone IS NULL OR o.customer_phone = :phone)
           AND (:text IS NULL OR o.code = :exact OR o.customer_name LIKE :like ESCAPE '\\'
                OR o.customer_email LIKE :like ESCAPE '\\' OR o.customer_phone LIKE :like ESCAPE '\\')
         ORDER BY o.created_at DESC, o.id DESC LIMIT :limit OFFSET :offset"
    ))?
    .query_map(
        named_params! {
            ":status": q.status.map(Status::as_str), ":paid": q.payment_status.map(PaymentStatus::as_str),
            ":payment": q.payment, ":delivery": q.delivery, ":channel": q.channel, ":tag": q.tag,
            ":from": q.from, ":until": q.until, ":phone": q.phone, ":text": q.text, ":exact": q.text, ":like": like,
            ":limit": limit as i64, ":offset": offset as i64,
        },
        list_row,
    )?
    .collect()
}

/// Drafts and active orders, for the admin menu.
pub fn counts(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.prepare_cached(
        "SELECT (SELECT count(*) FROM orders WHERE status = 'draft'),
                (SELECT count(*) FROM orders WHERE status IN ('pending', 'awaiting_payment', 'confirmed', 'processing',
                    'ready_to_ship', 'shipped', 'failed_delivery'))",
    )?
    .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
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

//! The order desk's SQL: stock commitment and restocking, lifecycle columns, the seller's timeline
//! events, tags, couriers, message templates and order rules. Lists are in `order_lists`, money in
//! `payments`.

use rusqlite::{Connection, OptionalExtension, named_params};

use super::text::Text;
use crate::domain::desk::{Courier, EventKind, OrderRules, TimelineEvent};
use crate::domain::orders::Status;

/// Orders whose stock is committed but still hold a reservation, or whose lines' committed units
/// disagree with the flag: their codes. Empty when all agree.
pub fn commitment_mismatches(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    conn.prepare(
        "SELECT DISTINCT o.code FROM orders o JOIN order_lines l ON l.order_id = o.id
         WHERE (o.stock_committed = 1 AND l.reserved > 0)
            OR (o.stock_committed = 0 AND l.committed - l.restocked > 0 AND o.status NOT IN ('cancelled', 'returned'))
            OR (o.status IN ('cancelled', 'returned') AND l.reserved > 0)",
    )?
    .query_map([], |r| r.get(0))?
    .collect()
}

/// One order line's stock, as commitment needs it.
#[derive(Debug, Clone)]
pub struct LineStock {
    pub line_id: i64,
    pub variant_id: Option<i64>,
    pub product_id: Option<i64>,
    pub sku: String,
    pub title: String,
    pub quantity: i64,
    pub reserved: i64,
    pub committed: i64,
    pub restocked: i64,
    pub track: bool,
    pub backorder: bool,
    pub on_hand: i64,
    /// Units all orders reserve of the variant, this one's included.
    pub variant_reserved: i64,
}

/// An order's lines with their variants' stock.
pub fn line_stock(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<LineStock>> {
    conn.prepare_cached(
        "SELECT l.id, l.variant_id, v.product_id, l.sku, l.title, l.quantity, l.reserved, l.committed, l.restocked,
                coalesce(v.track_stock, 0), coalesce(v.allow_backorder, 0), coalesce(v.on_hand, 0), coalesce(v.reserved, 0)
         FROM order_lines l LEFT JOIN variants v ON v.id = l.variant_id WHERE l.order_id = :o ORDER BY l.id",
    )?
    .query_map(named_params! {":o": order_id}, |r| {
        Ok(LineStock {
            line_id: r.get(0)?,
            variant_id: r.get(1)?,
            product_id: r.get(2)?,
            sku: r.get(3)?,
            title: r.get(4)?,
            quantity: r.get(5)?,
            reserved: r.get(6)?,
            committed: r.get(7)?,
            restocked: r.get(8)?,
            track: r.get(9)?,
            backorder: r.get(10)?,
            on_hand: r.get(11)?,
            variant_reserved: r.get(12)?,
        })
    })?
    .collect()
}

/// Turns a line's reservation into a deduction of `units`: the variant's reservation drops by
/// what the line held, and the line records what was deducted.
pub fn commit_line(conn: &Connection, l: &LineStock, units: i64) -> rusqlite::Result<()> {
    if let Some(v) = l.variant_id {
        conn.prepare_cached("UPDATE variants SET reserved = max(0, reserved - :held) WHERE id = :v")?
            .execute(named_params! {":v": v, ":held": l.reserved})?;
    }
    conn.prepare_cached("UPDATE order_lines SET reserved = 0, committed = :units WHERE id = :l")?
        .execute(named_params! {":l": l.line_id, ":units": units})?;
    Ok(())
}

/// Records units of a line put back into stock.
pub fn add_restocked(conn: &Connection, line_id: i64, units: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE order_lines SET restocked = restocked + :n WHERE id = :l")?
        .execute(named_params! {":l": line_id, ":n": units})?;
    Ok(())
}

/// Marks an order's stock committed (or not) and stamps a lifecycle time.
pub fn set_committed(conn: &Connection, order_id: i64, committed: bool) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE orders SET stock_committed = :c WHERE id = :o")?
        .execute(named_params! {":o": order_id, ":c": committed})?;
    Ok(())
}

/// Stamps when an order reached a milestone (`confirmed_at`, `shipped_at`, `delivered_at`).
pub fn stamp(conn: &Connection, order_id: i64, column: Milestone, now: &str) -> rusqlite::Result<()> {
    let sql = match column {
        Milestone::Confirmed => "UPDATE orders SET confirmed_at = :now WHERE id = :o",
        Milestone::Shipped => "UPDATE orders SET shipped_at = :now WHERE id = :o",
        Milestone::Delivered => "UPDATE orders SET delivered_at = :now WHERE id = :o",
    };
    conn.prepare_cached(sql)?.execute(named_params! {":o": order_id, ":now": now})?;
    Ok(())
}

#[derive(Debug, Clone, Copy)]
pub enum Milestone {
    Confirmed,
    Shipped,
    Delivered,
}

/// Sets or clears an order's expiry.
pub fn set_expiry(conn: &Connection, order_id: i64, expires_at: Option<&str>) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE orders SET expires_at = :e WHERE id = :o")?
        .execute(named_params! {":o": order_id, ":e": expires_at})?;
    Ok(())
}

/// Sets an order's shipping details.
pub fn set_shipping(conn: &Connection, order_id: i64, courier: &str, number: &str, url: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE orders SET courier = :c, tracking_number = :n, tracking_url = :u WHERE id = :o")?
        .execute(named_params! {":o": order_id, ":c": courier, ":n": number, ":u": url})?;
    Ok(())
}

pub fn set_failed_reason(conn: &Connection, order_id: i64, reason: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE orders SET failed_reason = :r WHERE id = :o")?
        .execute(named_params! {":o": order_id, ":r": reason})?;
    Ok(())
}

/// Appends an event to an order's timeline.
pub struct NewEvent<'a> {
    pub kind: EventKind,
    pub status: Status,
    pub from_status: Option<Status>,
    pub note: &'a str,
    pub detail: &'a str,
    pub actor: &'a str,
    pub user_id: Option<i64>,
}

pub fn add_event(conn: &Connection, order_id: i64, e: &NewEvent, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO order_events (order_id, kind, status, from_status, note, detail, actor, user_id, at)
         VALUES (:o, :k, :s, :f, :n, :d, :a, :u, :now)",
    )?
    .execute(named_params! {":o": order_id, ":k": e.kind.as_str(), ":s": e.status.as_str(),
    ":f": e.from_status.map(Status::as_str), ":n": e.note, ":d": e.detail, ":a": e.actor, ":u": e.user_id,
    ":now": now})?;
    Ok(())
}

/// Every event of an order, oldest first.
pub fn timeline(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<TimelineEvent>> {
    conn.prepare_cached(
        "SELECT kind, status, from_status, note, detail, actor, at FROM order_events WHERE order_id = :o ORDER BY id",
    )?
    .query_map(named_params! {":o": order_id}, |r| {
        Ok(TimelineEvent {
            kind: r.get::<_, Text<EventKind>>(0)?.0,
            status: r.get(1)?,
            from_status: r.get(2)?,
            note: r.get(3)?,
            detail: r.get(4)?,
            actor: r.get(5)?,
            at: r.get(6)?,
        })
    })?
    .collect()
}

pub fn tags(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT tag FROM order_tags WHERE order_id = :o ORDER BY rowid")?
        .query_map(named_params! {":o": order_id}, |r| r.get(0))?
        .collect()
}

/// Replaces an order's tags.
pub fn set_tags(conn: &Connection, order_id: i64, tags: &[String]) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM order_tags WHERE order_id = :o")?.execute(named_params! {":o": order_id})?;
    for tag in tags {
        conn.prepare_cached("INSERT OR IGNORE INTO order_tags (order_id, tag) VALUES (:o, :t)")?
            .execute(named_params! {":o": order_id, ":t": tag})?;
    }
    Ok(())
}

/// Tags used before, most used first (suggestions for the tag field and the filter).
pub fn known_tags(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT tag FROM order_tag_counts ORDER BY n DESC, tag LIMIT :l")?
        .query_map(named_params! {":l": limit as i64}, |r| r.get(0))?
        .collect()
}

pub fn couriers(conn: &Connection) -> rusqlite::Result<Vec<Courier>> {
    conn.prepare_cached("SELECT id, name, tracking_url, active FROM couriers ORDER BY position, name")?
        .query_map([], |r| Ok(Courier { id: r.get(0)?, name: r.get(1)?, tracking_url: r.get(2)?, active: r.get(3)? }))?
        .collect()
}

/// Adds a courier, or changes the one with this name; returns its id.
pub fn save_courier(conn: &Connection, name: &str, tracking_url: &str, active: bool) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO couriers (name, tracking_url, active, position)
         VALUES (:n, :u, :a, (SELECT coalesce(max(position) + 1, 0) FROM couriers))
         ON CONFLICT (name) DO UPDATE SET tracking_url = excluded.tracking_url, active = excluded.active",
    )?
    .execute(named_params! {":n": name, ":u": tracking_url, ":a": active})?;
    conn.query_row("SELECT id FROM couriers WHERE name = :n", named_params! {":n": name}, |r| r.get(0))
}

/// Removes a courier; returns whether there was one (orders keep the name they shipped with).
pub fn delete_courier(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM couriers WHERE id = :id", named_params! {":id": id})? == 1)
}

/// The seller's text for a template; `None` when they kept the built-in one.
pub fn template(conn: &Connection, name: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT body FROM message_templates WHERE name = :n")?
        .query_row(named_params! {":n": name}, |r| r.get(0))
        .optional()
}

/// Every template the seller wrote: (name, body).
pub fn templates(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    conn.prepare_cached("SELECT name, body FROM message_templates ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect()
}

/// Stores the seller's text for a template, or (with `None`) goes back to the built-in one.
pub fn save_template(conn: &Connection, name: &str, body: Option<&str>, now: &str) -> rusqlite::Result<()> {
    match body {
        Some(b) => conn.execute(
            "INSERT INTO message_templates (name, body, updated_at) VALUES (:n, :b, :now)
             ON CONFLICT (name) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            named_params! {":n": name, ":b": b, ":now": now},
        )?,
        None => conn.execute("DELETE FROM message_templates WHERE name = :n", named_params! {":n": name})?,
    };
    Ok(())
}

/// The order rules the owner set (NULL columns: the config's value).
pub fn rules(conn: &Connection) -> rusqlite::Result<OrderRules> {
    conn.prepare_cached(
        "SELECT draft_minutes, pending_minutes, link_days, duplicate_minutes, placements_per_hour, paid_confirms
         FROM checkout_settings WHERE id = 1",
    )?
    .query_row([], |r| {
        Ok(OrderRules {
            draft_minutes: r.get(0)?,
            pending_minutes: r.get(1)?,
            link_days: r.get(2)?,
            duplicate_minutes: r.get(3)?,
            placements_per_hour: r.get(4)?,
            paid_confirms: r.get(5)?,
        })
    })
}

pub fn set_rules(conn: &Connection, r: &OrderRules, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE checkout_settings SET draft_minutes = :d, pending_minutes = :p, link_days = :l, duplicate_minutes = :dup,
           placements_per_hour = :pph, paid_confirms = :pc, updated_at = :now WHERE id = 1",
    )?
    .execute(named_params! {":d": r.draft_minutes, ":p": r.pending_minutes, ":l": r.link_days,
        ":dup": r.duplicate_minutes, ":pph": r.placements_per_hour, ":pc": r.paid_confirms, ":now": now})?;
    Ok(())
}

/// Sets an order line's quantity (and its total at the line's kept unit price) and the units it holds.
pub fn set_line(conn: &Connection, line_id: i64, quantity: i64, reserved: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE order_lines SET quantity = :q, line_total = unit_price * :q, reserved = :r WHERE id = :l",
    )?
    .execute(named_params! {":l": line_id, ":q": quantity, ":r": reserved})?;
    Ok(())
}

pub fn delete_line(conn: &Connection, line_id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM order_lines WHERE id = :l")?.execute(named_params! {":l": line_id})?;
    Ok(())
}

/// Sets an order's money and its lines' key after an edit.
pub fn set_totals(
    conn: &Connection,
    order_id: i64,
    t: &crate::domain::orders::Totals,
    lines_key: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE orders SET subtotal = :s, discount = :d, delivery_fee = :f, total = :t, lines_key = :k, updated_at = :now
         WHERE id = :o",
    )?
    .execute(named_params! {":o": order_id, ":s": t.subtotal, ":d": t.discount, ":f": t.delivery_fee,
        ":t": t.total, ":k": lines_key, ":now": now})?;
    Ok(())
}

/// Sets the customer's details on an order.
pub fn set_customer(
    conn: &Connection,
    order_id: i64,
    c: &crate::domain::order_edit::CustomerEdit,
    now: &str,
) -> rusqlite::Result<()> {
    let a = &c.address;
    conn.prepare_cached(
        "UPDATE orders SET customer_name = :n, customer_phone = :p, customer_email = :e, address_line1 = :l1,
           address_line2 = :l2, city = :city, region = :region, postal_code = :pc, country = :country,
           updated_at = :now WHERE id = :o",
    )?
    .execute(named_params! {":o": order_id, ":n": c.name, ":p": c.phone, ":e": c.email, ":l1": a.line1,
    ":l2": a.line2, ":city": a.city, ":region": a.region, ":pc": a.postal_code, ":country": a.country,
    ":now": now})?;
    Ok(())
}

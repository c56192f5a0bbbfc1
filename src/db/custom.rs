//! Custom-order requests: the request, its reference photos, its history, its magic links.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use super::text::Text;
use crate::domain::custom::{CustomEvent, CustomRequest, CustomStatus, NewRequest, Quote};

const COLUMNS: &str = "r.id, r.code, r.status, r.description, r.quantity, r.budget, r.currency, r.customer_name,
    r.customer_phone, r.customer_email, r.unit_price, r.quoted_quantity, r.delivery_fee, r.delivery_time,
    r.quote_notes, r.no_cancel, r.quoted_at, r.quoted_by, r.expires_at, r.reason,
    (SELECT o.code FROM orders o WHERE o.id = r.order_id), r.erased_at IS NOT NULL, r.created_at, r.asked_again_id";

fn from_row(r: &Row<'_>) -> rusqlite::Result<CustomRequest> {
    let unit_price: Option<i64> = r.get(10)?;
    let quote = match (unit_price, r.get::<_, Option<i64>>(11)?) {
        (Some(unit_price), Some(quantity)) => Some(Quote {
            unit_price,
            quantity,
            delivery_fee: r.get(12)?,
            delivery_time: r.get(13)?,
            notes: r.get(14)?,
            valid_days: 0,
            no_cancel: r.get(15)?,
        }),
        _ => None,
    };
    Ok(CustomRequest {
        id: r.get(0)?,
        code: r.get(1)?,
        status: r.get::<_, Text<CustomStatus>>(2)?.0,
        description: r.get(3)?,
        quantity: r.get(4)?,
        budget: r.get(5)?,
        currency: r.get(6)?,
        customer_name: r.get(7)?,
        customer_phone: r.get(8)?,
        customer_email: r.get(9)?,
        quote,
        quoted_at: r.get(16)?,
        quoted_by: r.get(17)?,
        expires_at: r.get(18)?,
        reason: r.get(19)?,
        order_code: r.get(20)?,
        photos: Vec::new(),
        erased: r.get(21)?,
        created_at: r.get(22)?,
        asked_again_id: r.get(23)?,
    })
}

fn with_photos(conn: &Connection, r: Option<CustomRequest>) -> rusqlite::Result<Option<CustomRequest>> {
    let Some(mut r) = r else { return Ok(None) };
    r.photos = conn
        .prepare_cached("SELECT id FROM custom_request_photos WHERE request_id = :r ORDER BY position, id")?
        .query_map(named_params! {":r": r.id}, |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(Some(r))
}

pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<CustomRequest>> {
    let r = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM custom_requests r WHERE r.id = :id"))?
        .query_row(named_params! {":id": id}, from_row)
        .optional()?;
    with_photos(conn, r)
}

pub fn by_code(conn: &Connection, code: &str) -> rusqlite::Result<Option<CustomRequest>> {
    let r = conn
        .prepare_cached(&format!("SELECT {COLUMNS} FROM custom_requests r WHERE r.code = :code"))?
        .query_row(named_params! {":code": code.trim()}, from_row)
        .optional()?;
    with_photos(conn, r)
}

/// The request `code` when `hash` is one of its links still valid at `now`; `None` otherwise
/// (an erased request has no links).
pub fn by_link(conn: &Connection, code: &str, hash: &[u8], now: &str) -> rusqlite::Result<Option<CustomRequest>> {
    let r = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM custom_requests r JOIN custom_request_tokens t ON t.request_id = r.id
             WHERE r.code = :code AND t.token_hash = :h AND t.expires_at > :now AND r.erased_at IS NULL"
        ))?
        .query_row(named_params! {":code": code.trim(), ":h": hash, ":now": now}, from_row)
        .optional()?;
    with_photos(conn, r)
}

/// The requests in `status` (every one when `None`), newest first for closed ones and oldest
/// first for those waiting, at most `limit`.
pub fn list(conn: &Connection, status: Option<CustomStatus>, limit: i64) -> rusqlite::Result<Vec<CustomRequest>> {
    let order = if status.is_some_and(CustomStatus::is_open) { "r.created_at, r.id" } else { "r.id DESC" };
    let found: Vec<CustomRequest> = conn
        .prepare(&format!(
            "SELECT {COLUMNS} FROM custom_requests r WHERE (:s IS NULL OR r.status = :s) ORDER BY {order} LIMIT :limit"
        ))?
        .query_map(named_params! {":s": status.map(CustomStatus::as_str), ":limit": limit}, from_row)?
        .collect::<Result<_, _>>()?;
    let mut out = Vec::with_capacity(found.len());
    for r in found {
        out.extend(with_photos(conn, Some(r))?);
    }
    Ok(out)
}

/// How many requests are in each status.
pub fn counts(conn: &Connection) -> rusqlite::Result<Vec<(CustomStatus, i64)>> {
    conn.prepare_cached("SELECT status, count(*) FROM custom_requests GROUP BY status")?
        .query_map([], |r| Ok((r.get::<_, Text<CustomStatus>>(0)?.0, r.get(1)?)))?
        .collect()
}

pub fn next_number(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(number) + 1, :first) FROM custom_requests",
        named_params! {":first": crate::domain::custom::FIRST_NUMBER},
        |r| r.get(0),
    )
}

/// Stores a new request; returns its id.
pub fn insert(
    conn: &Connection,
    r: &NewRequest,
    (number, code): (i64, &str),
    currency: &str,
    ip: &str,
    expires: &str,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO custom_requests (number, code, description, quantity, budget, currency, customer_name,
           customer_phone, customer_email, expires_at, placed_ip, created_at, updated_at)
         VALUES (:n, :code, :d, :q, :b, :cur, :name, :phone, :email, :exp, :ip, :now, :now)",
    )?
    .execute(
        named_params! {":n": number, ":code": code, ":d": r.description, ":q": r.quantity, ":b": r.budget,
        ":cur": currency, ":name": r.name, ":phone": r.phone, ":email": r.email, ":exp": expires, ":ip": ip,
        ":now": now},
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_photo(
    conn: &Connection,
    request_id: i64,
    position: usize,
    (width, height): (u32, u32),
    large: &[u8],
    small: &[u8],
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO custom_request_photos (request_id, position, width, height, large, small)
         VALUES (:r, :p, :w, :h, :large, :small)",
    )?
    .execute(named_params! {":r": request_id, ":p": position as i64, ":w": width, ":h": height,
    ":large": large, ":small": small})?;
    Ok(())
}

/// Copies one request's photos to another (a request asked again).
pub fn copy_photos(conn: &Connection, from: i64, to: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "INSERT INTO custom_request_photos (request_id, position, width, height, large, small)
         SELECT :to, position, width, height, large, small FROM custom_request_photos WHERE request_id = :from",
        named_params! {":from": from, ":to": to},
    )
}

/// A photo's WebP bytes, large or small; `None` when the request has no such photo.
pub fn photo(conn: &Connection, request_id: i64, photo_id: i64, large: bool) -> rusqlite::Result<Option<Vec<u8>>> {
    let column = if large { "large" } else { "small" };
    conn.prepare_cached(&format!("SELECT {column} FROM custom_request_photos WHERE id = :id AND request_id = :r"))?
        .query_row(named_params! {":id": photo_id, ":r": request_id}, |r| r.get(0))
        .optional()
}

pub fn insert_token(conn: &Connection, request_id: i64, hash: &[u8], now: &str, expires: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO custom_request_tokens (request_id, token_hash, created_at, expires_at) VALUES (:r, :h, :now, :exp)",
    )?
    .execute(named_params! {":r": request_id, ":h": hash, ":now": now, ":exp": expires})?;
    Ok(())
}

pub fn add_event(
    conn: &Connection,
    request_id: i64,
    status: CustomStatus,
    note: &str,
    actor: &str,
    at: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO custom_request_events (request_id, status, note, actor, at) VALUES (:r, :s, :note, :actor, :at)",
    )?
    .execute(named_params! {":r": request_id, ":s": status.as_str(), ":note": note, ":actor": actor, ":at": at})?;
    Ok(())
}

pub fn events(conn: &Connection, request_id: i64) -> rusqlite::Result<Vec<CustomEvent>> {
    conn.prepare_cached("SELECT status, note, actor, at FROM custom_request_events WHERE request_id = :r ORDER BY id")?
        .query_map(named_params! {":r": request_id}, |r| {
            Ok(CustomEvent {
                status: r.get::<_, Text<CustomStatus>>(0)?.0,
                note: r.get(1)?,
                actor: r.get(2)?,
                at: r.get(3)?,
            })
        })?
        .collect()
}

/// Records the seller's quote; the request waits for the customer until `expires`.
pub fn set_quote(conn: &Connection, id: i64, q: &Quote, by: &str, expires: &str, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE custom_requests SET status = 'quoted', unit_price = :p, quoted_quantity = :q, delivery_fee = :fee,
           delivery_time = :time, quote_notes = :notes, no_cancel = :nc, quoted_at = :now, quoted_by = :by,
           expires_at = :exp, reason = '', updated_at = :now
         WHERE id = :id",
    )?
    .execute(named_params! {":id": id, ":p": q.unit_price, ":q": q.quantity, ":fee": q.delivery_fee,
    ":time": q.delivery_time, ":notes": q.notes, ":nc": q.no_cancel, ":by": by, ":exp": expires, ":now": now})?;
    Ok(())
}

/// Moves a request to `status` with its reason (and, back to pending, a new answer-by time).
pub fn set_status(
    conn: &Connection,
    id: i64,
    status: CustomStatus,
    reason: &str,
    expires: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE custom_requests SET status = :s, reason = :reason, expires_at = coalesce(:exp, expires_at),
           updated_at = :now WHERE id = :id",
    )?
    .execute(named_params! {":id": id, ":s": status.as_str(), ":reason": reason, ":exp": expires, ":now": now})?;
    Ok(())
}

/// Notes the request a customer made of this one by asking again.
pub fn set_asked_again(conn: &Connection, id: i64, new_id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE custom_requests SET asked_again_id = :n WHERE id = :id")?
        .execute(named_params! {":id": id, ":n": new_id})?;
    Ok(())
}

pub fn set_order(conn: &Connection, id: i64, order_id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE custom_requests SET order_id = :o WHERE id = :id")?
        .execute(named_params! {":id": id, ":o": order_id})?;
    Ok(())
}

/// Open requests whose time to be answered ran out by `now`.
pub fn due_to_expire(conn: &Connection, now: &str) -> rusqlite::Result<Vec<i64>> {
    conn.prepare_cached(
        "SELECT id FROM custom_requests WHERE status IN ('pending', 'quoted') AND expires_at <= :now ORDER BY id",
    )?
    .query_map(named_params! {":now": now}, |r| r.get(0))?
    .collect()
}

/// Forgets links that expired before `before`.
pub fn purge_tokens(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM custom_request_tokens WHERE expires_at < :b", named_params! {":b": before})
}

/// The one line of an order made from a quote: no variant, no stock, the request's code as SKU.
pub fn insert_order_line(
    conn: &Connection,
    order_id: i64,
    code: &str,
    title: &str,
    q: &Quote,
    subtotal: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO order_lines (order_id, variant_id, product_slug, sku, title, options, unit_price, quantity,
                                  line_total, image_id, reserved)
         VALUES (:o, NULL, '', :sku, :title, '', :price, :qty, :total, NULL, 0)",
    )?
    .execute(named_params! {":o": order_id, ":sku": code, ":title": title, ":price": q.unit_price,
    ":qty": q.quantity, ":total": subtotal})?;
    Ok(())
}

/// Marks an order as made from a quote (and whether it can be cancelled by asking once confirmed).
pub fn mark_order(conn: &Connection, order_id: i64, no_cancel: bool) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE orders SET kind = 'custom', no_cancel = :nc WHERE id = :o")?
        .execute(named_params! {":o": order_id, ":nc": no_cancel})?;
    Ok(())
}

//! Orders, their lines, timeline and magic-link tokens, idempotency keys, and stock reservations.

use rusqlite::{Connection, OptionalExtension, Row, named_params};
use sha2::Digest;

use super::text::Text;
use crate::domain::orders::{Event, Line, LinkScope, Order, PaymentStatus, Status};

const ORDER_COLUMNS: &str = "id, code, status, payment_status, currency, subtotal, delivery_fee, discount, total,
    customer_name, customer_phone, customer_email, delivery_code, delivery_name, delivery_details,
    address_line1, address_line2, city, region, postal_code, country, payment_code, payment_kind, payment_name,
    payment_instructions, payment_account, payment_network, discount_code, note, cancel_reason, expires_at, created_at,
    paid, stock_committed, courier, tracking_number, tracking_url, failed_reason, confirmed_at, shipped_at, delivered_at,
    channel, customer_id, kind = 'custom', no_cancel";

fn order_from_row(r: &Row<'_>) -> rusqlite::Result<Order> {
    Ok(Order {
        id: r.get(0)?,
        code: r.get(1)?,
        status: r.get::<_, Text<Status>>(2)?.0,
        payment_status: r.get::<_, Text<PaymentStatus>>(3)?.0,
        currency: r.get(4)?,
        subtotal: r.get(5)?,
        delivery_fee: r.get(6)?,
        discount: r.get(7)?,
        total: r.get(8)?,
        customer_name: r.get(9)?,
        customer_phone: r.get(10)?,
        customer_email: r.get(11)?,
        delivery_code: r.get(12)?,
        delivery_name: r.get(13)?,
        delivery_details: r.get(14)?,
        address: crate::domain::checkout::Address {
            line1: r.get(15)?,
            line2: r.get(16)?,
            city: r.get(17)?,
            region: r.get(18)?,
            postal_code: r.get(19)?,
            country: r.get(20)?,
        },
        payment_code: r.get(21)?,
        payment_kind: r.get(22)?,
        payment_name: r.get(23)?,
        payment_instructions: r.get(24)?,
        payment_account: r.get(25)?,
        payment_network: r.get(26)?,
        discount_code: r.get(27)?,
        note: r.get(28)?,
        cancel_reason: r.get(29)?,
        expires_at: r.get(30)?,
        created_at: r.get(31)?,
        paid: r.get(32)?,
        stock_committed: r.get(33)?,
        courier: r.get(34)?,
        tracking_number: r.get(35)?,
        tracking_url: r.get(36)?,
        failed_reason: r.get(37)?,
        confirmed_at: r.get(38)?,
        shipped_at: r.get(39)?,
        delivered_at: r.get(40)?,
        channel: r.get(41)?,
        customer_id: r.get(42)?,
        custom: r.get(43)?,
        no_cancel: r.get(44)?,
    })
}

/// The order with this id; `None` when there is none.
pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<Order>> {
    conn.prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = :id"))?
        .query_row(named_params! {":id": id}, order_from_row)
        .optional()
}

/// The order with this code, in any case; `None` when there is none.
pub fn by_code(conn: &Connection, code: &str) -> rusqlite::Result<Option<Order>> {
    conn.prepare_cached(&format!("SELECT {ORDER_COLUMNS} FROM orders WHERE code = :code"))?
        .query_row(named_params! {":code": code.trim()}, order_from_row)
        .optional()
}

pub fn lines(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<Line>> {
    conn.prepare_cached(
        "SELECT variant_id, product_slug, sku, title, options, unit_price, quantity, line_total,
                (SELECT i.id FROM images i WHERE i.id = l.image_id), reserved, id, committed, restocked
         FROM order_lines l WHERE order_id = :o ORDER BY id",
    )?
    .query_map(named_params! {":o": order_id}, |r| {
        Ok(Line {
            variant_id: r.get(0)?,
            product_slug: r.get(1)?,
            sku: r.get(2)?,
            title: r.get(3)?,
            options: r.get(4)?,
            unit_price: r.get(5)?,
            quantity: r.get(6)?,
            line_total: r.get(7)?,
            image_id: r.get(8)?,
            reserved: r.get(9)?,
            id: r.get(10)?,
            committed: r.get(11)?,
            restocked: r.get(12)?,
        })
    })?
    .collect()
}

/// The status steps of an order's timeline, as its customer sees them (the seller's notes,
/// messages and payments are not among them).
pub fn events(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<Event>> {
    conn.prepare_cached(
        "SELECT status, note, at FROM order_events WHERE order_id = :o AND kind = 'status' ORDER BY id",
    )?
    .query_map(named_params! {":o": order_id}, |r| {
        Ok(Event { status: r.get::<_, Text<Status>>(0)?.0, note: r.get(1)?, at: r.get(2)? })
    })?
    .collect()
}

/// The next order number.
pub fn next_number(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT coalesce(max(number) + 1, :first) FROM orders",
        named_params! {":first": crate::domain::orders::FIRST_NUMBER},
        |r| r.get(0),
    )
}

/// An order's row as placement writes it.
pub struct NewOrder<'a> {
    pub number: i64,
    pub code: &'a str,
    pub status: Status,
    pub channel: &'a str,
    pub currency: &'a str,
    pub totals: crate::domain::orders::Totals,
    pub customer: &'a crate::domain::checkout::Customer,
    pub delivery: &'a crate::domain::checkout::DeliveryMethod,
    pub payment: &'a crate::domain::checkout::PaymentMethod,
    pub lines_key: &'a str,
    pub ip: &'a str,
    pub expires_at: Option<&'a str>,
    pub now: &'a str,
}

/// Inserts an order; returns its id.
pub fn insert(conn: &Connection, o: &NewOrder) -> rusqlite::Result<i64> {
    let c = o.customer;
    conn.prepare_cached(
        "INSERT INTO orders (number, code, status, channel, currency, subtotal, delivery_fee, discount, total,
           customer_name, customer_phone, customer_email, delivery_code, delivery_name, delivery_details,
           address_line1, address_line2, city, region, postal_code, country,
           payment_code, payment_kind, payment_name, payment_instructions, payment_account, payment_network,
           discount_code, note, lines_key, placed_ip, expires_at, created_at, updated_at)
         VALUES (:number, :code, :status, :channel, :currency, :subtotal, :fee, :discount, :total,
           :name, :phone, :email, :dcode, :dname, :ddetails, :l1, :l2, :city, :region, :postal, :country,
           :pcode, :pkind, :pname, :pinstr, :paccount, :pnetwork, :discount_code, :note, :key, :ip, :expires, :now, :now)",
    )?
    .execute(named_params! {
        ":number": o.number, ":code": o.code, ":status": o.status.as_str(), ":channel": o.channel, ":currency": o.currency,
        ":subtotal": o.totals.subtotal, ":fee": o.totals.delivery_fee, ":discount": o.totals.discount,
        ":total": o.totals.total, ":name": c.name, ":phone": c.phone, ":email": c.email,
        ":dcode": o.delivery.code, ":dname": o.delivery.name, ":ddetails": o.delivery.details,
        ":l1": c.address.line1, ":l2": c.address.line2, ":city": c.address.city, ":region": c.address.region,
        ":postal": c.address.postal_code, ":country": c.address.country,
        ":pcode": o.payment.code, ":pkind": o.payment.kind.as_str(), ":pname": o.payment.name,
        ":pinstr": o.payment.instructions, ":paccount": o.payment.account, ":pnetwork": o.payment.network,
        ":discount_code": c.discount_code.as_ref().filter(|_| o.totals.discount > 0), ":note": c.note,
        ":key": o.lines_key, ":ip": o.ip, ":expires": o.expires_at, ":now": o.now,
    })?;
    Ok(conn.last_insert_rowid())
}

pub fn insert_line(
    conn: &Connection,
    order_id: i64,
    offer: &crate::domain::cart::Offer,
    qty: i64,
    reserved: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO order_lines (order_id, variant_id, product_slug, sku, title, options, unit_price, quantity,
                                  line_total, image_id, reserved)
         VALUES (:o, :v, :slug, :sku, :title, :options, :price, :qty, :total, :image, :reserved)",
    )?
    .execute(
        named_params! {":o": order_id, ":v": offer.variant_id, ":slug": offer.product_slug, ":sku": offer.sku,
        ":title": offer.title, ":options": offer.options, ":price": offer.price, ":qty": qty,
        ":total": offer.price * qty, ":image": offer.image_id, ":reserved": reserved},
    )?;
    Ok(())
}

/// Holds `qty` units of a variant for an order. Without backorders it holds only what is
/// available and returns false when that is not enough; stock that is not tracked is not held.
pub fn reserve(conn: &Connection, variant_id: i64, qty: i64) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE variants SET reserved = reserved + :q
         WHERE id = :v AND track_stock = 1 AND (allow_backorder = 1 OR on_hand - reserved >= :q)",
        )?
        .execute(named_params! {":v": variant_id, ":q": qty})?;
    Ok(n == 1)
}

pub fn add_event(
    conn: &Connection,
    order_id: i64,
    status: Status,
    note: &str,
    actor: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO order_events (order_id, status, note, actor, at) VALUES (:o, :s, :n, :a, :now)")?
        .execute(named_params! {":o": order_id, ":s": status.as_str(), ":n": note, ":a": actor, ":now": now})?;
    Ok(())
}

pub fn insert_token(
    conn: &Connection,
    order_id: i64,
    hash: &[u8],
    scope: LinkScope,
    now: &str,
    expires: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO order_tokens (order_id, token_hash, scope, created_at, expires_at) VALUES (:o, :h, :s, :now, :exp)",
    )?
    .execute(named_params! {":o": order_id, ":h": hash, ":s": scope.as_str(), ":now": now, ":exp": expires})?;
    Ok(())
}

/// The scope of a live token of the order with this code; `None` when the token is wrong, expired,
/// revoked or another order's (the caller cannot tell which).
pub fn token_scope(
    conn: &Connection,
    code: &str,
    hash: &[u8],
    now: &str,
) -> rusqlite::Result<Option<(i64, LinkScope)>> {
    conn.prepare_cached(
        "SELECT o.id, t.scope FROM order_tokens t JOIN orders o ON o.id = t.order_id
         WHERE t.token_hash = :h AND o.code = :code AND t.revoked_at IS NULL AND t.expires_at > :now",
    )?
    .query_row(named_params! {":h": hash, ":code": code.trim(), ":now": now}, |r| {
        Ok((r.get(0)?, r.get::<_, Text<LinkScope>>(1)?.0))
    })
    .optional()
}

/// Revokes every live token of an order but the one with `keep` (its hash); returns how many.
pub fn revoke_tokens(conn: &Connection, order_id: i64, keep: Option<&[u8]>, now: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE order_tokens SET revoked_at = :now WHERE order_id = :o AND revoked_at IS NULL
           AND token_hash IS NOT :keep",
        named_params! {":o": order_id, ":now": now, ":keep": keep},
    )
}

/// Issues a token of `scope` for an order; returns it (shown once, stored hashed).
pub fn new_token(
    conn: &Connection,
    order_id: i64,
    scope: LinkScope,
    now: &str,
    expires: &str,
) -> rusqlite::Result<String> {
    let (token, hash) = crate::domain::tokens::new_token();
    insert_token(conn, order_id, &hash, scope, now, expires)?;
    Ok(token)
}

/// One-time keys are kept as SHA-256 (hex), never as sent: an order link is derived from the key.
fn stored_key(key: &str) -> String {
    hex::encode(sha2::Sha256::digest(key.as_bytes()))
}

/// The same customer's order of the same lines placed since `since` and not cancelled; `None` when there is none.
pub fn recent_duplicate(conn: &Connection, phone: &str, lines_key: &str, since: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(
        "SELECT id FROM orders WHERE customer_phone = :phone AND lines_key = :key AND created_at >= :since
           AND status != 'cancelled' ORDER BY id DESC LIMIT 1",
    )?
    .query_row(named_params! {":phone": phone, ":key": lines_key, ":since": since}, |r| r.get(0))
    .optional()
}

/// Orders placed from this address since `since`, counted up to `limit` (so the cost stays small
/// however many there are), and when the oldest of them was placed.
pub fn placed_from(conn: &Connection, ip: &str, since: &str, limit: i64) -> rusqlite::Result<(i64, Option<String>)> {
    conn.prepare_cached(
        "SELECT count(*), min(created_at) FROM (SELECT created_at FROM orders
           WHERE placed_ip = :ip AND created_at >= :since ORDER BY created_at LIMIT :limit)",
    )?
    .query_row(named_params! {":ip": ip, ":since": since, ":limit": limit}, |r| Ok((r.get(0)?, r.get(1)?)))
}

/// A stored idempotency key: the request it came with, its order, and the cart that placed it.
#[derive(Debug, Clone)]
pub struct StoredKey {
    pub request_hash: Vec<u8>,
    pub order_id: i64,
    pub cart_id: Option<i64>,
}

/// The stored key (looked up by its hash); `None` when it was never used.
pub fn idempotency(conn: &Connection, scope: &str, key: &str) -> rusqlite::Result<Option<StoredKey>> {
    conn.prepare_cached("SELECT request_hash, order_id, cart_id FROM idempotency_keys WHERE scope = :s AND key = :k")?
        .query_row(named_params! {":s": scope, ":k": stored_key(key)}, |r| {
            Ok(StoredKey { request_hash: r.get(0)?, order_id: r.get(1)?, cart_id: r.get(2)? })
        })
        .optional()
}

pub fn insert_idempotency(
    conn: &Connection,
    scope: &str,
    key: &str,
    request_hash: &[u8],
    order_id: i64,
    cart_id: Option<i64>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO idempotency_keys (scope, key, request_hash, order_id, cart_id, created_at)
         VALUES (:s, :k, :h, :o, :c, :now)",
    )?
    .execute(named_params! {":s": scope, ":k": stored_key(key), ":h": request_hash, ":o": order_id, ":c": cart_id, ":now": now})?;
    Ok(())
}

pub fn insert_redemption(
    conn: &Connection,
    discount_id: i64,
    order_id: i64,
    phone: &str,
    amount: i64,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO discount_redemptions (discount_id, order_id, customer_phone, amount, at) VALUES (:d, :o, :p, :a, :now)",
        named_params! {":d": discount_id, ":o": order_id, ":p": phone, ":a": amount, ":now": now},
    )?;
    Ok(())
}

/// Gives back the units an unconfirmed order holds; returns the products whose stock changed.
pub fn release(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<i64>> {
    let mut products: Vec<i64> = conn
        .prepare_cached(
            "SELECT v.product_id FROM order_lines l JOIN variants v ON v.id = l.variant_id
             WHERE l.order_id = :o AND l.reserved > 0",
        )?
        .query_map(named_params! {":o": order_id}, |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    conn.prepare_cached(
        "UPDATE variants SET reserved = max(0, reserved - (SELECT sum(l.reserved) FROM order_lines l
           WHERE l.order_id = :o AND l.variant_id = variants.id))
         WHERE id IN (SELECT variant_id FROM order_lines WHERE order_id = :o AND reserved > 0)",
    )?
    .execute(named_params! {":o": order_id})?;
    conn.prepare_cached("UPDATE order_lines SET reserved = 0 WHERE order_id = :o")?
        .execute(named_params! {":o": order_id})?;
    products.sort_unstable();
    products.dedup();
    Ok(products)
}

/// Sets an order's status (and the reason, for a cancellation).
pub fn set_status(
    conn: &Connection,
    order_id: i64,
    status: Status,
    reason: Option<&str>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE orders SET status = :s, cancel_reason = coalesce(:r, cancel_reason), updated_at = :now WHERE id = :o",
    )?
    .execute(named_params! {":o": order_id, ":s": status.as_str(), ":r": reason, ":now": now})?;
    Ok(())
}

/// Variants whose `reserved` differs from what unconfirmed orders hold, or that hold more than is on
/// hand without allowing backorders: (SKU, reserved, held by orders, on hand). Empty when all agree.
pub fn reservation_mismatches(conn: &Connection) -> rusqlite::Result<Vec<(String, i64, i64, i64)>> {
    conn.prepare(
        "SELECT sku, reserved, held, on_hand FROM (
           SELECT v.sku, v.reserved, v.on_hand, v.allow_backorder, v.track_stock,
             coalesce((SELECT sum(l.reserved) FROM order_lines l JOIN orders o ON o.id = l.order_id
                       WHERE l.variant_id = v.id AND o.status IN ('draft', 'pending', 'awaiting_payment')), 0) AS held
           FROM variants v)
         WHERE reserved != held OR (track_stock = 1 AND allow_backorder = 0 AND reserved > on_hand)",
    )?
    .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
    .collect()
}

/// Removes one-time keys older than `keys_before` (a retry comes within minutes, not days) and
/// magic links that have expired or were turned off; returns (keys, links) removed.
pub fn purge(conn: &Connection, keys_before: &str, now: &str) -> rusqlite::Result<(usize, usize)> {
    let keys = conn.execute("DELETE FROM idempotency_keys WHERE created_at < :b", named_params! {":b": keys_before})?
        + conn.execute("DELETE FROM api_replies WHERE created_at < :b", named_params! {":b": keys_before})?;
    let links = conn.execute(
        "DELETE FROM order_tokens WHERE expires_at <= :now OR revoked_at IS NOT NULL",
        named_params! {":now": now},
    )?;
    Ok((keys, links))
}

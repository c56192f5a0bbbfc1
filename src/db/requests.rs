//! Order self-service: customers' requests and the seller's answers, ratings, the policy, and the
//! rate counters of "Lost your link?".

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use crate::domain::catalog::{Review, Reviews};
use crate::domain::checkout::Address;
use crate::domain::requests::{Ask, Policy, Rating, RatingRow, Request, RequestStatus};

fn from_row(r: &Row<'_>) -> rusqlite::Result<Request> {
    let address: String = r.get("address")?;
    Ok(Request {
        id: r.get("id")?,
        order_id: r.get("order_id")?,
        code: r.get("code")?,
        customer: r.get("customer_name")?,
        kind: Ask::parse(&r.get::<_, String>("kind")?).unwrap_or(Ask::Cancel),
        status: RequestStatus::parse(&r.get::<_, String>("status")?).unwrap_or(RequestStatus::Open),
        message: r.get("message")?,
        address: serde_json::from_str(&address).ok(),
        answer: r.get("answer")?,
        answered_by: r.get("answered_by")?,
        created_at: r.get("created_at")?,
        answered_at: r.get("answered_at")?,
    })
}

const SELECT: &str = "SELECT q.id, q.order_id, o.code, o.customer_name, q.kind, q.status, q.message, q.address,
    q.answer, q.answered_by, q.created_at, q.answered_at FROM order_requests q JOIN orders o ON o.id = q.order_id";

/// Records a request; `None` when one of this kind is already waiting for this order.
pub fn insert(
    conn: &Connection,
    order_id: i64,
    kind: Ask,
    message: &str,
    address: Option<&Address>,
    now: &str,
) -> rusqlite::Result<Option<i64>> {
    let address = address.map(|a| serde_json::to_string(a).unwrap_or_default()).unwrap_or_default();
    let n = conn.execute(
        "INSERT INTO order_requests (order_id, kind, message, address, created_at) VALUES (:o, :k, :m, :a, :now)
         ON CONFLICT DO NOTHING",
        named_params! {":o": order_id, ":k": kind.as_str(), ":m": message, ":a": address, ":now": now},
    )?;
    Ok((n == 1).then(|| conn.last_insert_rowid()))
}

pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<Request>> {
    conn.query_row(&format!("{SELECT} WHERE q.id = :id"), named_params! {":id": id}, from_row).optional()
}

/// An order's requests, newest first.
pub fn for_order(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<Request>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE q.order_id = :o ORDER BY q.id DESC"))?;
    let rows = stmt.query_map(named_params! {":o": order_id}, from_row)?;
    rows.collect()
}

/// Requests waiting for the seller, oldest first.
pub fn open(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<Request>> {
    let mut stmt = conn.prepare_cached(&format!("{SELECT} WHERE q.status = 'open' ORDER BY q.id LIMIT :l"))?;
    let rows = stmt.query_map(named_params! {":l": limit}, from_row)?;
    rows.collect()
}

pub fn open_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM order_requests WHERE status = 'open'", [], |r| r.get(0))
}

/// Answers an open request; false when it was answered already.
pub fn answer(
    conn: &Connection,
    id: i64,
    status: RequestStatus,
    answer: &str,
    by: &str,
    now: &str,
) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE order_requests SET status = :s, answer = :a, answered_by = :by, answered_at = :now
         WHERE id = :id AND status = 'open'",
        named_params! {":s": status.as_str(), ":a": answer, ":by": by, ":now": now, ":id": id},
    )?;
    Ok(n == 1)
}

/// Declines every open request of an order (it was cancelled or moved on); returns how many.
pub fn close_open(conn: &Connection, order_id: i64, answer: &str, now: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE order_requests SET status = 'declined', answer = :a, answered_by = 'Souk', answered_at = :now
         WHERE order_id = :o AND status = 'open'",
        named_params! {":a": answer, ":now": now, ":o": order_id},
    )
}

pub fn rating(conn: &Connection, order_id: i64) -> rusqlite::Result<Option<Rating>> {
    conn.prepare_cached("SELECT stars, comment, created_at, published_at FROM order_ratings WHERE order_id = :o")?
        .query_row(named_params! {":o": order_id}, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()
}

/// Records a rating; false when the order was rated already.
pub fn rate(conn: &Connection, order_id: i64, stars: u8, comment: &str, now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT INTO order_ratings (order_id, stars, comment, created_at) VALUES (:o, :s, :c, :now) ON CONFLICT DO NOTHING",
        named_params! {":o": order_id, ":s": stars, ":c": comment, ":now": now},
    )?;
    Ok(n == 1)
}

pub fn policy(conn: &Connection) -> rusqlite::Result<Policy> {
    conn.query_row("SELECT cancel_requests, return_days FROM self_service WHERE id = 1", [], |r| {
        Ok(Policy { cancel_requests: r.get(0)?, return_days: r.get(1)? })
    })
}

pub fn save_policy(conn: &Connection, p: &Policy) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE self_service SET cancel_requests = :c, return_days = :r WHERE id = 1",
        named_params! {":c": p.cancel_requests, ":r": p.return_days},
    )?;
    Ok(())
}

/// Counts one event under each key and returns how many each key had since `since` (this one included).
pub fn count_event(conn: &Connection, keys: &[&str], since: &str, now: &str) -> rusqlite::Result<Vec<i64>> {
    let mut out = Vec::new();
    for key in keys {
        conn.prepare_cached("INSERT INTO rate_events (key, at) VALUES (:k, :now)")?
            .execute(named_params! {":k": key, ":now": now})?;
        out.push(
            conn.prepare_cached("SELECT count(*) FROM rate_events WHERE key = :k AND at >= :since")?
                .query_row(named_params! {":k": key, ":since": since}, |r| r.get(0))?,
        );
    }
    Ok(out)
}

/// Forgets rate events older than `before`.
pub fn purge_rate_events(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM rate_events WHERE at < :b", named_params! {":b": before})
}

/// The ratings of orders that held this product (by its variants, or its slug when a variant is
/// gone): their count and star sum, and the newest `limit` published comments.
pub fn product_reviews(conn: &Connection, product_id: i64, slug: &str, limit: i64) -> rusqlite::Result<Reviews> {
    const OF_PRODUCT: &str = "EXISTS (SELECT 1 FROM order_lines l LEFT JOIN variants v ON v.id = l.variant_id
        WHERE l.order_id = r.order_id AND (v.product_id = :p OR l.product_slug = :slug))";
    let (count, stars) = conn
        .prepare_cached(&format!("SELECT count(*), coalesce(sum(r.stars), 0) FROM order_ratings r WHERE {OF_PRODUCT}"))?
        .query_row(named_params! {":p": product_id, ":slug": slug}, |r| Ok((r.get(0)?, r.get(1)?)))?;
    let shown = conn
        .prepare_cached(&format!(
            "SELECT o.customer_name, r.stars, r.comment, r.created_at FROM order_ratings r JOIN orders o ON o.id = r.order_id
             WHERE r.published_at IS NOT NULL AND r.comment != '' AND {OF_PRODUCT} ORDER BY r.created_at DESC LIMIT :l"
        ))?
        .query_map(named_params! {":p": product_id, ":slug": slug, ":l": limit}, |r| {
            let name: String = r.get(0)?;
            Ok(Review {
                first_name: name.split_whitespace().next().unwrap_or("").to_string(),
                stars: r.get(1)?,
                comment: r.get(2)?,
                at: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Reviews { count, stars, shown })
}

/// Every rating, newest first.
pub fn ratings(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<RatingRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.code, o.customer_name, r.stars, r.comment, r.created_at, r.published_at,
           (SELECT group_concat(title, ', ') FROM order_lines WHERE order_id = o.id)
         FROM order_ratings r JOIN orders o ON o.id = r.order_id ORDER BY r.created_at DESC LIMIT :l",
    )?;
    let rows = stmt.query_map(named_params! {":l": limit}, |r| {
        Ok(RatingRow {
            code: r.get(0)?,
            customer: r.get(1)?,
            stars: r.get(2)?,
            comment: r.get(3)?,
            created_at: r.get(4)?,
            published_at: r.get(5)?,
            items: r.get::<_, Option<String>>(6)?.unwrap_or_default(),
        })
    })?;
    rows.collect()
}

/// Publishes or withdraws an order's rating comment; returns the order's id when it has a rating.
pub fn set_published(conn: &Connection, code: &str, at: Option<&str>) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "UPDATE order_ratings SET published_at = :at
         WHERE order_id = (SELECT id FROM orders WHERE code = :code COLLATE NOCASE) RETURNING order_id",
        named_params! {":at": at, ":code": code},
        |r| r.get(0),
    )
    .optional()
}

/// Events under `key` since `since`, without counting one more.
pub fn events_since(conn: &Connection, key: &str, since: &str) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM rate_events WHERE key = :k AND at >= :since")?
        .query_row(named_params! {":k": key, ":since": since}, |r| r.get(0))
}

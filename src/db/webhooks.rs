//! Webhook endpoints, and their deliveries: outbox rows on the `webhook` channel.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use super::text::Text;
use crate::domain::outbox::MessageStatus;
use crate::domain::webhooks::{Delivery, Endpoint, Event, parse_events};

fn endpoint_from_row(r: &Row<'_>) -> rusqlite::Result<Endpoint> {
    Ok(Endpoint {
        id: r.get("id")?,
        url: r.get("url")?,
        events: parse_events(&r.get::<_, String>("events")?),
        description: r.get("description")?,
        active: r.get("active")?,
        created_at: r.get("created_at")?,
        created_by: r.get("created_by")?,
    })
}

pub fn insert_endpoint(
    conn: &Connection,
    url: &str,
    events: &str,
    description: &str,
    secret: &str,
    by: &str,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO webhook_endpoints (url, events, description, secret, created_at, created_by)
         VALUES (:url, :events, :d, :secret, :now, :by)",
        named_params! {":url": url, ":events": events, ":d": description, ":secret": secret, ":now": now, ":by": by},
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn endpoints(conn: &Connection) -> rusqlite::Result<Vec<Endpoint>> {
    conn.prepare(
        "SELECT id, url, events, description, active, created_at, created_by FROM webhook_endpoints ORDER BY id",
    )?
    .query_map([], endpoint_from_row)?
    .collect()
}

pub fn endpoint(conn: &Connection, id: i64) -> rusqlite::Result<Option<Endpoint>> {
    conn.query_row(
        "SELECT id, url, events, description, active, created_at, created_by FROM webhook_endpoints WHERE id = :id",
        named_params! {":id": id},
        endpoint_from_row,
    )
    .optional()
}

pub fn set_active(conn: &Connection, id: i64, active: bool) -> rusqlite::Result<bool> {
    Ok(conn
        .execute("UPDATE webhook_endpoints SET active = :a WHERE id = :id", named_params! {":a": active, ":id": id})?
        > 0)
}

pub fn set_secret(conn: &Connection, id: i64, secret: &str) -> rusqlite::Result<bool> {
    Ok(conn
        .execute("UPDATE webhook_endpoints SET secret = :s WHERE id = :id", named_params! {":s": secret, ":id": id})?
        > 0)
}

/// Deletes an endpoint with its deliveries.
pub fn delete_endpoint(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM webhook_endpoints WHERE id = :id", named_params! {":id": id})? > 0)
}

/// Endpoints that receive `event`, paused ones too (their deliveries wait): (id, url).
pub fn subscribers(conn: &Connection, event: Event) -> rusqlite::Result<Vec<(i64, String)>> {
    conn.prepare_cached(
        "SELECT id, url FROM webhook_endpoints WHERE (' ' || events || ' ') LIKE '% ' || :e || ' %' ORDER BY id",
    )?
    .query_map(named_params! {":e": event.as_str()}, |r| Ok((r.get(0)?, r.get(1)?)))?
    .collect()
}

/// Queues one delivery; returns its id.
pub fn enqueue(
    conn: &Connection,
    endpoint_id: i64,
    url: &str,
    event: &str,
    event_id: &str,
    body: &str,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO outbox (channel, kind, to_addr, subject, body_text, body_html, status, next_attempt_at, created_at,
                             endpoint_id, event_id)
         VALUES ('webhook', :event, :url, '', :body, '', 'pending', :now, :now, :endpoint, :event_id)",
    )?
    .execute(named_params! {":event": event, ":url": url, ":body": body, ":now": now, ":endpoint": endpoint_id,
                            ":event_id": event_id})?;
    Ok(conn.last_insert_rowid())
}

const DELIVERY_COLUMNS: &str = "o.id, o.endpoint_id, o.kind, o.event_id, o.to_addr, o.body_text, o.status, o.attempts,
     o.last_error, o.response_status, o.created_at, o.sent_at, o.next_attempt_at";

fn delivery_from_row(r: &Row<'_>) -> rusqlite::Result<Delivery> {
    Ok(Delivery {
        id: r.get(0)?,
        endpoint_id: r.get(1)?,
        event: r.get(2)?,
        event_id: r.get(3)?,
        url: r.get(4)?,
        body: r.get(5)?,
        status: r.get::<_, Text<MessageStatus>>(6)?.0,
        attempts: r.get(7)?,
        last_error: r.get(8)?,
        response_status: r.get(9)?,
        created_at: r.get(10)?,
        sent_at: r.get(11)?,
        next_attempt_at: r.get(12)?,
    })
}

/// Due deliveries of active endpoints, oldest first, with each endpoint's current address and secret.
pub fn due(conn: &Connection, now: &str, limit: i64) -> rusqlite::Result<Vec<(Delivery, String)>> {
    conn.prepare_cached(&format!(
        "SELECT {DELIVERY_COLUMNS}, e.secret FROM outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
         WHERE o.channel = 'webhook' AND o.status = 'pending' AND o.next_attempt_at <= :now AND e.active
         ORDER BY o.id LIMIT :limit"
    ))?
    .query_map(named_params! {":now": now, ":limit": limit}, |r| {
        let mut d = delivery_from_row(r)?;
        d.url = r.get::<_, String>(4)?;
        Ok((d, r.get(13)?))
    })?
    .collect()
}

/// When the next pending delivery of an active endpoint is due.
pub fn next_due_at(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT min(o.next_attempt_at) FROM outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
         WHERE o.channel = 'webhook' AND o.status = 'pending' AND e.active",
        [],
        |r| r.get(0),
    )
}

/// Records the endpoint's answer on a delivery.
pub fn set_response(conn: &Connection, id: i64, status: Option<u16>) -> rusqlite::Result<()> {
    conn.execute("UPDATE outbox SET response_status = :s WHERE id = :id", named_params! {":s": status, ":id": id})?;
    Ok(())
}

/// The newest deliveries, of one endpoint or (`None`) all, at most `limit`.
pub fn recent(conn: &Connection, endpoint: Option<i64>, limit: i64) -> rusqlite::Result<Vec<Delivery>> {
    conn.prepare_cached(&format!(
        "SELECT {DELIVERY_COLUMNS} FROM outbox o
         WHERE o.channel = 'webhook' AND (:e IS NULL OR o.endpoint_id = :e) ORDER BY o.id DESC LIMIT :limit"
    ))?
    .query_map(named_params! {":e": endpoint, ":limit": limit}, delivery_from_row)?
    .collect()
}

pub fn delivery(conn: &Connection, id: i64) -> rusqlite::Result<Option<Delivery>> {
    conn.query_row(
        &format!("SELECT {DELIVERY_COLUMNS} FROM outbox o WHERE o.id = :id AND o.channel = 'webhook'"),
        named_params! {":id": id},
        delivery_from_row,
    )
    .optional()
}

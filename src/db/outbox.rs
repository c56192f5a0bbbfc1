//! The outbox: messages written in the same transaction as the change that caused them, on their
//! channel: `email`, `whatsapp` (template messages through the Cloud API) or `webhook` (whose
//! deliveries `db::webhooks` reads). Messages to people (email and WhatsApp) are listed, counted
//! and retried here together; marking a row works on any channel.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use super::text::Text;
use crate::domain::outbox::{Channel, Message, MessageStatus, NewMessage};

/// What a wiped body says instead.
pub const WIPED: &str = "(This message held a one-time link; it was removed from the outbox after delivery.)";

fn message_from_row(r: &Row<'_>) -> rusqlite::Result<Message> {
    Ok(Message {
        id: r.get("id")?,
        kind: r.get("kind")?,
        to: r.get("to_addr")?,
        subject: r.get("subject")?,
        text: r.get("body_text")?,
        html: r.get("body_html")?,
        status: r.get::<_, Text<MessageStatus>>("status")?.0,
        attempts: r.get("attempts")?,
        next_attempt_at: r.get("next_attempt_at")?,
        last_error: r.get("last_error")?,
        created_at: r.get("created_at")?,
        sent_at: r.get("sent_at")?,
        order_id: r.get("order_id")?,
        order_link: r.get("order_link")?,
        channel: Channel::parse(&r.get::<_, String>("channel")?).unwrap_or_default(),
    })
}

const COLUMNS: &str = "id, kind, to_addr, subject, body_text, body_html, status, attempts, next_attempt_at, last_error, created_at, sent_at, order_id, order_link, channel";

/// Queues a message for the sender; returns its id.
pub fn enqueue(conn: &Connection, m: &NewMessage, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO outbox (kind, to_addr, subject, body_text, body_html, sensitive, status, next_attempt_at, created_at,
           order_id, order_link, channel, custom_request_id)
         VALUES (:kind, :to, :subject, :text, :html, :sensitive, 'pending', :now, :now, :order, :link, :channel, :request)",
        named_params! {":kind": m.kind, ":to": m.to, ":subject": m.subject, ":text": m.text, ":html": m.html,
                       ":sensitive": m.sensitive, ":now": now, ":order": m.order_id, ":link": m.order_link,
                       ":channel": m.channel.as_str(), ":request": m.custom_request_id},
    )?;
    Ok(conn.last_insert_rowid())
}

/// Pending messages on a channel whose next attempt is due, oldest first.
pub fn due(conn: &Connection, channel: Channel, now: &str, limit: i64) -> rusqlite::Result<Vec<Message>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE channel = :channel AND status = 'pending' AND next_attempt_at <= :now
         ORDER BY id LIMIT :limit"
    ))?;
    let rows =
        stmt.query_map(named_params! {":channel": channel.as_str(), ":now": now, ":limit": limit}, message_from_row)?;
    rows.collect()
}

/// When the next pending message on a channel is due; `None` when nothing is pending.
pub fn next_due_at(conn: &Connection, channel: Channel) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT min(next_attempt_at) FROM outbox WHERE channel = :channel AND status = 'pending'")?
        .query_row(named_params! {":channel": channel.as_str()}, |r| r.get(0))
}

/// Keeps the message id the service gave (WhatsApp's `wamid.…`).
pub fn set_service_id(conn: &Connection, id: i64, service_id: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE outbox SET event_id = :s WHERE id = :id", named_params! {":s": service_id, ":id": id})?;
    Ok(())
}

pub fn mark_sent(conn: &Connection, id: i64, attempts: u32, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET status = 'sent', attempts = :a, sent_at = :now, last_error = '',
           body_text = CASE WHEN sensitive THEN :wiped ELSE body_text END,
           body_html = CASE WHEN sensitive THEN '' ELSE body_html END
         WHERE id = :id",
        named_params! {":a": attempts, ":now": now, ":id": id, ":wiped": WIPED},
    )?;
    Ok(())
}

pub fn mark_retry(conn: &Connection, id: i64, attempts: u32, next_at: &str, error: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET attempts = :a, next_attempt_at = :next, last_error = :err WHERE id = :id",
        named_params! {":a": attempts, ":next": next_at, ":err": error, ":id": id},
    )?;
    Ok(())
}

pub fn mark_failed(conn: &Connection, id: i64, attempts: u32, error: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE outbox SET status = 'failed', attempts = :a, last_error = :err,
           body_text = CASE WHEN sensitive THEN :wiped ELSE body_text END,
           body_html = CASE WHEN sensitive THEN '' ELSE body_html END
         WHERE id = :id",
        named_params! {":a": attempts, ":err": error, ":id": id, ":wiped": WIPED},
    )?;
    Ok(())
}

/// Stops unsent messages of `kind` to `to` (an invitation withdrawn or already used) and wipes their bodies.
pub fn withdraw(conn: &Connection, kind: &str, to: &str, reason: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE outbox SET status = 'failed', last_error = :reason, body_text = :wiped, body_html = ''
         WHERE kind = :kind AND to_addr = :to COLLATE NOCASE AND status = 'pending'",
        named_params! {":kind": kind, ":to": to, ":reason": reason, ":wiped": WIPED},
    )
}

/// Puts a failed or waiting message back at the front of the queue; returns its recipient, `None` if it was already sent.
pub fn retry_now(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "UPDATE outbox SET status = 'pending', next_attempt_at = :now
         WHERE id = :id AND channel IN ('email', 'whatsapp') AND status != 'sent' AND NOT (sensitive AND body_text = :wiped) RETURNING to_addr",
        named_params! {":now": now, ":id": id, ":wiped": WIPED},
        |r| r.get(0),
    )
    .optional()
}

/// Counts of messages by status: (pending, failed).
pub fn backlog(conn: &Connection) -> rusqlite::Result<(i64, i64)> {
    conn.query_row(
        "SELECT count(*) FILTER (WHERE status = 'pending'), count(*) FILTER (WHERE status = 'failed') FROM outbox
         WHERE channel IN ('email', 'whatsapp')",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
}

/// The newest messages, of one status or (`None`) any, at most `limit`.
pub fn list(conn: &Connection, status: Option<MessageStatus>, limit: i64) -> rusqlite::Result<Vec<Message>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM outbox WHERE channel IN ('email', 'whatsapp') AND (:status = '' OR status = :status)
         ORDER BY id DESC LIMIT :limit"
    ))?;
    let rows = stmt.query_map(
        named_params! {":status": status.map_or("", MessageStatus::as_str), ":limit": limit},
        message_from_row,
    )?;
    rows.collect()
}

/// Deletes sent messages older than `before`; returns the count.
pub fn purge_sent(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM outbox WHERE status = 'sent' AND sent_at < :before", named_params! {":before": before})
}

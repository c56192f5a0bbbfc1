//! Notices: the owner's settings, the one-per-order-and-event record, follow-ups due, unsubscribes.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, named_params};

use crate::domain::notify::{Notice, NoticeSettings};
use crate::domain::orders::LinkScope;
use crate::domain::whatsapp_cloud::{CloudSettings, Mode};

pub fn settings(conn: &Connection) -> rusqlite::Result<NoticeSettings> {
    conn.prepare_cached(
        "SELECT off, reminder_hours, review_days, processing_time, summary_hour FROM notice_settings WHERE id = 1",
    )?
    .query_row([], |r| {
        Ok(NoticeSettings {
            on: NoticeSettings::on_from_off_list(&r.get::<_, String>(0)?),
            reminder_hours: r.get(1)?,
            review_days: r.get(2)?,
            processing_time: r.get(3)?,
            summary_hour: r.get(4)?,
        })
    })
}

pub fn save(conn: &Connection, s: &NoticeSettings) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE notice_settings SET off = :off, reminder_hours = :rh, review_days = :rd, processing_time = :pt,
           summary_hour = :sh WHERE id = 1",
        named_params! {":off": s.off_list(), ":rh": s.reminder_hours, ":rd": s.review_days,
        ":pt": s.processing_time, ":sh": s.summary_hour},
    )?;
    Ok(())
}

/// Records that this order's notice is being sent; false when it already was (nothing to do).
pub fn claim(conn: &Connection, order_id: i64, notice: Notice, detail: &str, now: &str) -> rusqlite::Result<bool> {
    let n = conn
        .prepare_cached(
            "INSERT INTO order_notices (order_id, notice, detail, at) VALUES (:o, :n, :d, :now)
             ON CONFLICT DO NOTHING",
        )?
        .execute(named_params! {":o": order_id, ":n": notice.as_str(), ":d": detail, ":now": now})?;
    Ok(n == 1)
}

/// The notices an order was sent (or had queued), oldest first: (notice, detail, at).
pub fn sent_for_order(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<(String, String, String)>> {
    let mut stmt =
        conn.prepare_cached("SELECT notice, detail, at FROM order_notices WHERE order_id = :o ORDER BY at, notice")?;
    let rows = stmt.query_map(named_params! {":o": order_id}, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// Orders awaiting payment with nothing paid that entered that status between `floor` and
/// `cutoff` and were not reminded yet (a reminder long overdue, after the notice was switched back
/// on, is not sent).
pub fn reminders_due(conn: &Connection, floor: &str, cutoff: &str) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id FROM orders o
         WHERE o.status = 'awaiting_payment' AND o.payment_status = 'unpaid' AND o.paid = 0
           AND (SELECT min(e.at) FROM order_events e WHERE e.order_id = o.id AND e.status = 'awaiting_payment')
               BETWEEN :floor AND :cutoff
           AND NOT EXISTS (SELECT 1 FROM order_notices n WHERE n.order_id = o.id AND n.notice = 'payment_reminder')
         ORDER BY o.id",
    )?;
    let rows = stmt.query_map(named_params! {":floor": floor, ":cutoff": cutoff}, |r| r.get(0))?;
    rows.collect()
}

/// Orders still delivered that were delivered between `floor` and `cutoff` and not asked for a
/// review yet.
pub fn reviews_due(conn: &Connection, floor: &str, cutoff: &str) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.id FROM orders o
         WHERE o.status = 'delivered' AND o.delivered_at BETWEEN :floor AND :cutoff
           AND NOT EXISTS (SELECT 1 FROM order_notices n WHERE n.order_id = o.id AND n.notice = 'review_request')
         ORDER BY o.id",
    )?;
    let rows = stmt.query_map(named_params! {":floor": floor, ":cutoff": cutoff}, |r| r.get(0))?;
    rows.collect()
}

/// The shop's day whose summary was last queued ("" before the first).
pub fn summary_sent_on(conn: &Connection) -> rusqlite::Result<String> {
    conn.query_row("SELECT summary_sent_on FROM notice_settings WHERE id = 1", [], |r| r.get(0))
}

pub fn set_summary_sent_on(conn: &Connection, day: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE notice_settings SET summary_sent_on = :d WHERE id = 1", named_params! {":d": day})?;
    Ok(())
}

pub fn opted_out(conn: &Connection, email: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT 1 FROM mail_optouts WHERE email = :e")?
        .query_row(named_params! {":e": email}, |_| Ok(()))
        .optional()
        .map(|r| r.is_some())
}

pub fn insert_unsubscribe_token(conn: &Connection, hash: &[u8], email: &str, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT INTO unsubscribe_tokens (token_hash, email, created_at) VALUES (:h, :e, :now)")?
        .execute(named_params! {":h": hash, ":e": email, ":now": now})?;
    Ok(())
}

/// The address an unsubscribe token stands for.
pub fn unsubscribe_email(conn: &Connection, hash: &[u8]) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached("SELECT email FROM unsubscribe_tokens WHERE token_hash = :h")?
        .query_row(named_params! {":h": hash}, |r| r.get(0))
        .optional()
}

/// Adds an address to the opt-outs; false when it was there already.
pub fn opt_out(conn: &Connection, email: &str, now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "INSERT INTO mail_optouts (email, at) VALUES (:e, :now) ON CONFLICT DO NOTHING",
        named_params! {":e": email, ":now": now},
    )?;
    Ok(n == 1)
}

/// A day's figures for the seller's summary: orders placed, their value, orders waiting on the
/// seller (pending, awaiting payment, confirmed, processing, ready to ship), failed deliveries.
pub fn day_figures(conn: &Connection, from: &str, to: &str) -> rusqlite::Result<(i64, i64, i64, i64)> {
    conn.query_row(
        "SELECT
           (SELECT count(*) FROM orders WHERE created_at >= :from AND created_at < :to AND status != 'draft'),
           (SELECT coalesce(sum(total), 0) FROM orders WHERE created_at >= :from AND created_at < :to
              AND status NOT IN ('draft', 'cancelled')),
           (SELECT count(*) FROM orders WHERE status IN ('pending', 'awaiting_payment', 'confirmed', 'processing', 'ready_to_ship')),
           (SELECT count(*) FROM orders WHERE status = 'failed_delivery')",
        named_params! {":from": from, ":to": to},
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )
}

/// The newest order that is not a draft (the settings page previews notices on it).
pub fn newest_order(conn: &Connection) -> rusqlite::Result<Option<i64>> {
    conn.query_row("SELECT max(id) FROM orders WHERE status != 'draft'", [], |r| r.get(0))
}

/// Removes unsubscribe links made before `before`; returns how many.
pub fn purge_unsubscribe_tokens(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM unsubscribe_tokens WHERE created_at < :b", named_params! {":b": before})
}

pub fn cloud_settings(conn: &Connection) -> rusqlite::Result<CloudSettings> {
    conn.prepare_cached(
        "SELECT mode, phone_number_id, access_token, language, templates, sign_in_template FROM whatsapp_settings WHERE id = 1",
    )?
    .query_row([], |r| {
        Ok(CloudSettings {
            mode: Mode::parse(&r.get::<_, String>(0)?).unwrap_or_default(),
            phone_number_id: r.get(1)?,
            access_token: r.get(2)?,
            language: r.get(3)?,
            templates: CloudSettings::templates_from_text(&r.get::<_, String>(4)?),
            sign_in_template: r.get(5)?,
        })
    })
}

pub fn save_cloud_settings(conn: &Connection, s: &CloudSettings) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE whatsapp_settings SET mode = :mode, phone_number_id = :id, access_token = :token, language = :lang,
           templates = :templates, sign_in_template = :sign_in WHERE id = 1",
        named_params! {":mode": s.mode.as_str(), ":id": s.phone_number_id, ":token": s.access_token,
        ":lang": s.language, ":templates": s.templates_text(), ":sign_in": s.sign_in_template},
    )?;
    Ok(())
}

/// Issues a new manage link for a message about to be sent: the order's code and the token
/// (stored hashed), lasting the owner's link lifetime or `default_days`. `None` when the order is gone.
pub fn new_order_link(
    conn: &Connection,
    order_id: i64,
    default_days: i64,
    now: DateTime<Utc>,
) -> rusqlite::Result<Option<(String, String)>> {
    let Some(order) = super::orders::by_id(conn, order_id)? else { return Ok(None) };
    let days = super::desk::rules(conn)?.link_days.unwrap_or(default_days);
    let (at, expires) = (super::ts(now), super::ts(now + chrono::Duration::days(days)));
    let token = super::orders::new_token(conn, order.id, LinkScope::Manage, &at, &expires)?;
    Ok(Some((order.code, token)))
}

/// How many times the order's timeline records a move to `status`.
pub fn status_moves(conn: &Connection, order_id: i64, status: crate::domain::orders::Status) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT count(*) FROM order_events WHERE order_id = :o AND kind = 'status' AND status = :s")?
        .query_row(named_params! {":o": order_id, ":s": status.as_str()}, |r| r.get(0))
}

#[cfg(test)]
mod tests {
    use rusqlite::Connection;

    /// Orders from before the upgrade get no follow-ups: their moment has passed.
    #[test]
    fn orders_from_before_notices_get_no_follow_ups() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::db::schema::migrate_to(&mut c, 19).unwrap().unwrap();
        c.execute(
            "INSERT INTO orders (number, code, status, currency, subtotal, delivery_fee, discount, total,
                customer_name, customer_phone, customer_email, delivery_code, delivery_name, payment_code, payment_kind,
                payment_name, lines_key, created_at, updated_at, delivered_at)
             VALUES (1, 'ORD-1', 'delivered', 'INR', 1000, 0, 0, 1000, 'A', '+919812345678', 'a@example.com', 'd', 'D',
                'p', 'cod', 'P', '', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z')",
            [],
        )
        .unwrap();
        crate::db::schema::migrate(&mut c).unwrap().unwrap();
        let floor = "2000-01-01T00:00:00.000Z";
        assert!(super::reviews_due(&c, floor, "2030-01-01T00:00:00.000Z").unwrap().is_empty());
        let n: i64 = c.query_row("SELECT count(*) FROM order_notices", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 2);
    }
}

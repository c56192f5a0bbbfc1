//! Fraud review: the owner's rules, the facts they are checked against, the flags an order got,
//! and blocked numbers.

use rusqlite::{Connection, OptionalExtension, named_params};

use crate::domain::review::{Facts, Flag, ReviewRules, Rule};

pub fn rules(conn: &Connection) -> rusqlite::Result<ReviewRules> {
    conn.prepare_cached(
        "SELECT failed_on, failed_min, first_cod_on, first_cod_over, velocity_on, velocity_orders, velocity_hours,
                postcodes_on, postcodes FROM review_rules WHERE id = 1",
    )?
    .query_row([], |r| {
        Ok(ReviewRules {
            failed_on: r.get(0)?,
            failed_min: r.get(1)?,
            first_cod_on: r.get(2)?,
            first_cod_over: r.get(3)?,
            velocity_on: r.get(4)?,
            velocity_orders: r.get(5)?,
            velocity_hours: r.get(6)?,
            postcodes_on: r.get(7)?,
            postcodes: r.get::<_, String>(8)?.lines().map(str::to_string).filter(|s| !s.is_empty()).collect(),
        })
    })
}

pub fn set_rules(conn: &Connection, r: &ReviewRules, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE review_rules SET failed_on = :fo, failed_min = :fm, first_cod_on = :co, first_cod_over = :cv,
           velocity_on = :vo, velocity_orders = :vn, velocity_hours = :vh, postcodes_on = :po, postcodes = :pc,
           updated_at = :now WHERE id = 1",
    )?
    .execute(
        named_params! {":fo": r.failed_on, ":fm": r.failed_min, ":co": r.first_cod_on, ":cv": r.first_cod_over,
        ":vo": r.velocity_on, ":vn": r.velocity_orders, ":vh": r.velocity_hours, ":po": r.postcodes_on,
        ":pc": r.postcodes.join("\n"), ":now": now},
    )?;
    Ok(())
}

/// What the rules look at for a just-placed order: its number's history, and how many orders came
/// from its number and to its address since `since`.
pub fn facts(conn: &Connection, order_id: i64, since: &str) -> rusqlite::Result<Facts> {
    conn.prepare_cached(
        "SELECT
           (SELECT count(*) FROM orders e WHERE e.customer_phone = o.customer_phone AND e.id != o.id AND e.failed_reason != ''),
           (SELECT count(*) FROM orders e WHERE e.customer_phone = o.customer_phone AND e.id != o.id
              AND e.failed_reason = 'refused' AND e.payment_kind = 'cod'),
           o.payment_kind = 'cod',
           (SELECT count(*) FROM orders e WHERE e.customer_phone = o.customer_phone AND e.id != o.id
              AND e.payment_kind = 'cod' AND coalesce(e.cancel_reason, '') != 'expired'),
           o.total,
           (SELECT count(*) FROM orders e WHERE e.customer_phone = o.customer_phone AND e.created_at >= :since),
           CASE WHEN o.address_line1 = '' THEN 0 ELSE
             (SELECT count(*) FROM orders e WHERE e.created_at >= :since AND e.postal_code = o.postal_code
                AND lower(trim(e.address_line1)) = lower(trim(o.address_line1))) END,
           o.postal_code
         FROM orders o WHERE o.id = :id",
    )?
    .query_row(named_params! {":id": order_id, ":since": since}, |r| {
        Ok(Facts {
            failed_before: r.get(0)?,
            refused_before: r.get(1)?,
            cod: r.get(2)?,
            earlier_cod: r.get(3)?,
            total: r.get(4)?,
            from_number: r.get(5)?,
            to_address: r.get(6)?,
            postal_code: r.get(7)?,
        })
    })
}

pub fn insert_flag(conn: &Connection, order_id: i64, flag: &Flag) -> rusqlite::Result<()> {
    conn.prepare_cached("INSERT OR REPLACE INTO order_flags (order_id, rule, reason) VALUES (:o, :r, :why)")?
        .execute(named_params! {":o": order_id, ":r": flag.rule.as_str(), ":why": flag.reason})?;
    conn.prepare_cached("UPDATE orders SET flagged = 1 WHERE id = :o")?.execute(named_params! {":o": order_id})?;
    Ok(())
}

/// An order's flags, in the rules' order.
pub fn flags(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<Flag>> {
    let mut out: Vec<Flag> = conn
        .prepare_cached("SELECT rule, reason FROM order_flags WHERE order_id = :o")?
        .query_map(named_params! {":o": order_id}, |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .filter_map(|x| x.ok())
        .filter_map(|(rule, reason)| Rule::parse(&rule).map(|rule| Flag { rule, reason }))
        .collect();
    out.sort_by_key(|f| Rule::ALL.iter().position(|r| *r == f.rule));
    Ok(out)
}

/// Who reviewed the order and when; `None` when nobody has.
pub fn reviewed(conn: &Connection, order_id: i64) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached("SELECT reviewed_at, reviewed_by FROM orders WHERE id = :o AND reviewed_at IS NOT NULL")?
        .query_row(named_params! {":o": order_id}, |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

pub fn set_reviewed(conn: &Connection, order_id: i64, by: &str, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE orders SET reviewed_at = :now, reviewed_by = :by WHERE id = :o")?
        .execute(named_params! {":now": now, ":by": by, ":o": order_id})?;
    Ok(())
}

/// Flagged orders nobody has reviewed that are still waiting for confirmation, oldest first: the
/// Review tab.
pub fn waiting(conn: &Connection, limit: usize) -> rusqlite::Result<(Vec<i64>, i64)> {
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT o.id FROM orders o WHERE o.flagged = 1 AND o.reviewed_at IS NULL
               AND o.status IN ('draft', 'pending', 'awaiting_payment')
             ORDER BY o.created_at, o.id LIMIT :l",
        )?
        .query_map(named_params! {":l": limit as i64}, |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let count = review_count(conn)?;
    Ok((ids, count))
}

/// How many orders wait for review (the tab's count).
pub fn review_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "SELECT count(*) FROM orders WHERE flagged = 1 AND reviewed_at IS NULL
           AND status IN ('draft', 'pending', 'awaiting_payment')",
    )?
    .query_row([], |r| r.get(0))
}

/// Whether the seller blocked this number.
pub fn blocked(conn: &Connection, phone: &str) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT count(*) FROM customers WHERE phone = :p AND blocked_at IS NOT NULL")?
        .query_row(named_params! {":p": phone}, |r| r.get::<_, i64>(0))
        .map(|n| n > 0)
}

/// Blocks (with a reason) or unblocks a customer's number.
pub fn set_blocked(conn: &Connection, customer_id: i64, blocked: Option<(&str, &str)>) -> rusqlite::Result<()> {
    let (at, why) = blocked.map_or((None, ""), |(at, why)| (Some(at), why));
    conn.prepare_cached("UPDATE customers SET blocked_at = :at, blocked_reason = :why WHERE id = :id")?
        .execute(named_params! {":at": at, ":why": why, ":id": customer_id})?;
    Ok(())
}

/// A customer's block: (since, reason).
pub fn block_of(conn: &Connection, customer_id: i64) -> rusqlite::Result<Option<(String, String)>> {
    conn.prepare_cached("SELECT blocked_at, blocked_reason FROM customers WHERE id = :id AND blocked_at IS NOT NULL")?
        .query_row(named_params! {":id": customer_id}, |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()
}

//! Payments and refunds: one row each, and the order's received amount and status kept equal to them.

use rusqlite::{Connection, Row, named_params};

use super::text::Text;
use crate::domain::desk::Payment;
use crate::domain::orders::PaymentStatus;
use crate::domain::payments::{Kind, NewPayment};

fn payment_row(r: &Row<'_>) -> rusqlite::Result<Payment> {
    Ok(Payment {
        id: r.get(0)?,
        kind: r.get::<_, Text<Kind>>(1)?.0,
        amount: r.get(2)?,
        method: r.get(3)?,
        reference: r.get(4)?,
        recorded_by: r.get(5)?,
        at: r.get(6)?,
    })
}

/// An order's payments and refunds, oldest first.
pub fn payments(conn: &Connection, order_id: i64) -> rusqlite::Result<Vec<Payment>> {
    conn.prepare_cached(
        "SELECT id, kind, amount, method, reference, recorded_by, at FROM payments WHERE order_id = :o ORDER BY id",
    )?
    .query_map(named_params! {":o": order_id}, payment_row)?
    .collect()
}

/// Records a payment or refund; returns its id.
pub fn insert_payment(
    conn: &Connection,
    order_id: i64,
    p: &NewPayment,
    user_id: Option<i64>,
    by: &str,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO payments (order_id, kind, amount, method, reference, user_id, recorded_by, at)
         VALUES (:o, :k, :a, :m, :r, :u, :by, :now)",
    )?
    .execute(named_params! {":o": order_id, ":k": p.kind.as_str(), ":a": p.amount, ":m": p.method,
    ":r": p.reference, ":u": user_id, ":by": by, ":now": now})?;
    Ok(conn.last_insert_rowid())
}

/// What an order received and gave back, from its rows.
pub fn payment_sums(conn: &Connection, order_id: i64) -> rusqlite::Result<(i64, i64)> {
    conn.prepare_cached(
        "SELECT coalesce(sum(CASE kind WHEN 'payment' THEN amount END), 0),
                coalesce(sum(CASE kind WHEN 'refund' THEN amount END), 0)
         FROM payments WHERE order_id = :o",
    )?
    .query_row(named_params! {":o": order_id}, |r| Ok((r.get(0)?, r.get(1)?)))
}

/// Keeps an order's received amount and payment status equal to its rows.
pub fn set_paid(conn: &Connection, order_id: i64, kept: i64, status: PaymentStatus, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE orders SET paid = :p, payment_status = :s, updated_at = :now WHERE id = :o")?
        .execute(named_params! {":o": order_id, ":p": kept, ":s": status.as_str(), ":now": now})?;
    Ok(())
}

/// What an order keeps of its payments, and what its rows add up to.
#[derive(Debug, Clone)]
pub struct PaymentFigures {
    pub code: String,
    pub status: PaymentStatus,
    pub paid: i64,
    pub total: i64,
    pub received: i64,
    pub refunded: i64,
}

/// Every order's payment figures, for `souk doctor`.
pub fn payment_figures(conn: &Connection) -> rusqlite::Result<Vec<PaymentFigures>> {
    conn.prepare(
        "SELECT code, payment_status, paid, total, received, refunded FROM (
           SELECT o.code, o.payment_status, o.paid, o.total,
             coalesce((SELECT sum(amount) FROM payments p WHERE p.order_id = o.id AND p.kind = 'payment'), 0) AS received,
             coalesce((SELECT sum(amount) FROM payments p WHERE p.order_id = o.id AND p.kind = 'refund'), 0) AS refunded
           FROM orders o)",
    )?
    .query_map([], |r| {
        Ok(PaymentFigures {
            code: r.get(0)?,
            status: r.get::<_, Text<PaymentStatus>>(1)?.0,
            paid: r.get(2)?,
            total: r.get(3)?,
            received: r.get(4)?,
            refunded: r.get(5)?,
        })
    })?
    .collect()
}

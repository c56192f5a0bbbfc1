//! Recording money received and given back: a row each, the order's payment status following
//! from the rows, and (when the owner chose it) the full amount confirming an order awaiting payment.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::transition::{self, Refusal, Step};
use crate::app::Actor;
use crate::db::{self, checkout as methods, desk, orders, payments as payments_db};
use crate::domain::checkout::PaymentKind;
use crate::domain::desk::EventKind;
use crate::domain::money;
use crate::domain::orders::{Order, PaymentStatus, Status};
use crate::domain::payments::{self, Balance, Kind, NewPayment, PaymentInput};

/// What recording a payment did.
#[derive(Debug)]
pub struct Recorded {
    pub code: String,
    pub status: PaymentStatus,
    /// The order was confirmed by this payment.
    pub confirmed: bool,
    /// The payment was recorded but confirming the order was refused (short stock): why.
    pub not_confirmed: Option<String>,
}

/// Adds a checked payment or refund to an order and brings its payment status up to date, with a
/// timeline event and an audit entry; returns the new payment status.
pub fn add(tx: &Connection, order: &Order, p: &NewPayment, actor: &Actor, at: &str) -> Result<PaymentStatus, Refusal> {
    payments_db::insert_payment(tx, order.id, p, actor.user_id, &actor.name, at)?;
    let (received, refunded) = payments_db::payment_sums(tx, order.id)?;
    let status = payments::status(order.total, received, refunded);
    payments_db::set_paid(tx, order.id, received - refunded, status, at)?;
    let amount = money::format(p.amount, &order.currency, minor_units(tx)?);
    let what = match p.kind {
        Kind::Payment => format!("{amount} received by {}", p.method),
        Kind::Refund => format!("{amount} refunded by {}", p.method),
    };
    let detail = if p.reference.is_empty() { what } else { format!("{what}, reference {}", p.reference) };
    desk::add_event(
        tx,
        order.id,
        &desk::NewEvent {
            kind: EventKind::Payment,
            status: order.status,
            from_status: None,
            note: status.label(),
            detail: &detail,
            actor: &actor.name,
            user_id: actor.user_id,
        },
        at,
    )?;
    actor.record(tx, &format!("order.{}", p.kind.as_str()), &order.code, &detail)?;
    crate::app::webhooks::payment_recorded(tx, order.id, p, at)?;
    crate::app::notify::payment_recorded(tx, order.id, p.kind, p.amount, at)?;
    Ok(status)
}

fn minor_units(tx: &Connection) -> rusqlite::Result<u8> {
    Ok(db::settings::get(tx)?.currency_minor_units)
}

/// Checks and records what the seller typed into the payment form.
pub fn record(
    tx: &Connection,
    order_id: i64,
    input: &PaymentInput,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Recorded, Refusal> {
    // All or nothing: a failure after the row is written takes the row back too.
    db::in_savepoint(tx, "souk_payment", || record_in(tx, order_id, input, actor, now))
}

fn record_in(
    tx: &Connection,
    order_id: i64,
    input: &PaymentInput,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Recorded, Refusal> {
    let at = db::ts(now);
    let order = orders::by_id(tx, order_id)?.ok_or(Refusal::NotFound)?;
    let rules = desk::rules(tx)?;
    let method = input.method.trim();
    let (kind, network) = if method == order.payment_code {
        (PaymentKind::parse(&order.payment_kind), order.payment_network.clone())
    } else {
        match methods::payment_methods(tx)?.into_iter().find(|m| m.code == method) {
            Some(m) => (Some(m.kind), m.network),
            None => (None, String::new()),
        }
    };
    let balance = Balance { total: order.total, kept: order.paid, minor_units: minor_units(tx)? };
    let payment = payments::check(input, kind, &network, balance, &order.currency).map_err(Refusal::Invalid)?;
    let status = add(tx, &order, &payment, actor, &at)?;
    let mut recorded = Recorded { code: order.code.clone(), status, confirmed: false, not_confirmed: None };
    if rules.paid_confirms && status == PaymentStatus::Paid && order.status == Status::AwaitingPayment {
        match transition::transition(tx, order_id, &Step::to(Status::Confirmed, "Paid in full"), actor, now) {
            Ok(_) => recorded.confirmed = true,
            Err(Refusal::Failed(e)) => return Err(Refusal::Failed(e)),
            Err(other) => recorded.not_confirmed = Some(other.message()),
        }
    }
    Ok(recorded)
}

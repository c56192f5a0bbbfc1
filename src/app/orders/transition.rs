//! Every change of an order's status goes through [`transition`]: the customer's cancel, the
//! scheduler's draft expiry, and the seller's actions to come. One place checks the state machine,
//! gives back reserved stock, writes the timeline and the audit log.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::app::Actor;
use crate::db::{self, catalog, orders};
use crate::domain::orders::{Status, check_transition};
use crate::error::AppError;

/// Why a status changes: the note on the order's timeline and, for a cancellation, the reason
/// kept on the order (`expired`, `cancelled by the customer`, …).
#[derive(Debug, Clone, Copy)]
pub struct Reason<'a> {
    pub note: &'a str,
    pub cancel_reason: Option<&'a str>,
}

/// An order that changed status: which, from what, to what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transitioned {
    pub order_id: i64,
    pub code: String,
    pub from: Status,
    pub to: Status,
}

/// Why a status change did not happen.
#[derive(Debug)]
pub enum TransitionError {
    /// No order has this id.
    NotFound,
    /// The state machine does not allow it; `allowed` are the statuses the order may move to.
    Refused {
        from: Status,
        to: Status,
        allowed: &'static [Status],
        message: String,
    },
    Failed(AppError),
}

impl From<rusqlite::Error> for TransitionError {
    fn from(e: rusqlite::Error) -> Self {
        TransitionError::Failed(e.into())
    }
}

impl From<TransitionError> for AppError {
    fn from(e: TransitionError) -> Self {
        match e {
            TransitionError::NotFound => AppError::NotFound,
            TransitionError::Refused { message, .. } => AppError::Conflict(message),
            TransitionError::Failed(e) => e,
        }
    }
}

/// Moves an order to `to` inside the caller's transaction: checks the move against the state
/// machine, releases the reservation of an order that held one when it is cancelled, sets the
/// status (and the cancel reason), appends the timeline event with the actor and the note, and
/// writes the audit log when the actor is a person. Nothing is written when it is refused.
pub fn transition(
    tx: &Connection,
    order_id: i64,
    to: Status,
    actor: &Actor,
    reason: &Reason,
    now: DateTime<Utc>,
) -> Result<Transitioned, TransitionError> {
    let order = orders::by_id(tx, order_id)?.ok_or(TransitionError::NotFound)?;
    let from = order.status;
    check_transition(from, to).map_err(|message| TransitionError::Refused {
        from,
        to,
        allowed: from.next(),
        message,
    })?;
    let at = db::ts(now);
    if to == Status::Cancelled && from.holds_reservation() {
        for product in orders::release(tx, order_id)? {
            catalog::refresh_card(tx, product)?;
        }
    }
    orders::set_status(tx, order_id, to, reason.cancel_reason, &at)?;
    orders::add_event(tx, order_id, to, reason.note, &actor.name, &at)?;
    if actor.is_person() {
        let detail = match reason.note {
            "" => format!("{from} → {to}"),
            note => format!("{from} → {to}: {note}"),
        };
        actor.record(tx, "order.status", &order.code, &detail)?;
    }
    Ok(Transitioned { order_id, code: order.code, from, to })
}

/// Cancels every draft whose time ran out (reason `expired`, kept for analytics) and releases its
/// stock, in the caller's transaction; returns how many.
pub fn expire_drafts(tx: &Connection, now: DateTime<Utc>, actor: &Actor) -> Result<usize, AppError> {
    let due = orders::expired_drafts(tx, &db::ts(now))?;
    let reason = Reason { note: "Expired: not sent to the shop in time", cancel_reason: Some("expired") };
    for id in &due {
        transition(tx, *id, Status::Cancelled, actor, &reason, now)?;
    }
    Ok(due.len())
}

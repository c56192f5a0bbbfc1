//! What the seller keeps about a customer: notes and tags, each audited. Customers themselves are
//! made and linked by the database as orders come (migration 0015).

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::actor::Actor;
use crate::db::{self, customers};
use crate::domain::FieldErrors;
use crate::domain::customers::check_note;
use crate::error::AppError;

/// Replaces the seller's note about a customer. `Ok(Err(fields))` for a note that cannot be kept.
pub fn set_note(
    tx: &Connection,
    id: i64,
    raw: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Result<(), FieldErrors>, AppError> {
    let customer = customers::by_id(tx, id)?.ok_or(AppError::NotFound)?;
    let note = match check_note(raw) {
        Ok(n) => n,
        Err(e) => return Ok(Err(e)),
    };
    if note != customer.note {
        customers::set_note(tx, id, &note, &db::ts(now))?;
        actor.record(tx, "customer.note", &customer.phone, &format!("{} characters", note.chars().count()))?;
    }
    Ok(Ok(()))
}

/// Replaces a customer's tags (a comma-separated list, as on orders).
pub fn set_tags(
    tx: &Connection,
    id: i64,
    raw: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Result<(), FieldErrors>, AppError> {
    let customer = customers::by_id(tx, id)?.ok_or(AppError::NotFound)?;
    let tags = match crate::domain::desk::tags(raw) {
        Ok(t) => t,
        Err(m) => return Ok(Err(FieldErrors::from([("tags", m)]))),
    };
    let before = customers::tags(tx, id)?;
    if before != tags {
        customers::set_tags(tx, id, &tags)?;
        customers::touch(tx, id, &db::ts(now))?;
        actor.record(tx, "customer.tags", &customer.phone, &tags.join(", "))?;
    }
    Ok(Ok(()))
}

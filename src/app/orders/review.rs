//! Fraud review: flagging an order when it is placed (by the owner's rules), the owner's rules,
//! and blocking a number. Confirming a flagged order needs "reviewed" (see `transition`).

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use crate::app::Actor;
use crate::db::{self, customers, desk, review};
use crate::domain::FieldErrors;
use crate::domain::desk::EventKind;
use crate::domain::money;
use crate::domain::orders::Status;
use crate::domain::review::{Flag, RulesForm, check, flags};
use crate::error::AppError;

/// Checks a just-placed order against the owner's rules; keeps each reason and notes them on its
/// timeline (for the seller only). Returns the reasons.
pub fn flag(
    tx: &Connection,
    order_id: i64,
    status: Status,
    currency: &str,
    minor_units: u8,
    now: DateTime<Utc>,
) -> Result<Vec<Flag>, AppError> {
    let rules = review::rules(tx)?;
    if !(rules.failed_on || rules.first_cod_on || rules.velocity_on || rules.postcodes_on) {
        return Ok(Vec::new());
    }
    let since = db::ts(now - Duration::hours(rules.velocity_hours));
    let facts = review::facts(tx, order_id, &since)?;
    let found = flags(&rules, &facts, |m| money::format(m, currency, minor_units));
    for f in &found {
        review::insert_flag(tx, order_id, f)?;
    }
    if !found.is_empty() {
        let detail =
            format!("Flagged for review: {}", found.iter().map(|f| f.reason.as_str()).collect::<Vec<_>>().join(" "));
        let event = desk::NewEvent {
            kind: EventKind::Note,
            status,
            from_status: None,
            note: "",
            detail: &detail,
            actor: "review rules",
            user_id: None,
        };
        desk::add_event(tx, order_id, &event, &db::ts(now))?;
    }
    Ok(found)
}

/// Saves the owner's review rules. `Ok(Err(fields))` for a form to correct.
pub fn save_rules(
    tx: &Connection,
    form: &RulesForm,
    minor_units: u8,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Result<(), FieldErrors>, AppError> {
    let rules = match check(form, minor_units) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e)),
    };
    review::set_rules(tx, &rules, &db::ts(now))?;
    let on: Vec<&str> = [
        (rules.failed_on, "failed deliveries"),
        (rules.first_cod_on, "first cash on delivery"),
        (rules.velocity_on, "many orders"),
        (rules.postcodes_on, "risky postal codes"),
    ]
    .into_iter()
    .filter_map(|(on, name)| on.then_some(name))
    .collect();
    actor.record(
        tx,
        "review.rules",
        "settings",
        &format!("on: {}", if on.is_empty() { "none".into() } else { on.join(", ") }),
    )?;
    Ok(Ok(()))
}

/// The longest reason kept for a block.
pub const MAX_BLOCK_REASON: usize = 200;

/// Blocks a customer's number (their future placements are refused) or, with `None`, unblocks it.
pub fn set_block(
    tx: &Connection,
    customer_id: i64,
    reason: Option<&str>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Result<(), FieldErrors>, AppError> {
    let customer = customers::by_id(tx, customer_id)?.ok_or(AppError::NotFound)?;
    match reason.map(str::trim) {
        Some(why) if why.chars().count() > MAX_BLOCK_REASON || why.chars().any(char::is_control) => {
            Ok(Err(FieldErrors::from([("reason", format!("One line of at most {MAX_BLOCK_REASON} characters."))])))
        }
        Some(why) => {
            review::set_blocked(tx, customer_id, Some((&db::ts(now), why)))?;
            actor.record(tx, "customer.block", &customer.phone, why)?;
            Ok(Ok(()))
        }
        None => {
            review::set_blocked(tx, customer_id, None)?;
            actor.record(tx, "customer.unblock", &customer.phone, "")?;
            Ok(Ok(()))
        }
    }
}

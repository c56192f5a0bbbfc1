//! The owner's order settings: expiry and limits, couriers, and the wording of one-tap messages;
//! each change in the caller's transaction with its audit entry.

use rusqlite::Connection;

use crate::app::Actor;
use crate::db::{self, desk};
use crate::domain::FieldErrors;
use crate::domain::desk::OrderRules;
use crate::domain::messages::{Template, check_template};
use crate::error::AppError;

pub fn save_rules(tx: &Connection, rules: &OrderRules, actor: &Actor) -> Result<(), AppError> {
    desk::set_rules(tx, rules, &db::now())?;
    actor.record(tx, "settings.orders", "", &format!("{rules:?}"))?;
    Ok(())
}

pub fn save_courier(tx: &Connection, name: &str, tracking_url: &str, actor: &Actor) -> Result<i64, AppError> {
    let id = desk::save_courier(tx, name, tracking_url, true)?;
    actor.record(tx, "settings.courier", name, tracking_url)?;
    Ok(id)
}

pub fn delete_courier(tx: &Connection, id: i64, actor: &Actor) -> Result<bool, AppError> {
    let name = desk::couriers(tx)?.into_iter().find(|c| c.id == id).map(|c| c.name);
    let gone = desk::delete_courier(tx, id)?;
    if gone {
        actor.record(tx, "settings.courier_removed", &name.unwrap_or_default(), "")?;
    }
    Ok(gone)
}

/// Stores the seller's wording of a message, or (with `None`) goes back to the built-in one.
pub fn save_template(
    tx: &Connection,
    template: Template,
    body: Option<&str>,
    actor: &Actor,
) -> Result<Result<(), FieldErrors>, AppError> {
    let body = match body.map(check_template) {
        Some(Err(m)) => return Ok(Err(FieldErrors::from([("body", m)]))),
        Some(Ok(b)) if b == template.default_body() => None,
        Some(Ok(b)) => Some(b),
        None => None,
    };
    desk::save_template(tx, &template.name(), body.as_deref(), &db::now())?;
    actor.record(tx, "settings.message", &template.name(), if body.is_some() { "changed" } else { "built-in text" })?;
    Ok(Ok(()))
}

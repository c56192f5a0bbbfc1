//! Retention and a customer's rights (issue 13): erase personal data N days after delivery or
//! cancellation (the owner's setting, run by the hourly purge), erase everything about one customer
//! on request, and export everything held about one customer as JSON. Each is in the audit log,
//! which names the customer by id, never by their data.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use crate::app::Actor;
use crate::db::{self, privacy as stored};
use crate::error::AppError;

/// Erases the personal data of every order and custom request past the retention period; returns
/// how many of each.
pub fn erase_due(tx: &Connection, now: DateTime<Utc>) -> Result<(usize, usize), AppError> {
    let days = stored::erase_after_days(tx)?;
    if days == 0 {
        return Ok((0, 0));
    }
    let at = db::ts(now);
    let due = stored::due(tx, &db::ts(now - Duration::days(days)))?;
    let mut n = 0;
    let mut customers = Vec::new();
    for id in &due {
        customers.extend(stored::customer_of(tx, *id)?);
        n += usize::from(stored::erase_order(tx, *id, &at)?);
    }
    // A customer left with no order (all of theirs erased) goes too, with their notes and tags.
    customers.sort_unstable();
    customers.dedup();
    for c in customers {
        stored::delete_customer(tx, c)?;
    }
    let mut requests = 0;
    for id in stored::requests_due(tx, &db::ts(now - Duration::days(days)))? {
        requests += usize::from(stored::erase_request(tx, id, &at)?);
    }
    if n + requests > 0 {
        let said = format!("{n} order(s) and {requests} custom request(s) erased after {days} days");
        Actor::system().record(tx, "privacy.retention", "", &said)?;
    }
    Ok((n, requests))
}

/// Erases everything about one customer (the right to erasure): every order's and custom request's personal data, the
/// accounts, sign-in codes and messages of their emails, and their own record with its notes and
/// tags. Amounts and items stay. Returns how many orders were erased; `None` without such a customer.
pub fn erase_customer(
    tx: &Connection,
    customer_id: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Option<usize>, AppError> {
    let Some(customer) = db::customers::by_id(tx, customer_id)? else {
        return Ok(None);
    };
    let at = db::ts(now);
    let (orders, mut emails) = stored::customer_orders(tx, customer_id)?;
    // An account that proved this number may have an email the orders never had.
    emails.extend(stored::account_emails_of_phone(tx, &customer.phone)?);
    emails.sort_unstable();
    emails.dedup();
    stored::erase_phone(tx, &customer.phone)?;
    for id in stored::customer_requests(tx, customer_id)? {
        stored::erase_request(tx, id, &at)?;
    }
    for id in &orders {
        stored::erase_order(tx, *id, &at)?;
    }
    for email in &emails {
        stored::erase_email(tx, email)?;
    }
    stored::delete_customer(tx, customer_id)?;
    actor.record(tx, "customer.erased", &format!("customer {customer_id}"), &format!("{} order(s)", orders.len()))?;
    Ok(Some(orders.len()))
}

/// Everything held about one customer as JSON (the right of access), in the audit log;
/// `None` without such a customer.
pub fn export_customer(
    tx: &Connection,
    customer_id: i64,
    actor: &Actor,
) -> Result<Option<serde_json::Value>, AppError> {
    if db::customers::by_id(tx, customer_id)?.is_none() {
        return Ok(None);
    }
    let data = stored::export(tx, customer_id)?;
    actor.record(tx, "customer.exported", &format!("customer {customer_id}"), "")?;
    Ok(Some(data))
}

/// The retention setting: days after delivery or cancellation (0: keep everything).
pub fn save_retention(tx: &Connection, days: i64, actor: &Actor) -> Result<(), AppError> {
    stored::set_erase_after_days(tx, days)?;
    let said =
        if days == 0 { "kept".to_string() } else { format!("erased {days} days after delivery or cancellation") };
    actor.record(tx, "settings.retention", "", &format!("personal data {said}"))?;
    Ok(())
}

//! The emails of an order, queued in the transaction that changed it: placed (the seller's notice,
//! the customer's confirmation) and cancelled by the customer (the seller's notice, issue 11).

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};

use crate::db::{self, orders, outbox};
use crate::domain::shop::ShopSettings;
use crate::error::AppError;
use crate::mail::messages;

/// Queues the seller's notice (to the shop's contact email, or to every owner when it has none)
/// and, when the customer gave an email, their confirmation with the order link, in the caller's
/// transaction. Returns how many messages were queued. The order is read only when mail goes out.
pub fn queue_mail(
    tx: &Transaction,
    shop: &ShopSettings,
    order_id: i64,
    customer_email: &str,
    order_link: &str,
    desk_link: &str,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let sellers = sellers(tx, shop)?;
    if sellers.is_empty() && customer_email.is_empty() {
        return Ok(0);
    }
    let order = orders::by_id(tx, order_id)?.ok_or(AppError::NotFound)?;
    let lines = orders::lines(tx, order_id)?;
    for to in &sellers {
        outbox::enqueue(tx, &messages::order_for_seller(shop, &order, &lines, to, desk_link), &db::ts(now))?;
    }
    let mut queued = sellers.len();
    if !order.customer_email.is_empty() {
        outbox::enqueue(tx, &messages::order_for_customer(shop, &order, &lines, order_link), &db::ts(now))?;
        queued += 1;
    }
    Ok(queued)
}

/// Who hears of an order on the seller's side: the shop's contact email, or every owner when it
/// has none.
fn sellers(tx: &Connection, shop: &ShopSettings) -> Result<Vec<String>, AppError> {
    Ok(match shop.contact_email.as_str() {
        "" => db::users::owner_emails(tx)?,
        email => vec![email.to_string()],
    })
}

/// Issue 11: queues the seller's notice that the customer cancelled this order, in the caller's
/// transaction (the cancellation's), to the same people as a new order's notice. Returns how many
/// messages were queued.
pub fn queue_cancelled_mail(
    tx: &Connection,
    shop: &ShopSettings,
    order_id: i64,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let sellers = sellers(tx, shop)?;
    if sellers.is_empty() {
        return Ok(0);
    }
    let order = orders::by_id(tx, order_id)?.ok_or(AppError::NotFound)?;
    let lines = orders::lines(tx, order_id)?;
    for to in &sellers {
        outbox::enqueue(tx, &messages::cancelled_for_seller(shop, &order, &lines, to), &db::ts(now))?;
    }
    Ok(sellers.len())
}

//! Outgoing webhooks: the owner's endpoints (added, paused, deleted, their secret rolled, a
//! delivery sent again), and the events, queued in the transaction of the change that caused them
//! (one outbox row per endpoint that receives the event) and sent after commit by `crate::webhooks`.
//!
//! Every delivery's body is `{"id", "type", "created_at", "data"}`; `data` holds the order (for
//! order and payment events, with `from` for a status change and `payment` for a payment) or the
//! customer.

use rusqlite::Connection;
use serde_json::{Value, json};

use super::Actor;
use crate::db::{self, orders, webhooks as stored};
use crate::domain::FieldErrors;
use crate::domain::orders::{Order, Status};
use crate::domain::payments::NewPayment;
use crate::domain::webhooks::{self as rules, Event};
use crate::error::AppError;

/// What the owner typed to add an endpoint.
#[derive(Debug, Clone, Default)]
pub struct EndpointInput {
    pub url: String,
    pub events: Vec<String>,
    pub description: String,
}

/// Adds an endpoint; returns its id and its signing secret (to show once). Bad input comes back as
/// field messages with nothing written.
pub fn add_endpoint(
    conn: &Connection,
    actor: &Actor,
    input: &EndpointInput,
    allow_private: bool,
    now: &str,
) -> Result<Result<(i64, String), FieldErrors>, AppError> {
    let mut errors = FieldErrors::new();
    let url = input.url.trim();
    if let Err(e) = rules::check_url(url, allow_private) {
        errors.insert("url", e);
    }
    let mut events: Vec<Event> = Vec::new();
    for name in &input.events {
        match Event::parse(name.trim()) {
            Some(e) if !events.contains(&e) => events.push(e),
            Some(_) => {}
            None => {
                errors.insert("events", format!("{name:?} is not an event Souk sends."));
            }
        }
    }
    if events.is_empty() && !errors.contains_key("events") {
        errors.insert("events", "Choose at least one event.".into());
    }
    let description = input.description.trim();
    if description.chars().count() > 100 {
        errors.insert("description", "Use at most 100 characters.".into());
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    events.sort_by_key(|e| Event::ALL.iter().position(|x| x == e));
    let secret = rules::new_secret();
    let id = stored::insert_endpoint(conn, url, &rules::store_events(&events), description, &secret, &actor.name, now)?;
    actor.record(conn, "webhook.create", url, &rules::store_events(&events))?;
    Ok(Ok((id, secret)))
}

fn endpoint_url(conn: &Connection, id: i64) -> Result<String, AppError> {
    Ok(stored::endpoint(conn, id)?.ok_or(AppError::NotFound)?.url)
}

/// Pauses an endpoint (its deliveries, new ones too, wait in the outbox) or resumes it (they go out).
pub fn set_active(conn: &Connection, actor: &Actor, id: i64, active: bool) -> Result<(), AppError> {
    let url = endpoint_url(conn, id)?;
    stored::set_active(conn, id, active)?;
    actor.record(conn, if active { "webhook.resume" } else { "webhook.pause" }, &url, "")?;
    Ok(())
}

/// Deletes an endpoint and its deliveries.
pub fn delete(conn: &Connection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let url = endpoint_url(conn, id)?;
    stored::delete_endpoint(conn, id)?;
    actor.record(conn, "webhook.delete", &url, "")?;
    Ok(())
}

/// Gives an endpoint a new secret (to show once); deliveries from now on are signed with it.
pub fn roll_secret(conn: &Connection, actor: &Actor, id: i64) -> Result<String, AppError> {
    let url = endpoint_url(conn, id)?;
    let secret = rules::new_secret();
    stored::set_secret(conn, id, &secret)?;
    actor.record(conn, "webhook.roll_secret", &url, "")?;
    Ok(secret)
}

/// Queues a delivery again, with the same event id and body, to the endpoint's current address.
pub fn resend(conn: &Connection, actor: &Actor, delivery_id: i64, now: &str) -> Result<i64, AppError> {
    let d = stored::delivery(conn, delivery_id)?.ok_or(AppError::NotFound)?;
    let url = endpoint_url(conn, d.endpoint_id)?;
    let id = stored::enqueue(conn, d.endpoint_id, &url, &d.event, &d.event_id, &d.body, now)?;
    actor.record(conn, "webhook.resend", &url, &format!("{} {}", d.event, d.event_id))?;
    Ok(id)
}

/// Queues a test event (`ping`) for one endpoint, whatever its events, so the owner can see the
/// receiver answer and check the signature.
pub fn ping(conn: &Connection, actor: &Actor, endpoint_id: i64, shop_name: &str, now: &str) -> Result<i64, AppError> {
    let url = endpoint_url(conn, endpoint_id)?;
    let id = rules::new_event_id();
    let data =
        json!({"message": format!("A test event from {shop_name}, sent from the webhooks page."), "endpoint": url});
    let body = json!({"id": id, "type": rules::PING, "created_at": now, "data": data}).to_string();
    let delivery = stored::enqueue(conn, endpoint_id, &url, rules::PING, &id, &body, now)?;
    actor.record(conn, "webhook.ping", &url, &id)?;
    Ok(delivery)
}

/// Queues `event` for every endpoint that receives it, in the caller's transaction; `data`
/// is built only when one does. Returns how many deliveries were queued.
pub fn emit(
    conn: &Connection,
    event: Event,
    now: &str,
    data: impl FnOnce() -> Result<Value, AppError>,
) -> Result<usize, AppError> {
    let endpoints = stored::subscribers(conn, event)?;
    if endpoints.is_empty() {
        return Ok(0);
    }
    queue(conn, event, &endpoints, now, data()?)
}

/// Queues one event, with one id, for each of `endpoints`.
fn queue(
    conn: &Connection,
    event: Event,
    endpoints: &[(i64, String)],
    now: &str,
    data: Value,
) -> Result<usize, AppError> {
    let id = rules::new_event_id();
    let body = json!({"id": id, "type": event.as_str(), "created_at": now, "data": data}).to_string();
    for (endpoint, url) in endpoints {
        stored::enqueue(conn, *endpoint, url, event.as_str(), &id, &body, now)?;
    }
    Ok(endpoints.len())
}

/// An order as a delivery shows it.
fn order_json(conn: &Connection, o: &Order) -> Result<Value, AppError> {
    let lines = orders::lines(conn, o.id)?;
    let a = &o.address;
    Ok(json!({
        "code": o.code,
        "status": o.status.as_str(),
        "payment_status": o.payment_status.as_str(),
        "channel": o.channel,
        "currency": o.currency,
        "subtotal": o.subtotal,
        "delivery_fee": o.delivery_fee,
        "discount": o.discount,
        "total": o.total,
        "paid": o.paid,
        "customer": {"id": o.customer_id, "name": o.customer_name, "phone": o.customer_phone,
                     "email": if o.customer_email.is_empty() { Value::Null } else { json!(o.customer_email) }},
        "delivery": {"method": o.delivery_code, "name": o.delivery_name,
            "address": if a.line1.is_empty() { Value::Null } else { json!({
                "line1": a.line1, "line2": a.line2, "city": a.city, "region": a.region,
                "postal_code": a.postal_code, "country": a.country,
            }) }},
        "payment": {"method": o.payment_code, "name": o.payment_name, "kind": o.payment_kind},
        "note": o.note,
        "cancel_reason": o.cancel_reason,
        "tracking": if o.tracking_number.is_empty() { Value::Null } else {
            json!({"courier": o.courier, "number": o.tracking_number, "url": o.tracking_url})
        },
        "items": lines.iter().map(|l| json!({
            "sku": l.sku, "title": l.title, "options": l.options, "unit_price": l.unit_price,
            "quantity": l.quantity, "line_total": l.line_total,
        })).collect::<Vec<_>>(),
        "created_at": o.created_at,
    }))
}

fn order(conn: &Connection, order_id: i64) -> Result<Order, AppError> {
    orders::by_id(conn, order_id)?.ok_or(AppError::NotFound)
}

/// `order.placed`, and `customer.created` when the order's number is new to the shop. The order
/// is read once, and only when an endpoint receives one of them.
pub fn order_placed(conn: &Connection, order_id: i64, now: &str) -> Result<(), AppError> {
    let placed = stored::subscribers(conn, Event::OrderPlaced)?;
    let created = stored::subscribers(conn, Event::CustomerCreated)?;
    if placed.is_empty() && created.is_empty() {
        return Ok(());
    }
    let o = order(conn, order_id)?;
    if !placed.is_empty() {
        queue(conn, Event::OrderPlaced, &placed, now, json!({"order": order_json(conn, &o)?}))?;
    }
    if !created.is_empty() {
        new_customer(conn, &o, &created, now)?;
    }
    Ok(())
}

/// `customer.created` when the order's customer was made by this change (a first order, or an
/// order moved to a number the shop had not seen).
pub fn customer_if_new(conn: &Connection, order_id: i64, now: &str) -> Result<(), AppError> {
    let created = stored::subscribers(conn, Event::CustomerCreated)?;
    if created.is_empty() {
        return Ok(());
    }
    new_customer(conn, &order(conn, order_id)?, &created, now)
}

fn new_customer(conn: &Connection, o: &Order, endpoints: &[(i64, String)], now: &str) -> Result<(), AppError> {
    let Some(c) = o.customer_id.map(|id| db::customers::by_id(conn, id)).transpose()?.flatten() else {
        return Ok(());
    };
    if c.created_at != now {
        return Ok(());
    }
    let data = json!({"customer": {
        "id": c.id, "phone": c.phone, "name": c.name,
        "email": if c.email.is_empty() { Value::Null } else { json!(c.email) },
        "created_at": c.created_at,
    }});
    queue(conn, Event::CustomerCreated, endpoints, now, data)?;
    Ok(())
}

/// `order.status_changed`, with the status it left.
pub fn status_changed(conn: &Connection, order_id: i64, from: Status, now: &str) -> Result<(), AppError> {
    emit(conn, Event::OrderStatusChanged, now, || {
        Ok(json!({"from": from.as_str(), "order": order_json(conn, &order(conn, order_id)?)?}))
    })?;
    Ok(())
}

/// `payment.recorded`, for a payment or a refund.
pub fn payment_recorded(conn: &Connection, order_id: i64, p: &NewPayment, now: &str) -> Result<(), AppError> {
    emit(conn, Event::PaymentRecorded, now, || {
        Ok(json!({
            "payment": {"kind": p.kind.as_str(), "amount": p.amount, "method": p.method, "reference": p.reference},
            "order": order_json(conn, &order(conn, order_id)?)?,
        }))
    })?;
    Ok(())
}

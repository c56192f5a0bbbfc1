//! The seller's other order actions: one-tap WhatsApp messages (logged on the timeline, carrying a
//! fresh order link when the message has one), internal notes, tags, and the order's links.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::transition::{self, Refusal, Step};
use crate::app::Actor;
use crate::db::{self, desk, orders};
use crate::domain::desk::{EventKind, FailedReason};
use crate::domain::messages::{Fill, Template};
use crate::domain::orders::{Order, Status};
use crate::domain::{FieldErrors, money, whatsapp};

fn invalid(field: &'static str, message: &str) -> Refusal {
    Refusal::Invalid(FieldErrors::from([(field, message.to_string())]))
}

/// Adds a seller-only event (a message, note, edit, link) to an order's timeline.
pub(super) fn event(
    tx: &Connection,
    order: &Order,
    kind: EventKind,
    detail: &str,
    actor: &Actor,
    at: &str,
) -> rusqlite::Result<()> {
    desk::add_event(
        tx,
        order.id,
        &desk::NewEvent {
            kind,
            status: order.status,
            from_status: None,
            note: "",
            detail,
            actor: &actor.name,
            user_id: actor.user_id,
        },
        at,
    )
}

/// Where a message's order link points and how long a new one lasts.
#[derive(Debug, Clone)]
pub struct Links {
    /// `https://shop.example`, never from a request's Host header.
    pub base: String,
    pub days: i64,
}

/// Issues a new manage link for an order (after turning off every other one, when asked); returns
/// the full URL. The token is shown only in what is returned; the database keeps its hash.
pub fn new_link(
    tx: &Connection,
    order: &Order,
    revoke_others: bool,
    links: &Links,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    let at = db::ts(now);
    if revoke_others {
        let n = orders::revoke_tokens(tx, order.id, None, &at)?;
        event(tx, order, EventKind::Link, &format!("{n} earlier link(s) turned off"), actor, &at)?;
        actor.record(tx, "order.links_revoked", &order.code, &format!("{n} link(s)"))?;
    }
    let (code, token) = db::notify::new_order_link(tx, order.id, links.days, now)?.ok_or(Refusal::NotFound)?;
    Ok(format!("{}/o/{code}?t={token}", links.base))
}

/// Turns off every link of an order; returns how many were live.
pub fn revoke_links(tx: &Connection, order_id: i64, actor: &Actor, now: DateTime<Utc>) -> Result<usize, Refusal> {
    let at = db::ts(now);
    let order = orders::by_id(tx, order_id)?.ok_or(Refusal::NotFound)?;
    let n = orders::revoke_tokens(tx, order.id, None, &at)?;
    event(tx, &order, EventKind::Link, &format!("{n} link(s) turned off"), actor, &at)?;
    actor.record(tx, "order.links_revoked", &order.code, &format!("{n} link(s)"))?;
    Ok(n)
}

/// A one-tap WhatsApp message about to open.
#[derive(Debug, Clone)]
pub struct Message {
    pub code: String,
    /// `https://wa.me/<customer's number>?text=…`.
    pub url: String,
}

/// Builds a message to the customer from the seller's template and logs it on the timeline.
/// "WhatsApp received" also acknowledges the draft; a message with `{link}` carries a new order
/// link (the old ones turned off first when `revoke_others`).
pub fn message(
    tx: &Connection,
    order_id: i64,
    template: Template,
    revoke_others: bool,
    links: &Links,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Message, Refusal> {
    // All or nothing: "WhatsApp received" acknowledges the draft only if the message can be made.
    db::in_savepoint(tx, "souk_message", || message_in(tx, order_id, template, revoke_others, links, actor, now))
}

fn message_in(
    tx: &Connection,
    order_id: i64,
    template: Template,
    revoke_others: bool,
    links: &Links,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Message, Refusal> {
    let at = db::ts(now);
    let mut order = orders::by_id(tx, order_id)?.ok_or(Refusal::NotFound)?;
    if template == Template::Acknowledge {
        transition::transition(tx, order_id, &Step::to(Status::Pending, "WhatsApp received"), actor, now)?;
        order = orders::by_id(tx, order_id)?.ok_or(Refusal::NotFound)?;
    }
    if let Template::Status(s) = template
        && s != order.status
    {
        return Err(invalid("template", &format!("The order is {} now, not {}.", order.status, s)));
    }
    if order.customer_phone.is_empty() {
        return Err(invalid("template", "This order has no WhatsApp number."));
    }
    let body = desk::template(tx, &template.name())?.unwrap_or_else(|| template.default_body().to_string());
    let link = if body.contains("{link}") || revoke_others {
        new_link(tx, &order, revoke_others, links, actor, now)?
    } else {
        String::new()
    };
    let shop = db::settings::get(tx)?;
    let fmt = |v: i64| money::format(v, &order.currency, shop.currency_minor_units);
    let items: Vec<String> = orders::lines(tx, order.id)?
        .iter()
        .map(|l| {
            let options = if l.options.is_empty() { String::new() } else { format!(" ({})", l.options) };
            format!("{} × {}{options}", l.quantity, l.title)
        })
        .collect();
    let account = match order.payment_kind.as_str() {
        "upi" if !order.payment_account.is_empty() => format!("UPI ID: {}", order.payment_account),
        "crypto" if !order.payment_account.is_empty() => {
            format!("{} address: {}", order.payment_network, order.payment_account)
        }
        _ => String::new(),
    };
    let instructions = [order.payment_instructions.trim(), account.as_str()]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let reason = match order.status {
        Status::Cancelled => order.cancel_reason.clone().unwrap_or_default(),
        Status::FailedDelivery => {
            FailedReason::parse(&order.failed_reason).map(|r| r.label().to_string()).unwrap_or_default()
        }
        _ => String::new(),
    };
    let text = crate::domain::messages::fill(
        &body,
        &Fill {
            shop: shop.name.clone(),
            code: order.code.clone(),
            items: items.join("\n"),
            total: fmt(order.total),
            due: fmt((order.total - order.paid).max(0)),
            status: order.status.label().to_string(),
            payment: order.payment_name.clone(),
            payment_instructions: instructions,
            link,
            courier: order.courier.clone(),
            tracking: order.tracking_number.clone(),
            tracking_url: order.tracking_url.clone(),
            reason,
        },
    );
    let url = whatsapp::link(&order.customer_phone, &text).ok_or_else(|| invalid("template", "No WhatsApp number."))?;
    let detail = format!("WhatsApp opened: {}", template.title());
    event(tx, &order, EventKind::Message, &detail, actor, &at)?;
    actor.record(tx, "order.message", &order.code, &template.name())?;
    Ok(Message { code: order.code, url })
}

/// Most characters of one internal note.
pub const MAX_NOTE: usize = 2000;

/// Adds an internal note (never shown to the customer) to an order's timeline.
pub fn add_note(
    tx: &Connection,
    order_id: i64,
    text: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    let text = text.trim().replace("\r\n", "\n");
    if text.is_empty() {
        return Err(invalid("note", "Write the note first."));
    }
    if text.chars().count() > MAX_NOTE {
        return Err(invalid("note", &format!("A note is at most {MAX_NOTE} characters.")));
    }
    let order = orders::by_id(tx, order_id)?.ok_or(Refusal::NotFound)?;
    let text: String = text.chars().filter(|c| !c.is_control() || *c == '\n').collect();
    event(tx, &order, EventKind::Note, &text, actor, &db::ts(now))?;
    actor.record(tx, "order.note", &order.code, "")?;
    Ok(order.code)
}

/// Replaces an order's tags with those in a comma-separated list.
pub fn set_tags(
    tx: &Connection,
    order_id: i64,
    raw: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    let tags = crate::domain::desk::tags(raw).map_err(|m| invalid("tags", &m))?;
    let order = orders::by_id(tx, order_id)?.ok_or(Refusal::NotFound)?;
    let before = desk::tags(tx, order_id)?;
    if before == tags {
        return Ok(order.code);
    }
    desk::set_tags(tx, order_id, &tags)?;
    let detail = format!("Tags: {} → {}", or_none(&before.join(", ")), or_none(&tags.join(", ")));
    event(tx, &order, EventKind::Edit, &detail, actor, &db::ts(now))?;
    actor.record(tx, "order.tags", &order.code, &detail)?;
    Ok(order.code)
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "none" } else { s }
}

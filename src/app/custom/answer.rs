//! The customer's answer to a quote through the request's link: accept (the order is made in the
//! same transaction), decline, or ask for changes. Every answer names the quote it answers (when
//! it was sent): a quote the seller replaced since is not accepted unseen.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use super::{tell_sellers, too_many};
use crate::app::Actor;
use crate::db::{self, Db, checkout as methods, custom as stored, orders};
use crate::domain::FieldErrors;
use crate::domain::checkout::{CheckoutInput, validate_customer};
use crate::domain::custom::{CustomRequest, CustomStatus, MAX_NOTES, NotNow, answer_by, line_title, may_reply};
use crate::domain::notify::BASE;
use crate::domain::orders::{self as rules, LinkScope, Status, Totals};
use crate::domain::shop::ShopSettings;
use crate::domain::tokens::hash_token;
use crate::error::AppError;
use crate::mail::custom as mails;

/// The customer's answer.
#[derive(Debug, Clone)]
pub enum Answer {
    /// Accept, with the delivery and payment details the order needs.
    Accept(Box<CheckoutInput>),
    Decline(String),
    AskChanges(String),
}

/// How the answer went.
#[derive(Debug)]
pub enum Replied {
    /// The order is made (or was, by an earlier tap): its code and a new manage link token for it.
    Accepted {
        order: String,
        token: String,
    },
    Declined,
    ChangesAsked,
    Refused(String),
    Invalid(FieldErrors),
}

/// What the customer typed, on one field: at most [`MAX_NOTES`] characters, and something when `required`.
fn note_of(field: &'static str, text: &str, required: bool) -> Result<String, FieldErrors> {
    let note = crate::domain::checkout::clean(text, true);
    if required && note.is_empty() {
        return Err(FieldErrors::from([(field, "Say what you would like changed.".to_string())]));
    }
    if note.chars().count() > MAX_NOTES {
        return Err(FieldErrors::from([(field, format!("Keep it under {MAX_NOTES} characters."))]));
    }
    Ok(note)
}

/// A new manage link to the order a request became.
fn order_link(tx: &Connection, code: &str, days: i64, now: DateTime<Utc>) -> Result<Option<String>, AppError> {
    let Some(o) = orders::by_code(tx, code)? else { return Ok(None) };
    let at = db::ts(now);
    Ok(Some(orders::new_token(tx, o.id, LinkScope::Manage, &at, &db::ts(now + Duration::days(days)))?))
}

/// Takes the customer's answer to the quote sent at `quoted_at` through the request's link;
/// `None` when the link opens nothing. A second "accept" (a double tap, a slow connection) is
/// taken to the order with a new link.
pub async fn reply(
    db: &Db,
    code: String,
    token: &str,
    quoted_at: String,
    answer: Answer,
    now: DateTime<Utc>,
    days: i64,
) -> Result<Option<Replied>, AppError> {
    let hash = hash_token(token);
    db.write(move |tx| {
        let at = db::ts(now);
        let Some(r) = stored::by_link(tx, &code, &hash, &at)? else { return Ok(None) };
        if let (CustomStatus::Accepted, Some(order), Answer::Accept(_)) = (r.status, &r.order_code, &answer)
            && let Some(token) = order_link(tx, order, days, now)?
        {
            return Ok(Some(Replied::Accepted { order: order.clone(), token }));
        }
        if let Err(why) = may_reply(r.status, db::parse_ts(&r.expires_at), now) {
            return Ok(Some(Replied::Refused(why.message())));
        }
        if r.quoted_at.as_deref() != Some(quoted_at.as_str()) {
            return Ok(Some(Replied::Refused("The shop has sent a new quote since: check it below.".into())));
        }
        let shop = db::settings::get(tx)?;
        let said = match answer {
            Answer::Accept(input) => return accept(tx, &shop, &r, &input, now, days).map(Some),
            Answer::Decline(text) => match note_of("reason", &text, false) {
                Ok(note) => {
                    stored::set_status(tx, r.id, CustomStatus::Declined, &note, None, &at)?;
                    stored::add_event(tx, r.id, CustomStatus::Declined, &note, "customer", &at)?;
                    "declined the quote"
                }
                Err(e) => return Ok(Some(Replied::Invalid(e))),
            },
            Answer::AskChanges(text) => match note_of("changes", &text, true) {
                Ok(note) => {
                    let by = db::ts(answer_by(now));
                    stored::set_status(tx, r.id, CustomStatus::Pending, &note, Some(&by), &at)?;
                    let event = format!("Changes asked: {note}");
                    stored::add_event(tx, r.id, CustomStatus::Pending, &event, "customer", &at)?;
                    "asks for changes"
                }
                Err(e) => return Ok(Some(Replied::Invalid(e))),
            },
        };
        Actor::customer().record(tx, "custom.reply", &r.code, said)?;
        let r = stored::by_id(tx, r.id)?.ok_or(AppError::NotFound)?;
        tell_sellers(tx, &shop, &r, |to| mails::seller_reply(&shop, &r, said, to), &at)?;
        Ok(Some(if r.status == CustomStatus::Declined { Replied::Declined } else { Replied::ChangesAsked }))
    })
    .await
}

/// Acceptance: the order, in the same transaction as the request's change. The quote's delivery
/// fee applies to a way of delivery that goes to an address; collecting costs nothing.
fn accept(
    tx: &Connection,
    shop: &ShopSettings,
    r: &CustomRequest,
    input: &CheckoutInput,
    now: DateTime<Utc>,
    days: i64,
) -> Result<Replied, AppError> {
    let Some(q) = r.quote.as_ref() else { return Ok(Replied::Refused(NotNow::NoQuote.message())) };
    let mut settings = methods::settings(tx)?;
    settings.require_email = false;
    let (deliveries, payments) = (methods::delivery_methods(tx)?, methods::payment_methods(tx)?);
    let input = CheckoutInput {
        name: if input.name.trim().is_empty() { r.customer_name.clone() } else { input.name.clone() },
        phone: r.customer_phone.clone(),
        email: r.customer_email.clone(),
        discount_code: String::new(),
        ..input.clone()
    };
    let customer = match validate_customer(&input, shop, &settings, &deliveries, &payments) {
        Ok(c) => c,
        Err(errors) => return Ok(Replied::Invalid(errors)),
    };
    let (Some(delivery), Some(payment)) = (
        deliveries.iter().find(|d| d.code == customer.delivery_code),
        payments.iter().find(|p| p.code == customer.payment_code),
    ) else {
        let m = "Choose how to get it and how to pay.".to_string();
        return Ok(Replied::Invalid(FieldErrors::from([("delivery", m)])));
    };
    let fee = if delivery.needs_address() { q.delivery_fee } else { 0 };
    let too_large = || AppError::BadRequest("The quote is too large.".into());
    let subtotal = q.subtotal().ok_or_else(too_large)?;
    let totals = Totals::new(subtotal, 0, fee).ok_or_else(too_large)?;
    let at = db::ts(now);
    let number = orders::next_number(tx)?;
    let code = rules::code(&settings.order_prefix, number);
    let order_id = orders::insert(
        tx,
        &orders::NewOrder {
            number,
            code: &code,
            status: Status::Pending,
            channel: "web",
            currency: &r.currency,
            totals,
            customer: &customer,
            delivery,
            payment,
            lines_key: &format!("custom:{}", r.code),
            ip: "",
            expires_at: None,
            now: &at,
        },
    )?;
    stored::insert_order_line(tx, order_id, &r.code, &line_title(&r.code, &r.description), q, subtotal)?;
    stored::mark_order(tx, order_id, q.no_cancel)?;
    orders::add_event(tx, order_id, Status::Pending, &format!("Quote {} accepted", r.code), "customer", &at)?;
    stored::set_status(tx, r.id, CustomStatus::Accepted, "", None, &at)?;
    stored::set_order(tx, r.id, order_id)?;
    stored::add_event(tx, r.id, CustomStatus::Accepted, &format!("Order {code}"), "customer", &at)?;
    Actor::customer().record(tx, "custom.accept", &r.code, &code)?;
    crate::app::webhooks::order_placed(tx, order_id, &at)?;
    let token = orders::new_token(tx, order_id, LinkScope::Manage, &at, &db::ts(now + Duration::days(days)))?;
    crate::app::notify::order_placed(tx, order_id, Some(&format!("{BASE}/o/{code}?t={token}")), true, &at)?;
    Ok(Replied::Accepted { order: code, token })
}

/// What asking again came to.
#[derive(Debug)]
pub enum Again {
    /// The new request (or the one an earlier tap made): its code and a link token.
    Asked {
        code: String,
        token: String,
    },
    Refused(String),
}

/// Asks again after a request ended without an order (declined, expired, or its quote ran out):
/// a new request with the same words and photos, once (a second tap goes to the one made), within
/// the same limits as the form. `Ok(None)`: the link opens nothing.
pub async fn ask_again(
    db: &Db,
    code: String,
    token: &str,
    ip: String,
    now: DateTime<Utc>,
    days: i64,
) -> Result<Option<Again>, AppError> {
    let hash = hash_token(token);
    db.write(move |tx| {
        let at = db::ts(now);
        let Some(old) = stored::by_link(tx, &code, &hash, &at)? else { return Ok(None) };
        if let Some(new) = old.asked_again_id.map(|id| stored::by_id(tx, id)).transpose()?.flatten() {
            let (token, _) = super::new_link(tx, &new, days, now)?;
            return Ok(Some(Again::Asked { code: new.code, token }));
        }
        let expires = db::parse_ts(&old.expires_at);
        if !crate::domain::custom::may_ask_again(old.status, expires, now) {
            let why = match may_reply(old.status, expires, now) {
                Ok(()) => "This quote can still be answered.".to_string(),
                Err(NotNow::Closed(CustomStatus::Accepted)) => NotNow::Closed(CustomStatus::Accepted).message(),
                Err(_) => "This request is still with the shop.".to_string(),
            };
            return Ok(Some(Again::Refused(why)));
        }
        let shop = db::settings::get(tx)?;
        if !shop.custom_orders {
            return Ok(Some(Again::Refused("The shop does not take custom-order requests at the moment.".into())));
        }
        if too_many(tx, &ip, &old.customer_phone, now, true)? {
            let m = "Too many requests within the hour. Try again later, or message the shop.";
            return Ok(Some(Again::Refused(m.into())));
        }
        if old.status == CustomStatus::Quoted {
            stored::set_status(tx, old.id, CustomStatus::Expired, "", None, &at)?;
            let note = "The quote was not accepted in time";
            stored::add_event(tx, old.id, CustomStatus::Expired, note, "customer", &at)?;
        }
        let new = crate::domain::custom::NewRequest {
            name: old.customer_name.clone(),
            phone: old.customer_phone.clone(),
            email: old.customer_email.clone(),
            description: old.description.clone(),
            quantity: old.quantity,
            budget: old.budget,
        };
        let (r, token) = super::create(tx, &shop, &new, &ip, now, days, Some(&old))?;
        stored::set_asked_again(tx, old.id, r.id)?;
        tell_sellers(tx, &shop, &r, |to| mails::seller_new(&shop, &r, to), &at)?;
        Ok(Some(Again::Asked { code: r.code, token }))
    })
    .await
}

//! Custom orders (issue 13), the customer's side: a request with reference photos, its page
//! through a magic link (`/q/{code}?t=`), the answer to a quote (accept, decline, ask for changes),
//! asking again after a request ended, and the scheduler's expiry. Acceptance makes an ordinary
//! order of kind `custom` (no catalogue line, no stock) that continues in the normal lifecycle.
//! The seller's side is in [`seller`].

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use crate::app::Actor;
use crate::db::{self, Db, checkout as methods, custom as stored, orders, outbox};
use crate::domain::FieldErrors;
use crate::domain::catalog::Processed;
use crate::domain::checkout::{CheckoutInput, validate_customer};
use crate::domain::custom::{
    CustomRequest, CustomStatus, MAX_NOTES, NewRequest, NotNow, Opened, Reply, answer_by, check_request, line_title,
    may_ask_again, may_reply,
};
use crate::domain::notify::BASE;
use crate::domain::orders::{self as rules, LinkScope, Status, Totals};
use crate::domain::shop::ShopSettings;
use crate::domain::tokens::{hash_token, new_token};
use crate::error::AppError;
use crate::mail::custom as mails;

mod seller;
pub use seller::{Quoted, SellerRefusal, decline, detail, photo, queue, quote, whatsapp};

/// A new link to a request, valid `days`; returns (token, the link with the base placeholder).
fn new_link(tx: &Connection, r: &CustomRequest, days: i64, now: DateTime<Utc>) -> Result<(String, String), AppError> {
    let (token, hash) = new_token();
    stored::insert_token(tx, r.id, &hash, &db::ts(now), &db::ts(now + Duration::days(days)))?;
    let link = format!("{BASE}/q/{}?t={token}", r.code);
    Ok((token, link))
}

/// Tells every seller address.
fn tell_sellers(
    tx: &Connection,
    shop: &ShopSettings,
    make: impl Fn(&str) -> crate::domain::outbox::NewMessage,
    at: &str,
) -> Result<(), AppError> {
    for to in crate::app::notify::sellers(tx, shop)? {
        outbox::enqueue(tx, &make(&to), at)?;
    }
    Ok(())
}

/// Tells the customer, when they gave an email address.
fn tell_customer(
    tx: &Connection,
    r: &CustomRequest,
    m: crate::domain::outbox::NewMessage,
    at: &str,
) -> Result<(), AppError> {
    if !r.customer_email.is_empty() {
        outbox::enqueue(tx, &m, at)?;
    }
    Ok(())
}

/// Requests one address or number may send in an hour.
const PER_ADDRESS_HOUR: i64 = 5;
const PER_NUMBER_HOUR: i64 = 3;

/// How sending a request went.
#[derive(Debug)]
pub enum Submitted {
    /// Stored: its code and the customer's link token (the page opens on it).
    Sent {
        code: String,
        token: String,
    },
    Invalid(FieldErrors),
    /// Too many requests from this address or number within the hour.
    TooMany,
}

/// Stores a request with its (already checked) photos, tells the seller and, with an email
/// address, the customer; all in one transaction.
pub async fn submit(
    db: &Db,
    shop: &ShopSettings,
    input: crate::domain::custom::RequestInput,
    photos: Vec<Processed>,
    ip: String,
    now: DateTime<Utc>,
    days: i64,
) -> Result<Submitted, AppError> {
    let new = match check_request(&input, shop) {
        Ok(n) => n,
        Err(errors) => return Ok(Submitted::Invalid(errors)),
    };
    let shop = shop.clone();
    db.write(move |tx| {
        let at = db::ts(now);
        let since = db::ts(now - Duration::hours(1));
        let keys = [format!("custom-ip:{ip}"), format!("custom-phone:{}", new.phone)];
        let counts = db::requests::count_event(tx, &[&keys[0], &keys[1]], &since, &at)?;
        if counts[0] > PER_ADDRESS_HOUR || counts[1] > PER_NUMBER_HOUR {
            return Ok(Submitted::TooMany);
        }
        let (r, token) = create(tx, &shop, &new, &ip, now, days, None)?;
        for (i, p) in photos.iter().enumerate() {
            let small = p.renditions.first().map(|(_, b)| b.as_slice()).unwrap_or_default();
            let large = p.renditions.last().map(|(_, b)| b.as_slice()).unwrap_or_default();
            stored::insert_photo(tx, r.id, i, (p.width, p.height), large, small)?;
        }
        let r = stored::by_id(tx, r.id)?.ok_or(AppError::NotFound)?;
        tell_sellers(tx, &shop, |to| mails::seller_new(&shop, &r, to), &at)?;
        Ok(Submitted::Sent { code: r.code, token })
    })
    .await
}

/// Stores a request (and its first link, and the customer's receipt); `from`: the request it asks again.
fn create(
    tx: &Connection,
    shop: &ShopSettings,
    new: &NewRequest,
    ip: &str,
    now: DateTime<Utc>,
    days: i64,
    from: Option<&CustomRequest>,
) -> Result<(CustomRequest, String), AppError> {
    let at = db::ts(now);
    let number = stored::next_number(tx)?;
    let code = crate::domain::custom::code(number);
    let id = stored::insert(tx, new, (number, &code), &shop.currency, ip, &db::ts(answer_by(now)), &at)?;
    if let Some(old) = from {
        stored::copy_photos(tx, old.id, id)?;
    }
    let note = match from {
        Some(old) => format!("Asked again (after {})", old.code),
        None => "Request sent".into(),
    };
    stored::add_event(tx, id, CustomStatus::Pending, &note, "customer", &at)?;
    Actor::customer().record(tx, "custom.request", &code, &format!("quantity {}", new.quantity))?;
    let r = stored::by_id(tx, id)?.ok_or(AppError::NotFound)?;
    let (token, link) = new_link(tx, &r, days, now)?;
    tell_customer(tx, &r, mails::received(shop, &r, &link), &at)?;
    Ok((r, token))
}

fn opened(c: &Connection, r: CustomRequest, now: DateTime<Utc>) -> Result<Opened, AppError> {
    let expires = db::parse_ts(&r.expires_at);
    Ok(Opened {
        events: stored::events(c, r.id)?,
        reply: may_reply(r.status, expires, now),
        ask_again: may_ask_again(r.status, expires, now),
        deliveries: methods::delivery_methods(c)?,
        payments: methods::payment_methods(c)?,
        request: r,
    })
}

/// The request `code` opened by its link `token`; `None` when the link opens nothing.
pub async fn open(db: &Db, code: String, token: &str, now: DateTime<Utc>) -> Result<Option<Opened>, AppError> {
    let hash = hash_token(token);
    db.read(move |c| match stored::by_link(c, &code, &hash, &db::ts(now))? {
        Some(r) => Ok(Some(opened(c, r, now)?)),
        None => Ok(None),
    })
    .await
}

/// One of a request's reference photos, through its link.
pub async fn customer_photo(
    db: &Db,
    code: String,
    token: &str,
    photo_id: i64,
    large: bool,
    now: DateTime<Utc>,
) -> Result<Option<Vec<u8>>, AppError> {
    let hash = hash_token(token);
    db.read(move |c| match stored::by_link(c, &code, &hash, &db::ts(now))? {
        Some(r) => Ok(stored::photo(c, r.id, photo_id, large)?),
        None => Ok(None),
    })
    .await
}

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
    /// The order is made: its code and a manage link token for it.
    Accepted {
        order: String,
        token: String,
    },
    Declined,
    ChangesAsked,
    Refused(String),
    Invalid(FieldErrors),
}

fn note_of(text: &str, required: bool) -> Result<String, FieldErrors> {
    let note = crate::domain::checkout::clean(text, true);
    if required && note.is_empty() {
        return Err(FieldErrors::from([("changes", "Say what you would like changed.".to_string())]));
    }
    if note.chars().count() > MAX_NOTES {
        return Err(FieldErrors::from([("changes", format!("Keep it under {MAX_NOTES} characters."))]));
    }
    Ok(note)
}

/// Takes the customer's answer to the quote through the request's link; `None` when the link
/// opens nothing.
pub async fn reply(
    db: &Db,
    code: String,
    token: &str,
    answer: Answer,
    now: DateTime<Utc>,
    days: i64,
) -> Result<Option<Replied>, AppError> {
    let hash = hash_token(token);
    db.write(move |tx| {
        let at = db::ts(now);
        let Some(r) = stored::by_link(tx, &code, &hash, &at)? else { return Ok(None) };
        if let Err(why) = may_reply(r.status, db::parse_ts(&r.expires_at), now) {
            return Ok(Some(Replied::Refused(why.message())));
        }
        let shop = db::settings::get(tx)?;
        let customer = Actor::customer();
        let (reply, said) = match answer {
            Answer::Accept(input) => return accept(tx, &shop, &r, &input, now, days).map(Some),
            Answer::Decline(text) => match note_of(&text, false) {
                Ok(note) => {
                    stored::set_status(tx, r.id, CustomStatus::Declined, &note, None, &at)?;
                    stored::add_event(tx, r.id, CustomStatus::Declined, &note, "customer", &at)?;
                    (Reply::Decline, "declined the quote")
                }
                Err(e) => return Ok(Some(Replied::Invalid(e))),
            },
            Answer::AskChanges(text) => match note_of(&text, true) {
                Ok(note) => {
                    let by = db::ts(answer_by(now));
                    stored::set_status(tx, r.id, CustomStatus::Pending, &note, Some(&by), &at)?;
                    stored::add_event(
                        tx,
                        r.id,
                        CustomStatus::Pending,
                        &format!("Changes asked: {note}"),
                        "customer",
                        &at,
                    )?;
                    (Reply::AskChanges, "asks for changes")
                }
                Err(e) => return Ok(Some(Replied::Invalid(e))),
            },
        };
        customer.record(tx, "custom.reply", &r.code, said)?;
        let r = stored::by_id(tx, r.id)?.ok_or(AppError::NotFound)?;
        tell_sellers(tx, &shop, |to| mails::seller_reply(&shop, &r, said, to), &at)?;
        Ok(Some(if reply == Reply::Decline { Replied::Declined } else { Replied::ChangesAsked }))
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
        return Ok(Replied::Invalid(FieldErrors::from([(
            "delivery",
            "Choose how to get it and how to pay.".to_string(),
        )])));
    };
    let fee = if delivery.needs_address() { q.delivery_fee } else { 0 };
    let subtotal = q.subtotal().ok_or_else(|| AppError::BadRequest("The quote is too large.".into()))?;
    let totals = Totals::new(subtotal, 0, fee).ok_or_else(|| AppError::BadRequest("The quote is too large.".into()))?;
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
    stored::insert_order_line(tx, order_id, &r.code, &line_title(&r.code, &r.description), q)?;
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

/// Asks again after a request ended without an order (declined, expired, or its quote ran out):
/// a new request with the same words and photos. `Ok(None)`: the link opens nothing.
pub async fn ask_again(
    db: &Db,
    code: String,
    token: &str,
    now: DateTime<Utc>,
    days: i64,
) -> Result<Option<Result<(String, String), String>>, AppError> {
    let hash = hash_token(token);
    db.write(move |tx| {
        let at = db::ts(now);
        let Some(old) = stored::by_link(tx, &code, &hash, &at)? else { return Ok(None) };
        let expires = db::parse_ts(&old.expires_at);
        if !may_ask_again(old.status, expires, now) {
            let why = match may_reply(old.status, expires, now) {
                Ok(()) => "This quote can still be answered.".to_string(),
                Err(NotNow::Closed(CustomStatus::Accepted)) => NotNow::Closed(CustomStatus::Accepted).message(),
                Err(_) => "This request is still with the shop.".to_string(),
            };
            return Ok(Some(Err(why)));
        }
        if old.status == CustomStatus::Quoted {
            stored::set_status(tx, old.id, CustomStatus::Expired, "", None, &at)?;
            stored::add_event(
                tx,
                old.id,
                CustomStatus::Expired,
                "The quote was not accepted in time",
                "customer",
                &at,
            )?;
        }
        let shop = db::settings::get(tx)?;
        let new = NewRequest {
            name: old.customer_name.clone(),
            phone: old.customer_phone.clone(),
            email: old.customer_email.clone(),
            description: old.description.clone(),
            quantity: old.quantity,
            budget: old.budget,
        };
        let (r, token) = create(tx, &shop, &new, "", now, days, Some(&old))?;
        tell_sellers(tx, &shop, |to| mails::seller_new(&shop, &r, to), &at)?;
        Ok(Some(Ok((r.code, token))))
    })
    .await
}

/// The scheduler's part: requests not quoted within 72 hours and quotes not accepted by their
/// expiry expire; the customer is told with a way to ask again. Returns how many expired.
pub fn expire_due(tx: &Connection, now: DateTime<Utc>, days: i64) -> Result<usize, AppError> {
    let at = db::ts(now);
    let due = stored::due_to_expire(tx, &at)?;
    let shop = db::settings::get(tx)?;
    for id in &due {
        let Some(r) = stored::by_id(tx, *id)? else { continue };
        let note = if r.status == CustomStatus::Pending {
            "Not answered within 72 hours"
        } else {
            "The quote was not accepted in time"
        };
        stored::set_status(tx, r.id, CustomStatus::Expired, "", None, &at)?;
        stored::add_event(tx, r.id, CustomStatus::Expired, note, "scheduler", &at)?;
        Actor::scheduler().record(tx, "custom.expire", &r.code, note)?;
        if !r.customer_email.is_empty() && !r.erased {
            let (_, link) = new_link(tx, &r, days, now)?;
            tell_customer(tx, &r, mails::closed(&shop, &r, false, &link), &at)?;
        }
    }
    Ok(due.len())
}

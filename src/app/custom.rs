//! Custom orders (issue 13), the customer's side: a request with reference photos, its page
//! through a magic link (`/q/{code}?t=`), the answer to a quote (accept, decline, ask for changes),
//! asking again after a request ended, and the scheduler's expiry. Acceptance makes an ordinary
//! order of kind `custom` (no catalogue line, no stock) that continues in the normal lifecycle.
//! The seller's side is in [`seller`].

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use crate::app::Actor;
use crate::db::{self, Db, checkout as methods, custom as stored, outbox};
use crate::domain::FieldErrors;
use crate::domain::catalog::Processed;
use crate::domain::custom::{
    CustomRequest, CustomStatus, NewRequest, Opened, answer_by, check_request, may_ask_again, may_reply,
};
use crate::domain::notify::BASE;
use crate::domain::outbox::NewMessage;
use crate::domain::shop::ShopSettings;
use crate::domain::tokens::{hash_token, new_token};
use crate::error::AppError;
use crate::mail::custom as mails;

mod answer;
mod seller;
pub use answer::{Again, Answer, Replied, ask_again, reply};
pub use seller::{Quoted, SellerRefusal, decline, detail, erase, photo, queue, quote, whatsapp};

/// A new link to a request, valid `days` (and at least a week past the 72 hours a request waits
/// for its quote); returns (token, the link with the base placeholder).
fn new_link(tx: &Connection, r: &CustomRequest, days: i64, now: DateTime<Utc>) -> Result<(String, String), AppError> {
    let days = crate::domain::custom::link_days(days, crate::domain::custom::ANSWER_HOURS / 24);
    let (token, hash) = new_token();
    stored::insert_token(tx, r.id, &hash, &db::ts(now), &db::ts(now + Duration::days(days)))?;
    let link = format!("{BASE}/q/{}?t={token}", r.code);
    Ok((token, link))
}

/// Tells every seller address about request `r`.
fn tell_sellers(
    tx: &Connection,
    shop: &ShopSettings,
    r: &CustomRequest,
    make: impl Fn(&str) -> NewMessage,
    at: &str,
) -> Result<(), AppError> {
    for to in crate::app::notify::sellers(tx, shop)? {
        outbox::enqueue(tx, &NewMessage { custom_request_id: Some(r.id), ..make(&to) }, at)?;
    }
    Ok(())
}

/// Tells the customer, when they gave an email address.
fn tell_customer(tx: &Connection, r: &CustomRequest, m: NewMessage, at: &str) -> Result<(), AppError> {
    if !r.customer_email.is_empty() && !r.erased {
        outbox::enqueue(tx, &NewMessage { custom_request_id: Some(r.id), ..m }, at)?;
    }
    Ok(())
}

/// Counts a request from this client address and number against the hour's limits; `true` when
/// it is one too many. `count`: false only looks.
fn too_many(tx: &Connection, ip: &str, phone: &str, now: DateTime<Utc>, count: bool) -> Result<bool, AppError> {
    let (at, since) = (db::ts(now), db::ts(now - Duration::hours(1)));
    let keys = [format!("custom-ip:{ip}"), format!("custom-phone:{phone}")];
    if !count {
        return Ok(db::requests::events_since(tx, &keys[0], &since)? >= PER_ADDRESS_HOUR);
    }
    let counts = db::requests::count_event(tx, &[&keys[0], &keys[1]], &since, &at)?;
    Ok(counts[0] > PER_ADDRESS_HOUR || counts[1] > PER_NUMBER_HOUR)
}

/// Whether this client address has sent its hour's requests already (checked before any photo is
/// processed; sending counts).
pub async fn busy(db: &Db, ip: String, now: DateTime<Utc>) -> Result<bool, AppError> {
    db.read(move |c| too_many(c, &ip, "", now, false)).await
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
        if too_many(tx, &ip, &new.phone, now, true)? {
            return Ok(Submitted::TooMany);
        }
        let (r, token) = create(tx, &shop, &new, &ip, now, days, None)?;
        for (i, p) in photos.iter().enumerate() {
            let small = p.renditions.first().map(|(_, b)| b.as_slice()).unwrap_or_default();
            let large = p.renditions.last().map(|(_, b)| b.as_slice()).unwrap_or_default();
            stored::insert_photo(tx, r.id, i, (p.width, p.height), large, small)?;
        }
        let r = stored::by_id(tx, r.id)?.ok_or(AppError::NotFound)?;
        tell_sellers(tx, &shop, &r, |to| mails::seller_new(&shop, &r, to), &at)?;
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

/// The scheduler's part: requests not quoted within 72 hours and quotes not accepted by their
/// expiry expire; the customer is told with a way to ask again. Returns how many expired.
pub fn expire_due(tx: &Connection, now: DateTime<Utc>, days: i64) -> Result<usize, AppError> {
    let at = db::ts(now);
    let due = stored::due_to_expire(tx, &at)?;
    let shop = db::settings::get(tx)?;
    for id in &due {
        let Some(r) = stored::by_id(tx, *id)? else { continue };
        let quoted = r.status == CustomStatus::Quoted;
        let note = if quoted { "The quote was not accepted in time" } else { "Not answered within 72 hours" };
        stored::set_status(tx, r.id, CustomStatus::Expired, "", None, &at)?;
        stored::add_event(tx, r.id, CustomStatus::Expired, note, "scheduler", &at)?;
        Actor::scheduler().record(tx, "custom.expire", &r.code, note)?;
        if !r.customer_email.is_empty() && !r.erased {
            let (_, link) = new_link(tx, &r, days, now)?;
            let closing = if quoted { mails::Closing::QuoteExpired } else { mails::Closing::Unanswered };
            tell_customer(tx, &r, mails::closed(&shop, &r, closing, &link), &at)?;
        }
    }
    Ok(due.len())
}

//! Custom orders, the seller's side: the queue, one request, its photos, the quote (emailed, and
//! handed to WhatsApp in one tap), declining, and a chat with the customer.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use super::{new_link, tell_customer};
use crate::app::Actor;
use crate::db::{self, Db, custom as stored};
use crate::domain::FieldErrors;
use crate::domain::custom::{CustomEvent, CustomRequest, CustomStatus, QuoteInput, check_quote, link_days, may_quote};
use crate::domain::notify::BASE;
use crate::domain::shop::ShopSettings;
use crate::error::AppError;
use crate::mail::custom as mails;

/// The requests in `status` (all when `None`) and how many there are in each.
pub async fn queue(
    db: &Db,
    status: Option<CustomStatus>,
) -> Result<(Vec<CustomRequest>, Vec<(CustomStatus, i64)>), AppError> {
    db.read(move |c| Ok((stored::list(c, status, 200)?, stored::counts(c)?))).await
}

/// One request with its history.
pub async fn detail(db: &Db, code: String) -> Result<Option<(CustomRequest, Vec<CustomEvent>)>, AppError> {
    db.read(move |c| match stored::by_code(c, &code)? {
        Some(r) => {
            let events = stored::events(c, r.id)?;
            Ok(Some((r, events)))
        }
        None => Ok(None),
    })
    .await
}

/// A reference photo for the seller.
pub async fn photo(db: &Db, code: String, photo_id: i64, large: bool) -> Result<Option<Vec<u8>>, AppError> {
    db.read(move |c| match stored::by_code(c, &code)? {
        Some(r) => Ok(stored::photo(c, r.id, photo_id, large)?),
        None => Ok(None),
    })
    .await
}

/// A quote sent.
#[derive(Debug)]
pub struct Quoted {
    pub code: String,
    /// The wa.me link that opens the customer's chat with the quote and its link typed in.
    pub whatsapp: Option<String>,
    pub emailed: bool,
}

/// Why the seller's action was not taken.
#[derive(Debug)]
pub enum SellerRefusal {
    NotFound,
    Invalid(FieldErrors),
    /// Accepted, declined or expired already.
    Closed(CustomStatus),
    /// Its personal data was erased.
    Erased,
}

impl SellerRefusal {
    pub fn message(&self) -> String {
        match self {
            SellerRefusal::NotFound => "No such request.".into(),
            SellerRefusal::Invalid(_) => "Check the form.".into(),
            SellerRefusal::Closed(s) => format!("This request was {} already.", s.as_str()),
            SellerRefusal::Erased => "This request's personal data was erased: it cannot be answered.".into(),
        }
    }
}

fn open_request(tx: &Connection, code: &str) -> Result<Result<CustomRequest, SellerRefusal>, AppError> {
    Ok(match stored::by_code(tx, code)? {
        None => Err(SellerRefusal::NotFound),
        Some(r) if r.erased => Err(SellerRefusal::Erased),
        Some(r) if !may_quote(r.status) => Err(SellerRefusal::Closed(r.status)),
        Some(r) => Ok(r),
    })
}

/// The first word of a name, for a greeting.
fn first_name(name: &str) -> &str {
    name.split_whitespace().next().unwrap_or("")
}

/// Sends (or replaces) the quote: stored, emailed with a fresh link when the customer gave an
/// address, and written into a WhatsApp message for the seller to send. `base`: the shop's
/// address, for the link typed into the WhatsApp message.
#[allow(clippy::too_many_arguments)]
pub fn quote(
    tx: &Connection,
    code: &str,
    input: &QuoteInput,
    shop: &ShopSettings,
    actor: &Actor,
    now: DateTime<Utc>,
    days: i64,
    base: &str,
) -> Result<Result<Quoted, SellerRefusal>, AppError> {
    let r = match open_request(tx, code)? {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let q = match check_quote(input, shop.currency_minor_units) {
        Ok(q) => q,
        Err(errors) => return Ok(Err(SellerRefusal::Invalid(errors))),
    };
    let at = db::ts(now);
    let expires = now + Duration::days(q.valid_days);
    stored::set_quote(tx, r.id, &q, &actor.name, &db::ts(expires), &at)?;
    let total = crate::domain::money::format(q.total().unwrap_or(0), &shop.currency, shop.currency_minor_units);
    let again = if r.quote.is_some() { "New quote" } else { "Quoted" };
    stored::add_event(
        tx,
        r.id,
        CustomStatus::Quoted,
        &format!("{again}: {total}, {}", q.delivery_time),
        &actor.name,
        &at,
    )?;
    actor.record(tx, "custom.quote", &r.code, &total)?;
    let r = stored::by_id(tx, r.id)?.ok_or(AppError::NotFound)?;
    let until = shop.time_zone.format(expires);
    let (_, link) = new_link(tx, &r, link_days(days, q.valid_days), now)?;
    tell_customer(tx, &r, mails::quote(shop, &r, &q, &until, &link), &at)?;
    let text = quote_text(shop, &r, &q, &until, &link.replace(BASE, base));
    Ok(Ok(Quoted {
        code: r.code.clone(),
        whatsapp: crate::domain::whatsapp::link(&r.customer_phone, &text),
        emailed: !r.customer_email.is_empty(),
    }))
}

/// The WhatsApp message that carries a quote.
fn quote_text(
    shop: &ShopSettings,
    r: &CustomRequest,
    q: &crate::domain::custom::Quote,
    until: &str,
    link: &str,
) -> String {
    let mut text =
        format!("Hello {}, here is your quote {} from {}:\n", first_name(&r.customer_name), r.code, shop.name);
    for line in mails::quote_lines(shop, q, until) {
        text.push_str(&format!("{line}\n"));
    }
    text.push_str(&format!("Accept it, decline it or ask for changes here: {link}"));
    text
}

/// The seller cannot take the request: it is declined with the reason, and the customer told.
pub fn decline(
    tx: &Connection,
    code: &str,
    reason: &str,
    actor: &Actor,
    now: DateTime<Utc>,
    days: i64,
) -> Result<Result<String, SellerRefusal>, AppError> {
    let r = match open_request(tx, code)? {
        Ok(r) => r,
        Err(refusal) => return Ok(Err(refusal)),
    };
    let reason = crate::domain::checkout::clean(reason, true);
    if reason.is_empty() || reason.chars().count() > crate::domain::custom::MAX_NOTES {
        let m = "Tell the customer why, in a sentence or two.".to_string();
        return Ok(Err(SellerRefusal::Invalid(FieldErrors::from([("reason", m)]))));
    }
    let at = db::ts(now);
    stored::set_status(tx, r.id, CustomStatus::Declined, &reason, None, &at)?;
    stored::add_event(tx, r.id, CustomStatus::Declined, &reason, &actor.name, &at)?;
    actor.record(tx, "custom.decline", &r.code, "")?;
    let r = stored::by_id(tx, r.id)?.ok_or(AppError::NotFound)?;
    if !r.customer_email.is_empty() {
        let shop = db::settings::get(tx)?;
        let (_, link) = new_link(tx, &r, days, now)?;
        tell_customer(tx, &r, mails::closed(&shop, &r, mails::Closing::Declined, &link), &at)?;
    }
    Ok(Ok(r.code))
}

/// A WhatsApp chat with the customer about their request, with a fresh link to it typed in: the
/// quote while one waits for an answer, else a greeting (to ask a question before quoting).
/// `Ok(None)`: no such request; `Ok(Some(None))`: no number to message (erased, or not usable).
pub fn whatsapp(
    tx: &Connection,
    code: &str,
    shop: &ShopSettings,
    actor: &Actor,
    now: DateTime<Utc>,
    days: i64,
    base: &str,
) -> Result<Option<Option<String>>, AppError> {
    let Some(r) = stored::by_code(tx, code)? else { return Ok(None) };
    if r.erased || crate::domain::whatsapp::link(&r.customer_phone, "").is_none() {
        return Ok(Some(None));
    }
    let until = db::parse_ts(&r.expires_at);
    let quote_days = until.map_or(0, |t| (t - now).num_days() + 1);
    let (_, link) = new_link(tx, &r, link_days(days, quote_days), now)?;
    let link = link.replace(BASE, base);
    let text = match (&r.quote, r.status) {
        (Some(q), CustomStatus::Quoted) => {
            let until = until.map(|t| shop.time_zone.format(t)).unwrap_or_default();
            quote_text(shop, &r, q, &until, &link)
        }
        _ => format!(
            "Hello {}, this is {} about your request {}. Your request's page: {link}",
            first_name(&r.customer_name),
            shop.name,
            r.code
        ),
    };
    actor.record(tx, "custom.whatsapp", &r.code, "")?;
    Ok(Some(crate::domain::whatsapp::link(&r.customer_phone, &text)))
}

/// Erases a request's personal data on the customer's request (someone who never ordered has no
/// customer page to erase them from); an open request is closed. `false`: no such request.
pub fn erase(tx: &Connection, code: &str, actor: &Actor, now: DateTime<Utc>) -> Result<bool, AppError> {
    let Some(r) = stored::by_code(tx, code)? else { return Ok(false) };
    db::privacy::erase_request(tx, r.id, &db::ts(now))?;
    actor.record(tx, "custom.erased", &r.code, "")?;
    Ok(true)
}

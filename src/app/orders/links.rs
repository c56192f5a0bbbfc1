//! What a customer does with an order's magic link: open the order, cancel it, share a view-only
//! link, turn off the other links. A wrong, expired, revoked or other order's token opens nothing,
//! and every use case answers `None` alike for all of them.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use super::transition::{Step, transition};
use crate::app::Actor;
use crate::db::{self, Db, checkout as methods, orders};
use crate::domain::orders::{Event, Line, LinkScope, Order, Status};
use crate::domain::shop::ShopSettings;
use crate::domain::tokens::hash_token;
use crate::domain::whatsapp;
use crate::error::AppError;

/// An order as its link shows it.
#[derive(Debug, Clone)]
pub struct Opened {
    pub order: Order,
    pub lines: Vec<Line>,
    pub events: Vec<Event>,
    pub scope: LinkScope,
    /// The "Send order on WhatsApp" link (`None` without a shop number).
    pub whatsapp: Option<String>,
    /// What the customer can do themselves now, their requests and rating.
    pub self_service: super::requests::SelfService,
}

/// The order this code and token open at `now`; `None` when the token is not live or not the order's.
pub async fn open(
    db: &Db,
    shop: &ShopSettings,
    code: String,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<Opened>, AppError> {
    let hash = hash_token(token);
    let shop = shop.clone();
    db.read(move |c| {
        let Some((id, scope)) = orders::token_scope(c, &code, &hash, &db::ts(now))? else { return Ok(None) };
        let order = orders::by_id(c, id)?.ok_or(AppError::NotFound)?;
        let lines = orders::lines(c, id)?;
        let template = methods::settings(c)?.whatsapp_template;
        Ok(Some(Opened {
            whatsapp: whatsapp::order_link(&shop, &template, &order, &lines),
            self_service: super::requests::self_service(c, &order, now)?,
            lines,
            events: orders::events(c, id)?,
            order,
            scope,
        }))
    })
    .await
}

/// The order a manage link opens; `None` when the link opens nothing, Forbidden for a view-only link.
pub(super) fn managed(tx: &Connection, code: &str, hash: &[u8], now: &str) -> Result<Option<Order>, AppError> {
    let Some((id, scope)) = orders::token_scope(tx, code, hash, now)? else { return Ok(None) };
    if scope != LinkScope::Manage {
        return Err(AppError::Forbidden("This link can only view the order.".into()));
    }
    Ok(orders::by_id(tx, id)?)
}

/// An order the customer cancelled.
#[derive(Debug, Clone)]
pub struct Cancelled {
    pub code: String,
    /// The seller's notice was queued: wake the sender.
    pub mail: bool,
}

/// The customer cancels an order the shop has not confirmed yet (after confirming, issue 11): its
/// stock is released, the timeline says the customer cancelled it, and the seller's notice is
/// queued in the same transaction (to the shop's contact email, or every owner). `None` when the
/// link opens nothing; Conflict when the order can no longer be cancelled here.
pub async fn cancel(db: &Db, code: String, token: &str, now: DateTime<Utc>) -> Result<Option<Cancelled>, AppError> {
    let hash = hash_token(token);
    db.write(move |tx| {
        let Some(order) = managed(tx, &code, &hash, &db::ts(now))? else { return Ok(None) };
        if !order.status.customer_may_cancel() {
            return Err(AppError::Conflict(NOT_CANCELLABLE.into()));
        }
        let step = Step {
            note: Some("Cancelled by the customer".into()),
            ..Step::to(Status::Cancelled, "cancelled by the customer")
        };
        transition(tx, order.id, &step, &Actor::customer(), now).map_err(super::transition::into_error)?;
        let mail = crate::app::notify::customer_cancelled(tx, order.id, &db::ts(now))? > 0;
        Ok(Some(Cancelled { code: order.code, mail }))
    })
    .await
}

/// Why a customer's cancel is refused: the shop has confirmed the order.
pub const NOT_CANCELLABLE: &str = "This order can no longer be cancelled here; message the shop.";

/// The holder of a manage link makes a view-only link to share (a family member following the
/// delivery), valid as long as the owner's link lifetime (`days` when they set none). Returns the
/// new token (shown once) and the order's code.
pub async fn share(
    db: &Db,
    code: String,
    token: &str,
    days: i64,
    now: DateTime<Utc>,
) -> Result<Option<(String, String)>, AppError> {
    let hash = hash_token(token);
    db.write(move |tx| {
        let Some(order) = managed(tx, &code, &hash, &db::ts(now))? else { return Ok(None) };
        let days = crate::db::desk::rules(tx)?.link_days.unwrap_or(days);
        let expires = db::ts(now + Duration::days(days));
        Ok(Some((orders::new_token(tx, order.id, LinkScope::View, &db::ts(now), &expires)?, code)))
    })
    .await
}

/// The holder of a manage link turns off every other link of the order (one was shared too
/// widely), noted on its timeline. Returns the order's code.
pub async fn revoke_others(db: &Db, code: String, token: &str, now: DateTime<Utc>) -> Result<Option<String>, AppError> {
    let hash = hash_token(token);
    db.write(move |tx| {
        let now = db::ts(now);
        let Some(order) = managed(tx, &code, &hash, &now)? else { return Ok(None) };
        let n = orders::revoke_tokens(tx, order.id, Some(&hash), &now)?;
        let note = format!("{n} other link(s) turned off");
        orders::add_event(tx, order.id, order.status, &note, &Actor::customer().name, &now)?;
        Ok(Some(order.code))
    })
    .await
}

/// What "Lost your link?" answered.
#[derive(Debug)]
pub enum Resent {
    /// The code or number is not even well formed.
    Invalid(crate::domain::FieldErrors),
    /// Asked too often from this address or for this order code.
    TooMany,
    /// The one answer, whether or not such an order exists: the code as understood.
    Answered(String),
}

/// Most requests for a new link in an hour, per client address and per order code.
pub const RESEND_PER_ADDRESS: i64 = 10;
pub const RESEND_PER_ORDER: i64 = 3;

/// "Lost your link?": when an order has this code, was placed with this WhatsApp number and has an
/// email, a new link goes to that email. The answer is the same either way; asking is counted per
/// client address and per order code and number, whether or not the order exists.
pub async fn resend(db: &Db, code: &str, phone: &str, ip: &str, now: DateTime<Utc>) -> Result<Resent, AppError> {
    let code: String =
        code.trim().to_uppercase().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(30).collect();
    let (phone, ip) = (phone.to_string(), ip.to_string());
    db.write(move |tx| {
        let mut errors = crate::domain::FieldErrors::new();
        if code.is_empty() {
            errors.insert("code", "Enter the order code, for example ORD-1001.".into());
        }
        let cc = db::settings::get(tx)?.country_calling_code;
        let phone = match crate::domain::shop::normalize_phone(&phone, &cc) {
            Ok(p) => p,
            Err(m) => {
                errors.insert("phone", m);
                String::new()
            }
        };
        if !errors.is_empty() {
            return Ok(Resent::Invalid(errors));
        }
        let at = db::ts(now);
        let since = db::ts(now - Duration::hours(1));
        // Per order, counted with the number asked with: someone who only knows the code cannot
        // use up the customer's own tries.
        let keys = [format!("lost:ip:{ip}"), format!("lost:order:{code}:{phone}")];
        let counts = crate::db::requests::count_event(tx, &[&keys[0], &keys[1]], &since, &at)?;
        if counts[0] > RESEND_PER_ADDRESS || counts[1] > RESEND_PER_ORDER {
            return Ok(Resent::TooMany);
        }
        if let Some(order) = orders::by_code(tx, &code)?
            && order.customer_phone == phone
            && !order.customer_email.is_empty()
        {
            let shop = db::settings::get(tx)?;
            let settings = crate::db::notify::settings(tx)?;
            let lines = orders::lines(tx, order.id)?;
            let m = crate::mail::notices::OrderMail {
                shop: &shop,
                settings: &settings,
                order: &order,
                lines: &lines,
                link: crate::domain::notify::ORDER_LINK,
                amount: 0,
                note: "",
            };
            crate::db::outbox::enqueue(tx, &crate::mail::notices::link_resent(&m), &at)?;
            orders::add_event(tx, order.id, order.status, "A new link was sent to the order's email", "customer", &at)?;
        }
        Ok(Resent::Answered(code))
    })
    .await
}

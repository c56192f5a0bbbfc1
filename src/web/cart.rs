//! The cart: kept in SQLite behind an opaque cookie; add, change and remove with plain forms, and
//! every view checks prices, stock and drops again.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use chrono::Duration;
use serde::Deserialize;

use super::extract::{CsrfForm, Page, check_origin};
use crate::AppState;
use crate::db::{self, carts};
use crate::domain::cart::{self, Cart, Change, Note};
use crate::domain::{money, tokens};
use crate::error::AppError;
use crate::views;
use crate::views::ClientInfo;

/// The cart's secret cookie (its SHA-256 finds the cart).
pub const CART_COOKIE: &str = "souk_cart";
/// How many units the cart holds, for the header; not a secret, so cached pages can vary on it.
pub const COUNT_COOKIE: &str = "souk_cart_n";

/// Units in the visitor's cart as its display cookie says; 0 without one.
pub fn count_cookie(req: &HttpRequest) -> u32 {
    if req.cookie(CART_COOKIE).is_none() {
        return 0;
    }
    req.cookie(COUNT_COOKIE).and_then(|c| c.value().parse::<u32>().ok()).unwrap_or(0).min(99_999)
}

/// The hash of the visitor's cart cookie, when it has one.
pub fn cart_hash(req: &HttpRequest) -> Option<Vec<u8>> {
    req.cookie(CART_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() == 64).map(|v| tokens::hash_token(&v))
}

fn https(req: &HttpRequest) -> bool {
    req.extensions().get::<ClientInfo>().is_some_and(|c| c.https)
}

/// Sets the cart cookies on a response: the secret (when new) and the count, both for `days`.
pub fn set_cookies(res: &mut HttpResponse, req: &HttpRequest, new_token: Option<&str>, count: i64, days: i64) {
    let age = time::Duration::days(days);
    if let Some(token) = new_token {
        let c = Cookie::build(CART_COOKIE, token.to_string())
            .path("/")
            .http_only(true)
            .secure(https(req))
            .same_site(SameSite::Lax)
            .max_age(age)
            .finish();
        let _ = res.add_cookie(&c);
    }
    let n = Cookie::build(COUNT_COOKIE, count.max(0).to_string())
        .path("/")
        .secure(https(req))
        .same_site(SameSite::Lax)
        .max_age(if count > 0 { age } else { time::Duration::ZERO })
        .finish();
    let _ = res.add_cookie(&n);
}

/// Loads a cart and checks every line again, storing what changed; an empty view without a cart.
pub fn recheck(
    tx: &rusqlite::Connection,
    cart_id: Option<i64>,
    now: &str,
    money: impl Fn(i64) -> String,
) -> Result<Cart, AppError> {
    Ok(checked(tx, cart_id, now, money, true)?.0)
}

/// The cart checked again; with `store`, what changed is written, else only reported (the bool).
fn checked(
    tx: &rusqlite::Connection,
    cart_id: Option<i64>,
    now: &str,
    money: impl Fn(i64) -> String,
    store: bool,
) -> Result<(Cart, bool), AppError> {
    let Some(cart_id) = cart_id else { return Ok((Cart::default(), false)) };
    let stored = carts::lines(tx, cart_id)?;
    let wanted: Vec<(i64, Option<&[u8]>)> =
        stored.iter().map(|l| (l.wanted.variant_id, l.access_hash.as_deref())).collect();
    let offers = carts::offers(tx, &wanted, now)?;
    let mut view = Cart::default();
    let mut changed = false;
    for line in &stored {
        let offer = offers.iter().find(|o| o.variant_id == line.wanted.variant_id);
        let (change, notes) = cart::recheck(&line.wanted, offer);
        view.notes.extend(notes.iter().map(|n| cart::note_text(n, &money)));
        changed |= change != Change::Keep;
        match change {
            Change::Remove => {
                if store {
                    carts::remove(tx, cart_id, line.wanted.variant_id)?;
                }
            }
            Change::Update { quantity, price } => {
                if store {
                    carts::set(tx, cart_id, line.wanted.variant_id, quantity, price)?;
                }
                view.lines.push((offer.cloned().ok_or(AppError::NotFound)?, quantity));
            }
            Change::Keep => view.lines.push((offer.cloned().ok_or(AppError::NotFound)?, line.wanted.quantity)),
        }
    }
    view.subtotal = view.lines.iter().map(|(o, q)| o.price.saturating_mul(*q)).sum();
    Ok((view, changed))
}

/// The visitor's cart as it stands, checked again: read only, unless something changed and must
/// be stored (then once more in a write, since the catalogue may move in between).
pub async fn current(
    state: &AppState,
    req: &HttpRequest,
    shop: &crate::domain::shop::ShopSettings,
) -> Result<Cart, AppError> {
    let Some(hash) = cart_hash(req) else { return Ok(Cart::default()) };
    let (currency, minor) = (shop.currency.clone(), shop.currency_minor_units);
    let now = db::ts(state.clock.now());
    let find = {
        let (hash, now) = (hash.clone(), now.clone());
        move |c: &rusqlite::Connection| carts::find(c, &hash, &now)
    };
    let now2 = now.clone();
    let (c2, find2) = (currency.clone(), find.clone());
    let (view, changed) = state
        .db
        .read(move |c| {
            let id = find(c)?;
            checked(c, id, &now, |v| money::format(v, &currency, minor), false)
        })
        .await?;
    if !changed {
        return Ok(view);
    }
    state
        .db
        .write(move |tx| {
            let id = find2(tx)?;
            recheck(tx, id, &now2, |v| money::format(v, &c2, minor))
        })
        .await
}

pub async fn show(req: HttpRequest, page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let view = current(&state, &req, &page.shop).await?;
    let mut page = page;
    page.cart_count = view.count() as u32;
    let mut res = HttpResponse::Ok()
        .insert_header(("cache-control", "private, no-store"))
        .content_type("text/html; charset=utf-8")
        .body(views::cart::page(&page, &view).into_string());
    if req.cookie(CART_COOKIE).is_some() {
        set_cookies(&mut res, &req, None, view.count(), state.config.orders.cart_days);
    }
    Ok(res)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddForm {
    pub sku: String,
    pub quantity: Option<i64>,
    /// An early-access token, when the product page was opened with one.
    pub access: String,
}

/// Adds to the cart from a product page. Product pages are shared by caches and carry no CSRF
/// token, so a post from another site is refused by its origin, and the cookie is `SameSite=Lax`.
pub async fn add(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: web::Form<AddForm>,
) -> Result<HttpResponse, AppError> {
    check_origin(&req, &state.config.server.public_url)?;
    let form = form.into_inner();
    let quantity = form.quantity.unwrap_or(1);
    if !(1..=crate::domain::orders::MAX_QUANTITY).contains(&quantity) {
        return Err(AppError::BadRequest("Choose a quantity from 1.".into()));
    }
    let hash = cart_hash(&req);
    let access = (!form.access.is_empty()).then(|| tokens::hash_token(&form.access));
    let days = state.config.orders.cart_days;
    let clock = state.clock.clone();
    let (new_token, count, name, back) = state
        .db
        .write(move |tx| {
            let now = clock.now();
            let (at, expires) = (db::ts(now), db::ts(now + Duration::days(days)));
            let variant_id = carts::variant_by_sku(tx, form.sku.trim())?.ok_or(AppError::NotFound)?;
            let wanted = [(variant_id, access.as_deref())];
            let offer = carts::offers(tx, &wanted, &at)?.pop().ok_or(AppError::NotFound)?;
            let back = format!("/p/{}?variant={}", offer.product_slug, offer.sku);
            let existing = match &hash {
                Some(h) => carts::find(tx, h, &at)?,
                None => None,
            };
            let already = match existing {
                Some(id) => carts::lines(tx, id)?
                    .iter()
                    .find(|l| l.wanted.variant_id == offer.variant_id)
                    .map_or(0, |l| l.wanted.quantity),
                None => 0,
            };
            let qty = match cart::allowed(&offer, already + quantity) {
                Ok((q, _)) => q - already,
                Err(why) => {
                    // Refused before any cart is made: no empty cart without a cookie to find it.
                    let msg = cart::note_text(&Note::Removed { name: offer.name(), why }, |_| String::new());
                    return Ok((None, None, msg.replace(" and was removed", ""), back));
                }
            };
            let (cart_id, new_token) = match existing {
                Some(id) => (id, None),
                None => {
                    let (token, h) = tokens::new_token();
                    (carts::create(tx, &h, &at, &expires)?, Some(token))
                }
            };
            if qty > 0 {
                carts::add(tx, cart_id, offer.variant_id, qty, offer.price, access.as_deref(), &at)?;
            }
            carts::touch(tx, cart_id, &at, &expires)?;
            let count: i64 = carts::lines(tx, cart_id)?.iter().map(|l| l.wanted.quantity).sum();
            let name = if qty < quantity {
                format!("You have all there is of {} in your cart.", offer.name())
            } else {
                format!("Added {} to your cart.", offer.name())
            };
            Ok((new_token, Some(count), name, back))
        })
        .await?;
    let Some(count) = count else {
        // Sold out or not on sale: back to the product, saying why.
        return Ok(super::see_other_with_flash(&back, &name));
    };
    let mut res = super::see_other_with_flash("/cart", &name);
    set_cookies(&mut res, &req, new_token.as_deref(), count, days);
    Ok(res)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct UpdateForm {
    pub csrf: String,
    /// `remove` with a variant id, or `update`.
    pub action: String,
    #[serde(flatten)]
    pub fields: std::collections::HashMap<String, String>,
}

/// Changes quantities (`q{variant id}` fields) or removes one line (`action=remove:{id}`).
pub async fn update(
    req: HttpRequest,
    state: web::Data<AppState>,
    form: CsrfForm<UpdateForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let hash = cart_hash(&req).ok_or(AppError::BadRequest("Your cart has expired.".into()))?;
    let mut wanted: Vec<(i64, i64)> = Vec::new();
    for (k, v) in &form.fields {
        if let Some(id) = k.strip_prefix('q').and_then(|id| id.parse::<i64>().ok()) {
            let q =
                v.trim().parse::<i64>().map_err(|_| AppError::BadRequest("Quantities are whole numbers.".into()))?;
            if !(0..=crate::domain::orders::MAX_QUANTITY).contains(&q) {
                return Err(AppError::BadRequest("Choose a quantity from 0.".into()));
            }
            wanted.push((id, q));
        }
    }
    let remove = form.action.strip_prefix("remove:").and_then(|id| id.parse::<i64>().ok());
    let days = state.config.orders.cart_days;
    let clock = state.clock.clone();
    let count = state
        .db
        .write(move |tx| {
            let now = clock.now();
            let at = db::ts(now);
            let cart_id = carts::find(tx, &hash, &at)?.ok_or(AppError::BadRequest("Your cart has expired.".into()))?;
            for line in carts::lines(tx, cart_id)? {
                let v = line.wanted.variant_id;
                match wanted.iter().find(|(id, _)| *id == v) {
                    _ if remove == Some(v) => carts::remove(tx, cart_id, v)?,
                    Some((_, 0)) => carts::remove(tx, cart_id, v)?,
                    Some((_, q)) => carts::set(tx, cart_id, v, *q, line.wanted.seen_price)?,
                    None => {}
                }
            }
            carts::touch(tx, cart_id, &at, &db::ts(now + Duration::days(days)))?;
            Ok(carts::lines(tx, cart_id)?.iter().map(|l| l.wanted.quantity).sum::<i64>())
        })
        .await?;
    let mut res = super::see_other_with_flash("/cart", if remove.is_some() { "Removed." } else { "Cart updated." });
    set_cookies(&mut res, &req, None, count, days);
    Ok(res)
}

//! The cart: kept in SQLite behind an opaque cookie; add, change and remove with plain forms, and
//! every view checks prices, stock and drops again.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::extract::{CsrfForm, Page, check_origin};
use crate::domain::cart::Cart;
use crate::domain::shop::ShopSettings;
use crate::domain::tokens;
use crate::error::AppError;
use crate::views;
use crate::views::ClientInfo;
use crate::{AppState, app};

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

pub fn https(req: &HttpRequest) -> bool {
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

/// The visitor's cart as it stands, checked again (see [`app::cart::current`]).
pub async fn current(state: &AppState, req: &HttpRequest, shop: &ShopSettings) -> Result<Cart, AppError> {
    app::cart::current(&state.db, &state.clock, cart_hash(req), shop).await
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
    /// The product page's form sends the product (its slug) and the value chosen for each of its
    /// options instead of a SKU, so what is added is what the shopper sees chosen.
    pub product: String,
    pub o1: Option<String>,
    pub o2: Option<String>,
    pub o3: Option<String>,
    pub quantity: Option<i64>,
    /// An early-access token, when the product page was opened with one.
    pub access: String,
}

/// The variant a form asks for: by the chosen option values when it sends them, else by SKU.
fn wanted(form: &AddForm) -> app::cart::Wanted {
    let chosen = [&form.o1, &form.o2, &form.o3];
    if form.product.is_empty() || chosen.iter().all(|o| o.is_none()) {
        return app::cart::Wanted::Sku(form.sku.trim().to_string());
    }
    app::cart::Wanted::Options {
        product: form.product.trim().to_string(),
        values: chosen.map(|o| o.clone().unwrap_or_default()),
    }
}

/// Adds to the cart from a product page. Product pages are shared by caches and carry no CSRF
/// token, so a post from another site is refused by its origin, and the cookie is `SameSite=Lax`.
pub async fn add(req: HttpRequest, state: web::Data<AppState>, body: web::Bytes) -> Result<HttpResponse, AppError> {
    check_origin(&req, &state.config.server.public_url)?;
    // Read as UTF-8 whatever charset it claims (browsers send the page's, which is UTF-8):
    // actix's `web::Form` would decode other charsets and link in every legacy encoding's tables.
    let form: AddForm = serde_urlencoded::from_bytes(&body)
        .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))?;
    let quantity = form.quantity.unwrap_or(1);
    if !(1..=crate::domain::orders::MAX_QUANTITY).contains(&quantity) {
        return Err(AppError::BadRequest("Choose a quantity from 1.".into()));
    }
    let access = (!form.access.is_empty()).then(|| tokens::hash_token(&form.access));
    let days = state.config.orders.cart_days;
    let added = app::cart::add(&state.db, &state.clock, days, cart_hash(&req), wanted(&form), quantity, access).await?;
    let Some(count) = added.count else {
        // Sold out or not on sale: back to the product, saying why.
        return Ok(super::see_other_with_flash(&added.back, &added.message));
    };
    let mut res = super::see_other_with_flash("/cart", &added.message);
    set_cookies(&mut res, &req, added.new_token.as_deref(), count, days);
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
    let count = app::cart::update(&state.db, &state.clock, days, hash, wanted, remove).await?;
    let mut res = super::see_other_with_flash("/cart", if remove.is_some() { "Removed." } else { "Cart updated." });
    set_cookies(&mut res, &req, None, count, days);
    Ok(res)
}

//! A guest's order page, opened by its magic link: `/o/{code}?t={token}`. A wrong, expired or
//! revoked token, or another order's, gets the same "link not valid" page, which reveals nothing.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use serde::Deserialize;

use super::extract::{CsrfForm, Page};
use crate::AppState;
use crate::db::{self, catalog, checkout as methods, orders};
use crate::domain::orders::{LinkScope, Status, check_transition};
use crate::domain::shop::ShopSettings;
use crate::domain::tokens::hash_token;
use crate::error::AppError;
use crate::views;
use crate::views::order::OrderView;

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    pub t: String,
}

fn private(res: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    // The token is in the address: never cache the page, never send the address onwards.
    res.insert_header((header::CACHE_CONTROL, "private, no-store")).insert_header(("referrer-policy", "no-referrer"))
}

/// The order for this code and token, when the token is live and the order's.
async fn load(
    state: &AppState,
    shop: &ShopSettings,
    code: String,
    token: String,
) -> Result<Option<OrderView>, AppError> {
    let hash = hash_token(&token);
    let shop = shop.clone();
    state
        .db
        .read(move |c| {
            let Some((id, scope)) = orders::token_scope(c, &code, &hash, &db::now())? else { return Ok(None) };
            let order = orders::by_id(c, id)?.ok_or(AppError::NotFound)?;
            let lines = orders::lines(c, id)?;
            let template = methods::settings(c)?.whatsapp_template;
            Ok(Some(OrderView {
                shared: None,
                whatsapp: crate::orders::whatsapp_url(&shop, &template, &order, &lines),
                lines,
                events: orders::events(c, id)?,
                order,
                manage: scope == LinkScope::Manage,
                token,
            }))
        })
        .await
}

/// The one answer for every link that opens nothing: wrong, expired, revoked, another order's,
/// or not even well formed.
fn invalid(page: &Page, code: &str) -> HttpResponse {
    private(&mut HttpResponse::NotFound())
        .content_type("text/html; charset=utf-8")
        .body(views::order::invalid_link(page, code).into_string())
}

pub async fn show(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    // Read by hand: a mangled query (a link cut or doubled in a chat) gets the same page as a
    // wrong token, not a bare 400.
    let t = web::Query::<TokenQuery>::from_query(req.query_string()).map(|q| q.into_inner().t).unwrap_or_default();
    let view = if t.len() == 64 { load(&state, &page.shop, code.clone(), t).await? } else { None };
    let Some(view) = view else { return Ok(invalid(&page, &code)) };
    Ok(private(&mut HttpResponse::Ok())
        .content_type("text/html; charset=utf-8")
        .body(views::order::page(&page, &view).into_string()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub csrf: String,
    pub t: String,
}

/// The order a manage link opens; `None` when the link opens nothing, Forbidden for a view-only link.
fn managed(
    tx: &rusqlite::Connection,
    code: &str,
    hash: &[u8],
    now: &str,
) -> Result<Option<crate::domain::orders::Order>, AppError> {
    let Some((id, scope)) = orders::token_scope(tx, code, hash, now)? else { return Ok(None) };
    if scope != LinkScope::Manage {
        return Err(AppError::Forbidden("This link can only view the order.".into()));
    }
    Ok(orders::by_id(tx, id)?)
}

/// A customer with a manage link cancels an order the shop has not confirmed yet; its stock is released.
pub async fn cancel(
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: CsrfForm<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let token = form.0.t;
    let hash = hash_token(&token);
    let asked = code.clone();
    let done = state
        .db
        .write(move |tx| {
            let now = db::ts(Utc::now());
            let Some(order) = managed(tx, &code, &hash, &now)? else { return Ok(None) };
            let id = order.id;
            let status = order.status;
            if !status.customer_may_cancel() {
                return Err(AppError::Conflict("This order can no longer be cancelled here; message the shop.".into()));
            }
            check_transition(status, Status::Cancelled).map_err(AppError::Conflict)?;
            for product in orders::release(tx, id)? {
                catalog::refresh_card(tx, product)?;
            }
            orders::set_status(tx, id, Status::Cancelled, Some("cancelled by the customer"), &now)?;
            orders::add_event(tx, id, Status::Cancelled, "Cancelled by the customer", "customer", &now)?;
            Ok(Some(order.code))
        })
        .await?;
    match done {
        Some(code) => Ok(super::see_other_with_flash(&format!("/o/{code}?t={token}"), "Your order is cancelled.")),
        None => Ok(invalid(&page, &asked)),
    }
}

/// The holder of a manage link makes a view-only link to share (a family member following the
/// delivery): it shows the order and its status, and cannot cancel. Shown once, on this answer.
pub async fn share(
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: CsrfForm<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let token = form.0.t;
    let hash = hash_token(&token);
    let days = state.config.orders.link_days;
    let asked = code.clone();
    let made = state
        .db
        .write(move |tx| {
            let now = Utc::now();
            let Some(order) = managed(tx, &code, &hash, &db::ts(now))? else { return Ok(None) };
            let id = order.id;
            let expires = db::ts(now + chrono::Duration::days(days));
            Ok(Some((orders::new_token(tx, id, LinkScope::View, &db::ts(now), &expires)?, code)))
        })
        .await?;
    let Some((shared, code)) = made else { return Ok(invalid(&page, &asked)) };
    let mut view = load(&state, &page.shop, code.clone(), token).await?.ok_or(AppError::NotFound)?;
    view.shared = Some(format!("{}/o/{code}?t={shared}", super::public_base(&state, &page)));
    Ok(private(&mut HttpResponse::Ok())
        .content_type("text/html; charset=utf-8")
        .body(views::order::page(&page, &view).into_string()))
}

/// The holder of a manage link turns off every other link of the order (one was shared too widely).
pub async fn revoke_others(
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: CsrfForm<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let token = form.0.t;
    let hash = hash_token(&token);
    let asked = code.clone();
    let done = state
        .db
        .write(move |tx| {
            let now = db::ts(Utc::now());
            let Some(order) = managed(tx, &code, &hash, &now)? else { return Ok(None) };
            let n = orders::revoke_tokens(tx, order.id, Some(&hash), &now)?;
            orders::add_event(tx, order.id, order.status, &format!("{n} other link(s) turned off"), "customer", &now)?;
            Ok(Some(order.code))
        })
        .await?;
    match done {
        Some(code) => Ok(super::see_other_with_flash(
            &format!("/o/{code}?t={token}"),
            "Every other link to this order has stopped working.",
        )),
        None => Ok(invalid(&page, &asked)),
    }
}

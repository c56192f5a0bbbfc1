//! A guest's order page, opened by its magic link: `/o/{code}?t={token}`. A wrong, expired or
//! revoked token, or another order's, gets the same "link not valid" page, which reveals nothing.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::extract::{CsrfForm, Page};
use crate::app::orders::links::{self, Opened};
use crate::app::orders::requests;
use crate::domain::order_edit::CustomerInput;
use crate::domain::orders::LinkScope;
use crate::domain::requests::Ask;
use crate::error::AppError;
use crate::views::order::OrderView;
use crate::{AppState, views};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    pub t: String,
}

/// A page whose address holds a secret: never cached, never sent onwards.
fn page_response(status: StatusCode, body: maud::Markup) -> HttpResponse {
    private(&mut HttpResponse::build(status)).content_type("text/html; charset=utf-8").body(body.into_string())
}

fn private(res: &mut actix_web::HttpResponseBuilder) -> &mut actix_web::HttpResponseBuilder {
    // The token is in the address: never cache the page, never send the address onwards.
    res.insert_header((header::CACHE_CONTROL, "private, no-store")).insert_header(("referrer-policy", "no-referrer"))
}

/// The order page's view of an opened order, for the link `token`.
fn order_view(o: Opened, token: String) -> OrderView {
    OrderView {
        shared: None,
        order: o.order,
        lines: o.lines,
        events: o.events,
        manage: o.scope == LinkScope::Manage,
        token,
        whatsapp: o.whatsapp,
        self_service: o.self_service,
        echo: None,
    }
}

/// The one answer for every link that opens nothing: wrong, expired, revoked, another order's,
/// or not even well formed.
fn invalid(page: &Page, code: &str) -> HttpResponse {
    page_response(StatusCode::NOT_FOUND, views::order::invalid_link(page, code))
}

fn render(page: &Page, view: &OrderView) -> HttpResponse {
    page_response(StatusCode::OK, views::order::page(page, view))
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
    let opened =
        if t.len() == 64 { links::open(&state.db, &page.shop, code.clone(), &t, page.now).await? } else { None };
    let Some(opened) = opened else { return Ok(invalid(&page, &code)) };
    Ok(render(&page, &order_view(opened, t)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkForm {
    pub csrf: String,
    pub t: String,
    /// Sent by the confirmation page's button (issue 11): without it nothing is cancelled.
    pub confirm: String,
}

/// Issue 11: "Cancel this order" asks first. This page (a GET: safe to open, to reload, without
/// JavaScript) names the order and what cancelling does, with the button that cancels and a way
/// back. Nothing changes here.
pub async fn confirm_cancel(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let t = web::Query::<TokenQuery>::from_query(req.query_string()).map(|q| q.into_inner().t).unwrap_or_default();
    let opened =
        if t.len() == 64 { links::open(&state.db, &page.shop, code.clone(), &t, page.now).await? } else { None };
    let Some(opened) = opened else { return Ok(invalid(&page, &code)) };
    if opened.scope != LinkScope::Manage {
        return Err(AppError::Forbidden("This link can only view the order.".into()));
    }
    let back = format!("/o/{}?t={t}", opened.order.code);
    if !opened.order.status.customer_may_cancel() {
        return Ok(super::see_other_with_flash(&back, links::NOT_CANCELLABLE));
    }
    Ok(page_response(StatusCode::OK, views::order::confirm_cancel(&page, &order_view(opened, t))))
}

/// A customer with a manage link cancels an order the shop has not confirmed yet, once they
/// confirmed it (issue 11): its stock is released and the seller is emailed. A post without the
/// confirmation (an order page from before it was asked) is sent to the confirmation page.
pub async fn cancel(
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: CsrfForm<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let (asked, LinkForm { t: token, confirm, .. }) = (code.into_inner(), form.0);
    if confirm.is_empty() {
        // Only what a code and a token are made of goes into the Location header.
        let plain = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if !plain(&asked) || !plain(&token) {
            return Ok(invalid(&page, &asked));
        }
        return Ok(super::see_other(&format!("/o/{asked}/cancel?t={token}")));
    }
    match links::cancel(&state.db, asked.clone(), &token, page.now).await? {
        Some(cancelled) => {
            let told = if cancelled.mail {
                state.wake_mailer();
                " The shop has been told."
            } else {
                ""
            };
            let to = format!("/o/{}?t={token}", cancelled.code);
            Ok(super::see_other_with_flash(&to, &format!("Your order is cancelled.{told}")))
        }
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
    let (asked, token) = (code.into_inner(), form.0.t);
    let days = state.config.orders.link_days;
    let Some((shared, code)) = links::share(&state.db, asked.clone(), &token, days, state.clock.now()).await? else {
        return Ok(invalid(&page, &asked));
    };
    let opened = links::open(&state.db, &page.shop, code.clone(), &token, page.now).await?.ok_or(AppError::NotFound)?;
    let mut view = order_view(opened, token);
    view.shared = Some(format!("{}/o/{code}?t={shared}", super::public_base(&state, &page)));
    Ok(render(&page, &view))
}

/// The holder of a manage link turns off every other link of the order (one was shared too widely).
pub async fn revoke_others(
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: CsrfForm<LinkForm>,
) -> Result<HttpResponse, AppError> {
    let (asked, token) = (code.into_inner(), form.0.t);
    match links::revoke_others(&state.db, asked.clone(), &token, state.clock.now()).await? {
        Some(code) => Ok(super::see_other_with_flash(
            &format!("/o/{code}?t={token}"),
            "Every other link to this order has stopped working.",
        )),
        None => Ok(invalid(&page, &asked)),
    }
}

/// A self-service form: a request (cancel, address, return), delivery confirmed, a rating.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ServiceForm {
    pub csrf: String,
    pub t: String,
    pub kind: String,
    pub message: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub stars: String,
    pub comment: String,
}

async fn self_service(
    page: Page,
    state: web::Data<AppState>,
    asked: String,
    form: ServiceForm,
    wish: requests::Wish,
    form_id: String,
) -> Result<HttpResponse, AppError> {
    let token = form.t.clone();
    let Some(outcome) = requests::act(&state.db, asked.clone(), &token, wish, page.now).await? else {
        return Ok(invalid(&page, &asked));
    };
    match outcome {
        requests::Outcome::Done { said, code } | requests::Outcome::Refused { said, code } => {
            Ok(super::see_other_with_flash(&format!("/o/{code}?t={token}#help"), &said))
        }
        requests::Outcome::Invalid { errors, code } => {
            let opened = links::open(&state.db, &page.shop, code, &token, page.now).await?.ok_or(AppError::NotFound)?;
            let mut view = order_view(opened, token);
            let typed = [
                ("message", &form.message),
                ("line1", &form.line1),
                ("line2", &form.line2),
                ("city", &form.city),
                ("region", &form.region),
                ("postal_code", &form.postal_code),
                ("stars", &form.stars),
                ("comment", &form.comment),
            ];
            view.echo = Some((form_id, typed.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(), errors));
            Ok(page_response(StatusCode::UNPROCESSABLE_ENTITY, views::order::page(&page, &view)))
        }
    }
}

/// `POST /o/{code}/requests`: ask to cancel, to change the address or to return it.
pub async fn request(
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: CsrfForm<ServiceForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let Some(kind) = Ask::parse(&form.kind) else { return Err(AppError::BadRequest("Unknown request.".into())) };
    let address = CustomerInput {
        line1: form.line1.clone(),
        line2: form.line2.clone(),
        city: form.city.clone(),
        region: form.region.clone(),
        postal_code: form.postal_code.clone(),
        country: form.country.clone(),
        ..Default::default()
    };
    let wish = requests::Wish::Ask { kind, message: form.message.clone(), address };
    self_service(page, state, code.into_inner(), form, wish, format!("request-{}", kind.as_str())).await
}

/// `POST /o/{code}/delivered`: the customer confirms the parcel arrived.
pub async fn delivered(
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: CsrfForm<ServiceForm>,
) -> Result<HttpResponse, AppError> {
    self_service(page, state, code.into_inner(), form.0, requests::Wish::ConfirmDelivery, String::new()).await
}

/// `POST /o/{code}/rating`: 1 to 5 stars and a comment, once, after delivery.
pub async fn rating(
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
    form: CsrfForm<ServiceForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let wish = requests::Wish::Rate { stars: form.stars.clone(), comment: form.comment.clone() };
    self_service(page, state, code.into_inner(), form, wish, "rating".into()).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LostForm {
    pub csrf: String,
    pub code: String,
    pub phone: String,
}

/// `GET /o/lost`: "Lost your link?".
pub async fn lost(page: Page) -> HttpResponse {
    page_response(StatusCode::OK, views::order::lost_link(&page, "", "", &crate::domain::FieldErrors::new()))
}

/// `POST /o/lost`: the same answer whether or not the order exists; a new link goes to the order's
/// email when the code and number match. Limited per address and per order code.
pub async fn lost_send(
    page: Page,
    client: super::extract::ClientInfo,
    state: web::Data<AppState>,
    form: CsrfForm<LostForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.0;
    match links::resend(&state.db, &form.code, &form.phone, &client.ip, page.now).await? {
        links::Resent::Invalid(errors) => Ok(page_response(
            StatusCode::UNPROCESSABLE_ENTITY,
            views::order::lost_link(&page, &form.code, &form.phone, &errors),
        )),
        links::Resent::TooMany => Err(AppError::TooManyRequests {
            retry_after: 3600,
            message: "Too many requests for a new link. Try again in an hour, or ask the shop.".into(),
        }),
        links::Resent::Answered(code) => Ok(page_response(StatusCode::OK, views::order::lost_link_sent(&page, &code))),
    }
}

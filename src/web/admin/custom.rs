//! Custom orders in the admin: the queue, one request, its photos, the quote (emailed, and opened
//! in WhatsApp in the same tap), declining, and a WhatsApp chat with the customer.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::html;
use crate::AppState;
use crate::app::custom::{self, SellerRefusal};
use crate::domain::custom::{CustomStatus, QuoteInput};
use crate::error::AppError;
use crate::views::Admin;
use crate::views::admin::custom::{self as view, Echo};
use crate::web::custom::canonical;
use crate::web::extract::{CsrfForm, Owner};
use crate::web::{see_other, see_other_with_flash};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct QueueQuery {
    pub status: String,
}

pub async fn queue(
    admin: Admin,
    state: web::Data<AppState>,
    q: web::Query<QueueQuery>,
) -> Result<HttpResponse, AppError> {
    // Requests waiting for a quote by default.
    let status = match q.status.as_str() {
        "" => Some(CustomStatus::Pending),
        "all" => None,
        s => Some(CustomStatus::parse(s).ok_or_else(|| AppError::BadRequest("Unknown status.".into()))?),
    };
    let (list, counts) = custom::queue(&state.db, status).await?;
    Ok(html(StatusCode::OK, view::queue(&admin, &list, &counts, status)))
}

async fn render(
    admin: &Admin,
    state: &AppState,
    code: String,
    status: StatusCode,
    echo: &Echo,
) -> Result<HttpResponse, AppError> {
    let (r, events) = custom::detail(&state.db, code).await?.ok_or(AppError::NotFound)?;
    Ok(html(status, view::detail(admin, &r, &events, echo)))
}

pub async fn show(admin: Admin, state: web::Data<AppState>, code: web::Path<String>) -> Result<HttpResponse, AppError> {
    render(&admin, &state, code.into_inner(), StatusCode::OK, &Echo::default()).await
}

/// `GET /admin/custom/{code}/photos/{id}/{size}`.
pub async fn photo(
    _admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<(String, i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, id, size) = path.into_inner();
    crate::web::custom::webp(custom::photo(&state.db, code, id, size == "large").await?)
}

async fn refused(
    admin: &Admin,
    state: &AppState,
    code: String,
    refusal: SellerRefusal,
    echo: Echo,
) -> Result<HttpResponse, AppError> {
    match refusal {
        SellerRefusal::NotFound => Err(AppError::NotFound),
        SellerRefusal::Invalid(errors) => {
            render(admin, state, code, StatusCode::UNPROCESSABLE_ENTITY, &Echo { errors, ..echo }).await
        }
        other => Ok(see_other_with_flash(&format!("/admin/custom/{}", canonical(&code)), &other.message())),
    }
}

pub async fn quote(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<QuoteInput>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let (actor, now, shop) = (admin.actor(), state.clock.now(), admin.page.shop.clone());
    let (days, base) = (state.config.orders.link_days, crate::web::public_base(&state, &admin.page));
    let (c, input) = (code.clone(), form.clone());
    let done = state.db.write(move |tx| custom::quote(tx, &c, &input, &shop, &actor, now, days, &base)).await?;
    match done {
        Ok(q) => {
            state.wake_mailer();
            let said = if q.emailed { "Quote sent by email." } else { "Quote saved." };
            match (form.send.as_str(), q.whatsapp) {
                ("whatsapp", Some(url)) => Ok(see_other(&url)),
                (_, None) => {
                    let m = format!(
                        "{said} The request's number cannot be messaged on WhatsApp: call or write to the customer."
                    );
                    Ok(see_other_with_flash(&format!("/admin/custom/{}", q.code), &m))
                }
                _ => {
                    let m = format!("{said} Send it on WhatsApp too with the green button.");
                    Ok(see_other_with_flash(&format!("/admin/custom/{}", q.code), &m))
                }
            }
        }
        Err(r) => refused(&admin, &state, code, r, Echo { quote: Some(form), which: "quote", ..Echo::default() }).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DeclineForm {
    pub reason: String,
}

pub async fn decline(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<DeclineForm>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let (actor, now, days) = (admin.actor(), state.clock.now(), state.config.orders.link_days);
    let (c, reason) = (code.clone(), form.reason.clone());
    match state.db.write(move |tx| custom::decline(tx, &c, &reason, &actor, now, days)).await? {
        Ok(code) => {
            state.wake_mailer();
            Ok(see_other_with_flash(&format!("/admin/custom/{code}"), "Declined; the customer is told."))
        }
        Err(r) => {
            let echo = Echo { reason: form.reason, which: "decline", ..Echo::default() };
            refused(&admin, &state, code, r, echo).await
        }
    }
}

/// Opens the customer's WhatsApp chat with the quote (or a greeting) and a fresh link typed in.
pub async fn whatsapp(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(_): CsrfForm<super::Empty>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let (actor, now, shop) = (admin.actor(), state.clock.now(), admin.page.shop.clone());
    let (days, base) = (state.config.orders.link_days, crate::web::public_base(&state, &admin.page));
    let c = code.clone();
    match state.db.write(move |tx| custom::whatsapp(tx, &c, &shop, &actor, now, days, &base)).await? {
        None => Err(AppError::NotFound),
        Some(Some(url)) => Ok(see_other(&url)),
        Some(None) => Ok(see_other_with_flash(
            &format!("/admin/custom/{}", canonical(&code)),
            "This request has no WhatsApp number to message.",
        )),
    }
}

/// `POST /admin/custom/{code}/erase` (owner): the request's personal data, on the customer's request.
pub async fn erase(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(_): CsrfForm<super::Empty>,
) -> Result<HttpResponse, AppError> {
    let code = canonical(&code);
    let (actor, now, c) = (admin.actor(), state.clock.now(), code.clone());
    if !state.db.write(move |tx| custom::erase(tx, &c, &actor, now)).await? {
        return Err(AppError::NotFound);
    }
    Ok(see_other_with_flash(&format!("/admin/custom/{code}"), "The request's personal data and photos are erased."))
}

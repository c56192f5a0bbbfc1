//! Custom orders on the storefront: the request form (`/custom`, with up to five reference photos)
//! and the request's page by its magic link (`/q/{code}?t=`), where the customer accepts, declines
//! or asks for changes to the quote, or asks again once a request ended.

use actix_multipart::Multipart;
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::admin::{cpu_work, multipart};
use super::extract::{CsrfForm, Page, verify_csrf};
use super::order_page::TokenQuery;
use crate::app::custom::{self, Again, Answer, Replied, Submitted};
use crate::domain::FieldErrors;
use crate::domain::checkout::CheckoutInput;
use crate::domain::custom::{MAX_PHOTOS, RequestInput};
use crate::error::AppError;
use crate::images::{self, Limits};
use crate::views::custom::{AcceptEcho, RequestView};
use crate::{AppState, views};

/// A page whose address holds a secret: never cached, never sent onwards.
fn private(status: StatusCode, body: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(("referrer-policy", "no-referrer"))
        .content_type("text/html; charset=utf-8")
        .body(body.into_string())
}

fn html(status: StatusCode, body: maud::Markup) -> HttpResponse {
    HttpResponse::build(status).content_type("text/html; charset=utf-8").body(body.into_string())
}

fn taking(page: &Page) -> Result<(), AppError> {
    if page.shop.custom_orders { Ok(()) } else { Err(AppError::NotFound) }
}

/// `GET /custom`: the request form.
pub async fn form(page: Page) -> Result<HttpResponse, AppError> {
    taking(&page)?;
    Ok(html(StatusCode::OK, views::custom::form(&page, &RequestInput::default(), &FieldErrors::new())))
}

/// `POST /custom`: a request with its photos. Every photo is checked like a product photo; one
/// refused file stores nothing.
pub async fn submit(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    taking(&page)?;
    let limits = Limits::from_config(&state.config.uploads);
    // Room for the longest description in any script (up to 4 bytes a character).
    let text_bytes = crate::domain::custom::MAX_DESCRIPTION * 4 + 64;
    let up = multipart::read_with_text(payload, "photos", limits.max_bytes, MAX_PHOTOS * 2, text_bytes).await?;
    verify_csrf(&req, up.field("csrf"))?;
    if custom::busy(&state.db, page.client.ip.clone(), page.now).await? {
        return Err(too_many());
    }
    let input = RequestInput {
        name: up.field("name").into(),
        phone: up.field("phone").into(),
        email: up.field("email").into(),
        description: up.field("description").into(),
        quantity: up.field("quantity").into(),
        budget: up.field("budget").into(),
        website: up.field("website").into(),
    };
    if !input.website.is_empty() {
        // A bot filled the field people never see: it is told nothing useful.
        return Ok(super::see_other_with_flash("/custom", "Thank you."));
    }
    let mut refused: Vec<String> =
        up.too_large.iter().map(|(name, size)| limits.too_large(name, *size).to_string()).collect();
    if up.files.len() + up.too_large.len() > MAX_PHOTOS {
        refused.push(format!("Choose at most {MAX_PHOTOS} photos."));
    }
    let mut photos = Vec::new();
    if refused.is_empty() {
        for (name, bytes) in up.files {
            match cpu_work(&state, move || images::process(&name, &bytes, limits)).await? {
                Ok(p) => photos.push(p),
                Err(e) => refused.push(e.to_string()),
            }
        }
    }
    let invalid = |mut errors: FieldErrors, chosen: bool| {
        if chosen && !errors.contains_key("photos") {
            errors.insert("photos", "Choose your photos again: a form sent back does not keep them.".into());
        }
        html(StatusCode::UNPROCESSABLE_ENTITY, views::custom::form(&page, &input, &errors))
    };
    if !refused.is_empty() {
        let errors = FieldErrors::from([("photos", format!("Nothing was sent. {}", refused.join(" ")))]);
        return Ok(invalid(errors, true));
    }
    if !up.too_long.is_empty() {
        let m = format!("Keep it under {} characters.", crate::domain::custom::MAX_DESCRIPTION);
        return Ok(invalid(FieldErrors::from([("description", m)]), !photos.is_empty()));
    }
    let chosen = !photos.is_empty();
    let days = state.config.orders.link_days;
    match custom::submit(&state.db, &page.shop, input.clone(), photos, page.client.ip.clone(), page.now, days).await? {
        Submitted::Sent { code, token } => {
            state.wake_mailer();
            let said = "Your request is with the shop. Keep this page's address: the quote comes here.";
            Ok(super::see_other_with_flash(&format!("/q/{code}?t={token}"), said))
        }
        Submitted::Invalid(errors) => Ok(invalid(errors, chosen)),
        Submitted::TooMany => Err(too_many()),
    }
}

fn too_many() -> AppError {
    AppError::TooManyRequests {
        retry_after: 3600,
        message: "Too many requests from here within the hour. Try again later, or message the shop.".into(),
    }
}

/// A request's code as the shop writes it (links typed or cut in a chat may change its case).
pub(crate) fn canonical(code: &str) -> String {
    code.trim().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(30).collect::<String>().to_uppercase()
}

fn token_of(req: &HttpRequest) -> String {
    web::Query::<TokenQuery>::from_query(req.query_string()).map(|q| q.into_inner().t).unwrap_or_default()
}

fn invalid_link(page: &Page, code: &str) -> HttpResponse {
    private(StatusCode::NOT_FOUND, views::custom::invalid_link(page, code))
}

async fn render(
    state: &AppState,
    page: &Page,
    code: String,
    token: String,
    status: StatusCode,
    echo: Option<AcceptEcho>,
) -> Result<HttpResponse, AppError> {
    let opened = if token.len() == 64 { custom::open(&state.db, code.clone(), &token, page.now).await? } else { None };
    let Some(opened) = opened else { return Ok(invalid_link(page, &code)) };
    let view = RequestView { opened, token, echo: echo.unwrap_or_default() };
    Ok(private(status, views::custom::page(page, &view)))
}

/// `GET /q/{code}?t=`: the request, its quote and the answers it takes.
pub async fn show(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    render(&state, &page, canonical(&code), token_of(&req), StatusCode::OK, None).await
}

/// `GET /q/{code}/photos/{id}/{size}?t=`: a reference photo (`small` or `large`).
pub async fn photo(
    req: HttpRequest,
    state: web::Data<AppState>,
    path: web::Path<(String, i64, String)>,
) -> Result<HttpResponse, AppError> {
    let (code, id, size) = path.into_inner();
    let token = token_of(&req);
    if token.len() != 64 {
        return Err(AppError::NotFound);
    }
    let bytes = custom::customer_photo(&state.db, code, &token, id, size == "large", state.clock.now()).await?;
    webp(bytes)
}

/// A stored WebP photo, kept out of shared caches.
pub fn webp(bytes: Option<Vec<u8>>) -> Result<HttpResponse, AppError> {
    let bytes = bytes.ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/webp"))
        .insert_header((header::CACHE_CONTROL, "private, max-age=3600"))
        .insert_header(("referrer-policy", "no-referrer"))
        .body(bytes))
}

/// The accept form: the link's token and the order's delivery and payment details.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub t: String,
    pub name: String,
    pub delivery: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub payment: String,
    pub note: String,
    pub reason: String,
    pub changes: String,
    /// When the quote being answered was sent.
    pub quoted_at: String,
}

impl AnswerForm {
    fn checkout(&self) -> CheckoutInput {
        CheckoutInput {
            name: self.name.clone(),
            delivery: self.delivery.clone(),
            line1: self.line1.clone(),
            line2: self.line2.clone(),
            city: self.city.clone(),
            region: self.region.clone(),
            postal_code: self.postal_code.clone(),
            country: self.country.clone(),
            payment: self.payment.clone(),
            note: self.note.clone(),
            ..Default::default()
        }
    }
}

/// `POST /q/{code}/{answer}`: accept, decline or changes.
pub async fn answer(
    page: Page,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let (code, kind) = path.into_inner();
    let code = canonical(&code);
    let answer = match kind.as_str() {
        "accept" => Answer::Accept(Box::new(form.checkout())),
        "decline" => Answer::Decline(form.reason.clone()),
        "changes" => Answer::AskChanges(form.changes.clone()),
        _ => return Err(AppError::NotFound),
    };
    let days = state.config.orders.link_days;
    let token = form.t.clone();
    let quoted_at = form.quoted_at.clone();
    let Some(done) = custom::reply(&state.db, code.clone(), &token, quoted_at, answer, page.now, days).await? else {
        return Ok(invalid_link(&page, &code));
    };
    let back = format!("/q/{code}?t={token}");
    match done {
        Replied::Accepted { order, token } => {
            state.wake_mailer();
            let said = "Quote accepted: this is your order. The shop confirms it next.";
            Ok(super::see_other_with_flash(&format!("/o/{order}?t={token}"), said))
        }
        Replied::Declined => {
            state.wake_mailer();
            Ok(super::see_other_with_flash(&back, "You declined the quote. The shop has been told."))
        }
        Replied::ChangesAsked => {
            state.wake_mailer();
            Ok(super::see_other_with_flash(&back, "The shop has your changes and will send a new quote."))
        }
        Replied::Refused(why) => Ok(super::see_other_with_flash(&back, &why)),
        Replied::Invalid(errors) => {
            let echo = AcceptEcho {
                input: form.checkout(),
                reason: form.reason.clone(),
                changes: form.changes.clone(),
                errors,
                kind,
            };
            render(&state, &page, code, token, StatusCode::UNPROCESSABLE_ENTITY, Some(echo)).await
        }
    }
}

/// `POST /q/{code}/again`: a new request with the same words and photos.
pub async fn again(
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let code = canonical(&code);
    let days = state.config.orders.link_days;
    let ip = page.client.ip.clone();
    match custom::ask_again(&state.db, code.clone(), &form.t, ip, page.now, days).await? {
        None => Ok(invalid_link(&page, &code)),
        Some(Again::Asked { code: new_code, token }) => {
            state.wake_mailer();
            let said = format!("Asked again as {new_code}: the shop answers within three days.");
            Ok(super::see_other_with_flash(&format!("/q/{new_code}?t={token}"), &said))
        }
        Some(Again::Refused(why)) => Ok(super::see_other_with_flash(&format!("/q/{code}?t={}", form.t), &why)),
    }
}

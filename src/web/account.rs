//! `/account`: passwordless sign-in (a code or a link sent to an email), "My orders", reorder,
//! saved addresses, signing out here or everywhere; and `GET /api/v1/account/orders` with the
//! session's token. The session cookie is HttpOnly, SameSite=Lax, Secure over HTTPS.

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::extract::{ClientInfo, CsrfForm, Page};
use crate::app::account::{self, Account, Asked, Proven, SignedIn};
use crate::domain::FieldErrors;
use crate::domain::account::SESSION_DAYS;
use crate::domain::order_edit::CustomerInput;
use crate::error::AppError;
use crate::{AppState, views};

pub const ACCOUNT_COOKIE: &str = "souk_account";

fn private(status: StatusCode, body: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(("referrer-policy", "no-referrer"))
        .content_type("text/html; charset=utf-8")
        .body(body.into_string())
}

pub(crate) fn session_token(req: &HttpRequest) -> Option<String> {
    req.cookie(ACCOUNT_COOKIE).map(|c| c.value().to_string()).filter(|v| v.len() == 64)
}

async fn signed_in(req: &HttpRequest, state: &AppState, page: &Page) -> Result<Option<Account>, AppError> {
    match session_token(req) {
        Some(t) => account::session(&state.db, &t, page.now).await,
        None => Ok(None),
    }
}

/// A signed-in customer. Without a live session: 401, which sends the browser to `/account` to
/// sign in.
pub struct Customer(pub Account);

impl actix_web::FromRequest for Customer {
    type Error = AppError;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, AppError>>>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req.app_data::<web::Data<AppState>>().cloned().ok_or(AppError::Unauthorized)?;
            let token = session_token(&req).ok_or(AppError::Unauthorized)?;
            let found = account::session(&state.db, &token, state.clock.now()).await?;
            found.map(Customer).ok_or(AppError::Unauthorized)
        })
    }
}

fn session_cookie(req: &HttpRequest, token: &str, days: i64) -> Cookie<'static> {
    Cookie::build(ACCOUNT_COOKIE, token.to_string())
        .path("/")
        .http_only(true)
        .secure(super::cart::https(req))
        .same_site(SameSite::Lax)
        .max_age(time::Duration::days(days))
        .finish()
}

pub async fn show(req: HttpRequest, page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    match signed_in(&req, &state, &page).await? {
        Some(a) => overview(&page, &state, &a, CustomerInput::default(), FieldErrors::new()).await,
        None => sign_in_page(&state, &page, StatusCode::OK, ("", ""), &FieldErrors::new(), None).await,
    }
}

/// The sign-in page, with the WhatsApp form when the shop sends codes that way.
async fn sign_in_page(
    state: &AppState,
    page: &Page,
    status: StatusCode,
    (email, phone): (&str, &str),
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let whatsapp = account::whatsapp_sign_in(&state.db).await?;
    Ok(private(status, views::account::sign_in(page, (email, phone), errors, notice, whatsapp)))
}

async fn overview(
    page: &Page,
    state: &AppState,
    a: &Account,
    typed: CustomerInput,
    errors: FieldErrors,
) -> Result<HttpResponse, AppError> {
    let o = account::overview(&state.db, a).await?;
    let whatsapp = account::whatsapp_sign_in(&state.db).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(private(status, views::account::overview(page, a, &o.orders, &o.addresses, (&typed, &errors), whatsapp)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct EmailForm {
    pub email: String,
    pub code: String,
}

pub async fn ask(
    page: Page,
    client: ClientInfo,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<HttpResponse, AppError> {
    match account::ask_code(&state.db, &form.email, &client.limit_key, page.now).await? {
        Asked::Sent(email) => {
            state.wake_mailer();
            Ok(private(StatusCode::OK, views::account::code(&page, &email, None)))
        }
        Asked::Invalid(errors) => {
            sign_in_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, (&form.email, ""), &errors, None).await
        }
        Asked::TooMany => {
            let empty = FieldErrors::new();
            sign_in_page(&state, &page, StatusCode::TOO_MANY_REQUESTS, (&form.email, ""), &empty, Some(TOO_MANY)).await
        }
    }
}

const TOO_MANY: &str = "Too many codes were asked for. Use the newest code you received, or try again in an hour.";

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PhoneForm {
    pub phone: String,
    pub code: String,
}

/// `POST /account/whatsapp`: a code to a WhatsApp number, to sign in or (signed in) to add the number.
pub async fn ask_whatsapp(
    req: HttpRequest,
    page: Page,
    client: ClientInfo,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PhoneForm>,
) -> Result<HttpResponse, AppError> {
    let current = signed_in(&req, &state, &page).await?;
    let cc = page.shop.country_calling_code.clone();
    match account::ask_whatsapp_code(&state.db, &form.phone, &cc, &client.limit_key, page.now).await? {
        Asked::Sent(phone) => {
            Ok(private(StatusCode::OK, views::account::whatsapp_code(&page, &phone, None, current.is_some())))
        }
        Asked::Invalid(errors) if current.is_some() => {
            let said = errors.get("phone").cloned().unwrap_or_default();
            Ok(super::see_other_with_flash("/account", &said))
        }
        Asked::Invalid(errors) => {
            sign_in_page(&state, &page, StatusCode::UNPROCESSABLE_ENTITY, ("", &form.phone), &errors, None).await
        }
        Asked::TooMany if current.is_some() => Ok(super::see_other_with_flash("/account", TOO_MANY)),
        Asked::TooMany => {
            let empty = FieldErrors::new();
            sign_in_page(&state, &page, StatusCode::TOO_MANY_REQUESTS, ("", &form.phone), &empty, Some(TOO_MANY)).await
        }
    }
}

/// `POST /account/whatsapp/code`: the code from WhatsApp proves the number.
pub async fn whatsapp_code(
    req: HttpRequest,
    page: Page,
    client: ClientInfo,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<PhoneForm>,
) -> Result<HttpResponse, AppError> {
    let current = signed_in(&req, &state, &page).await?;
    let adding = current.is_some();
    match account::with_whatsapp_code(&state.db, &form.phone, &form.code, current, &client.limit_key, page.now).await? {
        Proven::SignedIn(SignedIn::Yes { token, .. }) => Ok(signed_in_response(&req, &token)),
        Proven::Added(_) => Ok(super::see_other_with_flash(
            "/account",
            "Your WhatsApp number is verified: orders placed with it show here now.",
        )),
        Proven::Elsewhere(why) => Ok(super::see_other_with_flash("/account", &why)),
        Proven::SignedIn(SignedIn::No(why)) => {
            let phone = form.phone.trim();
            Ok(private(
                StatusCode::UNPROCESSABLE_ENTITY,
                views::account::whatsapp_code(&page, phone, Some(&why), adding),
            ))
        }
    }
}

fn signed_in_response(req: &HttpRequest, token: &str) -> HttpResponse {
    let mut res = super::see_other_with_flash("/account", "You are signed in.");
    let _ = res.add_cookie(&session_cookie(req, token, SESSION_DAYS));
    res
}

pub async fn code(
    req: HttpRequest,
    page: Page,
    client: ClientInfo,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<HttpResponse, AppError> {
    match account::with_code(&state.db, &form.email, &form.code, &client.limit_key, page.now).await? {
        SignedIn::Yes { token, .. } => Ok(signed_in_response(&req, &token)),
        SignedIn::No(why) => {
            let email = form.email.trim().to_lowercase();
            Ok(private(StatusCode::UNPROCESSABLE_ENTITY, views::account::code(&page, &email, Some(&why))))
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LinkQuery {
    pub t: String,
}

pub async fn link(page: Page, state: web::Data<AppState>, q: web::Query<LinkQuery>) -> Result<HttpResponse, AppError> {
    let t = q.into_inner().t;
    match account::link_address(&state.db, &t, page.now).await? {
        Some(email) => {
            let action = format!("/account/link?t={t}");
            Ok(private(StatusCode::OK, views::account::link(&page, &action, &email)))
        }
        None => {
            let notice = "This sign-in link has expired or was used already. Ask for a new code below.";
            sign_in_page(&state, &page, StatusCode::NOT_FOUND, ("", ""), &FieldErrors::new(), Some(notice)).await
        }
    }
}

pub async fn link_sign_in(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    q: web::Query<LinkQuery>,
    _csrf: CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    match account::with_link(&state.db, &q.t, page.now).await? {
        SignedIn::Yes { token, .. } => Ok(signed_in_response(&req, &token)),
        SignedIn::No(why) => {
            sign_in_page(&state, &page, StatusCode::NOT_FOUND, ("", ""), &FieldErrors::new(), Some(&why)).await
        }
    }
}

fn signed_out(req: &HttpRequest, said: &str) -> HttpResponse {
    let mut res = super::see_other_with_flash("/account", said);
    let mut gone = session_cookie(req, "", 0);
    gone.make_removal();
    let _ = res.add_cookie(&gone);
    res
}

pub async fn sign_out(
    req: HttpRequest,
    state: web::Data<AppState>,
    _csrf: CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    if let Some(t) = session_token(&req) {
        account::sign_out(&state.db, &t).await?;
    }
    Ok(signed_out(&req, "You are signed out."))
}

pub async fn sign_out_everywhere(
    Customer(a): Customer,
    req: HttpRequest,
    state: web::Data<AppState>,
    _csrf: CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let n = account::sign_out_everywhere(&state.db, &a).await?;
    Ok(signed_out(&req, &format!("You are signed out on every device ({n}).")))
}

pub async fn open_order(
    Customer(a): Customer,
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
    _csrf: CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let base = super::public_base(&state, &page);
    let days = state.config.orders.link_days;
    match account::open_order(&state.db, &a, &code, &base, days, page.now).await? {
        Some(url) => Ok(super::see_other(url.strip_prefix(&base).unwrap_or(&url))),
        None => Err(AppError::NotFound),
    }
}

pub async fn reorder(
    Customer(a): Customer,
    req: HttpRequest,
    state: web::Data<AppState>,
    code: web::Path<String>,
    _csrf: CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let Some(lines) = account::reorder_lines(&state.db, &a, &code).await? else { return Err(AppError::NotFound) };
    // Each line goes into the cart as the product page would put it: what is sold out or gone is
    // named, the rest is added.
    let days = state.config.orders.cart_days;
    let (mut token, mut hash, mut count, mut said) = (None, super::cart::cart_hash(&req), 0, Vec::new());
    for (sku, qty) in lines {
        let wanted = crate::app::cart::Wanted::Sku(sku.clone());
        match crate::app::cart::add(&state.db, &state.clock, days, hash.clone(), wanted, qty, None).await {
            Ok(added) => {
                if let Some(t) = added.new_token {
                    hash = Some(crate::domain::tokens::hash_token(&t));
                    token = Some(t);
                }
                count = added.count.unwrap_or(count);
                said.push(added.message);
            }
            Err(AppError::NotFound) => said.push(format!("{sku} is no longer sold.")),
            Err(e) => return Err(e),
        }
    }
    let mut res = super::see_other_with_flash("/cart", &said.join(" "));
    super::cart::set_cookies(&mut res, &req, token.as_deref(), count, days);
    Ok(res)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AddressForm {
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

pub async fn add_address(
    Customer(a): Customer,
    page: Page,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<AddressForm>,
) -> Result<HttpResponse, AppError> {
    let input = CustomerInput {
        line1: form.line1,
        line2: form.line2,
        city: form.city,
        region: form.region,
        postal_code: form.postal_code,
        country: form.country,
        ..Default::default()
    };
    match account::add_address(&state.db, &a, &input, page.now).await? {
        Ok(()) => Ok(super::see_other_with_flash("/account", "Address saved.")),
        Err(errors) => overview(&page, &state, &a, input, errors).await,
    }
}

pub async fn delete_address(
    Customer(a): Customer,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _csrf: CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    account::delete_address(&state.db, &a, id.into_inner()).await?;
    Ok(super::see_other_with_flash("/account", "Address removed."))
}

/// `GET /api/v1/account/orders` with `Authorization: Bearer <the session's token>`.
pub async fn api_orders(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let token = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| t.len() == 64)
        .map(str::to_string);
    let unauthorized = || {
        HttpResponse::Unauthorized()
            .insert_header((header::WWW_AUTHENTICATE, "Bearer"))
            .json(serde_json::json!({"error": {"code": "unauthorized", "message": "Sign in at /account; send the session's token as a bearer token."}}))
    };
    let Some(token) = token else { return unauthorized() };
    let now = state.clock.now();
    let account = match account::session(&state.db, &token, now).await {
        Ok(Some(a)) => a,
        Ok(None) => return unauthorized(),
        Err(e) => return actix_web::ResponseError::error_response(&e),
    };
    match account::orders(&state.db, &account).await {
        Ok(orders) => {
            HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "private, no-store")).json(serde_json::json!({
                "email": Some(&account.email).filter(|e| !e.is_empty()),
                "phone": Some(&account.phone).filter(|p| !p.is_empty()),
                "orders": orders,
            }))
        }
        Err(e) => actix_web::ResponseError::error_response(&e),
    }
}

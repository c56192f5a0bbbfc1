//! Extractors built once per request: the page context, the signed-in admin, CSRF-checked forms.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use chrono::{Duration, Utc};
use serde::de::DeserializeOwned;

use super::middleware::{CSRF_COOKIE, FLASH_COOKIE, NewCsrfCookie};
use crate::AppState;
use crate::db::{self, sessions};
use crate::domain::tokens::{hash_token, sign, verify};
use crate::error::AppError;
pub use crate::views::{Admin, ClientInfo, Page};

pub const SESSION_COOKIE: &str = "souk_session";

type Fut<T> = Pin<Box<dyn Future<Output = Result<T, AppError>>>>;

fn state(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>().cloned().ok_or_else(|| AppError::internal("app state missing"))
}

impl FromRequest for ClientInfo {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let info = req.extensions().get::<ClientInfo>().cloned();
        std::future::ready(info.ok_or_else(|| AppError::internal("client info missing")))
    }
}

fn csrf_cookie(req: &HttpRequest) -> Option<String> {
    req.extensions()
        .get::<NewCsrfCookie>()
        .map(|c| c.0.clone())
        .or_else(|| req.cookie(CSRF_COOKIE).map(|c| c.value().to_string()))
}

/// `scheme://host` as this request reached the shop (forwarded host only from a trusted proxy).
pub fn origin(req: &HttpRequest, st: &AppState, client: &ClientInfo) -> String {
    let header = |name: &str| req.headers().get(name).and_then(|h| h.to_str().ok()).map(str::to_string);
    let host = client
        .proxied
        .then(|| header("x-forwarded-host"))
        .flatten()
        .or_else(|| header("host"))
        .unwrap_or_else(|| st.config.server.listen.clone());
    format!("{}://{host}", if client.https { "https" } else { "http" })
}

/// The page context of this request.
pub fn build_page(req: &HttpRequest) -> Result<Page, AppError> {
    let st = state(req)?;
    let csrf = csrf_cookie(req).map(|c| sign(&st.csrf_key, &c)).unwrap_or_default();
    let client =
        req.extensions().get::<ClientInfo>().cloned().ok_or_else(|| AppError::internal("client info missing"))?;
    let shop = st.shop();
    Ok(Page {
        origin: origin(req, &st, &client),
        zone: shop.time_zone,
        shop,
        csrf,
        flash: req.cookie(FLASH_COOKIE).and_then(|c| super::decode_flash(c.value())),
        path: req.path().to_string(),
        client,
        cart_count: super::cart::count_cookie(req),
        now: st.clock.now(),
    })
}

impl FromRequest for Page {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(build_page(req))
    }
}

impl Admin {
    /// This admin, for the audit log.
    pub fn actor(&self) -> crate::app::Actor {
        crate::app::Actor::user(&self.user, &self.page.client.ip)
    }
}

impl FromRequest for Admin {
    type Error = AppError;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let st = state(&req)?;
            let page = build_page(&req)?;
            let token = req.cookie(SESSION_COOKIE).ok_or(AppError::Unauthorized)?;
            let hash = hash_token(token.value());
            // The admin menu shows how many orders wait (drafts, active): read with the session.
            let (row, counts) =
                st.db.read(move |c| Ok((sessions::find(c, &hash)?, crate::db::order_lists::counts(c)?))).await?;
            let row = row.ok_or(AppError::Unauthorized)?;
            let now = Utc::now();
            let seen = db::parse_ts(&row.last_seen_at).unwrap_or(now);
            let created = db::parse_ts(&row.created_at).unwrap_or(now);
            let cfg = &st.config.session;
            let id = row.id;
            if now - seen > Duration::minutes(cfg.idle_minutes) || now - created > Duration::hours(cfg.absolute_hours) {
                st.db.write(move |tx| Ok(sessions::delete(tx, id)?)).await?;
                return Err(AppError::Unauthorized);
            }
            if now - seen > Duration::seconds(60) {
                st.db.write(move |tx| Ok(sessions::touch(tx, id, &db::now())?)).await?;
            }
            // The owner requires two-factor: someone without it may only enrol (or sign out).
            let leaving = matches!(req.path(), "/admin/logout" | "/admin/logout-everywhere");
            if row.must_enrol && !req.path().starts_with(ENROL_PATH) && !leaving {
                return Err(AppError::TwoFactorRequired);
            }
            Ok(Admin { page, user: row.user, session_id: id, counts })
        })
    }
}

/// Where an admin user turns two-factor sign-in on (and, when the owner requires it, must go first).
pub const ENROL_PATH: &str = "/admin/account/two-factor";

/// A signed-in owner; staff get 403.
#[derive(Debug, Clone)]
pub struct Owner(pub Admin);

impl FromRequest for Owner {
    type Error = AppError;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let admin = Admin::from_request(req, payload);
        Box::pin(async move {
            let admin = admin.await?;
            if !admin.is_owner() {
                return Err(AppError::Forbidden("Only the shop's owner can do this.".into()));
            }
            Ok(Owner(admin))
        })
    }
}

/// A URL-encoded form whose `csrf` field matches this browser's CSRF cookie; otherwise 403 and nothing runs.
#[derive(Debug)]
pub struct CsrfForm<T>(pub T);

impl<T: DeserializeOwned + 'static> FromRequest for CsrfForm<T> {
    type Error = AppError;
    type Future = Fut<Self>;
    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        // Only the last step depends on `T`: the rest is one function for every form, not a copy
        // of it per form type (50 copies were 0.25 MiB of the binary).
        let body = checked_form_body(req, payload);
        Box::pin(async move {
            let body = body.await?;
            serde_urlencoded::from_bytes(&body)
                .map(CsrfForm)
                .map_err(|e| AppError::BadRequest(format!("The form could not be read: {e}")))
        })
    }
}

/// A URL-encoded form's body, once its CSRF token has been checked.
fn checked_form_body(req: &HttpRequest, payload: &mut Payload) -> Fut<web::Bytes> {
    let req = req.clone();
    let body = web::Bytes::from_request(&req, payload);
    Box::pin(async move {
        let body = body.await.map_err(|e| {
            if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::TooLarge
            } else {
                AppError::BadRequest("The form could not be read.".into())
            }
        })?;
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
        let token = pairs.iter().find(|(k, _)| k == "csrf").map(|(_, v)| v.as_str()).unwrap_or("");
        verify_csrf(&req, token)?;
        Ok(body)
    })
}

/// Checks a form's CSRF token against this browser's cookie and the request's origin; 403 otherwise.
/// `CsrfForm` calls it for URL-encoded forms; handlers of multipart forms call it themselves.
pub fn verify_csrf(req: &HttpRequest, token: &str) -> Result<(), AppError> {
    let st = state(req)?;
    check_origin(req, &st.config.server.public_url)?;
    let cookie = req.cookie(CSRF_COOKIE).map(|c| c.value().to_string()).unwrap_or_default();
    if cookie.is_empty() || !verify(&st.csrf_key, &cookie, token) {
        tracing::warn!("form refused: missing or wrong CSRF token");
        return Err(AppError::Forbidden(
            "This form expired or did not come from this shop. Go back, reload the page and try again.".into(),
        ));
    }
    Ok(())
}

/// Refuses a cross-site post when the browser says where it came from. The origin may match the
/// Host header, the host a proxy forwarded, or the configured public URL.
pub fn check_origin(req: &HttpRequest, public_url: &str) -> Result<(), AppError> {
    let cross = || Err(AppError::Forbidden("This form did not come from this shop.".into()));
    if req.headers().get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return cross();
    }
    let Some(origin) = req.headers().get("origin").and_then(|o| o.to_str().ok()) else {
        return Ok(());
    };
    if origin == "null" {
        return Ok(());
    }
    let origin_host = origin.split("://").nth(1).unwrap_or("");
    let header = |name: &str| req.headers().get(name).and_then(|h| h.to_str().ok()).unwrap_or("");
    let public_host = public_url.split("://").nth(1).unwrap_or("").trim_end_matches('/');
    let proxied = req.extensions().get::<ClientInfo>().is_some_and(|c| c.proxied);
    let forwarded_host = if proxied { header("x-forwarded-host") } else { "" };
    let allowed = [header("host"), forwarded_host, public_host];
    if allowed.iter().any(|h| !h.is_empty() && h.eq_ignore_ascii_case(origin_host)) { Ok(()) } else { cross() }
}

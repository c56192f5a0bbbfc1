//! The admin JSON API (`/api/v1/admin/…`) for integrations holding an API token: the caller (the
//! token and the account it acts as), and what every route shares. A read token answers GET
//! calls; a write token may also move orders and record payments. The orders are in
//! `admin_orders.rs`, the customers in `admin_customers.rs`.

use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::http::{StatusCode, header};
use actix_web::{FromRequest, HttpMessage, HttpRequest, HttpResponse, web};

use rusqlite::Connection;
use serde_json::{Value, json};
use sha2::Digest;

use super::error;
use super::{admin_customers as customers, admin_orders as orders, admin_products as products};
use crate::AppState;
use crate::app::Actor;
use crate::app::api_tokens;
use crate::db;
use crate::domain::FieldErrors;
use crate::domain::api_tokens::{ApiToken, Scope};
use crate::domain::auth::User;
use crate::error::AppError;
use crate::views::ClientInfo;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/admin/customers", web::get().to(customers::list))
        .route("/api/v1/admin/customers/{id}", web::get().to(customers::read))
        .route("/api/v1/admin/orders", web::get().to(orders::list))
        .route("/api/v1/admin/products", web::post().to(products::create))
        .route("/api/v1/admin/products/{slug}", web::get().to(products::read))
        .route("/api/v1/admin/products/{slug}", web::patch().to(products::update))
        .route("/api/v1/admin/orders.csv", web::get().to(orders::export))
        .route("/api/v1/admin/orders/{code}", web::get().to(orders::read))
        .route("/api/v1/admin/orders/{code}/transitions", web::post().to(orders::transition))
        .route("/api/v1/admin/orders/{code}/payments", web::post().to(orders::payment));
}

/// An integration with a working API token, and the account the token acts as.
#[derive(Debug)]
pub struct Caller {
    pub token: ApiToken,
    pub user: User,
    pub ip: String,
}

impl Caller {
    /// Audited under the token's name.
    pub fn actor(&self) -> Actor {
        Actor::api(&self.user, &self.token.name, &self.ip)
    }

    /// 403 for a read-only token on a write call.
    pub(super) fn need_write(&self) -> Result<(), actix_web::Error> {
        if self.token.scope == Scope::Write {
            return Ok(());
        }
        let message = "This token can only read. The owner can make a token with write scope.";
        Err(InternalError::from_response("read scope", error(StatusCode::FORBIDDEN, "forbidden", message, None, None))
            .into())
    }
}

/// 401 for a missing, unknown or revoked token alike.
fn unauthorized() -> actix_web::Error {
    let message = "A working API token is needed: send it as “Authorization: Bearer <token>”.";
    let mut res = error(StatusCode::UNAUTHORIZED, "unauthorized", message, None, None);
    res.headers_mut().insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer"));
    InternalError::from_response("unauthorized", res).into()
}

impl FromRequest for Caller {
    type Error = actix_web::Error;
    type Future = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            let state = req.app_data::<web::Data<AppState>>().cloned().ok_or_else(unauthorized)?;
            let presented = req
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .map(|t| t.trim().to_string())
                .ok_or_else(unauthorized)?;
            let found = state.db.read(move |c| api_tokens::authenticate(c, &presented)).await?;
            let (token, user) = found.ok_or_else(unauthorized)?;
            let now = state.clock.now();
            let ip = req.extensions().get::<ClientInfo>().map(|c| c.ip.clone()).unwrap_or_default();
            let caller = Caller { token, user, ip };
            // Every call is in the audit log under the token's name: a write by the use case it runs,
            // the export by the export, and reads counted here and written once a second (one entry
            // per path and set of parameters, with how many calls), so a read never waits for a write.
            if req.method() == actix_web::http::Method::GET && !req.path().ends_with(".csv") {
                state.api_reads.note(&caller.actor(), req.path(), req.query_string(), now);
            }
            if api_tokens::stale(&caller.token, now) {
                let id = caller.token.id;
                state.db.write(move |tx| api_tokens::touch(tx, id, now)).await?;
            }
            Ok(caller)
        })
    }
}

/// Items per page: 50 unless `limit` says otherwise (1 to 200).
const DEFAULT_LIMIT: usize = 50;
const MAX_LIMIT: usize = 200;

/// The `limit` parameter as sent (absent: the default); a 400 naming it otherwise.
pub(super) fn parse_limit(raw: Option<&str>) -> Result<usize, HttpResponse> {
    match raw.map(str::parse::<usize>) {
        None => Ok(DEFAULT_LIMIT),
        Some(Ok(n)) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => Err(bad_parameter("limit", &format!("limit is a whole number from 1 to {MAX_LIMIT}."))),
    }
}

/// The query string read as `T`; a 400 naming the parameter it could not take otherwise.
/// A parameter sent empty is refused (leave it out instead), as the OpenAPI document says.
pub(super) fn read_query<T: serde::de::DeserializeOwned>(req: &HttpRequest) -> Result<T, HttpResponse> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(req.query_string()).unwrap_or_default();
    if let Some((name, _)) = pairs.iter().find(|(_, v)| v.is_empty()) {
        return Err(bad_parameter(name, &format!("{name} is empty: leave it out instead.")));
    }
    serde_urlencoded::from_str(req.query_string()).map_err(|e| {
        let text = e.to_string();
        let field = text.split('`').nth(1).unwrap_or("query").to_string();
        bad_parameter(&field, &format!("The query could not be read: {e}"))
    })
}

pub(super) fn bad_parameter(name: &str, message: &str) -> HttpResponse {
    let fields = FieldErrors::from([(static_name(name), message.to_string())]);
    error(StatusCode::BAD_REQUEST, "bad_parameter", message, Some(&fields), None)
}

/// The parameters the admin API can name in `error.fields` are a fixed few: this gives one's
/// static name ("query" for anything else).
fn static_name(name: &str) -> &'static str {
    const NAMES: &[&str] = &[
        "status",
        "payment_status",
        "payment",
        "delivery",
        "channel",
        "tag",
        "from",
        "to",
        "q",
        "cursor",
        "limit",
        "lines",
        "bom",
        "sort",
        "open",
        "query",
    ];
    NAMES.iter().find(|n| **n == name).copied().unwrap_or("query")
}

/// A write call: the token's write scope checked, the body read as `T`, the `Idempotency-Key`
/// honoured (the same key and body get the stored answer; the same key with another body is
/// refused), and `act` run in one transaction with the stored answer.
pub(super) async fn write_call<T, F>(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
    act: F,
) -> Result<HttpResponse, actix_web::Error>
where
    T: serde::de::DeserializeOwned + Send + 'static,
    F: FnOnce(&Connection, T, &Actor, chrono::DateTime<chrono::Utc>) -> Result<(StatusCode, Value), AppError>
        + Send
        + 'static,
{
    caller.need_write()?;
    let input: T = match super::json_body(&body) {
        Ok(v) => v,
        Err(e) => {
            let message = format!("The request body could not be read: {e}");
            return Ok(error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", &message, None, None));
        }
    };
    let key = match req.headers().get("idempotency-key").map(|v| v.to_str().map(str::trim)) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 200 => Some(k.to_string()),
        Some(_) => {
            let message = "The Idempotency-Key header must be 1 to 200 characters.";
            return Ok(error(StatusCode::BAD_REQUEST, "bad_request", message, None, None));
        }
    };
    let hash = sha2::Sha256::new()
        .chain_update(req.method().as_str().as_bytes())
        .chain_update(b" ")
        .chain_update(req.path().as_bytes())
        .chain_update(b"\n")
        .chain_update(&body)
        .finalize();
    let actor = caller.actor();
    let token_id = caller.token.id;
    let clock = state.clock.clone();
    let (status, value) = state
        .db
        .write(move |tx| {
            let now = clock.now();
            if let Some(k) = &key
                && let Some((stored_hash, status, body)) = db::api_tokens::reply(tx, token_id, k)?
            {
                if stored_hash != hash.as_slice() {
                    let message = "This Idempotency-Key was used with another request.";
                    let e = json!({"error": {"code": "idempotency_key_reused", "message": message}});
                    return Ok((StatusCode::UNPROCESSABLE_ENTITY, e));
                }
                let status = StatusCode::from_u16(status).map_err(AppError::internal)?;
                return Ok((status, serde_json::from_str(&body).map_err(AppError::internal)?));
            }
            let (status, value) = act(tx, input, &actor, now)?;
            if let Some(k) = &key
                && status.is_success()
            {
                db::api_tokens::insert_reply(
                    tx,
                    token_id,
                    k,
                    &hash,
                    status.as_u16(),
                    &value.to_string(),
                    &db::ts(now),
                )?;
            }
            Ok((status, value))
        })
        .await?;
    Ok(HttpResponse::build(status).json(value))
}

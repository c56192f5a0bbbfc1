//! The JSON API's orders: placing one (`POST /api/v1/orders`) and a guest reading it by its link.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Digest;

use super::{error, image_url};
use crate::AppState;
use crate::app::orders::{Basket, Outcome, PlacedOrder, Placing, Request, place_order};
use crate::db::{self, checkout as methods, orders as stored};
use crate::domain::checkout::CheckoutInput;
use crate::domain::orders::{Line, MAX_LINES, Order};
use crate::domain::{FieldErrors, tokens, whatsapp};
use crate::error::AppError;
use crate::web::extract::Page;
use crate::web::public_base;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderItem {
    sku: String,
    quantity: i64,
}

/// An optional text field: a client's `null` is the same as leaving it out.
fn null_as_empty<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct CustomerBody {
    name: String,
    phone: String,
    #[serde(deserialize_with = "null_as_empty")]
    email: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct AddressBody {
    line1: String,
    #[serde(deserialize_with = "null_as_empty")]
    line2: String,
    city: String,
    #[serde(deserialize_with = "null_as_empty")]
    region: String,
    #[serde(deserialize_with = "null_as_empty")]
    postal_code: String,
    country: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct DeliveryBody {
    method: String,
    address: Option<AddressBody>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct PaymentBody {
    method: String,
}

/// The order a client asks for. Unknown fields (a price, a total) are refused: the shop sets prices.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderBody {
    items: Vec<OrderItem>,
    customer: CustomerBody,
    #[serde(default)]
    delivery: DeliveryBody,
    #[serde(default)]
    payment: PaymentBody,
    #[serde(default, deserialize_with = "null_as_empty")]
    discount_code: String,
    #[serde(default, deserialize_with = "null_as_empty")]
    note: String,
}

/// The JSON of an order, as placing and reading it answer.
fn order_json(base: &str, o: &Order, lines: &[Line], token: Option<&str>, wa: Option<String>) -> Value {
    json!({
        "code": o.code,
        "status": o.status.as_str(),
        "payment_status": o.payment_status.as_str(),
        "currency": o.currency,
        "subtotal": o.subtotal,
        "delivery_fee": o.delivery_fee,
        "discount": o.discount,
        "total": o.total,
        "items": lines.iter().map(|l| json!({
            "sku": l.sku, "title": l.title, "options": l.options, "unit_price": l.unit_price,
            "quantity": l.quantity, "line_total": l.line_total, "image": image_url(base, l.image_id),
        })).collect::<Vec<_>>(),
        "delivery": {"method": o.delivery_code, "name": o.delivery_name},
        "payment": {"method": o.payment_code, "name": o.payment_name, "instructions": o.payment_instructions},
        "created_at": o.created_at,
        "whatsapp_url": wa,
        "tracking_url": token.map(|t| format!("{base}/o/{}?t={t}", o.code)),
    })
}

/// The `Idempotency-Key` header as sent, with the SHA-256 of the body it came with.
type KeyAndHash = (String, Vec<u8>);

/// Why an order's body was refused before anything was looked up.
#[derive(Debug)]
pub enum BodyError {
    /// Not JSON, or not an order's shape (serde's words).
    Unreadable(String),
    /// No items, or more than [`MAX_LINES`].
    Items,
}

/// The order a body asks for, as the checkout form would have sent it, with its `(sku, quantity)`
/// items. The fuzz target `api_order_body` drives this with arbitrary bytes.
pub fn read_body(body: &[u8]) -> Result<(CheckoutInput, Vec<(String, i64)>), BodyError> {
    let parsed: OrderBody = super::json_body(body).map_err(|e| BodyError::Unreadable(e.to_string()))?;
    if parsed.items.is_empty() || parsed.items.len() > MAX_LINES {
        return Err(BodyError::Items);
    }
    Ok(checkout_input(parsed))
}

type ReadRequest = (CheckoutInput, Vec<(String, i64)>, Option<KeyAndHash>);

fn read_request(req: &HttpRequest, body: &[u8]) -> Result<ReadRequest, HttpResponse> {
    let (input, items) = read_body(body).map_err(|e| match e {
        BodyError::Unreadable(e) => {
            let message = format!("The order could not be read: {e}");
            error(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", &message, None, None)
        }
        BodyError::Items => {
            let fields = FieldErrors::from([("items", format!("Send from 1 to {MAX_LINES} items."))]);
            error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "The order has no items.", Some(&fields), None)
        }
    })?;
    let key = match req.headers().get("idempotency-key").map(|v| v.to_str().map(str::trim)) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 200 => Some((k.to_string(), sha2::Sha256::digest(body).to_vec())),
        Some(_) => {
            let message = "The Idempotency-Key header must be 1 to 200 characters.";
            return Err(error(StatusCode::BAD_REQUEST, "bad_request", message, None, None));
        }
    };
    Ok((input, items, key))
}

/// The customer's details as the checkout form would have sent them.
fn checkout_input(b: OrderBody) -> (CheckoutInput, Vec<(String, i64)>) {
    let address = b.delivery.address.unwrap_or_default();
    let input = CheckoutInput {
        name: b.customer.name,
        phone: b.customer.phone,
        email: b.customer.email,
        delivery: b.delivery.method,
        line1: address.line1,
        line2: address.line2,
        city: address.city,
        region: address.region,
        postal_code: address.postal_code,
        country: address.country,
        payment: b.payment.method,
        discount_code: b.discount_code,
        note: b.note,
        ..Default::default()
    };
    (input, b.items.into_iter().map(|i| (i.sku, i.quantity)).collect())
}

pub async fn place(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let (input, items, key) = match read_request(&req, &body) {
        Ok(read) => read,
        Err(answer) => return Ok(answer),
    };
    let request = Request {
        basket: Basket::Skus { items, key },
        input,
        shop: page.shop.clone(),
        // Orders per hour are counted by client (an IPv6 client by its /64).
        ip: page.client.limit_key.clone(),
        // Emailed links never come from the request's Host header (anyone can send any Host).
        mail_base: state.base_url.to_string(),
    };
    let placing = place_order(&state.db, &state.order_env(), request).await?;
    answer(&state, &page, placing)
}

/// The JSON for what placing came to: the order (201, or 200 for a repeat within minutes), or
/// the error with its code.
fn answer(state: &AppState, page: &Page, placing: Placing) -> Result<HttpResponse, AppError> {
    let invalid = |fields: &FieldErrors| {
        error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "Some fields need correcting.", Some(fields), None)
    };
    Ok(match placing.outcome {
        Outcome::Placed(placed) => {
            if placed.mail {
                state.wake_mailer();
            }
            let PlacedOrder { order, lines, token, existing, .. } = *placed;
            let wa = whatsapp::order_link(&page.shop, &placing.settings.whatsapp_template, &order, &lines);
            let body = order_json(&public_base(state, page), &order, &lines, token.as_deref(), wa);
            // A retry with the same key is answered as the first time; a repeat within minutes
            // (no link) with 200.
            let status = if existing && token.is_none() { StatusCode::OK } else { StatusCode::CREATED };
            HttpResponse::build(status).insert_header((header::CACHE_CONTROL, "no-store")).json(body)
        }
        Outcome::Invalid(fields) => invalid(&fields),
        Outcome::UnknownSkus(unknown) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_sku",
            &format!("No product has the SKU {}.", unknown.join(", ")),
            None,
            Some(("skus", json!(unknown))),
        ),
        Outcome::SoldOut(items) => {
            let skus: Vec<String> = items.iter().map(|(_, sku)| sku.clone()).collect();
            let names: Vec<String> = items.into_iter().map(|(name, _)| name).collect();
            let message = format!("Not enough left of {}.", names.join(", "));
            error(StatusCode::CONFLICT, "sold_out", &message, None, Some(("skus", json!(skus))))
        }
        Outcome::TooMany { retry_after } => {
            let message = "Too many orders from this address; try again later.";
            let mut res = error(StatusCode::TOO_MANY_REQUESTS, "too_many_requests", message, None, None);
            if let Ok(v) = header::HeaderValue::from_str(&retry_after.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
        Outcome::Blocked => {
            let message = "This shop cannot take orders from this number online. Please contact the shop.";
            error(StatusCode::FORBIDDEN, "blocked", message, None, None)
        }
        Outcome::KeyReused => {
            let message = "This Idempotency-Key was used with another request.";
            error(StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused", message, None, None)
        }
        // The API sends no cart.
        Outcome::CartChanged => return Err(AppError::internal("an API order came with a cart")),
    })
}

/// A guest's order, read with `Authorization: Bearer <magic-link token>`. Any token that does not
/// open this order gets the same 404, so nothing tells whether the order exists.
pub async fn order(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_string())
    else {
        return Ok(error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Send the order's link token as Authorization: Bearer <token>.",
            None,
            None,
        ));
    };
    let code = code.into_inner();
    let hash = tokens::hash_token(&token);
    let found = state
        .db
        .read(move |c| {
            let Some((id, _)) = stored::token_scope(c, &code, &hash, &db::now())? else { return Ok(None) };
            let order = stored::by_id(c, id)?.ok_or(AppError::NotFound)?;
            Ok(Some((order, stored::lines(c, id)?, methods::settings(c)?.whatsapp_template)))
        })
        .await?;
    let Some((o, lines, template)) = found else {
        return Ok(error(StatusCode::NOT_FOUND, "not_found", "No order opens with this code and token.", None, None));
    };
    let base = public_base(&state, &page);
    let wa = whatsapp::order_link(&page.shop, &template, &o, &lines);
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(order_json(&base, &o, &lines, None, wa)))
}

//! The JSON API's orders: placing one (`POST /api/v1/orders`) and a guest reading it by its link.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Digest;

use super::{error, image_url};
use crate::AppState;
use crate::db::{self, carts, checkout as methods, orders as stored};
use crate::domain::checkout::{CheckoutInput, Customer, validate_customer};
use crate::domain::orders::{Line, MAX_LINES, Order};
use crate::domain::{FieldErrors, tokens};
use crate::error::AppError;
use crate::orders::{self, Item, Key, Placement, Refused};
use crate::web::extract::Page;

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

/// What placing answered, before it is turned into JSON.
enum Answer {
    Placed { order_id: i64, token: Option<String>, existing: bool, template: String },
    Invalid(FieldErrors),
    Refused(Refused),
}

pub async fn place(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let parsed: OrderBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return Ok(error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_body",
                &format!("The order could not be read: {e}"),
                None,
                None,
            ));
        }
    };
    if parsed.items.is_empty() || parsed.items.len() > MAX_LINES {
        let fields = FieldErrors::from([("items", format!("Send from 1 to {MAX_LINES} items."))]);
        return Ok(error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "The order has no items.", Some(&fields), None));
    }
    let key = match req.headers().get("idempotency-key").map(|v| v.to_str().map(str::trim)) {
        None => None,
        Some(Ok(k)) if !k.is_empty() && k.len() <= 200 => Some(Key {
            scope: "api",
            key: k.to_string(),
            request_hash: sha2::Sha256::digest(&body).to_vec(),
            cart_id: None,
        }),
        Some(_) => {
            return Ok(error(
                StatusCode::BAD_REQUEST,
                "bad_request",
                "The Idempotency-Key header must be 1 to 200 characters.",
                None,
                None,
            ));
        }
    };
    let address = parsed.delivery.address.unwrap_or_default();
    let input = CheckoutInput {
        name: parsed.customer.name,
        phone: parsed.customer.phone,
        email: parsed.customer.email,
        delivery: parsed.delivery.method,
        line1: address.line1,
        line2: address.line2,
        city: address.city,
        region: address.region,
        postal_code: address.postal_code,
        country: address.country,
        payment: parsed.payment.method,
        discount_code: parsed.discount_code,
        note: parsed.note,
        ..Default::default()
    };
    let items = parsed.items;
    let shop = page.shop.clone();
    let cfg = state.config.orders.clone();
    // Orders per hour are counted by client (an IPv6 client by its /64).
    let ip = page.client.limit_key.clone();
    let base = crate::web::public_base(&state, &page);
    // Emailed links never come from the request's Host header (anyone can send any Host).
    let mail_base = state.base_url.clone();
    let link_key = state.link_key.clone();
    // SKUs are looked up before the write, on a read connection: the one writer only does what
    // must be done there, and an order of unknown SKUs never reaches it. `place` checks every
    // variant again inside the write.
    let skus: Vec<String> = items.iter().map(|i| i.sku.trim().to_string()).collect();
    // So are the checkout settings and methods, and the customer's details are checked here too
    // (a phone number's check is the costliest part of an order): the writer only places.
    let read_key = key.as_ref().map(|k| (k.scope, k.key.clone()));
    let (ids, known, settings, deliveries, payments) = state
        .db
        .read(move |c| {
            let known = match &read_key {
                Some((scope, k)) => stored::idempotency(c, scope, k)?.is_some(),
                None => false,
            };
            let ids = skus.iter().map(|s| carts::variant_by_sku(c, s)).collect::<Result<Vec<_>, _>>()?;
            Ok((ids, known, methods::settings(c)?, methods::delivery_methods(c)?, methods::payment_methods(c)?))
        })
        .await?;
    let validated = validate_customer(&input, &shop, &settings, &deliveries, &payments);
    if let (Err(fields), false) = (&validated, known) {
        return Ok(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid",
            "Some fields need correcting.",
            Some(fields),
            None,
        ));
    }
    let unknown: Vec<String> =
        items.iter().zip(&ids).filter(|(_, id)| id.is_none()).map(|(i, _)| i.sku.clone()).collect();
    if !unknown.is_empty() && !known {
        return Ok(error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_sku",
            &format!("No product has the SKU {}.", unknown.join(", ")),
            None,
            Some(("skus", json!(unknown))),
        ));
    }
    let wanted: Vec<Item> = items
        .iter()
        .zip(&ids)
        .filter_map(|(i, id)| id.map(|variant_id| Item { variant_id, quantity: i.quantity, access_hash: None }))
        .collect();
    let clock = state.clock.clone();
    let answer = state
        .db
        .write(move |tx| {
            let now = clock.now();
            let known = match &key {
                Some(k) => stored::idempotency(tx, k.scope, &k.key)?.is_some(),
                None => false,
            };
            // A known key is answered from what it placed (or refused when the request differs).
            let customer = match validated {
                Ok(c) => c,
                Err(e) if !known => return Ok(Answer::Invalid(e)),
                Err(_) => Customer::default(),
            };
            let placement = Placement {
                items: wanted,
                customer,
                deliveries: &deliveries,
                payments: &payments,
                ip: &ip,
                channel: "web",
                key,
                link_key: &link_key,
                now,
            };
            match orders::place(tx, &placement, &shop, &settings, &cfg) {
                Ok(placed) => {
                    if let (Some(token), false) = (&placed.token, placed.existing) {
                        let link = format!("{mail_base}/o/{}?t={token}", placed.code);
                        orders::queue_mail(tx, &shop, placed.order_id, &placement.customer.email, &link, now)?;
                    }
                    Ok(Answer::Placed {
                        order_id: placed.order_id,
                        token: placed.token,
                        existing: placed.existing,
                        template: settings.whatsapp_template,
                    })
                }
                Err(Refused::Failed(e)) => Err(e),
                Err(r) => Ok(Answer::Refused(r)),
            }
        })
        .await?;
    Ok(match answer {
        Answer::Placed { order_id, token, existing, template } => {
            if !existing {
                state.wake_mailer();
            }
            // Read back after the commit, off the writer.
            let (order, lines) = state
                .db
                .read(move |c| {
                    Ok((stored::by_id(c, order_id)?.ok_or(AppError::NotFound)?, stored::lines(c, order_id)?))
                })
                .await?;
            let wa = orders::whatsapp_url(&page.shop, &template, &order, &lines);
            let body = order_json(&base, &order, &lines, token.as_deref(), wa);
            // A retry with the same key is answered as the first time; a repeat within minutes
            // (no link) with 200.
            let status = if existing && token.is_none() { StatusCode::OK } else { StatusCode::CREATED };
            HttpResponse::build(status).insert_header((header::CACHE_CONTROL, "no-store")).json(body)
        }
        Answer::Invalid(fields) => {
            error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "Some fields need correcting.", Some(&fields), None)
        }
        Answer::Refused(Refused::Invalid(fields)) => {
            error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", "Some fields need correcting.", Some(&fields), None)
        }
        Answer::Refused(Refused::SoldOut(items)) => {
            let skus: Vec<String> = items.iter().map(|(_, sku)| sku.clone()).collect();
            let names: Vec<String> = items.into_iter().map(|(name, _)| name).collect();
            error(
                StatusCode::CONFLICT,
                "sold_out",
                &format!("Not enough left of {}.", names.join(", ")),
                None,
                Some(("skus", json!(skus))),
            )
        }
        Answer::Refused(Refused::TooMany { retry_after }) => {
            let mut res = error(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_requests",
                "Too many orders from this address; try again later.",
                None,
                None,
            );
            if let Ok(v) = header::HeaderValue::from_str(&retry_after.to_string()) {
                res.headers_mut().insert(header::RETRY_AFTER, v);
            }
            res
        }
        Answer::Refused(Refused::KeyReused) => error(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "This Idempotency-Key was used with another request.",
            None,
            None,
        ),
        Answer::Refused(Refused::Failed(e)) => return Err(e),
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
    let base = crate::web::public_base(&state, &page);
    let wa = orders::whatsapp_url(&page.shop, &template, &o, &lines);
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(order_json(&base, &o, &lines, None, wa)))
}

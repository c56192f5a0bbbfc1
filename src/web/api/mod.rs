//! The public JSON API (`/api/v1`): the shop, products, placing an order, and reading it with its
//! magic-link token; and the admin API for integrations holding an API token (`admin.rs`). Described by `/api/v1/openapi.json` (`openapi.rs`).

pub mod admin;
mod admin_customers;
mod admin_orders;
mod admin_products;
mod openapi;
mod placing;

pub use placing::{BodyError, read_body as read_order_body};

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::extract::Page;
use crate::AppState;
use crate::db::{self, catalog, checkout as methods};
use crate::domain::FieldErrors;
use crate::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/api/v1/openapi.json", web::get().to(openapi::document))
        .route("/api/v1/shop", web::get().to(shop))
        .route("/api/v1/products", web::get().to(products))
        .route("/api/v1/products/{slug}", web::get().to(product))
        .route("/api/v1/orders", web::post().to(placing::place))
        .route("/api/v1/account/orders", web::get().to(crate::web::account::api_orders))
        .route("/api/v1/orders/{code}", web::get().to(placing::order))
        .configure(admin::configure);
}

/// A JSON body read as `T`. A number with nothing after the point (`1302.0`) is a whole number, as
/// JSON Schema's `integer` counts it, so it is read as one.
pub fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    fn whole(v: &mut Value) {
        match v {
            Value::Number(n) if !n.is_i64() && !n.is_u64() => {
                if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                    *v = Value::from(f as i64);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(whole),
            Value::Object(map) => map.values_mut().for_each(whole),
            _ => {}
        }
    }
    let mut value: Value = serde_json::from_slice(body)?;
    whole(&mut value);
    serde_json::from_value(value)
}

/// A method the API does not take on a path it has: 405 with `Allow` (from the OpenAPI
/// document); `None` when the path is not the API's.
pub fn method_not_allowed(req: &actix_web::HttpRequest) -> Option<HttpResponse> {
    let pattern = req.resource_map().match_pattern(req.path())?;
    let methods = openapi::methods_of(pattern.strip_prefix("/api/v1")?);
    if methods.is_empty() {
        return None;
    }
    let allow = methods.join(", ");
    let message = format!("{} is not allowed here; use {allow}.", req.method());
    let mut res = error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed", &message, None, None);
    res.headers_mut().insert(actix_web::http::header::ALLOW, allow.parse().ok()?);
    Some(res)
}

/// `{"error": {...}}` with the given status; `fields` names bad fields, `extra` adds keys (such as `skus`).
pub fn error(
    status: StatusCode,
    code: &str,
    message: &str,
    fields: Option<&FieldErrors>,
    extra: Option<(&str, Value)>,
) -> HttpResponse {
    let mut e = json!({"code": code, "message": message});
    if let Some(f) = fields {
        e["fields"] = json!(f);
    }
    if let Some((k, v)) = extra {
        e[k] = v;
    }
    HttpResponse::build(status).json(json!({ "error": e }))
}

fn image_url(base: &str, id: Option<i64>) -> Value {
    id.map_or(Value::Null, |id| json!(format!("{base}{}", crate::views::images::url(id, 640))))
}

async fn shop(page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (deliveries, payments) =
        state.db.read(|c| Ok((methods::delivery_methods(c)?, methods::payment_methods(c)?))).await?;
    let s = &page.shop;
    Ok(HttpResponse::Ok().json(json!({
        "name": s.name,
        "currency": s.currency,
        "currency_minor_units": s.currency_minor_units,
        "whatsapp_number": if s.whatsapp_number.is_empty() { Value::Null } else { json!(s.whatsapp_number) },
        "delivery_methods": deliveries.iter().map(|d| json!({
            "id": d.code, "name": d.name, "fee": d.from_fee(), "free_over": d.free_over,
            "needs_address": d.needs_address(), "details": d.details,
        })).collect::<Vec<_>>(),
        "payment_methods": payments.iter().map(|p| json!({"id": p.code, "name": p.name, "kind": p.kind.as_str()})).collect::<Vec<_>>(),
    })))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ListQuery {
    cursor: Option<String>,
    limit: Option<i64>,
}

/// Active products, newest first, a page at a time; `next` is the cursor of the following page.
async fn products(page: Page, state: web::Data<AppState>, q: web::Query<ListQuery>) -> Result<HttpResponse, AppError> {
    let limit = match q.limit {
        None => 24,
        Some(n @ 1..=100) => n,
        Some(_) => return Err(AppError::BadRequest("limit is a whole number from 1 to 100.".into())),
    };
    let after = match q.cursor.as_deref() {
        None => None,
        Some(c) => Some(c.parse::<i64>().map_err(|_| AppError::BadRequest("The cursor is not valid.".into()))?),
    };
    let cards = state.db.read(move |c| Ok(catalog::cards_after(c, after, limit + 1)?)).await?;
    let base = super::public_base(&state, &page);
    let now = state.clock.now();
    let more = cards.len() as i64 > limit;
    let shown = &cards[..cards.len().min(limit as usize)];
    Ok(HttpResponse::Ok().json(json!({
        "products": shown.iter().map(|c| json!({
            "slug": c.slug,
            "title": c.title,
            "price": c.price,
            "currency": page.shop.currency,
            "image": image_url(&base, c.image_id),
            "available": !c.sold_out && crate::domain::catalog::is_released(c.publish_at.as_deref().and_then(db::parse_ts), now),
        })).collect::<Vec<_>>(),
        "next": if more { shown.last().map(|c| json!(c.id.to_string())).unwrap_or(Value::Null) } else { Value::Null },
    })))
}

async fn product(page: Page, state: web::Data<AppState>, slug: web::Path<String>) -> Result<HttpResponse, AppError> {
    let slug = slug.into_inner();
    let p = state.db.read(move |c| catalog::product_page(c, &slug)?.ok_or(AppError::NotFound)).await?;
    let base = super::public_base(&state, &page);
    let released =
        crate::domain::catalog::is_released(p.product.publish_at.as_deref().and_then(db::parse_ts), state.clock.now());
    let names = &p.product.options;
    Ok(HttpResponse::Ok().json(json!({
        "slug": p.product.slug,
        "title": p.product.title,
        "description": p.product.description_md,
        "currency": page.shop.currency,
        "publish_at": p.product.publish_at,
        "images": p.images.iter().map(|i| json!({"url": image_url(&base, Some(i.id)), "alt": i.alt})).collect::<Vec<_>>(),
        "variants": p.variants.iter().map(|v| {
            let options: serde_json::Map<String, Value> = (0..3)
                .filter(|i| !names[*i].is_empty())
                .map(|i| (names[i].clone(), json!(v.options[i])))
                .collect();
            // Units that can be bought now; null when there is no limit (stock not tracked, or backorders allowed).
            let available = match v.stock().available() {
                _ if !released => json!(0),
                Some(n) if !v.allow_backorder => json!(n),
                _ => Value::Null,
            };
            json!({
                "sku": v.sku,
                "options": options,
                "price": v.price,
                "compare_at_price": v.compare_at_price,
                "available": available,
                "max_per_order": v.max_per_order,
            })
        }).collect::<Vec<_>>(),
    })))
}

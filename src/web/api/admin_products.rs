//! The admin API's products: one product as the admin sees it (any status, stock on hand and
//! reserved), created or changed by the CSV importer's rules (`app::import::change_product`).
//! Write calls need write scope and honour `Idempotency-Key`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use rusqlite::Connection;
use serde_json::{Value, json};

use super::admin::{Caller, write_call};
use crate::AppState;
use crate::app::import;
use crate::db::catalog;
use crate::domain::catalog::ProductStatus;
use crate::domain::product_change::{PathErrors, ProductChange};
use crate::error::AppError;

/// A product as the admin API shows it; `None` when no product has the id.
fn product_json(c: &Connection, id: i64, currency: &str, base: &str) -> Result<Option<Value>, AppError> {
    let Some((p, variants, _)) = catalog::for_edit(c, id)? else {
        return Ok(None);
    };
    let collections = catalog::collection_titles_of(c, id)?;
    let images = catalog::images_of(c, id)?;
    let names: Vec<&str> = p.options.iter().map(String::as_str).filter(|n| !n.is_empty()).collect();
    let tags: Vec<&str> = p.tags.split(',').map(str::trim).filter(|t| !t.is_empty()).collect();
    Ok(Some(json!({
        "slug": p.slug,
        "title": p.title,
        "status": p.status.as_str(),
        "description": p.description_md,
        "tags": tags,
        "seo_title": p.seo_title,
        "seo_description": p.seo_description,
        "publish_at": p.publish_at,
        "options": names,
        "collections": collections,
        "currency": currency,
        "url": if p.status == ProductStatus::Active { json!(format!("{base}/p/{}", p.slug)) } else { Value::Null },
        "images": images.iter().map(|i| json!({
            "url": format!("{base}{}", crate::views::images::url(i.id, 640)),
            "alt": i.alt,
            "sku": i.variant_id.and_then(|vid| variants.iter().find(|v| v.id == vid)).map(|v| v.sku.clone()),
        })).collect::<Vec<_>>(),
        "variants": variants.iter().map(|v| json!({
            "sku": v.sku,
            "options": names.iter().zip(&v.options).map(|(n, o)| (n.to_string(), json!(o))).collect::<serde_json::Map<_, _>>(),
            "price": v.price,
            "compare_at_price": v.compare_at_price,
            "track_stock": v.track_stock,
            "allow_backorder": v.allow_backorder,
            "max_per_order": v.max_per_order,
            "barcode": v.barcode,
            "weight_grams": v.weight_grams,
            "on_hand": v.on_hand,
            "reserved": v.reserved,
            "available": if v.track_stock { json!((v.on_hand - v.reserved).max(0)) } else { Value::Null },
        })).collect::<Vec<_>>(),
        "updated_at": p.updated_at,
    })))
}

fn not_found() -> (StatusCode, Value) {
    (StatusCode::NOT_FOUND, json!({"error": {"code": "not_found", "message": "No product has this slug."}}))
}

fn invalid(fields: PathErrors) -> (StatusCode, Value) {
    let message = "The product was not saved: see fields.";
    (StatusCode::UNPROCESSABLE_ENTITY, json!({"error": {"code": "invalid", "message": message, "fields": fields}}))
}

/// `GET /api/v1/admin/products/{slug}`: any status.
pub(super) async fn read(
    _caller: Caller,
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let (slug, currency, base) = (slug.into_inner(), state.shop().currency, state.base_url.to_string());
    let (status, body) = state
        .db
        .read(move |c| {
            let found = match catalog::product_id_by_slug(c, &slug)? {
                Some(id) => product_json(c, id, &currency, &base)?,
                None => None,
            };
            Ok(found.map(|v| (StatusCode::OK, v)).unwrap_or_else(not_found))
        })
        .await?;
    Ok(HttpResponse::build(status).json(body))
}

/// `POST /api/v1/admin/products`: a new product with its variants and their stock; 201.
pub(super) async fn create(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, actix_web::Error> {
    save(caller, state, req, None, body).await
}

/// `PATCH /api/v1/admin/products/{slug}`: what the body names changes, the rest stays.
pub(super) async fn update(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, actix_web::Error> {
    save(caller, state, req, Some(slug.into_inner()), body).await
}

async fn save(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    slug: Option<String>,
    body: web::Bytes,
) -> Result<HttpResponse, actix_web::Error> {
    let shop = state.shop();
    let (minor_units, currency, base) = (shop.currency_minor_units, shop.currency, state.base_url.to_string());
    write_call(caller, state, req, body, move |tx, change: ProductChange, actor, _now| {
        let existing = match &slug {
            Some(s) => match catalog::product_id_by_slug(tx, s)? {
                Some(id) => Some(id),
                None => return Ok(not_found()),
            },
            None => None,
        };
        match import::change_product(tx, actor, existing, change, minor_units)? {
            Ok(id) => {
                let status = if existing.is_some() { StatusCode::OK } else { StatusCode::CREATED };
                Ok((status, product_json(tx, id, &currency, &base)?.unwrap_or_default()))
            }
            Err(fields) => Ok(invalid(fields)),
        }
    })
    .await
}

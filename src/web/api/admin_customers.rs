//! The admin API's customers: the list (the admin list's search, filters and sorts, in pages) and
//! one customer with their figures and latest orders. Read scope is enough.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin::{Caller, bad_parameter, parse_limit, read_query};
use super::error;
use crate::AppState;
use crate::db::{customers as stored, order_lists};
use crate::domain::customers::{Customer, CustomerFilter, average_order};
use crate::error::AppError;

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Params {
    q: String,
    tag: String,
    open: String,
    sort: String,
    cursor: String,
    limit: Option<String>,
}

/// The cursor of the next page: how many customers came before it, in the list's order.
fn cursor(offset: usize) -> String {
    hex::encode(format!("after|{offset}"))
}

fn parse_cursor(s: &str) -> Option<usize> {
    let text = String::from_utf8(hex::decode(s).ok()?).ok()?;
    text.strip_prefix("after|")?.parse().ok()
}

fn customer_json(c: &Customer, currency: &str) -> Value {
    json!({
        "id": c.id,
        "phone": c.phone,
        "name": c.name,
        "email": if c.email.is_empty() { Value::Null } else { json!(c.email) },
        "order_count": c.order_count,
        "open_orders": c.open_orders,
        "lifetime_value": c.lifetime_value,
        "currency": currency,
        "last_order_at": c.last_order_at,
        "created_at": c.created_at,
    })
}

/// `GET /api/v1/admin/customers`.
pub async fn list(_caller: Caller, state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, AppError> {
    let p: Params = match read_query(&req) {
        Ok(p) => p,
        Err(res) => return Ok(res),
    };
    let limit = match parse_limit(p.limit.as_deref()) {
        Ok(n) => n,
        Err(res) => return Ok(res),
    };
    let offset = match p.cursor.trim() {
        "" => 0,
        c => match parse_cursor(c) {
            Some(o) => o,
            None => return Ok(bad_parameter("cursor", "The cursor is not one this API gave.")),
        },
    };
    let shop = state.shop();
    let filter = CustomerFilter { q: p.q, tag: p.tag, open: p.open, sort: p.sort, page: 0 };
    let query = match crate::web::admin::customers::query(&filter, &shop.country_calling_code) {
        Ok(q) => q,
        Err((name, message)) => return Ok(bad_parameter(name, &message)),
    };
    let found = state.db.read(move |c| Ok(stored::list(c, &query, limit + 1, offset)?)).await?;
    let more = found.len() > limit;
    let shown = &found[..found.len().min(limit)];
    Ok(HttpResponse::Ok().json(json!({
        "customers": shown.iter().map(|c| customer_json(c, &shop.currency)).collect::<Vec<_>>(),
        "next": if more { json!(cursor(offset + limit)) } else { Value::Null },
    })))
}

/// `GET /api/v1/admin/customers/{id}`.
pub async fn read(_caller: Caller, state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let currency = state.shop().currency;
    let found = state
        .db
        .read(move |c| {
            let Some(customer) = stored::by_id(c, id)? else {
                return Ok(None);
            };
            Ok(Some((stored::record(c, id)?, stored::tags(c, id)?, order_lists::by_customer(c, id, 50)?, customer)))
        })
        .await?;
    let Some((record, tags, orders, customer)) = found else {
        return Ok(error(StatusCode::NOT_FOUND, "not_found", "No customer has this id.", None, None));
    };
    let mut body = customer_json(&customer, &currency);
    body["note"] = json!(customer.note);
    body["tags"] = json!(tags);
    body["average_order"] = json!(average_order(customer.lifetime_value, record.valued));
    body["record"] = json!({
        "delivered": record.delivered, "cancelled": record.cancelled, "returned": record.returned,
        "failed_delivery": record.failed_delivery, "refused_cod": record.refused_cod,
    });
    body["orders"] = json!(
        orders
            .iter()
            .map(|o| json!({
                "code": o.code, "status": o.status.as_str(), "payment_status": o.payment_status.as_str(),
                "total": o.total, "created_at": o.created_at,
            }))
            .collect::<Vec<_>>()
    );
    Ok(HttpResponse::Ok().json(body))
}

//! The admin API's orders: the desk's All-tab list in cursor pages, the CSV export, one order, and
//! its transitions and payments through the same use cases as the order desk. Write calls honour
//! `Idempotency-Key`.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use rusqlite::Connection;
use serde::Deserialize;
use serde_json::{Value, json};

use super::admin::{Caller, bad_parameter, parse_limit, read_query, write_call};
use crate::AppState;
use crate::app::Actor;
use crate::app::orders::payments as pay;
use crate::app::orders::transition::{self as lifecycle, Refusal, SellerStep};
use crate::db::{self, desk, order_lists, orders, payments as payments_db};
use crate::domain::FieldErrors;
use crate::domain::order_lists::Filter;
use crate::domain::orders::Status;
use crate::domain::payments::PaymentInput;
use crate::error::AppError;

/// The list's query: the desk's All-tab filters, a cursor and a limit (and the export's switches).
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct ListParams {
    status: String,
    payment_status: String,
    payment: String,
    delivery: String,
    channel: String,
    tag: String,
    from: String,
    to: String,
    q: String,
    cursor: String,
    limit: Option<String>,
    /// For `orders.csv`: one row per item.
    lines: Option<String>,
    /// For `orders.csv`: a byte order mark first, for Excel.
    bom: Option<String>,
}

/// A page's cursor: the last order's placing time and id, so pages hold still as orders arrive.
fn cursor(created_at: &str, id: i64) -> String {
    hex::encode(format!("{created_at}|{id}"))
}

fn parse_cursor(s: &str) -> Option<(String, i64)> {
    let text = String::from_utf8(hex::decode(s).ok()?).ok()?;
    let (at, id) = text.split_once('|')?;
    db::parse_ts(at)?;
    Some((at.to_string(), id.parse().ok()?))
}

/// The list's parameters read and checked into the desk's query; a 400 naming the parameter otherwise.
fn read_params(state: &AppState, req: &HttpRequest) -> Result<(ListParams, Filter, order_lists::Query), HttpResponse> {
    let params: ListParams = read_query(req)?;
    let filter = Filter {
        status: params.status.clone(),
        payment_status: params.payment_status.clone(),
        payment: params.payment.clone(),
        delivery: params.delivery.clone(),
        channel: params.channel.clone(),
        tag: params.tag.clone(),
        from: params.from.clone(),
        to: params.to.clone(),
        q: params.q.clone(),
        ..Default::default()
    };
    let shop = state.shop();
    let query = crate::web::admin::orders::query(&filter, shop.time_zone, &shop.country_calling_code)
        .map_err(|(name, message)| bad_parameter(name, &message))?;
    Ok((params, filter, query))
}

/// `GET /api/v1/admin/orders`: newest first, filtered like the desk's All tab.
pub(super) async fn list(
    _caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (params, _, mut query) = match read_params(&state, &req) {
        Ok(p) => p,
        Err(res) => return Ok(res),
    };
    let limit = match parse_limit(params.limit.as_deref()) {
        Ok(n) => n,
        Err(res) => return Ok(res),
    };
    let before = match params.cursor.trim() {
        "" => None,
        c => match parse_cursor(c) {
            Some(b) => Some(b),
            None => return Ok(bad_parameter("cursor", "The cursor is not one this API gave.")),
        },
    };
    query.before = before;
    let rows = state.db.read(move |c| Ok(order_lists::search(c, &query, limit + 1, 0)?)).await?;
    let more = rows.len() > limit;
    let shown = &rows[..rows.len().min(limit)];
    Ok(HttpResponse::Ok().json(json!({
        "orders": shown.iter().map(|r| json!({
            "code": r.code,
            "status": r.status.as_str(),
            "payment_status": r.payment_status.as_str(),
            "channel": r.channel,
            "customer": {"name": r.customer_name, "phone": r.customer_phone},
            "currency": r.currency,
            "total": r.total,
            "paid": r.paid,
            "payment_method": r.payment_name,
            "delivery_method": r.delivery_name,
            "units": r.units,
            "created_at": r.created_at,
        })).collect::<Vec<_>>(),
        "next": if more { shown.last().map(|r| json!(cursor(&r.created_at, r.id))).unwrap_or(Value::Null) } else { Value::Null },
    })))
}

/// `GET /api/v1/admin/orders.csv`: the list's filters (no cursor: the whole export streams), with
/// `lines` and `bom` as on the desk's export.
pub(super) async fn export(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (params, filter, query) = match read_params(&state, &req) {
        Ok(p) => p,
        Err(res) => return Ok(res),
    };
    let switches = match crate::web::admin::export::Switches::read(params.lines.as_deref(), params.bom.as_deref()) {
        Ok(s) => s,
        Err((name, message)) => return Ok(bad_parameter(name, &message)),
    };
    crate::web::admin::export::csv_response(state, query, &filter, switches, caller.actor()).await
}

/// An order as the admin API shows it: everything the desk shows but the notes' authorship.
fn order_json(c: &Connection, code: &str) -> Result<Option<Value>, AppError> {
    let Some(o) = orders::by_code(c, code)? else {
        return Ok(None);
    };
    let lines = orders::lines(c, o.id)?;
    let payments = payments_db::payments(c, o.id)?;
    let timeline = desk::timeline(c, o.id)?;
    let tags = desk::tags(c, o.id)?;
    let flags = db::review::flags(c, o.id)?;
    let reviewed = db::review::reviewed(c, o.id)?;
    let opt = |s: &str| if s.is_empty() { Value::Null } else { json!(s) };
    let a = &o.address;
    Ok(Some(json!({
        "code": o.code,
        "status": o.status.as_str(),
        "payment_status": o.payment_status.as_str(),
        "allowed_transitions": o.status.next().iter().map(|s| s.as_str()).collect::<Vec<_>>(),
        "channel": o.channel,
        "kind": if o.custom { "custom" } else { "catalogue" },
        "currency": o.currency,
        "subtotal": o.subtotal,
        "delivery_fee": o.delivery_fee,
        "discount": o.discount,
        "total": o.total,
        "paid": o.paid,
        "balance": (o.total - o.paid).max(0),
        "customer": {"name": o.customer_name, "phone": o.customer_phone, "email": opt(&o.customer_email)},
        "delivery": {
            "method": o.delivery_code,
            "name": o.delivery_name,
            "address": if a.line1.is_empty() { Value::Null } else { json!({
                "line1": a.line1, "line2": a.line2, "city": a.city, "region": a.region,
                "postal_code": a.postal_code, "country": a.country,
            }) },
        },
        "payment": {"method": o.payment_code, "name": o.payment_name, "kind": o.payment_kind},
        "discount_code": o.discount_code,
        "note": o.note,
        "cancel_reason": o.cancel_reason,
        "tracking": if o.tracking_number.is_empty() { Value::Null } else { json!({
            "courier": o.courier, "number": o.tracking_number, "url": opt(&o.tracking_url),
        }) },
        "failed_reason": opt(&o.failed_reason),
        "items": lines.iter().map(|l| json!({
            "sku": l.sku, "title": l.title, "options": l.options, "unit_price": l.unit_price,
            "quantity": l.quantity, "line_total": l.line_total,
        })).collect::<Vec<_>>(),
        "tags": tags,
        "flags": flags.iter().map(|f| json!({"rule": f.rule.as_str(), "reason": f.reason})).collect::<Vec<_>>(),
        "reviewed": reviewed.map(|(at, by)| json!({"at": at, "by": by})),
        "payments": payments.iter().map(|p| json!({
            "kind": p.kind.as_str(), "amount": p.amount, "method": p.method, "reference": p.reference,
            "recorded_by": p.recorded_by, "at": p.at,
        })).collect::<Vec<_>>(),
        "timeline": timeline.iter().map(|e| json!({
            "kind": e.kind.as_str(), "from": e.from_status, "status": e.status, "note": e.note,
            "detail": e.detail, "by": e.actor, "at": e.at,
        })).collect::<Vec<_>>(),
        "created_at": o.created_at,
        "expires_at": o.expires_at,
        "confirmed_at": o.confirmed_at,
        "shipped_at": o.shipped_at,
        "delivered_at": o.delivered_at,
    })))
}

fn not_found() -> (StatusCode, Value) {
    let message = "No order has this code.";
    (StatusCode::NOT_FOUND, json!({"error": {"code": "not_found", "message": message}}))
}

/// `GET /api/v1/admin/orders/{code}`.
pub(super) async fn read(
    _caller: Caller,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let (status, body) = state
        .db
        .read(move |c| Ok(order_json(c, &code)?.map(|v| (StatusCode::OK, v)).unwrap_or_else(not_found)))
        .await?;
    Ok(HttpResponse::build(status).json(body))
}

/// A refusal as the API answers it: 409 with the allowed statuses for an illegal step, 409 with
/// the short lines for stock, 422 with fields to fix.
fn refusal(r: Refusal) -> Result<(StatusCode, Value), AppError> {
    let message = r.message();
    Ok(match r {
        Refusal::Illegal { from, allowed, .. } => (
            StatusCode::CONFLICT,
            json!({"error": {"code": "illegal_transition", "message": message, "from": from.as_str(),
                "allowed": allowed.iter().map(|s| s.as_str()).collect::<Vec<_>>()}}),
        ),
        Refusal::Short(lines) => (
            StatusCode::CONFLICT,
            json!({"error": {"code": "short_stock", "message": message, "lines": lines.iter().map(|s| json!({
                "sku": s.0, "title": s.1, "wanted": s.2, "available": s.3,
            })).collect::<Vec<_>>()}}),
        ),
        Refusal::Invalid(fields) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            json!({"error": {"code": "invalid", "message": message, "fields": fields}}),
        ),
        Refusal::NotNow(_) => (StatusCode::CONFLICT, json!({"error": {"code": "conflict", "message": message}})),
        Refusal::NotFound => not_found(),
        failed @ Refusal::Failed(_) => return Err(lifecycle::into_error(failed)),
    })
}

/// A write call on the order with this code: `act` runs on its id, in the API's idempotent write
/// (`admin::write_call`); 404 when no order has the code.
async fn on_order<T, F>(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    code: String,
    body: web::Bytes,
    act: F,
) -> Result<HttpResponse, actix_web::Error>
where
    T: serde::de::DeserializeOwned + Send + 'static,
    F: FnOnce(&Connection, i64, T, &Actor, chrono::DateTime<chrono::Utc>) -> Result<(StatusCode, Value), AppError>
        + Send
        + 'static,
{
    write_call(caller, state, req, body, move |tx, input: T, actor, now| {
        let Some(id) = orders::by_code(tx, &code)?.map(|o| o.id) else {
            return Ok(not_found());
        };
        act(tx, id, input, actor, now)
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct TransitionBody {
    to: String,
    reason: String,
    courier: String,
    tracking_number: String,
    failed_reason: String,
    cash_collected: Option<i64>,
    /// For `returned`: the SKUs whose units go back into stock.
    restock: Vec<String>,
    /// For `confirmed`: the order was flagged by the review rules and the caller reviewed it.
    reviewed: bool,
}

/// `POST /api/v1/admin/orders/{code}/transitions`: one step of the lifecycle, as the desk's buttons.
pub(super) async fn transition(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, actix_web::Error> {
    let code = code.into_inner();
    on_order(caller, state, req, code, body, |tx, id, b: TransitionBody, actor, now| {
        if Status::parse(b.to.trim()).is_none() {
            let allowed: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            let fields = FieldErrors::from([("to", format!("Use one of: {}.", allowed.join(", ")))]);
            return refusal(Refusal::Invalid(fields));
        }
        let lines = orders::lines(tx, id)?;
        let mut restock = Vec::new();
        for sku in &b.restock {
            match lines.iter().find(|l| &l.sku == sku) {
                Some(l) => restock.push(l.id),
                None => {
                    let fields = FieldErrors::from([("restock", format!("The order has no line with SKU {sku}."))]);
                    return refusal(Refusal::Invalid(fields));
                }
            }
        }
        let step = SellerStep {
            to: b.to,
            reason: b.reason,
            courier: b.courier,
            tracking_number: b.tracking_number,
            failed: b.failed_reason,
            cash: b.cash_collected,
            restock,
            reviewed: b.reviewed,
        };
        match lifecycle::seller_step(tx, id, &step, actor, now) {
            Ok(t) => Ok((StatusCode::OK, order_json(tx, &t.code)?.unwrap_or_default())),
            Err(r) => refusal(r),
        }
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct PaymentBody {
    /// `payment` (the default) or `refund`.
    kind: String,
    /// In minor units.
    amount: i64,
    method: String,
    reference: String,
    /// More than the balance (or a refund of more than was kept) on purpose.
    over_balance: bool,
}

/// `POST /api/v1/admin/orders/{code}/payments`: a payment or refund, as the desk's form records it.
pub(super) async fn payment(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    code: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, actix_web::Error> {
    let code = code.into_inner();
    let minor_units = state.shop().currency_minor_units;
    on_order(caller, state, req, code, body, move |tx, id, b: PaymentBody, actor, now| {
        if !["", "payment", "refund"].contains(&b.kind.as_str()) {
            let fields = FieldErrors::from([("kind", "Use payment or refund.".to_string())]);
            return refusal(Refusal::Invalid(fields));
        }
        let input = PaymentInput {
            kind: if b.kind.is_empty() { "payment".into() } else { b.kind },
            amount: crate::domain::money::decimal(b.amount, minor_units),
            method: b.method,
            reference: b.reference,
            over: b.over_balance,
        };
        match pay::record(tx, id, &input, actor, now) {
            Ok(r) => Ok((StatusCode::CREATED, order_json(tx, &r.code)?.unwrap_or_default())),
            Err(r) => refusal(r),
        }
    })
    .await
}

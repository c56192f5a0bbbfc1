//! Customers (owner and staff): the list, a customer's page, their notes and tags; the export
//! (owner only: it is personal data).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpResponse, web};
use futures_util::stream;

use super::html;
use crate::AppState;
use crate::app::customers as actions;
use crate::app::orders::review;
use crate::db::customers::{self as stored, Query};
use crate::db::order_lists;
use crate::domain::customers::{CSV_COLUMNS, CustomerFilter, PAGE_SIZE, Sort, csv_row};
use crate::error::AppError;
use crate::views::Admin;
use crate::views::admin::customers::{self as view, CustomerPage, Echo, ListPage};
use crate::web::extract::{CsrfForm, Owner};
use crate::web::see_other_with_flash;

/// Checks the list's filters; an unknown sort is a 400 naming it.
pub(crate) fn query(f: &CustomerFilter, country_code: &str) -> Result<Query, (&'static str, String)> {
    let q = Some(f.q.trim().to_string()).filter(|s| !s.is_empty());
    // Something that reads as a phone number is matched whole, completed with the shop's code.
    let phone = q
        .as_deref()
        .filter(|t| t.chars().filter(char::is_ascii_digit).count() >= 6)
        .filter(|t| t.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)))
        .and_then(|t| crate::domain::shop::normalize_phone(t, country_code).ok());
    let sort =
        Sort::parse(f.sort.trim()).ok_or(("sort", "The sort is one of last_order, value or orders.".to_string()))?;
    let open = match f.open.trim() {
        "" | "0" => false,
        "1" => true,
        _ => return Err(("open", "open is 1 (only customers with an open order) or left out.".into())),
    };
    Ok(Query {
        text: if phone.is_some() { None } else { q },
        phone,
        tag: Some(f.tag.trim().to_string()).filter(|s| !s.is_empty()),
        open,
        sort,
    })
}

pub async fn list(
    admin: Admin,
    state: web::Data<AppState>,
    f: web::Query<CustomerFilter>,
) -> Result<HttpResponse, AppError> {
    let filter = f.into_inner();
    let q = query(&filter, &admin.page.shop.country_calling_code).map_err(|(_, m)| AppError::BadRequest(m))?;
    let page = filter.page.max(1) as usize;
    let (mut customers, tags) = state
        .db
        .read(move |c| Ok((stored::list(c, &q, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)?, stored::known_tags(c, 50)?)))
        .await?;
    let more = customers.len() > PAGE_SIZE;
    customers.truncate(PAGE_SIZE);
    Ok(html(StatusCode::OK, view::list(&admin, &ListPage { filter, customers, more, tags })))
}

async fn load(state: &AppState, id: i64) -> Result<CustomerPage, AppError> {
    state
        .db
        .read(move |c| {
            let customer = stored::by_id(c, id)?.ok_or(AppError::NotFound)?;
            Ok(CustomerPage {
                record: stored::record(c, id)?,
                orders: order_lists::by_customer(c, id, 50)?,
                tags: stored::tags(c, id)?,
                known_tags: stored::known_tags(c, 30)?,
                block: crate::db::review::block_of(c, id)?,
                customer,
            })
        })
        .await
}

pub async fn show(admin: Admin, state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let p = load(&state, id.into_inner()).await?;
    Ok(html(StatusCode::OK, view::page(&admin, &p, &Echo::default())))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct NoteForm {
    note: String,
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct TagsForm {
    tags: String,
}

async fn refused(admin: &Admin, state: &AppState, id: i64, echo: Echo) -> Result<HttpResponse, AppError> {
    let p = load(state, id).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::page(admin, &p, &echo)))
}

pub async fn note(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (actor, clock, raw) = (admin.actor(), state.clock.clone(), form.note.clone());
    match state.db.write(move |tx| actions::set_note(tx, id, &raw, &actor, clock.now())).await? {
        Ok(()) => Ok(see_other_with_flash(&format!("/admin/customers/{id}"), "Notes saved.")),
        Err(errors) => refused(&admin, &state, id, Echo { note: Some(form.note), errors, ..Default::default() }).await,
    }
}

pub async fn tags(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<TagsForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (actor, clock, raw) = (admin.actor(), state.clock.clone(), form.tags.clone());
    match state.db.write(move |tx| actions::set_tags(tx, id, &raw, &actor, clock.now())).await? {
        Ok(()) => Ok(see_other_with_flash(&format!("/admin/customers/{id}"), "Tags saved.")),
        Err(errors) => refused(&admin, &state, id, Echo { tags: Some(form.tags), errors, ..Default::default() }).await,
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct BlockForm {
    reason: String,
}

pub async fn block(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<BlockForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (actor, clock, raw) = (admin.actor(), state.clock.clone(), form.reason.clone());
    let done = state.db.write(move |tx| review::set_block(tx, id, Some(&raw), &actor, clock.now())).await?;
    match done {
        Ok(()) => Ok(see_other_with_flash(&format!("/admin/customers/{id}"), "Blocked: their orders are refused.")),
        Err(errors) => {
            refused(&admin, &state, id, Echo { reason: Some(form.reason), errors, ..Default::default() }).await
        }
    }
}

pub async fn unblock(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _form: CsrfForm<super::Empty>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (actor, clock) = (admin.actor(), state.clock.clone());
    // Unblocking has nothing to refuse.
    let _ = state.db.write(move |tx| review::set_block(tx, id, None, &actor, clock.now())).await?;
    Ok(see_other_with_flash(&format!("/admin/customers/{id}"), "Unblocked."))
}

/// Customers read per chunk of the export.
const CHUNK: usize = 1000;

/// `GET /admin/customers.csv` (owner only): every customer, streamed by id; audited.
pub async fn export(Owner(admin): Owner, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let actor = admin.actor();
    state.db.write(move |tx| Ok(actor.record(tx, "customers.export", "customers.csv", "all customers")?)).await?;
    let (zone, minor) = (admin.page.zone, admin.page.shop.currency_minor_units);
    let name = format!("customers-{}.csv", zone.date(state.clock.now()).format("%Y-%m-%d"));
    // (the state, the last id written, whether the header is written, whether the end is reached)
    let start = (state.clone(), 0i64, false, false);
    let body = stream::unfold(start, move |(state, after, header, done)| async move {
        if done {
            return None;
        }
        let chunk = state.db.read(move |c| Ok(stored::export_chunk(c, after, CHUNK)?)).await;
        let rows = match chunk {
            Ok(rows) => rows,
            Err(e) => return Some((Err(e), (state, after, header, true))),
        };
        let last = rows.last().map_or(after, |(c, _)| c.id);
        let end = rows.len() < CHUNK;
        let mut w = csv::Writer::from_writer(Vec::new());
        let written: Result<(), csv::Error> = (|| {
            if !header {
                w.write_record(CSV_COLUMNS)?;
            }
            for (c, tags) in &rows {
                w.write_record(csv_row(c, tags, zone, minor))?;
            }
            Ok(())
        })();
        let bytes = written
            .map_err(AppError::internal)
            .and_then(|()| w.into_inner().map_err(|e| AppError::internal(e.to_string())))
            .map(web::Bytes::from);
        Some((bytes, (state, last, true, end)))
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .streaming(body))
}

/// `GET /admin/customers/{id}/export.json` (owner): everything held about one customer.
pub async fn export_one(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    if !admin.is_owner() {
        return Err(AppError::Forbidden("Only an owner can export a customer's data.".into()));
    }
    let (id, actor) = (id.into_inner(), admin.actor());
    let data = state
        .db
        .write(move |tx| crate::app::privacy::export_customer(tx, id, &actor))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header(("cache-control", "no-store"))
        .insert_header(("content-disposition", format!("attachment; filename=\"customer-{id}.json\"")))
        .content_type("application/json")
        .body(serde_json::to_string_pretty(&data).unwrap_or_default()))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EraseForm {
    /// The customer's number typed again, so one tap erases nothing.
    pub confirm: String,
}

/// `POST /admin/customers/{id}/erase` (owner): erases everything about one customer.
pub async fn erase(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<EraseForm>,
) -> Result<HttpResponse, AppError> {
    if !admin.is_owner() {
        return Err(AppError::Forbidden("Only an owner can erase a customer.".into()));
    }
    let id = id.into_inner();
    let phone = state.db.read(move |c| Ok(crate::db::customers::by_id(c, id)?)).await?.ok_or(AppError::NotFound)?.phone;
    let typed: String = form.confirm.chars().filter(|c| c.is_ascii_digit()).collect();
    if typed.is_empty() || !phone.ends_with(&typed) || typed.len() < 4 {
        return Ok(see_other_with_flash(
            &format!("/admin/customers/{id}"),
            "Nothing was erased: type the customer's number to confirm.",
        ));
    }
    let (actor, now) = (admin.actor(), state.clock.now());
    let n = state
        .db
        .write(move |tx| crate::app::privacy::erase_customer(tx, id, &actor, now))
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(see_other_with_flash(
        "/admin/customers",
        &format!("The customer's personal data is erased from {n} order(s) and everywhere else."),
    ))
}

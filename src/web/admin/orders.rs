//! The order desk (owner and staff): the lists, one order with its steps, payments, one-tap
//! WhatsApp messages, tags, notes and links, and clearing old drafts.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Deserialize;

use super::html;
use crate::AppState;
use crate::app::orders::desk::{self as actions, Links};
use crate::app::orders::payments;
use crate::app::orders::transition::{self as lifecycle, Refusal, SellerStep};
use crate::db::{self, checkout as methods, desk, order_lists, orders, payments as payments_db};
use crate::domain::messages::Template;
use crate::domain::order_lists::{ACTIVE_GROUPS, ACTIVE_ROWS, Filter, PAGE_SIZE, Tab};
use crate::domain::orders::{PaymentStatus, Status};
use crate::domain::payments::PaymentInput;
use crate::error::AppError;
use crate::views::Admin;
use crate::views::admin::order::{Echo, OrderDesk};
use crate::views::admin::orders::{self as view, ListPage, Listing};
use crate::web::extract::CsrfForm;
use crate::web::see_other_with_flash;

/// Checks the All tab's filters (the admin API's too); an unknown value is refused, naming the
/// parameter.
pub(crate) fn query(
    f: &Filter,
    zone: crate::domain::zone::Zone,
    country_code: &str,
) -> Result<order_lists::Query, (&'static str, String)> {
    let opt = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    let bad = |name: &'static str| (name, format!("The filter {name} has a value this shop does not know."));
    let date = |name: &'static str, s: &str| -> Result<Option<NaiveDate>, (&'static str, String)> {
        opt(s).map(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| bad(name))).transpose()
    };
    let q = opt(&f.q);
    // Something that reads as a phone number (digits, spaces, +, -) is matched as one, completed
    // with the shop's country code like the checkout does.
    let phone = q
        .as_deref()
        .filter(|t| t.chars().filter(char::is_ascii_digit).count() >= 6)
        .filter(|t| t.chars().all(|c| c.is_ascii_digit() || " +-()".contains(c)))
        .and_then(|t| crate::domain::shop::normalize_phone(t, country_code).ok());
    Ok(order_lists::Query {
        status: opt(&f.status).map(|s| Status::parse(&s).ok_or_else(|| bad("status"))).transpose()?,
        payment_status: opt(&f.payment_status)
            .map(|s| PaymentStatus::parse(&s).ok_or_else(|| bad("payment_status")))
            .transpose()?,
        payment: opt(&f.payment),
        delivery: opt(&f.delivery),
        channel: opt(&f.channel)
            .map(|c| crate::domain::orders::CHANNELS.contains(&c.as_str()).then_some(c).ok_or_else(|| bad("channel")))
            .transpose()?,
        tag: opt(&f.tag),
        from: date("from", &f.from)?.map(|d| db::ts(zone.start_of(d))),
        until: date("to", &f.to)?.and_then(|d| d.succ_opt()).map(|d| db::ts(zone.start_of(d))),
        phone: phone.clone(),
        text: if phone.is_some() { None } else { q },
        before: None,
    })
}

pub async fn list(admin: Admin, state: web::Data<AppState>, q: web::Query<Filter>) -> Result<HttpResponse, AppError> {
    let filter = q.into_inner();
    let tab = Tab::parse(&filter.tab).ok_or_else(|| AppError::BadRequest("Unknown tab.".into()))?;
    let checked = if tab == Tab::All {
        Some(
            query(&filter, admin.page.zone, &admin.page.shop.country_calling_code)
                .map_err(|(_, message)| AppError::BadRequest(message))?,
        )
    } else {
        None
    };
    let page = filter.page.max(1) as usize;
    let now = admin.page.now;
    let default_hours = state.config.orders.draft_hours;
    let (listing, deliveries, payments, tags, draft_hours, (review_count, requests_count)) = state
        .db
        .read(move |c| {
            let listing = match (tab, checked) {
                (Tab::Review, _) => {
                    let (ids, count) = crate::db::review::waiting(c, 200)?;
                    Listing::Review { rows: order_lists::by_ids(c, &ids)?, count }
                }
                (Tab::Drafts, _) => {
                    let (rows, count) = order_lists::in_statuses(c, &[Status::Draft], 200)?;
                    Listing::Drafts { rows, count, now }
                }
                (Tab::All, Some(q)) => {
                    let mut rows = order_lists::search(c, &q, PAGE_SIZE + 1, (page - 1) * PAGE_SIZE)?;
                    let more = rows.len() > PAGE_SIZE;
                    rows.truncate(PAGE_SIZE);
                    Listing::All { rows, more }
                }
                _ => Listing::Active(
                    ACTIVE_GROUPS
                        .iter()
                        .map(|(title, statuses)| {
                            order_lists::in_statuses(c, statuses, ACTIVE_ROWS).map(|(r, n)| (*title, *statuses, r, n))
                        })
                        .collect::<Result<_, _>>()?,
                ),
            };
            let deliveries = methods::delivery_methods(c)?.into_iter().map(|d| (d.code, d.name)).collect();
            let payments = methods::payment_methods(c)?.into_iter().map(|p| (p.code, p.name)).collect();
            // "Clear drafts older than" starts at the drafts' own lifetime.
            let hours = desk::rules(c)?.draft_minutes.map_or(default_hours, |m| (m + 59) / 60).max(1);
            let counts = (crate::db::review::review_count(c)?, crate::db::requests::open_count(c)?);
            Ok((listing, deliveries, payments, desk::known_tags(c, 50)?, hours, counts))
        })
        .await?;
    let p = ListPage { filter, listing, deliveries, payments, tags, draft_hours, review_count, requests_count };
    Ok(html(StatusCode::OK, view::list(&admin, &p)))
}

pub(super) async fn order_id(state: &AppState, code: String) -> Result<i64, AppError> {
    state.db.read(move |c| Ok(orders::by_code(c, &code)?.map(|o| o.id))).await?.ok_or(AppError::NotFound)
}

async fn load(state: &AppState, code: String) -> Result<OrderDesk, AppError> {
    state
        .db
        .read(move |c| {
            let order = orders::by_code(c, &code)?.ok_or(AppError::NotFound)?;
            let id = order.id;
            let methods = methods::payment_methods(c)?;
            let explorer = methods.iter().find(|m| m.code == order.payment_code).map(|m| m.explorer_url.clone());
            Ok(OrderDesk {
                lines: orders::lines(c, id)?,
                timeline: desk::timeline(c, id)?,
                payments: payments_db::payments(c, id)?,
                tags: desk::tags(c, id)?,
                known_tags: desk::known_tags(c, 30)?,
                earlier: order_lists::by_phone(c, &order.customer_phone, id, 10)?,
                couriers: desk::couriers(c)?,
                methods: methods.into_iter().map(|m| (m.code, m.name)).collect(),
                explorer: explorer.unwrap_or_default(),
                flags: crate::db::review::flags(c, id)?,
                reviewed: crate::db::review::reviewed(c, id)?,
                requests: crate::db::requests::for_order(c, id)?,
                rating: crate::db::requests::rating(c, id)?,
                order,
            })
        })
        .await
}

pub async fn show(admin: Admin, state: web::Data<AppState>, code: web::Path<String>) -> Result<HttpResponse, AppError> {
    let d = load(&state, code.into_inner()).await?;
    Ok(html(StatusCode::OK, crate::views::admin::order::page(&admin, &d, &Echo::default())))
}

/// The order page again with what was refused: 409 for a step the lifecycle or the stock does
/// not allow, 422 for fields to correct. Nothing was changed.
pub(super) async fn refused(
    admin: &Admin,
    state: &AppState,
    code: String,
    refusal: Refusal,
    mut echo: Echo,
) -> Result<HttpResponse, AppError> {
    let status = match &refusal {
        Refusal::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        Refusal::NotFound => return Err(AppError::NotFound),
        Refusal::Failed(_) => return Err(lifecycle::into_error(refusal)),
        _ => StatusCode::CONFLICT,
    };
    match refusal {
        Refusal::Invalid(fields) => echo.errors = fields,
        other => echo.message = Some(other.message()),
    }
    let d = load(state, code).await?;
    Ok(html(status, crate::views::admin::order::page(admin, &d, &echo)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct StepForm {
    pub to: String,
    pub reason: String,
    pub courier: String,
    pub tracking_number: String,
    pub failed: String,
    pub cash: String,
    pub restock: Vec<i64>,
    pub reviewed: bool,
}

pub async fn step(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let get = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_string()).unwrap_or_default();
    let f = StepForm {
        to: get("to"),
        reason: get("reason"),
        courier: get("courier"),
        tracking_number: get("tracking_number"),
        failed: get("failed"),
        cash: get("cash"),
        restock: form.iter().filter(|(k, _)| k == "restock").filter_map(|(_, v)| v.parse().ok()).collect(),
        reviewed: !get("reviewed").is_empty(),
    };
    let echo = Echo {
        courier: f.courier.clone(),
        tracking_number: f.tracking_number.clone(),
        reason: f.reason.clone(),
        ..Default::default()
    };
    let id = order_id(&state, code.clone()).await?;
    let actor = admin.actor();
    let clock = state.clock.clone();
    let done = state
        .db
        .write(move |tx| {
            let step = SellerStep {
                to: f.to,
                reason: f.reason,
                courier: f.courier,
                tracking_number: f.tracking_number,
                failed: f.failed,
                cash: f.cash.parse().ok(),
                restock: f.restock,
                reviewed: f.reviewed,
            };
            Ok(lifecycle::seller_step(tx, id, &step, &actor, clock.now()))
        })
        .await?;
    match done {
        Ok(t) => Ok(see_other_with_flash(
            &format!("/admin/orders/{}", t.code),
            &format!("Order {} is now {}.", t.code, t.to.label().to_lowercase()),
        )),
        Err(r) => refused(&admin, &state, code, r, echo).await,
    }
}

pub async fn record_payment(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(input): CsrfForm<PaymentInput>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let id = order_id(&state, code.clone()).await?;
    let actor = admin.actor();
    let clock = state.clock.clone();
    let echo = Echo { payment: input.clone(), ..Default::default() };
    let done = state.db.write(move |tx| Ok(payments::record(tx, id, &input, &actor, clock.now()))).await?;
    match done {
        Ok(r) => {
            let mut message = format!("Recorded. Order {} is {}.", r.code, r.status.label().to_lowercase());
            if r.confirmed {
                message.push_str(" Paid in full, so it is confirmed.");
            }
            if let Some(why) = r.not_confirmed {
                message.push_str(&format!(" It was not confirmed: {why}"));
            }
            Ok(see_other_with_flash(&format!("/admin/orders/{}", r.code), &message))
        }
        Err(r) => refused(&admin, &state, code, r, echo).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct MessageForm {
    pub template: String,
    pub revoke: String,
}

/// Opens WhatsApp with a message to the customer (a 303 to wa.me), logged on the timeline.
pub async fn message(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<MessageForm>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let template = Template::parse(&form.template).ok_or_else(|| AppError::BadRequest("Unknown message.".into()))?;
    let id = order_id(&state, code.clone()).await?;
    let actor = admin.actor();
    let clock = state.clock.clone();
    let links = Links { base: crate::web::public_base(&state, &admin.page), days: state.config.orders.link_days };
    let revoke = form.revoke == "1";
    let done =
        state.db.write(move |tx| Ok(actions::message(tx, id, template, revoke, &links, &actor, clock.now()))).await?;
    match done {
        Ok(m) => Ok(crate::web::see_other(&m.url)),
        Err(r) => refused(&admin, &state, code, r, Echo::default()).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoteForm {
    pub note: String,
}

pub async fn add_note(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<NoteForm>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let id = order_id(&state, code.clone()).await?;
    let (actor, clock) = (admin.actor(), state.clock.clone());
    match state.db.write(move |tx| Ok(actions::add_note(tx, id, &form.note, &actor, clock.now()))).await? {
        Ok(code) => Ok(see_other_with_flash(&format!("/admin/orders/{code}"), "Note added.")),
        Err(r) => refused(&admin, &state, code, r, Echo::default()).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TagsForm {
    pub tags: String,
}

pub async fn set_tags(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<TagsForm>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let id = order_id(&state, code.clone()).await?;
    let (actor, clock) = (admin.actor(), state.clock.clone());
    match state.db.write(move |tx| Ok(actions::set_tags(tx, id, &form.tags, &actor, clock.now()))).await? {
        Ok(code) => Ok(see_other_with_flash(&format!("/admin/orders/{code}"), "Tags saved.")),
        Err(r) => refused(&admin, &state, code, r, Echo::default()).await,
    }
}

pub async fn revoke_links(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    _form: CsrfForm<super::Empty>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let id = order_id(&state, code.clone()).await?;
    let (actor, clock) = (admin.actor(), state.clock.clone());
    match state.db.write(move |tx| Ok(actions::revoke_links(tx, id, &actor, clock.now()))).await? {
        Ok(n) => Ok(see_other_with_flash(&format!("/admin/orders/{code}"), &format!("{n} link(s) turned off."))),
        Err(r) => refused(&admin, &state, code, r, Echo::default()).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HoursQuery {
    pub hours: String,
}

fn cutoff(hours: &str, now: DateTime<Utc>) -> Result<(i64, DateTime<Utc>), AppError> {
    let h: i64 = hours.trim().parse().map_err(|_| AppError::BadRequest("Enter a whole number of hours.".into()))?;
    if !(1..=8760).contains(&h) {
        return Err(AppError::BadRequest("Enter from 1 to 8760 hours.".into()));
    }
    Ok((h, now - Duration::hours(h)))
}

/// The confirmation step: how many drafts are older than the cut-off, exactly.
pub async fn clear_drafts_review(
    admin: Admin,
    state: web::Data<AppState>,
    q: web::Query<HoursQuery>,
) -> Result<HttpResponse, AppError> {
    let (hours, cut) = cutoff(&q.hours, admin.page.now)?;
    let at = db::ts(cut);
    let key = at.clone();
    let count = state.db.read(move |c| Ok(order_lists::drafts_before(c, &key)?.len())).await?;
    Ok(html(StatusCode::OK, view::clear_drafts(&admin, hours, &at, count)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ClearForm {
    pub before: String,
}

pub async fn clear_drafts(
    admin: Admin,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<ClearForm>,
) -> Result<HttpResponse, AppError> {
    let cut = crate::domain::time::parse_ts(&form.before)
        .filter(|t| *t <= admin.page.now - Duration::hours(1))
        .ok_or_else(|| AppError::BadRequest("The cut-off time is missing; start again from the drafts.".into()))?;
    let (actor, clock) = (admin.actor(), state.clock.clone());
    let n = state.db.write(move |tx| lifecycle::clear_drafts(tx, cut, &actor, clock.now())).await?;
    Ok(see_other_with_flash("/admin/orders?tab=drafts", &format!("{n} draft(s) cancelled as expired.")))
}

/// The printable packing slip.
pub async fn packing_slip(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let d = load(&state, code.into_inner()).await?;
    Ok(html(StatusCode::OK, crate::views::admin::print::packing_slip(&admin.page.shop, &d, admin.page.zone)))
}

/// The printable receipt.
pub async fn receipt(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let d = load(&state, code.into_inner()).await?;
    Ok(html(StatusCode::OK, crate::views::admin::print::receipt(&admin.page.shop, &d, admin.page.zone)))
}

//! The one way an order's status changes: checked against PRODUCT.md's table, with its stock
//! (reserve → commit → restock), shipping details, cash at the door, the timeline and the audit log,
//! all in the caller's transaction. The seller's buttons, the customer's cancel, draft and pending
//! expiry, "clear old drafts" and the admin API all come here.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::app::Actor;
use crate::db::{self, desk, order_lists, orders};
use crate::domain::FieldErrors;
use crate::domain::desk::{EventKind, FailedReason};
use crate::domain::orders::{Order, Status, check_transition};
use crate::domain::payments::{Kind, NewPayment};
use crate::error::AppError;

/// What a status change carries besides the status.
#[derive(Debug, Clone, Default)]
pub struct Step {
    pub to: Option<Status>,
    /// Why: the customer reads it for a cancellation; for other steps the seller's own note.
    pub reason: String,
    /// For `shipped`: the courier's name and the tracking number as typed.
    pub courier: String,
    pub tracking_number: String,
    /// The courier's tracking-link template (from settings), when the courier is one of the shop's.
    pub tracking_template: String,
    /// For `failed_delivery`.
    pub failed: Option<FailedReason>,
    /// For `delivered`: cash collected at the door, in minor units (cash on delivery).
    pub cash: Option<i64>,
    /// For `returned`: the order lines whose units go back into stock.
    pub restock: Vec<i64>,
    /// What the customer's timeline says instead of the usual words ("Cancelled by the customer").
    pub note: Option<String>,
    /// For `confirmed`: the seller ticked that they reviewed an order the review rules flagged.
    pub reviewed: bool,
}

impl Step {
    pub fn to(status: Status, reason: &str) -> Step {
        Step { to: Some(status), reason: reason.into(), ..Default::default() }
    }
}

/// A line that cannot be committed: (SKU, title, units wanted, units available).
pub type Short = (String, String, i64, i64);

/// Why a status change was refused; nothing was changed.
#[derive(Debug)]
pub enum Refusal {
    /// The table does not allow it: the message names the allowed statuses.
    Illegal {
        from: Status,
        allowed: Vec<Status>,
        message: String,
    },
    /// Confirming needs stock these lines do not have.
    Short(Vec<Short>),
    /// Fields to fix (a tracking number, a reason).
    Invalid(FieldErrors),
    /// Not in the order's present state (editing a confirmed order's items): why.
    NotNow(String),
    NotFound,
    Failed(AppError),
}

impl<E: Into<AppError>> From<E> for Refusal {
    fn from(e: E) -> Self {
        Refusal::Failed(e.into())
    }
}

impl Refusal {
    /// One sentence for a flash message or an API error.
    pub fn message(&self) -> String {
        match self {
            Refusal::Illegal { message, .. } => message.clone(),
            Refusal::Short(lines) => {
                let named: Vec<String> = lines
                    .iter()
                    .map(|(sku, title, want, have)| format!("{title} [{sku}]: {want} wanted, {have} in stock"))
                    .collect();
                format!("Not enough stock to confirm: {}. Nothing was changed.", named.join("; "))
            }
            Refusal::Invalid(fields) => fields.values().cloned().collect::<Vec<_>>().join(" "),
            Refusal::NotNow(why) => why.clone(),
            Refusal::NotFound => "There is no such order.".into(),
            Refusal::Failed(_) => "The order could not be changed.".into(),
        }
    }
}

fn invalid(field: &'static str, message: &str) -> Refusal {
    Refusal::Invalid(FieldErrors::from([(field, message.to_string())]))
}

/// A status change that happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transitioned {
    pub order_id: i64,
    pub code: String,
    pub from: Status,
    pub to: Status,
}

/// Changes an order's status in the caller's transaction, or refuses and changes nothing.
/// A seller's step as typed on the desk's form or sent to the admin API.
#[derive(Debug, Clone, Default)]
pub struct SellerStep {
    /// The status's name.
    pub to: String,
    pub reason: String,
    pub courier: String,
    pub tracking_number: String,
    /// A failed delivery's reason's name.
    pub failed: String,
    /// Cash collected at the door, in minor units.
    pub cash: Option<i64>,
    pub restock: Vec<i64>,
    /// Ticked "I have reviewed this order" (a flagged order's confirmation).
    pub reviewed: bool,
}

/// A seller's step: the courier's tracking link looked up among the shop's couriers, then
/// [`transition`].
pub fn seller_step(
    tx: &Connection,
    order_id: i64,
    s: &SellerStep,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Transitioned, Refusal> {
    let courier = s.courier.trim();
    let template =
        desk::couriers(tx)?.into_iter().find(|c| c.name.eq_ignore_ascii_case(courier)).map(|c| c.tracking_url);
    let step = Step {
        to: Status::parse(s.to.trim()),
        reason: s.reason.clone(),
        courier: s.courier.clone(),
        tracking_number: s.tracking_number.clone(),
        tracking_template: template.unwrap_or_default(),
        failed: FailedReason::parse(s.failed.trim()),
        cash: s.cash,
        restock: s.restock.clone(),
        note: None,
        reviewed: s.reviewed,
    };
    transition(tx, order_id, &step, actor, now)
}

pub fn transition(
    tx: &Connection,
    order_id: i64,
    step: &Step,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Transitioned, Refusal> {
    db::in_savepoint(tx, "souk_transition", || transition_in(tx, order_id, step, actor, now))
}

/// A flagged order is confirmed only once someone ticked "reviewed": then who and when are kept,
/// on its timeline and in the audit log.
fn check_review(tx: &Connection, order: &Order, ticked: bool, actor: &Actor, at: &str) -> Result<(), Refusal> {
    let flags = db::review::flags(tx, order.id)?;
    if flags.is_empty() || db::review::reviewed(tx, order.id)?.is_some() {
        return Ok(());
    }
    let reasons = flags.iter().map(|f| f.reason.as_str()).collect::<Vec<_>>().join(" ");
    if !ticked {
        return Err(invalid(
            "reviewed",
            &format!("This order is flagged for review: {reasons} Tick “I have reviewed this order” to confirm it."),
        ));
    }
    db::review::set_reviewed(tx, order.id, &actor.name, at)?;
    super::desk::event(tx, order, EventKind::Note, &format!("Reviewed: {reasons}"), actor, at)?;
    actor.record(tx, "order.reviewed", &order.code, &reasons)?;
    Ok(())
}

fn transition_in(
    tx: &Connection,
    order_id: i64,
    step: &Step,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Transitioned, Refusal> {
    let at = db::ts(now);
    let order = orders::by_id(tx, order_id)?.ok_or(Refusal::NotFound)?;
    let from = order.status;
    let to = step.to.ok_or_else(|| invalid("to", "Choose what the order becomes."))?;
    if let Err(message) = check_transition(from, to) {
        return Err(Refusal::Illegal { from, allowed: from.next().to_vec(), message });
    }
    let mut note = to.label().to_string();
    let reason = step.reason.trim();
    match to {
        Status::Confirmed => {
            check_review(tx, &order, step.reviewed, actor, &at)?;
            commit_stock(tx, order_id, &order.code, actor, &at)?;
            desk::stamp(tx, order_id, desk::Milestone::Confirmed, &at)?;
        }
        Status::Shipped => {
            let courier: String = step.courier.split_whitespace().collect::<Vec<_>>().join(" ");
            if courier.is_empty() || courier.chars().count() > 60 {
                return Err(invalid("courier", "Name the courier (at most 60 characters)."));
            }
            let number = crate::domain::desk::tracking_number(&step.tracking_number)
                .map_err(|m| invalid("tracking_number", &m))?;
            let url = crate::domain::desk::tracking_link(&step.tracking_template, &number);
            desk::set_shipping(tx, order_id, &courier, &number, &url)?;
            desk::stamp(tx, order_id, desk::Milestone::Shipped, &at)?;
            note = format!("Shipped with {courier}, tracking number {number}");
        }
        Status::FailedDelivery => {
            let why = step.failed.ok_or_else(|| invalid("failed", "Say why the delivery failed."))?;
            desk::set_failed_reason(tx, order_id, why.as_str())?;
            note = format!("Delivery failed: {}", why.label());
        }
        Status::Delivered => {
            desk::stamp(tx, order_id, desk::Milestone::Delivered, &at)?;
            if let Some(cash) = step.cash.filter(|c| *c > 0) {
                // Against the balance as it is now: a payment recorded since the page was drawn
                // is not counted twice.
                let due = (order.total - order.paid).max(0);
                if cash > due {
                    return Err(Refusal::NotNow(format!(
                        "Only {} is still due on this order now (a payment was recorded since): record the cash as a payment instead.",
                        crate::domain::money::decimal(due, db::settings::get(tx)?.currency_minor_units)
                    )));
                }
                let payment = NewPayment {
                    kind: Kind::Payment,
                    amount: cash,
                    method: order.payment_code.clone(),
                    reference: "cash".into(),
                };
                super::payments::add(tx, &order, &payment, actor, &at)?;
            }
        }
        Status::Cancelled => {
            if reason.is_empty() {
                return Err(invalid("reason", "Say why the order is cancelled; the customer reads it."));
            }
            put_back(tx, order_id, &order.code, None, actor, &at)?;
            note = format!("Cancelled: {reason}");
        }
        Status::Returned => {
            put_back(tx, order_id, &order.code, Some(&step.restock), actor, &at)?;
        }
        _ => {}
    }
    // Only drafts (and, in the direct flow, pending orders) expire; a step forward ends that.
    if !matches!(to, Status::Cancelled) && order.expires_at.is_some() {
        desk::set_expiry(tx, order_id, None)?;
    }
    if let Some(own) = &step.note {
        note.clone_from(own);
    }
    orders::set_status(tx, order_id, to, (to == Status::Cancelled).then_some(reason), &at)?;
    let detail = if to == Status::Cancelled { String::new() } else { reason.to_string() };
    desk::add_event(
        tx,
        order_id,
        &desk::NewEvent {
            kind: EventKind::Status,
            status: to,
            from_status: Some(from),
            note: &note,
            detail: &detail,
            actor: &actor.name,
            user_id: actor.user_id,
        },
        &at,
    )?;
    if actor.is_person() {
        let why = if reason.is_empty() { String::new() } else { format!(": {reason}") };
        actor.record(tx, "order.status", &order.code, &format!("{from} → {to}{why}"))?;
    }
    crate::app::webhooks::status_changed(tx, order_id, from, &at)?;
    crate::app::notify::status_changed(tx, order_id, to, &at)?;
    super::requests::close_overtaken(tx, order_id, to, &at)?;
    Ok(Transitioned { order_id, code: order.code, from, to })
}

/// Turns every line's reservation into a deduction from stock on hand (ledger rows), or names
/// each line that lacks the stock and changes nothing.
fn commit_stock(tx: &Connection, order_id: i64, code: &str, actor: &Actor, at: &str) -> Result<(), Refusal> {
    let lines = desk::line_stock(tx, order_id)?;
    let mut short = Vec::new();
    for l in lines.iter().filter(|l| l.track && l.variant_id.is_some()) {
        // What this line may take: the units on hand that other orders do not hold.
        let available = l.on_hand - (l.variant_reserved - l.reserved);
        if !l.backorder && available < l.quantity {
            short.push((l.sku.clone(), l.title.clone(), l.quantity, available.max(0)));
        }
    }
    if !short.is_empty() {
        return Err(Refusal::Short(short));
    }
    for l in &lines {
        match l.variant_id {
            Some(v) if l.track => {
                desk::commit_line(tx, l, l.quantity)?;
                db::catalog::adjust_stock(tx, v, -l.quantity, &format!("Order {code} confirmed"), &actor.name, at)?;
            }
            _ => desk::commit_line(tx, l, 0)?,
        }
    }
    desk::set_committed(tx, order_id, true)?;
    Ok(())
}

/// Releases what an unconfirmed order holds, or puts committed units back into stock: every line,
/// or (for a return) only the lines listed in `only`.
fn put_back(
    tx: &Connection,
    order_id: i64,
    code: &str,
    only: Option<&[i64]>,
    actor: &Actor,
    at: &str,
) -> Result<(), Refusal> {
    for product in orders::release(tx, order_id)? {
        db::catalog::refresh_card(tx, product)?;
    }
    let why = if only.is_some() { format!("Order {code} returned") } else { format!("Order {code} cancelled") };
    for l in desk::line_stock(tx, order_id)? {
        let back = l.committed - l.restocked;
        let chosen = only.is_none_or(|ids| ids.contains(&l.line_id));
        if let (Some(v), true, true) = (l.variant_id, back > 0, chosen) {
            db::catalog::adjust_stock(tx, v, back, &why, &actor.name, at)?;
            desk::add_restocked(tx, l.line_id, back)?;
        }
    }
    desk::set_committed(tx, order_id, false)?;
    Ok(())
}

/// Cancels (reason `expired`) every draft, and every pending order of the direct flow, whose time
/// ran out, releasing its stock; returns how many.
pub fn expire_drafts(tx: &Connection, now: DateTime<Utc>, actor: &Actor) -> Result<usize, AppError> {
    let due = order_lists::expired(tx, &db::ts(now))?;
    for id in &due {
        transition(tx, *id, &Step::to(Status::Cancelled, "expired"), actor, now).map_err(into_error)?;
    }
    Ok(due.len())
}

/// Cancels (reason `expired`) the drafts placed before `cutoff` and nothing else; returns how many.
pub fn clear_drafts(
    tx: &Connection,
    cutoff: DateTime<Utc>,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    let due = order_lists::drafts_before(tx, &db::ts(cutoff))?;
    for id in &due {
        transition(tx, *id, &Step::to(Status::Cancelled, "expired"), actor, now).map_err(into_error)?;
    }
    if !due.is_empty() {
        actor.record(
            tx,
            "orders.clear_drafts",
            "",
            &format!("{} drafts placed before {}", due.len(), db::ts(cutoff)),
        )?;
    }
    Ok(due.len())
}

/// A refusal where none is expected (a job's own step) as an error.
pub fn into_error(r: Refusal) -> AppError {
    match r {
        Refusal::Failed(e) => e,
        Refusal::NotFound => AppError::NotFound,
        other => AppError::Conflict(other.message()),
    }
}

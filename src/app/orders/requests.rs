//! Order self-service (issue 13): through the order's manage link the customer asks to cancel, to
//! change the address or to return it, confirms delivery and rates the order; the requests wait in
//! the order desk's queue until the seller approves or declines them, and the customer is told.
//! What is allowed when is `domain::requests`; a refusal names what is still possible.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::transition::{Refusal, Step, transition};
use crate::app::Actor;
use crate::db::{self, Db, desk, orders, requests as stored};
use crate::domain::FieldErrors;
use crate::domain::checkout::Address;
use crate::domain::order_edit::{CustomerInput, changes, check_customer};
use crate::domain::orders::{Order, Status};
use crate::domain::requests::{Ask, Can, Facts, Policy, RequestStatus, check_message, check_rating, possible, refusal};
use crate::domain::tokens::hash_token;
use crate::error::AppError;

pub use crate::domain::requests::{Rating, Request, SelfService};

fn facts(c: &Connection, order: &Order) -> Result<(Policy, Facts, Vec<Request>, Option<Rating>), AppError> {
    let requests = stored::for_order(c, order.id)?;
    let rating = stored::rating(c, order.id)?;
    let facts = Facts {
        status: order.status,
        delivered_at: order.delivered_at.as_deref().and_then(db::parse_ts),
        rated: rating.is_some(),
        open: requests.iter().filter(|r| r.status == RequestStatus::Open).map(|r| r.kind).collect(),
        no_cancel_after_confirm: order.no_cancel,
    };
    Ok((stored::policy(c)?, facts, requests, rating))
}

/// An order's self-service as its page shows it at `now`.
pub fn self_service(c: &Connection, order: &Order, now: DateTime<Utc>) -> Result<SelfService, AppError> {
    let (policy, facts, requests, rating) = facts(c, order)?;
    Ok(SelfService { possible: possible(&policy, &facts, now), requests, rating, return_days: policy.return_days })
}

/// What the customer wants.
#[derive(Debug, Clone)]
pub enum Wish {
    Ask { kind: Ask, message: String, address: CustomerInput },
    ConfirmDelivery,
    Rate { stars: String, comment: String },
}

/// How it went.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Done: what the page says, and whether a message was queued (wake the senders).
    Done {
        said: String,
        code: String,
    },
    /// Not now: the refusal naming what is still possible.
    Refused {
        said: String,
        code: String,
    },
    Invalid {
        errors: FieldErrors,
        code: String,
    },
}

/// Acts on the customer's wish through a manage link; `None` when the link opens nothing.
pub async fn act(
    db: &Db,
    code: String,
    token: &str,
    wish: Wish,
    now: DateTime<Utc>,
) -> Result<Option<Outcome>, AppError> {
    let hash = hash_token(token);
    db.write(move |tx| {
        let at = db::ts(now);
        let Some(order) = super::links::managed(tx, &code, &hash, &at)? else { return Ok(None) };
        let (policy, facts, _, _) = facts(tx, &order)?;
        let still = possible(&policy, &facts, now);
        let wanted = match &wish {
            Wish::Ask { kind, .. } => Can::Ask(*kind),
            Wish::ConfirmDelivery => Can::ConfirmDelivery,
            Wish::Rate { .. } => Can::Rate,
        };
        let code = order.code.clone();
        if !still.contains(&wanted) {
            return Ok(Some(Outcome::Refused { said: refusal(wanted, order.status, &still), code }));
        }
        let customer = Actor::customer();
        let outcome = match wish {
            Wish::Ask { kind, message, address } => {
                let message = match check_message(kind, &message) {
                    Ok(m) => m,
                    Err(errors) => return Ok(Some(Outcome::Invalid { errors, code })),
                };
                let new_address = match kind {
                    Ask::Address => match new_address(tx, &order, &address) {
                        Ok(a) => Some(a),
                        Err(errors) => return Ok(Some(Outcome::Invalid { errors, code })),
                    },
                    _ => None,
                };
                let Some(id) = stored::insert(tx, order.id, kind, &message, new_address.as_ref(), &at)? else {
                    return Ok(Some(Outcome::Refused {
                        said: "That request is already waiting for the shop.".into(),
                        code,
                    }));
                };
                let about = describe(kind, &message, new_address.as_ref());
                orders::add_event(tx, order.id, order.status, &format!("You asked: {about}"), &customer.name, &at)?;
                customer.record(tx, "order.request", &order.code, kind.as_str())?;
                crate::app::notify::request_made(tx, order.id, id, &about, &at)?;
                Outcome::Done {
                    said: "Your request is with the shop. You will hear back here and by message.".into(),
                    code,
                }
            }
            Wish::ConfirmDelivery => {
                let step =
                    Step { note: Some("Delivery confirmed by the customer".into()), ..Step::to(Status::Delivered, "") };
                transition(tx, order.id, &step, &customer, now).map_err(super::transition::into_error)?;
                Outcome::Done { said: "Thank you for confirming that it arrived.".into(), code }
            }
            Wish::Rate { stars, comment } => {
                let (stars, comment) = match check_rating(&stars, &comment) {
                    Ok(r) => r,
                    Err(errors) => return Ok(Some(Outcome::Invalid { errors, code })),
                };
                if stored::rate(tx, order.id, stars, &comment, &at)? {
                    orders::add_event(
                        tx,
                        order.id,
                        order.status,
                        &format!("You rated it {stars} of 5"),
                        &customer.name,
                        &at,
                    )?;
                }
                Outcome::Done { said: "Thank you for your rating!".into(), code }
            }
        };
        Ok(Some(outcome))
    })
    .await
}

/// The new address a customer typed, checked as the order desk checks it; a street and a city are needed.
fn new_address(tx: &Connection, order: &Order, input: &CustomerInput) -> Result<Address, FieldErrors> {
    let current = super::edit::customer_of(order);
    let cc = db::settings::get(tx).map(|s| s.country_calling_code).unwrap_or_default();
    let mut checked = check_customer(input, &current, false, &cc)?;
    let mut errors = FieldErrors::new();
    if checked.address.line1.is_empty() {
        errors.insert("line1", "Enter the street and house number.".into());
    }
    if checked.address.city.is_empty() {
        errors.insert("city", "Enter the town or city.".into());
    }
    if checked.address.country.is_empty() {
        checked.address.country.clone_from(&order.address.country);
    }
    if errors.is_empty() { Ok(checked.address) } else { Err(errors) }
}

fn one_line(a: &Address) -> String {
    [&a.line1, &a.line2, &a.city, &a.region, &a.postal_code, &a.country]
        .into_iter()
        .filter(|s| !s.is_empty())
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A request in one sentence, for the timeline and the seller's notice.
pub fn describe(kind: Ask, message: &str, address: Option<&Address>) -> String {
    let mut s = kind.label().to_string();
    if let Some(a) = address {
        s.push_str(&format!(" to {}", one_line(a)));
    }
    if !message.is_empty() {
        s.push_str(&format!(" (“{message}”)"));
    }
    s
}

/// The seller's answer to a request.
#[derive(Debug, Clone)]
pub struct Answer {
    pub approve: bool,
    /// Required when declining: the customer reads it.
    pub reason: String,
}

/// Approves or declines an open request in the caller's transaction: approving a cancel cancels
/// the order (its stock goes back), an address change changes it, a return is agreed (the order is
/// marked returned when the parcel comes back). The customer is told. Returns the order's code.
pub fn answer(
    tx: &Connection,
    request_id: i64,
    a: &Answer,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    db::in_savepoint(tx, "souk_request", || answer_in(tx, request_id, a, actor, now))
}

fn answer_in(
    tx: &Connection,
    request_id: i64,
    a: &Answer,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    let at = db::ts(now);
    let r = stored::by_id(tx, request_id)?.ok_or(Refusal::NotFound)?;
    if r.status != RequestStatus::Open {
        return Err(Refusal::NotNow(format!("This request was {} already.", r.status.as_str())));
    }
    let reason = a.reason.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.chars().count() > 500 {
        return Err(Refusal::Invalid(FieldErrors::from([("reason", "At most 500 characters.".to_string())])));
    }
    if !a.approve && reason.is_empty() {
        return Err(Refusal::Invalid(FieldErrors::from([("reason", "Say why; the customer reads it.".to_string())])));
    }
    let order = orders::by_id(tx, r.order_id)?.ok_or(Refusal::NotFound)?;
    // Answered first, so that the cancellation an approval makes does not close it as overtaken;
    // a refusal below rolls the answer back with everything else.
    let status = if a.approve { RequestStatus::Approved } else { RequestStatus::Declined };
    if !stored::answer(tx, request_id, status, &reason, &actor.name, &at)? {
        return Err(Refusal::NotNow("This request was answered already.".into()));
    }
    if a.approve {
        match r.kind {
            Ask::Cancel => {
                // The customer's own words stay with the request (erased with it), not in the reason.
                transition(tx, order.id, &Step::to(Status::Cancelled, "at the customer's request"), actor, now)?;
            }
            Ask::Address => {
                let Some(address) = r.address.clone() else {
                    return Err(Refusal::NotNow("The request holds no address.".into()));
                };
                if !crate::domain::order_edit::address_editable(order.status) || order.status == Status::Shipped {
                    return Err(Refusal::NotNow(format!("A {} order's address cannot change any more.", order.status)));
                }
                let before = super::edit::customer_of(&order);
                let after = crate::domain::order_edit::CustomerEdit { address, ..before.clone() };
                desk::set_customer(tx, order.id, &after, &at)?;
                let detail = format!("Customer: {}", changes(&before, &after).join("; "));
                super::desk::event(tx, &order, crate::domain::desk::EventKind::Edit, &detail, actor, &at)?;
            }
            Ask::Return => {}
        }
    }
    let mut said = format!("{}: {}.", r.kind.label(), status.as_str());
    if a.approve && r.kind == Ask::Return {
        said.push_str(" Please send it back; we will refund you once it arrives.");
    }
    if !reason.is_empty() {
        said.push_str(&format!(" {reason}"));
    }
    let now_status = orders::by_id(tx, order.id)?.map(|o| o.status).unwrap_or(order.status);
    orders::add_event(tx, order.id, now_status, &format!("Your request — {said}"), &actor.name, &at)?;
    actor.record(tx, "order.request_answered", &order.code, &format!("{} {}", r.kind.as_str(), status.as_str()))?;
    crate::app::notify::request_answered(tx, order.id, request_id, &said, &at)?;
    Ok(order.code)
}

/// When an order moves on, the requests that no longer make sense are closed: a cancel request is
/// granted by a cancellation, a return by the order coming back; anything else is declined with
/// the reason. Called from `transition`.
pub fn close_overtaken(tx: &Connection, order_id: i64, to: Status, at: &str) -> Result<(), AppError> {
    let granted = match to {
        Status::Cancelled => Some(Ask::Cancel),
        Status::Returned => Some(Ask::Return),
        _ => None,
    };
    let ends: &[Ask] = match to {
        Status::Shipped => &[Ask::Cancel, Ask::Address],
        Status::Cancelled | Status::Returned => &Ask::ALL,
        _ => &[],
    };
    for r in stored::for_order(tx, order_id)?
        .into_iter()
        .filter(|r| r.status == RequestStatus::Open && ends.contains(&r.kind))
    {
        let (status, why) = if Some(r.kind) == granted {
            (RequestStatus::Approved, String::new())
        } else {
            (RequestStatus::Declined, format!("The order is {} now.", to.label().to_lowercase()))
        };
        stored::answer(tx, r.id, status, &why, "Souk", at)?;
    }
    Ok(())
}

/// Requests waiting for the seller, oldest first.
pub async fn queue(db: &Db) -> Result<Vec<Request>, AppError> {
    db.read(|c| Ok(stored::open(c, 200)?)).await
}

/// Saves the self-service policy.
pub fn save_policy(tx: &Connection, p: &Policy, actor: &Actor) -> Result<(), AppError> {
    stored::save_policy(tx, p)?;
    actor.record(
        tx,
        "settings.self_service",
        "",
        &format!(
            "cancel requests {}, returns within {} day(s)",
            if p.cancel_requests { "on" } else { "off" },
            p.return_days
        ),
    )?;
    Ok(())
}

/// Publishes an order's rating comment on its products' pages (with the customer's first name), or
/// withdraws it. A rating without a comment has nothing to publish (its stars count anyway).
pub fn publish_review(
    tx: &Connection,
    code: &str,
    publish: bool,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<(), Refusal> {
    let order = orders::by_code(tx, code)?.ok_or(Refusal::NotFound)?;
    let (_, comment, _, _) = stored::rating(tx, order.id)?.ok_or(Refusal::NotFound)?;
    if publish && comment.is_empty() {
        return Err(Refusal::NotNow(
            "This rating has no comment to publish; its stars count in the average already.".into(),
        ));
    }
    let at = db::ts(now);
    stored::set_published(tx, &order.code, publish.then_some(at.as_str()))?;
    actor.record(tx, if publish { "review.published" } else { "review.withdrawn" }, &order.code, "")?;
    Ok(())
}

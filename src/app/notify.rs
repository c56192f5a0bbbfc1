//! Notices (issue 13): the messages an order's events send, each queued in the transaction of the
//! change that caused it and at most once per order and event (`order_notices`), whatever retries,
//! restarts or repeated scheduler runs happen; the follow-ups the scheduler sends when they fall
//! due; the seller's daily summary. Previews, settings and unsubscribing are in `settings`.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use crate::db::{self, notify, orders, outbox};
use crate::domain::notify::{Notice, NoticeSettings};
use crate::domain::orders::{Line, Order, PaymentStatus, Status};
use crate::domain::outbox::NewMessage;
use crate::domain::payments::Kind;
use crate::domain::shop::ShopSettings;
use crate::error::AppError;
use crate::mail::notices::{self, DayFigures, ORDER_LINK, OrderMail};

mod settings;
pub use settings::{preview, save_cloud_settings, save_settings, unsubscribe, unsubscribe_address};

/// Who hears of an order on the seller's side: the shop's contact email, or every owner when it
/// has none.
pub fn sellers(tx: &Connection, shop: &ShopSettings) -> Result<Vec<String>, AppError> {
    Ok(match shop.contact_email.as_str() {
        "" => db::users::owner_emails(tx)?,
        email => vec![email.to_string()],
    })
}

/// Everything a notice about one order is built from, read once.
struct Context {
    shop: ShopSettings,
    settings: NoticeSettings,
    order: Order,
    lines: Vec<Line>,
}

impl Context {
    fn load(tx: &Connection, order_id: i64) -> Result<Context, AppError> {
        let order = orders::by_id(tx, order_id)?.ok_or(AppError::NotFound)?;
        Ok(Context {
            shop: db::settings::get(tx)?,
            settings: notify::settings(tx)?,
            lines: orders::lines(tx, order_id)?,
            order,
        })
    }

    fn mail<'a>(&'a self, link: &'a str, amount: i64, note: &'a str) -> OrderMail<'a> {
        OrderMail {
            shop: &self.shop,
            settings: &self.settings,
            order: &self.order,
            lines: &self.lines,
            link,
            amount,
            note,
        }
    }
}

fn queue(tx: &Connection, m: NewMessage, order_id: i64, at: &str) -> Result<(), AppError> {
    let m = NewMessage { order_id: Some(order_id), ..m };
    outbox::enqueue(tx, &m, at)?;
    Ok(())
}

/// How a customer notice goes: by email, by WhatsApp (the template's name), or both.
struct Channels {
    email: bool,
    whatsapp: Option<(String, String)>,
}

/// Where this notice can reach the customer: their email unless WhatsApp replaces it or (for a
/// follow-up) the address unsubscribed; their WhatsApp number when the Cloud API is on and the
/// notice has a template.
fn channels(tx: &Connection, c: &Context, notice: Notice) -> Result<Channels, AppError> {
    let cloud = notify::cloud_settings(tx)?;
    let to = crate::domain::whatsapp_cloud::recipient(&c.order.customer_phone);
    let whatsapp = match (cloud.template(notice), to) {
        (Some(template), Some(_)) => Some((template.to_string(), cloud.language.clone())),
        _ => None,
    };
    let email = c.order.customer_email.as_str();
    let replaced = whatsapp.is_some() && cloud.replaces_email(notice);
    let unsubscribed = notice.is_follow_up() && !email.is_empty() && notify::opted_out(tx, email)?;
    let email = !email.is_empty() && !replaced && !unsubscribed;
    Ok(Channels { email, whatsapp })
}

/// What a notice says besides the order: `detail` tells events of one kind apart, `amount` a
/// payment's, `note` a request's answer.
struct Said<'a> {
    detail: &'a str,
    amount: i64,
    note: &'a str,
}

/// Sends the customer `notice` about this order unless it is off, nothing reaches them, or it was
/// sent already; `link` is the order link when one is known now (else one is made at sending).
/// Returns whether it was queued.
fn to_customer_with(
    tx: &Connection,
    c: &Context,
    notice: Notice,
    said: &Said,
    link: Option<&str>,
    at: &str,
) -> Result<bool, AppError> {
    let Said { detail, amount, note } = *said;
    if !c.settings.sends(notice) {
        return Ok(false);
    }
    let ways = channels(tx, c, notice)?;
    if (!ways.email && ways.whatsapp.is_none()) || !notify::claim(tx, c.order.id, notice, detail, at)? {
        return Ok(false);
    }
    if ways.email {
        let m = match link {
            Some(link) => NewMessage { sensitive: true, ..notices::customer(notice, &c.mail(link, amount, note)) },
            None => NewMessage { order_link: true, ..notices::customer(notice, &c.mail(ORDER_LINK, amount, note)) },
        };
        queue(tx, m, c.order.id, at)?;
    }
    if let (Some((template, language)), Some(to)) =
        (&ways.whatsapp, crate::domain::whatsapp_cloud::recipient(&c.order.customer_phone))
    {
        let m = notices::whatsapp(notice, &c.mail(ORDER_LINK, amount, note), &to, template, language);
        queue(tx, m, c.order.id, at)?;
    }
    Ok(true)
}

/// A customer's request reached the seller: their notice (`detail` tells requests apart).
pub fn request_made(tx: &Connection, order_id: i64, request_id: i64, about: &str, at: &str) -> Result<usize, AppError> {
    let c = Context::load(tx, order_id)?;
    if !c.settings.sends(Notice::SellerRequest)
        || !notify::claim(tx, order_id, Notice::SellerRequest, &request_id.to_string(), at)?
    {
        return Ok(0);
    }
    let sellers = sellers(tx, &c.shop)?;
    for to in &sellers {
        queue(tx, notices::seller_request(&c.mail("", 0, about), to), order_id, at)?;
    }
    Ok(sellers.len())
}

/// The seller answered a customer's request: the customer is told (`answer` says what and why).
pub fn request_answered(
    tx: &Connection,
    order_id: i64,
    request_id: i64,
    answer: &str,
    at: &str,
) -> Result<bool, AppError> {
    let c = Context::load(tx, order_id)?;
    let said = Said { detail: &request_id.to_string(), amount: 0, note: answer };
    to_customer_with(tx, &c, Notice::RequestAnswered, &said, None, at)
}

fn to_customer(
    tx: &Connection,
    c: &Context,
    notice: Notice,
    detail: &str,
    amount: i64,
    at: &str,
) -> Result<bool, AppError> {
    to_customer_with(tx, c, notice, &Said { detail, amount, note: "" }, None, at)
}

/// A new order: the customer's "order received" with the link the confirmation page showed (the
/// one time the link is known when queuing: the body is wiped once sent; a new link otherwise),
/// and, when `tell_seller` (not for an order the seller typed in), the seller's notice and the flag
/// notice when the review rules flagged it. Returns how many were queued.
pub fn order_placed(
    tx: &Connection,
    order_id: i64,
    link: Option<&str>,
    tell_seller: bool,
    at: &str,
) -> Result<usize, AppError> {
    let c = Context::load(tx, order_id)?;
    let mut queued = usize::from(to_customer_with(
        tx,
        &c,
        Notice::OrderReceived,
        &Said { detail: "", amount: 0, note: "" },
        link,
        at,
    )?);
    if !tell_seller {
        return Ok(queued);
    }
    let sellers = sellers(tx, &c.shop)?;
    if c.settings.sends(Notice::SellerNewOrder) && notify::claim(tx, order_id, Notice::SellerNewOrder, "", at)? {
        for to in &sellers {
            queue(tx, notices::seller_new_order(&c.mail("", 0, ""), to), order_id, at)?;
            queued += 1;
        }
    }
    let flags = db::review::flags(tx, order_id)?;
    if !flags.is_empty()
        && c.settings.sends(Notice::SellerFlagged)
        && notify::claim(tx, order_id, Notice::SellerFlagged, "", at)?
    {
        let reasons = flags.iter().map(|f| f.reason.as_str()).collect::<Vec<_>>().join(" ");
        for to in &sellers {
            queue(tx, notices::seller_flagged(&c.mail("", 0, &reasons), to), order_id, at)?;
            queued += 1;
        }
    }
    Ok(queued)
}

/// A status change's notice to the customer (confirmed, shipped, delivered, delivery failed,
/// cancelled), in the transaction of the change (after its timeline event is written).
pub fn status_changed(tx: &Connection, order_id: i64, to: Status, at: &str) -> Result<bool, AppError> {
    let Some(notice) = Notice::for_status(to) else { return Ok(false) };
    let c = Context::load(tx, order_id)?;
    // A second shipment (after a failed delivery) or a second failed delivery is another event:
    // the count of the order's moves to that status tells them apart.
    let detail = match notice {
        Notice::OrderShipped | Notice::DeliveryFailed => notify::status_moves(tx, order_id, to)?.to_string(),
        _ => String::new(),
    };
    to_customer(tx, &c, notice, &detail, 0, at)
}

/// The seller's notice that the customer cancelled from the order's page. Returns how many were queued.
pub fn customer_cancelled(tx: &Connection, order_id: i64, at: &str) -> Result<usize, AppError> {
    let c = Context::load(tx, order_id)?;
    if !c.settings.sends(Notice::SellerCancelled) || !notify::claim(tx, order_id, Notice::SellerCancelled, "", at)? {
        return Ok(0);
    }
    let sellers = sellers(tx, &c.shop)?;
    for to in &sellers {
        queue(tx, notices::seller_cancelled(&c.mail("", 0, ""), to), order_id, at)?;
    }
    Ok(sellers.len())
}

/// A payment or refund just recorded: "payment received" once for a part payment and once when
/// it is paid in full; "refunded" once for a part refund and once when all is refunded.
pub fn payment_recorded(tx: &Connection, order_id: i64, kind: Kind, amount: i64, at: &str) -> Result<bool, AppError> {
    let c = Context::load(tx, order_id)?;
    let status = c.order.payment_status;
    let notice = match (kind, status) {
        (Kind::Payment, PaymentStatus::PartiallyPaid | PaymentStatus::Paid) => Notice::PaymentReceived,
        (Kind::Refund, _) => Notice::OrderRefunded,
        _ => return Ok(false),
    };
    to_customer(tx, &c, notice, status.as_str(), amount, at)
}

/// How late a follow-up may still go (the scheduler was stopped, the notice switched back on):
/// later than this, its moment has passed.
const LATE: Duration = Duration::days(2);

/// What one run of the follow-ups did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct FollowUps {
    pub reminders: usize,
    pub reviews: usize,
    pub summaries: usize,
}

/// The scheduler's follow-ups at `now`: the payment reminder of every order awaiting payment with
/// nothing paid for the configured hours, the review request of every order delivered the
/// configured days ago, and the seller's summary of yesterday once the shop's day reaches the
/// configured hour. Each at most once, however often it runs.
pub fn follow_ups(tx: &Connection, now: DateTime<Utc>) -> Result<FollowUps, AppError> {
    let settings = notify::settings(tx)?;
    let at = db::ts(now);
    let mut done = FollowUps::default();
    if settings.sends(Notice::PaymentReminder) {
        let cutoff = now - Duration::hours(settings.reminder_hours);
        for id in notify::reminders_due(tx, &db::ts(cutoff - LATE), &db::ts(cutoff))? {
            let c = Context::load(tx, id)?;
            // Claimed even without an email: the reminder's moment has passed for this order.
            if to_customer(tx, &c, Notice::PaymentReminder, "", 0, &at)? {
                done.reminders += 1;
            } else {
                notify::claim(tx, id, Notice::PaymentReminder, "", &at)?;
            }
        }
    }
    if settings.sends(Notice::ReviewRequest) {
        let cutoff = now - Duration::days(settings.review_days);
        for id in notify::reviews_due(tx, &db::ts(cutoff - LATE), &db::ts(cutoff))? {
            let c = Context::load(tx, id)?;
            if to_customer(tx, &c, Notice::ReviewRequest, "", 0, &at)? {
                done.reviews += 1;
            } else {
                notify::claim(tx, id, Notice::ReviewRequest, "", &at)?;
            }
        }
    }
    if settings.sends(Notice::SellerDailySummary) {
        done.summaries = daily_summary(tx, &settings, now)?;
    }
    Ok(done)
}

/// Yesterday's summary, once the shop's day has reached the configured hour; at most once a day.
fn daily_summary(tx: &Connection, settings: &NoticeSettings, now: DateTime<Utc>) -> Result<usize, AppError> {
    let shop = db::settings::get(tx)?;
    let zone = shop.time_zone;
    let today = zone.date(now);
    let due = zone.start_of(today) + Duration::hours(i64::from(settings.summary_hour));
    if now < due || notify::summary_sent_on(tx)? == today.to_string() {
        return Ok(0);
    }
    let yesterday = today - Duration::days(1);
    let (from, to) = (db::ts(zone.start_of(yesterday)), db::ts(zone.start_of(today)));
    let (orders, value, waiting, failed) = notify::day_figures(tx, &from, &to)?;
    let figures = DayFigures { day: yesterday.format("%A %-d %B").to_string(), orders, value, waiting, failed };
    let sellers = sellers(tx, &shop)?;
    let at = db::ts(now);
    for to in &sellers {
        outbox::enqueue(tx, &notices::seller_daily_summary(&shop, &figures, to), &at)?;
    }
    notify::set_summary_sent_on(tx, &today.to_string())?;
    Ok(sellers.len())
}

//! The owner's side of notices: previews of each message, saving the settings (email and the
//! WhatsApp Cloud API), and a customer's unsubscribe from follow-ups.

use rusqlite::Connection;

use crate::db::{self, notify, orders};
use crate::domain::checkout::Address;
use crate::domain::notify::{Audience, Notice, NoticeSettings, mask_email};
use crate::domain::orders::{Line, Order, PaymentStatus, Status};
use crate::domain::outbox::NewMessage;
use crate::domain::shop::ShopSettings;
use crate::error::AppError;
use crate::mail::notices::{self, DayFigures, OrderMail};

/// What a notice looks like with the shop's own name, colours, logo, payment methods and
/// settings: on the newest order that suits it, or on a made-up order when the shop has none.
pub fn preview(conn: &Connection, notice: Notice, base: &str) -> Result<NewMessage, AppError> {
    let shop = db::settings::get(conn)?;
    let settings = notify::settings(conn)?;
    if notice == Notice::SellerDailySummary {
        let figures = DayFigures { day: "Yesterday".into(), orders: 3, value: 450_000, waiting: 2, failed: 1 };
        return Ok(notices::seller_daily_summary(&shop, &figures, &shop.contact_email));
    }
    let (order, lines) = match notify::newest_order(conn)? {
        Some(id) => (orders::by_id(conn, id)?.ok_or(AppError::NotFound)?, orders::lines(conn, id)?),
        None => sample_order(&shop),
    };
    let link = format!("{base}/o/{}?t=…", order.code);
    let m = OrderMail {
        shop: &shop,
        settings: &settings,
        order: &order,
        lines: &lines,
        link: &link,
        amount: order.total,
        note: match notice {
            Notice::RequestAnswered => "Change the delivery address: approved. We will deliver to the new address.",
            Notice::SellerRequest => "Asks to change the delivery address to 5 Hill Road, Pune.",
            _ => "The delivery address is far from earlier orders of this phone number.",
        },
    };
    Ok(match notice.audience() {
        Audience::Customer => notices::customer(notice, &m),
        Audience::Seller => match notice {
            Notice::SellerCancelled => notices::seller_cancelled(&m, &shop.contact_email),
            Notice::SellerFlagged => notices::seller_flagged(&m, &shop.contact_email),
            Notice::SellerRequest => notices::seller_request(&m, &shop.contact_email),
            _ => notices::seller_new_order(&m, &shop.contact_email),
        },
    })
}

fn sample_order(shop: &ShopSettings) -> (Order, Vec<Line>) {
    let unit = 10i64.pow(u32::from(shop.currency_minor_units)) * 25;
    let order = Order {
        id: 0,
        code: "ORD-1001".into(),
        status: Status::AwaitingPayment,
        payment_status: PaymentStatus::Unpaid,
        channel: "web".into(),
        currency: shop.currency.clone(),
        subtotal: unit * 2,
        delivery_fee: unit / 5,
        discount: 0,
        total: unit * 2 + unit / 5,
        customer_name: "Asha Rao".into(),
        customer_phone: "+919876543210".into(),
        customer_email: "asha@example.com".into(),
        delivery_code: "standard".into(),
        delivery_name: "Standard delivery".into(),
        address: Address { line1: "12 Lake Road".into(), city: "Pune".into(), ..Default::default() },
        payment_code: "upi".into(),
        payment_kind: "upi".into(),
        payment_name: "UPI".into(),
        payment_account: "shop@upi".into(),
        courier: "India Post".into(),
        tracking_number: "EE123456789IN".into(),
        failed_reason: "customer_unavailable".into(),
        cancel_reason: Some("Out of stock".into()),
        ..Default::default()
    };
    let line = Line {
        title: "Block-printed scarf".into(),
        options: "Madder Red".into(),
        sku: "SCARF-RED".into(),
        unit_price: unit,
        quantity: 2,
        line_total: unit * 2,
        ..Default::default()
    };
    (order, vec![line])
}

/// Saves the owner's notice settings, or names what to fix; the audit log says what changed.
pub fn save_settings(
    tx: &Connection,
    actor: &crate::app::Actor,
    input: &crate::domain::notify::NoticeSettingsInput,
) -> Result<Result<NoticeSettings, crate::domain::FieldErrors>, AppError> {
    let new = match input.check() {
        Ok(s) => s,
        Err(errors) => return Ok(Err(errors)),
    };
    let old = notify::settings(tx)?;
    notify::save(tx, &new)?;
    let switched = |from: &NoticeSettings, to: &NoticeSettings| -> Vec<&'static str> {
        Notice::ALL.into_iter().filter(|n| from.sends(*n) && !to.sends(*n)).map(Notice::as_str).collect()
    };
    let (off, on) = (switched(&old, &new), switched(&new, &old));
    let mut detail = format!(
        "reminder after {} h, review request after {} d, summary at {}:00",
        new.reminder_hours, new.review_days, new.summary_hour
    );
    if !off.is_empty() {
        detail.push_str(&format!("; off: {}", off.join(" ")));
    }
    if !on.is_empty() {
        detail.push_str(&format!("; on: {}", on.join(" ")));
    }
    actor.record(tx, "settings.notices", "", &detail)?;
    Ok(Ok(new))
}

/// The address an unsubscribe link stands for (shown before the customer confirms); `None` for a
/// link that is not one.
pub fn unsubscribe_address(conn: &Connection, token: &str) -> Result<Option<String>, AppError> {
    Ok(notify::unsubscribe_email(conn, &crate::domain::tokens::hash_token(token))?)
}

/// Stops reminders and review requests to the link's address (order messages still go). Returns
/// the address; `None` for a link that is not one.
pub fn unsubscribe(tx: &Connection, token: &str, at: &str) -> Result<Option<String>, AppError> {
    let Some(email) = unsubscribe_address(tx, token)? else { return Ok(None) };
    if notify::opt_out(tx, &email, at)? {
        crate::app::Actor::customer().record(
            tx,
            "mail.unsubscribed",
            &mask_email(&email),
            "reminders and review requests",
        )?;
    }
    Ok(Some(email))
}

/// Saves the WhatsApp Cloud API settings, or names what to fix. The audit log says what changed
/// about the token (set, replaced, kept, removed), never the token.
pub fn save_cloud_settings(
    tx: &Connection,
    actor: &crate::app::Actor,
    input: &crate::domain::whatsapp_cloud::CloudInput,
) -> Result<Result<crate::domain::whatsapp_cloud::CloudSettings, crate::domain::FieldErrors>, AppError> {
    let saved = notify::cloud_settings(tx)?;
    let new = match input.check(&saved) {
        Ok(s) => s,
        Err(errors) => return Ok(Err(errors)),
    };
    notify::save_cloud_settings(tx, &new)?;
    let token = match (saved.access_token.is_empty(), new.access_token.is_empty()) {
        (_, true) if !saved.access_token.is_empty() => "token removed",
        (true, false) => "token set",
        (false, false) if saved.access_token != new.access_token => "token replaced",
        _ => "token unchanged",
    };
    let templates = new.templates.iter().map(|(n, t)| format!("{n}={t}")).collect::<Vec<_>>().join(" ");
    let detail = format!(
        "mode {}, phone number id {}, language {}, {token}; templates: {}",
        new.mode.as_str(),
        if new.phone_number_id.is_empty() { "none" } else { &new.phone_number_id },
        new.language,
        if templates.is_empty() { "none".into() } else { templates }
    );
    actor.record(tx, "settings.whatsapp", "", &detail)?;
    Ok(Ok(new))
}

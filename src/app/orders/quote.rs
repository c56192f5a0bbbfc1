//! The checkout before anything is placed (issue 11): the offered ways of delivery and payment and
//! the price of the form as typed (the chosen way's fee for the address's zone, the discount code
//! checked as placing checks it, the total). Placing prices the order again in the writer.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use crate::db::{Db, checkout as methods};
use crate::domain::checkout::{CheckoutInput, DeliveryMethod, Discount, PaymentMethod, Quote, quote};
use crate::domain::money;
use crate::domain::shop::{ShopSettings, normalize_phone};
use crate::error::AppError;

/// What the checkout page shows besides the cart.
#[derive(Debug, Clone)]
pub struct CheckoutView {
    pub deliveries: Vec<DeliveryMethod>,
    pub payments: Vec<PaymentMethod>,
    pub require_email: bool,
    pub quote: Quote,
}

/// The checkout's methods and the price of `input` for a cart of `subtotal`, read on one
/// connection; without a chosen way of delivery, priced with the first.
pub async fn checkout_view(
    db: &Db,
    shop: &ShopSettings,
    now: DateTime<Utc>,
    subtotal: i64,
    input: CheckoutInput,
) -> Result<CheckoutView, AppError> {
    // A discount limited per customer counts by the phone placing would store; an unreadable or
    // missing number has used nothing yet (placing checks it again).
    let phone = normalize_phone(&input.phone, &shop.country_calling_code).unwrap_or_default();
    let shop = shop.clone();
    db.read(move |c| {
        let deliveries = methods::delivery_methods(c)?;
        // No choice yet (a fresh form): the first way, which the form shows chosen.
        let chosen = match input.delivery.trim() {
            "" => deliveries.first(),
            code => deliveries.iter().find(|d| d.code == code),
        };
        let discount = match input.discount_code() {
            Some(code) => {
                let amount = discount_for(c, &code, subtotal, &phone, now, &shop)?.map(|(_, off)| off);
                Some((code, amount))
            }
            None => None,
        };
        let quote = quote(subtotal, chosen, &input.address(), discount);
        Ok(CheckoutView {
            payments: methods::payment_methods(c)?,
            require_email: methods::settings(c)?.require_email,
            deliveries,
            quote,
        })
    })
    .await
}

/// A discount code as placing checks it: the code with its amount off `subtotal`, or the message
/// the customer sees (unknown, not started, ended, used up, already used by this phone, too small
/// a subtotal).
pub(super) fn discount_for(
    c: &Connection,
    code: &str,
    subtotal: i64,
    phone: &str,
    now: DateTime<Utc>,
    shop: &ShopSettings,
) -> rusqlite::Result<Result<(Discount, i64), String>> {
    let Some(d) = methods::discount(c, code)? else { return Ok(Err(format!("The code {code} is not valid."))) };
    let (used, by_customer) = methods::discount_uses(c, &d, phone)?;
    let fmt = |v: i64| money::format(v, &shop.currency, shop.currency_minor_units);
    Ok(d.amount(subtotal, now, used, by_customer, fmt).map(|off| (d, off)))
}

//! The owner's checkout settings: how orders start, the delivery and payment methods offered,
//! discount codes. Each is one write with its audit entry.

use crate::app::Actor;
use crate::db::{self, Db, checkout as store};
use crate::domain::checkout::{CheckoutSettings, DeliveryMethod, Discount, PaymentMethod};
use crate::error::AppError;

/// Saves how orders start (the WhatsApp flow or direct, the order prefix, …).
pub async fn save_settings(db: &Db, actor: Actor, s: CheckoutSettings) -> Result<(), AppError> {
    db.write(move |tx| {
        store::update_settings(tx, &s, &db::now())?;
        let flow = if s.whatsapp_flow { "whatsapp" } else { "direct" };
        actor.record(tx, "checkout.settings", "checkout", &format!("flow {flow}, prefix {}", s.order_prefix))?;
        Ok(())
    })
    .await
}

/// Creates (`id` None) or changes a delivery method; false, with nothing written, when another
/// method has its code. NotFound for an unknown id.
pub async fn save_delivery(
    db: &Db,
    actor: Actor,
    id: Option<i64>,
    method: DeliveryMethod,
    active: bool,
) -> Result<bool, AppError> {
    db.write(move |tx| {
        if store::all_delivery_methods(tx)?.iter().any(|(m, _)| m.code == method.code && Some(m.id) != id) {
            return Ok(false);
        }
        match id {
            Some(id) => {
                if !store::update_delivery(tx, id, &method, active)? {
                    return Err(AppError::NotFound);
                }
            }
            None => {
                let pos = store::next_position(tx, "delivery_methods")?;
                let new = store::insert_delivery(tx, &method, pos)?;
                store::update_delivery(tx, new, &method, active)?;
            }
        }
        actor.record(tx, "checkout.delivery", &method.code, if active { "offered" } else { "not offered" })?;
        Ok(true)
    })
    .await
}

/// Creates (`id` None) or changes a payment method; false, with nothing written, when another
/// method has its code. NotFound for an unknown id.
pub async fn save_payment(
    db: &Db,
    actor: Actor,
    id: Option<i64>,
    method: PaymentMethod,
    active: bool,
) -> Result<bool, AppError> {
    db.write(move |tx| {
        if store::all_payment_methods(tx)?.iter().any(|(m, _)| m.code == method.code && Some(m.id) != id) {
            return Ok(false);
        }
        match id {
            Some(id) => {
                if !store::update_payment(tx, id, &method, active)? {
                    return Err(AppError::NotFound);
                }
            }
            None => {
                let pos = store::next_position(tx, "payment_methods")?;
                let new = store::insert_payment(tx, &method, pos)?;
                store::update_payment(tx, new, &method, active)?;
            }
        }
        actor.record(tx, "checkout.payment", &method.code, if active { "offered" } else { "not offered" })?;
        Ok(true)
    })
    .await
}

/// Creates a discount code; false, with nothing written, when the code exists.
pub async fn create_discount(db: &Db, actor: Actor, d: Discount) -> Result<bool, AppError> {
    db.write(move |tx| {
        if store::discount(tx, &d.code)?.is_some() {
            return Ok(false);
        }
        store::insert_discount(tx, &d, &db::now())?;
        actor.record(tx, "discount.create", &d.code, "")?;
        Ok(true)
    })
    .await
}

/// Turns a discount code on or off; NotFound for an unknown id.
pub async fn set_discount_active(db: &Db, actor: Actor, id: i64, active: bool) -> Result<(), AppError> {
    db.write(move |tx| {
        if !store::set_discount_active(tx, id, active)? {
            return Err(AppError::NotFound);
        }
        actor.record(tx, "discount.update", &id.to_string(), if active { "turned on" } else { "turned off" })?;
        Ok(())
    })
    .await
}

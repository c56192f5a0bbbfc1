//! Orders the seller takes by hand (on the phone, in a WhatsApp chat or an Instagram DM, in the
//! shop): the same placement as the storefront's, started `pending` or confirmed at once, in one
//! transaction (a confirmation refused for short stock places nothing).

use rusqlite::Connection;

use super::place::{Item, Placement, Refused, place};
use super::place_order::{Env, defaults};
use super::transition::{self, Refusal, Step};
use crate::app::Actor;
use crate::db::{self, Db, carts, checkout as methods};
use crate::domain::FieldErrors;
use crate::domain::checkout::{CheckoutInput, validate_customer};
use crate::domain::desk::Limits;
use crate::domain::order_lists::manual_channels;
use crate::domain::orders::Status;
use crate::domain::shop::ShopSettings;
use crate::error::AppError;

/// An order as the seller enters it.
#[derive(Debug, Clone)]
pub struct ManualOrder {
    /// (SKU, quantity).
    pub items: Vec<(String, i64)>,
    pub input: CheckoutInput,
    pub channel: String,
    /// Confirm at once, taking the stock now.
    pub confirm: bool,
    pub actor: Actor,
}

/// What taking the order came to.
#[derive(Debug)]
pub enum Taken {
    Placed {
        code: String,
    },
    Invalid(FieldErrors),
    /// Sold out, or (confirming at once) short of stock: nothing was placed.
    Refused(String),
}

fn invalid(field: &'static str, message: String) -> Taken {
    Taken::Invalid(FieldErrors::from([(field, message)]))
}

/// Places a manual order. The customer's details are checked as at checkout, except that an email
/// is never required; the shop's per-address limit and repeat-order window do not apply.
pub async fn take(db: &Db, env: &Env, shop: &ShopSettings, order: ManualOrder) -> Result<Taken, AppError> {
    if !manual_channels().any(|c| c == order.channel) {
        return Ok(invalid("channel", "Choose where the order came from.".into()));
    }
    if order.items.is_empty() {
        return Ok(invalid("items", "Add at least one item.".into()));
    }
    let skus: Vec<String> = order.items.iter().map(|(s, _)| s.clone()).collect();
    let (mut settings, deliveries, payments, ids) = db
        .read(move |c| {
            let ids = skus.iter().map(|s| carts::variant_by_sku(c, s)).collect::<Result<Vec<_>, _>>()?;
            Ok((methods::settings(c)?, methods::delivery_methods(c)?, methods::payment_methods(c)?, ids))
        })
        .await?;
    settings.require_email = false;
    let customer = match validate_customer(&order.input, shop, &settings, &deliveries, &payments) {
        Ok(c) => c,
        Err(fields) => return Ok(Taken::Invalid(fields)),
    };
    let mut items = Vec::new();
    for ((sku, quantity), id) in order.items.iter().zip(ids) {
        let Some(variant_id) = id else { return Ok(invalid("items", format!("No product has the SKU {sku}."))) };
        items.push(Item { variant_id, quantity: *quantity, access_hash: None });
    }
    let (env, shop) = (env.clone(), shop.clone());
    let limits = Limits { duplicate_minutes: 0, placements_per_hour: 0, ..defaults(&env.cfg) };
    db.write(move |tx| {
        let now = env.clock.now();
        let placement = Placement {
            items,
            customer,
            deliveries: &deliveries,
            payments: &payments,
            ip: "",
            channel: &order.channel,
            key: None,
            link_key: &env.link_key,
            now,
            seller: Some(&order.actor.name),
        };
        db::run_cached(tx, "SAVEPOINT souk_manual")?;
        let taken = place_and_confirm(tx, &placement, &shop, &settings, &limits, &order);
        let keep = matches!(taken, Ok(Taken::Placed { .. }));
        db::run_cached(tx, if keep { "RELEASE souk_manual" } else { "ROLLBACK TO souk_manual" })?;
        if !keep {
            db::run_cached(tx, "RELEASE souk_manual")?;
        }
        taken
    })
    .await
}

fn place_and_confirm(
    tx: &Connection,
    placement: &Placement,
    shop: &ShopSettings,
    settings: &crate::domain::checkout::CheckoutSettings,
    limits: &Limits,
    order: &ManualOrder,
) -> Result<Taken, AppError> {
    let placed = match place(tx, placement, shop, settings, limits) {
        Ok(p) => p,
        Err(Refused::Invalid(fields)) => return Ok(Taken::Invalid(fields)),
        Err(Refused::SoldOut(items)) => {
            let names: Vec<String> = items.into_iter().map(|(name, _)| name).collect();
            return Ok(Taken::Refused(format!("Not enough left of {}.", names.join(", "))));
        }
        Err(Refused::Failed(e)) => return Err(e),
        Err(other) => return Ok(Taken::Refused(format!("The order could not be placed: {other:?}"))),
    };
    order.actor.record(tx, "order.manual", &placed.code, &order.channel)?;
    crate::app::notify::order_placed(tx, placed.order_id, None, false, &db::ts(placement.now))?;
    if order.confirm {
        match transition::transition(tx, placed.order_id, &Step::to(Status::Confirmed, ""), &order.actor, placement.now)
        {
            Ok(_) => {}
            Err(Refusal::Failed(e)) => return Err(e),
            Err(r) => return Ok(Taken::Refused(r.message())),
        }
    }
    Ok(Taken::Placed { code: placed.code })
}

//! The placement itself, inside the writer's transaction: checks every line against the catalogue,
//! reserves stock, prices from server data only, keeps what was bought and issues the customer's
//! magic link. [`super::place_order`] runs it for the checkout form and the JSON API alike.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use super::quote::discount_for;
use crate::db::{self, carts, orders};
use crate::domain::FieldErrors;
use crate::domain::cart::{self, Offer, Unavailable};
use crate::domain::checkout::{CheckoutSettings, Customer, DeliveryMethod, PaymentMethod};
use crate::domain::desk::Limits;
use crate::domain::orders::{self as rules, LinkScope, Status, Totals};
use crate::domain::shop::ShopSettings;
use crate::error::AppError;

/// One wanted line: a variant, how many, and the early-access token it was chosen with.
#[derive(Debug, Clone)]
pub struct Item {
    pub variant_id: i64,
    pub quantity: i64,
    pub access_hash: Option<Vec<u8>>,
}

/// Where a placement came from: a checkout form (with the cart) or the API.
#[derive(Debug, Clone)]
pub struct Key {
    pub scope: &'static str,
    pub key: String,
    /// SHA-256 of the request: the same key with another request is refused.
    pub request_hash: Vec<u8>,
    pub cart_id: Option<i64>,
}

pub struct Placement<'a> {
    pub items: Vec<Item>,
    pub customer: Customer,
    /// The offered delivery and payment methods, as read before the write (where the customer's
    /// choice was checked).
    pub deliveries: &'a [DeliveryMethod],
    pub payments: &'a [PaymentMethod],
    pub ip: &'a str,
    pub channel: &'a str,
    pub key: Option<Key>,
    /// The server key order links are derived from when the placement has a one-time key.
    pub link_key: &'a [u8],
    pub now: DateTime<Utc>,
    /// The seller who took the order (a manual order): it starts pending and never expires.
    pub seller: Option<&'a str>,
}

/// A placed order and, for whoever placed it, a fresh magic-link token.
#[derive(Debug, Clone)]
pub struct Placed {
    pub order_id: i64,
    pub code: String,
    /// `None` when the same phone ordered the same items again within minutes: knowing a phone
    /// number and a basket must not open someone's order, so that answer carries no link. A retry
    /// with the same one-time key gets the same token as the first answer (see [`link_for_key`]).
    pub token: Option<String>,
    /// The order existed already (a retry with the same key, or the same order again within minutes).
    pub existing: bool,
}

/// Why an order was not placed.
#[derive(Debug)]
pub enum Refused {
    /// Fields to fix, by name.
    Invalid(FieldErrors),
    /// These items (names and SKUs) cannot be had in the wanted quantity.
    SoldOut(Vec<(String, String)>),
    /// Too many orders from this address; try again after this many seconds.
    TooMany {
        retry_after: i64,
    },
    /// The idempotency key came with another request before.
    KeyReused,
    /// The seller blocked this number.
    Blocked,
    Failed(AppError),
}

impl<E: Into<AppError>> From<E> for Refused {
    fn from(e: E) -> Self {
        Refused::Failed(e.into())
    }
}

fn field(key: &'static str, message: String) -> Refused {
    Refused::Invalid(FieldErrors::from([(key, message)]))
}

/// Issues a manage-scope magic link for an order; returns the token (shown once, stored hashed).
pub fn issue_token(tx: &Connection, order_id: i64, cfg: &Limits, now: DateTime<Utc>) -> Result<String, AppError> {
    let expires = db::ts(now + Duration::days(cfg.link_days));
    Ok(orders::new_token(tx, order_id, LinkScope::Manage, &db::ts(now), &expires)?)
}

/// The manage link of an order placed with a one-time key: derived from the server key, the key's
/// scope and the key itself, so a retry is answered with the very token the first answer carried
/// while only its hash is stored. A link revoked or expired since stays so: a retry does not
/// bring it back.
pub fn link_for_key(link_key: &[u8], key: &Key, order_id: i64) -> (String, Vec<u8>) {
    crate::domain::tokens::derived_token(link_key, &format!("order-link\n{}\n{order_id}\n{}", key.scope, key.key))
}

/// An order that already exists, with the token to give back (`None`: no link).
fn existing(tx: &Connection, order_id: i64, token: Option<String>) -> Result<Placed, Refused> {
    let order = orders::by_id(tx, order_id)?.ok_or(AppError::NotFound)?;
    Ok(Placed { order_id, code: order.code, token, existing: true })
}

/// The wanted items with each variant once (a repeated variant's quantities added up, so a
/// request naming a SKU twice cannot slip past a per-order limit or reserve stock twice).
fn merged(items: &[Item]) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(items.len());
    for item in items {
        match out.iter_mut().find(|o| o.variant_id == item.variant_id) {
            Some(o) => {
                // Saturating: a sum past the maximum is refused by the caller.
                o.quantity = o.quantity.saturating_add(item.quantity);
                if o.access_hash.is_none() {
                    o.access_hash.clone_from(&item.access_hash);
                }
            }
            None => out.push(item.clone()),
        }
    }
    out
}

/// Places an order inside the caller's transaction (the one writer, so no two placements race).
/// A refusal leaves nothing behind: the placement runs in its own savepoint, rolled back unless
/// the order was placed.
pub fn place(
    tx: &Connection,
    p: &Placement,
    shop: &ShopSettings,
    settings: &CheckoutSettings,
    cfg: &Limits,
) -> Result<Placed, Refused> {
    db::in_savepoint(tx, "souk_place", || place_in(tx, p, shop, settings, cfg))
}

fn place_in(
    tx: &Connection,
    p: &Placement,
    shop: &ShopSettings,
    settings: &CheckoutSettings,
    cfg: &Limits,
) -> Result<Placed, Refused> {
    let now = db::ts(p.now);
    if let Some(k) = &p.key
        && let Some(stored) = orders::idempotency(tx, k.scope, &k.key)?
    {
        // Only the same request (from the same cart, for a form) gets the order back.
        if stored.request_hash != k.request_hash || stored.cart_id != k.cart_id {
            return Err(Refused::KeyReused);
        }
        let (token, _) = link_for_key(p.link_key, k, stored.order_id);
        return existing(tx, stored.order_id, Some(token));
    }
    if p.seller.is_none() && crate::db::review::blocked(tx, &p.customer.phone)? {
        return Err(Refused::Blocked);
    }
    let quantities = format!("Quantities are whole numbers from 1 to {}.", rules::MAX_QUANTITY);
    if p.items.iter().any(|i| i.quantity < 1) {
        return Err(field("items", quantities));
    }
    let items = merged(&p.items);
    if items.is_empty() {
        return Err(field("items", "The cart is empty.".into()));
    }
    if items.len() > rules::MAX_LINES {
        return Err(field("items", format!("At most {} different items in one order.", rules::MAX_LINES)));
    }
    if items.iter().any(|i| i.quantity > rules::MAX_QUANTITY) {
        return Err(field("items", quantities));
    }
    // The same phone ordering the same items again within minutes gets its order back, before
    // any limit or stock check (its own reservation may hold the last unit). Without a link: see
    // `Placed::token`.
    let key_pairs: Vec<(i64, i64)> = items.iter().map(|i| (i.variant_id, i.quantity)).collect();
    let lines_key = rules::lines_key(&key_pairs);
    let since = db::ts(p.now - Duration::minutes(cfg.duplicate_minutes));
    if cfg.duplicate_minutes > 0
        && let Some(order_id) = orders::recent_duplicate(tx, &p.customer.phone, &lines_key, &since)?
    {
        return existing(tx, order_id, None);
    }
    let hour_ago = db::ts(p.now - Duration::hours(1));
    let (recent, oldest) = match cfg.placements_per_hour {
        0 => (0, None),
        limit => orders::placed_from(tx, p.ip, &hour_ago, limit)?,
    };
    if cfg.placements_per_hour > 0 && recent >= cfg.placements_per_hour {
        let frees = oldest.as_deref().and_then(db::parse_ts).map(|t| t + Duration::hours(1));
        let retry_after = frees.map_or(3600, |t| (t - p.now).num_seconds().clamp(1, 3600));
        return Err(Refused::TooMany { retry_after });
    }

    // Every line against the catalogue as it is now: prices from here, never from the client.
    let wanted: Vec<(i64, Option<&[u8]>)> = items.iter().map(|i| (i.variant_id, i.access_hash.as_deref())).collect();
    let offers = carts::offers(tx, &wanted, &now)?;
    let mut lines: Vec<(&Offer, i64)> = Vec::new();
    let mut short = Vec::new();
    for item in &items {
        let Some(offer) = offers.iter().find(|o| o.variant_id == item.variant_id) else {
            return Err(field("items", "An item in the order is no longer sold.".into()));
        };
        match cart::allowed(offer, item.quantity) {
            Ok((qty, _)) if qty == item.quantity => lines.push((offer, qty)),
            Ok((_, Some(cart::Limit::PerOrder(max)))) => {
                return Err(field("items", format!("At most {max} of {} per order.", offer.name())));
            }
            Err(Unavailable::NotYet) => {
                return Err(field("items", format!("{} is not on sale yet.", offer.name())));
            }
            Err(Unavailable::NotForSale) => {
                return Err(field("items", format!("{} is no longer sold.", offer.name())));
            }
            _ => short.push((offer.name(), offer.sku.clone())),
        }
    }
    if !short.is_empty() {
        return Err(Refused::SoldOut(short));
    }

    let c = &p.customer;
    let delivery = p
        .deliveries
        .iter()
        .find(|d| d.code == c.delivery_code)
        .ok_or_else(|| field("delivery", "Choose how you would like to get your order.".into()))?;
    let payment = p
        .payments
        .iter()
        .find(|m| m.code == c.payment_code)
        .ok_or_else(|| field("payment", "Choose how you will pay.".into()))?;
    let subtotal = rules::subtotal(lines.iter().map(|(o, q)| (o.price, *q)))
        .ok_or_else(|| field("items", "The order is too large.".into()))?;
    // The same check as the checkout's quote (issue 11), now in the writer, where uses are counted.
    let discount = match &c.discount_code {
        Some(code) => {
            Some(discount_for(tx, code, subtotal, &c.phone, p.now, shop)?.map_err(|m| field("discount_code", m))?)
        }
        None => None,
    };
    let off = discount.as_ref().map_or(0, |(_, a)| *a);
    let fee = delivery.fee_for(&c.address, subtotal - off).map_err(|m| field("delivery", m))?;
    let totals = Totals::new(subtotal, off, fee).ok_or_else(|| field("items", "The order is too large.".into()))?;

    let number = orders::next_number(tx)?;
    let code = rules::code(&settings.order_prefix, number);
    let status = if settings.whatsapp_flow && p.seller.is_none() { Status::Draft } else { Status::Pending };
    // A draft waits for the customer's WhatsApp message; in the direct flow a pending order waits
    // for the seller (0: as long as it takes). A manual order waits for nobody.
    let expires = match (p.seller, settings.whatsapp_flow, cfg.pending_minutes) {
        (Some(_), _, _) => None,
        (None, true, _) => Some(db::ts(p.now + Duration::minutes(cfg.draft_minutes))),
        (None, false, minutes) if minutes > 0 => Some(db::ts(p.now + Duration::minutes(minutes))),
        _ => None,
    };
    let order_id = orders::insert(
        tx,
        &orders::NewOrder {
            number,
            code: &code,
            status,
            channel: p.channel,
            currency: &shop.currency,
            totals,
            customer: c,
            delivery,
            payment,
            lines_key: &lines_key,
            ip: p.ip,
            expires_at: expires.as_deref(),
            now: &now,
        },
    )?;
    let mut products = Vec::new();
    for (offer, qty) in &lines {
        let held = offer.stock.track && orders::reserve(tx, offer.variant_id, *qty)?;
        if offer.stock.track && !held {
            // Cannot happen with one writer and the check above; refuse rather than oversell.
            return Err(Refused::SoldOut(vec![(offer.name(), offer.sku.clone())]));
        }
        orders::insert_line(tx, order_id, offer, *qty, if held { *qty } else { 0 })?;
        // A product's card changes only when this takes a variant's last units (it may be sold
        // out now); otherwise the variant still has stock, and so the product.
        if held && !offer.stock.backorder && offer.stock.available() == Some(*qty) {
            products.push(offer.product_id);
        }
    }
    products.sort_unstable();
    products.dedup();
    for product in products {
        db::catalog::refresh_card(tx, product)?;
    }
    if let Some((d, amount)) = &discount {
        orders::insert_redemption(tx, d.id, order_id, &c.phone, *amount, &now)?;
    }
    match p.seller {
        Some(seller) => {
            let note = format!("Order taken by the shop ({})", p.channel.replace('_', " "));
            orders::add_event(tx, order_id, status, &note, seller, &now)?;
        }
        None => {
            orders::add_event(tx, order_id, status, "Order placed", "customer", &now)?;
            super::review::flag(tx, order_id, status, &shop.currency, shop.currency_minor_units, p.now)?;
        }
    }
    if let Some(k) = &p.key {
        orders::insert_idempotency(tx, k.scope, &k.key, &k.request_hash, order_id, k.cart_id, &now)?;
    }
    crate::app::webhooks::order_placed(tx, order_id, &now)?;
    let token = match &p.key {
        Some(k) => {
            let (token, hash) = link_for_key(p.link_key, k, order_id);
            let expires = db::ts(p.now + Duration::days(cfg.link_days));
            orders::insert_token(tx, order_id, &hash, LinkScope::Manage, &now, &expires)?;
            token
        }
        None => issue_token(tx, order_id, cfg, p.now)?,
    };
    Ok(Placed { order_id, code, token: Some(token), existing: false })
}

//! Placing an order, for the checkout form and the JSON API alike: the checkout settings and
//! methods are read and the customer's details checked on a read connection (checking a phone
//! number is the costliest part of an order), then one write places the order, queues its emails
//! and empties the form's cart, and the order is read back off the writer.

use std::sync::Arc;

use rusqlite::Transaction;
use sha2::Digest;

use super::place::{Item, Key, Placed, Placement, Refused, place};
use crate::app::cart::recheck;
use crate::config::OrdersConfig;
use crate::db::{self, Db, carts, checkout as methods, orders};
use crate::domain::FieldErrors;
use crate::domain::cart::Cart;
use crate::domain::checkout::{
    CheckoutInput, CheckoutSettings, Customer, DeliveryMethod, PaymentMethod, validate_customer,
};
use crate::domain::clock::Clock;
use crate::domain::desk::Limits;
use crate::domain::money;
use crate::domain::orders::{Line, Order};
use crate::domain::shop::ShopSettings;
use crate::error::AppError;

/// What placing needs of the running shop: its `[orders]` settings, the server key order links
/// are derived from, and its clock.
#[derive(Clone)]
pub struct Env {
    pub cfg: OrdersConfig,
    pub link_key: Arc<Vec<u8>>,
    pub clock: Clock,
}

/// Where the wanted items come from.
#[derive(Debug, Clone)]
pub enum Basket {
    /// The checkout form: the browser's cart (the SHA-256 of its cookie) and the form's one-time key.
    Cart { hash: Option<Vec<u8>>, key: String },
    /// The API: (SKU, quantity) pairs, and the `Idempotency-Key` header with the SHA-256 of the body.
    Skus { items: Vec<(String, i64)>, key: Option<(String, Vec<u8>)> },
}

/// An order to place.
#[derive(Debug, Clone)]
pub struct Request {
    pub basket: Basket,
    /// The customer's details as sent.
    pub input: CheckoutInput,
    pub shop: ShopSettings,
    /// What per-client limits count by (an IPv6 client by its /64).
    pub ip: String,
    /// The base of the emailed order link: the shop's own address, never the request's Host.
    pub mail_base: String,
}

/// An order placed now, or found again.
#[derive(Debug, Clone)]
pub struct PlacedOrder {
    /// The order and its lines as committed.
    pub order: Order,
    pub lines: Vec<Line>,
    /// The manage link's token; `None` for the same items from the same phone within minutes
    /// (a phone number and a basket are no secret). A retry with the same key gets the same token.
    pub token: Option<String>,
    /// The order existed already (a retry with the same key, or the same order again within minutes).
    pub existing: bool,
    /// Mail was queued: wake the sender.
    pub mail: bool,
}

/// What placing came to.
#[derive(Debug)]
pub enum Outcome {
    Placed(Box<PlacedOrder>),
    /// The form's cart changed since it was shown (what changed is stored, with notes): nothing placed.
    CartChanged,
    /// No product has these SKUs (API): nothing placed.
    UnknownSkus(Vec<String>),
    /// Fields to fix, by name.
    Invalid(FieldErrors),
    /// These items (names and SKUs) cannot be had in the wanted quantity.
    SoldOut(Vec<(String, String)>),
    /// Too many orders from this address; try again after this many seconds.
    TooMany {
        retry_after: i64,
    },
    /// The one-time key came with another request (or, for a form, from another cart) before.
    KeyReused,
    /// The seller blocked this number: nothing placed.
    Blocked,
}

/// What placing came to, with what it was decided on: the form shows them again on a refusal.
#[derive(Debug)]
pub struct Placing {
    pub outcome: Outcome,
    /// The form's cart as checked again in the write (empty for the API).
    pub cart: Cart,
    pub settings: CheckoutSettings,
    pub deliveries: Vec<DeliveryMethod>,
    pub payments: Vec<PaymentMethod>,
}

/// Places an order from the checkout form or the API; see the module's comment for the steps.
/// Every refusal is an [`Outcome`]; `Err` is a failure (the database, a full disk).
pub async fn place_order(db: &Db, env: &Env, request: Request) -> Result<Placing, AppError> {
    let Request { basket, input, shop, ip, mail_base } = request;
    let read = read_checkout(db, &env.cfg, &basket).await?;
    let limits = read.limits;
    // Checked here, not in the writer: a phone number's check is the costliest part of an order.
    let validated = validate_customer(&input, &shop, &read.settings, &read.deliveries, &read.payments);
    let mut placing = Placing {
        outcome: Outcome::CartChanged,
        cart: Cart::default(),
        settings: read.settings,
        deliveries: read.deliveries,
        payments: read.payments,
    };
    let wanted = match wanted(basket, &validated, read.known, &read.ids) {
        Ok(wanted) => wanted,
        Err(outcome) => {
            placing.outcome = outcome;
            return Ok(placing);
        }
    };
    let (env, checkout) =
        (env.clone(), (placing.settings.clone(), placing.deliveries.clone(), placing.payments.clone()));
    let (written, cart) = db
        .write(move |tx| {
            let (settings, deliveries, payments) = checkout;
            let p = Prepared {
                shop: &shop,
                limits: &limits,
                settings: &settings,
                deliveries: &deliveries,
                payments: &payments,
            };
            write(tx, &env, &p, wanted, validated, &ip, &mail_base)
        })
        .await?;
    placing.cart = cart;
    placing.outcome = match written {
        Written::Placed(placed, mail) => {
            // Read back after the commit, off the writer.
            let id = placed.order_id;
            let (order, lines) =
                db.read(move |c| Ok((orders::by_id(c, id)?.ok_or(AppError::NotFound)?, orders::lines(c, id)?))).await?;
            let (token, existing) = (placed.token, placed.existing);
            Outcome::Placed(Box::new(PlacedOrder { order, lines, token, existing, mail }))
        }
        Written::Refused(outcome) => outcome,
    };
    Ok(placing)
}

/// What is read before the write: the checkout settings and methods and, for the API, whether
/// its key was used before and the variant of each SKU (`None`: unknown).
struct Checkout {
    settings: CheckoutSettings,
    limits: Limits,
    deliveries: Vec<DeliveryMethod>,
    payments: Vec<PaymentMethod>,
    known: bool,
    ids: Vec<Option<i64>>,
}

async fn read_checkout(db: &Db, cfg: &OrdersConfig, basket: &Basket) -> Result<Checkout, AppError> {
    let defaults = defaults(cfg);
    let (api_key, skus) = match basket {
        Basket::Skus { items, key } => (
            key.as_ref().map(|(key, _)| key.clone()),
            items.iter().map(|(sku, _)| sku.trim().to_string()).collect::<Vec<_>>(),
        ),
        Basket::Cart { .. } => (None, Vec::new()),
    };
    db.read(move |c| {
        let known = match &api_key {
            Some(k) => orders::idempotency(c, "api", k)?.is_some(),
            None => false,
        };
        Ok(Checkout {
            settings: methods::settings(c)?,
            limits: crate::db::desk::rules(c)?.limits(defaults),
            deliveries: methods::delivery_methods(c)?,
            payments: methods::payment_methods(c)?,
            known,
            ids: skus.iter().map(|s| carts::variant_by_sku(c, s)).collect::<Result<_, _>>()?,
        })
    })
    .await
}

/// The config file's order rules, in the units the owner's rules use.
pub fn defaults(cfg: &OrdersConfig) -> Limits {
    Limits {
        draft_minutes: cfg.draft_hours * 60,
        pending_minutes: cfg.pending_hours * 60,
        link_days: cfg.link_days,
        duplicate_minutes: cfg.duplicate_minutes,
        placements_per_hour: cfg.placements_per_hour,
    }
}

/// The basket as the write takes it: the form's cart to check again, or the API's resolved items.
enum Wanted {
    Cart { hash: Option<Vec<u8>>, key: String },
    Items { items: Vec<Item>, key: Option<Key> },
}

/// The basket for the write. An API order with bad details or unknown SKUs never reaches the
/// writer, unless its key is known: that is answered from what the key placed.
fn wanted(
    basket: Basket,
    validated: &Result<Customer, FieldErrors>,
    known: bool,
    ids: &[Option<i64>],
) -> Result<Wanted, Outcome> {
    let (items, key) = match basket {
        Basket::Cart { hash, key } => return Ok(Wanted::Cart { hash, key }),
        Basket::Skus { items, key } => (items, key),
    };
    if let (Err(fields), false) = (validated, known) {
        return Err(Outcome::Invalid(fields.clone()));
    }
    let unknown: Vec<String> =
        items.iter().zip(ids).filter(|(_, id)| id.is_none()).map(|((sku, _), _)| sku.clone()).collect();
    if !unknown.is_empty() && !known {
        return Err(Outcome::UnknownSkus(unknown));
    }
    let items = items
        .iter()
        .zip(ids)
        .filter_map(|((_, quantity), id)| {
            id.map(|variant_id| Item { variant_id, quantity: *quantity, access_hash: None })
        })
        .collect();
    let key = key.map(|(key, request_hash)| Key { scope: "api", key, request_hash, cart_id: None });
    Ok(Wanted::Items { items, key })
}

/// What the write is decided on, as read before it.
struct Prepared<'a> {
    shop: &'a ShopSettings,
    limits: &'a Limits,
    settings: &'a CheckoutSettings,
    deliveries: &'a [DeliveryMethod],
    payments: &'a [PaymentMethod],
}

/// What the write came to: placed (and whether mail was queued), or refused.
enum Written {
    Placed(Placed, bool),
    Refused(Outcome),
}

/// The one write: the form's cart checked again (and stored), the placement, its emails, and the
/// form's cart emptied. A refusal leaves only the cart's stored changes behind.
fn write(
    tx: &Transaction,
    env: &Env,
    p: &Prepared,
    wanted: Wanted,
    validated: Result<Customer, FieldErrors>,
    ip: &str,
    mail_base: &str,
) -> Result<(Written, Cart), AppError> {
    let now = env.clock.now();
    let (ToPlace { items, key, customer }, cart) = match ready(tx, p.shop, wanted, validated, &db::ts(now))? {
        (Ok(ready), cart) => (ready, cart),
        (Err(outcome), cart) => return Ok((Written::Refused(outcome), cart)),
    };
    let cart_id = key.as_ref().and_then(|k| k.cart_id);
    let placement = Placement {
        items,
        customer,
        deliveries: p.deliveries,
        payments: p.payments,
        ip,
        channel: "web",
        key,
        link_key: &env.link_key,
        now,
        seller: None,
    };
    let placed = match place(tx, &placement, p.shop, p.settings, p.limits) {
        Ok(placed) => placed,
        Err(refused) => return Ok((Written::Refused(refusal(refused)?), cart)),
    };
    let mut mail = false;
    if let (Some(token), false) = (&placed.token, placed.existing) {
        let link = format!("{mail_base}/o/{}?t={token}", placed.code);
        mail = crate::app::notify::order_placed(tx, placed.order_id, Some(&link), true, &db::ts(now))? > 0;
    }
    if let Some(id) = cart_id {
        carts::clear(tx, id)?;
    }
    Ok((Written::Placed(placed, mail), cart))
}

/// What the write places.
struct ToPlace {
    items: Vec<Item>,
    key: Option<Key>,
    customer: Customer,
}

/// In the write, before placing: the form's cart checked again and stored (a changed cart is
/// shown again before anything is placed), and the customer's details, which only a known API key
/// may do without. Returns what to place or why nothing is, with the form's cart as checked
/// (empty for the API).
fn ready(
    tx: &Transaction,
    shop: &ShopSettings,
    wanted: Wanted,
    validated: Result<Customer, FieldErrors>,
    at: &str,
) -> Result<(Result<ToPlace, Outcome>, Cart), AppError> {
    match wanted {
        Wanted::Cart { hash, key } => {
            let cart_id = match &hash {
                Some(h) => carts::find(tx, h, at)?,
                None => None,
            };
            let known = orders::idempotency(tx, "form", &key)?.is_some();
            // A known key's own cart was emptied when it placed its order; another cart (the key
            // came back from elsewhere) is shown with the refusal, so the shopper can go on.
            let cart = recheck(tx, cart_id, at, |v| money::format(v, &shop.currency, shop.currency_minor_units))?;
            if !known && (!cart.notes.is_empty() || cart.lines.is_empty()) {
                return Ok((Err(Outcome::CartChanged), cart));
            }
            let customer = match validated {
                Ok(c) => c,
                Err(e) => return Ok((Err(Outcome::Invalid(e)), cart)),
            };
            let items = cart_items(tx, cart_id, &cart)?;
            let request_hash = sha2::Sha256::digest(key.as_bytes()).to_vec();
            let key = Some(Key { scope: "form", key, request_hash, cart_id });
            Ok((Ok(ToPlace { items, key, customer }), cart))
        }
        Wanted::Items { items, key } => {
            let known = match &key {
                Some(k) => orders::idempotency(tx, k.scope, &k.key)?.is_some(),
                None => false,
            };
            // A known key is answered from what it placed (or refused when the request differs).
            let customer = match validated {
                Ok(c) => c,
                Err(e) if !known => return Ok((Err(Outcome::Invalid(e)), Cart::default())),
                Err(_) => Customer::default(),
            };
            Ok((Ok(ToPlace { items, key, customer }), Cart::default()))
        }
    }
}

/// The cart's lines as items to place, each with the early-access token it was added with.
fn cart_items(tx: &Transaction, cart_id: Option<i64>, cart: &Cart) -> Result<Vec<Item>, AppError> {
    let access: Vec<(i64, Option<Vec<u8>>)> = match cart_id {
        Some(id) => carts::lines(tx, id)?.into_iter().map(|l| (l.wanted.variant_id, l.access_hash)).collect(),
        None => vec![],
    };
    Ok(cart
        .lines
        .iter()
        .map(|(o, q)| Item {
            variant_id: o.variant_id,
            quantity: *q,
            access_hash: access.iter().find(|(v, _)| *v == o.variant_id).and_then(|(_, a)| a.clone()),
        })
        .collect())
}

/// A refusal as an outcome; a failure (the database, a full disk) stays an error.
fn refusal(r: Refused) -> Result<Outcome, AppError> {
    Ok(match r {
        Refused::Invalid(fields) => Outcome::Invalid(fields),
        Refused::SoldOut(items) => Outcome::SoldOut(items),
        Refused::TooMany { retry_after } => Outcome::TooMany { retry_after },
        Refused::KeyReused => Outcome::KeyReused,
        Refused::Blocked => Outcome::Blocked,
        Refused::Failed(e) => return Err(e),
    })
}

//! The cart's use cases: see it checked again against the catalogue, add from a product page,
//! change quantities. A cart is found by the SHA-256 of its cookie; the cookies are the web's.

use chrono::Duration;
use rusqlite::Connection;

use crate::db::{self, Db, carts};
use crate::domain::cart::{self, Cart, Change, Note};
use crate::domain::clock::Clock;
use crate::domain::money;
use crate::domain::shop::ShopSettings;
use crate::domain::tokens;
use crate::error::AppError;

/// Loads a cart and checks every line again, storing what changed; an empty cart without one.
pub fn recheck(
    tx: &Connection,
    cart_id: Option<i64>,
    now: &str,
    money: impl Fn(i64) -> String,
) -> Result<Cart, AppError> {
    Ok(checked(tx, cart_id, now, money, true)?.0)
}

/// The cart checked again; with `store`, what changed is written, else only reported (the bool).
fn checked(
    tx: &Connection,
    cart_id: Option<i64>,
    now: &str,
    money: impl Fn(i64) -> String,
    store: bool,
) -> Result<(Cart, bool), AppError> {
    let Some(cart_id) = cart_id else { return Ok((Cart::default(), false)) };
    let stored = carts::lines(tx, cart_id)?;
    let wanted: Vec<(i64, Option<&[u8]>)> =
        stored.iter().map(|l| (l.wanted.variant_id, l.access_hash.as_deref())).collect();
    let offers = carts::offers(tx, &wanted, now)?;
    let mut view = Cart::default();
    let mut changed = false;
    for line in &stored {
        let offer = offers.iter().find(|o| o.variant_id == line.wanted.variant_id);
        let (change, notes) = cart::recheck(&line.wanted, offer);
        view.notes.extend(notes.iter().map(|n| cart::note_text(n, &money)));
        changed |= change != Change::Keep;
        match change {
            Change::Remove => {
                if store {
                    carts::remove(tx, cart_id, line.wanted.variant_id)?;
                }
            }
            Change::Update { quantity, price } => {
                if store {
                    carts::set(tx, cart_id, line.wanted.variant_id, quantity, price)?;
                }
                view.lines.push((offer.cloned().ok_or(AppError::NotFound)?, quantity));
            }
            Change::Keep => view.lines.push((offer.cloned().ok_or(AppError::NotFound)?, line.wanted.quantity)),
        }
    }
    view.subtotal = view.lines.iter().map(|(o, q)| o.price.saturating_mul(*q)).sum();
    Ok((view, changed))
}

/// The cart with this cookie hash as it stands, checked again: read only, unless something
/// changed and must be stored (then once more in a write, since the catalogue may move in between).
pub async fn current(db: &Db, clock: &Clock, hash: Option<Vec<u8>>, shop: &ShopSettings) -> Result<Cart, AppError> {
    let Some(hash) = hash else { return Ok(Cart::default()) };
    let (currency, minor) = (shop.currency.clone(), shop.currency_minor_units);
    let now = db::ts(clock.now());
    let find = {
        let (hash, now) = (hash.clone(), now.clone());
        move |c: &Connection| carts::find(c, &hash, &now)
    };
    let now2 = now.clone();
    let (c2, find2) = (currency.clone(), find.clone());
    let (view, changed) = db
        .read(move |c| {
            let id = find(c)?;
            checked(c, id, &now, |v| money::format(v, &currency, minor), false)
        })
        .await?;
    if !changed {
        return Ok(view);
    }
    db.write(move |tx| {
        let id = find2(tx)?;
        recheck(tx, id, &now2, |v| money::format(v, &c2, minor))
    })
    .await
}

/// What adding to the cart came to.
#[derive(Debug)]
pub struct Added {
    /// A new cart's cookie value, when this add made the cart.
    pub new_token: Option<String>,
    /// Units in the cart now; `None` when nothing could be added (and no cart was made).
    pub count: Option<i64>,
    /// What to tell the shopper.
    pub message: String,
    /// The product page the item came from.
    pub back: String,
}

/// Adds `quantity` of the variant with this SKU to the cart (made when there is none), as much
/// as can be had; the early-access hash counts for a product not released yet. A refused add
/// creates no cart.
/// What a product page's form asks for: a SKU, or a product's chosen option values.
#[derive(Debug, Clone)]
pub enum Wanted {
    Sku(String),
    Options { product: String, values: [String; 3] },
}

/// The variant asked for; a combination the product does not have is refused with a message and
/// the page to go back to.
fn wanted_variant(tx: &rusqlite::Connection, wanted: &Wanted) -> Result<Result<i64, (String, String)>, AppError> {
    let (slug, values) = match wanted {
        Wanted::Sku(sku) => return Ok(Ok(carts::variant_by_sku(tx, sku)?.ok_or(AppError::NotFound)?)),
        Wanted::Options { product, values } => (product.as_str(), values),
    };
    if !crate::domain::catalog::is_slug(slug) {
        return Err(AppError::NotFound);
    }
    match carts::variant_by_options(tx, slug, values)?.ok_or(AppError::NotFound)? {
        Some(id) => Ok(Ok(id)),
        None => {
            let named: Vec<&str> = values.iter().map(String::as_str).filter(|v| !v.is_empty()).collect();
            let msg = format!("{} is not made: choose another combination.", named.join(" / "));
            Ok(Err((msg, format!("/p/{slug}"))))
        }
    }
}

pub async fn add(
    db: &Db,
    clock: &Clock,
    cart_days: i64,
    hash: Option<Vec<u8>>,
    wanted: Wanted,
    quantity: i64,
    access: Option<Vec<u8>>,
) -> Result<Added, AppError> {
    let clock = clock.clone();
    db.write(move |tx| {
        let now = clock.now();
        let (at, expires) = (db::ts(now), db::ts(now + Duration::days(cart_days)));
        let variant_id = match wanted_variant(tx, &wanted)? {
            Ok(id) => id,
            Err((message, back)) => return Ok(Added { new_token: None, count: None, message, back }),
        };
        let wanted = [(variant_id, access.as_deref())];
        let offer = carts::offers(tx, &wanted, &at)?.pop().ok_or(AppError::NotFound)?;
        let back = format!("/p/{}?variant={}", offer.product_slug, offer.sku);
        let existing = match &hash {
            Some(h) => carts::find(tx, h, &at)?,
            None => None,
        };
        let already = match existing {
            Some(id) => carts::lines(tx, id)?
                .iter()
                .find(|l| l.wanted.variant_id == offer.variant_id)
                .map_or(0, |l| l.wanted.quantity),
            None => 0,
        };
        let qty = match cart::allowed(&offer, already + quantity) {
            Ok((q, _)) => q - already,
            Err(why) => {
                // Refused before any cart is made: no empty cart without a cookie to find it.
                let msg = cart::note_text(&Note::Removed { name: offer.name(), why }, |_| String::new());
                return Ok(Added { new_token: None, count: None, message: msg.replace(" and was removed", ""), back });
            }
        };
        let (cart_id, new_token) = match existing {
            Some(id) => (id, None),
            None => {
                let (token, h) = tokens::new_token();
                (carts::create(tx, &h, &at, &expires)?, Some(token))
            }
        };
        if qty > 0 {
            carts::add(tx, cart_id, offer.variant_id, qty, offer.price, access.as_deref(), &at)?;
        }
        carts::touch(tx, cart_id, &at, &expires)?;
        let count: i64 = carts::lines(tx, cart_id)?.iter().map(|l| l.wanted.quantity).sum();
        let message = if qty < quantity {
            format!("You have all there is of {} in your cart.", offer.name())
        } else {
            format!("Added {} to your cart.", offer.name())
        };
        Ok(Added { new_token, count: Some(count), message, back })
    })
    .await
}

/// Sets quantities (variant id, quantity; 0 removes) and removes the line `remove`; keeps the cart
/// for another `cart_days`. Returns the units in the cart; an expired cart is a bad request.
pub async fn update(
    db: &Db,
    clock: &Clock,
    cart_days: i64,
    hash: Vec<u8>,
    wanted: Vec<(i64, i64)>,
    remove: Option<i64>,
) -> Result<i64, AppError> {
    let clock = clock.clone();
    db.write(move |tx| {
        let now = clock.now();
        let at = db::ts(now);
        let cart_id = carts::find(tx, &hash, &at)?.ok_or(AppError::BadRequest("Your cart has expired.".into()))?;
        for line in carts::lines(tx, cart_id)? {
            let v = line.wanted.variant_id;
            match wanted.iter().find(|(id, _)| *id == v) {
                _ if remove == Some(v) => carts::remove(tx, cart_id, v)?,
                Some((_, 0)) => carts::remove(tx, cart_id, v)?,
                Some((_, q)) => carts::set(tx, cart_id, v, *q, line.wanted.seen_price)?,
                None => {}
            }
        }
        carts::touch(tx, cart_id, &at, &db::ts(now + Duration::days(cart_days)))?;
        Ok(carts::lines(tx, cart_id)?.iter().map(|l| l.wanted.quantity).sum::<i64>())
    })
    .await
}

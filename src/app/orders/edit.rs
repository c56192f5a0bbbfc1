//! The seller edits an order. Before confirmation: its lines (stock re-reserved), delivery fee,
//! discount and the customer's details; after it only the address and the shipping details. Each
//! edit is one savepoint, on the timeline with before and after, and in the audit log.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::transition::Refusal;
use crate::app::Actor;
use crate::db::{self, carts, desk, orders, payments as payments_db};
use crate::domain::FieldErrors;
use crate::domain::desk::EventKind;
use crate::domain::order_edit::{self as rules, CustomerEdit, CustomerInput, LinesEdit};
use crate::domain::orders::{self as order_rules, Order, Totals};
use crate::domain::{money, payments};

fn invalid(field: &'static str, message: &str) -> Refusal {
    Refusal::Invalid(FieldErrors::from([(field, message.to_string())]))
}

/// Runs an edit in its own savepoint: a refusal leaves nothing behind.
fn atomically<T>(tx: &Connection, edit: impl FnOnce() -> Result<T, Refusal>) -> Result<T, Refusal> {
    db::in_savepoint(tx, "souk_edit", edit)
}

fn log(tx: &Connection, order: &Order, action: &str, detail: &str, actor: &Actor, at: &str) -> Result<(), Refusal> {
    super::desk::event(tx, order, EventKind::Edit, detail, actor, at)?;
    actor.record(tx, action, &order.code, detail)?;
    Ok(())
}

fn load(tx: &Connection, order_id: i64) -> Result<(Order, String), Refusal> {
    let order = orders::by_id(tx, order_id)?.ok_or(Refusal::NotFound)?;
    let minor = db::settings::get(tx)?.currency_minor_units;
    let fmt = money::format(order.total, &order.currency, minor);
    Ok((order, fmt))
}

/// Brings an order's totals and payment status up to date after its lines or charges changed.
fn retotal(tx: &Connection, order: &Order, discount: i64, fee: i64, at: &str) -> Result<Totals, Refusal> {
    let lines = orders::lines(tx, order.id)?;
    let subtotal = order_rules::subtotal(lines.iter().map(|l| (l.unit_price, l.quantity)))
        .ok_or_else(|| invalid("lines", "The order is too large."))?;
    let totals = Totals::new(subtotal, discount, fee).ok_or_else(|| invalid("lines", "The order is too large."))?;
    let key_pairs: Vec<(i64, i64)> = lines.iter().filter_map(|l| l.variant_id.map(|v| (v, l.quantity))).collect();
    desk::set_totals(tx, order.id, &totals, &order_rules::lines_key(&key_pairs), at)?;
    let (received, refunded) = payments_db::payment_sums(tx, order.id)?;
    payments_db::set_paid(tx, order.id, received - refunded, payments::status(totals.total, received, refunded), at)?;
    Ok(totals)
}

fn describe(lines: &[crate::domain::orders::Line]) -> String {
    let parts: Vec<String> = lines.iter().map(|l| format!("{} × {} [{}]", l.quantity, l.title, l.sku)).collect();
    if parts.is_empty() { "none".into() } else { parts.join(", ") }
}

/// Changes an unconfirmed order's lines: quantities (0 removes a line; its kept price stays), and
/// one item added at today's price. Every unit is reserved again; a line short of stock is named
/// and nothing changes.
pub fn edit_lines(
    tx: &Connection,
    order_id: i64,
    edit: &LinesEdit,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    atomically(tx, || {
        let at = db::ts(now);
        let (order, _) = load(tx, order_id)?;
        if !rules::lines_editable(order.status) {
            return Err(Refusal::NotNow(format!(
                "The items of a {} order cannot change: cancel it and take a new order instead.",
                order.status
            )));
        }
        let before = orders::lines(tx, order_id)?;
        let mut touched: Vec<i64> = orders::release(tx, order_id)?;
        for line in &before {
            let qty = edit.quantities.iter().find(|(id, _)| *id == line.id).map_or(line.quantity, |(_, q)| *q);
            if qty == 0 {
                desk::delete_line(tx, line.id)?;
            } else {
                desk::set_line(tx, line.id, qty, 0)?;
            }
        }
        if let Some((sku, qty)) = &edit.add {
            let variant = carts::variant_by_sku(tx, sku)?
                .ok_or_else(|| invalid("add_sku", &format!("No product has the SKU {sku}.")))?;
            match orders::lines(tx, order_id)?.iter().find(|l| l.variant_id == Some(variant)) {
                Some(l) => desk::set_line(tx, l.id, l.quantity + qty, 0)?,
                None => {
                    let offer = carts::offers(tx, &[(variant, None)], &at)?
                        .pop()
                        .ok_or_else(|| invalid("add_sku", "That item is not sold."))?;
                    if !offer.for_sale {
                        return Err(invalid("add_sku", &format!("{} is not on sale.", offer.name())));
                    }
                    orders::insert_line(tx, order_id, &offer, *qty, 0)?;
                }
            }
        }
        let after = orders::lines(tx, order_id)?;
        if after.is_empty() {
            return Err(invalid("lines", "An order needs at least one item: cancel it instead."));
        }
        // Hold every unit again, as placement does.
        let wanted: Vec<(i64, Option<&[u8]>)> = after.iter().filter_map(|l| l.variant_id.map(|v| (v, None))).collect();
        let offers = carts::offers(tx, &wanted, &at)?;
        let mut short = Vec::new();
        for l in &after {
            let Some(offer) = l.variant_id.and_then(|v| offers.iter().find(|o| o.variant_id == v)) else { continue };
            let before_qty = before.iter().find(|b| b.id == l.id).map_or(0, |b| b.quantity);
            if l.quantity > crate::domain::orders::MAX_QUANTITY {
                return Err(invalid("lines", &format!("At most {} of one item.", crate::domain::orders::MAX_QUANTITY)));
            }
            if let Some(max) = offer.max_per_order.filter(|max| l.quantity > *max && l.quantity > before_qty) {
                return Err(invalid("lines", &format!("At most {max} of {} per order.", offer.name())));
            }
            if l.quantity > before_qty && !(offer.for_sale && offer.released) {
                return Err(invalid(
                    "lines",
                    &format!("{} is not on sale now: it can be kept or removed, not added to.", offer.name()),
                ));
            }
            if !offer.stock.track {
                continue;
            }
            if orders::reserve(tx, offer.variant_id, l.quantity)? {
                desk::set_line(tx, l.id, l.quantity, l.quantity)?;
                touched.push(offer.product_id);
            } else {
                short.push((l.sku.clone(), l.title.clone(), l.quantity, offer.stock.available().unwrap_or(0)));
            }
        }
        if !short.is_empty() {
            return Err(Refusal::Short(short));
        }
        retotal(tx, &order, order.discount, order.delivery_fee, &at)?;
        touched.sort_unstable();
        touched.dedup();
        for product in touched {
            db::catalog::refresh_card(tx, product)?;
        }
        log(
            tx,
            &order,
            "order.edit_lines",
            &format!("Items: {} → {}", describe(&before), describe(&after)),
            actor,
            &at,
        )?;
        Ok(order.code)
    })
}

/// Sets an unconfirmed order's delivery fee and discount (minor units).
pub fn edit_charges(
    tx: &Connection,
    order_id: i64,
    fee: i64,
    discount: i64,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    atomically(tx, || {
        let at = db::ts(now);
        let (order, before_total) = load(tx, order_id)?;
        if !rules::lines_editable(order.status) {
            return Err(Refusal::NotNow(format!("The charges of a {} order cannot change.", order.status)));
        }
        let minor = db::settings::get(tx)?.currency_minor_units;
        let m = |v: i64| money::format(v, &order.currency, minor);
        let totals = retotal(tx, &order, discount, fee, &at)?;
        let detail = format!(
            "Delivery {} → {}; discount {} → {}; total {before_total} → {}",
            m(order.delivery_fee),
            m(totals.delivery_fee),
            m(order.discount),
            m(totals.discount),
            m(totals.total)
        );
        log(tx, &order, "order.edit_charges", &detail, actor, &at)?;
        Ok(order.code)
    })
}

/// The customer's details as an order keeps them.
pub fn customer_of(o: &Order) -> CustomerEdit {
    CustomerEdit {
        name: o.customer_name.clone(),
        phone: o.customer_phone.clone(),
        email: o.customer_email.clone(),
        address: o.address.clone(),
    }
}

/// Changes the customer's details: all of them before confirmation, only the address after it
/// (until delivered, cancelled or returned).
pub fn edit_customer(
    tx: &Connection,
    order_id: i64,
    input: &CustomerInput,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    atomically(tx, || {
        let at = db::ts(now);
        let (order, _) = load(tx, order_id)?;
        if !rules::address_editable(order.status) {
            return Err(Refusal::NotNow(format!("A {} order's details cannot change.", order.status)));
        }
        let before = customer_of(&order);
        let cc = db::settings::get(tx)?.country_calling_code;
        let after = rules::check_customer(input, &before, rules::lines_editable(order.status), &cc)
            .map_err(Refusal::Invalid)?;
        let changed = rules::changes(&before, &after);
        if changed.is_empty() {
            return Ok(order.code);
        }
        desk::set_customer(tx, order_id, &after, &at)?;
        // The timeline keeps what changed; the audit log only which fields (it is kept longer).
        let detail = format!("Customer: {}", changed.join("; "));
        super::desk::event(tx, &order, EventKind::Edit, &detail, actor, &at)?;
        let fields: Vec<&str> = changed.iter().filter_map(|c| c.split(':').next()).collect();
        actor.record(tx, "order.edit_customer", &order.code, &fields.join(", "))?;
        crate::app::webhooks::customer_if_new(tx, order_id, &at)?;
        Ok(order.code)
    })
}

/// Changes a shipped order's courier and tracking number (a typo, a new parcel).
pub fn edit_shipping(
    tx: &Connection,
    order_id: i64,
    courier: &str,
    tracking: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<String, Refusal> {
    atomically(tx, || {
        let at = db::ts(now);
        let (order, _) = load(tx, order_id)?;
        if !rules::shipping_editable(order.status) {
            return Err(Refusal::NotNow("Shipping details are set when the order is shipped.".into()));
        }
        let courier: String = courier.split_whitespace().collect::<Vec<_>>().join(" ");
        if courier.is_empty() || courier.chars().count() > 60 {
            return Err(invalid("courier", "Name the courier (at most 60 characters)."));
        }
        let number = crate::domain::desk::tracking_number(tracking).map_err(|m| invalid("tracking_number", &m))?;
        let template =
            desk::couriers(tx)?.into_iter().find(|c| c.name.eq_ignore_ascii_case(&courier)).map(|c| c.tracking_url);
        let url = crate::domain::desk::tracking_link(&template.unwrap_or_default(), &number);
        desk::set_shipping(tx, order_id, &courier, &number, &url)?;
        let detail = format!("Shipping: {} {} → {courier} {number}", order.courier, order.tracking_number);
        log(tx, &order, "order.edit_shipping", &detail, actor, &at)?;
        Ok(order.code)
    })
}

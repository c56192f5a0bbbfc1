//! Checkout settings, delivery and payment methods, and discount codes.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use crate::domain::checkout::{
    CheckoutSettings, DeliveryKind, DeliveryMethod, Discount, PaymentKind, PaymentMethod, Zone,
};

/// The one row of checkout settings (the migration inserts it).
pub fn settings(conn: &Connection) -> rusqlite::Result<CheckoutSettings> {
    conn.prepare_cached(
        "SELECT order_prefix, flow, require_email, whatsapp_template FROM checkout_settings WHERE id = 1",
    )?
    .query_row([], |r| {
        Ok(CheckoutSettings {
            order_prefix: r.get(0)?,
            whatsapp_flow: r.get::<_, String>(1)? == "whatsapp",
            require_email: r.get(2)?,
            whatsapp_template: r.get(3)?,
        })
    })
}

pub fn update_settings(conn: &Connection, s: &CheckoutSettings, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE checkout_settings SET order_prefix = :prefix, flow = :flow, require_email = :email,
           whatsapp_template = :template, updated_at = :now WHERE id = 1",
        named_params! {":prefix": s.order_prefix, ":flow": if s.whatsapp_flow { "whatsapp" } else { "direct" },
        ":email": s.require_email, ":template": s.whatsapp_template, ":now": now},
    )?;
    Ok(())
}

/// Active delivery methods in the seller's order, with their zones.
pub fn delivery_methods(conn: &Connection) -> rusqlite::Result<Vec<DeliveryMethod>> {
    let mut methods: Vec<DeliveryMethod> = conn
        .prepare_cached(
            "SELECT id, code, name, kind, fee, free_over, details FROM delivery_methods
             WHERE active = 1 ORDER BY position, id",
        )?
        .query_map([], |r| {
            Ok(DeliveryMethod {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                kind: DeliveryKind::parse(&r.get::<_, String>(3)?).unwrap_or(DeliveryKind::Flat),
                fee: r.get(4)?,
                free_over: r.get(5)?,
                details: r.get(6)?,
                zones: Vec::new(),
            })
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT z.method_id, z.name, z.areas, z.fee FROM delivery_zones z
         JOIN delivery_methods m ON m.id = z.method_id WHERE m.active = 1 ORDER BY z.position, z.id",
    )?;
    let zones = stmt.query_map([], |r| {
        let areas: String = r.get(2)?;
        Ok((
            r.get::<_, i64>(0)?,
            Zone { name: r.get(1)?, areas: areas.split(',').map(|a| a.trim().to_string()).collect(), fee: r.get(3)? },
        ))
    })?;
    for z in zones {
        let (method, zone) = z?;
        if let Some(m) = methods.iter_mut().find(|m| m.id == method) {
            m.zones.push(zone);
        }
    }
    Ok(methods)
}

fn payment_from_row(r: &Row<'_>) -> rusqlite::Result<PaymentMethod> {
    Ok(PaymentMethod {
        id: r.get(0)?,
        code: r.get(1)?,
        kind: PaymentKind::parse(&r.get::<_, String>(2)?).unwrap_or(PaymentKind::Other),
        name: r.get(3)?,
        instructions: r.get(4)?,
        account: r.get(5)?,
        network: r.get(6)?,
    })
}

/// Active payment methods in the seller's order.
pub fn payment_methods(conn: &Connection) -> rusqlite::Result<Vec<PaymentMethod>> {
    conn.prepare_cached(
        "SELECT id, code, kind, name, instructions, account, network FROM payment_methods
         WHERE active = 1 ORDER BY position, id",
    )?
    .query_map([], payment_from_row)?
    .collect()
}

/// A new delivery method; returns its id. Fails on a duplicate code.
pub fn insert_delivery(conn: &Connection, m: &DeliveryMethod, position: i64) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO delivery_methods (code, name, kind, fee, free_over, details, position)
         VALUES (:code, :name, :kind, :fee, :free, :details, :pos)",
        named_params! {":code": m.code, ":name": m.name, ":kind": m.kind.as_str(), ":fee": m.fee,
        ":free": m.free_over, ":details": m.details, ":pos": position},
    )?;
    let id = conn.last_insert_rowid();
    for (i, z) in m.zones.iter().enumerate() {
        conn.execute(
            "INSERT INTO delivery_zones (method_id, name, areas, fee, position) VALUES (:m, :name, :areas, :fee, :pos)",
            named_params! {":m": id, ":name": z.name, ":areas": z.areas.join(", "), ":fee": z.fee, ":pos": i as i64},
        )?;
    }
    Ok(id)
}

/// A new payment method; returns its id. Fails on a duplicate code.
pub fn insert_payment(conn: &Connection, m: &PaymentMethod, position: i64) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO payment_methods (code, kind, name, instructions, account, network, position)
         VALUES (:code, :kind, :name, :instructions, :account, :network, :pos)",
        named_params! {":code": m.code, ":kind": m.kind.as_str(), ":name": m.name, ":instructions": m.instructions,
        ":account": m.account, ":network": m.network, ":pos": position},
    )?;
    Ok(conn.last_insert_rowid())
}

/// The discount with this code (any case); `None` when there is none.
pub fn discount(conn: &Connection, code: &str) -> rusqlite::Result<Option<Discount>> {
    conn.prepare_cached(
        "SELECT id, code, kind, value, min_subtotal, starts_at, ends_at, max_uses, max_uses_per_customer, active
         FROM discount_codes WHERE code = :code",
    )?
    .query_row(named_params! {":code": code}, |r| {
        let ts = |i: usize| -> rusqlite::Result<_> {
            Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(super::parse_ts))
        };
        Ok(Discount {
            id: r.get(0)?,
            code: r.get(1)?,
            percent: r.get::<_, String>(2)? == "percent",
            value: r.get(3)?,
            min_subtotal: r.get(4)?,
            starts_at: ts(5)?,
            ends_at: ts(6)?,
            max_uses: r.get(7)?,
            max_uses_per_customer: r.get(8)?,
            active: r.get(9)?,
        })
    })
    .optional()
}

/// How often a discount was used: (by anyone, by this phone), counting orders not cancelled.
pub fn discount_uses(conn: &Connection, discount_id: i64, phone: &str) -> rusqlite::Result<(i64, i64)> {
    conn.prepare_cached(
        "SELECT count(*), coalesce(sum(r.customer_phone = :phone), 0) FROM discount_redemptions r
         JOIN orders o ON o.id = r.order_id WHERE r.discount_id = :d AND o.status != 'cancelled'",
    )?
    .query_row(named_params! {":d": discount_id, ":phone": phone}, |r| Ok((r.get(0)?, r.get(1)?)))
}

/// A new discount code; returns its id. Fails on a duplicate code.
pub fn insert_discount(conn: &Connection, d: &Discount, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO discount_codes (code, kind, value, min_subtotal, starts_at, ends_at, max_uses,
                                     max_uses_per_customer, active, created_at)
         VALUES (:code, :kind, :value, :min, :starts, :ends, :max, :per, :active, :now)",
        named_params! {":code": d.code, ":kind": if d.percent { "percent" } else { "fixed" }, ":value": d.value,
        ":min": d.min_subtotal, ":starts": d.starts_at.map(super::ts), ":ends": d.ends_at.map(super::ts),
        ":max": d.max_uses, ":per": d.max_uses_per_customer, ":active": d.active, ":now": now},
    )?;
    Ok(conn.last_insert_rowid())
}

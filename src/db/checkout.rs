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
    Ok(all_delivery_methods(conn)?.into_iter().filter(|(_, active)| *active).map(|(m, _)| m).collect())
}

/// Every delivery method with its zones and whether it is offered, in the seller's order.
pub fn all_delivery_methods(conn: &Connection) -> rusqlite::Result<Vec<(DeliveryMethod, bool)>> {
    let mut methods: Vec<(DeliveryMethod, bool)> = conn
        .prepare_cached(
            "SELECT id, code, name, kind, fee, free_over, details, active FROM delivery_methods ORDER BY position, id",
        )?
        .query_map([], |r| {
            Ok((
                DeliveryMethod {
                    id: r.get(0)?,
                    code: r.get(1)?,
                    name: r.get(2)?,
                    kind: DeliveryKind::parse(&r.get::<_, String>(3)?).unwrap_or(DeliveryKind::Flat),
                    fee: r.get(4)?,
                    free_over: r.get(5)?,
                    details: r.get(6)?,
                    zones: Vec::new(),
                },
                r.get(7)?,
            ))
        })?
        .collect::<Result<_, _>>()?;
    let mut stmt =
        conn.prepare_cached("SELECT method_id, name, areas, fee FROM delivery_zones ORDER BY position, id")?;
    let zones = stmt.query_map([], |r| {
        let areas: String = r.get(2)?;
        Ok((
            r.get::<_, i64>(0)?,
            Zone { name: r.get(1)?, areas: areas.split(',').map(|a| a.trim().to_string()).collect(), fee: r.get(3)? },
        ))
    })?;
    for z in zones {
        let (method, zone) = z?;
        if let Some((m, _)) = methods.iter_mut().find(|(m, _)| m.id == method) {
            m.zones.push(zone);
        }
    }
    Ok(methods)
}

fn insert_zones(conn: &Connection, method_id: i64, zones: &[Zone]) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM delivery_zones WHERE method_id = :m", named_params! {":m": method_id})?;
    for (i, z) in zones.iter().enumerate() {
        conn.execute(
            "INSERT INTO delivery_zones (method_id, name, areas, fee, position) VALUES (:m, :name, :areas, :fee, :pos)",
            named_params! {":m": method_id, ":name": z.name, ":areas": z.areas.join(", "), ":fee": z.fee, ":pos": i as i64},
        )?;
    }
    Ok(())
}

/// Changes a delivery method and replaces its zones; false when there is no such method. Fails on a duplicate code.
pub fn update_delivery(conn: &Connection, id: i64, m: &DeliveryMethod, active: bool) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE delivery_methods SET code = :code, name = :name, kind = :kind, fee = :fee, free_over = :free,
           details = :details, active = :active WHERE id = :id",
        named_params! {":id": id, ":code": m.code, ":name": m.name, ":kind": m.kind.as_str(), ":fee": m.fee,
        ":free": m.free_over, ":details": m.details, ":active": active},
    )?;
    if n == 1 {
        insert_zones(conn, id, &m.zones)?;
    }
    Ok(n == 1)
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
        explorer_url: r.get(8)?,
    })
}

/// Active payment methods in the seller's order.
pub fn payment_methods(conn: &Connection) -> rusqlite::Result<Vec<PaymentMethod>> {
    Ok(all_payment_methods(conn)?.into_iter().filter(|(_, active)| *active).map(|(m, _)| m).collect())
}

/// Every payment method and whether it is offered, in the seller's order.
pub fn all_payment_methods(conn: &Connection) -> rusqlite::Result<Vec<(PaymentMethod, bool)>> {
    conn.prepare_cached(
        "SELECT id, code, kind, name, instructions, account, network, active, explorer_url FROM payment_methods
         ORDER BY position, id",
    )?
    .query_map([], |r| Ok((payment_from_row(r)?, r.get(7)?)))?
    .collect()
}

/// Changes a payment method; false when there is no such method. Fails on a duplicate code.
pub fn update_payment(conn: &Connection, id: i64, m: &PaymentMethod, active: bool) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE payment_methods SET code = :code, kind = :kind, name = :name, instructions = :instructions,
           account = :account, network = :network, explorer_url = :explorer, active = :active WHERE id = :id",
        named_params! {":id": id, ":code": m.code, ":kind": m.kind.as_str(), ":name": m.name,
        ":instructions": m.instructions, ":account": m.account, ":network": m.network,
        ":explorer": m.explorer_url, ":active": active},
    )?;
    Ok(n == 1)
}

/// The next position at the end of a list of methods.
pub fn next_position(conn: &Connection, table: &str) -> rusqlite::Result<i64> {
    let sql = match table {
        "payment_methods" => "SELECT coalesce(max(position) + 1, 0) FROM payment_methods",
        _ => "SELECT coalesce(max(position) + 1, 0) FROM delivery_methods",
    };
    conn.query_row(sql, [], |r| r.get(0))
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
    insert_zones(conn, id, &m.zones)?;
    Ok(id)
}

/// A new payment method; returns its id. Fails on a duplicate code.
pub fn insert_payment(conn: &Connection, m: &PaymentMethod, position: i64) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO payment_methods (code, kind, name, instructions, account, network, explorer_url, position)
         VALUES (:code, :kind, :name, :instructions, :account, :network, :explorer, :pos)",
        named_params! {":code": m.code, ":kind": m.kind.as_str(), ":name": m.name, ":instructions": m.instructions,
        ":account": m.account, ":network": m.network, ":explorer": m.explorer_url, ":pos": position},
    )?;
    Ok(conn.last_insert_rowid())
}

const DISCOUNT_COLUMNS: &str =
    "id, code, kind, value, min_subtotal, starts_at, ends_at, max_uses, max_uses_per_customer, active";

fn discount_from_row(r: &Row<'_>) -> rusqlite::Result<Discount> {
    let ts =
        |i: usize| -> rusqlite::Result<_> { Ok(r.get::<_, Option<String>>(i)?.as_deref().and_then(super::parse_ts)) };
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
}

/// The discount with this code (any case); `None` when there is none.
pub fn discount(conn: &Connection, code: &str) -> rusqlite::Result<Option<Discount>> {
    conn.prepare_cached(&format!("SELECT {DISCOUNT_COLUMNS} FROM discount_codes WHERE code = :code"))?
        .query_row(named_params! {":code": code}, discount_from_row)
        .optional()
}

/// Every discount code, newest first, with how often it was used on orders not cancelled.
pub fn discounts(conn: &Connection) -> rusqlite::Result<Vec<(Discount, i64)>> {
    conn.prepare_cached(&format!(
        "SELECT {DISCOUNT_COLUMNS}, (SELECT count(*) FROM discount_redemptions r JOIN orders o ON o.id = r.order_id
           WHERE r.discount_id = discount_codes.id AND o.status != 'cancelled') FROM discount_codes ORDER BY id DESC"
    ))?
    .query_map([], |r| Ok((discount_from_row(r)?, r.get(10)?)))?
    .collect()
}

/// Turns a discount code on or off; false when there is no such code.
pub fn set_discount_active(conn: &Connection, id: i64, active: bool) -> rusqlite::Result<bool> {
    Ok(conn.execute("UPDATE discount_codes SET active = :a WHERE id = :id", named_params! {":id": id, ":a": active})?
        == 1)
}

/// How often a discount was used: (by anyone, by this phone), counting orders not cancelled.
pub fn discount_uses(conn: &Connection, d: &Discount, phone: &str) -> rusqlite::Result<(i64, i64)> {
    // Counted only as far as the limits need (so the cost stays small however often the code
    // was used); a code without a limit is not counted at all.
    let used = match d.max_uses {
        None => 0,
        Some(limit) => conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM discount_redemptions r JOIN orders o ON o.id = r.order_id
                   WHERE r.discount_id = :d AND o.status != 'cancelled' LIMIT :limit)",
            )?
            .query_row(named_params! {":d": d.id, ":limit": limit}, |r| r.get(0))?,
    };
    let by_customer = match d.max_uses_per_customer {
        None => 0,
        Some(limit) => conn
            .prepare_cached(
                "SELECT count(*) FROM (SELECT 1 FROM discount_redemptions r JOIN orders o ON o.id = r.order_id
                   WHERE r.discount_id = :d AND r.customer_phone = :phone AND o.status != 'cancelled' LIMIT :limit)",
            )?
            .query_row(named_params! {":d": d.id, ":phone": phone, ":limit": limit}, |r| r.get(0))?,
    };
    Ok((used, by_customer))
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

//! Customers (one per WhatsApp number, linked to their orders by the triggers of migration 0015),
//! their tags and notes, the list's search, and the checks `souk doctor` runs on their figures.

use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension, Row, named_params};

use crate::domain::customers::{Customer, Record, Sort};

const COLUMNS: &str = "c.id, c.phone, c.name, c.email, c.note, c.order_count, c.lifetime_value, c.open_orders,
    c.last_order_at, c.created_at,
    coalesce(c.whatsapp_verified_at, (SELECT a.created_at FROM customer_accounts a WHERE a.phone = c.phone AND c.phone != ''))";

fn customer_row(r: &Row<'_>) -> rusqlite::Result<Customer> {
    Ok(Customer {
        id: r.get(0)?,
        phone: r.get(1)?,
        name: r.get(2)?,
        email: r.get(3)?,
        note: r.get(4)?,
        order_count: r.get(5)?,
        lifetime_value: r.get(6)?,
        open_orders: r.get(7)?,
        last_order_at: r.get(8)?,
        created_at: r.get(9)?,
        whatsapp_verified_at: r.get(10)?,
    })
}

/// The list's query, already checked: every condition optional.
#[derive(Debug, Clone, Default)]
pub struct Query {
    /// An E.164 number to match exactly.
    pub phone: Option<String>,
    /// A name, email or phone fragment.
    pub text: Option<String>,
    pub tag: Option<String>,
    /// Only customers with an open order.
    pub open: bool,
    pub sort: Sort,
}

/// A page of customers matching `q` in its order: at most `limit` from `offset`.
pub fn list(conn: &Connection, q: &Query, limit: usize, offset: usize) -> rusqlite::Result<Vec<Customer>> {
    let mut conditions: Vec<&str> = Vec::new();
    let mut params: Vec<(&str, Value)> = Vec::new();
    if let Some(p) = &q.phone {
        conditions.push("c.phone = :phone");
        params.push((":phone", Value::Text(p.clone())));
    }
    if let Some(t) = &q.text {
        if t.chars().count() >= 3 {
            conditions.push("c.id IN (SELECT rowid FROM customer_search WHERE customer_search MATCH :match)");
            params.push((":match", Value::Text(format!("\"{}\"", t.replace('"', "\"\"")))));
        } else {
            conditions.push(
                "(c.name LIKE :like ESCAPE '\\' OR c.email LIKE :like ESCAPE '\\' OR c.phone LIKE :like ESCAPE '\\')",
            );
            let escaped = t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
            params.push((":like", Value::Text(format!("%{escaped}%"))));
        }
    }
    if let Some(tag) = &q.tag {
        conditions.push("c.id IN (SELECT customer_id FROM customer_tags WHERE tag = :tag)");
        params.push((":tag", Value::Text(tag.clone())));
    }
    if q.open {
        conditions.push("c.open_orders > 0");
    }
    let order = match q.sort {
        Sort::LastOrder => "c.last_order_at DESC",
        Sort::Value => "c.lifetime_value DESC",
        Sort::Orders => "c.order_count DESC",
    };
    params.push((":limit", Value::Integer(limit as i64)));
    params.push((":offset", Value::Integer(offset as i64)));
    let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    let named: Vec<(&str, &dyn rusqlite::ToSql)> =
        params.iter().map(|(n, v)| (*n, v as &dyn rusqlite::ToSql)).collect();
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM customers c {filter} ORDER BY {order}, c.id DESC LIMIT :limit OFFSET :offset"
    ))?
    .query_map(named.as_slice(), customer_row)?
    .collect()
}

/// Up to `limit` customers after `after_id` by id, each with their tags (comma-separated): the
/// export's chunks.
pub fn export_chunk(conn: &Connection, after_id: i64, limit: usize) -> rusqlite::Result<Vec<(Customer, String)>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS}, (SELECT coalesce(group_concat(tag, ', '), '') FROM customer_tags t WHERE t.customer_id = c.id)
         FROM customers c WHERE c.id > :after ORDER BY c.id LIMIT :limit"
    ))?
    .query_map(named_params! {":after": after_id, ":limit": limit as i64}, |r| Ok((customer_row(r)?, r.get(11)?)))?
    .collect()
}

pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<Customer>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM customers c WHERE c.id = :id"))?
        .query_row(named_params! {":id": id}, customer_row)
        .optional()
}

pub fn by_phone(conn: &Connection, phone: &str) -> rusqlite::Result<Option<Customer>> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM customers c WHERE c.phone = :p"))?
        .query_row(named_params! {":p": phone}, customer_row)
        .optional()
}

/// How the customer's orders ended, counted from them.
pub fn record(conn: &Connection, id: i64) -> rusqlite::Result<Record> {
    conn.prepare_cached(
        "SELECT count(*) FILTER (WHERE status IN ('confirmed', 'processing', 'ready_to_ship', 'shipped', 'delivered')),
                count(*) FILTER (WHERE status = 'delivered'),
                count(*) FILTER (WHERE status = 'cancelled'),
                count(*) FILTER (WHERE status = 'returned'),
                count(*) FILTER (WHERE failed_reason != ''),
                count(*) FILTER (WHERE failed_reason = 'refused' AND payment_kind = 'cod')
         FROM orders WHERE customer_id = :id",
    )?
    .query_row(named_params! {":id": id}, |r| {
        Ok(Record {
            valued: r.get(0)?,
            delivered: r.get(1)?,
            cancelled: r.get(2)?,
            returned: r.get(3)?,
            failed_delivery: r.get(4)?,
            refused_cod: r.get(5)?,
        })
    })
}

pub fn tags(conn: &Connection, id: i64) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT tag FROM customer_tags WHERE customer_id = :c ORDER BY rowid")?
        .query_map(named_params! {":c": id}, |r| r.get(0))?
        .collect()
}

/// Replaces a customer's tags.
pub fn set_tags(conn: &Connection, id: i64, tags: &[String]) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM customer_tags WHERE customer_id = :c")?.execute(named_params! {":c": id})?;
    for tag in tags {
        conn.prepare_cached("INSERT OR IGNORE INTO customer_tags (customer_id, tag) VALUES (:c, :t)")?
            .execute(named_params! {":c": id, ":t": tag})?;
    }
    Ok(())
}

/// Customer tags used before, most used first.
pub fn known_tags(conn: &Connection, limit: usize) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached("SELECT tag FROM customer_tags GROUP BY tag ORDER BY count(*) DESC, tag LIMIT :l")?
        .query_map(named_params! {":l": limit as i64}, |r| r.get(0))?
        .collect()
}

/// Notes that the seller changed something about the customer.
pub fn touch(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE customers SET updated_at = :now WHERE id = :id")?
        .execute(named_params! {":now": now, ":id": id})?;
    Ok(())
}

pub fn set_note(conn: &Connection, id: i64, note: &str, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("UPDATE customers SET note = :n, updated_at = :now WHERE id = :id")?
        .execute(named_params! {":n": note, ":now": now, ":id": id})?;
    Ok(())
}

/// Customers whose kept figures differ from their orders, and orders not linked to the customer
/// of their number: (customers, orders), each with an example. For `souk doctor`.
pub fn mismatches(conn: &Connection) -> rusqlite::Result<(Vec<String>, Vec<String>)> {
    let customers = conn
        .prepare(
            "SELECT c.phone FROM customers c
             WHERE c.order_count != (SELECT count(*) FROM orders o WHERE o.customer_id = c.id)
                OR c.lifetime_value != (SELECT coalesce(sum(total), 0) FROM orders o WHERE o.customer_id = c.id
                    AND o.status IN ('confirmed', 'processing', 'ready_to_ship', 'shipped', 'delivered'))
                OR c.open_orders != (SELECT count(*) FROM orders o WHERE o.customer_id = c.id
                    AND o.status NOT IN ('delivered', 'cancelled', 'returned'))
                OR c.last_order_at IS NOT (SELECT max(created_at) FROM orders o WHERE o.customer_id = c.id)",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    let orders = conn
        .prepare(
            "SELECT o.code FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
             WHERE c.phone IS NOT o.customer_phone",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok((customers, orders))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(c: &Connection, n: i64, name: &str, phone: &str, email: &str, status: &str, at: &str) {
        c.execute(
            "INSERT INTO orders (number, code, status, currency, subtotal, delivery_fee, discount, total,
                customer_name, customer_phone, customer_email, delivery_code, delivery_name, payment_code, payment_kind,
                payment_name, lines_key, created_at, updated_at)
             VALUES (?1, 'ORD-' || ?1, ?5, 'INR', 1000, 0, 0, 1000, ?2, ?3, ?4, 'd', 'D', 'p', 'cod', 'P', '', ?6, ?6)",
            rusqlite::params![n, name, phone, email, status, at],
        )
        .unwrap();
    }

    fn figures(c: &Connection, phone: &str) -> (String, String, i64, i64, i64) {
        let x = by_phone(c, phone).unwrap().unwrap();
        (x.name, x.email, x.order_count, x.lifetime_value, x.open_orders)
    }

    #[test]
    fn earlier_orders_become_customers_by_number_and_new_ones_follow() {
        let mut c = Connection::open_in_memory().unwrap();
        crate::db::migrate_to(&mut c, 14).unwrap().unwrap();
        order(&c, 1, "Meera Iyer", "+919876543210", "meera@example.com", "delivered", "2026-11-01T10:00:00.000Z");
        order(&c, 2, "Meera I.", "+919876543210", "", "pending", "2026-11-02T10:00:00.000Z");
        order(&c, 3, "Kabir", "+919812345678", "", "cancelled", "2026-11-03T10:00:00.000Z");
        crate::db::migrate(&mut c).unwrap().unwrap();
        // One customer per number, named as the latest order, with the email an order gave.
        assert_eq!(figures(&c, "+919876543210"), ("Meera I.".into(), "meera@example.com".into(), 2, 1000, 1));
        assert_eq!(figures(&c, "+919812345678"), ("Kabir".into(), String::new(), 1, 0, 0));
        assert_eq!(mismatches(&c).unwrap(), (vec![], vec![]));

        // New orders, status changes and an edited number keep the figures and links true.
        order(&c, 4, "Kabir Rao", "+919812345678", "kabir@example.com", "draft", "2026-11-04T10:00:00.000Z");
        assert_eq!(figures(&c, "+919812345678"), ("Kabir Rao".into(), "kabir@example.com".into(), 2, 0, 1));
        c.execute("UPDATE orders SET status = 'confirmed' WHERE number = 4", []).unwrap();
        assert_eq!(figures(&c, "+919812345678").3, 1000);
        c.execute("UPDATE orders SET customer_phone = '+919876543210' WHERE number = 4", []).unwrap();
        assert_eq!(figures(&c, "+919812345678"), ("Kabir Rao".into(), "kabir@example.com".into(), 1, 0, 0));
        assert_eq!(figures(&c, "+919876543210").2, 3);
        c.execute("UPDATE orders SET customer_phone = '+14155550100' WHERE number = 3", []).unwrap();
        assert_eq!(figures(&c, "+14155550100").2, 1);
        assert_eq!(mismatches(&c).unwrap(), (vec![], vec![]));
        // The search index follows the customers.
        let q = Query { text: Some("kabir@exa".into()), ..Default::default() };
        assert_eq!(list(&c, &q, 10, 0).unwrap().len(), 1);
        c.execute("UPDATE customers SET order_count = 9", []).unwrap();
        assert_eq!(mismatches(&c).unwrap().0.len(), 3);
    }
}

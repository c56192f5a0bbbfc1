//! Retention and the customer's rights: erasing personal data (an order's, or everything about one
//! customer) while amounts and items stay for the figures, and gathering everything held about one
//! customer. An erased order keeps its customer link through a placeholder number
//! (`erased:<customer id>`), so the customers' figures and `souk doctor`'s checks still hold.

use rusqlite::{Connection, named_params};
use serde_json::{Value, json};

pub fn erase_after_days(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT erase_after_days FROM privacy WHERE id = 1", [], |r| r.get(0))
}

pub fn set_erase_after_days(conn: &Connection, days: i64) -> rusqlite::Result<()> {
    conn.execute("UPDATE privacy SET erase_after_days = :d WHERE id = 1", named_params! {":d": days})?;
    Ok(())
}

/// Orders delivered, cancelled or returned at or before `cutoff` whose personal data is still there.
pub fn due(conn: &Connection, cutoff: &str) -> rusqlite::Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT o.id FROM orders o
         WHERE o.erased_at IS NULL AND o.status IN ('delivered', 'cancelled', 'returned')
           AND coalesce((SELECT max(e.at) FROM order_events e WHERE e.order_id = o.id AND e.kind = 'status'), o.updated_at) <= :c
         ORDER BY o.id",
    )?;
    let rows = stmt.query_map(named_params! {":c": cutoff}, |r| r.get(0))?;
    rows.collect()
}

/// Erases one order's personal data: name, number, email, address, notes, what its customer typed
/// (requests, rating comment, timeline notes), its links and its messages. Returns whether it
/// was there to erase.
pub fn erase_order(conn: &Connection, order_id: i64, now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE orders SET customer_name = '', customer_email = '', customer_phone = 'erased:' || coalesce(customer_id, id),
           address_line1 = '', address_line2 = '', city = '', region = '', postal_code = '', note = '',
           placed_ip = '', erased_at = :now, updated_at = :now
         WHERE id = :o AND erased_at IS NULL",
        named_params! {":o": order_id, ":now": now},
    )?;
    if n == 0 {
        return Ok(false);
    }
    // The placeholder customer holding erased orders has no personal data either.
    conn.execute(
        "UPDATE customers SET name = '', email = '', note = ''
         WHERE id = (SELECT customer_id FROM orders WHERE id = :o) AND phone LIKE 'erased:%'",
        named_params! {":o": order_id},
    )?;
    conn.execute(
        "UPDATE order_events SET note = CASE WHEN kind = 'status' AND actor != 'customer' THEN note ELSE '' END,
           detail = CASE WHEN kind IN ('status', 'payment') AND actor != 'customer' THEN detail ELSE '' END
         WHERE order_id = :o",
        named_params! {":o": order_id},
    )?;
    conn.execute(
        "UPDATE order_requests SET message = '', address = '' WHERE order_id = :o",
        named_params! {":o": order_id},
    )?;
    conn.execute(
        "UPDATE order_ratings SET comment = '', published_at = NULL WHERE order_id = :o",
        named_params! {":o": order_id},
    )?;
    conn.execute("DELETE FROM order_tokens WHERE order_id = :o", named_params! {":o": order_id})?;
    conn.execute("DELETE FROM outbox WHERE order_id = :o", named_params! {":o": order_id})?;
    // An order made from a quote: its line's title quoted the customer's words; its request goes too.
    conn.execute(
        "UPDATE order_lines SET title = 'Custom order ' || sku
         WHERE order_id = :o AND (SELECT kind FROM orders WHERE id = :o) = 'custom'",
        named_params! {":o": order_id},
    )?;
    let requests: Vec<i64> = conn
        .prepare("SELECT id FROM custom_requests WHERE order_id = :o")?
        .query_map(named_params! {":o": order_id}, |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for id in requests {
        erase_request(conn, id, now)?;
    }
    Ok(true)
}

/// The customer an order belongs to.
pub fn customer_of(conn: &Connection, order_id: i64) -> rusqlite::Result<Option<i64>> {
    conn.query_row("SELECT customer_id FROM orders WHERE id = :o", named_params! {":o": order_id}, |r| r.get(0))
}

/// The ids of a customer's orders, and the emails they were placed with.
pub fn customer_orders(conn: &Connection, customer_id: i64) -> rusqlite::Result<(Vec<i64>, Vec<String>)> {
    let ids = conn
        .prepare("SELECT id FROM orders WHERE customer_id = :c ORDER BY id")?
        .query_map(named_params! {":c": customer_id}, |r| r.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    let emails = conn
        .prepare(
            "SELECT DISTINCT lower(customer_email) FROM orders WHERE customer_id = :c AND customer_email != ''
             UNION SELECT lower(email) FROM customers WHERE id = :c AND email != ''",
        )?
        .query_map(named_params! {":c": customer_id}, |r| r.get(0))?
        .collect::<Result<Vec<String>, _>>()?;
    Ok((ids, emails))
}

/// Removes what is kept under an email outside orders: its account (sessions, addresses), sign-in
/// codes, unsubscribe links and opt-out, and messages to it.
pub fn erase_email(conn: &Connection, email: &str) -> rusqlite::Result<()> {
    for sql in [
        "DELETE FROM customer_accounts WHERE email = :e",
        "DELETE FROM account_codes WHERE email = :e",
        "DELETE FROM unsubscribe_tokens WHERE email = :e COLLATE NOCASE",
        "DELETE FROM mail_optouts WHERE email = :e",
        "DELETE FROM outbox WHERE to_addr = :e COLLATE NOCASE AND channel = 'email'",
    ] {
        conn.execute(sql, named_params! {":e": email})?;
    }
    Ok(())
}

/// The emails of accounts that proved this number.
pub fn account_emails_of_phone(conn: &Connection, phone: &str) -> rusqlite::Result<Vec<String>> {
    conn.prepare("SELECT lower(email) FROM customer_accounts WHERE phone = :p AND phone != '' AND email IS NOT NULL")?
        .query_map(named_params! {":p": phone}, |r| r.get(0))?
        .collect()
}

/// Removes what is kept under a WhatsApp number outside orders: the account it proved (sessions,
/// addresses), its sign-in codes and WhatsApp messages to it.
pub fn erase_phone(conn: &Connection, phone: &str) -> rusqlite::Result<()> {
    let digits = phone.trim_start_matches('+');
    conn.execute("DELETE FROM customer_accounts WHERE phone = :p AND phone != ''", named_params! {":p": phone})?;
    conn.execute("DELETE FROM account_codes WHERE phone = :p AND phone != ''", named_params! {":p": phone})?;
    conn.execute("DELETE FROM outbox WHERE to_addr = :d AND channel = 'whatsapp'", named_params! {":d": digits})?;
    Ok(())
}

/// Removes a customer's own row (their orders moved to the erased placeholder), with its tags.
pub fn delete_customer(conn: &Connection, customer_id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM customer_tags WHERE customer_id = :c", named_params! {":c": customer_id})?;
    conn.execute(
        "DELETE FROM customers WHERE id = :c AND NOT EXISTS (SELECT 1 FROM orders WHERE customer_id = :c)",
        named_params! {":c": customer_id},
    )?;
    Ok(())
}

fn rows(conn: &Connection, sql: &str, id: i64) -> rusqlite::Result<Vec<Value>> {
    let mut stmt = conn.prepare(sql)?;
    let names: Vec<String> = stmt.column_names().into_iter().map(str::to_string).collect();
    let out = stmt
        .query_map(named_params! {":id": id}, |r| {
            let mut o = serde_json::Map::new();
            for (i, n) in names.iter().enumerate() {
                let v = match r.get_ref(i)? {
                    rusqlite::types::ValueRef::Null => Value::Null,
                    rusqlite::types::ValueRef::Integer(x) => json!(x),
                    rusqlite::types::ValueRef::Real(x) => json!(x),
                    rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                    rusqlite::types::ValueRef::Blob(_) => continue,
                };
                o.insert(n.clone(), v);
            }
            Ok(Value::Object(o))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(out)
}

/// Everything held about one customer, as it is stored: their record and tags, each order with its
/// lines, timeline, payments, requests and rating, and the accounts of their emails.
pub fn export(conn: &Connection, customer_id: i64) -> rusqlite::Result<Value> {
    let customer = rows(conn, "SELECT * FROM customers WHERE id = :id", customer_id)?;
    let tags = rows(conn, "SELECT tag FROM customer_tags WHERE customer_id = :id", customer_id)?;
    let mut orders = Vec::new();
    let (ids, emails) = customer_orders(conn, customer_id)?;
    for id in ids {
        let mut order = rows(conn, "SELECT * FROM orders WHERE id = :id", id)?.pop().unwrap_or(Value::Null);
        if let Value::Object(o) = &mut order {
            o.remove("lines_key");
            for (key, sql) in [
                (
                    "lines",
                    "SELECT sku, title, options, unit_price, quantity, line_total FROM order_lines WHERE order_id = :id",
                ),
                (
                    "timeline",
                    "SELECT at, status, kind, note, detail, actor FROM order_events WHERE order_id = :id ORDER BY id",
                ),
                ("payments", "SELECT * FROM payments WHERE order_id = :id ORDER BY id"),
                (
                    "requests",
                    "SELECT kind, status, message, address, answer, created_at, answered_at FROM order_requests WHERE order_id = :id",
                ),
                ("rating", "SELECT stars, comment, created_at, published_at FROM order_ratings WHERE order_id = :id"),
            ] {
                o.insert(key.into(), Value::Array(rows(conn, sql, id)?));
            }
        }
        orders.push(order);
    }
    let mut accounts = Vec::new();
    let mut ids: Vec<i64> = Vec::new();
    for email in &emails {
        ids.extend(
            conn.query_row("SELECT id FROM customer_accounts WHERE email = :e", named_params! {":e": email}, |r| {
                r.get::<_, i64>(0)
            })
            .ok(),
        );
    }
    ids.extend(
        conn.query_row(
            "SELECT a.id FROM customer_accounts a JOIN customers c ON c.phone = a.phone WHERE c.id = :c",
            named_params! {":c": customer_id},
            |r| r.get::<_, i64>(0),
        )
        .ok(),
    );
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        {
            let mut a = rows(
                conn,
                "SELECT email, phone, created_at, last_sign_in_at FROM customer_accounts WHERE id = :id",
                id,
            )?
            .pop()
            .unwrap_or(Value::Null);
            a["addresses"] = Value::Array(rows(
                conn,
                "SELECT line1, line2, city, region, postal_code, country, created_at FROM account_addresses WHERE account_id = :id",
                id,
            )?);
            accounts.push(a);
        }
    }
    let optouts: Vec<&String> = emails
        .iter()
        .filter(|e| {
            conn.query_row("SELECT 1 FROM mail_optouts WHERE email = :e", named_params! {":e": e}, |_| Ok(())).is_ok()
        })
        .collect();
    let mut requests = Vec::new();
    for id in customer_requests(conn, customer_id)? {
        let mut r = rows(conn, "SELECT * FROM custom_requests WHERE id = :id", id)?.pop().unwrap_or(Value::Null);
        r["history"] = Value::Array(rows(
            conn,
            "SELECT at, status, note, actor FROM custom_request_events WHERE request_id = :id ORDER BY id",
            id,
        )?);
        r["reference_photos"] =
            json!(conn.query_row("SELECT count(*) FROM custom_request_photos WHERE request_id = ?1", [id], |x| {
                x.get::<_, i64>(0)
            })?);
        requests.push(r);
    }
    Ok(json!({
        "customer": customer.into_iter().next().unwrap_or(Value::Null),
        "custom_requests": requests,
        "tags": tags,
        "orders": orders,
        "accounts": accounts,
        "unsubscribed_from_follow_ups": optouts,
    }))
}

/// Custom-order requests that ended without an order (declined, expired) at or before `cutoff`
/// whose personal data is still there. An accepted one goes with its order (`erase_order`).
pub fn requests_due(conn: &Connection, cutoff: &str) -> rusqlite::Result<Vec<i64>> {
    conn.prepare(
        "SELECT id FROM custom_requests
         WHERE erased_at IS NULL AND status IN ('declined', 'expired') AND updated_at <= :c ORDER BY id",
    )?
    .query_map(named_params! {":c": cutoff}, |r| r.get(0))?
    .collect()
}

/// A customer's custom-order requests: by their number, or by an email of theirs. Read before
/// their orders are erased (the emails are found through them).
pub fn customer_requests(conn: &Connection, customer_id: i64) -> rusqlite::Result<Vec<i64>> {
    conn.prepare(
        "SELECT id FROM custom_requests r WHERE r.erased_at IS NULL AND (
           r.customer_phone = (SELECT phone FROM customers WHERE id = :c)
           OR (r.customer_email != '' AND lower(r.customer_email) IN (
             SELECT lower(customer_email) FROM orders WHERE customer_id = :c AND customer_email != ''
             UNION SELECT lower(email) FROM customers WHERE id = :c AND email != '')))
         ORDER BY id",
    )?
    .query_map(named_params! {":c": customer_id}, |r| r.get(0))?
    .collect()
}

/// Erases a request's personal data: name, number, email, what was asked for, the notes and
/// reasons either side wrote, the reference photos, the links and the messages about it. The
/// quote's amounts stay. An open request is closed (declined).
pub fn erase_request(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE custom_requests SET customer_name = '', customer_phone = 'erased:' || id, customer_email = '',
           description = '', reason = '', quote_notes = '', placed_ip = '', erased_at = :now, updated_at = :now,
           status = CASE WHEN status IN ('pending', 'quoted') THEN 'declined' ELSE status END
         WHERE id = :r AND erased_at IS NULL",
        named_params! {":r": id, ":now": now},
    )?;
    if n == 0 {
        return Ok(false);
    }
    for sql in [
        "DELETE FROM custom_request_photos WHERE request_id = :r",
        "DELETE FROM custom_request_tokens WHERE request_id = :r",
        "DELETE FROM outbox WHERE custom_request_id = :r",
        "UPDATE custom_request_events SET note = '' WHERE request_id = :r
           AND ((actor = 'customer' AND status != 'accepted') OR status = 'declined')",
    ] {
        conn.execute(sql, named_params! {":r": id})?;
    }
    Ok(true)
}

/// How many orders have had their personal data erased.
pub fn erased_count(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM orders WHERE erased_at IS NOT NULL", [], |r| r.get(0))
}

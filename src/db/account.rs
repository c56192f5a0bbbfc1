//! Customer accounts: one-time codes, sessions, saved addresses, and the orders an account sees.

use rusqlite::{Connection, OptionalExtension, named_params};

use crate::domain::account::{Account, MyOrder, Via};
use crate::domain::checkout::Address;

/// A code waiting to be used: (id, code hash, wrong attempts).
pub type Pending = (i64, Vec<u8>, i64);

/// The column a code's address is kept in, and the value.
fn column(via: &Via) -> (&'static str, &str) {
    match via {
        Via::Email(e) => ("email", e),
        Via::WhatsApp(p) => ("phone", p),
    }
}

pub fn insert_code(
    conn: &Connection,
    via: &Via,
    code_hash: &[u8],
    link_hash: &[u8],
    now: &str,
    expires: &str,
) -> rusqlite::Result<()> {
    let (email, phone) = match via {
        Via::Email(e) => (e.as_str(), ""),
        Via::WhatsApp(p) => ("", p.as_str()),
    };
    conn.execute(
        "INSERT INTO account_codes (email, phone, code_hash, link_hash, created_at, expires_at)
         VALUES (:e, :p, :c, :l, :now, :x)",
        named_params! {":e": email, ":p": phone, ":c": code_hash, ":l": link_hash, ":now": now, ":x": expires},
    )?;
    Ok(())
}

/// Codes sent to this address or number since `since`.
pub fn codes_since(conn: &Connection, via: &Via, since: &str) -> rusqlite::Result<i64> {
    let (col, v) = column(via);
    conn.query_row(
        &format!("SELECT count(*) FROM account_codes WHERE {col} = :v AND {col} != '' AND created_at >= :s"),
        named_params! {":v": v, ":s": since},
        |r| r.get(0),
    )
}

/// The newest live code of an address or number (unused, unexpired, not worn out by wrong guesses).
pub fn live_code(conn: &Connection, via: &Via, now: &str, max_wrong: i64) -> rusqlite::Result<Option<Pending>> {
    let (col, v) = column(via);
    conn.query_row(
        &format!(
            "SELECT id, code_hash, wrong FROM account_codes WHERE {col} = :v AND {col} != '' AND used_at IS NULL
               AND expires_at > :now AND wrong < :max ORDER BY id DESC LIMIT 1"
        ),
        named_params! {":v": v, ":now": now, ":max": max_wrong},
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

pub fn count_wrong(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("UPDATE account_codes SET wrong = wrong + 1 WHERE id = :id", named_params! {":id": id})?;
    Ok(())
}

/// Uses up every code of an address or number (one sign-in ends them all); returns how many were live.
pub fn use_codes(conn: &Connection, via: &Via, now: &str) -> rusqlite::Result<usize> {
    let (col, v) = column(via);
    conn.execute(
        &format!("UPDATE account_codes SET used_at = :now WHERE {col} = :v AND {col} != '' AND used_at IS NULL"),
        named_params! {":v": v, ":now": now},
    )
}

/// The address a live link stands for (links go by email only).
pub fn link_email(conn: &Connection, link_hash: &[u8], now: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT email FROM account_codes WHERE link_hash = :h AND email != '' AND used_at IS NULL AND expires_at > :now",
        named_params! {":h": link_hash, ":now": now},
        |r| r.get(0),
    )
    .optional()
}

/// The account of an address, made on its first sign-in.
pub fn account_for(conn: &Connection, email: &str, now: &str) -> rusqlite::Result<Account> {
    conn.execute(
        "INSERT INTO customer_accounts (email, created_at) VALUES (:e, :now) ON CONFLICT (email) DO NOTHING",
        named_params! {":e": email, ":now": now},
    )?;
    conn.execute(
        "UPDATE customer_accounts SET last_sign_in_at = :now WHERE email = :e",
        named_params! {":e": email, ":now": now},
    )?;
    conn.query_row(
        "SELECT id, email, phone FROM customer_accounts WHERE email = :e",
        named_params! {":e": email},
        |r| Ok(Account { id: r.get(0)?, email: r.get(1)?, phone: r.get(2)? }),
    )
}

fn account_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Account> {
    Ok(Account { id: r.get(0)?, email: r.get::<_, Option<String>>(1)?.unwrap_or_default(), phone: r.get(2)? })
}

/// The account of a proven WhatsApp number, made (without an email) on its first sign-in.
pub fn account_for_phone(conn: &Connection, phone: &str, now: &str) -> rusqlite::Result<Account> {
    let find = |c: &Connection| {
        c.query_row(
            "SELECT id, email, phone FROM customer_accounts WHERE phone = :p",
            named_params! {":p": phone},
            account_row,
        )
        .optional()
    };
    if find(conn)?.is_none() {
        conn.execute(
            "INSERT INTO customer_accounts (email, phone, created_at) VALUES (NULL, :p, :now)",
            named_params! {":p": phone, ":now": now},
        )?;
    }
    conn.execute(
        "UPDATE customer_accounts SET last_sign_in_at = :now WHERE phone = :p",
        named_params! {":p": phone, ":now": now},
    )?;
    find(conn)?.ok_or(rusqlite::Error::QueryReturnedNoRows)
}

/// Gives an account a proven number. An account known only by that number is merged into it
/// (its addresses move; its sessions end); `false` when an account with another email has it.
pub fn attach_phone(conn: &Connection, account_id: i64, phone: &str) -> rusqlite::Result<bool> {
    let other: Option<(i64, Option<String>)> = conn
        .query_row(
            "SELECT id, email FROM customer_accounts WHERE phone = :p AND id != :a",
            named_params! {":p": phone, ":a": account_id},
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match other {
        Some((_, Some(_))) => return Ok(false),
        Some((id, None)) => {
            conn.execute(
                "UPDATE account_addresses SET account_id = :a WHERE account_id = :o",
                named_params! {":a": account_id, ":o": id},
            )?;
            conn.execute("DELETE FROM customer_accounts WHERE id = :o", named_params! {":o": id})?;
        }
        None => {}
    }
    conn.execute(
        "UPDATE customer_accounts SET phone = :p WHERE id = :a",
        named_params! {":p": phone, ":a": account_id},
    )?;
    Ok(true)
}

/// The seller's record of this number: proven through WhatsApp (kept from the first time).
pub fn mark_verified(conn: &Connection, phone: &str, now: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE customers SET whatsapp_verified_at = coalesce(whatsapp_verified_at, :now) WHERE phone = :p",
        named_params! {":p": phone, ":now": now},
    )
}

pub fn insert_session(
    conn: &Connection,
    hash: &[u8],
    account_id: i64,
    now: &str,
    expires: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO account_sessions (token_hash, account_id, created_at, expires_at) VALUES (:h, :a, :now, :x)",
        named_params! {":h": hash, ":a": account_id, ":now": now, ":x": expires},
    )?;
    Ok(())
}

/// The account a live session belongs to.
pub fn session_account(conn: &Connection, hash: &[u8], now: &str) -> rusqlite::Result<Option<Account>> {
    conn.prepare_cached(
        "SELECT a.id, a.email, a.phone FROM account_sessions s JOIN customer_accounts a ON a.id = s.account_id
         WHERE s.token_hash = :h AND s.expires_at > :now",
    )?
    .query_row(named_params! {":h": hash, ":now": now}, account_row)
    .optional()
}

pub fn end_session(conn: &Connection, hash: &[u8]) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM account_sessions WHERE token_hash = :h", named_params! {":h": hash})?;
    Ok(())
}

/// Ends every session of an account; returns how many.
pub fn end_sessions(conn: &Connection, account_id: i64) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM account_sessions WHERE account_id = :a", named_params! {":a": account_id})
}

/// Removes expired sessions and used or expired codes older than `before`.
pub fn purge(conn: &Connection, now: &str, before: &str) -> rusqlite::Result<usize> {
    let s = conn.execute("DELETE FROM account_sessions WHERE expires_at <= :now", named_params! {":now": now})?;
    let c = conn.execute("DELETE FROM account_codes WHERE created_at < :b", named_params! {":b": before})?;
    Ok(s + c)
}

/// Every order placed with the account's email, or its proven number, newest first; each once.
pub fn orders(conn: &Connection, a: &Account, limit: i64) -> rusqlite::Result<Vec<MyOrder>> {
    let mut stmt = conn.prepare_cached(
        "SELECT o.code, o.status, o.payment_status, o.currency, o.total,
           (SELECT coalesce(sum(quantity), 0) FROM order_lines WHERE order_id = o.id), o.created_at
         FROM orders o
         WHERE ((:e != '' AND o.customer_email = :e COLLATE NOCASE) OR (:p != '' AND o.customer_phone = :p))
         ORDER BY o.created_at DESC LIMIT :l",
    )?;
    let rows = stmt.query_map(named_params! {":e": a.email, ":p": a.phone, ":l": limit}, |r| {
        Ok(MyOrder {
            code: r.get(0)?,
            status: r.get(1)?,
            payment_status: r.get(2)?,
            currency: r.get(3)?,
            total: r.get(4)?,
            items: r.get(5)?,
            created_at: r.get(6)?,
        })
    })?;
    rows.collect()
}

/// The id of one of the account's orders by its code; `None` when it is not theirs.
pub fn own_order(conn: &Connection, a: &Account, code: &str) -> rusqlite::Result<Option<i64>> {
    conn.query_row(
        "SELECT id FROM orders WHERE code = :c COLLATE NOCASE
           AND ((:e != '' AND customer_email = :e COLLATE NOCASE) OR (:p != '' AND customer_phone = :p))",
        named_params! {":c": code, ":e": a.email, ":p": a.phone},
        |r| r.get(0),
    )
    .optional()
}

pub fn addresses(conn: &Connection, account_id: i64) -> rusqlite::Result<Vec<(i64, Address)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, line1, line2, city, region, postal_code, country FROM account_addresses WHERE account_id = :a ORDER BY id",
    )?;
    let rows = stmt.query_map(named_params! {":a": account_id}, |r| {
        Ok((
            r.get(0)?,
            Address {
                line1: r.get(1)?,
                line2: r.get(2)?,
                city: r.get(3)?,
                region: r.get(4)?,
                postal_code: r.get(5)?,
                country: r.get(6)?,
            },
        ))
    })?;
    rows.collect()
}

pub fn add_address(conn: &Connection, account_id: i64, a: &Address, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO account_addresses (account_id, line1, line2, city, region, postal_code, country, created_at)
         VALUES (:a, :l1, :l2, :c, :r, :pc, :co, :now)",
        named_params! {":a": account_id, ":l1": a.line1, ":l2": a.line2, ":c": a.city, ":r": a.region,
        ":pc": a.postal_code, ":co": a.country, ":now": now},
    )?;
    Ok(())
}

pub fn delete_address(conn: &Connection, account_id: i64, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "DELETE FROM account_addresses WHERE id = :id AND account_id = :a",
        named_params! {":id": id, ":a": account_id},
    )? == 1)
}

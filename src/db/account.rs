//! Customer accounts: one-time codes, sessions, saved addresses, and the orders an account sees.

use rusqlite::{Connection, OptionalExtension, named_params};

use crate::domain::account::{Account, MyOrder};
use crate::domain::checkout::Address;

/// A code waiting to be used: (id, code hash, wrong attempts).
pub type Pending = (i64, Vec<u8>, i64);

pub fn insert_code(
    conn: &Connection,
    email: &str,
    code_hash: &[u8],
    link_hash: &[u8],
    now: &str,
    expires: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO account_codes (email, code_hash, link_hash, created_at, expires_at) VALUES (:e, :c, :l, :now, :x)",
        named_params! {":e": email, ":c": code_hash, ":l": link_hash, ":now": now, ":x": expires},
    )?;
    Ok(())
}

/// Codes sent to this address since `since`.
pub fn codes_since(conn: &Connection, email: &str, since: &str) -> rusqlite::Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM account_codes WHERE email = :e AND created_at >= :s",
        named_params! {":e": email, ":s": since},
        |r| r.get(0),
    )
}

/// The newest live code of an address (unused, unexpired, not worn out by wrong guesses).
pub fn live_code(conn: &Connection, email: &str, now: &str, max_wrong: i64) -> rusqlite::Result<Option<Pending>> {
    conn.query_row(
        "SELECT id, code_hash, wrong FROM account_codes WHERE email = :e AND used_at IS NULL AND expires_at > :now
           AND wrong < :max ORDER BY id DESC LIMIT 1",
        named_params! {":e": email, ":now": now, ":max": max_wrong},
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )
    .optional()
}

pub fn count_wrong(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("UPDATE account_codes SET wrong = wrong + 1 WHERE id = :id", named_params! {":id": id})?;
    Ok(())
}

/// Uses up every code of an address (one sign-in ends them all); returns how many were live.
pub fn use_codes(conn: &Connection, email: &str, now: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE account_codes SET used_at = :now WHERE email = :e AND used_at IS NULL",
        named_params! {":e": email, ":now": now},
    )
}

/// The address a live link stands for.
pub fn link_email(conn: &Connection, link_hash: &[u8], now: &str) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT email FROM account_codes WHERE link_hash = :h AND used_at IS NULL AND expires_at > :now",
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
    .query_row(named_params! {":h": hash, ":now": now}, |r| {
        Ok(Account { id: r.get(0)?, email: r.get(1)?, phone: r.get(2)? })
    })
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
         WHERE (o.customer_email = :e COLLATE NOCASE OR (:p != '' AND o.customer_phone = :p))
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
           AND (customer_email = :e COLLATE NOCASE OR (:p != '' AND customer_phone = :p))",
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

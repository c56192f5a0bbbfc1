//! Failed sign-in counters per account and per client address.

use rusqlite::{Connection, OptionalExtension, named_params};

#[derive(Debug, Clone, PartialEq)]
pub struct Counter {
    pub failures: u32,
    pub last_failure_at: String,
    pub locked_until: Option<String>,
}

/// The counter for a key; `None` when it has no recent failures.
pub fn get(conn: &Connection, key: &str) -> rusqlite::Result<Option<Counter>> {
    conn.query_row(
        "SELECT failures, last_failure_at, locked_until FROM login_throttle WHERE key = :key",
        named_params! {":key": key},
        |r| Ok(Counter { failures: r.get(0)?, last_failure_at: r.get(1)?, locked_until: r.get(2)? }),
    )
    .optional()
}

pub fn put(conn: &Connection, key: &str, c: &Counter) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO login_throttle (key, failures, last_failure_at, locked_until) VALUES (:key, :f, :at, :until)
         ON CONFLICT (key) DO UPDATE SET failures = :f, last_failure_at = :at, locked_until = :until",
        named_params! {":key": key, ":f": c.failures, ":at": c.last_failure_at, ":until": c.locked_until},
    )?;
    Ok(())
}

pub fn clear(conn: &Connection, key: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM login_throttle WHERE key = :key", named_params! {":key": key})?;
    Ok(())
}

/// Forgets counters whose last failure is older than `before`.
pub fn purge(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM login_throttle WHERE last_failure_at < :before", named_params! {":before": before})
}

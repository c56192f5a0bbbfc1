//! Admin sessions: opaque random cookies, stored only as hashes.

use rusqlite::{Connection, OptionalExtension, named_params};

use super::users::user_from_row;
use crate::domain::auth::User;

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: i64,
    pub user: User,
    pub created_at: String,
    pub last_seen_at: String,
    /// The owner requires two-factor and this user has not enrolled: only enrolling is open to them.
    pub must_enrol: bool,
}

pub fn insert(
    conn: &Connection,
    token_hash: &[u8],
    user_id: i64,
    now: &str,
    ip: &str,
    user_agent: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, ip, user_agent)
         VALUES (:hash, :user, :now, :now, :ip, :ua)",
        named_params! {":hash": token_hash, ":user": user_id, ":now": now, ":ip": ip, ":ua": user_agent},
    )?;
    Ok(conn.last_insert_rowid())
}

/// The session and its user; `None` when the token is unknown (never issued, logged out or purged).
pub fn find(conn: &Connection, token_hash: &[u8]) -> rusqlite::Result<Option<SessionRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.id AS sid, s.created_at AS s_created, s.last_seen_at, u.id, u.email, u.name, u.role, u.created_at,
           (u.totp_enabled_at IS NULL AND (SELECT require_two_factor FROM admin_security WHERE id = 1) = 1) AS must_enrol
         FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = :hash",
    )?;
    stmt.query_row(named_params! {":hash": token_hash}, |r| {
        Ok(SessionRow {
            id: r.get("sid")?,
            user: user_from_row(r)?,
            created_at: r.get("s_created")?,
            last_seen_at: r.get("last_seen_at")?,
            must_enrol: r.get::<_, Option<bool>>("must_enrol")?.unwrap_or(false),
        })
    })
    .optional()
}

pub fn touch(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE sessions SET last_seen_at = :now WHERE id = :id", named_params! {":now": now, ":id": id})?;
    Ok(())
}

pub fn delete(conn: &Connection, id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM sessions WHERE id = :id", named_params! {":id": id})?;
    Ok(())
}

/// Ends the session with this token hash, if there is one.
pub fn delete_by_hash(conn: &Connection, token_hash: &[u8]) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM sessions WHERE token_hash = :hash", named_params! {":hash": token_hash})?;
    Ok(())
}

/// Ends every session of a user; returns how many there were.
pub fn delete_for_user(conn: &Connection, user_id: i64) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM sessions WHERE user_id = :user", named_params! {":user": user_id})
}

/// Ends every session of a user but `keep`; returns how many ended.
pub fn delete_others(conn: &Connection, user_id: i64, keep: i64) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM sessions WHERE user_id = :user AND id != :keep",
        named_params! {":user": user_id, ":keep": keep},
    )
}

/// How many sessions a user has open.
pub fn count_for_user(conn: &Connection, user_id: i64) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM sessions WHERE user_id = :user", named_params! {":user": user_id}, |r| {
        r.get(0)
    })
}

/// Deletes sessions idle since `idle_before` or created before `created_before`; returns the count.
pub fn purge(conn: &Connection, idle_before: &str, created_before: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM sessions WHERE last_seen_at < :idle OR created_at < :created",
        named_params! {":idle": idle_before, ":created": created_before},
    )
}

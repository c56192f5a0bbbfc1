//! One-time tokens: the first-run setup link and staff invites. Stored only as hashes.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use super::text::Text;
use crate::domain::auth::{OneTimeToken, Role};

fn token_from_row(r: &Row<'_>) -> rusqlite::Result<OneTimeToken> {
    Ok(OneTimeToken {
        id: r.get("id")?,
        purpose: r.get("purpose")?,
        email: r.get("email")?,
        role: r.get::<_, Text<Role>>("role")?.0,
        created_by: r.get("created_by")?,
        created_at: r.get("created_at")?,
        expires_at: r.get("expires_at")?,
    })
}

#[allow(clippy::too_many_arguments)]
pub fn insert(
    conn: &Connection,
    purpose: &str,
    token_hash: &[u8],
    email: &str,
    role: Role,
    created_by: Option<i64>,
    now: &str,
    expires_at: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO one_time_tokens (purpose, token_hash, email, role, created_by, created_at, expires_at)
         VALUES (:purpose, :hash, :email, :role, :by, :now, :exp)",
        named_params! {":purpose": purpose, ":hash": token_hash, ":email": email, ":role": role.as_str(),
        ":by": created_by, ":now": now, ":exp": expires_at},
    )?;
    Ok(conn.last_insert_rowid())
}

/// The unused, unexpired token with this hash and purpose; `None` otherwise.
pub fn find_valid(
    conn: &Connection,
    purpose: &str,
    token_hash: &[u8],
    now: &str,
) -> rusqlite::Result<Option<OneTimeToken>> {
    conn.query_row(
        "SELECT id, purpose, email, role, created_by, created_at, expires_at FROM one_time_tokens
         WHERE purpose = :purpose AND token_hash = :hash AND used_at IS NULL AND expires_at > :now",
        named_params! {":purpose": purpose, ":hash": token_hash, ":now": now},
        token_from_row,
    )
    .optional()
}

/// Marks a token used; false when it was already used (so two racing submissions cannot both win).
pub fn mark_used(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE one_time_tokens SET used_at = :now WHERE id = :id AND used_at IS NULL",
        named_params! {":now": now, ":id": id},
    )?;
    Ok(n == 1)
}

/// Deletes every unused token of a purpose (a new setup link replaces the old one).
pub fn delete_unused(conn: &Connection, purpose: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "DELETE FROM one_time_tokens WHERE purpose = :purpose AND used_at IS NULL",
        named_params! {":purpose": purpose},
    )
}

/// Invites that can still be accepted, newest first.
pub fn open_invites(conn: &Connection, now: &str) -> rusqlite::Result<Vec<OneTimeToken>> {
    let mut stmt = conn.prepare(
        "SELECT id, purpose, email, role, created_by, created_at, expires_at FROM one_time_tokens
         WHERE purpose = 'invite' AND used_at IS NULL AND expires_at > :now ORDER BY created_at DESC",
    )?;
    let rows = stmt.query_map(named_params! {":now": now}, token_from_row)?;
    rows.collect()
}

/// Revokes an unused invite; false when there was none with that id.
pub fn revoke_invite(conn: &Connection, id: i64) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "DELETE FROM one_time_tokens WHERE id = :id AND purpose = 'invite' AND used_at IS NULL RETURNING email",
        named_params! {":id": id},
        |r| r.get(0),
    )
    .optional()
}

/// Deletes tokens that expired before `before`; returns the count.
pub fn purge(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM one_time_tokens WHERE expires_at < :before", named_params! {":before": before})
}

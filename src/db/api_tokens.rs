//! API tokens (stored only as hashes) and the answers to the admin API's idempotent write calls.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use super::text::Text;
use crate::domain::api_tokens::{ApiToken, Scope};
use crate::domain::auth::{Role, User};

const COLUMNS: &str =
    "t.id, t.name, t.scope, t.hint, t.user_id, u.email, u.name AS user_name, u.role, u.created_at AS user_created_at,
     t.created_at, t.created_by, t.last_used_at, t.revoked_at";

fn token_row(r: &Row<'_>) -> rusqlite::Result<ApiToken> {
    Ok(ApiToken {
        id: r.get("id")?,
        name: r.get("name")?,
        scope: r.get::<_, Text<Scope>>("scope")?.0,
        hint: r.get("hint")?,
        user_id: r.get("user_id")?,
        user_email: r.get("email")?,
        role: r.get::<_, Text<Role>>("role")?.0,
        created_at: r.get("created_at")?,
        created_by: r.get("created_by")?,
        last_used_at: r.get("last_used_at")?,
        revoked_at: r.get("revoked_at")?,
    })
}

#[allow(clippy::too_many_arguments)]
pub fn insert(
    conn: &Connection,
    name: &str,
    user_id: i64,
    scope: Scope,
    hash: &[u8],
    hint: &str,
    created_by: &str,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO api_tokens (name, user_id, scope, token_hash, hint, created_at, created_by)
         VALUES (:name, :user, :scope, :hash, :hint, :now, :by)",
        named_params! {":name": name, ":user": user_id, ":scope": scope.as_str(), ":hash": hash, ":hint": hint,
        ":now": now, ":by": created_by},
    )?;
    Ok(conn.last_insert_rowid())
}

/// Every token, the working ones first, newest first.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<ApiToken>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
         ORDER BY t.revoked_at IS NOT NULL, t.id DESC"
    ))?
    .query_map([], token_row)?
    .collect()
}

pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<ApiToken>> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = :id"),
        named_params! {":id": id},
        token_row,
    )
    .optional()
}

/// The working token with this hash and the account it acts as; `None` for an unknown or revoked
/// token (the caller cannot tell which).
pub fn active(conn: &Connection, hash: &[u8]) -> rusqlite::Result<Option<(ApiToken, User)>> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM api_tokens t JOIN users u ON u.id = t.user_id
         WHERE t.token_hash = :hash AND t.revoked_at IS NULL"
    ))?
    .query_row(named_params! {":hash": hash}, |r| {
        let token = token_row(r)?;
        let user = User {
            id: token.user_id,
            email: token.user_email.clone(),
            name: r.get("user_name")?,
            role: token.role,
            created_at: r.get("user_created_at")?,
        };
        Ok((token, user))
    })
    .optional()
}

/// Notes a token's use. The caller writes at most about once a minute per token.
pub fn touch(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<()> {
    conn.execute("UPDATE api_tokens SET last_used_at = :now WHERE id = :id", named_params! {":now": now, ":id": id})?;
    Ok(())
}

/// Turns a token off; false when it was already off or does not exist.
pub fn revoke(conn: &Connection, id: i64, now: &str) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE api_tokens SET revoked_at = :now WHERE id = :id AND revoked_at IS NULL",
        named_params! {":now": now, ":id": id},
    )? == 1)
}

/// A stored answer: (hash of the request it answered, status, body).
pub fn reply(conn: &Connection, token_id: i64, key: &str) -> rusqlite::Result<Option<(Vec<u8>, u16, String)>> {
    conn.prepare_cached("SELECT request_hash, status, body FROM api_replies WHERE token_id = :t AND key = :k")?
        .query_row(named_params! {":t": token_id, ":k": key}, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
}

pub fn insert_reply(
    conn: &Connection,
    token_id: i64,
    key: &str,
    request_hash: &[u8],
    status: u16,
    body: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO api_replies (token_id, key, request_hash, status, body, created_at)
         VALUES (:t, :k, :h, :s, :b, :now)",
    )?
    .execute(named_params! {":t": token_id, ":k": key, ":h": request_hash, ":s": status, ":b": body, ":now": now})?;
    Ok(())
}

//! Admin accounts.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use super::text::Text;
use crate::domain::auth::{Role, User};

pub(crate) fn user_from_row(r: &Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get("id")?,
        email: r.get("email")?,
        name: r.get("name")?,
        role: r.get::<_, Text<Role>>("role")?.0,
        created_at: r.get("created_at")?,
    })
}

/// The account and its password hash; `None` when no account has this email (case-insensitive).
pub fn by_email(conn: &Connection, email: &str) -> rusqlite::Result<Option<(User, String)>> {
    conn.query_row(
        "SELECT id, email, name, role, created_at, password_hash FROM users WHERE email = :email",
        named_params! {":email": email},
        |r| Ok((user_from_row(r)?, r.get("password_hash")?)),
    )
    .optional()
}

/// The account; `None` when it was removed.
pub fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<User>> {
    conn.query_row(
        "SELECT id, email, name, role, created_at FROM users WHERE id = :id",
        named_params! {":id": id},
        user_from_row,
    )
    .optional()
}

/// Every account, owners first.
pub fn list(conn: &Connection) -> rusqlite::Result<Vec<User>> {
    let mut stmt =
        conn.prepare("SELECT id, email, name, role, created_at FROM users ORDER BY role = 'staff', email")?;
    let rows = stmt.query_map([], user_from_row)?;
    rows.collect()
}

/// Whether any owner account exists (no owner means first-run setup is open).
pub fn owner_exists(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'owner')", [], |r| r.get(0))
}

/// The owners' email addresses (where order notices go when the shop has no contact email).
pub fn owner_emails(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare_cached("SELECT email FROM users WHERE role = 'owner' ORDER BY id")?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

pub fn count_owners(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("SELECT count(*) FROM users WHERE role = 'owner'", [], |r| r.get(0))
}

/// Creates an account; fails with a constraint error when the email is taken.
pub fn insert(conn: &Connection, email: &str, name: &str, role: Role, hash: &str, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO users (email, name, role, password_hash, created_at, password_changed_at)
         VALUES (:email, :name, :role, :hash, :now, :now)",
        named_params! {":email": email, ":name": name, ":role": role.as_str(), ":hash": hash, ":now": now},
    )?;
    Ok(conn.last_insert_rowid())
}

/// Replaces the password hash; returns false when no such account exists.
pub fn set_password(conn: &Connection, id: i64, hash: &str, now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE users SET password_hash = :hash, password_changed_at = :now WHERE id = :id",
        named_params! {":hash": hash, ":now": now, ":id": id},
    )?;
    Ok(n == 1)
}

/// Removes an account (its sessions go with it); returns false when it did not exist.
pub fn delete(conn: &Connection, id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute("DELETE FROM users WHERE id = :id", named_params! {":id": id})? == 1)
}

/// True when the error is the UNIQUE constraint on the email.
pub fn is_duplicate(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _) if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE)
}

//! Admin two-factor: each user's TOTP secret (pending while enrolling), the last step accepted,
//! recovery codes (hashes), sign-in challenges waiting for a code, and the owner's requirement.

use rusqlite::{Connection, OptionalExtension, named_params};

use crate::domain::auth::User;

/// A user's two-factor state (its `Debug` leaves the secrets out).
#[derive(Clone, Default)]
pub struct State {
    pub secret: Option<Vec<u8>>,
    pub pending: Option<Vec<u8>>,
    pub enabled_at: Option<String>,
    pub last_step: u64,
    /// Recovery codes not used yet.
    pub recovery_left: i64,
}

impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("enabled_at", &self.enabled_at)
            .field("pending", &self.pending.is_some())
            .field("recovery_left", &self.recovery_left)
            .finish_non_exhaustive()
    }
}

pub fn state(conn: &Connection, user_id: i64) -> rusqlite::Result<State> {
    conn.query_row(
        "SELECT totp_secret, totp_pending, totp_enabled_at, totp_last_step,
           (SELECT count(*) FROM recovery_codes WHERE user_id = :u AND used_at IS NULL)
         FROM users WHERE id = :u",
        named_params! {":u": user_id},
        |r| {
            Ok(State {
                secret: r.get(0)?,
                pending: r.get(1)?,
                enabled_at: r.get(2)?,
                last_step: r.get::<_, i64>(3)?.max(0) as u64,
                recovery_left: r.get(4)?,
            })
        },
    )
}

pub fn set_pending(conn: &Connection, user_id: i64, secret: &[u8]) -> rusqlite::Result<()> {
    conn.execute("UPDATE users SET totp_pending = :s WHERE id = :u", named_params! {":s": secret, ":u": user_id})?;
    Ok(())
}

/// Turns the pending secret on, with the step of the code that confirmed it.
pub fn enable(conn: &Connection, user_id: i64, step: u64, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_enabled_at = :now,
           totp_last_step = :step WHERE id = :u AND totp_pending IS NOT NULL",
        named_params! {":u": user_id, ":step": step as i64, ":now": now},
    )?;
    Ok(())
}

/// Turns two-factor off for a user and forgets their recovery codes; returns whether it was on.
pub fn disable(conn: &Connection, user_id: i64) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_enabled_at = NULL, totp_last_step = 0
         WHERE id = :u AND totp_enabled_at IS NOT NULL",
        named_params! {":u": user_id},
    )?;
    conn.execute("DELETE FROM recovery_codes WHERE user_id = :u", named_params! {":u": user_id})?;
    conn.execute("DELETE FROM login_challenges WHERE user_id = :u", named_params! {":u": user_id})?;
    Ok(n == 1)
}

/// Records that a code of `step` was used; false when that step (or a later one) was used already,
/// so a code seen over a shoulder cannot be used again.
pub fn use_step(conn: &Connection, user_id: i64, step: u64) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE users SET totp_last_step = :step WHERE id = :u AND totp_last_step < :step",
        named_params! {":u": user_id, ":step": step as i64},
    )?;
    Ok(n == 1)
}

/// Replaces a user's recovery codes with these hashes.
pub fn replace_recovery(conn: &Connection, user_id: i64, hashes: &[Vec<u8>], now: &str) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM recovery_codes WHERE user_id = :u", named_params! {":u": user_id})?;
    for h in hashes {
        conn.execute(
            "INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (:u, :h, :now)",
            named_params! {":u": user_id, ":h": h, ":now": now},
        )?;
    }
    Ok(())
}

/// Uses up a recovery code of the user; false when it is not one of theirs or was used.
pub fn use_recovery(conn: &Connection, user_id: i64, hash: &[u8], now: &str) -> rusqlite::Result<bool> {
    let n = conn.execute(
        "UPDATE recovery_codes SET used_at = :now WHERE user_id = :u AND code_hash = :h AND used_at IS NULL",
        named_params! {":u": user_id, ":h": hash, ":now": now},
    )?;
    Ok(n == 1)
}

pub fn insert_challenge(
    conn: &Connection,
    hash: &[u8],
    user_id: i64,
    next: &str,
    now: &str,
    expires: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO login_challenges (token_hash, user_id, next, created_at, expires_at) VALUES (:h, :u, :n, :now, :x)",
        named_params! {":h": hash, ":u": user_id, ":n": next, ":now": now, ":x": expires},
    )?;
    Ok(())
}

/// The user a live challenge waits for, and where they were going; `None` when it expired or is unknown.
pub fn challenge(conn: &Connection, hash: &[u8], now: &str) -> rusqlite::Result<Option<(User, String)>> {
    let found: Option<(i64, String)> = conn
        .query_row(
            "SELECT user_id, next FROM login_challenges WHERE token_hash = :h AND expires_at > :now",
            named_params! {":h": hash, ":now": now},
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((user_id, next)) = found else { return Ok(None) };
    Ok(super::users::by_id(conn, user_id)?.map(|u| (u, next)))
}

pub fn end_challenge(conn: &Connection, hash: &[u8]) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM login_challenges WHERE token_hash = :h", named_params! {":h": hash})?;
    Ok(())
}

/// Ends every challenge of a user (one was answered; the others must not stay usable).
pub fn end_challenges_of(conn: &Connection, user_id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM login_challenges WHERE user_id = :u", named_params! {":u": user_id})?;
    Ok(())
}

/// Forgets challenges that expired before `now`.
pub fn purge(conn: &Connection, now: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM login_challenges WHERE expires_at <= :now", named_params! {":now": now})
}

pub fn required(conn: &Connection) -> rusqlite::Result<bool> {
    conn.query_row("SELECT require_two_factor FROM admin_security WHERE id = 1", [], |r| r.get(0))
}

pub fn set_required(conn: &Connection, on: bool) -> rusqlite::Result<()> {
    conn.execute("UPDATE admin_security SET require_two_factor = :on WHERE id = 1", named_params! {":on": on})?;
    Ok(())
}

/// The admin users who have two-factor on.
pub fn enabled_users(conn: &Connection) -> rusqlite::Result<Vec<i64>> {
    conn.prepare("SELECT id FROM users WHERE totp_enabled_at IS NOT NULL ORDER BY id")?
        .query_map([], |r| r.get(0))?
        .collect()
}

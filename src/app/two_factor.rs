//! Admin two-factor (issue 14): enrolling an authenticator app (a secret shown as a QR code,
//! confirmed by a code), ten single-use recovery codes shown once, the sign-in step after the
//! password (an app code or a recovery code, counted by the sign-in throttle like a wrong
//! password), turning it off, the owner's rule that everyone must have it, and the CLI's reset for
//! a lost phone. Everything is in the audit log; secrets and codes never are.

use chrono::{DateTime, Duration, Utc};
use rusqlite::Connection;

use super::accounts::{count_failure, login_locked_for, record_login};
use crate::app::Actor;
use crate::config::Config;
use crate::db::{self, two_factor as stored, users};
use crate::domain::auth::User;
use crate::domain::tokens::{hash_token, new_token};
use crate::domain::two_factor::{
    CHALLENGE_MINUTES, RECOVERY_CODES, looks_like_app_code, new_recovery_code, new_secret, otpauth_uri, recovery_hash,
    secret_text, verify,
};
use crate::error::AppError;

pub use crate::db::two_factor::State;

fn unix(now: DateTime<Utc>) -> u64 {
    now.timestamp().max(0) as u64
}

/// What the enrolment page shows: the secret as text and as the `otpauth://` address for the QR code.
#[derive(Clone)]
pub struct Enrolment {
    pub secret_text: String,
    pub uri: String,
}

/// A user's two-factor state, and (when it is off) the secret to enrol with: the same one until
/// it is confirmed, so reloading the page does not invalidate a scanned code.
pub fn enrolment(tx: &Connection, user: &User, issuer: &str) -> Result<(State, Option<Enrolment>), AppError> {
    let mut state = stored::state(tx, user.id)?;
    if state.enabled_at.is_some() {
        return Ok((state, None));
    }
    let secret = match state.pending.clone() {
        Some(s) => s,
        None => {
            let s = new_secret();
            stored::set_pending(tx, user.id, &s)?;
            state.pending = Some(s.clone());
            s
        }
    };
    Ok((state, Some(Enrolment { secret_text: secret_text(&secret), uri: otpauth_uri(issuer, &user.email, &secret) })))
}

/// New recovery codes for a user (the old ones stop working); returns them, to show once.
fn new_recovery_codes(tx: &Connection, user_id: i64, now: DateTime<Utc>) -> Result<Vec<String>, AppError> {
    let codes: Vec<String> = (0..RECOVERY_CODES).map(|_| new_recovery_code()).collect();
    let hashes: Vec<Vec<u8>> = codes.iter().map(|c| recovery_hash(c)).collect();
    stored::replace_recovery(tx, user_id, &hashes, &db::ts(now))?;
    Ok(codes)
}

/// Confirms enrolment with a code from the app; returns the recovery codes, or why not.
/// Every other session of the user ends (one signed in with the password alone, perhaps not theirs);
/// `session_id` is the one they enrolled from.
pub fn confirm(
    tx: &Connection,
    (user, session_id): (&User, i64),
    code: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Result<Vec<String>, String>, AppError> {
    let state = stored::state(tx, user.id)?;
    if state.enabled_at.is_some() {
        return Ok(Err("Two-factor sign-in is on already.".into()));
    }
    let Some(secret) = state.pending else { return Ok(Err("Scan the code on this page first.".into())) };
    let Some(step) = verify(&secret, code, unix(now), 0) else {
        return Ok(Err(
            "That code is not right. Check the phone's time is set automatically, and type the code now showing."
                .into(),
        ));
    };
    stored::enable(tx, user.id, step, &db::ts(now))?;
    let codes = new_recovery_codes(tx, user.id, now)?;
    let ended = db::sessions::delete_others(tx, user.id, session_id)?;
    actor.record(tx, "user.2fa_on", &user.email, &format!("{ended} other session(s) ended"))?;
    Ok(Ok(codes))
}

/// Someone managing their own two-factor proves it with a current code (or a recovery code): a
/// session alone is not enough. Wrong codes count in the sign-in throttle like at sign-in.
pub struct Proof<'a> {
    pub code: &'a str,
    pub config: &'a Config,
    /// The client's address as the throttle counts it.
    pub limit_key: &'a str,
}

fn proven(
    tx: &Connection,
    user: &User,
    proof: &Proof,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Result<(), String>, AppError> {
    if let Some(wait) = login_locked_for(tx, &user.email, proof.limit_key)? {
        return Ok(Err(format!("Too many wrong codes: try again in {}.", crate::domain::throttle::describe(wait))));
    }
    if second_factor_right(tx, user, proof.code, now)? {
        return Ok(Ok(()));
    }
    count_failure(tx, proof.config, &user.email, proof.limit_key)?;
    actor.record(tx, "user.2fa_code_failed", &user.email, "")?;
    Ok(Err("That code is not right, or was used already.".into()))
}

/// New recovery codes (the old ones stop working), proven with a code; `Ok(Err)` says why not.
pub fn regenerate(
    tx: &Connection,
    user: &User,
    proof: &Proof,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Result<Vec<String>, String>, AppError> {
    if stored::state(tx, user.id)?.enabled_at.is_none() {
        return Ok(Err("Turn two-factor sign-in on first.".into()));
    }
    if let Err(why) = proven(tx, user, proof, actor, now)? {
        return Ok(Err(why));
    }
    let codes = new_recovery_codes(tx, user.id, now)?;
    actor.record(tx, "user.2fa_recovery_codes", &user.email, "")?;
    Ok(Ok(codes))
}

/// Turns two-factor off for oneself, proven with a code; refused while the owner requires it.
pub fn turn_off(
    tx: &Connection,
    user: &User,
    proof: &Proof,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Result<(), String>, AppError> {
    if stored::required(tx)? {
        return Ok(Err("The shop's owner requires two-factor sign-in for everyone.".into()));
    }
    if let Err(why) = proven(tx, user, proof, actor, now)? {
        return Ok(Err(why));
    }
    stored::disable(tx, user.id)?;
    actor.record(tx, "user.2fa_off", &user.email, "")?;
    Ok(Ok(()))
}

/// Checks an app code (each step once) or a recovery code (each once), using it up when right.
fn second_factor_right(tx: &Connection, user: &User, typed: &str, now: DateTime<Utc>) -> Result<bool, AppError> {
    let state = stored::state(tx, user.id)?;
    let Some(secret) = state.secret else { return Ok(false) };
    if looks_like_app_code(typed) {
        return Ok(match verify(&secret, typed, unix(now), state.last_step) {
            Some(step) => stored::use_step(tx, user.id, step)?,
            None => false,
        });
    }
    Ok(stored::use_recovery(tx, user.id, &recovery_hash(typed), &db::ts(now))?)
}

/// Whether the user must give a second factor after the password.
pub fn has_two_factor(tx: &Connection, user_id: i64) -> Result<bool, AppError> {
    Ok(stored::state(tx, user_id)?.enabled_at.is_some())
}

/// A password proven right for a user with two-factor: a challenge (its token for the cookie)
/// that waits [`CHALLENGE_MINUTES`] for the code.
pub fn challenge(tx: &Connection, user: &User, next: &str, now: DateTime<Utc>) -> Result<String, AppError> {
    stored::purge(tx, &db::ts(now))?;
    let (token, hash) = new_token();
    let expires = db::ts(now + Duration::minutes(CHALLENGE_MINUTES));
    stored::insert_challenge(tx, &hash, user.id, next, &db::ts(now), &expires)?;
    Ok(token)
}

/// How the second step went.
#[derive(Debug)]
pub enum Second {
    /// Signed in: the session's token and where to go.
    SignedIn { session: String, next: String },
    /// The challenge expired or is unknown: sign in again.
    Expired,
    /// Paused by the throttle for this long.
    Locked(chrono::Duration),
    /// A wrong or used code; `locked`: the pause it caused.
    Wrong { locked: Option<chrono::Duration> },
}

/// The second step of signing in: the code from the app or a recovery code, against the
/// challenge. Wrong codes count in the sign-in throttle, per account and per address.
pub fn answer(
    tx: &Connection,
    config: &Config,
    token: &str,
    code: &str,
    (ip, limit_key, user_agent): (&str, &str, &str),
    now: DateTime<Utc>,
) -> Result<Second, AppError> {
    let hash = hash_token(token);
    let Some((user, next)) = stored::challenge(tx, &hash, &db::ts(now))? else { return Ok(Second::Expired) };
    if let Some(wait) = login_locked_for(tx, &user.email, limit_key)? {
        return Ok(Second::Locked(wait));
    }
    if !second_factor_right(tx, &user, code, now)? {
        let locked = count_failure(tx, config, &user.email, limit_key)?;
        Actor::anonymous(ip).record(tx, "login.2fa_failed", &user.email, "")?;
        if locked.is_some() {
            stored::end_challenge(tx, &hash)?;
        }
        return Ok(Second::Wrong { locked });
    }
    stored::end_challenges_of(tx, user.id)?;
    let session = record_login(tx, &user, (ip, limit_key), user_agent)?;
    Ok(Second::SignedIn { session, next })
}

/// The owner's rule: every admin user signs in with two-factor (those without it enrol first).
pub fn set_required(tx: &Connection, on: bool, actor: &Actor) -> Result<(), AppError> {
    stored::set_required(tx, on)?;
    actor.record(tx, "settings.require_2fa", "", if on { "on" } else { "off" })?;
    Ok(())
}

/// `souk admin reset-2fa`: a lost phone. Two-factor is turned off for the account (its recovery
/// codes go too, and every session ends); they sign in with the password and enrol again.
/// `false`: no such account.
pub fn reset(tx: &Connection, email: &str, actor: &Actor) -> Result<bool, AppError> {
    let Some((user, _)) = users::by_email(tx, email.trim())? else { return Ok(false) };
    let was_on = stored::disable(tx, user.id)?;
    // A lost phone may be a stolen one, signed in: every session ends.
    let ended = db::sessions::delete_for_user(tx, user.id)?;
    let said = format!("{}; {ended} session(s) ended", if was_on { "was on" } else { "was off" });
    actor.record(tx, "user.2fa_reset", &user.email, &said)?;
    Ok(true)
}

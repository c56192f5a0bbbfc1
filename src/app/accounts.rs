//! Account use cases shared by the admin and the CLI: setup, sign-in, sessions, invites, removal.
//! Each runs inside the caller's transaction and appends to the audit log there.

use chrono::{Duration, Utc};
use rusqlite::Connection;

use super::Actor;
use crate::config::Config;
use crate::db::{self, outbox, sessions, settings, throttle, tokens, users};
use crate::domain::auth::{self, OneTimeToken, Role, User};
use crate::domain::throttle as policy;
use crate::domain::tokens::{hash_token, new_token};
use crate::domain::{FieldErrors, valid_email};
use crate::error::AppError;

/// The setup link is valid this long.
pub const SETUP_HOURS: i64 = 1;

/// When no owner exists, replaces any unused setup token with a new one and returns it.
pub fn issue_setup_token(conn: &Connection) -> rusqlite::Result<Option<String>> {
    if users::owner_exists(conn)? {
        return Ok(None);
    }
    tokens::delete_unused(conn, "setup")?;
    let (token, hash) = new_token();
    let expires = db::ts(Utc::now() + Duration::hours(SETUP_HOURS));
    tokens::insert(conn, "setup", &hash, "", Role::Owner, None, &db::now(), &expires)?;
    Ok(Some(token))
}

/// A filled-in account form, password already checked and hashed outside the write lock.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub email: String,
    pub password_hash: String,
}

/// Why a one-time link did not work, or the form to show again.
#[derive(Debug)]
pub enum LinkError {
    /// Wrong, used or expired: the page says the same for every case.
    Invalid,
    Form(FieldErrors),
}

fn email_taken(email: &str) -> FieldErrors {
    let mut errors = FieldErrors::new();
    errors.insert("email", format!("{email} already has an account."));
    errors
}

/// Creates the owner from a valid setup token and signs them in; returns the user and a session token.
/// Database errors come back as `Err` so the caller's transaction rolls back and the token stays usable.
pub fn complete_setup(
    conn: &Connection,
    token: &str,
    shop_name: &str,
    account: &NewAccount,
    ip: &str,
    user_agent: &str,
) -> Result<Result<(User, String), LinkError>, AppError> {
    let Some(t) = tokens::find_valid(conn, "setup", &hash_token(token), &db::now())? else {
        return Ok(Err(LinkError::Invalid));
    };
    if users::owner_exists(conn)? {
        return Ok(Err(LinkError::Invalid));
    }
    if users::by_email(conn, &account.email)?.is_some() {
        return Ok(Err(LinkError::Form(email_taken(&account.email))));
    }
    if !tokens::mark_used(conn, t.id, &db::now())? {
        return Ok(Err(LinkError::Invalid));
    }
    let user = create_user(conn, &account.email, &account.name, Role::Owner, &account.password_hash)?;
    let mut shop = settings::get(conn)?;
    shop.name = shop_name.trim().to_string();
    settings::update(conn, &shop, &db::now())?;
    Actor::user(&user, ip).record(conn, "setup", &user.email, &format!("shop name: {}", shop.name))?;
    let session = create_session(conn, user.id, ip, user_agent)?;
    Ok(Ok((user, session)))
}

/// Creates an account; a taken email comes back as a field error.
pub fn create_user(conn: &Connection, email: &str, name: &str, role: Role, hash: &str) -> rusqlite::Result<User> {
    let id = users::insert(conn, email.trim(), name.trim(), role, hash, &db::now())?;
    users::by_id(conn, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)
}

/// Starts a session; returns the cookie value (shown once, stored hashed).
pub fn create_session(conn: &Connection, user_id: i64, ip: &str, user_agent: &str) -> rusqlite::Result<String> {
    let (token, hash) = new_token();
    let ua: String = user_agent.chars().take(200).collect();
    sessions::insert(conn, &hash, user_id, &db::now(), ip, &ua)?;
    Ok(token)
}

/// How long sign-in stays locked for this email and address; `None` when they may try.
pub(crate) fn login_locked_for(conn: &Connection, email: &str, ip: &str) -> rusqlite::Result<Option<Duration>> {
    let now = Utc::now();
    let mut longest: Option<Duration> = None;
    for key in throttle_keys(email, ip) {
        let state = throttle::get(conn, &key)?.map(to_state);
        if let Some(d) = policy::locked_for(state.as_ref(), now) {
            longest = Some(longest.map_or(d, |l| l.max(d)));
        }
    }
    Ok(longest)
}

/// The first step of a sign-in, taken in one write so that parallel guesses cannot slip past the lock.
#[derive(Debug)]
pub enum LoginStart {
    /// Signing in is paused for this account or address this long; nothing was checked.
    Locked(Duration),
    /// Counted as a failure until the password is proven right; `lock_if_wrong` is the pause a
    /// wrong password now causes.
    Proceed { account: Option<(User, String)>, lock_if_wrong: Option<Duration> },
}

/// Checks the pause and counts this attempt as a failure in advance ([`record_login`] clears it).
pub fn begin_login(conn: &Connection, config: &Config, email: &str, ip: &str) -> rusqlite::Result<LoginStart> {
    if let Some(wait) = login_locked_for(conn, email, ip)? {
        return Ok(LoginStart::Locked(wait));
    }
    let lock_if_wrong = count_failure(conn, config, email, ip)?;
    Ok(LoginStart::Proceed { account: users::by_email(conn, email.trim())?, lock_if_wrong })
}

fn throttle_keys(email: &str, ip: &str) -> [String; 2] {
    [format!("account:{}", email.trim().to_lowercase()), format!("ip:{ip}")]
}

fn to_state(c: throttle::Counter) -> policy::State {
    policy::State {
        failures: c.failures,
        last_failure_at: db::parse_ts(&c.last_failure_at).unwrap_or_else(Utc::now),
        locked_until: c.locked_until.as_deref().and_then(db::parse_ts),
    }
}

/// Adds one failure for the email and the address; returns the pause it causes, if any.
pub(crate) fn count_failure(
    conn: &Connection,
    config: &Config,
    email: &str,
    ip: &str,
) -> rusqlite::Result<Option<Duration>> {
    let now = Utc::now();
    let max_lock = Duration::minutes(config.security.login_lock_minutes);
    let mut lock = None;
    for key in throttle_keys(email, ip) {
        let prev = throttle::get(conn, &key)?.map(to_state);
        let next = policy::after_failure(prev.as_ref(), now, config.security.login_max_failures, max_lock);
        if let Some(d) = policy::locked_for(Some(&next), now) {
            lock = Some(lock.map_or(d, |l: Duration| l.max(d)));
        }
        let counter = throttle::Counter {
            failures: next.failures,
            last_failure_at: db::ts(next.last_failure_at),
            locked_until: next.locked_until.map(db::ts),
        };
        throttle::put(conn, &key, &counter)?;
    }
    Ok(lock)
}

/// Records a wrong password (already counted by [`begin_login`]) in the audit log.
pub fn record_login_failure(conn: &Connection, email: &str, ip: &str) -> rusqlite::Result<()> {
    Actor::anonymous(ip).record(conn, "login.failed", email.trim(), "")
}

/// Records a successful sign-in: clears the counters, starts a session, writes the audit log.
/// `limit_key` is what failures were counted under (the client's address, or its IPv6 /64).
pub fn record_login(
    conn: &Connection,
    user: &User,
    (ip, limit_key): (&str, &str),
    user_agent: &str,
) -> rusqlite::Result<String> {
    for key in throttle_keys(&user.email, limit_key) {
        throttle::clear(conn, &key)?;
    }
    Actor::user(user, ip).record(conn, "login", &user.email, "")?;
    create_session(conn, user.id, ip, user_agent)
}

/// Creates a staff or owner invite for `email`; returns the token for the link, or the form's errors.
pub fn invite(
    conn: &Connection,
    actor: &Actor,
    email: &str,
    role: Role,
    hours: i64,
) -> Result<Result<String, FieldErrors>, AppError> {
    let email = email.trim();
    if !valid_email(email) {
        let mut errors = FieldErrors::new();
        errors.insert("email", "Enter an email address like name@example.com.".into());
        return Ok(Err(errors));
    }
    if users::by_email(conn, email)?.is_some() {
        return Ok(Err(email_taken(email)));
    }
    let (token, hash) = new_token();
    let expires = db::ts(Utc::now() + Duration::hours(hours));
    tokens::insert(conn, "invite", &hash, email, role, actor.user_id, &db::now(), &expires)?;
    actor.record(conn, "user.invite", email, role.as_str())?;
    Ok(Ok(token))
}

/// The invite behind a token, if it can still be accepted.
pub fn find_invite(conn: &Connection, token: &str) -> rusqlite::Result<Option<OneTimeToken>> {
    tokens::find_valid(conn, "invite", &hash_token(token), &db::now())
}

/// Accepts an invite: creates the account with the invited email and role, and signs it in.
pub fn accept_invite(
    conn: &Connection,
    token: &str,
    name: &str,
    password_hash: &str,
    ip: &str,
    user_agent: &str,
) -> Result<(User, String), AppError> {
    let Some(t) = find_invite(conn, token)? else {
        return Err(AppError::NotFound);
    };
    if !tokens::mark_used(conn, t.id, &db::now())? {
        return Err(AppError::NotFound);
    }
    let role = t.role;
    let user = match create_user(conn, &t.email, name, role, password_hash) {
        Err(e) if users::is_duplicate(&e) => return Err(AppError::NotFound),
        other => other?,
    };
    Actor::user(&user, ip).record(conn, "user.join", &user.email, role.as_str())?;
    outbox::withdraw(conn, "invite", &user.email, "the invitation was already accepted")?;
    let session = create_session(conn, user.id, ip, user_agent)?;
    Ok((user, session))
}

/// Removes an account and its sessions. The last owner and oneself cannot be removed.
pub fn remove_user(conn: &Connection, actor: &Actor, user_id: i64) -> Result<User, AppError> {
    let user = users::by_id(conn, user_id)?.ok_or(AppError::NotFound)?;
    if actor.user_id == Some(user.id) {
        return Err(AppError::Conflict("You cannot remove your own account.".into()));
    }
    if user.role == Role::Owner && users::count_owners(conn)? <= 1 {
        return Err(AppError::Conflict("The last owner cannot be removed.".into()));
    }
    users::delete(conn, user.id)?;
    actor.record(conn, "user.remove", &user.email, user.role.as_str())?;
    Ok(user)
}

/// Sets a new password (already validated and hashed) and ends every session of the account.
pub fn set_password(conn: &Connection, actor: &Actor, email: &str, password_hash: &str) -> Result<User, AppError> {
    let (user, _) = users::by_email(conn, email.trim())?.ok_or(AppError::NotFound)?;
    users::set_password(conn, user.id, password_hash, &db::now())?;
    let ended = sessions::delete_for_user(conn, user.id)?;
    for key in throttle_keys(&user.email, "") {
        throttle::clear(conn, &key)?;
    }
    actor.record(conn, "user.password_reset", &user.email, &format!("{ended} sessions ended"))?;
    Ok(user)
}

/// Checks a new password against the rules; the message names what is wrong.
pub fn check_new_password(password: &str, email: &str) -> Result<(), String> {
    auth::password_problem(password, email).map_or(Ok(()), Err)
}

//! Account workflows shared by the admin and the CLI: setup, sign-in, sessions, invites, removal.
//! Each runs inside the caller's transaction and appends to the audit log there.

use chrono::{Duration, Utc};
use rusqlite::Connection;

use crate::config::Config;
use crate::db::{self, audit, sessions, settings, throttle, tokens, users};
use crate::domain::auth::{self, Role};
use crate::domain::throttle as policy;
use crate::domain::tokens::{hash_token, new_token};
use crate::domain::{FieldErrors, valid_email};
use crate::error::AppError;

/// Who did something, for the audit log.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub name: String,
    pub ip: String,
}

impl Actor {
    pub fn cli() -> Actor {
        Actor { user_id: None, name: "cli".into(), ip: String::new() }
    }
    pub fn system() -> Actor {
        Actor { user_id: None, name: "system".into(), ip: String::new() }
    }
    pub fn anonymous(ip: &str) -> Actor {
        Actor { user_id: None, name: "anonymous".into(), ip: ip.into() }
    }
    pub fn user(u: &users::User, ip: &str) -> Actor {
        Actor { user_id: Some(u.id), name: u.email.clone(), ip: ip.into() }
    }

    /// Appends one audit entry for this actor.
    pub fn record(&self, conn: &Connection, action: &str, target: &str, detail: &str) -> rusqlite::Result<()> {
        audit::append(
            conn,
            &audit::Entry { user_id: self.user_id, actor: &self.name, action, target, detail, ip: &self.ip },
            &db::now(),
        )
    }
}

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
    tokens::insert(conn, "setup", &hash, "", "owner", None, &db::now(), &expires)?;
    Ok(Some(token))
}

/// A filled-in account form, password already checked and hashed outside the write lock.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub email: String,
    pub password_hash: String,
}

/// Why a one-time link did not work; the page says the same for every case.
#[derive(Debug)]
pub enum LinkError {
    Invalid,
    Form(FieldErrors),
}

/// Creates the owner from a valid setup token and signs them in; returns the user and a session token.
pub fn complete_setup(
    conn: &Connection,
    token: &str,
    shop_name: &str,
    account: &NewAccount,
    ip: &str,
    user_agent: &str,
) -> Result<(users::User, String), LinkError> {
    let run = || -> Result<Result<(users::User, String), LinkError>, rusqlite::Error> {
        let Some(t) = tokens::find_valid(conn, "setup", &hash_token(token), &db::now())? else {
            return Ok(Err(LinkError::Invalid));
        };
        if users::owner_exists(conn)? || !tokens::mark_used(conn, t.id, &db::now())? {
            return Ok(Err(LinkError::Invalid));
        }
        let user = create_user(conn, &account.email, &account.name, Role::Owner, &account.password_hash)?;
        let mut shop = settings::get(conn)?;
        shop.name = shop_name.trim().to_string();
        settings::update(conn, &shop, &db::now())?;
        let actor = Actor::user(&user, ip);
        actor.record(conn, "setup", &user.email, &format!("shop name: {}", shop.name))?;
        let session = create_session(conn, user.id, ip, user_agent)?;
        Ok(Ok((user, session)))
    };
    run().map_err(|e| {
        tracing::error!("setup failed: {e}");
        LinkError::Invalid
    })?
}

/// Creates an account; a taken email comes back as a field error.
pub fn create_user(
    conn: &Connection,
    email: &str,
    name: &str,
    role: Role,
    hash: &str,
) -> rusqlite::Result<users::User> {
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
pub fn login_locked_for(conn: &Connection, email: &str, ip: &str) -> rusqlite::Result<Option<Duration>> {
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

/// Records a failed sign-in for the email and the address; returns the lock it caused, if any.
pub fn record_login_failure(
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
    Actor::anonymous(ip).record(conn, "login.failed", email.trim(), "")?;
    Ok(lock)
}

/// Records a successful sign-in: clears the counters, starts a session, writes the audit log.
pub fn record_login(conn: &Connection, user: &users::User, ip: &str, user_agent: &str) -> rusqlite::Result<String> {
    for key in throttle_keys(&user.email, ip) {
        throttle::clear(conn, &key)?;
    }
    Actor::user(user, ip).record(conn, "login", &user.email, "")?;
    create_session(conn, user.id, ip, user_agent)
}

/// Creates a staff or owner invite for `email`; returns the token for the link.
pub fn invite(conn: &Connection, actor: &Actor, email: &str, role: Role, hours: i64) -> Result<String, FieldErrors> {
    let email = email.trim();
    let mut errors = FieldErrors::new();
    if !valid_email(email) {
        errors.insert("email", "Enter an email address like name@example.com.".into());
        return Err(errors);
    }
    let run = || -> rusqlite::Result<Result<String, FieldErrors>> {
        if users::by_email(conn, email)?.is_some() {
            let mut taken = FieldErrors::new();
            taken.insert("email", format!("{email} already has an account."));
            return Ok(Err(taken));
        }
        let (token, hash) = new_token();
        let expires = db::ts(Utc::now() + Duration::hours(hours));
        tokens::insert(conn, "invite", &hash, email, role.as_str(), actor.user_id, &db::now(), &expires)?;
        actor.record(conn, "user.invite", email, role.as_str())?;
        Ok(Ok(token))
    };
    run().unwrap_or_else(|e| {
        tracing::error!("invite failed: {e}");
        let mut errors = FieldErrors::new();
        errors.insert("email", "The invite could not be saved. Try again.".into());
        Err(errors)
    })
}

/// The invite behind a token, if it can still be accepted.
pub fn find_invite(conn: &Connection, token: &str) -> rusqlite::Result<Option<tokens::OneTimeToken>> {
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
) -> Result<(users::User, String), AppError> {
    let Some(t) = find_invite(conn, token)? else {
        return Err(AppError::NotFound);
    };
    if !tokens::mark_used(conn, t.id, &db::now())? {
        return Err(AppError::NotFound);
    }
    let role = Role::parse(&t.role).unwrap_or(Role::Staff);
    let user = match create_user(conn, &t.email, name, role, password_hash) {
        Err(e) if users::is_duplicate(&e) => return Err(AppError::NotFound),
        other => other?,
    };
    Actor::user(&user, ip).record(conn, "user.join", &user.email, role.as_str())?;
    let session = create_session(conn, user.id, ip, user_agent)?;
    Ok((user, session))
}

/// Removes an account and its sessions. The last owner and oneself cannot be removed.
pub fn remove_user(conn: &Connection, actor: &Actor, user_id: i64) -> Result<users::User, AppError> {
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
pub fn set_password(
    conn: &Connection,
    actor: &Actor,
    email: &str,
    password_hash: &str,
) -> Result<users::User, AppError> {
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

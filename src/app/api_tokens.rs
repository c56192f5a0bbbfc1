//! API tokens: the owner makes one (in the admin or with `souk admin token`), an integration uses
//! it as `Authorization: Bearer …`, the owner turns it off.

use chrono::{DateTime, Utc};
use rusqlite::Connection;

use super::actor::Actor;
use crate::db::{self, api_tokens, users};
use crate::domain::FieldErrors;
use crate::domain::api_tokens::{self as rules, ApiToken};
use crate::domain::auth::User;
use crate::error::AppError;

/// A new token: shown to its maker once, never again.
#[derive(Debug)]
pub struct Created {
    pub id: i64,
    pub token: String,
    pub name: String,
}

/// Why a token was not made.
#[derive(Debug)]
pub enum Refused {
    Invalid(FieldErrors),
    Failed(AppError),
}

impl<E: Into<AppError>> From<E> for Refused {
    fn from(e: E) -> Self {
        Refused::Failed(e.into())
    }
}

/// Makes a token acting as the account with `email`, audited as `actor`'s.
pub fn create(
    tx: &Connection,
    email: &str,
    name: &str,
    scope: &str,
    actor: &Actor,
    now: DateTime<Utc>,
) -> Result<Created, Refused> {
    let mut errors = FieldErrors::new();
    let checked = rules::check(name, scope);
    if let Err(e) = &checked {
        errors.extend(e.clone());
    }
    let user = users::by_email(tx, email.trim())?.map(|(u, _)| u);
    if user.is_none() {
        errors.insert("email", format!("No account has the email {}.", email.trim()));
    }
    let (Ok((name, scope)), Some(user), true) = (checked, user, errors.is_empty()) else {
        return Err(Refused::Invalid(errors));
    };
    let (token, hash, hint) = rules::new_token();
    let id = api_tokens::insert(tx, &name, user.id, scope, &hash, &hint, &actor.name, &db::ts(now))?;
    actor.record(tx, "api_token.create", &name, &format!("{} for {}", scope.as_str(), user.email))?;
    Ok(Created { id, token, name })
}

/// Turns a token off for good; audited. `NotFound` for an unknown token.
pub fn revoke(tx: &Connection, id: i64, actor: &Actor, now: DateTime<Utc>) -> Result<ApiToken, AppError> {
    let token = api_tokens::by_id(tx, id)?.ok_or(AppError::NotFound)?;
    if api_tokens::revoke(tx, id, &db::ts(now))? {
        actor.record(tx, "api_token.revoke", &token.name, &token.user_email)?;
    }
    Ok(token)
}

/// The token presented and the account it acts as, for a well-formed working token; `None`
/// otherwise (unknown, revoked, or its account removed).
pub fn authenticate(conn: &Connection, presented: &str) -> Result<Option<(ApiToken, User)>, AppError> {
    if !rules::well_formed(presented) {
        return Ok(None);
    }
    Ok(api_tokens::active(conn, &crate::domain::tokens::hash_token(presented))?)
}

/// Whether the token's last-used time is older than a minute (so noting a use is worth a write).
pub fn stale(token: &ApiToken, now: DateTime<Utc>) -> bool {
    token.last_used_at.as_deref().and_then(db::parse_ts).is_none_or(|t| now - t >= chrono::Duration::minutes(1))
}

/// API reads waiting to be written to the audit log: one entry per token, address, path and set
/// of parameter names, with how many calls it stands for and when the first and last came.
#[derive(Debug, Default)]
pub struct ReadTally {
    reads: parking_lot::Mutex<std::collections::BTreeMap<ReadKey, (u64, String, String)>>,
}

/// Reads taken from the tally to be written.
#[derive(Debug, Clone, Default)]
pub struct Reads(std::collections::BTreeMap<ReadKey, (u64, String, String)>);

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct ReadKey {
    user_id: Option<i64>,
    actor: String,
    ip: String,
    path: String,
    parameters: String,
}

impl ReadTally {
    /// Counts one read: the path and the names of its query's parameters, not their values
    /// (which may be a customer's phone number).
    pub fn note(&self, actor: &Actor, path: &str, query: &str, now: DateTime<Utc>) {
        let mut names: Vec<&str> =
            query.split('&').filter_map(|p| p.split('=').next()).filter(|n| !n.is_empty()).collect();
        names.sort_unstable();
        names.dedup();
        let key = ReadKey {
            user_id: actor.user_id,
            actor: actor.name.clone(),
            ip: actor.ip.clone(),
            path: path.to_string(),
            parameters: names.join(", "),
        };
        let at = db::ts(now);
        let mut reads = self.reads.lock();
        let entry = reads.entry(key).or_insert_with(|| (0, at.clone(), at.clone()));
        entry.0 += 1;
        entry.2 = at;
    }

    /// Takes what was counted since the last time, to be written with [`ReadTally::write`].
    pub fn take(&self) -> Reads {
        Reads(std::mem::take(&mut *self.reads.lock()))
    }

    /// Counts again reads whose entries could not be written (the write failed), so they go out
    /// with the next ones.
    pub fn restore(&self, failed: Reads) {
        let mut reads = self.reads.lock();
        for (k, (n, first, last)) in failed.0 {
            let entry = reads.entry(k).or_insert_with(|| (0, first.clone(), last.clone()));
            entry.0 += n;
            entry.1 = first.min(entry.1.clone());
            entry.2 = last.max(entry.2.clone());
        }
    }

    /// Writes taken reads as `api.read` entries; returns how many calls they stand for.
    pub fn write(tx: &Connection, reads: &Reads) -> Result<u64, AppError> {
        let mut calls = 0;
        for (k, (n, first, last)) in &reads.0 {
            let actor = Actor { user_id: k.user_id, name: k.actor.clone(), ip: k.ip.clone() };
            let parameters =
                if k.parameters.is_empty() { String::new() } else { format!("; parameters: {}", k.parameters) };
            let when = if first == last { format!("at {first}") } else { format!("from {first} to {last}") };
            actor.record(tx, "api.read", &k.path, &format!("{n} call(s) {when}{parameters}"))?;
            calls += n;
        }
        Ok(calls)
    }

    pub fn is_empty(&self) -> bool {
        self.reads.lock().is_empty()
    }
}

/// Notes that a token was used now.
pub fn touch(tx: &Connection, id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    Ok(api_tokens::touch(tx, id, &db::ts(now))?)
}

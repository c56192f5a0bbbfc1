//! Who does something: a signed-in person, a customer holding an order link, the scheduler, the
//! CLI. Every use case that changes something is told who, for the audit log and order timelines.

use rusqlite::Connection;

use crate::db::{self, audit};
use crate::domain::auth::User;

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
    /// The scheduler's jobs (expiring drafts): named on order timelines, not in the audit log.
    pub fn scheduler() -> Actor {
        Actor { user_id: None, name: "scheduler".into(), ip: String::new() }
    }
    /// A customer acting through their order's link.
    pub fn customer() -> Actor {
        Actor { user_id: None, name: "customer".into(), ip: String::new() }
    }
    pub fn anonymous(ip: &str) -> Actor {
        Actor { user_id: None, name: "anonymous".into(), ip: ip.into() }
    }
    pub fn user(u: &User, ip: &str) -> Actor {
        Actor { user_id: Some(u.id), name: u.email.clone(), ip: ip.into() }
    }
    /// An integration calling the admin API with a token that acts as `u`: audited under the
    /// token's name, so the log tells a person from an automation.
    pub fn api(u: &User, token_name: &str, ip: &str) -> Actor {
        Actor { user_id: Some(u.id), name: format!("API token “{token_name}” ({})", u.email), ip: ip.into() }
    }

    /// A signed-in person (owner or staff), whose every change goes into the audit log.
    pub fn is_person(&self) -> bool {
        self.user_id.is_some()
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

//! The webhook sender: delivers queued events after their transaction commits, signed (see
//! `domain::webhooks`), retrying with backoff until the endpoint answers 2xx or the attempts run
//! out. Deliveries go only to public internet addresses unless `[webhooks] allow_private`: the
//! address is checked when the owner saves it, and every name is resolved and checked again at each
//! delivery by the resolver the HTTP client connects through, so a name cannot be pointed at the
//! shop's own network later. Redirects are not followed.

use std::io;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tokio::sync::watch;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{DefaultConnector, NextTimeout};

use crate::config::WebhooksConfig;
use crate::db::{self, Db, outbox, webhooks as stored};
use crate::domain::webhooks as rules;
use crate::error::AppError;

/// Deliveries sent at once.
const PARALLEL: i64 = 4;

/// Why the resolver refused an address: told apart from other I/O errors, since it is permanent.
#[derive(Debug)]
struct Refused(String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

fn refused_by_resolver(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Refused>())
}

/// Resolves as usual, then refuses a name that leads to a loopback, private or reserved address.
#[derive(Debug)]
struct PublicOnly {
    allow_private: bool,
}

impl Resolver for PublicOnly {
    fn resolve(
        &self,
        uri: &Uri,
        config: &ureq::config::Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let found = DefaultResolver::default().resolve(uri, config, timeout)?;
        if !self.allow_private
            && let Some(bad) = found.iter().find(|a| !rules::is_public(a.ip()))
        {
            return Err(ureq::Error::Io(io::Error::new(
                io::ErrorKind::PermissionDenied,
                Refused(format!(
                    "{} leads to {}, a loopback, private or reserved address",
                    uri.host().unwrap_or(""),
                    bad.ip()
                )),
            )));
        }
        Ok(found)
    }
}

/// The HTTP client deliveries go through.
pub fn agent(cfg: &WebhooksConfig) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(cfg.timeout_secs)))
        .http_status_as_error(false)
        .max_redirects(0)
        .proxy(None)
        .user_agent(concat!("Souk-Webhooks/", env!("CARGO_PKG_VERSION")))
        .build();
    ureq::Agent::with_parts(config, DefaultConnector::new(), PublicOnly { allow_private: cfg.allow_private })
}

/// Runs until `shutdown` turns true: sends due deliveries, then waits until the next is due or a
/// commit queues another.
pub async fn run_sender(db: Db, cfg: WebhooksConfig, mut shutdown: watch::Receiver<bool>) {
    let agent = Arc::new(agent(&cfg));
    let mut changes = db.outbox_changes();
    loop {
        let mut pause = Duration::from_secs(60);
        match send_due(&db, &cfg, &agent, &shutdown).await {
            Ok(Some(next)) => pause = pause.min(next),
            Ok(None) => {}
            Err(e) => tracing::warn!("webhooks: {e}"),
        }
        tokio::select! {
            changed = changes.changed() => if changed.is_err() { break },
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.changed() => break,
        }
    }
}

async fn send_due(
    db: &Db,
    cfg: &WebhooksConfig,
    agent: &Arc<ureq::Agent>,
    shutdown: &watch::Receiver<bool>,
) -> Result<Option<Duration>, AppError> {
    loop {
        let due = db.read(|c| Ok(stored::due(c, &db::now(), PARALLEL)?)).await?;
        if due.is_empty() {
            break;
        }
        if *shutdown.borrow() {
            return Ok(None);
        }
        let sends = due.into_iter().map(|(d, secret)| deliver(db, cfg, agent.clone(), d, secret));
        for outcome in futures_util::future::join_all(sends).await {
            outcome?;
        }
    }
    let next = db.read(|c| Ok(stored::next_due_at(c)?)).await?;
    Ok(next.and_then(|t| db::parse_ts(&t)).map(|t| (t - Utc::now()).to_std().unwrap_or(Duration::ZERO)))
}

/// What an attempt came to: the status the endpoint answered (if it answered) and, unless it was
/// 2xx, why it failed and whether trying again could help.
struct Attempt {
    status: Option<u16>,
    failure: Option<(bool, String)>,
}

fn attempt(agent: &ureq::Agent, cfg: &WebhooksConfig, d: &rules::Delivery, secret: &str) -> Attempt {
    if let Err(e) = rules::check_url(&d.url, cfg.allow_private) {
        return Attempt { status: None, failure: Some((true, e)) };
    }
    let t = Utc::now().timestamp();
    let sent = agent
        .post(&d.url)
        .header("Content-Type", "application/json")
        .header("Souk-Event", &d.event)
        .header("Souk-Event-Id", &d.event_id)
        .header("Souk-Delivery", d.id.to_string())
        .header("Souk-Timestamp", t.to_string())
        .header("Souk-Signature", rules::signature_header(secret, t, d.body.as_bytes()))
        .send(d.body.as_str());
    match sent {
        Ok(res) => {
            let status = res.status().as_u16();
            let failure = match status {
                200..=299 => None,
                300..=399 => {
                    Some((false, format!("answered {status}: redirects are not followed, use the final address")))
                }
                _ => Some((false, format!("answered {status}"))),
            };
            Attempt { status: Some(status), failure }
        }
        Err(ureq::Error::Io(e)) if refused_by_resolver(&e) => {
            Attempt { status: None, failure: Some((true, e.to_string())) }
        }
        Err(e) => Attempt { status: None, failure: Some((false, e.to_string())) },
    }
}

async fn deliver(
    db: &Db,
    cfg: &WebhooksConfig,
    agent: Arc<ureq::Agent>,
    d: rules::Delivery,
    secret: String,
) -> Result<(), AppError> {
    let (id, attempts, endpoint) = (d.id, d.attempts + 1, d.endpoint_id);
    let c = cfg.clone();
    let outcome =
        tokio::task::spawn_blocking(move || attempt(&agent, &c, &d, &secret)).await.map_err(AppError::internal)?;
    let (max, base) = (cfg.max_attempts, cfg.retry_base_secs);
    db.write(move |tx| {
        stored::set_response(tx, id, outcome.status)?;
        match outcome.failure {
            None => outbox::mark_sent(tx, id, attempts, &db::now())?,
            Some((permanent, e)) if permanent || attempts >= max => {
                tracing::warn!(delivery = id, endpoint, "webhook: giving up after {attempts} attempt(s): {e}");
                outbox::mark_failed(tx, id, attempts, &e)?
            }
            Some((_, e)) => {
                let next = Utc::now() + crate::domain::outbox::retry_delay(base, attempts);
                tracing::info!(delivery = id, endpoint, "webhook: attempt {attempts} failed, retrying: {e}");
                outbox::mark_retry(tx, id, attempts, &db::ts(next), &e)?
            }
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name that resolves to this machine is refused by the resolver itself, before any
    /// connection, so an address that passed the check when saved cannot be turned inward later.
    #[test]
    fn the_resolver_refuses_names_that_lead_to_private_addresses() {
        let strict = agent(&WebhooksConfig::default());
        let refused = strict.post("http://localhost:9/hooks").send("{}").unwrap_err();
        match refused {
            ureq::Error::Io(e) => {
                assert!(refused_by_resolver(&e));
                assert!(e.to_string().contains("loopback, private or reserved"), "{e}");
            }
            other => panic!("refused by the resolver, not {other:?}"),
        }
        // Allowed, the same call gets as far as connecting (nothing listens on port 9).
        let lax = agent(&WebhooksConfig { allow_private: true, ..Default::default() });
        let e = lax.post("http://localhost:9/hooks").send("{}").unwrap_err();
        assert!(!matches!(&e, ureq::Error::Io(io) if refused_by_resolver(io)), "{e}");
    }
}

//! The WhatsApp sender: template messages queued in the outbox go to Meta's Cloud API after their
//! transaction commits, each with a new order link made just before it goes; an error answer or a
//! network failure is retried with backoff, then the message is marked failed and the outbox shows
//! it with Meta's words, never dropped. Without the Cloud API switched on, messages wait.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;

use crate::config::WhatsAppConfig;
use crate::db::{self, Db, outbox};
use crate::domain::clock::Clock;
use crate::domain::outbox::{Channel, Message, retry_delay};
use crate::domain::whatsapp_cloud::{CloudSettings, error_line, message_id};
use crate::error::AppError;

/// The HTTP client messages go through (redirects not followed: the API never sends any).
pub fn agent(cfg: &WhatsAppConfig) -> ureq::Agent {
    ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(cfg.timeout_secs)))
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(concat!("Souk/", env!("CARGO_PKG_VERSION")))
        .build()
        .into()
}

/// Where the order links in messages point, and how long they last by default.
#[derive(Debug, Clone)]
pub struct Links {
    pub base: String,
    pub days: i64,
}

/// Runs until `shutdown` turns true: sends due messages, then waits until the next is due or a
/// commit queues another.
pub async fn run_sender(db: Db, cfg: WhatsAppConfig, links: Links, clock: Clock, mut shutdown: watch::Receiver<bool>) {
    let agent = Arc::new(agent(&cfg));
    let mut changes = db.outbox_changes();
    loop {
        let mut pause = Duration::from_secs(60);
        match send_due(&db, &cfg, &links, &clock, &agent, &shutdown).await {
            Ok(Some(next)) => pause = pause.min(next),
            Ok(None) => {}
            Err(e) => tracing::warn!("whatsapp: {e}"),
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
    cfg: &WhatsAppConfig,
    links: &Links,
    clock: &Clock,
    agent: &Arc<ureq::Agent>,
    shutdown: &watch::Receiver<bool>,
) -> Result<Option<Duration>, AppError> {
    let settings = db.read(|c| Ok(db::notify::cloud_settings(c)?)).await?;
    if !settings.is_on() {
        return Ok(None);
    }
    loop {
        let now = db::ts(clock.now());
        let due = db.read(move |c| Ok(outbox::due(c, Channel::WhatsApp, &now, 10)?)).await?;
        if due.is_empty() {
            break;
        }
        for m in due {
            if *shutdown.borrow() {
                return Ok(None);
            }
            deliver(db, cfg, links, clock, agent.clone(), &settings, m).await?;
        }
    }
    let next = db.read(|c| Ok(outbox::next_due_at(c, Channel::WhatsApp)?)).await?;
    let now = clock.now();
    Ok(next.and_then(|t| db::parse_ts(&t)).map(|t| (t - now).to_std().unwrap_or(Duration::ZERO)))
}

/// The queued request with the template's name and language as the owner has them now: after a
/// name that Meta refused is corrected in settings, the outbox's retry sends the right one.
fn current(m: &Message, settings: &CloudSettings) -> String {
    let Ok(mut body) = serde_json::from_str::<serde_json::Value>(&m.text) else { return m.text.clone() };
    if let Some(name) = crate::domain::notify::Notice::parse(&m.kind).and_then(|n| settings.template(n)) {
        body["template"]["name"] = name.into();
        body["template"]["language"]["code"] = settings.language.clone().into();
    }
    body.to_string()
}

/// What an attempt came to: Meta's message id, or why it failed.
type Attempt = Result<String, String>;

fn attempt(agent: &ureq::Agent, url: &str, token: &str, body: &str) -> Attempt {
    let sent = agent
        .post(url)
        .header("Authorization", &format!("Bearer {token}"))
        .header("Content-Type", "application/json")
        .send(body);
    match sent {
        Ok(mut res) => {
            let status = res.status().as_u16();
            let answer = res.body_mut().read_to_string().unwrap_or_default();
            match (status, serde_json::from_str(&answer).ok().as_ref().and_then(message_id)) {
                (200..=299, Some(id)) => Ok(id),
                (200..=299, None) => Err(format!("answered {status} without a message id")),
                _ => Err(error_line(status, &answer)),
            }
        }
        // ureq's errors name the address, never the headers: the token stays out of the outbox.
        Err(e) => Err(e.to_string()),
    }
}

async fn deliver(
    db: &Db,
    cfg: &WhatsAppConfig,
    links: &Links,
    clock: &Clock,
    agent: Arc<ureq::Agent>,
    settings: &CloudSettings,
    m: Message,
) -> Result<(), AppError> {
    let (id, attempts) = (m.id, m.attempts + 1);
    // A sign-in code that can no longer be used is not sent (nor paid for).
    let too_late = crate::db::parse_ts(&m.created_at)
        .is_some_and(|t| clock.now() - t > chrono::Duration::minutes(crate::domain::account::CODE_MINUTES));
    if m.kind == "sign_in_whatsapp" && too_late {
        let why = "the sign-in code expired before it could be sent";
        return db.write(move |tx| Ok(outbox::mark_failed(tx, id, attempts, why)?)).await;
    }
    // The order link is made now, so that no secret waits in the outbox.
    let (order, base, days, now) = (m.order_id.filter(|_| m.order_link), links.base.clone(), links.days, clock.now());
    let link = db
        .write(move |tx| {
            Ok(match order {
                Some(o) => {
                    db::notify::new_order_link(tx, o, days, now)?.map(|(code, t)| format!("{base}/o/{code}?t={t}"))
                }
                None => None,
            })
        })
        .await?;
    let body = current(&m, settings).replace(crate::domain::notify::ORDER_LINK, link.as_deref().unwrap_or(&links.base));
    let url = format!("{}/{}/messages", cfg.api_base.trim_end_matches('/'), settings.phone_number_id);
    let token = settings.access_token.clone();
    let outcome =
        tokio::task::spawn_blocking(move || attempt(&agent, &url, &token, &body)).await.map_err(AppError::internal)?;
    let (max, retry_base, now) = (cfg.max_attempts, cfg.retry_base_secs, clock.now());
    db.write(move |tx| {
        match outcome {
            Ok(wamid) => {
                outbox::mark_sent(tx, id, attempts, &db::ts(now))?;
                outbox::set_service_id(tx, id, &wamid)?;
            }
            Err(e) if attempts >= max => {
                tracing::warn!(message = id, "whatsapp: giving up after {attempts} attempt(s): {e}");
                outbox::mark_failed(tx, id, attempts, &e)?
            }
            Err(e) => {
                tracing::info!(message = id, "whatsapp: attempt {attempts} failed, retrying: {e}");
                outbox::mark_retry(tx, id, attempts, &db::ts(now + retry_delay(retry_base, attempts)), &e)?
            }
        }
        Ok(())
    })
    .await
}

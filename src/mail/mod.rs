//! Mail: the SMTP transport and the outbox sender that delivers after commit, retrying with backoff.

pub mod messages;

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use lettre::message::{Mailbox, MultiPart, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::{Notify, watch};

use crate::config::MailConfig;
use crate::db::{self, Db, outbox};
use crate::domain::outbox::{Message as OutboxMessage, retry_delay};
use crate::domain::shop::ShopSettings;

pub type Transport = AsyncSmtpTransport<Tokio1Executor>;

/// A transport for an `smtp://` (plain or `?tls=required` STARTTLS) or `smtps://` (TLS) URL.
pub fn transport_from_url(url: &str, timeout_secs: u64) -> Result<Transport, lettre::transport::smtp::Error> {
    Ok(Transport::from_url(url)?.timeout(Some(Duration::from_secs(timeout_secs))).build())
}

/// The From address: `[mail] from`, else the shop's contact email under the shop's name.
pub fn sender_address(mail: &MailConfig, shop: &ShopSettings) -> Option<Mailbox> {
    if !mail.from.is_empty() {
        return mail.from.parse().ok();
    }
    let email = shop.contact_email.parse().ok()?;
    Some(Mailbox::new(Some(shop.name.clone()), email))
}

/// Why nothing can be sent right now; `None` when mail is configured.
pub fn not_configured_reason(mail: &MailConfig, shop: &ShopSettings) -> Option<&'static str> {
    if mail.smtp_url.is_empty() {
        Some("No SMTP server is configured ([mail] smtp_url): messages wait in the outbox.")
    } else if sender_address(mail, shop).is_none() {
        Some("No sender address: set [mail] from, or the shop's contact email in Settings.")
    } else {
        None
    }
}

/// Runs until `shutdown` turns true: sends due messages, then sleeps until the next is due or `wake`
/// fires. `shop` gives the shop profile as it is now (its contact email may be the sender).
pub async fn run_sender(
    db: Db,
    mail: MailConfig,
    shop: impl Fn() -> ShopSettings + Send + 'static,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let transport = match mail.smtp_url.expose() {
        "" => None,
        url => transport_from_url(url, mail.timeout_secs).ok(),
    };
    loop {
        let mut pause = Duration::from_secs(60);
        if let (Some(transport), Some(from)) = (&transport, sender_address(&mail, &shop())) {
            match send_due(&db, &mail, transport, &from, &shutdown).await {
                Ok(Some(next)) => pause = pause.min(next),
                Ok(None) => {}
                Err(e) => tracing::warn!("outbox: {e}"),
            }
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.changed() => break,
        }
    }
}

/// Sends every due message; returns how long until the next pending one is due.
async fn send_due(
    db: &Db,
    mail: &MailConfig,
    transport: &Transport,
    from: &Mailbox,
    shutdown: &watch::Receiver<bool>,
) -> Result<Option<Duration>, crate::error::AppError> {
    loop {
        let due = db.read(|c| Ok(outbox::due(c, &db::now(), 20)?)).await?;
        if due.is_empty() {
            break;
        }
        for m in due {
            // Stop between messages on shutdown; what is left is sent after the restart.
            if *shutdown.borrow() {
                return Ok(None);
            }
            deliver(db, mail, transport, from, m).await?;
        }
    }
    let next = db.read(|c| Ok(outbox::next_due_at(c)?)).await?;
    Ok(next.and_then(|t| db::parse_ts(&t)).map(|t| (t - Utc::now()).to_std().unwrap_or(Duration::ZERO)))
}

async fn deliver(
    db: &Db,
    mail: &MailConfig,
    transport: &Transport,
    from: &Mailbox,
    m: OutboxMessage,
) -> Result<(), crate::error::AppError> {
    let attempts = m.attempts + 1;
    let id = m.id;
    let outcome = match build(from, &m) {
        Err(e) => Err((true, e)),
        Ok(msg) => transport.send(msg).await.map(|_| ()).map_err(|e| (e.is_permanent(), e.to_string())),
    };
    let (max, base) = (mail.max_attempts, mail.retry_base_secs);
    db.write(move |tx| {
        match outcome {
            Ok(()) => outbox::mark_sent(tx, id, attempts, &db::now())?,
            Err((permanent, e)) if permanent || attempts >= max => {
                tracing::warn!(message = id, "outbox: giving up after {attempts} attempts: {e}");
                outbox::mark_failed(tx, id, attempts, &e)?
            }
            Err((_, e)) => {
                let next = Utc::now() + retry_delay(base, attempts);
                tracing::info!(message = id, "outbox: attempt {attempts} failed, retrying: {e}");
                outbox::mark_retry(tx, id, attempts, &db::ts(next), &e)?
            }
        }
        Ok(())
    })
    .await
}

fn build(from: &Mailbox, m: &OutboxMessage) -> Result<Message, String> {
    let to: Mailbox = m.to.parse().map_err(|e| format!("bad recipient {:?}: {e}", m.to))?;
    let domain = from.email.domain().to_string();
    // A stable Message-ID: if a crash after the SMTP server accepted the message causes a resend,
    // mail clients recognise the copy.
    let message_id = format!("<souk-{}-{}@{}>", m.id, m.created_at.replace([':', '.', '-'], ""), domain);
    let builder = Message::builder().from(from.clone()).to(to).subject(&m.subject).message_id(Some(message_id));
    let built = if m.html.is_empty() {
        builder.header(ContentType::TEXT_PLAIN).body(m.text.clone())
    } else {
        builder.multipart(MultiPart::alternative_plain_html(m.text.clone(), m.html.clone()))
    };
    built.map_err(|e| format!("cannot build message: {e}"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn backoff_doubles_and_caps() {
        let d: Vec<i64> = (1..=9).map(|a| crate::domain::outbox::retry_delay(30, a).num_seconds()).collect();
        assert_eq!(d, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
    }
}

//! Mail: the SMTP transport and the outbox sender that delivers after commit, retrying with backoff.
//! Just before a message goes, what could not be known (or should not wait) in the outbox is
//! filled in: the shop's address, a new order link, a follow-up's unsubscribe link.

pub mod custom;
mod layout;
pub mod messages;
pub mod notices;

use std::sync::Arc;
use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tokio::sync::{Notify, watch};

use crate::config::MailConfig;
use crate::db::{self, Db, outbox};
use crate::domain::notify::Notice;
use crate::domain::outbox::{Channel, Message as OutboxMessage, retry_delay};
use crate::domain::shop::ShopSettings;
use crate::domain::valid_email;

/// Where the links in a message point, and how long a new order link lasts when the owner set no
/// lifetime of their own.
#[derive(Debug, Clone)]
pub struct Site {
    /// `https://shop.example`, never from a request.
    pub base: String,
    pub link_days: i64,
    /// The app's clock: a message queued at its time is due by it.
    pub clock: crate::domain::clock::Clock,
}

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
    site: Site,
    shop: impl Fn() -> ShopSettings + Send + 'static,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    let transport = match mail.smtp_url.expose() {
        "" => None,
        url => transport_from_url(url, mail.timeout_secs).ok(),
    };
    let mut changes = db.outbox_changes();
    let mut logo = Logo::default();
    loop {
        let mut pause = Duration::from_secs(60);
        let shop = shop();
        if let (Some(transport), Some(from)) = (&transport, sender_address(&mail, &shop)) {
            let sending = Sending { db: &db, mail: &mail, site: &site, transport, from: &from, shop: &shop };
            match send_due(&sending, &mut logo, &shutdown).await {
                Ok(Some(next)) => pause = pause.min(next),
                Ok(None) => {}
                Err(e) => tracing::warn!("outbox: {e}"),
            }
        }
        tokio::select! {
            _ = wake.notified() => {}
            changed = changes.changed() => if changed.is_err() { break },
            _ = tokio::time::sleep(pause) => {}
            _ = shutdown.changed() => break,
        }
    }
}

/// What one round of sending works with.
struct Sending<'a> {
    db: &'a Db,
    mail: &'a MailConfig,
    site: &'a Site,
    transport: &'a Transport,
    from: &'a Mailbox,
    shop: &'a ShopSettings,
}

/// The shop's logo as PNG (mail clients show PNG everywhere; WebP not), made once per version.
#[derive(Default)]
struct Logo {
    version: String,
    png: Option<Vec<u8>>,
}

impl Logo {
    async fn png(&mut self, db: &Db, version: &str) -> Option<Vec<u8>> {
        if version.is_empty() {
            return None;
        }
        if self.version != version {
            let webp = db.read(|c| Ok(db::settings::logo(c)?)).await.ok().flatten();
            self.png = webp.and_then(|w| to_png(&w));
            self.version = version.to_string();
        }
        self.png.clone()
    }
}

fn to_png(webp: &[u8]) -> Option<Vec<u8>> {
    let image = image::load_from_memory_with_format(webp, image::ImageFormat::WebP).ok()?;
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).ok()?;
    Some(out.into_inner())
}

/// Sends every due message; returns how long until the next pending one is due.
async fn send_due(
    s: &Sending<'_>,
    logo: &mut Logo,
    shutdown: &watch::Receiver<bool>,
) -> Result<Option<Duration>, crate::error::AppError> {
    let db = s.db;
    loop {
        let now = db::ts(s.site.clock.now());
        let due = db.read(move |c| Ok(outbox::due(c, Channel::Email, &now, 20)?)).await?;
        if due.is_empty() {
            break;
        }
        for m in due {
            // Stop between messages on shutdown; what is left is sent after the restart.
            if *shutdown.borrow() {
                return Ok(None);
            }
            let png = logo.png(db, &s.shop.logo_version).await;
            deliver(s, png.as_deref(), m).await?;
        }
    }
    let next = db.read(|c| Ok(outbox::next_due_at(c, Channel::Email)?)).await?;
    let now = s.site.clock.now();
    Ok(next.and_then(|t| db::parse_ts(&t)).map(|t| (t - now).to_std().unwrap_or(Duration::ZERO)))
}

/// The links a message gets at sending time.
#[derive(Debug, Default)]
struct Filled {
    order_link: Option<String>,
    unsubscribe: Option<String>,
}

/// Makes the message's new order link and, for a follow-up, its unsubscribe link (each a random
/// token stored hashed), committed before the message goes.
async fn fill(s: &Sending<'_>, m: &OutboxMessage) -> Result<Filled, crate::error::AppError> {
    let follow_up = Notice::parse(&m.kind).is_some_and(Notice::is_follow_up);
    let order = m.order_id.filter(|_| m.order_link);
    if order.is_none() && !follow_up {
        return Ok(Filled::default());
    }
    let (base, default_days, to, now) = (s.site.base.clone(), s.site.link_days, m.to.clone(), s.site.clock.now());
    s.db.write(move |tx| {
        let at = db::ts(now);
        let mut filled = Filled::default();
        if let Some(id) = order
            && let Some((code, token)) = db::notify::new_order_link(tx, id, default_days, now)?
        {
            filled.order_link = Some(format!("{base}/o/{code}?t={token}"));
        }
        if follow_up {
            let (token, hash) = crate::domain::tokens::new_token();
            db::notify::insert_unsubscribe_token(tx, &hash, &to, &at)?;
            filled.unsubscribe = Some(format!("{base}/unsubscribe?t={token}"));
        }
        Ok(filled)
    })
    .await
}

/// The message as sent: placeholders replaced (escaped for the HTML part).
fn substitute(m: &OutboxMessage, base: &str, filled: &Filled) -> (String, String) {
    let order_link = filled.order_link.as_deref().unwrap_or(base);
    let unsubscribe = filled.unsubscribe.as_deref().unwrap_or(base);
    let pairs = [(notices::BASE, base), (notices::ORDER_LINK, order_link), (notices::UNSUBSCRIBE, unsubscribe)];
    let (mut text, mut html) = (m.text.clone(), m.html.clone());
    for (placeholder, value) in pairs {
        text = text.replace(placeholder, value);
        html = html.replace(placeholder, &maud::html! { (value) }.into_string());
    }
    (text, html)
}

async fn deliver(s: &Sending<'_>, logo: Option<&[u8]>, m: OutboxMessage) -> Result<(), crate::error::AppError> {
    let (db, mail) = (s.db, s.mail);
    let attempts = m.attempts + 1;
    let id = m.id;
    let outcome = match fill(s, &m).await {
        Err(e) => Err((false, format!("cannot make the message's links: {e}"))),
        Ok(filled) => match build(s, logo, &m, &filled) {
            Err(e) => Err((true, e)),
            Ok(msg) => s.transport.send(msg).await.map(|_| ()).map_err(|e| (e.is_permanent(), e.to_string())),
        },
    };
    let (max, base, now) = (mail.max_attempts, mail.retry_base_secs, s.site.clock.now());
    db.write(move |tx| {
        match outcome {
            Ok(()) => outbox::mark_sent(tx, id, attempts, &db::ts(now))?,
            Err((permanent, e)) if permanent || attempts >= max => {
                tracing::warn!(message = id, "outbox: giving up after {attempts} attempts: {e}");
                outbox::mark_failed(tx, id, attempts, &e)?
            }
            Err((_, e)) => {
                let next = now + retry_delay(base, attempts);
                tracing::info!(message = id, "outbox: attempt {attempts} failed, retrying: {e}");
                outbox::mark_retry(tx, id, attempts, &db::ts(next), &e)?
            }
        }
        Ok(())
    })
    .await
}

fn build(s: &Sending<'_>, logo: Option<&[u8]>, m: &OutboxMessage, filled: &Filled) -> Result<Message, String> {
    // Only a bare address is a recipient: a display name, a second address or a line break in
    // what was stored is refused, never passed on.
    if !valid_email(&m.to) {
        return Err(format!("bad recipient {:?}", m.to));
    }
    let to: Mailbox = m.to.parse().map_err(|e| format!("bad recipient {:?}: {e}", m.to))?;
    let from = s.from;
    let domain = from.email.domain().to_string();
    // A stable Message-ID: if a crash after the SMTP server accepted the message causes a resend,
    // mail clients recognise the copy.
    let message_id = format!("<souk-{}-{}@{}>", m.id, m.created_at.replace([':', '.', '-'], ""), domain);
    let subject = crate::domain::notify::header_text(&m.subject);
    let mut builder = Message::builder().from(from.clone()).to(to).subject(subject).message_id(Some(message_id));
    // Replies go to the shop's contact address when it is not the sender already.
    if let Ok(reply_to) = s.shop.contact_email.parse::<lettre::Address>()
        && valid_email(&s.shop.contact_email)
        && reply_to != from.email
    {
        builder = builder.reply_to(Mailbox::new(None, reply_to));
    }
    if let Some(url) = &filled.unsubscribe {
        // RFC 2369 and RFC 8058: mail clients offer a one-click unsubscribe.
        builder = builder
            .raw_header(HeaderValue::new(HeaderName::new_from_ascii_str("List-Unsubscribe"), format!("<{url}>")))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                "List-Unsubscribe=One-Click".into(),
            ));
    }
    let (text, html) = substitute(m, &s.site.base, filled);
    let built = if html.is_empty() {
        builder.header(ContentType::TEXT_PLAIN).body(text)
    } else {
        match logo.filter(|_| html.contains(notices::LOGO_CID)) {
            // The logo travels inside the message (no remote image to fetch or to track by).
            Some(png) => {
                let image = Attachment::new_inline(notices::LOGO_CID.into())
                    .body(png.to_vec(), ContentType::parse("image/png").map_err(|e| e.to_string())?);
                let rich = MultiPart::related().singlepart(SinglePart::html(html)).singlepart(image);
                builder.multipart(MultiPart::alternative().singlepart(SinglePart::plain(text)).multipart(rich))
            }
            None => builder.multipart(MultiPart::alternative_plain_html(text, html)),
        }
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

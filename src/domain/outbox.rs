//! Mail as queued in the outbox and as read back from it.

/// A message to queue: written in the same transaction as the change that caused it.
#[derive(Debug, Clone, Default)]
pub struct NewMessage {
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The body holds a secret (a one-time link): it is wiped once sent or given up.
    pub sensitive: bool,
    /// The order it is about (a notice).
    pub order_id: Option<i64>,
    /// The body holds the order-link placeholder: a new link is made when it is sent.
    pub order_link: bool,
    /// The custom-order request it is about (erased with the request's personal data).
    pub custom_request_id: Option<i64>,
    pub channel: Channel,
}

/// A queued message with its delivery state.
#[derive(Debug, Clone)]
pub struct Message {
    pub id: i64,
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub status: MessageStatus,
    pub attempts: u32,
    pub next_attempt_at: String,
    pub last_error: String,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub order_id: Option<i64>,
    pub order_link: bool,
    pub channel: Channel,
}

/// How a queued message travels: an email, a WhatsApp template message (its body the Cloud API
/// request, its recipient the number's digits), or a webhook delivery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Channel {
    #[default]
    Email,
    WhatsApp,
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::WhatsApp => "whatsapp",
            Channel::Webhook => "webhook",
        }
    }

    pub fn parse(s: &str) -> Option<Channel> {
        [Channel::Email, Channel::WhatsApp, Channel::Webhook].into_iter().find(|c| c.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Email => "Email",
            Channel::WhatsApp => "WhatsApp",
            Channel::Webhook => "Webhook",
        }
    }
}

/// Where a queued message is: waiting to be sent (or retried), sent, or given up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageStatus {
    Pending,
    Sent,
    Failed,
}

impl MessageStatus {
    pub const ALL: [MessageStatus; 3] = [MessageStatus::Pending, MessageStatus::Sent, MessageStatus::Failed];

    pub fn as_str(self) -> &'static str {
        match self {
            MessageStatus::Pending => "pending",
            MessageStatus::Sent => "sent",
            MessageStatus::Failed => "failed",
        }
    }

    /// The status with this name; `None` for anything else.
    pub fn parse(s: &str) -> Option<MessageStatus> {
        MessageStatus::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// Exponential backoff: base, 2×base, 4×base … capped at one hour.
pub fn retry_delay(base_secs: i64, attempts: u32) -> chrono::Duration {
    let secs = base_secs.saturating_mul(1i64 << (attempts.saturating_sub(1)).min(20));
    chrono::Duration::seconds(secs.min(3600))
}

//! Mail as queued in the outbox and as read back from it.

/// A message to queue: written in the same transaction as the change that caused it.
#[derive(Debug, Clone)]
pub struct NewMessage {
    pub kind: String,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// The body holds a secret (a one-time link): it is wiped once sent or given up.
    pub sensitive: bool,
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
    pub status: String,
    pub attempts: u32,
    pub next_attempt_at: String,
    pub last_error: String,
    pub created_at: String,
    pub sent_at: Option<String>,
}

//! Configuration of what Souk sends to other services: webhooks, and WhatsApp messages through
//! Meta's Cloud API.

use serde::{Deserialize, Serialize};

/// WhatsApp template messages through Meta's Cloud API (the number, token and templates are in
/// the admin: Settings → Notifications).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WhatsAppConfig {
    /// The Graph API's address with its version; messages go to `{api_base}/{phone_number_id}/messages`.
    pub api_base: String,
    pub timeout_secs: u64,
    pub max_attempts: u32,
    pub retry_base_secs: i64,
}

impl Default for WhatsAppConfig {
    fn default() -> Self {
        Self {
            api_base: "https://graph.facebook.com/v21.0".into(),
            timeout_secs: 15,
            max_attempts: 8,
            retry_base_secs: 30,
        }
    }
}

/// Outgoing webhooks' delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct WebhooksConfig {
    /// Allows endpoints on loopback, private and link-local addresses (a receiver on this machine or
    /// the shop's own network). Off: only public internet addresses, checked again at every delivery.
    pub allow_private: bool,
    pub timeout_secs: u64,
    pub max_attempts: u32,
    pub retry_base_secs: i64,
}

impl Default for WebhooksConfig {
    fn default() -> Self {
        Self { allow_private: false, timeout_secs: 10, max_attempts: 10, retry_base_secs: 30 }
    }
}

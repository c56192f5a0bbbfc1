//! What every page is rendered with: the shop, this browser's CSRF token and message, who is
//! asking. Built once per request by the extractors in `web::extract`.

use crate::domain::auth::{Role, User};
use crate::domain::shop::ShopSettings;

/// Who is asking: the client address (forwarding headers believed only from trusted proxies) and whether over HTTPS.
#[derive(Debug, Clone)]
pub struct ClientInfo {
    pub ip: String,
    /// What per-client limits count by: the address, or for IPv6 its /64 (one home or phone is
    /// given a whole /64 and could otherwise take a new address for every try).
    pub limit_key: String,
    pub https: bool,
    /// The peer is a trusted proxy, so its forwarding headers may be believed.
    pub proxied: bool,
    pub request_id: String,
}

/// What every page needs: the shop, a CSRF token for its forms, a one-time message, who is asking.
#[derive(Debug, Clone)]
pub struct Page {
    /// `scheme://host` as this request reached the shop (forwarded host only from a trusted proxy).
    pub origin: String,
    pub shop: ShopSettings,
    pub csrf: String,
    pub flash: Option<String>,
    pub path: String,
    pub client: ClientInfo,
    /// Units in this visitor's cart, as its display cookie says (0 without a cart).
    pub cart_count: u32,
    /// The shop's clock at the start of this request.
    pub now: chrono::DateTime<chrono::Utc>,
    /// The shop's time zone, for every time shown.
    pub zone: crate::domain::zone::Zone,
}

/// A signed-in admin (owner or staff). Without a live session: 401, which sends the browser to sign-in.
#[derive(Debug, Clone)]
pub struct Admin {
    pub page: Page,
    pub user: User,
    pub session_id: i64,
    /// Orders waiting at the desk: (drafts, active), for the menu.
    pub counts: (i64, i64),
}

impl Admin {
    pub fn is_owner(&self) -> bool {
        self.user.role == Role::Owner
    }
}

//! Outgoing webhooks: the events, the endpoint's address rules (http or https, and never a
//! loopback, private or link-local address unless the owner allows it), and the signature.
//!
//! The signature scheme, as Stripe's and Razorpay's: every delivery carries
//! `Souk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>` where the HMAC is keyed with the
//! endpoint's secret (the whole `whsec_…` text, as bytes) over `<t>.<raw body>`. A receiver
//! recomputes it over the body exactly as received, compares in constant time, and refuses a `t`
//! more than a few minutes from its clock (replays). `Souk-Event-Id` is the same on every retry
//! and resend of one event: a receiver drops an id it has already handled.

use std::net::IpAddr;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// What an endpoint can receive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    OrderPlaced,
    OrderStatusChanged,
    PaymentRecorded,
    CustomerCreated,
}

impl Event {
    pub const ALL: [Event; 4] =
        [Event::OrderPlaced, Event::OrderStatusChanged, Event::PaymentRecorded, Event::CustomerCreated];

    pub fn as_str(self) -> &'static str {
        match self {
            Event::OrderPlaced => "order.placed",
            Event::OrderStatusChanged => "order.status_changed",
            Event::PaymentRecorded => "payment.recorded",
            Event::CustomerCreated => "customer.created",
        }
    }

    pub fn parse(s: &str) -> Option<Event> {
        Event::ALL.into_iter().find(|e| e.as_str() == s)
    }

    /// What the owner reads beside the box.
    pub fn describe(self) -> &'static str {
        match self {
            Event::OrderPlaced => "An order is placed: on the storefront, through the API or by hand",
            Event::OrderStatusChanged => "An order moves to another status (including drafts expiring)",
            Event::PaymentRecorded => "A payment or a refund is recorded on an order",
            Event::CustomerCreated => "A WhatsApp number orders for the first time",
        }
    }
}

/// The type of the test event the owner sends from the webhooks page; every endpoint takes it.
pub const PING: &str = "ping";

/// The events of an endpoint as stored (space-separated), unknown names dropped.
pub fn parse_events(stored: &str) -> Vec<Event> {
    stored.split_whitespace().filter_map(Event::parse).collect()
}

pub fn store_events(events: &[Event]) -> String {
    events.iter().map(|e| e.as_str()).collect::<Vec<_>>().join(" ")
}

/// An endpoint as the admin lists it (without its secret).
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub id: i64,
    pub url: String,
    pub events: Vec<Event>,
    pub description: String,
    pub active: bool,
    pub created_at: String,
    pub created_by: String,
}

/// A delivery with what sending it needs.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub endpoint_id: i64,
    pub event: String,
    pub event_id: String,
    pub url: String,
    pub body: String,
    pub status: super::outbox::MessageStatus,
    pub attempts: u32,
    pub last_error: String,
    pub response_status: Option<u16>,
    pub created_at: String,
    pub sent_at: Option<String>,
    pub next_attempt_at: String,
}

/// An address on the public internet: not loopback, private, link-local, shared (carrier NAT),
/// multicast, documentation or otherwise reserved.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (18..20).contains(&b)))
        }
        IpAddr::V6(v6) => {
            // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible (::a.b.c.d) addresses are checked as
            // IPv4 (so ::1 becomes 0.0.0.1, refused as well).
            if let Some(v4) = v6.to_ipv4() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)
                || (first == 0x0064 && v6.segments()[1] == 0xff9b))
        }
    }
}

/// The parts of an endpoint's address that matter here.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub https: bool,
    pub host: String,
    pub port: u16,
}

/// Checks an endpoint's address as the owner typed it: `http` or `https`, a host, no user name or
/// password in it, and (unless `allow_private`) not a loopback or private address or a local
/// name. A name is checked again, resolved, at every delivery.
pub fn check_url(url: &str, allow_private: bool) -> Result<Target, String> {
    let url = url.trim();
    if url.len() > 500 {
        return Err("Use an address of at most 500 characters.".into());
    }
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("An address has no spaces.".into());
    }
    let lower = url.to_ascii_lowercase();
    let (https, rest) = if let Some(r) = lower.strip_prefix("https://") {
        (true, r)
    } else if let Some(r) = lower.strip_prefix("http://") {
        (false, r)
    } else {
        return Err("Use an http:// or https:// address, like https://example.com/hooks/souk.".into());
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    if authority.contains('@') {
        return Err("Leave the user name and password out of the address; the signature proves who is calling.".into());
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (h, after) = v6.split_once(']').ok_or("The address's [IPv6] host is not closed.")?;
        (h.to_string(), after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h.to_string(), Some(p)),
            None => (authority.to_string(), None),
        }
    };
    let port = match port {
        None => {
            if https {
                443
            } else {
                80
            }
        }
        Some(p) => p
            .parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .ok_or("The port after the host is not a number from 1 to 65535.")?,
    };
    let host = host.trim_end_matches('.').to_string();
    let valid_name = |h: &str| {
        !h.is_empty()
            && h.len() <= 253
            && h.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    && !l.starts_with('-')
            })
    };
    match host.parse::<IpAddr>() {
        Ok(ip) if !allow_private && !is_public(ip) => {
            return Err(format!("{ip} is a loopback, private or reserved address: use the receiver's public address."));
        }
        Ok(_) => {}
        Err(_) if !valid_name(&host) => return Err("The address has no valid host name.".into()),
        // 127.1, 0177.0.0.1 or 0x7f.0.0.1 are IPv4 addresses to some resolvers: never names.
        Err(_)
            if host.split('.').next_back().is_some_and(|l| l.chars().all(|c| c.is_ascii_digit()))
                || host.split('.').any(|l| l.starts_with("0x")) =>
        {
            return Err("Write the host as a name, or as an IPv4 address of four numbers like 203.0.113.7.".into());
        }
        Err(_) => {
            let local = host == "localhost"
                || [".localhost", ".local", ".internal", ".lan", ".home.arpa"].iter().any(|s| host.ends_with(s))
                || !host.contains('.');
            if local && !allow_private {
                return Err(format!("{host} is a name on this machine or network: use the receiver's public address."));
            }
        }
    }
    Ok(Target { https, host, port })
}

/// The hex HMAC-SHA256 of `<timestamp>.<body>` under `secret`.
pub fn signature(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// The `Souk-Signature` header's value.
pub fn signature_header(secret: &str, timestamp: i64, body: &[u8]) -> String {
    format!("t={timestamp},v1={}", signature(secret, timestamp, body))
}

/// Checks a `Souk-Signature` header as a receiver would: the HMAC over the body, in constant time,
/// and the timestamp within `tolerance_secs` of `now`.
pub fn verify(secret: &str, header: &str, body: &[u8], now: i64, tolerance_secs: i64) -> bool {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.extend(hex::decode(v).ok()),
            _ => {}
        }
    }
    let Some(t) = t else { return false };
    if (now - t).abs() > tolerance_secs {
        return false;
    }
    sigs.iter().any(|sig| {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).expect("any length");
        mac.update(t.to_string().as_bytes());
        mac.update(b".");
        mac.update(body);
        mac.verify_slice(sig).is_ok()
    })
}

/// A new signing secret: 192 random bits.
pub fn new_secret() -> String {
    let bytes: [u8; 24] = rand::random();
    format!("whsec_{}", hex::encode(bytes))
}

/// A new event id: 128 random bits.
pub fn new_event_id() -> String {
    let bytes: [u8; 16] = rand::random();
    format!("evt_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_outside_the_internet_are_refused_unless_allowed() {
        for bad in [
            "http://127.0.0.1:9000/hook",
            "http://localhost/hook",
            "https://10.1.2.3/x",
            "https://192.168.1.20/",
            "http://172.16.0.1",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]:8080/",
            "http://[fd00::1]/",
            "http://[::ffff:127.0.0.1]/",
            "http://100.64.0.1/",
            "http://0.0.0.0/",
            "http://printer.local/",
            "http://router/",
            "http://[::127.0.0.1]/",
            "http://[::10.0.0.1]/",
        ] {
            assert!(check_url(bad, false).is_err(), "{bad}");
            assert!(check_url(bad, true).is_ok(), "{bad} allowed");
        }
        for bad in [
            "ftp://example.com/",
            "example.com/hook",
            "https://user:pw@example.com/",
            "https://exa mple.com/",
            "https://example.com:0/",
            "https:///x",
        ] {
            assert!(check_url(bad, true).is_err(), "{bad}");
        }
        let t = check_url("https://Hooks.Example.com/souk?x=1", false).unwrap();
        assert_eq!(t, Target { https: true, host: "hooks.example.com".into(), port: 443 });
        let t = check_url("http://203.0.114.7:8080/h", false).unwrap();
        assert_eq!((t.https, t.port), (false, 8080));
        assert!(is_public("8.8.8.8".parse().unwrap()));
        assert!(is_public("2606:4700::1111".parse().unwrap()));
        assert!(!is_public("2001:db8::1".parse().unwrap()));
    }

    #[test]
    fn a_signature_verifies_only_with_its_secret_body_and_time() {
        let body = br#"{"id":"evt_1","type":"order.placed"}"#;
        let header = signature_header("whsec_abc", 1_700_000_000, body);
        assert!(verify("whsec_abc", &header, body, 1_700_000_100, 300));
        assert!(!verify("whsec_abd", &header, body, 1_700_000_100, 300));
        assert!(!verify("whsec_abc", &header, b"{}", 1_700_000_100, 300));
        assert!(!verify("whsec_abc", &header, body, 1_700_000_400, 300), "too old");
        // A known answer, so the documented scheme cannot drift.
        assert_eq!(signature("whsec_test", 1, b"{}"), {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(b"whsec_test").unwrap();
            mac.update(b"1.{}");
            hex::encode(mac.finalize().into_bytes())
        });
    }

    #[test]
    fn events_round_trip() {
        let all = store_events(&Event::ALL);
        assert_eq!(all, "order.placed order.status_changed payment.recorded customer.created");
        assert_eq!(parse_events(&format!("{all} nonsense")), Event::ALL);
        assert!(new_secret().starts_with("whsec_") && new_secret().len() == 54);
        assert_ne!(new_event_id(), new_event_id());
    }
}

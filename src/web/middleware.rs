//! Middleware: client address and request id, security headers, error pages, CSRF and flash cookies.

use std::net::IpAddr;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, HttpResponse, web};
use tracing::Instrument;

use crate::AppState;
use crate::config::IpNet;
use crate::error::ErrorInfo;
use crate::views::ClientInfo;

pub const CSRF_COOKIE: &str = "souk_csrf";
pub const FLASH_COOKIE: &str = "souk_flash";

/// The client address: the peer, or when the peer is a trusted proxy, the nearest untrusted hop it
/// reports. Each header is given with all its lines joined by commas, in order (a proxy may add a
/// line of its own after the client's). When both `X-Forwarded-For` and `Forwarded` are present and
/// name different clients, one of them came from the client untouched by the proxy, and which one
/// cannot be told: the proxy's own address is used, so a forged header gains nothing.
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    forwarded: Option<&str>,
    proxies: &[IpNet],
) -> Option<IpAddr> {
    let peer = peer?;
    let trusted = |ip: IpAddr| proxies.iter().any(|n| n.contains(ip));
    if !trusted(peer) {
        return Some(peer);
    }
    let nearest = |hops: Vec<IpAddr>| hops.into_iter().rev().find(|ip| !trusted(*ip)).unwrap_or(peer);
    let by_xff = forwarded_for.map(|xff| nearest(xff.split(',').filter_map(|h| parse_hop(h.trim())).collect()));
    let by_fwd = forwarded.map(|fwd| {
        nearest(
            fwd.split(',')
                .filter_map(|part| {
                    part.split(';').find_map(|kv| {
                        let (k, v) = kv.trim().split_once('=')?;
                        k.eq_ignore_ascii_case("for").then(|| parse_hop(v.trim().trim_matches('"')))?
                    })
                })
                .collect(),
        )
    });
    Some(match (by_xff, by_fwd) {
        (Some(a), Some(b)) if a != b => peer,
        (Some(a), _) | (None, Some(a)) => a,
        (None, None) => peer,
    })
}

/// The key per-client limits count by: an IPv4 address as it is, an IPv6 address as its /64
/// network (an IPv4-mapped IPv6 address as the IPv4 address).
pub fn limit_key(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{}/64", std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

fn parse_hop(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse() {
        return Some(ip);
    }
    let s = s.trim_start_matches('[');
    if let Some((host, _)) = s.split_once(']') {
        return host.parse().ok();
    }
    s.rsplit_once(':').and_then(|(h, _)| h.parse().ok())
}

/// The router matches a path with its `%XX` escapes decoded (all but `%25`, `%2F` and `%2B`),
/// while every check before it (the admin gate, the headers, the error pages) reads the path as
/// sent. So that both read the same path, a request whose path decodes to something else goes on
/// with the decoded path, re-escaped only where a URI requires it: `/%61dmin` is `/admin` to the
/// admin gate as it is to the router.
fn decode_path(req: &mut ServiceRequest) -> Result<(), Error> {
    let decoded = req.match_info().get_ref().path();
    if decoded == req.path() {
        return Ok(());
    }
    let mut path_and_query = String::with_capacity(decoded.len() + req.query_string().len() + 1);
    for b in decoded.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@/%".contains(&b) {
            path_and_query.push(b as char);
        } else {
            path_and_query.push_str(&format!("%{b:02X}"));
        }
    }
    if !req.query_string().is_empty() {
        path_and_query.push('?');
        path_and_query.push_str(req.query_string());
    }
    let mut parts = req.head().uri.clone().into_parts();
    parts.path_and_query = Some(path_and_query.parse().map_err(actix_web::error::ErrorBadRequest)?);
    let uri = actix_web::http::Uri::from_parts(parts).map_err(actix_web::error::ErrorBadRequest)?;
    let decoded = decoded.to_string();
    req.match_info_mut().get_mut().update(&uri);
    // A `%` left by the first decoding (`/%%36%31dmin` is `/%61dmin`) would be decoded again:
    // a path the router would read differently from the checks is refused.
    if req.match_info().get_ref().path() != decoded {
        return Err(actix_web::error::ErrorBadRequest("a path escaped twice"));
    }
    req.head_mut().uri = uri;
    Ok(())
}

/// Request id, client info and one log line per request (path only: query strings may hold tokens).
pub async fn request_context(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    decode_path(&mut req)?;
    let state = req.app_data::<web::Data<AppState>>().cloned();
    let proxies: &[IpNet] = state.as_ref().map(|s| s.proxies.as_slice()).unwrap_or(&[]);
    let peer = req.peer_addr().map(|a| a.ip());
    let header_str = |name: &str| req.headers().get(name).and_then(|v| v.to_str().ok());
    // Every line of a forwarding header, in order: a proxy may add its own line after the client's.
    let all_lines = |name: &str| {
        let lines: Vec<&str> = req.headers().get_all(name).filter_map(|v| v.to_str().ok()).collect();
        (!lines.is_empty()).then(|| lines.join(","))
    };
    let ip = client_ip(peer, all_lines("x-forwarded-for").as_deref(), all_lines("forwarded").as_deref(), proxies);
    let peer_trusted = peer.is_some_and(|p| proxies.iter().any(|n| n.contains(p)));
    let https = req.app_config().secure()
        || (peer_trusted
            && (header_str("x-forwarded-proto").is_some_and(|p| p.eq_ignore_ascii_case("https"))
                || header_str("forwarded").is_some_and(|f| f.to_ascii_lowercase().contains("proto=https"))));
    let request_id = format!("{:016x}", rand::random::<u64>());
    let info = ClientInfo {
        ip: ip.map(|i| i.to_string()).unwrap_or_default(),
        limit_key: ip.map(limit_key).unwrap_or_default(),
        https,
        proxied: peer_trusted,
        request_id: request_id.clone(),
    };
    let span = tracing::info_span!("request", id = %request_id);
    let method = req.method().clone();
    let path = req.path().to_string();
    let client = info.ip.clone();
    req.extensions_mut().insert(info);
    let started = Instant::now();
    async move {
        let mut res = next.call(req).await?;
        let status = res.status().as_u16();
        tracing::info!(%method, %path, status, ms = started.elapsed().as_millis() as u64, client = %client, "request");
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            res.headers_mut().insert(HeaderName::from_static("x-request-id"), v);
        }
        Ok(res)
    }
    .instrument(span)
    .await
}

/// Security headers on every response; the admin may never be framed.
pub async fn security_headers(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let admin = req.path().starts_with("/admin");
    let https = req.extensions().get::<ClientInfo>().is_some_and(|c| c.https);
    let hsts = req.app_data::<web::Data<AppState>>().map_or(0, |s| s.config.server.hsts_max_age_secs);
    let mut res = next.call(req).await?;
    let frame = if admin { "'none'" } else { "'self'" };
    // The order desk's one-tap messages are forms that answer with a redirect to WhatsApp.
    let forms = if admin { "'self' https://wa.me https://api.whatsapp.com" } else { "'self'" };
    let csp = format!(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; \
         base-uri 'none'; form-action {forms}; frame-ancestors {frame}"
    );
    let own_referrer_policy = res.headers().contains_key("referrer-policy");
    // A page that sets its own policy (an email's preview, with its inline styles) keeps it.
    let own_csp = res.headers().contains_key("content-security-policy");
    let h = res.headers_mut();
    let mut set = |name: &'static str, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            h.insert(HeaderName::from_static(name), v);
        }
    };
    if !own_csp {
        set("content-security-policy", &csp);
    }
    set("x-content-type-options", "nosniff");
    // A page whose address holds a secret (an order's magic link) sets a stricter policy itself.
    if !own_referrer_policy {
        set("referrer-policy", if admin { "same-origin" } else { "strict-origin-when-cross-origin" });
    }
    set("permissions-policy", "camera=(), microphone=(), geolocation=(), payment=()");
    set("cross-origin-opener-policy", "same-origin");
    if admin {
        set("x-frame-options", "DENY");
        set("cache-control", "no-store");
    }
    // Only over HTTPS (directly, or as a trusted proxy says): browsers ignore it on plain HTTP.
    if https && hsts > 0 {
        set("strict-transport-security", &format!("max-age={hsts}"));
    }
    if https {
        secure_cookies(res.headers_mut());
    }
    Ok(res)
}

/// Turns errors into the shop's error page (or JSON under `/api/`), and sends an expired admin session to sign-in.
pub async fn render_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let res = next.call(req).await?.map_into_boxed_body();
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return Ok(res);
    }
    let info = res.response().extensions().get::<ErrorInfo>().cloned();
    let content_type = res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let rendered_already = content_type.starts_with("text/html") || content_type.starts_with("application/json");
    if info.is_none() && rendered_already {
        return Ok(res);
    }
    let message = info.as_ref().map(|i| i.message.clone()).unwrap_or_else(|| default_message(status).into());
    let code = info.as_ref().map(|i| i.code).unwrap_or("error");
    let (req, res) = res.into_parts();
    let retry_after = res.headers().get(header::RETRY_AFTER).cloned();
    let mut out = if req.path().starts_with("/api/") {
        HttpResponse::build(status).json(serde_json::json!({"error": {"code": code, "message": message}}))
    } else if code == "two_factor_required" && req.path().starts_with("/admin") {
        crate::web::see_other_with_flash(crate::web::extract::ENROL_PATH, &message)
    } else if status == StatusCode::UNAUTHORIZED && req.path().starts_with("/admin") {
        let next = if req.method() == actix_web::http::Method::GET { req.path() } else { "/admin" };
        crate::web::see_other(&format!("/admin/login?next={}", next))
    } else if status == StatusCode::UNAUTHORIZED && req.path().starts_with("/account") {
        // A customer's session ended (signed out elsewhere, expired): sign in again.
        crate::web::see_other("/account")
    } else {
        let state = req.app_data::<web::Data<AppState>>();
        let shop = state.map(|s| s.shop()).unwrap_or_default();
        let page = crate::views::errors::page(&shop, status, &message);
        HttpResponse::build(status).content_type("text/html; charset=utf-8").body(page.into_string())
    };
    if let Some(v) = retry_after {
        out.headers_mut().insert(header::RETRY_AFTER, v);
    }
    Ok(ServiceResponse::new(req, out))
}

fn default_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "The request could not be understood.",
        403 => "You are not allowed to do that.",
        404 => "This page does not exist. It may have moved, or the link may be mistyped.",
        405 => "That is not something this page can do.",
        413 => "What you sent is too large.",
        415 => "That kind of content is not accepted here.",
        429 => "Too many requests. Please wait a moment and try again.",
        503 => "The shop is busy, please try again in a moment.",
        _ => "Something went wrong. Please try again.",
    }
}

/// The admin and the admin API answer only on their own listener (`server.admin_listen`) and to
/// the listed networks (`server.admin_allow`, by the client's address as the trusted proxies tell
/// it); anywhere else they answer 404, as if they did not exist.
pub async fn admin_gate(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<actix_web::body::EitherBody<impl MessageBody>>, Error> {
    let path = req.path();
    let is_admin = path == "/admin" || path.starts_with("/admin/") || path.starts_with("/api/v1/admin");
    if is_admin && let Some(state) = req.app_data::<web::Data<AppState>>() {
        let local = req.app_config().local_addr();
        let elsewhere = state
            .admin_addr
            .is_some_and(|a| local.port() != a.port() || !(a.ip().is_unspecified() || a.ip() == local.ip()));
        let client: Option<IpAddr> = req.extensions().get::<ClientInfo>().and_then(|c| c.ip.parse().ok());
        let outside =
            !state.admin_allow.is_empty() && !client.is_some_and(|ip| state.admin_allow.iter().any(|n| n.contains(ip)));
        if elsewhere || outside {
            let res = actix_web::ResponseError::error_response(&crate::error::AppError::NotFound);
            return Ok(req.into_response(res).map_into_right_body());
        }
    }
    next.call(req).await.map(ServiceResponse::map_into_left_body)
}

/// Gives every browser a CSRF cookie (the key behind form tokens) and clears a flash once shown.
pub async fn cookies(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let https = req.extensions().get::<ClientInfo>().is_some_and(|c| c.https);
    let new_csrf = match req.cookie(CSRF_COOKIE) {
        Some(c) if c.value().len() == 32 => None,
        _ => {
            let value = hex::encode(rand::random::<[u8; 16]>());
            req.extensions_mut().insert(NewCsrfCookie(value.clone()));
            Some(value)
        }
    };
    let had_flash = req.cookie(FLASH_COOKIE).is_some();
    let mut res = next.call(req).await?;
    let is_page = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    // A page any visitor may share from a cache must not hand everyone the same cookie.
    let public =
        res.headers().get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("public"));
    if let Some(value) = new_csrf.filter(|_| is_page && !public) {
        let cookie =
            Cookie::build(CSRF_COOKIE, value).path("/").http_only(true).secure(https).same_site(SameSite::Lax).finish();
        let _ = res.response_mut().add_cookie(&cookie);
    }
    if had_flash && is_page {
        let mut gone = Cookie::build(FLASH_COOKIE, "").path("/").finish();
        gone.make_removal();
        let _ = res.response_mut().add_cookie(&gone);
    }
    Ok(res)
}

/// Over HTTPS every cookie is `Secure`, whichever handler set it (a flash, a cart, a session).
fn secure_cookies(headers: &mut actix_web::http::header::HeaderMap) {
    let set: Vec<HeaderValue> = headers.get_all(header::SET_COOKIE).cloned().collect();
    if set.iter().all(|v| v.to_str().is_ok_and(|c| c.to_ascii_lowercase().contains("; secure"))) {
        return;
    }
    headers.remove(header::SET_COOKIE);
    for v in set {
        let value = match v.to_str() {
            Ok(c) if !c.to_ascii_lowercase().contains("; secure") => {
                HeaderValue::from_str(&format!("{c}; Secure")).unwrap_or(v)
            }
            _ => v,
        };
        headers.append(header::SET_COOKIE, value);
    }
}

/// The CSRF cookie value issued during this request (the browser does not have it yet).
#[derive(Debug, Clone)]
pub struct NewCsrfCookie(pub String);

/// Cross-origin calls to the public JSON API from the origins in `server.cors_origins` (none by
/// default): a preflight is answered here with 204, and answers carry the origin back. The admin
/// API and the pages are never offered to another origin.
pub async fn cors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let path = req.path();
    let public_api = path.starts_with("/api/v1/") && !path.starts_with("/api/v1/admin");
    let origin = req.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_string);
    let allowed = match (public_api, origin, req.app_data::<web::Data<AppState>>()) {
        (true, Some(o), Some(state)) => crate::domain::cors::allowed(&o, &state.config.server.cors_origins).map(|_| o),
        _ => None,
    };
    let Some(origin) = allowed else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let value = HeaderValue::from_str(&origin).map_err(actix_web::error::ErrorBadRequest)?;
    if req.method() == actix_web::http::Method::OPTIONS && req.headers().contains_key("access-control-request-method") {
        use crate::domain::cors::{ALLOW_HEADERS, ALLOW_METHODS, MAX_AGE};
        let res = HttpResponse::NoContent()
            .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, value))
            .insert_header((header::ACCESS_CONTROL_ALLOW_METHODS, ALLOW_METHODS))
            .insert_header((header::ACCESS_CONTROL_ALLOW_HEADERS, ALLOW_HEADERS))
            .insert_header((header::ACCESS_CONTROL_MAX_AGE, MAX_AGE))
            .insert_header((header::VARY, "Origin"))
            .finish();
        return Ok(req.into_response(res));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    let headers = res.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    headers.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, HeaderValue::from_static("Retry-After"));
    headers.append(header::VARY, HeaderValue::from_static("Origin"));
    Ok(res)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn limits_count_an_ipv6_network_as_one_client() {
        assert_eq!(limit_key(ip("203.0.113.9")), "203.0.113.9");
        assert_eq!(limit_key(ip("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(limit_key(ip("2001:db8:1:2:ffff:1:2:3")), limit_key(ip("2001:db8:1:2::9")));
        assert_ne!(limit_key(ip("2001:db8:1:3::1")), limit_key(ip("2001:db8:1:2::1")));
        assert_eq!(limit_key(ip("::ffff:198.51.100.7")), "198.51.100.7");
    }

    #[test]
    fn forwarded_headers_only_from_trusted_proxies() {
        let proxies = vec![IpNet::parse("127.0.0.1").unwrap(), IpNet::parse("10.0.0.0/8").unwrap()];
        // Untrusted peer: its claims are ignored.
        assert_eq!(client_ip(Some(ip("203.0.113.9")), Some("1.2.3.4"), None, &proxies), Some(ip("203.0.113.9")));
        // Trusted peer: the nearest untrusted hop wins, so a client cannot prepend a fake address.
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), Some("6.6.6.6, 1.2.3.4, 10.0.0.2"), None, &proxies),
            Some(ip("1.2.3.4"))
        );
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), None, Some("for=\"[2001:db8::1]:4711\";proto=https"), &proxies),
            Some(ip("2001:db8::1"))
        );
        assert_eq!(client_ip(Some(ip("127.0.0.1")), None, None, &proxies), Some(ip("127.0.0.1")));
        assert_eq!(client_ip(Some(ip("127.0.0.1")), Some("1.2.3.4"), None, &[]), Some(ip("127.0.0.1")));
        // A proxy that sets one header passes the other through from the client: when the two
        // disagree, neither is believed.
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), Some("1.2.3.4"), Some("for=6.6.6.6"), &proxies),
            Some(ip("127.0.0.1"))
        );
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), Some("1.2.3.4"), Some("for=1.2.3.4;proto=https"), &proxies),
            Some(ip("1.2.3.4"))
        );
    }
}

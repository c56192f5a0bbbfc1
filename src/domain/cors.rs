//! Cross-origin calls to the public JSON API: which origins the owner allowed, and the headers a
//! browser needs. Off unless `server.cors_origins` names origins.

/// Whether `s` is a web origin: `http` or `https`, a host, an optional port, nothing after it.
pub fn is_origin(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("https://").or_else(|| s.strip_prefix("http://")) else {
        return false;
    };
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) if !h.contains(']') || h.ends_with(']') => (h, Some(p)),
        _ => (rest, None),
    };
    !host.is_empty()
        && host.chars().all(|c| c.is_ascii_alphanumeric() || "-.[]:".contains(c))
        && port.is_none_or(|p| p.parse::<u16>().is_ok_and(|n| n > 0))
}

/// The allowed origin that `origin` (a request's `Origin` header) is, compared as browsers send it
/// (case-insensitively, no trailing slash); `None` when it is not allowed.
pub fn allowed<'a>(origin: &str, allowed: &'a [String]) -> Option<&'a str> {
    allowed.iter().find(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin)).map(String::as_str)
}

/// Methods and request headers the public API takes from another origin.
pub const ALLOW_METHODS: &str = "GET, POST";
pub const ALLOW_HEADERS: &str = "Content-Type, Authorization, Idempotency-Key";
/// How long a browser may keep a preflight's answer, in seconds.
pub const MAX_AGE: &str = "600";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_scheme_and_host_only() {
        for ok in ["https://shop.example", "http://localhost:3000", "https://a-b.example.co.in"] {
            assert!(is_origin(ok), "{ok}");
        }
        for bad in [
            "shop.example",
            "https://shop.example/",
            "https://shop.example/path",
            "ftp://x",
            "https://",
            "*",
            "https://x:0",
        ] {
            assert!(!is_origin(bad), "{bad}");
        }
        let list = vec!["https://Blog.example".to_string()];
        assert_eq!(allowed("https://blog.example", &list), Some("https://Blog.example"));
        assert_eq!(allowed("https://evil.example", &list), None);
    }
}

//! Rendered storefront pages kept in memory, so the page a busy post links to costs a lookup, not a render.
//!
//! An entry is served while the database's storefront version (a counter that triggers move on any
//! change to products, variants, photos, collections or the shop's settings, whoever writes them) is
//! the one it was rendered at, and, when a drop is due, only until the drop opens. Requests that a
//! page must answer differently (a flash message, an early-access link) are never kept.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use actix_web::HttpRequest;
use actix_web::http::header::HeaderValue;
use actix_web::web::Bytes;
use chrono::{DateTime, Utc};
use parking_lot::{Mutex, RwLock};
use rusqlite::{Connection, OpenFlags};

/// One rendered page and what it was rendered at.
pub struct Entry {
    pub etag: HeaderValue,
    pub content_type: &'static str,
    pub body: Bytes,
    /// When it was rendered: its `Last-Modified` (nothing it shows has changed since).
    pub rendered: DateTime<Utc>,
    pub last_modified: HeaderValue,
    version: i64,
    expires: Option<DateTime<Utc>>,
    last_used: AtomicU64,
}

impl Entry {
    fn fresh(&self, version: i64, now: DateTime<Utc>) -> bool {
        self.version == version && self.expires.is_none_or(|t| now < t)
    }
}

pub struct PageCache {
    entries: RwLock<HashMap<String, Arc<Entry>>>,
    bytes: Mutex<usize>,
    max_bytes: usize,
    tick: AtomicU64,
    /// When the next drop opens, as known at a storefront version: pages kept before it expire then.
    next_drop: Mutex<Option<(i64, Option<DateTime<Utc>>)>>,
    /// A connection of its own that only reads the version: one row, never waits for a lock
    /// (`busy_timeout` 0: a busy database is a miss, never a stalled worker).
    watcher: Option<Mutex<Connection>>,
}

/// The storefront version as stored; `None` when it cannot be read.
pub fn read_version(conn: &Connection) -> Option<i64> {
    conn.prepare_cached("SELECT n FROM storefront_version WHERE id = 1").ok()?.query_row([], |r| r.get(0)).ok()
}

impl PageCache {
    /// A cache of at most `max_mb` MiB of pages on the database at `db_path`; 0 keeps nothing.
    pub fn open(db_path: &Path, max_mb: usize) -> PageCache {
        let watcher = (max_mb > 0)
            .then(|| {
                let conn = Connection::open_with_flags(db_path, OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
                conn.busy_timeout(std::time::Duration::ZERO).ok()?;
                Some(Mutex::new(conn))
            })
            .flatten();
        PageCache {
            entries: RwLock::new(HashMap::new()),
            bytes: Mutex::new(0),
            max_bytes: max_mb * 1024 * 1024,
            tick: AtomicU64::new(0),
            next_drop: Mutex::new(None),
            watcher,
        }
    }

    /// The storefront version now; `None` when the cache is off or the version cannot be read.
    pub fn version(&self) -> Option<i64> {
        read_version(&self.watcher.as_ref()?.lock())
    }

    /// The key a request's page is kept under; `None` when its answer must not be shared.
    pub fn key(req: &HttpRequest, origin: &str, shareable: bool) -> Option<String> {
        if !shareable || req.cookie(super::middleware::FLASH_COOKIE).is_some() {
            return None;
        }
        Some(format!("{origin}{}?{}", req.path(), kept_query(req.query_string())))
    }

    /// The kept page for `key`, when it is still true at `version`.
    pub fn get(&self, key: &str, version: i64, now: DateTime<Utc>) -> Option<Arc<Entry>> {
        let entry = self.entries.read().get(key).cloned()?;
        if !entry.fresh(version, now) {
            return None;
        }
        entry.last_used.store(self.tick.fetch_add(1, Ordering::Relaxed), Ordering::Relaxed);
        Some(entry)
    }

    /// Keeps a rendered page (when it fits) and returns it as an entry either way.
    pub fn insert(
        &self,
        key: Option<String>,
        version: Option<i64>,
        expires: Option<DateTime<Utc>>,
        content_type: &'static str,
        body: String,
    ) -> Arc<Entry> {
        let etag = HeaderValue::from_str(&etag(body.as_bytes())).expect("hex is a valid header");
        let rendered = Utc::now();
        let last_modified = HeaderValue::from_str(&rendered.format("%a, %d %b %Y %H:%M:%S GMT").to_string())
            .expect("a date is a valid header");
        let entry = Arc::new(Entry {
            etag,
            content_type,
            body: Bytes::from(body),
            rendered,
            last_modified,
            version: version.unwrap_or(-1),
            expires,
            last_used: AtomicU64::new(self.tick.fetch_add(1, Ordering::Relaxed)),
        });
        let (Some(key), Some(_)) = (key, version) else { return entry };
        let size = key.len() + entry.body.len();
        if size * 4 > self.max_bytes {
            return entry;
        }
        let mut entries = self.entries.write();
        let mut bytes = self.bytes.lock();
        if *bytes + size > self.max_bytes {
            *bytes -= evict(&mut entries, self.max_bytes / 2);
        }
        if let Some(old) = entries.insert(key.clone(), entry.clone()) {
            *bytes -= key.len() + old.body.len();
        }
        *bytes += size;
        entry
    }

    /// The next drop as known at `version`: `None` when it must be looked up again (the catalogue
    /// changed, or the drop it knew of has opened).
    pub fn next_drop(&self, version: i64, now: DateTime<Utc>) -> Option<Option<DateTime<Utc>>> {
        match *self.next_drop.lock() {
            Some((v, drop)) if v == version && drop.is_none_or(|t| now < t) => Some(drop),
            _ => None,
        }
    }

    pub fn set_next_drop(&self, version: i64, drop: Option<DateTime<Utc>>) {
        *self.next_drop.lock() = Some((version, drop));
    }

    /// Bytes of pages kept now (keys included).
    pub fn size(&self) -> usize {
        *self.bytes.lock()
    }
}

/// Drops the least recently used entries until at most `keep` bytes remain; returns the bytes freed.
fn evict(entries: &mut HashMap<String, Arc<Entry>>, keep: usize) -> usize {
    let mut by_age: Vec<(u64, String, usize)> =
        entries.iter().map(|(k, e)| (e.last_used.load(Ordering::Relaxed), k.clone(), k.len() + e.body.len())).collect();
    by_age.sort_unstable_by_key(|(used, _, _)| std::cmp::Reverse(*used));
    let mut kept = 0;
    let mut freed = 0;
    for (_, key, size) in by_age {
        if kept + size <= keep {
            kept += size;
        } else {
            entries.remove(&key);
            freed += size;
        }
    }
    freed
}

/// A weak ETag from the body: any change to what the page shows changes it.
pub fn etag(body: &[u8]) -> String {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(body);
    format!("W/\"{}\"", hex::encode(&digest[..12]))
}

/// Query parameters that ad and social links add and no page reads (a click from Instagram or
/// Facebook carries a fresh `fbclid` each time): left out of cache keys, so such clicks share one
/// kept page instead of filling the cache with copies.
fn tracking(name: &str) -> bool {
    name.starts_with("utm_")
        || matches!(
            name,
            "fbclid"
                | "gclid"
                | "gbraid"
                | "wbraid"
                | "msclkid"
                | "igshid"
                | "igsh"
                | "ttclid"
                | "twclid"
                | "mc_cid"
                | "mc_eid"
        )
}

/// The query string as a cache key: without tracking parameters, in its order otherwise.
fn kept_query(query: &str) -> String {
    query
        .split('&')
        .filter(|pair| !pair.is_empty() && !tracking(pair.split('=').next().unwrap_or("")))
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_parameters_do_not_split_the_cache() {
        assert_eq!(kept_query("fbclid=IwAR3x&variant=TOTE-RED&utm_source=ig"), "variant=TOTE-RED");
        assert_eq!(kept_query("q=tote&page=2"), "q=tote&page=2");
        assert_eq!(kept_query("igsh=abc"), "");
        assert_eq!(kept_query(""), "");
        assert_eq!(kept_query("utm=1&sort=price"), "utm=1&sort=price", "only utm_ names");
    }

    fn cache(max_bytes: usize) -> PageCache {
        PageCache {
            entries: RwLock::new(HashMap::new()),
            bytes: Mutex::new(0),
            max_bytes,
            tick: AtomicU64::new(0),
            next_drop: Mutex::new(None),
            watcher: None,
        }
    }

    #[test]
    fn an_entry_is_served_only_at_its_version_and_before_it_expires() {
        let c = cache(1 << 20);
        let now = Utc::now();
        let drop = now + chrono::Duration::minutes(5);
        c.insert(Some("k".into()), Some(7), Some(drop), "text/html", "page".into());
        assert!(c.get("k", 7, now).is_some());
        assert!(c.get("k", 8, now).is_none(), "a catalogue change invalidates the page");
        assert!(c.get("k", 7, drop).is_none(), "a drop opening invalidates the page");
        assert!(c.get("other", 7, now).is_none());
    }

    #[test]
    fn unshareable_or_unversioned_pages_are_not_kept() {
        let c = cache(1 << 20);
        let e = c.insert(None, Some(1), None, "text/html", "flash page".into());
        assert_eq!(&e.body[..], b"flash page");
        c.insert(Some("k".into()), None, None, "text/html", "page".into());
        assert!(c.get("k", -1, Utc::now()).is_none());
        assert_eq!(c.size(), 0);
    }

    #[test]
    fn the_least_recently_used_pages_go_first_when_full() {
        let c = cache(100);
        let now = Utc::now();
        for k in ["a", "b", "c", "d"] {
            c.insert(Some(k.into()), Some(1), None, "text/html", "x".repeat(23));
            // "a" stays in use.
            assert!(c.get("a", 1, now).is_some());
        }
        c.insert(Some("e".into()), Some(1), None, "text/html", "x".repeat(23));
        assert!(c.size() <= 100);
        assert!(c.get("a", 1, now).is_some());
        assert!(c.get("e", 1, now).is_some());
        assert!(c.get("b", 1, now).is_none());
    }
}

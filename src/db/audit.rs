//! The audit log: who did what, when, from where. Append-only.

use rusqlite::{Connection, Row, named_params};

use crate::domain::audit::{AuditRow, Filter};

/// One action to record.
#[derive(Debug, Clone, Default)]
pub struct Entry<'a> {
    pub user_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub ip: &'a str,
}

pub fn append(conn: &Connection, e: &Entry<'_>, now: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO audit_log (at, user_id, actor, action, target, detail, ip)
         VALUES (:at, :user, :actor, :action, :target, :detail, :ip)",
    )?
    .execute(named_params! {":at": now, ":user": e.user_id, ":actor": e.actor, ":action": e.action,
    ":target": e.target, ":detail": e.detail, ":ip": e.ip})?;
    Ok(())
}

fn row_from(r: &Row<'_>) -> rusqlite::Result<AuditRow> {
    Ok(AuditRow {
        id: r.get("id")?,
        at: r.get("at")?,
        actor: r.get("actor")?,
        action: r.get("action")?,
        target: r.get("target")?,
        detail: r.get("detail")?,
        ip: r.get("ip")?,
    })
}

/// Newest entries first that match the filter, at most `limit`.
pub fn list(conn: &Connection, f: &Filter, limit: i64) -> rusqlite::Result<Vec<AuditRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, at, actor, action, target, detail, ip FROM audit_log
         WHERE (:actor = '' OR actor = :actor COLLATE NOCASE)
           AND (:action = '' OR action = :action OR action LIKE :action || '.%')
           AND (:from = '' OR at >= :from)
           AND (:to = '' OR at < date(:to, '+1 day'))
           AND (:before IS NULL OR id < :before)
         ORDER BY id DESC LIMIT :limit",
    )?;
    let rows = stmt.query_map(
        named_params! {":actor": f.actor, ":action": f.action, ":from": f.from, ":to": f.to,
        ":before": f.before, ":limit": limit},
        row_from,
    )?;
    rows.collect()
}

/// The distinct actors and actions seen, for the filter menus.
pub fn facets(conn: &Connection) -> rusqlite::Result<(Vec<String>, Vec<String>)> {
    let collect = |sql: &str| -> rusqlite::Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        rows.collect()
    };
    Ok((
        collect("SELECT DISTINCT actor FROM audit_log ORDER BY actor")?,
        collect("SELECT DISTINCT action FROM audit_log ORDER BY action")?,
    ))
}

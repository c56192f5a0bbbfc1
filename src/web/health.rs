//! `/healthz`: a JSON report for monitors, 200 when the shop can serve, 503 when it cannot.

use std::sync::atomic::Ordering;

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::AppState;
use crate::db::{self, backup, outbox};

pub async fn healthz(state: web::Data<AppState>) -> HttpResponse {
    let database = state
        .db
        .read(|c| {
            let version: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0))?;
            Ok((version, outbox::backlog(c)?))
        })
        .await;
    let beat = state.heartbeat.load(Ordering::Relaxed);
    let scheduler_alive = chrono::Utc::now().timestamp() - beat < 60;
    let backup_age = backup::newest_age(&state.config.backup_dir()).map(|d| d.as_secs());
    let (db_ok, schema_version, pending, failed) = match &database {
        Ok((v, (p, f))) => (true, Some(*v), Some(*p), Some(*f)),
        Err(e) => {
            tracing::error!("health check: database unreachable: {e}");
            (false, None, None, None)
        }
    };
    let ok = db_ok && scheduler_alive;
    let body = json!({
        "status": if ok { "ok" } else { "unavailable" },
        "database": if db_ok { "ok" } else { "unreachable" },
        "schema_version": schema_version,
        "expected_schema_version": db::SCHEMA_VERSION,
        "scheduler": if scheduler_alive { "alive" } else { "stalled" },
        "last_backup_age_seconds": backup_age,
        "outbox": {"pending": pending, "failed": failed},
        "version": env!("CARGO_PKG_VERSION"),
    });
    let mut res = if ok { HttpResponse::Ok() } else { HttpResponse::ServiceUnavailable() };
    res.insert_header(("cache-control", "no-store")).json(body)
}

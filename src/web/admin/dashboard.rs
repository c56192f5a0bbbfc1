//! The dashboard: what needs the seller's attention.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::html;
use crate::AppState;
use chrono::{DateTime, Utc};

use crate::db::{self, audit, backup, dashboard, outbox, sessions};
use crate::domain::dashboard::{Figures, Period, add_up, median};
use crate::domain::zone::Zone;
use crate::error::AppError;
use crate::views::admin::dashboard::{self as view, Status};
use crate::web::extract::Admin;

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PeriodQuery {
    period: String,
}

/// What a period's figures were added up for: the period, the shop's day and zone, and the
/// orders' version. The same key gives the same figures.
type Key = (Period, chrono::NaiveDate, &'static str, i64);

/// The figures last added up from the orders, kept until the orders change (their version moves)
/// or the day turns: adding up 30 days of 100,000 orders costs tens of milliseconds.
#[derive(Debug, Default)]
pub struct Cache(std::sync::Mutex<Vec<(Key, Figures)>>);

impl Cache {
    fn get(&self, key: &Key) -> Option<Figures> {
        let kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        kept.iter().find(|(k, _)| k == key).map(|(_, f)| f.clone())
    }

    fn put(&self, key: Key, figures: Figures) {
        let mut kept = self.0.lock().unwrap_or_else(|p| p.into_inner());
        // Figures of an older version or day are never asked for again.
        kept.retain(|(k, _)| k.1 == key.1 && k.3 == key.3 && k.0 != key.0);
        kept.push((key, figures));
    }
}

/// The period's figures, added up from the orders (or as they were for the same orders today);
/// the low-stock list is read each time.
fn figures(
    c: &rusqlite::Connection,
    cache: &Cache,
    period: Period,
    now: DateTime<Utc>,
    zone: Zone,
) -> Result<Figures, AppError> {
    let key = (period, zone.date(now), zone.name(), dashboard::orders_version(c)?);
    let mut f = match cache.get(&key) {
        Some(f) => f,
        None => {
            let (from, days) = period.range(now, zone);
            let (from, to) = (db::ts(from), db::ts(now + chrono::Duration::days(1)));
            let mut f = add_up(&dashboard::buckets(c, &from, &to)?, &days, zone);
            f.median_to_ship = median(dashboard::ship_times(c, &from, &to)?).map(chrono::Duration::seconds);
            (f.awaiting, f.awaiting_total) = dashboard::awaiting(c)?;
            f.top = dashboard::top_products(c, &from, &to, 5)?;
            cache.put(key, f.clone());
            f
        }
    };
    f.low_stock = dashboard::low_stock(c, crate::domain::catalog::FEW, 10)?;
    Ok(f)
}

pub async fn show(
    admin: Admin,
    state: web::Data<AppState>,
    q: web::Query<PeriodQuery>,
) -> Result<HttpResponse, AppError> {
    let period =
        Period::parse(&q.period).ok_or_else(|| AppError::BadRequest("The period is today, 7d or 30d.".into()))?;
    let (uid, owner) = (admin.user.id, admin.is_owner());
    let (now, zone) = (admin.page.now, admin.page.zone);
    let cache = state.dashboard.clone();
    let (backlog, my_sessions, recent, figures) = state
        .db
        .read(move |c| {
            let recent = if owner { audit::list(c, &crate::domain::audit::Filter::default(), 8)? } else { Vec::new() };
            Ok((outbox::backlog(c)?, sessions::count_for_user(c, uid)?, recent, figures(c, &cache, period, now, zone)?))
        })
        .await?;
    let status = Status {
        mail_problem: state.mail_problem(),
        outbox_pending: backlog.0,
        outbox_failed: backlog.1,
        last_backup_age: backup::newest_age(&state.config.backup_dir()),
        backups_scheduled: !state.config.jobs.backup.is_empty(),
        my_sessions,
        recent,
        period,
        figures,
    };
    Ok(html(StatusCode::OK, view::page(&admin, &status)))
}

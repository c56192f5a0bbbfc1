//! The scheduler: each job has a cron string in config (empty disables it), and every run is recorded.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Duration, Utc};
use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

use crate::app::{self, Actor};
use crate::config::{Config, JobsConfig};
use crate::db::{self, Db, backup, jobs, outbox, sessions, throttle, tokens};
use crate::domain::clock::Clock;
use crate::error::AppError;

/// The jobs an owner sees and can run by hand.
pub const JOBS: &[(&str, &str)] = &[
    ("backup", "Online backup of the database into the backups folder, keeping the newest copies"),
    (
        "purge",
        "Removes expired sessions, used links, old sign-in counters, old job runs, sent mail and expired carts, and erases personal data past the retention period",
    ),
    (
        "expire_drafts",
        "Cancels draft orders not sent to the shop in time, and pending orders of the direct flow not confirmed in time (reason: expired), and releases their stock; expires custom-order requests not quoted within 72 hours and quotes not accepted in time",
    ),
    (
        "follow_ups",
        "Emails payment reminders and review requests when they fall due, and the daily summary when it is on",
    ),
];

/// The configured schedule of a job ("" when disabled).
pub fn schedule_of<'a>(jobs: &'a JobsConfig, job: &str) -> &'a str {
    match job {
        "backup" => &jobs.backup,
        "purge" => &jobs.purge,
        "expire_drafts" => &jobs.expire_drafts,
        "follow_ups" => &jobs.follow_ups,
        _ => "",
    }
}

/// Starts the scheduler with every enabled job and the heartbeat that `/healthz` reads.
pub async fn start(
    db: Db,
    config: Arc<Config>,
    clock: Clock,
    heartbeat: Arc<AtomicI64>,
) -> Result<JobScheduler, JobSchedulerError> {
    let sched = JobScheduler::new().await?;
    for (name, _) in JOBS {
        let cron = schedule_of(&config.jobs, name);
        if cron.is_empty() {
            tracing::info!(job = name, "job disabled (empty schedule)");
            continue;
        }
        let (db, config, clock) = (db.clone(), config.clone(), clock.clone());
        sched
            .add(Job::new_async(cron, move |_, _| {
                let (db, config, clock) = (db.clone(), config.clone(), clock.clone());
                Box::pin(async move {
                    let _ = run(&db, &config, &clock, name, "schedule").await;
                })
            })?)
            .await?;
    }
    let beat = heartbeat.clone();
    sched
        .add(Job::new_async("*/5 * * * * *", move |_, _| {
            beat.store(Utc::now().timestamp(), Ordering::Relaxed);
            Box::pin(async {})
        })?)
        .await?;
    heartbeat.store(Utc::now().timestamp(), Ordering::Relaxed);
    sched.start().await?;
    Ok(sched)
}

/// Runs one job now, recording start, end, outcome and message; returns the message.
pub async fn run(
    db: &Db,
    config: &Arc<Config>,
    clock: &Clock,
    job: &'static str,
    trigger: &'static str,
) -> Result<String, String> {
    let run_id = db.write(move |tx| Ok(jobs::start(tx, job, trigger, &db::now())?)).await.map_err(|e| e.to_string())?;
    let (d, config, now) = (db.clone(), config.clone(), clock.now());
    let outcome = tokio::task::spawn_blocking(move || match job {
        "backup" => run_backup(&d, &config),
        "purge" => run_purge(&d, &config, now),
        "expire_drafts" => run_expire_drafts(&d, &config, now),
        "follow_ups" => run_follow_ups(&d, now),
        other => Err(format!("unknown job {other}")),
    })
    .await
    .unwrap_or_else(|e| Err(format!("job panicked: {e}")));
    match &outcome {
        Ok(msg) => tracing::info!(job, "job finished: {msg}"),
        Err(msg) => tracing::error!(job, "job failed: {msg}"),
    }
    let (ok, msg) = match &outcome {
        Ok(m) => (true, m.clone()),
        Err(m) => (false, m.clone()),
    };
    let recorded = db.write(move |tx| Ok(jobs::finish(tx, run_id, ok, &msg, &db::now())?)).await;
    if let Err(e) = recorded {
        tracing::error!(job, "cannot record the job's outcome: {e}");
    }
    outcome
}

fn run_backup(db: &Db, config: &Config) -> Result<String, String> {
    let conn = db.conn().map_err(|e| e.to_string())?;
    let file = backup::rotate(&conn, &config.backup_dir(), config.backup.keep)?;
    drop(conn);
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let msg = format!("{} ({} KiB)", file.file_name().and_then(|n| n.to_str()).unwrap_or(""), size / 1024);
    db.write_blocking(|tx| Ok(Actor::system().record(tx, "backup", &msg, "scheduled job")?))
        .map_err(|e: AppError| e.to_string())?;
    Ok(msg)
}

fn run_purge(db: &Db, config: &Config, now: DateTime<Utc>) -> Result<String, String> {
    let idle = db::ts(now - Duration::minutes(config.session.idle_minutes));
    let absolute = db::ts(now - Duration::hours(config.session.absolute_hours));
    let day_ago = db::ts(now - Duration::days(1));
    let quarter_ago = db::ts(now - Duration::days(90));
    db.write_blocking(|tx| {
        let s = sessions::purge(tx, &idle, &absolute)?;
        let t = tokens::purge(tx, &day_ago)?;
        let th = throttle::purge(tx, &day_ago)?;
        let j = jobs::purge(tx, &quarter_ago)?;
        let o = outbox::purge_sent(tx, &quarter_ago)?;
        // An unsubscribe link outlives the follow-up it came in by a season, then stops working.
        crate::db::notify::purge_unsubscribe_tokens(tx, &quarter_ago)?;
        crate::db::requests::purge_rate_events(tx, &day_ago)?;
        crate::db::account::purge(tx, &db::ts(now), &day_ago)?;
        let (erased, requests) = app::privacy::erase_due(tx, now)?;
        crate::db::custom::purge_tokens(tx, &db::ts(now))?;
        crate::db::two_factor::purge(tx, &db::ts(now))?;
        let c = crate::db::carts::purge(tx, &db::ts(now))?;
        let (k, l) = crate::db::orders::purge(tx, &day_ago, &db::ts(now))?;
        Ok(format!(
            "removed {s} sessions, {t} links, {th} sign-in counters, {j} job runs, {o} sent messages, {c} carts, \
                 {k} order keys, {l} order links; erased the personal data of {erased} order(s) and {requests} custom request(s)"
        ))
    })
    .map_err(|e| e.to_string())
}

fn run_expire_drafts(db: &Db, config: &Config, now: DateTime<Utc>) -> Result<String, String> {
    let days = config.orders.link_days;
    let (n, requests) = db
        .write_blocking(|tx| {
            let n = app::orders::expire_drafts(tx, now, &Actor::scheduler())?;
            Ok((n, app::custom::expire_due(tx, now, days)?))
        })
        .map_err(|e: AppError| e.to_string())?;
    Ok(format!("cancelled {n} expired order(s); {requests} custom request(s) expired"))
}

fn run_follow_ups(db: &Db, now: DateTime<Utc>) -> Result<String, String> {
    let done = db.write_blocking(|tx| app::notify::follow_ups(tx, now)).map_err(|e: AppError| e.to_string())?;
    Ok(format!(
        "queued {} payment reminder(s), {} review request(s), {} summary message(s)",
        done.reminders, done.reviews, done.summaries
    ))
}

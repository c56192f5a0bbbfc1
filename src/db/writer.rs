//! The writer thread: SQLite allows one writer, so writes from handlers are queued here and run
//! together, each in a savepoint of its own inside one transaction, committed once (group commit);
//! and the signal that tells the outbox senders a commit queued something.

use std::sync::Arc;
use std::time::Duration;

use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Transaction, TransactionBehavior};

use super::run_cached;
use crate::error::AppError;

/// Tells the outbox senders that a commit may have queued something: each pooled connection's
/// update hook marks a row of `outbox` inserted or updated (or a webhook endpoint changed), and the
/// writer, once its transaction has committed, moves `signal` when one was marked.
pub(super) struct Outbox {
    pub(super) queued: std::sync::atomic::AtomicBool,
    pub(super) signal: tokio::sync::watch::Sender<u64>,
}

impl Outbox {
    pub(super) fn committed(&self) {
        if self.queued.swap(false, std::sync::atomic::Ordering::AcqRel) {
            self.signal.send_modify(|n| *n = n.wrapping_add(1));
        }
    }
}

/// Most writes one transaction takes.
const MAX_BATCH: usize = 64;

/// A queued write: `run` does the work inside the batch's transaction; `fail` answers instead when
/// the job is not run (it waited too long, or the batch could not start).
pub(super) struct Job {
    pub(super) queued: std::time::Instant,
    pub(super) run: Box<dyn FnOnce(&Transaction) -> Done + Send>,
    pub(super) fail: Box<dyn FnOnce(AppError) + Send>,
}

/// A job that ran: whether its changes stand, and how to answer once the batch's commit is known.
pub(super) struct Done {
    pub(super) ok: bool,
    pub(super) answer: Box<dyn FnOnce(Option<AppError>) + Send>,
}

/// Says once, in the log, why a batch's transaction failed (the jobs' answers then say 503 or 500).
fn log_failure(e: &rusqlite::Error) {
    match e {
        rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::DiskFull => {
            tracing::error!("{}", crate::error::DISK_FULL)
        }
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) =>
        {
            tracing::warn!("database busy past the timeout")
        }
        other => tracing::error!(error = %other, "a write failed and was rolled back"),
    }
}

/// The error every job of a batch gets when the batch's transaction fails.
fn batch_error(e: &rusqlite::Error) -> AppError {
    use rusqlite::ErrorCode;
    match e {
        rusqlite::Error::SqliteFailure(f, _)
            if matches!(f.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) =>
        {
            AppError::Unavailable { retry_after: 5 }
        }
        rusqlite::Error::SqliteFailure(f, _) if f.code == ErrorCode::DiskFull => {
            AppError::Unavailable { retry_after: 60 }
        }
        other => AppError::internal(other.to_string()),
    }
}

/// The writer thread: takes what is queued (up to [`MAX_BATCH`]), runs it in one transaction and commits.
pub(super) fn write_loop(
    pool: r2d2::Pool<SqliteConnectionManager>,
    outbox: Arc<Outbox>,
    lock: Arc<parking_lot::Mutex<()>>,
    jobs: std::sync::mpsc::Receiver<Job>,
    queue_timeout: Duration,
) {
    while let Ok(first) = jobs.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let (stale, batch): (Vec<Job>, Vec<Job>) = batch.into_iter().partition(|j| j.queued.elapsed() > queue_timeout);
        if !stale.is_empty() {
            tracing::warn!(count = stale.len(), "writes queued past the busy timeout");
        }
        for j in stale {
            (j.fail)(AppError::Unavailable { retry_after: 5 });
        }
        if batch.is_empty() {
            continue;
        }
        let _guard = lock.lock();
        run_batch(&pool, &outbox, batch);
    }
}

fn run_batch(pool: &r2d2::Pool<SqliteConnectionManager>, outbox: &Outbox, batch: Vec<Job>) {
    let mut conn = match pool.get() {
        Ok(c) => c,
        Err(e) => {
            let msg = e.to_string();
            for j in batch {
                (j.fail)(AppError::internal(msg.clone()));
            }
            return;
        }
    };
    let tx = match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
        Ok(tx) => tx,
        Err(e) => {
            log_failure(&e);
            for j in batch {
                (j.fail)(batch_error(&e));
            }
            return;
        }
    };
    let mut done: Vec<Done> = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    let mut broken = None;
    let mut breaker_done = false;
    for job in jobs.by_ref() {
        if let Err(e) = run_cached(&tx, "SAVEPOINT souk_write") {
            log_failure(&e);
            broken = Some(batch_error(&e));
            (job.fail)(batch_error(&e));
            break;
        }
        let d = (job.run)(&tx);
        // An error such as a full disk can end the whole transaction: nothing after it may run
        // outside one, and nothing before it stands.
        if tx.is_autocommit() {
            broken = Some(AppError::Unavailable { retry_after: 5 });
            breaker_done = true;
            done.push(d);
            break;
        }
        let end = if d.ok { Ok(()) } else { run_cached(&tx, "ROLLBACK TO souk_write") };
        if let Err(e) = end.and_then(|()| run_cached(&tx, "RELEASE souk_write")) {
            log_failure(&e);
            broken = Some(batch_error(&e));
            breaker_done = true;
            done.push(d);
            break;
        }
        done.push(d);
    }
    if let Some(e) = broken {
        drop(tx);
        // The job that broke the transaction hears why; the ones before it did nothing wrong and
        // are told to try again, as are those that did not run.
        let breaker = if breaker_done { done.pop() } else { None };
        for d in done {
            (d.answer)(Some(AppError::Unavailable { retry_after: 5 }));
        }
        if let Some(d) = breaker {
            (d.answer)(Some(e));
        }
        for j in jobs {
            (j.fail)(AppError::Unavailable { retry_after: 5 });
        }
        return;
    }
    match tx.commit() {
        Ok(()) => {
            outbox.committed();
            done.into_iter().for_each(|d| (d.answer)(None))
        }
        Err(e) => {
            log_failure(&e);
            done.into_iter().for_each(|d| (d.answer)(Some(batch_error(&e))))
        }
    }
}

//! The record of scheduled and manual job runs.

use rusqlite::{Connection, Row, named_params};

use crate::domain::jobs::JobRun;

fn run_from_row(r: &Row<'_>) -> rusqlite::Result<JobRun> {
    Ok(JobRun {
        id: r.get("id")?,
        job: r.get("job")?,
        trigger: r.get("trigger")?,
        started_at: r.get("started_at")?,
        finished_at: r.get("finished_at")?,
        outcome: r.get("outcome")?,
        message: r.get("message")?,
    })
}

pub fn start(conn: &Connection, job: &str, trigger: &str, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO job_runs (job, trigger, started_at, outcome) VALUES (:job, :trigger, :now, 'running')",
        named_params! {":job": job, ":trigger": trigger, ":now": now},
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn finish(conn: &Connection, id: i64, ok: bool, message: &str, now: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE job_runs SET finished_at = :now, outcome = :outcome, message = :msg WHERE id = :id",
        named_params! {":now": now, ":outcome": if ok { "ok" } else { "error" }, ":msg": message, ":id": id},
    )?;
    Ok(())
}

/// Runs left `running` by a process that stopped mid-job are closed as errors at start.
pub fn close_interrupted(conn: &Connection, now: &str) -> rusqlite::Result<usize> {
    conn.execute(
        "UPDATE job_runs SET finished_at = :now, outcome = 'error', message = 'interrupted by a restart'
         WHERE outcome = 'running'",
        named_params! {":now": now},
    )
}

/// The newest runs, optionally of one job.
pub fn recent(conn: &Connection, job: &str, limit: i64) -> rusqlite::Result<Vec<JobRun>> {
    let mut stmt = conn.prepare(
        "SELECT id, job, trigger, started_at, finished_at, outcome, message FROM job_runs
         WHERE (:job = '' OR job = :job) ORDER BY id DESC LIMIT :limit",
    )?;
    let rows = stmt.query_map(named_params! {":job": job, ":limit": limit}, run_from_row)?;
    rows.collect()
}

/// Deletes runs older than `before`.
pub fn purge(conn: &Connection, before: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM job_runs WHERE started_at < :before", named_params! {":before": before})
}

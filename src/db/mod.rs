//! Storage: the SQLite pool, the single writer, migrations, and one module of plain SQL functions per table group.

pub mod audit;
pub mod backup;
pub mod carts;
pub mod catalog;
pub mod checkout;
pub mod jobs;
pub mod orders;
pub mod outbox;
pub mod sessions;
pub mod settings;
pub mod throttle;
pub mod tokens;
pub mod users;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::error::AppError;

/// Numbered migrations; the position (1-based) is the schema version kept in `PRAGMA user_version`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_accounts", include_str!("migrations/0001_accounts.sql")),
    ("0002_outbox_jobs", include_str!("migrations/0002_outbox_jobs.sql")),
    ("0003_catalog", include_str!("migrations/0003_catalog.sql")),
    ("0004_early_access", include_str!("migrations/0004_early_access.sql")),
    ("0005_product_cards", include_str!("migrations/0005_product_cards.sql")),
    ("0006_storefront_version", include_str!("migrations/0006_storefront_version.sql")),
    ("0007_orders", include_str!("migrations/0007_orders.sql")),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Settings applied to every connection. `synchronous=FULL`: orders are money, and a power cut on
/// a Raspberry Pi must not lose a committed order (NORMAL in WAL mode may drop the last commits).
pub fn configure(conn: &Connection, busy_timeout_ms: u64, max_db_mb: u64) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_millis(busy_timeout_ms))?;
    // Memory-mapped reads: every pooled connection shares the OS page cache instead of copying
    // pages into its own cache (measured: see BENCHMARKS.md).
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA mmap_size = 268435456;")?;
    if max_db_mb > 0 {
        let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let pages = (max_db_mb as i64 * 1024 * 1024) / page_size;
        conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
    }
    Ok(())
}

/// Why a database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "database {path} has schema version {found}, newer than this souk understands ({known}); upgrade souk or restore an older backup"
    )]
    TooNew { path: PathBuf, found: i64, known: i64 },
    #[error("cannot create data folder {0}: {1}")]
    DataDir(PathBuf, std::io::Error),
    #[error("database {0}: {1}")]
    Sqlite(PathBuf, rusqlite::Error),
    #[error("database pool: {0}")]
    Pool(#[from] r2d2::Error),
}

/// Applies pending migrations, each in its own transaction. Fails when the file is newer than the binary.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Result<i64, (i64, i64)>> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Applies migrations up to `target` (tests use it to build an older schema).
pub fn migrate_to(conn: &mut Connection, target: i64) -> rusqlite::Result<Result<i64, (i64, i64)>> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Ok(Err((current, SCHEMA_VERSION)));
    }
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().take(target as usize).skip(current as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(migration = name, "applied database migration");
    }
    Ok(Ok(target.max(current)))
}

/// The database: a pool of readers and one writer at a time.
///
/// SQLite allows one writer; letting pooled connections race for it leaves them polling in the busy
/// handler (p99 of seconds measured here). Writers queue on a mutex taken before `BEGIN IMMEDIATE`.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<SqliteConnectionManager>,
    writer: Arc<parking_lot::Mutex<()>>,
    /// How long a writer may queue for its turn; past it the caller gets 503 like a busy database.
    queue_timeout: Duration,
    path: PathBuf,
}

impl Db {
    /// Opens (creating if needed) the database in WAL mode and brings its schema up to date.
    pub fn open(path: &Path, busy_timeout_ms: u64, max_db_mb: u64, pool_size: u32) -> Result<Db, OpenError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| OpenError::DataDir(dir.to_path_buf(), e))?;
        }
        let sql_err = |e| OpenError::Sqlite(path.to_path_buf(), e);
        let mut conn = Connection::open(path).map_err(sql_err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(sql_err)?;
        configure(&conn, busy_timeout_ms, 0).map_err(sql_err)?;
        if let Err((found, known)) = migrate(&mut conn).map_err(sql_err)? {
            return Err(OpenError::TooNew { path: path.to_path_buf(), found, known });
        }
        drop(conn);
        Db::connect(path, busy_timeout_ms, max_db_mb, pool_size)
    }

    /// Opens a database that must already exist, without migrating it (a server of another version
    /// may be running on it); returns it with its schema version.
    pub fn open_existing(path: &Path, busy_timeout_ms: u64, pool_size: u32) -> Result<(Db, i64), OpenError> {
        let sql_err = |e| OpenError::Sqlite(path.to_path_buf(), e);
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(sql_err)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql_err)?;
        drop(conn);
        Ok((Db::connect(path, busy_timeout_ms, 0, pool_size)?, version))
    }

    fn connect(path: &Path, busy_timeout_ms: u64, max_db_mb: u64, pool_size: u32) -> Result<Db, OpenError> {
        let manager = SqliteConnectionManager::file(path)
            .with_flags(rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_URI)
            .with_init(move |c| configure(c, busy_timeout_ms, max_db_mb));
        let pool =
            r2d2::Pool::builder().max_size(pool_size).connection_timeout(Duration::from_secs(10)).build(manager)?;
        Ok(Db {
            pool,
            writer: Arc::new(parking_lot::Mutex::new(())),
            queue_timeout: Duration::from_millis(busy_timeout_ms),
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Runs `f` on a pooled connection off the async executor.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        tokio::task::spawn_blocking(move || {
            let conn = pool.get()?;
            f(&conn)
        })
        .await
        .map_err(AppError::internal)?
    }

    /// Runs `f` inside one `BEGIN IMMEDIATE` transaction as the only writer; commits on Ok, rolls back on Err.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T, AppError> + Send + 'static,
    {
        let db = self.clone();
        tokio::task::spawn_blocking(move || db.write_blocking(f)).await.map_err(AppError::internal)?
    }

    /// The blocking form of [`Db::write`], for the CLI and scheduled jobs already off the executor.
    pub fn write_blocking<T, F>(&self, f: F) -> Result<T, AppError>
    where
        F: FnOnce(&Transaction) -> Result<T, AppError>,
    {
        let Some(_guard) = self.writer.try_lock_for(self.queue_timeout) else {
            tracing::warn!("writers queued past the busy timeout");
            return Err(AppError::Unavailable { retry_after: 5 });
        };
        let mut conn = self.pool.get()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }

    /// A pooled connection for blocking callers (CLI, jobs).
    pub fn conn(&self) -> Result<r2d2::PooledConnection<SqliteConnectionManager>, AppError> {
        Ok(self.pool.get()?)
    }
}

/// Current UTC time in the one text format stored in the database (fixed width, so it sorts).
pub fn now() -> String {
    ts(Utc::now())
}

pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Parses a stored timestamp; `None` for anything malformed.
pub fn parse_ts(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s).ok().map(|t| t.with_timezone(&Utc))
}

/// The schema as SQLite reports it: one normalised statement per object, sorted by name.
pub fn schema_dump(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY type, name",
    )?;
    let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
    rows.map(|r| r.map(|sql| sql.split_whitespace().collect::<Vec<_>>().join(" "))).collect()
}

/// Holds an exclusive lock on `<data>/souk.lock` while a server runs, so `restore` can refuse.
pub fn lock_data_dir(dir: &Path) -> Result<std::fs::File, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create data folder {}: {e}", dir.display()))?;
    let path = dir.join("souk.lock");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| format!("cannot open {}: {e}", path.display()))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => {
            Err(format!("a souk server is running on {}; stop it first", dir.display()))
        }
        Err(std::fs::TryLockError::Error(e)) => Err(format!("cannot lock {}: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_sql_equals_migrated_schema() {
        let mut migrated = Connection::open_in_memory().unwrap();
        migrate(&mut migrated).unwrap().unwrap();
        let from_file = Connection::open_in_memory().unwrap();
        from_file.execute_batch(include_str!("../../schema.sql")).unwrap();
        assert_eq!(
            schema_dump(&migrated).unwrap(),
            schema_dump(&from_file).unwrap(),
            "schema.sql differs from the migrations: it is src/db/migrations/*.sql in order, without their data statements (INSERT, UPDATE)"
        );
    }

    #[test]
    fn timestamps_sort_as_text() {
        let a = ts(DateTime::from_timestamp(1_700_000_000, 0).unwrap());
        let b = ts(DateTime::from_timestamp(1_700_000_000, 5_000_000).unwrap());
        assert_eq!(a, "2023-11-14T22:13:20.000Z");
        assert!(a < b);
        assert_eq!(parse_ts(&b).unwrap().timestamp_subsec_millis(), 5);
    }
}

//! Storage: the SQLite pool, the single writer, migrations, and one module of plain SQL functions per table group.

pub mod account;
pub mod api_tokens;
pub mod audit;
pub mod backup;
pub mod carts;
pub mod catalog;
pub mod checkout;
pub mod custom;
pub mod customers;
pub mod dashboard;
pub mod desk;
pub mod jobs;
pub mod notify;
pub mod order_export;
pub mod order_lists;
pub mod order_search;
pub mod orders;
pub mod outbox;
pub mod payments;
pub mod privacy;
pub mod requests;
pub mod review;
mod schema;
pub mod sessions;
pub mod settings;
pub mod text;
pub mod throttle;
pub mod tokens;
pub mod two_factor;
pub mod users;
pub mod webhooks;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use r2d2_sqlite::SqliteConnectionManager;
use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use crate::domain::time::{parse_ts, ts};
use crate::error::AppError;
pub use schema::{MIGRATIONS, SCHEMA_VERSION, migrate, migrate_to};
use writer::{Done, Job, Outbox};

/// How connections are opened: `[database]` and `data.max_db_mb` in the config.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub busy_timeout_ms: u64,
    /// The most the file may grow to, in MiB; 0: no limit.
    pub max_db_mb: u64,
    pub pool_size: u32,
    /// How much of the file each connection reads through a memory map (`PRAGMA mmap_size`), in MiB.
    pub mmap_mb: u64,
    /// Each connection's own page cache (`PRAGMA cache_size`), in KiB.
    pub cache_kb: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options { busy_timeout_ms: 5000, max_db_mb: 0, pool_size: 8, mmap_mb: 256, cache_kb: 2000 }
    }
}

/// Settings applied to every connection. `synchronous=FULL`: orders are money, and a power cut on
/// a Raspberry Pi must not lose a committed order (NORMAL in WAL mode may drop the last commits).
pub fn configure(conn: &Connection, o: &Options) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_millis(o.busy_timeout_ms))?;
    // Placing an order runs a few dozen distinct statements; the default cache of 16 made the
    // writer parse most of them again for every order.
    conn.set_prepared_statement_cache_capacity(128);
    // Memory-mapped reads: every pooled connection shares the OS page cache instead of copying
    // pages into its own cache (measured: see BENCHMARKS.md).
    // temp_store = MEMORY: the journals of savepoints (one per queued write, see `Db::write`) are
    // kept in memory instead of a temporary file, which was a tenth of the writer's time when
    // placing orders (BENCHMARKS.md).
    conn.execute_batch(&format!(
        "PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL; PRAGMA mmap_size = {}; PRAGMA temp_store = MEMORY;
         PRAGMA cache_size = -{};",
        o.mmap_mb * 1024 * 1024,
        o.cache_kb
    ))?;
    if o.max_db_mb > 0 {
        let page_size: i64 = conn.query_row("PRAGMA page_size", [], |r| r.get(0))?;
        let pages = (o.max_db_mb as i64 * 1024 * 1024) / page_size;
        conn.query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))?;
    }
    Ok(())
}

/// Runs one statement without rows through the statement cache (savepoints are run for every
/// write: parsing them each time showed in the writer's profile).
/// Runs `work` inside the savepoint `name` of the caller's transaction: rolled back when it returns
/// an error, so a refusal leaves nothing behind.
pub fn in_savepoint<T, E: From<rusqlite::Error>>(
    conn: &Connection,
    name: &'static str,
    work: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    run_cached(conn, &format!("SAVEPOINT {name}"))?;
    let done = work();
    if done.is_err() {
        run_cached(conn, &format!("ROLLBACK TO {name}"))?;
    }
    run_cached(conn, &format!("RELEASE {name}"))?;
    done
}

pub fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([])?;
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
    #[error("cannot start the database writer: {0}")]
    Writer(std::io::Error),
}

/// The database: a pool of readers and one writer at a time.
///
/// SQLite allows one writer; letting pooled connections race for it leaves them polling in the busy
/// handler (p99 of seconds measured here). Writes from handlers go to one writer thread, which runs
/// whatever is queued together in one transaction, each write in a savepoint of its own, and
/// commits once: with `synchronous=FULL` one fsync then covers many orders (group commit, measured
/// in BENCHMARKS.md). Blocking callers (CLI, jobs) take the same lock before `BEGIN IMMEDIATE`.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<SqliteConnectionManager>,
    /// Moves after every commit that queued a message (mail, WhatsApp, webhook) or changed what a
    /// sender may send (see [`Db::outbox_changes`]).
    outbox: Arc<Outbox>,
    writer: Arc<parking_lot::Mutex<()>>,
    queue: std::sync::mpsc::Sender<Job>,
    /// How long a writer may queue for its turn; past it the caller gets 503 like a busy database.
    queue_timeout: Duration,
    path: PathBuf,
    /// Two per pooled connection: a read waits here, not on a blocking thread of its own. Without
    /// it 64 concurrent requests held 64 blocking threads, 56 of them waiting for a connection
    /// (their stacks were most of the memory the server kept for ten seconds after a burst).
    reads: Arc<tokio::sync::Semaphore>,
}

impl Db {
    /// Opens (creating if needed) the database in WAL mode and brings its schema up to date.
    pub fn open(path: &Path, busy_timeout_ms: u64, max_db_mb: u64, pool_size: u32) -> Result<Db, OpenError> {
        Db::open_with(path, &Options { busy_timeout_ms, max_db_mb, pool_size, ..Options::default() })
    }

    /// [`Db::open`] with every option.
    pub fn open_with(path: &Path, o: &Options) -> Result<Db, OpenError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|e| OpenError::DataDir(dir.to_path_buf(), e))?;
        }
        let sql_err = |e| OpenError::Sqlite(path.to_path_buf(), e);
        let mut conn = Connection::open(path).map_err(sql_err)?;
        conn.pragma_update(None, "journal_mode", "WAL").map_err(sql_err)?;
        configure(&conn, &Options { max_db_mb: 0, ..*o }).map_err(sql_err)?;
        if let Err((found, known)) = migrate(&mut conn).map_err(sql_err)? {
            return Err(OpenError::TooNew { path: path.to_path_buf(), found, known });
        }
        drop(conn);
        Db::connect(path, o)
    }

    /// Opens a database that must already exist, without migrating it (a server of another version
    /// may be running on it); returns it with its schema version.
    pub fn open_existing(path: &Path, o: &Options) -> Result<(Db, i64), OpenError> {
        let sql_err = |e| OpenError::Sqlite(path.to_path_buf(), e);
        let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE).map_err(sql_err)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(sql_err)?;
        drop(conn);
        Ok((Db::connect(path, &Options { max_db_mb: 0, ..*o })?, version))
    }

    fn connect(path: &Path, o: &Options) -> Result<Db, OpenError> {
        let (o, pool_size) = (*o, o.pool_size);
        let outbox = Arc::new(Outbox {
            queued: std::sync::atomic::AtomicBool::new(false),
            signal: tokio::sync::watch::Sender::new(0),
        });
        let marks = outbox.clone();
        let manager = SqliteConnectionManager::file(path)
            .with_flags(rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_URI)
            .with_init(move |c| {
                let marks = marks.clone();
                c.update_hook(Some(move |action, _: &str, table: &str, _| {
                    // Queued (insert), put back in the queue (update), an endpoint resumed, or the
                    // WhatsApp Cloud API switched on: the senders look at their queues again.
                    let queue = table == "outbox" && action != rusqlite::hooks::Action::SQLITE_DELETE;
                    if queue || table == "webhook_endpoints" || table == "whatsapp_settings" {
                        marks.queued.store(true, std::sync::atomic::Ordering::Release);
                    }
                }))?;
                configure(c, &o)
            });
        let pool =
            r2d2::Pool::builder().max_size(pool_size).connection_timeout(Duration::from_secs(10)).build(manager)?;
        let writer = Arc::new(parking_lot::Mutex::new(()));
        let queue_timeout = Duration::from_millis(o.busy_timeout_ms);
        let (queue, jobs) = std::sync::mpsc::channel();
        let (p, o, w) = (pool.clone(), outbox.clone(), writer.clone());
        std::thread::Builder::new()
            .name("souk-writer".into())
            .spawn(move || writer::write_loop(p, o, w, jobs, queue_timeout))
            .map_err(OpenError::Writer)?;
        let reads = Arc::new(tokio::sync::Semaphore::new(2 * pool_size as usize));
        Ok(Db { pool, outbox, writer, queue, queue_timeout, path: path.to_path_buf(), reads })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Changes after every commit that queued a message or changed what a sender may send: the
    /// senders wait on it.
    pub fn outbox_changes(&self) -> tokio::sync::watch::Receiver<u64> {
        self.outbox.signal.subscribe()
    }

    /// Runs `f` on a pooled connection off the async executor.
    pub async fn read<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Connection) -> Result<T, AppError> + Send + 'static,
    {
        let pool = self.pool.clone();
        let permit = self.reads.clone().acquire_owned().await.map_err(AppError::internal)?;
        tokio::task::spawn_blocking(move || {
            let conn = pool.get()?;
            let out = f(&conn);
            drop(permit);
            out
        })
        .await
        .map_err(AppError::internal)?
    }

    /// Runs `f` as the only writer, in a transaction shared with whatever else is queued (each
    /// write in its own savepoint): `f`'s changes stand on Ok and are undone on Err, and Ok is
    /// answered only once they are committed.
    pub async fn write<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&Transaction) -> Result<T, AppError> + Send + 'static,
    {
        let (send, receive) = tokio::sync::oneshot::channel::<Result<T, AppError>>();
        let reply = Arc::new(parking_lot::Mutex::new(Some(send)));
        let on_fail = reply.clone();
        let job = Job {
            queued: std::time::Instant::now(),
            run: Box::new(move |tx| {
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(tx)))
                    .unwrap_or_else(|_| Err(AppError::internal("a database write panicked")));
                let ok = result.is_ok();
                Done {
                    ok,
                    answer: Box::new(move |commit_error| {
                        let out = match (result, commit_error) {
                            (Ok(v), None) => Ok(v),
                            (Ok(_), Some(e)) | (Err(e), _) => Err(e),
                        };
                        if let Some(s) = reply.lock().take() {
                            let _ = s.send(out);
                        }
                    }),
                }
            }),
            fail: Box::new(move |e| {
                if let Some(s) = on_fail.lock().take() {
                    let _ = s.send(Err(e));
                }
            }),
        };
        self.queue.send(job).map_err(|_| AppError::internal("the database writer stopped"))?;
        receive.await.map_err(|_| AppError::internal("the database writer stopped"))?
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
        self.outbox.committed();
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

    /// Every change a storefront page can show moves the storefront version; stock moves it only
    /// when the shown availability changes (sold out, "only N left", plenty), so orders do not
    /// empty the page cache.
    #[test]
    fn the_storefront_version_moves_when_a_page_would_change() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c).unwrap().unwrap();
        c.execute_batch(
            "INSERT INTO products (id, slug, title, status, created_at, updated_at) VALUES (1, 'p', 'P', 'active', 'x', 'x');
             INSERT INTO variants (id, product_id, position, sku, price, on_hand) VALUES (1, 1, 0, 'S', 100, 100);",
        )
        .unwrap();
        let n = |c: &Connection| c.query_row("SELECT n FROM storefront_version", [], |r| r.get::<_, i64>(0)).unwrap();
        let moves = |c: &Connection, sql: &str| {
            let before = n(c);
            c.execute_batch(sql).unwrap();
            n(c) != before
        };
        let columns: Vec<String> = c
            .prepare("SELECT name FROM pragma_table_info('variants')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        for col in columns.iter().filter(|c| !["on_hand", "reserved"].contains(&c.as_str())) {
            assert!(moves(&c, &format!("UPDATE variants SET {col} = {col}")), "updating variants.{col}");
        }
        assert!(!moves(&c, "UPDATE variants SET reserved = 3"), "100 -> 97 left: still plenty");
        assert!(!moves(&c, "UPDATE variants SET on_hand = 9"), "6 left: still plenty");
        assert!(moves(&c, "UPDATE variants SET reserved = 4"), "5 left: only 5 left");
        assert!(moves(&c, "UPDATE variants SET on_hand = 8"), "4 left");
        assert!(moves(&c, "UPDATE variants SET reserved = 8"), "sold out");
        assert!(!moves(&c, "UPDATE variants SET on_hand = 7"), "still sold out");
        c.execute_batch("UPDATE variants SET track_stock = 0").unwrap();
        assert!(!moves(&c, "UPDATE variants SET reserved = 0"), "not tracked: no count shown");
        // A product's card is rewritten only when it differs.
        crate::db::catalog::refresh_card(&c, 1).unwrap();
        let before = n(&c);
        crate::db::catalog::refresh_card(&c, 1).unwrap();
        assert_eq!(n(&c), before, "an unchanged card is not written");
    }

    /// Writes that share a transaction stand or fall alone: a failed or panicking write leaves no
    /// trace and does not undo the others.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn batched_writes_stand_or_fall_alone() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(&dir.path().join("t.db"), 5000, 0, 4).unwrap();
        db.write(|tx| Ok(tx.execute_batch("CREATE TABLE t (n INTEGER)")?)).await.unwrap();
        let tasks: Vec<_> = (0..60)
            .map(|n: i64| {
                let db = db.clone();
                tokio::spawn(async move {
                    db.write(move |tx| {
                        tx.execute("INSERT INTO t (n) VALUES (?1)", [n])?;
                        match n % 3 {
                            0 => Ok(n),
                            1 => Err(AppError::Conflict(format!("no {n}"))),
                            _ if n % 2 == 0 => panic!("a bug in write {n}"),
                            _ => Ok(n),
                        }
                    })
                    .await
                })
            })
            .collect();
        let mut ok = Vec::new();
        for t in tasks {
            if let Ok(n) = t.await.unwrap() {
                ok.push(n);
            }
        }
        let mut stored: Vec<i64> = db
            .read(|c| {
                let mut st = c.prepare("SELECT n FROM t ORDER BY n")?;
                let rows = st.query_map([], |r| r.get(0))?.collect::<Result<Vec<i64>, _>>()?;
                Ok(rows)
            })
            .await
            .unwrap();
        ok.sort_unstable();
        stored.sort_unstable();
        assert_eq!(stored, ok);
        assert_eq!(ok.len(), 30, "every third fails and half of the rest panic");
    }
}

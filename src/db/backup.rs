//! Online backups (SQLite's backup API: consistent while the server writes) and restore.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::SCHEMA_VERSION;

/// Copies the whole database into `dest` in one step (one read snapshot), then moves it into place.
pub fn backup_to(src: &Connection, dest: &Path) -> Result<(), String> {
    let tmp = dest.with_extension("partial");
    let result = (|| -> rusqlite::Result<()> {
        let mut out = Connection::open(&tmp)?;
        {
            let backup = Backup::new(src, &mut out)?;
            // All pages in one step: one read transaction, so one consistent snapshot, while
            // writers go on in WAL mode. Busy or locked only while another connection checkpoints.
            let mut done = false;
            for _ in 0..100 {
                if matches!(backup.step(-1)?, StepResult::Done) {
                    done = true;
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            if !done {
                return Err(rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
                    Some("the database stayed busy for 5 seconds".into()),
                ));
            }
        }
        let check: String = out.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(rusqlite::Error::InvalidQuery);
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&tmp);
        return Err(format!("backup to {} failed: {e}", dest.display()));
    }
    fs::rename(&tmp, dest).map_err(|e| format!("cannot move backup into {}: {e}", dest.display()))
}

/// Takes a timestamped backup into `dir` and keeps only the newest `keep`; returns the new file.
pub fn rotate(src: &Connection, dir: &Path, keep: usize) -> Result<PathBuf, String> {
    fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let name = format!("souk-{}.db", chrono::Utc::now().format("%Y%m%d-%H%M%S%.3f"));
    let dest = dir.join(name);
    backup_to(src, &dest)?;
    let mut all = scheduled_backups(dir);
    all.sort();
    let excess = all.len().saturating_sub(keep);
    for old in &all[..excess] {
        if let Err(e) = fs::remove_file(old) {
            tracing::warn!("cannot remove old backup {}: {e}", old.display());
        }
    }
    Ok(dest)
}

/// The rotated backups in `dir` (names `souk-YYYYMMDD-…db`), in no particular order.
pub fn scheduled_backups(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("souk-2") && n.ends_with(".db"))
        })
        .collect()
}

/// Age of the newest rotated backup; `None` when there is none.
pub fn newest_age(dir: &Path) -> Option<Duration> {
    scheduled_backups(dir)
        .iter()
        .filter_map(|p| fs::metadata(p).ok()?.modified().ok())
        .max()
        .and_then(|t| SystemTime::now().duration_since(t).ok())
}

/// Checks that a file is a healthy Souk database this binary can run; returns its schema version.
pub fn check_backup_file(path: &Path) -> Result<i64, String> {
    if !path.is_file() {
        return Err(format!("{} does not exist", path.display()));
    }
    let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| format!("{} cannot be opened: {e}", path.display()))?;
    let integrity: String = conn
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .map_err(|e| format!("{} is not a SQLite database: {e}", path.display()))?;
    if integrity != "ok" {
        return Err(format!("{} failed the integrity check: {integrity}", path.display()));
    }
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| e.to_string())?;
    let has_users: bool = conn
        .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'users')", [], |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if version == 0 || !has_users {
        return Err(format!("{} is not a Souk database", path.display()));
    }
    if version > SCHEMA_VERSION {
        return Err(format!(
            "{} has schema version {version}, newer than this souk understands ({SCHEMA_VERSION})",
            path.display()
        ));
    }
    Ok(version)
}

/// Replaces `db_path` with the backup `file`, keeping the replaced database in `backup_dir`.
/// The caller must hold the data-folder lock (no server running). Returns where the old file went.
pub fn restore(db_path: &Path, backup_dir: &Path, file: &Path) -> Result<Option<PathBuf>, String> {
    check_backup_file(file)?;
    fs::create_dir_all(backup_dir).map_err(|e| format!("cannot create {}: {e}", backup_dir.display()))?;
    let staged = db_path.with_extension("restoring");
    fs::copy(file, &staged).map_err(|e| format!("cannot copy {}: {e}", file.display()))?;
    let mut kept = None;
    if db_path.exists() {
        // Fold the WAL into the main file so the kept copy is complete on its own; if another
        // process holds the database open, stop rather than keep an incomplete copy.
        let conn = Connection::open(db_path).map_err(|e| format!("cannot open the current database: {e}"))?;
        let busy: i64 = conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| r.get(0))
            .map_err(|e| format!("cannot checkpoint the current database: {e}"))?;
        drop(conn);
        if busy != 0 {
            let _ = fs::remove_file(&staged);
            return Err("another program has the database open; close it and try again".into());
        }
        let aside = backup_dir.join(format!("replaced-{}.db", chrono::Utc::now().format("%Y%m%d-%H%M%S")));
        fs::rename(db_path, &aside).map_err(|e| format!("cannot move the current database aside: {e}"))?;
        kept = Some(aside);
    }
    for suffix in ["-wal", "-shm"] {
        let mut side = db_path.as_os_str().to_owned();
        side.push(suffix);
        let _ = fs::remove_file(PathBuf::from(side));
    }
    fs::rename(&staged, db_path).map_err(|e| format!("cannot move the restored database into place: {e}"))?;
    Ok(kept)
}

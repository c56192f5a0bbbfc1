//! Migrations, the busy and full database, backup while writing, and restore (issue 2).

mod common;

use std::process::Command;

use common::*;
use reqwest::StatusCode;
use souk::app::Actor;
use souk::db::{self, Db};

fn souk(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_souk"))
        .args(args)
        .env("SOUK_DATA__DIR", dir)
        .env("SOUK_LOG__LEVEL", "warn")
        .env_remove("SOUK_CONFIG")
        .current_dir(dir)
        .output()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_older_schema_is_migrated_at_start_and_keeps_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path());
    {
        let mut conn = rusqlite::Connection::open(config.db_path()).unwrap();
        db::migrate_to(&mut conn, 1).unwrap().unwrap();
        conn.execute(
            "INSERT INTO users (email, name, role, password_hash, created_at, password_changed_at) VALUES ('old@example.com', 'Old', 'owner', 'x', 'now', 'now')",
            [],
        )
        .unwrap();
        let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 1);
    }
    let app = TestApp::spawn_in(dir, config).await;
    assert!(app.setup_url.is_none(), "an owner exists, so no setup link");
    let v: i64 = app.db().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    assert_eq!(v, db::SCHEMA_VERSION);
    assert_eq!(app.count("SELECT count(*) FROM users WHERE email = 'old@example.com'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM outbox"), 0, "the new tables exist");
    let health: serde_json::Value = app.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["schema_version"], db::SCHEMA_VERSION);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_newer_than_the_binary_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let config = test_config(dir.path());
    {
        let conn = rusqlite::Connection::open(config.db_path()).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
    }
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let err = souk::start(listener, config).await.err().expect("refused");
    let msg = err.to_string();
    assert!(msg.contains("schema version 99") && msg.contains("newer"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_database_answers_503_with_retry_after() {
    let app = TestApp::spawn_with(|c| c.database.busy_timeout_ms = 200).await;
    app.setup_owner().await;
    let blocker = app.db();
    blocker.execute_batch("BEGIN IMMEDIATE; INSERT INTO server_keys (name, value) VALUES ('held', x'00');").unwrap();
    // Reads still work in WAL mode; a write waits past the timeout and gets 503.
    assert_eq!(app.get("/admin").await.status(), StatusCode::OK);
    let res = app.submit("/admin/settings", "/admin/settings/test-email", &[("to", "a@example.com")]).await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(res.headers().contains_key("retry-after"));
    assert!(res.text().await.unwrap().contains("busy"));
    blocker.execute_batch("ROLLBACK").unwrap();
    let res = app.submit("/admin/settings", "/admin/settings/test-email", &[("to", "a@example.com")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[test]
fn a_full_database_refuses_the_write_and_stays_intact() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("souk.db"), 1000, 1, 2).unwrap();
    db.write_blocking(|tx| Ok(Actor::system().record(tx, "before", "", "")?)).unwrap();
    let big = vec![7u8; 2 * 1024 * 1024];
    let err = db
        .write_blocking(|tx| {
            Actor::system().record(tx, "half-written", "", "")?;
            tx.execute("INSERT INTO server_keys (name, value) VALUES ('big', ?1)", [&big])?;
            Ok(())
        })
        .unwrap_err();
    assert!(matches!(err, souk::error::AppError::Unavailable { .. }), "{err:?}");
    let conn = db.conn().unwrap();
    let actions: Vec<String> = conn
        .prepare("SELECT action FROM audit_log")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(actions, ["before"], "nothing of the failed transaction is kept");
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_while_writing_then_restore_gives_the_same_rows() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let data = app.dir.path().to_path_buf();
    // Writers keep appending while the backup runs, two rows per transaction; the backup starts
    // once the first of them has committed.
    let (started, writing) = tokio::sync::oneshot::channel();
    let writer = {
        let state = app.state.clone();
        tokio::spawn(async move {
            let mut started = Some(started);
            for i in 0..400 {
                state
                    .db
                    .write(move |tx| {
                        Actor::system().record(tx, "load.first", &i.to_string(), "")?;
                        Ok(Actor::system().record(tx, "load.second", &i.to_string(), "")?)
                    })
                    .await
                    .unwrap();
                if let Some(tell) = started.take() {
                    let _ = tell.send(());
                }
            }
        })
    };
    writing.await.unwrap();
    let file = data.join("copy.db");
    let out = tokio::task::spawn_blocking({
        let (d, f) = (data.clone(), file.clone());
        move || souk(&d, &["backup", f.to_str().unwrap()])
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    writer.await.unwrap();

    let copy = rusqlite::Connection::open(&file).unwrap();
    let ok: String = copy.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let rows_in_copy: i64 = copy.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    // A consistent snapshot holds whole transactions: every pair complete, none half-copied.
    let halves: i64 = copy
        .query_row(
            "SELECT count(*) FROM audit_log a WHERE a.action = 'load.first'
             AND NOT EXISTS (SELECT 1 FROM audit_log b WHERE b.action = 'load.second' AND b.target = a.target)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(halves, 0);
    let firsts: i64 =
        copy.query_row("SELECT count(*) FROM audit_log WHERE action = 'load.first'", [], |r| r.get(0)).unwrap();
    let seconds: i64 =
        copy.query_row("SELECT count(*) FROM audit_log WHERE action = 'load.second'", [], |r| r.get(0)).unwrap();
    assert_eq!(firsts, seconds);
    drop(copy);

    // Restore refuses while the server runs on the folder.
    let out = souk(&data, &["restore", file.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("running"), "{}", String::from_utf8_lossy(&out.stderr));

    let live_rows = app.count("SELECT count(*) FROM audit_log");
    assert!(live_rows > rows_in_copy);
    let dir = app.stop().await;
    let handle_dir = dir.path().to_path_buf();

    let out = souk(&handle_dir, &["restore", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("kept at"));
    let restored = rusqlite::Connection::open(handle_dir.join("souk.db")).unwrap();
    let ok: String = restored.query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");
    let rows: i64 =
        restored.query_row("SELECT count(*) FROM audit_log WHERE action != 'restore'", [], |r| r.get(0)).unwrap();
    assert_eq!(rows, rows_in_copy);
    // The replaced database was kept aside, whole.
    let kept: Vec<_> = std::fs::read_dir(handle_dir.join("backups"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("replaced-"))
        .collect();
    assert_eq!(kept.len(), 1);
    let old = rusqlite::Connection::open(&kept[0]).unwrap();
    let old_rows: i64 = old.query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).unwrap();
    assert!(old_rows >= live_rows);
}

#[test]
fn restore_refuses_files_that_are_not_healthy_souk_databases() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.db");
    std::fs::write(&junk, b"this is not a database").unwrap();
    let out = souk(dir.path(), &["restore", junk.to_str().unwrap()]);
    assert!(!out.status.success());
    let other = dir.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t (x); PRAGMA user_version = 1;").unwrap();
    let out = souk(dir.path(), &["restore", other.to_str().unwrap()]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a Souk database"));
    assert!(!dir.path().join("souk.db").exists(), "nothing was replaced");
}

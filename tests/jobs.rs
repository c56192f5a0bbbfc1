//! The scheduler: job runs are recorded, the nightly backup rotates (issue 2).

mod common;

use common::*;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_backup_runs_is_recorded_and_keeps_the_newest() {
    let app = TestApp::spawn_with(|c| {
        c.jobs.backup = "* * * * * *".into();
        c.backup.keep = 2;
    })
    .await;
    assert!(
        eventually(10, || app
            .count("SELECT count(*) FROM job_runs WHERE job = 'backup' AND trigger = 'schedule' AND outcome = 'ok'")
            >= 3)
        .await,
        "three scheduled backups ran"
    );
    let run: (String, String, Option<String>) = app
        .db()
        .query_row(
            "SELECT outcome, message, finished_at FROM job_runs WHERE job = 'backup' ORDER BY id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(run.0, "ok");
    assert!(run.1.starts_with("souk-") && run.2.is_some(), "{run:?}");
    let backups = souk::db::backup::scheduled_backups(&app.config.backup_dir());
    assert!(backups.len() <= 2, "only the newest two are kept: {backups:?}");
    let health: serde_json::Value = app.get("/healthz").await.json().await.unwrap();
    assert!(health["last_backup_age_seconds"].as_u64().unwrap() < 60);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_runs_a_job_by_hand_and_sees_it_listed() {
    let app = TestApp::spawn_with(|c| c.jobs.backup = String::new()).await;
    app.setup_owner().await;
    let (_, html) = app.page("/admin/jobs").await;
    assert!(html.contains("backup") && html.contains("off"));
    let res = app.submit("/admin/jobs", "/admin/jobs/purge/run", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app.submit("/admin/jobs", "/admin/jobs/backup/run", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/admin/jobs").await;
    assert!(html.contains("Job backup finished"));
    assert!(html.contains("manual"));
    assert_eq!(app.count("SELECT count(*) FROM job_runs WHERE trigger = 'manual' AND outcome = 'ok'"), 2);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'job.run'"), 2);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'backup'"), 1);
    assert_eq!(souk::db::backup::scheduled_backups(&app.config.backup_dir()).len(), 1);
    assert_eq!(app.submit("/admin/jobs", "/admin/jobs/nope/run", &[]).await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn purge_removes_expired_sessions() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    app.db().execute("UPDATE sessions SET last_seen_at = '2000-01-01T00:00:00.000Z'", []).unwrap();
    let msg = souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "purge", "manual").await.unwrap();
    assert!(msg.contains("removed 1 sessions"), "{msg}");
    assert_eq!(app.count("SELECT count(*) FROM sessions"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_log_filters_by_user_action_and_date() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    app.login_as(&browser(), "nobody@example.com", "wrong-password").await;
    let (_, html) = app.page("/admin/audit?action=login.failed").await;
    assert!(html.contains("nobody@example.com"));
    assert!(!html.contains("<code>setup</code>"));
    let (_, html) = app.page("/admin/audit?actor=asha@example.com").await;
    assert!(html.contains("<code>setup</code>") && !html.contains("nobody@example.com"));
    let (_, html) = app.page("/admin/audit?from=2000-01-01&to=2000-01-02").await;
    assert!(html.contains("Nothing recorded matches"));
}

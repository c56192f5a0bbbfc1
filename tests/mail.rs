//! The outbox delivers through lettre's SMTP transport to a real SMTP server on loopback (issue 2).

mod common;

use std::net::TcpListener;

use common::smtp::*;
use common::*;
use reqwest::StatusCode;

async fn send_test_email(app: &TestApp, to: &str) {
    let res = app.submit("/admin/settings", "/admin/settings/test-email", &[("to", to)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn test_email_is_delivered_over_smtp() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = smtp_server(listener);
    let app = TestApp::spawn_with(|c| {
        c.mail.smtp_url = souk::config::Secret::new(format!("smtp://127.0.0.1:{port}"));
        c.mail.from = "Asha's Kitchen <shop@example.com>".into();
    })
    .await;
    app.setup_owner().await;
    send_test_email(&app, "owner@example.net").await;
    assert!(eventually(10, || !received.lock().unwrap().is_empty()).await, "the message arrives");
    let msg = received.lock().unwrap()[0].clone();
    assert!(msg.contains("Subject: Test email from Asha's Kitchen"), "{msg}");
    assert!(msg.contains("To: owner@example.net"));
    assert!(msg.contains("Message-ID: <souk-1-"));
    assert!(eventually(5, || app.count("SELECT count(*) FROM outbox WHERE status = 'sent'") == 1).await);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'mail.test'"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_waits_while_smtp_is_down_and_is_delivered_once_it_is_back() {
    // Reserve a port with nothing listening on it yet.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = TestApp::spawn_with(|c| {
        c.mail.smtp_url = souk::config::Secret::new(format!("smtp://127.0.0.1:{port}"));
        c.mail.from = "shop@example.com".into();
        c.mail.retry_base_secs = 1;
    })
    .await;
    app.setup_owner().await;
    send_test_email(&app, "owner@example.net").await;
    assert!(
        eventually(10, || app
            .count("SELECT count(*) FROM outbox WHERE attempts >= 1 AND status = 'pending' AND last_error != ''")
            == 1)
        .await,
        "the failed attempt is recorded and the message stays queued"
    );
    let (_, html) = app.page("/admin/outbox").await;
    assert!(html.contains("pending"));

    let received = smtp_server(TcpListener::bind(("127.0.0.1", port)).unwrap());
    assert!(eventually(20, || received.lock().unwrap().len() == 1).await, "delivered after the server came back");
    assert!(
        eventually(5, || app.count("SELECT count(*) FROM outbox WHERE status = 'sent' AND attempts >= 2") == 1).await
    );
    // Exactly once: a message is marked sent after its one accepted delivery and nothing else is
    // pending, so no later copy can come; any repeat would already be here.
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE status = 'pending'"), 0);
    assert_eq!(received.lock().unwrap().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_messages_wait_and_the_owner_is_told() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    send_test_email(&app, "owner@example.net").await;
    let (_, html) = app.page("/admin/settings").await;
    assert!(html.contains("waiting in the outbox"), "the flash says where the message is");
    let (_, html) = app.page("/admin/outbox").await;
    assert!(html.contains("No SMTP server is configured"));
    assert!(html.contains("owner@example.net"));
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE status = 'pending' AND attempts = 0"), 1);
    let health: serde_json::Value = app.get("/healthz").await.json().await.unwrap();
    assert_eq!(health["outbox"]["pending"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_recipient_fails_permanently_without_retries() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = smtp_server_refusing(listener, Some("gone@example.net"));
    let app = smtp_app(port, 30).await;
    app.setup_owner().await;
    send_test_email(&app, "gone@example.net").await;
    assert!(
        eventually(10, || app.count("SELECT count(*) FROM outbox WHERE status = 'failed' AND attempts = 1") == 1).await
    );
    let err: String = app.db().query_row("SELECT last_error FROM outbox", [], |r| r.get(0)).unwrap();
    assert!(err.contains("550"), "{err}");
    assert!(received.lock().unwrap().is_empty());
    // A message that cannot even be addressed fails the same way.
    app.db()
        .execute("INSERT INTO outbox (kind, to_addr, subject, body_text, body_html, status, next_attempt_at, created_at) VALUES ('test', 'not an address', 's', 't', '', 'pending', '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z')", [])
        .unwrap();
    app.state.wake_mailer();
    assert!(eventually(10, || app.count("SELECT count(*) FROM outbox WHERE status = 'failed'") == 2).await);
}

async fn smtp_app(port: u16, retry_base_secs: i64) -> TestApp {
    TestApp::spawn_with(|c| {
        c.mail.smtp_url = souk::config::Secret::new(format!("smtp://127.0.0.1:{port}"));
        c.mail.from = "Asha's Kitchen <shop@example.com>".into();
        c.mail.retry_base_secs = retry_base_secs;
    })
    .await
}

/// Every text and blob value in every table of the shop's database.
fn every_stored_value(app: &TestApp) -> Vec<String> {
    let db = app.db();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut values = Vec::new();
    for t in tables {
        let mut st = db.prepare(&format!("SELECT * FROM {t}")).unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            for i in 0..n {
                match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => {
                        values.push(String::from_utf8_lossy(b).to_string())
                    }
                    _ => {}
                }
            }
        }
    }
    values
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invitation_is_emailed_and_its_link_is_not_kept() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = smtp_server(listener);
    let app = smtp_app(port, 30).await;
    app.setup_owner().await;
    let res =
        app.submit("/admin/users", "/admin/users/invite", &[("email", "ravi@example.com"), ("role", "staff")]).await;
    let html = res.text().await.unwrap();
    assert!(html.contains("on its way"));
    assert!(eventually(10, || received.lock().unwrap().len() == 1).await);
    // Undo quoted-printable: soft line breaks and the encoded "=".
    let msg = received.lock().unwrap()[0].replace("=\r\n", "").replace("=3D", "=");
    let at = msg.find("/admin/invite?token=").expect("the email carries the link");
    let token: String =
        msg[at + "/admin/invite?token=".len()..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert_eq!(token.len(), 64);
    assert!(eventually(5, || app.count("SELECT count(*) FROM outbox WHERE status = 'sent'") == 1).await);
    assert!(
        every_stored_value(&app).iter().all(|v| !v.contains(&token)),
        "once sent, the raw token is nowhere in the database (only its hash)"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_withdrawn_invitation_is_never_sent() {
    // SMTP is configured but down, so the invitation waits in the outbox.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = smtp_app(port, 3600).await;
    app.setup_owner().await;
    app.submit("/admin/users", "/admin/users/invite", &[("email", "ravi@example.com"), ("role", "staff")]).await;
    assert!(
        eventually(10, || app.count("SELECT count(*) FROM outbox WHERE attempts = 1 AND status = 'pending'") == 1)
            .await
    );
    let id: i64 =
        app.db().query_row("SELECT id FROM one_time_tokens WHERE purpose = 'invite'", [], |r| r.get(0)).unwrap();
    app.submit("/admin/users", &format!("/admin/invites/{id}/revoke"), &[]).await;
    let (status, body): (String, String) =
        app.db().query_row("SELECT status, body_text FROM outbox", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!(status, "failed");
    assert!(!body.contains("token="), "{body}");
    let received = smtp_server(TcpListener::bind(("127.0.0.1", port)).unwrap());
    let msg_id: i64 = app.db().query_row("SELECT id FROM outbox", [], |r| r.get(0)).unwrap();
    // Retrying a wiped invitation is refused: there is nothing left to send.
    let res = app.submit("/admin/outbox", &format!("/admin/outbox/{msg_id}/retry"), &[]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    // Nothing is pending, so the sender, woken, has nothing to send.
    app.state.wake_mailer();
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE status = 'pending'"), 0);
    assert!(received.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queued_mail_survives_a_restart_and_is_sent_once() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    send_test_email(&app, "owner@example.net").await;
    let mut config = app.config.clone();
    let dir = app.stop().await;

    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = smtp_server(listener);
    config.mail.smtp_url = souk::config::Secret::new(format!("smtp://127.0.0.1:{port}"));
    config.mail.from = "shop@example.com".into();
    let app = TestApp::spawn_in(dir, config).await;
    assert!(
        eventually(10, || received.lock().unwrap().len() == 1).await,
        "the queued message is sent after the restart"
    );
    assert!(eventually(5, || app.count("SELECT count(*) FROM outbox WHERE status = 'sent'") == 1).await);
    // Marked sent after its one accepted delivery, with nothing pending: no second copy can come.
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE status = 'pending'"), 0);
    assert_eq!(received.lock().unwrap().len(), 1);
}

/// Issue 11: when a customer cancels their order (after confirming), the seller's notice goes out
/// through the outbox to a real SMTP server: to every owner when the shop has no contact email,
/// naming the order's code and not the customer's address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_cancel_is_emailed_to_the_seller() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = smtp_server(listener);
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path());
    config.mail.smtp_url = souk::config::Secret::new(format!("smtp://127.0.0.1:{port}"));
    config.mail.from = "Souk Demo Bazaar <shop@example.com>".into();
    let db = souk::db::Db::open(&config.db_path(), 5000, 0, 2).unwrap();
    db.write_blocking(|tx| souk::demo::fill(tx, false).map_err(souk::error::AppError::Conflict)).unwrap();
    drop(db);
    let app = TestApp::spawn_in(dir, config).await;
    app.setup_owner().await;
    let sku = common::shop::stock(&app, "canvas-tote", 5);
    let shopper = browser();
    common::shop::add(&app, &shopper, &sku, "1").await;
    let res = common::shop::checkout(&app, &shopper, common::shop::CUSTOMER).await;
    let link = location(&res);
    let token = link.split("t=").nth(1).unwrap().to_string();
    let confirm = app.get_as(&shopper, &format!("/o/ORD-1001/cancel?t={token}")).await.text().await.unwrap();
    let csrf = csrf_from(&confirm).unwrap();
    let res = shopper
        .post(app.url("/o/ORD-1001/cancel"))
        .form(&[("csrf", csrf.as_str()), ("t", token.as_str()), ("confirm", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    let cancelled = || {
        received
            .lock()
            .unwrap()
            .iter()
            .find(|m| m.contains("Subject: Order ORD-1001 was cancelled by the customer"))
            .cloned()
    };
    assert!(eventually(10, || cancelled().is_some()).await, "the seller's notice arrives");
    // Undo quoted-printable: soft line breaks.
    let msg = cancelled().unwrap().replace("=\r\n", "");
    assert!(msg.contains(&format!("To: {OWNER_EMAIL}")), "the owner, as the shop has no contact email: {msg}");
    assert!(msg.contains("cancelled order ORD-1001"), "{msg}");
    for private in ["Hawa Mahal", "302002", "Jaipur", "9988776655"] {
        assert!(!msg.contains(private), "{private} is not in the seller's notice: {msg}");
    }
}

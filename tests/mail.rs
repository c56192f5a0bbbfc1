//! The outbox delivers through lettre's SMTP transport to a real SMTP server on loopback (issue 2).

mod common;

use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use common::*;
use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server, SslConfig};
use reqwest::StatusCode;

/// A real SMTP server (mailin-embedded) that keeps every message it receives.
#[derive(Clone, Default)]
struct Inbox {
    received: Arc<Mutex<Vec<String>>>,
    current: Vec<u8>,
}

impl Handler for Inbox {
    fn data_start(&mut self, _domain: &str, _from: &str, _is8bit: bool, _to: &[String]) -> Response {
        self.current.clear();
        response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.current.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> Response {
        let msg = String::from_utf8_lossy(&self.current).to_string();
        self.received.lock().unwrap().push(msg);
        response::OK
    }
}

fn smtp_server(listener: TcpListener) -> Arc<Mutex<Vec<String>>> {
    let inbox = Inbox::default();
    let received = inbox.received.clone();
    let mut server = Server::new(inbox);
    server.with_name("smtp.test").with_ssl(SslConfig::None).unwrap().with_tcp_listener(listener);
    std::thread::spawn(move || {
        let _ = server.serve();
    });
    received
}

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
    // Exactly once: more time does not bring a second copy.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
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
async fn a_bad_recipient_fails_permanently_without_retries() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let _received = smtp_server(listener);
    let app = TestApp::spawn_with(|c| {
        c.mail.smtp_url = souk::config::Secret::new(format!("smtp://127.0.0.1:{port}"));
        c.mail.from = "shop@example.com".into();
    })
    .await;
    app.setup_owner().await;
    // Seed a message that cannot be addressed, as a later feature might by mistake.
    app.db()
        .execute("INSERT INTO outbox (kind, to_addr, subject, body_text, body_html, status, next_attempt_at, created_at) VALUES ('test', 'not an address', 's', 't', '', 'pending', '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z')", [])
        .unwrap();
    app.state.wake_mailer();
    assert!(
        eventually(10, || app.count("SELECT count(*) FROM outbox WHERE status = 'failed' AND attempts = 1") == 1).await
    );
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
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(received.lock().unwrap().len(), 1);
}

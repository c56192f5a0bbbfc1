//! HTTP behaviour: security headers, error pages, body limits, assets, health, forwarded addresses (issue 2).

mod common;

use std::sync::atomic::Ordering;

use common::*;
use reqwest::StatusCode;

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers().get(name).and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_carries_security_headers() {
    let app = TestApp::spawn().await;
    let res = app.get("/admin/login").await;
    let csp = header(&res, "content-security-policy");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "the admin cannot be framed: {csp}");
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    assert_eq!(header(&res, "x-frame-options"), "DENY");
    assert!(!header(&res, "referrer-policy").is_empty());
    assert_eq!(header(&res, "x-request-id").len(), 16);
    let res = app.get("/").await;
    assert!(header(&res, "content-security-policy").contains("default-src 'self'"));
    let html = res.text().await.unwrap();
    assert!(!html.contains("<script>") && !html.contains("style=\""), "no inline script or style");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_pages_get_the_404_page_in_the_shops_layout() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(header(&res, "content-type").starts_with("text/html"));
    let html = res.text().await.unwrap();
    assert!(
        html.contains("Page not found") && html.contains("Asha&#39;s Kitchen") || html.contains("Asha's Kitchen"),
        "{html}"
    );
    assert!(html.contains("This page does not exist"), "a sentence a person understands");
    assert!(!html.to_lowercase().contains("panicked") && !html.contains("src/"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_get_413() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let huge = "x".repeat(300 * 1024);
    let token = csrf_from(&app.page("/admin/settings").await.1).unwrap();
    let res = app
        .client
        .post(app.url("/admin/login"))
        .form(&[("csrf", token.as_str()), ("email", huge.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'login%'"), 0);
    assert!(res.text().await.unwrap().contains("too large"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assets_are_served_at_immutable_hashed_urls_and_compressed() {
    let app = TestApp::spawn().await;
    let html = app.page("/").await.1;
    let at = html.find("/assets/").unwrap();
    let href = &html[at..];
    let href = &href[..href.find('"').unwrap()];
    assert!(href.ends_with("css/souk.css"));
    let res = app.client.get(app.url(href)).header("accept-encoding", "gzip").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(header(&res, "cache-control").contains("immutable"));
    assert!(header(&res, "content-type").starts_with("text/css"));
    assert_eq!(header(&res, "content-encoding"), "gzip");
    let head = app.client.head(app.url(href)).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK, "HEAD, as link checkers ask");
    assert!(header(&head, "content-type").starts_with("text/css"));
    assert!(head.bytes().await.unwrap().is_empty());
    // An outdated hash points to the current file; an unknown file is a 404.
    let res = app.get("/assets/000000000000/css/souk.css").await;
    assert_eq!(res.status(), StatusCode::FOUND);
    assert_eq!(location(&res), href);
    assert_eq!(app.get("/assets/000000000000/nope.css").await.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_and_turns_503_when_the_scheduler_stalls() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], "ok");
    assert_eq!(body["scheduler"], "alive");
    assert_eq!(body["schema_version"], souk::db::SCHEMA_VERSION);
    assert!(body["last_backup_age_seconds"].is_null());
    assert_eq!(body["outbox"]["pending"], 0);
    // Uptime monitors often ask with HEAD: the same status, without the body.
    let head = app.client.head(app.url("/healthz")).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::OK);
    assert!(head.bytes().await.unwrap().is_empty());
    app.state.heartbeat.store(0, Ordering::Relaxed);
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
    let head = app.client.head(app.url("/healthz")).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["scheduler"], "stalled");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_addresses_are_believed_only_from_trusted_proxies() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let res = app
        .client
        .post(app.url("/admin/login"))
        .header("x-forwarded-for", "203.0.113.7")
        .form(&[
            ("csrf", csrf_from(&app.page("/admin/login").await.1).unwrap().as_str()),
            ("email", "x@example.com"),
            ("password", "wrong-password"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let ip: String =
        app.db().query_row("SELECT ip FROM audit_log WHERE action = 'login.failed'", [], |r| r.get(0)).unwrap();
    assert_eq!(ip, "127.0.0.1", "a spoofed header from an untrusted peer is ignored");

    let proxied = TestApp::spawn_with(|c| c.server.trusted_proxies = vec!["127.0.0.1".into()]).await;
    proxied.setup_owner().await;
    let b = browser();
    let token = csrf_from(&proxied.get_as(&b, "/admin/login").await.text().await.unwrap()).unwrap();
    let res = b
        .post(proxied.url("/admin/login"))
        .header("x-forwarded-for", "198.51.100.4")
        .header("x-forwarded-proto", "https")
        .form(&[("csrf", token.as_str()), ("email", OWNER_EMAIL), ("password", OWNER_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie(&res, "souk_session").unwrap();
    assert!(cookie.contains("Secure"), "HTTPS reported by a trusted proxy makes the cookie Secure: {cookie}");
    let ip: String =
        proxied.db().query_row("SELECT ip FROM audit_log WHERE action = 'login'", [], |r| r.get(0)).unwrap();
    assert_eq!(ip, "198.51.100.4");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn internal_errors_show_the_shops_500_page_without_details() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    // Break the database under the running server, as a damaged file would.
    app.db().execute_batch("DROP TABLE job_runs").unwrap();
    let res = app.get("/admin/jobs").await;
    assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!header(&res, "x-request-id").is_empty());
    let html = res.text().await.unwrap();
    assert!(html.contains("Something went wrong") && html.contains("Asha"), "{html}");
    assert!(!html.contains("job_runs") && !html.contains("no such table"), "no internal detail leaks");
}

//! First-run setup, sign-in and sign-out, throttling, CSRF, and session expiry (issue 2).

mod common;

use common::*;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_run_setup_creates_the_owner_once() {
    let app = TestApp::spawn().await;
    let url = app.setup_url.clone().expect("first run prints a setup link");
    let path = url.strip_prefix(&app.base).unwrap().to_string();
    let token = path.split("token=").nth(1).unwrap().to_string();
    assert!(token.len() >= 32, "token has at least 128 bits");

    // Without an owner, sign-in explains where the setup link is.
    let (status, html) = app.page("/admin/login").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("not set up yet"));

    // Bad fields: the form again, 422, a message at each field, nothing created.
    let res = app
        .submit(
            &path,
            "/admin/setup",
            &[
                ("token", &token),
                ("shop_name", ""),
                ("name", "Asha"),
                ("email", "nope"),
                ("password", "short"),
                ("confirm", "short"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Enter your shop"));
    assert!(html.contains("Enter an email address"));
    assert!(html.contains("at least 10 characters"));
    assert_eq!(app.count("SELECT count(*) FROM users"), 0);

    app.setup_owner().await;
    let (status, html) = app.page("/admin").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Dashboard") && html.contains("Asha's Kitchen"));
    assert_eq!(app.count("SELECT count(*) FROM users WHERE role = 'owner'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'setup'"), 1);

    // The link is single use, and the page does not say why it fails.
    let other = browser();
    let res = app.get_as(&other, &path).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("This link is not valid"));
    // The token is stored only as a hash.
    let raw: i64 = app
        .db()
        .query_row("SELECT count(*) FROM one_time_tokens WHERE token_hash = ?1", [token.as_bytes()], |r| r.get(0))
        .unwrap();
    assert_eq!(raw, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_or_expired_setup_tokens_get_a_plain_page() {
    let app = TestApp::spawn().await;
    let (status, html) = app.page("/admin/setup?token=0123456789abcdef").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains("This link is not valid"));
    let url = app.setup_url.clone().unwrap();
    app.db().execute("UPDATE one_time_tokens SET expires_at = '2000-01-01T00:00:00.000Z'", []).unwrap();
    let res = app.client.get(&url).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_in_and_sign_out() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let b = browser();
    let res = app.get_as(&b, "/admin/settings").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/login?next=/admin/settings");

    let res = app.login_as(&b, OWNER_EMAIL, "wrong-password-1").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("The email or password is not right"));

    let res = b
        .post(app.url("/admin/login"))
        .form(&[
            ("csrf", csrf_from(&app.get_as(&b, "/admin/login").await.text().await.unwrap()).unwrap().as_str()),
            ("email", "ASHA@example.com"),
            ("password", OWNER_PASSWORD),
            ("next", "/admin/settings"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/settings");
    let cookie = set_cookie(&res, "souk_session").unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(!cookie.contains("Secure"), "plain HTTP from an untrusted peer gets no Secure flag");
    assert_eq!(app.get_as(&b, "/admin/settings").await.status(), StatusCode::OK);

    let res = app.submit_as(&b, "/admin", "/admin/logout", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&b, "/admin").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'login.failed'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action IN ('login', 'logout')"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signing_in_again_replaces_the_previous_session() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let b = browser();
    let first = app.login_as(&b, OWNER_EMAIL, OWNER_PASSWORD).await;
    let old_cookie = set_cookie(&first, "souk_session").unwrap();
    let old_value = old_cookie.split(';').next().unwrap().to_string();
    app.login_as(&b, OWNER_EMAIL, OWNER_PASSWORD).await;
    // The setup browser's session and the new one remain; the replaced one is gone.
    assert_eq!(app.count("SELECT count(*) FROM sessions"), 2);
    let replay = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = replay.get(app.url("/admin")).header("cookie", old_value).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the old session token no longer works");
    let hashes: Vec<Vec<u8>> = {
        let db = app.db();
        let mut st = db.prepare("SELECT token_hash FROM sessions").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|r| r.unwrap()).collect()
    };
    assert!(hashes.iter().all(|h| h.len() == 32), "stored as SHA-256 hashes");
}

/// Posts a sign-in as if from `client_ip`, through a trusted proxy on loopback.
async fn login_from(
    app: &TestApp,
    b: &reqwest::Client,
    client_ip: &str,
    email: &str,
    password: &str,
) -> reqwest::Response {
    let token = csrf_from(&app.get_as(b, "/admin/login").await.text().await.unwrap()).unwrap();
    b.post(app.url("/admin/login"))
        .header("x-forwarded-for", client_ip)
        .form(&[("csrf", token.as_str()), ("email", email), ("password", password)])
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_pause_sign_in_for_the_account() {
    let app = TestApp::spawn_with(|c| c.server.trusted_proxies = vec!["127.0.0.1".into()]).await;
    app.setup_owner().await;
    let b = browser();
    // Each guess from another address: only the per-account counter can pause them.
    for i in 1..=4 {
        let res = login_from(&app, &b, &format!("198.51.100.{i}"), OWNER_EMAIL, "not-the-password").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "failure {i}");
    }
    let res = login_from(&app, &b, "198.51.100.5", OWNER_EMAIL, "not-the-password").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.headers().contains_key("retry-after"));
    assert!(res.text().await.unwrap().contains("try again in 30 seconds"));
    // Even the right password, from a fresh address, is refused while paused, and the message says so.
    let res = login_from(&app, &b, "203.0.113.50", OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("Too many failed sign-ins"));
    // When the pause is over, the right password works and clears the counters.
    app.db().execute("UPDATE login_throttle SET locked_until = '2000-01-01T00:00:00.000Z'", []).unwrap();
    let res = login_from(&app, &b, "203.0.113.50", OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM login_throttle WHERE key = 'account:asha@example.com'"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn repeated_failures_pause_sign_in_for_the_address() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let b = browser();
    for i in 0..5 {
        let email = format!("guess{i}@example.com");
        app.login_as(&b, &email, "not-the-password").await;
    }
    // Five unknown accounts from one address: the address is paused, the owner's account is not to blame.
    let res = app.login_as(&b, OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count("SELECT failures FROM login_throttle WHERE key = 'ip:127.0.0.1'"), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_csrf_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let before = app.count("SELECT count(*) FROM audit_log");
    let fields = [("name", "Hacked"), ("currency", "USD")];
    // No token.
    let res = app.client.post(app.url("/admin/settings")).form(&fields).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Another browser's token.
    let other = browser();
    let foreign = csrf_from(&app.get_as(&other, "/admin/login").await.text().await.unwrap()).unwrap();
    let res = app
        .client
        .post(app.url("/admin/settings"))
        .form(&[("csrf", foreign.as_str()), ("name", "Hacked"), ("currency", "USD")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // The right token, but posted from another site.
    let token = csrf_from(&app.page("/admin/settings").await.1).unwrap();
    let res = app
        .client
        .post(app.url("/admin/settings"))
        .header("origin", "https://evil.example")
        .form(&[("csrf", token.as_str()), ("name", "Hacked"), ("currency", "USD")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.text().await.unwrap().contains("did not come from this shop"));
    let name: String = app.db().query_row("SELECT name FROM shop_settings", [], |r| r.get(0)).unwrap();
    assert_eq!(name, "Asha's Kitchen");
    assert_eq!(app.count("SELECT count(*) FROM audit_log"), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_and_old_sessions_expire() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    assert_eq!(app.get("/admin").await.status(), StatusCode::OK);
    // Idle for longer than session.idle_minutes (720).
    app.db()
        .execute("UPDATE sessions SET last_seen_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-721 minutes')", [])
        .unwrap();
    let res = app.get("/admin").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/admin/login"));
    assert_eq!(app.count("SELECT count(*) FROM sessions"), 0);

    // Active, but signed in longer ago than session.absolute_hours (168).
    app.login_as(&app.client, OWNER_EMAIL, OWNER_PASSWORD).await;
    app.db()
        .execute("UPDATE sessions SET created_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-169 hours')", [])
        .unwrap();
    assert_eq!(app.get("/admin").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_out_everywhere_ends_every_session() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let phone = browser();
    app.login_as(&phone, OWNER_EMAIL, OWNER_PASSWORD).await;
    assert_eq!(app.get_as(&phone, "/admin").await.status(), StatusCode::OK);
    let res = app.submit("/admin", "/admin/logout-everywhere", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&phone, "/admin").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/admin").await.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parallel_guesses_cannot_slip_past_the_pause() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let b = browser();
    let token = csrf_from(&app.get_as(&b, "/admin/login").await.text().await.unwrap()).unwrap();
    let guesses = (0..20).map(|i| {
        let (b, url, token) = (b.clone(), app.url("/admin/login"), token.clone());
        tokio::spawn(async move {
            let password = format!("guess-number-{i}");
            let form = [("csrf", token.as_str()), ("email", OWNER_EMAIL), ("password", password.as_str())];
            b.post(url).form(&form).send().await.unwrap().status()
        })
    });
    let mut statuses = Vec::new();
    for g in guesses {
        statuses.push(g.await.unwrap());
    }
    let checked = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
    assert_eq!(checked, 4, "only four guesses are ever checked before the pause: {statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::UNPROCESSABLE_ENTITY || *s == StatusCode::TOO_MANY_REQUESTS));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_with_a_taken_email_keeps_the_link_usable() {
    let app = TestApp::spawn().await;
    // A staff account made on the command line before the owner exists.
    let hash = souk::domain::auth::hash_password("saffron-bicycle-77");
    souk::app::accounts::create_user(&app.db(), "ravi@example.com", "Ravi", souk::domain::auth::Role::Staff, &hash)
        .unwrap();
    let path = app.setup_url.clone().unwrap().strip_prefix(&app.base).unwrap().to_string();
    let token = path.split("token=").nth(1).unwrap().to_string();
    let fields = |email: &'static str| {
        vec![
            ("token", token.clone()),
            ("shop_name", "Shop".into()),
            ("name", "Asha".into()),
            ("email", email.into()),
            ("password", OWNER_PASSWORD.into()),
            ("confirm", OWNER_PASSWORD.into()),
        ]
    };
    let f = fields("RAVI@example.com");
    let res = app.submit(&path, "/admin/setup", &f.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("already has an account"));
    let f = fields(OWNER_EMAIL);
    let res = app.submit(&path, "/admin/setup", &f.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>()).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the link still works");
}

//! Issue 14, part 2: who can reach the admin. With `server.admin_allow`, the admin and the admin
//! API answer only the listed networks (by the client's address, as trusted proxies tell it), and
//! 404 to everyone else, exactly as a path that does not exist. With `server.admin_listen`, they
//! answer only on that second address; on the shop's own address they are 404.

mod common;

use common::*;
use reqwest::{Client, StatusCode};

/// What a path that does not exist answers, to compare with.
async fn not_found(base: &str) -> String {
    let res = Client::new().get(format!("{base}/no-such-page")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    res.text().await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn outside_the_allowed_networks_the_admin_does_not_exist() {
    let app = TestApp::spawn_with(|c| {
        c.server.admin_allow = vec!["10.0.0.0/8".into(), "192.168.1.0/24".into()];
        c.server.trusted_proxies = vec!["127.0.0.1".into()];
    })
    .await;
    let base = app.url("");
    let missing = not_found(&base).await;
    // Escaped letters are decoded by the router, so they are decoded for the gate too.
    for path in ["/admin", "/admin/login", "/admin/setup?token=x", "/admin/orders", "/%61dmin/login", "/%61%64min"] {
        let res = Client::new().get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.text().await.unwrap(), missing, "{path} looks like any missing page");
    }
    let res = Client::new().post(app.url("/admin/login")).form(&[("email", "a@b.c")]).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    for path in ["/api/v1/admin/orders", "/api/v1/%61dmin/orders", "/%61pi/v1/admin/orders"] {
        let res = Client::new().get(app.url(path)).bearer_auth("souk_x").send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["error"]["code"], "not_found", "{path}");
    }
    // A path escaped twice would be read as the admin by the router after the first decoding.
    for path in ["/%%36%31dmin/login", "/api/v1/%%36%31dmin/orders", "/%2561dmin/login"] {
        let res = Client::new().get(app.url(path)).send().await.unwrap();
        assert!(matches!(res.status(), StatusCode::BAD_REQUEST | StatusCode::NOT_FOUND), "{path}: {}", res.status());
        assert!(!res.text().await.unwrap().contains("Sign in"), "{path}");
    }
    // Escaped letters outside the admin are only read, never refused.
    assert_eq!(Client::new().get(app.url("/p/%C3%A9t%C3%A9")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    assert_eq!(Client::new().get(app.url("/c%61rt")).send().await.unwrap().status(), StatusCode::OK);
    // The shop itself is for everyone.
    assert_eq!(Client::new().get(app.url("/")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(Client::new().get(app.url("/administrator")).send().await.unwrap().status(), StatusCode::NOT_FOUND);

    // Through the trusted proxy: a client in a listed network gets the admin, others do not.
    let via = |ip: &'static str| Client::new().get(app.url("/admin/login")).header("x-forwarded-for", ip);
    assert_eq!(via("192.168.1.20").send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(via("10.20.30.40").send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(via("203.0.113.7").send().await.unwrap().status(), StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_separate_admin_listener() {
    let app = TestApp::spawn_with(|c| c.server.admin_listen = "127.0.0.1:0".into()).await;
    let admin = app.state.admin_addr.expect("the admin's own address");
    assert_ne!(format!("http://{admin}"), app.url(""));
    let shop = app.url("");
    let missing = not_found(&shop).await;
    for path in ["/admin/login", "/admin", "/api/v1/admin/orders", "/%61dmin/login", "/api/v1/%61dmin/orders"] {
        let res = Client::new().get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{path} on the shop's address");
        if path.starts_with("/admin") {
            assert_eq!(res.text().await.unwrap(), missing);
        }
    }
    // The setup link points at the admin's address, and works there.
    let setup = app.setup_url.clone().expect("a setup link");
    assert!(setup.starts_with(&format!("http://{admin}/admin/setup?token=")), "{setup}");
    let res = Client::new().get(&setup).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let res = Client::new().get(format!("http://{admin}/admin/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Sign in"));
    // The same page by an escaped path, with the admin's headers: it may never be framed.
    let res = Client::new().get(format!("http://{admin}/%61dmin/login")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(res.text().await.unwrap().contains("Sign in"));
    // The shop answers on both.
    assert_eq!(Client::new().get(format!("http://{admin}/")).send().await.unwrap().status(), StatusCode::OK);
    assert_eq!(Client::new().get(app.url("/")).send().await.unwrap().status(), StatusCode::OK);
}

#[test]
fn bad_admin_settings_are_refused_at_start() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = test_config(dir.path());
    c.server.admin_allow = vec!["10.0.0.0/40".into()];
    assert!(c.validate().unwrap_err().to_string().contains("server.admin_allow"));
    let mut c = test_config(dir.path());
    c.server.admin_listen = "lan:8081".into();
    assert!(c.validate().unwrap_err().to_string().contains("server.admin_listen"));
    let mut c = test_config(dir.path());
    c.server.admin_listen = c.server.listen.clone();
    assert!(c.validate().unwrap_err().to_string().contains("must differ"));
}

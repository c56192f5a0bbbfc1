//! Issue 14, part 3: HTTPS hygiene. `Strict-Transport-Security` on answers that came over HTTPS
//! (as a trusted proxy says), never on plain HTTP or on an untrusted client's claim; every cookie
//! `Secure` over HTTPS; the JSON API answers 405 with `Allow` for a method a path does not take,
//! and is as strict as its OpenAPI document (`.ci/schemathesis` checks that in CI).

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::Value;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_https_proxy_browsers_are_told_to_stay_on_https() {
    let app = TestApp::spawn_demo_with(|c| c.server.trusted_proxies = vec!["127.0.0.1".into()]).await;
    let https = |path: &str| Client::new().get(app.url(path)).header("x-forwarded-proto", "https");
    let res = https("/").send().await.unwrap();
    assert_eq!(res.headers()["strict-transport-security"], "max-age=15552000");
    let res = Client::new().get(app.url("/")).send().await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_none(), "not over plain HTTP");

    // Every cookie is Secure over HTTPS: the CSRF cookie, and a flash and a cart set by a handler.
    let sku = shop::stock(&app, "canvas-tote", 5);
    let res = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/cart/add"))
        .header("x-forwarded-proto", "https")
        .form(&[("sku", sku.as_str()), ("quantity", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookies: Vec<String> =
        res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_string()).collect();
    assert!(cookies.iter().any(|c| c.starts_with("souk_flash=")), "{cookies:?}");
    assert!(cookies.iter().all(|c| c.contains("; Secure")), "{cookies:?}");
    let res = https("/cart").send().await.unwrap();
    let csrf: Vec<&str> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert!(!csrf.is_empty() && csrf.iter().all(|c| c.contains("; Secure")), "{csrf:?}");
    // Over plain HTTP the cookies are not marked (the browser would drop them).
    let res = Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(app.url("/cart/add"))
        .form(&[("sku", sku.as_str()), ("quantity", "1")])
        .send()
        .await
        .unwrap();
    assert!(res.headers().get_all("set-cookie").iter().all(|v| !v.to_str().unwrap().contains("Secure")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hsts_max_age_is_a_setting_and_0_sends_none() {
    for (secs, expected) in [(600, Some("max-age=600")), (0, None)] {
        let app = TestApp::spawn_with(|c| {
            c.server.trusted_proxies = vec!["127.0.0.1".into()];
            c.server.hsts_max_age_secs = secs;
        })
        .await;
        let res = Client::new().get(app.url("/cart")).header("x-forwarded-proto", "https").send().await.unwrap();
        let sent = res.headers().get("strict-transport-security").map(|v| v.to_str().unwrap().to_string());
        assert_eq!(sent.as_deref(), expected, "hsts_max_age_secs = {secs}");
        assert!(res.headers().get_all("set-cookie").iter().all(|v| v.to_str().unwrap().contains("; Secure")));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_is_not_a_trusted_proxy_cannot_claim_https() {
    let app = TestApp::spawn().await;
    let res = Client::new().get(app.url("/cart")).header("x-forwarded-proto", "https").send().await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_none());
    let cookies: Vec<&str> = res.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap()).collect();
    assert!(!cookies.is_empty() && cookies.iter().all(|c| !c.contains("Secure")), "{cookies:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_answers_405_with_allow_for_a_method_a_path_does_not_take() {
    let app = TestApp::spawn_demo().await;
    for (method, path, allow) in [
        (reqwest::Method::DELETE, "/api/v1/orders", "POST"),
        (reqwest::Method::PUT, "/api/v1/products", "GET"),
        (reqwest::Method::POST, "/api/v1/products/canvas-tote", "GET"),
        (reqwest::Method::PATCH, "/api/v1/shop", "GET"),
        (reqwest::Method::DELETE, "/api/v1/admin/orders", "GET"),
    ] {
        let res = Client::new().request(method.clone(), app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        assert_eq!(res.headers()["allow"], allow, "{method} {path}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["error"]["code"], "method_not_allowed");
    }
    let res = Client::new().get(app.url("/api/v1/no-such-thing")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "an unknown path is still 404");
    // As strict as its document: out-of-range and empty parameters are refused, not bent.
    for path in ["/api/v1/products?limit=0", "/api/v1/products?limit=101", "/api/v1/products?cursor="] {
        assert_eq!(Client::new().get(app.url(path)).send().await.unwrap().status(), StatusCode::BAD_REQUEST, "{path}");
    }
    // A whole number written with a point is a whole number (JSON Schema's integer).
    let sku = shop::stock(&app, "canvas-tote", 5);
    let body = serde_json::json!({"items": [{"sku": sku, "quantity": 1.0}],
        "customer": {"name": "Meera", "phone": "+919812345678"},
        "delivery": {"method": "pickup"}, "payment": {"method": "cod"}});
    let res = Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);

    // The pages are not the API: a wrong method on one is a plain 404 page.
    let res = Client::new().delete(app.url("/cart")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

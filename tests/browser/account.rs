//! Issue 13: a customer signs in on a phone with the code the shop emailed, sees their earlier
//! guest order and orders it again; every account page passes axe-core and the HTML checker.

use super::common::*;
use super::{fill, harness, heading, submit_and_wait};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_signs_in_with_a_code_and_orders_again() {
    let Some(chromium) = harness::launch("a_customer_signs_in_with_a_code_and_orders_again").await else {
        return;
    };
    let b = &chromium.client;
    b.set_window_size(390, 844).await.unwrap();
    let app = TestApp::spawn_demo().await;
    let sku = shop::stock(&app, "canvas-tote", 10);
    let body = json!({"items": [{"sku": sku, "quantity": 2}],
        "customer": {"name": "Meera", "phone": "+919876512345", "email": "meera@example.com"},
        "delivery": {"method": "standard", "address": {"line1": "4 Lake Road", "city": "Jaipur", "country": "IN"}},
        "payment": {"method": "upi"}});
    let placed: serde_json::Value =
        reqwest::Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap().json().await.unwrap();
    let code = placed["code"].as_str().unwrap().to_string();

    b.goto(&app.url("/account")).await.unwrap();
    assert_eq!(heading(b).await, "Your account");
    harness::assert_accessible(b, "the account's sign-in").await;
    fill(b, "#f-email", "Meera@example.com").await;
    submit_and_wait(b, "form[action='/account/sign-in']").await;
    assert_eq!(heading(b).await, "Check your email");
    harness::assert_accessible(b, "the code's page").await;
    // The code from the email (the outbox keeps it until it is sent; no SMTP server here).
    let text: String =
        app.db().query_row("SELECT body_text FROM outbox WHERE kind = 'sign_in'", [], |r| r.get(0)).unwrap();
    let at = text.find(": ").unwrap() + 2;
    let typed = &text[at..at + 6];
    fill(b, "#f-code", "999 99").await;
    submit_and_wait(b, "form[action='/account/code']").await;
    harness::assert_accessible(b, "a code refused").await;
    fill(b, "#f-code", typed).await;
    submit_and_wait(b, "form[action='/account/code']").await;
    assert_eq!(heading(b).await, "Your orders");
    let page = b.source().await.unwrap();
    assert!(page.contains(&format!("<h2>{code}</h2>")), "the guest order is there");
    harness::assert_accessible(b, "my orders").await;
    submit_and_wait(b, &format!("form[action='/account/orders/{code}/reorder']")).await;
    assert_eq!(heading(b).await, "Your cart");
    assert!(b.source().await.unwrap().contains("Canvas Tote"));

    // The pages' HTML, through HTTP: signed out, the code's page refused, and signed in.
    let c = browser();
    let mut pages = vec![("/account".to_string(), app.get_as(&c, "/account").await.text().await.unwrap())];
    let asked = app.submit_as(&c, "/account", "/account/sign-in", &[("email", "meera@example.com")]).await;
    pages.push(("the code's page".into(), asked.text().await.unwrap()));
    let refused = app.submit_as(&c, "/account", "/account/sign-in", &[("email", "not an address")]).await;
    pages.push(("an address refused".into(), refused.text().await.unwrap()));
    let text: String = app
        .db()
        .query_row("SELECT body_text FROM outbox WHERE kind = 'sign_in' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let at = text.find("/account/link?t=").unwrap();
    let link = text[at..at + 80].to_string();
    pages.push(("a sign-in link".into(), app.get_as(&c, &link).await.text().await.unwrap()));
    let res = app.submit_as(&c, &link, &link, &[]).await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    pages.push(("my orders".into(), app.get_as(&c, "/account").await.text().await.unwrap()));
    let bad = app.submit_as(&c, "/account", "/account/addresses", &[("line1", "")]).await;
    pages.push(("an address form refused".into(), bad.text().await.unwrap()));
    harness::assert_valid_html(&pages);
}

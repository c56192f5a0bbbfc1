//! Issue 13, part 4: passwordless customer accounts. Sign-in with an emailed 6-digit code or a
//! one-time link (15 minutes, single use, hashed, throttled, wrong codes counted); "My orders"
//! with earlier guest orders; reorder; saved addresses; sign out everywhere; the JSON API.

mod common;

use chrono::Duration;
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn shop() -> TestApp {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app
}

async fn place(app: &TestApp, email: &str, phone: &str, qty: i64) -> String {
    let sku = shop::stock(app, "canvas-tote", 40);
    let body = json!({"items": [{"sku": sku, "quantity": qty}],
        "customer": {"name": "Meera Iyer", "phone": phone, "email": email},
        "delivery": {"method": "standard", "address": {"line1": "4 Lake View Road", "city": "Jaipur", "postal_code": "302001", "country": "IN"}},
        "payment": {"method": "upi"}});
    let res = Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_string()
}

/// The code in the newest sign-in email to `email` (still in the outbox: no SMTP server here).
fn code_sent_to(app: &TestApp, email: &str) -> String {
    let text: String = app
        .db()
        .query_row(
            "SELECT body_text FROM outbox WHERE kind = 'sign_in' AND to_addr = ?1 ORDER BY id DESC LIMIT 1",
            [email],
            |r| r.get(0),
        )
        .unwrap();
    let at = text.find(": ").unwrap() + 2;
    text[at..at + 6].to_string()
}

fn link_sent_to(app: &TestApp, email: &str) -> String {
    let text: String = app
        .db()
        .query_row(
            "SELECT body_text FROM outbox WHERE kind = 'sign_in' AND to_addr = ?1 ORDER BY id DESC LIMIT 1",
            [email],
            |r| r.get(0),
        )
        .unwrap();
    let at = text.find("/account/link?t=").unwrap();
    text[at..at + 16 + 64].to_string()
}

async fn ask(app: &TestApp, client: &Client, email: &str) -> reqwest::Response {
    app.submit_as(client, "/account", "/account/sign-in", &[("email", email)]).await
}

async fn enter(app: &TestApp, client: &Client, email: &str, code: &str) -> reqwest::Response {
    app.submit_as(client, "/account", "/account/code", &[("email", email), ("code", code)]).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_signs_in_with_a_code_and_sees_their_guest_orders() {
    let app = shop().await;
    let first = place(&app, "Meera@Example.com", "+919812345678", 1).await;
    let second = place(&app, "meera@example.com", "+919800000001", 2).await;
    let other = place(&app, "someone@example.com", "+919812345678", 3).await;
    let customer = browser();

    let res = ask(&app, &customer, "Meera <meera@example.com>").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a display name is refused");
    let res = ask(&app, &customer, " Meera@Example.com ").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("We sent a 6-digit code to <strong>meera@example.com</strong>"));
    let code = code_sent_to(&app, "meera@example.com");
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'sign_in' AND sensitive = 1"), 1, "wiped once sent");
    assert_eq!(app.count(&format!("SELECT count(*) FROM account_codes WHERE code_hash = '{code}'")), 0, "kept hashed");

    // A wrong code counts; the right one signs in once.
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let res = enter(&app, &customer, "meera@example.com", wrong).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("That code is not right. 4 more tries with this code."));
    let res = enter(&app, &customer, "meera@example.com", &code).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/account".to_string()));
    let cookie = set_cookie(&res, "souk_account").expect("a session cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
    let page = app.get_as(&customer, "/account").await.text().await.unwrap();
    assert!(page.contains(&first) && page.contains(&second), "guest orders with the same email, any case");
    assert!(!page.contains(&other), "not another email's order, even with the same number");
    assert_eq!(page.matches(&format!("<h2>{first}</h2>")).count(), 1, "each order once");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'account.sign_in' AND target = 'm•••@example.com'"),
        1
    );

    // The same code again, from another browser: refused, with a way to ask for a new one.
    let res = enter(&app, &browser(), "meera@example.com", &code).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("expired, was used already") && page.contains("Send a new code"));

    // Open an order from the list, and order it again.
    let res = app.submit_as(&customer, "/account", &format!("/account/orders/{first}/open"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    assert!(to.starts_with(&format!("/o/{first}?t=")), "{to}");
    assert_eq!(app.get_as(&customer, &to).await.status(), StatusCode::OK);
    assert_eq!(
        app.submit_as(&customer, "/account", &format!("/account/orders/{other}/open"), &[]).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = app.submit_as(&customer, "/account", &format!("/account/orders/{second}/reorder"), &[]).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/cart".to_string()));
    let cart = app.get_as(&customer, "/cart").await.text().await.unwrap();
    assert!(cart.contains("Canvas Tote") && cart.contains("value=\"2\""), "the past order's lines are in the cart");
    // The checkout starts from the account's email; nothing from earlier orders, which anyone could
    // have placed with this email.
    let checkout = app.get_as(&customer, "/checkout").await.text().await.unwrap();
    assert!(checkout.contains("value=\"meera@example.com\""));
    assert!(!checkout.contains("4 Lake View Road") && !checkout.contains("Meera Iyer"));

    // Saved addresses: a street is needed.
    let res = app.submit_as(&customer, "/account", "/account/addresses", &[("line1", ""), ("city", "Pune")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Enter the street and house number."));
    let res = app
        .submit_as(
            &customer,
            "/account",
            "/account/addresses",
            &[("line1", "5 Hill Road"), ("city", "Pune"), ("postal_code", "411001")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app.get_as(&customer, "/account").await.text().await.unwrap().contains("5 Hill Road, Pune, 411001"));
    let checkout = app.get_as(&customer, "/checkout").await.text().await.unwrap();
    assert!(
        checkout.contains("value=\"5 Hill Road\"") && checkout.contains("value=\"Pune\""),
        "a saved address comes first"
    );
    let id = app.count("SELECT id FROM account_addresses");
    app.submit_as(&customer, "/account", &format!("/account/addresses/{id}/delete"), &[]).await;
    assert_eq!(app.count("SELECT count(*) FROM account_addresses"), 0);

    // The JSON API with the session's token, checked against the OpenAPI document.
    let token = cookie.split(';').next().unwrap().split('=').nth(1).unwrap().to_string();
    let res = Client::new().get(app.url("/api/v1/account/orders")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["orders"].as_array().unwrap().len(), 2);
    let mut spec: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    spec["$ref"] = json!("#/components/schemas/AccountOrders");
    let validator = jsonschema::validator_for(&spec).unwrap();
    assert!(validator.is_valid(&body), "{body}");
    let res = Client::new().get(app.url("/api/v1/account/orders")).bearer_auth("0".repeat(64)).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // Signing out everywhere ends every session: this browser's, another's, and the API's.
    ask(&app, &browser(), "meera@example.com").await;
    let phone = browser();
    let link = link_sent_to(&app, "meera@example.com");
    let res = app.submit_as(&phone, &link, &link, &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app.get_as(&phone, "/account").await.text().await.unwrap().contains("Your orders"));
    let res = app.submit_as(&customer, "/account", "/account/sign-out-everywhere", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app.get_as(&phone, "/account").await.text().await.unwrap().contains("Email me a code"));
    let res = app.submit_as(&phone, "/account", &format!("/account/orders/{first}/reorder"), &[]).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/account".to_string()), "sign in again");
    let res = Client::new().get(app.url("/api/v1/account/orders")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn codes_and_links_expire_wear_out_and_are_throttled() {
    let app = shop().await;
    let customer = browser();
    ask(&app, &customer, "asha@example.net").await;
    let code = code_sent_to(&app, "asha@example.net");
    // Fifteen minutes, then the code and its link stop working.
    app.state.clock.advance(Duration::minutes(16));
    let res = enter(&app, &customer, "asha@example.net", &code).await;
    assert!(res.text().await.unwrap().contains("This code has expired"));
    let link = link_sent_to(&app, "asha@example.net");
    let res = app.get_as(&customer, &link).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("This sign-in link has expired or was used already"));

    // Five wrong codes and a code is dead, even typed right afterwards.
    ask(&app, &customer, "asha@example.net").await;
    let code = code_sent_to(&app, "asha@example.net");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        enter(&app, &customer, "asha@example.net", wrong).await;
    }
    let res = enter(&app, &customer, "asha@example.net", &code).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // A link opened shows a button; only the button signs in, once.
    ask(&app, &customer, "asha@example.net").await;
    let link = link_sent_to(&app, "asha@example.net");
    let page = app.get_as(&customer, &link).await.text().await.unwrap();
    assert!(page.contains("as <strong>asha@example.net</strong>"));
    assert_eq!(app.count("SELECT count(*) FROM account_sessions"), 0, "opening the link signs nobody in");
    assert_eq!(app.submit_as(&customer, &link, &link, &[]).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.submit_as(&browser(), "/account", &link, &[]).await.status(), StatusCode::NOT_FOUND, "once");

    // Five codes an hour per address.
    for _ in 0..2 {
        assert_eq!(ask(&app, &browser(), "asha@example.net").await.status(), StatusCode::OK);
    }
    let res = ask(&app, &browser(), "asha@example.net").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(res.text().await.unwrap().contains("Too many codes were asked for"));
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'sign_in'"), 5);
}

//! Issue 11: the seller works an order on a phone, from draft to delivered, while the customer's
//! page follows each step; every new admin page passes axe-core and the HTML checker.

use super::common::*;
use super::{click_and_wait, fill, harness, heading, submit_and_wait};
use fantoccini::{Client, Locator};
use serde_json::json;

async fn shot(b: &Client, name: &str) {
    if let Ok(dir) = std::env::var("SOUK_SCREENSHOTS") {
        std::fs::write(format!("{dir}/{name}.png"), b.screenshot().await.unwrap()).unwrap();
    }
}

/// The customer's page (their magic link, in a session of their own): its status badge's text.
async fn customer_sees(app: &TestApp, link: &str) -> String {
    let html = browser().get(link).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<h1>Order "), "the link opens the order");
    let at = html.find("class=\"badge\">").expect("a status badge") + "class=\"badge\">".len();
    let _ = app;
    html[at..at + html[at..].find('<').unwrap()].to_string()
}

async fn step(b: &Client, to: &str) {
    click_and_wait(b, &format!("form.step input[value='{to}'] ~ button")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seller_works_an_order_from_draft_to_delivered_on_a_phone() {
    let Some(chromium) = harness::launch("a_seller_works_an_order_from_draft_to_delivered_on_a_phone").await else {
        return;
    };
    let b = &chromium.client;
    b.set_window_size(390, 844).await.unwrap();
    // Webhooks to a closed port on this machine: each delivery fails at once and waits for its retry.
    let app = TestApp::spawn_demo_with(|c| c.webhooks.allow_private = true).await;
    let sku = shop::stock(&app, "canvas-tote", 5);
    app.setup_owner().await;
    let hook = [("url", "http://127.0.0.1:9/hooks"), ("events", "order.placed"), ("events", "order.status_changed")];
    let res = app.submit("/admin/settings/webhooks", "/admin/settings/webhooks", &hook).await;
    assert_eq!(res.status(), reqwest::StatusCode::OK);
    // The owner's choices: the full amount confirms an order, and a courier with a tracking link.
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("paid_confirms", "on")]).await;
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    let courier = [("name", "Delhivery"), ("tracking_url", "https://track.example/awb/{tracking}")];
    assert_eq!(app.submit("/admin/settings/orders", "/admin/settings/couriers", &courier).await.status(), 303);

    // A customer orders from their phone (the API, as the storefront's checkout does the same).
    let body = json!({"items": [{"sku": sku, "quantity": 2}],
        "customer": {"name": "Meera", "phone": "+919876512345"},
        "delivery": {"method": "standard", "address": {"line1": "4 Lake Road", "city": "Jaipur", "country": "IN"}},
        "payment": {"method": "upi"}});
    let placed: serde_json::Value =
        reqwest::Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap().json().await.unwrap();
    let (code, link) =
        (placed["code"].as_str().unwrap().to_string(), placed["tracking_url"].as_str().unwrap().to_string());
    let total = placed["total"].as_i64().unwrap();
    assert_eq!(customer_sees(&app, &link).await, "Waiting for the shop");

    b.goto(&app.url("/admin/login")).await.unwrap();
    fill(b, "#f-email", OWNER_EMAIL).await;
    fill(b, "#f-password", OWNER_PASSWORD).await;
    submit_and_wait(b, "form[action='/admin/login']").await;
    b.goto(&app.url("/admin/orders?tab=drafts")).await.unwrap();
    assert_eq!(heading(b).await, "Orders");
    harness::assert_accessible(b, "the drafts").await;
    shot(b, "desk-drafts").await;
    click_and_wait(b, &format!("a[href='/admin/orders/{code}']")).await;
    assert_eq!(heading(b).await, format!("Order {code}"));
    harness::assert_accessible(b, "a draft at the desk").await;
    shot(b, "desk-order-draft").await;

    step(b, "pending").await;
    assert!(b.find(Locator::Css(".flash")).await.unwrap().text().await.unwrap().contains("received"));
    assert_eq!(customer_sees(&app, &link).await, "Received");
    step(b, "awaiting_payment").await;
    assert_eq!(customer_sees(&app, &link).await, "Awaiting payment");

    // The UPI payment arrives: recorded in full, it confirms the order and takes the stock.
    b.find(Locator::Css("#pay-h ~ details summary")).await.unwrap().click().await.unwrap();
    fill(b, "#f-pay-amount", &format!("{}.{:02}", total / 100, total % 100)).await;
    fill(b, "#f-pay-reference", "UTR 4455 6677").await;
    shot(b, "desk-payment").await;
    submit_and_wait(b, "form[action$='/payments']").await;
    let flash = b.find(Locator::Css(".flash")).await.unwrap().text().await.unwrap();
    assert!(flash.contains("confirmed"), "{flash}");
    assert_eq!(customer_sees(&app, &link).await, "Confirmed");
    let on_hand: i64 = app.db().query_row("SELECT on_hand FROM variants WHERE sku = ?1", [&sku], |r| r.get(0)).unwrap();
    assert_eq!(on_hand, 3);
    harness::assert_accessible(b, "a confirmed order at the desk").await;

    fill(b, "#f-ship-courier", "Delhivery").await;
    fill(b, "#f-ship-tracking_number", "ab 1234 5678").await;
    submit_and_wait(b, "form.step.card").await;
    assert_eq!(customer_sees(&app, &link).await, "Shipped");
    let page = browser().get(&link).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("href=\"https://track.example/awb/AB12345678\""), "the customer's tracking link");
    shot(b, "desk-shipped").await;
    step(b, "delivered").await;
    assert_eq!(customer_sees(&app, &link).await, "Delivered");
    harness::assert_accessible(b, "a delivered order at the desk").await;

    // The customer asks for a return from the order's page; the request waits at the desk.
    let path = link.strip_prefix(&app.url("")).unwrap().to_string();
    let shopper = browser();
    let t = path.split("t=").nth(1).unwrap().to_string();
    let asked = app
        .submit_as(
            &shopper,
            &path,
            &format!("/o/{code}/requests"),
            &[("t", &t), ("kind", "return"), ("message", "Too small")],
        )
        .await;
    assert_eq!(asked.status(), reqwest::StatusCode::SEE_OTHER);
    let refused_rating =
        app.submit_as(&shopper, &path, &format!("/o/{code}/rating"), &[("t", &t), ("stars", "9")]).await;
    assert_eq!(refused_rating.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    let refused_rating = refused_rating.text().await.unwrap();
    let rated = app
        .submit_as(
            &shopper,
            &path,
            &format!("/o/{code}/rating"),
            &[("t", &t), ("stars", "5"), ("comment", "Lovely tote")],
        )
        .await;
    assert_eq!(rated.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(app.submit("/admin/reviews", &format!("/admin/reviews/{code}/publish"), &[]).await.status(), 303);
    b.goto(&link).await.unwrap();
    harness::assert_accessible(b, "a delivered order's page with its rating form").await;
    shot(b, "order-self-service").await;

    // The other new pages, on the phone. An unsubscribe link as a follow-up carries it.
    let (unsubscribe_token, hash) = souk::domain::tokens::new_token();
    app.db()
        .execute(
            "INSERT INTO unsubscribe_tokens (token_hash, email, created_at) VALUES (?1, 'meera@example.com', '2026-01-01T00:00:00.000Z')",
            [hash],
        )
        .unwrap();
    let unsubscribe = format!("/unsubscribe?t={unsubscribe_token}");
    let customer = app.count("SELECT id FROM customers WHERE phone = '+919876512345'");
    for (path, what) in [
        ("/admin/orders", "the active orders"),
        ("/admin/orders?tab=all&status=delivered", "all orders, filtered"),
        ("/admin/orders/new", "the manual order form"),
        ("/admin/settings/orders", "the order settings"),
        ("/admin/orders/clear-drafts?hours=1", "clearing old drafts"),
        (&format!("/admin/orders/{code}/packing-slip") as &str, "the packing slip"),
        (&format!("/admin/orders/{code}/receipt") as &str, "the receipt"),
        ("/admin/customers", "the customers"),
        ("/admin/orders?tab=review", "the review tab"),
        ("/admin?period=7d", "the dashboard"),
        (&format!("/admin/customers/{customer}") as &str, "a customer's page"),
        ("/admin/settings/api", "the API tokens"),
        ("/admin/settings/webhooks", "the webhooks and their deliveries"),
        ("/admin/settings/notifications", "the notification settings"),
        (&unsubscribe as &str, "an unsubscribe link's question"),
        ("/admin/orders/requests", "the customers' requests"),
        ("/o/lost", "lost your link?"),
        ("/admin/reviews", "the reviews"),
        ("/p/canvas-tote", "a product page with its reviews"),
    ] {
        b.goto(&app.url(path)).await.unwrap();
        harness::assert_accessible(b, what).await;
        if path.ends_with("webhooks") {
            shot(b, "webhooks").await;
        }
    }
    shot(b, "desk-receipt").await;

    // And their HTML, with and without form errors, through the owner's HTTP session.
    let mut pages = Vec::new();
    for path in [
        "/admin/orders".to_string(),
        "/admin/orders?tab=drafts".into(),
        "/admin/orders?tab=all&q=Meera".into(),
        format!("/admin/orders/{code}"),
        format!("/admin/orders/{code}/packing-slip"),
        format!("/admin/orders/{code}/receipt"),
        "/admin/orders/new".into(),
        "/admin/orders/clear-drafts?hours=6".into(),
        "/admin/settings/orders".into(),
        "/admin/settings".into(),
        "/admin/settings/api".into(),
        "/admin/settings/webhooks".into(),
        "/admin/settings/notifications".into(),
        unsubscribe.clone(),
        "/admin/orders/requests".into(),
        "/o/lost".into(),
        "/admin/reviews".into(),
        "/p/canvas-tote".into(),
        path.clone(),
        "/admin/orders?tab=review".into(),
        "/admin?period=today".into(),
        "/admin?period=30d".into(),
        "/admin/customers?q=meera&open=1".into(),
        format!("/admin/customers/{customer}"),
    ] {
        let res = app.get(&path).await;
        assert_eq!(res.status(), reqwest::StatusCode::OK, "{path}");
        pages.push((path, res.text().await.unwrap()));
    }
    let refused = app
        .submit(&format!("/admin/orders/{code}"), &format!("/admin/orders/{code}/payments"), &[("amount", "0")])
        .await;
    assert_eq!(refused.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(("a payment refused".into(), refused.text().await.unwrap()));
    let form = "/admin/orders/new";
    let search = app.submit(form, form, &[("q", "tote"), ("op", "search")]).await;
    pages.push(("the manual order's search".into(), search.text().await.unwrap()));
    let bad = app.submit(form, form, &[("op", "place"), ("phone", "12")]).await;
    pages.push(("a manual order refused".into(), bad.text().await.unwrap()));
    let rules = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("link_days", "x")]).await;
    pages.push(("order settings refused".into(), rules.text().await.unwrap()));
    let notices = "/admin/settings/notifications";
    let refused = app.submit(notices, notices, &[("reminder_hours", "0")]).await;
    assert_eq!(refused.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(("notification settings refused".into(), refused.text().await.unwrap()));
    let done = reqwest::Client::new().post(app.url(&unsubscribe)).send().await.unwrap();
    assert_eq!(done.status(), reqwest::StatusCode::OK);
    pages.push(("unsubscribed".into(), done.text().await.unwrap()));
    pages.push(("a rating refused".into(), refused_rating));
    let lost = app.submit_as(&shopper, "/o/lost", "/o/lost", &[("code", &code), ("phone", "98765 12345")]).await;
    assert_eq!(lost.status(), reqwest::StatusCode::OK);
    pages.push(("a lost link asked for".into(), lost.text().await.unwrap()));
    let refused = app.submit("/admin/orders/requests", "/admin/requests/1/answer", &[("decision", "decline")]).await;
    assert_eq!(refused.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(("a request's decline refused".into(), refused.text().await.unwrap()));
    // A flagged order: its page with the reasons, and a confirmation refused without the tick.
    let rules = [
        ("postcodes_on", "on"),
        ("postcodes", "302099"),
        ("failed_min", "2"),
        ("first_cod_over", "0"),
        ("velocity_orders", "3"),
        ("velocity_hours", "24"),
    ];
    assert_eq!(app.submit("/admin/settings/orders", "/admin/settings/review", &rules).await.status(), 303);
    let body = json!({"items": [{"sku": sku, "quantity": 1}],
        "customer": {"name": "Ravi", "phone": "+919876512399"},
        "delivery": {"method": "standard", "address": {"line1": "9 Fort Road", "city": "Jaipur", "postal_code": "302099", "country": "IN"}},
        "payment": {"method": "upi"}});
    let flagged: serde_json::Value =
        reqwest::Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap().json().await.unwrap();
    let flagged = flagged["code"].as_str().unwrap().to_string();
    let path = format!("/admin/orders/{flagged}");
    assert_eq!(app.submit(&path, &format!("{path}/status"), &[("to", "pending")]).await.status(), 303);
    b.goto(&app.url(&path)).await.unwrap();
    harness::assert_accessible(b, "a flagged order").await;
    pages.push(("a flagged order".into(), app.get(&path).await.text().await.unwrap()));
    let refused = app.submit(&path, &format!("{path}/status"), &[("to", "confirmed")]).await;
    assert_eq!(refused.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(("a flagged order's confirmation refused".into(), refused.text().await.unwrap()));
    let page = format!("/admin/customers/{customer}");
    let note = app.submit(&page, &format!("{page}/note"), &[("note", &"x".repeat(2001))]).await;
    assert_eq!(note.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(("a customer note refused".into(), note.text().await.unwrap()));
    let api = "/admin/settings/api";
    let made = app.submit(api, api, &[("name", "Courier sync"), ("scope", "write")]).await;
    pages.push(("a token made".into(), made.text().await.unwrap()));
    let refused = app.submit(api, api, &[("name", "")]).await;
    pages.push(("a token refused".into(), refused.text().await.unwrap()));
    let hooks = "/admin/settings/webhooks";
    let refused = app.submit(hooks, hooks, &[("url", "ftp://example.com")]).await;
    assert_eq!(refused.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(("an endpoint refused".into(), refused.text().await.unwrap()));
    let added =
        app.submit(hooks, hooks, &[("url", "https://hooks.example.com/souk"), ("events", "payment.recorded")]).await;
    pages.push(("an endpoint added".into(), added.text().await.unwrap()));
    let (_, page) = app.page(hooks).await;
    assert!(page.contains("failed; next try"), "the failed deliveries are listed");
    harness::assert_valid_html(&pages);
    chromium.client.clone().close().await.unwrap();
}

//! Fraud review (issue 12): each rule fires at its threshold and not below, through real
//! placements; a flagged order waits in the Review tab, carries its reasons, and is confirmed only
//! when someone ticks "reviewed" (form and API); a blocked number's placements are refused
//! politely (API: 403 `blocked`) while the seller can still take its orders by hand.

mod common;

use common::shop::{self, stock};
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn desk() -> TestApp {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app
}

fn body(sku: &str, qty: i64, phone: &str, line1: &str, postal_code: &str, payment: &str) -> Value {
    json!({
        "items": [{"sku": sku, "quantity": qty}],
        "customer": {"name": "Meera", "phone": phone},
        "delivery": {"method": "standard", "address": {"line1": line1, "city": "Jaipur",
            "postal_code": postal_code, "country": "IN"}},
        "payment": {"method": payment},
    })
}

async fn post(app: &TestApp, body: &Value) -> (StatusCode, Value) {
    let res = Client::new().post(app.url("/api/v1/orders")).json(body).send().await.unwrap();
    (res.status(), res.json().await.unwrap())
}

/// Places an order; returns its code.
async fn place(app: &TestApp, body: Value) -> String {
    let (status, answer) = post(app, &body).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    answer["code"].as_str().unwrap().to_string()
}

fn flags(app: &TestApp, code: &str) -> Vec<String> {
    let db = app.db();
    let mut stmt = db
        .prepare(
            "SELECT f.rule FROM order_flags f JOIN orders o ON o.id = f.order_id WHERE o.code = ?1 ORDER BY f.rule",
        )
        .unwrap();
    stmt.query_map([code], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

async fn step(app: &TestApp, code: &str, fields: &[(&str, &str)]) -> reqwest::Response {
    let page = format!("/admin/orders/{code}");
    app.submit(&page, &format!("{page}/status"), fields).await
}

async fn rules(app: &TestApp, fields: &[(&str, &str)]) {
    let res = app.submit("/admin/settings/orders", "/admin/settings/review", fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_rule_fires_at_its_threshold_and_not_below() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 500);
    // What 3 totes cost delivered, learned from an order paid by UPI before the rules are on.
    let (_, probe) = post(&app, &body(&sku, 3, "+919800000099", "1 Probe Lane", "302001", "upi")).await;
    let three = probe["total"].as_i64().unwrap();
    // Every rule on: 2 failed deliveries; a first COD order above 3 totes' total; more than 2
    // orders in 24 hours; postal code 302 099.
    let over = format!("{}.{:02}", three / 100, three % 100);
    rules(
        &app,
        &[
            ("failed_on", "on"),
            ("failed_min", "2"),
            ("first_cod_on", "on"),
            ("first_cod_over", &over),
            ("velocity_on", "on"),
            ("velocity_orders", "2"),
            ("velocity_hours", "24"),
            ("postcodes_on", "on"),
            ("postcodes", "302 099\n110001"),
        ],
    )
    .await;

    // Failed deliveries: one earlier failure is not enough, two are.
    let risky = "+919800000001";
    for n in 0..2 {
        // (Each with other items: the same items again within minutes is the same order.)
        let code = place(&app, body(&sku, n + 1, risky, &format!("{n} Tonk Road"), "302001", "upi")).await;
        assert_eq!(flags(&app, &code), Vec::<String>::new(), "order {n}");
        for to in ["pending", "confirmed"] {
            let res = step(&app, &code, &[("to", to)]).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{to}: {}", res.text().await.unwrap());
        }
        let shipped = [("to", "shipped"), ("courier", "Delhivery"), ("tracking_number", "DL12345678")];
        assert_eq!(step(&app, &code, &shipped).await.status(), StatusCode::SEE_OTHER);
        let failed = [("to", "failed_delivery"), ("failed", "refused")];
        assert_eq!(step(&app, &code, &failed).await.status(), StatusCode::SEE_OTHER);
        if n == 0 {
            // One failure so far: the next order is not flagged for it (the velocity rule, 2 in
            // 24 hours, is not passed either).
            continue;
        }
    }
    let third = place(&app, body(&sku, 3, risky, "9 Tonk Road", "302001", "upi")).await;
    assert_eq!(flags(&app, &third), vec!["failed", "velocity"], "2 failures; 3 orders in a day");

    // A first cash-on-delivery order: at the amount is not above it, above it is; a second is not first.
    let cod = "+919800000002";
    let at_limit = place(&app, body(&sku, 3, cod, "1 MI Road", "302001", "cod")).await;
    assert_eq!(flags(&app, &at_limit), Vec::<String>::new());
    let cod_new = "+919800000003";
    let above = place(&app, body(&sku, 4, cod_new, "2 MI Road", "302001", "cod")).await;
    assert_eq!(flags(&app, &above), vec!["first_cod"]);
    let again = place(&app, body(&sku, 5, cod_new, "2 MI Road", "302001", "cod")).await;
    assert_eq!(flags(&app, &again), Vec::<String>::new(), "not the first any more");

    // Many orders to one address from different numbers: the third flags.
    for (n, phone) in ["+919800000011", "+919800000012", "+919800000013"].iter().enumerate() {
        let code = place(&app, body(&sku, 1, phone, "7 Station Road", "302005", "upi")).await;
        let want: Vec<String> = if n == 2 { vec!["velocity".into()] } else { vec![] };
        assert_eq!(flags(&app, &code), want, "order {n} to the address");
    }

    // A risky postal code, however it is typed.
    let postcode = place(&app, body(&sku, 1, "+919800000021", "3 Fort Road", "302-099", "upi")).await;
    assert_eq!(flags(&app, &postcode), vec!["postcode"]);
    let fine = place(&app, body(&sku, 1, "+919800000022", "3 Fort Road", "302098", "upi")).await;
    assert_eq!(flags(&app, &fine), Vec::<String>::new());

    // Rules off: nothing flags.
    rules(&app, &[("failed_min", "2"), ("first_cod_over", &over), ("velocity_orders", "2"), ("velocity_hours", "24")])
        .await;
    let quiet = place(&app, body(&sku, 6, risky, "9 Tonk Road", "302099", "upi")).await;
    assert_eq!(flags(&app, &quiet), Vec::<String>::new());

    // Bad settings: field messages, nothing saved.
    let res = app
        .submit("/admin/settings/orders", "/admin/settings/review", &[("failed_min", "0"), ("postcodes", "<b>")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("A whole number from 1 to 100") && html.contains("is not a postal code"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flagged_order_is_confirmed_only_once_reviewed() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 50);
    rules(
        &app,
        &[
            ("failed_min", "2"),
            ("first_cod_over", "0"),
            ("velocity_orders", "3"),
            ("velocity_hours", "24"),
            ("postcodes_on", "on"),
            ("postcodes", "302099"),
        ],
    )
    .await;
    let code = place(&app, body(&sku, 1, "+919800000031", "3 Fort Road", "302099", "upi")).await;
    let other = place(&app, body(&sku, 1, "+919800000032", "3 Fort Road", "302099", "upi")).await;
    assert_eq!(step(&app, &code, &[("to", "pending")]).await.status(), StatusCode::SEE_OTHER);

    // The Review tab and the order page carry the reasons.
    let (_, html) = app.page("/admin/orders?tab=review").await;
    assert!(html.contains(&code) && html.contains(&other), "both wait for review");
    let (_, html) = app.page(&format!("/admin/orders/{code}")).await;
    assert!(html.contains("Flagged for review") && html.contains("Postal code 302099 is on your risky list."));
    assert!(html.contains("name=\"reviewed\""));

    // Confirming without the tick: refused, nothing changed; with it: confirmed, who and when kept.
    let res = step(&app, &code, &[("to", "confirmed")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("flagged for review"));
    assert_eq!(app.count(&format!("SELECT count(*) FROM orders WHERE code = '{code}' AND status = 'pending'")), 1);
    let res = step(&app, &code, &[("to", "confirmed"), ("reviewed", "1")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(&format!("SELECT count(*) FROM orders WHERE code = '{code}' AND status = 'confirmed' AND reviewed_by = '{OWNER_EMAIL}'")), 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'order.reviewed'"), 1);
    app.page("/admin/orders").await; // shows the step's flash message
    let (_, html) = app.page("/admin/orders?tab=review").await;
    assert!(!html.contains(&code) && html.contains(&other));

    // The admin API: the same refusal, then the same confirmation with `reviewed`.
    let res = app.submit("/admin/settings/api", "/admin/settings/api", &[("name", "Bot"), ("scope", "write")]).await;
    let page = res.text().await.unwrap();
    let at = page.find("value=\"souk_").unwrap() + 7;
    let token = page[at..at + 69].to_string();
    let path = format!("/api/v1/admin/orders/{other}/transitions");
    for to in ["pending"] {
        let res = Client::new().post(app.url(&path)).bearer_auth(&token).json(&json!({"to": to})).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
    }
    let res =
        Client::new().post(app.url(&path)).bearer_auth(&token).json(&json!({"to": "confirmed"})).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let answer: Value = res.json().await.unwrap();
    assert!(answer["error"]["fields"]["reviewed"].as_str().unwrap().contains("risky list"), "{answer}");
    let res = Client::new()
        .post(app.url(&path))
        .bearer_auth(&token)
        .json(&json!({"to": "confirmed", "reviewed": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let order: Value = res.json().await.unwrap();
    assert_eq!(order["flags"][0]["rule"], "postcode");
    assert!(order["reviewed"]["by"].as_str().unwrap().contains("Bot"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocked_number_cannot_order_but_the_seller_can_take_its_order() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 50);
    let phone = "+919988776655"; // the checkout form's demo customer
    place(&app, body(&sku, 1, phone, "12 Hawa Mahal Road", "302002", "upi")).await;
    let id = app.count(&format!("SELECT id FROM customers WHERE phone = '{phone}'"));
    let page = format!("/admin/customers/{id}");
    let res = app.submit(&page, &format!("{page}/block"), &[("reason", "Refused three parcels")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&page).await;
    assert!(html.contains("Blocked") && html.contains("Refused three parcels"));

    // The API: 403 `blocked`, nothing placed.
    let before = app.count("SELECT count(*) FROM orders");
    let (status, answer) = post(&app, &body(&sku, 1, phone, "12 Hawa Mahal Road", "302002", "upi")).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{answer}");
    assert_eq!(answer["error"]["code"], "blocked");
    assert!(!answer["error"]["message"].as_str().unwrap().contains("Refused"), "the reason stays the seller's");
    // The storefront's checkout: the form again with a polite message on the number.
    let client = browser();
    shop::add(&app, &client, &sku, "1").await;
    let res = shop::checkout(&app, &client, shop::CUSTOMER).await;
    let html = shop::shown_again(&app, &client, res).await;
    assert!(html.contains("cannot take orders from this number online"), "{html}");
    assert_eq!(app.count("SELECT count(*) FROM orders"), before);

    // The seller can still take their order by hand.
    let form = "/admin/orders/new";
    let qty = format!("qty:{sku}");
    let fields = [
        (qty.as_str(), "1"),
        ("phone", phone),
        ("name", "Asha"),
        ("delivery", "pickup"),
        ("payment", "cod"),
        ("channel", "phone"),
        ("confirm", "0"),
        ("op", "place"),
    ];
    let res = app.submit(form, form, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    assert_eq!(app.count("SELECT count(*) FROM orders"), before + 1);

    // Unblocked: orders come again.
    let res = app.submit(&page, &format!("{page}/unblock"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    place(&app, body(&sku, 2, phone, "12 Hawa Mahal Road", "302002", "upi")).await;
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action IN ('customer.block', 'customer.unblock')"), 2);
}

//! The owner sets up checkout: how orders start, delivery and payment methods, discount codes (issue 4).

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_sets_up_delivery_payment_and_a_discount_that_customers_then_use() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let (status, html) = app.page("/admin/checkout").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Add a delivery method") && html.contains("No discount codes yet."));

    // Mistakes come back beside their fields; nothing is stored.
    let bad_zone =
        [("name", "Courier"), ("code", "standard"), ("kind", "zones"), ("zones", "Mumbai 49"), ("active", "1")];
    let res = app.submit("/admin/checkout", "/admin/checkout/delivery", &bad_zone).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Line 1: write it as Name: area, area = fee."));
    assert_eq!(app.count("SELECT count(*) FROM delivery_methods"), 0);

    let zones = [
        ("name", "Courier"),
        ("code", "standard"),
        ("kind", "zones"),
        ("zones", "Mumbai: Mumbai, Thane, 400 = 49\nMaharashtra: Maharashtra = 79"),
        ("free_over", "2000"),
        ("active", "1"),
    ];
    let res = app.submit("/admin/checkout", "/admin/checkout/delivery", &zones).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let again = app.submit("/admin/checkout", "/admin/checkout/delivery", &zones).await;
    assert_eq!(again.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.text().await.unwrap().contains("Another delivery method uses this code."));

    let upi = [("name", "UPI"), ("code", "upi"), ("kind", "upi"), ("account", "not-an-id"), ("active", "1")];
    let res = app.submit("/admin/checkout", "/admin/checkout/payment", &upi).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Enter your UPI ID"));
    let upi = [("name", "UPI"), ("code", "upi"), ("kind", "upi"), ("account", "asha@okbank"), ("active", "1")];
    assert_eq!(app.submit("/admin/checkout", "/admin/checkout/payment", &upi).await.status(), StatusCode::SEE_OTHER);

    let code = [
        ("code", "diwali10"),
        ("kind", "percent"),
        ("value", "10"),
        ("min_subtotal", "500"),
        ("max_uses_per_customer", "1"),
    ];
    assert_eq!(app.submit("/admin/checkout", "/admin/checkout/discounts", &code).await.status(), StatusCode::SEE_OTHER);
    let settings = [("flow", "direct"), ("order_prefix", "AK-"), ("whatsapp_template", "New order {code}: {total}")];
    assert_eq!(app.submit("/admin/checkout", "/admin/checkout", &settings).await.status(), StatusCode::SEE_OTHER);
    let html = app.page("/admin/checkout").await.1;
    assert!(
        html.contains("DIWALI10")
            && html.contains("asha@okbank")
            && html.contains("Mumbai: Mumbai, Thane, 400 = 49.00")
    );
    for action in ["checkout.delivery", "checkout.payment", "discount.create", "checkout.settings"] {
        assert_eq!(app.count(&format!("SELECT count(*) FROM audit_log WHERE action = '{action}'")), 1, "{action}");
    }

    // A customer uses it all.
    let shop: Value = app.get("/api/v1/shop").await.json().await.unwrap();
    assert_eq!(shop["delivery_methods"][0]["fee"], 4900);
    let db = app.db();
    db.execute(
        "INSERT INTO products (slug, title, status, created_at, updated_at) VALUES ('kurta', 'Kurta', 'active', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')",
        [],
    )
    .unwrap();
    db.execute("INSERT INTO variants (product_id, position, sku, price, on_hand, track_stock) VALUES (1, 0, 'K-1', 60000, 10, 1)", []).unwrap();
    let order = |phone: &str| {
        json!({
            "items": [{"sku": "K-1", "quantity": 1}],
            "customer": {"name": "Ravi", "phone": phone},
            "delivery": {"method": "standard", "address": {"line1": "1 Marine Drive", "city": "Mumbai"}},
            "payment": {"method": "upi"},
            "discount_code": "Diwali10"
        })
    };
    let res = app.client.post(app.url("/api/v1/orders")).json(&order("+919900000001")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let placed: Value = res.json().await.unwrap();
    assert_eq!(placed["code"], "AK-1001");
    assert_eq!(placed["status"], "pending", "the direct flow");
    assert_eq!(
        (placed["subtotal"].as_i64(), placed["discount"].as_i64(), placed["delivery_fee"].as_i64()),
        (Some(60000), Some(6000), Some(4900))
    );
    assert_eq!(placed["total"], 60000 - 6000 + 4900);
    // The shop has no contact email: the notice goes to its owner.
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM outbox WHERE kind = 'order_seller' AND to_addr = '{OWNER_EMAIL}' AND subject LIKE '%AK-1001%'"
        )),
        1
    );
    // Once per customer.
    let res = app
        .client
        .post(app.url("/api/v1/orders"))
        .json(&{
            let mut o = order("+919900000001");
            o["items"][0]["quantity"] = json!(2);
            o
        })
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: Value = res.json().await.unwrap();
    assert!(err["error"]["fields"]["discount_code"].as_str().unwrap().contains("already used"), "{err}");
    // A Delhi address is outside every zone.
    let mut far = order("+919900000002");
    far["delivery"]["address"]["city"] = json!("Delhi");
    let res = app.client.post(app.url("/api/v1/orders")).json(&far).send().await.unwrap();
    let err: Value = res.json().await.unwrap();
    assert!(err["error"]["fields"]["delivery"].as_str().unwrap().contains("does not reach"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_code_limited_to_three_uses_is_used_three_times_under_a_rush() {
    let app = TestApp::spawn_demo().await;
    app.db()
        .execute(
            "INSERT INTO discount_codes (code, kind, value, max_uses, created_at) VALUES ('FIRST3', 'percent', 20, 3, '2026-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
    app.db().execute("UPDATE variants SET on_hand = 100, reserved = 0, track_stock = 1", []).unwrap();
    let sku: String = app
        .db()
        .query_row(
            "SELECT v.sku FROM variants v JOIN products p ON p.id = v.product_id WHERE p.slug = 'canvas-tote' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let tasks: Vec<_> = (0..10)
        .map(|i| {
            let (client, url, sku) = (reqwest::Client::new(), app.url("/api/v1/orders"), sku.clone());
            tokio::spawn(async move {
                let body = json!({
                    "items": [{"sku": sku, "quantity": 1}],
                    "customer": {"name": "Rush", "phone": format!("+91990000{i:04}")},
                    "delivery": {"method": "pickup"},
                    "payment": {"method": "cod"},
                    "discount_code": "FIRST3"
                });
                client.post(url).json(&body).send().await.unwrap().status()
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    let refused = statuses.iter().filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY).count();
    assert_eq!((created, refused), (3, 7), "{statuses:?}");
    assert_eq!(app.count("SELECT count(*) FROM discount_redemptions"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_code_once_per_customer_is_used_once_when_one_customer_rushes() {
    let app = TestApp::spawn_demo().await;
    let mut config = app.config.clone();
    config.orders.placements_per_hour = 0;
    let app = TestApp::spawn_in(app.stop().await, config).await;
    app.db()
        .execute(
            "INSERT INTO discount_codes (code, kind, value, max_uses_per_customer, created_at) VALUES ('ONCE', 'fixed', 5000, 1, '2026-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
    app.db().execute("UPDATE variants SET on_hand = 100, reserved = 0, track_stock = 1", []).unwrap();
    let sku: String = app
        .db()
        .query_row(
            "SELECT v.sku FROM variants v JOIN products p ON p.id = v.product_id WHERE p.slug = 'canvas-tote' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // One customer, eight different baskets at once (so none is a repeat of another), one code.
    let tasks: Vec<_> = (1..=8)
        .map(|qty| {
            let (client, url, sku) = (reqwest::Client::new(), app.url("/api/v1/orders"), sku.clone());
            tokio::spawn(async move {
                let body = json!({
                    "items": [{"sku": sku, "quantity": qty}],
                    "customer": {"name": "Rush", "phone": "098765 11111"},
                    "delivery": {"method": "pickup"},
                    "payment": {"method": "cod"},
                    "discount_code": "once"
                });
                let res = client.post(url).json(&body).send().await.unwrap();
                (res.status(), res.json::<Value>().await.unwrap())
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.unwrap());
    }
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["fields"]["discount_code"].is_string(), "{body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM discount_redemptions"), 1);
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);
}

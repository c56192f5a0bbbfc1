//! Issue 13, part 7: retention erases personal data N days after delivery or cancellation; the
//! owner erases one customer on request and exports everything held about one. Amounts and items
//! stay; the audit log names no personal data; `souk doctor` stays clean.

mod common;

use chrono::Duration;
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn shop() -> (TestApp, String) {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    shop::stock(&app, "canvas-tote", 50);
    let res = app.submit("/admin/settings/api", "/admin/settings/api", &[("name", "Desk"), ("scope", "write")]).await;
    let html = res.text().await.unwrap();
    let at = html.find("value=\"souk_").unwrap() + 7;
    (app, html[at..at + 69].to_string())
}

async fn place(app: &TestApp, phone: &str, email: &str, qty: i64) -> (String, String) {
    let (name, street) =
        if email.starts_with("kabir") { ("Kabir Shah", "9 Fort Road") } else { ("Meera Iyer", "4 Lake View Road") };
    let sku: String = app
        .db()
        .query_row("SELECT v.sku FROM variants v JOIN products p ON p.id = v.product_id WHERE p.slug = 'canvas-tote' ORDER BY v.position LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let body = json!({"items": [{"sku": sku, "quantity": qty}],
        "customer": {"name": name, "phone": phone, "email": email},
        "delivery": {"method": "standard", "address": {"line1": street, "city": "Jaipur", "postal_code": "302001", "country": "IN"}},
        "payment": {"method": "upi"}, "note": if name == "Kabir Shah" { "" } else { "Ring the bell twice" }});
    let placed: Value =
        Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap().json().await.unwrap();
    let link = placed["tracking_url"].as_str().unwrap().strip_prefix(&app.url("")).unwrap().to_string();
    (placed["code"].as_str().unwrap().to_string(), link)
}

async fn steps(app: &TestApp, token: &str, code: &str, to: &[&str]) {
    for t in to {
        let mut body = json!({"to": t});
        if *t == "shipped" {
            body = json!({"to": "shipped", "courier": "India Post", "tracking_number": "EE123456789IN"});
        }
        if *t == "cancelled" {
            body = json!({"to": "cancelled", "reason": "Out of stock"});
        }
        let path = format!("/api/v1/admin/orders/{code}/transitions");
        let res = Client::new().post(app.url(&path)).bearer_auth(token).json(&body).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{code} → {t}");
    }
}

/// Every text value stored anywhere in the shop's database.
fn everything(app: &TestApp) -> String {
    let db = app.db();
    let tables: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE '%VIRTUAL%'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut all = String::new();
    for t in tables {
        if t.contains("search") {
            continue;
        }
        let mut stmt = db.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            for i in 0..n {
                if let Ok(s) = r.get::<_, String>(i) {
                    all.push_str(&format!("{t}: {s}\n"));
                }
            }
        }
    }
    all
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_exports_then_erases_one_customer() {
    let (app, token) = shop().await;
    let (first, link) = place(&app, "+919812345678", "meera@example.com", 1).await;
    let (second, _) = place(&app, "+919812345678", "meera.work@example.com", 2).await;
    let (kept, _) = place(&app, "+919800000009", "kabir@example.com", 3).await;
    steps(&app, &token, &first, &["pending", "confirmed", "shipped", "delivered"]).await;
    let customer = browser();
    let t = link.split("t=").nth(1).unwrap();
    app.submit_as(
        &customer,
        &link,
        &format!("/o/{first}/rating"),
        &[("t", t), ("stars", "5"), ("comment", "Meera loved it")],
    )
    .await;
    app.submit_as(&customer, "/account", "/account/sign-in", &[("email", "meera@example.com")]).await;
    let id = app.count("SELECT id FROM customers WHERE phone = '+919812345678'");
    let totals = app.count(&format!("SELECT sum(total) FROM orders WHERE code IN ('{first}', '{second}')"));

    // Export: everything held about them, owner only, in the audit log.
    let staff = app.staff().await;
    assert_eq!(app.get_as(&staff, &format!("/admin/customers/{id}/export.json")).await.status(), StatusCode::FORBIDDEN);
    let res = app.get(&format!("/admin/customers/{id}/export.json")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("attachment"));
    let data: Value = res.json().await.unwrap();
    assert_eq!(data["customer"]["phone"], "+919812345678");
    assert_eq!(data["orders"].as_array().unwrap().len(), 2);
    let text = data.to_string();
    assert!(
        text.contains("Ring the bell twice")
            && text.contains("Meera loved it")
            && text.contains("meera.work@example.com")
    );
    assert!(!text.contains("kabir@example.com"), "only this customer's");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM audit_log WHERE action = 'customer.exported' AND target = 'customer {id}'"
        )),
        1
    );

    // Erasing needs their number typed again.
    let page = format!("/admin/customers/{id}");
    app.submit(&page, &format!("/admin/customers/{id}/erase"), &[("confirm", "")]).await;
    assert_eq!(app.count("SELECT count(*) FROM orders WHERE erased_at IS NOT NULL"), 0);
    let res = app.submit(&page, &format!("/admin/customers/{id}/erase"), &[("confirm", "98123 45678")]).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, "/admin/customers".to_string()));
    let stored = everything(&app);
    for personal in [
        "+919812345678",
        "meera@example.com",
        "meera.work@example.com",
        "Meera Iyer",
        "4 Lake View Road",
        "Ring the bell twice",
        "Meera loved it",
    ] {
        let found: Vec<&str> = stored.lines().filter(|l| l.contains(personal)).take(3).collect();
        assert!(found.is_empty(), "{personal} is gone from every table: {found:?}");
    }
    assert!(stored.contains("kabir@example.com"), "another customer's data stays");
    assert_eq!(
        app.count(&format!("SELECT sum(total) FROM orders WHERE code IN ('{first}', '{second}')")),
        totals,
        "amounts stay"
    );
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.code = '{first}'"
        )),
        1
    );
    assert_eq!(app.count("SELECT stars FROM order_ratings"), 5, "the stars still count");
    assert_eq!(app.count("SELECT count(*) FROM customer_accounts"), 0);
    assert_eq!(app.get_as(&customer, &link).await.status(), StatusCode::NOT_FOUND, "the order's links stop working");
    assert_eq!(app.count(&format!("SELECT count(*) FROM audit_log WHERE action = 'customer.erased' AND target = 'customer {id}' AND detail = '2 order(s)'")), 1);
    assert_eq!(app.get(&page).await.status(), StatusCode::NOT_FOUND);
    let (code, out) = app.doctor();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("2 order(s) had their personal data erased"), "{out}");
    let _ = kept;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_erases_orders_some_days_after_they_end() {
    let (app, token) = shop().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/retention", &[("days", "-1")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app.submit("/admin/settings/orders", "/admin/settings/retention", &[("days", "30")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (delivered, _) = place(&app, "+919812345678", "meera@example.com", 1).await;
    let (cancelled, _) = place(&app, "+919812345678", "meera@example.com", 2).await;
    let (open, _) = place(&app, "+919812345678", "meera@example.com", 3).await;
    let (gone, _) = place(&app, "+919800000009", "kabir@example.com", 4).await;
    steps(&app, &token, &gone, &["pending", "cancelled"]).await;
    steps(&app, &token, &delivered, &["pending", "confirmed", "shipped", "delivered"]).await;
    steps(&app, &token, &cancelled, &["pending", "cancelled"]).await;
    steps(&app, &token, &open, &["pending", "confirmed"]).await;
    let purge = || souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "purge", "manual");

    app.state.clock.advance(Duration::days(29));
    assert!(purge().await.unwrap().contains("erased the personal data of 0 order(s)"));
    app.state.clock.advance(Duration::days(2));
    assert!(purge().await.unwrap().contains("erased the personal data of 3 order(s)"));
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE phone = '+919800000009'"),
        0,
        "a customer left with no order goes"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM customers WHERE phone = '+919812345678'"),
        1,
        "one with an open order stays"
    );
    let name = |code: &str| -> String {
        app.db().query_row("SELECT customer_name FROM orders WHERE code = ?1", [code], |r| r.get(0)).unwrap()
    };
    assert_eq!(
        (name(&delivered), name(&cancelled), name(&open)),
        (String::new(), String::new(), "Meera Iyer".to_string())
    );
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'privacy.retention'"), 1);
    // The customer still has their open order; the erased ones stay in the figures.
    let names: Vec<String> = app
        .db()
        .prepare("SELECT phone || ' ' || name FROM customers")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(names.contains(&"+919812345678 Meera Iyer".to_string()), "{names:?}");
    let (code, out) = app.doctor();
    assert_eq!(code, 0, "{out}");
}

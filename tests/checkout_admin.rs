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
            "SELECT count(*) FROM outbox WHERE kind = 'seller_new_order' AND to_addr = '{OWNER_EMAIL}' AND subject LIKE '%AK-1001%'"
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

/// Every variant with plenty of stock, for a rush of orders; returns a Canvas Tote SKU.
fn plenty_of_stock(app: &TestApp) -> String {
    app.db().execute("UPDATE variants SET on_hand = 100, reserved = 0, track_stock = 1", []).unwrap();
    app.db()
        .query_row(
            "SELECT v.sku FROM variants v JOIN products p ON p.id = v.product_id WHERE p.slug = 'canvas-tote' LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap()
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
    let sku = plenty_of_stock(&app);
    let bodies = (0..10)
        .map(|i| {
            json!({
                "items": [{"sku": sku, "quantity": 1}],
                "customer": {"name": "Rush", "phone": format!("+91990000{i:04}")},
                "delivery": {"method": "pickup"},
                "payment": {"method": "cod"},
                "discount_code": "FIRST3"
            })
        })
        .collect();
    let statuses: Vec<StatusCode> = place_all_at_once(&app, bodies).await.into_iter().map(|(s, _)| s).collect();
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
    let sku = plenty_of_stock(&app);
    // One customer, eight different baskets at once (so none is a repeat of another), one code.
    let bodies = (1..=8)
        .map(|qty| {
            json!({
                "items": [{"sku": sku, "quantity": qty}],
                "customer": {"name": "Rush", "phone": "098765 11111"},
                "delivery": {"method": "pickup"},
                "payment": {"method": "cod"},
                "discount_code": "once"
            })
        })
        .collect();
    let answers = place_all_at_once(&app, bodies).await;
    let created = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert_eq!(created, 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["fields"]["discount_code"].is_string(), "{body}");
    }
    assert_eq!(app.count("SELECT count(*) FROM discount_redemptions"), 1);
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);
}

/// A shop set up by its owner with one product: the kurta K-1 at 500.00, fifty in stock.
async fn owner_shop() -> TestApp {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let kurta = [
        ("title", "Kurta"),
        ("status", "active"),
        ("v0_sku", "K-1"),
        ("v0_price", "500"),
        ("v0_track", "1"),
        ("v0_stock", "50"),
    ];
    assert_eq!(app.submit("/admin/products/new", "/admin/products/new", &kurta).await.status(), StatusCode::SEE_OTHER);
    app
}

async fn admin_form(app: &TestApp, action: &str, fields: &[(&str, &str)]) {
    let res = app.submit("/admin/checkout", action, fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{action}: {}", res.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_fees_follow_the_flat_rate_the_free_threshold_and_the_zones() {
    let app = owner_shop().await;
    let post = [
        ("name", "India Post"),
        ("code", "post"),
        ("kind", "flat"),
        ("fee", "60"),
        ("free_over", "1000"),
        ("active", "1"),
    ];
    admin_form(&app, "/admin/checkout/delivery", &post).await;
    let zones = "Pune: 411 = 49\nMaharashtra: Maharashtra = 79";
    let courier = [("name", "Courier"), ("code", "courier"), ("kind", "zones"), ("zones", zones), ("active", "1")];
    admin_form(&app, "/admin/checkout/delivery", &courier).await;
    admin_form(&app, "/admin/checkout/payment", &[("name", "Cash"), ("code", "cod"), ("kind", "cod"), ("active", "1")])
        .await;
    admin_form(&app, "/admin/checkout/discounts", &[("code", "tenoff"), ("kind", "percent"), ("value", "10")]).await;

    let mut phone = 0;
    let mut order = |qty: i64, method: &str, address: Value, discount: Option<&str>| {
        phone += 1;
        let mut body = json!({
            "items": [{"sku": "K-1", "quantity": qty}],
            "customer": {"name": "Ravi", "phone": format!("+9199000000{phone:02}")},
            "delivery": {"method": method, "address": address},
            "payment": {"method": "cod"}
        });
        if let Some(code) = discount {
            body["discount_code"] = json!(code);
        }
        let req = app.client.post(app.url("/api/v1/orders")).json(&body);
        async move {
            let res = req.send().await.unwrap();
            (res.status(), res.json::<Value>().await.unwrap())
        }
    };
    let home = || json!({"line1": "7 FC Road", "city": "Nagpur", "region": "Maharashtra", "postal_code": "440001"});
    let fee = |answer: &(StatusCode, Value)| {
        assert_eq!(answer.0, StatusCode::CREATED, "{}", answer.1);
        answer.1["delivery_fee"].as_i64().unwrap()
    };

    // Flat: the fee below the threshold, nothing at it or above; the threshold is on the
    // subtotal after the discount.
    let one = order(1, "post", home(), None).await;
    assert_eq!((fee(&one), one.1["total"].as_i64()), (6000, Some(50000 + 6000)));
    let at = order(2, "post", home(), None).await;
    assert_eq!((fee(&at), at.1["total"].as_i64()), (0, Some(100_000)), "free at exactly 1,000");
    assert_eq!(fee(&order(3, "post", home(), None).await), 0, "and above");
    let discounted = order(2, "post", home(), Some("TENOFF")).await;
    assert_eq!((fee(&discounted), discounted.1["discount"].as_i64()), (6000, Some(10000)), "900 after the discount");
    let page = app.page(&at.1["tracking_url"].as_str().unwrap().replace(&app.base, "")).await.1;
    assert!(page.contains("<dt>Delivery</dt><dd>Free</dd>"), "the order page says so: {page}");

    // Zones: by region, by the start of the postal code (spaces ignored), the first zone listed
    // winning when two match, and refused where none does.
    assert_eq!(fee(&order(1, "courier", home(), None).await), 7900, "Maharashtra by its region");
    let pune = json!({"line1": "3 MG Road", "city": "Pimpri", "postal_code": "411 045"});
    assert_eq!(fee(&order(1, "courier", pune, None).await), 4900, "Pune by its postal code");
    let both = json!({"line1": "3 MG Road", "city": "Pune", "region": "Maharashtra", "postal_code": "411001"});
    assert_eq!(fee(&order(1, "courier", both, None).await), 4900, "the first zone listed");
    let goa = json!({"line1": "1 Beach Road", "city": "Panaji", "region": "Goa", "postal_code": "403001"});
    let (status, err) = order(1, "courier", goa, None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["fields"]["delivery"], "Courier does not reach this address; choose another way.");
    assert_eq!(app.count("SELECT count(*) FROM orders"), 7);
}

/// The `text` of the first wa.me link in a page, decoded, and the link as sent.
fn whatsapp_text(html: &str) -> (String, String) {
    let at = html.find("href=\"https://wa.me/").expect("a WhatsApp link") + "href=\"".len();
    let href = html[at..at + html[at..].find('"').unwrap()].replace("&amp;", "&");
    let url = reqwest::Url::parse(&href).unwrap();
    let text = url.query_pairs().find(|(k, _)| k == "text").unwrap().1.into_owned();
    (text, href)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sellers_whatsapp_message_reaches_a_new_order_without_control_characters() {
    let app = owner_shop().await;
    souk::demo::checkout_methods(&app.db()).unwrap();
    let profile = [
        ("name", "Asha's Kitchen"),
        ("currency", "INR"),
        ("country_calling_code", "91"),
        ("whatsapp_number", "098765 43210"),
    ];
    assert_eq!(app.submit("/admin/settings", "/admin/settings", &profile).await.status(), StatusCode::SEE_OTHER);
    let template =
        "Namaste!\u{7} Order {code}\u{1b}[1m for {total}\r\n{items}\u{0}\nBy {delivery}, paying by {payment}.";
    let settings = [("flow", "whatsapp"), ("order_prefix", "AK-"), ("whatsapp_template", template)];
    admin_form(&app, "/admin/checkout", &settings).await;

    let shopper = browser();
    let checkout = |fields: Vec<(&'static str, &'static str)>| {
        let shopper = shopper.clone();
        let app = &app;
        async move {
            common::shop::add(app, &shopper, "K-1", "1").await;
            let res = common::shop::checkout(app, &shopper, &fields).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
            app.page(&location(&res)).await.1
        }
    };
    let page = checkout(common::shop::CUSTOMER.to_vec()).await;
    assert!(page.contains("Send order on WhatsApp"), "a draft waits to be sent: {page}");
    let (text, href) = whatsapp_text(&page);
    assert!(href.starts_with("https://wa.me/919876543210?text="), "{href}");
    let total = souk::domain::money::format(50000 + 4900, "INR", 2);
    assert_eq!(text, format!("Namaste! Order AK-1001[1m for {total}\n1 × Kurta [K-1]\nBy Courier, paying by UPI."));
    for control in ["%07", "%1B", "%0D", "%00"] {
        assert!(!href.contains(control), "{control} in {href}");
    }

    // A template that reached the database some other way is cleaned on its way into the link too.
    app.db()
        .execute(
            "UPDATE checkout_settings SET whatsapp_template = 'Order {code}' || char(9, 27, 127) || ' by {payment}'",
            [],
        )
        .unwrap();
    let page = checkout(common::shop::customer_with(&[("phone", "+919988700001")])).await;
    let (text, href) = whatsapp_text(&page);
    assert_eq!(text, "Order AK-1002 by UPI");
    assert!(!href.contains("%09") && !href.contains("%1B") && !href.contains("%7F"), "{href}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_discount_code_works_only_from_its_start() {
    let app = owner_shop().await;
    souk::demo::checkout_methods(&app.db()).unwrap();
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(1)).format("%Y-%m-%dT%H:%M").to_string();
    let code = [("code", "launch20"), ("kind", "percent"), ("value", "20"), ("starts_at", tomorrow.as_str())];
    admin_form(&app, "/admin/checkout/discounts", &code).await;

    let shopper = browser();
    common::shop::add(&app, &shopper, "K-1", "1").await;
    let fields = common::shop::customer_with(&[("discount_code", "Launch20")]);
    let res = common::shop::checkout(&app, &shopper, &fields).await;
    let html = common::shop::shown_again(&app, &shopper, res).await;
    assert!(
        html.contains("<p class=\"error\" id=\"f-discount_code-error\">The code LAUNCH20 is not valid.</p>"),
        "a message beside the code field: {html}"
    );
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0);

    // The start passes.
    app.db().execute("UPDATE discount_codes SET starts_at = '2000-01-01T00:00:00.000Z'", []).unwrap();
    let res = common::shop::checkout(&app, &shopper, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let (discount, code): (i64, String) =
        app.db().query_row("SELECT discount, discount_code FROM orders", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((discount, code.as_str()), (10000, "LAUNCH20"));
    assert!(app.page(&location(&res)).await.1.contains("Discount (LAUNCH20)"));
}

/// Issue 11 (regression): a zone with `*` as its places is everywhere else: a customer outside the
/// listed places pays its fee at the checkout and through the API (they could only pick up). A line
/// no address could ever reach is refused beside the field, saying why, and nothing is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_catch_all_zone_delivers_everywhere_else_and_lines_that_cannot_match_are_refused() {
    let app = owner_shop().await;
    let (_, html) = app.page("/admin/checkout").await;
    assert!(html.contains("Everywhere else: * = 99"), "the form's hint explains *");
    let courier = |zones: &'static str| {
        [("name", "Courier"), ("code", "courier"), ("kind", "zones"), ("zones", zones), ("active", "1")]
    };
    for (zones, why) in [
        ("Rest of India: * = 99\nPune: Pune = 49", "Line 2 can never match: line 1 (*) already takes every address"),
        ("Pune: Pune = 49\nNorth: 11* = 99", "Line 2 can never match: 11* is not a place"),
        (
            "Pune: Pune, 411 = 49\nCity: pune = 59",
            "Line 2 can never match: each of its places is already in an earlier line (Pune)",
        ),
    ] {
        let res = app.submit("/admin/checkout", "/admin/checkout/delivery", &courier(zones)).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{zones}");
        let html = res.text().await.unwrap();
        assert!(html.contains(&format!("zones-error\">{why}")), "beside the field: {why}: {html}");
    }
    assert_eq!(app.count("SELECT count(*) FROM delivery_methods"), 0);

    admin_form(&app, "/admin/checkout/delivery", &courier("Pune: Pune, 411 = 49\nRest of India: * = 99")).await;
    admin_form(&app, "/admin/checkout/payment", &[("name", "Cash"), ("code", "cod"), ("kind", "cod"), ("active", "1")])
        .await;
    let order = |phone: &str, city: &str, postal: &str| {
        json!({
            "items": [{"sku": "K-1", "quantity": 1}],
            "customer": {"name": "Ravi", "phone": phone},
            "delivery": {"method": "courier", "address": {"line1": "1 Beach Road", "city": city, "postal_code": postal}},
            "payment": {"method": "cod"}
        })
    };
    for (phone, city, postal, fee) in
        [("+919900000001", "Panaji", "403001", 9900), ("+919900000002", "Pimpri", "411045", 4900)]
    {
        let res = app.client.post(app.url("/api/v1/orders")).json(&order(phone, city, postal)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::CREATED, "{city}");
        assert_eq!(res.json::<Value>().await.unwrap()["delivery_fee"], fee, "{city}");
    }

    // The checkout form, from a cart.
    let shopper = browser();
    assert_eq!(common::shop::add(&app, &shopper, "K-1", "1").await.status(), StatusCode::SEE_OTHER);
    let fields = [
        ("name", "Asha"),
        ("phone", "+919988776655"),
        ("delivery", "courier"),
        ("line1", "2 Lake Road"),
        ("city", "Bhopal"),
        ("region", "Madhya Pradesh"),
        ("postal_code", "462001"),
        ("payment", "cod"),
    ];
    let res = common::shop::checkout(&app, &shopper, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let fee: i64 = app
        .db()
        .query_row("SELECT delivery_fee FROM orders WHERE customer_phone = '+919988776655'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(fee, 9900, "the catch-all's fee");
}

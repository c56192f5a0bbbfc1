//! The public JSON API (issue 4): real responses checked against `/api/v1/openapi.json`.

mod common;

use common::*;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Checks `body` against a schema of the OpenAPI document (the document is the schema's root, so
/// its `#/components/...` references resolve).
fn conforms(spec: &Value, schema: &str, body: &Value) {
    let mut root = spec.clone();
    root["$ref"] = json!(format!("#/components/schemas/{schema}"));
    let validator = jsonschema::validator_for(&root).expect("the document's schemas compile");
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{schema} does not match the response: {errors:?}\n{body:#}");
}

async fn spec(app: &TestApp) -> Value {
    let res = app.get("/api/v1/openapi.json").await;
    assert_eq!(res.status(), StatusCode::OK);
    let spec: Value = res.json().await.unwrap();
    assert_eq!(spec["openapi"], "3.1.0");
    spec
}

fn stock(app: &TestApp, sku: &str, on_hand: i64) {
    app.db()
        .execute(
            "UPDATE variants SET on_hand = ?2, reserved = 0, track_stock = 1, allow_backorder = 0, max_per_order = NULL WHERE sku = ?1",
            rusqlite::params![sku, on_hand],
        )
        .unwrap();
}

fn order_body(sku: &str, qty: i64, phone: &str) -> Value {
    json!({
        "items": [{"sku": sku, "quantity": qty}],
        "customer": {"name": "Asha", "phone": phone, "email": "asha@example.com"},
        "delivery": {"method": "standard", "address": {"line1": "12 Hawa Mahal Road", "city": "Jaipur", "postal_code": "302002", "country": "IN"}},
        "payment": {"method": "cod"},
        "note": "<b>hi</b>"
    })
}

async fn post(app: &TestApp, body: &Value, key: Option<&str>) -> (StatusCode, reqwest::header::HeaderMap, Value) {
    let mut req = app.client.post(app.url("/api/v1/orders")).json(body);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let res = req.send().await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    (status, headers, res.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalogue_responses_match_the_document() {
    let app = TestApp::spawn_demo().await;
    let spec = spec(&app).await;
    let shop: Value = app.get("/api/v1/shop").await.json().await.unwrap();
    conforms(&spec, "Shop", &shop);
    assert_eq!(shop["currency"], "INR");
    let ids: Vec<&str> =
        shop["delivery_methods"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["pickup", "standard"]);
    let pays: Vec<&str> =
        shop["payment_methods"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap()).collect();
    assert_eq!(pays, ["cod", "bank", "upi"]);

    // Every product, a page at a time, each once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/products?limit=15".to_string();
    loop {
        let page: Value = app.get(&path).await.json().await.unwrap();
        conforms(&spec, "ProductList", &page);
        seen.extend(page["products"].as_array().unwrap().iter().map(|p| p["slug"].as_str().unwrap().to_string()));
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/products?limit=15&cursor={next}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), 40);
    seen.dedup();
    assert_eq!(seen.len(), 40);

    let product: Value = app.get("/api/v1/products/canvas-tote").await.json().await.unwrap();
    conforms(&spec, "Product", &product);
    assert_eq!(product["variants"][0]["options"]["Colour"], "Black");
    let missing = app.get("/api/v1/products/no-such-thing").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    conforms(&spec, "Error", &missing.json().await.unwrap());
    let bad = app.get("/api/v1/products?cursor=abc").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    conforms(&spec, "Error", &bad.json().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placing_reading_and_retrying_an_order_through_the_api() {
    let app = TestApp::spawn_demo().await;
    let spec = spec(&app).await;
    let product: Value = app.get("/api/v1/products/canvas-tote").await.json().await.unwrap();
    let sku = product["variants"][0]["sku"].as_str().unwrap().to_string();
    let price = product["variants"][0]["price"].as_i64().unwrap();
    stock(&app, &sku, 3);

    let body = order_body(&sku, 2, "+919988776655");
    let (status, headers, order) = post(&app, &body, Some("key-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    conforms(&spec, "Order", &order);
    assert_eq!(headers["cache-control"], "no-store");
    assert_eq!(order["subtotal"], 2 * price);
    assert_eq!(
        order["total"],
        2 * price + order["delivery_fee"].as_i64().unwrap() - order["discount"].as_i64().unwrap()
    );
    assert_eq!(order["status"], "draft");
    let wa = order["whatsapp_url"].as_str().unwrap();
    let text = wa.split("text=").nth(1).unwrap();
    assert!(
        text.contains("ORD-1001") && !text.contains("Asha") && !text.contains("Hawa") && !text.contains("99887"),
        "{wa}"
    );
    let tracking = order["tracking_url"].as_str().unwrap().to_string();
    let token = tracking.split("t=").nth(1).unwrap().to_string();

    // The same key and body: the same response (its link too), no second order or reservation.
    let (status, _, again) = post(&app, &body, Some("key-1")).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(again, order);
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);
    assert_eq!(app.count("SELECT count(*) FROM order_tokens"), 1, "the retry's link is the first one");
    assert_eq!(app.count("SELECT count(*) FROM idempotency_keys WHERE key = 'key-1'"), 0, "kept only hashed");
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 2);
    // The same key with another body is refused.
    let (status, _, err) = post(&app, &order_body(&sku, 1, "+919988776655"), Some("key-1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(err["error"]["code"], "idempotency_key_reused");
    conforms(&spec, "Error", &err);

    // Reading it back with the magic-link token; anything else is the same 404.
    let read = app.client.get(app.url("/api/v1/orders/ord-1001")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(read.status(), StatusCode::OK);
    let read: Value = read.json().await.unwrap();
    conforms(&spec, "Order", &read);
    assert_eq!(read["code"], "ORD-1001");
    assert!(read["tracking_url"].is_null(), "the token is never sent back");
    for t in ["0".repeat(64), "short".to_string()] {
        let res = app.client.get(app.url("/api/v1/orders/ORD-1001")).bearer_auth(t).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND);
        conforms(&spec, "Error", &res.json().await.unwrap());
    }
    let res = app.client.get(app.url("/api/v1/orders/ORD-1001")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);

    // One unit is left: asking for two is sold out, with the SKU.
    let (status, _, err) = post(&app, &order_body(&sku, 2, "+919988770000"), None).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(err["error"]["code"], "sold_out");
    assert_eq!(err["error"]["skus"], json!([sku]));
    conforms(&spec, "Error", &err);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_orders_get_a_clear_answer_and_store_nothing() {
    let app = TestApp::spawn_demo().await;
    let spec = spec(&app).await;
    let product: Value = app.get("/api/v1/products/canvas-tote").await.json().await.unwrap();
    let sku = product["variants"][0]["sku"].as_str().unwrap().to_string();
    stock(&app, &sku, 5);
    let mut priced = order_body(&sku, 1, "+919988776655");
    priced["items"][0]["price"] = json!(1);
    let mut totalled = order_body(&sku, 1, "+919988776655");
    totalled["total"] = json!(1);
    let mut long = order_body(&sku, 1, "+919988776655");
    long["delivery"]["address"]["line1"] = json!("x".repeat(10_000));
    let mut no_phone = order_body(&sku, 1, "12");
    no_phone["customer"]["name"] = json!("");
    let cases = [
        (order_body("NO-SUCH-SKU", 1, "+919988776655"), "unknown_sku"),
        (order_body(&sku, 0, "+919988776655"), "invalid"),
        (order_body(&sku, -2, "+919988776655"), "invalid"),
        (order_body(&sku, 1_000_000, "+919988776655"), "invalid"),
        (priced, "invalid_body"),
        (totalled, "invalid_body"),
        (long, "invalid"),
        (no_phone, "invalid"),
        (json!({"items": []}), "invalid_body"),
    ];
    for (body, code) in cases {
        let (status, _, err) = post(&app, &body, None).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {err}");
        assert_eq!(err["error"]["code"], code, "{body}: {err}");
        conforms(&spec, "Error", &err);
    }
    let (_, _, err) = post(
        &app,
        &{
            let mut b = order_body(&sku, 1, "12");
            b["customer"]["name"] = json!("");
            b
        },
        None,
    )
    .await;
    assert!(err["error"]["fields"]["phone"].as_str().unwrap().contains("like +91"));
    assert!(err["error"]["fields"]["name"].is_string());
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0);
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_is_strict_enough_to_catch_a_wrong_response() {
    let app = TestApp::spawn_demo().await;
    let spec = spec(&app).await;
    let product: Value = app.get("/api/v1/products/canvas-tote").await.json().await.unwrap();
    let mut wrong = product.clone();
    wrong["variants"][0]["price"] = json!("12.99");
    let spec2 = spec.clone();
    let caught = std::panic::catch_unwind(move || conforms(&spec2, "Product", &wrong));
    assert!(caught.is_err(), "a price as text must not pass");
    let caught = std::panic::catch_unwind(move || conforms(&spec, "Order", &json!({"code": "ORD-1"})));
    assert!(caught.is_err(), "an order without its totals must not pass");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_sku_counts_once_and_a_repeat_order_gives_no_link() {
    let app = TestApp::spawn_demo().await;
    let spec = spec(&app).await;
    let product: Value = app.get("/api/v1/products/canvas-tote").await.json().await.unwrap();
    let sku = product["variants"][0]["sku"].as_str().unwrap().to_string();
    stock(&app, &sku, 3);
    let twice = |q1: i64, q2: i64, phone: &str| {
        let mut b = order_body(&sku, q1, phone);
        b["items"] = json!([{"sku": sku, "quantity": q1}, {"sku": sku, "quantity": q2}]);
        b
    };

    // Naming a SKU twice cannot pass the per-order limit or the quantity cap.
    app.db().execute("UPDATE variants SET max_per_order = 1 WHERE sku = ?1", [&sku]).unwrap();
    let (status, _, err) = post(&app, &twice(1, 1, "+919988776655"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");
    assert!(err["error"]["fields"]["items"].as_str().unwrap().contains("At most 1"), "{err}");
    app.db().execute("UPDATE variants SET max_per_order = NULL WHERE sku = ?1", [&sku]).unwrap();
    let (status, _, err) = post(&app, &twice(600, 600, "+919988776655"), None).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{err}");

    // Otherwise the quantities add up on one line.
    let (status, _, order) = post(&app, &twice(1, 1, "+919988776655"), None).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(order["items"].as_array().unwrap().len(), 1);
    assert_eq!(order["items"][0]["quantity"], 2);
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 2);

    // The same phone and items again, even spelled the other way: the earlier order, and no link
    // to it (a phone number and a guessed basket must not open someone's order), although the
    // one unit left could not cover it.
    let (status, _, again) = post(&app, &order_body(&sku, 2, "+919988776655"), None).await;
    assert_eq!(status, StatusCode::OK, "{again}");
    conforms(&spec, "Order", &again);
    assert_eq!(again["code"], order["code"]);
    assert!(again["tracking_url"].is_null(), "{again}");
    assert_eq!(app.count("SELECT count(*) FROM order_tokens"), 1, "no token issued for the repeat");
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'order_received'"), 1, "no second email");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_placement_refused_halfway_leaves_nothing_behind() {
    let app = TestApp::spawn_demo().await;
    let product: Value = app.get("/api/v1/products/canvas-tote").await.json().await.unwrap();
    let sku = product["variants"][0]["sku"].as_str().unwrap().to_string();
    stock(&app, &sku, 3);
    // Make the reservation itself fail after the order row is written: the check before it passed,
    // so only the placement's own rollback keeps the order from standing half-made.
    app.db()
        .execute_batch(&format!(
            "CREATE TRIGGER refuse_reserve BEFORE UPDATE OF reserved ON variants WHEN NEW.sku = '{sku}'
             BEGIN SELECT RAISE(IGNORE); END;"
        ))
        .unwrap();
    let (status, _, err) = post(&app, &order_body(&sku, 1, "+919988776655"), Some("half")).await;
    assert_eq!(status, StatusCode::CONFLICT, "{err}");
    assert_eq!(err["error"]["code"], "sold_out");
    for table in ["orders", "order_lines", "order_events", "order_tokens", "idempotency_keys"] {
        assert_eq!(app.count(&format!("SELECT count(*) FROM {table}")), 0, "{table} is empty");
    }
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind LIKE 'order%'"), 0);
    app.db().execute_batch("DROP TRIGGER refuse_reserve").unwrap();
    let (status, _, order) = post(&app, &order_body(&sku, 1, "+919988776655"), Some("half")).await;
    assert_eq!(status, StatusCode::CREATED, "the key is free again: {order}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn retries_at_once_make_one_order_and_a_dead_link_stays_dead() {
    let app = TestApp::spawn_demo().await;
    let product: Value = app.get("/api/v1/products/canvas-tote").await.json().await.unwrap();
    let sku = product["variants"][0]["sku"].as_str().unwrap().to_string();
    stock(&app, &sku, 10);
    let body = order_body(&sku, 1, "+919988776655");
    // A client retrying before the first answer arrives: every attempt gets the same answer.
    let attempts = (0..8).map(|_| {
        let (app, body) = (&app, &body);
        async move { post(app, body, Some("retry-at-once")).await }
    });
    let answers = futures_util::future::join_all(attempts).await;
    let first = &answers[0].2;
    for (status, _, order) in &answers {
        assert_eq!(*status, StatusCode::CREATED, "{order}");
        assert_eq!(order, first);
    }
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 1);
    let token = first["tracking_url"].as_str().unwrap().split("t=").nth(1).unwrap().to_string();
    let read = |t: String| {
        let app = &app;
        async move { app.client.get(app.url("/api/v1/orders/ORD-1001")).bearer_auth(t).send().await.unwrap().status() }
    };
    assert_eq!(read(token.clone()).await, StatusCode::OK);

    // Revoked: the link is dead, and a retry with the key gives it back dead, not a new one.
    app.db().execute("UPDATE order_tokens SET revoked_at = '2026-01-01T00:00:00.000Z'", []).unwrap();
    assert_eq!(read(token.clone()).await, StatusCode::NOT_FOUND);
    let (status, _, again) = post(&app, &body, Some("retry-at-once")).await;
    assert_eq!((status, &again), (StatusCode::CREATED, first));
    assert_eq!(read(token.clone()).await, StatusCode::NOT_FOUND);
    assert_eq!(app.count("SELECT count(*) FROM order_tokens"), 1);

    // Expired: the same 404 as a wrong token.
    app.db().execute("UPDATE order_tokens SET revoked_at = NULL, expires_at = '2000-01-01T00:00:00.000Z'", []).unwrap();
    assert_eq!(read(token).await, StatusCode::NOT_FOUND);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_orders_from_one_client_are_refused_as_documented() {
    let app = TestApp::spawn_demo().await;
    let mut config = app.config.clone();
    config.orders.placements_per_hour = 1;
    let app = TestApp::spawn_in(app.stop().await, config).await;
    let spec = spec(&app).await;
    let product: Value = app.get("/api/v1/products/canvas-tote").await.json().await.unwrap();
    let sku = product["variants"][0]["sku"].as_str().unwrap().to_string();
    stock(&app, &sku, 10);
    let (status, _, _) = post(&app, &order_body(&sku, 1, "+919988776601"), None).await;
    assert_eq!(status, StatusCode::CREATED);
    // A forged X-Forwarded-For from an untrusted peer changes nothing.
    let res = app
        .client
        .post(app.url("/api/v1/orders"))
        .header("x-forwarded-for", "198.51.100.99")
        .json(&order_body(&sku, 1, "+919988776602"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=3600).contains(&wait), "{wait}");
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["error"]["code"], "too_many_requests");
    conforms(&spec, "Error", &err);
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);
    // Reading an order without a token: 401, in the documented shape.
    let res = app.client.get(app.url("/api/v1/orders/ORD-1001")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    conforms(&spec, "Error", &res.json().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_api_clients_race_for_the_last_unit_and_exactly_one_gets_it() {
    let app = TestApp::spawn_demo().await;
    let mut config = app.config.clone();
    config.orders.placements_per_hour = 0;
    let app = TestApp::spawn_in(app.stop().await, config).await;
    let product: Value = app.get("/api/v1/products/canvas-tote").await.json().await.unwrap();
    let sku = product["variants"][0]["sku"].as_str().unwrap().to_string();
    stock(&app, &sku, 1);
    let bodies = (0..50).map(|i| order_body(&sku, 1, &format!("+9199000{i:05}"))).collect();
    let answers = place_all_at_once(&app, bodies).await;
    let placed = answers.iter().filter(|(s, _)| *s == StatusCode::CREATED).count();
    assert_eq!(placed, 1, "{answers:?}");
    for (status, body) in answers.iter().filter(|(s, _)| *s != StatusCode::CREATED) {
        assert_eq!(*status, StatusCode::CONFLICT, "{body}");
        assert_eq!(body["error"]["code"], "sold_out");
        assert_eq!(body["error"]["skus"], json!([sku]));
    }
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 1);
}

/// Clients that write `null` for an optional field (most JSON libraries do for a missing value)
/// place their order as if the field were left out; the document says so.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn null_optional_fields_are_taken_as_left_out() {
    let app = TestApp::spawn_demo().await;
    let spec = spec(&app).await;
    let product: Value = app.get("/api/v1/products/canvas-tote").await.json().await.unwrap();
    let sku = product["variants"][0]["sku"].as_str().unwrap().to_string();
    stock(&app, &sku, 3);
    let body = json!({
        "items": [{"sku": sku, "quantity": 1}],
        "customer": {"name": "Asha", "phone": "+919988776655", "email": null},
        "delivery": {"method": "standard", "address": {"line1": "12 Hawa Mahal Road", "line2": null, "city": "Jaipur", "region": null, "postal_code": null, "country": "IN"}},
        "payment": {"method": "cod"},
        "discount_code": null,
        "note": null
    });
    conforms(&spec, "OrderRequest", &body);
    let (status, _, order) = post(&app, &body, None).await;
    assert_eq!(status, StatusCode::CREATED, "{order}");
    assert_eq!(order["discount"], 0);
}

/// CORS (issue 12): off by default; the origins in `server.cors_origins` may call the public API
/// from a browser (preflight answered, the origin echoed), never the admin API.
#[actix_web::test]
async fn cross_origin_calls_only_from_the_configured_origins() {
    let app = TestApp::spawn_with(|c| c.server.cors_origins = vec!["https://blog.example".into()]).await;
    let client = reqwest::Client::new();
    let preflight = |origin: &'static str, path: &'static str| {
        client
            .request(reqwest::Method::OPTIONS, app.url(path))
            .header("Origin", origin)
            .header("Access-Control-Request-Method", "POST")
            .header("Access-Control-Request-Headers", "content-type, idempotency-key")
            .send()
    };
    let res = preflight("https://blog.example", "/api/v1/orders").await.unwrap();
    assert_eq!(res.status(), StatusCode::NO_CONTENT);
    assert_eq!(res.headers()["access-control-allow-origin"], "https://blog.example");
    assert!(res.headers()["access-control-allow-headers"].to_str().unwrap().contains("Idempotency-Key"));
    let res = client.get(app.url("/api/v1/shop")).header("Origin", "https://blog.example").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["access-control-allow-origin"], "https://blog.example");
    // Another origin, the admin API and the pages get nothing a browser would accept.
    let res = client.get(app.url("/api/v1/shop")).header("Origin", "https://evil.example").send().await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let res = preflight("https://blog.example", "/api/v1/admin/orders").await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
    let res = client.get(app.url("/")).header("Origin", "https://blog.example").send().await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());

    // Off by default.
    let plain = TestApp::spawn().await;
    let res = client.get(plain.url("/api/v1/shop")).header("Origin", "https://blog.example").send().await.unwrap();
    assert!(res.headers().get("access-control-allow-origin").is_none());
}

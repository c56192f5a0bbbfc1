//! The admin JSON API (issue 12, the part issue 11's desk needs): tokens made by the owner, shown
//! once and stored hashed, read and write scopes, revocation, last-used; the order desk's list,
//! order, transitions (409 with `allowed`) and payments with Idempotency-Key; every answer checked
//! against `/api/v1/openapi.json`.

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sha2::Digest;

async fn desk() -> TestApp {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app
}

async fn place(app: &TestApp, sku: &str, qty: i64, phone: &str, name: &str) -> String {
    let body = json!({
        "items": [{"sku": sku, "quantity": qty}],
        "customer": {"name": name, "phone": phone, "email": "meera.iyer@example.com"},
        "delivery": {"method": "standard", "address": {"line1": "4 Lake View Road", "city": "Jaipur",
            "region": "Rajasthan", "postal_code": "302001", "country": "IN"}},
        "payment": {"method": "upi"},
    });
    let res = Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap();
    let status = res.status();
    let answer = res.json::<Value>().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    answer["code"].as_str().unwrap().to_string()
}

/// Makes a token on the admin page as the signed-in owner; returns it as the page showed it once.
async fn make_token(app: &TestApp, name: &str, scope: &str) -> String {
    let res = app.submit("/admin/settings/api", "/admin/settings/api", &[("name", name), ("scope", scope)]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let at = html.find("value=\"souk_").expect("the new token is shown") + 7;
    html[at..at + 69].to_string()
}

fn conforms(spec: &Value, schema: &str, body: &Value) {
    let mut root = spec.clone();
    root["$ref"] = json!(format!("#/components/schemas/{schema}"));
    let validator = jsonschema::validator_for(&root).expect("the document's schemas compile");
    let errors: Vec<String> = validator.iter_errors(body).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{schema} does not match the response: {errors:?}\n{body:#}");
}

async fn spec(app: &TestApp) -> Value {
    app.get("/api/v1/openapi.json").await.json().await.unwrap()
}

async fn call(app: &TestApp, token: &str, method: &str, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    call_keyed(app, token, method, path, body, None).await
}

async fn call_keyed(
    app: &TestApp,
    token: &str,
    method: &str,
    path: &str,
    body: Option<Value>,
    key: Option<&str>,
) -> (StatusCode, Value) {
    let c = Client::new();
    let mut req = match method {
        "GET" => c.get(app.url(path)),
        "PATCH" => c.patch(app.url(path)),
        _ => c.post(app.url(path)),
    };
    if !token.is_empty() {
        req = req.bearer_auth(token);
    }
    if let Some(k) = key {
        req = req.header("Idempotency-Key", k);
    }
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

#[actix_web::test]
async fn tokens_are_shown_once_stored_hashed_scoped_and_revocable() {
    let app = desk().await;
    let spec = spec(&app).await;
    let read = make_token(&app, "Sheet sync", "read").await;
    assert!(read.starts_with("souk_") && read.len() == 69, "{read}");
    // Only the hash is kept; the list shows the name, scope and last four characters, never the token.
    let stored: Vec<u8> =
        app.db().query_row("SELECT token_hash FROM api_tokens WHERE name = 'Sheet sync'", [], |r| r.get(0)).unwrap();
    assert_eq!(stored, sha2::Sha256::digest(read.as_bytes()).to_vec());
    let (_, html) = app.page("/admin/settings/api").await;
    assert!(
        !html.contains(&read) && html.contains(&read[65..]) && html.contains("Read only") && html.contains("Never")
    );

    // No token, a malformed one or an unknown one: 401, the same answer, with WWW-Authenticate.
    let unknown = format!("souk_{}", "0".repeat(64));
    for t in ["", "not-a-token", unknown.as_str()] {
        let res = Client::new().get(app.url("/api/v1/admin/orders")).bearer_auth(t).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED, "{t}");
        assert_eq!(res.headers()["www-authenticate"], "Bearer");
        let body: Value = res.json().await.unwrap();
        conforms(&spec, "Error", &body);
        assert_eq!(body["error"]["code"], "unauthorized");
    }

    // Read scope reads; the use is noted (shown on the page) and writes are refused with 403.
    let sku = common::shop::stock(&app, "canvas-tote", 10);
    let code = place(&app, &sku, 1, "+919876543210", "Meera Iyer").await;
    let (status, list) = call(&app, &read, "GET", "/api/v1/admin/orders", None).await;
    assert_eq!(status, StatusCode::OK, "{list}");
    conforms(&spec, "AdminOrderList", &list);
    assert_eq!(list["orders"][0]["code"], code);
    assert_eq!(app.count("SELECT count(*) FROM api_tokens WHERE name = 'Sheet sync' AND last_used_at IS NOT NULL"), 1);
    let (_, html) = app.page("/admin/settings/api").await;
    assert!(!html.contains("Never"), "last used is shown");
    let path = format!("/api/v1/admin/orders/{code}/transitions");
    let (status, body) = call(&app, &read, "POST", &path, Some(json!({"to": "pending"}))).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    conforms(&spec, "Error", &body);
    assert_eq!(app.count(&format!("SELECT count(*) FROM orders WHERE code = '{code}' AND status = 'draft'")), 1);

    // Revoked: 401, answered exactly as an unknown token is; the page says when.
    let id = app.count("SELECT id FROM api_tokens WHERE name = 'Sheet sync'");
    let res = app.submit("/admin/settings/api", &format!("/admin/settings/api/{id}/revoke"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (status, body) = call(&app, &read, "GET", "/api/v1/admin/orders", None).await;
    let (_, unknown_body) = call(&app, &unknown, "GET", "/api/v1/admin/orders", None).await;
    assert_eq!((status, &body), (StatusCode::UNAUTHORIZED, &unknown_body));
    let (_, html) = app.page("/admin/settings/api").await;
    assert!(html.contains("Revoked"));
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action IN ('api_token.create', 'api_token.revoke')"), 2);

    // The form's bad input: field messages, nothing made.
    let res = app.submit("/admin/settings/api", "/admin/settings/api", &[("name", ""), ("scope", "admin")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("Name the token") && html.contains("Choose read only"));
    assert_eq!(app.count("SELECT count(*) FROM api_tokens"), 1);

    // Staff cannot see or make tokens.
    let staff = app.staff().await;
    assert_eq!(app.get_as(&staff, "/admin/settings/api").await.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn the_api_lists_reads_moves_and_records_payments_like_the_desk() {
    let app = desk().await;
    let spec = spec(&app).await;
    let token = make_token(&app, "Courier sync", "write").await;
    let sku = common::shop::stock(&app, "canvas-tote", 10);
    let first = place(&app, &sku, 2, "+919876543210", "Meera Iyer").await;
    let second = place(&app, &sku, 1, "+919812345678", "Kabir Rao").await;
    let third = place(&app, &sku, 1, "+919876543210", "Meera I.").await;

    // Cursor pages: newest first, each order once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/admin/orders?limit=2".to_string();
    loop {
        let (status, page) = call(&app, &token, "GET", &path, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        conforms(&spec, "AdminOrderList", &page);
        seen.extend(page["orders"].as_array().unwrap().iter().map(|o| o["code"].as_str().unwrap().to_string()));
        match page["next"].as_str() {
            Some(c) => path = format!("/api/v1/admin/orders?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, vec![third.clone(), second.clone(), first.clone()]);

    // Filters, as the desk's: a phone number (local, with the shop's code), part of an email, a status.
    let codes = |v: &Value| v["orders"].as_array().unwrap().iter().map(|o| o["code"].clone()).collect::<Vec<_>>();
    let (_, page) = call(&app, &token, "GET", "/api/v1/admin/orders?q=98765%2043210", None).await;
    assert_eq!(codes(&page), vec![json!(third), json!(first)]);
    let (_, page) = call(&app, &token, "GET", "/api/v1/admin/orders?q=iyer%40exam", None).await;
    assert_eq!(codes(&page).len(), 3);
    let (_, page) = call(&app, &token, "GET", &format!("/api/v1/admin/orders?q={}", second.to_lowercase()), None).await;
    assert_eq!(codes(&page), vec![json!(second)]);
    let (_, page) = call(&app, &token, "GET", "/api/v1/admin/orders?status=pending", None).await;
    assert_eq!(codes(&page).len(), 0);

    // Bad parameters: 400 naming the parameter.
    for (query, name) in [
        ("status=lost", "status"),
        ("from=yesterday", "from"),
        ("limit=0", "limit"),
        ("cursor=zz", "cursor"),
        ("colour=red", "colour"),
    ] {
        let (status, body) = call(&app, &token, "GET", &format!("/api/v1/admin/orders?{query}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        conforms(&spec, "Error", &body);
        assert!(body["error"]["message"].as_str().unwrap().contains(name), "{query}: {body}");
    }

    // One order; an unknown code is 404.
    let (status, order) = call(&app, &token, "GET", &format!("/api/v1/admin/orders/{first}"), None).await;
    assert_eq!(status, StatusCode::OK);
    conforms(&spec, "AdminOrder", &order);
    assert_eq!(order["status"], "draft");
    assert_eq!(order["allowed_transitions"], json!(["pending", "cancelled"]));
    let (status, body) = call(&app, &token, "GET", "/api/v1/admin/orders/ORD-NOPE", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    conforms(&spec, "Error", &body);

    // An illegal step: 409 naming the allowed statuses; nothing changed.
    let steps = format!("/api/v1/admin/orders/{first}/transitions");
    let (status, body) = call(&app, &token, "POST", &steps, Some(json!({"to": "shipped"}))).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    conforms(&spec, "Error", &body);
    assert_eq!(body["error"]["code"], "illegal_transition");
    assert_eq!(body["error"]["from"], "draft");
    assert_eq!(body["error"]["allowed"], json!(["pending", "cancelled"]));
    // Not a status at all, or a field the API does not take: 422.
    for bad in [json!({"to": "lost"}), json!({"to": "pending", "price": 1})] {
        let (status, body) = call(&app, &token, "POST", &steps, Some(bad)).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        conforms(&spec, "Error", &body);
    }
    let on_hand = || app.count(&format!("SELECT on_hand FROM variants WHERE sku = '{sku}'"));
    assert_eq!(on_hand(), 10);

    // Draft → pending → confirmed: stock is committed once, the timeline and the audit log name the token.
    for to in ["pending", "confirmed"] {
        let (status, order) = call(&app, &token, "POST", &steps, Some(json!({"to": to}))).await;
        assert_eq!(status, StatusCode::OK, "{order}");
        conforms(&spec, "AdminOrder", &order);
        assert_eq!(order["status"], to);
    }
    assert_eq!(on_hand(), 8);
    let by = format!("API token “Courier sync” ({OWNER_EMAIL})");
    assert_eq!(app.count(&format!("SELECT count(*) FROM audit_log WHERE actor = '{by}' AND action != 'api.read'")), 2);
    let (_, order) = call(&app, &token, "GET", &format!("/api/v1/admin/orders/{first}"), None).await;
    assert!(order["timeline"].as_array().unwrap().iter().any(|e| e["status"] == "confirmed" && e["by"] == by));
    // Reads are in the audit log too, counted and written once a second: each entry says how many
    // calls of one path with one set of parameters (their names, not their values) it stands for.
    let calls = |filter: &str| {
        let sql = format!(
            "SELECT coalesce(sum(CAST(detail AS INTEGER)), 0) FROM audit_log WHERE actor = '{by}' AND action = 'api.read'{filter}"
        );
        app.count(&sql)
    };
    assert!(eventually(5, || calls("") >= 13).await, "every read call is audited: {}", calls(""));
    assert_eq!(calls(" AND target = '/api/v1/admin/orders' AND detail LIKE '%; parameters: q'"), 3);
    assert_eq!(calls(" AND target = '/api/v1/admin/orders' AND detail LIKE '%; parameters: cursor, limit'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE detail LIKE '%98765%' OR target LIKE '%98765%'"), 0);

    // Shipping needs a tracking number: 422 with the field.
    let (status, body) =
        call(&app, &token, "POST", &steps, Some(json!({"to": "shipped", "courier": "Delhivery"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["tracking_number"].is_string(), "{body}");

    // Payments: 0 is refused; the full amount with an Idempotency-Key is recorded once, however often sent.
    let total = order["total"].as_i64().unwrap();
    let pays = format!("/api/v1/admin/orders/{first}/payments");
    let (status, body) = call(&app, &token, "POST", &pays, Some(json!({"amount": 0, "method": "upi"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["amount"].is_string());
    let pay = json!({"amount": total, "method": "upi", "reference": "412345678901"});
    let (status, once) = call_keyed(&app, &token, "POST", &pays, Some(pay.clone()), Some("pay-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{once}");
    conforms(&spec, "AdminOrder", &once);
    assert_eq!(once["payment_status"], "paid");
    assert_eq!(once["balance"], 0);
    let (status, again) = call_keyed(&app, &token, "POST", &pays, Some(pay.clone()), Some("pay-1")).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &once));
    let (status, body) =
        call_keyed(&app, &token, "POST", &pays, Some(json!({"amount": 1, "method": "upi"})), Some("pay-1")).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "idempotency_key_reused");
    assert_eq!(app.count("SELECT count(*) FROM payments"), 1);

    // Without a key, more than the balance needs over_balance.
    let (status, body) = call(&app, &token, "POST", &pays, Some(json!({"amount": 100, "method": "upi"}))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(app.count("SELECT count(*) FROM payments"), 1);
}

#[actix_web::test]
async fn the_api_creates_and_changes_products_by_the_importers_rules() {
    let app = desk().await;
    let spec = spec(&app).await;
    let reader = make_token(&app, "Catalogue reader", "read").await;
    let token = make_token(&app, "Supplier sync", "write").await;
    let tote = json!({
        "title": "Block-print tote",
        "status": "active",
        "description": "Hand-printed in **Bagru**.",
        "tags": ["bags", "cotton"],
        "options": ["Colour"],
        "collections": ["Bags", "Gifts under 1000"],
        "variants": [
            {"sku": "TOTE-INDIGO", "options": {"Colour": "Indigo"}, "price": 79900, "on_hand": 4},
            {"sku": "tote-madder", "options": {"colour": "Madder"}, "price": 79900, "compare_at_price": 99900},
        ],
    });

    // A read token cannot write.
    let (status, body) = call(&app, &reader, "POST", "/api/v1/admin/products", Some(tote.clone())).await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    conforms(&spec, "Error", &body);

    // Created once, however often the same keyed request is sent.
    let (status, made) =
        call_keyed(&app, &token, "POST", "/api/v1/admin/products", Some(tote.clone()), Some("tote-1")).await;
    assert_eq!(status, StatusCode::CREATED, "{made}");
    conforms(&spec, "AdminProduct", &made);
    let (status, again) =
        call_keyed(&app, &token, "POST", "/api/v1/admin/products", Some(tote.clone()), Some("tote-1")).await;
    assert_eq!((status, &again), (StatusCode::CREATED, &made));
    assert_eq!(app.count("SELECT count(*) FROM products WHERE slug = 'block-print-tote'"), 1);
    assert_eq!(made["slug"], "block-print-tote");
    assert_eq!(made["collections"], json!(["Bags", "Gifts under 1000"]));
    let skus: Vec<&str> = made["variants"].as_array().unwrap().iter().map(|v| v["sku"].as_str().unwrap()).collect();
    assert_eq!(skus, ["TOTE-INDIGO", "TOTE-MADDER"]);
    assert_eq!(made["variants"][0]["available"], 4);
    assert_eq!(made["variants"][1]["available"], 0);
    assert_eq!(made["variants"][1]["options"], json!({"Colour": "Madder"}));
    assert_eq!(made["variants"][1]["compare_at_price"], 99900);
    // Sent again without a key, the slug is taken: 422 naming it.
    let (status, body) = call(&app, &token, "POST", "/api/v1/admin/products", Some(tote.clone())).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["slug"].as_str().unwrap().contains("taken"), "{body}");

    // On the storefront at once, with its stock.
    let page = app.get("/p/block-print-tote").await.text().await.unwrap();
    assert!(page.contains("Block-print tote") && page.contains("Indigo"));

    // A change names only what changes: stock through the ledger, a price, a new variant; the rest stays.
    let change = json!({"variants": [
        {"sku": "TOTE-MADDER", "on_hand": 6, "price": 74900},
        {"sku": "TOTE-SAFFRON", "options": {"Colour": "Saffron"}, "price": 79900, "on_hand": 2},
    ]});
    let (status, changed) = call(&app, &token, "PATCH", "/api/v1/admin/products/block-print-tote", Some(change)).await;
    assert_eq!(status, StatusCode::OK, "{changed}");
    conforms(&spec, "AdminProduct", &changed);
    assert_eq!(changed["title"], "Block-print tote");
    assert_eq!(changed["description"], made["description"]);
    let stock: Vec<(String, i64, i64)> = changed["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["sku"].as_str().unwrap().to_string(), v["on_hand"].as_i64().unwrap(), v["price"].as_i64().unwrap()))
        .collect();
    assert_eq!(
        stock,
        [("TOTE-INDIGO".into(), 4, 79900), ("TOTE-MADDER".into(), 6, 74900), ("TOTE-SAFFRON".into(), 2, 79900)]
    );
    assert_eq!(app.count("SELECT count(*) FROM stock_ledger l JOIN variants v ON v.id = l.variant_id WHERE v.sku = 'TOTE-MADDER' AND l.delta = 6"), 1);
    assert_eq!(app.count("SELECT count(*) FROM variants WHERE sku LIKE 'TOTE-%' AND on_hand != (SELECT sum(delta) FROM stock_ledger WHERE variant_id = variants.id)"), 0);

    // Bad input: every problem at the request's path, nothing written.
    let bad = json!({"title": "", "variants": [
        {"sku": "TOTE-INDIGO", "price": -5},
        {"sku": "TOTE-NEW", "options": {"Size": "L"}},
        {"sku": "TOTE-MADDER", "on_hand": -1},
    ]});
    let (status, body) = call(&app, &token, "PATCH", "/api/v1/admin/products/block-print-tote", Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    conforms(&spec, "Error", &body);
    for field in ["variants[1].options", "variants[2].on_hand"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    let bad = json!({"title": "", "variants": [{"sku": "TOTE-INDIGO", "price": -5}, {"sku": "TOTE-NEW"}]});
    let (status, body) = call(&app, &token, "PATCH", "/api/v1/admin/products/block-print-tote", Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    for field in ["title", "variants[0].price", "variants[1].price", "variants[1].options"] {
        assert!(body["error"]["fields"][field].is_string(), "{field}: {body}");
    }
    // A collection the bad request named is not left behind.
    let bad = json!({"collections": ["Brand new"], "variants": [{"sku": "BAD SKU!", "price": 100}]});
    let (status, body) = call(&app, &token, "PATCH", "/api/v1/admin/products/block-print-tote", Some(bad)).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["fields"]["variants[0].sku"].is_string(), "{body}");
    assert_eq!(app.count("SELECT count(*) FROM collections WHERE title = 'Brand new'"), 0);
    let (status, now) = call(&app, &reader, "GET", "/api/v1/admin/products/block-print-tote", None).await;
    assert_eq!(status, StatusCode::OK);
    conforms(&spec, "AdminProduct", &now);
    assert_eq!(now, changed);

    // Removing a variant; an unknown product is 404.
    let (status, body) = call(
        &app,
        &token,
        "PATCH",
        "/api/v1/admin/products/block-print-tote",
        Some(json!({"status": "draft", "collections": [], "variants": [{"sku": "TOTE-SAFFRON", "remove": true}]})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["variants"].as_array().unwrap().len(), 2);
    assert_eq!((body["url"].clone(), body["collections"].clone()), (Value::Null, json!([])));
    assert_eq!(app.get("/p/block-print-tote").await.status(), StatusCode::NOT_FOUND);
    let (status, body) = call(&app, &token, "PATCH", "/api/v1/admin/products/nope", Some(json!({"title": "X"}))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    conforms(&spec, "Error", &body);

    // Each write is in the audit log under the token's name.
    let by = format!("API token “Supplier sync” ({OWNER_EMAIL})");
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM audit_log WHERE actor = '{by}' AND action = 'product.create'")),
        1
    );
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM audit_log WHERE actor = '{by}' AND action = 'product.update'")),
        2
    );
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM audit_log WHERE actor = '{by}' AND action = 'stock.adjust'")),
        1
    );
}

/// Reads a CSV answer back with the csv crate: (header, rows).
fn read_csv(body: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(body);
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows = r.records().map(|rec| rec.unwrap().iter().map(str::to_string).collect()).collect();
    (header, rows)
}

#[actix_web::test]
async fn orders_export_as_csv_with_the_filters_and_nothing_a_spreadsheet_would_run() {
    let app = desk().await;
    let sku = common::shop::stock(&app, "canvas-tote", 20);
    let body = json!({
        "items": [{"sku": sku, "quantity": 2}],
        "customer": {"name": "@Meera", "phone": "+919876543210"},
        "delivery": {"method": "standard", "address": {"line1": "=HYPERLINK(\"http://x.example\")", "city": "Jaipur",
            "postal_code": "302001", "country": "IN"}},
        "payment": {"method": "upi"},
        "note": "-2+3",
    });
    let res = Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let formula = res.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_string();
    let plain = place(&app, &sku, 1, "+919812345678", "Kabir Rao").await;
    let res = app
        .submit(
            &format!("/admin/orders/{plain}"),
            &format!("/admin/orders/{plain}/status"),
            &[("to", "cancelled"), ("reason", "Changed mind")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // The All tab offers the download with its filters.
    let (_, html) = app.page("/admin/orders?tab=all&status=draft").await;
    assert!(html.contains("action=\"/admin/orders.csv\"") && html.contains("name=\"status\" value=\"draft\""));

    let res = app.get("/admin/orders.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("attachment; filename=\"orders-"));
    let bytes = res.bytes().await.unwrap();
    assert!(!bytes.starts_with("\u{feff}".as_bytes()));
    let (header, rows) = read_csv(&bytes);
    assert_eq!(header[0], "code");
    assert_eq!(rows.len(), 2);
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows.iter().find(|r| r[0] == formula).unwrap();
    // Every text cell that would start a formula starts with ' instead; numbers stay numbers.
    assert_eq!(row[col("customer_name")], "'@Meera");
    assert_eq!(row[col("customer_phone")], "'+919876543210");
    assert_eq!(row[col("address_line1")], "'=HYPERLINK(\"http://x.example\")");
    assert_eq!(row[col("customer_note")], "'-2+3");
    assert_eq!(row[col("units")], "2");
    assert!(row[col("total")].parse::<f64>().is_ok(), "{}", row[col("total")]);
    for r in &rows {
        for cell in r {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell}");
        }
    }

    // Filters as the list's; one row per item; a byte order mark for Excel.
    let (_, rows) = read_csv(&app.get("/admin/orders.csv?status=cancelled").await.bytes().await.unwrap());
    assert_eq!(rows.iter().map(|r| r[0].clone()).collect::<Vec<_>>(), vec![plain.clone()]);
    let bytes = app.get("/admin/orders.csv?lines=1&bom=1").await.bytes().await.unwrap();
    let text = std::str::from_utf8(&bytes).unwrap().strip_prefix('\u{feff}').expect("a byte order mark");
    let (header, rows) = read_csv(text.as_bytes());
    assert_eq!(&header[6..10], ["sku", "title", "options", "quantity"]);
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r[6] == sku));
    assert_eq!(app.get("/admin/orders.csv?status=lost").await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/admin/orders.csv?lines=maybe").await.status(), StatusCode::BAD_REQUEST);

    // The admin API's export, with a read token; each export is in the audit log.
    let token = make_token(&app, "Sheets", "read").await;
    let res = Client::new().get(app.url("/api/v1/admin/orders.csv?q=kabir")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let (_, rows) = read_csv(&res.bytes().await.unwrap());
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], plain);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'orders.export'"), 4);
    let api = |query: &str| Client::new().get(app.url(&format!("/api/v1/admin/orders.csv{query}"))).bearer_auth(&token);
    let res = api("?lines=1&bom=true").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.bytes().await.unwrap().starts_with(b"\xEF\xBB\xBF"));
    let res = api("?lines=maybe").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert!(res.json::<Value>().await.unwrap()["error"]["fields"]["lines"].is_string());
    // Its OpenAPI entry, and 405 with Allow for a method it does not take.
    assert!(
        spec(&app).await["paths"]["/admin/orders.csv"]["get"]["responses"]["200"]["content"]["text/csv"].is_object()
    );
    let res = Client::new().post(app.url("/api/v1/admin/orders.csv")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(res.headers()["allow"], "GET");
}

#[actix_web::test]
async fn the_api_lists_and_reads_customers() {
    let app = desk().await;
    let spec = spec(&app).await;
    let token = make_token(&app, "CRM sync", "read").await;
    let sku = common::shop::stock(&app, "canvas-tote", 20);
    let first = place(&app, &sku, 1, "+919876543210", "Meera Iyer").await;
    place(&app, &sku, 2, "+919876543210", "Meera I.").await;
    place(&app, &sku, 1, "+919812345678", "Kabir Rao").await;
    let steps = format!("/admin/orders/{first}");
    for to in ["pending", "confirmed"] {
        let res = app.submit(&steps, &format!("{steps}/status"), &[("to", to)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }

    // Pages of one, newest order first, each customer once.
    let mut seen = Vec::new();
    let mut path = "/api/v1/admin/customers?limit=1".to_string();
    loop {
        let (status, page) = call(&app, &token, "GET", &path, None).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        conforms(&spec, "AdminCustomerList", &page);
        seen.extend(page["customers"].as_array().unwrap().iter().map(|c| c["phone"].as_str().unwrap().to_string()));
        match page["next"].as_str() {
            Some(c) => path = format!("/api/v1/admin/customers?limit=1&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["+919812345678", "+919876543210"]);
    let (_, page) = call(&app, &token, "GET", "/api/v1/admin/customers?sort=value", None).await;
    assert_eq!(page["customers"][0]["name"], "Meera I.");
    assert!(page["customers"][0]["lifetime_value"].as_i64().unwrap() > 0);
    let (_, page) = call(&app, &token, "GET", "/api/v1/admin/customers?q=98123%2045678", None).await;
    assert_eq!(page["customers"].as_array().unwrap().len(), 1);
    for (query, name) in [("sort=price", "sort"), ("open=maybe", "open"), ("cursor=zz", "cursor"), ("city=x", "city")] {
        let (status, body) = call(&app, &token, "GET", &format!("/api/v1/admin/customers?{query}"), None).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        conforms(&spec, "Error", &body);
        assert!(body["error"]["message"].as_str().unwrap().contains(name), "{query}: {body}");
    }

    let id = app.count("SELECT id FROM customers WHERE phone = '+919876543210'");
    let (status, customer) = call(&app, &token, "GET", &format!("/api/v1/admin/customers/{id}"), None).await;
    assert_eq!(status, StatusCode::OK, "{customer}");
    conforms(&spec, "AdminCustomer", &customer);
    assert_eq!(customer["order_count"], 2);
    assert_eq!(customer["orders"].as_array().unwrap().len(), 2);
    assert_eq!(customer["average_order"], customer["lifetime_value"]);
    let (status, body) = call(&app, &token, "GET", "/api/v1/admin/customers/999999", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    conforms(&spec, "Error", &body);
    let (status, _) = call(&app, "", "GET", "/api/v1/admin/customers", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

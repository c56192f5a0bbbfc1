//! Outgoing webhooks (issue 12): the owner adds an endpoint and gets its secret once; events are
//! queued with the change and delivered to a real HTTP server on loopback started here, signed as
//! documented (HMAC-SHA256 over `<t>.<raw body>`), retried after a 500 with the same event id, never
//! delivered again after a 2xx, and sent again by the owner on request. Addresses that are not
//! http(s), or that are private while the config does not allow them, get a field message.

mod common;

use std::sync::{Arc, Mutex};

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use common::*;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;

/// One request the receiver got: its headers (lower-case names) and raw body.
#[derive(Debug, Clone)]
struct Received {
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str()).unwrap_or("")
    }
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap()
    }
}

#[derive(Default)]
struct Receiver {
    got: Mutex<Vec<Received>>,
    /// Events whose next delivery is answered 500 (each name once); everything else gets 200.
    fail_next: Mutex<Vec<String>>,
}

async fn receive(req: HttpRequest, body: web::Bytes, r: web::Data<Receiver>) -> HttpResponse {
    let headers =
        req.headers().iter().map(|(k, v)| (k.as_str().to_lowercase(), v.to_str().unwrap_or("").to_string())).collect();
    let got = Received { headers, body: body.to_vec() };
    let mut fail = r.fail_next.lock().unwrap();
    let status = match fail.iter().position(|e| e == got.header("souk-event")) {
        Some(i) => {
            fail.remove(i);
            500
        }
        None => 200,
    };
    r.got.lock().unwrap().push(got);
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap()).body("ok")
}

/// Starts the receiver on loopback; returns its address and what it records.
fn start_receiver() -> (String, Arc<Receiver>) {
    let state = web::Data::new(Receiver::default());
    let shared = state.clone().into_inner();
    let server = HttpServer::new(move || App::new().app_data(state.clone()).default_service(web::to(receive)))
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    (format!("http://{addr}/hooks/souk"), shared)
}

/// The documented check, written out here as a receiver would.
fn signed_correctly(secret: &str, r: &Received) -> bool {
    let header = r.header("souk-signature");
    let parts: Vec<(&str, &str)> = header.split(',').filter_map(|p| p.split_once('=')).collect();
    let t = parts.iter().find(|(k, _)| *k == "t").map(|(_, v)| *v).unwrap_or("");
    let v1 = parts.iter().find(|(k, _)| *k == "v1").map(|(_, v)| *v).unwrap_or("");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.").as_bytes());
    mac.update(&r.body);
    let fresh = (chrono::Utc::now().timestamp() - t.parse::<i64>().unwrap_or(0)).abs() < 300;
    fresh && t == r.header("souk-timestamp") && mac.verify_slice(&hex::decode(v1).unwrap_or_default()).is_ok()
}

fn of_type(receiver: &Receiver, event: &str) -> Vec<Received> {
    receiver.got.lock().unwrap().iter().filter(|r| r.header("souk-event") == event).cloned().collect()
}

/// The body is as `/api/v1/openapi.json` describes its event.
fn as_documented(spec: &Value, r: &Received) {
    let schema = spec["webhooks"][r.header("souk-event")]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        .as_str()
        .unwrap_or_else(|| panic!("{} is in the document", r.header("souk-event")))
        .to_string();
    let mut root = spec.clone();
    root["$ref"] = json!(schema);
    let validator = jsonschema::validator_for(&root).expect("the document's schemas compile");
    let errors: Vec<String> =
        validator.iter_errors(&r.json()).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{schema}: {errors:?}\n{:#}", r.json());
}

/// Adds an endpoint on the admin page; returns the page's answer.
async fn add_endpoint(app: &TestApp, url: &str, events: &[&str]) -> (StatusCode, String) {
    let mut fields = vec![("url", url), ("description", "Order automation")];
    fields.extend(events.iter().map(|e| ("events", *e)));
    let res = app.submit("/admin/settings/webhooks", "/admin/settings/webhooks", &fields).await;
    let status = res.status();
    (status, res.text().await.unwrap())
}

#[actix_web::test]
async fn webhooks_are_signed_retried_after_a_500_and_delivered_once() {
    let app = TestApp::spawn_demo_with(|c| {
        c.webhooks.allow_private = true;
        c.webhooks.retry_base_secs = 1;
    })
    .await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (url, receiver) = start_receiver();

    // Not http(s), or no event: field messages, nothing saved.
    let (status, page) = add_endpoint(&app, "ftp://example.com/hooks", &["order.placed"]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Use an http:// or https:// address"), "{page}");
    let (status, page) = add_endpoint(&app, &url, &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Choose at least one event"));
    assert_eq!(app.count("SELECT count(*) FROM webhook_endpoints"), 0);

    // Added: the secret is shown once, and never again.
    let events = ["order.placed", "order.status_changed", "payment.recorded", "customer.created"];
    let (status, page) = add_endpoint(&app, &url, &events).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let at = page.find("value=\"whsec_").expect("the secret is shown") + 7;
    let secret = page[at..at + 54].to_string();
    let (_, again) = app.page("/admin/settings/webhooks").await;
    assert!(!again.contains(&secret));
    assert!(again.contains(&url));
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'webhook.create'"), 1);

    // A test event reaches the receiver, signed, whatever the endpoint's events.
    let endpoint = app.count("SELECT id FROM webhook_endpoints");
    let res = app.submit("/admin/settings/webhooks", &format!("/admin/settings/webhooks/{endpoint}/ping"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(eventually(10, || of_type(&receiver, "ping").len() == 1).await);
    let ping = of_type(&receiver, "ping").remove(0);
    assert!(signed_correctly(&secret, &ping));
    assert_eq!(ping.json()["type"], "ping");
    assert_eq!(ping.json()["data"]["endpoint"], url.as_str());
    as_documented(&app.get("/api/v1/openapi.json").await.json().await.unwrap(), &ping);
    receiver.got.lock().unwrap().clear();

    // The endpoint's first answer is 500: order.placed comes again with the same id and body.
    receiver.fail_next.lock().unwrap().push("order.placed".into());
    let sku = common::shop::stock(&app, "canvas-tote", 10);
    let body = json!({
        "items": [{"sku": sku, "quantity": 2}],
        "customer": {"name": "Meera Iyer", "phone": "+919876543210", "email": "meera.iyer@example.com"},
        "delivery": {"method": "standard", "address": {"line1": "4 Lake View Road", "city": "Jaipur",
            "region": "Rajasthan", "postal_code": "302001", "country": "IN"}},
        "payment": {"method": "upi"},
    });
    let res = Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let code = res.json::<Value>().await.unwrap()["code"].as_str().unwrap().to_string();
    assert!(eventually(20, || of_type(&receiver, "order.placed").len() == 2).await, "retried after the 500");
    assert!(eventually(10, || of_type(&receiver, "customer.created").len() == 1).await);
    let placed = of_type(&receiver, "order.placed");
    assert_eq!(placed[0].header("souk-event-id"), placed[1].header("souk-event-id"));
    assert_eq!(placed[0].body, placed[1].body);
    let event = placed[1].json();
    assert_eq!(event["type"], "order.placed");
    assert_eq!(event["id"], placed[1].header("souk-event-id"));
    assert_eq!(event["data"]["order"]["code"], code);
    assert_eq!(event["data"]["order"]["items"][0]["quantity"], 2);
    assert_eq!(event["data"]["order"]["customer"]["phone"], "+919876543210");
    let customer = of_type(&receiver, "customer.created")[0].json();
    assert_eq!(customer["data"]["customer"]["name"], "Meera Iyer");

    // Moving the order and recording a payment (through the admin API): one event each.
    let token = {
        let res =
            app.submit("/admin/settings/api", "/admin/settings/api", &[("name", "Hooks"), ("scope", "write")]).await;
        let html = res.text().await.unwrap();
        let at = html.find("value=\"souk_").unwrap() + 7;
        html[at..at + 69].to_string()
    };
    let api = |path: String, body: Value| {
        let token = token.clone();
        let url = app.url(&path);
        async move {
            let res = Client::new().post(url).bearer_auth(token).json(&body).send().await.unwrap();
            assert!(res.status().is_success(), "{}", res.text().await.unwrap());
        }
    };
    api(format!("/api/v1/admin/orders/{code}/transitions"), json!({"to": "pending"})).await;
    api(
        format!("/api/v1/admin/orders/{code}/payments"),
        json!({"amount": 1000, "method": "upi", "reference": "412345678901"}),
    )
    .await;
    assert!(eventually(10, || of_type(&receiver, "payment.recorded").len() == 1).await);
    let moved = of_type(&receiver, "order.status_changed");
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].json()["data"]["from"], "draft");
    assert_eq!(moved[0].json()["data"]["order"]["status"], "pending");
    let paid = of_type(&receiver, "payment.recorded")[0].json();
    assert_eq!(
        paid["data"]["payment"],
        json!({"kind": "payment", "amount": 1000, "method": "upi", "reference": "412345678901"})
    );

    // Every request is signed as documented, and its body is as /api/v1/openapi.json describes
    // the event; a wrong secret does not verify.
    let spec: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    let all = receiver.got.lock().unwrap().clone();
    assert_eq!(all.len(), 5);
    for r in &all {
        as_documented(&spec, r);
        assert!(signed_correctly(&secret, r), "{:?}", r.headers);
        assert!(!signed_correctly("whsec_wrong", r));
        assert_eq!(r.header("content-type"), "application/json");
    }

    // Delivered once: after later events went out, nothing earlier came again.
    assert!(
        eventually(5, || app.count("SELECT count(*) FROM outbox WHERE channel = 'webhook' AND status != 'sent'") == 0)
            .await
    );
    assert_eq!(of_type(&receiver, "order.placed").len(), 2);
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE channel = 'webhook' AND attempts = 2 AND kind = 'order.placed'"),
        1
    );

    // The page shows the deliveries; the owner sends one again: the same event id and body.
    let (_, page) = app.page("/admin/settings/webhooks").await;
    assert!(page.contains("Delivered") && page.contains("HTTP 200") && page.contains("payment.recorded"));
    let id = app.count("SELECT id FROM outbox WHERE channel = 'webhook' AND kind = 'payment.recorded'");
    let res =
        app.submit("/admin/settings/webhooks", &format!("/admin/settings/webhooks/deliveries/{id}/resend"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(eventually(10, || of_type(&receiver, "payment.recorded").len() == 2).await);
    let both = of_type(&receiver, "payment.recorded");
    assert_eq!(both[0].header("souk-event-id"), both[1].header("souk-event-id"));
    assert_eq!(both[0].body, both[1].body);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'webhook.resend'"), 1);

    // A new secret signs from then on.
    let res = app.submit("/admin/settings/webhooks", &format!("/admin/settings/webhooks/{endpoint}/secret"), &[]).await;
    let page = res.text().await.unwrap();
    let at = page.find("value=\"whsec_").expect("the new secret is shown") + 7;
    let rolled = page[at..at + 54].to_string();
    assert_ne!(rolled, secret);
    api(format!("/api/v1/admin/orders/{code}/transitions"), json!({"to": "cancelled", "reason": "Customer asked"}))
        .await;
    assert!(eventually(10, || of_type(&receiver, "order.status_changed").len() == 2).await);
    let last = of_type(&receiver, "order.status_changed").pop().unwrap();
    assert!(signed_correctly(&rolled, &last) && !signed_correctly(&secret, &last));

    // Paused, an endpoint's deliveries wait in the outbox; resumed, they go out.
    let res = app.submit("/admin/settings/webhooks", &format!("/admin/settings/webhooks/{endpoint}/pause"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    api(format!("/api/v1/admin/orders/{code}/payments"), json!({"kind": "refund", "amount": 1000, "method": "upi"}))
        .await;
    let waiting =
        "SELECT count(*) FROM outbox WHERE channel = 'webhook' AND status = 'pending' AND kind = 'payment.recorded'";
    assert_eq!(app.count(waiting), 1);
    let res = app.submit("/admin/settings/webhooks", &format!("/admin/settings/webhooks/{endpoint}/resume"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(eventually(10, || of_type(&receiver, "payment.recorded").len() == 3).await);
    let refund = of_type(&receiver, "payment.recorded").pop().unwrap().json();
    assert_eq!(refund["data"]["payment"]["kind"], "refund");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action IN ('webhook.pause', 'webhook.resume')"), 2);
}

#[actix_web::test]
async fn private_addresses_are_refused_unless_the_config_allows_them() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    for url in ["http://127.0.0.1:9/hooks", "http://localhost/hooks", "http://192.168.1.10/hooks", "http://[::1]/x"] {
        let (status, page) = add_endpoint(&app, url, &["order.placed"]).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(
            page.contains("use the receiver&#39;s public address")
                || page.contains("use the receiver's public address"),
            "{url}: {page}"
        );
    }
    assert_eq!(app.count("SELECT count(*) FROM webhook_endpoints"), 0);
    // A public address is taken; staff cannot see the page.
    let (status, _) = add_endpoint(&app, "https://hooks.example.com/souk", &["order.placed"]).await;
    assert_eq!(status, StatusCode::OK);
    let staff = app.staff().await;
    let res = app.get_as(&staff, "/admin/settings/webhooks").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

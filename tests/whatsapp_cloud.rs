//! Issue 13, part 2: notices as WhatsApp template messages through the Cloud API, received by a
//! stand-in Graph API on loopback that checks the documented request shape and answers as Meta
//! does: a message id, a server error (retried), or a template error (retried, then failed and
//! shown in the outbox with Meta's words, and sent again from there).

mod common;

use std::sync::Mutex;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const PHONE_ID: &str = "106540352242922";
const TOKEN: &str = "EAAGtestToken123";

#[derive(Default)]
struct GraphApi {
    /// Every well-formed message received: (template name, recipient, parameters).
    got: Mutex<Vec<(String, String, Vec<String>)>>,
    /// Requests refused for their shape or credentials, with why.
    refused: Mutex<Vec<String>>,
    /// Answer the next this many well-formed requests with 500.
    fail_next: Mutex<u32>,
}

fn meta_error(status: actix_web::http::StatusCode, code: i64, message: &str) -> HttpResponse {
    HttpResponse::build(status).json(json!({"error": {"message": message, "type": "OAuthException", "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": message}, "fbtrace_id": "AbCdEf"}}))
}

/// The documented request: `POST /v21.0/{phone-number-id}/messages`, a bearer token, JSON with
/// messaging_product, recipient_type, to (digits), type template, the template's name, language
/// code and a body component of text parameters.
async fn messages(
    req: HttpRequest,
    path: web::Path<String>,
    body: web::Bytes,
    api: web::Data<GraphApi>,
) -> HttpResponse {
    let refuse = |why: String| {
        api.refused.lock().unwrap().push(why.clone());
        meta_error(actix_web::http::StatusCode::BAD_REQUEST, 100, &format!("(#100) {why}"))
    };
    if path.as_str() != PHONE_ID {
        return refuse(format!("unknown phone number id {path}"));
    }
    let auth = req.headers().get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("");
    if auth != format!("Bearer {TOKEN}") {
        return meta_error(actix_web::http::StatusCode::UNAUTHORIZED, 190, "Invalid OAuth access token.");
    }
    if !req.headers().get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"application/json")) {
        return refuse("not JSON".into());
    }
    let Ok(b) = serde_json::from_slice::<Value>(&body) else { return refuse("unreadable JSON".into()) };
    let to = b["to"].as_str().unwrap_or("");
    let t = &b["template"];
    let params: Vec<String> = t["components"][0]["parameters"]
        .as_array()
        .map(|ps| {
            ps.iter().filter(|p| p["type"] == "text").filter_map(|p| p["text"].as_str().map(str::to_string)).collect()
        })
        .unwrap_or_default();
    // An authentication template: the code as the body's one parameter and as the copy-code
    // button's URL parameter (Meta's documented shape for authentication templates).
    let button = &t["components"][1];
    let code_ok = params.len() == 1
        && params[0].len() == 6
        && params[0].chars().all(|c| c.is_ascii_digit())
        && button["type"] == "button"
        && button["sub_type"] == "url"
        && button["index"] == "0"
        && button["parameters"][0] == json!({"type": "text", "text": params[0]});
    let notice_ok = params.len() == 4 && t["components"].as_array().is_some_and(|c| c.len() == 1);
    let shape_ok = b["messaging_product"] == "whatsapp"
        && b["recipient_type"] == "individual"
        && b["type"] == "template"
        && !to.is_empty()
        && to.chars().all(|c| c.is_ascii_digit())
        && t["name"].is_string()
        && t["language"]["code"] == "en"
        && t["components"][0]["type"] == "body"
        && (notice_ok || code_ok)
        && params.iter().all(|p| !p.is_empty() && !p.contains('\n'));
    if !shape_ok {
        return refuse(format!("bad shape: {b}"));
    }
    let name = t["name"].as_str().unwrap().to_string();
    if name == "missing_template" {
        return meta_error(
            actix_web::http::StatusCode::NOT_FOUND,
            132001,
            "(#132001) Template name does not exist in the translation",
        );
    }
    {
        let mut fail = api.fail_next.lock().unwrap();
        if *fail > 0 {
            *fail -= 1;
            return HttpResponse::InternalServerError()
                .json(json!({"error": {"message": "Service temporarily unavailable", "code": 2}}));
        }
    }
    let mut got = api.got.lock().unwrap();
    got.push((name, to.to_string(), params));
    HttpResponse::Ok().json(json!({"messaging_product": "whatsapp", "contacts": [{"input": to, "wa_id": to}],
        "messages": [{"id": format!("wamid.TEST{}", got.len())}]}))
}

async fn graph_api() -> (String, web::Data<GraphApi>) {
    let api = web::Data::new(GraphApi::default());
    let shared = api.clone();
    let server = HttpServer::new(move || {
        App::new().app_data(api.clone()).route("/v21.0/{phone}/messages", web::post().to(messages))
    })
    .workers(1)
    .bind("127.0.0.1:0")
    .unwrap();
    let addr = server.addrs()[0];
    actix_web::rt::spawn(server.run());
    (format!("http://{addr}/v21.0"), shared)
}

async fn make_token(app: &TestApp) -> String {
    let res =
        app.submit("/admin/settings/api", "/admin/settings/api", &[("name", "WA test"), ("scope", "write")]).await;
    let html = res.text().await.unwrap();
    let at = html.find("value=\"souk_").expect("the new token is shown") + 7;
    html[at..at + 69].to_string()
}

async fn step(app: &TestApp, token: &str, code: &str, body: Value) {
    let path = format!("/api/v1/admin/orders/{code}/transitions");
    let res = Client::new().post(app.url(&path)).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{body}");
}

fn got(api: &GraphApi, template: &str) -> Vec<(String, String, Vec<String>)> {
    api.got.lock().unwrap().iter().filter(|(t, _, _)| t == template).cloned().collect()
}

const SETTINGS: &str = "/admin/settings/notifications";
const WHATSAPP: &str = "/admin/settings/notifications/whatsapp";

#[actix_web::test]
async fn notices_go_as_template_messages_retried_and_never_lost() {
    let (api_base, api) = graph_api().await;
    let app = TestApp::spawn_demo_with(|c| {
        c.whatsapp.api_base = api_base.clone();
        c.whatsapp.retry_base_secs = 1;
        c.whatsapp.max_attempts = 2;
    })
    .await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);

    // On without a token: refused with the reason, nothing saved.
    let res =
        app.submit(SETTINGS, WHATSAPP, &[("mode", "instead"), ("phone_number_id", PHONE_ID), ("language", "en")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("give the phone number ID and an access token"));
    let fields = [
        ("mode", "instead"),
        ("phone_number_id", PHONE_ID),
        ("access_token", TOKEN),
        ("language", "en"),
        ("t_order_received", "order_received_v1"),
        ("t_order_shipped", "order_shipped"),
        ("t_order_delivered", "missing_template"),
    ];
    let res = app.submit(SETTINGS, WHATSAPP, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The token is kept to send with, and never shown or logged again.
    let (_, page) = app.page(SETTINGS).await;
    assert!(!page.contains(TOKEN) && page.contains("A token is saved"));
    assert_eq!(app.count(&format!("SELECT count(*) FROM audit_log WHERE detail LIKE '%{TOKEN}%'")), 0);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'settings.whatsapp' AND detail LIKE '%token set%'"),
        1
    );

    // A new order: the customer's "order received" goes by WhatsApp instead of email, with the
    // four documented parameters; its link opens the order.
    let sku = shop::stock(&app, "canvas-tote", 20);
    let body = json!({"items": [{"sku": sku, "quantity": 1}],
        "customer": {"name": "Meera Iyer", "phone": "+919812345678", "email": "meera@example.com"},
        "delivery": {"method": "standard", "address": {"line1": "4 Lake View Road", "city": "Jaipur", "postal_code": "302001", "country": "IN"}},
        "payment": {"method": "upi"}});
    let placed: Value =
        Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap().json().await.unwrap();
    let code = placed["code"].as_str().unwrap().to_string();
    assert!(
        eventually(10, || got(&api, "order_received_v1").len() == 1).await,
        "refused: {:?}",
        api.refused.lock().unwrap()
    );
    let (_, to, params) = got(&api, "order_received_v1").remove(0);
    assert_eq!(to, "919812345678");
    assert_eq!(params[0], "Meera");
    assert_eq!(params[1], code);
    assert!(params[2].ends_with("to pay by UPI"), "{params:?}");
    let link = params[3].strip_prefix(&app.url("")).expect("the shop's own address").to_string();
    assert!(link.starts_with(&format!("/o/{code}?t=")));
    assert_eq!(app.get(&link).await.status(), StatusCode::OK);
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'order_received' AND channel = 'email'"),
        0,
        "instead of email"
    );
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'seller_new_order' AND channel = 'email'"), 1);
    assert!(
        eventually(5, || app.count(
            "SELECT count(*) FROM outbox WHERE channel = 'whatsapp' AND status = 'sent' AND event_id = 'wamid.TEST1'"
        ) == 1)
        .await
    );
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE channel = 'whatsapp' AND body_text LIKE '%?t=%'"),
        0,
        "no link waits in the outbox"
    );

    // A notice without a template still goes by email.
    let token = make_token(&app).await;
    for to in ["pending", "confirmed"] {
        step(&app, &token, &code, json!({"to": to})).await;
    }
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'order_confirmed' AND channel = 'email'"), 1);
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'order_confirmed' AND channel = 'whatsapp'"), 0);

    // Meta answers 500 once: retried with backoff and delivered once.
    *api.fail_next.lock().unwrap() = 1;
    step(&app, &token, &code, json!({"to": "shipped", "courier": "India Post", "tracking_number": "EE123456789IN"}))
        .await;
    assert!(eventually(15, || got(&api, "order_shipped").len() == 1).await);
    assert_eq!(got(&api, "order_shipped")[0].2[2], "India Post EE123456789IN");
    assert!(
        eventually(5, || app
            .count("SELECT count(*) FROM outbox WHERE kind = 'order_shipped' AND status = 'sent' AND attempts = 2")
            == 1)
        .await
    );

    // A template Meta does not know: retried, then failed, shown in the outbox with Meta's words.
    step(&app, &token, &code, json!({"to": "delivered"})).await;
    assert!(
        eventually(15, || app.count(
            "SELECT count(*) FROM outbox WHERE kind = 'order_delivered' AND status = 'failed' AND attempts = 2"
        ) == 1)
        .await
    );
    let (_, outbox) = app.page("/admin/outbox?status=failed").await;
    assert!(outbox.contains("WhatsApp") && outbox.contains("(#132001) Template name does not exist"), "{outbox}");
    assert!(!outbox.contains(TOKEN));
    // The owner fixes the template's name and sends it again from the outbox.
    let fixed: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| if *k == "t_order_delivered" { (*k, "order_delivered") } else { (*k, *v) })
        .collect();
    let mut fixed = fixed;
    fixed.retain(|(k, _)| *k != "access_token");
    assert_eq!(app.submit(SETTINGS, WHATSAPP, &fixed).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM whatsapp_settings WHERE access_token = '{TOKEN}'")),
        1,
        "an empty field keeps the token"
    );
    let id = app.count("SELECT id FROM outbox WHERE kind = 'order_delivered' AND channel = 'whatsapp'");
    let res = app.submit("/admin/outbox?status=failed", &format!("/admin/outbox/{id}/retry"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    // The retry goes with the template's name as it is now.
    assert!(eventually(15, || got(&api, "order_delivered").len() == 1).await);
    assert!(
        eventually(5, || app.count(&format!("SELECT count(*) FROM outbox WHERE id = {id} AND status = 'sent'")) == 1)
            .await
    );
    assert!(
        api.refused.lock().unwrap().is_empty(),
        "every request had the documented shape: {:?}",
        api.refused.lock().unwrap()
    );
}

/// The code a WhatsApp sign-in message carried, once the stand-in has it.
async fn code_sent(api: &GraphApi, n: usize) -> String {
    assert!(eventually(10, || got(api, "sign_in_code").len() == n).await, "refused: {:?}", api.refused.lock().unwrap());
    let (_, to, params) = got(api, "sign_in_code").pop().unwrap();
    assert_eq!(to, "919812345678");
    params[0].clone()
}

#[actix_web::test]
async fn customers_sign_in_with_a_code_sent_to_whatsapp_and_the_number_is_verified() {
    let (api_base, api) = graph_api().await;
    let app = TestApp::spawn_demo_with(|c| {
        c.whatsapp.api_base = api_base.clone();
        c.whatsapp.retry_base_secs = 1;
    })
    .await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let customer = browser();

    // Without a sign-in template, the account page offers email only.
    let page = app.get_as(&customer, "/account").await.text().await.unwrap();
    assert!(!page.contains("action=\"/account/whatsapp\""));
    let res = app.submit_as(&customer, "/account", "/account/whatsapp", &[("phone", "+919812345678")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("sign-in codes by email only"));
    let fields = [
        ("mode", "also"),
        ("phone_number_id", PHONE_ID),
        ("access_token", TOKEN),
        ("language", "en"),
        ("sign_in_template", "sign_in_code"),
    ];
    assert_eq!(app.submit(SETTINGS, WHATSAPP, &fields).await.status(), StatusCode::SEE_OTHER);

    // A guest order by WhatsApp number only, no email.
    let sku = shop::stock(&app, "canvas-tote", 20);
    let body = json!({"items": [{"sku": sku, "quantity": 3}],
        "customer": {"name": "Meera Iyer", "phone": "+919812345678"},
        "delivery": {"method": "pickup"}, "payment": {"method": "cod"}});
    let placed: Value =
        Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap().json().await.unwrap();
    let order = placed["code"].as_str().expect("placed").to_string();

    // Signing in with a code sent to WhatsApp.
    let page = app.get_as(&customer, "/account").await.text().await.unwrap();
    assert!(page.contains("Or sign in with WhatsApp"));
    // A number that is not one comes back with what was typed and why.
    let res = app.submit_as(&customer, "/account", "/account/whatsapp", &[("phone", "12")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("name=\"phone\" type=\"tel\" value=\"12\""), "the typed number is kept");
    let res = app.submit_as(&customer, "/account", "/account/whatsapp", &[("phone", "98123 45678")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.text().await.unwrap().contains("Check WhatsApp"));
    let code = code_sent(&api, 1).await;
    // The message held the code only until it was sent.
    assert!(
        eventually(10, || app.count("SELECT count(*) FROM outbox WHERE kind = 'sign_in_whatsapp' AND status = 'sent' AND body_text NOT LIKE '%' || 'sign_in_code' || '%'") == 1).await
    );
    let phone = [("phone", "+919812345678")];
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let res = app.submit_as(&customer, "/account", "/account/whatsapp/code", &[phone[0], ("code", wrong)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("That code is not right. 4 more tries"));
    let res = app.submit_as(&customer, "/account", "/account/whatsapp/code", &[phone[0], ("code", &code)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = set_cookie(&res, "souk_account").expect("a session");
    let session = cookie.split(';').next().unwrap().split('=').nth(1).unwrap().to_string();
    let page = app.get_as(&customer, "/account").await.text().await.unwrap();
    assert!(page.contains("Signed in as <strong>+919812345678</strong>"), "{page}");
    assert!(page.contains(&format!("<h2>{order}</h2>")), "the guest order by that number is there");
    // The same code again is refused.
    let other = browser();
    let res = app.submit_as(&other, "/account", "/account/whatsapp/code", &[phone[0], ("code", &code)]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("was used already"));
    // The seller sees the number as verified.
    let id: i64 =
        app.db().query_row("SELECT id FROM customers WHERE phone = '+919812345678'", [], |r| r.get(0)).unwrap();
    let (_, page) = app.page(&format!("/admin/customers/{id}")).await;
    assert!(page.contains("WhatsApp verified"));
    // The API answers with the number and no email.
    let res = Client::new().get(app.url("/api/v1/account/orders")).bearer_auth(&session).send().await.unwrap();
    let mine: Value = res.json().await.unwrap();
    assert_eq!((mine["email"].clone(), mine["phone"].clone()), (Value::Null, json!("+919812345678")));
    assert_eq!(mine["orders"][0]["code"], order.as_str());
    let mut spec: Value = app.get("/api/v1/openapi.json").await.json().await.unwrap();
    spec["$ref"] = json!("#/components/schemas/AccountOrders");
    assert!(jsonschema::validator_for(&spec).unwrap().is_valid(&mine), "{mine}");

    // Someone signed in by email adds the number: the number's account joins theirs.
    let by_email = browser();
    let res = app.submit_as(&by_email, "/account", "/account/sign-in", &[("email", "meera@example.com")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let text: String = app
        .db()
        .query_row("SELECT body_text FROM outbox WHERE kind = 'sign_in' ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
        .unwrap();
    let at = text.find(": ").unwrap() + 2;
    let email_code = text[at..at + 6].to_string();
    let res = app
        .submit_as(&by_email, "/account", "/account/code", &[("email", "meera@example.com"), ("code", &email_code)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get_as(&by_email, "/account").await.text().await.unwrap();
    assert!(page.contains("Add your WhatsApp number") && !page.contains(&format!("<h2>{order}</h2>")));
    let res = app.submit_as(&by_email, "/account", "/account/whatsapp", &phone).await;
    assert!(res.text().await.unwrap().contains("Add this number"));
    let code = code_sent(&api, 2).await;
    let res = app.submit_as(&by_email, "/account", "/account/whatsapp/code", &[phone[0], ("code", &code)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get_as(&by_email, &location(&res)).await.text().await.unwrap();
    assert!(page.contains("Your WhatsApp number is verified"), "{page}");
    assert!(page.contains(&format!("<h2>{order}</h2>")), "the number's orders show now");
    assert_eq!(app.count("SELECT count(*) FROM customer_accounts"), 1, "one account, not two");
    // An account with a number does not quietly swap it for another.
    let other = [("phone", "+919812300000")];
    app.submit_as(&by_email, "/account", "/account/whatsapp", &other).await;
    let got_other =
        || api.got.lock().unwrap().iter().filter(|(t, to, _)| t == "sign_in_code" && to == "919812300000").count();
    assert!(eventually(10, || got_other() == 1).await);
    let code = api.got.lock().unwrap().iter().rev().find(|(_, to, _)| to == "919812300000").unwrap().2[0].clone();
    let res = app.submit_as(&by_email, "/account", "/account/whatsapp/code", &[other[0], ("code", &code)]).await;
    let page = app.get_as(&by_email, &location(&res)).await.text().await.unwrap();
    assert!(page.contains("has the WhatsApp number +919812345678 already"), "{page}");

    // A code Meta could not take in time is not sent late (nor paid for).
    *api.fail_next.lock().unwrap() = 1000;
    let late = browser();
    app.submit_as(&late, "/account", "/account/whatsapp", &[("phone", "+919812399999")]).await;
    let attempted =
        "SELECT count(*) FROM outbox WHERE kind = 'sign_in_whatsapp' AND to_addr = '919812399999' AND attempts > 0";
    assert!(eventually(10, || app.count(attempted) == 1).await);
    app.state.clock.advance(chrono::Duration::minutes(16));
    let given_up = "SELECT count(*) FROM outbox WHERE to_addr = '919812399999' AND status = 'failed' AND last_error LIKE '%expired before it could be sent%'";
    assert!(eventually(15, || app.count(given_up) == 1).await, "a late code is given up");
}

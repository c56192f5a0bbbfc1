//! Issue 13, part 6: custom orders. A request with reference photos → the seller's queue → a
//! quote by email and a one-tap WhatsApp message → the customer asks for changes, then accepts on
//! the magic-link page → an ordinary order of kind `custom` (no catalogue line, no stock) that goes
//! on to delivered. Requests expire after 72 hours unanswered and quotes at their expiry, by the
//! scheduler; a quote accepted after its expiry is refused with a way to ask again. Bad uploads
//! store nothing. Erasure and export cover requests.

mod common;

use std::io::Cursor;
use std::net::TcpListener;

use chrono::Duration;
use common::smtp::*;
use common::*;
use reqwest::multipart::{Form, Part};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const PHONE: &str = "+919812345678";

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 200) as u8, (y % 200) as u8, 120]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

async fn shop(tweak: impl FnOnce(&mut souk::config::Config)) -> (TestApp, Received, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = smtp_server(listener);
    let app = TestApp::spawn_demo_with(|c| {
        c.mail.smtp_url = souk::config::Secret::new(format!("smtp://127.0.0.1:{port}"));
        c.mail.from = "Souk Demo Bazaar <noreply@example.com>".into();
        c.mail.retry_base_secs = 1;
        tweak(c);
    })
    .await;
    app.db().execute("UPDATE shop_settings SET contact_email = 'shop@example.com'", []).unwrap();
    let config = app.config.clone();
    let app = TestApp::spawn_in(app.stop().await, config).await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/api", "/admin/settings/api", &[("name", "Desk"), ("scope", "write")]).await;
    let html = res.text().await.unwrap();
    let at = html.find("value=\"souk_").unwrap() + 7;
    let token = html[at..at + 69].to_string();
    (app, received, token)
}

/// Sends the request form as a customer; returns the response.
async fn request(
    app: &TestApp,
    customer: &Client,
    fields: &[(&str, &str)],
    photos: Vec<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let html = app.get_as(customer, "/custom").await.text().await.unwrap();
    let mut form = Form::new().text("csrf", csrf_from(&html).expect("the form has a CSRF token"));
    for (k, v) in fields {
        form = form.text(k.to_string(), v.to_string());
    }
    for (name, bytes) in photos {
        form = form.part("photos", Part::bytes(bytes).file_name(name.to_string()));
    }
    customer.post(app.url("/custom")).multipart(form).send().await.unwrap()
}

const RING: &[(&str, &str)] = &[
    ("name", "Meera Iyer"),
    ("phone", PHONE),
    ("email", "meera@example.com"),
    ("description", "A silver ring engraved with “Anya”, size 12, like the photos."),
    ("quantity", "2"),
    ("budget", "3000"),
];

/// Answers on the request's page (accept, decline, changes, again) as the customer.
async fn answer(
    app: &TestApp,
    customer: &Client,
    link: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let token = link.split("t=").nth(1).unwrap();
    // The answer names the quote the page showed.
    let page = app.get_as(customer, link).await.text().await.unwrap();
    let quoted_at = page
        .split("name=\"quoted_at\" value=\"")
        .nth(1)
        .map(|rest| rest[..rest.find('"').unwrap()].to_string())
        .unwrap_or_default();
    let mut all = vec![("t", token), ("quoted_at", quoted_at.as_str())];
    all.extend_from_slice(fields);
    // The CSRF token is the browser's: any form page gives it (a request waiting for its quote has no form).
    app.submit_as(customer, "/custom", action, &all).await
}

fn mails(received: &Received) -> Vec<Mail> {
    received.lock().unwrap().iter().map(|m| Mail::parse(m)).collect()
}

async fn arrives(received: &Received, subject: &str) -> Mail {
    let found = eventually(15, || mails(received).iter().any(|m| m.header("Subject") == Some(subject))).await;
    let all: Vec<String> = mails(received).iter().filter_map(|m| m.header("Subject").map(str::to_string)).collect();
    assert!(found, "“{subject}” arrives; received: {all:?}");
    mails(received).into_iter().rev().find(|m| m.header("Subject") == Some(subject)).unwrap()
}

/// The request link in a message's plain text, as a path.
fn link_in(m: &Mail, app: &TestApp) -> String {
    let text = m.text();
    let at = text.find("/q/").expect("the message links to the request");
    let url: String = text[at..].chars().take_while(|c| !c.is_whitespace()).collect();
    assert!(text.contains(&app.url(&url)), "the link is absolute: {text}");
    url
}

fn status_of(app: &TestApp, code: &str) -> String {
    app.db().query_row("SELECT status FROM custom_requests WHERE code = ?1", [code], |r| r.get(0)).unwrap()
}

async fn run_expiry(app: &TestApp) -> String {
    souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "expire_drafts", "manual").await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_request_is_quoted_changed_accepted_and_delivered() {
    let (app, received, token) = shop(|_| {}).await;
    let customer = browser();
    let (status, home) = app.page("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(home.contains("href=\"/custom\""), "the footer links to the request form");
    let stock_before = app.ints("SELECT on_hand * 1000 + reserved FROM variants ORDER BY id");

    let res = request(&app, &customer, RING, vec![("ring.png", png(900, 700)), ("hand.png", png(400, 600))]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let link = location(&res);
    assert!(link.starts_with("/q/Q-1001?t="), "{link}");
    let page = app.get_as(&customer, &link).await;
    assert_eq!(page.headers()["cache-control"], "private, no-store");
    let page = page.text().await.unwrap();
    assert!(page.contains("Your request is with the shop"), "the flash says what happens");
    assert!(page.contains("Waiting for the shop&#39;s quote") || page.contains("Waiting for the shop's quote"));
    assert!(page.contains("engraved with “Anya”"));
    let token_q = link.split("t=").nth(1).unwrap();
    let photo_ids = app.ints("SELECT id FROM custom_request_photos ORDER BY position");
    assert_eq!(photo_ids.len(), 2);
    let photo = app.get_as(&customer, &format!("/q/Q-1001/photos/{}/large?t={token_q}", photo_ids[0])).await;
    assert_eq!(photo.status(), StatusCode::OK);
    assert_eq!(photo.headers()["content-type"], "image/webp");
    let img = image::load_from_memory(&photo.bytes().await.unwrap()).unwrap();
    assert_eq!((img.width(), img.height()), (900, 700));
    let wrong = app.get_as(&customer, &format!("/q/Q-1001/photos/{}/large?t={}", photo_ids[0], "0".repeat(64))).await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);

    // The customer's receipt and the seller's notice.
    let receipt = arrives(&received, "Your custom-order request Q-1001 at Asha's Kitchen").await;
    assert_eq!(receipt.header("To"), Some("meera@example.com"));
    assert!(receipt.html().contains("See request Q-1001"));
    assert_eq!(link_in(&receipt, &app).split("?t=").next(), Some("/q/Q-1001"));
    let notice = arrives(&received, "Custom-order request Q-1001 from Meera Iyer").await;
    assert_eq!(notice.header("To"), Some("shop@example.com"));
    assert!(notice.text().contains("2 reference photo(s)"));
    assert!(notice.text().contains(&app.url("/admin/custom/Q-1001")), "{}", notice.text());

    // Nothing to accept before a quote.
    let res = answer(&app, &customer, &link, "/q/Q-1001/accept", &[("delivery", "pickup"), ("payment", "cod")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get_as(&customer, &location(&res)).await.text().await.unwrap();
    assert!(page.contains("has not sent a quote yet"), "{page}");

    // The seller's queue and the request with its photos.
    let (status, queue) = app.page("/admin/custom").await;
    assert_eq!(status, StatusCode::OK);
    assert!(queue.contains("Q-1001") && queue.contains("Meera Iyer") && queue.contains("2 photo(s)"));
    let (_, detail) = app.page("/admin/custom/Q-1001").await;
    assert!(detail.contains(&format!("/admin/custom/Q-1001/photos/{}/small", photo_ids[1])));
    assert_eq!(app.get(&format!("/admin/custom/Q-1001/photos/{}/small", photo_ids[1])).await.status(), StatusCode::OK);

    // A quote missing its delivery time is sent back; a good one opens WhatsApp in the same tap.
    let quote = [("unit_price", "1400"), ("quantity", "2"), ("delivery_fee", "150"), ("valid_days", "5")];
    let res = app.submit("/admin/custom/Q-1001", "/admin/custom/Q-1001/quote", &quote).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Say when it can be delivered"));
    let mut full = quote.to_vec();
    full.extend([
        ("delivery_time", "Ready in 10 days"),
        ("notes", "Sterling silver, hallmarked."),
        ("send", "whatsapp"),
    ]);
    let res = app.submit("/admin/custom/Q-1001", "/admin/custom/Q-1001/quote", &full).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let wa = location(&res);
    assert!(wa.starts_with("https://wa.me/919812345678?text="), "{wa}");
    let decoded = urlencoding_decode(&wa);
    assert!(decoded.contains("Q-1001") && decoded.contains("Total: ₹2,950.00"), "{decoded}");
    assert!(decoded.contains(&app.url("/q/Q-1001?t=")), "the message carries the request's link: {decoded}");
    assert_eq!(status_of(&app, "Q-1001"), "quoted");
    let quoted = arrives(&received, "Your quote Q-1001 from Asha's Kitchen: ₹2,950.00").await;
    assert!(quoted.text().contains("Delivery time: Ready in 10 days"));
    assert!(!quoted.html().contains("<script") && !quoted.html().contains("src=\"http"));
    let emailed = link_in(&quoted, &app);
    let page = app.get_as(&customer, &emailed).await.text().await.unwrap();
    assert!(page.contains("The shop&#39;s quote") || page.contains("The shop's quote"), "{page}");
    assert!(page.contains("₹2,950.00") && page.contains("Accept and place the order"));

    // Asking for changes needs words; it sends the request back to the seller.
    let res = answer(&app, &customer, &emailed, "/q/Q-1001/changes", &[("changes", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res =
        answer(&app, &customer, &emailed, "/q/Q-1001/changes", &[("changes", "Could it be size 11 instead?")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, "Q-1001"), "pending");
    let told = arrives(&received, "Q-1001: the customer asks for changes").await;
    assert!(told.text().contains("size 11"));

    // The new quote says the order cannot be cancelled once confirmed.
    let mut second = full.clone();
    second.retain(|(k, _)| *k != "send");
    second.extend([("no_cancel", "on"), ("send", "save")]);
    let res = app.submit("/admin/custom/Q-1001", "/admin/custom/Q-1001/quote", &second).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/admin/custom/Q-1001");
    let page = app.get_as(&customer, &emailed).await.text().await.unwrap();
    assert!(page.contains("it cannot be cancelled"), "{page}");

    // Accepting needs the delivery details; then it is an order of kind custom.
    let res =
        answer(&app, &customer, &emailed, "/q/Q-1001/accept", &[("delivery", "standard"), ("payment", "upi")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Enter the street address"));
    let details = [
        ("name", "Meera Iyer"),
        ("delivery", "standard"),
        ("line1", "4 Lake View Road"),
        ("city", "Jaipur"),
        ("postal_code", "302001"),
        ("payment", "upi"),
    ];
    // An answer to a quote the seller has replaced since is not taken.
    let token_q = emailed.split("t=").nth(1).unwrap();
    let mut stale = vec![("t", token_q), ("quoted_at", "2026-01-01T00:00:00.000Z")];
    stale.extend_from_slice(&details);
    let res = app.submit_as(&customer, "/custom", "/q/Q-1001/accept", &stale).await;
    let page = app.get_as(&customer, &location(&res)).await.text().await.unwrap();
    assert!(page.contains("The shop has sent a new quote since"), "{page}");
    assert_eq!(app.count("SELECT count(*) FROM orders WHERE kind = 'custom'"), 0);
    let res = answer(&app, &customer, &emailed, "/q/Q-1001/accept", &details).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let order_link = location(&res);
    assert!(order_link.starts_with("/o/"), "{order_link}");
    let code = order_link.trim_start_matches("/o/").split('?').next().unwrap().to_string();
    let page = app.get_as(&customer, &order_link).await.text().await.unwrap();
    assert!(page.contains("Quote accepted") && page.contains("Custom order Q-1001"), "{page}");
    let (kind, no_cancel, total, channel): (String, bool, i64, String) = app
        .db()
        .query_row("SELECT kind, no_cancel, total, channel FROM orders WHERE code = ?1", [&code], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!((kind.as_str(), no_cancel, total, channel.as_str()), ("custom", true, 295_000, "web"));
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.code = '{code}' AND l.variant_id IS NULL AND l.sku = 'Q-1001' AND l.quantity = 2")),
        1
    );
    assert_eq!(app.ints("SELECT on_hand * 1000 + reserved FROM variants ORDER BY id"), stock_before, "no stock moves");
    assert_eq!(status_of(&app, "Q-1001"), "accepted");
    arrives(&received, &format!("New order {code} from Meera Iyer")).await;
    // A second tap on "accept" makes no second order: it leads to this one, with a new link.
    let res = answer(&app, &customer, &emailed, "/q/Q-1001/accept", &details).await;
    let again = location(&res);
    assert!(again.starts_with(&format!("/o/{code}?t=")) && again != order_link, "{again}");
    assert_eq!(app.get_as(&customer, &again).await.status(), StatusCode::OK);
    assert_eq!(app.count("SELECT count(*) FROM orders WHERE kind = 'custom'"), 1);
    let api: Value = Client::new()
        .get(app.url(&format!("/api/v1/admin/orders/{code}")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!((api["kind"].as_str(), api["items"][0]["sku"].as_str()), (Some("custom"), Some("Q-1001")), "{api}");
    let (_, desk) = app.page(&format!("/admin/orders/{code}")).await;
    assert!(desk.contains("custom order") && desk.contains("href=\"/admin/custom/Q-1001\""));

    // The normal lifecycle; once confirmed, asking to cancel is not offered.
    step(&app, &token, &code, json!({"to": "confirmed"})).await;
    let res = answer(
        &app,
        &customer,
        &order_link,
        &format!("/o/{code}/requests"),
        &[("kind", "cancel"), ("message", "Changed my mind")],
    )
    .await;
    let page = app.get_as(&customer, &location(&res)).await.text().await.unwrap();
    assert!(!page.contains("Your request is with the shop"), "a cancel request is refused: {page}");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM order_requests r JOIN orders o ON o.id = r.order_id WHERE o.code = '{code}'"
        )),
        0
    );
    step(&app, &token, &code, json!({"to": "processing"})).await;
    step(&app, &token, &code, json!({"to": "shipped", "courier": "India Post", "tracking_number": "EE123456789IN"}))
        .await;
    step(&app, &token, &code, json!({"to": "delivered"})).await;
    let status: String =
        app.db().query_row("SELECT status FROM orders WHERE code = ?1", [&code], |r| r.get(0)).unwrap();
    assert_eq!(status, "delivered");
    let (rc, out) = app.doctor();
    assert_eq!(rc, 0, "{out}");

    // Export and erasure of the customer cover the request and its photos.
    let id: i64 = app.db().query_row("SELECT id FROM customers WHERE phone = ?1", [PHONE], |r| r.get(0)).unwrap();
    let export: Value = app.get(&format!("/admin/customers/{id}/export.json")).await.json().await.unwrap();
    assert_eq!(export["custom_requests"][0]["code"], "Q-1001");
    assert_eq!(export["custom_requests"][0]["reference_photos"], 2);
    let page = format!("/admin/customers/{id}");
    let res = app.submit(&page, &format!("/admin/customers/{id}/erase"), &[("confirm", "98123 45678")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM custom_requests WHERE erased_at IS NOT NULL AND description = '' AND customer_email = ''"), 1);
    assert_eq!(app.count("SELECT count(*) FROM custom_request_photos"), 0);
    assert_eq!(app.get_as(&customer, &emailed).await.status(), StatusCode::NOT_FOUND, "its links are gone");
}

async fn step(app: &TestApp, token: &str, code: &str, to: Value) {
    let path = format!("/api/v1/admin/orders/{code}/transitions");
    let res = Client::new().post(app.url(&path)).bearer_auth(token).json(&to).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{to}");
}

/// Percent-decoding for the wa.me text.
fn urlencoding_decode(s: &str) -> String {
    let text = s.split("text=").nth(1).unwrap_or("");
    let bytes = text.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            out.push(u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap(), 16).unwrap());
            i += 3;
        } else {
            out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_expire_unanswered_and_quotes_at_their_expiry() {
    let (app, received, _) = shop(|_| {}).await;
    let customer = browser();
    let clock = app.state.clock.clone();
    let res = request(&app, &customer, RING, vec![("ring.png", png(300, 300))]).await;
    let link = location(&res);

    clock.advance(Duration::hours(71));
    assert!(run_expiry(&app).await.contains("0 custom request(s) expired"));
    assert_eq!(status_of(&app, "Q-1001"), "pending");
    clock.advance(Duration::hours(1) + Duration::minutes(1));
    assert!(run_expiry(&app).await.contains("1 custom request(s) expired"));
    assert_eq!(status_of(&app, "Q-1001"), "expired");
    let told = arrives(&received, "Your request Q-1001 at Asha's Kitchen has expired").await;
    assert!(told.text().contains("ask again"));
    assert!(run_expiry(&app).await.contains("0 custom request(s) expired"), "once");

    // Asking again makes a new request with the same words and photo.
    let page = app.get_as(&customer, &link).await.text().await.unwrap();
    assert!(page.contains("Ask the shop again"));
    let res = answer(&app, &customer, &link, "/q/Q-1001/again", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let again = location(&res);
    assert!(again.starts_with("/q/Q-1002?t="), "{again}");
    // A second tap goes to the same new request.
    let res = answer(&app, &customer, &link, "/q/Q-1001/again", &[]).await;
    assert!(location(&res).starts_with("/q/Q-1002?t="), "{}", location(&res));
    assert_eq!(app.count("SELECT count(*) FROM custom_requests"), 2);
    assert_eq!(app.count("SELECT count(*) FROM custom_request_photos p JOIN custom_requests r ON r.id = p.request_id WHERE r.code = 'Q-1002'"), 1);

    // A quote for a day; accepted after it, refused with a way to ask again.
    let quote = [
        ("unit_price", "1400"),
        ("quantity", "2"),
        ("delivery_time", "10 days"),
        ("valid_days", "1"),
        ("send", "save"),
    ];
    let res = app.submit("/admin/custom/Q-1002", "/admin/custom/Q-1002/quote", &quote).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    clock.advance(Duration::hours(25));
    let details = [("delivery", "pickup"), ("payment", "cod")];
    let res = answer(&app, &customer, &again, "/q/Q-1002/accept", &details).await;
    let page = app.get_as(&customer, &location(&res)).await.text().await.unwrap();
    assert!(page.contains("This quote has expired") && page.contains("Ask the shop again"), "{page}");
    assert_eq!(app.count("SELECT count(*) FROM orders WHERE kind = 'custom'"), 0);
    assert!(run_expiry(&app).await.contains("1 custom request(s) expired"));
    assert_eq!(status_of(&app, "Q-1002"), "expired");
    // The seller cannot quote a closed request.
    let res = app.submit("/admin/custom/Q-1002", "/admin/custom/Q-1002/quote", &quote).await;
    let page = app.get(&location(&res)).await.text().await.unwrap();
    assert!(page.contains("expired already"), "{page}");

    // Retention erases requests that ended without an order, a set number of days after.
    app.db().execute("UPDATE privacy SET erase_after_days = 2", []).unwrap();
    let purge = || souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "purge", "manual");
    assert!(purge().await.unwrap().contains("0 custom request(s)"));
    clock.advance(Duration::days(2) + Duration::minutes(1));
    assert!(purge().await.unwrap().contains("and 2 custom request(s)"));
    assert_eq!(app.count("SELECT count(*) FROM custom_request_photos"), 0);
    assert_eq!(app.count("SELECT count(*) FROM custom_requests WHERE customer_email != '' OR description != ''"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_and_store_nothing() {
    let (app, _, _) = shop(|c| c.uploads.max_image_mb = 1).await;
    let customer = browser();
    let count =
        || app.count("SELECT (SELECT count(*) FROM custom_requests) + (SELECT count(*) FROM custom_request_photos)");

    let res = request(&app, &customer, RING, vec![("notes.png", b"this is not a picture".to_vec())]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("notes.png is not a JPEG, PNG or WebP image"), "{page}");
    assert!(page.contains("engraved with"), "the form keeps what was typed");
    let res = request(&app, &customer, RING, vec![("big.png", vec![0u8; 2 * 1024 * 1024])]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("the most is 1 MB"));
    let six: Vec<(&str, Vec<u8>)> = (0..6).map(|_| ("p.png", png(20, 20))).collect();
    let res = request(&app, &customer, RING, six).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Choose at most 5 photos"));
    let res =
        request(&app, &customer, &[("name", ""), ("phone", "12"), ("description", "ring"), ("email", "a@b")], vec![])
            .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    for said in [
        "Enter your name.",
        "The shop answers on WhatsApp.",
        "Describe what you would like made",
        "Enter an email address like",
    ] {
        assert!(page.contains(said), "{said}: {page}");
    }
    // Without the CSRF token nothing is read.
    let form = Form::new().text("name", "Meera");
    let res = customer.post(app.url("/custom")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(count(), 0);

    // A wrong link opens nothing and says so.
    let (status, page) = app.page(&format!("/q/Q-1001?t={}", "a".repeat(64))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(page.contains("This link is not valid"));

    // The seller must say why when declining; the customer's page then says it.
    let res = request(&app, &customer, RING, vec![]).await;
    let link = location(&res);
    let res = app.submit("/admin/custom/Q-1001", "/admin/custom/Q-1001/decline", &[("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .submit("/admin/custom/Q-1001", "/admin/custom/Q-1001/decline", &[("reason", "We do not engrave rings.")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get_as(&customer, &link).await.text().await.unwrap();
    assert!(page.contains("We do not engrave rings.") && page.contains("Ask the shop again"));
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'custom.decline' AND target = 'Q-1001'"), 1);

    // Someone who never ordered has no customer page: the owner erases the request itself.
    let messages = "SELECT count(*) FROM outbox WHERE custom_request_id = 1";
    assert!(app.count(messages) > 0, "the seller was told");
    let res = app.submit("/admin/custom/Q-1001", "/admin/custom/Q-1001/erase", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM custom_requests WHERE erased_at IS NOT NULL AND description = '' AND customer_phone = 'erased:1'"), 1);
    assert_eq!(app.count(messages), 0, "the messages about it go too");
    assert_eq!(app.get_as(&customer, &link).await.status(), StatusCode::NOT_FOUND);

    // Switched off, the form is not there.
    let res = app.submit("/admin/settings", "/admin/settings/custom-orders", &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/custom").await.status(), StatusCode::NOT_FOUND);
    let (_, home) = app.page("/").await;
    assert!(!home.contains("href=\"/custom\""));
}

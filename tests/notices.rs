//! Issue 13, part 1: the emails of an order's life, each received by a real SMTP server on
//! loopback with its headers and both parts; at most one per order and event, across retries,
//! repeated scheduler runs and a restart in the middle of sending; the follow-ups' timing by the
//! test clock; unsubscribing; the settings page with its previews.

mod common;

use std::net::TcpListener;

use chrono::Duration;
use common::smtp::*;
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

const FROM: &str = "Asha's Kitchen <noreply@example.com>";
const SHOP: &str = "Asha's Kitchen";

async fn shop_with_smtp(received_by: impl FnOnce(TcpListener) -> Received) -> (TestApp, Received) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = received_by(listener);
    let app = TestApp::spawn_demo_with(|c| {
        c.mail.smtp_url = souk::config::Secret::new(format!("smtp://127.0.0.1:{port}"));
        c.mail.from = FROM.into();
        c.mail.retry_base_secs = 1;
    })
    .await;
    app.db().execute("UPDATE shop_settings SET contact_email = 'shop@example.com'", []).unwrap();
    // The in-memory profile is loaded at start.
    let config = app.config.clone();
    let app = TestApp::spawn_in(app.stop().await, config).await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    (app, received)
}

async fn make_token(app: &TestApp) -> String {
    let res =
        app.submit("/admin/settings/api", "/admin/settings/api", &[("name", "Notices test"), ("scope", "write")]).await;
    let html = res.text().await.unwrap();
    let at = html.find("value=\"souk_").expect("the new token is shown") + 7;
    html[at..at + 69].to_string()
}

async fn place(app: &TestApp, email: &str, qty: i64) -> String {
    let sku = shop::stock(app, "canvas-tote", 50);
    let body = json!({
        "items": [{"sku": sku, "quantity": qty}],
        "customer": {"name": "Meera Iyer", "phone": "+919812345678", "email": email},
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

async fn call(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let res = Client::new().post(app.url(path)).bearer_auth(token).json(&body).send().await.unwrap();
    let status = res.status();
    let answer: Value = res.json().await.unwrap();
    assert!(status.is_success(), "{path} {body}: {status} {answer}");
    answer
}

async fn step(app: &TestApp, token: &str, code: &str, body: Value) -> Value {
    call(app, token, &format!("/api/v1/admin/orders/{code}/transitions"), body).await
}

async fn pay(app: &TestApp, token: &str, code: &str, kind: &str, amount: i64) -> Value {
    let path = format!("/api/v1/admin/orders/{code}/payments");
    let body = json!({"kind": kind, "amount": amount, "method": "upi", "reference": format!("{kind}{amount}")});
    call(app, token, &path, body).await
}

/// Every message received so far, parsed.
fn mails(received: &Received) -> Vec<Mail> {
    received.lock().unwrap().iter().map(|m| Mail::parse(m)).collect()
}

fn with_subject(received: &Received, subject: &str) -> Vec<Mail> {
    mails(received).into_iter().filter(|m| m.header("Subject") == Some(subject)).collect()
}

async fn arrives(received: &Received, subject: &str) -> Mail {
    let found =
        eventually(15, || received.lock().unwrap().iter().any(|m| Mail::parse(m).header("Subject") == Some(subject)))
            .await;
    let all: Vec<String> = mails(received).iter().filter_map(|m| m.header("Subject").map(str::to_string)).collect();
    assert!(found, "“{subject}” arrives; received: {all:?}");
    with_subject(received, subject).remove(0)
}

/// Checks what every customer message has: sender, recipient, Reply-To, Date, Message-ID, a
/// plain-text part and a branded HTML part with no remote image or script.
fn well_formed(m: &Mail, to: &str) {
    assert_eq!(m.header("From"), Some(FROM), "{}", m.raw);
    assert_eq!(m.header("To"), Some(to));
    assert_eq!(m.header("Reply-To"), Some("shop@example.com"), "replies reach the shop");
    assert!(
        m.header("Date").is_some_and(|d| chrono::DateTime::parse_from_rfc2822(d).is_ok()),
        "{:?}",
        m.header("Date")
    );
    let id = m.header("Message-ID").unwrap();
    assert!(id.starts_with("<souk-") && id.ends_with("@example.com>"), "{id}");
    assert!(m.header("Content-Type").unwrap().starts_with("multipart/alternative"));
    let (text, html) = (m.text(), m.html());
    assert!(text.contains(SHOP) && text.contains("+919876543210"), "the shop's contacts: {text}");
    assert!(html.contains("https://wa.me/919876543210") && html.contains("mailto:shop@example.com"));
    assert!(!html.contains("<script") && !html.contains("src=\"http"), "no script, no remote image: {html}");
    assert!(!text.contains("[[souk:") && !html.contains("[[souk:"), "every placeholder filled");
}

fn link_in(text: &str, prefix: &str) -> String {
    let at = text.find(prefix).unwrap_or_else(|| panic!("{prefix} in {text}"));
    text[at..].split_whitespace().next().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_s_life_is_emailed_once_per_event() {
    let (app, received) = shop_with_smtp(smtp_server).await;
    let res = app
        .submit(
            "/admin/settings/notifications",
            "/admin/settings/notifications",
            &[
                ("on", "order_received"),
                ("on", "payment_received"),
                ("on", "order_confirmed"),
                ("on", "order_shipped"),
                ("on", "order_delivered"),
                ("on", "order_refunded"),
                ("on", "seller_new_order"),
                ("reminder_hours", "24"),
                ("review_days", "7"),
                ("summary_hour", "8"),
                ("processing_time", "We pack orders within 1–2 working days."),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM audit_log WHERE action = 'settings.notices' AND detail LIKE '%off: %delivery_failed%'"
        ),
        1
    );
    let token = make_token(&app).await;
    let email = "meera.iyer@example.com";
    let code = place(&app, email, 2).await;
    let total = app.count(&format!("SELECT total FROM orders WHERE code = '{code}'"));

    // Order received: items, the exact amount, the UPI ID, the processing time, the order link.
    let m = arrives(&received, &format!("Your order {code} at {SHOP}")).await;
    well_formed(&m, email);
    let (text, html) = (m.text(), m.html());
    let amount = souk::domain::money::format(total, "INR", 2);
    assert!(text.contains(&format!("Please pay exactly {amount}")) && text.contains("UPI ID: soukdemo@upi"), "{text}");
    assert!(text.contains("2 × Canvas Tote") && text.contains("We pack orders within 1–2 working days."), "{text}");
    assert!(html.contains("soukdemo@upi") && html.contains(&amount));
    let link = link_in(&text, &format!("{}/o/{code}?t=", app.url("")));
    assert_eq!(app.get(&link.replacen(&app.url(""), "", 1)).await.status(), StatusCode::OK, "the link opens the order");
    // The seller's notice, to the shop's contact email, links to the desk.
    let seller = arrives(&received, &format!("New order {code} from Meera Iyer")).await;
    assert_eq!(seller.header("To"), Some("shop@example.com"));
    assert!(seller.text().contains(&app.url(&format!("/admin/orders/{code}"))), "{}", seller.text());

    // The seller works the order; each step the customer hears of arrives once.
    for to in ["pending", "awaiting_payment"] {
        step(&app, &token, &code, json!({"to": to})).await;
    }
    pay(&app, &token, &code, "payment", total / 2).await;
    let part = arrives(&received, &format!("Payment received for order {code}")).await;
    well_formed(&part, email);
    let due = souk::domain::money::format(total - total / 2, "INR", 2);
    assert!(part.text().contains(&format!("{due} is still due")), "{}", part.text());
    pay(&app, &token, &code, "payment", total - total / 2).await;
    assert!(eventually(10, || with_subject(&received, &format!("Payment received for order {code}")).len() == 2).await);
    step(&app, &token, &code, json!({"to": "confirmed"})).await;
    let confirmed = arrives(&received, &format!("Order {code} is confirmed")).await;
    well_formed(&confirmed, email);
    step(&app, &token, &code, json!({"to": "shipped", "courier": "India Post", "tracking_number": "EE123456789IN"}))
        .await;
    let shipped = arrives(&received, &format!("Order {code} has shipped")).await;
    assert!(shipped.text().contains("Courier: India Post. Tracking number: EE123456789IN."), "{}", shipped.text());
    step(&app, &token, &code, json!({"to": "delivered"})).await;
    arrives(&received, &format!("Order {code} was delivered")).await;
    pay(&app, &token, &code, "refund", 100).await;
    let refund = arrives(&received, &format!("Refund for order {code}")).await;
    assert!(refund.text().contains("We refunded ₹1.00"), "{}", refund.text());

    // Each new link is a real one of this order; the outbox keeps none of them.
    let links = app.count(&format!(
        "SELECT count(*) FROM order_tokens t JOIN orders o ON o.id = t.order_id WHERE o.code = '{code}'"
    ));
    assert!(links >= 6, "{links}");
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE body_text LIKE '%?t=%'"), 0, "no link waits in the outbox");

    // Nothing twice: more time, a scheduler run and a reread of the settings bring no copy, and
    // the switched-off notices (delivery failed, cancelled) never went.
    souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "follow_ups", "manual").await.unwrap();
    assert!(eventually(10, || app.count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 0).await);
    let subjects: Vec<String> =
        mails(&received).iter().filter_map(|m| m.header("Subject").map(str::to_string)).collect();
    let mut unique = subjects.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(subjects.len(), 8, "{subjects:?}");
    assert_eq!(unique.len(), 7, "two payment messages (part, then in full), one of everything else: {subjects:?}");
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM order_notices n JOIN orders o ON o.id = n.order_id WHERE o.code = '{code}'"
        )),
        8
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_and_review_requests_come_once_when_due_and_stop_on_unsubscribe() {
    let (app, received) = shop_with_smtp(smtp_server).await;
    let token = make_token(&app).await;
    let run = || souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "follow_ups", "manual");
    let clock = app.state.clock.clone();

    // An order awaiting payment: nothing after 23 hours, the reminder after 24, never a second.
    let unpaid = place(&app, "unpaid@example.com", 1).await;
    for to in ["pending", "awaiting_payment"] {
        step(&app, &token, &unpaid, json!({"to": to})).await;
    }
    clock.advance(Duration::hours(23));
    run().await.unwrap();
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'payment_reminder'"), 0);
    clock.advance(Duration::hours(1) + Duration::minutes(1));
    assert!(run().await.unwrap().contains("queued 1 payment reminder"));
    run().await.unwrap();
    let reminder = arrives(&received, &format!("Reminder: order {unpaid} is waiting for payment")).await;
    well_formed(&reminder, "unpaid@example.com");
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'payment_reminder'"), 1);
    // A follow-up carries a one-click unsubscribe (RFC 8058) and the same link in its text.
    let header = reminder.header("List-Unsubscribe").unwrap().to_string();
    assert_eq!(reminder.header("List-Unsubscribe-Post"), Some("List-Unsubscribe=One-Click"));
    let url = header.trim_matches(['<', '>']).to_string();
    assert!(url.starts_with(&app.url("/unsubscribe?t=")), "{url}");
    assert!(reminder.text().contains(&url) && reminder.html().contains(&url));

    // Opening the link asks first; the one-click POST (as a mail program sends it) unsubscribes.
    let path = url.replacen(&app.url(""), "", 1);
    let page = app.get(&path).await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("u•••@example.com"));
    assert!(html.contains("<meta name=\"robots\" content=\"noindex\">"), "a page for one person");
    assert_eq!(app.count("SELECT count(*) FROM mail_optouts"), 0, "opening it changes nothing");
    let res = Client::new().post(app.url(&path)).body("List-Unsubscribe=One-Click").send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(app.count("SELECT count(*) FROM mail_optouts WHERE email = 'unpaid@example.com'"), 1);
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'mail.unsubscribed' AND target = 'u•••@example.com'"),
        1
    );
    assert_eq!(app.get("/unsubscribe?t=nonsense").await.status(), StatusCode::NOT_FOUND);

    // Delivered orders: the review request after 7 days, not 6; none to the address that left.
    let total = |code: &str| app.count(&format!("SELECT total FROM orders WHERE code = '{code}'"));
    let happy = place(&app, "happy@example.com", 2).await;
    for code in [&unpaid, &happy] {
        if code == &happy {
            for to in ["pending", "awaiting_payment"] {
                step(&app, &token, code, json!({"to": to})).await;
            }
        }
        pay(&app, &token, code, "payment", total(code)).await;
        step(&app, &token, code, json!({"to": "confirmed"})).await;
        step(&app, &token, code, json!({"to": "shipped", "courier": "India Post", "tracking_number": "EE12345678"}))
            .await;
        step(&app, &token, code, json!({"to": "delivered"})).await;
    }
    clock.advance(Duration::days(6));
    run().await.unwrap();
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'review_request'"), 0);
    clock.advance(Duration::days(1) + Duration::minutes(1));
    assert!(run().await.unwrap().contains("1 review request"));
    run().await.unwrap();
    let review = arrives(&received, &format!("How was order {happy}?")).await;
    well_formed(&review, "happy@example.com");
    assert!(review.header("List-Unsubscribe").is_some());
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'review_request'"), 1);
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'review_request' AND to_addr = 'unpaid@example.com'"),
        0
    );
    // A review request long overdue (the notice switched off for weeks, then on) is not sent.
    let late = place(&app, "late@example.com", 3).await;
    for to in ["pending", "awaiting_payment"] {
        step(&app, &token, &late, json!({"to": to})).await;
    }
    pay(&app, &token, &late, "payment", total(&late)).await;
    step(&app, &token, &late, json!({"to": "confirmed"})).await;
    step(&app, &token, &late, json!({"to": "shipped", "courier": "India Post", "tracking_number": "EE12345679"})).await;
    step(&app, &token, &late, json!({"to": "delivered"})).await;
    clock.advance(Duration::days(10));
    run().await.unwrap();
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'review_request' AND to_addr = 'late@example.com'"),
        0
    );
    // Order messages still reach the address that unsubscribed from follow-ups.
    arrives(&received, &format!("Order {unpaid} was delivered")).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_sending_sends_each_message_once() {
    let gate = Gate::default();
    let held = gate.clone();
    let (app, received) = shop_with_smtp(move |l| smtp_server_held(l, held)).await;
    let code = place(&app, "meera.iyer@example.com", 1).await;
    // The first message is in the SMTP server's hands when the shop is asked to stop.
    assert!(eventually(15, || gate.holding()).await, "a message is being sent");
    let config = app.config.clone();
    let stopping = tokio::spawn(app.stop());
    tokio::task::yield_now().await;
    gate.open();
    let dir = stopping.await.unwrap();
    let sent_before = received.lock().unwrap().len();
    assert!(sent_before >= 1);

    // Back up on the same data folder: what was left goes, nothing goes twice.
    let app = TestApp::spawn_in(dir, config).await;
    assert!(eventually(15, || app.count("SELECT count(*) FROM outbox WHERE status = 'pending'") == 0).await);
    assert!(eventually(10, || received.lock().unwrap().len() == 2).await);
    // A scheduler run after the restart queues nothing new.
    souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "follow_ups", "manual").await.unwrap();
    let ids: Vec<String> = mails(&received).iter().map(|m| m.header("Message-ID").unwrap().to_string()).collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!((ids.len(), unique.len()), (2, 2), "the customer's and the seller's message, once each: {ids:?}");
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE status = 'sent'"), 2);
    assert_eq!(
        app.count(&format!(
            "SELECT count(*) FROM order_notices n JOIN orders o ON o.id = n.order_id WHERE o.code = '{code}'"
        )),
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_settings_page_checks_its_form_and_previews_every_message() {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let (status, html) = app.page("/admin/settings/notifications").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("SPF") && html.contains("DKIM") && html.contains("DMARC") && html.contains("/admin/outbox"));
    let res = app
        .submit(
            "/admin/settings/notifications",
            "/admin/settings/notifications",
            &[("reminder_hours", "0"), ("review_days", "7"), ("summary_hour", "25"), ("processing_time", "")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("from 1 to 720") && html.contains("from 0 to 23"), "field messages");
    assert_eq!(app.count("SELECT reminder_hours FROM notice_settings"), 24, "nothing saved");

    for notice in souk::domain::notify::Notice::ALL {
        let res = app.get(&format!("/admin/settings/notifications/{notice}/preview")).await;
        assert_eq!(res.status(), StatusCode::OK, "{notice}");
        let csp = res.headers()["content-security-policy"].to_str().unwrap().to_string();
        assert!(csp.starts_with("default-src 'none'; style-src 'unsafe-inline'"), "{csp}");
        let html = res.text().await.unwrap();
        assert!(html.contains(SHOP) && !html.contains("[[souk:"), "{notice}: {html}");
        let text =
            app.get(&format!("/admin/settings/notifications/{notice}/preview?part=text")).await.text().await.unwrap();
        assert!(text.starts_with("Subject: "), "{text}");
    }
    // Staff cannot see or change the owner's notification settings.
    let staff = app.staff().await;
    assert_eq!(app.get_as(&staff, "/admin/settings/notifications").await.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seller_hears_of_flagged_orders_and_gets_one_summary_a_day() {
    let (app, received) = shop_with_smtp(smtp_server).await;
    // Every notice on, the daily summary too, due from midnight of the shop's day.
    let mut fields: Vec<(&str, &str)> = souk::domain::notify::Notice::ALL.iter().map(|n| ("on", n.as_str())).collect();
    fields.extend([("reminder_hours", "24"), ("review_days", "7"), ("summary_hour", "0"), ("processing_time", "")]);
    let res = app.submit("/admin/settings/notifications", "/admin/settings/notifications", &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let rules = [
        ("postcodes_on", "on"),
        ("postcodes", "302099"),
        ("failed_min", "2"),
        ("first_cod_over", "0"),
        ("velocity_orders", "3"),
        ("velocity_hours", "24"),
    ];
    assert_eq!(
        app.submit("/admin/settings/orders", "/admin/settings/review", &rules).await.status(),
        StatusCode::SEE_OTHER
    );

    let sku = shop::stock(&app, "canvas-tote", 20);
    let body = json!({"items": [{"sku": sku, "quantity": 1}],
        "customer": {"name": "Ravi", "phone": "+919876512399"},
        "delivery": {"method": "standard", "address": {"line1": "9 Fort Road", "city": "Jaipur", "postal_code": "302099", "country": "IN"}},
        "payment": {"method": "upi"}});
    let placed: Value =
        Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap().json().await.unwrap();
    let code = placed["code"].as_str().unwrap();
    let flagged = arrives(&received, &format!("Order {code} needs a look before you confirm it")).await;
    assert_eq!(flagged.header("To"), Some("shop@example.com"));
    assert!(
        flagged.text().contains("302099") && flagged.text().contains(&app.url(&format!("/admin/orders/{code}"))),
        "{}",
        flagged.text()
    );
    let desk = format!("/admin/orders/{code}");
    assert_eq!(
        app.submit(&desk, &format!("{desk}/status"), &[("to", "pending")]).await.status(),
        StatusCode::SEE_OTHER
    );

    // One summary a day, however often the scheduler runs.
    let run = || souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "follow_ups", "manual");
    assert!(run().await.unwrap().contains("1 summary message(s)"));
    assert!(run().await.unwrap().contains("0 summary message(s)"));
    app.state.clock.advance(Duration::days(1));
    assert!(run().await.unwrap().contains("1 summary message(s)"));
    assert!(
        eventually(10, || app
            .count("SELECT count(*) FROM outbox WHERE kind = 'seller_daily_summary' AND status = 'sent'")
            == 2)
        .await
    );
    let summaries: Vec<Mail> = mails(&received)
        .into_iter()
        .filter(|m| m.header("Subject").is_some_and(|s| s.contains(" order(s) on ")))
        .collect();
    assert_eq!(summaries.len(), 2);
    assert!(summaries[1].text().contains("1 order(s)"), "yesterday's order counted: {}", summaries[1].text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_delivery_a_cancellation_and_an_answered_request_are_emailed_well_formed() {
    let (app, received) = shop_with_smtp(smtp_server).await;
    let token = make_token(&app).await;
    let (one, two) = (place(&app, "meera.iyer@example.com", 1).await, place(&app, "meera.iyer@example.com", 2).await);
    for to in ["pending", "confirmed"] {
        step(&app, &token, &one, json!({"to": to})).await;
    }
    step(&app, &token, &one, json!({"to": "shipped", "courier": "India Post", "tracking_number": "EE123456789IN"}))
        .await;
    step(&app, &token, &one, json!({"to": "failed_delivery", "failed_reason": "customer_unavailable"})).await;
    let failed = arrives(&received, &format!("We could not deliver order {one}")).await;
    well_formed(&failed, "meera.iyer@example.com");
    assert!(failed.text().contains("What happened: Customer unavailable."), "{}", failed.text());
    // Shipped again with a new tracking number: another shipment, another message.
    step(&app, &token, &one, json!({"to": "shipped", "courier": "India Post", "tracking_number": "EE987654321IN"}))
        .await;
    assert!(eventually(10, || with_subject(&received, &format!("Order {one} has shipped")).len() == 2).await);

    step(&app, &token, &two, json!({"to": "cancelled", "reason": "The colour is sold out"})).await;
    let cancelled = arrives(&received, &format!("Order {two} was cancelled")).await;
    well_formed(&cancelled, "meera.iyer@example.com");
    assert!(cancelled.text().contains("Reason: The colour is sold out"), "{}", cancelled.text());
    assert!(cancelled.html().contains("Reason: The colour is sold out"));
}

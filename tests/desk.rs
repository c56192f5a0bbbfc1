//! The seller's order desk (issue 11), through the real HTTP admin: every transition of the
//! lifecycle, stock committed once, restocking, clearing old drafts at the cut-off, payments,
//! one-tap WhatsApp messages and what staff may do.

mod common;

use common::shop::stock;
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::json;

/// The demo shop with the owner signed in on `app.client`, and no limit on orders from one
/// address (every test order comes from 127.0.0.1), set on the order settings page.
async fn desk() -> TestApp {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app
}

/// Places an order through the API for `phone` (a draft in the demo's WhatsApp flow); returns its code.
async fn place(app: &TestApp, items: &[(&str, i64)], phone: &str, payment: &str) -> String {
    let items: Vec<_> = items.iter().map(|(sku, q)| json!({"sku": sku, "quantity": q})).collect();
    let body = json!({
        "items": items,
        "customer": {"name": "Meera Iyer", "phone": phone, "email": "meera@example.com"},
        "delivery": {"method": "standard", "address": {"line1": "4 Lake View Road", "city": "Jaipur",
            "region": "Rajasthan", "postal_code": "302001", "country": "IN"}},
        "payment": {"method": payment},
    });
    let res = Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap();
    let status = res.status();
    let answer = res.json::<serde_json::Value>().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    answer["code"].as_str().unwrap().to_string()
}

fn status(app: &TestApp, code: &str) -> String {
    app.db().query_row("SELECT status FROM orders WHERE code = ?1", [code], |r| r.get(0)).unwrap()
}

fn on_hand(app: &TestApp, sku: &str) -> (i64, i64) {
    app.db()
        .query_row("SELECT on_hand, reserved FROM variants WHERE sku = ?1", [sku], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
}

/// Posts one of the order page's forms as `client`, with extra fields.
async fn post_as(
    app: &TestApp,
    client: &Client,
    code: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> reqwest::Response {
    let page = format!("/admin/orders/{code}");
    app.submit_as(client, &page, &format!("{page}/{action}"), fields).await
}

/// Moves an order one step, sending every field a step may need.
async fn step_as(app: &TestApp, client: &Client, code: &str, to: &str) -> reqwest::Response {
    let fields = [
        ("to", to),
        ("reason", "Customer asked"),
        ("courier", "Delhivery"),
        ("tracking_number", "DL 1234 5678"),
        ("failed", "customer_unavailable"),
    ];
    post_as(app, client, code, "status", &fields).await
}

async fn step(app: &TestApp, code: &str, to: &str) -> reqwest::Response {
    step_as(app, &app.client, code, to).await
}

/// The statuses that lead from a draft to each status.
fn path_to(s: &str) -> &'static [&'static str] {
    match s {
        "draft" => &[],
        "pending" => &["pending"],
        "awaiting_payment" => &["pending", "awaiting_payment"],
        "confirmed" => &["pending", "confirmed"],
        "processing" => &["pending", "confirmed", "processing"],
        "ready_to_ship" => &["pending", "confirmed", "ready_to_ship"],
        "shipped" => &["pending", "confirmed", "shipped"],
        "delivered" => &["pending", "confirmed", "shipped", "delivered"],
        "failed_delivery" => &["pending", "confirmed", "shipped", "failed_delivery"],
        "cancelled" => &["cancelled"],
        "returned" => &["pending", "confirmed", "shipped", "delivered", "returned"],
        _ => unreachable!(),
    }
}

const STATUSES: [&str; 11] = [
    "draft",
    "pending",
    "awaiting_payment",
    "confirmed",
    "processing",
    "ready_to_ship",
    "shipped",
    "delivered",
    "failed_delivery",
    "cancelled",
    "returned",
];

/// PRODUCT.md's table.
const ALLOWED: &[(&str, &str)] = &[
    ("draft", "pending"),
    ("draft", "cancelled"),
    ("pending", "awaiting_payment"),
    ("pending", "confirmed"),
    ("pending", "cancelled"),
    ("awaiting_payment", "confirmed"),
    ("awaiting_payment", "cancelled"),
    ("confirmed", "processing"),
    ("confirmed", "ready_to_ship"),
    ("confirmed", "shipped"),
    ("confirmed", "cancelled"),
    ("processing", "ready_to_ship"),
    ("processing", "shipped"),
    ("processing", "cancelled"),
    ("ready_to_ship", "shipped"),
    ("ready_to_ship", "cancelled"),
    ("shipped", "delivered"),
    ("shipped", "failed_delivery"),
    ("failed_delivery", "shipped"),
    ("failed_delivery", "returned"),
    ("failed_delivery", "cancelled"),
    ("delivered", "returned"),
];

/// A new order of one unit, walked to `from`.
async fn order_at(app: &TestApp, sku: &str, n: u32, from: &str) -> String {
    let code = place(app, &[(sku, 1)], &format!("+9198765{n:05}"), "upi").await;
    for s in path_to(from) {
        assert_eq!(step(app, &code, s).await.status(), StatusCode::SEE_OTHER, "{code} to {s}");
    }
    assert_eq!(status(app, &code), from);
    code
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_transition_is_allowed_or_refused_as_the_table_says() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 500);
    let mut n = 0;
    for from in STATUSES {
        // Every refused step: the page again (409) naming what is allowed, nothing changed.
        n += 1;
        let code = order_at(&app, &sku, n, from).await;
        let events = app.count(&format!(
            "SELECT count(*) FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.code = '{code}'"
        ));
        for to in STATUSES.iter().filter(|to| !ALLOWED.contains(&(from, to))) {
            let res = step(&app, &code, to).await;
            assert_eq!(res.status(), StatusCode::CONFLICT, "{from} -> {to} is refused");
            let html = res.text().await.unwrap();
            assert!(html.contains(&format!("A {from} order cannot")), "{from} -> {to}: the message names the rule");
            assert_eq!(status(&app, &code), from, "nothing changed");
        }
        let after = app.count(&format!(
            "SELECT count(*) FROM order_events e JOIN orders o ON o.id = e.order_id WHERE o.code = '{code}'"
        ));
        assert_eq!(events, after, "a refused step writes no event");
        for (_, to) in ALLOWED.iter().filter(|(f, _)| *f == from) {
            n += 1;
            let code = order_at(&app, &sku, n, from).await;
            let res = step(&app, &code, to).await;
            assert_eq!(res.status(), StatusCode::SEE_OTHER, "{from} -> {to} is allowed");
            assert_eq!(status(&app, &code), *to);
        }
    }
    // Every step is on the timeline and in the audit log with who made it.
    assert!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'order.status' AND actor = 'asha@example.com'") > 40
    );
    assert_eq!(app.count("SELECT count(*) FROM order_events WHERE kind = 'status' AND from_status IS NULL AND status != 'draft' AND status != 'pending'"), 0);
    let (_, reserved) = on_hand(&app, &sku);
    let held = app.count("SELECT count(*) FROM orders WHERE status IN ('draft', 'pending', 'awaiting_payment')");
    assert_eq!(reserved, held, "only unconfirmed orders hold units");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_admins_confirming_at_once_deduct_stock_once() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 10);
    let code = place(&app, &[(&sku, 3)], "+919876500001", "upi").await;
    step(&app, &code, "pending").await;
    assert_eq!(on_hand(&app, &sku), (10, 3));
    let second = browser();
    assert_eq!(app.login_as(&second, OWNER_EMAIL, OWNER_PASSWORD).await.status(), StatusCode::SEE_OTHER);
    let (a, b) = tokio::join!(step(&app, &code, "confirmed"), step_as(&app, &second, &code, "confirmed"));
    let mut answers = [a.status(), b.status()];
    answers.sort();
    assert_eq!(answers, [StatusCode::SEE_OTHER, StatusCode::CONFLICT], "one confirms, the other is told it already is");
    assert_eq!(on_hand(&app, &sku), (7, 0), "deducted once, reservation gone");
    assert_eq!(app.count(&format!("SELECT count(*) FROM stock_ledger WHERE reason = 'Order {code} confirmed'")), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn short_stock_is_named_and_cancel_and_return_put_units_back() {
    let app = desk().await;
    let tote = stock(&app, "canvas-tote", 10);
    let other = stock(&app, "chikankari-cotton-kurta", 5);
    // Confirming with short stock (the seller took units away since): each short line named, nothing changed.
    let code = place(&app, &[(&tote, 2), (&other, 4)], "+919876500002", "upi").await;
    step(&app, &code, "pending").await;
    app.db().execute("UPDATE variants SET on_hand = 4 WHERE sku = ?1", [&other]).unwrap();
    app.db().execute("INSERT INTO stock_ledger (variant_id, delta, reason, actor, at) SELECT id, -1, 'test', 'test', 'x' FROM variants WHERE sku = ?1", [&other]).unwrap();
    app.db().execute("UPDATE variants SET reserved = reserved + 1 WHERE sku = ?1", [&other]).unwrap();
    let res = step(&app, &code, "confirmed").await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&other) && html.contains("4 wanted, 3 in stock") && !html.contains(&format!("[{tote}]")),
        "{html}"
    );
    assert_eq!(status(&app, &code), "pending");
    assert_eq!(on_hand(&app, &tote), (10, 2));
    app.db().execute("UPDATE variants SET reserved = reserved - 1 WHERE sku = ?1", [&other]).unwrap();
    app.db().execute("UPDATE variants SET on_hand = 5 WHERE sku = ?1", [&other]).unwrap();
    app.db().execute("INSERT INTO stock_ledger (variant_id, delta, reason, actor, at) SELECT id, 1, 'test', 'test', 'x' FROM variants WHERE sku = ?1", [&other]).unwrap();

    // Confirmed, then cancelled: every unit back.
    assert_eq!(step(&app, &code, "confirmed").await.status(), StatusCode::SEE_OTHER);
    assert_eq!((on_hand(&app, &tote), on_hand(&app, &other)), ((8, 0), (1, 0)));
    let res = post_as(&app, &app.client, &code, "status", &[("to", "cancelled"), ("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "a cancellation needs a reason");
    assert_eq!(step(&app, &code, "cancelled").await.status(), StatusCode::SEE_OTHER);
    assert_eq!((on_hand(&app, &tote), on_hand(&app, &other)), ((10, 0), (5, 0)));

    // Delivered, then returned: the seller chooses which lines go back on the shelf.
    let code = place(&app, &[(&tote, 1), (&other, 2)], "+919876500003", "upi").await;
    for s in ["pending", "confirmed", "shipped", "delivered"] {
        assert_eq!(step(&app, &code, s).await.status(), StatusCode::SEE_OTHER);
    }
    let tote_line: i64 = app
        .db()
        .query_row(
            "SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.code = ?1 AND l.sku = ?2",
            [&code, &tote],
            |r| r.get(0),
        )
        .unwrap();
    let line = tote_line.to_string();
    let res = post_as(&app, &app.client, &code, "status", &[("to", "returned"), ("restock", &line)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!((on_hand(&app, &tote), on_hand(&app, &other)), ((10, 0), (3, 0)), "only the tote was put back");

    // Stock on hand still equals the ledger; doctor agrees.
    assert_eq!(app.count("SELECT count(*) FROM variants v WHERE on_hand != (SELECT coalesce(sum(delta), 0) FROM stock_ledger l WHERE l.variant_id = v.id)"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clearing_old_drafts_cancels_only_drafts_older_than_the_cut_off() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 50);
    let clock = app.state.clock.clone();
    let pending = place(&app, &[(&sku, 1)], "+919876500010", "upi").await;
    step(&app, &pending, "pending").await;
    clock.advance(chrono::Duration::minutes(59));
    let old = place(&app, &[(&sku, 1)], "+919876500011", "upi").await;
    clock.advance(chrono::Duration::minutes(2));
    let young = place(&app, &[(&sku, 1)], "+919876500012", "upi").await;
    // Now the pending order is 7 h old, one draft 6 h 01 and the other 5 h 59.
    clock.advance(chrono::Duration::minutes(5 * 60 + 59));
    let (code, html) = app.page("/admin/orders/clear-drafts?hours=6").await;
    assert_eq!(code, StatusCode::OK);
    assert!(html.contains("<strong>1 draft</strong>"), "the exact count: {html}");
    let before = common::shop::hidden(&html, "before");
    let res =
        app.submit("/admin/orders/clear-drafts?hours=6", "/admin/orders/clear-drafts", &[("before", &before)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status(&app, &old), "cancelled");
    assert_eq!(status(&app, &young), "draft");
    assert_eq!(status(&app, &pending), "pending");
    let reason: String =
        app.db().query_row("SELECT cancel_reason FROM orders WHERE code = ?1", [&old], |r| r.get(0)).unwrap();
    assert_eq!(reason, "expired");
    assert_eq!(on_hand(&app, &sku), (50, 2), "the cleared draft's unit is released");
    // The drafts tab shows the young one with its age.
    let (_, html) = app.page("/admin/orders?tab=drafts").await;
    assert!(html.contains(&young) && !html.contains(&old) && html.contains("5 h 59 min old"), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payments_set_the_payment_status_and_bad_ones_are_refused() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 10);
    let code = place(&app, &[(&sku, 2)], "+919876500020", "upi").await;
    let total: i64 = app.db().query_row("SELECT total FROM orders WHERE code = ?1", [&code], |r| r.get(0)).unwrap();
    let pay = |amount: String, reference: &'static str, kind: &'static str| {
        let app = &app;
        let code = code.clone();
        async move {
            post_as(
                app,
                &app.client,
                &code,
                "payments",
                &[("kind", kind), ("amount", &amount), ("method", "upi"), ("reference", reference)],
            )
            .await
        }
    };
    let paid = |app: &TestApp| -> (String, i64) {
        app.db()
            .query_row("SELECT payment_status, paid FROM orders WHERE code = ?1", [&code], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap()
    };
    for (amount, reference) in
        [("0", ""), ("-5", ""), ("abc", ""), ("10", "<script>x</script>"), ("10", "https://x.example")]
    {
        let res = pay(amount.into(), reference, "payment").await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{amount} {reference}");
        let html = res.text().await.unwrap();
        assert!(!html.contains("<script>x"), "shown escaped");
    }
    assert_eq!(app.count("SELECT count(*) FROM payments"), 0);
    let half = format!("{}", total / 200);
    assert_eq!(pay(half, "UTR 4411", "payment").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(paid(&app), ("partially_paid".into(), total / 200 * 100));
    let too_much = format!("{}", total / 100 + 1);
    let res = pay(too_much, "", "payment").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("still due"));
    let rest = money_text(total - total / 200 * 100);
    assert_eq!(pay(rest, "UTR 4412", "payment").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(paid(&app), ("paid".into(), total));
    assert_eq!(pay(money_text(total), "", "refund").await.status(), StatusCode::SEE_OTHER);
    assert_eq!(paid(&app), ("refunded".into(), 0));
    assert_eq!(app.count("SELECT count(*) FROM payments WHERE recorded_by = 'asha@example.com'"), 3);
    let (_, html) = app.page(&format!("/admin/orders/{code}")).await;
    assert!(html.contains("UTR 4411") && html.contains("Refunded"));

    // Cash on delivery is recorded with "delivered".
    let cod = place(&app, &[(&sku, 1)], "+919876500021", "cod").await;
    for s in ["pending", "confirmed", "shipped"] {
        step(&app, &cod, s).await;
    }
    let due: i64 = app.db().query_row("SELECT total FROM orders WHERE code = ?1", [&cod], |r| r.get(0)).unwrap();
    // More cash than is due (another payment was recorded meanwhile) is refused, nothing changed.
    let over = (due + 100).to_string();
    let res = post_as(&app, &app.client, &cod, "status", &[("to", "delivered"), ("cash", &over)]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(status(&app, &cod), "shipped");
    let res = post_as(&app, &app.client, &cod, "status", &[("to", "delivered"), ("cash", &due.to_string())]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (ps, reference): (String, String) = app
        .db()
        .query_row(
            "SELECT o.payment_status, p.reference FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.code = ?1",
            [&cod],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!((ps.as_str(), reference.as_str()), ("paid", "cash"));
}

/// An amount in minor units as the form takes it (two decimals).
fn money_text(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

fn decoded_text(url: &str) -> String {
    let text = url.split("?text=").nth(1).unwrap_or_default();
    let bytes: Vec<u8> = {
        let b = text.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    };
    String::from_utf8(bytes).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_tap_whatsapp_messages_carry_the_order_link_and_nothing_personal() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 10);
    let code = place(&app, &[(&sku, 1)], "+919876500030", "upi").await;

    // "WhatsApp received" acknowledges the draft and opens the customer's chat.
    let res = post_as(&app, &app.client, &code, "whatsapp", &[("template", "acknowledge")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let url = location(&res);
    assert!(url.starts_with("https://wa.me/919876500030?text="), "{url}");
    let text = decoded_text(&url);
    assert!(
        text.contains(&code) && text.contains("/o/") && !text.contains("Meera") && !text.contains("Lake View"),
        "{text}"
    );
    assert_eq!(status(&app, &code), "pending");
    for (template, wants) in [
        ("contact", vec![]),
        ("payment_details", vec!["please pay", "UPI"]),
        ("status_pending", vec![]),
        ("order_link", vec![]),
    ] {
        let res = post_as(&app, &app.client, &code, "whatsapp", &[("template", template)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{template}");
        let url = location(&res);
        assert!(url.starts_with("https://wa.me/919876500030?text="), "{url}");
        let text = decoded_text(&url);
        assert!(text.contains(&code), "{template}: {text}");
        for w in wants {
            assert!(text.contains(w), "{template}: {text}");
        }
        for personal in ["Meera", "Lake View", "meera@example.com", "302001"] {
            assert!(!text.contains(personal), "{template} carries no personal data: {text}");
        }
        if template != "contact" {
            // The link in the message opens the order.
            let link = text.split_whitespace().find(|w| w.contains("/o/")).expect("an order link");
            let path = &link[link.find("/o/").unwrap()..];
            assert_eq!(app.get_as(&browser(), path).await.status(), StatusCode::OK, "{template}");
        }
    }
    // Shipped: the update names the courier and the tracking link, still nothing personal.
    let courier = [("name", "Delhivery"), ("tracking_url", "https://track.example/{tracking}")];
    app.submit("/admin/settings/orders", "/admin/settings/couriers", &courier).await;
    let shipped = place(&app, &[(&sku, 1)], "+919876500031", "upi").await;
    for s in ["pending", "confirmed", "shipped"] {
        step(&app, &shipped, s).await;
    }
    let res = post_as(&app, &app.client, &shipped, "whatsapp", &[("template", "status_shipped")]).await;
    let text = decoded_text(&location(&res));
    assert!(text.contains("Delhivery") && text.contains("https://track.example/DL12345678"), "{text}");
    assert!(!text.contains("Meera") && !text.contains("Lake View") && !text.contains("meera@"), "{text}");
    // A status update for a status the order is not in is refused.
    let res = post_as(&app, &app.client, &code, "whatsapp", &[("template", "status_shipped")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT count(*) FROM order_events WHERE kind = 'message'"), 6);
    let (_, html) = app.page(&format!("/admin/orders/{code}")).await;
    assert!(html.contains("WhatsApp opened: Payment details"));

    // A fresh link with the older ones turned off.
    let live = format!(
        "SELECT count(*) FROM order_tokens WHERE revoked_at IS NULL AND order_id = (SELECT id FROM orders WHERE code = '{code}')"
    );
    assert!(app.count(&live) > 1);
    let res = post_as(&app, &app.client, &code, "whatsapp", &[("template", "order_link"), ("revoke", "1")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(&live), 1);
    let text = decoded_text(&location(&res));
    let link = text.split_whitespace().find(|w| w.contains("/o/")).unwrap();
    assert_eq!(app.get_as(&browser(), &link[link.find("/o/").unwrap()..]).await.status(), StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lists_find_orders_and_notes_and_tags_are_kept_as_text() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 20);
    let a = place(&app, &[(&sku, 1)], "+919876500040", "upi").await;
    let b = place(&app, &[(&sku, 2)], "+919876500041", "cod").await;
    step(&app, &b, "pending").await;
    let (_, html) = app.page("/admin/orders").await;
    assert!(html.contains(&b) && !html.contains(&a), "Active shows the pending order, not the draft");
    assert!(html.contains("To acknowledge or confirm"));
    let (_, html) = app.page("/admin/orders?tab=drafts").await;
    assert!(html.contains(&a) && !html.contains(&format!(">{b}<")));
    let (_, html) = app.page("/admin/orders?tab=all&q=%2B919876500041").await;
    assert!(html.contains(&b) && !html.contains(&format!(">{a}<")), "search by phone");
    let (_, html) = app.page(&format!("/admin/orders?tab=all&q={}", a.to_lowercase())).await;
    assert!(html.contains(&a), "search by code");
    let (_, html) = app.page("/admin/orders?tab=all&payment=cod").await;
    assert!(html.contains(&b) && !html.contains(&format!(">{a}<")));
    assert_eq!(app.get("/admin/orders?tab=all&status=lost").await.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.get("/admin/orders?tab=all&from=yesterday").await.status(), StatusCode::BAD_REQUEST);

    let res = post_as(&app, &app.client, &a, "notes", &[("note", "<b>call</b> after 6")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = post_as(&app, &app.client, &a, "tags", &[("tags", "gift, <i>vip</i>")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&format!("/admin/orders/{a}")).await;
    assert!(html.contains("&lt;b&gt;call&lt;/b&gt; after 6") && !html.contains("<b>call</b>"));
    assert!(html.contains("&lt;i&gt;vip&lt;/i&gt;"));
    let (_, html) = app.page("/admin/orders?tab=all&tag=gift").await;
    assert!(html.contains(&a));
    // The customer's page never shows the seller's notes or tags.
    let res = post_as(&app, &app.client, &a, "whatsapp", &[("template", "order_link")]).await;
    let text = decoded_text(&location(&res));
    let link = text.split_whitespace().find(|w| w.contains("/o/")).unwrap();
    let page = app.get_as(&browser(), &link[link.find("/o/").unwrap()..]).await.text().await.unwrap();
    assert!(page.contains(&a) && !page.contains("call") && !page.contains("vip") && !page.contains("gift"), "{page}");
    // A number typed as people do finds its orders (the shop's country code completes it).
    let (_, html) = app.page("/admin/orders?tab=all&q=98765%2000041").await;
    assert!(html.contains(&b) && !html.contains(&format!(">{a}<")), "search by a local number");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_work_orders_but_owner_pages_and_forged_forms_are_refused() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 10);
    let code = place(&app, &[(&sku, 1)], "+919876500050", "upi").await;
    // An invited staff member.
    let staff = app.staff().await;

    assert_eq!(app.get_as(&staff, "/admin/orders").await.status(), StatusCode::OK);
    assert_eq!(step_as(&app, &staff, &code, "pending").await.status(), StatusCode::SEE_OTHER);
    // Staff clear old drafts too, and a cut-off less than an hour ago is refused.
    let old = place(&app, &[(&sku, 1)], "+919876500051", "upi").await;
    app.state.clock.advance(chrono::Duration::hours(2));
    let html = app.get_as(&staff, "/admin/orders/clear-drafts?hours=1").await.text().await.unwrap();
    let before = common::shop::hidden(&html, "before");
    let review = "/admin/orders/clear-drafts?hours=1";
    let res = app.submit_as(&staff, review, "/admin/orders/clear-drafts", &[("before", &before)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "staff clear drafts too");
    assert_eq!(status(&app, &old), "cancelled");
    let recent = souk::domain::time::ts(app.state.clock.now() - chrono::Duration::minutes(5));
    let res = app.submit_as(&staff, review, "/admin/orders/clear-drafts", &[("before", &recent)]).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Owner pages: neither read nor changed by staff.
    assert_eq!(app.get_as(&staff, "/admin/settings").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.get_as(&staff, "/admin/settings/orders").await.status(), StatusCode::FORBIDDEN);
    let csrf = csrf_from(&app.get_as(&staff, "/admin/orders").await.text().await.unwrap()).unwrap();
    for (action, fields) in [
        ("/admin/settings/orders", vec![("placements_per_hour", "3")]),
        ("/admin/settings/couriers", vec![("name", "Sneaky Couriers")]),
        ("/admin/settings/messages/contact", vec![("body", "Hi {code}"), ("action", "save")]),
    ] {
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend(fields);
        let res = staff.post(app.url(action)).form(&all).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{action}");
    }
    assert_eq!(app.count("SELECT count(*) FROM couriers") + app.count("SELECT count(*) FROM message_templates"), 0);
    assert_eq!(app.count("SELECT count(*) FROM checkout_settings WHERE placements_per_hour = 3"), 0, "nothing changed");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'order.status' AND actor = 'ravi@example.com'"),
        2,
        "the step and the cleared draft"
    );

    // A forged CSRF token changes nothing.
    let res = staff
        .post(app.url(&format!("/admin/orders/{code}/status")))
        .form(&[("csrf", "forged"), ("to", "confirmed")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(status(&app, &code), "pending");
    // Signed out: the desk is not there.
    let res = browser().get(app.url(&format!("/admin/orders/{code}"))).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seller_takes_orders_by_hand_from_every_channel() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 20);
    let form = "/admin/orders/new";
    // Search by a part of the title: the variant can be added.
    let res = app.submit(form, form, &[("q", "canvas"), ("op", "search")]).await;
    let html = res.text().await.unwrap();
    assert!(html.contains(&format!("value=\"add:{sku}\"")), "the search finds the tote");
    let res = app.submit(form, form, &[("op", &format!("add:{sku}"))]).await;
    assert!(res.text().await.unwrap().contains(&format!("name=\"qty:{sku}\"")), "the line is on the form");
    // A returning customer is found by number.
    let earlier = place(&app, &[(&sku, 1)], "+919876500060", "upi").await;
    let res = app.submit(form, form, &[("phone", "98765 00060"), ("op", "lookup")]).await;
    let html = res.text().await.unwrap();
    assert!(
        html.contains(&earlier) && html.contains("value=\"Meera Iyer\"") && html.contains("value=\"Jaipur\""),
        "{html}"
    );

    let qty = format!("qty:{sku}");
    for (i, channel) in ["whatsapp", "instagram", "facebook", "phone", "walk_in", "other"].into_iter().enumerate() {
        let phone = format!("+91987650007{i}");
        let fields = [
            (qty.as_str(), "2"),
            ("phone", phone.as_str()),
            ("name", "Kiran"),
            ("delivery", "pickup"),
            ("payment", "cod"),
            ("channel", channel),
            ("confirm", "0"),
            ("op", "place"),
        ];
        let res = app.submit(form, form, &fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{channel}");
        let code = location(&res).trim_start_matches("/admin/orders/").to_string();
        let (status, ch, expires, actor): (String, String, Option<String>, String) = app.db().query_row(
            "SELECT o.status, o.channel, o.expires_at, e.actor FROM orders o JOIN order_events e ON e.order_id = o.id WHERE o.code = ?1",
            [&code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))).unwrap();
        assert_eq!((status.as_str(), ch.as_str(), expires, actor.as_str()), ("pending", channel, None, OWNER_EMAIL));
    }
    assert_eq!(on_hand(&app, &sku), (20, 13), "six pending orders of two, and the earlier one, hold units");
    // Confirmed at once: the stock is taken now.
    let fields = [
        (qty.as_str(), "3"),
        ("phone", "+919876500080"),
        ("name", "Kiran"),
        ("delivery", "pickup"),
        ("payment", "cod"),
        ("channel", "walk_in"),
        ("confirm", "1"),
        ("op", "place"),
    ];
    let res = app.submit(form, form, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(on_hand(&app, &sku), (17, 13));
    // More than there is: refused, nothing placed.
    let before = app.count("SELECT count(*) FROM orders");
    let fields = [
        (qty.as_str(), "50"),
        ("phone", "+919876500081"),
        ("name", "Kiran"),
        ("delivery", "pickup"),
        ("payment", "cod"),
        ("channel", "phone"),
        ("confirm", "1"),
        ("op", "place"),
    ];
    let res = app.submit(form, form, &fields).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Not enough left"));
    let web = [
        (qty.as_str(), "1"),
        ("phone", "+919876500082"),
        ("name", "Kiran"),
        ("delivery", "pickup"),
        ("payment", "cod"),
        ("channel", "web"),
        ("op", "place"),
    ];
    assert_eq!(app.submit(form, form, &web).await.status(), StatusCode::UNPROCESSABLE_ENTITY, "the web places its own");
    assert_eq!(app.count("SELECT count(*) FROM orders"), before);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn times_are_shown_in_the_shops_time_zone_with_the_zone_named() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 5);
    let code = place(&app, &[(&sku, 1)], "+919876500090", "upi").await;
    let profile = |zone: &'static str| vec![("name", "Souk Demo Bazaar"), ("currency", "INR"), ("time_zone", zone)];
    let res = app.submit("/admin/settings", "/admin/settings", &profile("Mars/Olympus")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Mars/Olympus is not a time zone name"));
    assert_eq!(
        app.submit("/admin/settings", "/admin/settings", &profile("Asia/Kolkata")).await.status(),
        StatusCode::SEE_OTHER
    );
    let placed: String =
        app.db().query_row("SELECT created_at FROM orders WHERE code = ?1", [&code], |r| r.get(0)).unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(&placed)
        .unwrap()
        .with_timezone(&chrono::FixedOffset::east_opt(5 * 3600 + 1800).unwrap()); // IST, all year
    let shown = at.format("%-d %b %Y, %H:%M IST").to_string();
    let (_, html) = app.page(&format!("/admin/orders/{code}")).await;
    assert!(html.contains(&shown), "the desk shows {shown}: {html}");
    // The customer's page too (its link comes in a message).
    let res = post_as(&app, &app.client, &code, "whatsapp", &[("template", "order_link")]).await;
    let text = decoded_text(&location(&res));
    let link = text.split_whitespace().find(|w| w.contains("/o/")).unwrap();
    let page = app.get_as(&browser(), &link[link.find("/o/").unwrap()..]).await.text().await.unwrap();
    assert!(page.contains(&shown), "{page}");
}

fn money_of(app: &TestApp, code: &str) -> (i64, i64, i64, i64, String) {
    app.db()
        .query_row(
            "SELECT subtotal, delivery_fee, discount, total, payment_status FROM orders WHERE code = ?1",
            [code],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap()
}

fn line_ids(app: &TestApp, code: &str) -> Vec<(i64, String, i64)> {
    let db = app.db();
    let mut stmt = db
        .prepare("SELECT l.id, l.sku, l.quantity FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.code = ?1 ORDER BY l.id")
        .unwrap();
    stmt.query_map([code], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap().map(|r| r.unwrap()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn before_confirmation_everything_can_change_after_it_only_the_address_and_shipping() {
    let app = desk().await;
    let tote = stock(&app, "canvas-tote", 10);
    let kurta = stock(&app, "chikankari-cotton-kurta", 4);
    let code = place(&app, &[(&tote, 2)], "+919876500100", "upi").await;
    let price = common::shop::price_of(&app, &tote);
    let (_, fee, _, _, _) = money_of(&app, &code);
    let tote_line = line_ids(&app, &code)[0].0.to_string();
    // Pay for two, then make it three and add a kurta: the stock is held again, the money follows.
    let paid = money_text(2 * price + fee);
    post_as(&app, &app.client, &code, "payments", &[("amount", &paid), ("method", "upi")]).await;
    assert_eq!(money_of(&app, &code).4, "paid");
    let res = post_as(
        &app,
        &app.client,
        &code,
        "lines",
        &[(&format!("qty:{tote_line}"), "3"), ("add_sku", &kurta), ("add_qty", "2")],
    )
    .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!((on_hand(&app, &tote), on_hand(&app, &kurta)), ((10, 3), (4, 2)));
    let kurta_price = common::shop::price_of(&app, &kurta);
    let (subtotal, _, _, total, paid_status) = money_of(&app, &code);
    assert_eq!(
        (subtotal, total, paid_status.as_str()),
        (3 * price + 2 * kurta_price, 3 * price + 2 * kurta_price + fee, "partially_paid")
    );
    // More than there is: named, nothing changed.
    let kurta_line = line_ids(&app, &code)[1].0.to_string();
    let res = post_as(&app, &app.client, &code, "lines", &[(&format!("qty:{kurta_line}"), "9")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains(&format!("[{kurta}]: 9 wanted")));
    assert_eq!(on_hand(&app, &kurta), (4, 2), "nothing changed");
    // More than the per-order limit is refused.
    app.db().execute("UPDATE variants SET max_per_order = 2 WHERE sku = ?1", [&kurta]).unwrap();
    let res = post_as(&app, &app.client, &code, "lines", &[(&format!("qty:{kurta_line}"), "3")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(on_hand(&app, &kurta), (4, 2), "nothing changed");
    // Remove the kurta.
    let res = post_as(&app, &app.client, &code, "lines", &[(&format!("qty:{kurta_line}"), "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(on_hand(&app, &kurta), (4, 0));
    // Charges: free delivery and a discount; a discount above the subtotal is refused.
    let res = post_as(&app, &app.client, &code, "charges", &[("delivery_fee", "0"), ("discount", "100")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (subtotal, fee, discount, total, _) = money_of(&app, &code);
    assert_eq!((fee, discount, total), (0, 10_000, subtotal - 10_000));
    let res = post_as(&app, &app.client, &code, "charges", &[("discount", "99999999")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // The customer: a bad number is refused beside its field; a new city is kept.
    let customer = [
        ("name", "Meera I."),
        ("phone", "+919876500100"),
        ("line1", "4 Lake View Road"),
        ("city", "Ajmer"),
        ("country", "IN"),
    ];
    let res =
        post_as(&app, &app.client, &code, "customer", &[("name", "Meera"), ("phone", "12"), ("city", "Ajmer")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(post_as(&app, &app.client, &code, "customer", &customer).await.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&format!("/admin/orders/{code}")).await;
    assert!(
        html.contains("city: Jaipur → Ajmer") && html.contains("Items: 2 × Canvas Tote"),
        "before and after on the timeline"
    );

    // Confirmed: the items are fixed, the address is not; shipping details once shipped.
    step(&app, &code, "pending").await;
    step(&app, &code, "confirmed").await;
    let res = post_as(&app, &app.client, &code, "lines", &[(&format!("qty:{tote_line}"), "1")]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert!(res.text().await.unwrap().contains("The items of a confirmed order cannot change"));
    assert_eq!(
        post_as(&app, &app.client, &code, "charges", &[("delivery_fee", "1")]).await.status(),
        StatusCode::CONFLICT
    );
    let moved = [("name", "Someone Else"), ("phone", "+919800000000"), ("line1", "9 Fort Road"), ("city", "Udaipur")];
    assert_eq!(post_as(&app, &app.client, &code, "customer", &moved).await.status(), StatusCode::SEE_OTHER);
    let (name, city): (String, String) = app
        .db()
        .query_row("SELECT customer_name, city FROM orders WHERE code = ?1", [&code], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    assert_eq!((name.as_str(), city.as_str()), ("Meera I.", "Udaipur"), "only the address changes now");
    assert_eq!(
        post_as(&app, &app.client, &code, "shipping", &[("courier", "DTDC"), ("tracking_number", "X1234")])
            .await
            .status(),
        StatusCode::CONFLICT
    );
    step(&app, &code, "shipped").await;
    assert_eq!(
        post_as(&app, &app.client, &code, "shipping", &[("courier", "DTDC"), ("tracking_number", "x 9999 1")])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );
    let tracking: String =
        app.db().query_row("SELECT tracking_number FROM orders WHERE code = ?1", [&code], |r| r.get(0)).unwrap();
    assert_eq!(tracking, "X99991");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'order.edit_%'"), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn direct_flow_pending_orders_expire_and_doctor_checks_payments_and_commitments() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 10);
    // The direct flow: orders start pending and wait for the seller, here for 2 hours.
    app.db().execute("UPDATE checkout_settings SET flow = 'direct'", []).unwrap();
    let res = app
        .submit(
            "/admin/settings/orders",
            "/admin/settings/orders",
            &[("pending_hours", "2"), ("placements_per_hour", "0")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let waiting = place(&app, &[(&sku, 1)], "+919876500110", "upi").await;
    let taken = place(&app, &[(&sku, 2)], "+919876500111", "upi").await;
    assert_eq!((status(&app, &waiting), status(&app, &taken)), ("pending".into(), "pending".into()));
    step(&app, &taken, "confirmed").await;
    app.state.clock.advance(chrono::Duration::minutes(119));
    let run = || souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "expire_drafts", "manual");
    assert_eq!(run().await.unwrap(), "cancelled 0 expired order(s); 0 custom request(s) expired");
    app.state.clock.advance(chrono::Duration::minutes(2));
    assert_eq!(run().await.unwrap(), "cancelled 1 expired order(s); 0 custom request(s) expired");
    assert_eq!((status(&app, &waiting), status(&app, &taken)), ("cancelled".into(), "confirmed".into()));
    assert_eq!(on_hand(&app, &sku), (8, 0), "the expired order's unit is back on sale; the confirmed two are gone");

    let (code, out) = app.doctor();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("ok      every order's payment status agrees with its payments"), "{out}");
    assert!(out.contains("ok      confirmed orders hold no reservation"), "{out}");
    app.db().execute("UPDATE orders SET payment_status = 'paid' WHERE code = ?1", [&taken]).unwrap();
    let (code, out) = app.doctor();
    assert_eq!(code, 1);
    assert!(out.contains(&format!("disagree with their payment rows, e.g. {taken}")), "{out}");
}

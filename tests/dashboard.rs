//! The dashboard (issue 12): its figures checked against orders placed in the test at moments set
//! by the test clock, on either side of midnight in the shop's time zone.

mod common;

use chrono::{Duration, TimeZone};
use common::shop::stock;
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn place(app: &TestApp, sku: &str, qty: i64, phone: &str) -> (String, i64) {
    let body = json!({
        "items": [{"sku": sku, "quantity": qty}],
        "customer": {"name": "Meera", "phone": phone},
        "delivery": {"method": "standard", "address": {"line1": "4 Lake Road", "city": "Jaipur", "country": "IN"}},
        "payment": {"method": "upi"},
    });
    let res = Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let answer: Value = res.json().await.unwrap();
    (answer["code"].as_str().unwrap().to_string(), answer["total"].as_i64().unwrap())
}

async fn step(app: &TestApp, code: &str, fields: &[(&str, &str)]) {
    let page = format!("/admin/orders/{code}");
    let res = app.submit(&page, &format!("{page}/status"), fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{code} {fields:?}");
}

/// The value shown under a stat's label.
fn stat(html: &str, label: &str) -> String {
    let marker = format!("<span class=\"label\">{label}</span><span class=\"value\">");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {label}")) + marker.len();
    let rest = &html[at..];
    let end = rest.find("</span></div>").unwrap();
    let text = &rest[..end];
    // Without tags (a link inside).
    let mut out = String::new();
    let mut in_tag = false;
    for c in text.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn rupees(minor: i64) -> String {
    let units = minor / 100;
    let s = units.to_string();
    let grouped = if s.len() > 3 {
        let (head, tail) = s.split_at(s.len() - 3);
        let mut h = String::new();
        for (i, c) in head.chars().enumerate() {
            if i > 0 && (head.len() - i) % 2 == 0 {
                h.push(',');
            }
            h.push(c);
        }
        format!("{h},{tail}")
    } else {
        s
    };
    format!("₹{grouped}.{:02}", minor % 100)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_figures_add_up_the_orders_of_each_day_in_the_shops_time_zone() {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let profile = [("name", "Souk Demo Bazaar"), ("currency", "INR"), ("time_zone", "Asia/Kolkata")];
    assert_eq!(app.submit("/admin/settings", "/admin/settings", &profile).await.status(), StatusCode::SEE_OTHER);
    let sku = stock(&app, "canvas-tote", 6);
    // Everything else in plenty, so the low-stock list is the tote's alone.
    app.db().execute("UPDATE variants SET on_hand = 100, reserved = 0 WHERE sku != ?1", [&sku]).unwrap();

    // Ten minutes before the next midnight in India.
    let clock = app.state.clock.clone();
    // India keeps +05:30 all year.
    let tz = chrono::FixedOffset::east_opt(5 * 3600 + 1800).unwrap();
    let local = clock.now().with_timezone(&tz);
    let midnight = tz
        .from_local_datetime(&(local.date_naive() + Duration::days(1)).and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    clock.advance(midnight - clock.now() - Duration::minutes(10));
    let (a, a_total) = place(&app, &sku, 1, "+919800000101").await;
    step(&app, &a, &[("to", "pending")]).await;
    step(&app, &a, &[("to", "confirmed")]).await;

    // Just after midnight: B is confirmed, shipped three hours later; C stays a draft and is cleared.
    clock.advance(Duration::minutes(20));
    let (b, b_total) = place(&app, &sku, 2, "+919800000102").await;
    let (c, _) = place(&app, &sku, 1, "+919800000103").await;
    step(&app, &b, &[("to", "pending")]).await;
    step(&app, &b, &[("to", "confirmed")]).await;
    clock.advance(Duration::hours(3));
    step(&app, &b, &[("to", "shipped"), ("courier", "Delhivery"), ("tracking_number", "DL12345678")]).await;
    let (_, html) = app.page("/admin/orders/clear-drafts?hours=1").await;
    let before = common::shop::hidden(&html, "before");
    let res =
        app.submit("/admin/orders/clear-drafts?hours=1", "/admin/orders/clear-drafts", &[("before", &before)]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count(&format!("SELECT count(*) FROM orders WHERE code = '{c}' AND cancel_reason = 'expired'")), 1);
    app.page("/admin").await; // the flash message

    // Today (in India): B and C only.
    let (status, today) = app.page("/admin?period=today").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(stat(&today, "Orders placed"), "2");
    assert_eq!(stat(&today, "Revenue"), rupees(b_total));
    assert_eq!(stat(&today, "Average order"), rupees(b_total));
    assert_eq!(stat(&today, "Drafts abandoned"), "1");
    assert_eq!(stat(&today, "Completed (delivered ÷ placed)"), "0.0%");
    assert_eq!(stat(&today, "Confirmation to shipping (median)"), "3 h 0 min");
    assert_eq!(stat(&today, "Awaiting payment now"), "0 · ₹0.00");

    // Seven days: A counts on yesterday, B on today, in the chart's table.
    let (_, week) = app.page("/admin?period=7d").await;
    assert_eq!(stat(&week, "Orders placed"), "3");
    assert_eq!(stat(&week, "Revenue"), rupees(a_total + b_total));
    assert_eq!(stat(&week, "Average order"), rupees((a_total + b_total + 1) / 2));
    let today_label = (local.date_naive() + Duration::days(1)).format("%-d %b").to_string();
    let yesterday_label = local.date_naive().format("%-d %b").to_string();
    let row = |label: &str| format!("<tr><th scope=\"row\">{label}</th><td>");
    let value_after = |html: &str, marker: &str| {
        let at = html.find(marker).unwrap_or_else(|| panic!("no {marker}")) + marker.len();
        html[at..at + html[at..].find('<').unwrap()].to_string()
    };
    assert_eq!(value_after(&week, &row(&yesterday_label)), rupees(a_total));
    assert_eq!(value_after(&week, &row(&today_label)), rupees(b_total));
    assert!(week.contains("<svg") && week.contains("role=\"img\""), "the charts are drawn by the server");
    // Orders by status, and the products: the tote sold 3, and 3 are left of the 6.
    assert_eq!(value_after(&week, &row("Shipped")), "1");
    assert_eq!(value_after(&week, &row("Confirmed")), "1");
    assert!(week.contains("Canvas Tote</a></th><td>3</td>"), "top products");
    assert!(week.contains(&format!("<td>{sku}</td><td>3</td>")), "low stock");

    // Thirty days gives the same here; a period it does not know is refused.
    let (_, month) = app.page("/admin?period=30d").await;
    assert_eq!(stat(&month, "Orders placed"), "3");
    assert_eq!(app.get("/admin?period=year").await.status(), StatusCode::BAD_REQUEST);

    // The figures follow the orders at once (the dashboard keeps them only until an order changes).
    place(&app, &sku, 1, "+919800000104").await;
    let (_, week) = app.page("/admin?period=7d").await;
    assert_eq!(stat(&week, "Orders placed"), "4");
    // And the day: a day later, today starts empty.
    clock.advance(Duration::days(1));
    let (_, today) = app.page("/admin?period=today").await;
    assert_eq!(stat(&today, "Orders placed"), "0");
}

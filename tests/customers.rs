//! Customers (issue 12): one per WhatsApp number across name changes, found by name, phone and
//! email, filtered and sorted; their figures from their orders; notes and tags as text; the export
//! for the owner only; `souk doctor` agreeing.

mod common;

use common::shop::stock;
use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn desk() -> TestApp {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    app
}

async fn place(app: &TestApp, sku: &str, qty: i64, phone: &str, name: &str, email: &str, payment: &str) -> String {
    let body = json!({
        "items": [{"sku": sku, "quantity": qty}],
        "customer": {"name": name, "phone": phone, "email": email},
        "delivery": {"method": "standard", "address": {"line1": "4 Lake View Road", "city": "Jaipur",
            "postal_code": "302001", "country": "IN"}},
        "payment": {"method": payment},
    });
    let res = Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap();
    let status = res.status();
    let answer = res.json::<Value>().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    answer["code"].as_str().unwrap().to_string()
}

async fn step(app: &TestApp, code: &str, fields: &[(&str, &str)]) {
    let page = format!("/admin/orders/{code}");
    let res = app.submit(&page, &format!("{page}/status"), fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{code} {fields:?}");
}

fn customer_id(app: &TestApp, phone: &str) -> i64 {
    app.count(&format!("SELECT id FROM customers WHERE phone = '{phone}'"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_customer_per_number_with_figures_from_their_orders() {
    let app = desk().await;
    let sku = stock(&app, "canvas-tote", 50);
    let meera = "+919876543210";
    let first = place(&app, &sku, 2, meera, "Meera Iyer", "meera@example.com", "upi").await;
    let second = place(&app, &sku, 1, "09876 543210", "Meera I.", "", "cod").await;
    let kabir = place(&app, &sku, 1, "+919812345678", "Kabir Rao", "kabir@example.com", "upi").await;
    assert_eq!(app.count("SELECT count(*) FROM customers"), 2);
    let id = customer_id(&app, meera);

    // Meera's first order is delivered, she refuses the second at the door (cash on delivery), and
    // Kabir's is cancelled.
    for to in ["pending", "confirmed"] {
        step(&app, &first, &[("to", to)]).await;
        step(&app, &second, &[("to", to)]).await;
    }
    for code in [&first, &second] {
        step(&app, code, &[("to", "shipped"), ("courier", "Delhivery"), ("tracking_number", "DL123")]).await;
    }
    step(&app, &first, &[("to", "delivered")]).await;
    step(&app, &second, &[("to", "failed_delivery"), ("failed", "refused")]).await;
    step(&app, &kabir, &[("to", "cancelled"), ("reason", "Changed his mind")]).await;

    app.page("/admin/customers").await; // shows the last step's flash message
    let (status, html) = app.page(&format!("/admin/customers/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Meera I."), "the latest name");
    assert!(html.contains("meera@example.com"), "the email an order gave");
    assert!(
        html.contains(&first) && html.contains(&second) && !html.contains(&kabir),
        "{first} {second} {kabir}\n{html}"
    );
    assert!(html.contains("https://wa.me/919876543210"), "one-tap WhatsApp");
    let figures: (i64, i64, i64) = app
        .db()
        .query_row("SELECT order_count, lifetime_value, open_orders FROM customers WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    let first_total = app.count(&format!("SELECT total FROM orders WHERE code = '{first}'"));
    // Both orders count; only the delivered one is value; the failed delivery is still open.
    assert_eq!(figures, (2, first_total, 1));
    let dd = |label: &str| {
        let at = html.find(&format!("<dt>{label}</dt><dd>")).unwrap_or_else(|| panic!("{label}")) + label.len() + 13;
        html[at..at + html[at..].find('<').unwrap()].to_string()
    };
    assert_eq!(dd("Delivered"), "1");
    assert_eq!(dd("Delivery failed"), "1");
    assert_eq!(dd("Refused cash on delivery"), "1");
    assert_eq!(dd("Cancelled"), "0");

    // The order page links to the customer.
    let (_, order_page) = app.page(&format!("/admin/orders/{second}")).await;
    assert!(order_page.contains(&format!("/admin/customers/{id}")));

    // Search by part of a name, a local phone number, part of an email; filters and sorts.
    let listed = |html: &str| {
        let mut ids: Vec<i64> = html
            .match_indices("href=\"/admin/customers/")
            .filter_map(|(at, m)| html[at + m.len()..].split('"').next()?.parse().ok())
            .collect();
        ids.dedup();
        ids
    };
    let kid = customer_id(&app, "+919812345678");
    for (query, want) in [
        ("q=meera", vec![id]),
        ("q=98123%2045678", vec![kid]),
        ("q=kabir%40exa", vec![kid]),
        ("open=1", vec![id]),
        ("sort=value", vec![id, kid]),
        ("sort=orders", vec![id, kid]),
        ("", vec![kid, id]),
    ] {
        let (status, html) = app.page(&format!("/admin/customers?{query}")).await;
        assert_eq!(status, StatusCode::OK, "{query}");
        assert_eq!(listed(&html), want, "{query}");
    }
    assert_eq!(app.get("/admin/customers?sort=price").await.status(), StatusCode::BAD_REQUEST);

    // Notes and tags are kept as text and shown escaped; a tag filters the list.
    let page = format!("/admin/customers/{id}");
    let res = app.submit(&page, &format!("{page}/note"), &[("note", "<b>Prefers</b> evening delivery")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app.submit(&page, &format!("{page}/tags"), &[("tags", "vip, <script>x</script>")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&page).await;
    assert!(html.contains("&lt;b&gt;Prefers&lt;/b&gt; evening delivery") && !html.contains("<b>Prefers"));
    assert!(html.contains("&lt;script&gt;") && !html.contains("<script>x"));
    let (_, html) = app.page("/admin/customers?tag=vip").await;
    assert_eq!(listed(&html), vec![id]);
    let res = app.submit(&page, &format!("{page}/note"), &[("note", &"x".repeat(2001))]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action IN ('customer.note', 'customer.tags')"), 2);

    // The owner downloads every customer; the phone number cannot run as a formula.
    let res = app.get("/admin/customers.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.bytes().await.unwrap();
    let mut r = csv::Reader::from_reader(&body[..]);
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header[..3], ["phone", "name", "email"]);
    let rows: Vec<Vec<String>> = r.records().map(|x| x.unwrap().iter().map(str::to_string).collect()).collect();
    assert_eq!(rows.len(), 2);
    let row = rows.iter().find(|r| r[0] == format!("'{meera}")).expect("the phone, neutralised");
    assert_eq!(row[3], "2");
    assert_eq!(row[9], "<b>Prefers</b> evening delivery");

    // Staff see customers but not the export.
    let staff = app.staff().await;
    assert_eq!(app.get_as(&staff, "/admin/customers").await.status(), StatusCode::OK);
    assert_eq!(app.get_as(&staff, &page).await.status(), StatusCode::OK);
    assert_eq!(app.get_as(&staff, "/admin/customers.csv").await.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'customers.export'"), 1);

    let (code, out) = app.doctor();
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("every order belongs to the customer of its number"), "{out}");
}

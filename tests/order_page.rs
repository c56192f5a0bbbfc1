//! What a guest's order page and the order API show: the lines as bought, how to pay for each kind
//! of payment, and the page for a link that does not work (issue 4).

mod common;

use std::io::Cursor;

use common::shop::*;
use common::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use souk::domain::checkout::{PaymentKind, PaymentMethod};

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 200) as u8, (y % 200) as u8, 90]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// Places an order through the API; returns its answer (code, totals, tracking_url, …).
async fn place(app: &TestApp, body: Value) -> Value {
    let res = app.client.post(app.url("/api/v1/orders")).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    res.json().await.unwrap()
}

fn path_of(app: &TestApp, url: &Value) -> String {
    url.as_str().unwrap().strip_prefix(&app.base).unwrap().to_string()
}

/// The owner's form for a new throw (five in stock), with its one variant as given.
fn throw_form<'a>(title: &'a str, size: &'a str, sku: &'a str, price: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("status", "active"),
        ("option1", "Size"),
        ("v0_o1", size),
        ("v0_sku", sku),
        ("v0_price", price),
        ("v0_track", "1"),
        ("v0_stock", "5"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_shows_what_was_bought_after_the_catalogue_changes() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    souk::demo::checkout_methods(&app.db()).unwrap();
    let res = app
        .submit("/admin/products/new", "/admin/products/new", &throw_form("Kantha Throw", "M", "KT-M", "2499"))
        .await;
    let product = location(&res);
    let html = app.page(&product).await.1;
    let form = Form::new()
        .text("csrf", csrf_from(&html).unwrap())
        .text("alt", "Kantha throw, folded")
        .part("photos", Part::bytes(png(400, 500)).file_name("front.png"))
        .part("photos", Part::bytes(png(420, 500)).file_name("back.png"));
    let res = app.client.post(app.url(&format!("{product}/images"))).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let photos = app.ints("SELECT id FROM images ORDER BY position");

    let placed = place(
        &app,
        json!({
            "items": [{"sku": "KT-M", "quantity": 2}],
            "customer": {"name": "Ravi", "phone": "+919900000001"},
            "delivery": {"method": "pickup"},
            "payment": {"method": "cod"}
        }),
    )
    .await;
    let (code, link) = (placed["code"].as_str().unwrap().to_string(), path_of(&app, &placed["tracking_url"]));
    let token = link.split("t=").nth(1).unwrap().to_string();
    let html = app.page(&link).await.1;
    // Beside the line's title the photo is decorative: an empty alt, so it is not read twice.
    let thumb = format!("<img class=\"thumb\" src=\"/img/{}/320\" alt=\"\"", photos[0]);
    assert!(html.contains(&thumb), "a small photo beside each line: {html}");

    // The owner renames the product, re-sizes and re-prices the variant, and deletes both photos.
    let vid = app.ints("SELECT id FROM variants")[0].to_string();
    let mut edit = throw_form("Kantha Throw, Rust", "Medium", "KT-MED", "2999");
    edit.retain(|(k, _)| *k != "v0_stock");
    edit.push(("v0_id", &vid));
    let res = app.submit(&product, &product, &edit).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    for id in &photos {
        let res = app.submit(&product, &format!("{product}/images/{id}"), &[("alt", ""), ("delete", "1")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let slug: String = app.db().query_row("SELECT slug FROM products", [], |r| r.get(0)).unwrap();
    let (_, shown) = app.page(&format!("/p/{slug}")).await;
    assert!(shown.contains("Kantha Throw, Rust") && shown.contains("KT-MED"), "the catalogue did change");
    assert!(!shown.contains(&format!("/img/{}/", photos[0])), "the deleted photo is gone from the product");
    let api_product: Value = app.get(&format!("/api/v1/products/{slug}")).await.json().await.unwrap();
    assert_eq!(api_product["images"], json!([]));
    assert_eq!(app.count("SELECT count(*) FROM products WHERE image_id IS NULL"), 1, "and from its card");
    assert!(souk::db::catalog::card_mismatches(&app.db()).unwrap().is_empty());
    assert_eq!(app.ints("SELECT id FROM images"), [photos[0]], "the photo no order shows is deleted for good");

    // The order page still shows the title, size, SKU, unit price and photo it was placed with.
    let res = app.get(&link).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let line_total = souk::domain::money::format(2 * 249_900, "USD", 2);
    assert!(html.contains("2 × Kantha Throw (M)") && html.contains("SKU KT-M<"), "{html}");
    assert!(html.contains(&line_total) && !html.contains("Rust") && !html.contains("KT-MED"), "{html}");
    assert!(html.contains(&thumb), "{html}");
    let img = app.get(&format!("/img/{}/320", photos[0])).await;
    assert_eq!(img.status(), StatusCode::OK);
    assert_eq!(img.headers()["content-type"], "image/webp");

    // So does the API.
    let res = app.client.get(app.url(&format!("/api/v1/orders/{code}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let order: Value = res.json().await.unwrap();
    let item = &order["items"][0];
    assert_eq!(
        (&item["title"], &item["options"], &item["sku"], &item["unit_price"], &item["line_total"]),
        (&json!("Kantha Throw"), &json!("M"), &json!("KT-M"), &json!(249_900), &json!(499_800)),
        "{order}"
    );
    assert_eq!(item["image"], json!(app.url(&format!("/img/{}/640", photos[0]))), "{order}");
}

/// The demo's payment methods plus a crypto wallet and the seller's own kind.
async fn shop_with_every_payment_kind() -> TestApp {
    let app = TestApp::spawn_demo().await;
    let method = |code: &str, kind, name: &str, instructions: &str, account: &str, network: &str| PaymentMethod {
        id: 0,
        code: code.into(),
        kind,
        name: name.into(),
        instructions: instructions.into(),
        account: account.into(),
        network: network.into(),
        explorer_url: String::new(),
    };
    let db = app.db();
    let btc = method("btc", PaymentKind::Crypto, "Bitcoin", "", "bc1qexampleaddress0000", "bitcoin");
    souk::db::checkout::insert_payment(&db, &btc, 3).unwrap();
    let paypal =
        method("paypal", PaymentKind::Other, "PayPal", "Send it to pay@example.com as friends and family.", "", "");
    souk::db::checkout::insert_payment(&db, &paypal, 4).unwrap();
    app
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_way_to_pay_tells_the_customer_exactly_what_to_do() {
    let app = shop_with_every_payment_kind().await;
    let sku = stock(&app, "canvas-tote", 20);
    let (mut pages, mut links) = (std::collections::HashMap::new(), std::collections::HashMap::new());
    for (i, payment) in ["bank", "cod", "upi", "btc", "paypal"].into_iter().enumerate() {
        let placed = place(
            &app,
            json!({
                "items": [{"sku": sku, "quantity": 1 + i}],
                "customer": {"name": "Ravi", "phone": format!("+91990000000{i}")},
                "delivery": {"method": "pickup"},
                "payment": {"method": payment}
            }),
        )
        .await;
        let (code, total) = (placed["code"].as_str().unwrap().to_string(), placed["total"].as_i64().unwrap());
        let link = path_of(&app, &placed["tracking_url"]);
        let (status, html) = app.page(&link).await;
        assert_eq!(status, StatusCode::OK);
        pages.insert(payment, (code, total, html));
        links.insert(payment, link);
    }
    let inr = |minor: i64| souk::domain::money::format(minor, "INR", 2);
    let qr = "<div class=\"qr\" role=\"img\" aria-label=\"QR code to pay\"><svg";

    let (code, total, html) = &pages["bank"];
    assert!(html.contains("account 000111222333, IFSC DEMO0000001"), "the seller's bank details: {html}");
    assert!(html.contains(&format!("Pay <strong>{}</strong> and mention <strong>{code}</strong>", inr(*total))));

    let (_, total, html) = &pages["cod"];
    assert!(html.contains(&format!("Pay <strong>{}</strong> when your order arrives.", inr(*total))), "{html}");
    assert!(!html.contains(qr), "nothing to scan for cash");

    let (code, total, html) = &pages["upi"];
    let upi = href(html, "upi://pay?").expect("an Open in a UPI app link");
    let query: std::collections::HashMap<String, String> =
        reqwest::Url::parse(&upi).unwrap().query_pairs().into_owned().collect();
    assert_eq!(query["pa"], "soukdemo@upi");
    assert_eq!(query["am"], souk::domain::money::decimal(*total, 2), "the exact amount: {upi}");
    assert_eq!(query["tn"], *code, "the order code as the note");
    assert_eq!(query["cu"], "INR");
    assert!(html.contains(qr), "and the same as a QR code");

    let (code, total, html) = &pages["btc"];
    assert!(html.contains(qr), "{html}");
    assert!(html.contains(&format!("bitcoin:bc1qexampleaddress0000?message={code}")), "the wallet URI: {html}");
    assert!(html.contains(&format!("<strong>{}</strong> worth", souk::domain::money::decimal(*total, 2))));
    assert!(html.contains(&format!("with the memo <strong>{code}</strong>")));

    let (code, _, html) = &pages["paypal"];
    assert!(html.contains("Send it to pay@example.com as friends and family."), "{html}");
    assert!(html.contains(&format!("and mention <strong>{code}</strong>")) && !html.contains(qr));

    // Once paid, the page says so and stops asking.
    app.db().execute("UPDATE orders SET payment_status = 'paid' WHERE payment_code = 'upi'", []).unwrap();
    let html = app.page(&links["upi"]).await.1;
    assert!(html.contains("Paid. Thank you!") && !html.contains("upi://") && !html.contains(qr), "{html}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dead_link_still_leads_somewhere_when_the_shop_has_no_contact() {
    let app = TestApp::spawn().await;
    let res = app.get(&format!("/o/ORD-1001?t={}", "0".repeat(64))).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    assert!(html.contains("This link is not valid") && !html.contains("Ask the shop for a new link"), "{html}");
    assert!(html.contains("Ask the shop where you ordered for a new link"), "{html}");
    assert!(html.contains("<a class=\"button\" href=\"/\">Back to the shop</a>"), "{html}");
    // With a WhatsApp number, the way to ask comes first, and the way back stays.
    let mut shop = app.state.shop();
    shop.whatsapp_number = "+919876543210".into();
    app.state.set_shop(shop);
    let html = app.get(&format!("/o/ORD-1001?t={}", "0".repeat(64))).await.text().await.unwrap();
    let ask = html.find("https://wa.me/919876543210?text=").expect("a WhatsApp button");
    assert!(ask < html.find("Back to the shop</a>").unwrap());
}

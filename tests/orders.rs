//! Cart, checkout and guest order pages (issue 4), spoken to over HTTP like a phone browser would.

mod common;

use common::shop::{add, hidden, shown_again, stock};
use common::*;
use reqwest::{Client, StatusCode};

const CUSTOMER: &[(&str, &str)] = &[
    ("name", "Asha <script>alert(1)</script>"),
    ("phone", "099887 76655"),
    ("email", "asha@example.com"),
    ("delivery", "standard"),
    ("line1", "12 Hawa Mahal Road"),
    ("city", "Jaipur"),
    ("region", "Rajasthan"),
    ("postal_code", "302002"),
    ("payment", "upi"),
    ("note", "Please gift wrap"),
];

/// Opens the checkout like a browser and posts it with `fields` (and the page's CSRF token and key).
async fn checkout(app: &TestApp, client: &Client, fields: &[(&str, &str)]) -> (reqwest::Response, String) {
    let html = app.get_as(client, "/checkout").await.text().await.unwrap();
    let (csrf, key) = (csrf_from(&html).expect("a checkout form"), hidden(&html, "key"));
    let mut all = vec![("csrf", csrf.as_str()), ("key", key.as_str())];
    all.extend_from_slice(fields);
    (client.post(app.url("/checkout")).form(&all).send().await.unwrap(), key)
}

async fn demo() -> TestApp {
    let app = TestApp::spawn_demo().await;
    app.db().execute("UPDATE shop_settings SET contact_email = 'shop@example.com'", []).unwrap();
    // The in-memory profile is loaded at start.
    let config = app.config.clone();
    TestApp::spawn_in(app.stop().await, config).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_orders_from_a_phone_and_hands_the_order_to_whatsapp() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 5);
    app.db().execute("UPDATE delivery_methods SET free_over = NULL", []).unwrap();
    let price: i64 = app.db().query_row("SELECT price FROM variants WHERE sku = ?1", [&sku], |r| r.get(0)).unwrap();
    let shopper = browser();

    // The product page has a plain form; adding takes the shopper to the cart.
    let page = app.get_as(&shopper, "/p/canvas-tote").await.text().await.unwrap();
    assert!(page.contains("action=\"/cart/add\"") && page.contains("Add to cart"));
    let res = add(&app, &shopper, &sku, "2").await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/cart");
    let cart = set_cookie(&res, "souk_cart").expect("a cart cookie");
    assert!(cart.contains("HttpOnly") && cart.contains("SameSite=Lax") && cart.contains("Max-Age=2592000"), "{cart}");
    let html = app.get_as(&shopper, "/cart").await.text().await.unwrap();
    assert!(html.contains("Canvas Tote") && html.contains("value=\"2\""), "{html}");
    // Every storefront page now shows the cart, and is no longer for shared caches.
    let home = app.get_as(&shopper, "/").await;
    assert!(home.headers()["cache-control"].to_str().unwrap().starts_with("private"));
    assert!(home.text().await.unwrap().contains("<span class=\"count\">2</span>"));

    // Missing and bad fields: the form again (by GET, issue 11), each message beside its field,
    // nothing stored.
    let (res, _) = checkout(&app, &shopper, &[("phone", "12"), ("delivery", "standard"), ("payment", "upi")]).await;
    let html = shown_again(&app, &shopper, res).await;
    assert!(
        html.contains("Enter your name.") && html.contains("like +91") && html.contains("Enter the street address")
    );
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0);
    let long = "x".repeat(10_000);
    let mut too_long = CUSTOMER.to_vec();
    too_long.push(("line2", long.as_str()));
    let (res, _) = checkout(&app, &shopper, &too_long).await;
    assert!(shown_again(&app, &shopper, res).await.contains("at most 200 characters"));
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0);

    // A price sent by the client is ignored: totals come from the catalogue.
    let mut fields = CUSTOMER.to_vec();
    fields.push(("price", "1"));
    fields.push(("total", "1"));
    let (res, _) = checkout(&app, &shopper, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    let to = location(&res);
    assert!(to.starts_with("/o/ORD-1001?t="), "{to}");
    let token = to.split("t=").nth(1).unwrap().to_string();
    assert_eq!(token.len(), 64, "256 random bits");
    let (subtotal, fee, total, status, phone): (i64, i64, i64, String, String) = app
        .db()
        .query_row("SELECT subtotal, delivery_fee, total, status, customer_phone FROM orders", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap();
    assert_eq!((subtotal, fee, total), (2 * price, 4900, 2 * price + 4900), "Jaipur is the same-city zone");
    assert_eq!((status.as_str(), phone.as_str()), ("draft", "+919988776655"), "E.164 with the shop's country code");
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 2, "stock reserved");
    assert_eq!(app.count("SELECT count(*) FROM cart_lines"), 0, "the cart is emptied");
    assert_eq!(app.count("SELECT count(*) FROM order_tokens WHERE length(token_hash) = 32"), 1, "stored hashed");
    assert_eq!(app.count(&format!("SELECT count(*) FROM order_tokens WHERE hex(token_hash) LIKE '%{token}%'")), 0);

    // The order page: status, items, totals, payment QR, and the WhatsApp hand-off without personal data.
    let res = app.get_as(&shopper, &to).await;
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    let html = res.text().await.unwrap();
    assert!(html.contains("Thank you! Your order ORD-1001 is placed."));
    assert!(html.contains("Asha &lt;script&gt;") && !html.contains("<script>alert"), "names are shown escaped");
    assert!(html.contains("<svg") && html.contains("soukdemo@upi"), "a UPI QR code");
    let at = html.find("https://wa.me/919876543210?text=").expect("a WhatsApp button");
    let href = &html[at..at + html[at..].find('"').unwrap()];
    assert!(href.contains("ORD-1001") && href.contains(&sku), "{href}");
    let text = href.split("text=").nth(1).unwrap();
    for private in ["Asha", "asha%40example", "Hawa", "302002", "99887", "gift"] {
        assert!(!text.contains(private), "{private} must not travel in the WhatsApp link: {href}");
    }
    // Later catalogue edits never change the order.
    app.db().execute("UPDATE products SET title = 'Renamed' WHERE slug = 'canvas-tote'", []).unwrap();
    assert!(app.get_as(&shopper, &to).await.text().await.unwrap().contains("Canvas Tote"));

    // The shop hears of it, and so does the customer (with the link, marked to be wiped once sent).
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'seller_new_order' AND to_addr = 'shop@example.com'"),
        1
    );
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'order_received' AND sensitive = 1"), 1);
    // The seller's notice takes them to the order at the desk (issue 11).
    let notice: String =
        app.db().query_row("SELECT body_text FROM outbox WHERE kind = 'seller_new_order'", [], |r| r.get(0)).unwrap();
    assert!(notice.contains("/admin/orders/ORD-1001") && notice.contains("WhatsApp received"), "{notice}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_double_tap_or_a_repeat_gives_back_the_same_order() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 5);
    let shopper = browser();
    add(&app, &shopper, &sku, "1").await;
    let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
    let (csrf, key) = (csrf_from(&html).unwrap(), hidden(&html, "key"));
    let mut fields = vec![("csrf", csrf.as_str()), ("key", key.as_str())];
    fields.extend_from_slice(CUSTOMER);
    let first = shopper.post(app.url("/checkout")).form(&fields).send().await.unwrap();
    let again = shopper.post(app.url("/checkout")).form(&fields).send().await.unwrap();
    assert_eq!(first.status(), StatusCode::SEE_OTHER);
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    let code = |r: &reqwest::Response| location(r).split('?').next().unwrap().to_string();
    assert_eq!(location(&first), location(&again), "the same order, and the same link to it");
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);
    assert_eq!(app.get_as(&shopper, &location(&again)).await.status(), StatusCode::OK);
    // The key sent again from another cart (a copied page): refused, with that cart's form to go on.
    let stranger = browser();
    add(&app, &stranger, &sku, "2").await;
    let their_csrf = csrf_from(&app.get_as(&stranger, "/checkout").await.text().await.unwrap()).unwrap();
    let mut copied = vec![("csrf", their_csrf.as_str()), ("key", key.as_str())];
    copied.extend_from_slice(CUSTOMER);
    let res = stranger.post(app.url("/checkout")).form(&copied).send().await.unwrap();
    let html = shown_again(&app, &stranger, res).await;
    assert!(html.contains("This form was already used"), "{html}");
    let fresh = hidden(&html, "key");
    assert_ne!(fresh, key);
    assert!(html.contains("Canvas Tote") && html.contains("Place order"), "the cart and its form: {html}");
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);

    // The same phone ordering the same items again within minutes, from a new cart: the first
    // order, named with its WhatsApp hand-off, but not opened (that takes its link).
    let other = browser();
    add(&app, &other, &sku, "1").await;
    let (res, _) = checkout(&app, &other, CUSTOMER).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let first_code = code(&first).trim_start_matches("/o/").to_string();
    assert!(html.contains("already placed") && html.contains(&first_code), "{html}");
    assert!(html.contains("https://wa.me/"), "the hand-off is offered");
    assert!(
        !html.contains("?t=") && !html.contains("Hawa Mahal") && !html.contains("asha@"),
        "no link, no personal data: {html}"
    );
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);
    assert_eq!(
        app.count("SELECT count(*) FROM cart_lines WHERE quantity = 1"),
        0,
        "the repeated cart is emptied (the stranger's two are kept)"
    );
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 1, "reserved once");
    // Once the window has passed, the same items from the same phone are a new order.
    app.db().execute("UPDATE orders SET created_at = '2000-01-01T00:00:00.000Z'", []).unwrap();
    let later = browser();
    add(&app, &later, &sku, "1").await;
    let (res, _) = checkout(&app, &later, CUSTOMER).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM orders"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checkout_asks_only_for_what_the_shop_needs() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 5);
    let shopper = browser();
    add(&app, &shopper, &sku, "1").await;
    let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
    assert!(html.contains("Delivery address") && html.contains("Email (optional)"), "{html}");
    // Pickup only, and an email asked of everyone.
    app.db().execute("UPDATE delivery_methods SET active = 0 WHERE kind != 'pickup'", []).unwrap();
    app.db().execute("UPDATE checkout_settings SET require_email = 1", []).unwrap();
    let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
    assert!(!html.contains("Delivery address") && !html.contains("name=\"line1\""), "no address to ask: {html}");
    assert!(!html.contains("Email (optional)") && html.contains(">Email<"), "{html}");
    let fields: Vec<(&str, &str)> = CUSTOMER
        .iter()
        .copied()
        .filter(|(k, _)| !["email", "delivery", "line1", "city", "region", "postal_code"].contains(k))
        .chain([("delivery", "pickup")])
        .collect();
    let (res, _) = checkout(&app, &shopper, &fields).await;
    let html = shown_again(&app, &shopper, res).await;
    assert!(html.contains("id=\"f-email-error\""), "the message is beside the email field");
    let mut fields = fields;
    fields.push(("email", "asha@example.com"));
    let (res, _) = checkout(&app, &shopper, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
}

/// Issue 11 (regression): the phone field's hint says a local number gets the shop's country code,
/// and so does the message for a number that cannot be read (it asked for a country code), and a
/// local number is indeed accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_phone_message_says_what_the_field_accepts() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 5);
    let shopper = browser();
    add(&app, &shopper, &sku, "1").await;
    let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
    assert!(html.contains("without a country code we add +91"), "the hint: {html}");
    let with_phone = |phone: &'static str| -> Vec<(&str, &str)> {
        CUSTOMER.iter().copied().filter(|(k, _)| *k != "phone").chain([("phone", phone)]).collect()
    };
    // One digit short.
    let (res, _) = checkout(&app, &shopper, &with_phone("98765 4321")).await;
    let html = shown_again(&app, &shopper, res).await;
    let at = html.find("id=\"f-phone-error\"").expect("a message beside the phone field");
    let message = &html[at..at + html[at..].find("</").unwrap()];
    assert!(message.contains("without a country code we add +91"), "{message}");
    assert!(!message.contains("with its country code"), "a local number is not refused: {message}");
    let (res, _) = checkout(&app, &shopper, &with_phone("98765 43210")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "a local number is accepted");
    let phone: String = app.db().query_row("SELECT customer_phone FROM orders", [], |r| r.get(0)).unwrap();
    assert_eq!(phone, "+919876543210");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_shoppers_race_for_the_last_unit_and_exactly_one_gets_it() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 1);
    // Each shopper fills a cart and opens the checkout while the unit is still there.
    let mut ready = Vec::new();
    for i in 0..50 {
        let shopper = browser();
        assert_eq!(add(&app, &shopper, &sku, "1").await.status(), StatusCode::SEE_OTHER);
        let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
        let (csrf, key) = (csrf_from(&html).unwrap(), hidden(&html, "key"));
        ready.push((shopper, csrf, key, format!("+9198765{i:05}")));
    }
    let url = app.url("/checkout");
    let tasks: Vec<_> = ready
        .into_iter()
        .map(|(shopper, csrf, key, phone)| {
            let url = url.clone();
            tokio::spawn(async move {
                let mut fields: Vec<(&str, &str)> = CUSTOMER.iter().copied().filter(|(k, _)| *k != "phone").collect();
                fields.extend([("csrf", csrf.as_str()), ("key", key.as_str()), ("phone", phone.as_str())]);
                let res = shopper.post(&url).form(&fields).send().await.unwrap();
                let status = res.status();
                // Refused: the form again by GET (issue 11), which says why.
                if status == StatusCode::SEE_OTHER && location(&res) == "/checkout" {
                    let again = shopper.get(url.as_str()).send().await.unwrap();
                    return (StatusCode::CONFLICT, again.text().await.unwrap());
                }
                (status, res.text().await.unwrap())
            })
        })
        .collect();
    let mut placed = 0;
    let mut sold_out = 0;
    for t in tasks {
        let (status, body) = t.await.unwrap();
        match status {
            StatusCode::SEE_OTHER => placed += 1,
            StatusCode::CONFLICT if body.contains("sold out") || body.contains("Sold out") => sold_out += 1,
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!((placed, sold_out), (1, 49));
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);
    assert_eq!(app.count(&format!("SELECT on_hand - reserved FROM variants WHERE sku = '{sku}'")), 0, "never oversold");
    assert!(souk::db::orders::reservation_mismatches(&app.db()).unwrap().is_empty(), "doctor agrees");
    app.db().execute("UPDATE variants SET reserved = reserved + 1 WHERE sku = ?1", [&sku]).unwrap();
    assert_eq!(souk::db::orders::reservation_mismatches(&app.db()).unwrap().len(), 1, "and sees a drift");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_says_what_changed_before_anything_is_charged() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 5);
    let shopper = browser();
    add(&app, &shopper, &sku, "4").await;
    app.db().execute("UPDATE variants SET price = price + 10000 WHERE sku = ?1", [&sku]).unwrap();
    stock(&app, "canvas-tote", 2);
    let html = app.get_as(&shopper, "/cart").await.text().await.unwrap();
    assert!(html.contains("Only 2 of Canvas Tote"), "{html}");
    assert!(html.contains("The price of Canvas Tote"), "a cut quantity does not hide a new price: {html}");
    assert!(html.contains("value=\"2\""));
    assert_eq!(app.count("SELECT quantity FROM cart_lines"), 2, "what changed is stored");
    let html = app.get_as(&shopper, "/cart").await.text().await.unwrap();
    assert!(!html.contains("Only 2 of Canvas Tote"), "and said once");
    // Sold out while at the checkout: the order is not placed, and the shopper is told.
    let page = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
    let (csrf, key) = (csrf_from(&page).unwrap(), hidden(&page, "key"));
    stock(&app, "canvas-tote", 0);
    let mut fields = vec![("csrf", csrf.as_str()), ("key", key.as_str())];
    fields.extend_from_slice(CUSTOMER);
    let res = shopper.post(app.url("/checkout")).form(&fields).send().await.unwrap();
    let html = shown_again(&app, &shopper, res).await;
    assert!(html.contains("sold out and was removed.") && !html.contains("Place order"), "{html}");
    let html = app.get_as(&shopper, "/cart").await.text().await.unwrap();
    assert!(html.contains("Your cart is empty."));
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0);
    // Adding a sold-out variant says so on the product page.
    let res = add(&app, &shopper, &sku, "1").await;
    assert!(location(&res).starts_with("/p/canvas-tote"));
    assert!(app.get_as(&shopper, &location(&res)).await.text().await.unwrap().contains("sold out"));
    // A newcomer trying the same gets no cart (nor a cookie for one).
    let carts = app.count("SELECT count(*) FROM carts");
    let res = add(&app, &browser(), &sku, "1").await;
    assert!(set_cookie(&res, "souk_cart").is_none());
    assert_eq!(app.count("SELECT count(*) FROM carts"), carts);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_magic_link_works_only_for_its_order_until_it_expires_or_is_revoked() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 9);
    let mut links = Vec::new();
    for phone in ["+919876500001", "+919876500002"] {
        let shopper = browser();
        add(&app, &shopper, &sku, "1").await;
        let mut fields: Vec<(&str, &str)> = CUSTOMER.iter().copied().filter(|(k, _)| *k != "phone").collect();
        fields.push(("phone", phone));
        let (res, _) = checkout(&app, &shopper, &fields).await;
        links.push(location(&res));
    }
    let anyone = browser();
    let token_of = |l: &str| l.split("t=").nth(1).unwrap().to_string();
    assert_eq!(app.get_as(&anyone, &links[0]).await.status(), StatusCode::OK, "the link alone opens the order");
    let invalid = |path: String| {
        let c = anyone.clone();
        let url = app.url(&path);
        async move {
            let res = c.get(url).send().await.unwrap();
            let status = res.status();
            let body = res.text().await.unwrap();
            assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
            assert!(body.contains("This link is not valid") && body.contains("Ask the shop for a new link"), "{path}");
            assert!(!body.contains("Canvas Tote"), "nothing about the order shows");
            body
        }
    };
    let other = invalid(format!("/o/ORD-1001?t={}", token_of(&links[1]))).await;
    let wrong = invalid(format!("/o/ORD-1001?t={}", "0".repeat(64))).await;
    let missing = invalid(format!("/o/ORD-9999?t={}", token_of(&links[0]))).await;
    assert_eq!(other.replace("ORD-9999", "ORD-1001"), wrong.replace("ORD-9999", "ORD-1001"));
    assert_eq!(missing.replace("ORD-9999", "ORD-1001"), wrong, "an order that does not exist looks the same");
    // A link cut short or doubled in a chat: the same page, not a bare error.
    for mangled in ["/o/ORD-1001?t=a&t=b", "/o/ORD-1001?t=%zz", "/o/ORD-1001"] {
        assert_eq!(invalid(mangled.to_string()).await, wrong, "{mangled}");
    }
    // Codes are looked up in any case.
    assert_eq!(app.get_as(&anyone, &links[0].replace("ORD-", "ord-")).await.status(), StatusCode::OK);
    app.db().execute("UPDATE order_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE order_id = 1", []).unwrap();
    invalid(links[0].clone()).await;
    app.db().execute("UPDATE order_tokens SET revoked_at = '2026-01-01T00:00:00.000Z' WHERE order_id = 2", []).unwrap();
    invalid(links[1].clone()).await;
    // The hourly purge forgets dead links, and one-time keys once a day has passed.
    app.db()
        .execute("UPDATE idempotency_keys SET created_at = '2000-01-01T00:00:00.000Z' WHERE order_id = 1", [])
        .unwrap();
    let msg = souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "purge", "manual").await.unwrap();
    assert!(msg.contains("1 order keys, 2 order links"), "{msg}");
    assert_eq!(app.count("SELECT count(*) FROM order_tokens"), 0);
    assert_eq!(app.count("SELECT count(*) FROM idempotency_keys"), 1);
}

/// Issue 11 (regression): a customer's "Cancel this order" no longer cancels on one tap, and the
/// seller hears of it. The tap opens a page that asks ("Cancel order ORD-1001? Its items go back
/// on sale") with a confirm button and a "Keep my order" link; nothing is cancelled until it is
/// confirmed. Confirmed: the stock comes back, the timeline says the customer cancelled it, and
/// the seller's email (with the order code, without the customer's address) is queued in the same
/// transaction.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_cancels_an_unconfirmed_order_after_confirming_and_the_seller_is_told() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 2);
    // Its only variant with stock: the order takes the product's last units.
    app.db()
        .execute(
            "UPDATE variants SET on_hand = 0, track_stock = 1, allow_backorder = 0 WHERE sku != ?1
               AND product_id = (SELECT product_id FROM variants WHERE sku = ?1)",
            [&sku],
        )
        .unwrap();
    let shown = || async { app.get("/p/canvas-tote").await.text().await.unwrap() };
    assert!(shown().await.contains("Only 2 left"), "the page is kept in the cache from here");
    let shopper = browser();
    add(&app, &shopper, &sku, "2").await;
    let (res, _) = checkout(&app, &shopper, CUSTOMER).await;
    let link = location(&res);
    let token = link.split("t=").nth(1).unwrap().to_string();
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 2);
    assert_eq!(app.count("SELECT sold_out FROM products WHERE slug = 'canvas-tote'"), 1, "the card says sold out");
    let page = shown().await;
    assert!(page.contains("Sold out") && !page.contains("Only 2 left"), "and so does the page");
    let mails = app.count("SELECT count(*) FROM outbox");

    // One tap on "Cancel this order" (a link) asks first; nothing is cancelled.
    let page = app.get_as(&shopper, &link).await.text().await.unwrap();
    let ask = format!("/o/ORD-1001/cancel?t={token}");
    assert!(page.contains(&format!("href=\"{ask}\"")) && page.contains("Cancel this order"), "{page}");
    let res = app.get_as(&shopper, &ask).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    assert_eq!(res.headers()["referrer-policy"], "no-referrer");
    let confirm = res.text().await.unwrap();
    assert!(confirm.contains("Cancel order ORD-1001?") && confirm.contains("Its items go back on sale"), "{confirm}");
    assert!(confirm.contains(&format!("href=\"/o/ORD-1001?t={token}\">Keep my order</a>")), "{confirm}");
    assert!(confirm.contains("name=\"confirm\" value=\"1\""));
    let still = || {
        assert_eq!(app.count("SELECT count(*) FROM orders WHERE status = 'draft'"), 1, "not cancelled yet");
        assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 2);
        assert_eq!(app.count("SELECT count(*) FROM outbox"), mails);
    };
    still();
    // A post without the confirmation (an order page from before) is asked too.
    let csrf = csrf_from(&confirm).unwrap();
    let res = shopper
        .post(app.url("/o/ORD-1001/cancel"))
        .form(&[("csrf", csrf.as_str()), ("t", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, ask.clone()));
    still();

    // Confirmed.
    let res = shopper
        .post(app.url("/o/ORD-1001/cancel"))
        .form(&[("csrf", csrf.as_str()), ("t", token.as_str()), ("confirm", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, link.clone()));
    let page = app.get_as(&shopper, &link).await.text().await.unwrap();
    assert!(page.contains("Your order is cancelled.") && page.contains("Cancelled: cancelled by the customer"));
    assert!(!page.contains("Cancel this order"));
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 0, "released");
    let event: (String, String, String) = app
        .db()
        .query_row("SELECT status, note, actor FROM order_events ORDER BY id DESC LIMIT 1", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(event, ("cancelled".into(), "Cancelled by the customer".into(), "customer".into()));
    assert_eq!(app.count("SELECT sold_out FROM products WHERE slug = 'canvas-tote'"), 0);
    assert!(shown().await.contains("Only 2 left"), "back on sale");

    // The seller's notice, to the shop's contact email: the code, not the customer's address.
    let (to, subject, text, html): (String, String, String, String) = app
        .db()
        .query_row(
            "SELECT to_addr, subject, body_text, body_html FROM outbox WHERE kind = 'seller_cancelled'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((to.as_str(), subject.as_str()), ("shop@example.com", "Order ORD-1001 was cancelled by the customer"));
    assert!(text.contains("ORD-1001") && text.contains("Canvas Tote") && html.contains("ORD-1001"), "{text}");
    for private in ["Hawa Mahal", "302002", "Jaipur", "Rajasthan", "9988776655", "asha@example.com"] {
        assert!(!text.contains(private) && !html.contains(private), "{private} is not in the seller's notice: {text}");
    }
    // Once cancelled, the question is not asked again.
    let res = app.get_as(&shopper, &ask).await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, link.clone()));
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'seller_cancelled'"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_may_place_only_so_many_orders_an_hour() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path());
    config.orders.placements_per_hour = 2;
    // A proxy nobody trusts: its forwarding header is ignored.
    let db = souk::db::Db::open(&config.db_path(), 5000, 0, 2).unwrap();
    db.write_blocking(|tx| souk::demo::fill(tx, false).map_err(souk::error::AppError::Conflict)).unwrap();
    drop(db);
    let app = TestApp::spawn_in(dir, config).await;
    let sku = stock(&app, "canvas-tote", 50);
    for i in 0..3 {
        let shopper = browser();
        add(&app, &shopper, &sku, "1").await;
        let phone = format!("+91987650000{i}");
        let mut fields: Vec<(&str, &str)> = CUSTOMER.iter().copied().filter(|(k, _)| *k != "phone").collect();
        fields.push(("phone", &phone));
        let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
        let (csrf, key) = (csrf_from(&html).unwrap(), hidden(&html, "key"));
        fields.extend([("csrf", csrf.as_str()), ("key", key.as_str())]);
        let spoofed = format!("203.0.113.{i}");
        let res =
            shopper.post(app.url("/checkout")).header("x-forwarded-for", &spoofed).form(&fields).send().await.unwrap();
        if i < 2 {
            assert_eq!(res.status(), StatusCode::SEE_OTHER);
        } else {
            assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS, "a spoofed X-Forwarded-For changes nothing");
            let wait: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
            assert!((1..=3600).contains(&wait));
            assert!(res.text().await.unwrap().contains("many orders"));
        }
    }
    assert_eq!(app.count("SELECT count(*) FROM orders"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_each_customer_address_has_its_own_limit() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = test_config(dir.path());
    config.orders.placements_per_hour = 1;
    config.server.trusted_proxies = vec!["127.0.0.1".into()];
    let db = souk::db::Db::open(&config.db_path(), 5000, 0, 2).unwrap();
    db.write_blocking(|tx| souk::demo::fill(tx, false).map_err(souk::error::AppError::Conflict)).unwrap();
    drop(db);
    let app = TestApp::spawn_in(dir, config).await;
    let sku = stock(&app, "canvas-tote", 50);
    let mut statuses = Vec::new();
    // The third comes from the first customer again, who forged a header line of their own; the
    // proxy added its line after it (as HAProxy does), so the forged one is not believed.
    // The last two are one IPv6 client taking a new address of its /64 for the second try.
    let hops: [&[&str]; 5] = [
        &["198.51.100.7"],
        &["198.51.100.8"],
        &["203.0.113.66", "198.51.100.7"],
        &["2001:db8:1:2::7"],
        &["2001:db8:1:2:abcd::8"],
    ];
    for (i, lines) in hops.iter().enumerate() {
        let shopper = browser();
        add(&app, &shopper, &sku, "1").await;
        let phone = format!("+91987651000{i}");
        let mut fields: Vec<(&str, &str)> = CUSTOMER.iter().copied().filter(|(k, _)| *k != "phone").collect();
        fields.push(("phone", &phone));
        let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
        let (csrf, key) = (csrf_from(&html).unwrap(), hidden(&html, "key"));
        fields.extend([("csrf", csrf.as_str()), ("key", key.as_str())]);
        let mut req = shopper.post(app.url("/checkout"));
        for line in *lines {
            req = req.header("x-forwarded-for", *line);
        }
        statuses.push(req.form(&fields).send().await.unwrap().status());
    }
    // The proxy's forwarded address is believed: two customers, one order each; the first again is limited.
    assert_eq!(
        statuses,
        [
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );
    assert_eq!(app.count("SELECT count(DISTINCT placed_ip) FROM orders WHERE placed_ip LIKE '198.51.100.%'"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bots_and_other_sites_cannot_place_or_fill_carts() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 5);
    let shopper = browser();
    // A form on another site posting into the shopper's cart is refused.
    let res = shopper
        .post(app.url("/cart/add"))
        .header("origin", "https://evil.example")
        .form(&[("sku", sku.as_str()), ("quantity", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    for (qty, why) in [("0", "zero"), ("-3", "negative"), ("100000", "absurd"), ("two", "not a number")] {
        let res = add(&app, &shopper, &sku, qty).await;
        assert_eq!(res.status(), StatusCode::BAD_REQUEST, "{why}");
    }
    assert_eq!(add(&app, &shopper, "NO-SUCH-SKU", "1").await.status(), StatusCode::NOT_FOUND);
    add(&app, &shopper, &sku, "1").await;
    let mut fields = CUSTOMER.to_vec();
    fields.push(("website", "http://spam.example"));
    let (res, _) = checkout(&app, &shopper, &fields).await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_not_sent_in_time_expire_and_release_their_stock() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 3);
    let shopper = browser();
    add(&app, &shopper, &sku, "2").await;
    let (res, _) = checkout(&app, &shopper, CUSTOMER).await;
    let link = location(&res);
    let msg =
        souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "expire_drafts", "manual").await.unwrap();
    assert_eq!(msg, "cancelled 0 expired order(s); 0 custom request(s) expired", "not yet due");
    // The scheduler goes by the shop's clock: two days later the draft is due.
    app.state.clock.advance(chrono::Duration::hours(48) + chrono::Duration::seconds(1));
    let msg =
        souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "expire_drafts", "manual").await.unwrap();
    assert_eq!(msg, "cancelled 1 expired order(s); 0 custom request(s) expired");
    let (status, reason): (String, String) =
        app.db().query_row("SELECT status, cancel_reason FROM orders", [], |r| Ok((r.get(0)?, r.get(1)?))).unwrap();
    assert_eq!((status.as_str(), reason.as_str()), ("cancelled", "expired"));
    assert_eq!(app.count(&format!("SELECT reserved FROM variants WHERE sku = '{sku}'")), 0);
    assert!(app.get_as(&shopper, &link).await.text().await.unwrap().contains("Cancelled: expired"));
    // The product shows its stock again at once.
    assert!(!app.page("/p/canvas-tote").await.1.contains("class=\"stock out\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_view_only_link_can_be_shared_and_every_other_link_turned_off() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 3);
    let owner = browser();
    add(&app, &owner, &sku, "1").await;
    let (res, _) = checkout(&app, &owner, CUSTOMER).await;
    let link = location(&res);
    let token = link.split("t=").nth(1).unwrap().to_string();
    let page = app.get_as(&owner, &link).await.text().await.unwrap();
    let csrf = csrf_from(&page).unwrap();
    let shared = owner
        .post(app.url("/o/ORD-1001/share"))
        .form(&[("csrf", csrf.as_str()), ("t", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(shared.status(), StatusCode::OK);
    let html = shared.text().await.unwrap();
    let at = html.find("id=\"shared-link\"").unwrap();
    let view_link = html[at..].split("value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    let view_path = view_link.strip_prefix(&app.base).unwrap().to_string();
    assert_ne!(view_path, link);
    assert_eq!(app.count("SELECT count(*) FROM order_tokens WHERE scope = 'view'"), 1);

    // The family member sees the order but cannot change it.
    let family = browser();
    let seen = app.get_as(&family, &view_path).await.text().await.unwrap();
    assert!(
        seen.contains("Order ORD-1001")
            && !seen.contains("Cancel this order")
            && !seen.contains("Make a view-only link")
    );
    let view_token = view_path.split("t=").nth(1).unwrap();
    // A form token of their own, from a page with a form.
    add(&app, &family, &sku, "1").await;
    let fam_page = app.get_as(&family, "/cart").await.text().await.unwrap();
    let fam_csrf = csrf_from(&fam_page).unwrap();
    for action in ["cancel", "share", "revoke-others"] {
        let res = family
            .post(app.url(&format!("/o/ORD-1001/{action}")))
            .form(&[("csrf", fam_csrf.as_str()), ("t", view_token), ("confirm", "1")])
            .send()
            .await
            .unwrap();
        assert!(matches!(res.status(), StatusCode::FORBIDDEN | StatusCode::CONFLICT), "{action}: {}", res.status());
    }
    let asked = app.get_as(&family, &view_path.replace("/ORD-1001?", "/ORD-1001/cancel?")).await;
    assert_eq!(asked.status(), StatusCode::FORBIDDEN, "nor is a view-only link asked to cancel");
    assert_eq!(app.count("SELECT count(*) FROM orders WHERE status = 'draft'"), 1, "still placed");
    // A token that opens nothing gets the page every such link gets.
    for action in ["cancel", "share", "revoke-others"] {
        let res = owner
            .post(app.url(&format!("/o/ORD-1001/{action}")))
            .form(&[("csrf", csrf.as_str()), ("t", "0".repeat(64).as_str()), ("confirm", "1")])
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{action}");
        assert!(res.text().await.unwrap().contains("This link is not valid"), "{action}");
    }

    // The owner turns off every other link: the shared one stops working, theirs goes on.
    let res = owner
        .post(app.url("/o/ORD-1001/revoke-others"))
        .form(&[("csrf", csrf.as_str()), ("t", token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get_as(&family, &view_path).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get_as(&owner, &link).await.status(), StatusCode::OK);
}

/// The text of the element with this id (its first text, up to the next tag), `&amp;` read back.
fn text_of(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let rest = &html[at..];
    let start = rest.find('>')? + 1;
    Some(rest[start..start + rest[start..].find('<')?].replace("&amp;", "&"))
}

/// Issue 11: before "Place order" the checkout shows the fee of the chosen way for the address's
/// zone, the discount and the total. "Apply code" is a button of the form, so it works without
/// JavaScript: the page comes back with the code checked and the totals, and nothing is placed; a
/// refused code says why beside the field. The page's script asks the same of /checkout/quote.
/// The order placed costs what was shown.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checkout_shows_fee_discount_and_total_before_the_order_is_placed() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 5);
    app.db().execute("UPDATE delivery_methods SET free_over = NULL", []).unwrap();
    app.db()
        .execute(
            "INSERT INTO discount_codes (code, kind, value, created_at) VALUES ('TEN', 'percent', 10, '2026-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
    let price: i64 = app.db().query_row("SELECT price FROM variants WHERE sku = ?1", [&sku], |r| r.get(0)).unwrap();
    let inr = |v: i64| souk::domain::money::format(v, "INR", 2);
    let shopper = browser();
    add(&app, &shopper, &sku, "2").await;

    // The first way (pickup) is chosen: free, so the total is known at once.
    let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
    assert!(html.contains("To pay") && html.contains("name=\"apply\""), "{html}");
    assert_eq!(text_of(&html, "quote-total").unwrap(), inr(2 * price));

    // "Apply code" without JavaScript: Jaipur is the same-city zone (49.00), 10% off.
    let mut fields = CUSTOMER.to_vec();
    fields.extend([("discount_code", "ten"), ("apply", "1")]);
    let (res, _) = checkout(&app, &shopper, &fields).await;
    let html = shown_again(&app, &shopper, res).await;
    let off = 2 * price / 10;
    let shown_total = 2 * price - off + 4900;
    assert!(html.contains(&format!("<dt>Discount (TEN)</dt><dd>−{}</dd>", inr(off))), "{html}");
    assert!(html.contains(&format!("<dt>Delivery (Courier)</dt><dd>{}</dd>", inr(4900))), "{html}");
    assert_eq!(text_of(&html, "quote-total").unwrap(), inr(shown_total));
    assert!(html.contains("value=\"12 Hawa Mahal Road\"") && html.contains("value=\"ten\""), "typed values kept");
    assert!(!html.contains("f-discount_code-error"));
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0, "Apply places nothing");
    assert_eq!(app.count("SELECT count(*) FROM discount_redemptions"), 0);

    // A code that takes nothing off says why, beside its field; the total is without it.
    let mut fields = CUSTOMER.to_vec();
    fields.extend([("discount_code", "nope"), ("apply", "1")]);
    let (res, _) = checkout(&app, &shopper, &fields).await;
    let html = shown_again(&app, &shopper, res).await;
    assert!(
        html.contains("<p class=\"error\" id=\"f-discount_code-error\">The code NOPE is not valid.</p>"),
        "the message beside the code: {html}"
    );
    assert_eq!(text_of(&html, "quote-total").unwrap(), inr(2 * price + 4900));
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0);

    // The script's question: another zone, no address yet, a way that does not reach the address.
    let page = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
    let csrf = csrf_from(&page).unwrap();
    let ask = |changes: Vec<(&'static str, &'static str)>| {
        let mut form: Vec<(&str, &str)> =
            CUSTOMER.iter().copied().filter(|(k, _)| !changes.iter().any(|(c, _)| c == k)).collect();
        form.extend(changes);
        form.push(("csrf", csrf.as_str()));
        let req = shopper.post(app.url("/checkout/quote")).form(&form);
        async move {
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), StatusCode::OK);
            res.json::<serde_json::Value>().await.unwrap()
        }
    };
    let q = ask(vec![("city", "Pune"), ("region", "Maharashtra"), ("postal_code", "411001"), ("discount_code", "TEN")])
        .await;
    assert_eq!(q["total_minor"], 2 * price - off + 9900, "{q}");
    assert_eq!(q["total"], inr(2 * price - off + 9900));
    assert_eq!(q["lines"][1]["label"], "Discount (TEN)");
    let q = ask(vec![("city", ""), ("region", ""), ("postal_code", "")]).await;
    assert_eq!(q["total_minor"], serde_json::Value::Null, "{q}");
    assert_eq!(q["total"], format!("{} + delivery", inr(2 * price)));
    assert_eq!(q["note"], "Enter your city or postal code to see the delivery fee.");
    let q = ask(vec![("city", "Dubai"), ("region", ""), ("postal_code", "00000")]).await;
    assert_eq!(q["note"], "Courier does not reach this address; choose another way.");
    let q = ask(vec![("discount_code", "nope")]).await;
    assert_eq!(q["discount_error"], "The code NOPE is not valid.");
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0, "asking places nothing");

    // Placed: the same total as shown, priced again on the server.
    let mut fields = CUSTOMER.to_vec();
    fields.push(("discount_code", "ten"));
    let (res, _) = checkout(&app, &shopper, &fields).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT total FROM orders"), shown_total);
    let page = app.get_as(&shopper, &location(&res)).await.text().await.unwrap();
    assert!(page.contains(&format!("<strong>{}</strong>", inr(shown_total))), "{page}");
}

/// Issue 11 (regression): a checkout post that places nothing answers 303 to GET /checkout
/// (post/redirect/get), so the browser's Back button never asks to send the form again. The page it
/// lands on has what was typed (the same one-time key, so a fixed form places one order) and the
/// messages; the messages are shown once, the typed values until the order is placed. Only the
/// browser that typed them sees them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_checkout_comes_back_by_get_with_what_was_typed() {
    let app = demo().await;
    let sku = stock(&app, "canvas-tote", 5);
    let shopper = browser();
    add(&app, &shopper, &sku, "1").await;
    let wrong: Vec<(&str, &str)> =
        CUSTOMER.iter().copied().filter(|(k, _)| *k != "phone").chain([("phone", "12")]).collect();
    let (res, key) = checkout(&app, &shopper, &wrong).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/checkout");
    let cookie = set_cookie(&res, "souk_checkout").expect("the kept form's id");
    assert!(cookie.contains("HttpOnly") && cookie.contains("Path=/checkout") && cookie.contains("SameSite=Lax"));

    let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
    assert!(html.contains("id=\"f-phone-error\"") && html.contains("like +91"), "the message: {html}");
    assert!(html.contains("value=\"12 Hawa Mahal Road\"") && html.contains("value=\"12\""), "what was typed");
    assert!(html.contains("Asha &lt;script&gt;") && !html.contains("<script>alert"), "escaped as ever");
    assert_eq!(hidden(&html, "key"), key, "the same one-time key");
    // Back, or a reload: the typed values again, the messages were shown.
    let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
    assert!(html.contains("value=\"12 Hawa Mahal Road\"") && !html.contains("f-phone-error"), "{html}");
    // Another browser sees none of it.
    let other = browser();
    add(&app, &other, &sku, "1").await;
    let theirs = app.get_as(&other, "/checkout").await.text().await.unwrap();
    assert!(!theirs.contains("Hawa Mahal") && !theirs.contains(&key));
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0);

    // Fixed and placed: one order, and the kept form is forgotten.
    let csrf = csrf_from(&html).unwrap();
    let mut fields = vec![("csrf", csrf.as_str()), ("key", key.as_str())];
    fields.extend_from_slice(CUSTOMER);
    let res = shopper.post(app.url("/checkout")).form(&fields).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(location(&res).starts_with("/o/ORD-1001?t="));
    assert!(set_cookie(&res, "souk_checkout").unwrap().contains("Max-Age=0"));
    add(&app, &shopper, &sku, "1").await;
    let html = app.get_as(&shopper, "/checkout").await.text().await.unwrap();
    assert!(!html.contains("Hawa Mahal") && hidden(&html, "key") != key, "a fresh form for the next order");
    assert_eq!(app.count("SELECT count(*) FROM orders"), 1);
}

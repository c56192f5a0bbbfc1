//! The cart between visits: changing quantities, removing lines, limits, expiry and restarts (issue 4).

mod common;

use common::shop::*;
use common::*;
use reqwest::StatusCode;

fn inr(minor: i64) -> String {
    souk::domain::money::format(minor, "INR", 2)
}

fn variant_id(app: &TestApp, sku: &str) -> i64 {
    app.db().query_row("SELECT id FROM variants WHERE sku = ?1", [sku], |r| r.get(0)).unwrap()
}

/// The text of the cart page's line for this variant (from its photo to its line total).
fn line_of(html: &str, variant: i64) -> String {
    let quantity = format!("id=\"q{variant}\"");
    let at = html.find(&quantity).unwrap_or_else(|| panic!("no line for variant {variant}: {html}"));
    let start = html[..at].rfind("<li class=\"cart-line\"").unwrap();
    let end = at + html[at..].find("</li>").unwrap();
    html[start..end].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shopper_changes_quantities_and_removes_a_line_and_the_totals_follow() {
    let app = TestApp::spawn_demo().await;
    let tote = stock(&app, "canvas-tote", 5);
    let jhumkas = stock(&app, "oxidised-jhumkas", 10);
    let (tote_id, jhumkas_id) = (variant_id(&app, &tote), variant_id(&app, &jhumkas));
    let (tote_price, jhumkas_price) = (price_of(&app, &tote), price_of(&app, &jhumkas));
    let shopper = browser();
    add(&app, &shopper, &tote, "1").await;
    add(&app, &shopper, &jhumkas, "1").await;

    let (q_tote, q_jhumkas) = (format!("q{tote_id}"), format!("q{jhumkas_id}"));
    let res = app
        .submit_as(&shopper, "/cart", "/cart/update", &[(&q_tote, "3"), (&q_jhumkas, "1"), ("action", "update")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/cart");
    assert!(set_cookie(&res, "souk_cart_n").unwrap().starts_with("souk_cart_n=4;"), "the header counts 4");
    let html = app.get_as(&shopper, "/cart").await.text().await.unwrap();
    assert!(html.contains("Cart updated."), "{html}");
    let line = line_of(&html, tote_id);
    assert!(line.contains("value=\"3\"") && line.contains(&inr(3 * tote_price)), "{line}");
    let subtotal = format!("Subtotal <strong>{}</strong>", inr(3 * tote_price + jhumkas_price));
    assert!(html.contains(&subtotal), "{html}");
    assert!(html.contains("<span class=\"count\">4</span>"));

    // The line's own Remove button takes only that line away.
    let remove = format!("remove:{jhumkas_id}");
    let res = app
        .submit_as(&shopper, "/cart", "/cart/update", &[(&q_tote, "3"), (&q_jhumkas, "1"), ("action", &remove)])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let html = app.get_as(&shopper, "/cart").await.text().await.unwrap();
    assert!(html.contains("Removed.") && !html.contains("Oxidised Jhumkas"), "{html}");
    assert!(html.contains(&format!("Subtotal <strong>{}</strong>", inr(3 * tote_price))));
    assert_eq!(app.count("SELECT count(*) FROM cart_lines"), 1);

    // More than the shop has: kept at what there is, and the shopper is told why.
    app.submit_as(&shopper, "/cart", "/cart/update", &[(&q_tote, "9"), ("action", "update")]).await;
    let html = app.get_as(&shopper, "/cart").await.text().await.unwrap();
    assert!(html.contains("Only 5 of Canvas Tote (Black) left: your quantity was reduced."), "{html}");
    assert!(line_of(&html, tote_id).contains("value=\"5\""));
    assert!(html.contains(&format!("Subtotal <strong>{}</strong>", inr(5 * tote_price))));
    assert_eq!(app.count("SELECT quantity FROM cart_lines"), 5, "the cut quantity is what checkout will use");

    // A variant sold at most two to an order.
    app.db().execute("UPDATE variants SET max_per_order = 2 WHERE sku = ?1", [&jhumkas]).unwrap();
    add(&app, &shopper, &jhumkas, "1").await;
    app.submit_as(&shopper, "/cart", "/cart/update", &[(&q_tote, "5"), (&q_jhumkas, "4"), ("action", "update")]).await;
    let html = app.get_as(&shopper, "/cart").await.text().await.unwrap();
    assert!(html.contains("At most 2 of Oxidised Jhumkas per order: your quantity was reduced."), "{html}");
    assert!(line_of(&html, jhumkas_id).contains("value=\"2\""));
    assert!(html.contains(&format!("Subtotal <strong>{}</strong>", inr(5 * tote_price + 2 * jhumkas_price))));

    // A quantity of 0 is a removal too; the last line gone, the cart says it is empty.
    app.submit_as(&shopper, "/cart", "/cart/update", &[(&q_tote, "0"), (&q_jhumkas, "0"), ("action", "update")]).await;
    let res = app.get_as(&shopper, "/cart").await;
    assert!(set_cookie(&res, "souk_cart_n").unwrap().contains("Max-Age=0"), "the header count is cleared");
    assert!(res.text().await.unwrap().contains("Your cart is empty."));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_cart_is_not_loaded_and_the_hourly_purge_removes_it() {
    let app = TestApp::spawn_demo().await;
    let tote = stock(&app, "canvas-tote", 5);
    let (late, keeper) = (browser(), browser());
    add(&app, &late, &tote, "2").await;
    add(&app, &keeper, &tote, "1").await;
    assert!(app.get_as(&late, "/cart").await.text().await.unwrap().contains("Canvas Tote"));
    app.db().execute("UPDATE carts SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = 1", []).unwrap();

    let res = app.get_as(&late, "/cart").await;
    assert!(set_cookie(&res, "souk_cart_n").unwrap().contains("Max-Age=0"), "the header forgets the count");
    let html = res.text().await.unwrap();
    assert!(html.contains("Your cart is empty.") && !html.contains("Canvas Tote"), "{html}");
    assert_eq!(app.get_as(&late, "/checkout").await.headers()["location"], "/cart", "nothing to check out");
    assert!(app.get_as(&keeper, "/cart").await.text().await.unwrap().contains("Canvas Tote"), "others keep theirs");

    let msg = souk::jobs::run(&app.state.db, &app.state.config, &app.state.clock, "purge", "manual").await.unwrap();
    assert!(msg.contains(" 1 carts"), "{msg}");
    assert_eq!(app.ints("SELECT id FROM carts"), [2]);
    assert_eq!(app.count("SELECT count(*) FROM cart_lines WHERE cart_id = 1"), 0, "its lines go with it");
    // The shopper starts again with a new cart.
    let res = add(&app, &late, &tote, "1").await;
    assert!(set_cookie(&res, "souk_cart").is_some(), "a new cart, with a new cookie");
    assert!(app.get_as(&late, "/cart").await.text().await.unwrap().contains("value=\"1\""));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cart_survives_a_server_restart() {
    let app = TestApp::spawn_demo().await;
    let tote = stock(&app, "canvas-tote", 5);
    let shopper = browser();
    add(&app, &shopper, &tote, "2").await;
    let config = app.config.clone();
    let app = TestApp::spawn_in(app.stop().await, config).await;
    let html = app.get_as(&shopper, "/cart").await.text().await.unwrap();
    assert!(html.contains("Canvas Tote") && html.contains("value=\"2\""), "{html}");
    assert_eq!(checkout(&app, &shopper, CUSTOMER).await.status(), StatusCode::SEE_OTHER, "and can be ordered");
}

/// The `<form>` on a page whose opening tag contains `marker`, whole.
fn form_with(html: &str, marker: &str) -> String {
    let at = html.find(marker).unwrap_or_else(|| panic!("no {marker} in {html}"));
    let start = html[..at].rfind("<form").unwrap();
    html[start..start + html[start..].find("</form>").unwrap()].to_string()
}

/// Issue 11 (regression): the size and colour chips are inputs of the "Add to cart" form itself,
/// so a shopper without JavaScript who taps M / Rust and adds gets M / Rust (a hidden SKU of the
/// variant shown when the page loaded went into the cart). The server finds the variant from the
/// chosen values, even beside a stale SKU, and refuses clearly a combination that is not made or
/// is sold out, adding nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chosen_options_are_what_goes_into_the_cart_without_javascript() {
    let app = TestApp::spawn_demo().await;
    let product = "chikankari-cotton-kurta";
    let db = app.db();
    db.execute(
        "UPDATE variants SET on_hand = 5, reserved = 0, track_stock = 1, allow_backorder = 0
         WHERE product_id = (SELECT id FROM products WHERE slug = ?1)",
        [product],
    )
    .unwrap();
    let sku_of = |size: &str, colour: &str| -> String {
        db.query_row(
            "SELECT v.sku FROM variants v JOIN products p ON p.id = v.product_id
             WHERE p.slug = ?1 AND v.option1 = ?2 AND v.option2 = ?3",
            [product, size, colour],
            |r| r.get(0),
        )
        .unwrap()
    };
    let (xl_rust, m_indigo) = (sku_of("XL", "Rust"), sku_of("M", "Indigo"));
    db.execute("UPDATE variants SET on_hand = 0 WHERE sku = ?1", [&m_indigo]).unwrap();

    let shopper = browser();
    let page = app.get_as(&shopper, &format!("/p/{product}")).await.text().await.unwrap();
    let form = form_with(&page, "action=\"/cart/add\"");
    for input in ["name=\"o1\" value=\"XL\"", "name=\"o2\" value=\"Rust\"", "name=\"quantity\""] {
        assert!(form.contains(input), "the chips are part of the add form: {input}");
    }
    assert!(!form.contains("name=\"sku\""), "no SKU that could disagree with the chips: {form}");
    let shown = hidden(&page, "product");
    assert_eq!(shown, product);

    // The chips as tapped, posted as the browser would: that variant, at its own price.
    let add_chosen = |size: &'static str, colour: &'static str, extra: Option<(&'static str, String)>| {
        let mut fields: Vec<(&str, String)> = vec![
            ("product", product.to_string()),
            ("o1", size.into()),
            ("o2", colour.into()),
            ("quantity", "2".into()),
        ];
        fields.extend(extra);
        shopper.post(app.url("/cart/add")).form(&fields).send()
    };
    let res = add_chosen("XL", "Rust", None).await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&res), "/cart");
    let cart = app.get_as(&shopper, "/cart").await.text().await.unwrap();
    let line = line_of(&cart, variant_id(&app, &xl_rust));
    assert!(line.contains("XL / Rust") && line.contains("value=\"2\""), "{line}");
    assert!(line.contains(&inr(2 * price_of(&app, &xl_rust))), "{line}");
    assert_eq!(app.count("SELECT count(*) FROM cart_lines"), 1);

    // A stale SKU beside the chips does not win over them.
    let res = add_chosen("L", "Indigo", Some(("sku", xl_rust.clone()))).await.unwrap();
    assert_eq!(location(&res), "/cart");
    assert_eq!(app.count("SELECT quantity FROM cart_lines WHERE variant_id = (SELECT id FROM variants WHERE option1 = 'L' AND option2 = 'Indigo' AND sku LIKE 'CCK%')"), 2);

    // Sold out, or not made: back to the product, saying so; nothing added.
    let res = add_chosen("M", "Indigo", None).await.unwrap();
    assert_eq!(location(&res), format!("/p/{product}?variant={m_indigo}"));
    let back = app.get_as(&shopper, &location(&res)).await.text().await.unwrap();
    assert!(back.contains("Chikankari Cotton Kurta (M / Indigo) sold out."), "{back}");
    let res = add_chosen("XXL", "Rust", None).await.unwrap();
    assert_eq!(location(&res), format!("/p/{product}"));
    let back = app.get_as(&shopper, &location(&res)).await.text().await.unwrap();
    assert!(back.contains("XXL / Rust is not made: choose another combination."), "{back}");
    assert_eq!(app.count("SELECT count(*) FROM cart_lines"), 2);
    assert_eq!(app.count("SELECT sum(quantity) FROM cart_lines"), 4);
}

//! Page flows in a real headless Chromium.

mod account;
#[path = "../common/mod.rs"]
mod common;
mod custom;
mod desk;
mod harness;
mod phone;
mod two_factor;

use common::*;
use fantoccini::Locator;

async fn fill(b: &fantoccini::Client, css: &str, text: &str) {
    let field = b.find(Locator::Css(css)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(text).await.unwrap();
}

/// Clicks what `css` finds and waits until the page it leads to has loaded: the old document must
/// be gone (its root element stale) before the new one is looked at.
async fn click_and_wait(b: &fantoccini::Client, css: &str) {
    let old_root = b.find(Locator::Css("html")).await.unwrap();
    b.find(Locator::Css(css)).await.unwrap().click().await.unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while old_root.attr("lang").await.is_ok() {
        assert!(std::time::Instant::now() < deadline, "clicking {css} did not load a new page");
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    b.wait().for_element(Locator::Css("main h1")).await.unwrap();
}

async fn submit_and_wait(b: &fantoccini::Client, form_css: &str) {
    click_and_wait(b, &format!("{form_css} button[type=submit]")).await;
}

/// Fills and sends the first-run setup form the browser is on.
async fn create_owner(b: &fantoccini::Client) {
    fill(b, "#f-name", "Asha").await;
    fill(b, "#f-email", OWNER_EMAIL).await;
    fill(b, "#f-password", OWNER_PASSWORD).await;
    fill(b, "#f-confirm", OWNER_PASSWORD).await;
    submit_and_wait(b, "form[action='/admin/setup']").await;
}

async fn heading(b: &fantoccini::Client) -> String {
    b.find(Locator::Css("main h1")).await.unwrap().text().await.unwrap()
}

/// Issue 2: a shop owner completes first-run setup in a browser, signs out and signs back in.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn owner_sets_up_the_shop_and_signs_in() {
    let Some(browser) = harness::launch("owner_sets_up_the_shop_and_signs_in").await else {
        return;
    };
    let b = &browser.client;
    let app = TestApp::spawn().await;

    b.goto(app.setup_url.as_deref().unwrap()).await.unwrap();
    assert_eq!(heading(b).await, "Set up your shop");
    fill(b, "#f-shop_name", "Asha's Kitchen").await;
    fill(b, "#f-name", "Asha").await;
    fill(b, "#f-email", OWNER_EMAIL).await;
    fill(b, "#f-password", "short").await;
    fill(b, "#f-confirm", "short").await;
    submit_and_wait(b, "form[action='/admin/setup']").await;
    // The form comes back with the message beside the password field.
    let msg = b.find(Locator::Css("#f-password-error")).await.unwrap().text().await.unwrap();
    assert!(msg.contains("at least 10 characters"), "{msg}");

    fill(b, "#f-password", OWNER_PASSWORD).await;
    fill(b, "#f-confirm", OWNER_PASSWORD).await;
    submit_and_wait(b, "form[action='/admin/setup']").await;
    assert_eq!(b.current_url().await.unwrap().path(), "/admin");
    assert_eq!(heading(b).await, "Dashboard");
    let flash = b.find(Locator::Css(".flash")).await.unwrap().text().await.unwrap();
    assert!(flash.contains("Your shop is ready"));
    let brand = b.find(Locator::Css(".admin-header .brand")).await.unwrap().text().await.unwrap();
    assert_eq!(brand, "Asha's Kitchen");

    click_and_wait(b, "form.signout button").await;
    assert_eq!(heading(b).await, "Sign in");
    fill(b, "#f-email", OWNER_EMAIL).await;
    fill(b, "#f-password", OWNER_PASSWORD).await;
    submit_and_wait(b, "form[action='/admin/login']").await;
    assert_eq!(heading(b).await, "Dashboard");

    // The settings page is reachable from the navigation.
    click_and_wait(b, "nav a[href='/admin/settings']").await;
    assert_eq!(heading(b).await, "Settings");
    if let Ok(dir) = std::env::var("SOUK_SCREENSHOTS") {
        std::fs::write(format!("{dir}/admin-settings.png"), b.screenshot().await.unwrap()).unwrap();
    }
    browser.client.clone().close().await.unwrap();
}

/// Issue 3: a seller adds a product with two variants in the admin, and a customer picks a variant on its page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seller_adds_a_product_and_a_customer_chooses_a_variant() {
    let Some(browser) = harness::launch("seller_adds_a_product_and_a_customer_chooses_a_variant").await else { return };
    let b = &browser.client;
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    b.goto(&app.url("/admin/login")).await.unwrap();
    fill(b, "#f-email", OWNER_EMAIL).await;
    fill(b, "#f-password", OWNER_PASSWORD).await;
    submit_and_wait(b, "form[action='/admin/login']").await;

    b.goto(&app.url("/admin/products/new")).await.unwrap();
    fill(b, "#f-title", "Mango Print Scarf").await;
    b.find(Locator::Css("#f-status option[value=active]")).await.unwrap().click().await.unwrap();
    fill(b, "#f-option1", "Colour").await;
    // The grid has no option columns until the option is named: generate the rows instead.
    b.find(Locator::Css("details summary")).await.unwrap().click().await.unwrap();
    fill(b, "#gen1", "Saffron, Leaf").await;
    fill(b, "#gen_prefix", "MPS").await;
    fill(b, "#gen_price", "650").await;
    click_and_wait(b, "button[value=generate]").await;
    assert!(b.source().await.unwrap().contains("value=\"MPS-LEAF\""));
    if let Ok(dir) = std::env::var("SOUK_SCREENSHOTS") {
        std::fs::write(format!("{dir}/admin-product.png"), b.screenshot().await.unwrap()).unwrap();
    }
    click_and_wait(b, "button[value=save]").await;
    let flash = b.find(Locator::Css(".flash")).await.unwrap().text().await.unwrap();
    assert!(flash.contains("Product saved"), "{flash}");

    b.goto(&app.url("/p/mango-print-scarf")).await.unwrap();
    assert_eq!(heading(b).await, "Mango Print Scarf");
    b.find(Locator::Css("label[for='o1-leaf']")).await.unwrap().click().await.unwrap();
    // The page follows the tap at once (issue 11): no button to press, no page to load.
    b.wait().for_element(Locator::XPath("//p[@class='sku' and text()='SKU MPS-LEAF']")).await.unwrap();
    if let Ok(dir) = std::env::var("SOUK_SCREENSHOTS") {
        std::fs::write(format!("{dir}/product-chosen.png"), b.screenshot().await.unwrap()).unwrap();
    }
}

/// Issue 3: a customer on a phone browses home → collection → product, picks a variant; axe-core
/// finds no serious or critical problem on any page of the way, nor on the admin's main pages.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_browses_to_a_product_and_every_page_is_accessible() {
    let Some(browser) = harness::launch("a_customer_browses_to_a_product_and_every_page_is_accessible").await else {
        return;
    };
    let b = &browser.client;
    let app = TestApp::spawn_demo().await;

    b.goto(&app.base).await.unwrap();
    harness::assert_accessible(b, "home").await;
    click_and_wait(b, "a[href='/c/sarees']").await;
    assert_eq!(heading(b).await, "Sarees");
    harness::assert_accessible(b, "a collection").await;
    click_and_wait(b, "a[href='/p/chanderi-silk-saree']").await;
    assert_eq!(heading(b).await, "Chanderi Silk Saree");
    b.find(Locator::Css("label[for='o1-teal']")).await.unwrap().click().await.unwrap();
    b.wait().for_element(Locator::XPath("//p[@class='sku' and contains(text(), '-TEA')]")).await.unwrap();
    assert!(b.find(Locator::Css("input[value='Teal']:checked")).await.is_ok());
    harness::assert_accessible(b, "a product").await;
    // A drop to come: the script turns its opening time into a countdown.
    b.goto(&app.url("/p/hand-block-printed-kurta")).await.unwrap();
    let countdown = b.wait().for_element(Locator::Css(".drop .countdown")).await.unwrap();
    let text = countdown.text().await.unwrap();
    assert!(text.starts_with("· in 2d ") || text.starts_with("· in 3d "), "{text}");
    let shown = b.find(Locator::Css(".drop time")).await.unwrap().text().await.unwrap();
    assert!(!shown.contains("UTC"), "shown in the visitor's own zone: {shown}");
    harness::assert_accessible(b, "a drop's page").await;
    b.goto(&app.url("/search?q=silk")).await.unwrap();
    harness::assert_accessible(b, "search results").await;
    b.goto(&app.url("/no/such/page")).await.unwrap();
    harness::assert_accessible(b, "the 404 page").await;

    b.goto(app.setup_url.as_deref().unwrap()).await.unwrap();
    harness::assert_accessible(b, "first-run setup").await;
    create_owner(b).await;
    for (path, what) in [
        ("/admin", "the dashboard"),
        ("/admin/products", "the product list"),
        ("/admin/products/1", "the product form"),
        ("/admin/collections", "collections"),
        ("/admin/checkout", "checkout settings"),
        ("/admin/settings", "settings"),
        ("/admin/users", "users"),
        ("/admin/audit", "the audit log"),
        ("/admin/jobs", "jobs"),
        ("/admin/outbox", "the outbox"),
    ] {
        b.goto(&app.url(path)).await.unwrap();
        harness::assert_accessible(b, what).await;
    }
}

/// Issue 11 (regression): on a 390×844 phone, tapping size and colour chips changes at once the
/// price, stock, photo, SKU and WhatsApp link, turns "Add to cart" off for a sold-out combination,
/// and adds exactly the variant shown chosen (the cart got the one the page had loaded with).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_chips_a_shopper_taps_are_what_goes_into_the_cart() {
    let Some(browser) = harness::launch("the_chips_a_shopper_taps_are_what_goes_into_the_cart").await else { return };
    let b = &browser.client;
    b.set_window_size(390, 844).await.unwrap();
    let app = TestApp::spawn_demo().await;
    let db = app.db();
    let product = "chikankari-cotton-kurta";
    db.execute(
        "UPDATE variants SET on_hand = 20, reserved = 0, track_stock = 1, allow_backorder = 0, max_per_order = NULL
         WHERE product_id = (SELECT id FROM products WHERE slug = ?1)",
        [product],
    )
    .unwrap();
    let variant = |size: &str, colour: &str| -> (i64, String) {
        db.query_row(
            "SELECT v.id, v.sku FROM variants v JOIN products p ON p.id = v.product_id
             WHERE p.slug = ?1 AND v.option1 = ?2 AND v.option2 = ?3",
            [product, size, colour],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap()
    };
    let ((_, first), (xl_rust, xl_rust_sku), (_, xl_indigo)) =
        (variant("S", "Indigo"), variant("XL", "Rust"), variant("XL", "Indigo"));
    db.execute("UPDATE variants SET on_hand = 2 WHERE id = ?1", [xl_rust]).unwrap();
    db.execute("UPDATE variants SET on_hand = 0 WHERE sku = ?1", [&xl_indigo]).unwrap();
    // Two photos: the product's, then one of XL / Rust.
    let png = {
        let img = image::RgbImage::from_fn(40, 50, |x, _| image::Rgb([(x * 6) as u8, 60, 40]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let mut photos = Vec::new();
    for (position, of) in [(1, None), (2, Some(xl_rust))] {
        db.execute(
            "INSERT INTO images (product_id, variant_id, position, alt, width, height, created_at)
             VALUES ((SELECT id FROM products WHERE slug = ?1), ?2, ?3, 'A kurta', 40, 50, '2026-01-01T00:00:00.000Z')",
            rusqlite::params![product, of, position],
        )
        .unwrap();
        let id = db.last_insert_rowid();
        for width in [320, 640, 1280] {
            db.execute(
                "INSERT INTO image_renditions (image_id, width, content_type, data) VALUES (?1, ?2, 'image/png', ?3)",
                rusqlite::params![id, width, png],
            )
            .unwrap();
        }
        photos.push(id);
    }
    let text = |css: &'static str| async move { b.find(Locator::Css(css)).await.unwrap().text().await.unwrap() };
    let first_photo = || async { b.find(Locator::Css(".gallery img")).await.unwrap().attr("src").await.unwrap() };
    let ask = || async { b.find(Locator::Css("a.ask")).await.unwrap().attr("href").await.unwrap().unwrap() };
    let tap = |id: &'static str| async move {
        b.find(Locator::Css(&format!("label[for='{id}']"))).await.unwrap().click().await.unwrap();
    };

    b.goto(&app.url(&format!("/p/{product}"))).await.unwrap();
    assert_eq!(text(".buy .sku").await, format!("SKU {first}"));
    assert_eq!(first_photo().await.as_deref(), Some(format!("/img/{}/640", photos[0]).as_str()));
    let show = b.find(Locator::Css("button.show")).await.unwrap();
    assert!(!show.is_displayed().await.unwrap(), "nothing to press with JavaScript on");

    tap("o1-xl").await;
    tap("o2-rust").await;
    assert_eq!(text(".buy .sku").await, format!("SKU {xl_rust_sku}"));
    assert_eq!(text(".buy .price .now").await, "₹1,499.00");
    assert_eq!(text(".buy .stock").await, "Only 2 left");
    assert_eq!(first_photo().await.as_deref(), Some(format!("/img/{}/640", photos[1]).as_str()), "its photo leads");
    let href = ask().await;
    assert!(href.contains("XL%20%2F%20Rust") && href.contains(&format!("SKU%20{xl_rust_sku}")), "{href}");
    assert!(b.current_url().await.unwrap().as_str().ends_with(&format!("?variant={xl_rust_sku}")));
    harness::assert_accessible(b, "a product after choosing").await;

    // A sold-out combination cannot be added; the chips say which one is sold out.
    tap("o2-indigo").await;
    assert_eq!(text(".buy .stock").await, "Sold out");
    let add = b.find(Locator::Css("form.buy button.primary")).await.unwrap();
    assert!(!add.is_enabled().await.unwrap(), "Add to cart is off for a sold-out choice");
    tap("o2-rust").await;
    assert!(add.is_enabled().await.unwrap());
    let xl_label = b.find(Locator::Css("label[for='o2-indigo']")).await.unwrap();
    assert!(xl_label.attr("class").await.unwrap().unwrap().contains("sold-out"), "Indigo is sold out in XL");

    fill(b, "#qty", "2").await;
    submit_and_wait(b, "form.buy").await;
    assert_eq!(heading(b).await, "Your cart");
    let line = text(".cart-line").await;
    assert!(line.contains("XL / Rust"), "{line}");
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM cart_lines WHERE variant_id = {xl_rust} AND quantity = 2")),
        1,
        "exactly the variant shown, and nothing else"
    );
    assert_eq!(app.count("SELECT count(*) FROM cart_lines"), 1);
}

/// Issue 4: a customer on a phone adds to the cart, checks out, gets the WhatsApp button (its link
/// is read, not opened) and the order page of the magic link; axe-core passes each page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_checks_out_and_hands_the_order_to_whatsapp() {
    let Some(browser) = harness::launch("a_customer_checks_out_and_hands_the_order_to_whatsapp").await else {
        return;
    };
    let b = &browser.client;
    let app = TestApp::spawn_demo().await;
    app.db()
        .execute("UPDATE variants SET on_hand = 5, reserved = 0, track_stock = 1, allow_backorder = 0", [])
        .unwrap();

    b.goto(&app.url("/p/canvas-tote")).await.unwrap();
    fill(b, "#qty", "2").await;
    submit_and_wait(b, "form.buy").await;
    assert_eq!(heading(b).await, "Your cart");
    assert!(b.find(Locator::Css(".cart-link .count")).await.unwrap().text().await.unwrap().contains('2'));
    harness::assert_accessible(b, "the cart").await;
    click_and_wait(b, "a[href='/checkout']").await;
    assert_eq!(heading(b).await, "Checkout");
    harness::assert_accessible(b, "the checkout").await;
    if let Ok(dir) = std::env::var("SOUK_SCREENSHOTS") {
        std::fs::write(format!("{dir}/checkout.png"), b.screenshot().await.unwrap()).unwrap();
    }

    // A mistake first: the page comes back with the message beside the field.
    fill(b, "#f-name", "Asha").await;
    fill(b, "#f-phone", "12").await;
    click_and_wait(b, "form.checkout button.place").await;
    let msg = b.find(Locator::Css("#f-phone-error")).await.unwrap().text().await.unwrap();
    assert!(msg.contains("like +91"), "{msg}");
    harness::assert_accessible(b, "the checkout with errors").await;
    fill(b, "#f-phone", "99887 76655").await;
    b.find(Locator::Css("#delivery-standard")).await.unwrap().click().await.unwrap();
    fill(b, "#f-line1", "12 Hawa Mahal Road").await;
    fill(b, "#f-city", "Jaipur").await;
    b.find(Locator::Css("#payment-upi")).await.unwrap().click().await.unwrap();
    click_and_wait(b, "form.checkout button.place").await;

    assert_eq!(heading(b).await, "Order ORD-1001");
    let url = b.current_url().await.unwrap();
    assert!(url.query().unwrap_or("").starts_with("t="), "the magic link: {url}");
    let button = b.find(Locator::Css("a.whatsapp")).await.unwrap();
    let href = button.attr("href").await.unwrap().unwrap();
    assert!(href.starts_with("https://wa.me/919876543210?text="), "{href}");
    let text = href.split("text=").nth(1).unwrap();
    assert!(text.contains("ORD-1001") && !text.contains("Asha") && !text.contains("Hawa"), "{href}");
    assert!(b.find(Locator::Css(".qr svg")).await.is_ok(), "a UPI QR code");
    harness::assert_accessible(b, "the order page").await;
    if let Ok(dir) = std::env::var("SOUK_SCREENSHOTS") {
        std::fs::write(format!("{dir}/order-page.png"), b.screenshot().await.unwrap()).unwrap();
    }
    // Issue 11: "Cancel this order" asks first; "Keep my order" goes back with nothing changed.
    click_and_wait(b, "a.button.danger").await;
    assert_eq!(heading(b).await, "Cancel order ORD-1001?");
    harness::assert_accessible(b, "the question before cancelling").await;
    click_and_wait(b, "a.button.primary").await;
    assert_eq!(heading(b).await, "Order ORD-1001");
    assert_eq!(app.count("SELECT count(*) FROM orders WHERE status = 'draft'"), 1, "still placed");
    // The link alone opens the order in another browser session.
    b.delete_all_cookies().await.unwrap();
    b.goto(url.as_str()).await.unwrap();
    assert_eq!(heading(b).await, "Order ORD-1001");
    // A link cut short in a chat gets the page that offers to ask the shop for a new one.
    let cut = url.as_str().trim_end_matches(|c: char| c != '=');
    b.goto(cut).await.unwrap();
    assert_eq!(heading(b).await, "This link is not valid");
    harness::assert_accessible(b, "the link-not-valid page").await;
}

/// Waits until the element with this id reads `want` (spaces trimmed); panics saying what it read.
async fn wait_for_text(b: &fantoccini::Client, id: &str, want: &str) {
    let xpath = format!("//*[@id='{id}'][normalize-space(.)='{want}']");
    let found = b.wait().at_most(std::time::Duration::from_secs(10)).for_element(Locator::XPath(&xpath)).await;
    if found.is_err() {
        let now = match b.find(Locator::Id(id)).await {
            Ok(el) => el.text().await.unwrap_or_default(),
            Err(_) => "(nothing)".into(),
        };
        panic!("#{id} should read {want:?}, reads {now:?}");
    }
}

/// Issue 11 (regression): on a 390×844 phone the checkout shows what is to pay before "Place
/// order", and it follows the customer: the way of delivery, the city and postal code (the zone's
/// fee) and an applied code change the total at once, without leaving the page; a refused code
/// says why beside the field. The order placed shows the very total the checkout showed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_total_to_pay_follows_delivery_address_and_code_before_placing() {
    let Some(browser) = harness::launch("the_total_to_pay_follows_delivery_address_and_code_before_placing").await
    else {
        return;
    };
    let b = &browser.client;
    b.set_window_size(390, 844).await.unwrap();
    let app = TestApp::spawn_demo().await;
    let sku = common::shop::stock(&app, "canvas-tote", 5);
    let price = common::shop::price_of(&app, &sku);
    app.db().execute("UPDATE delivery_methods SET free_over = NULL", []).unwrap();
    app.db()
        .execute(
            "INSERT INTO discount_codes (code, kind, value, created_at) VALUES ('TEN', 'percent', 10, '2026-01-01T00:00:00.000Z')",
            [],
        )
        .unwrap();
    let inr = |v: i64| souk::domain::money::format(v, "INR", 2);

    b.goto(&app.url("/p/canvas-tote")).await.unwrap();
    submit_and_wait(b, "form.buy").await;
    click_and_wait(b, "a[href='/checkout']").await;
    // Picking up is the first way: free, so the total is known at once.
    wait_for_text(b, "quote-total", &inr(price)).await;
    b.find(Locator::Css("#delivery-standard")).await.unwrap().click().await.unwrap();
    wait_for_text(b, "quote-total", &format!("{} + delivery", inr(price))).await;
    fill(b, "#f-city", "Jaipur").await;
    wait_for_text(b, "quote-total", &inr(price + 4900)).await;
    fill(b, "#f-city", "Pune").await;
    fill(b, "#f-postal_code", "411001").await;
    wait_for_text(b, "quote-total", &inr(price + 9900)).await;

    fill(b, "#f-discount_code", "nope").await;
    b.find(Locator::Css("button[name='apply']")).await.unwrap().click().await.unwrap();
    wait_for_text(b, "f-discount_code-error", "The code NOPE is not valid.").await;
    fill(b, "#f-discount_code", "ten").await;
    b.find(Locator::Css("button[name='apply']")).await.unwrap().click().await.unwrap();
    let total = inr(price - price / 10 + 9900);
    wait_for_text(b, "quote-total", &total).await;
    assert!(b.find(Locator::Id("f-discount_code-error")).await.is_err(), "the message goes with the problem");
    let lines = b.find(Locator::Id("quote-lines")).await.unwrap().text().await.unwrap();
    assert!(lines.contains("Discount (TEN)") && lines.contains(&format!("−{}", inr(price / 10))), "{lines}");
    assert_eq!(b.current_url().await.unwrap().path(), "/checkout", "priced without leaving the page");
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0);
    harness::assert_accessible(b, "the checkout with its totals").await;
    if let Ok(dir) = std::env::var("SOUK_SCREENSHOTS") {
        std::fs::write(format!("{dir}/checkout-totals.png"), b.screenshot().await.unwrap()).unwrap();
    }

    fill(b, "#f-name", "Asha").await;
    fill(b, "#f-phone", "99887 76655").await;
    fill(b, "#f-line1", "3 MG Road").await;
    b.find(Locator::Css("#payment-upi")).await.unwrap().click().await.unwrap();
    click_and_wait(b, "form.checkout button.place").await;
    assert_eq!(heading(b).await, "Order ORD-1001");
    let shown = b.find(Locator::Css("dl.totals dd:last-of-type strong")).await.unwrap().text().await.unwrap();
    assert_eq!(shown, total, "the order page shows the total the checkout showed");
    assert_eq!(app.count("SELECT total FROM orders"), price - price / 10 + 9900);
}

/// How the document in the window was loaded: "navigate", "reload" or "back_forward".
async fn navigation_type(b: &fantoccini::Client) -> String {
    let t = b.execute("return performance.getEntriesByType('navigation')[0].type", vec![]).await.unwrap();
    t.as_str().unwrap_or_default().to_string()
}

/// Issue 11 (regression): after a checkout with a mistake the browser's Back button works. The
/// refused form comes back by GET (post/redirect/get) with what was typed and the message, so going
/// on to the cart and then Back loads /checkout again by GET, with no "Confirm Form Resubmission",
/// and still has what was typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn back_after_a_checkout_with_a_mistake_loads_the_form_again() {
    let Some(browser) = harness::launch("back_after_a_checkout_with_a_mistake_loads_the_form_again").await else {
        return;
    };
    let b = &browser.client;
    b.set_window_size(390, 844).await.unwrap();
    let app = TestApp::spawn_demo().await;
    common::shop::stock(&app, "canvas-tote", 5);
    b.goto(&app.url("/p/canvas-tote")).await.unwrap();
    submit_and_wait(b, "form.buy").await;
    click_and_wait(b, "a[href='/checkout']").await;

    fill(b, "#f-name", "Asha").await;
    fill(b, "#f-phone", "12").await;
    click_and_wait(b, "form.checkout button.place").await;
    let url = b.current_url().await.unwrap();
    assert_eq!(url.path(), "/checkout");
    assert!(b.find(Locator::Css("#f-phone-error")).await.unwrap().text().await.unwrap().contains("like +91"));
    assert_eq!(b.find(Locator::Css("#f-name")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("Asha"));
    assert_eq!(navigation_type(b).await, "navigate");

    click_and_wait(b, ".order-summary a[href='/cart']").await;
    assert_eq!(heading(b).await, "Your cart");
    b.back().await.unwrap();
    let left = b.wait().at_most(std::time::Duration::from_secs(15)).for_url(&url).await;
    assert!(left.is_ok(), "Back returns to {url}");
    let h1 = b.wait().at_most(std::time::Duration::from_secs(10)).for_element(Locator::Css("main h1")).await;
    if h1.is_err() {
        let shown = b.execute("return document.body.innerText.slice(0, 300)", vec![]).await.unwrap();
        panic!("Back shows the checkout, not a prompt to send the form again: {shown}");
    }
    assert_eq!(heading(b).await, "Checkout");
    assert_eq!(b.current_url().await.unwrap().path(), "/checkout");
    assert_eq!(navigation_type(b).await, "back_forward", "loaded again by Back, as a GET");
    assert_eq!(b.find(Locator::Css("#f-name")).await.unwrap().prop("value").await.unwrap().as_deref(), Some("Asha"));
    assert_eq!(app.count("SELECT count(*) FROM orders"), 0);
    harness::assert_accessible(b, "the checkout after Back").await;
}

/// Issue 3 (valid HTML): every kind of page the shop sends, storefront and admin, with and
/// without errors in a form, passes the W3C's Nu Html Checker with no error and no warning.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_of_page_is_valid_html() {
    let app = TestApp::spawn_demo().await;
    let shopper = browser();
    let mut pages: Vec<(String, String)> = Vec::new();
    let mut keep = |name: &str, html: String| pages.push((name.to_string(), html));
    let setup = app.get(app.setup_url.as_deref().unwrap().strip_prefix(&app.base).unwrap()).await;
    keep("first-run setup", setup.text().await.unwrap());
    for path in [
        "/",
        "/c/sarees",
        "/c/sarees?sort=price_desc&page=2",
        "/p/canvas-tote",
        "/p/chikankari-cotton-kurta",
        "/p/hand-block-printed-kurta",
        "/search?q=silk",
        "/search?q=zzqx",
        "/no/such/page",
        "/admin/login",
    ] {
        keep(path, app.get_as(&shopper, path).await.text().await.unwrap());
    }
    let sku = common::shop::stock(&app, "canvas-tote", 5);
    common::shop::add(&app, &shopper, &sku, "2").await;
    keep("the cart", app.get_as(&shopper, "/cart").await.text().await.unwrap());
    keep("the checkout", app.get_as(&shopper, "/checkout").await.text().await.unwrap());
    let wrong = common::shop::checkout(&app, &shopper, &common::shop::customer_with(&[("phone", "12")])).await;
    keep("the checkout with errors", common::shop::shown_again(&app, &shopper, wrong).await);
    let placed = common::shop::checkout(&app, &shopper, common::shop::CUSTOMER).await;
    let order = location(&placed);
    keep("the order page", app.get_as(&shopper, &order).await.text().await.unwrap());
    let ask = order.replace("/ORD-1001?", "/ORD-1001/cancel?");
    keep("the question before cancelling", app.get_as(&shopper, &ask).await.text().await.unwrap());
    keep("a link that is not valid", app.get_as(&shopper, "/o/ORD-1001?t=00").await.text().await.unwrap());

    app.setup_owner().await;
    for path in [
        "/admin",
        "/admin/products",
        "/admin/products?stock=low",
        "/admin/products/new",
        "/admin/products/1",
        "/admin/collections",
        "/admin/collections/1",
        "/admin/checkout",
        "/admin/settings",
        "/admin/users",
        "/admin/audit",
        "/admin/jobs",
        "/admin/outbox",
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), reqwest::StatusCode::OK, "{path}");
        keep(path, res.text().await.unwrap());
    }
    let bad = app.submit("/admin/products/new", "/admin/products/new", &[("title", ""), ("v0_price", "x")]).await;
    assert_eq!(bad.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    keep("the product form with errors", bad.text().await.unwrap());
    harness::assert_valid_html(&pages);
}

/// Issue 3 (dark mode): on a phone in dark mode the shop's pages, with the seller's accent colour,
/// still pass axe-core (contrast included), storefront and admin.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_in_dark_mode_are_accessible_too() {
    let Some(browser) = harness::launch_dark("pages_in_dark_mode_are_accessible_too").await else {
        return;
    };
    let b = &browser.client;
    let app = TestApp::spawn_demo().await;
    b.goto(&app.base).await.unwrap();
    let dark: bool = serde_json::from_value(
        b.execute("return matchMedia('(prefers-color-scheme: dark)').matches", vec![]).await.unwrap(),
    )
    .unwrap();
    assert!(dark, "the page sees dark mode");
    harness::assert_accessible(b, "home, dark").await;
    for (path, what) in [
        ("/c/sarees", "a collection, dark"),
        ("/p/chanderi-silk-saree", "a product, dark"),
        ("/p/hand-block-printed-kurta", "a drop, dark"),
        ("/search?q=silk", "search, dark"),
    ] {
        b.goto(&app.url(path)).await.unwrap();
        harness::assert_accessible(b, what).await;
    }
    b.goto(&app.url("/p/canvas-tote")).await.unwrap();
    submit_and_wait(b, "form.buy").await;
    harness::assert_accessible(b, "the cart, dark").await;
    b.goto(&app.url("/checkout")).await.unwrap();
    harness::assert_accessible(b, "the checkout, dark").await;
    b.goto(app.setup_url.as_deref().unwrap()).await.unwrap();
    create_owner(b).await;
    for (path, what) in [
        ("/admin", "the dashboard, dark"),
        ("/admin/products/1", "the product form, dark"),
        ("/admin/settings", "settings, dark"),
    ] {
        b.goto(&app.url(path)).await.unwrap();
        harness::assert_accessible(b, what).await;
    }
}

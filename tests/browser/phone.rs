//! Issue 14, part 10 (the storefront's share): on a 390×844 phone the header is one row, and a
//! product with several photos and a size and colour choice shows its title, price, the choice and
//! "Add to cart" without scrolling; the photos are a row to swipe, the first fetched first, every
//! one with its width and height; collection pages have a meta description.

use super::common::*;
use super::{harness, heading};
use fantoccini::Locator;
use reqwest::multipart::{Form, Part};

fn png(width: u32, height: u32, shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 200) as u8, (y % 200) as u8, shade]));
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_page_fits_a_phone_screen() {
    let Some(chromium) = harness::launch("a_product_page_fits_a_phone_screen").await else {
        return;
    };
    let b = &chromium.client;
    b.set_window_size(390, 844).await.unwrap();
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    // A product on sale now with a size and colour choice.
    let (id, slug, title): (i64, String, String) = app
        .db()
        .query_row(
            "SELECT p.id, p.slug, p.title FROM products p WHERE p.status = 'active' AND p.publish_at IS NULL
               AND (SELECT count(*) FROM variants v WHERE v.product_id = p.id) >= 4 ORDER BY p.id LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    app.db()
        .execute("UPDATE variants SET on_hand = 20, reserved = 0, track_stock = 1 WHERE product_id = ?1", [id])
        .unwrap();
    let edit = format!("/admin/products/{id}");
    let html = app.page(&edit).await.1;
    let mut form = Form::new().text("csrf", csrf_from(&html).unwrap()).text("alt", "Kurta, front");
    for shade in [40, 120, 200] {
        form = form.part("photos", Part::bytes(png(1200, 1500, shade)).file_name(format!("k{shade}.png")));
    }
    let res = app.client.post(app.url(&format!("{edit}/images"))).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), reqwest::StatusCode::SEE_OTHER);
    assert_eq!(app.count(&format!("SELECT count(*) FROM images WHERE product_id = {id}")), 3);

    b.goto(&app.url(&format!("/p/{slug}"))).await.unwrap();
    assert_eq!(heading(b).await, title);
    let (_, _, _, header_h) = b.find(Locator::Css("header.site-header")).await.unwrap().rectangle().await.unwrap();
    assert!(header_h < 80.0, "the header is one row: {header_h}px high");
    let (_, y, _, h) = b.find(Locator::Css("form.buy button.primary")).await.unwrap().rectangle().await.unwrap();
    assert!(y + h <= 844.0, "\"Add to cart\" ends at {}px, below the 844px screen", y + h);
    let (_, y, _, _) =
        b.find(Locator::Css("form.buy fieldset, form.buy select")).await.unwrap().rectangle().await.unwrap();
    assert!(y < 844.0, "the variant choice starts on the first screen");
    // The photos: a row, the first fetched first, each with its size.
    let imgs = b.find_all(Locator::Css(".gallery img")).await.unwrap();
    assert_eq!(imgs.len(), 3);
    assert_eq!(imgs[0].attr("fetchpriority").await.unwrap().as_deref(), Some("high"));
    for img in &imgs {
        assert_eq!(img.attr("width").await.unwrap().as_deref(), Some("1200"));
        assert_eq!(img.attr("height").await.unwrap().as_deref(), Some("1500"));
    }
    let (x0, y0, _, _) = imgs[0].rectangle().await.unwrap();
    let (x1, y1, _, _) = imgs[1].rectangle().await.unwrap();
    assert!(x1 > x0 && (y1 - y0).abs() < 1.0, "side by side: ({x0}, {y0}) then ({x1}, {y1})");
    harness::assert_accessible(b, "a product page on a phone").await;

    // The home page's header too; a collection has a description for search and link previews.
    b.goto(&app.url("/")).await.unwrap();
    let (_, _, _, header_h) = b.find(Locator::Css("header.site-header")).await.unwrap().rectangle().await.unwrap();
    assert!(header_h < 80.0, "one row on the home page: {header_h}px");
    assert!(b.find(Locator::Css("a.search-link")).await.unwrap().is_displayed().await.unwrap());
    let collection: String = app.db().query_row("SELECT slug FROM collections LIMIT 1", [], |r| r.get(0)).unwrap();
    let html = app.get(&format!("/c/{collection}")).await.text().await.unwrap();
    assert!(html.contains("<meta name=\"description\" content=\""), "a collection's meta description");
    harness::assert_valid_html(&[
        ("a product page".into(), app.get(&format!("/p/{slug}")).await.text().await.unwrap()),
        ("a collection".into(), html),
    ]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_admin_works_on_a_phone() {
    let Some(chromium) = harness::launch("the_admin_works_on_a_phone").await else {
        return;
    };
    let b = &chromium.client;
    b.set_window_size(390, 844).await.unwrap();
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    b.goto(&app.url("/admin/login")).await.unwrap();
    super::fill(b, "#f-email", OWNER_EMAIL).await;
    super::fill(b, "#f-password", OWNER_PASSWORD).await;
    super::submit_and_wait(b, "form[action='/admin/login']").await;
    let id: i64 =
        app.db().query_row("SELECT id FROM products WHERE slug = 'chikankari-cotton-kurta'", [], |r| r.get(0)).unwrap();
    b.goto(&app.url(&format!("/admin/products/{id}"))).await.unwrap();
    let js = |script: &'static str| async move { b.execute(script, vec![]).await.unwrap() };

    // The menu scrolls sideways: every item can be reached, none is cut off by the page.
    let nav = js("const n = document.querySelector('.admin-header nav'); const s = getComputedStyle(n);
        return [s.overflowX, n.scrollWidth >= n.querySelector('ul').scrollWidth, document.documentElement.scrollWidth <= window.innerWidth];").await;
    assert_eq!(nav, serde_json::json!(["auto", true, true]), "the menu scrolls; the page does not overflow");
    // The variant grid scrolls inside its box instead of clipping columns or widening the page.
    let grid = js("const w = document.querySelector('.table-wrap'); return [getComputedStyle(w).overflowX, w.scrollWidth > w.clientWidth];").await;
    assert_eq!(grid, serde_json::json!(["auto", true]));
    // A checkbox is a checkbox beside its label.
    let check = js("const i = document.querySelector('input[name=collection]'); const l = document.querySelector('label[for=' + i.id + ']');
        const a = i.getBoundingClientRect(), c = l.getBoundingClientRect();
        return [Math.round(a.width) <= 32, Math.abs((a.top + a.bottom) / 2 - (c.top + c.bottom) / 2) < 12, c.left > a.right];").await;
    assert_eq!(check, serde_json::json!([true, true, true]), "checkbox and label side by side");
    harness::assert_accessible(b, "the product form on a phone").await;
}

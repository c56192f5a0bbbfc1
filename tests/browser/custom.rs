//! Issue 13, part 6: a customer asks for a custom order on a phone with a reference photo, the
//! seller quotes it from the admin, and the customer accepts it and lands on their new order;
//! every new page passes axe-core and the HTML checker.

use super::common::*;
use super::{click_and_wait, fill, harness, heading, submit_and_wait};
use fantoccini::Locator;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_custom_request_is_quoted_and_accepted() {
    let Some(chromium) = harness::launch("a_custom_request_is_quoted_and_accepted").await else {
        return;
    };
    let b = &chromium.client;
    b.set_window_size(390, 844).await.unwrap();
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("ring.png");
    image::RgbImage::from_fn(600, 400, |x, y| image::Rgb([(x % 250) as u8, (y % 250) as u8, 90])).save(&photo).unwrap();

    // The customer's request, with a photo, from the link in the shop's footer.
    b.goto(&app.url("/")).await.unwrap();
    click_and_wait(b, "footer a[href='/custom']").await;
    assert_eq!(heading(b).await, "Request a custom order");
    harness::assert_accessible(b, "the custom request form").await;
    submit_and_wait(b, "form[action='/custom']").await;
    assert_eq!(heading(b).await, "Request a custom order");
    harness::assert_accessible(b, "the request form refused").await;

    fill(b, "#f-description", "A silver ring engraved with Anya, size 12").await;
    fill(b, "#f-quantity", "2").await;
    fill(b, "#f-name", "Meera Iyer").await;
    fill(b, "#f-phone", "98123 45678").await;
    b.find(Locator::Css("#f-photos")).await.unwrap().send_keys(photo.to_str().unwrap()).await.unwrap();
    submit_and_wait(b, "form[action='/custom']").await;
    assert_eq!(heading(b).await, "Your request Q-1001");
    assert!(b.source().await.unwrap().contains("/q/Q-1001/photos/"), "the photo is on the page");
    harness::assert_accessible(b, "a request waiting for its quote").await;
    let link = b.current_url().await.unwrap().to_string();
    let path = link.strip_prefix(&app.url("")).unwrap().to_string();
    let c = browser();
    let mut pages =
        vec![("a request waiting for its quote".to_string(), app.get_as(&c, &path).await.text().await.unwrap())];

    // The seller quotes it.
    b.goto(&app.url("/admin/login")).await.unwrap();
    fill(b, "#f-email", OWNER_EMAIL).await;
    fill(b, "#f-password", OWNER_PASSWORD).await;
    submit_and_wait(b, "form[action='/admin/login']").await;
    b.goto(&app.url("/admin/custom")).await.unwrap();
    assert_eq!(heading(b).await, "Custom orders");
    harness::assert_accessible(b, "the custom-order queue").await;
    click_and_wait(b, "a[href='/admin/custom/Q-1001']").await;
    assert_eq!(heading(b).await, "Custom request Q-1001");
    harness::assert_accessible(b, "a request to quote").await;
    fill(b, "#f-unit_price", "1400").await;
    fill(b, "#f-delivery_fee", "150").await;
    fill(b, "#f-delivery_time", "Ready in 10 days").await;
    click_and_wait(b, "button[name=send][value=save]").await;
    assert!(b.find(Locator::Css(".flash")).await.unwrap().text().await.unwrap().contains("Quote saved"));
    harness::assert_accessible(b, "a quoted request").await;

    // The customer accepts it and lands on the order.
    b.goto(&link).await.unwrap();
    assert_eq!(heading(b).await, "Your request Q-1001");
    assert!(b.source().await.unwrap().contains("₹2,950.00"));
    harness::assert_accessible(b, "a quote to answer").await;
    pages.push(("a quote to answer".into(), app.get_as(&c, &path).await.text().await.unwrap()));
    b.find(Locator::Css("#delivery-standard")).await.unwrap().click().await.unwrap();
    fill(b, "#f-line1", "4 Lake View Road").await;
    fill(b, "#f-city", "Jaipur").await;
    fill(b, "#f-postal_code", "302001").await;
    b.find(Locator::Css("#payment-upi")).await.unwrap().click().await.unwrap();
    submit_and_wait(b, "form[action='/q/Q-1001/accept']").await;
    let h1 = heading(b).await;
    assert!(h1.starts_with("Order "), "{h1}");
    assert!(b.source().await.unwrap().contains("Custom order Q-1001"));
    harness::assert_accessible(b, "the order made from the quote").await;

    // The other new pages' HTML, through HTTP.
    let html = app.get_as(&c, "/custom").await.text().await.unwrap();
    let form = reqwest::multipart::Form::new().text("csrf", csrf_from(&html).unwrap()).text("name", "");
    let refused = c.post(app.url("/custom")).multipart(form).send().await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::UNPROCESSABLE_ENTITY);
    pages.push(("the request form refused".into(), refused.text().await.unwrap()));
    pages.push(("/custom".to_string(), app.get_as(&c, "/custom").await.text().await.unwrap()));
    pages.push(("an accepted request".into(), app.get_as(&c, &path).await.text().await.unwrap()));
    pages.push(("a wrong link".into(), app.get_as(&c, "/q/Q-1001?t=00").await.text().await.unwrap()));
    for p in ["/admin/custom", "/admin/custom?status=accepted", "/admin/custom/Q-1001", "/admin/settings"] {
        pages.push((p.to_string(), app.page(p).await.1));
    }
    harness::assert_valid_html(&pages);
}

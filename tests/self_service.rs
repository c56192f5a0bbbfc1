//! Issue 13, part 3: order self-service through the magic link, by status: ask to cancel, to change
//! the address, to return; confirm delivery; rate. The seller's queue approves or declines with a
//! reason and the customer is told; refusals name what is still possible; "Lost your link?".

mod common;

use common::*;
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

async fn shop() -> (TestApp, String) {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let res = app.submit("/admin/settings/orders", "/admin/settings/orders", &[("placements_per_hour", "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app.submit("/admin/settings/api", "/admin/settings/api", &[("name", "Desk"), ("scope", "write")]).await;
    let html = res.text().await.unwrap();
    let at = html.find("value=\"souk_").unwrap() + 7;
    (app, html[at..at + 69].to_string())
}

/// Places an order; returns its code and the path of its manage link.
async fn place(app: &TestApp, qty: i64) -> (String, String) {
    let sku = shop::stock(app, "canvas-tote", 30);
    let body = json!({"items": [{"sku": sku, "quantity": qty}],
        "customer": {"name": "Meera Iyer", "phone": "+919812345678", "email": "meera@example.com"},
        "delivery": {"method": "standard", "address": {"line1": "4 Lake View Road", "city": "Jaipur", "postal_code": "302001", "country": "IN"}},
        "payment": {"method": "upi"}});
    let placed: Value =
        Client::new().post(app.url("/api/v1/orders")).json(&body).send().await.unwrap().json().await.unwrap();
    let link = placed["tracking_url"].as_str().unwrap().strip_prefix(&app.url("")).unwrap().to_string();
    (placed["code"].as_str().unwrap().to_string(), link)
}

async fn step(app: &TestApp, token: &str, code: &str, body: Value) {
    let path = format!("/api/v1/admin/orders/{code}/transitions");
    let res = Client::new().post(app.url(&path)).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK, "{body}");
}

/// Submits a form of the order page as the customer; returns the status and the page it leads to.
async fn on_page(
    app: &TestApp,
    customer: &Client,
    link: &str,
    action: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, String) {
    let token = link.split("t=").nth(1).unwrap();
    let mut all = vec![("t", token)];
    all.extend_from_slice(fields);
    let res = app.submit_as(customer, link, action, &all).await;
    let status = res.status();
    if status == StatusCode::SEE_OTHER {
        let to = location(&res);
        return (status, app.get_as(customer, &to).await.text().await.unwrap());
    }
    (status, res.text().await.unwrap())
}

/// The page's main content without its QR code: enough to see why an assertion failed.
fn main_of(page: &str) -> String {
    let main = page.split("<main").nth(1).unwrap_or(page);
    let cut = match (main.find("<div class=\"qr\""), main.find("</svg></div>")) {
        (Some(a), Some(b)) => format!("{}{}", &main[..a], &main[b..]),
        _ => main.to_string(),
    };
    cut.chars().take(4000).collect()
}

fn status_of(app: &TestApp, code: &str) -> String {
    app.db().query_row("SELECT status FROM orders WHERE code = ?1", [code], |r| r.get(0)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_wait_for_the_seller_who_approves_or_declines_and_the_customer_is_told() {
    let (app, token) = shop().await;
    let customer = browser();
    let (code, link) = place(&app, 2).await;
    let requests = format!("/o/{code}/requests");
    // Before confirmation the customer cancels by themselves; changing the address is a request.
    let page = app.get_as(&customer, &link).await.text().await.unwrap();
    assert!(page.contains("Need something?") && page.contains("Ask to change the delivery address"));
    assert!(!page.contains("Ask to cancel"), "an unconfirmed order is cancelled directly");
    step(&app, &token, &code, json!({"to": "pending"})).await;
    step(&app, &token, &code, json!({"to": "confirmed"})).await;
    let page = app.get_as(&customer, &link).await.text().await.unwrap();
    assert!(page.contains("Ask to cancel") && page.contains("Ask to change the delivery address"));

    // A new address without a street: the form again, with the message, nothing stored.
    let (status, page) =
        on_page(&app, &customer, &link, &requests, &[("kind", "address"), ("line1", ""), ("city", "Pune")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Enter the street and house number."), "{}", main_of(&page));
    assert_eq!(app.count("SELECT count(*) FROM order_requests"), 0);
    let fields = [
        ("kind", "address"),
        ("line1", "5 Hill Road"),
        ("city", "Pune"),
        ("postal_code", "411001"),
        ("message", "Ring twice"),
    ];
    let (status, page) = on_page(&app, &customer, &link, &requests, &fields).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(
        page.contains("Your request is with the shop") && page.contains("Waiting for the shop"),
        "{}",
        main_of(&page)
    );
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'seller_request'"), 1, "the seller hears of it");
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'order.request' AND actor = 'customer'"), 1);

    // The seller's queue: declining needs a reason; approving changes the address.
    let (_, queue) = app.page("/admin/orders/requests").await;
    assert!(
        queue.contains(&code) && queue.contains("5 Hill Road, Pune, 411001") && queue.contains("Ring twice"),
        "{queue}"
    );
    let id = app.count("SELECT id FROM order_requests");
    let answer = format!("/admin/requests/{id}/answer");
    let res = app.submit("/admin/orders/requests", &answer, &[("decision", "decline"), ("reason", "")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("Say why; the customer reads it."));
    let res = app
        .submit(
            "/admin/orders/requests",
            &answer,
            &[("decision", "approve"), ("back", &format!("/admin/orders/{code}"))],
        )
        .await;
    assert_eq!((res.status(), location(&res)), (StatusCode::SEE_OTHER, format!("/admin/orders/{code}")));
    let city: String = app.db().query_row("SELECT city FROM orders WHERE code = ?1", [&code], |r| r.get(0)).unwrap();
    assert_eq!(city, "Pune");
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'request_answered'"), 1, "the customer is told");
    let page = app.get_as(&customer, &link).await.text().await.unwrap();
    assert!(page.contains("<strong>Change the delivery address</strong> — Approved"), "{}", main_of(&page));
    // Answered once: a second answer is refused.
    let res = app.submit("/admin/orders/requests", &answer, &[("decision", "decline"), ("reason", "late")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.count("SELECT count(*) FROM order_requests WHERE status = 'approved'"), 1);

    // Asking to cancel: a reason is needed; the seller declines with one, then a second ask is approved.
    let (status, _) = on_page(&app, &customer, &link, &requests, &[("kind", "cancel"), ("message", " ")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    on_page(&app, &customer, &link, &requests, &[("kind", "cancel"), ("message", "Ordered twice")]).await;
    let id = app.count("SELECT max(id) FROM order_requests");
    let answer = format!("/admin/requests/{id}/answer");
    let res = app
        .submit("/admin/orders/requests", &answer, &[("decision", "decline"), ("reason", "It is already packed")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get_as(&customer, &link).await.text().await.unwrap();
    assert!(page.contains("<strong>Cancel the order</strong> — Declined: It is already packed"), "{}", main_of(&page));
    let (status, page) =
        on_page(&app, &customer, &link, &requests, &[("kind", "cancel"), ("message", "Ordered twice, really")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{}", main_of(&page));
    let id = app.count("SELECT max(id) FROM order_requests");
    let res =
        app.submit("/admin/orders/requests", &format!("/admin/requests/{id}/answer"), &[("decision", "approve")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, after) = app.page(&location(&res)).await;
    assert!(after.contains("is approved"), "{}", main_of(&after));
    assert_eq!(status_of(&app, &code), "cancelled");
    let reason: String =
        app.db().query_row("SELECT cancel_reason FROM orders WHERE code = ?1", [&code], |r| r.get(0)).unwrap();
    assert_eq!(reason, "at the customer's request", "their own words stay with the request");
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'request_answered'"), 3);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'order.request_answered'"), 3);
    // A view-only link asks nothing.
    let res =
        app.submit_as(&customer, &link, &format!("/o/{code}/share"), &[("t", link.split("t=").nth(1).unwrap())]).await;
    let shared = res.text().await.unwrap();
    let at = shared.find(&format!("/o/{code}?t=")).unwrap();
    let view_token = &shared[at + code.len() + 6..at + code.len() + 6 + 64];
    let res =
        app.submit_as(&customer, &link, &requests, &[("t", view_token), ("kind", "return"), ("message", "x")]).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_shipping_the_customer_confirms_delivery_rates_and_may_ask_for_a_return() {
    let (app, token) = shop().await;
    let customer = browser();
    let (code, link) = place(&app, 1).await;
    for to in ["pending", "confirmed"] {
        step(&app, &token, &code, json!({"to": to})).await;
    }
    // An open address request is closed when the order ships.
    on_page(
        &app,
        &customer,
        &link,
        &format!("/o/{code}/requests"),
        &[("kind", "address"), ("line1", "1 New St"), ("city", "Agra")],
    )
    .await;
    step(&app, &token, &code, json!({"to": "shipped", "courier": "India Post", "tracking_number": "EE123456789IN"}))
        .await;
    assert_eq!(
        app.count(
            "SELECT count(*) FROM order_requests WHERE status = 'declined' AND answer = 'The order is shipped now.'"
        ),
        1
    );

    // Too late to cancel: the refusal names what is still possible.
    let (_, page) = on_page(
        &app,
        &customer,
        &link,
        &format!("/o/{code}/requests"),
        &[("kind", "cancel"), ("message", "Changed my mind")],
    )
    .await;
    assert!(
        page.contains("This order is shipped: it is too late to ask the shop to cancel it. What you can still do: confirm that it arrived."),
        "{}", main_of(&page)
    );
    assert_eq!(app.count("SELECT count(*) FROM order_requests WHERE kind = 'cancel'"), 0);
    // A rating before delivery is refused too.
    let (_, page) = on_page(&app, &customer, &link, &format!("/o/{code}/rating"), &[("stars", "5")]).await;
    assert!(page.contains("You cannot rate it now"), "{}", main_of(&page));

    let (status, page) = on_page(&app, &customer, &link, &format!("/o/{code}/delivered"), &[]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(page.contains("Thank you for confirming that it arrived."));
    assert_eq!(status_of(&app, &code), "delivered");
    assert_eq!(
        app.count(
            "SELECT count(*) FROM order_events WHERE note = 'Delivery confirmed by the customer' AND actor = 'customer'"
        ),
        1
    );

    // Rating: 1 to 5 stars, once.
    let (status, page) =
        on_page(&app, &customer, &link, &format!("/o/{code}/rating"), &[("stars", "6"), ("comment", "Great")]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("Choose from 1 to 5 stars.") && page.contains("Great"), "the comment is kept");
    let (status, page) =
        on_page(&app, &customer, &link, &format!("/o/{code}/rating"), &[("stars", "4"), ("comment", "Sturdy tote")])
            .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    assert!(page.contains("Your rating: <strong>4 of 5</strong> — “Sturdy tote”"), "{}", main_of(&page));
    let (_, page) = on_page(&app, &customer, &link, &format!("/o/{code}/rating"), &[("stars", "1")]).await;
    assert!(page.contains("You cannot rate it now"));
    assert_eq!(app.count("SELECT stars FROM order_ratings"), 4);
    let (_, desk) = app.page(&format!("/admin/orders/{code}")).await;
    assert!(desk.contains("Rated <strong>4 of 5</strong>"), "the seller sees it");

    // Reviews: the stars count on the product's page at once (and in its data); the comment shows
    // once the seller publishes it, with the first name, and goes when withdrawn.
    let product = || async { app.get("/p/canvas-tote").await.text().await.unwrap() };
    let page = product().await;
    assert!(page.contains("<strong>4.0 out of 5</strong> · 1 rating"), "{}", main_of(&page));
    assert!(
        page.contains(r#""aggregateRating":{"#)
            && page.contains(r#""ratingValue":"4.0""#)
            && page.contains(r#""ratingCount":1"#)
    );
    assert!(!page.contains("Sturdy tote") && !page.contains(r#""review":"#));
    let (_, reviews) = app.page("/admin/reviews").await;
    assert!(reviews.contains("Sturdy tote") && reviews.contains("Publish on the product pages"));
    let res = app.submit("/admin/reviews", &format!("/admin/reviews/{code}/publish"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = product().await;
    assert!(page.contains("<blockquote>Sturdy tote</blockquote>") && page.contains("Meera, "), "{}", main_of(&page));
    assert!(
        page.contains(r#""author":{"@type":"Person","name":"Meera"}"#)
            && page.contains(r#""reviewBody":"Sturdy tote""#)
    );
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'review.published'"), 1);
    let res = app.submit("/admin/reviews", &format!("/admin/reviews/{code}/withdraw"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(!product().await.contains("Sturdy tote"));

    // A return within the window; the seller approves; marking it returned later keeps it approved.
    let (status, _) = on_page(
        &app,
        &customer,
        &link,
        &format!("/o/{code}/requests"),
        &[("kind", "return"), ("message", "Too small")],
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let id = app.count("SELECT id FROM order_requests WHERE kind = 'return'");
    let res = app
        .submit(&format!("/admin/orders/{code}"), &format!("/admin/requests/{id}/answer"), &[("decision", "approve")])
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, &code), "delivered", "a return is agreed; the parcel is not back yet");
    let page = app.get_as(&customer, &link).await.text().await.unwrap();
    assert!(page.contains("<strong>Return it</strong> — Approved"), "{}", main_of(&page));
    // After the window, no return can be asked for.
    let (code2, link2) = place(&app, 3).await;
    for to in ["pending", "confirmed"] {
        step(&app, &token, &code2, json!({"to": to})).await;
    }
    step(&app, &token, &code2, json!({"to": "shipped", "courier": "India Post", "tracking_number": "EE123456780IN"}))
        .await;
    step(&app, &token, &code2, json!({"to": "delivered"})).await;
    app.state.clock.advance(chrono::Duration::days(8));
    let (_, page) =
        on_page(&app, &customer, &link2, &format!("/o/{code2}/requests"), &[("kind", "return"), ("message", "Late")])
            .await;
    assert!(
        page.contains("The time to ask for a return has passed") && page.contains("What you can still do: rate it."),
        "{}",
        main_of(&page)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_link_goes_to_the_order_s_email_with_the_same_answer_for_any_code() {
    let (app, _) = shop().await;
    let (code, _) = place(&app, 1).await;
    let visitor = browser();
    let (status, form) = (app.get_as(&visitor, "/o/lost").await.status(), "/o/lost");
    assert_eq!(status, StatusCode::OK);
    let res = app.submit_as(&visitor, form, form, &[("code", ""), ("phone", "12")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = res.text().await.unwrap();
    assert!(page.contains("Enter the order code"), "{}", main_of(&page));

    let ask = |code: String, phone: &'static str| {
        let (app, visitor) = (&app, &visitor);
        async move {
            let res = app.submit_as(visitor, form, form, &[("code", &code), ("phone", phone)]).await;
            (res.status(), res.text().await.unwrap().replace(&code.to_uppercase(), "CODE"))
        }
    };
    let (status, right) = ask(code.to_lowercase(), "98123 45678").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'order_link' AND to_addr = 'meera@example.com'"), 1);
    let (_, wrong_phone) = ask(code.clone(), "98123 00000").await;
    let (_, no_order) = ask("ORD-9999".into(), "98123 45678").await;
    let strip = |p: &str| p.split("name=\"csrf\"").next().unwrap().to_string();
    assert_eq!(strip(&right), strip(&wrong_phone), "the same answer");
    assert_eq!(strip(&right), strip(&no_order), "the same answer");
    assert!(right.contains("Ask the shop on WhatsApp"));
    assert_eq!(
        app.count("SELECT count(*) FROM outbox WHERE kind = 'order_link'"),
        1,
        "only the right number gets a link"
    );
    // Three asks an hour per order code and number, whether or not such an order exists; someone
    // with only the code (the wrong number) used none of the customer's.
    for sent in [2, 3] {
        let (status, _) = ask(code.clone(), "98123 45678").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'order_link'"), sent);
    }
    let (status, _) = ask(code.clone(), "98123 45678").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.count("SELECT count(*) FROM outbox WHERE kind = 'order_link'"), 3);
}

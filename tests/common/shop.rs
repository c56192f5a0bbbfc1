//! A shopper's moves on the demo shop: stock a variant, fill a cart, post the checkout.

use reqwest::{Client, Response, StatusCode};

use super::{TestApp, csrf_from, location};

/// The first variant of a product with this much stock on hand, none reserved and no per-order
/// limit; returns its SKU.
pub fn stock(app: &TestApp, slug: &str, on_hand: i64) -> String {
    let db = app.db();
    let sku: String = db
        .query_row(
            "SELECT v.sku FROM variants v JOIN products p ON p.id = v.product_id WHERE p.slug = ?1 ORDER BY v.position LIMIT 1",
            [slug],
            |r| r.get(0),
        )
        .unwrap();
    db.execute(
        "UPDATE variants SET on_hand = ?2, reserved = 0, track_stock = 1, allow_backorder = 0, max_per_order = NULL WHERE sku = ?1",
        rusqlite::params![sku, on_hand],
    )
    .unwrap();
    db.execute(
        "INSERT INTO stock_ledger (variant_id, delta, reason, actor, at)
         SELECT id, ?2 - (SELECT coalesce(sum(delta), 0) FROM stock_ledger WHERE variant_id = variants.id), 'test', 'test', '2026-01-01T00:00:00.000Z'
         FROM variants WHERE sku = ?1",
        rusqlite::params![sku, on_hand],
    )
    .unwrap();
    sku
}

/// The price of a variant, in minor units.
pub fn price_of(app: &TestApp, sku: &str) -> i64 {
    app.db().query_row("SELECT price FROM variants WHERE sku = ?1", [sku], |r| r.get(0)).unwrap()
}

/// Posts the product page's "Add to cart" form.
pub async fn add(app: &TestApp, client: &Client, sku: &str, qty: &str) -> Response {
    client.post(app.url("/cart/add")).form(&[("sku", sku), ("quantity", qty)]).send().await.unwrap()
}

/// The value of the hidden (or any) input named `name`.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {name} in the page"));
    let rest = &html[at + marker.len()..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// The demo customer's checkout form: courier to Jaipur (the same-city zone), paid by UPI.
pub const CUSTOMER: &[(&str, &str)] = &[
    ("name", "Asha"),
    ("phone", "+919988776655"),
    ("delivery", "standard"),
    ("line1", "12 Hawa Mahal Road"),
    ("city", "Jaipur"),
    ("region", "Rajasthan"),
    ("postal_code", "302002"),
    ("payment", "upi"),
];

/// `CUSTOMER` with some fields replaced (or added).
pub fn customer_with(changes: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut fields: Vec<_> = CUSTOMER.iter().copied().filter(|(k, _)| !changes.iter().any(|(c, _)| c == k)).collect();
    fields.extend_from_slice(changes);
    fields
}

/// Opens the checkout like a browser and posts it with `fields` (and the page's CSRF token and key).
pub async fn checkout(app: &TestApp, client: &Client, fields: &[(&str, &str)]) -> Response {
    let html = app.get_as(client, "/checkout").await.text().await.unwrap();
    let (csrf, key) = (csrf_from(&html).expect("a checkout form"), hidden(&html, "key"));
    let mut all = vec![("csrf", csrf.as_str()), ("key", key.as_str())];
    all.extend_from_slice(fields);
    client.post(app.url("/checkout")).form(&all).send().await.unwrap()
}

/// The `href` of the first link whose address starts with `prefix`, with `&amp;` read back as `&`.
pub fn href(html: &str, prefix: &str) -> Option<String> {
    let at = html.find(&format!("href=\"{prefix}"))? + "href=\"".len();
    let rest = &html[at..];
    Some(rest[..rest.find('"')?].replace("&amp;", "&"))
}

/// Issue 11 (post/redirect/get): a checkout post that placed nothing answers 303 back to
/// GET /checkout, which shows the form as typed with its messages; returns that page.
pub async fn shown_again(app: &TestApp, client: &Client, res: Response) -> String {
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "the form again, by GET: {}", res.text().await.unwrap());
    assert_eq!(location(&res), "/checkout");
    let page = app.get_as(client, "/checkout").await;
    assert_eq!(page.status(), StatusCode::OK);
    page.text().await.unwrap()
}

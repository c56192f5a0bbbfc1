//! Managing products in the admin: the form and its variants grid, stock, bulk status (issue 3).

mod common;

use common::*;
use reqwest::StatusCode;

async fn owner_app() -> TestApp {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    app
}

fn kurta_form<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut f = vec![
        ("title", "Indigo Block-print Kurta"),
        ("status", "active"),
        ("description_md", "Soft **cotton**."),
        ("tags", "cotton, summer"),
        ("option1", "Size"),
        ("v0_o1", "M"),
        ("v0_sku", "ik-m"),
        ("v0_price", "1,299"),
        ("v0_track", "1"),
        ("v0_stock", "4"),
        ("v1_o1", "L"),
        ("v1_sku", "IK-L"),
        ("v1_price", "1399.50"),
        ("v1_compare", "1799"),
        ("v1_track", "1"),
    ];
    f.extend_from_slice(extra);
    f
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seller_adds_a_product_that_appears_in_the_shop() {
    let app = owner_app().await;
    // Mistakes come back with messages where they are, and nothing is stored.
    let bad = kurta_form(&[
        ("v2_o1", "M"),
        ("v2_sku", "IK-M"),
        ("v2_price", "lots"),
        ("v0_weight", "half a kilo"),
        ("v1_barcode", "890 123"),
    ]);
    let res = app.submit("/admin/products/new", "/admin/products/new", &bad).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("IK-M appears twice"));
    assert!(html.contains("Enter a price like 1299"));
    assert!(html.contains("Grams as a whole number") && html.contains("Digits and letters only"));
    assert!(html.contains("value=\"Indigo Block-print Kurta\""), "what was typed is kept");
    assert_eq!(app.count("SELECT count(*) FROM products"), 0);

    let good = kurta_form(&[("v0_weight", "450"), ("v0_barcode", "8901234567890")]);
    let res = app.submit("/admin/products/new", "/admin/products/new", &good).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let edit = location(&res);
    assert!(edit.starts_with("/admin/products/"));
    let (_, html) = app.page(&edit).await;
    assert!(html.contains("Product saved."));
    assert!(html.contains("IK-M") && html.contains("4 on hand"));
    assert!(html.contains("value=\"450\"") && html.contains("value=\"8901234567890\""), "weight and barcode kept");

    let (status, page) = app.page("/p/indigo-block-print-kurta?o1=L").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("$1,399.50") && page.contains("$1,799.00"), "price and was-price");
    let (_, found) = app.page("/search?q=ik-l").await;
    assert!(found.contains("Indigo Block-print Kurta"), "the SKU is searchable at once");
    assert_eq!(app.count("SELECT count(*) FROM stock_ledger WHERE reason = 'initial stock' AND delta = 4"), 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'product.create'"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generate_makes_a_row_for_every_combination() {
    let app = owner_app().await;
    let form = [
        ("title", "Tee"),
        ("status", "draft"),
        ("option1", "Size"),
        ("option2", "Colour"),
        ("gen1", "S, M"),
        ("gen2", "Red, Sea Blue"),
        ("gen_prefix", "tee"),
        ("gen_price", "499"),
        ("action", "generate"),
    ];
    let res = app.submit("/admin/products/new", "/admin/products/new", &form).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    for sku in ["TEE-S-RED", "TEE-S-SEA-BLUE", "TEE-M-RED", "TEE-M-SEA-BLUE"] {
        assert!(html.contains(&format!("value=\"{sku}\"")), "{sku}");
    }
    assert_eq!(app.count("SELECT count(*) FROM products"), 0, "nothing saved until Save");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editing_checks_slugs_and_skus_across_products() {
    let app = owner_app().await;
    app.submit("/admin/products/new", "/admin/products/new", &kurta_form(&[])).await;
    let other = [("title", "Plain Tee"), ("status", "active"), ("v0_sku", "TEE-1"), ("v0_price", "299")];
    let res = app.submit("/admin/products/new", "/admin/products/new", &other).await;
    let tee = location(&res);
    // A SKU or web address of another product is refused, naming it.
    let res = app
        .submit(&tee, &tee, &[("title", "Plain Tee"), ("status", "active"), ("v0_sku", "ik-m"), ("v0_price", "299")])
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("IK-M is already a SKU of “Indigo Block-print Kurta”"));
    let res = app
        .submit(
            &tee,
            &tee,
            &[
                ("title", "Plain Tee"),
                ("slug", "indigo-block-print-kurta"),
                ("status", "active"),
                ("v0_sku", "TEE-1"),
                ("v0_price", "299"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text().await.unwrap().contains(
            "/p/indigo-block-print-kurta is taken: “Indigo Block-print Kurta” already uses this web address."
        )
    );

    // Change a price, delete a variant, add one.
    let kurta_id: i64 = app
        .db()
        .query_row("SELECT id FROM products WHERE slug = 'indigo-block-print-kurta'", [], |r| r.get(0))
        .unwrap();
    let (m, l): (i64, i64) = app
        .db()
        .query_row(
            "SELECT (SELECT id FROM variants WHERE sku = 'IK-M'), (SELECT id FROM variants WHERE sku = 'IK-L')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let path = format!("/admin/products/{kurta_id}");
    let (m, l) = (m.to_string(), l.to_string());
    let form = [
        ("title", "Indigo Block-print Kurta"),
        ("status", "active"),
        ("option1", "Size"),
        ("v0_id", &m),
        ("v0_o1", "M"),
        ("v0_sku", "IK-M"),
        ("v0_price", "1099"),
        ("v0_track", "1"),
        ("v1_id", &l),
        ("v1_o1", "L"),
        ("v1_sku", "IK-L"),
        ("v1_price", "1399.50"),
        ("v1_remove", "1"),
        ("v2_o1", "XL"),
        ("v2_sku", "IK-XL"),
        ("v2_price", "1499"),
        ("v2_track", "1"),
    ];
    // A variant whose units an open order holds cannot be deleted: nothing of the edit is saved.
    app.db().execute("UPDATE variants SET reserved = 1 WHERE sku = 'IK-L'", []).unwrap();
    let res = app.submit(&path, &path, &form).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("IK-L cannot be deleted while open orders hold units of it"));
    assert_eq!(app.count("SELECT count(*) FROM variants WHERE sku IN ('IK-L', 'IK-M') AND price != 109900"), 2);
    app.db().execute("UPDATE variants SET reserved = 0 WHERE sku = 'IK-L'", []).unwrap();
    let res = app.submit(&path, &path, &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let skus: Vec<(String, i64)> = app
        .db()
        .prepare("SELECT sku, price FROM variants WHERE product_id = ?1 ORDER BY position")
        .unwrap()
        .query_map([kurta_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(skus, [("IK-M".to_string(), 109900), ("IK-XL".to_string(), 149900)]);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'product.update'"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stock_changes_go_through_the_ledger_and_never_below_zero() {
    let app = owner_app().await;
    let res = app.submit("/admin/products/new", "/admin/products/new", &kurta_form(&[])).await;
    let path = location(&res);
    let vid: i64 = app.db().query_row("SELECT id FROM variants WHERE sku = 'IK-M'", [], |r| r.get(0)).unwrap();
    let stock = format!("{path}/stock");
    let v = vid.to_string();
    let res = app.submit(&path, &stock, &[("variant", &v), ("delta", "+10"), ("reason", "received from weaver")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let res = app.submit(&path, &stock, &[("variant", &v), ("delta", "-100"), ("reason", "oops")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page(&path).await;
    assert!(html.contains("cannot go below zero"));
    let on_hand: i64 = app.db().query_row("SELECT on_hand FROM variants WHERE id = ?1", [vid], |r| r.get(0)).unwrap();
    assert_eq!(on_hand, 14);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM stock_ledger WHERE reason = 'received from weaver' AND actor = 'asha@example.com'"
        ),
        1
    );
    assert!(souk::db::catalog::ledger_mismatches(&app.db()).unwrap().is_empty());
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action = 'stock.adjust'"), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_archive_hides_products_and_the_list_filters() {
    let app = TestApp::spawn_demo().await;
    let hash = souk::domain::auth::hash_password("saffron-bicycle-77");
    // Staff manage products too.
    souk::app::accounts::create_user(&app.db(), OWNER_EMAIL, "Asha", souk::domain::auth::Role::Owner, &hash).unwrap();
    souk::app::accounts::create_user(&app.db(), "ravi@example.com", "Ravi", souk::domain::auth::Role::Staff, &hash)
        .unwrap();
    app.login_as(&app.client, "ravi@example.com", "saffron-bicycle-77").await;
    let (status, html) = app.page("/admin/products?q=kurta").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(html.matches("name=\"id\"").count(), 3, "three demo titles say Kurta");
    let ids: Vec<String> = app
        .db()
        .prepare("SELECT id FROM products WHERE title LIKE '%Saree%'")
        .unwrap()
        .query_map([], |r| r.get::<_, i64>(0))
        .unwrap()
        .map(|r| r.unwrap().to_string())
        .collect();
    let mut form: Vec<(&str, &str)> = ids.iter().map(|i| ("id", i.as_str())).collect();
    form.push(("action", "archive"));
    let res = app.submit("/admin/products", "/admin/products/bulk", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/p/chanderi-silk-saree").await.status(), StatusCode::NOT_FOUND);
    let (_, html) = app.page("/admin/products?status=archived").await;
    assert_eq!(html.matches("name=\"id\"").count(), 6);
    let (_, html) = app.page("/admin/products?stock=out").await;
    assert!(html.matches("name=\"id\"").count() >= 1, "sold-out products can be found");
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'product.bulk_status' AND actor = 'ravi@example.com'"),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_early_access_link_lets_its_holders_order_a_drop_before_it_opens() {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let res = app
        .submit(
            "/admin/settings",
            "/admin/settings",
            &[
                ("name", "Souk Demo Bazaar"),
                ("currency", "INR"),
                ("country_calling_code", "91"),
                ("whatsapp_number", "98765 43210"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let id: i64 = app
        .db()
        .query_row("SELECT id FROM products WHERE slug = 'hand-block-printed-kurta'", [], |r| r.get(0))
        .unwrap();
    let edit = format!("/admin/products/{id}");
    let res = app.submit(&edit, &format!("{edit}/early-access"), &[("action", "create")]).await;
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    let at = html.find("?access=").expect("the link is shown once");
    let token: String = html[at + 8..].chars().take_while(|c| c.is_ascii_hexdigit()).collect();
    assert_eq!(token.len(), 64);
    let stored: Vec<u8> =
        app.db().query_row("SELECT early_access_hash FROM products WHERE id = ?1", [id], |r| r.get(0)).unwrap();
    assert_ne!(stored, token.as_bytes(), "stored only as a hash");

    let customer = browser();
    let page = |q: String| {
        let (c, url) = (customer.clone(), app.url(&format!("/p/hand-block-printed-kurta{q}")));
        async move { c.get(url).send().await.unwrap() }
    };
    let plain = page(String::new()).await.text().await.unwrap();
    assert!(plain.contains("Available from") && !plain.contains("Add to cart"));
    let res = page(format!("?access={token}")).await;
    assert_eq!(res.headers()["cache-control"], "private, no-store");
    let early = res.text().await.unwrap();
    assert!(early.contains("Early access") && early.contains("Add to cart"));
    assert!(early.contains("At most 2 per order"));
    assert!(early.contains(&format!("name=\"access\" value=\"{token}\"")), "choosing a size keeps the access");
    let wrong = page("?access=00ff".into()).await;
    assert_eq!(wrong.status(), StatusCode::OK);
    assert!(!wrong.text().await.unwrap().contains("Add to cart"));
    // The holder orders before the drop opens: the cart and the checkout take the access along.
    let sku: String = app
        .db()
        .query_row(
            "SELECT sku FROM variants WHERE product_id = ?1 ORDER BY on_hand - reserved DESC LIMIT 1",
            [id],
            |r| r.get(0),
        )
        .unwrap();
    let add = |access: &str| {
        let form = [("sku", sku.clone()), ("quantity", "1".to_string()), ("access", access.to_string())];
        customer.post(app.url("/cart/add")).form(&form).send()
    };
    assert_ne!(location(&add("00ff").await.unwrap()), "/cart", "a wrong token adds nothing");
    assert_eq!(location(&add(&token).await.unwrap()), "/cart");
    let cart = app.get_as(&customer, "/checkout").await.text().await.unwrap();
    assert!(cart.contains("Hand-block Printed Kurta"), "still in the cart at checkout");
    let key = {
        let at = cart.find("name=\"key\" value=\"").unwrap() + 19;
        cart[at..at + cart[at..].find('"').unwrap()].to_string()
    };
    let csrf = csrf_from(&cart).unwrap();
    let fields = [
        ("csrf", csrf.as_str()),
        ("key", key.as_str()),
        ("name", "Early Bird"),
        ("phone", "98765 12345"),
        ("delivery", "pickup"),
        ("payment", "cod"),
    ];
    let res = customer.post(app.url("/checkout")).form(&fields).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", res.text().await.unwrap());
    assert_eq!(app.count("SELECT count(*) FROM order_lines"), 1, "ordered before the drop opened");

    // A new link replaces the old one; turning it off ends it.
    app.submit(&edit, &format!("{edit}/early-access"), &[("action", "create")]).await;
    assert!(!page(format!("?access={token}")).await.text().await.unwrap().contains("Add to cart"));
    app.submit(&edit, &format!("{edit}/early-access"), &[("action", "revoke")]).await;
    assert_eq!(app.count(&format!("SELECT count(*) FROM products WHERE id = {id} AND early_access_hash IS NULL")), 1);
    assert_eq!(app.count("SELECT count(*) FROM audit_log WHERE action LIKE 'product.early_access%'"), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn listing_cards_follow_every_change_to_variants_stock_and_photos() {
    let app = owner_app().await;
    let res = app.submit("/admin/products/new", "/admin/products/new", &kurta_form(&[])).await;
    let path = location(&res);
    let card = |app: &TestApp| -> (i64, i64, bool) {
        app.db()
            .query_row("SELECT price_min, price_max, sold_out FROM products", [], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })
            .unwrap()
    };
    assert_eq!(card(&app), (129900, 139950, false));
    // Sell out both sizes through the ledger: the card says sold out at once.
    let ids: Vec<(i64, i64)> = app
        .db()
        .prepare("SELECT id, on_hand FROM variants")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    app.db().execute("UPDATE variants SET track_stock = 1", []).unwrap();
    for (vid, on_hand) in ids {
        if on_hand > 0 {
            let (v, d) = (vid.to_string(), format!("-{on_hand}"));
            app.submit(
                &path,
                &format!("{path}/stock"),
                &[("variant", &v), ("delta", &d), ("reason", "sold at a fair")],
            )
            .await;
        }
    }
    let (_, listing) = app.page("/").await;
    assert!(listing.contains("Sold out"));
    assert!(souk::db::catalog::card_mismatches(&app.db()).unwrap().is_empty());
}

/// Issue 3 (admin list): filters by collection and by low stock with its badge, search takes `%`
/// and `_` as typed, and a long list comes a page at a time with the filters kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_product_list_filters_and_pages() {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let count = |html: &str| html.matches("name=\"id\"").count();
    let (bags, in_bags): (i64, i64) = app
        .db()
        .query_row(
            "SELECT c.id, count(*) FROM collections c JOIN collection_products cp ON cp.collection_id = c.id WHERE c.slug = 'bags'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let (_, html) = app.page(&format!("/admin/products?q=&status=&collection={bags}&stock=")).await;
    assert_eq!(count(&html) as i64, in_bags, "the collection filter");
    assert!(html.contains("Canvas Tote"));
    let (status, all) = app.page("/admin/products?q=&status=&collection=&stock=").await;
    assert_eq!(status, StatusCode::OK, "the form's 'Any' collection is no filter");

    // One variant with 2 left: its product is low, with a badge; a well-stocked one is not listed.
    app.db()
        .execute(
            "UPDATE variants SET on_hand = 2, reserved = 0, track_stock = 1, allow_backorder = 0
             WHERE id = (SELECT min(v.id) FROM variants v JOIN products p ON p.id = v.product_id WHERE p.slug = 'canvas-tote')",
            [],
        )
        .unwrap();
    let (_, low) = app.page("/admin/products?stock=low").await;
    assert!(low.contains("Canvas Tote") && low.contains("badge error\">low"), "low stock shows with its badge");
    assert!(count(&low) < count(&all));

    // `%` and `_` match only themselves.
    assert_eq!(count(&app.page("/admin/products?q=%25").await.1), 0);
    assert_eq!(count(&app.page("/admin/products?q=_").await.1), 0);
    app.db().execute("UPDATE products SET title = 'Tote 100% cotton' WHERE slug = 'canvas-tote'", []).unwrap();
    assert_eq!(count(&app.page("/admin/products?q=100%25").await.1), 1);

    // 120 more products: pages of 50, the filters carried to the next page.
    app.db()
        .execute_batch(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 120)
             INSERT INTO products (slug, title, status, created_at, updated_at)
             SELECT 'extra-' || i, 'Extra ' || i, 'draft', '2000-01-01T00:00:00.000Z', '2000-01-01T00:00:00.000Z' FROM n;",
        )
        .unwrap();
    let total = app.count("SELECT count(*) FROM products WHERE status = 'draft'") as usize;
    let mut seen = 0;
    let mut url = "/admin/products?status=draft".to_string();
    loop {
        let (_, html) = app.page(&url).await;
        seen += count(&html);
        let Some(at) = html.find("rel=\"next\" href=\"") else { break };
        url = html[at + 17..].split('"').next().unwrap().replace("&amp;", "&");
        assert!(url.contains("status=draft"), "{url}");
    }
    assert_eq!(seen, total, "every draft, once, across the pages");
    assert!(total > 100);
}

/// Issue 11 (regression): a product or collection titled in Devanagari, Arabic or accented Latin
/// gets a readable web address of its own (all non-Latin titles got `item`, so the second such
/// product was refused as taken); a collection an import names still gets `-2` when its address is
/// already used.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn titles_in_any_script_get_readable_addresses_of_their_own() {
    let app = owner_app().await;
    for (title, sku, slug) in [
        ("हाथ से बना कुर्ता", "HK-1", "haath-se-bnaa-kurtaa"),
        ("रेशमी साड़ी", "RS-1", "reshmii-saadd-ii"),
        ("قميص قطني", "QQ-1", "qmys-qtny"),
        ("Châle en laine d’Aïcha", "CL-1", "chale-en-laine-d-aicha"),
    ] {
        let form = [("title", title), ("status", "active"), ("v0_sku", sku), ("v0_price", "499")];
        let res = app.submit("/admin/products/new", "/admin/products/new", &form).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{title}: {}", res.text().await.unwrap());
        let (status, html) = app.page(&format!("/p/{slug}")).await;
        assert_eq!(status, StatusCode::OK, "{title} at /p/{slug}");
        assert!(html.contains(&format!("<h1>{title}</h1>")), "{title}");
    }
    for (title, slug) in [("त्योहार", "tyohaar"), ("هدايا", "hdy"), ("Été indien", "ete-indien"), ("Uphaar", "uphaar")]
    {
        let res = app.submit("/admin/collections", "/admin/collections/new", &[("title", title)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{title}");
        assert_eq!(app.page(&format!("/c/{slug}")).await.0, StatusCode::OK, "{title} at /c/{slug}");
    }
    assert_eq!(app.count("SELECT count(*) FROM products WHERE slug LIKE 'item%'"), 0);

    // A file naming a collection that does not exist yet: its address is read from its title too,
    // and made unique as before ("Uphaar" above already has uphaar).
    let csv = "slug,title,status,collections,sku,price\n,उपहार की टोकरी,active,उपहार,UT-1,299\n";
    let token = csrf_from(&app.page("/admin/products").await.1).unwrap();
    let form = reqwest::multipart::Form::new()
        .text("csrf", token)
        .part("file", reqwest::multipart::Part::bytes(csv.as_bytes().to_vec()).file_name("products.csv"));
    let res = app.client.post(app.url("/admin/products/import")).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let slug = |sql: &str| app.db().query_row(sql, [], |r| r.get::<_, String>(0)).unwrap();
    assert_eq!(slug("SELECT slug FROM collections WHERE title = 'उपहार'"), "uphaar-2");
    let product = slug("SELECT slug FROM products WHERE title = 'उपहार की टोकरी'");
    assert!(product.starts_with("uphaar-"), "{product}");
    assert_eq!(app.page(&format!("/p/{product}")).await.0, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_are_added_to_a_collection_from_the_list() {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let (collection, title): (i64, String) = app
        .db()
        .query_row("SELECT id, title FROM collections ORDER BY id LIMIT 1", [], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap();
    let (_, list) = app.page("/admin/products").await;
    assert!(list.contains(&format!("value=\"collection:{collection}\"")), "the bulk menu offers the collections");
    let outside: Vec<String> = app
        .ints(&format!(
            "SELECT id FROM products WHERE id NOT IN (SELECT product_id FROM collection_products WHERE collection_id = {collection}) ORDER BY id LIMIT 3"
        ))
        .iter()
        .map(|i| i.to_string())
        .collect();
    assert_eq!(outside.len(), 3);
    let inside =
        app.ints(&format!("SELECT product_id FROM collection_products WHERE collection_id = {collection} LIMIT 1"));
    let before = app.count(&format!("SELECT count(*) FROM collection_products WHERE collection_id = {collection}"));
    let action = format!("collection:{collection}");
    let inside = inside[0].to_string();
    let mut form: Vec<(&str, &str)> = outside.iter().map(|i| ("id", i.as_str())).collect();
    form.push(("id", &inside));
    form.push(("action", &action));
    let res = app.submit("/admin/products", "/admin/products/bulk", &form).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let page = app.get(&location(&res)).await.text().await.unwrap();
    let title = title.replace('&', "&amp;");
    assert!(page.contains(&format!("3 product(s) added to {title}")), "one was in it already");
    assert_eq!(
        app.count(&format!("SELECT count(*) FROM collection_products WHERE collection_id = {collection}")),
        before + 3
    );
    assert_eq!(
        app.count("SELECT count(*) FROM audit_log WHERE action = 'product.bulk_collection' AND detail = '3 added'"),
        1
    );
    let res =
        app.submit("/admin/products", "/admin/products/bulk", &[("id", "1"), ("action", "collection:999999")]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

//! CSV export and import of products (issue 3).

mod common;

use common::*;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};

async fn export(app: &TestApp) -> String {
    let res = app.get("/admin/products.csv").await;
    assert_eq!(res.status(), StatusCode::OK);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("products-"));
    res.text().await.unwrap()
}

fn records(csv: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(csv.as_bytes()).records().map(|r| r.unwrap()).collect()
}

async fn import(app: &TestApp, csv: &str) -> reqwest::Response {
    let token = csrf_from(&app.page("/admin/products").await.1).unwrap();
    let form =
        Form::new().text("csrf", token).part("file", Part::bytes(csv.as_bytes().to_vec()).file_name("products.csv"));
    app.client.post(app.url("/admin/products/import")).multipart(form).send().await.unwrap()
}

/// Rows of a query as text, for comparing two shops (ids differ between them, so none is selected).
fn rows(db: &rusqlite::Connection, sql: &str) -> Vec<String> {
    let mut stmt = db.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}"))).collect::<Result<Vec<_>, _>>()
    })
    .unwrap()
    .map(|r| r.unwrap().join(" | "))
    .collect()
}

/// What a catalogue is, for a seller and a shopper: products, their variants in order, and each
/// collection's members in the storefront's order (Featured: the seller's order).
fn catalogue(db: &rusqlite::Connection) -> [(&'static str, Vec<String>); 4] {
    [
        (
            "products",
            rows(
                db,
                "SELECT slug, title, status, description_md, tags, seo_title, seo_description,
                        substr(publish_at, 1, 16), option1, option2, option3
                 FROM products ORDER BY slug",
            ),
        ),
        (
            "variants",
            rows(
                db,
                "SELECT p.slug, v.sku, v.option1, v.option2, v.option3, v.price, v.compare_at_price, v.on_hand,
                        v.track_stock, v.allow_backorder, v.max_per_order, v.barcode, v.weight_grams
                 FROM variants v JOIN products p ON p.id = v.product_id ORDER BY p.slug, v.position, v.id",
            ),
        ),
        ("collections", rows(db, "SELECT slug, title FROM collections ORDER BY slug")),
        (
            "members",
            rows(
                db,
                "SELECT c.slug, p.slug FROM collection_products cp
                   JOIN collections c ON c.id = cp.collection_id JOIN products p ON p.id = cp.product_id
                 ORDER BY c.slug, cp.position, p.id DESC",
            ),
        ),
    ]
}

/// The product pages a collection page links to, in the order shown.
async fn shown_in(app: &TestApp, collection: &str) -> Vec<String> {
    let (status, html) = app.page(&format!("/c/{collection}")).await;
    assert_eq!(status, StatusCode::OK);
    html.split("href=\"/p/").skip(1).filter_map(|s| s.split('"').next()).map(str::to_string).collect()
}

/// The demo shop as a seller left it: a new product in two collections, placed first in one and last
/// in the other, and a collection put in the reverse of the order its products were added in.
async fn arranged_demo() -> TestApp {
    let demo = TestApp::spawn_demo().await;
    demo.setup_owner().await;
    let id = |slug: &str| {
        demo.db().query_row("SELECT id FROM collections WHERE slug = ?1", [slug], |r| r.get::<_, i64>(0)).unwrap()
    };
    let (bags, gifts) = (id("bags"), id("gifts"));
    let res = demo
        .submit(
            "/admin/products/new",
            "/admin/products/new",
            &[
                ("title", "Market Basket"),
                ("status", "active"),
                ("description_md", "Woven palm leaf.\n\n- Holds 10 kg"),
                ("tags", "baskets, market"),
                ("seo_title", "Palm-leaf market basket"),
                ("seo_description", "A sturdy basket, woven by hand."),
                ("publish_at", "2026-01-05T09:30"),
                ("option1", "Size"),
                ("v0_o1", "Large"),
                ("v0_sku", "MB-L"),
                ("v0_price", "899.50"),
                ("v0_compare", "999"),
                ("v0_track", "1"),
                ("v0_backorder", "1"),
                ("v0_max", "3"),
                ("v0_barcode", "8901234567890"),
                ("v0_weight", "650"),
                ("v0_stock", "7"),
                ("v1_o1", "Small"),
                ("v1_sku", "MB-S"),
                ("v1_price", "499"),
                ("collection", &bags.to_string()),
                ("collection", &gifts.to_string()),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let basket = location(&res).rsplit('/').next().unwrap().to_string();
    let edit = format!("/admin/collections/{bags}");
    let res = demo.submit(&edit, &format!("{edit}/order"), &[(&format!("place_{basket}"), "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let members = demo.ints(&format!(
        "SELECT product_id FROM collection_products WHERE collection_id = {gifts} AND product_id != {basket} ORDER BY position"
    ));
    let mut places: Vec<(String, String)> =
        members.iter().enumerate().map(|(i, p)| (format!("place_{p}"), (members.len() - i).to_string())).collect();
    places.push((format!("place_{basket}"), "99".into()));
    let places: Vec<(&str, &str)> = places.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let edit = format!("/admin/collections/{gifts}");
    let res = demo.submit(&edit, &format!("{edit}/order"), &places).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    demo
}

// Issue: export → import on an empty shop gives the same catalogue, including each collection's order.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_import_into_an_empty_shop_gives_the_same_catalogue() {
    let demo = arranged_demo().await;
    let first = export(&demo).await;
    assert_eq!(records(&first).len(), demo.count("SELECT count(*) FROM variants") as usize);

    let empty = TestApp::spawn().await;
    empty.setup_owner().await;
    let res = import(&empty, &first).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = empty.page("/admin/products").await;
    assert!(html.contains("Imported: 41 new, 0 updated product(s)."), "{html}");

    let (before, after) = (catalogue(&demo.db()), catalogue(&empty.db()));
    for ((what, a), (_, b)) in before.iter().zip(&after) {
        assert!(!a.is_empty(), "{what}");
        assert_eq!(a, b, "the same {what}");
    }
    for slug in ["bags", "gifts", "jewellery"] {
        let shown = shown_in(&demo, slug).await;
        assert_eq!(shown, shown_in(&empty, slug).await, "/c/{slug} lists the same products in the same order");
    }
    assert_eq!(shown_in(&empty, "bags").await[0], "market-basket", "placed first by the seller");
    assert_eq!(shown_in(&empty, "gifts").await.last().unwrap(), "market-basket", "placed last by the seller");

    let second = export(&empty).await;
    assert_eq!(first, second, "the same catalogue, cell for cell");
    assert!(souk::db::catalog::ledger_mismatches(&empty.db()).unwrap().is_empty());
    let (status, _) = empty.page("/p/canvas-tote").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_csv_names_every_problem_and_imports_nothing() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let csv = "slug,title,status,description,tags,seo_title,seo_description,publish_at,option1_name,option2_name,option3_name,collections,sku,option1,option2,option3,price,compare_at_price,track_stock,allow_backorder,max_per_order,on_hand\n\
               good-tee,Good Tee,active,,,,,,,,,,GT-1,,,,499,,yes,no,,5\n\
               bad-tee,Bad Tee,active,,,,,,,,,,BT-1,,,,four hundred,,yes,no,,5\n\
               odd-tee,Odd Tee,active,,,,,,,,,,OT-1,,,,499,,maybe,no,,5\n";
    let res = import(&app, csv).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("line 4, column track_stock: &quot;maybe&quot; is not yes or no"), "{html}");
    // Once the file reads, each product is checked; fix the cell and the price problem shows.
    let res = import(&app, &csv.replace("maybe", "yes")).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("line 3, column price: Enter a price like 1299"), "{html}");
    // Files without the barcode and weight columns (older exports) still import; with them, each is checked.
    let with_more = csv
        .replace("maybe", "yes")
        .replace("max_per_order,on_hand", "max_per_order,barcode,weight_grams,on_hand")
        .replace("four hundred,,yes,no,,5", "499,,yes,no,,89 01<b>,5,5")
        .replace("GT-1,,,,499,,yes,no,,5", "GT-1,,,,499,,yes,no,,,heavy,5")
        .replace("OT-1,,,,499,,maybe,no,,5", "OT-1,,,,499,,yes,no,,,,5")
        .replace("OT-1,,,,499,,yes,no,,5", "OT-1,,,,499,,yes,no,,,,5");
    let res = import(&app, &with_more).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = res.text().await.unwrap();
    assert!(html.contains("line 2, column weight_grams: Grams as a whole number"), "{html}");
    assert!(html.contains("line 3, column barcode: Digits and letters only"), "{html}");
    assert_eq!(app.count("SELECT count(*) FROM products"), 0, "the good row was not kept either");
    assert_eq!(app.count("SELECT count(*) FROM collections"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_again_updates_prices_and_sets_stock_through_the_ledger() {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let csv = export(&app).await;
    let mut rows = records(&csv);
    let header = csv::Reader::from_reader(csv.as_bytes()).headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = rows.iter_mut().find(|r| &r[0] == "canvas-tote").unwrap();
    let mut cells: Vec<String> = row.iter().map(str::to_string).collect();
    cells[column("price")] = "999.00".into();
    cells[column("barcode")] = "8901234567890".into();
    cells[column("weight_grams")] = "350".into();
    cells[column("on_hand")] = "42".into();
    *row = csv::StringRecord::from(cells.clone());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let changed = String::from_utf8(w.into_inner().unwrap()).unwrap();
    let res = import(&app, &changed).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = app.page("/admin/products").await;
    assert!(html.contains("Imported: 0 new, 40 updated product(s)."));
    let (price, on_hand, barcode, grams): (i64, i64, String, i64) = app
        .db()
        .query_row(
            "SELECT price, on_hand, barcode, weight_grams FROM variants WHERE sku = ?1",
            [&cells[column("sku")]],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .unwrap();
    assert_eq!((price, on_hand, barcode.as_str(), grams), (99900, 42, "8901234567890", 350));
    assert_eq!(app.count("SELECT count(*) FROM stock_ledger WHERE reason = 'import'"), 1, "only the changed count");
    assert!(souk::db::catalog::ledger_mismatches(&app.db()).unwrap().is_empty());
}

/// The file without a column, as an older export would be.
fn without_column(csv: &str, name: &str) -> String {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header = reader.headers().unwrap().clone();
    let skip = header.iter().position(|h| h == name).unwrap();
    let mut w = csv::Writer::from_writer(Vec::new());
    for record in std::iter::once(header).chain(reader.records().map(|r| r.unwrap())) {
        w.write_record(record.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, c)| c)).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

// Collections are set up in the admin: an import finds them by title and never changes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_fills_existing_collections_without_changing_them() {
    let demo = arranged_demo().await;
    let file = export(&demo).await;
    let shop = TestApp::spawn().await;
    shop.setup_owner().await;
    let res = shop
        .submit(
            "/admin/collections",
            "/admin/collections/new",
            &[
                ("title", "bags"),
                ("slug", "carry-alls"),
                ("description_md", "Carried **daily**."),
                ("featured", "1"),
                ("position", "-3"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let settings = "SELECT slug, title, description_md, featured, position, created_at, updated_at FROM collections";
    let bags = rows(&shop.db(), settings);

    // An older file has no collection_places: products join in the file's order.
    let res = import(&shop, &without_column(&file, "collection_places")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(shop.page("/admin/products").await.1.contains("Imported: 41 new, 0 updated product(s)."));
    assert_eq!(rows(&shop.db(), &format!("{settings} WHERE slug = 'carry-alls'")), bags, "kept as the seller made it");
    let shown = shown_in(&shop, "carry-alls").await;
    assert_eq!(shown.last().unwrap(), "market-basket", "appended in the file's order");

    let res = import(&shop, &file).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(shop.page("/admin/products").await.1.contains("Imported: 0 new, 41 updated product(s)."));
    assert_eq!(rows(&shop.db(), &format!("{settings} WHERE slug = 'carry-alls'")), bags, "still as the seller made it");
    assert_eq!(shown_in(&shop, "carry-alls").await, shown_in(&demo, "bags").await, "in the demo's order now");
    assert_eq!(shop.count("SELECT count(*) FROM collections"), 6);
    assert_eq!(
        shop.count(
            "SELECT count(*) FROM collections WHERE slug != 'carry-alls' AND (featured = 1 OR description_md != '')"
        ),
        0,
        "the others are made plain, for the seller to describe and feature"
    );
    let (_, home) = shop.page("/").await;
    assert!(home.contains("href=\"/c/carry-alls\""), "still featured on the home page");
    assert!(!home.contains("href=\"/c/gifts\""), "a collection made by the import is not featured");
}

// Photos are not in the file: updating products from it keeps theirs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn importing_over_a_product_keeps_its_photos() {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let product: i64 =
        app.db().query_row("SELECT id FROM products WHERE slug = 'canvas-tote'", [], |r| r.get(0)).unwrap();
    let edit = format!("/admin/products/{product}");
    let png = {
        let img = image::RgbImage::from_fn(400, 400, |x, y| image::Rgb([(x % 200) as u8, (y % 200) as u8, 90]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png).unwrap();
        out.into_inner()
    };
    let form = Form::new()
        .text("csrf", csrf_from(&app.page(&edit).await.1).unwrap())
        .text("alt", "Canvas tote, front")
        .part("photos", Part::bytes(png).file_name("tote.png"));
    let res = app.client.post(app.url(&format!("{edit}/images"))).multipart(form).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let photo = app.ints("SELECT id FROM images");
    assert_eq!(photo.len(), 1);

    let file = export(&app).await;
    assert!(!file.contains("/img/"), "photos are not in the file");
    let res = import(&app, &file.replace("Canvas Tote,", "Canvas Tote Bag,")).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert!(app.page("/admin/products").await.1.contains("Imported: 0 new, 40 updated product(s)."));
    assert_eq!(app.ints("SELECT id FROM images WHERE removed_at IS NULL"), photo);
    let (_, page) = app.page("/p/canvas-tote").await;
    assert!(page.contains("Canvas Tote Bag"), "the file was applied");
    assert!(page.contains(&format!("/img/{}/640", photo[0])), "{page}");
    assert!(page.contains("alt=\"Canvas tote, front\""));
    assert_eq!(app.ints(&format!("SELECT image_id FROM products WHERE id = {product}")), photo, "the card keeps it");
}

/// Issue 11 (regression): text that a spreadsheet would run as a formula (starting with `=`, `+`,
/// `-` or `@`) is exported with a leading `'`, numbers are left alone, and importing the file
/// undoes exactly that: a title that really starts with `'=` comes back as typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cells_that_would_run_as_formulas_are_neutralised_and_read_back_exactly() {
    let app = TestApp::spawn().await;
    app.setup_owner().await;
    let products: [&[(&str, &str)]; 2] = [
        &[
            ("title", "=HYPERLINK(\"http://x\",\"y\")"),
            ("slug", "hyperlink"),
            ("status", "active"),
            ("description_md", "@everyone: new stock"),
            ("option1", "Size"),
            ("v0_o1", "-1"),
            ("v0_sku", "HL-1"),
            ("v0_price", "499"),
            ("v0_track", "1"),
            ("v0_stock", "2"),
        ],
        &[
            ("title", "'=already quoted"),
            ("slug", "quoted"),
            ("status", "active"),
            ("description_md", "+91 on WhatsApp"),
            ("seo_title", "-50% off"),
            ("v0_sku", "Q-1"),
            ("v0_price", "1299.50"),
        ],
    ];
    for fields in products {
        let res = app.submit("/admin/products/new", "/admin/products/new", fields).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
    }
    let file = export(&app).await;
    let header = csv::Reader::from_reader(file.as_bytes()).headers().unwrap().clone();
    let rows = records(&file);
    let cell = |slug: &str, column: &str| {
        let c = header.iter().position(|h| h == column).unwrap();
        rows.iter().find(|r| &r[0] == slug).unwrap()[c].to_string()
    };
    assert_eq!(cell("hyperlink", "title"), "'=HYPERLINK(\"http://x\",\"y\")");
    assert_eq!(cell("hyperlink", "description"), "'@everyone: new stock");
    assert_eq!(cell("hyperlink", "option1"), "'-1");
    assert_eq!(cell("quoted", "title"), "''=already quoted", "one more quote, taken off on import");
    assert_eq!(cell("quoted", "description"), "'+91 on WhatsApp");
    assert_eq!(cell("quoted", "seo_title"), "'-50% off");
    assert_eq!((cell("hyperlink", "price"), cell("quoted", "price")), ("499.00".into(), "1299.50".into()));
    for row in &rows {
        assert!(row.iter().all(|c| !c.starts_with(['=', '+', '-', '@', '\t', '\r'])), "{row:?}");
    }

    let empty = TestApp::spawn().await;
    empty.setup_owner().await;
    assert_eq!(import(&empty, &file).await.status(), StatusCode::SEE_OTHER);
    assert_eq!(catalogue(&app.db()), catalogue(&empty.db()), "the same catalogue");
    let title: String =
        empty.db().query_row("SELECT title FROM products WHERE slug = 'quoted'", [], |r| r.get(0)).unwrap();
    assert_eq!(title, "'=already quoted");
    assert_eq!(export(&empty).await, file, "the same file, cell for cell");
}

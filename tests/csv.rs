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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn export_then_import_into_an_empty_shop_gives_the_same_catalogue() {
    let demo = TestApp::spawn_demo().await;
    demo.setup_owner().await;
    let first = export(&demo).await;
    assert_eq!(records(&first).len(), demo.count("SELECT count(*) FROM variants") as usize);

    let empty = TestApp::spawn().await;
    empty.setup_owner().await;
    let res = import(&empty, &first).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, html) = empty.page("/admin/products").await;
    assert!(html.contains("Imported: 40 new, 0 updated product(s)."), "{html}");
    let second = export(&empty).await;
    assert_eq!(first, second, "the same catalogue, cell for cell");
    assert_eq!(empty.count("SELECT count(*) FROM collections"), 6);
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
    let row = rows.iter_mut().find(|r| &r[0] == "canvas-tote").unwrap();
    let mut cells: Vec<String> = row.iter().map(str::to_string).collect();
    cells[16] = "999.00".into();
    cells[21] = "8901234567890".into();
    cells[22] = "350".into();
    cells[23] = "42".into();
    *row = csv::StringRecord::from(cells.clone());
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(csv::Reader::from_reader(csv.as_bytes()).headers().unwrap()).unwrap();
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
        .query_row("SELECT price, on_hand, barcode, weight_grams FROM variants WHERE sku = ?1", [&cells[12]], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!((price, on_hand, barcode.as_str(), grams), (99900, 42, "8901234567890", 350));
    assert_eq!(app.count("SELECT count(*) FROM stock_ledger WHERE reason = 'import'"), 1, "only the changed count");
    assert!(souk::db::catalog::ledger_mismatches(&app.db()).unwrap().is_empty());
}

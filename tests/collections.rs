//! The collections editor: create, feature on the home page, order products, delete (issue 3).

mod common;

use common::*;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seller_builds_a_featured_collection_in_their_own_order() {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let res = app.submit("/admin/collections", "/admin/collections/new", &[("title", ""), ("slug", "Bad Slug")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app.submit("/admin/collections", "/admin/collections/new", &[("title", "Bags"), ("slug", "bags")]).await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.text().await.unwrap().contains("already uses this web address"));

    let res = app
        .submit(
            "/admin/collections",
            "/admin/collections/new",
            &[
                ("title", "Festive Picks"),
                ("description_md", "Our **favourites**."),
                ("featured", "1"),
                ("position", "-1"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let edit = location(&res);
    let id: i64 = edit.rsplit('/').next().unwrap().parse().unwrap();
    // Products join a collection from the product form.
    let ids: Vec<i64> = app
        .db()
        .prepare("SELECT id FROM products WHERE slug IN ('canvas-tote', 'rakhi-set', 'brass-cuff') ORDER BY slug")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    for pid in &ids {
        app.db()
            .execute(
                "INSERT INTO collection_products (collection_id, product_id, position) VALUES (?1, ?2, ?2)",
                (id, pid),
            )
            .unwrap();
    }
    // Brass Cuff first, Canvas Tote removed.
    let (brass, canvas, rakhi) = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
    let res = app
        .submit(
            &edit,
            &format!("{edit}/order"),
            &[
                (&format!("place_{brass}"), "1"),
                (&format!("place_{rakhi}"), "2"),
                (&format!("place_{canvas}"), "3"),
                ("remove", &canvas),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page("/c/festive-picks").await;
    assert!(page.contains("<strong>favourites</strong>"));
    let (b, r) = (page.find("Brass Cuff").unwrap(), page.find("Rakhi Set").unwrap());
    assert!(b < r, "the seller's order");
    assert!(!page.contains("Canvas Tote"));
    let (_, home) = app.page("/").await;
    let (festive, kurtas) = (home.find("Festive Picks").unwrap(), home.find("Kurtas &amp; Tops").unwrap());
    assert!(festive < kurtas, "a lower place comes first on the home page");

    let res = app.submit(&edit, &format!("{edit}/delete"), &[]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    assert_eq!(app.get("/c/festive-picks").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(app.get("/p/brass-cuff").await.status(), StatusCode::OK, "its products stay");
    for action in ["collection.create", "collection.order", "collection.delete"] {
        assert_eq!(app.count(&format!("SELECT count(*) FROM audit_log WHERE action = '{action}'")), 1, "{action}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_product_joins_collections_from_its_form() {
    let app = TestApp::spawn_demo().await;
    app.setup_owner().await;
    let bags: i64 = app.db().query_row("SELECT id FROM collections WHERE slug = 'bags'", [], |r| r.get(0)).unwrap();
    let b = bags.to_string();
    let res = app
        .submit(
            "/admin/products/new",
            "/admin/products/new",
            &[
                ("title", "Market Basket"),
                ("status", "active"),
                ("v0_sku", "MB-1"),
                ("v0_price", "899"),
                ("collection", &b),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page("/c/bags").await;
    assert!(page.contains("Market Basket"));
    let basket = location(&res);
    let basket_id = basket.rsplit('/').next().unwrap().to_string();

    // The seller moves it to the front of Bags; editing the product later keeps that place.
    let edit = format!("/admin/collections/{bags}");
    let res = app.submit(&edit, &format!("{edit}/order"), &[(&format!("place_{basket_id}"), "0")]).await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let first_in_bags = |html: &str| html.find("Market Basket").unwrap() < html.find("Canvas Tote").unwrap();
    assert!(first_in_bags(&app.page("/c/bags").await.1), "moved to the front");
    let variant: i64 = app.db().query_row("SELECT id FROM variants WHERE sku = 'MB-1'", [], |r| r.get(0)).unwrap();
    let res = app
        .submit(
            &basket,
            &basket,
            &[
                ("title", "Market Basket, Large"),
                ("status", "active"),
                ("v0_id", &variant.to_string()),
                ("v0_sku", "MB-1"),
                ("v0_price", "999"),
                ("collection", &b),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let (_, page) = app.page("/c/bags").await;
    assert!(page.contains("Market Basket, Large"));
    assert!(first_in_bags(&page), "an edit keeps the product's place in its collections");
}

//! Catalogue rules that hold below the pages: the stock ledger and the demo shop (issue 3).

use souk::db::{Db, catalog};

fn demo_db() -> (tempfile::TempDir, Db) {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("souk.db"), 5000, 0, 2).unwrap();
    db.write_blocking(|tx| souk::demo::fill(tx, false).map_err(souk::error::AppError::Conflict)).unwrap();
    (dir, db)
}

#[test]
fn on_hand_always_equals_the_ledger() {
    let (_dir, db) = demo_db();
    let conn = db.conn().unwrap();
    assert!(catalog::ledger_mismatches(&conn).unwrap().is_empty(), "the demo goes through the ledger");
    let vid: i64 = conn.query_row("SELECT id FROM variants ORDER BY id LIMIT 1", [], |r| r.get(0)).unwrap();
    let before: i64 = conn.query_row("SELECT on_hand FROM variants WHERE id = ?1", [vid], |r| r.get(0)).unwrap();
    db.write_blocking(|tx| {
        catalog::adjust_stock(tx, vid, 10, "received", "test", "2026-01-01T00:00:00.000Z")?;
        catalog::adjust_stock(tx, vid, -3, "damaged", "test", "2026-01-01T00:00:00.000Z")?;
        Ok(())
    })
    .unwrap();
    let after: i64 = conn.query_row("SELECT on_hand FROM variants WHERE id = ?1", [vid], |r| r.get(0)).unwrap();
    assert_eq!(after, before + 7);
    let reasons: Vec<String> = conn
        .prepare("SELECT reason || ' by ' || actor FROM stock_ledger WHERE variant_id = ?1 ORDER BY id DESC LIMIT 2")
        .unwrap()
        .query_map([vid], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert_eq!(reasons, ["damaged by test", "received by test"]);
    assert!(catalog::ledger_mismatches(&conn).unwrap().is_empty());
    // A change that skips the ledger is caught.
    conn.execute("UPDATE variants SET on_hand = on_hand + 1 WHERE id = ?1", [vid]).unwrap();
    let drift = catalog::ledger_mismatches(&conn).unwrap();
    assert_eq!(drift.len(), 1);
    assert_eq!(drift[0].1, drift[0].2 + 1);
}

#[test]
fn the_demo_fills_only_an_empty_shop() {
    let (_dir, db) = demo_db();
    let conn = db.conn().unwrap();
    let (products, collections): (i64, i64) = conn
        .query_row("SELECT (SELECT count(*) FROM products), (SELECT count(*) FROM collections)", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((products, collections), (40, 6));
    let variants: i64 = conn.query_row("SELECT count(*) FROM variants", [], |r| r.get(0)).unwrap();
    assert!(variants > 100, "sizes and colours make variants: {variants}");
    let err = db.write_blocking(|tx| souk::demo::fill(tx, false).map_err(souk::error::AppError::Conflict)).unwrap_err();
    assert!(err.to_string().contains("only an empty shop"));
    let again: i64 = conn.query_row("SELECT count(*) FROM products", [], |r| r.get(0)).unwrap();
    assert_eq!(again, 40);
}

#[test]
fn a_bulk_demo_shop_has_the_asked_size_and_a_true_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("souk.db"), 5000, 0, 2).unwrap();
    db.write_blocking(|tx| souk::demo::fill_bulk(tx, 60, 5).map_err(souk::error::AppError::Conflict)).unwrap();
    let conn = db.conn().unwrap();
    let (products, variants): (i64, i64) = conn
        .query_row("SELECT (SELECT count(*) FROM products), (SELECT count(*) FROM variants)", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((products, variants), (60, 300));
    assert!(catalog::ledger_mismatches(&conn).unwrap().is_empty());
    let found = souk::app::search::storefront(&conn, &Default::default(), "saree", 1, 100).unwrap();
    assert_eq!((found.cards.len(), found.total), (10, 10), "one in six products is a saree");
    let err =
        db.write_blocking(|tx| souk::demo::fill_bulk(tx, 1, 1).map_err(souk::error::AppError::Conflict)).unwrap_err();
    assert!(err.to_string().contains("only an empty shop"));
}

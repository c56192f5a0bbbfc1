//! The catalogue's SQL: product cards for listings, a product with its variants and images,
//! collections, the words search indexes, and the writes that keep stock and cards true.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use super::text::Text;
use crate::domain::catalog::{Card, Collection, Product, ProductPage, ProductStatus, Sort, Variant};
use crate::domain::search::Doc;

mod admin;
mod images;
mod write;

pub use admin::*;
pub use images::*;
pub use write::*;

/// Card fields are columns of `products`, kept true by [`write::refresh_card`].
const CARD_COLUMNS: &str = "p.id, p.slug, p.title, p.publish_at, p.price_min AS price, p.price_max,
    p.compare_at, p.image_id, p.sold_out";

/// A card from a row that starts with [`CARD_COLUMNS`], read by position: by name, rusqlite
/// compares every column's name for each value (4% of a search request's time).
fn card_from_row(r: &Row<'_>) -> rusqlite::Result<Card> {
    Ok(Card {
        id: r.get(0)?,
        slug: r.get(1)?,
        title: r.get(2)?,
        publish_at: r.get(3)?,
        price: r.get(4)?,
        price_max: r.get(5)?,
        compare_at: r.get(6)?,
        image_id: r.get(7)?,
        sold_out: r.get(8)?,
    })
}

/// The ORDER BY of a listing outside a collection.
fn order_by(sort: Sort) -> &'static str {
    match sort {
        Sort::Featured | Sort::Newest => "p.created_at DESC, p.id DESC",
        Sort::PriceLow => "price ASC, p.id DESC",
        Sort::PriceHigh => "price DESC, p.id DESC",
    }
}

/// Active products, optionally of one collection (then in the seller's order for `Featured`), a
/// page of them. (A collection's count of active products comes with the collection.)
pub fn cards(
    conn: &Connection,
    collection: Option<i64>,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<Vec<Card>> {
    let (from, order) = match collection {
        // CROSS JOIN keeps this join order: the collection's members first, not every product.
        // The membership's own sort keys (migration 0011): a page walks an index of the
        // collection and reads only its own products.
        Some(_) => (
            "collection_products cp CROSS JOIN products p ON p.id = cp.product_id
             WHERE cp.collection_id = :collection AND cp.status = 'active'",
            match sort {
                Sort::Featured => "cp.position, cp.product_id",
                Sort::Newest => "cp.created_at DESC, cp.product_id DESC",
                Sort::PriceLow => "cp.price, cp.product_id",
                Sort::PriceHigh => "cp.price DESC, cp.product_id DESC",
            },
        ),
        None => ("products p WHERE p.status = 'active'", order_by(sort)),
    };
    let sql = format!("SELECT {CARD_COLUMNS} FROM {from} ORDER BY {order} LIMIT :limit OFFSET :offset");
    let mut stmt = conn.prepare_cached(&sql)?;
    match collection {
        Some(c) => stmt
            .query_map(named_params! {":collection": c, ":limit": limit, ":offset": offset}, card_from_row)?
            .collect(),
        None => stmt.query_map(named_params! {":limit": limit, ":offset": offset}, card_from_row)?.collect(),
    }
}

/// The counter migration 0024's triggers move whenever a product's words or status or a SKU
/// changes: the in-memory search index is current while it reads the same.
pub fn search_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.prepare_cached("SELECT n FROM search_version WHERE id = 1")?.query_row([], |r| r.get(0))
}

/// Calls `f` with the words of every product on sale (title, description, SKUs, tags), by id.
pub fn each_search_doc(conn: &Connection, mut f: impl FnMut(Doc<'_>)) -> rusqlite::Result<()> {
    let mut stmt = conn.prepare(
        "SELECT p.id, p.title, p.description_md,
                coalesce((SELECT group_concat(sku, ' ') FROM variants v WHERE v.product_id = p.id), ''), p.tags
         FROM products p WHERE p.status = 'active' ORDER BY p.id",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (title, description, skus, tags) =
            (r.get_ref(1)?.as_str()?, r.get_ref(2)?.as_str()?, r.get_ref(3)?.as_str()?, r.get_ref(4)?.as_str()?);
        f(Doc { id: r.get(0)?, title, description, skus, tags });
    }
    Ok(())
}

/// The cards of these products in the order given, skipping any no longer on sale or gone.
pub fn cards_by_id(conn: &Connection, ids: &[i64]) -> rusqlite::Result<Vec<Card>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // CROSS JOIN keeps the list first: a lookup by id for each (with `IN`, SQLite chose to walk
    // every product on sale by the status index and test each against the list).
    conn.prepare_cached(&format!(
        "SELECT {CARD_COLUMNS} FROM json_each(:ids) j CROSS JOIN products p ON p.id = j.value
         WHERE p.status = 'active' ORDER BY j.key"
    ))?
    .query_map(named_params! {":ids": serde_json::to_string(ids).unwrap_or_default()}, card_from_row)?
    .collect()
}

const PRODUCT_COLUMNS: &str = "id, slug, title, description_md, status, tags, seo_title, seo_description,
    option1, option2, option3, publish_at, updated_at";

fn product_from_row(r: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        id: r.get(0)?,
        slug: r.get(1)?,
        title: r.get(2)?,
        description_md: r.get(3)?,
        status: r.get::<_, Text<ProductStatus>>(4)?.0,
        tags: r.get(5)?,
        seo_title: r.get(6)?,
        seo_description: r.get(7)?,
        options: [r.get(8)?, r.get(9)?, r.get(10)?],
        publish_at: r.get(11)?,
        updated_at: r.get(12)?,
    })
}

/// The variants of a product, in the seller's order.
pub fn variants_of(conn: &Connection, product_id: i64) -> rusqlite::Result<Vec<Variant>> {
    conn.prepare_cached(
        "SELECT id, sku, option1, option2, option3, price, compare_at_price, on_hand, reserved, track_stock,
                allow_backorder, max_per_order, barcode, weight_grams FROM variants WHERE product_id = :id ORDER BY position, id",
    )?
    .query_map(named_params! {":id": product_id}, |r| {
        Ok(Variant {
            id: r.get(0)?,
            sku: r.get(1)?,
            options: [r.get(2)?, r.get(3)?, r.get(4)?],
            price: r.get(5)?,
            compare_at_price: r.get(6)?,
            on_hand: r.get(7)?,
            reserved: r.get(8)?,
            track_stock: r.get(9)?,
            allow_backorder: r.get(10)?,
            max_per_order: r.get(11)?,
            barcode: r.get(12)?,
            weight_grams: r.get(13)?,
        })
    })?
    .collect()
}

/// The active product with this slug; `None` when there is none (or it is a draft or archived).
pub fn product_page(conn: &Connection, slug: &str) -> rusqlite::Result<Option<ProductPage>> {
    let product = conn
        .prepare_cached(&format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE slug = :slug AND status = 'active'"))?
        .query_row(named_params! {":slug": slug}, product_from_row)
        .optional()?;
    let Some(product) = product else { return Ok(None) };
    let variants = variants_of(conn, product.id)?;
    let images = images_of(conn, product.id)?;
    let collections = conn
        .prepare_cached(
            "SELECT c.slug, c.title FROM collections c JOIN collection_products cp ON cp.collection_id = c.id
             WHERE cp.product_id = :id ORDER BY c.position, c.title",
        )?
        .query_map(named_params! {":id": product.id}, |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<Vec<_>, _>>()?;
    let reviews = super::requests::product_reviews(conn, product.id, &product.slug, 10)?;
    Ok(Some(ProductPage { product, variants, images, collections, reviews }))
}

const COLLECTION_SELECT: &str = "SELECT c.id, c.slug, c.title, c.description_md, c.featured,
    (SELECT count(*) FROM collection_products cp WHERE cp.collection_id = c.id AND cp.status = 'active')
     AS product_count, c.position
    FROM collections c";

fn collection_from_row(r: &Row<'_>) -> rusqlite::Result<Collection> {
    Ok(Collection {
        id: r.get(0)?,
        slug: r.get(1)?,
        title: r.get(2)?,
        description_md: r.get(3)?,
        featured: r.get(4)?,
        product_count: r.get(5)?,
        position: r.get(6)?,
    })
}

/// Every collection, in the seller's order.
pub fn collections(conn: &Connection) -> rusqlite::Result<Vec<Collection>> {
    let mut stmt = conn.prepare_cached(&format!("{COLLECTION_SELECT} ORDER BY c.position, c.title"))?;
    let rows = stmt.query_map([], collection_from_row)?;
    rows.collect()
}

/// The collection with this slug; `None` when there is none.
pub fn collection_by_slug(conn: &Connection, slug: &str) -> rusqlite::Result<Option<Collection>> {
    conn.prepare_cached(&format!("{COLLECTION_SELECT} WHERE c.slug = :slug"))?
        .query_row(named_params! {":slug": slug}, collection_from_row)
        .optional()
}

/// (path, last change) of every public page, for the sitemap.
pub fn sitemap_entries(conn: &Connection) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT '/p/' || slug, updated_at FROM products WHERE status = 'active'
         UNION ALL SELECT '/c/' || slug, updated_at FROM collections ORDER BY 1",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// A collection's products in its manual order: (product id, title, status).
pub fn collection_members(conn: &Connection, id: i64) -> rusqlite::Result<Vec<(i64, String, ProductStatus)>> {
    conn.prepare(
        "SELECT p.id, p.title, p.status FROM collection_products cp JOIN products p ON p.id = cp.product_id
         WHERE cp.collection_id = :id ORDER BY cp.position, p.id",
    )?
    .query_map(named_params! {":id": id}, |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, Text<ProductStatus>>(2)?.0)))?
    .collect()
}

/// The collection with this id; `None` when there is none.
pub fn collection_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<Collection>> {
    conn.prepare_cached(&format!("{COLLECTION_SELECT} WHERE c.id = :id"))?
        .query_row(named_params! {":id": id}, collection_from_row)
        .optional()
}

/// When the next drop opens (the earliest `publish_at` after `now` of an active product); `None` when none is due.
pub fn next_drop(conn: &Connection, now: &str) -> rusqlite::Result<Option<String>> {
    conn.prepare_cached(
        "SELECT min(publish_at) FROM products WHERE publish_at IS NOT NULL AND publish_at > :now AND status = 'active'",
    )?
    .query_row(named_params! {":now": now}, |r| r.get(0))
}

/// Active products newest first (by id), after the product `after` when given: the API's pages.
pub fn cards_after(conn: &Connection, after: Option<i64>, limit: i64) -> rusqlite::Result<Vec<Card>> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM products p WHERE p.status = 'active' AND p.id < :after ORDER BY p.id DESC LIMIT :limit"
    );
    conn.prepare_cached(&sql)?
        .query_map(named_params! {":after": after.unwrap_or(i64::MAX), ":limit": limit}, card_from_row)?
        .collect()
}

//! Catalogue reads for the admin: the product list, the edit form, early access, the CSV export.

use rusqlite::{Connection, OptionalExtension, named_params};

use super::{PRODUCT_COLUMNS, product_from_row, variants_of};
use crate::db::text::Text;
use crate::domain::catalog::{AdminFilter, AdminRow, Product, ProductStatus, Variant};

/// `s` for a LIKE pattern with `\` as its escape: `%` and `_` typed by the seller match themselves.
fn like_escaped(s: &str) -> String {
    s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Products for the admin, newest first: `limit` of them after skipping `offset`.
pub fn admin_list(conn: &Connection, f: &AdminFilter, limit: i64, offset: i64) -> rusqlite::Result<Vec<AdminRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.slug, p.title, p.status, count(v.id) AS n, coalesce(min(v.price), 0), coalesce(max(v.price), 0),
                sum(CASE WHEN v.track_stock THEN max(v.on_hand - v.reserved, 0) END) AS available,
                max(CASE WHEN v.track_stock AND NOT v.allow_backorder AND v.on_hand - v.reserved <= :few THEN 1 ELSE 0 END) AS low
         FROM products p LEFT JOIN variants v ON v.product_id = p.id
         WHERE (:status = '' OR p.status = :status)
           AND (:q = '' OR p.title LIKE '%' || :q || '%' ESCAPE '\\' OR p.slug LIKE '%' || :q || '%' ESCAPE '\\'
                OR EXISTS (SELECT 1 FROM variants s WHERE s.product_id = p.id AND s.sku LIKE '%' || :q || '%' ESCAPE '\\'))
           AND (:collection IS NULL OR EXISTS (SELECT 1 FROM collection_products cp WHERE cp.product_id = p.id AND cp.collection_id = :collection))
         GROUP BY p.id
         HAVING (:stock = '' OR (:stock = 'low' AND low = 1) OR (:stock = 'out' AND available = 0))
         ORDER BY p.created_at DESC, p.id DESC LIMIT :limit OFFSET :offset",
    )?;
    let rows = stmt.query_map(
        named_params! {":status": f.status, ":q": like_escaped(f.q.trim()), ":collection": f.collection, ":stock": f.stock,
        ":few": crate::domain::catalog::FEW, ":limit": limit, ":offset": offset},
        |r| {
            Ok(AdminRow {
                id: r.get(0)?,
                slug: r.get(1)?,
                title: r.get(2)?,
                status: r.get::<_, Text<ProductStatus>>(3)?.0,
                variants: r.get(4)?,
                price: r.get(5)?,
                price_max: r.get(6)?,
                available: r.get(7)?,
                low: r.get::<_, i64>(8)? == 1,
            })
        },
    )?;
    rows.collect()
}

/// A product as the admin edits it: the product, its variants, and the ids of its collections.
pub type Editable = (Product, Vec<Variant>, Vec<i64>);

/// Everything the product form shows for an existing product, any status; `None` when it does not exist.
pub fn for_edit(conn: &Connection, id: i64) -> rusqlite::Result<Option<Editable>> {
    let product = conn
        .prepare_cached(&format!("SELECT {PRODUCT_COLUMNS} FROM products WHERE id = :id"))?
        .query_row(named_params! {":id": id}, product_from_row)
        .optional()?;
    let Some(product) = product else { return Ok(None) };
    let variants = variants_of(conn, id)?;
    let collections = conn
        .prepare_cached("SELECT collection_id FROM collection_products WHERE product_id = :id")?
        .query_map(named_params! {":id": id}, |r| r.get(0))?
        .collect::<Result<Vec<i64>, _>>()?;
    Ok(Some((product, variants, collections)))
}

/// Sets (or with `None` removes) a product's early-access hash; false when the product does not exist.
pub fn set_early_access(conn: &Connection, product_id: i64, hash: Option<&[u8]>) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "UPDATE products SET early_access_hash = :h WHERE id = :id",
        named_params! {":h": hash, ":id": product_id},
    )? == 1)
}

/// Whether `hash` is the product's current early-access hash.
pub fn early_access_matches(conn: &Connection, product_id: i64, hash: &[u8]) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM products WHERE id = :id AND early_access_hash = :h)",
        named_params! {":id": product_id, ":h": hash},
        |r| r.get(0),
    )
}

/// Whether the product has an early-access link.
pub fn has_early_access(conn: &Connection, product_id: i64) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT early_access_hash IS NOT NULL FROM products WHERE id = :id",
        named_params! {":id": product_id},
        |r| r.get(0),
    )
}

/// Every variant of every product, for the CSV export, in creation order; each product's
/// collections come by title with its place in each as the storefront shows it (1 is first).
pub fn export_rows(conn: &Connection) -> rusqlite::Result<Vec<crate::domain::product_csv::ExportRow>> {
    let mut stmt = conn.prepare(
        "WITH placed AS (
           SELECT cp.product_id, c.id, c.title,
                  row_number() OVER (PARTITION BY cp.collection_id ORDER BY cp.position, cp.product_id DESC) AS place
           FROM collection_products cp JOIN collections c ON c.id = cp.collection_id),
         memberships AS (
           SELECT product_id, group_concat(title, '|' ORDER BY title, id) AS titles,
                  group_concat(place, '|' ORDER BY title, id) AS places
           FROM placed GROUP BY product_id)
         SELECT p.slug, p.title, p.status, p.description_md, p.tags, p.seo_title, p.seo_description, p.publish_at,
                p.option1, p.option2, p.option3, coalesce(m.titles, ''), coalesce(m.places, ''),
                v.sku, v.option1, v.option2, v.option3, v.price, v.compare_at_price, v.track_stock, v.allow_backorder,
                v.max_per_order, v.barcode, v.weight_grams, v.on_hand
         FROM products p JOIN variants v ON v.product_id = p.id LEFT JOIN memberships m ON m.product_id = p.id
         ORDER BY p.created_at, p.id, v.position, v.id",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(crate::domain::product_csv::ExportRow {
            slug: r.get(0)?,
            title: r.get(1)?,
            status: r.get(2)?,
            description_md: r.get(3)?,
            tags: r.get(4)?,
            seo_title: r.get(5)?,
            seo_description: r.get(6)?,
            publish_at: r.get(7)?,
            options: [r.get(8)?, r.get(9)?, r.get(10)?],
            collections: r.get(11)?,
            collection_places: r.get(12)?,
            sku: r.get(13)?,
            values: [r.get(14)?, r.get(15)?, r.get(16)?],
            price: r.get(17)?,
            compare_at: r.get(18)?,
            track: r.get(19)?,
            backorder: r.get(20)?,
            max_per_order: r.get(21)?,
            barcode: r.get(22)?,
            weight_grams: r.get(23)?,
            on_hand: r.get(24)?,
        })
    })?;
    rows.collect()
}

/// The id of the product at this slug, any status.
pub fn product_id_by_slug(conn: &Connection, slug: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM products WHERE slug = :slug")?
        .query_row(named_params! {":slug": slug}, |r| r.get(0))
        .optional()
}

/// The titles of a product's collections, in the shop's collection order.
pub fn collection_titles_of(conn: &Connection, product_id: i64) -> rusqlite::Result<Vec<String>> {
    conn.prepare_cached(
        "SELECT c.title FROM collection_products cp JOIN collections c ON c.id = cp.collection_id
         WHERE cp.product_id = :id ORDER BY c.position, c.id",
    )?
    .query_map(named_params! {":id": product_id}, |r| r.get(0))?
    .collect()
}

//! Catalogue writes: products, variants, stock through the ledger, the cards they keep true.

use rusqlite::{Connection, named_params};

use crate::domain::catalog::ProductStatus;

/// Rewrites the card fields of a product (price range, was-price, sold out, first photo) from its
/// variants and photos. Every write that changes those calls it in the same transaction.
pub fn refresh_card(conn: &Connection, product_id: i64) -> rusqlite::Result<()> {
    // Written only when something differs, so an order that leaves a product's card as it was
    // does not move the storefront version (and empty the page cache).
    conn.prepare_cached(
        "UPDATE products SET price_min = c.price_min, price_max = c.price_max, compare_at = c.compare_at,
                sold_out = c.sold_out, image_id = c.image_id
         FROM (SELECT
            coalesce((SELECT min(price) FROM variants v WHERE v.product_id = :id), 0) AS price_min,
            coalesce((SELECT max(price) FROM variants v WHERE v.product_id = :id), 0) AS price_max,
            (SELECT max(compare_at_price) FROM variants v WHERE v.product_id = :id AND compare_at_price > price) AS compare_at,
            NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = :id
                        AND (v.track_stock = 0 OR v.allow_backorder = 1 OR v.on_hand - v.reserved > 0)) AS sold_out,
            (SELECT i.id FROM images i WHERE i.product_id = :id AND i.removed_at IS NULL
             ORDER BY i.position, i.id LIMIT 1) AS image_id) AS c
         WHERE products.id = :id
           AND (products.price_min IS NOT c.price_min OR products.price_max IS NOT c.price_max
                OR products.compare_at IS NOT c.compare_at OR products.sold_out IS NOT c.sold_out
                OR products.image_id IS NOT c.image_id)",
    )?
    .execute(named_params! {":id": product_id})?;
    Ok(())
}

/// A product to create.
#[derive(Debug, Clone, Default)]
pub struct NewProduct {
    pub slug: String,
    pub title: String,
    pub description_md: String,
    pub status: ProductStatus,
    pub tags: String,
    pub options: [String; 3],
    pub publish_at: Option<String>,
}

pub fn insert_product(conn: &Connection, p: &NewProduct, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO products (slug, title, description_md, status, tags, option1, option2, option3, publish_at, created_at, updated_at)
         VALUES (:slug, :title, :md, :status, :tags, :o1, :o2, :o3, :publish, :now, :now)",
        named_params! {":slug": p.slug, ":title": p.title, ":md": p.description_md, ":status": p.status.as_str(), ":tags": p.tags,
                       ":o1": p.options[0], ":o2": p.options[1], ":o3": p.options[2], ":publish": p.publish_at, ":now": now},
    )?;
    Ok(conn.last_insert_rowid())
}

/// A variant to create; its stock starts at zero and comes in through [`adjust_stock`].
#[derive(Debug, Clone, Default)]
pub struct NewVariant {
    pub sku: String,
    pub options: [String; 3],
    pub price: i64,
    pub compare_at_price: Option<i64>,
    pub track_stock: bool,
    pub allow_backorder: bool,
    pub max_per_order: Option<i64>,
    pub barcode: String,
    pub weight_grams: Option<i64>,
}

pub fn insert_variant(conn: &Connection, product_id: i64, position: i64, v: &NewVariant) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO variants (product_id, position, sku, option1, option2, option3, price, compare_at_price,
                               track_stock, allow_backorder, max_per_order, barcode, weight_grams)
         VALUES (:p, :pos, :sku, :o1, :o2, :o3, :price, :cmp, :track, :back, :max, :barcode, :weight)",
        named_params! {":p": product_id, ":pos": position, ":sku": v.sku, ":o1": v.options[0], ":o2": v.options[1],
        ":o3": v.options[2], ":price": v.price, ":cmp": v.compare_at_price, ":track": v.track_stock,
        ":back": v.allow_backorder, ":max": v.max_per_order, ":barcode": v.barcode, ":weight": v.weight_grams},
    )?;
    let id = conn.last_insert_rowid();
    refresh_card(conn, product_id)?;
    Ok(id)
}

/// Changes stock on hand through the ledger (who, how much, why), in the caller's transaction.
pub fn adjust_stock(
    conn: &Connection,
    variant_id: i64,
    delta: i64,
    reason: &str,
    actor: &str,
    now: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "INSERT INTO stock_ledger (variant_id, delta, reason, actor, at) VALUES (:v, :d, :reason, :actor, :now)",
    )?
    .execute(named_params! {":v": variant_id, ":d": delta, ":reason": reason, ":actor": actor, ":now": now})?;
    conn.prepare_cached("UPDATE variants SET on_hand = on_hand + :d WHERE id = :v")?
        .execute(named_params! {":v": variant_id, ":d": delta})?;
    let product: i64 =
        conn.query_row("SELECT product_id FROM variants WHERE id = :v", named_params! {":v": variant_id}, |r| {
            r.get(0)
        })?;
    refresh_card(conn, product)
}

/// Variants whose on-hand count differs from their ledger's sum: (sku, on_hand, ledger sum). Empty when all agree.
pub fn ledger_mismatches(conn: &Connection) -> rusqlite::Result<Vec<(String, i64, i64)>> {
    let mut stmt = conn.prepare(
        "SELECT v.sku, v.on_hand, coalesce((SELECT sum(delta) FROM stock_ledger l WHERE l.variant_id = v.id), 0) AS s
         FROM variants v WHERE v.on_hand != coalesce((SELECT sum(delta) FROM stock_ledger l WHERE l.variant_id = v.id), 0)",
    )?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
    rows.collect()
}

/// Slugs of products whose card fields disagree with their variants and photos, or whose collection
/// memberships keep other sort keys than the product has. Empty when all agree.
pub fn card_mismatches(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT slug FROM products p WHERE
            price_min IS NOT coalesce((SELECT min(price) FROM variants v WHERE v.product_id = p.id), 0)
         OR price_max IS NOT coalesce((SELECT max(price) FROM variants v WHERE v.product_id = p.id), 0)
         OR compare_at IS NOT (SELECT max(compare_at_price) FROM variants v WHERE v.product_id = p.id AND compare_at_price > price)
         OR sold_out IS NOT (NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id
                             AND (v.track_stock = 0 OR v.allow_backorder = 1 OR v.on_hand - v.reserved > 0)))
         OR image_id IS NOT (SELECT i.id FROM images i WHERE i.product_id = p.id AND i.removed_at IS NULL
                            ORDER BY i.position, i.id LIMIT 1)
         OR EXISTS (SELECT 1 FROM collection_products cp WHERE cp.product_id = p.id
                    AND (cp.status IS NOT p.status OR cp.price IS NOT p.price_min OR cp.created_at IS NOT p.created_at))",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

pub fn insert_collection(
    conn: &Connection,
    slug: &str,
    title: &str,
    description_md: &str,
    featured: bool,
    position: i64,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO collections (slug, title, description_md, featured, position, created_at, updated_at)
         VALUES (:slug, :title, :md, :featured, :pos, :now, :now)",
        named_params! {":slug": slug, ":title": title, ":md": description_md, ":featured": featured, ":pos": position, ":now": now},
    )?;
    Ok(conn.last_insert_rowid())
}

/// Adds a product at the end of a collection (no change when it is already there).
pub fn add_to_collection(conn: &Connection, collection_id: i64, product_id: i64) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO collection_products (collection_id, product_id, position)
         VALUES (:c, :p, coalesce((SELECT max(position) + 1 FROM collection_products WHERE collection_id = :c), 0))",
        named_params! {":c": collection_id, ":p": product_id},
    )?;
    Ok(())
}

//! The catalogue's SQL: product cards for listings, a product with its variants and images,
//! collections, search, and the writes that keep stock and the search index true.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

/// One product in a listing: everything a card shows, in one query for the whole page.
#[derive(Debug, Clone)]
pub struct Card {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub price: i64,
    pub price_max: i64,
    pub compare_at: Option<i64>,
    pub image_id: Option<i64>,
    pub sold_out: bool,
    pub publish_at: Option<String>,
}

/// Card fields are columns of `products`, kept true by [`refresh_card`].
const CARD_COLUMNS: &str = "p.id, p.slug, p.title, p.publish_at, p.price_min AS price, p.price_max,
    p.compare_at, p.image_id, p.sold_out";

/// Rewrites the card fields of a product (price range, was-price, sold out, first photo) from its
/// variants and photos. Every write that changes those calls it in the same transaction.
pub fn refresh_card(conn: &Connection, product_id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE products SET
            price_min = coalesce((SELECT min(price) FROM variants v WHERE v.product_id = :id), 0),
            price_max = coalesce((SELECT max(price) FROM variants v WHERE v.product_id = :id), 0),
            compare_at = (SELECT max(compare_at_price) FROM variants v WHERE v.product_id = :id AND compare_at_price > price),
            sold_out = NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = :id
                                   AND (v.track_stock = 0 OR v.allow_backorder = 1 OR v.on_hand - v.reserved > 0)),
            image_id = (SELECT i.id FROM images i WHERE i.product_id = :id ORDER BY i.position, i.id LIMIT 1)
         WHERE id = :id",
    )?
    .execute(named_params! {":id": product_id})?;
    Ok(())
}

fn card_from_row(r: &Row<'_>) -> rusqlite::Result<Card> {
    Ok(Card {
        id: r.get("id")?,
        slug: r.get("slug")?,
        title: r.get("title")?,
        price: r.get("price")?,
        price_max: r.get("price_max")?,
        compare_at: r.get("compare_at")?,
        image_id: r.get("image_id")?,
        sold_out: r.get("sold_out")?,
        publish_at: r.get("publish_at")?,
    })
}

/// How a listing is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    #[default]
    Newest,
    PriceLow,
    PriceHigh,
}

impl Sort {
    pub fn parse(s: &str) -> Sort {
        match s {
            "price" | "price_asc" => Sort::PriceLow,
            "-price" | "price_desc" => Sort::PriceHigh,
            _ => Sort::Newest,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Newest => "newest",
            Sort::PriceLow => "price_asc",
            Sort::PriceHigh => "price_desc",
        }
    }
    fn order_by(self) -> &'static str {
        match self {
            Sort::Newest => "p.created_at DESC, p.id DESC",
            Sort::PriceLow => "price ASC, p.id DESC",
            Sort::PriceHigh => "price DESC, p.id DESC",
        }
    }
}

/// Active products, optionally of one collection (then in the collection's order for `Newest`),
/// and how many there are in all.
pub fn cards(
    conn: &Connection,
    collection: Option<i64>,
    sort: Sort,
    limit: i64,
    offset: i64,
) -> rusqlite::Result<(Vec<Card>, i64)> {
    let (from, order) = match collection {
        // CROSS JOIN keeps this join order: the collection's members first, not every product.
        Some(_) => (
            "collection_products cp CROSS JOIN products p ON p.id = cp.product_id AND cp.collection_id = :collection",
            if sort == Sort::Newest { "cp.position, p.id DESC" } else { sort.order_by() },
        ),
        None => ("products p", sort.order_by()),
    };
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM {from} WHERE p.status = 'active' ORDER BY {order} LIMIT :limit OFFSET :offset"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows: Vec<Card> = match collection {
        Some(c) => stmt
            .query_map(named_params! {":collection": c, ":limit": limit, ":offset": offset}, card_from_row)?
            .collect::<Result<_, _>>()?,
        None => stmt
            .query_map(named_params! {":limit": limit, ":offset": offset}, card_from_row)?
            .collect::<Result<_, _>>()?,
    };
    let total: i64 = match collection {
        Some(c) => conn.query_row(
            "SELECT count(*) FROM products p JOIN collection_products cp ON cp.product_id = p.id
             WHERE cp.collection_id = :c AND p.status = 'active'",
            named_params! {":c": c},
            |r| r.get(0),
        )?,
        None => conn.query_row("SELECT count(*) FROM products WHERE status = 'active'", [], |r| r.get(0))?,
    };
    Ok((rows, total))
}

/// Active products matching an FTS5 query (built by `domain::search`), best first.
pub fn search(conn: &Connection, fts_query: &str, limit: i64) -> rusqlite::Result<Vec<Card>> {
    let sql = format!(
        "SELECT {CARD_COLUMNS} FROM product_search s JOIN products p ON p.id = s.rowid
         WHERE product_search MATCH :q AND p.status = 'active'
         ORDER BY bm25(product_search, 10.0, 1.0, 5.0, 3.0) LIMIT :limit"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(named_params! {":q": fts_query, ":limit": limit}, card_from_row)?;
    rows.collect()
}

#[derive(Debug, Clone)]
pub struct Product {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description_md: String,
    pub status: String,
    pub tags: String,
    pub seo_title: String,
    pub seo_description: String,
    pub options: [String; 3],
    pub publish_at: Option<String>,
    pub updated_at: String,
}

#[derive(Debug, Clone)]
pub struct Variant {
    pub id: i64,
    pub sku: String,
    pub options: [String; 3],
    pub price: i64,
    pub compare_at_price: Option<i64>,
    pub on_hand: i64,
    pub reserved: i64,
    pub track_stock: bool,
    pub allow_backorder: bool,
    pub max_per_order: Option<i64>,
}

impl Variant {
    pub fn stock(&self) -> crate::domain::catalog::Stock {
        crate::domain::catalog::Stock {
            on_hand: self.on_hand,
            reserved: self.reserved,
            track: self.track_stock,
            backorder: self.allow_backorder,
        }
    }
}

const PRODUCT_COLUMNS: &str = "id, slug, title, description_md, status, tags, seo_title, seo_description,
    option1, option2, option3, publish_at, updated_at";

fn product_from_row(r: &Row<'_>) -> rusqlite::Result<Product> {
    Ok(Product {
        id: r.get(0)?,
        slug: r.get(1)?,
        title: r.get(2)?,
        description_md: r.get(3)?,
        status: r.get(4)?,
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
                allow_backorder, max_per_order FROM variants WHERE product_id = :id ORDER BY position, id",
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
        })
    })?
    .collect()
}

#[derive(Debug, Clone)]
pub struct Image {
    pub id: i64,
    pub variant_id: Option<i64>,
    pub alt: String,
    pub width: i64,
    pub height: i64,
}

/// A product page's data: the product, its variants and images, and the collections it is in.
#[derive(Debug, Clone)]
pub struct ProductPage {
    pub product: Product,
    pub variants: Vec<Variant>,
    pub images: Vec<Image>,
    pub collections: Vec<(String, String)>,
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
    Ok(Some(ProductPage { product, variants, images, collections }))
}

#[derive(Debug, Clone)]
pub struct Collection {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub description_md: String,
    pub featured: bool,
    pub product_count: i64,
    pub position: i64,
}

const COLLECTION_SELECT: &str = "SELECT c.id, c.slug, c.title, c.description_md, c.featured,
    (SELECT count(*) FROM collection_products cp JOIN products p ON p.id = cp.product_id
     WHERE cp.collection_id = c.id AND p.status = 'active') AS product_count, c.position
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

/// A product to create.
#[derive(Debug, Clone, Default)]
pub struct NewProduct {
    pub slug: String,
    pub title: String,
    pub description_md: String,
    pub status: String,
    pub tags: String,
    pub options: [String; 3],
    pub publish_at: Option<String>,
}

pub fn insert_product(conn: &Connection, p: &NewProduct, now: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO products (slug, title, description_md, status, tags, option1, option2, option3, publish_at, created_at, updated_at)
         VALUES (:slug, :title, :md, :status, :tags, :o1, :o2, :o3, :publish, :now, :now)",
        named_params! {":slug": p.slug, ":title": p.title, ":md": p.description_md, ":status": p.status, ":tags": p.tags,
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
}

pub fn insert_variant(conn: &Connection, product_id: i64, position: i64, v: &NewVariant) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO variants (product_id, position, sku, option1, option2, option3, price, compare_at_price,
                               track_stock, allow_backorder, max_per_order)
         VALUES (:p, :pos, :sku, :o1, :o2, :o3, :price, :cmp, :track, :back, :max)",
        named_params! {":p": product_id, ":pos": position, ":sku": v.sku, ":o1": v.options[0], ":o2": v.options[1],
        ":o3": v.options[2], ":price": v.price, ":cmp": v.compare_at_price, ":track": v.track_stock,
        ":back": v.allow_backorder, ":max": v.max_per_order},
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

/// Slugs of products whose card fields disagree with their variants and photos. Empty when all agree.
pub fn card_mismatches(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT slug FROM products p WHERE
            price_min IS NOT coalesce((SELECT min(price) FROM variants v WHERE v.product_id = p.id), 0)
         OR price_max IS NOT coalesce((SELECT max(price) FROM variants v WHERE v.product_id = p.id), 0)
         OR compare_at IS NOT (SELECT max(compare_at_price) FROM variants v WHERE v.product_id = p.id AND compare_at_price > price)
         OR sold_out IS NOT (NOT EXISTS (SELECT 1 FROM variants v WHERE v.product_id = p.id
                             AND (v.track_stock = 0 OR v.allow_backorder = 1 OR v.on_hand - v.reserved > 0)))
         OR image_id IS NOT (SELECT i.id FROM images i WHERE i.product_id = p.id ORDER BY i.position, i.id LIMIT 1)",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}

/// Rewrites a product's search entry from its current title, description, SKUs and tags.
pub fn reindex_product(conn: &Connection, product_id: i64) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM product_search WHERE rowid = :id")?.execute(named_params! {":id": product_id})?;
    conn.prepare_cached(
        "INSERT INTO product_search (rowid, title, description, skus, tags)
         SELECT p.id, p.title, p.description_md,
                coalesce((SELECT group_concat(sku, ' ') FROM variants v WHERE v.product_id = p.id), ''),
                replace(p.tags, ',', ' ')
         FROM products p WHERE p.id = :id",
    )?
    .execute(named_params! {":id": product_id})?;
    Ok(())
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

/// A product in the admin's list.
#[derive(Debug, Clone)]
pub struct AdminRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub status: String,
    pub variants: i64,
    pub price: i64,
    pub price_max: i64,
    /// Units that can be sold across tracked variants; `None` when no variant tracks stock.
    pub available: Option<i64>,
    pub low: bool,
}

/// Filters of the admin's product list; empty means any. `stock` is "", "low" or "out".
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct AdminFilter {
    pub q: String,
    pub status: String,
    pub collection: Option<i64>,
    pub stock: String,
}

/// Products for the admin, newest first, at most `limit`.
pub fn admin_list(conn: &Connection, f: &AdminFilter, limit: i64) -> rusqlite::Result<Vec<AdminRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.slug, p.title, p.status, count(v.id) AS n, coalesce(min(v.price), 0), coalesce(max(v.price), 0),
                sum(CASE WHEN v.track_stock THEN max(v.on_hand - v.reserved, 0) END) AS available,
                max(CASE WHEN v.track_stock AND NOT v.allow_backorder AND v.on_hand - v.reserved <= :few THEN 1 ELSE 0 END) AS low
         FROM products p LEFT JOIN variants v ON v.product_id = p.id
         WHERE (:status = '' OR p.status = :status)
           AND (:q = '' OR p.title LIKE '%' || :q || '%' OR p.slug LIKE '%' || :q || '%'
                OR EXISTS (SELECT 1 FROM variants s WHERE s.product_id = p.id AND s.sku LIKE '%' || :q || '%'))
           AND (:collection IS NULL OR EXISTS (SELECT 1 FROM collection_products cp WHERE cp.product_id = p.id AND cp.collection_id = :collection))
         GROUP BY p.id
         HAVING (:stock = '' OR (:stock = 'low' AND low = 1) OR (:stock = 'out' AND available = 0))
         ORDER BY p.created_at DESC, p.id DESC LIMIT :limit",
    )?;
    let rows = stmt.query_map(
        named_params! {":status": f.status, ":q": f.q.trim(), ":collection": f.collection, ":stock": f.stock,
        ":few": crate::domain::catalog::FEW, ":limit": limit},
        |r| {
            Ok(AdminRow {
                id: r.get(0)?,
                slug: r.get(1)?,
                title: r.get(2)?,
                status: r.get(3)?,
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

/// Stores a photo and its renditions at the end of the product's gallery; returns its id.
pub fn insert_image(
    conn: &Connection,
    product_id: i64,
    alt: &str,
    img: &crate::images::Processed,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO images (product_id, position, alt, width, height, created_at)
         VALUES (:p, coalesce((SELECT max(position) + 1 FROM images WHERE product_id = :p), 0), :alt, :w, :h, :now)",
        named_params! {":p": product_id, ":alt": alt, ":w": img.width, ":h": img.height, ":now": now},
    )?;
    let id = conn.last_insert_rowid();
    let mut stmt = conn.prepare_cached(
        "INSERT INTO image_renditions (image_id, width, content_type, data) VALUES (:id, :w, 'image/webp', :data)",
    )?;
    for (w, data) in &img.renditions {
        stmt.execute(named_params! {":id": id, ":w": w, ":data": data})?;
    }
    refresh_card(conn, product_id)?;
    Ok(id)
}

/// The product's photos, in gallery order.
pub fn images_of(conn: &Connection, product_id: i64) -> rusqlite::Result<Vec<Image>> {
    conn.prepare_cached(
        "SELECT id, variant_id, alt, width, height FROM images WHERE product_id = :id ORDER BY position, id",
    )?
    .query_map(named_params! {":id": product_id}, |r| {
        Ok(Image { id: r.get(0)?, variant_id: r.get(1)?, alt: r.get(2)?, width: r.get(3)?, height: r.get(4)? })
    })?
    .collect()
}

/// Changes a photo's alt text and place in the gallery (0 is first); false when it is not the product's.
pub fn update_image(
    conn: &Connection,
    product_id: i64,
    image_id: i64,
    alt: &str,
    position: i64,
) -> rusqlite::Result<bool> {
    let mut ids: Vec<i64> = images_of(conn, product_id)?.into_iter().map(|i| i.id).collect();
    let Some(from) = ids.iter().position(|i| *i == image_id) else { return Ok(false) };
    let id = ids.remove(from);
    ids.insert((position.max(0) as usize).min(ids.len()), id);
    let mut stmt = conn.prepare_cached("UPDATE images SET position = :pos WHERE id = :id")?;
    for (pos, id) in ids.iter().enumerate() {
        stmt.execute(named_params! {":pos": pos as i64, ":id": id})?;
    }
    conn.execute("UPDATE images SET alt = :alt WHERE id = :id", named_params! {":alt": alt, ":id": image_id})?;
    refresh_card(conn, product_id)?;
    Ok(true)
}

/// Deletes a photo and its renditions; false when it is not the product's.
pub fn delete_image(conn: &Connection, product_id: i64, image_id: i64) -> rusqlite::Result<bool> {
    Ok(conn.execute(
        "DELETE FROM images WHERE id = :i AND product_id = :p",
        named_params! {":i": image_id, ":p": product_id},
    )? == 1)
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

/// A collection's products in its manual order: (product id, title, status).
pub fn collection_members(conn: &Connection, id: i64) -> rusqlite::Result<Vec<(i64, String, String)>> {
    conn.prepare(
        "SELECT p.id, p.title, p.status FROM collection_products cp JOIN products p ON p.id = cp.product_id
         WHERE cp.collection_id = :id ORDER BY cp.position, p.id",
    )?
    .query_map(named_params! {":id": id}, |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
    .collect()
}

/// The collection with this id; `None` when there is none.
pub fn collection_by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<Collection>> {
    conn.prepare_cached(&format!("{COLLECTION_SELECT} WHERE c.id = :id"))?
        .query_row(named_params! {":id": id}, collection_from_row)
        .optional()
}

/// Every variant of every product, for the CSV export, in creation order.
pub fn export_rows(conn: &Connection) -> rusqlite::Result<Vec<crate::domain::product_csv::ExportRow>> {
    let mut stmt = conn.prepare(
        "SELECT p.slug, p.title, p.status, p.description_md, p.tags, p.seo_title, p.seo_description, p.publish_at,
                p.option1, p.option2, p.option3,
                coalesce((SELECT group_concat(t, '|') FROM (SELECT c.title AS t FROM collections c
                          JOIN collection_products cp ON cp.collection_id = c.id WHERE cp.product_id = p.id ORDER BY c.title)), ''),
                v.sku, v.option1, v.option2, v.option3, v.price, v.compare_at_price, v.track_stock, v.allow_backorder,
                v.max_per_order, v.on_hand
         FROM products p JOIN variants v ON v.product_id = p.id
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
            sku: r.get(12)?,
            values: [r.get(13)?, r.get(14)?, r.get(15)?],
            price: r.get(16)?,
            compare_at: r.get(17)?,
            track: r.get(18)?,
            backorder: r.get(19)?,
            max_per_order: r.get(20)?,
            on_hand: r.get(21)?,
        })
    })?;
    rows.collect()
}

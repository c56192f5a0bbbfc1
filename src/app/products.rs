//! Product use cases for the admin: save a product with its variants, adjust stock, change status
//! in bulk. Each runs inside the caller's transaction and writes the audit log.

use rusqlite::{Connection, OptionalExtension, named_params};

use super::Actor;
use crate::db::{self, catalog};
use crate::domain::catalog::ProductStatus;
use crate::domain::product_form::{ProductErrors, ValidProduct};
use crate::error::AppError;

/// Creates (`id` None) or updates a product; a taken slug or SKU comes back as form errors, with
/// nothing written.
pub fn save(
    conn: &Connection,
    actor: &Actor,
    id: Option<i64>,
    p: &ValidProduct,
) -> Result<Result<i64, ProductErrors>, AppError> {
    let mut errors = ProductErrors { fields: Default::default(), rows: vec![Default::default(); p.rows.len()] };
    let this = id.unwrap_or(0);
    let taken: Option<String> = conn
        .query_row(
            "SELECT title FROM products WHERE slug = :slug AND id != :id",
            named_params! {":slug": p.slug, ":id": this},
            |r| r.get(0),
        )
        .optional()?;
    if let Some(other) = taken {
        errors.fields.insert("slug", format!("/p/{} is taken: “{other}” already uses this web address.", p.slug));
    }
    for (i, row) in p.rows.iter().enumerate() {
        let owner: Option<String> = conn
            .query_row(
                "SELECT p.title FROM variants v JOIN products p ON p.id = v.product_id
                 WHERE v.sku = :sku AND v.id != :vid AND v.id NOT IN (SELECT value FROM json_each(:removed))",
                named_params! {":sku": row.sku, ":vid": row.id.unwrap_or(0), ":removed": serde_json::to_string(&p.removed).unwrap_or_default()},
                |r| r.get(0),
            )
            .optional()?;
        if let Some(other) = owner {
            errors.rows[i].insert("sku", format!("{} is already a SKU of “{other}”.", row.sku));
        }
    }
    // A variant that open orders hold units of stays until they are settled: its reservation
    // would vanish with it, and the stock those orders count on with it.
    let held: Vec<String> = conn
        .prepare_cached(
            "SELECT sku FROM variants WHERE product_id = :p AND reserved > 0
               AND id IN (SELECT value FROM json_each(:removed)) ORDER BY position",
        )?
        .query_map(
            named_params! {":p": this, ":removed": serde_json::to_string(&p.removed).unwrap_or_default()},
            |r| r.get(0),
        )?
        .collect::<Result<_, _>>()?;
    if !held.is_empty() {
        errors.fields.insert(
            "variants",
            format!(
                "{} cannot be deleted while open orders hold units of it; set its stock to 0 instead, or delete it once those orders are settled.",
                held.join(", ")
            ),
        );
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let now = db::now();
    let product_id = match id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE products SET slug = :slug, title = :title, description_md = :md, status = :status, tags = :tags,
                   seo_title = :seo_t, seo_description = :seo_d, option1 = :o1, option2 = :o2, option3 = :o3,
                   publish_at = :publish, updated_at = :now WHERE id = :id",
                named_params! {":slug": p.slug, ":title": p.title, ":md": p.description_md, ":status": p.status.as_str(),
                               ":tags": p.tags, ":seo_t": p.seo_title, ":seo_d": p.seo_description, ":o1": p.options[0],
                               ":o2": p.options[1], ":o3": p.options[2], ":publish": p.publish_at, ":now": now, ":id": id},
            )?;
            if n == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
        None => {
            let new = catalog::NewProduct {
                slug: p.slug.clone(),
                title: p.title.clone(),
                description_md: p.description_md.clone(),
                status: p.status,
                tags: p.tags.clone(),
                options: p.options.clone(),
                publish_at: p.publish_at.clone(),
            };
            let id = catalog::insert_product(conn, &new, &now)?;
            conn.execute(
                "UPDATE products SET seo_title = :t, seo_description = :d WHERE id = :id",
                named_params! {":t": p.seo_title, ":d": p.seo_description, ":id": id},
            )?;
            id
        }
    };
    for vid in &p.removed {
        conn.execute(
            "DELETE FROM variants WHERE id = :v AND product_id = :p",
            named_params! {":v": vid, ":p": product_id},
        )?;
    }
    for (pos, row) in p.rows.iter().enumerate() {
        let v = catalog::NewVariant {
            sku: row.sku.clone(),
            options: row.options.clone(),
            price: row.price,
            compare_at_price: row.compare_at,
            track_stock: row.track,
            allow_backorder: row.backorder,
            max_per_order: row.max_per_order,
            barcode: row.barcode.clone(),
            weight_grams: row.weight_grams,
        };
        match row.id {
            Some(vid) => {
                let n = conn.execute(
                    "UPDATE variants SET position = :pos, sku = :sku, option1 = :o1, option2 = :o2, option3 = :o3, price = :price,
                       compare_at_price = :cmp, track_stock = :track, allow_backorder = :back, max_per_order = :max,
                       barcode = :barcode, weight_grams = :weight
                     WHERE id = :vid AND product_id = :p",
                    named_params! {":pos": pos as i64, ":sku": v.sku, ":o1": v.options[0], ":o2": v.options[1], ":o3": v.options[2],
                                   ":price": v.price, ":cmp": v.compare_at_price, ":track": v.track_stock,
                                   ":back": v.allow_backorder, ":max": v.max_per_order, ":barcode": v.barcode,
                                   ":weight": v.weight_grams, ":vid": vid, ":p": product_id},
                )?;
                if n == 0 {
                    return Err(AppError::BadRequest(format!("Variant {} does not belong to this product.", row.sku)));
                }
            }
            None => {
                let vid = catalog::insert_variant(conn, product_id, pos as i64, &v)?;
                if row.initial_stock > 0 {
                    catalog::adjust_stock(conn, vid, row.initial_stock, "initial stock", &actor.name, &now)?;
                }
            }
        }
    }
    // Collections it stays in keep its place there; only those it left lose it.
    let current: Vec<i64> = conn
        .prepare_cached("SELECT collection_id FROM collection_products WHERE product_id = :p")?
        .query_map(named_params! {":p": product_id}, |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for gone in current.iter().filter(|c| !p.collections.contains(c)) {
        conn.execute(
            "DELETE FROM collection_products WHERE product_id = :p AND collection_id = :c",
            named_params! {":p": product_id, ":c": gone},
        )?;
    }
    for c in &p.collections {
        let exists: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM collections WHERE id = :c)", named_params! {":c": c}, |r| {
                r.get(0)
            })?;
        if exists {
            catalog::add_to_collection(conn, *c, product_id)?;
        }
    }
    catalog::refresh_card(conn, product_id)?;
    let action = if id.is_some() { "product.update" } else { "product.create" };
    actor.record(conn, action, &p.slug, &format!("{} variants, status {}", p.rows.len(), p.status))?;
    Ok(Ok(product_id))
}

/// Adds `delta` (negative to remove) to a variant of the product, with a reason, through the ledger.
/// Refuses to take tracked stock below zero; returns the new on-hand count.
pub fn adjust_stock(
    conn: &Connection,
    actor: &Actor,
    product_id: i64,
    variant_id: i64,
    delta: i64,
    reason: &str,
) -> Result<i64, AppError> {
    let (sku, on_hand): (String, i64) = conn
        .query_row(
            "SELECT sku, on_hand FROM variants WHERE id = :v AND product_id = :p",
            named_params! {":v": variant_id, ":p": product_id},
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(AppError::NotFound)?;
    if on_hand + delta < 0 {
        return Err(AppError::Conflict(format!("{sku} has {on_hand} on hand: it cannot go below zero.")));
    }
    catalog::adjust_stock(conn, variant_id, delta, reason, &actor.name, &db::now())?;
    actor.record(conn, "stock.adjust", &sku, &format!("{delta:+} ({reason})"))?;
    Ok(on_hand + delta)
}

/// Sets the status of several products; returns how many changed.
pub fn set_status(conn: &Connection, actor: &Actor, ids: &[i64], status: ProductStatus) -> Result<usize, AppError> {
    let mut changed = 0;
    for id in ids {
        changed += conn.execute(
            "UPDATE products SET status = :s, updated_at = :now WHERE id = :id AND status != :s",
            named_params! {":s": status.as_str(), ":now": db::now(), ":id": id},
        )?;
    }
    actor.record(conn, "product.bulk_status", status.as_str(), &format!("{changed} products"))?;
    Ok(changed)
}

/// Adds several products to a collection, at its end (those already in it stay where they are);
/// returns the collection's title and how many were added, `None` without such a collection.
pub fn add_to_collection(
    conn: &Connection,
    actor: &Actor,
    collection_id: i64,
    ids: &[i64],
) -> Result<Option<(String, usize)>, AppError> {
    let title: Option<String> = conn
        .query_row("SELECT title FROM collections WHERE id = :c", named_params! {":c": collection_id}, |r| r.get(0))
        .optional()?;
    let Some(title) = title else { return Ok(None) };
    let mut added = 0;
    for id in ids {
        let exists: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM products WHERE id = :id)", named_params! {":id": id}, |r| {
                r.get(0)
            })?;
        let before = conn.total_changes();
        if exists {
            db::catalog::add_to_collection(conn, collection_id, *id)?;
        }
        added += usize::from(conn.total_changes() > before);
    }
    actor.record(conn, "product.bulk_collection", &title, &format!("{added} added"))?;
    Ok(Some((title, added)))
}

//! Product workflows for the admin: save a product with its variants, adjust stock, change status
//! in bulk. Each runs inside the caller's transaction and writes the audit log.

use rusqlite::{Connection, OptionalExtension, named_params};

use crate::accounts::Actor;
use crate::db::{self, catalog};
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
                status: p.status.clone(),
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
    catalog::reindex_product(conn, product_id)?;
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
pub fn set_status(conn: &Connection, actor: &Actor, ids: &[i64], status: &str) -> Result<usize, AppError> {
    if !matches!(status, "active" | "archived" | "draft") {
        return Err(AppError::BadRequest("Unknown status.".into()));
    }
    let mut changed = 0;
    for id in ids {
        changed += conn.execute(
            "UPDATE products SET status = :s, updated_at = :now WHERE id = :id AND status != :s",
            named_params! {":s": status, ":now": db::now(), ":id": id},
        )?;
    }
    actor.record(conn, "product.bulk_status", status, &format!("{changed} products"))?;
    Ok(changed)
}

/// Creates (`id` None) or updates a collection; a taken slug comes back as a form error.
pub fn save_collection(
    conn: &Connection,
    actor: &Actor,
    id: Option<i64>,
    c: &crate::domain::catalog::ValidCollection,
) -> Result<Result<i64, crate::domain::FieldErrors>, AppError> {
    let taken: Option<String> = conn
        .query_row(
            "SELECT title FROM collections WHERE slug = :slug AND id != :id",
            named_params! {":slug": c.slug, ":id": id.unwrap_or(0)},
            |r| r.get(0),
        )
        .optional()?;
    if let Some(other) = taken {
        let mut e = crate::domain::FieldErrors::new();
        e.insert("slug", format!("/c/{} is taken: the collection “{other}” already uses this web address.", c.slug));
        return Ok(Err(e));
    }
    let now = db::now();
    let cid = match id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE collections SET slug = :slug, title = :title, description_md = :md, featured = :f, position = :pos,
                   updated_at = :now WHERE id = :id",
                named_params! {":slug": c.slug, ":title": c.title, ":md": c.description_md, ":f": c.featured,
                               ":pos": c.position, ":now": now, ":id": id},
            )?;
            if n == 0 {
                return Err(AppError::NotFound);
            }
            id
        }
        None => catalog::insert_collection(conn, &c.slug, &c.title, &c.description_md, c.featured, c.position, &now)?,
    };
    actor.record(conn, if id.is_some() { "collection.update" } else { "collection.create" }, &c.slug, "")?;
    Ok(Ok(cid))
}

/// Deletes a collection (its products stay); false when it did not exist.
pub fn delete_collection(conn: &Connection, actor: &Actor, id: i64) -> Result<(), AppError> {
    let slug: String = conn
        .query_row("DELETE FROM collections WHERE id = :id RETURNING slug", named_params! {":id": id}, |r| r.get(0))
        .optional()?
        .ok_or(AppError::NotFound)?;
    actor.record(conn, "collection.delete", &slug, "")?;
    Ok(())
}

/// Sets the manual order of a collection's products from (product id, place) pairs and removes the
/// listed products from it; products not mentioned keep their relative order after those placed.
pub fn order_collection(
    conn: &Connection,
    actor: &Actor,
    id: i64,
    places: &[(i64, i64)],
    remove: &[i64],
) -> Result<(), AppError> {
    let kept = arrange(conn, id, places, remove)?;
    actor.record(conn, "collection.order", &id.to_string(), &format!("{kept} products, {} removed", remove.len()))?;
    Ok(())
}

/// Rewrites a collection's positions: each placed product at its number, the others keeping their
/// old place (counted from 1) and their order; returns how many products stay in it.
fn arrange(conn: &Connection, id: i64, places: &[(i64, i64)], remove: &[i64]) -> rusqlite::Result<usize> {
    let mut members: Vec<(i64, i64)> = conn
        .prepare("SELECT product_id, position FROM collection_products WHERE collection_id = :id ORDER BY position, product_id")?
        .query_map(named_params! {":id": id}, |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    members.retain(|(p, _)| !remove.contains(p));
    let place = |p: i64, old: usize| places.iter().find(|(id, _)| *id == p).map_or(old as i64 + 1, |(_, n)| *n);
    let mut ordered: Vec<(i64, i64, usize)> =
        members.iter().enumerate().map(|(i, (p, _))| (place(*p, i), *p, i)).collect();
    ordered.sort();
    conn.execute("DELETE FROM collection_products WHERE collection_id = :id", named_params! {":id": id})?;
    for (pos, (_, p, _)) in ordered.iter().enumerate() {
        conn.execute(
            "INSERT INTO collection_products (collection_id, product_id, position) VALUES (:c, :p, :pos)",
            named_params! {":c": id, ":p": p, ":pos": pos as i64},
        )?;
    }
    Ok(ordered.len())
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ImportSummary {
    pub created: usize,
    pub updated: usize,
}

/// Creates or updates (by slug; variants by SKU) every product of a parsed file, and puts each at the
/// file's place in its collections. A collection is found by title and left as it is (description,
/// home-page place, featured); one not found is created plain. Photos are never touched.
/// All or nothing: any problem undoes the whole import, and every problem is returned by line and column.
pub fn import(
    conn: &Connection,
    actor: &Actor,
    items: &mut [crate::domain::product_csv::ImportedProduct],
    minor_units: u8,
) -> Result<Result<ImportSummary, Vec<crate::domain::product_csv::CsvError>>, AppError> {
    conn.execute_batch("SAVEPOINT import")?;
    let result = import_all(conn, actor, items, minor_units);
    if matches!(result, Ok(Ok(_))) {
        conn.execute_batch("RELEASE import")?;
    } else {
        conn.execute_batch("ROLLBACK TO import; RELEASE import")?;
    }
    result
}

fn import_all(
    conn: &Connection,
    actor: &Actor,
    items: &mut [crate::domain::product_csv::ImportedProduct],
    minor_units: u8,
) -> Result<Result<ImportSummary, Vec<crate::domain::product_csv::CsvError>>, AppError> {
    use crate::domain::product_csv::place_errors;
    let mut errors = Vec::new();
    let mut summary = ImportSummary::default();
    // Collection id → (product id, place) from the file, applied once every product is in.
    let mut places: std::collections::BTreeMap<i64, Vec<(i64, i64)>> = Default::default();
    for p in items.iter_mut() {
        let slug = match p.input.slug.trim() {
            "" => crate::domain::catalog::slugify(&p.input.title),
            s => s.to_lowercase(),
        };
        let existing: Option<i64> = conn
            .query_row("SELECT id FROM products WHERE slug = :slug", named_params! {":slug": slug}, |r| r.get(0))
            .optional()?;
        let known = match existing {
            Some(id) => catalog::variants_of(conn, id)?,
            None => Vec::new(),
        };
        for (i, row) in p.input.rows.iter_mut().enumerate() {
            match known.iter().find(|v| v.sku.eq_ignore_ascii_case(row.sku.trim())) {
                Some(v) => row.id = v.id.to_string(),
                None => row.stock = p.on_hand[i].to_string(),
            }
        }
        p.input.collections = p.collections.iter().map(|t| collection_for_title(conn, t)).collect::<Result<_, _>>()?;
        let valid = match crate::domain::product_form::validate(&p.input, minor_units) {
            Ok(v) => v,
            Err(e) => {
                errors.extend(place_errors(p, &e));
                continue;
            }
        };
        let product_id = match save(conn, actor, existing, &valid)? {
            Ok(id) => id,
            Err(e) => {
                errors.extend(place_errors(p, &e));
                continue;
            }
        };
        for (collection, place) in p.input.collections.iter().zip(&p.places) {
            if let Some(place) = place {
                places.entry(*collection).or_default().push((product_id, *place));
            }
        }
        // Variants that existed get the file's stock through the ledger.
        for (i, row) in p.input.rows.iter().enumerate() {
            let Some(v) = known.iter().find(|v| v.id.to_string() == row.id) else { continue };
            let delta = p.on_hand[i] - v.on_hand;
            if delta != 0 {
                catalog::adjust_stock(conn, v.id, delta, "import", &actor.name, &db::now())?;
            }
        }
        if existing.is_some() {
            summary.updated += 1;
        } else {
            summary.created += 1;
        }
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    for (collection, placed) in &places {
        arrange(conn, *collection, placed, &[])?;
    }
    actor.record(conn, "product.import", "", &format!("{} created, {} updated", summary.created, summary.updated))?;
    Ok(Ok(summary))
}

/// The collection with this title (any case), as it is; when there is none, a new one that is not
/// featured, has no description and comes after the others.
fn collection_for_title(conn: &Connection, title: &str) -> rusqlite::Result<i64> {
    let found: Option<i64> = conn
        .query_row("SELECT id FROM collections WHERE title = :t COLLATE NOCASE", named_params! {":t": title}, |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(id) = found {
        return Ok(id);
    }
    let base = crate::domain::catalog::slugify(title);
    let mut slug = base.clone();
    let mut n = 2;
    while conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM collections WHERE slug = :s)",
        named_params! {":s": slug},
        |r| r.get::<_, bool>(0),
    )? {
        slug = format!("{base}-{n}");
        n += 1;
    }
    let position: i64 = conn.query_row("SELECT coalesce(max(position) + 1, 0) FROM collections", [], |r| r.get(0))?;
    catalog::insert_collection(conn, &slug, title, "", false, position, &db::now())
}

//! Product photos: stored renditions, gallery order, alt text.

use rusqlite::{Connection, named_params};

use super::write::refresh_card;
use crate::domain::catalog::{Image, Processed};

/// Stores a photo and its renditions at the end of the product's gallery; returns its id.
pub fn insert_image(
    conn: &Connection,
    product_id: i64,
    alt: &str,
    img: &Processed,
    now: &str,
) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO images (id, product_id, position, alt, width, height, created_at)
         VALUES ((SELECT n + 1 FROM image_ids), :p,
                 coalesce((SELECT max(position) + 1 FROM images WHERE product_id = :p AND removed_at IS NULL), 0),
                 :alt, :w, :h, :now)",
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

/// The product's photos, in gallery order (not those deleted but kept for an order).
pub fn images_of(conn: &Connection, product_id: i64) -> rusqlite::Result<Vec<Image>> {
    conn.prepare_cached(
        "SELECT id, variant_id, alt, width, height, option_index, option_value FROM images
         WHERE product_id = :id AND removed_at IS NULL ORDER BY position, id",
    )?
    .query_map(named_params! {":id": product_id}, |r| {
        let option = r.get::<_, Option<i64>>(5)?.map(|i| i as usize).zip(Some(r.get::<_, String>(6)?));
        Ok(Image { id: r.get(0)?, variant_id: r.get(1)?, option, alt: r.get(2)?, width: r.get(3)?, height: r.get(4)? })
    })?
    .collect()
}

/// Changes a photo's alt text, place in the gallery (0 is first) and what it shows (any variant,
/// one variant, or every variant with an option value; a variant of another product counts as
/// any); false when it is not the product's.
pub fn update_image(
    conn: &Connection,
    product_id: i64,
    image_id: i64,
    alt: &str,
    position: i64,
    shows: &crate::domain::catalog::Shows,
) -> rusqlite::Result<bool> {
    use crate::domain::catalog::Shows;
    let (variant, option_index, option_value) = match shows {
        Shows::Any => (None, None, ""),
        Shows::Variant(v) => (Some(*v), None, ""),
        Shows::OptionValue(i, value) => (None, Some(*i as i64), value.as_str()),
    };
    let mut ids: Vec<i64> = images_of(conn, product_id)?.into_iter().map(|i| i.id).collect();
    let Some(from) = ids.iter().position(|i| *i == image_id) else { return Ok(false) };
    let id = ids.remove(from);
    ids.insert((position.max(0) as usize).min(ids.len()), id);
    let mut stmt = conn.prepare_cached("UPDATE images SET position = :pos WHERE id = :id")?;
    for (pos, id) in ids.iter().enumerate() {
        stmt.execute(named_params! {":pos": pos as i64, ":id": id})?;
    }
    conn.execute(
        "UPDATE images SET alt = :alt, variant_id = (SELECT id FROM variants WHERE id = :v AND product_id = :p),
           option_index = :oi, option_value = :ov WHERE id = :id",
        named_params! {":alt": alt, ":v": variant, ":p": product_id, ":id": image_id, ":oi": option_index,
        ":ov": option_value},
    )?;
    refresh_card(conn, product_id)?;
    Ok(true)
}

/// Takes a photo out of the product's gallery: deleted with its renditions, or, when an order line
/// shows it, kept for that order only. False when it is not in the product's gallery.
pub fn delete_image(conn: &Connection, product_id: i64, image_id: i64, now: &str) -> rusqlite::Result<bool> {
    let ordered: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM order_lines WHERE image_id = :i)",
        named_params! {":i": image_id},
        |r| r.get(0),
    )?;
    let deleted = if ordered {
        conn.execute(
            "UPDATE images SET removed_at = :now, variant_id = NULL
             WHERE id = :i AND product_id = :p AND removed_at IS NULL",
            named_params! {":i": image_id, ":p": product_id, ":now": now},
        )?
    } else {
        conn.execute(
            "DELETE FROM images WHERE id = :i AND product_id = :p AND removed_at IS NULL",
            named_params! {":i": image_id, ":p": product_id},
        )?
    } == 1;
    // The card may have shown this photo.
    refresh_card(conn, product_id)?;
    Ok(deleted)
}

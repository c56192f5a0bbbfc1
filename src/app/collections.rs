//! Collection use cases for the admin: create, change, delete, and order a collection's products.
//! Each runs inside the caller's transaction and writes the audit log.

use rusqlite::{Connection, OptionalExtension, named_params};

use super::Actor;
use crate::db::{self, catalog};
use crate::domain::FieldErrors;
use crate::domain::catalog::ValidCollection;
use crate::error::AppError;

/// Creates (`id` None) or updates a collection; a taken slug comes back as a form error.
pub fn save_collection(
    conn: &Connection,
    actor: &Actor,
    id: Option<i64>,
    c: &ValidCollection,
) -> Result<Result<i64, FieldErrors>, AppError> {
    let taken: Option<String> = conn
        .query_row(
            "SELECT title FROM collections WHERE slug = :slug AND id != :id",
            named_params! {":slug": c.slug, ":id": id.unwrap_or(0)},
            |r| r.get(0),
        )
        .optional()?;
    if let Some(other) = taken {
        let mut e = FieldErrors::new();
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
pub(super) fn arrange(conn: &Connection, id: i64, places: &[(i64, i64)], remove: &[i64]) -> rusqlite::Result<usize> {
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

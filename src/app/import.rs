//! The CSV import: every product of a file created or updated, all or nothing.

use rusqlite::{Connection, OptionalExtension, named_params};

use super::Actor;
use super::collections::arrange;
use super::products::save;
use crate::db::{self, catalog};
use crate::domain::catalog::slugify;
use crate::domain::product_csv::{CsvError, ImportedProduct, place_errors};
use crate::domain::product_form;
use crate::error::AppError;

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
    items: &mut [ImportedProduct],
    minor_units: u8,
) -> Result<Result<ImportSummary, Vec<CsvError>>, AppError> {
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
    items: &mut [ImportedProduct],
    minor_units: u8,
) -> Result<Result<ImportSummary, Vec<CsvError>>, AppError> {
    let mut errors = Vec::new();
    let mut summary = ImportSummary::default();
    // Collection id → (product id, place) from the file, applied once every product is in.
    let mut places: std::collections::BTreeMap<i64, Vec<(i64, i64)>> = Default::default();
    for p in items.iter_mut() {
        let slug = match p.input.slug.trim() {
            "" => slugify(&p.input.title),
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
        let valid = match product_form::validate(&p.input, minor_units) {
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
    let base = slugify(title);
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

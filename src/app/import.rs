//! The CSV import: every product of a file created or updated, all or nothing; and one product
//! created or changed through the admin API by the same rules.

use rusqlite::{Connection, OptionalExtension, named_params};

use super::Actor;
use super::collections::arrange;
use super::products::save;
use crate::db::{self, catalog};
use crate::domain::catalog::slugify;
use crate::domain::product_change::{self, PathErrors, ProductChange};
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
    all_or_nothing(conn, "import", || import_all(conn, actor, items, minor_units))
}

/// Runs `work` in the savepoint `name`: kept only when it succeeds with no problems to report, so
/// a refused import or change leaves nothing behind (a collection it made, a product before it).
fn all_or_nothing<T, E>(
    conn: &Connection,
    name: &str,
    work: impl FnOnce() -> Result<Result<T, E>, AppError>,
) -> Result<Result<T, E>, AppError> {
    conn.execute_batch(&format!("SAVEPOINT {name}"))?;
    let result = work();
    if matches!(result, Ok(Ok(_))) {
        conn.execute_batch(&format!("RELEASE {name}"))?;
    } else {
        conn.execute_batch(&format!("ROLLBACK TO {name}; RELEASE {name}"))?;
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

/// Creates (`existing` None) or changes one product from the admin API: the change merged over the
/// product as it is (`domain::product_change`), checked by the product form's rules, saved, and
/// each named variant's on-hand count set through the stock ledger. All or nothing: problems come
/// back by the request's field paths with nothing written.
pub fn change_product(
    conn: &Connection,
    actor: &Actor,
    existing: Option<i64>,
    change: ProductChange,
    minor_units: u8,
) -> Result<Result<i64, PathErrors>, AppError> {
    all_or_nothing(conn, "change_product", || change_one(conn, actor, existing, change, minor_units))
}

fn change_one(
    conn: &Connection,
    actor: &Actor,
    existing: Option<i64>,
    change: ProductChange,
    minor_units: u8,
) -> Result<Result<i64, PathErrors>, AppError> {
    let current = match existing {
        Some(id) => Some(catalog::for_edit(conn, id)?.ok_or(AppError::NotFound)?),
        None => None,
    };
    let merged = match product_change::merge(change, current.as_ref().map(|(p, v, _)| (p, v.as_slice())), minor_units) {
        Ok(m) => m,
        Err(e) => return Ok(Err(e)),
    };
    let mut input = merged.input;
    input.collections = match &merged.collections {
        Some(titles) => titles
            .iter()
            .map(|t| t.trim())
            .filter(|t| !t.is_empty())
            .map(|t| collection_for_title(conn, t))
            .collect::<Result<_, _>>()?,
        None => current.as_ref().map(|(_, _, c)| c.clone()).unwrap_or_default(),
    };
    let valid = match product_form::validate(&input, minor_units) {
        Ok(v) => v,
        Err(e) => return Ok(Err(product_change::paths(&e, &merged.sources))),
    };
    let id = match save(conn, actor, existing, &valid)? {
        Ok(id) => id,
        Err(e) => return Ok(Err(product_change::paths(&e, &merged.sources))),
    };
    let known = current.map(|(_, v, _)| v).unwrap_or_default();
    for (row, wanted) in input.rows.iter().zip(&merged.on_hand) {
        let (Some(wanted), Some(v)) = (wanted, known.iter().find(|v| v.id.to_string() == row.id)) else { continue };
        if !row.remove && *wanted != v.on_hand {
            let delta = wanted - v.on_hand;
            catalog::adjust_stock(conn, v.id, delta, "api", &actor.name, &db::now())?;
            actor.record(conn, "stock.adjust", &v.sku, &format!("{delta:+} (api: on hand {wanted})"))?;
        }
    }
    Ok(Ok(id))
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

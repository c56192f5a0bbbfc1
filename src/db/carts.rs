//! Carts and their lines, and what the catalogue offers for a set of variants.

use rusqlite::{Connection, OptionalExtension, Row, named_params};

use crate::domain::cart::{Offer, Wanted};
use crate::domain::catalog::Stock;

/// The live cart with this token hash; `None` when there is none or it expired.
pub fn find(conn: &Connection, token_hash: &[u8], now: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM carts WHERE token_hash = :h AND expires_at > :now")?
        .query_row(named_params! {":h": token_hash, ":now": now}, |r| r.get(0))
        .optional()
}

pub fn create(conn: &Connection, token_hash: &[u8], now: &str, expires: &str) -> rusqlite::Result<i64> {
    conn.execute(
        "INSERT INTO carts (token_hash, created_at, updated_at, expires_at) VALUES (:h, :now, :now, :exp)",
        named_params! {":h": token_hash, ":now": now, ":exp": expires},
    )?;
    Ok(conn.last_insert_rowid())
}

/// Keeps a cart alive for another period from now.
pub fn touch(conn: &Connection, cart_id: i64, now: &str, expires: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE carts SET updated_at = :now, expires_at = :exp WHERE id = :id",
        named_params! {":id": cart_id, ":now": now, ":exp": expires},
    )?;
    Ok(())
}

/// A stored line with the early-access token it was added with.
#[derive(Debug, Clone)]
pub struct Line {
    pub wanted: Wanted,
    pub access_hash: Option<Vec<u8>>,
}

/// A cart's lines in the order they were added.
pub fn lines(conn: &Connection, cart_id: i64) -> rusqlite::Result<Vec<Line>> {
    conn.prepare_cached(
        "SELECT variant_id, quantity, seen_price, access_hash FROM cart_lines WHERE cart_id = :c ORDER BY added_at, variant_id",
    )?
    .query_map(named_params! {":c": cart_id}, |r| {
        Ok(Line {
            wanted: Wanted { variant_id: r.get(0)?, quantity: r.get(1)?, seen_price: r.get(2)? },
            access_hash: r.get(3)?,
        })
    })?
    .collect()
}

/// Adds to a line (or starts it), remembering the price seen and any early-access token.
pub fn add(
    conn: &Connection,
    cart_id: i64,
    variant_id: i64,
    quantity: i64,
    price: i64,
    access_hash: Option<&[u8]>,
    now: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO cart_lines (cart_id, variant_id, quantity, seen_price, access_hash, added_at)
         VALUES (:c, :v, :q, :p, :a, :now)
         ON CONFLICT (cart_id, variant_id) DO UPDATE SET quantity = quantity + excluded.quantity,
           seen_price = excluded.seen_price, access_hash = coalesce(excluded.access_hash, access_hash)",
        named_params! {":c": cart_id, ":v": variant_id, ":q": quantity, ":p": price, ":a": access_hash, ":now": now},
    )?;
    Ok(())
}

/// Sets a line's quantity and seen price.
pub fn set(conn: &Connection, cart_id: i64, variant_id: i64, quantity: i64, price: i64) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE cart_lines SET quantity = :q, seen_price = :p WHERE cart_id = :c AND variant_id = :v",
        named_params! {":c": cart_id, ":v": variant_id, ":q": quantity, ":p": price},
    )?;
    Ok(())
}

pub fn remove(conn: &Connection, cart_id: i64, variant_id: i64) -> rusqlite::Result<()> {
    conn.execute(
        "DELETE FROM cart_lines WHERE cart_id = :c AND variant_id = :v",
        named_params! {":c": cart_id, ":v": variant_id},
    )?;
    Ok(())
}

pub fn clear(conn: &Connection, cart_id: i64) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM cart_lines WHERE cart_id = :c", named_params! {":c": cart_id})?;
    Ok(())
}

/// Removes expired carts; returns how many.
pub fn purge(conn: &Connection, now: &str) -> rusqlite::Result<usize> {
    conn.execute("DELETE FROM carts WHERE expires_at <= :now", named_params! {":now": now})
}

const OFFER_SELECT: &str = "SELECT v.id, p.slug, p.title, v.option1, v.option2, v.option3, v.sku, v.price,
        v.on_hand, v.reserved, v.track_stock, v.allow_backorder, v.max_per_order, p.status = 'active',
        p.publish_at IS NULL OR p.publish_at <= :now,
        coalesce((SELECT i.id FROM images i WHERE i.variant_id = v.id AND i.removed_at IS NULL
                  ORDER BY i.position, i.id LIMIT 1), p.image_id),
        p.early_access_hash, p.id
    FROM variants v JOIN products p ON p.id = v.product_id";

/// An offer, and the product's early-access hash: a line holding that hash may buy before the drop.
fn offer_from_row(r: &Row<'_>) -> rusqlite::Result<(Offer, Option<Vec<u8>>)> {
    let options: Vec<String> =
        [r.get::<_, String>(3)?, r.get(4)?, r.get(5)?].into_iter().filter(|o| !o.is_empty()).collect();
    let offer = Offer {
        variant_id: r.get(0)?,
        product_id: r.get(17)?,
        product_slug: r.get(1)?,
        title: r.get(2)?,
        options: options.join(" / "),
        sku: r.get(6)?,
        price: r.get(7)?,
        stock: Stock { on_hand: r.get(8)?, reserved: r.get(9)?, track: r.get(10)?, backorder: r.get(11)? },
        max_per_order: r.get(12)?,
        for_sale: r.get(13)?,
        released: r.get(14)?,
        image_id: r.get(15)?,
    };
    Ok((offer, r.get(16)?))
}

/// What the catalogue offers now for these variants (one query; variants that are gone are missing),
/// with early access granted where a line's token matches its product's.
pub fn offers(conn: &Connection, lines: &[(i64, Option<&[u8]>)], now: &str) -> rusqlite::Result<Vec<Offer>> {
    let ids = serde_json::to_string(&lines.iter().map(|(v, _)| v).collect::<Vec<_>>()).unwrap_or_default();
    let mut stmt = conn.prepare_cached(&format!("{OFFER_SELECT} WHERE v.id IN (SELECT value FROM json_each(:ids))"))?;
    let rows = stmt.query_map(named_params! {":ids": ids, ":now": now}, offer_from_row)?;
    rows.map(|row| {
        let (mut offer, early) = row?;
        let holds = lines.iter().any(|(v, a)| *v == offer.variant_id && a.is_some() && *a == early.as_deref());
        offer.released |= holds;
        Ok(offer)
    })
    .collect()
}

/// The variant with this SKU (any case), sold or not.
pub fn variant_by_sku(conn: &Connection, sku: &str) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached("SELECT id FROM variants WHERE sku = :sku")?
        .query_row(named_params! {":sku": sku}, |r| r.get(0))
        .optional()
}

/// The product with this slug (sold or not) and its variant with these option values, compared
/// only for the options the product names (first by position when several match); `None` when
/// there is no such product, `Some(None)` when it has no variant with these values.
pub fn variant_by_options(
    conn: &Connection,
    slug: &str,
    values: &[String; 3],
) -> rusqlite::Result<Option<Option<i64>>> {
    conn.prepare_cached(
        "SELECT (SELECT v.id FROM variants v WHERE v.product_id = p.id
                   AND (p.option1 = '' OR v.option1 = :o1) AND (p.option2 = '' OR v.option2 = :o2)
                   AND (p.option3 = '' OR v.option3 = :o3)
                 ORDER BY v.position, v.id LIMIT 1)
         FROM products p WHERE p.slug = :slug",
    )?
    .query_row(named_params! {":slug": slug, ":o1": values[0], ":o2": values[1], ":o3": values[2]}, |r| r.get(0))
    .optional()
}

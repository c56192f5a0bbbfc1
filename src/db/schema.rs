//! The schema's migrations: numbered SQL files applied in order, each in its own transaction; the
//! number applied is the schema version kept in `PRAGMA user_version`.

use rusqlite::{Connection, OptionalExtension, TransactionBehavior};

/// Numbered migrations; the position (1-based) is the schema version kept in `PRAGMA user_version`.
pub const MIGRATIONS: &[(&str, &str)] = &[
    ("0001_accounts", include_str!("migrations/0001_accounts.sql")),
    ("0002_outbox_jobs", include_str!("migrations/0002_outbox_jobs.sql")),
    ("0003_catalog", include_str!("migrations/0003_catalog.sql")),
    ("0004_early_access", include_str!("migrations/0004_early_access.sql")),
    ("0005_product_cards", include_str!("migrations/0005_product_cards.sql")),
    ("0006_storefront_version", include_str!("migrations/0006_storefront_version.sql")),
    ("0007_orders", include_str!("migrations/0007_orders.sql")),
    ("0008_order_upkeep", include_str!("migrations/0008_order_upkeep.sql")),
    ("0009_shop_look", include_str!("migrations/0009_shop_look.sql")),
    ("0010_kept_photos", include_str!("migrations/0010_kept_photos.sql")),
    ("0011_listing_keys", include_str!("migrations/0011_listing_keys.sql")),
    ("0012_order_desk", include_str!("migrations/0012_order_desk.sql")),
    ("0013_api_tokens", include_str!("migrations/0013_api_tokens.sql")),
    ("0014_order_search", include_str!("migrations/0014_order_search.sql")),
    ("0015_customers", include_str!("migrations/0015_customers.sql")),
    ("0016_review", include_str!("migrations/0016_review.sql")),
    ("0017_dashboard", include_str!("migrations/0017_dashboard.sql")),
    ("0018_orders_version", include_str!("migrations/0018_orders_version.sql")),
    ("0019_webhooks", include_str!("migrations/0019_webhooks.sql")),
    ("0020_notices", include_str!("migrations/0020_notices.sql")),
    ("0021_custom_orders", include_str!("migrations/0021_custom_orders.sql")),
    ("0022_two_factor", include_str!("migrations/0022_two_factor.sql")),
    ("0023_photo_options", include_str!("migrations/0023_photo_options.sql")),
    ("0024_search_in_memory", include_str!("migrations/0024_search_in_memory.sql")),
];

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies pending migrations, each in its own transaction. Fails when the file is newer than the binary.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<Result<i64, (i64, i64)>> {
    migrate_to(conn, SCHEMA_VERSION)
}

/// Applies migrations up to `target` (tests use it to build an older schema).
pub fn migrate_to(conn: &mut Connection, target: i64) -> rusqlite::Result<Result<i64, (i64, i64)>> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > SCHEMA_VERSION {
        return Ok(Err((current, SCHEMA_VERSION)));
    }
    // A migration may rebuild a table (SQLite cannot change a column's CHECK): SQLite's way is to
    // turn foreign keys off outside the transaction and check them all before committing, so
    // dropping the old table does not cascade to the rows that point at it.
    let foreign_keys: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let applied = apply(conn, current, target);
    conn.pragma_update(None, "foreign_keys", foreign_keys)?;
    applied?;
    Ok(Ok(target.max(current)))
}

fn apply(conn: &mut Connection, current: i64, target: i64) -> rusqlite::Result<()> {
    for (i, (name, sql)) in MIGRATIONS.iter().enumerate().take(target as usize).skip(current as usize) {
        let tx = conn.transaction_with_behavior(TransactionBehavior::Exclusive)?;
        tx.execute_batch(sql)?;
        let broken: Option<String> =
            tx.query_row("SELECT \"table\" FROM pragma_foreign_key_check LIMIT 1", [], |r| r.get(0)).optional()?;
        if let Some(table) = broken {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CONSTRAINT_FOREIGNKEY),
                Some(format!("migration {name} left rows in {table} pointing at nothing")),
            ));
        }
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
        tracing::info!(migration = name, "applied database migration");
    }
    Ok(())
}

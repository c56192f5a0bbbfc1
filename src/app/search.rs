//! Storefront search: the in-memory index kept in step with the catalogue, and a page of results.

use std::sync::Arc;

use parking_lot::{Mutex, RwLock};
use rusqlite::Connection;

use crate::db::catalog;
use crate::domain::catalog::Card;
use crate::domain::search::{Builder, Index};
use crate::error::AppError;

/// The index of the products on sale, and the catalogue version it was built from. Built at the
/// first search, not at start (a shop nobody searches keeps the memory).
#[derive(Default)]
pub struct Searcher {
    current: RwLock<Option<Arc<Built>>>,
    building: Mutex<()>,
}

struct Built {
    version: i64,
    index: Index,
}

/// A page of search results.
#[derive(Debug, Default)]
pub struct Results {
    pub cards: Vec<Card>,
    /// Products matching in all, over every page.
    pub total: usize,
    /// Nothing matched every word: these are for words like them.
    pub loose: bool,
}

impl Searcher {
    /// The index for the catalogue as `conn` reads it now, built again first if the catalogue's
    /// words have changed since (one request builds; others asking meanwhile wait for it).
    fn fresh(&self, conn: &Connection) -> rusqlite::Result<Arc<Built>> {
        let version = catalog::search_version(conn)?;
        if let Some(built) = self.current.read().as_ref().filter(|b| b.version == version) {
            return Ok(built.clone());
        }
        let _one = self.building.lock();
        if let Some(built) = self.current.read().as_ref().filter(|b| b.version >= version) {
            return Ok(built.clone());
        }
        // The version is read before the words, so the words are at least that new.
        let version = catalog::search_version(conn)?;
        let mut builder = Builder::default();
        catalog::each_search_doc(conn, |d| builder.add(d))?;
        let index = builder.finish();
        tracing::debug!(products = index.len(), bytes = index.heap_bytes(), "search index built");
        let built = Arc::new(Built { version, index });
        *self.current.write() = Some(built.clone());
        Ok(built)
    }

    /// The memory the current index holds, in bytes (0 before the first search).
    pub fn heap_bytes(&self) -> usize {
        self.current.read().as_ref().map_or(0, |b| b.index.heap_bytes())
    }
}

/// Products on sale matching what a customer typed, best first: page `page` (from 1) of `per_page`.
pub fn storefront(
    conn: &Connection,
    searcher: &Searcher,
    query: &str,
    page: usize,
    per_page: usize,
) -> Result<Results, AppError> {
    let built = searcher.fresh(conn)?;
    let offset = page.saturating_sub(1).saturating_mul(per_page);
    let hits = built.index.search(query, offset, per_page);
    let cards = catalog::cards_by_id(conn, &hits.ids)?;
    Ok(Results { cards, total: hits.total, loose: hits.loose })
}

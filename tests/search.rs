//! Storefront search in memory ranks as SQLite's FTS5 did (issue 14): the same products in the
//! same order, for words, prefixes, pairs, SKUs and typos, on a bulk demo shop.

use rusqlite::Connection;
use souk::db::{Db, catalog};
use souk::domain::search::Index;

/// The FTS5 table and ranking the in-memory index replaced (migration 0003, `db::catalog::search`).
fn fts5(conn: &Connection) -> Connection {
    let fts = Connection::open_in_memory().unwrap();
    fts.execute_batch(
        "CREATE VIRTUAL TABLE product_search USING fts5 (title, description, skus, tags,
             tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    )
    .unwrap();
    catalog::each_search_doc(conn, |d| {
        fts.execute(
            "INSERT INTO product_search (rowid, title, description, skus, tags) VALUES (?1, ?2, ?3, ?4, replace(?5, ',', ' '))",
            (d.id, d.title, d.description, d.skus, d.tags),
        )
        .unwrap();
    })
    .unwrap();
    fts
}

/// FTS5's answer: (id, bm25) best first, with the strict query or else the loose one.
fn fts5_search(fts: &Connection, query: &str, limit: usize) -> (Vec<(i64, f64)>, bool) {
    let words = souk::domain::search::query_words(query);
    let strict = words.iter().map(|w| format!("\"{w}\"*")).collect::<Vec<_>>().join(" ");
    let loose = words
        .iter()
        .map(|w| format!("\"{}\"*", w.chars().take((w.chars().count() * 2).div_ceil(3).max(3)).collect::<String>()))
        .collect::<Vec<_>>()
        .join(" OR ");
    let run = |q: &str| -> Vec<(i64, f64)> {
        fts.prepare(
            "SELECT rowid, bm25(product_search, 10.0, 1.0, 5.0, 3.0) AS s FROM product_search
             WHERE product_search MATCH ?1 ORDER BY s, rowid DESC LIMIT ?2",
        )
        .unwrap()
        .query_map((q, limit as i64), |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    };
    let found = run(&strict);
    if !found.is_empty() { (found, false) } else { (run(&loose), true) }
}

#[test]
fn ranks_as_fts5_did() {
    let dir = tempfile::tempdir().unwrap();
    let db = Db::open(&dir.path().join("souk.db"), 5000, 0, 2).unwrap();
    db.write_blocking(|tx| souk::demo::fill_bulk(tx, 1200, 3).map_err(souk::error::AppError::Conflict)).unwrap();
    let conn = db.conn().unwrap();
    let fts = fts5(&conn);
    let mut builder = souk::domain::search::Builder::default();
    catalog::each_search_doc(&conn, |d| builder.add(d)).unwrap();
    let index: Index = builder.finish();
    assert_eq!(index.len(), 1200);

    let titles: Vec<String> = conn
        .prepare("SELECT title FROM products ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let skus: Vec<String> = conn
        .prepare("SELECT sku FROM variants ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut queries: Vec<String> = Vec::new();
    for (i, title) in titles.iter().enumerate().step_by(37) {
        let words: Vec<&str> = title.split_whitespace().filter(|w| w.len() >= 3).collect();
        let w = words[i % words.len()].to_lowercase();
        queries.push(w.clone()); // a word
        queries.push(w[..3].to_string()); // a prefix
        queries.push(format!("{}{}", &w[..2], &w[1..])); // a typo: a letter twice
        if words.len() >= 2 {
            queries.push(format!("{} {}", words[0], words[words.len() - 1])); // a pair
        }
        queries.push(title.clone());
    }
    queries.extend(skus.iter().step_by(101).cloned());
    queries.extend(["k", "ab", "cotton zzzz", "zzzz", "handmade gift"].map(String::from));

    assert_eq!(compare(&index, &fts, &queries), queries.len());
}

/// Compares the first page of every query; returns how many were compared.
fn compare(index: &Index, fts: &Connection, queries: &[String]) -> usize {
    let limit = 24;
    let mut compared = 0;
    for q in queries {
        let (want, want_loose) = fts5_search(fts, q, limit);
        let got = index.search(q, 0, limit);
        if !want.is_empty() {
            assert_eq!(got.loose, want_loose, "{q}: the typo retry");
        }
        assert_eq!(got.ids.len(), want.len(), "{q}: how many on the first page");
        let score = |id: i64| fts5_search(fts, q, 100_000).0.iter().find(|(i, _)| *i == id).map(|(_, s)| *s);
        for (n, (got, (want, want_score))) in got.ids.iter().zip(&want).enumerate() {
            if got != want {
                // Only a tie (to float rounding) may change places.
                let s = score(*got).unwrap_or_else(|| panic!("{q}: #{n} is {got}, which FTS5 does not find"));
                assert!(
                    (s - want_score).abs() < 1e-9 * want_score.abs().max(1.0),
                    "{q}: #{n} is {got} ({s}), FTS5 has {want} ({want_score})"
                );
            }
        }
        compared += 1;
    }
    compared
}

/// Words placed at random in every column, so that the column weights, the lengths and the
/// repeats all decide the order.
#[test]
fn ranks_as_fts5_did_on_words_in_every_column() {
    let vocabulary: Vec<String> = [
        "silk",
        "silken",
        "saree",
        "sari",
        "kurta",
        "kurti",
        "cotton",
        "cot",
        "block",
        "blockprint",
        "indigo",
        "madder",
        "red",
        "blue",
        "tote",
        "toe",
        "ring",
        "rings",
        "brass",
        "copper",
        "café",
        "crème",
        "jute",
        "handmade",
        "hand",
        "woven",
        "zari",
        "ikat",
        "chanderi",
        "khadi",
        "lamp",
        "diya",
        "soap",
        "neem",
    ]
    .map(String::from)
    .to_vec();
    let mut seed = 0x5eed_1234_u64;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let mut text = |most: usize| -> String {
        (0..next(most) + 1).map(|_| vocabulary[next(vocabulary.len())].as_str()).collect::<Vec<_>>().join(" ")
    };
    let docs: Vec<(i64, [String; 4])> = (1..=600).map(|id| (id, [text(4), text(30), text(3), text(3)])).collect();
    let fts = Connection::open_in_memory().unwrap();
    fts.execute_batch(
        "CREATE VIRTUAL TABLE product_search USING fts5 (title, description, skus, tags,
             tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3')",
    )
    .unwrap();
    for (id, [title, description, skus, tags]) in &docs {
        fts.execute(
            "INSERT INTO product_search (rowid, title, description, skus, tags) VALUES (?1, ?2, ?3, ?4, ?5)",
            (id, title, description, skus, tags),
        )
        .unwrap();
    }
    let index = Index::build(docs.iter().map(|(id, [title, description, skus, tags])| souk::domain::search::Doc {
        id: *id,
        title,
        description,
        skus,
        tags,
    }));
    let mut queries: Vec<String> = vocabulary.clone();
    queries.extend(vocabulary.iter().map(|w| w.chars().take(2).collect::<String>()));
    queries.extend((0..60).map(|_| text(3)));
    queries.extend(["crème brulee", "cafe", "kurtaa", "silkk sareee", "xyz"].map(String::from));
    assert_eq!(compare(&index, &fts, &queries), queries.len());
}

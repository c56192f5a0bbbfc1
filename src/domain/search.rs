//! Product search in memory: the catalogue's words as customers type them, every query word a
//! prefix, ranked by BM25 with the title first, then SKUs, tags and the description.
//!
//! The ranking is the one SQLite's FTS5 gave with `bm25(product_search, 10, 1, 5, 3)` (the store
//! this replaced: 0.8–2.6 ms to rank a common word at 10,000 products; this index takes tens of
//! microseconds). A query word matches every word of the catalogue it begins (`kur` finds
//! "kurta"); all words must match, and when nothing matches every word the retry forgives a typo
//! or an extra word (each cut to two thirds, any may match).

use std::collections::HashMap;

/// Column weights: title, description, SKUs, tags (a title word counts ten times a description word).
const WEIGHTS: [u32; 4] = [10, 1, 5, 3];
/// BM25's term-frequency saturation and length normalisation, as FTS5 has them.
const K1: f64 = 1.2;
const B: f64 = 0.75;
/// Query words read, and characters of each.
const MAX_WORDS: usize = 8;
const MAX_WORD_CHARS: usize = 40;

/// One product's words, in the columns the weights name.
#[derive(Debug, Clone, Copy, Default)]
pub struct Doc<'a> {
    pub id: i64,
    pub title: &'a str,
    pub description: &'a str,
    /// Every SKU of the product, separated by anything that is not a letter or digit.
    pub skus: &'a str,
    pub tags: &'a str,
}

/// A page of results: product ids best first, and how many matched in all.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Hits {
    pub ids: Vec<i64>,
    pub total: usize,
    /// Nothing matched every word, so these are the forgiving retry's.
    pub loose: bool,
}

/// The index: sorted distinct words, each with the products it occurs in and its weighted count there.
#[derive(Debug, Default)]
pub struct Index {
    ids: Vec<i64>,
    /// K1 · (1 − B + B · length / average length), per product.
    norm: Vec<f64>,
    /// Every word, sorted, end to end; `term_ends[i]` is where word `i` ends.
    terms: String,
    term_ends: Vec<u32>,
    /// Where word `i`'s postings end in `post_doc` / `post_freq`.
    post_ends: Vec<u32>,
    post_doc: Vec<u32>,
    /// Σ over columns of weight × occurrences (saturating).
    post_freq: Vec<u16>,
}

/// Lower-case, Latin diacritics removed ("Café" and "cafe" are one word), as FTS5's
/// `unicode61 remove_diacritics 2` read them; other scripts are kept as written.
fn fold_into(word: &str, out: &mut String) {
    for c in word.chars().flat_map(char::to_lowercase) {
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue; // an accent typed apart from its letter
        }
        let latin = ('\u{c0}'..='\u{24f}').contains(&c) || ('\u{1e00}'..='\u{1eff}').contains(&c);
        match latin.then(|| deunicode::deunicode_char(c)).flatten() {
            Some(plain) if !plain.is_empty() && plain.bytes().all(|b| b.is_ascii_alphanumeric()) => {
                out.extend(plain.chars().flat_map(char::to_lowercase))
            }
            _ => out.push(c),
        }
    }
}

/// Calls `f` with each word of `text`, folded: runs of letters, digits and marks.
fn each_word(text: &str, mut f: impl FnMut(&str)) {
    let mut word = String::new();
    for raw in text.split(|c: char| !(c.is_alphanumeric() || is_mark(c))).filter(|w| !w.is_empty()) {
        word.clear();
        fold_into(raw, &mut word);
        f(&word);
    }
}

/// Combining marks inside a word keep it one word: Latin accents typed as marks, and the Indic
/// viramas and nuktas that are not letters themselves (most vowel signs already are). The
/// dandas are punctuation, not marks.
fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}' | '\u{900}'..='\u{dff}' | '\u{1ab0}'..='\u{1aff}' | '\u{1dc0}'..='\u{1dff}' | '\u{20d0}'..='\u{20ff}' | '\u{fe20}'..='\u{fe2f}')
        && !matches!(c, '\u{964}' | '\u{965}' | '\u{970}')
        && !c.is_alphanumeric()
}

/// The words of a query as the index reads them: at most 8, each at most 40 characters.
pub fn query_words(input: &str) -> Vec<String> {
    let mut words = Vec::new();
    each_word(input, |w| {
        if words.len() < MAX_WORDS {
            words.push(w.chars().take(MAX_WORD_CHARS).collect());
        }
    });
    words
}

/// Every word of `text` as the index reads it (no limit on how many or how long).
pub fn query_words_all(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    each_word(text, |w| words.push(w.to_owned()));
    words
}

/// The forgiving retry's words: each cut to its first two thirds, at least 3 letters.
fn loose_words(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|w| {
            let keep = (w.chars().count() * 2).div_ceil(3).max(3);
            w.chars().take(keep).collect()
        })
        .collect()
}

/// An index being built, one product at a time.
#[derive(Debug, Default)]
pub struct Builder {
    postings: HashMap<String, Vec<(u32, u16)>>,
    ids: Vec<i64>,
    lengths: Vec<u32>,
}

impl Builder {
    /// Adds a product (a repeated id is indexed as another product).
    pub fn add(&mut self, doc: Doc<'_>) {
        let d = self.ids.len() as u32;
        self.ids.push(doc.id);
        let mut length = 0u32;
        for (column, text) in [doc.title, doc.description, doc.skus, doc.tags].into_iter().enumerate() {
            let weight = WEIGHTS[column] as u16;
            each_word(text, |w| {
                length += 1;
                let list = match self.postings.get_mut(w) {
                    Some(list) => list,
                    None => self.postings.entry(w.to_owned()).or_default(),
                };
                match list.last_mut() {
                    Some((last, freq)) if *last == d => *freq = freq.saturating_add(weight),
                    _ => list.push((d, weight)),
                }
            });
        }
        self.lengths.push(length);
    }

    pub fn finish(self) -> Index {
        let lengths = self.lengths;
        let average = lengths.iter().map(|&l| l as f64).sum::<f64>() / lengths.len().max(1) as f64;
        let norm = lengths.iter().map(|&l| K1 * (1.0 - B + B * l as f64 / average.max(f64::MIN_POSITIVE))).collect();
        let mut words: Vec<(String, Vec<(u32, u16)>)> = self.postings.into_iter().collect();
        words.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        let total: usize = words.iter().map(|(_, p)| p.len()).sum();
        let mut index = Index {
            ids: self.ids,
            norm,
            terms: String::with_capacity(words.iter().map(|(w, _)| w.len()).sum()),
            term_ends: Vec::with_capacity(words.len()),
            post_ends: Vec::with_capacity(words.len()),
            post_doc: Vec::with_capacity(total),
            post_freq: Vec::with_capacity(total),
        };
        for (word, list) in words {
            index.terms.push_str(&word);
            index.term_ends.push(index.terms.len() as u32);
            for (d, freq) in list {
                index.post_doc.push(d);
                index.post_freq.push(freq);
            }
            index.post_ends.push(index.post_doc.len() as u32);
        }
        index
    }
}

impl Index {
    /// Indexes the products.
    pub fn build<'a>(docs: impl IntoIterator<Item = Doc<'a>>) -> Index {
        let mut builder = Builder::default();
        docs.into_iter().for_each(|d| builder.add(d));
        builder.finish()
    }

    /// How many products are indexed.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The memory the index holds, in bytes.
    pub fn heap_bytes(&self) -> usize {
        self.ids.capacity() * 8
            + self.norm.capacity() * 8
            + self.terms.capacity()
            + (self.term_ends.capacity() + self.post_ends.capacity() + self.post_doc.capacity()) * 4
            + self.post_freq.capacity() * 2
    }

    fn term(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.term_ends[i - 1] as usize };
        &self.terms[start..self.term_ends[i] as usize]
    }

    /// The range of postings of every word that begins with `prefix` (sorted words: one run).
    fn postings_of(&self, prefix: &str) -> std::ops::Range<usize> {
        let n = self.term_ends.len();
        let first = partition(n, |i| self.term(i) < prefix);
        let end = first + partition(n - first, |i| self.term(first + i).starts_with(prefix));
        let start_of = |t: usize| if t == 0 { 0 } else { self.post_ends[t - 1] as usize };
        start_of(first)..start_of(end)
    }

    /// The products matching `query`, best first: `limit` of them after skipping `offset`.
    pub fn search(&self, query: &str, offset: usize, limit: usize) -> Hits {
        let words = query_words(query);
        if words.is_empty() || self.ids.is_empty() {
            return Hits::default();
        }
        let strict = self.rank(&words, words.len(), offset, limit);
        if strict.total > 0 {
            return strict;
        }
        Hits { loose: true, ..self.rank(&loose_words(&words), 1, offset, limit) }
    }

    /// Scores every product matched by at least `need` of `words` (each a prefix), then the page.
    fn rank(&self, words: &[String], need: usize, offset: usize, limit: usize) -> Hits {
        SCRATCH.with_borrow_mut(|scratch| {
            let hits = self.rank_in(scratch, words, need, offset, limit);
            scratch.clear();
            hits
        })
    }

    // The loops index slices with counters, not Vecs with push and iterator chains: the release
    // build is optimised for size, where `Vec::push`, `Vec`'s indexing and `Map::next` stay calls
    // (a quarter of a search request's time); a slice's indexing is built in.
    fn rank_in(&self, scratch: &mut Scratch, words: &[String], need: usize, offset: usize, limit: usize) -> Hits {
        let n = self.ids.len();
        scratch.fit(n);
        scratch.dirty = true;
        let (post_doc, post_freq, norm, ids) = (&self.post_doc[..], &self.post_freq[..], &self.norm[..], &self.ids[..]);
        let Scratch { score, matched, freq, touched, seen, seen_len, .. } = scratch;
        let (score, matched, freq, touched, seen) =
            (&mut score[..], &mut matched[..], &mut freq[..], &mut touched[..], &mut seen[..]);
        for word in words {
            // Each product with this word (as a prefix: several words of the index), its count.
            let range = self.postings_of(word);
            let mut t = 0;
            let mut p = range.start;
            while p < range.end {
                let d = post_doc[p] as usize;
                if freq[d] == 0 {
                    touched[t] = d as u32;
                    t += 1;
                }
                freq[d] += u32::from(post_freq[p]);
                p += 1;
            }
            if t == 0 && need == words.len() {
                return Hits::default();
            }
            let hits = t as f64;
            let idf = ((n as f64 - hits + 0.5) / (hits + 0.5)).ln();
            let idf = if idf <= 0.0 { 1e-6 } else { idf };
            for &d in &touched[..t] {
                let d = d as usize;
                let f = f64::from(freq[d]);
                score[d] += idf * f * (K1 + 1.0) / (f + norm[d]);
                freq[d] = 0;
                if matched[d] == 0 {
                    seen[*seen_len] = d as u32;
                    *seen_len += 1;
                }
                matched[d] += 1;
            }
        }
        let mut found: Vec<(f64, i64)> = Vec::with_capacity(*seen_len);
        for &d in &seen[..*seen_len] {
            let d = d as usize;
            if matched[d] as usize >= need {
                found.push((score[d], ids[d]));
            }
        }
        let total = found.len();
        // Best first; equal scores newest (highest id) first.
        let order = |a: &(f64, i64), b: &(f64, i64)| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1));
        let end = offset.saturating_add(limit).min(total);
        if offset >= end {
            return Hits { ids: Vec::new(), total, loose: false };
        }
        if end < total {
            found.select_nth_unstable_by(end, order);
            found.truncate(end);
        }
        found.sort_unstable_by(order);
        Hits { ids: found[offset..].iter().map(|&(_, id)| id).collect(), total, loose: false }
    }
}

/// A query's running sums per product, kept per thread between queries (all zero between them):
/// a query neither allocates them nor zeroes all of them, only what it touched.
#[derive(Default)]
struct Scratch {
    score: Vec<f64>,
    matched: Vec<u8>,
    freq: Vec<u32>,
    /// The products a word's postings reached (the first entries; the rest is room).
    touched: Vec<u32>,
    /// Every product with a nonzero score or count, in `seen[..seen_len]`: what `clear` puts back.
    seen: Vec<u32>,
    seen_len: usize,
    /// A query is under way (one that panicked half-way leaves it set: start again).
    dirty: bool,
}

impl Scratch {
    fn fit(&mut self, n: usize) {
        if self.score.len() != n || self.dirty {
            *self = Scratch {
                score: vec![0.0; n],
                matched: vec![0; n],
                freq: vec![0; n],
                touched: vec![0; n],
                seen: vec![0; n],
                ..Scratch::default()
            };
        }
    }

    fn clear(&mut self) {
        for &d in &self.seen[..self.seen_len] {
            self.score[d as usize] = 0.0;
            self.matched[d as usize] = 0;
        }
        self.seen_len = 0;
        self.dirty = false;
    }
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::default();
}

/// The first `i` in `0..n` for which `pred` is false (`pred` true then false).
fn partition(n: usize, pred: impl Fn(usize) -> bool) -> usize {
    let (mut lo, mut hi) = (0, n);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if pred(mid) { lo = mid + 1 } else { hi = mid }
    }
    lo
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc<'a>(id: i64, title: &'a str, description: &'a str, skus: &'a str, tags: &'a str) -> Doc<'a> {
        Doc { id, title, description, skus, tags }
    }

    fn shop() -> Index {
        Index::build([
            doc(1, "Chikankari Cotton Kurta", "Hand embroidered in Lucknow.", "CK-S CK-M", "kurta, cotton"),
            doc(2, "Banarasi Silk Saree", "Woven with zari.", "BS-1", "saree silk"),
            doc(3, "Canvas Tote", "Carries a silk scarf or two.", "CT-BLUE CT-RED", "bag"),
            doc(4, "Bandhani Kurta", "Tie-dyed cotton.", "BK-M", ""),
            doc(5, "Crème Brûlée Candle", "Café scent.", "CB-1", ""),
            doc(6, "कुर्ता सूती", "हाथ से बना", "HI-1", ""),
        ])
    }

    #[test]
    fn query_syntax_is_only_words() {
        assert_eq!(query_words("blue \"kurta* NEAR -cotton"), ["blue", "kurta", "near", "cotton"]);
        assert_eq!(query_words("TEE-M-BLUE"), ["tee", "m", "blue"]);
        assert!(query_words("\"*-()").is_empty() && query_words("  ").is_empty());
        assert_eq!(query_words("a b c d e f g h i j").len(), 8);
        assert_eq!(query_words(&"x".repeat(100))[0].len(), 40);
    }

    #[test]
    fn words_are_prefixes_and_all_must_match() {
        let index = shop();
        assert_eq!(index.search("kurta", 0, 10).ids, [4, 1], "the shorter product first");
        assert_eq!(index.search("chikan", 0, 10).ids, [1]);
        assert_eq!(index.search("cotton kurta", 0, 10).ids.len(), 2);
        assert_eq!(index.search("silk saree", 0, 10).ids, [2]);
        assert_eq!(index.search("ct-red", 0, 10).ids, [3], "a SKU");
        assert_eq!(index.search("zzz", 0, 10), Hits { ids: vec![], total: 0, loose: true });
    }

    #[test]
    fn the_title_outranks_the_description() {
        assert_eq!(shop().search("silk", 0, 10).ids, [2, 3]);
    }

    #[test]
    fn a_typo_is_forgiven_by_the_retry() {
        let hits = shop().search("kurtaa", 0, 10);
        assert!(hits.loose);
        assert_eq!(hits.ids, [4, 1]);
        let hits = shop().search("banarasi shawl", 0, 10);
        assert!(hits.loose && hits.ids == [2], "{hits:?}");
    }

    #[test]
    fn diacritics_and_other_scripts() {
        let index = shop();
        assert_eq!(index.search("creme brulee", 0, 10).ids, [5]);
        assert_eq!(index.search("Café", 0, 10).ids, [5]);
        assert_eq!(index.search("Cafe\u{301}", 0, 10).ids, [5], "the accent typed apart");
        assert_eq!(index.search("कुर्ता", 0, 10).ids, [6], "a word with vowel signs is one word");
        assert_eq!(index.search("कु", 0, 10).ids, [6]);
    }

    #[test]
    fn pages_and_totals() {
        let docs: Vec<String> = (0..30).map(|i| format!("Silk scarf {i}")).collect();
        let index = Index::build(docs.iter().enumerate().map(|(i, t)| doc(i as i64 + 1, t, "", "", "")));
        let first = index.search("scarf", 0, 24);
        assert_eq!((first.ids.len(), first.total), (24, 30));
        assert_eq!(first.ids[0], 30, "equal scores: newest first");
        let second = index.search("scarf", 24, 24);
        assert_eq!(second.ids, [6, 5, 4, 3, 2, 1]);
        assert!(index.search("scarf", 30, 24).ids.is_empty());
        assert!(index.search("scarf", usize::MAX, 24).ids.is_empty());
        assert!(Index::build([]).search("scarf", 0, 24).ids.is_empty());
    }
}

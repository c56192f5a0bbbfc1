//! The embedded assets (CSS, a little JS, icons) and their content-hashed URLs.

use std::collections::HashMap;
use std::sync::OnceLock;

use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

#[derive(RustEmbed)]
#[folder = "assets/"]
struct Assets;

fn hashes() -> &'static HashMap<String, String> {
    static HASHES: OnceLock<HashMap<String, String>> = OnceLock::new();
    HASHES.get_or_init(|| {
        Assets::iter()
            .filter_map(|path| {
                let file = Assets::get(&path)?;
                let digest = hex::encode(&Sha256::digest(&file.data)[..6]);
                Some((path.to_string(), digest))
            })
            .collect()
    })
}

/// The immutable URL of an embedded asset, e.g. `/assets/3fa2…/css/souk.css`.
pub fn url(path: &str) -> String {
    match hashes().get(path) {
        Some(hash) => format!("/assets/{hash}/{path}"),
        None => {
            debug_assert!(false, "unknown asset {path}");
            format!("/assets/missing/{path}")
        }
    }
}

/// The content hash in an asset's current URL; `None` for an unknown path.
pub fn hash_of(path: &str) -> Option<&'static str> {
    hashes().get(path).map(String::as_str)
}

/// An embedded asset's bytes and MIME type; `None` for an unknown path.
pub fn file(path: &str) -> Option<(Vec<u8>, String)> {
    let asset = Assets::get(path)?;
    Some((asset.data.into_owned(), asset.metadata.mimetype().to_string()))
}

//! Embedded assets served at content-hashed URLs, cached forever by browsers and proxies.

use std::collections::HashMap;
use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use rust_embed::RustEmbed;
use sha2::{Digest, Sha256};

use crate::error::AppError;

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

pub async fn serve(path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (hash, file) = path.into_inner();
    let asset = Assets::get(&file).ok_or(AppError::NotFound)?;
    if hashes().get(&file) != Some(&hash) {
        // An old hash after an upgrade: send the browser to the current file.
        return Ok(HttpResponse::Found().insert_header((header::LOCATION, url(&file))).finish());
    }
    let mime = asset.metadata.mimetype().to_string();
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(asset.data.into_owned()))
}

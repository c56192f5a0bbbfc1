//! Embedded assets served at content-hashed URLs, cached forever by browsers and proxies.

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::error::AppError;
use crate::views::assets::{file, hash_of, url};

pub async fn serve(path: web::Path<(String, String)>) -> Result<HttpResponse, AppError> {
    let (hash, path) = path.into_inner();
    let (data, mime) = file(&path).ok_or(AppError::NotFound)?;
    if hash_of(&path) != Some(hash.as_str()) {
        // An old hash after an upgrade: send the browser to the current file.
        return Ok(HttpResponse::Found().insert_header((header::LOCATION, url(&path))).finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, mime))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(data))
}

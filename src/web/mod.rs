//! HTTP: `configure` lists every URL; handlers are thin (extract, validate, one transaction, redirect or render).

pub mod account;
pub mod admin;
pub mod api;
pub mod assets;
pub mod cart;
pub mod checkout;
pub mod custom;
pub mod extract;
pub mod form_stash;
pub mod health;
pub mod middleware;
pub mod order_page;
pub mod page_cache;
pub mod storefront;
pub mod unsubscribe;

use actix_web::cookie::Cookie;
use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::AppState;
use crate::error::AppError;

/// Every URL of the shop.
pub fn configure(cfg: &mut web::ServiceConfig, state: &web::Data<AppState>) {
    let limit = state.config.server.max_body_kb * 1024;
    cfg.app_data(web::PayloadConfig::new(limit))
        .route("/", get_or_head().to(storefront::home))
        .route("/c/{slug}", get_or_head().to(storefront::collection))
        .route("/p/{slug}", get_or_head().to(storefront::product))
        .route("/search", get_or_head().to(storefront::search))
        .route("/sitemap.xml", get_or_head().to(storefront::sitemap))
        .route("/robots.txt", get_or_head().to(storefront::robots))
        .route("/img/{id}/{width}", get_or_head().to(storefront::image))
        .route("/theme/{color}.css", get_or_head().to(storefront::theme))
        .route("/logo/{version}.webp", get_or_head().to(storefront::logo))
        .route("/cart", web::get().to(cart::show))
        .route("/cart/add", web::post().to(cart::add))
        .route("/cart/update", web::post().to(cart::update))
        .route("/checkout", web::get().to(checkout::form))
        .route("/checkout", web::post().to(checkout::place))
        .route("/checkout/quote", web::post().to(checkout::quote))
        .route("/account", web::get().to(account::show))
        .route("/account/sign-in", web::post().to(account::ask))
        .route("/account/code", web::post().to(account::code))
        .route("/account/whatsapp", web::post().to(account::ask_whatsapp))
        .route("/account/whatsapp/code", web::post().to(account::whatsapp_code))
        .route("/account/link", web::get().to(account::link))
        .route("/account/link", web::post().to(account::link_sign_in))
        .route("/account/sign-out", web::post().to(account::sign_out))
        .route("/account/sign-out-everywhere", web::post().to(account::sign_out_everywhere))
        .route("/account/orders/{code}/open", web::post().to(account::open_order))
        .route("/account/orders/{code}/reorder", web::post().to(account::reorder))
        .route("/account/addresses", web::post().to(account::add_address))
        .route("/account/addresses/{id}/delete", web::post().to(account::delete_address))
        .route("/unsubscribe", web::get().to(unsubscribe::ask))
        .route("/unsubscribe", web::post().to(unsubscribe::confirm))
        .route("/custom", web::get().to(custom::form))
        .route("/custom", web::post().to(custom::submit))
        .route("/q/{code}", web::get().to(custom::show))
        .route("/q/{code}/again", web::post().to(custom::again))
        .route("/q/{code}/photos/{id}/{size}", web::get().to(custom::photo))
        .route("/q/{code}/{answer}", web::post().to(custom::answer))
        .route("/o/lost", web::get().to(order_page::lost))
        .route("/o/lost", web::post().to(order_page::lost_send))
        .route("/o/{code}", web::get().to(order_page::show))
        .route("/o/{code}/requests", web::post().to(order_page::request))
        .route("/o/{code}/delivered", web::post().to(order_page::delivered))
        .route("/o/{code}/rating", web::post().to(order_page::rating))
        .route("/o/{code}/cancel", web::get().to(order_page::confirm_cancel))
        .route("/o/{code}/cancel", web::post().to(order_page::cancel))
        .route("/o/{code}/share", web::post().to(order_page::share))
        .route("/o/{code}/revoke-others", web::post().to(order_page::revoke_others))
        .route("/healthz", get_or_head().to(health::healthz))
        .route("/assets/{hash}/{path:.*}", get_or_head().to(assets::serve))
        .configure(admin::configure)
        .configure(api::configure)
        .default_service(web::to(not_found));
}

/// GET, and HEAD for link checkers and caches (answered like GET, without the body).
fn get_or_head() -> actix_web::Route {
    web::route().guard(actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()))
}

async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, AppError> {
    if req.path().starts_with("/api/")
        && let Some(res) = api::method_not_allowed(&req)
    {
        return Ok(res);
    }
    Err(AppError::NotFound)
}

/// The base of links sent to people: `[server] public_url`, else the address this request came to.
pub fn public_base(state: &AppState, page: &extract::Page) -> String {
    match state.config.server.public_url.trim_end_matches('/') {
        "" => page.origin.clone(),
        url => url.to_string(),
    }
}

/// 303 See Other: the answer to every successful form post.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
}

/// 303 to `location`, with a one-time message shown on the next page.
pub fn see_other_with_flash(location: &str, message: &str) -> HttpResponse {
    let mut res = see_other(location);
    let cookie = Cookie::build(middleware::FLASH_COOKIE, encode_flash(message))
        .path("/")
        .http_only(true)
        .same_site(actix_web::cookie::SameSite::Lax)
        .finish();
    let _ = res.add_cookie(&cookie);
    res
}

fn encode_flash(message: &str) -> String {
    message
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Decodes a flash cookie; `None` for anything malformed.
pub fn decode_flash(value: &str) -> Option<String> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().filter(|s| s.len() <= 300)
}

#[cfg(test)]
mod tests {
    #[test]
    fn flash_round_trips() {
        let m = "Saved «Asha's» settings; 100% done.";
        assert_eq!(super::decode_flash(&super::encode_flash(m)).as_deref(), Some(m));
        assert_eq!(super::decode_flash("%zz"), None);
    }
}

//! The storefront's pages: home, collections, products, search, sitemap, robots, product photos.

use actix_web::HttpMessage;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::extract::{Page, origin};
use super::page_cache::{Entry, PageCache};
use crate::AppState;
use crate::app;
use crate::db::catalog;
use crate::domain::catalog::is_released;
use crate::domain::catalog::{Sort, Variant};
use crate::error::AppError;
use crate::views;
use crate::views::ClientInfo;

/// Products per listing page.
pub const PAGE_SIZE: i64 = 24;

/// Public, but checked with the shop before every use.
pub const PUBLIC: &str = "public, max-age=0, must-revalidate";
/// For this visitor only (their cart is in the header, or a one-time message is shown).
pub const PRIVATE: &str = "private, max-age=0, must-revalidate";

/// Answers a public page from the page cache, or renders it with `render` and keeps it.
///
/// The answer may be kept by a CDN or the browser too, revalidated on every use: its weak ETag is
/// taken from the body, so any change (a price, stock, a drop opening) is seen at once, and an
/// unchanged page costs a 304. `shareable` is false for answers meant for one visitor only.
async fn shared_page<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    content_type: &'static str,
    shareable: bool,
    render: F,
) -> Result<HttpResponse, AppError>
where
    F: FnOnce(Page) -> Fut,
    Fut: Future<Output = Result<String, AppError>>,
{
    let client =
        req.extensions().get::<ClientInfo>().cloned().ok_or_else(|| AppError::internal("client info missing"))?;
    // A visitor with a cart sees its count in the header: kept apart, and not for shared caches.
    let cart = super::cart::count_cookie(req);
    // With a public address set, pages name only it, so the Host a request came with (anyone can
    // send any) does not split the cache; without one, links in the page follow the Host.
    let origin = match state.config.server.public_url.trim_end_matches('/') {
        "" => origin(req, state, &client),
        url => url.to_string(),
    };
    let key = PageCache::key(req, &origin, shareable).map(|k| if cart > 0 { format!("{k}#cart={cart}") } else { k });
    let public = cart == 0;
    let now = state.clock.now();
    let version = key.as_ref().and(state.pages.version());
    if let (Some(k), Some(v)) = (&key, version)
        && let Some(hit) = state.pages.get(k, v, now)
    {
        return Ok(respond(req, &hit, public));
    }
    let body = render(super::extract::build_page(req)?).await?;
    let expires = match version {
        Some(v) => match state.pages.next_drop(v, now) {
            Some(known) => known,
            None => {
                let at = crate::db::ts(now);
                let drop = state.db.read(move |c| Ok(catalog::next_drop(c, &at)?)).await?;
                let drop = drop.as_deref().and_then(crate::db::parse_ts);
                state.pages.set_next_drop(v, drop);
                drop
            }
        },
        None => None,
    };
    let public = public && key.is_some();
    let entry = state.pages.insert(key, version, expires, content_type, body);
    Ok(respond(req, &entry, public))
}

/// 200 with the page, or 304 when the browser's copy (by ETag, else by date) is still true.
fn respond(req: &HttpRequest, page: &Entry, public: bool) -> HttpResponse {
    let headers = req.headers();
    let fresh = match headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) {
        Some(tags) => tags.split(',').any(|t| t.trim().as_bytes() == page.etag.as_bytes() || t.trim() == "*"),
        None => headers
            .get(header::IF_MODIFIED_SINCE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| chrono::DateTime::parse_from_rfc2822(v).ok())
            .is_some_and(|since| page.rendered.timestamp() <= since.timestamp()),
    };
    let mut res = if fresh { HttpResponse::NotModified() } else { HttpResponse::Ok() };
    res.insert_header((header::ETAG, page.etag.clone()))
        .insert_header((header::LAST_MODIFIED, page.last_modified.clone()))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(if public { PUBLIC } else { PRIVATE })));
    if fresh { res.finish() } else { res.content_type(page.content_type).body(page.body.clone()) }
}

const HTML: &str = "text/html; charset=utf-8";

pub async fn home(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let state = &state;
    shared_page(&req, state, HTML, true, |page| async move {
        let (collections, newest) =
            state.db.read(|c| Ok((catalog::collections(c)?, catalog::cards(c, None, Sort::Newest, 12, 0)?))).await?;
        let featured: Vec<_> = collections.into_iter().filter(|c| c.featured && c.product_count > 0).collect();
        let base = super::public_base(state, &page);
        Ok(views::storefront::home(&page, &base, &featured, &newest).into_string())
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListingQuery {
    pub sort: String,
    /// Read by the handler, so that a number too large for i64 is a missing page, not a 400.
    pub page: String,
}

pub async fn collection(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    q: web::Query<ListingQuery>,
) -> Result<HttpResponse, AppError> {
    let sort = Sort::parse(&q.sort);
    let n = match q.page.trim() {
        "" => 1,
        p => p.parse::<i64>().map_err(|_| AppError::NotFound)?.max(1),
    };
    // A page far past the end must not overflow on its way to the range check below.
    let offset = (n - 1).checked_mul(PAGE_SIZE).ok_or(AppError::NotFound)?;
    let slug = slug.into_inner();
    let state = &state;
    shared_page(&req, state, HTML, true, |page| async move {
        let (collection, cards) = state
            .db
            .read(move |c| {
                let col = catalog::collection_by_slug(c, &slug)?.ok_or(AppError::NotFound)?;
                let listing = catalog::cards(c, Some(col.id), sort, PAGE_SIZE, offset)?;
                Ok((col, listing))
            })
            .await?;
        let total = collection.product_count;
        let pages = ((total + PAGE_SIZE - 1) / PAGE_SIZE).max(1);
        if n > pages {
            return Err(AppError::NotFound);
        }
        let canonical = format!("{}/c/{}", super::public_base(state, &page), collection.slug);
        let paging = views::storefront::Paging { page: n, pages, sort };
        Ok(views::storefront::collection(&page, &collection, &cards, &paging, &canonical).into_string())
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ProductQuery {
    pub variant: String,
    /// An early-access token, from the link the seller shared.
    pub access: String,
    pub o1: Option<String>,
    pub o2: Option<String>,
    pub o3: Option<String>,
}

/// The variant a visitor asked for: by SKU, else by option values (closest match), else the first one in stock.
pub fn choose_variant<'a>(variants: &'a [Variant], q: &ProductQuery) -> Option<&'a Variant> {
    if let Some(v) = variants.iter().find(|v| v.sku.eq_ignore_ascii_case(&q.variant)) {
        return Some(v);
    }
    let wanted = [&q.o1, &q.o2, &q.o3];
    if wanted.iter().any(|w| w.is_some()) {
        let score = |v: &Variant| (0..3).filter(|i| wanted[*i].as_deref() == Some(v.options[*i].as_str())).count();
        return variants.iter().max_by_key(|v| (score(v), std::cmp::Reverse(v.id)));
    }
    let sellable = |v: &&Variant| v.stock().availability() != crate::domain::catalog::Availability::SoldOut;
    variants.iter().find(sellable).or(variants.first())
}

pub async fn product(
    req: HttpRequest,
    state: web::Data<AppState>,
    slug: web::Path<String>,
    q: web::Query<ProductQuery>,
) -> Result<HttpResponse, AppError> {
    let (slug, q) = (slug.into_inner(), q.into_inner());
    if q.access.is_empty() {
        return shared_page(&req, &state, HTML, true, |page| render_product(&state, page, slug, q)).await;
    }
    // A page opened with a secret link is for its holder only: never kept by a cache.
    let body = render_product(&state, super::extract::build_page(&req)?, slug, q).await?;
    Ok(HttpResponse::Ok().insert_header((header::CACHE_CONTROL, "private, no-store")).content_type(HTML).body(body))
}

async fn render_product(state: &AppState, page: Page, slug: String, q: ProductQuery) -> Result<String, AppError> {
    let access = (!q.access.is_empty()).then(|| crate::domain::tokens::hash_token(&q.access));
    let (p, early) = state
        .db
        .read(move |c| {
            let p = catalog::product_page(c, &slug)?.ok_or(AppError::NotFound)?;
            let early = match access {
                Some(hash) => catalog::early_access_matches(c, p.product.id, &hash)?,
                None => false,
            };
            Ok((p, early))
        })
        .await?;
    let variant = choose_variant(&p.variants, &q).ok_or(AppError::NotFound)?;
    let publish_at = p.product.publish_at.as_deref().and_then(crate::db::parse_ts);
    let base = super::public_base(state, &page);
    let canonical = format!("{base}/p/{}", p.product.slug);
    let choice = views::product::Choice {
        variant,
        released: early || is_released(publish_at, page.now),
        access: early.then(|| q.access.clone()),
        canonical,
        base,
    };
    Ok(views::product::page(&page, &p, &choice).into_string())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SearchQuery {
    pub q: String,
    pub page: String,
}

pub async fn search(
    req: HttpRequest,
    state: web::Data<AppState>,
    q: web::Query<SearchQuery>,
) -> Result<HttpResponse, AppError> {
    let query: String = q.q.trim().chars().take(200).collect();
    let n = match q.page.trim() {
        "" => 1,
        p => p.parse::<usize>().map_err(|_| AppError::NotFound)?.max(1),
    };
    let state = &state;
    shared_page(&req, state, HTML, true, |page| async move {
        let searcher = state.search.clone();
        let (query, found) = state
            .db
            .read(move |c| {
                let found = app::search::storefront(c, &searcher, &query, n, PAGE_SIZE as usize)?;
                Ok((query, found))
            })
            .await?;
        let pages = found.total.div_ceil(PAGE_SIZE as usize).max(1);
        if n > pages {
            return Err(AppError::NotFound);
        }
        let paging = views::storefront::SearchPaging { page: n, pages, total: found.total, loose: found.loose };
        Ok(views::storefront::search(&page, &query, &found.cards, &paging).into_string())
    })
    .await
}

pub async fn sitemap(req: HttpRequest, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let state = &state;
    shared_page(&req, state, "application/xml; charset=utf-8", true, |page| async move {
        let entries = state.db.read(|c| Ok(catalog::sitemap_entries(c)?)).await?;
        let base = super::public_base(state, &page);
        let mut xml = String::from(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
        );
        // The base comes from the request's Host when no public address is set: escaped like the rest.
        let base = xml_escape(&base);
        xml.push_str(&format!("<url><loc>{base}/</loc></url>\n"));
        for (path, updated) in entries {
            let day = updated.get(..10).unwrap_or("");
            xml.push_str(&format!(
                "<url><loc>{base}{}</loc><lastmod>{day}</lastmod></url>\n",
                xml_escape(&path)
            ));
        }
        xml.push_str("</urlset>\n");
        Ok(xml)
    })
    .await
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

pub async fn robots(page: Page, state: web::Data<AppState>) -> HttpResponse {
    let base = super::public_base(&state, &page);
    let body = format!(
        "User-agent: *\nDisallow: /admin\nDisallow: /cart\nDisallow: /checkout\nDisallow: /o/\nDisallow: /api/\nDisallow: /unsubscribe\n\nSitemap: {base}/sitemap.xml\n"
    );
    HttpResponse::Ok().content_type("text/plain; charset=utf-8").body(body)
}

/// A stored photo rendition; its URL never changes content, so it is cached for a year.
pub async fn image(state: web::Data<AppState>, path: web::Path<(i64, u32)>) -> Result<HttpResponse, AppError> {
    let (id, width) = path.into_inner();
    let (content_type, data) = state
        .db
        .read(move |c| {
            Ok(c.prepare_cached("SELECT content_type, data FROM image_renditions WHERE image_id = ?1 AND width = ?2")?
                .query_row((id, width), |r| Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?)))?)
        })
        .await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, content_type))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(data))
}

/// The stylesheet for the shop's accent colour. Its URL names the colour, so it never changes and
/// is kept for a year; any other colour is answered too (a page from before a change still looks right).
pub async fn theme(path: web::Path<String>) -> Result<HttpResponse, AppError> {
    let color = crate::domain::theme::Rgb::parse(&path).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "text/css; charset=utf-8"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(crate::domain::theme::stylesheet(color)))
}

/// The shop's logo at `/logo/{version}.webp`; an old version is 404, so a cache never keeps a wrong one.
pub async fn logo(state: web::Data<AppState>, path: web::Path<String>) -> Result<HttpResponse, AppError> {
    if state.shop().logo_version != *path {
        return Err(AppError::NotFound);
    }
    let data = state.db.read(|c| Ok(crate::db::settings::logo(c)?)).await?.ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, "image/webp"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(data))
}

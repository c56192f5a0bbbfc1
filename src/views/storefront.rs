//! Storefront pages: home, collections, search, and the product cards they share.

use maud::{Markup, PreEscaped, html};

use crate::domain::catalog::{Card, Collection, Sort};
use crate::domain::catalog::{markdown_lines_to_html, markdown_to_html, plain_summary};
use crate::domain::money;
use crate::domain::shop::ShopSettings;
use crate::views::Page;

pub fn price(shop: &ShopSettings, amount: i64) -> String {
    money::format(amount, &shop.currency, shop.currency_minor_units)
}

/// The picture of a card or gallery; a tile with the initial when the product has no photo yet.
pub fn picture(image_id: Option<i64>, alt: &str, title: &str) -> Markup {
    match image_id {
        Some(id) => super::images::card(id, alt, "(min-width: 48rem) 25vw, 50vw"),
        None => html! {
            div.no-photo aria-hidden="true" { (title.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default()) }
        },
    }
}

pub fn card(page: &Page, c: &Card) -> Markup {
    let shop = &page.shop;
    html! {
        li.card-product {
            a href=(format!("/p/{}", c.slug)) {
                (picture(c.image_id, "", &c.title))
                span.title { (c.title) }
                span.price {
                    @if c.price_max > c.price { "from " }
                    (price(shop, c.price))
                    @if let Some(cmp) = c.compare_at { " " s.was { (price(shop, cmp)) } }
                }
                @if c.publish_at.as_deref().and_then(crate::domain::time::parse_ts).is_some_and(|t| t > page.now) {
                    span.badge.soon { "Coming soon" }
                } @else if c.sold_out {
                    span.badge.sold-out { "Sold out" }
                }
            }
        }
    }
}

pub fn grid(page: &Page, cards: &[Card]) -> Markup {
    html! { ul.products { @for c in cards { (card(page, c)) } } }
}

pub fn home(page: &Page, base: &str, featured: &[Collection], newest: &[Card]) -> Markup {
    let shop = &page.shop;
    let summary =
        if shop.intro.is_empty() { format!("Shop {} online.", shop.name) } else { plain_summary(&shop.intro, 200) };
    super::layout::storefront_with_head(
        page,
        "Welcome",
        html! {
            link rel="canonical" href=(format!("{base}/"));
            meta name="description" content=(summary);
            meta property="og:type" content="website";
            meta property="og:title" content=(shop.name);
            meta property="og:description" content=(summary);
            meta property="og:url" content=(format!("{base}/"));
            @if let Some(logo) = shop.logo_url() { meta property="og:image" content=(format!("{base}{logo}")); }
        },
        html! {
            section.hero {
                h1 { (shop.name) }
                @if !shop.intro.is_empty() { div.intro.prose { (PreEscaped(markdown_lines_to_html(&shop.intro))) } }
                @if !shop.address.is_empty() { p.lead { (shop.address) } }
                @if !shop.whatsapp_number.is_empty() {
                    p { a.button.primary href=(format!("https://wa.me/{}", shop.whatsapp_number.trim_start_matches('+'))) rel="noopener" { "Message us on WhatsApp" } }
                }
            }
            @if !featured.is_empty() {
                section aria-labelledby="collections-h" {
                    h2 #collections-h { "Collections" }
                    ul.collections {
                        @for c in featured {
                            li { a href=(format!("/c/{}", c.slug)) { span.title { (c.title) } span.count { (c.product_count) " items" } } }
                        }
                    }
                }
            }
            @if !newest.is_empty() {
                section aria-labelledby="new-h" {
                    h2 #new-h { "New in" }
                    (grid(page, newest))
                }
            }
        },
    )
}

/// Where a listing is and how to move: page numbers, sort.
pub struct Paging {
    pub page: i64,
    pub pages: i64,
    pub sort: Sort,
}

pub fn collection(page: &Page, c: &Collection, cards: &[Card], paging: &Paging, canonical: &str) -> Markup {
    let base = format!("/c/{}", c.slug);
    let link = |n: i64| format!("{base}?sort={}&page={n}", paging.sort.as_str());
    let description = if c.description_md.trim().is_empty() {
        format!("{}: {} product(s) from {}.", c.title, c.product_count, page.shop.name)
    } else {
        plain_summary(&c.description_md, 200)
    };
    let head = html! {
        link rel="canonical" href=(canonical);
        meta name="description" content=(description);
        @if paging.page > 1 { link rel="prev" href=(link(paging.page - 1)); }
        @if paging.page < paging.pages { link rel="next" href=(link(paging.page + 1)); }
    };
    super::layout::storefront_with_head(
        page,
        &c.title,
        head,
        html! {
            nav.breadcrumbs aria-label="Breadcrumb" { ol { li { a href="/" { "Home" } } li aria-current="page" { (c.title) } } }
            h1 { (c.title) }
            @if !c.description_md.is_empty() { div.prose { (PreEscaped(markdown_to_html(&c.description_md))) } }
            form.sort method="get" action=(base) {
                label for="sort" { "Sort by" }
                select #sort name="sort" {
                    @for (value, label) in [("featured", "Featured"), ("newest", "Newest"), ("price_asc", "Price: low to high"), ("price_desc", "Price: high to low")] {
                        option value=(value) selected[paging.sort.as_str() == value] { (label) }
                    }
                }
                button type="submit" { "Sort" }
            }
            @if cards.is_empty() { p { "Nothing here yet." } } @else { (grid(page, cards)) }
            @if paging.pages > 1 {
                nav.pagination aria-label="Pages" {
                    @if paging.page > 1 { a rel="prev" href=(link(paging.page - 1)) { "Previous" } }
                    span { "Page " (paging.page) " of " (paging.pages) }
                    @if paging.page < paging.pages { a rel="next" href=(link(paging.page + 1)) { "Next" } }
                }
            }
        },
    )
}

/// Where a page of search results stands among them.
pub struct SearchPaging {
    pub page: usize,
    pub pages: usize,
    /// Products matching in all.
    pub total: usize,
    /// Nothing matched every word: these are for words like them.
    pub loose: bool,
}

pub fn search(page: &Page, query: &str, cards: &[Card], paging: &SearchPaging) -> Markup {
    let link = |n: usize| {
        format!("/search?{}", serde_urlencoded::to_string([("q", query), ("page", &n.to_string())]).unwrap_or_default())
    };
    let head = html! {
        // Result pages are for the customer searching, not for search engines.
        meta name="robots" content="noindex";
        @if paging.page > 1 { link rel="prev" href=(link(paging.page - 1)); }
        @if paging.page < paging.pages { link rel="next" href=(link(paging.page + 1)); }
    };
    super::layout::storefront_with_head(
        page,
        if query.is_empty() { "Search" } else { query },
        head,
        html! {
            h1 { "Search" }
            form.search method="get" action="/search" role="search" aria-label="Search again" {
                label for="q" { "Search for" }
                input #q type="search" name="q" value=(query);
                button.primary type="submit" { "Search" }
            }
            @if !query.is_empty() {
                @if paging.total == 0 {
                    p { "Nothing matches “" (query) "”. Try fewer or other words." }
                } @else {
                    p role="status" {
                        (paging.total) " result" (if paging.total == 1 { "" } else { "s" })
                        @if paging.loose { " for words like “" (query) "”" } @else { " for “" (query) "”" }
                    }
                    (grid(page, cards))
                    @if paging.pages > 1 {
                        nav.pagination aria-label="Pages" {
                            @if paging.page > 1 { a rel="prev" href=(link(paging.page - 1)) { "Previous" } }
                            span { "Page " (paging.page) " of " (paging.pages) }
                            @if paging.page < paging.pages { a rel="next" href=(link(paging.page + 1)) { "Next" } }
                        }
                    }
                }
            }
        },
    )
}

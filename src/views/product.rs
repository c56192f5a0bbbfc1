//! The product page: gallery, a variant choice that is part of the add-to-cart form (so it works
//! without JavaScript, and a small script follows each tap), price, stock, and the metadata that
//! makes a shared link show a rich card.

use maud::{Markup, PreEscaped, html};

use super::storefront::{picture, price};
use crate::domain::catalog::{Availability, ProductPage, Variant, markdown_to_html, plain_summary};
use crate::domain::{money, whatsapp};
use crate::views::Page;

/// What the page shows for the chosen variant.
pub struct Choice<'a> {
    pub variant: &'a Variant,
    pub released: bool,
    /// The absolute URL of this product's page.
    pub canonical: String,
    /// The absolute base for image URLs in link previews.
    pub base: String,
    /// The valid early-access token this page was opened with, kept when another variant is chosen.
    pub access: Option<String>,
}

/// "Ask on WhatsApp" for a variant: a prefilled message naming it, when the shop has a number.
fn ask_link(page: &Page, p: &ProductPage, v: &Variant, canonical: &str) -> Option<String> {
    let shop = &page.shop;
    let options: Vec<&str> = v.options.iter().map(String::as_str).filter(|o| !o.is_empty()).collect();
    let text = format!(
        "Hello {}! I'd like to order: {}{} (SKU {}), {}.\n{canonical}?variant={}",
        shop.name,
        p.product.title,
        if options.is_empty() { String::new() } else { format!(" – {}", options.join(" / ")) },
        v.sku,
        money::format(v.price, &shop.currency, shop.currency_minor_units),
        v.sku,
    );
    whatsapp::link(&shop.whatsapp_number, &text)
}

fn sellable(v: &Variant) -> bool {
    v.stock().availability() != Availability::SoldOut
}

/// Every variant as the page's script needs it to follow each choice at once (price, stock, photo,
/// SKU, the WhatsApp link), as JSON for a `<script type="application/json">`.
fn variants_json(page: &Page, p: &ProductPage, c: &Choice) -> String {
    let shop = &page.shop;
    let variants: Vec<serde_json::Value> = p
        .variants
        .iter()
        .map(|v| {
            let availability = v.stock().availability();
            let stock = if c.released { availability_text(availability) } else { None };
            serde_json::json!({
                "sku": v.sku,
                "options": v.options,
                "price": price(shop, v.price),
                "was": v.compare_at_price.filter(|cmp| *cmp > v.price).map(|cmp| price(shop, cmp)),
                "stock": stock.unwrap_or_default(),
                "level": if availability == Availability::SoldOut { "out" } else { "low" },
                "sellable": c.released && sellable(v),
                "max": v.max_per_order.unwrap_or(crate::domain::orders::MAX_QUANTITY),
                "limit": v.max_per_order.map(|m| format!("At most {m} per order")).unwrap_or_default(),
                "images": p.photos_for(v).into_iter().filter(|i| i.rank_for(v) > 0).map(|i| i.id).collect::<Vec<_>>(),
                "ask": ask_link(page, p, v, &c.canonical),
            })
        })
        .collect();
    // Inside <script>, no "<" may start a tag or comment: JSON lets it be written \u003c.
    serde_json::Value::Array(variants).to_string().replace('<', "\\u003c")
}

fn availability_text(a: Availability) -> Option<String> {
    match a {
        Availability::InStock => None,
        Availability::Few(n) => Some(format!("Only {n} left")),
        Availability::Backorder => Some("Made to order: ships a little later".into()),
        Availability::SoldOut => Some("Sold out".into()),
    }
}

fn head(page: &Page, p: &ProductPage, c: &Choice) -> Markup {
    let shop = &page.shop;
    let product = &p.product;
    let description = if product.seo_description.is_empty() {
        plain_summary(&product.description_md, 200)
    } else {
        product.seo_description.clone()
    };
    let image = p.images.first().map(|i| format!("{}{}", c.base, super::images::url(i.id, 1280)));
    let amount = money::decimal(c.variant.price, shop.currency_minor_units);
    // Before a drop opens nothing can be bought yet: previews and search engines say "pre-order".
    let availability = |v: &Variant| match (c.released, v.stock().availability()) {
        (_, Availability::SoldOut) => ("oos", "https://schema.org/OutOfStock"),
        (false, _) => ("preorder", "https://schema.org/PreOrder"),
        _ => ("instock", "https://schema.org/InStock"),
    };
    let offers: Vec<serde_json::Value> = p
        .variants
        .iter()
        .map(|v| {
            serde_json::json!({
                "@type": "Offer",
                "sku": v.sku,
                "price": money::decimal(v.price, shop.currency_minor_units),
                "priceCurrency": shop.currency,
                "availability": availability(v).1,
                "url": format!("{}?variant={}", c.canonical, v.sku),
            })
        })
        .collect();
    let mut ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.title,
        "description": description,
        "sku": c.variant.sku,
        "brand": {"@type": "Brand", "name": shop.name},
        "offers": offers,
    });
    if let Some(img) = &image {
        ld["image"] = serde_json::json!([img]);
    }
    // What customers said, in the page's data: link previews and search show the stars.
    if let Some(average) = p.reviews.average() {
        ld["aggregateRating"] = serde_json::json!({
            "@type": "AggregateRating", "ratingValue": average, "ratingCount": p.reviews.count,
            "bestRating": 5, "worstRating": 1,
        });
        let reviews: Vec<serde_json::Value> = p
            .reviews
            .shown
            .iter()
            .map(|r| {
                serde_json::json!({
                    "@type": "Review",
                    "author": {"@type": "Person", "name": r.first_name},
                    "datePublished": r.at.get(..10).unwrap_or(""),
                    "reviewRating": {"@type": "Rating", "ratingValue": r.stars, "bestRating": 5, "worstRating": 1},
                    "reviewBody": r.comment,
                })
            })
            .collect();
        if !reviews.is_empty() {
            ld["review"] = serde_json::json!(reviews);
        }
    }
    // JSON inside <script>: "</" must not end the element early.
    let ld = ld.to_string().replace("</", "<\\/");
    html! {
        link rel="canonical" href=(c.canonical);
        meta name="description" content=(description);
        meta property="og:type" content="product";
        meta property="og:site_name" content=(shop.name);
        meta property="og:title" content=(if product.seo_title.is_empty() { &product.title } else { &product.seo_title });
        meta property="og:description" content=(description);
        meta property="og:url" content=(c.canonical);
        @if let Some(img) = &image { meta property="og:image" content=(img); }
        meta property="product:price:amount" content=(amount);
        meta property="product:price:currency" content=(shop.currency);
        meta property="og:availability" content=(availability(c.variant).0);
        meta name="twitter:card" content=(if image.is_some() { "summary_large_image" } else { "summary" });
        script type="application/ld+json" { (PreEscaped(ld)) }
    }
}

fn stars(n: u8) -> String {
    format!("{}{}", "★".repeat(usize::from(n)), "☆".repeat(5 - usize::from(n.min(5))))
}

/// The star average of every rating, and the comments the seller published.
fn reviews(page: &Page, p: &ProductPage) -> Markup {
    let r = &p.reviews;
    html! {
        @if let Some(average) = r.average() {
            section.reviews aria-labelledby="reviews-h" {
                h2 #reviews-h { "Reviews" }
                p.rating { span aria-hidden="true" { (stars(((r.stars * 2 + r.count) / (2 * r.count)) as u8)) } " " strong { (average) " out of 5" } " · " (r.count) @if r.count == 1 { " rating" } @else { " ratings" } " from customers who received it" }
                @for review in &r.shown {
                    figure.review {
                        blockquote { (review.comment) }
                        figcaption {
                            span role="img" aria-label=(format!("{} out of 5 stars", review.stars)) { (stars(review.stars)) } " "
                            (review.first_name) ", " (super::components::time_text(&review.at, page.zone).split(',').next().unwrap_or(""))
                        }
                    }
                }
            }
        }
    }
}

/// Whether the product has a choice to make: named options and more than one variant.
fn has_choice(p: &ProductPage) -> bool {
    p.variants.len() > 1 && p.product.options.iter().any(|n| !n.is_empty())
}

/// The option pickers: one group of radio buttons (chips) per option, named `o1`…`o3`. They sit
/// inside the form that adds to the cart, so what is added is always what is shown chosen.
fn option_fields(p: &ProductPage, chosen: &Variant) -> Markup {
    let names: Vec<(usize, &String)> = p.product.options.iter().enumerate().filter(|(_, n)| !n.is_empty()).collect();
    html! {
        div.options {
            @for (i, name) in &names {
                fieldset {
                    legend { (name) }
                    @for value in distinct(p.variants.iter().map(|v| &v.options[*i])) {
                        @let id = format!("o{}-{}", i + 1, crate::domain::catalog::slugify(value));
                        @let sold_out = !p.variants.iter().any(|v| v.options[*i] == *value
                            && (0..3).all(|j| j == *i || v.options[j] == chosen.options[j])
                            && sellable(v));
                        input.chip type="radio" id=(id) name=(format!("o{}", i + 1)) value=(value) checked[chosen.options[*i] == *value];
                        label.chip.sold-out[sold_out] for=(id) { (value) @if sold_out { span.visually-hidden { " (sold out)" } } }
                    }
                }
            }
        }
    }
}

/// Without JavaScript, the chosen options' price, stock and photo are shown by loading the page
/// for them; the script shows them at each tap and hides this button.
fn show_button(p: &ProductPage) -> Markup {
    html! {
        button.show type="submit" formmethod="get" formaction=(format!("/p/{}", p.product.slug)) formnovalidate {
            "Show this choice"
        }
    }
}

/// The form that adds to the cart: the option chips (or, for a single variant, its SKU), the
/// quantity and the button; or, while nothing can be bought, the chips alone in a GET form.
fn buy_form(p: &ProductPage, c: &Choice) -> Markup {
    let v = c.variant;
    let choice = has_choice(p);
    html! {
        @if c.released && p.variants.iter().any(sellable) {
            form.buy method="post" action="/cart/add" data-choice {
                @if choice {
                    (option_fields(p, v))
                    input type="hidden" name="product" value=(p.product.slug);
                } @else {
                    input type="hidden" name="sku" value=(v.sku);
                }
                @if let Some(token) = &c.access { input type="hidden" name="access" value=(token); }
                label for="qty" { "Quantity" }
                input #qty type="number" name="quantity" value="1" min="1" max=(v.max_per_order.unwrap_or(crate::domain::orders::MAX_QUANTITY)) inputmode="numeric";
                button.primary type="submit" { "Add to cart" }
                @if choice { (show_button(p)) }
            }
        } @else if choice {
            form.options method="get" action=(format!("/p/{}", p.product.slug)) data-choice {
                (option_fields(p, v))
                @if let Some(token) = &c.access { input type="hidden" name="access" value=(token); }
                button.show type="submit" { "Show this choice" }
            }
        }
    }
}

fn distinct<'a>(values: impl Iterator<Item = &'a String>) -> Vec<&'a String> {
    let mut out: Vec<&String> = Vec::new();
    for v in values {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

pub fn page(page: &Page, p: &ProductPage, c: &Choice) -> Markup {
    let shop = &page.shop;
    let v = c.variant;
    let availability = v.stock().availability();
    let crumb = p.collections.first();
    let body = html! {
        nav.breadcrumbs aria-label="Breadcrumb" {
            ol {
                li { a href="/" { "Home" } }
                @if let Some((slug, title)) = crumb { li { a href=(format!("/c/{slug}")) { (title) } } }
                li aria-current="page" { (p.product.title) }
            }
        }
        article.product {
            // On a phone the photos are one row to swipe (no script needed), so the title, the
            // price and "Add to cart" stay on the first screen.
            div.gallery role="group" aria-label="Photos" tabindex="0" {
                @if p.images.is_empty() { (picture(None, "", &p.product.title)) }
                // Photos of the chosen variant first, then of its option values, then the rest.
                @for (n, img) in p.photos_for(v).into_iter().enumerate() {
                    (super::images::photo(img.id, &img.alt, "(min-width: 48rem) 50vw, 100vw", (img.width, img.height), n == 0))
                }
            }
            div.buy {
                h1 { (p.product.title) }
                p.price {
                    span.now { (price(shop, v.price)) }
                    @if let Some(cmp) = v.compare_at_price.filter(|cmp| *cmp > v.price) { " " s.was { (price(shop, cmp)) } }
                }
                @if c.access.is_some() {
                    p.drop role="status" { "Early access: you can order before everyone else." }
                }
                @if !c.released {
                    @if let Some(at) = &p.product.publish_at {
                        p.drop role="status" {
                            "Available from "
                            time datetime=(at) data-countdown { (super::components::time_text(at, page.zone)) }
                        }
                        script src=(super::assets::url("js/countdown.js")) defer {}
                    }
                } @else {
                    @let text = availability_text(availability);
                    p class=(format!("stock {}", if availability == Availability::SoldOut { "out" } else { "low" })) role="status" hidden[text.is_none()] { (text.unwrap_or_default()) }
                }
                (buy_form(p, c))
                p.limit hidden[v.max_per_order.is_none()] { @if let Some(max) = v.max_per_order { "At most " (max) " per order" } }
                p.sku { "SKU " (v.sku) }
                @if c.released && p.variants.iter().any(sellable) {
                    @if let Some(href) = ask_link(page, p, v, &c.canonical) {
                        p { a.button.ask href=(href) rel="noopener" { "Ask on WhatsApp" } }
                    }
                }
                @if has_choice(p) {
                    script #variants type="application/json" { (PreEscaped(variants_json(page, p, c))) }
                    script src=(super::assets::url("js/choice.js")) defer {}
                }
                @if !p.product.description_md.is_empty() {
                    div.prose { (PreEscaped(markdown_to_html(&p.product.description_md))) }
                }
                (reviews(page, p))
            }
        }
    };
    let title = if p.product.seo_title.is_empty() { &p.product.title } else { &p.product.seo_title };
    super::layout::storefront_with_head(page, title, head(page, p, c), body)
}

//! The two page frames: the storefront (shop header and contact footer) and the admin (navigation).

use maud::{DOCTYPE, Markup, html};

use super::assets;
use crate::domain::shop::ShopSettings;
use crate::views::{Admin, Page};

fn head(title: &str, shop: &ShopSettings, extra: Markup) -> Markup {
    html! {
        head {
            // The charset must come within the first 1024 bytes, before any page-specific metadata.
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            title { (title) " · " (shop.name) }
            link rel="stylesheet" href=(assets::url("css/souk.css"));
            @if let Some(theme) = shop.theme_url() { link rel="stylesheet" href=(theme); }
            link rel="icon" href=(assets::url("img/icon.svg")) type="image/svg+xml";
            meta name="color-scheme" content="light dark";
            (extra)
        }
    }
}

/// A storefront page without a visitor (the error page): header, content, contact footer.
pub fn storefront(shop: &ShopSettings, title: &str, body: Markup) -> Markup {
    frame(shop, 0, None, title, html! {}, body)
}

/// A storefront page for this visitor (their cart in the header, a one-time message), with extra
/// `<head>` content (canonical link, link-preview metadata).
pub fn storefront_with_head(page: &Page, title: &str, extra_head: Markup, body: Markup) -> Markup {
    frame(&page.shop, page.cart_count, page.flash.as_deref(), title, extra_head, body)
}

fn frame(
    shop: &ShopSettings,
    cart_count: u32,
    flash: Option<&str>,
    title: &str,
    extra_head: Markup,
    body: Markup,
) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title, shop, extra_head))
            body.store {
                a.skip href="#main" { "Skip to content" }
                header.site-header {
                    a.brand href="/" {
                        @if let Some(logo) = shop.logo_url() { img.logo src=(logo) alt="" width=(shop.logo_width_at(40)) height="40"; }
                        (shop.name)
                    }
                    // A phone's header is one row: the search form is one tap away on its own page.
                    a.search-link href="/search" { "Search" }
                    form.site-search role="search" aria-label="Search the shop" method="get" action="/search" {
                        label.visually-hidden for="site-q" { "Search the shop" }
                        input #site-q type="search" name="q" placeholder="Search" autocomplete="off";
                        button type="submit" { "Search" }
                    }
                    a.cart-link href="/cart" {
                        "Cart"
                        @if cart_count > 0 { " " span.count { (cart_count) } span.visually-hidden { " items" } }
                    }
                }
                main #main { (super::components::flash(flash)) (body) }
                footer.site-footer {
                    p.shop-name { (shop.name) }
                    @if !shop.address.is_empty() { p { (shop.address) } }
                    ul.contact {
                        @if !shop.whatsapp_number.is_empty() {
                            li { a href=(format!("https://wa.me/{}", shop.whatsapp_number.trim_start_matches('+'))) rel="noopener" { "WhatsApp " (shop.whatsapp_number) } }
                        }
                        @if !shop.contact_email.is_empty() {
                            li { a href=(format!("mailto:{}", shop.contact_email)) { (shop.contact_email) } }
                        }
                    }
                    p {
                        a href="/account" { "Your orders" }
                        @if shop.custom_orders { " · " a href="/custom" { "Request a custom order" } }
                    }
                }
            }
        }
    }
}

/// Admin navigation: (path, label, owner only).
const NAV: &[(&str, &str, bool)] = &[
    ("/admin", "Dashboard", false),
    ("/admin/orders", "Orders", false),
    ("/admin/customers", "Customers", false),
    ("/admin/custom", "Custom orders", false),
    ("/admin/reviews", "Reviews", false),
    ("/admin/products", "Products", false),
    ("/admin/collections", "Collections", false),
    ("/admin/checkout", "Checkout", true),
    ("/admin/settings", "Settings", true),
    ("/admin/users", "Users", true),
    ("/admin/audit", "Audit log", true),
    ("/admin/jobs", "Jobs", true),
    ("/admin/outbox", "Outbox", true),
];

/// An admin page with navigation, the signed-in user and a sign-out button.
pub fn admin(ctx: &Admin, title: &str, body: Markup) -> Markup {
    let page = &ctx.page;
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title, &page.shop, html! {}))
            body.admin {
                a.skip href="#main" { "Skip to content" }
                header.admin-header {
                    a.brand href="/admin" { (page.shop.name) }
                    nav aria-label="Admin" {
                        ul {
                            @for (href, label, owner_only) in NAV {
                                @if !owner_only || ctx.is_owner() {
                                    @let current = page.path == *href || (*href != "/admin" && page.path.starts_with(href));
                                    li {
                                        a href=(href) aria-current=[current.then_some("page")] {
                                            (label)
                                            @if *href == "/admin/orders" && ctx.counts.1 > 0 {
                                                " " span.count { (ctx.counts.1) } span.visually-hidden { " active" }
                                            }
                                        }
                                    }
                                }
                            }
                            li { a href="/" { "View shop" } }
                        }
                    }
                    form.signout method="post" action="/admin/logout" {
                        (super::components::csrf(&page.csrf))
                        span.who { (ctx.user.name) " · " (ctx.user.role.as_str()) " · " a href="/admin/account/two-factor" { "Two-factor" } }
                        button.link type="submit" { "Sign out" }
                    }
                }
                main #main {
                    h1 { (title) }
                    (super::components::flash(page.flash.as_deref()))
                    (body)
                }
            }
        }
    }
}

/// A page outside the signed-in admin (setup, sign-in, invite, link errors).
pub fn bare(page: &Page, title: &str, body: Markup) -> Markup {
    bare_for_shop(&page.shop, title, page.flash.as_deref(), body)
}

pub fn bare_for_shop(shop: &ShopSettings, title: &str, flash: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            // Signing in, unsubscribing: pages for one person, never for a search engine.
            (head(title, shop, html! { meta name="robots" content="noindex"; }))
            body.bare {
                main #main.narrow {
                    p.brand { (shop.name) }
                    h1 { (title) }
                    (super::components::flash(flash))
                    (body)
                }
            }
        }
    }
}

/// A page of its own (a packing slip, a receipt): the shop's head, no navigation.
pub fn document(shop: &ShopSettings, title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            (head(title, shop, html! { meta name="robots" content="noindex"; }))
            body.document { (body) }
        }
    }
}

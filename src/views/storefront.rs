//! Storefront pages.

use maud::{Markup, html};

use crate::web::extract::Page;

pub fn home(page: &Page) -> Markup {
    let shop = &page.shop;
    super::layout::storefront(
        shop,
        "Welcome",
        html! {
            section.hero {
                h1 { (shop.name) }
                @if !shop.address.is_empty() { p.lead { (shop.address) } }
                @if !shop.whatsapp_number.is_empty() {
                    p { a.button.primary href=(format!("https://wa.me/{}", shop.whatsapp_number.trim_start_matches('+'))) rel="noopener" { "Message us on WhatsApp" } }
                }
                @if !shop.contact_email.is_empty() {
                    p { "Email: " a href=(format!("mailto:{}", shop.contact_email)) { (shop.contact_email) } }
                }
            }
        },
    )
}

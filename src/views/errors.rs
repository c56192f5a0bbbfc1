//! The error page, in the shop's own layout. Never a stack trace.

use actix_web::http::StatusCode;
use maud::{Markup, html};

use crate::domain::shop::ShopSettings;

pub fn page(shop: &ShopSettings, status: StatusCode, message: &str) -> Markup {
    let title = match status.as_u16() {
        404 => "Page not found",
        403 => "Not allowed",
        413 => "Too large",
        429 => "Please slow down",
        503 => "Busy right now",
        s if s >= 500 => "Something went wrong",
        _ => "That did not work",
    };
    super::layout::storefront(
        shop,
        title,
        html! {
            section.error-page {
                h1 { (title) }
                p { (message) }
                p { a.button href="/" { "Go to the shop" } }
            }
        },
    )
}

//! Responsive product photos: every image is stored at the same three widths.

use maud::{Markup, html};

use crate::domain::catalog::IMAGE_WIDTHS as WIDTHS;

pub fn url(id: i64, width: u32) -> String {
    format!("/img/{id}/{width}")
}

/// An `<img>` with `srcset`, lazy loading and async decoding.
pub fn responsive(id: i64, alt: &str, sizes: &str) -> Markup {
    img(id, alt, sizes, true)
}

/// An `<img>` with `srcset`; `lazy` false for the first picture a visitor sees (it is the page's main content).
pub fn img(id: i64, alt: &str, sizes: &str, lazy: bool) -> Markup {
    let srcset = WIDTHS.iter().map(|w| format!("{} {w}w", url(id, *w))).collect::<Vec<_>>().join(", ");
    html! {
        img src=(url(id, 640)) srcset=(srcset) sizes=(sizes) alt=(alt) loading=(if lazy { "lazy" } else { "eager" }) decoding="async";
    }
}

/// A card's photo: drawn in a 4:5 box (the stylesheet crops to it), so its width and height say
/// that box and the grid never jumps as photos arrive.
pub fn card(id: i64, alt: &str, sizes: &str) -> Markup {
    let srcset = WIDTHS.iter().map(|w| format!("{} {w}w", url(id, *w))).collect::<Vec<_>>().join(", ");
    html! {
        img src=(url(id, 640)) srcset=(srcset) sizes=(sizes) alt=(alt) width="400" height="500" loading="lazy" decoding="async";
    }
}

/// A product photo of known size: `width` and `height` let the browser keep its place before it
/// loads (nothing jumps); the first is fetched first (`fetchpriority="high"`), the others lazily.
pub fn photo(id: i64, alt: &str, sizes: &str, (width, height): (i64, i64), first: bool) -> Markup {
    let srcset = WIDTHS.iter().map(|w| format!("{} {w}w", url(id, *w))).collect::<Vec<_>>().join(", ");
    html! {
        img src=(url(id, 640)) srcset=(srcset) sizes=(sizes) alt=(alt) width=(width) height=(height)
            loading=(if first { "eager" } else { "lazy" }) fetchpriority=[first.then_some("high")] decoding="async";
    }
}

//! The cart page: each line with its photo, price and a quantity box, what changed, and the way to checkout.

use maud::{Markup, html};

use super::components::csrf;
use super::storefront::price;
use crate::domain::cart::Cart;
use crate::views::Page;

pub fn page(page: &Page, view: &Cart) -> Markup {
    let shop = &page.shop;
    let body = html! {
        h1 { "Your cart" }
        @if !view.notes.is_empty() {
            div.notice role="status" { ul { @for n in &view.notes { li { (n) } } } }
        }
        @if view.lines.is_empty() {
            p { "Your cart is empty." }
            p { a.button href="/" { "Browse the shop" } }
        } @else {
            form.cart method="post" action="/cart/update" {
                (csrf(&page.csrf))
                ul.cart-lines {
                    @for (offer, qty) in &view.lines {
                        li.cart-line {
                            (super::storefront::picture(offer.image_id, "", &offer.title))
                            div.what {
                                a href=(format!("/p/{}?variant={}", offer.product_slug, offer.sku)) { (offer.title) }
                                @if !offer.options.is_empty() { p.options { (offer.options) } }
                                p.unit { (price(shop, offer.price)) " each" }
                            }
                            div.qty {
                                label for=(format!("q{}", offer.variant_id)) { "Quantity" }
                                input id=(format!("q{}", offer.variant_id)) name=(format!("q{}", offer.variant_id))
                                    type="number" inputmode="numeric" min="0" max="999" value=(qty);
                                button.link type="submit" name="action" value=(format!("remove:{}", offer.variant_id)) {
                                    "Remove " span.visually-hidden { (offer.name()) }
                                }
                            }
                            p.line-total { (price(shop, offer.price * qty)) }
                        }
                    }
                }
                p { button type="submit" name="action" value="update" { "Update quantities" } }
            }
            p.subtotal { "Subtotal " strong { (price(shop, view.subtotal)) } }
            p.hint { "Delivery and any discount are worked out at checkout." }
            p { a.button.primary href="/checkout" { "Checkout" } }
        }
    };
    super::layout::storefront_with_head(page, "Your cart", html! { meta name="robots" content="noindex"; }, body)
}

//! The checkout page: the order summary, the customer's details, delivery and payment, one button.

use maud::{Markup, html};

use super::components::{Field, csrf, error_summary};
use super::storefront::price;
use crate::domain::FieldErrors;
use crate::domain::cart::Cart;
use crate::domain::checkout::{CheckoutInput, DeliveryKind, DeliveryMethod, PaymentMethod};
use crate::views::Page;

/// What the checkout page shows besides the form.
pub struct Context {
    pub cart: Cart,
    pub deliveries: Vec<DeliveryMethod>,
    pub payments: Vec<PaymentMethod>,
    /// The seller asks for an email with every order.
    pub require_email: bool,
}

fn choice_error(errors: &FieldErrors, key: &str) -> Markup {
    html! { @if let Some(e) = errors.get(key) { p.error id=(format!("f-{key}-error")) { (e) } } }
}

fn summary(page: &Page, ctx: &Context) -> Markup {
    let shop = &page.shop;
    html! {
        section.order-summary aria-labelledby="summary-h" {
            h2 #summary-h { "Your order" }
            @if !ctx.cart.notes.is_empty() {
                div.notice role="status" { ul { @for n in &ctx.cart.notes { li { (n) } } } }
            }
            ul.summary-lines {
                @for (o, q) in &ctx.cart.lines {
                    li { span { (q) " × " (o.name()) } span.amount { (price(shop, o.price * q)) } }
                }
            }
            p.subtotal { "Subtotal " strong { (price(shop, ctx.cart.subtotal)) } }
            p { a href="/cart" { "Change the cart" } }
        }
    }
}

pub fn page(page: &Page, ctx: &Context, input: &CheckoutInput, errors: &FieldErrors) -> Markup {
    let shop = &page.shop;
    let phone_hint = match shop.country_calling_code.as_str() {
        "" => "Your WhatsApp number with its country code, like +919876543210.".to_string(),
        cc => format!("Your WhatsApp number; without a country code we add +{cc}."),
    };
    let body = html! {
        h1 { "Checkout" }
        @if errors.keys().any(|k| *k != "cart" && *k != "items") { (error_summary(errors)) }
        @if let Some(e) = errors.get("cart").or(errors.get("items")) { p.error role="alert" { (e) } }
        (summary(page, ctx))
        @if ctx.cart.lines.is_empty() {
            p { a.button href="/" { "Back to the shop" } }
        } @else {
        form.checkout method="post" action="/checkout" novalidate {
            (csrf(&page.csrf))
            input type="hidden" name="key" value=(input.key);
            // People never see this field; bots fill it in.
            div.hp aria-hidden="true" {
                label for="f-website" { "Leave this empty" }
                input #f-website type="text" name="website" tabindex="-1" autocomplete="off" value="";
            }
            fieldset.card {
                legend { "Your details" }
                (Field::new("name", "Name", &input.name).autocomplete("name").required().render(errors))
                (Field::new("phone", "WhatsApp number", &input.phone).kind("tel").autocomplete("tel").hint(&phone_hint).required().render(errors))
                @if ctx.require_email {
                    (Field::new("email", "Email", &input.email).kind("email").autocomplete("email").hint("For your order confirmation and its link.").required().render(errors))
                } @else {
                    (Field::new("email", "Email (optional)", &input.email).kind("email").autocomplete("email").hint("For your order confirmation and its link.").render(errors))
                }
            }
            fieldset.card.choices aria-describedby=[errors.get("delivery").map(|_| "f-delivery-error")] {
                legend { "Delivery" }
                @for d in &ctx.deliveries {
                    @let id = format!("delivery-{}", d.code);
                    div.choice {
                        input type="radio" id=(id) name="delivery" value=(d.code) checked[input.delivery == d.code];
                        label for=(id) {
                            strong { (d.name) } " "
                            span.fee {
                                @match d.kind {
                                    DeliveryKind::Pickup => "Free",
                                    DeliveryKind::Zones => { "from " (price(shop, d.from_fee())) }
                                    DeliveryKind::Flat if d.fee == 0 => "Free",
                                    DeliveryKind::Flat => (price(shop, d.fee)),
                                }
                                @if let Some(t) = d.free_over { " · free over " (price(shop, t)) }
                            }
                            @if !d.details.is_empty() { br; small { (d.details) } }
                        }
                    }
                }
                (choice_error(errors, "delivery"))
            }
            // Asked only when some way of getting the order needs it (a pickup-only shop never asks).
            @if ctx.deliveries.iter().any(|d| d.needs_address()) {
            fieldset.card {
                legend { "Delivery address" }
                @if ctx.deliveries.iter().any(|d| !d.needs_address()) { p.hint { "Only needed when the order is delivered." } }
                (Field::new("line1", "Street address", &input.line1).autocomplete("address-line1").render(errors))
                (Field::new("line2", "Flat, floor, landmark (optional)", &input.line2).autocomplete("address-line2").render(errors))
                (Field::new("city", "City", &input.city).autocomplete("address-level2").render(errors))
                (Field::new("region", "State or region", &input.region).autocomplete("address-level1").render(errors))
                (Field::new("postal_code", "Postal code", &input.postal_code).autocomplete("postal-code").render(errors))
                (Field::new("country", "Country code (optional)", &input.country).autocomplete("country").hint("Two letters, like IN.").render(errors))
            }
            }
            fieldset.card.choices aria-describedby=[errors.get("payment").map(|_| "f-payment-error")] {
                legend { "Payment" }
                @for p in &ctx.payments {
                    @let id = format!("payment-{}", p.code);
                    div.choice {
                        input type="radio" id=(id) name="payment" value=(p.code) checked[input.payment == p.code];
                        label for=(id) { strong { (p.name) } }
                    }
                }
                (choice_error(errors, "payment"))
            }
            fieldset.card {
                legend { "Anything else" }
                (Field::new("discount_code", "Discount code (optional)", &input.discount_code).autocomplete("off").render(errors))
                (Field::new("note", "A note to the shop (optional)", &input.note).kind("textarea").render(errors))
            }
            p { button.primary.big type="submit" { "Place order" } }
            p.hint { "Prices, stock and delivery are checked again when you place the order." }
        }
        }
    };
    super::layout::storefront_with_head(page, "Checkout", html! { meta name="robots" content="noindex"; }, body)
}

//! The checkout page: the order summary, the customer's details, delivery and payment, what is to
//! pay, one button; and the same totals as JSON for the page's script.

use maud::{Markup, html};
use serde_json::json;

use super::components::{Field, csrf, error_summary};
use super::storefront::price;
use crate::domain::FieldErrors;
use crate::domain::cart::Cart;
use crate::domain::checkout::{CheckoutInput, DeliveryKind, DeliveryMethod, DeliveryQuote, PaymentMethod, Quote};
use crate::views::Page;

/// What the checkout page shows besides the form.
pub struct Context {
    pub cart: Cart,
    pub deliveries: Vec<DeliveryMethod>,
    pub payments: Vec<PaymentMethod>,
    /// The seller asks for an email with every order.
    pub require_email: bool,
    /// The price of the form as typed.
    pub quote: Quote,
}

/// The totals as shown: (label, amount) lines, the total, and a note on the delivery fee.
struct Shown {
    lines: Vec<(String, String)>,
    total: String,
    note: Option<String>,
}

fn shown(page: &Page, q: &Quote) -> Shown {
    let m = |v: i64| price(&page.shop, v);
    let mut lines = vec![("Subtotal".to_string(), m(q.subtotal))];
    if let Some((code, off)) = &q.discount {
        lines.push((format!("Discount ({code})"), format!("−{}", m(*off))));
    }
    let label = match q.delivery_name.as_str() {
        "" => "Delivery".to_string(),
        name => format!("Delivery ({name})"),
    };
    let (fee, note) = match &q.delivery {
        DeliveryQuote::NotChosen => {
            ("Choose a way".to_string(), Some("Choose how you would like to get your order.".into()))
        }
        DeliveryQuote::NeedsAddress { from } => {
            (format!("from {}", m(*from)), Some("Enter your city or postal code to see the delivery fee.".into()))
        }
        DeliveryQuote::Fee(0) => ("Free".to_string(), None),
        DeliveryQuote::Fee(fee) => (m(*fee), None),
        DeliveryQuote::Refused(message) => ("Not available".to_string(), Some(message.clone())),
    };
    lines.push((label, fee));
    let after = q.subtotal - q.discount.as_ref().map_or(0, |(_, off)| *off);
    let total = match q.total {
        Some(total) => m(total),
        None => format!("{} + delivery", m(after)),
    };
    Shown { lines, total, note }
}

/// What the customer will pay, above "Place order" (issue 11); `assets/js/checkout.js` refreshes it
/// from [`quote_json`] as the delivery, the address or the code change.
fn to_pay(page: &Page, q: &Quote) -> Markup {
    let s = shown(page, q);
    html! {
        section.card.to-pay aria-labelledby="to-pay-h" {
            h2 #to-pay-h { "To pay" }
            div #quote aria-live="polite" {
                dl.totals #quote-lines {
                    @for (label, value) in &s.lines { dt { (label) } dd { (value) } }
                }
                p.total { "Total " strong #quote-total { (s.total) } }
                p.hint #quote-note hidden[s.note.is_none()] { (s.note.unwrap_or_default()) }
            }
        }
    }
}

/// The totals of a quote as the page shows them, for the page's script (issue 11).
pub fn quote_json(page: &Page, q: &Quote) -> serde_json::Value {
    let s = shown(page, q);
    json!({
        "lines": s.lines.iter().map(|(label, value)| json!({"label": label, "value": value})).collect::<Vec<_>>(),
        "total": s.total,
        "total_minor": q.total,
        "currency": page.shop.currency,
        "note": s.note,
        "discount_error": q.discount_error,
    })
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
                // Issue 11: a refused code says why beside the field, before anything is placed.
                @let code_errors = with_code_error(errors, &ctx.quote);
                (Field::new("discount_code", "Discount code (optional)", &input.discount_code).autocomplete("off").render(&code_errors))
                // A button of this form, so it works without JavaScript: the page comes back with
                // the code checked and the totals, and nothing is placed.
                p { button.apply type="submit" name="apply" value="1" { "Apply code" } }
                (Field::new("note", "A note to the shop (optional)", &input.note).kind("textarea").render(errors))
            }
            (to_pay(page, &ctx.quote))
            p { button.primary.big.place type="submit" { "Place order" } }
            p.hint { "Prices, stock and delivery are checked again when you place the order." }
        }
        }
    };
    let head = html! {
        meta name="robots" content="noindex";
        script src=(super::assets::url("js/checkout.js")) defer {}
    };
    super::layout::storefront_with_head(page, "Checkout", head, body)
}

/// The form's errors with the quote's message for a refused code, unless placing gave one.
fn with_code_error(errors: &FieldErrors, q: &Quote) -> FieldErrors {
    let mut errors = errors.clone();
    if let Some(e) = &q.discount_error {
        errors.entry("discount_code").or_insert_with(|| e.clone());
    }
    errors
}

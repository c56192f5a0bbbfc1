//! Custom orders on the storefront: the request form and the request's page (its quote and the
//! customer's answers), opened by its magic link.

use maud::{Markup, html};

use super::components::{Field, csrf, error_summary, time};
use super::storefront::price;
use crate::domain::FieldErrors;
use crate::domain::checkout::CheckoutInput;
use crate::domain::custom::{CustomStatus, MAX_PHOTOS, NotNow, Opened, RequestInput};
use crate::domain::whatsapp;
use crate::views::Page;

fn noindex() -> Markup {
    html! { meta name="robots" content="noindex"; }
}

/// `/custom`: what the customer would like made, with reference photos.
pub fn form(page: &Page, input: &RequestInput, errors: &FieldErrors) -> Markup {
    let shop = &page.shop;
    let phone_hint = match shop.country_calling_code.as_str() {
        "" => "Your WhatsApp number with its country code, like +919876543210.".to_string(),
        cc => format!("Your WhatsApp number; without a country code we add +{cc}. The shop answers there."),
    };
    let budget_hint = format!("In {}, if you have a budget in mind.", shop.currency);
    let body = html! {
        h1 { "Request a custom order" }
        p { "Tell " (shop.name) " what you would like made. The shop answers with a quote within three days; you accept it, decline it or ask for changes, and nothing is ordered until you accept." }
        (error_summary(errors))
        form.custom method="post" action="/custom" enctype="multipart/form-data" novalidate {
            (csrf(&page.csrf))
            div.hp aria-hidden="true" {
                label for="f-website" { "Leave this empty" }
                input #f-website type="text" name="website" tabindex="-1" autocomplete="off" value="";
            }
            fieldset.card {
                legend { "What you would like" }
                (Field::new("description", "Describe it: size, colours, materials, a name to engrave…", &input.description).kind("textarea").required().render(errors))
                (Field::new("quantity", "How many", if input.quantity.is_empty() { "1" } else { &input.quantity }).inputmode("numeric").required().render(errors))
                (Field::new("budget", "Budget (optional)", &input.budget).inputmode("decimal").hint(&budget_hint).render(errors))
                @let error = errors.get("photos");
                div.field.invalid[error.is_some()] {
                    label for="f-photos" { "Reference photos (optional)" }
                    input #f-photos type="file" name="photos" multiple accept="image/jpeg,image/png,image/webp"
                        aria-describedby=(if error.is_some() { "f-photos-hint f-photos-error" } else { "f-photos-hint" })
                        aria-invalid=[error.map(|_| "true")];
                    p.hint #f-photos-hint { "Up to " (MAX_PHOTOS) " photos (JPEG, PNG or WebP) of what you have in mind. Their location data is removed." }
                    @if let Some(e) = error { p.error #f-photos-error { (e) } }
                }
            }
            fieldset.card {
                legend { "How the shop reaches you" }
                (Field::new("name", "Name", &input.name).autocomplete("name").required().render(errors))
                (Field::new("phone", "WhatsApp number", &input.phone).kind("tel").autocomplete("tel").hint(&phone_hint).required().render(errors))
                (Field::new("email", "Email (optional)", &input.email).kind("email").autocomplete("email").hint("The quote and your request's link come here too.").render(errors))
            }
            p { button.primary.big type="submit" { "Send request" } }
        }
    };
    super::layout::storefront_with_head(page, "Request a custom order", noindex(), body)
}

/// The answer forms sent back to correct.
#[derive(Debug, Clone, Default)]
pub struct AcceptEcho {
    pub input: CheckoutInput,
    pub reason: String,
    pub changes: String,
    pub errors: FieldErrors,
    /// Which form: accept, decline or changes.
    pub kind: String,
}

/// The request's page.
#[derive(Debug, Clone)]
pub struct RequestView {
    pub opened: Opened,
    pub token: String,
    pub echo: AcceptEcho,
}

fn status_line(s: CustomStatus) -> &'static str {
    match s {
        CustomStatus::Pending => "Waiting for the shop's quote",
        CustomStatus::Quoted => "Quoted: waiting for your answer",
        CustomStatus::Accepted => "Accepted: it is an order now",
        CustomStatus::Declined => "Declined",
        CustomStatus::Expired => "Expired",
    }
}

/// `/q/{code}?t=`.
pub fn page(page: &Page, v: &RequestView) -> Markup {
    let (r, shop, t) = (&v.opened.request, &page.shop, &v.token);
    let echo = &v.echo;
    let errors_for = |kind: &str| if echo.kind == kind { echo.errors.clone() } else { FieldErrors::new() };
    let ask_shop = whatsapp::link(&shop.whatsapp_number, &format!("Hello! About my custom-order request {}:", r.code));
    let body = html! {
        h1 { "Your request " (r.code) }
        p { span class=(format!("badge {}", r.status.as_str())) { (status_line(r.status)) } " · sent " (time(&r.created_at, page.zone)) }
        section.card aria-labelledby="asked-h" {
            h2 #asked-h { "What you asked for" }
            p.pre { (r.description) }
            p { "Quantity: " (r.quantity) @if let Some(b) = r.budget { " · budget " (price(shop, b)) } }
            @if !r.photos.is_empty() {
                ul.ref-photos {
                    @for (i, id) in r.photos.iter().enumerate() {
                        li { a href=(format!("/q/{}/photos/{id}/large?t={t}", r.code)) {
                            img src=(format!("/q/{}/photos/{id}/small?t={t}", r.code)) alt=(format!("Reference photo {}", i + 1)) width="160" height="160" loading="lazy";
                        } }
                    }
                }
            }
        }
        @if r.status == CustomStatus::Pending {
            section.card aria-labelledby="next-h" {
                h2 #next-h { "What happens next" }
                @if !r.reason.is_empty() { p { "You asked for changes: " strong { (r.reason) } } }
                p { "The shop sends its quote by " (time(&r.expires_at, page.zone)) ", here and on WhatsApp" @if !r.customer_email.is_empty() { " and by email" } "." }
            }
        }
        @if let Some(q) = &r.quote {
            @if matches!(r.status, CustomStatus::Quoted | CustomStatus::Accepted) {
            section.card aria-labelledby="quote-h" {
                h2 #quote-h { "The shop's quote" }
                dl.quote {
                    dt { "Price" } dd { (q.quantity) " × " (price(shop, q.unit_price)) " = " (price(shop, q.subtotal().unwrap_or(0))) }
                    dt { "Delivery" } dd { (price(shop, q.delivery_fee)) " (nothing when you collect it)" }
                    dt { "Total" } dd { strong { (price(shop, q.total().unwrap_or(0))) } }
                    dt { "Ready" } dd { (q.delivery_time) }
                    @if !q.notes.is_empty() { dt { "Notes" } dd.pre { (q.notes) } }
                    @if r.status == CustomStatus::Quoted { dt { "Stands until" } dd { (time(&r.expires_at, page.zone)) } }
                }
                @if q.no_cancel { p.notice { "Made for you: once the shop confirms the order, it cannot be cancelled." } }
            }
            }
        }
        @match &v.opened.reply {
            Ok(()) => { (answer_forms(page, v, &errors_for)) }
            Err(NotNow::QuoteExpired) => { p.notice role="status" { (NotNow::QuoteExpired.message()) } }
            Err(_) => {}
        }
        @if r.status == CustomStatus::Declined && !r.reason.is_empty() {
            p { "Declined: " (r.reason) }
        }
        @if let Some(order) = &r.order_code {
            section.card aria-labelledby="order-h" {
                h2 #order-h { "Your order " (order) }
                p { "The order's own page came with its link" @if !r.customer_email.is_empty() { ", also sent by email" } ". "
                    a href="/o/lost" { "Lost it? Get a new link." } }
            }
        }
        @if v.opened.ask_again {
            form method="post" action=(format!("/q/{}/again", r.code)) {
                (csrf(&page.csrf))
                input type="hidden" name="t" value=(t);
                p { button.primary type="submit" { "Ask the shop again" } }
                p.hint { "A new request with the same description and photos." }
            }
        }
        @if let Some(href) = ask_shop { p { a.button.whatsapp href=(href) rel="noopener" { "Message the shop on WhatsApp" } } }
        section aria-labelledby="history-h" {
            h2 #history-h { "History" }
            ol.timeline {
                @for e in &v.opened.events {
                    li { (time(&e.at, page.zone)) " · " (e.note) }
                }
            }
        }
    };
    super::layout::storefront_with_head(page, &format!("Request {}", r.code), noindex(), body)
}

fn answer_forms(page: &Page, v: &RequestView, errors_for: &dyn Fn(&str) -> FieldErrors) -> Markup {
    let (r, shop, t, echo) = (&v.opened.request, &page.shop, &v.token, &v.echo);
    let errors = errors_for("accept");
    let input = &echo.input;
    let name = if input.name.is_empty() { r.customer_name.as_str() } else { input.name.as_str() };
    let deliveries = &v.opened.deliveries;
    let quoted_at = r.quoted_at.as_deref().unwrap_or("");
    html! {
        section.card aria-labelledby="accept-h" {
            h2 #accept-h { "Accept the quote" }
            (error_summary(&errors))
            form method="post" action=(format!("/q/{}/accept", r.code)) novalidate {
                (csrf(&page.csrf))
                input type="hidden" name="t" value=(t);
                input type="hidden" name="quoted_at" value=(quoted_at);
                (Field::new("name", "Name", name).autocomplete("name").required().render(&errors))
                fieldset.choices aria-describedby=[errors.get("delivery").map(|_| "f-delivery-error")] {
                    legend { "How you get it" }
                    @for d in deliveries {
                        @let id = format!("delivery-{}", d.code);
                        div.choice {
                            input type="radio" id=(id) name="delivery" value=(d.code) checked[input.delivery == d.code || deliveries.len() == 1];
                            label for=(id) { strong { (d.name) } @if !d.details.is_empty() { br; small { (d.details) } } }
                        }
                    }
                    @if let Some(e) = errors.get("delivery") { p.error #f-delivery-error { (e) } }
                }
                @if deliveries.iter().any(|d| d.needs_address()) {
                    fieldset {
                        legend { "Delivery address" }
                        (Field::new("line1", "Street address", &input.line1).autocomplete("address-line1").render(&errors))
                        (Field::new("line2", "Flat, floor, landmark (optional)", &input.line2).autocomplete("address-line2").render(&errors))
                        (Field::new("city", "City", &input.city).autocomplete("address-level2").render(&errors))
                        (Field::new("region", "State or region", &input.region).autocomplete("address-level1").render(&errors))
                        (Field::new("postal_code", "Postal code", &input.postal_code).autocomplete("postal-code").render(&errors))
                    }
                }
                fieldset.choices aria-describedby=[errors.get("payment").map(|_| "f-payment-error")] {
                    legend { "How you pay" }
                    @for p in &v.opened.payments {
                        @let id = format!("payment-{}", p.code);
                        div.choice {
                            input type="radio" id=(id) name="payment" value=(p.code) checked[input.payment == p.code || v.opened.payments.len() == 1];
                            label for=(id) { strong { (p.name) } }
                        }
                    }
                    @if let Some(e) = errors.get("payment") { p.error #f-payment-error { (e) } }
                }
                (Field::new("note", "A note to the shop (optional)", &input.note).kind("textarea").render(&errors))
                @if let Some(q) = &r.quote {
                    p.total { "To pay: " strong { (price(shop, q.total().unwrap_or(0))) } " (" (price(shop, q.subtotal().unwrap_or(0))) " when you collect it)" }
                }
                p { button.primary.big type="submit" { "Accept and place the order" } }
            }
        }
        section.card aria-labelledby="changes-h" {
            h2 #changes-h { "Ask for changes" }
            @let errors = errors_for("changes");
            form method="post" action=(format!("/q/{}/changes", r.code)) novalidate {
                (csrf(&page.csrf))
                input type="hidden" name="t" value=(t);
                input type="hidden" name="quoted_at" value=(quoted_at);
                (Field::new("changes", "What should change?", &echo.changes).kind("textarea").required().render(&errors))
                p { button type="submit" { "Send my changes" } }
            }
        }
        section.card aria-labelledby="decline-h" {
            h2 #decline-h { "Decline the quote" }
            @let errors = errors_for("decline");
            form method="post" action=(format!("/q/{}/decline", r.code)) novalidate {
                (csrf(&page.csrf))
                input type="hidden" name="t" value=(t);
                input type="hidden" name="quoted_at" value=(quoted_at);
                (Field::new("reason", "Why, if you like (optional)", &echo.reason).kind("textarea").render(&errors))
                p { button type="submit" { "Decline" } }
            }
        }
    }
}

/// The one answer for a link that opens nothing.
pub fn invalid_link(page: &Page, code: &str) -> Markup {
    let clean: String = code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(30).collect();
    let ask = whatsapp::link(
        &page.shop.whatsapp_number,
        &format!("Hello! The link to my custom-order request {clean} does not work. Could you send me a new one?"),
    );
    let body = html! {
        h1 { "This link is not valid" }
        p { "The link may be mistyped, or expired." }
        @if let Some(href) = ask {
            p { a.button.primary href=(href) rel="noopener" { "Ask the shop for a new link" } }
        } @else if !page.shop.contact_email.is_empty() {
            p { a.button.primary href=(format!("mailto:{}", page.shop.contact_email)) { "Ask the shop for a new link" } }
        }
        p { a.button href="/" { "Back to the shop" } }
    };
    super::layout::storefront_with_head(page, "Link not valid", noindex(), body)
}

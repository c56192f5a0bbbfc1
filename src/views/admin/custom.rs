//! `/admin/custom`: custom-order requests waiting for a quote or for the customer, and one
//! request with its photos, its history, the quote form and the decline form.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::custom::{CustomEvent, CustomRequest, CustomStatus, QUOTE_DAYS, QuoteInput, may_quote};
use crate::domain::money;
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary, time};
use crate::views::layout::admin;

fn amount(ctx: &Admin, minor: i64) -> String {
    let shop = &ctx.page.shop;
    money::format(minor, &shop.currency, shop.currency_minor_units)
}

fn excerpt(s: &str) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let short: String = flat.chars().take(120).collect();
    if flat.chars().count() > 120 { format!("{short}…") } else { short }
}

/// The queue: tabs by status, oldest waiting first.
pub fn queue(
    ctx: &Admin,
    list: &[CustomRequest],
    counts: &[(CustomStatus, i64)],
    current: Option<CustomStatus>,
) -> Markup {
    let count = |s: CustomStatus| counts.iter().find(|(c, _)| *c == s).map_or(0, |(_, n)| *n);
    html! {
        (admin(ctx, "Custom orders", html! {
            nav.tabs aria-label="Custom orders" {
                @for s in CustomStatus::ALL {
                    a href=(format!("/admin/custom?status={}", s.as_str())) aria-current=[(current == Some(s)).then_some("page")] {
                        (s.label()) " " span.count { (count(s)) }
                    }
                }
                a href="/admin/custom?status=all" aria-current=[current.is_none().then_some("page")] { "All" }
            }
            @if !ctx.page.shop.custom_orders {
                p.notice { "The storefront does not take requests now. Switch them on in " a href="/admin/settings" { "Settings" } "." }
            }
            @if list.is_empty() {
                p { "Nothing here. Customers send requests from " a href="/custom" { "/custom" } "; each waits here for your quote." }
            } @else {
                ul.requests {
                    @for r in list {
                        li.request {
                            h2 { a href=(format!("/admin/custom/{}", r.code)) { (r.code) } " · " (r.customer_name)
                                " · " span class=(format!("badge {}", r.status.as_str())) { (r.status.label()) } }
                            p { (excerpt(&r.description)) }
                            p.hint {
                                "Quantity " (r.quantity)
                                @if let Some(b) = r.budget { " · budget " (amount(ctx, b)) }
                                @if !r.photos.is_empty() { " · " (r.photos.len()) " photo(s)" }
                                " · sent " (time(&r.created_at, ctx.page.zone))
                                @if r.status.is_open() { " · expires " (time(&r.expires_at, ctx.page.zone)) }
                            }
                        }
                    }
                }
            }
        }))
    }
}

/// The forms sent back to correct.
#[derive(Debug, Clone, Default)]
pub struct Echo {
    pub quote: Option<QuoteInput>,
    pub reason: String,
    pub errors: FieldErrors,
    /// The form the errors are for: "quote" or "decline".
    pub which: &'static str,
}

fn quote_input(ctx: &Admin, r: &CustomRequest) -> QuoteInput {
    let minor = ctx.page.shop.currency_minor_units;
    match &r.quote {
        Some(q) => QuoteInput {
            unit_price: money::decimal(q.unit_price, minor),
            quantity: q.quantity.to_string(),
            delivery_fee: money::decimal(q.delivery_fee, minor),
            delivery_time: q.delivery_time.clone(),
            notes: q.notes.clone(),
            valid_days: QUOTE_DAYS.to_string(),
            no_cancel: q.no_cancel.then(|| "on".into()),
            send: String::new(),
        },
        None => {
            QuoteInput { quantity: r.quantity.to_string(), valid_days: QUOTE_DAYS.to_string(), ..Default::default() }
        }
    }
}

/// One request.
pub fn detail(ctx: &Admin, r: &CustomRequest, events: &[CustomEvent], echo: &Echo) -> Markup {
    let zone = ctx.page.zone;
    let input = echo.quote.clone().unwrap_or_else(|| quote_input(ctx, r));
    let none = FieldErrors::new();
    let errors = if echo.which == "quote" { &echo.errors } else { &none };
    let decline_errors = if echo.which == "decline" { &echo.errors } else { &none };
    let currency = &ctx.page.shop.currency;
    html! {
        (admin(ctx, &format!("Custom request {}", r.code), html! {
            p { a href="/admin/custom" { "← Custom orders" } }
            p { span class=(format!("badge {}", r.status.as_str())) { (r.status.label()) } " · sent " (time(&r.created_at, zone))
                @if r.status.is_open() { " · expires " (time(&r.expires_at, zone)) } }
            @if let Some(order) = &r.order_code {
                p.notice { "Accepted: " a href=(format!("/admin/orders/{order}")) { "order " (order) } "." }
            }
            section.card aria-labelledby="who-h" {
                h2 #who-h { "Customer" }
                @if r.erased { p { "Personal data erased." } } @else {
                    p { (r.customer_name) " · " (r.customer_phone) @if !r.customer_email.is_empty() { " · " (r.customer_email) } }
                    form method="post" action=(format!("/admin/custom/{}/whatsapp", r.code)) {
                        (csrf(&ctx.page.csrf))
                        button.whatsapp type="submit" {
                            @if r.status == CustomStatus::Quoted { "Send the quote on WhatsApp" } @else { "Message on WhatsApp" }
                        }
                    }
                }
            }
            section.card aria-labelledby="what-h" {
                h2 #what-h { "What they asked for" }
                p.pre { (r.description) }
                p { "Quantity " (r.quantity) @if let Some(b) = r.budget { " · budget " (amount(ctx, b)) } }
                @if r.status == CustomStatus::Pending && !r.reason.is_empty() { p { "Changes asked: " strong { (r.reason) } } }
                @if !r.photos.is_empty() {
                    ul.ref-photos {
                        @for (i, id) in r.photos.iter().enumerate() {
                            li { a href=(format!("/admin/custom/{}/photos/{id}/large", r.code)) {
                                img src=(format!("/admin/custom/{}/photos/{id}/small", r.code)) alt=(format!("Reference photo {}", i + 1)) width="160" height="160" loading="lazy";
                            } }
                        }
                    }
                }
            }
            @if may_quote(r.status) && !r.erased {
                section.card aria-labelledby="quote-h" {
                    h2 #quote-h { @if r.quote.is_some() { "Send a new quote" } @else { "Send a quote" } }
                    (error_summary(errors))
                    form method="post" action=(format!("/admin/custom/{}/quote", r.code)) novalidate {
                        (csrf(&ctx.page.csrf))
                        (Field::new("unit_price", &format!("Price of one ({currency})"), &input.unit_price).inputmode("decimal").required().render(errors))
                        (Field::new("quantity", "Quantity", &input.quantity).inputmode("numeric").required().render(errors))
                        (Field::new("delivery_fee", &format!("Delivery fee ({currency})"), &input.delivery_fee).inputmode("decimal").hint("Not charged when the customer collects it.").render(errors))
                        (Field::new("delivery_time", "Delivery time", &input.delivery_time).hint("Like “ready in 10 days”.").required().render(errors))
                        (Field::new("notes", "Notes (optional)", &input.notes).kind("textarea").render(errors))
                        (Field::new("valid_days", "The quote stands for (days)", &input.valid_days).inputmode("numeric").render(errors))
                        div.field.check {
                            input #f-no-cancel type="checkbox" name="no_cancel" value="on" checked[input.no_cancel.is_some()];
                            label for="f-no-cancel" { "Made to order: once confirmed, it cannot be cancelled" }
                        }
                        p {
                            button.primary type="submit" name="send" value="whatsapp" { "Send quote and open WhatsApp" }
                            " "
                            button type="submit" name="send" value="save" { @if r.customer_email.is_empty() { "Save quote only" } @else { "Send quote by email only" } }
                        }
                    }
                }
                section.card aria-labelledby="decline-h" {
                    h2 #decline-h { "Decline the request" }
                    (error_summary(decline_errors))
                    form method="post" action=(format!("/admin/custom/{}/decline", r.code)) novalidate {
                        (csrf(&ctx.page.csrf))
                        (Field::new("reason", "Why (the customer reads it)", &echo.reason).kind("textarea").required().render(decline_errors))
                        button type="submit" { "Decline" }
                    }
                }
            }
            section aria-labelledby="history-h" {
                h2 #history-h { "History" }
                ol.timeline {
                    @for e in events { li { (time(&e.at, zone)) " · " (e.note) " · " (e.actor) } }
                }
            }
            @if ctx.is_owner() && !r.erased {
                section.card aria-labelledby="erase-h" {
                    h2 #erase-h { "Erase personal data" }
                    p { "On the customer's request: their name, number, email, the description, notes and photos go; an open request is closed. Amounts stay. Customers who ordered are erased from their customer page, with their requests." }
                    form method="post" action=(format!("/admin/custom/{}/erase", r.code)) {
                        (csrf(&ctx.page.csrf))
                        button.danger type="submit" { "Erase this request's personal data" }
                    }
                }
            }
        }))
    }
}

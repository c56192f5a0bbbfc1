//! The manual order form: an order taken on the phone, in a chat or in the shop. One form that
//! posts back to itself for each step (search, add, remove, find the customer), so it works
//! without JavaScript and keeps everything typed.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::checkout::{DeliveryMethod, PaymentMethod};
use crate::domain::money;
use crate::domain::order_lists::{ManualInput, VariantHit, manual_channels};
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary};
use crate::views::layout::admin;

/// What the form shows besides what was typed.
pub struct NewOrder {
    pub input: ManualInput,
    /// The lines' variants, in the order added.
    pub lines: Vec<VariantHit>,
    /// Search results (empty before a search).
    pub found: Vec<VariantHit>,
    pub searched: bool,
    pub deliveries: Vec<DeliveryMethod>,
    pub payments: Vec<PaymentMethod>,
    pub errors: FieldErrors,
    /// A refusal in one sentence (sold out, short stock) or what a step did ("Found 3 earlier orders").
    pub message: Option<String>,
}

fn items(ctx: &Admin, n: &NewOrder) -> Markup {
    let m = |v: i64| money::format(v, &ctx.page.shop.currency, ctx.page.shop.currency_minor_units);
    html! {
        section.card aria-labelledby="items-h" {
            h2 #items-h { "Items" }
            div.field {
                label for="f-q" { "Find a product by name or SKU" }
                div.search {
                    input #f-q type="search" name="q" value=(n.input.q) autocomplete="off";
                    button type="submit" name="op" value="search" { "Search" }
                }
            }
            @if n.searched && n.found.is_empty() { p { "Nothing on sale matches." } }
            @if !n.found.is_empty() {
                ul.plain.found {
                    @for v in &n.found {
                        li {
                            (v.title) @if !v.options.is_empty() { " (" (v.options) ")" } " · " (m(v.price))
                            " · " @match v.available { Some(0) => span.badge.sold-out { "Sold out" }, Some(a) => { (a) " in stock" }, None => "made to order" }
                            " " button type="submit" name="op" value=(format!("add:{}", v.sku)) { "Add " span.visually-hidden { (v.sku) } }
                            br; small { "SKU " (v.sku) }
                        }
                    }
                }
            }
            @if let Some(e) = n.errors.get("items") { p.error role="alert" { (e) } }
            @if n.lines.is_empty() { p.hint { "No items yet." } }
            @for v in &n.lines {
                @let qty = n.input.lines.iter().find(|(s, _)| s == &v.sku).map_or("1", |(_, q)| q.as_str());
                @let id = format!("f-qty-{}", v.sku);
                div.field.line {
                    label for=(id) { (v.title) @if !v.options.is_empty() { " (" (v.options) ")" } " · " (m(v.price)) }
                    input id=(id) type="number" name=(format!("qty:{}", v.sku)) value=(qty) min="1" inputmode="numeric";
                    button.link type="submit" name="op" value=(format!("remove:{}", v.sku)) { "Remove " span.visually-hidden { (v.sku) } }
                }
            }
        }
    }
}

fn customer(n: &NewOrder) -> Markup {
    let c = &n.input.customer;
    let e = &n.errors;
    html! {
        section.card aria-labelledby="customer-h" {
            h2 #customer-h { "Customer" }
            (Field::new("phone", "WhatsApp number", &c.phone).kind("tel").required().hint("A local number gets the shop's country code.").render(e))
            button type="submit" name="op" value="lookup" { "Find earlier orders from this number" }
            (Field::new("name", "Name", &c.name).required().render(e))
            (Field::new("email", "Email (optional)", &c.email).kind("email").render(e))
            (Field::new("line1", "Address", &c.line1).render(e))
            (Field::new("line2", "Address line 2", &c.line2).render(e))
            div.row {
                (Field::new("city", "City", &c.city).render(e))
                (Field::new("region", "State or region", &c.region).render(e))
                (Field::new("postal_code", "Postal code", &c.postal_code).render(e))
            }
            (Field::new("country", "Country", &c.country).render(e))
        }
    }
}

fn select(name: &'static str, label: &str, value: &str, options: &[(String, String)], errors: &FieldErrors) -> Markup {
    let id = format!("f-{name}");
    html! {
        div.field.invalid[errors.contains_key(name)] {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                @for (v, text) in options { option value=(v) selected[v == value] { (text) } }
            }
            @if let Some(e) = errors.get(name) { p.error { (e) } }
        }
    }
}

fn how(n: &NewOrder) -> Markup {
    let c = &n.input.customer;
    let deliveries: Vec<(String, String)> = n.deliveries.iter().map(|d| (d.code.clone(), d.name.clone())).collect();
    let payments: Vec<(String, String)> = n.payments.iter().map(|p| (p.code.clone(), p.name.clone())).collect();
    let channels: Vec<(String, String)> = manual_channels().map(|c| (c.to_string(), c.replace('_', " "))).collect();
    html! {
        section.card aria-labelledby="how-h" {
            h2 #how-h { "Delivery, payment and channel" }
            (select("delivery", "Delivery", &c.delivery, &deliveries, &n.errors))
            (select("payment", "Payment", &c.payment, &payments, &n.errors))
            (select("channel", "The order came by", &n.input.channel, &channels, &n.errors))
            (Field::new("note", "Customer's note", &c.note).kind("textarea").render(&n.errors))
            fieldset.inline {
                legend { "Start it as" }
                span.choice-pair {
                    input #f-start-pending type="radio" name="confirm" value="0" checked[!n.input.confirm];
                    label for="f-start-pending" { "Pending" }
                }
                span.choice-pair {
                    input #f-start-confirmed type="radio" name="confirm" value="1" checked[n.input.confirm];
                    label for="f-start-confirmed" { "Confirmed (takes the stock now)" }
                }
            }
        }
    }
}

pub fn page(ctx: &Admin, n: &NewOrder) -> Markup {
    admin(
        ctx,
        "New order",
        html! {
            p.hint { "For an order taken on the phone, in a chat or in the shop. Once placed, send the customer their order link from the order's page." }
            @if let Some(m) = &n.message { p.notice role="status" { (m) } }
            (error_summary(&n.errors))
            form.new-order method="post" action="/admin/orders/new" {
                (csrf(&ctx.page.csrf))
                (items(ctx, n))
                (customer(n))
                (how(n))
                button.primary.big type="submit" name="op" value="place" { "Place order" }
            }
        },
    )
}

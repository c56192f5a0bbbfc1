//! The order page's edit forms: what may change depends on the order's status (domain::order_edit).

use maud::{Markup, html};

use super::order::{Echo, OrderDesk};
use crate::domain::money;
use crate::domain::order_edit::{self as rules, CustomerInput};
use crate::views::Admin;
use crate::views::components::{Field, csrf};

fn lines(ctx: &Admin, d: &OrderDesk, echo: &Echo) -> Markup {
    let o = &d.order;
    html! {
        form method="post" action=(format!("/admin/orders/{}/lines", o.code)) {
            (csrf(&ctx.page.csrf))
            fieldset {
                legend { "Items" }
                @if let Some(e) = echo.errors.get("lines") { p.error { (e) } }
                @for l in &d.lines {
                    @let id = format!("f-edit-qty-{}", l.id);
                    div.field {
                        label for=(id) { (l.title) @if !l.options.is_empty() { " (" (l.options) ")" } " · SKU " (l.sku) }
                        input id=(id) name=(format!("qty:{}", l.id)) value=(l.quantity) inputmode="numeric" aria-describedby="f-edit-qty-hint";
                    }
                }
                p.hint #f-edit-qty-hint { "0 removes the item. Kept items keep their price." }
                div.row {
                    (Field::new("add_sku", "Add an item by SKU", "").scope("edit").render(&echo.errors))
                    (Field::new("add_qty", "Quantity", "1").scope("edit").inputmode("numeric").render(&echo.errors))
                }
            }
            button type="submit" { "Save items" }
        }
    }
}

fn charges(ctx: &Admin, d: &OrderDesk, echo: &Echo) -> Markup {
    let o = &d.order;
    let minor = ctx.page.shop.currency_minor_units;
    let fee = if echo.charges.delivery_fee.is_empty() {
        money::decimal(o.delivery_fee, minor)
    } else {
        echo.charges.delivery_fee.clone()
    };
    let discount = if echo.charges.discount.is_empty() {
        money::decimal(o.discount, minor)
    } else {
        echo.charges.discount.clone()
    };
    html! {
        form method="post" action=(format!("/admin/orders/{}/charges", o.code)) {
            (csrf(&ctx.page.csrf))
            div.row {
                (Field::new("delivery_fee", "Delivery fee", &fee).inputmode("decimal").render(&echo.errors))
                (Field::new("discount", "Discount", &discount).inputmode("decimal").render(&echo.errors))
            }
            button type="submit" { "Save charges" }
        }
    }
}

fn customer(ctx: &Admin, d: &OrderDesk, echo: &Echo, whole: bool) -> Markup {
    let o = &d.order;
    let a = &o.address;
    let c = echo.customer.clone().unwrap_or_else(|| CustomerInput {
        name: o.customer_name.clone(),
        phone: o.customer_phone.clone(),
        email: o.customer_email.clone(),
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        region: a.region.clone(),
        postal_code: a.postal_code.clone(),
        country: a.country.clone(),
    });
    let e = &echo.errors;
    html! {
        form method="post" action=(format!("/admin/orders/{}/customer", o.code)) {
            (csrf(&ctx.page.csrf))
            @if whole {
                (Field::new("name", "Name", &c.name).scope("edit").render(e))
                (Field::new("phone", "WhatsApp number", &c.phone).scope("edit").kind("tel").render(e))
                (Field::new("email", "Email", &c.email).scope("edit").kind("email").render(e))
            }
            (Field::new("line1", "Address", &c.line1).scope("edit").render(e))
            (Field::new("line2", "Address line 2", &c.line2).scope("edit").render(e))
            div.row {
                (Field::new("city", "City", &c.city).scope("edit").render(e))
                (Field::new("region", "State or region", &c.region).scope("edit").render(e))
                (Field::new("postal_code", "Postal code", &c.postal_code).scope("edit").render(e))
            }
            (Field::new("country", "Country", &c.country).scope("edit").render(e))
            button type="submit" { @if whole { "Save customer" } @else { "Save address" } }
        }
    }
}

fn shipping(ctx: &Admin, d: &OrderDesk, echo: &Echo) -> Markup {
    let o = &d.order;
    html! {
        form method="post" action=(format!("/admin/orders/{}/shipping", o.code)) {
            (csrf(&ctx.page.csrf))
            div.row {
                (Field::new("courier", "Courier", &o.courier).scope("edit").render(&echo.errors))
                (Field::new("tracking_number", "Tracking number", &o.tracking_number).scope("edit").render(&echo.errors))
            }
            button type="submit" { "Save shipping" }
        }
    }
}

/// The edit section, or nothing when the order can no longer change.
pub fn section(ctx: &Admin, d: &OrderDesk, echo: &Echo) -> Markup {
    let s = d.order.status;
    let whole = rules::lines_editable(s);
    let open = echo.errors.keys().any(|k| {
        ["lines", "add_sku", "add_qty", "delivery_fee", "discount", "name", "phone", "email", "line1", "city"]
            .contains(k)
    });
    html! {
        @if rules::address_editable(s) || rules::shipping_editable(s) {
            section.card aria-labelledby="edit-h" {
                h2 #edit-h { "Edit" }
                details open[open] {
                    summary { @if whole { "Items, charges and customer" } @else { "Address and shipping" } }
                    @if whole { (lines(ctx, d, echo)) (charges(ctx, d, echo)) }
                    @if rules::address_editable(s) { (customer(ctx, d, echo, whole)) }
                    @if rules::shipping_editable(s) { (shipping(ctx, d, echo)) }
                    @if !whole { p.hint { "Items and charges are fixed once an order is confirmed." } }
                }
            }
        }
    }
}

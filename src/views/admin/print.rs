//! Printable documents of an order: the packing slip (what goes in the parcel, no prices) and the
//! receipt (prices, totals and what was paid). Plain black on white, the shop's logo, and the order
//! code as a QR code for a phone to scan at the packing table.

use maud::{Markup, PreEscaped, html};

use super::order::OrderDesk;
use crate::domain::money;
use crate::domain::payments::Kind;
use crate::domain::shop::ShopSettings;
use crate::domain::zone::Zone;

/// The order code as an inline SVG QR code.
fn code_qr(code: &str) -> Markup {
    let svg = qrcode::QrCode::new(code.as_bytes())
        .ok()
        .map(|c| c.render::<qrcode::render::svg::Color>().min_dimensions(110, 110).build())
        .and_then(|svg| svg.find("<svg").map(|at| svg[at..].to_string()));
    html! { @if let Some(svg) = svg { div.qr role="img" aria-label=(format!("QR code of {code}")) { (PreEscaped(svg)) } } }
}

fn letterhead(shop: &ShopSettings, title: &str, d: &OrderDesk, zone: Zone) -> Markup {
    let o = &d.order;
    html! {
        header {
            div {
                @if let Some(logo) = shop.logo_url() { img.logo src=(logo) alt=(shop.name) width=(shop.logo_width_at(60)) height="60"; } @else { p.brand { (shop.name) } }
                @if !shop.address.is_empty() { p { (shop.address) } }
                p { @if !shop.whatsapp_number.is_empty() { "WhatsApp " (shop.whatsapp_number) " " } (shop.contact_email) }
            }
            div {
                h1 { (title) " " (o.code) }
                p { "Placed " (crate::domain::time::parse_ts(&o.created_at).map(|t| zone.format(t)).unwrap_or_default()) }
            }
            (code_qr(&o.code))
        }
    }
}

fn ship_to(d: &OrderDesk) -> Markup {
    let o = &d.order;
    let a = &o.address;
    html! {
        section {
            h2 { "Ship to" }
            p {
                strong { (o.customer_name) } br;
                @for part in [&a.line1, &a.line2].into_iter().filter(|s| !s.is_empty()) { (part) br; }
                @for part in [&a.city, &a.region, &a.postal_code, &a.country].into_iter().filter(|s| !s.is_empty()) { (part) " " }
                br; (o.customer_phone)
            }
            p { (o.delivery_name) @if !o.courier.is_empty() { " · " (o.courier) " " (o.tracking_number) } }
        }
    }
}

/// The packing slip: what goes into the parcel, with a box to tick per line.
pub fn packing_slip(shop: &ShopSettings, d: &OrderDesk, zone: Zone) -> Markup {
    let units: i64 = d.lines.iter().map(|l| l.quantity).sum();
    document(
        shop,
        "Packing slip",
        &d.order.code,
        html! {
            (letterhead(shop, "Packing slip", d, zone))
            (ship_to(d))
            table {
                thead { tr { th scope="col" { "Packed" } th scope="col" { "Item" } th scope="col" { "SKU" } th scope="col" { "Qty" } } }
                tbody {
                    @for l in &d.lines {
                        tr { td { span.tick {} } td { (l.title) @if !l.options.is_empty() { " (" (l.options) ")" } } td { (l.sku) } td { (l.quantity) } }
                    }
                }
            }
            p { strong { (units) " item" @if units != 1 { "s" } } }
            @if !d.order.note.is_empty() { p { "Customer's note: " (d.order.note) } }
        },
    )
}

/// The receipt: what was bought at what price, and what was paid.
pub fn receipt(shop: &ShopSettings, d: &OrderDesk, zone: Zone) -> Markup {
    let o = &d.order;
    let m = |v: i64| money::format(v, &o.currency, shop.currency_minor_units);
    document(
        shop,
        "Receipt",
        &o.code,
        html! {
            (letterhead(shop, "Receipt", d, zone))
            (ship_to(d))
            table {
                thead { tr { th scope="col" { "Item" } th scope="col" { "Qty" } th scope="col" { "Price" } th scope="col" { "Amount" } } }
                tbody {
                    @for l in &d.lines {
                        tr { td { (l.title) @if !l.options.is_empty() { " (" (l.options) ")" } br; small { (l.sku) } } td { (l.quantity) } td.amount { (m(l.unit_price)) } td.amount { (m(l.line_total)) } }
                    }
                }
            }
            dl.totals {
                dt { "Subtotal" } dd { (m(o.subtotal)) }
                @if o.discount > 0 { dt { "Discount" } dd { "−" (m(o.discount)) } }
                dt { "Delivery" } dd { (m(o.delivery_fee)) }
                dt { strong { "Total" } } dd { strong { (m(o.total)) } }
                @for p in &d.payments {
                    dt { @if p.kind == Kind::Refund { "Refunded" } @else { "Paid" } " (" (p.method) ") " (crate::domain::time::parse_ts(&p.at).map(|t| zone.date(t).to_string()).unwrap_or_default()) }
                    dd { @if p.kind == Kind::Refund { "−" } (m(p.amount)) }
                }
                dt { strong { "Balance due" } } dd { strong { (m((o.total - o.paid).max(0))) } }
            }
            p { "Payment: " (o.payment_name) " · " (o.payment_status.label()) }
        },
    )
}

fn document(shop: &ShopSettings, title: &str, code: &str, body: Markup) -> Markup {
    crate::views::layout::document(
        shop,
        &format!("{title} {code}"),
        html! {
            nav.no-print aria-label="Printing" {
                a href=(format!("/admin/orders/{code}")) { "Back to the order" }
                " · "
                button.primary type="button" data-print hidden { "Print" }
                span.hint { " Use your browser's Print to print or save as PDF." }
            }
            main #main.print-doc { (body) }
            script src=(crate::views::assets::url("js/print.js")) defer {}
        },
    )
}

//! The checkout page of the admin: how orders start, delivery and payment methods, discount codes.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::checkout::{CheckoutSettings, DeliveryMethod, Discount, PaymentMethod};
use crate::domain::checkout_admin::{DeliveryForm, DiscountForm, PaymentForm, SettingsForm};
use crate::domain::money;
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary, time};
use crate::views::layout::admin;

pub struct Data {
    pub settings: CheckoutSettings,
    pub deliveries: Vec<(DeliveryMethod, bool)>,
    pub payments: Vec<(PaymentMethod, bool)>,
    pub discounts: Vec<(Discount, i64)>,
}

/// The form that failed, with what was typed and its messages.
pub enum Failed {
    None,
    Settings(SettingsForm, FieldErrors),
    Delivery(Option<i64>, DeliveryForm, FieldErrors),
    Payment(Option<i64>, PaymentForm, FieldErrors),
    Discount(DiscountForm, FieldErrors),
}

fn select(name: &'static str, label: &str, value: &str, options: &[(&str, &str)], id: &str) -> Markup {
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                @for (v, l) in options { option value=(v) selected[*v == value] { (l) } }
            }
        }
    }
}

fn check(name: &'static str, label: &str, on: bool, id: &str) -> Markup {
    html! { div.field.check { input type="checkbox" id=(id) name=(name) value="1" checked[on]; label for=(id) { (label) } } }
}

fn delivery_form(ctx: &Admin, id: Option<i64>, f: &DeliveryForm, errors: &FieldErrors) -> Markup {
    let action = id.map_or("/admin/checkout/delivery".to_string(), |i| format!("/admin/checkout/delivery/{i}"));
    let key = id.map_or("new".to_string(), |i| i.to_string());
    let scope = format!("d{key}");
    html! {
        form.method-form method="post" action=(action) novalidate {
            (csrf(&ctx.page.csrf))
            (error_summary(errors))
            div.row {
                (Field::new("name", "Name", &f.name).scope(&scope).required().render(errors))
                (Field::new("code", "Code", &f.code).scope(&scope).hint("For integrations, like standard.").required().render(errors))
            }
            (select("kind", "Kind", &f.kind, &[("pickup", "Pickup (no address, no fee)"), ("flat", "One fee"), ("zones", "Fee by zone")], &format!("kind-{key}")))
            div.row {
                (Field::new("fee", "Fee", &f.fee).scope(&scope).hint("For one fee.").render(errors))
                (Field::new("free_over", "Free over", &f.free_over).scope(&scope).hint("Subtotal for free delivery; empty: never.").render(errors))
            }
            (Field::new("zones", "Zones", &f.zones).scope(&scope).kind("textarea").hint("One a line: Name: city, region or postal-code start, … = fee, like Mumbai: Mumbai, Thane, 400 = 49. The first line that names an address sets its fee. A last line with * as its places, like Everywhere else: * = 99, is for every address no other line names; without it, those addresses cannot choose this way.").render(errors))
            (Field::new("details", "Details for customers", &f.details).scope(&scope).kind("textarea").render(errors))
            (check("active", "Offer it at checkout", f.active.is_some(), &format!("active-d-{key}")))
            button type="submit" { @if id.is_some() { "Save " (f.name) } @else { "Add delivery method" } }
        }
    }
}

fn payment_form(ctx: &Admin, id: Option<i64>, f: &PaymentForm, errors: &FieldErrors) -> Markup {
    let action = id.map_or("/admin/checkout/payment".to_string(), |i| format!("/admin/checkout/payment/{i}"));
    let key = id.map_or("new".to_string(), |i| i.to_string());
    let scope = format!("p{key}");
    html! {
        form.method-form method="post" action=(action) novalidate {
            (csrf(&ctx.page.csrf))
            (error_summary(errors))
            div.row {
                (Field::new("name", "Name", &f.name).scope(&scope).required().render(errors))
                (Field::new("code", "Code", &f.code).scope(&scope).hint("For integrations, like upi.").required().render(errors))
            }
            (select("kind", "Kind", &f.kind, &[("cod", "Cash on delivery"), ("bank", "Bank transfer"), ("upi", "UPI (QR code for the exact amount)"), ("crypto", "Crypto (QR code with the order as memo)"), ("other", "Other")], &format!("pkind-{key}")))
            div.row {
                (Field::new("account", "UPI ID or wallet address", &f.account).scope(&scope).render(errors))
                (Field::new("network", "Coin (crypto)", &f.network).scope(&scope).hint("URI scheme, like bitcoin.").render(errors))
            }
            (Field::new("explorer_url", "Block explorer (crypto)", &f.explorer_url).scope(&scope)
                .hint("Where the order page links a payment's transaction hash, like https://mempool.space/tx/{hash}.").render(errors))
            (Field::new("instructions", "Instructions for customers", &f.instructions).scope(&scope).kind("textarea").hint("Bank details, where to send proof of payment.").render(errors))
            (check("active", "Offer it at checkout", f.active.is_some(), &format!("active-p-{key}")))
            button type="submit" { @if id.is_some() { "Save " (f.name) } @else { "Add payment method" } }
        }
    }
}

pub fn page(ctx: &Admin, d: &Data, failed: &Failed) -> Markup {
    let minor = ctx.page.shop.currency_minor_units;
    let m = |v: i64| money::format(v, &ctx.page.shop.currency, minor);
    let none = FieldErrors::new();
    let (settings_form, settings_errors) = match failed {
        Failed::Settings(f, e) => (f.clone(), e),
        _ => (SettingsForm::from(&d.settings), &none),
    };
    let (discount_form, discount_errors) = match failed {
        Failed::Discount(f, e) => (f.clone(), e),
        _ => (DiscountForm { kind: "percent".into(), ..Default::default() }, &none),
    };
    admin(
        ctx,
        "Checkout",
        html! {
            section.card aria-labelledby="orders-h" {
                h2 #orders-h { "How orders start" }
                (error_summary(settings_errors))
                form method="post" action="/admin/checkout" novalidate {
                    (csrf(&ctx.page.csrf))
                    (select("flow", "Orders start as", &settings_form.flow, &[("whatsapp", "Drafts, until the customer sends them on WhatsApp"), ("direct", "Pending: placed directly")], "flow"))
                    (Field::new("order_prefix", "Order code prefix", &settings_form.order_prefix).hint("Codes are this and a number, like ORD-1042.").render(settings_errors))
                    (check("require_email", "Ask every customer for an email address", settings_form.require_email.is_some(), "require_email"))
                    (Field::new("whatsapp_template", "WhatsApp message", &settings_form.whatsapp_template).kind("textarea")
                        .hint("{code}, {items}, {total}, {delivery} and {payment} are filled in. Names and addresses never go into the link.").render(settings_errors))
                    button.primary type="submit" { "Save" }
                }
            }
            section.card aria-labelledby="delivery-h" {
                h2 #delivery-h { "Delivery methods" }
                @for (method, active) in &d.deliveries {
                    details open[matches!(failed, Failed::Delivery(Some(i), _, _) if *i == method.id)] {
                        summary { (method.name) " · " (method.code) @if !active { " · not offered" } }
                        @match failed {
                            Failed::Delivery(Some(i), f, e) if *i == method.id => (delivery_form(ctx, Some(method.id), f, e)),
                            _ => (delivery_form(ctx, Some(method.id), &DeliveryForm::from_method(method, *active, minor), &none)),
                        }
                    }
                }
                details open[matches!(failed, Failed::Delivery(None, _, _))] {
                    summary { "Add a delivery method" }
                    @match failed {
                        Failed::Delivery(None, f, e) => (delivery_form(ctx, None, f, e)),
                        _ => (delivery_form(ctx, None, &DeliveryForm { kind: "flat".into(), active: Some("1".into()), ..Default::default() }, &none)),
                    }
                }
            }
            section.card aria-labelledby="payment-h" {
                h2 #payment-h { "Payment methods" }
                @for (method, active) in &d.payments {
                    details open[matches!(failed, Failed::Payment(Some(i), _, _) if *i == method.id)] {
                        summary { (method.name) " · " (method.code) @if !active { " · not offered" } }
                        @match failed {
                            Failed::Payment(Some(i), f, e) if *i == method.id => (payment_form(ctx, Some(method.id), f, e)),
                            _ => (payment_form(ctx, Some(method.id), &PaymentForm::from_method(method, *active), &none)),
                        }
                    }
                }
                details open[matches!(failed, Failed::Payment(None, _, _))] {
                    summary { "Add a payment method" }
                    @match failed {
                        Failed::Payment(None, f, e) => (payment_form(ctx, None, f, e)),
                        _ => (payment_form(ctx, None, &PaymentForm { kind: "cod".into(), active: Some("1".into()), ..Default::default() }, &none)),
                    }
                }
            }
            section.card aria-labelledby="discounts-h" {
                h2 #discounts-h { "Discount codes" }
                @if d.discounts.is_empty() { p { "No discount codes yet." } } @else {
                    div.table-wrap tabindex="0" role="region" aria-label="Discount codes" {
                        table {
                            thead { tr { th { "Code" } th { "Off" } th { "Minimum" } th { "Ends" } th { "Used" } th { "On" } } }
                            tbody {
                                @for (dc, used) in &d.discounts {
                                    tr {
                                        td { (dc.code) }
                                        td { @if dc.percent { (dc.value) "%" } @else { (m(dc.value)) } }
                                        td { (m(dc.min_subtotal)) }
                                        td { @if let Some(t) = dc.ends_at { (time(&crate::domain::time::ts(t), ctx.page.zone)) } @else { "—" } }
                                        td { (used) @if let Some(max) = dc.max_uses { " of " (max) } }
                                        td {
                                            form method="post" action=(format!("/admin/checkout/discounts/{}/toggle", dc.id)) {
                                                (csrf(&ctx.page.csrf))
                                                @if !dc.active { input type="hidden" name="active" value="1"; }
                                                button type="submit" { @if dc.active { "Turn off " } @else { "Turn on " } (dc.code) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                h3 { "New discount code" }
                (error_summary(discount_errors))
                form method="post" action="/admin/checkout/discounts" novalidate {
                    (csrf(&ctx.page.csrf))
                    div.row {
                        (Field::new("code", "Code", &discount_form.code).required().render(discount_errors))
                        (select("kind", "Kind", &discount_form.kind, &[("percent", "Percent off"), ("fixed", "Amount off")], "discount-kind"))
                        (Field::new("value", "Percent or amount", &discount_form.value).required().render(discount_errors))
                    }
                    div.row {
                        (Field::new("min_subtotal", "Minimum subtotal", &discount_form.min_subtotal).render(discount_errors))
                        (Field::new("max_uses", "Uses in all", &discount_form.max_uses).kind("number").hint("Empty: no limit.").render(discount_errors))
                        (Field::new("max_uses_per_customer", "Uses per customer", &discount_form.max_uses_per_customer).kind("number").hint("By WhatsApp number.").render(discount_errors))
                    }
                    div.row {
                        (Field::new("starts_at", "Starts (UTC)", &discount_form.starts_at).kind("datetime-local").render(discount_errors))
                        (Field::new("ends_at", "Ends (UTC)", &discount_form.ends_at).kind("datetime-local").render(discount_errors))
                    }
                    button.primary type="submit" { "Create discount code" }
                }
            }
        },
    )
}

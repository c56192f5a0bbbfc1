//! One function per message: each builds subject, plain text and HTML.

use maud::html;

use crate::domain::money;
use crate::domain::orders::{Line, Order, PaymentStatus, Status};
use crate::domain::outbox::NewMessage;
use crate::domain::shop::ShopSettings;

pub fn test_message(shop: &ShopSettings, to: &str, requested_by: &str) -> NewMessage {
    let subject = format!("Test email from {}", shop.name);
    let text = format!(
        "This is a test email from your shop {}, sent at the request of {requested_by}.\n\nIf you can read this, email works.\n",
        shop.name
    );
    let html = html! {
        p { "This is a test email from your shop " strong { (shop.name) } ", sent at the request of " (requested_by) "." }
        p { "If you can read this, email works." }
    };
    NewMessage { kind: "test".into(), to: to.into(), subject, text, html: html.into_string(), sensitive: false }
}

pub fn invite(shop: &ShopSettings, to: &str, inviter: &str, role: &str, link: &str, hours: i64) -> NewMessage {
    let subject = format!("{inviter} invited you to run {} on Souk", shop.name);
    let text = format!(
        "{inviter} invited you to help run {} as {role}.\n\nChoose your password here (the link works once, for {hours} hours):\n{link}\n\nIf you did not expect this, ignore this email.\n",
        shop.name
    );
    let html = html! {
        p { (inviter) " invited you to help run " strong { (shop.name) } " as " (role) "." }
        p { a href=(link) { "Accept the invitation and choose your password" } }
        p { small { "The link works once, for " (hours) " hours. If you did not expect this, ignore this email." } }
    };
    NewMessage { kind: "invite".into(), to: to.into(), subject, text, html: html.into_string(), sensitive: true }
}

fn order_lines_text(order: &Order, lines: &[Line], minor: u8) -> String {
    let m = |v: i64| money::format(v, &order.currency, minor);
    let mut text: String = lines
        .iter()
        .map(|l| {
            let options = if l.options.is_empty() { String::new() } else { format!(" ({})", l.options) };
            format!("- {} × {}{options}, SKU {}: {}\n", l.quantity, l.title, l.sku, m(l.line_total))
        })
        .collect();
    text.push_str(&format!("Subtotal: {}\n", m(order.subtotal)));
    if order.discount > 0 {
        text.push_str(&format!("Discount: −{}\n", m(order.discount)));
    }
    text.push_str(&format!(
        "Delivery ({}): {}\nTotal: {}\n",
        order.delivery_name,
        m(order.delivery_fee),
        m(order.total)
    ));
    text
}

fn order_lines_html(order: &Order, lines: &[Line], minor: u8) -> maud::Markup {
    let m = |v: i64| money::format(v, &order.currency, minor);
    html! {
        table {
            @for l in lines {
                tr {
                    td { (l.quantity) " × " (l.title) @if !l.options.is_empty() { " (" (l.options) ")" } br; small { "SKU " (l.sku) } }
                    td align="right" { (m(l.line_total)) }
                }
            }
            tr { td { "Subtotal" } td align="right" { (m(order.subtotal)) } }
            @if order.discount > 0 { tr { td { "Discount" } td align="right" { "−" (m(order.discount)) } } }
            tr { td { "Delivery (" (order.delivery_name) ")" } td align="right" { (m(order.delivery_fee)) } }
            tr { td { strong { "Total" } } td align="right" { strong { (m(order.total)) } } }
        }
    }
}

/// The seller's notice of a new order: who, what, how it is delivered and paid.
/// The seller's notice of a new order, to `to`.
pub fn order_for_seller(shop: &ShopSettings, order: &Order, lines: &[Line], to: &str, desk_link: &str) -> NewMessage {
    let minor = shop.currency_minor_units;
    let subject = format!("New order {} from {}", order.code, order.customer_name);
    let a = &order.address;
    let address: Vec<&str> = [&a.line1, &a.line2, &a.city, &a.region, &a.postal_code, &a.country]
        .into_iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let text = format!(
        "Order {} ({})\n\nCustomer: {}, {}{}\nDelivery: {}{}\nPayment: {}\n{}\n{}{}\nWork it at the order desk: {desk_link}\n",
        order.code,
        order.status,
        order.customer_name,
        order.customer_phone,
        if order.customer_email.is_empty() { String::new() } else { format!(", {}", order.customer_email) },
        order.delivery_name,
        if address.is_empty() { String::new() } else { format!(" to {}", address.join(", ")) },
        order.payment_name,
        order_lines_text(order, lines, minor),
        if order.note.is_empty() { String::new() } else { format!("\nNote: {}\n", order.note) },
        if order.status == Status::Draft {
            "\nThe customer was shown a button to send it to your WhatsApp; when their message comes, tap \"WhatsApp received\" on the order's page.\n"
        } else {
            ""
        },
    );
    let html = html! {
        p { "Order " strong { (order.code) } " (" (order.status) ")" }
        p { "Customer: " (order.customer_name) ", " (order.customer_phone) @if !order.customer_email.is_empty() { ", " (order.customer_email) } }
        p { "Delivery: " (order.delivery_name) @if !address.is_empty() { " to " (address.join(", ")) } }
        p { "Payment: " (order.payment_name) }
        (order_lines_html(order, lines, minor))
        @if !order.note.is_empty() { p { "Note: " (order.note) } }
        p { a href=(desk_link) { "Open " (order.code) " at the order desk" } }
    };
    NewMessage {
        kind: "order_seller".into(),
        to: to.to_string(),
        subject,
        text,
        html: html.into_string(),
        sensitive: false,
    }
}

/// Issue 11: the seller's notice that the customer cancelled an order from its page: the code,
/// who, what is back on sale and what it came to. No address, phone or email: the seller has them
/// in the order, and this needs none of them.
pub fn cancelled_for_seller(shop: &ShopSettings, order: &Order, lines: &[Line], to: &str) -> NewMessage {
    let minor = shop.currency_minor_units;
    let subject = format!("Order {} was cancelled by the customer", order.code);
    // A payment recorded before the cancellation is the one thing left for the seller to do.
    let paid = order.payment_status != PaymentStatus::Unpaid;
    let refund = "A payment was recorded for it: refund the customer.";
    let text = format!(
        "{} cancelled order {} from its page. Its items are back on sale.\n{}\n{}",
        order.customer_name,
        order.code,
        if paid { format!("{refund}\n") } else { String::new() },
        order_lines_text(order, lines, minor),
    );
    let html = html! {
        p { (order.customer_name) " cancelled order " strong { (order.code) } " from its page. Its items are back on sale." }
        @if paid { p { strong { (refund) } } }
        (order_lines_html(order, lines, minor))
    };
    NewMessage {
        kind: "order_cancelled_seller".into(),
        to: to.to_string(),
        subject,
        text,
        html: html.into_string(),
        sensitive: false,
    }
}

/// The customer's confirmation, with the link to follow the order (a secret: the body is wiped once sent).
pub fn order_for_customer(shop: &ShopSettings, order: &Order, lines: &[Line], link: &str) -> NewMessage {
    let minor = shop.currency_minor_units;
    let subject = format!("Your order {} at {}", order.code, shop.name);
    let text = format!(
        "Thank you, {}! {} has your order {}.\n\n{}\nPayment: {}\n{}\nFollow your order here (keep this link to yourself):\n{link}\n",
        order.customer_name,
        shop.name,
        order.code,
        order_lines_text(order, lines, minor),
        order.payment_name,
        if order.payment_instructions.is_empty() { String::new() } else { format!("{}\n", order.payment_instructions) },
    );
    let html = html! {
        p { "Thank you, " (order.customer_name) "! " (shop.name) " has your order " strong { (order.code) } "." }
        (order_lines_html(order, lines, minor))
        p { "Payment: " (order.payment_name) }
        @if !order.payment_instructions.is_empty() { p { (order.payment_instructions) } }
        p { a href=(link) { "Follow your order" } }
        p { small { "Keep this link to yourself: it opens your order." } }
    };
    NewMessage {
        kind: "order_customer".into(),
        to: order.customer_email.clone(),
        subject,
        text,
        html: html.into_string(),
        sensitive: true,
    }
}

//! The custom-order messages: to the customer (request received, the quote, the request closed)
//! and to the seller (a new request, the customer's answer). A message holding the request's
//! magic link is sensitive: its body is wiped once sent.

use super::layout::{Draft, colors, document, footer_html, footer_text};
use crate::domain::custom::{CustomRequest, Quote};
use crate::domain::money;
use crate::domain::notify::{BASE, header_text};
use crate::domain::outbox::NewMessage;
use crate::domain::shop::ShopSettings;

fn amount(shop: &ShopSettings, minor: i64) -> String {
    money::format(minor, &shop.currency, shop.currency_minor_units)
}

fn to_customer(
    shop: &ShopSettings,
    kind: &str,
    r: &CustomRequest,
    subject: String,
    d: Draft,
    sensitive: bool,
) -> NewMessage {
    NewMessage {
        kind: kind.into(),
        to: r.customer_email.clone(),
        subject: header_text(&subject),
        text: format!("{}{}", d.text, footer_text(shop, false)),
        html: document(shop, &subject, &d.html, footer_html(shop, false)),
        sensitive,
        ..Default::default()
    }
}

fn to_seller(shop: &ShopSettings, kind: &str, to: &str, subject: String, d: Draft) -> NewMessage {
    let words = "Sent by Souk about a custom-order request.";
    NewMessage {
        kind: kind.into(),
        to: to.into(),
        subject: header_text(&subject),
        text: format!("{}-- \n{words}\n", d.text),
        html: document(shop, &subject, &d.html, maud::html! { p style="margin:0" { (words) } }),
        ..Default::default()
    }
}

fn what(d: &mut Draft, shop: &ShopSettings, r: &CustomRequest) {
    d.block(&r.description);
    let budget = r.budget.map(|b| format!(", budget {}", amount(shop, b))).unwrap_or_default();
    d.para(&format!("Quantity: {}{budget}", r.quantity));
}

/// The customer's receipt of a request, with its link.
pub fn received(shop: &ShopSettings, r: &CustomRequest, link: &str) -> NewMessage {
    let mut d = Draft::new();
    d.strong(&format!("{} has your request {}.", shop.name, r.code));
    what(&mut d, shop, r);
    d.para("The shop answers with a quote within three days, here and on WhatsApp. You accept it, decline it or ask for changes from your request's page.");
    d.button(&format!("See request {}", r.code), link, &colors(shop));
    d.para("Keep this link to yourself: it opens your request.");
    to_customer(shop, "custom_received", r, format!("Your custom-order request {} at {}", r.code, shop.name), d, true)
}

/// The quote's lines as the customer reads them (also the WhatsApp message's body).
pub fn quote_lines(shop: &ShopSettings, q: &Quote, valid_until: &str) -> Vec<String> {
    let mut lines =
        vec![format!("{} × {} = {}", q.quantity, amount(shop, q.unit_price), amount(shop, q.subtotal().unwrap_or(0)))];
    if q.delivery_fee > 0 {
        lines.push(format!("Delivery: {}", amount(shop, q.delivery_fee)));
    }
    lines.push(format!("Total: {}", amount(shop, q.total().unwrap_or(0))));
    lines.push(format!("Delivery time: {}", q.delivery_time));
    if !q.notes.is_empty() {
        lines.push(format!("Notes: {}", q.notes));
    }
    if q.no_cancel {
        lines.push("Made for you: once the shop confirms the order, it cannot be cancelled.".into());
    }
    lines.push(format!("The quote stands until {valid_until}."));
    lines
}

/// The seller's quote, with the link that accepts it.
pub fn quote(shop: &ShopSettings, r: &CustomRequest, q: &Quote, valid_until: &str, link: &str) -> NewMessage {
    let mut d = Draft::new();
    d.strong(&format!("Your quote for {} from {}", r.code, shop.name));
    for line in quote_lines(shop, q, valid_until) {
        d.para(&line);
    }
    d.button("Accept, decline or ask for changes", link, &colors(shop));
    d.para("Keep this link to yourself: it opens your request.");
    let subject = format!("Your quote {} from {}: {}", r.code, shop.name, amount(shop, q.total().unwrap_or(0)));
    to_customer(shop, "custom_quote", r, subject, d, true)
}

/// How a request ended without an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closing {
    /// The shop declined it (the request's `reason` says why).
    Declined,
    /// The shop did not quote within 72 hours.
    Unanswered,
    /// The customer did not accept the quote before it ended.
    QuoteExpired,
}

/// The request ended without an order; the button leads to its page, where it can be asked again.
pub fn closed(shop: &ShopSettings, r: &CustomRequest, how: Closing, link: &str) -> NewMessage {
    let mut d = Draft::new();
    let subject = match how {
        Closing::Declined => {
            d.strong(&format!("{} cannot take your request {}.", shop.name, r.code));
            if !r.reason.is_empty() {
                d.para(&r.reason);
            }
            format!("Your request {} at {} was declined", r.code, shop.name)
        }
        Closing::Unanswered => {
            d.strong(&format!("Your request {} has expired.", r.code));
            d.para("The shop could not answer it in time. If you still want it, ask again from its page: nothing needs typing twice.");
            format!("Your request {} at {} has expired", r.code, shop.name)
        }
        Closing::QuoteExpired => {
            d.strong(&format!("The quote for your request {} has ended.", r.code));
            d.para("It was not accepted before it ended. If you still want it, ask again from its page: nothing needs typing twice.");
            format!("The quote for {} at {} has ended", r.code, shop.name)
        }
    };
    d.button(&format!("See request {}", r.code), link, &colors(shop));
    to_customer(shop, "custom_closed", r, subject, d, true)
}

fn desk(code: &str) -> String {
    format!("{BASE}/admin/custom/{code}")
}

/// The seller's notice of a new request.
pub fn seller_new(shop: &ShopSettings, r: &CustomRequest, to: &str) -> NewMessage {
    let mut d = Draft::new();
    d.strong(&format!("{} asks for a custom order ({}).", r.customer_name, r.code));
    what(&mut d, shop, r);
    if !r.photos.is_empty() {
        d.para(&format!("{} reference photo(s) attached to the request.", r.photos.len()));
    }
    d.para("Send a quote within three days, or the request expires.");
    d.button(&format!("Quote {}", r.code), &desk(&r.code), &colors(shop));
    to_seller(shop, "custom_seller_new", to, format!("Custom-order request {} from {}", r.code, r.customer_name), d)
}

/// The seller's notice of the customer's answer to a quote (`said`: what they did).
pub fn seller_reply(shop: &ShopSettings, r: &CustomRequest, said: &str, to: &str) -> NewMessage {
    let mut d = Draft::new();
    d.strong(&format!("{}: {} {said}.", r.code, r.customer_name));
    if !r.reason.is_empty() {
        d.block(&r.reason);
    }
    d.button(&format!("Open {}", r.code), &desk(&r.code), &colors(shop));
    to_seller(shop, "custom_seller_reply", to, format!("{}: the customer {said}", r.code), d)
}

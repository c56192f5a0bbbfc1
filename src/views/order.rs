//! A guest's order page (status timeline, items, totals, delivery, how to pay with a QR code, the
//! WhatsApp hand-off) and the page for a link that does not work.

use maud::{Markup, html};

use super::components::{Field, csrf, error_summary, time};
use crate::domain::FieldErrors;
use crate::domain::checkout::{PaymentKind, payment_uri};
use crate::domain::orders::{Event, Line, Order, PaymentStatus, Status};
use crate::domain::requests::{Ask, Can, RequestStatus, SelfService};
use crate::domain::{money, whatsapp};
use crate::views::Page;

/// Everything the order page shows.
pub struct OrderView {
    /// A view-only link just made for sharing, shown once.
    pub shared: Option<String>,
    pub order: Order,
    pub lines: Vec<Line>,
    pub events: Vec<Event>,
    pub manage: bool,
    pub token: String,
    /// The "Send order on WhatsApp" link (`None` without a shop number).
    pub whatsapp: Option<String>,
    /// What the customer can do themselves, their requests and rating.
    pub self_service: SelfService,
    /// A self-service form sent back to correct: which one (`request-<kind>`, `rating`), what was
    /// typed, and the field messages.
    pub echo: Option<Echo>,
}

/// A form sent back: its name, the fields as typed, the field messages.
pub type Echo = (String, Vec<(String, String)>, FieldErrors);

impl OrderView {
    fn typed(&self, form: &str, field: &str) -> String {
        match &self.echo {
            Some((f, pairs, _)) if f == form => {
                pairs.iter().find(|(k, _)| k == field).map(|(_, v)| v.clone()).unwrap_or_default()
            }
            _ => String::new(),
        }
    }

    /// What was typed into an echoed form's field, else `current`.
    fn typed_or(&self, form: &str, field: &str, current: &str) -> String {
        match &self.echo {
            Some((f, _, _)) if f == form => self.typed(form, field),
            _ => current.to_string(),
        }
    }

    fn errors(&self, form: &str) -> FieldErrors {
        match &self.echo {
            Some((f, _, e)) if f == form => e.clone(),
            _ => FieldErrors::new(),
        }
    }
}

fn hidden_token(page: &Page, v: &OrderView) -> Markup {
    html! { (csrf(&page.csrf)) input type="hidden" name="t" value=(v.token); }
}

/// "Need something?": each thing the customer may do now, as a form; their requests with the
/// shop's answers; their rating.
fn self_service(page: &Page, v: &OrderView) -> Markup {
    let o = &v.order;
    let ss = &v.self_service;
    let action = |path: &str| format!("/o/{}/{path}", o.code);
    let a = &o.address;
    html! {
        @if !ss.possible.is_empty() || !ss.requests.is_empty() || ss.rating.is_some() {
            section.card #help aria-labelledby="help-h" {
                h2 #help-h { "Need something?" }
                @for r in &ss.requests {
                    p.request {
                        strong { (r.kind.label()) } " — " (r.status.label())
                        @if r.status != RequestStatus::Open && !r.answer.is_empty() { ": " (r.answer) }
                    }
                }
                @if let Some((stars, comment, _, _)) = &ss.rating {
                    p { "Your rating: " strong { (stars) " of 5" } @if !comment.is_empty() { " — “" (comment) "”" } }
                }
                @for can in &ss.possible {
                    @match can {
                        Can::CancelNow => {}
                        Can::ConfirmDelivery => {
                            form method="post" action=(action("delivered")) {
                                (hidden_token(page, v))
                                button type="submit" { "It arrived: confirm delivery" }
                            }
                        }
                        Can::Rate => {
                            @let e = v.errors("rating");
                            form.rating method="post" action=(action("rating")) {
                                (hidden_token(page, v))
                                (error_summary(&e))
                                fieldset {
                                    legend { "Rate your order" }
                                    @if let Some(m) = e.get("stars") { p.error #stars-error { (m) } }
                                    @for n in 1..=5u8 {
                                        span.choice-pair {
                                            input id=(format!("f-stars-{n}")) type="radio" name="stars" value=(n) checked[v.typed("rating", "stars") == n.to_string()];
                                            label for=(format!("f-stars-{n}")) { (n) @if n == 1 { " star" } @else { " stars" } }
                                        }
                                    }
                                }
                                (Field::new("comment", "A few words (optional; the shop may show them on its product pages with your first name)", &v.typed("rating", "comment")).kind("textarea").render(&e))
                                button type="submit" { "Send my rating" }
                            }
                        }
                        Can::Ask(kind) => {
                            @let form_id = format!("request-{}", kind.as_str());
                            @let e = v.errors(&form_id);
                            details open[v.echo.as_ref().is_some_and(|(f, _, _)| *f == form_id)] {
                                summary { (match kind { Ask::Cancel => "Ask to cancel", Ask::Address => "Ask to change the delivery address", Ask::Return => "Ask to return it" }) }
                                form method="post" action=(action("requests")) {
                                    (hidden_token(page, v))
                                    input type="hidden" name="kind" value=(kind.as_str());
                                    (error_summary(&e))
                                    @if *kind == Ask::Address {
                                        @let typed = |f: &str, current: &str| v.typed_or(&form_id, f, current);
                                        (Field::new("line1", "Street and number", &typed("line1", &a.line1)).scope(kind.as_str()).autocomplete("address-line1").render(&e))
                                        (Field::new("line2", "Apartment, landmark (optional)", &typed("line2", &a.line2)).scope(kind.as_str()).autocomplete("address-line2").render(&e))
                                        (Field::new("city", "Town or city", &typed("city", &a.city)).scope(kind.as_str()).autocomplete("address-level2").render(&e))
                                        (Field::new("region", "State or region", &typed("region", &a.region)).scope(kind.as_str()).autocomplete("address-level1").render(&e))
                                        (Field::new("postal_code", "Postal code", &typed("postal_code", &a.postal_code)).scope(kind.as_str()).autocomplete("postal-code").render(&e))
                                    }
                                    (Field::new("message", if *kind == Ask::Address { "Anything the courier should know (optional)" } else { "Why? (the shop reads it)" }, &v.typed(&form_id, "message")).kind("textarea").scope(kind.as_str()).render(&e))
                                    @if *kind == Ask::Return { p.hint { "Returns are accepted within " (ss.return_days) " days of delivery." } }
                                    button type="submit" { "Send the request" }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn qr(uri: &str) -> Option<Markup> {
    super::components::qr(uri, 220, "QR code to pay")
}

fn payment(page: &Page, v: &OrderView) -> Markup {
    let o = &v.order;
    let kind = PaymentKind::parse(&o.payment_kind).unwrap_or(PaymentKind::Other);
    // What is still to pay: the total, less what the shop has recorded as received.
    let due = (o.total - o.paid).max(0);
    let minor = page.shop.currency_minor_units;
    let amount = money::decimal(due, minor);
    let uri = payment_uri(kind, &o.payment_account, &o.payment_network, &page.shop.name, &amount, &o.currency, &o.code);
    let unpaid = matches!(o.payment_status, PaymentStatus::Unpaid | PaymentStatus::PartiallyPaid)
        && due > 0
        && !matches!(o.status, Status::Cancelled | Status::Returned);
    let m = |v: i64| money::format(v, &o.currency, minor);
    html! {
        section.card aria-labelledby="pay-h" {
            h2 #pay-h { "Payment: " (o.payment_name) }
            @if o.payment_status == PaymentStatus::Paid { p.paid role="status" { "Paid. Thank you!" } }
            @if o.payment_status == PaymentStatus::Refunded { p role="status" { "Refunded." } }
            @if o.payment_status == PaymentStatus::PartiallyPaid { p role="status" { "Received " (m(o.paid)) " of " (m(o.total)) "." } }
            @if unpaid {
                @match kind {
                    PaymentKind::Cod => p { "Pay " strong { (m(due)) } " when your order arrives." },
                    PaymentKind::Upi => p { "Pay " strong { (m(due)) } " by UPI to " code { (o.payment_account) } " with the note " strong { (o.code) } "." },
                    PaymentKind::Crypto => p { "Send " (o.currency) " " strong { (amount) } " worth to " code.break { (o.payment_account) } " with the memo " strong { (o.code) } "." },
                    _ => p { "Pay " strong { (m(due)) } " and mention " strong { (o.code) } "." },
                }
                @if !o.payment_instructions.is_empty() { p.instructions { (o.payment_instructions) } }
                @if let Some(uri) = &uri {
                    @if let Some(code) = qr(uri) { (code) }
                    @if kind == PaymentKind::Upi { p { a.button href=(uri) { "Open in a UPI app" } } }
                    // As text, not a link: the scheme is the seller's to choose.
                    @if kind == PaymentKind::Crypto { p { "Payment link for your wallet: " code.break { (uri) } } }
                }
            }
        }
    }
}

pub fn page(page: &Page, v: &OrderView) -> Markup {
    let o = &v.order;
    let minor = page.shop.currency_minor_units;
    let status = o.status;
    let a = &o.address;
    let address: Vec<&str> = [&a.line1, &a.line2, &a.city, &a.region, &a.postal_code, &a.country]
        .into_iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let body = html! {
        h1 { "Order " (o.code) }
        p.status { "Status: " strong.badge { (status.label()) } }
        @if status == Status::Draft {
            section.handoff aria-labelledby="handoff-h" {
                h2 #handoff-h { "One more step" }
                p { "Send your order to the shop on WhatsApp so they can confirm it." }
                @if let Some(href) = &v.whatsapp {
                    p { a.button.primary.big.whatsapp href=(href) rel="noopener" { "Send order on WhatsApp" } }
                }
                @if let Some(at) = &o.expires_at { p.hint { "Not sent by " (time(at, page.zone)) ", it is cancelled." } }
            }
        }
        @if status == Status::Cancelled {
            @if let Some(r) = &o.cancel_reason { p.notice role="status" { "Cancelled: " (r) } }
        }
        (items_card(o, &v.lines, minor))
        section.card aria-labelledby="delivery-h" {
            h2 #delivery-h { "Delivery: " (o.delivery_name) }
            @if !o.delivery_details.is_empty() { p { (o.delivery_details) } }
            @if !address.is_empty() { p { (address.join(", ")) } }
            p { (o.customer_name) ", " (o.customer_phone) }
            @if !o.courier.is_empty() {
                p.tracking {
                    "Shipped with " (o.courier) ", tracking number " strong { (o.tracking_number) }
                    @if !o.tracking_url.is_empty() { " · " a href=(o.tracking_url) rel="noopener noreferrer" { "Track your parcel" } }
                }
            }
            @if !o.note.is_empty() { p { "Your note: " (o.note) } }
        }
        (payment(page, v))
        @if v.manage { (self_service(page, v)) }
        section.card aria-labelledby="timeline-h" {
            h2 #timeline-h { "Timeline" }
            ol.timeline {
                @for e in &v.events {
                    li { (time(&e.at, page.zone)) " " strong { (e.status.label()) } @if !e.note.is_empty() { " · " (e.note) } }
                }
            }
        }
        @if let Some(link) = &v.shared {
            section.card.success aria-labelledby="shared-h" {
                h2 #shared-h { "A link to share" }
                p { "Whoever opens it sees this order and its status, but cannot change it." }
                label for="shared-link" { "View-only link" }
                input #shared-link type="text" readonly value=(link);
            }
        }
        @if v.manage {
            section.card aria-labelledby="links-h" {
                h2 #links-h { "This order's links" }
                p.hint { "Keep this page's link to yourself: it can change the order." }
                form method="post" action=(format!("/o/{}/share", o.code)) {
                    (csrf(&page.csrf))
                    input type="hidden" name="t" value=(v.token);
                    button type="submit" { "Make a view-only link to share" }
                }
                form method="post" action=(format!("/o/{}/revoke-others", o.code)) {
                    (csrf(&page.csrf))
                    input type="hidden" name="t" value=(v.token);
                    button type="submit" { "Turn off every other link" }
                }
                @if status.customer_may_cancel() {
                    // Issue 11: a link to a page that asks first, so one tap cancels nothing.
                    p.cancel { a.button.danger href=(cancel_url(v)) { "Cancel this order" } }
                }
            }
        } @else {
            p.hint { "This link shows the order; only its owner can change it." }
        }
    };
    super::layout::storefront_with_head(
        page,
        &format!("Order {}", o.code),
        html! { meta name="robots" content="noindex"; },
        body,
    )
}

fn cancel_url(v: &OrderView) -> String {
    format!("/o/{}/cancel?t={}", v.order.code, v.token)
}

/// Issue 11: the question before a customer's cancel, with the button that cancels and a way back
/// that keeps the order.
pub fn confirm_cancel(page: &Page, v: &OrderView) -> Markup {
    let o = &v.order;
    let m = |x: i64| money::format(x, &o.currency, page.shop.currency_minor_units);
    let body = html! {
        h1 { "Cancel order " (o.code) "?" }
        p { "Its items go back on sale, and the shop is told." }
        section.card aria-labelledby="items-h" {
            h2 #items-h { "Items" }
            ul.summary-lines {
                @for l in &v.lines {
                    li { span { (l.quantity) " × " (l.title) @if !l.options.is_empty() { " (" (l.options) ")" } } span.amount { (m(l.line_total)) } }
                }
            }
            p { "Total " strong { (m(o.total)) } }
        }
        form.cancel method="post" action=(format!("/o/{}/cancel", o.code)) {
            (csrf(&page.csrf))
            input type="hidden" name="t" value=(v.token);
            input type="hidden" name="confirm" value="1";
            p { button.danger type="submit" { "Yes, cancel order " (o.code) } }
        }
        p { a.button.primary href=(format!("/o/{}?t={}", o.code, v.token)) { "Keep my order" } }
    };
    super::layout::storefront_with_head(
        page,
        &format!("Cancel order {}?", o.code),
        html! { meta name="robots" content="noindex"; },
        body,
    )
}

/// The answer to placing the same items from the same phone again within minutes: the earlier
/// order's code and WhatsApp hand-off, but not its page, which only its link opens.
pub fn already_placed(page: &Page, code: &str, whatsapp: Option<&str>) -> Markup {
    let body = html! {
        h1 { "You have already placed this order" }
        p { "Order " strong { (code) } " with the same items was placed from your number a few minutes ago, so we did not make a second one." }
        @if let Some(href) = whatsapp {
            p { "If you have not sent it to the shop yet, do it now:" }
            p { a.button.primary.big.whatsapp href=(href) rel="noopener" { "Send order on WhatsApp" } }
        }
        p { "If you meant to change it (another address, delivery or payment), tell the shop in your message, or wait a few minutes and order again." }
        p.hint { "The link to follow it is on the page you saw after placing it, and in the email we sent if you gave one." }
    };
    super::layout::storefront_with_head(
        page,
        &format!("Order {code}"),
        html! { meta name="robots" content="noindex"; },
        body,
    )
}

/// The same page for every link that does not open an order, with a way to ask for a new one.
pub fn invalid_link(page: &Page, code: &str) -> Markup {
    let clean: String = code.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-').take(30).collect();
    let ask = whatsapp::link(
        &page.shop.whatsapp_number,
        &format!("Hello! The link to my order {clean} does not work. Could you send me a new one?"),
    );
    let body = html! {
        h1 { "This link is not valid" }
        p { "The link may be mistyped, expired or replaced by a newer one." }
        @if let Some(href) = ask {
            p { a.button.primary href=(href) rel="noopener" { "Ask the shop for a new link" } }
        } @else if !page.shop.contact_email.is_empty() {
            p { a.button.primary href=(format!("mailto:{}", page.shop.contact_email)) { "Ask the shop for a new link" } }
        } @else {
            p { "Ask the shop where you ordered for a new link, in the chat or app you used." }
        }
        p { a href="/o/lost" { "Lost your link? Get a new one with your order code and WhatsApp number." } }
        p { a.button href="/" { "Back to the shop" } }
    };
    super::layout::storefront_with_head(page, "Link not valid", html! { meta name="robots" content="noindex"; }, body)
}

/// "Lost your link?": the order code and the WhatsApp number it was placed with.
pub fn lost_link(page: &Page, code: &str, phone: &str, errors: &FieldErrors) -> Markup {
    let body = html! {
        h1 { "Lost your order's link?" }
        p { "Enter the order code (for example ORD-1001) and the WhatsApp number you ordered with. If the order has an email, a new link goes there." }
        (error_summary(errors))
        form method="post" action="/o/lost" {
            (csrf(&page.csrf))
            (Field::new("code", "Order code", code).autocomplete("off").required().render(errors))
            (Field::new("phone", "WhatsApp number", phone).kind("tel").autocomplete("tel").inputmode("tel").required().render(errors))
            button.primary type="submit" { "Send me a new link" }
        }
    };
    super::layout::storefront_with_head(page, "Lost your link?", html! { meta name="robots" content="noindex"; }, body)
}

/// The one answer to "Lost your link?", whether or not such an order exists: where a link went if
/// it did, and a WhatsApp button that asks the shop for one.
pub fn lost_link_sent(page: &Page, code: &str) -> Markup {
    let ask =
        whatsapp::link(&page.shop.whatsapp_number, &format!("Hello! Could you send me a new link to my order {code}?"));
    let body = html! {
        h1 { "Check your email" }
        p { "If order " strong { (code) } " was placed with that number and has an email, a new link to it is on its way there. It can take a few minutes; look in the spam folder too." }
        p { "No email with your order?" }
        @if let Some(href) = ask {
            p { a.button.primary.whatsapp href=(href) rel="noopener" { "Ask the shop on WhatsApp" } }
        } @else if !page.shop.contact_email.is_empty() {
            p { a.button.primary href=(format!("mailto:{}", page.shop.contact_email)) { "Ask the shop by email" } }
        } @else {
            p { "Ask the shop for a new link in the chat or app you ordered through." }
        }
        p { a.button href="/" { "Back to the shop" } }
    };
    super::layout::storefront_with_head(page, "Check your email", html! { meta name="robots" content="noindex"; }, body)
}

/// An order's items with their kept photos and its totals: the customer's page and the desk alike.
pub fn items_card(o: &Order, lines: &[Line], minor: u8) -> Markup {
    let m = |x: i64| money::format(x, &o.currency, minor);
    html! {
        section.card aria-labelledby="items-h" {
            h2 #items-h { "Items" }
            ul.summary-lines.with-photos {
                @for l in lines {
                    li {
                        // Beside the line's own title, the photo adds nothing for a screen reader.
                        @if let Some(id) = l.image_id {
                            img.thumb src=(super::images::url(id, 320)) alt="" width="48" height="48" loading="lazy" decoding="async";
                        } @else { span.thumb aria-hidden="true" {} }
                        span.what { (l.quantity) " × " (l.title) @if !l.options.is_empty() { " (" (l.options) ")" } br; small { "SKU " (l.sku) } }
                        span.amount { (m(l.line_total)) }
                    }
                }
            }
            dl.totals {
                dt { "Subtotal" } dd { (m(o.subtotal)) }
                @if o.discount > 0 { dt { "Discount" @if let Some(c) = &o.discount_code { " (" (c) ")" } } dd { "−" (m(o.discount)) } }
                dt { "Delivery" } dd { @if o.delivery_fee == 0 { "Free" } @else { (m(o.delivery_fee)) } }
                dt { strong { "Total" } } dd { strong { (m(o.total)) } }
            }
        }
    }
}

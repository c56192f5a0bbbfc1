//! One order at the desk: what to do next (only the steps the lifecycle allows now, as buttons),
//! one-tap WhatsApp messages, payments, the customer and their earlier orders, lines, tags, notes
//! and the whole timeline.

use maud::{Markup, html};

use super::orders::{payment_badge, status_badge};
use crate::domain::FieldErrors;
use crate::domain::desk::{Courier, EventKind, Payment, TimelineEvent};
use crate::domain::messages::Template;
use crate::domain::order_lists::ListRow;
use crate::domain::orders::{Line, Order, Status};
use crate::domain::payments::{Kind, PaymentInput, explorer_link};
use crate::domain::{money, whatsapp};
use crate::views::components::{Field, csrf, error_summary, time};
use crate::views::layout::admin;

use crate::views::Admin;

/// Everything the order page shows.
pub struct OrderDesk {
    pub order: Order,
    pub lines: Vec<Line>,
    pub timeline: Vec<TimelineEvent>,
    pub payments: Vec<Payment>,
    pub tags: Vec<String>,
    pub known_tags: Vec<String>,
    /// The same number's other orders, newest first.
    pub earlier: Vec<ListRow>,
    pub couriers: Vec<Courier>,
    /// (code, name) of the shop's payment methods.
    pub methods: Vec<(String, String)>,
    /// The block explorer template of the order's crypto method.
    pub explorer: String,
    /// Why the review rules flagged it, and who reviewed it when (at, by).
    pub flags: Vec<crate::domain::review::Flag>,
    pub reviewed: Option<(String, String)>,
    /// The customer's requests (newest first) and rating.
    pub requests: Vec<crate::domain::requests::Request>,
    pub rating: Option<crate::domain::requests::Rating>,
}

/// What a failed form sent back, to show it again with its messages.
#[derive(Debug, Clone, Default)]
pub struct Echo {
    pub errors: FieldErrors,
    /// The refusal in one sentence (an illegal step, short stock).
    pub message: Option<String>,
    pub payment: PaymentInput,
    pub courier: String,
    pub tracking_number: String,
    pub reason: String,
    pub customer: Option<crate::domain::order_edit::CustomerInput>,
    pub charges: crate::domain::order_edit::ChargesInput,
}

pub(super) fn message_button(ctx: &Admin, o: &Order, t: Template, label: &str, primary: bool) -> Markup {
    html! {
        form.inline method="post" action=(format!("/admin/orders/{}/whatsapp", o.code)) {
            (csrf(&ctx.page.csrf))
            input type="hidden" name="template" value=(t.name());
            button.whatsapp.primary[primary] type="submit" { (label) }
        }
    }
}

fn messages(ctx: &Admin, o: &Order) -> Markup {
    html! {
        section.card aria-labelledby="wa-h" {
            h2 #wa-h { "Message the customer" }
            p.hint { "Each opens WhatsApp with a message to " (o.customer_phone) " and is noted on the timeline. Messages with the order's link carry a new one." }
            div.buttons {
                (message_button(ctx, o, Template::Contact, "Contact", false))
                @if o.total > o.paid && !matches!(o.status, Status::Cancelled | Status::Returned) {
                    (message_button(ctx, o, Template::PaymentDetails, "Send payment details", false))
                }
                @if o.status != Status::Draft { (message_button(ctx, o, Template::Status(o.status), "Send status update", false)) }
            }
            form method="post" action=(format!("/admin/orders/{}/whatsapp", o.code)) {
                (csrf(&ctx.page.csrf))
                input type="hidden" name="template" value=(Template::OrderLink.name());
                div.field.check {
                    input #f-revoke type="checkbox" name="revoke" value="1";
                    label for="f-revoke" { "Turn off the order's older links" }
                }
                button.whatsapp type="submit" { "Send a fresh order link" }
            }
        }
    }
}

fn payments(ctx: &Admin, d: &OrderDesk, echo: &Echo) -> Markup {
    let o = &d.order;
    let minor = ctx.page.shop.currency_minor_units;
    let m = |v: i64| money::format(v, &o.currency, minor);
    let input = &echo.payment;
    let method = if input.method.is_empty() { o.payment_code.as_str() } else { input.method.as_str() };
    html! {
        section.card aria-labelledby="pay-h" {
            h2 #pay-h { "Payment " (payment_badge(o.payment_status)) }
            dl.totals {
                dt { "Total" } dd { (m(o.total)) }
                dt { "Received" } dd { (m(o.paid)) }
                dt { strong { "Due" } } dd { strong { (m((o.total - o.paid).max(0))) } }
            }
            @if !d.payments.is_empty() {
                ul.payments {
                    @for p in &d.payments {
                        li {
                            (time(&p.at, ctx.page.zone)) " · " strong { @if p.kind == Kind::Refund { "Refund −" } (m(p.amount)) } " · " (p.method)
                            @if !p.reference.is_empty() {
                                " · "
                                @if let Some(href) = explorer_link(&d.explorer, &p.reference).filter(|_| o.payment_kind == "crypto") {
                                    a href=(href) rel="noopener noreferrer" { code.break { (p.reference) } }
                                } @else { code.break { (p.reference) } }
                            }
                            " · " (p.recorded_by)
                        }
                    }
                }
            }
            details open[!echo.errors.is_empty() && echo.errors.keys().any(|k| ["amount", "method", "reference"].contains(k))] {
                summary { "Record a payment or refund" }
                form method="post" action=(format!("/admin/orders/{}/payments", o.code)) {
                    (csrf(&ctx.page.csrf))
                    fieldset.inline {
                        legend { "What" }
                        span.choice-pair {
                            input #f-kind-pay type="radio" name="kind" value="payment" checked[input.kind != "refund"];
                            label for="f-kind-pay" { "Payment received" }
                        }
                        span.choice-pair {
                            input #f-kind-refund type="radio" name="kind" value="refund" checked[input.kind == "refund"];
                            label for="f-kind-refund" { "Refund given" }
                        }
                    }
                    (Field::new("amount", "Amount", &input.amount).inputmode("decimal").scope("pay").required()
                        .hint("In the shop's currency, e.g. 1499 or 1499.50.").render(&echo.errors))
                    div.field.invalid[echo.errors.contains_key("method")] {
                        label for="f-pay-method" { "Method" }
                        select #f-pay-method name="method" {
                            @if !d.methods.iter().any(|(c, _)| c == &o.payment_code) { option value=(o.payment_code) selected[method == o.payment_code] { (o.payment_name) } }
                            @for (c, n) in &d.methods { option value=(c) selected[method == c] { (n) } }
                        }
                        @if let Some(e) = echo.errors.get("method") { p.error { (e) } }
                    }
                    (Field::new("reference", "Reference", &input.reference).scope("pay")
                        .hint("UPI or bank reference, the transaction hash, or “cash”.").render(&echo.errors))
                    div.field.check {
                        input #f-over type="checkbox" name="over" value="true" checked[input.over];
                        label for="f-over" { "More than the balance (I checked the amount)" }
                    }
                    button type="submit" { "Record" }
                }
            }
        }
    }
}

fn customer(ctx: &Admin, d: &OrderDesk) -> Markup {
    let o = &d.order;
    let a = &o.address;
    let address: Vec<&str> = [&a.line1, &a.line2, &a.city, &a.region, &a.postal_code, &a.country]
        .into_iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let minor = ctx.page.shop.currency_minor_units;
    html! {
        section.card aria-labelledby="customer-h" {
            h2 #customer-h { "Customer" }
            p {
                strong { (o.customer_name) }
                @if let Some(id) = o.customer_id { " · " a href=(format!("/admin/customers/{id}")) { "Customer page" } }
            }
            p {
                @if let Some(href) = whatsapp::link(&o.customer_phone, "") { a href=(href.trim_end_matches("?text=")) rel="noopener" { "WhatsApp " (o.customer_phone) } }
                @else { (o.customer_phone) }
            }
            @if !o.customer_email.is_empty() { p { a href=(format!("mailto:{}", o.customer_email)) { (o.customer_email) } } }
            p { "Delivery: " (o.delivery_name) @if !address.is_empty() { br; (address.join(", ")) } }
            @if !o.courier.is_empty() {
                p { "Shipped with " (o.courier) ", tracking " code { (o.tracking_number) }
                    @if !o.tracking_url.is_empty() { " · " a href=(o.tracking_url) rel="noopener noreferrer" { "Track" } } }
            }
            @if !o.note.is_empty() { p { "Customer's note: " (o.note) } }
            @if !d.earlier.is_empty() {
                h3 { "Earlier orders from this number" }
                ul.compact {
                    @for e in &d.earlier {
                        li { a href=(format!("/admin/orders/{}", e.code)) { (e.code) } " · " (time(&e.created_at, ctx.page.zone)) " · " (money::format(e.total, &e.currency, minor)) " · " (status_badge(e.status)) }
                    }
                }
            }
        }
    }
}

fn tags_and_notes(ctx: &Admin, d: &OrderDesk, echo: &Echo) -> Markup {
    let o = &d.order;
    html! {
        section.card aria-labelledby="tags-h" {
            h2 #tags-h { "Tags and notes" }
            form method="post" action=(format!("/admin/orders/{}/tags", o.code)) {
                (csrf(&ctx.page.csrf))
                div.field.invalid[echo.errors.contains_key("tags")] {
                    label for="f-tags" { "Tags" }
                    input #f-tags name="tags" value=(d.tags.join(", ")) list="known-tags" autocomplete="off" aria-describedby="f-tags-hint";
                    datalist #known-tags { @for t in &d.known_tags { option value=(t) {} } }
                    p.hint #f-tags-hint { "Separated by commas, e.g. gift, wholesale." }
                    @if let Some(e) = echo.errors.get("tags") { p.error { (e) } }
                }
                button type="submit" { "Save tags" }
            }
            form method="post" action=(format!("/admin/orders/{}/notes", o.code)) {
                (csrf(&ctx.page.csrf))
                (Field::new("note", "Internal note", "").kind("textarea").hint("Only the shop's team sees notes.").render(&echo.errors))
                button type="submit" { "Add note" }
            }
            form method="post" action=(format!("/admin/orders/{}/links/revoke", o.code)) {
                (csrf(&ctx.page.csrf))
                button.link type="submit" { "Turn off every link to this order" }
            }
        }
    }
}

fn timeline(ctx: &Admin, events: &[TimelineEvent]) -> Markup {
    html! {
        section.card aria-labelledby="timeline-h" {
            h2 #timeline-h { "Timeline" }
            ol.timeline {
                @for e in events.iter().rev() {
                    li class=(format!("event-{}", e.kind.as_str())) {
                        (time(&e.at, ctx.page.zone)) " · " (e.actor) br;
                        @match e.kind {
                            EventKind::Status => {
                                strong { @if let Some(f) = &e.from_status { (f) " → " } (e.status) }
                                @if !e.note.is_empty() { " · " (e.note) }
                            }
                            EventKind::Note => { strong { "Note: " } }
                            _ => {}
                        }
                        @if !e.detail.is_empty() { " " span.detail { (e.detail) } }
                    }
                }
            }
        }
    }
}

pub fn page(ctx: &Admin, d: &OrderDesk, echo: &Echo) -> Markup {
    let o = &d.order;
    let body = html! {
        p.print-links { a href=(format!("/admin/orders/{}/packing-slip", o.code)) { "Packing slip" } " · " a href=(format!("/admin/orders/{}/receipt", o.code)) { "Receipt" } }
        p.order-head {
            (status_badge(o.status)) " " (payment_badge(o.payment_status)) " · placed " (time(&o.created_at, ctx.page.zone)) " · " (o.channel.replace('_', " "))
            @if let Some(r) = o.cancel_reason.as_ref().filter(|_| o.status == Status::Cancelled) { " · " (r) }
            @if o.custom {
                " · custom order"
                @if let Some(l) = d.lines.first() { " " a href=(format!("/admin/custom/{}", l.sku)) { (l.sku) } }
                @if o.no_cancel { " · cannot be cancelled by asking once confirmed" }
            }
        }
        @if !d.flags.is_empty() {
            section.card.review aria-labelledby="review-h" {
                h2 #review-h { @if d.reviewed.is_some() { "Reviewed" } @else { "Flagged for review" } }
                ul { @for f in &d.flags { li { (f.reason) } } }
                @if let Some((at, by)) = &d.reviewed {
                    p { "Reviewed by " (by) ", " (time(at, ctx.page.zone)) "." }
                } @else {
                    p.hint { "Check with the customer before you confirm: confirming asks you to tick that you reviewed it." }
                }
                @if let Some(id) = o.customer_id { p { a href=(format!("/admin/customers/{id}")) { "The customer's history" } } }
            }
        }
        (super::requests::section(ctx, &d.requests, d.rating.as_ref(), &format!("/admin/orders/{}", o.code)))
        (error_summary(&echo.errors))
        (super::order_steps::next_steps(ctx, d, echo))
        (messages(ctx, o))
        (payments(ctx, d, echo))
        (customer(ctx, d))
        (crate::views::order::items_card(o, &d.lines, ctx.page.shop.currency_minor_units))
        (super::order_edit::section(ctx, d, echo))
        (tags_and_notes(ctx, d, echo))
        (timeline(ctx, &d.timeline))
    };
    admin(ctx, &format!("Order {}", o.code), body)
}

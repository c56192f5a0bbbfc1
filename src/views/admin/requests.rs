//! Customers' requests at the order desk: the queue (oldest first) and each request's answer form,
//! also shown on the order's own page.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::requests::{Ask, Rating, Request, RequestStatus};
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary, time};
use crate::views::layout::admin;

/// A request's answer form sent back to correct.
#[derive(Debug, Clone, Default)]
pub struct AnswerEcho {
    pub id: i64,
    pub reason: String,
    pub errors: FieldErrors,
}

fn address_line(r: &Request) -> Option<String> {
    let a = r.address.as_ref()?;
    let parts: Vec<&str> = [&a.line1, &a.line2, &a.city, &a.region, &a.postal_code, &a.country]
        .into_iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    Some(parts.join(", "))
}

/// One request: what was asked, and (while it is open) the form that answers it.
/// `top`: the request heads its page (h2), not a section of the order's page (h3).
pub fn request(ctx: &Admin, r: &Request, echo: Option<&AnswerEcho>, back: &str, top: bool) -> Markup {
    let echo = echo.filter(|e| e.id == r.id);
    let errors = echo.map(|e| e.errors.clone()).unwrap_or_default();
    let scope = format!("r{}", r.id);
    html! {
        article.request id=(format!("request-{}", r.id)) {
            @let title = html! {
                a href=(format!("/admin/orders/{}", r.code)) { (r.code) } " · " (r.kind.label())
                " · " span class=(format!("badge {}", r.status.as_str())) { (r.status.label()) }
            };
            @if top { h2 { (title) } } @else { h3 { (title) } }
            p { (r.customer) ", " (time(&r.created_at, ctx.page.zone)) }
            @if let Some(a) = address_line(r) { p { "New address: " strong { (a) } } }
            @if !r.message.is_empty() { blockquote { (r.message) } }
            @if r.status == RequestStatus::Open {
                (error_summary(&errors))
                form method="post" action=(format!("/admin/requests/{}/answer", r.id)) {
                    (csrf(&ctx.page.csrf))
                    input type="hidden" name="back" value=(back);
                    (Field::new("reason", "Note to the customer (needed to decline)", echo.map(|e| e.reason.as_str()).unwrap_or("")).scope(&scope).render(&errors))
                    button.primary type="submit" name="decision" value="approve" {
                        (match r.kind { Ask::Cancel => "Approve: cancel the order", Ask::Address => "Approve: change the address", Ask::Return => "Approve the return" })
                    }
                    " "
                    button type="submit" name="decision" value="decline" { "Decline" }
                }
            } @else {
                p { (r.status.label()) @if !r.answered_by.is_empty() { " by " (r.answered_by) } @if let Some(at) = &r.answered_at { ", " (time(at, ctx.page.zone)) } @if !r.answer.is_empty() { ": " (r.answer) } }
            }
        }
    }
}

/// The order page's section: the order's requests and its rating.
pub fn section(ctx: &Admin, requests: &[Request], rating: Option<&Rating>, back: &str) -> Markup {
    html! {
        @if !requests.is_empty() || rating.is_some() {
            section.card aria-labelledby="requests-h" {
                h2 #requests-h { "The customer's requests" }
                @for r in requests { (request(ctx, r, None, back, false)) }
                @if let Some((stars, comment, at, _)) = rating {
                    p { "Rated " strong { (stars) " of 5" } " on " (time(at, ctx.page.zone)) @if !comment.is_empty() { ": “" (comment) "”" } }
                }
            }
        }
    }
}

/// `/admin/orders/requests`: every open request, oldest first.
pub fn queue(ctx: &Admin, requests: &[Request], echo: Option<&AnswerEcho>) -> Markup {
    admin(
        ctx,
        "Customers' requests",
        html! {
            p { a href="/admin/orders" { "← Orders" } }
            @if requests.is_empty() {
                p { "No request is waiting. Customers ask to cancel, to change the address or to return an order from its page; their requests appear here." }
            }
            @for r in requests { (request(ctx, r, echo, "/admin/orders/requests", true)) }
        },
    )
}

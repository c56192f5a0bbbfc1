//! Customers: the list (search, filters, sorts) and a customer's page (figures, orders, notes,
//! tags, one-tap WhatsApp).

use maud::{Markup, html};

use super::orders::{rows, select};
use crate::domain::FieldErrors;
use crate::domain::customers::{Customer, CustomerFilter, PAGE_SIZE, Record, Sort, average_order};
use crate::domain::order_lists::ListRow;
use crate::domain::{money, whatsapp};
use crate::views::Admin;
use crate::views::components::{csrf, error_summary, time};
use crate::views::layout::admin;

pub struct ListPage {
    pub filter: CustomerFilter,
    pub customers: Vec<Customer>,
    pub more: bool,
    pub tags: Vec<String>,
}

pub fn list(ctx: &Admin, p: &ListPage) -> Markup {
    let f = &p.filter;
    let minor = ctx.page.shop.currency_minor_units;
    let currency = &ctx.page.shop.currency;
    let sorts: Vec<(String, String)> = Sort::ALL.iter().map(|s| (s.as_str().into(), s.label().into())).collect();
    let tags: Vec<(String, String)> = p.tags.iter().map(|t| (t.clone(), t.clone())).collect();
    let page = f.page.max(1);
    let body = html! {
        form.filters method="get" action="/admin/customers" role="search" {
            div.field {
                label for="f-q" { "Name, phone or email" }
                input #f-q type="search" name="q" value=(f.q) autocomplete="off";
            }
            div.filter-grid {
                (select("tag", "Tag", &f.tag, &tags))
                div.field {
                    label for="f-sort" { "Sort by" }
                    select #f-sort name="sort" {
                        @for (v, text) in &sorts { option value=(v) selected[*v == f.sort || (f.sort.is_empty() && v == "last_order")] { (text) } }
                    }
                }
            }
            span.choice-pair {
                input #f-open type="checkbox" name="open" value="1" checked[f.open == "1"];
                label for="f-open" { "With an open order" }
            }
            button type="submit" { "Search" }
            " " a href="/admin/customers" { "Clear" }
        }
        @if p.customers.is_empty() { p { "No customers match." } }
        ul.order-list {
            @for c in &p.customers {
                li {
                    a href=(format!("/admin/customers/{}", c.id)) {
                        span.code { (c.name) }
                        span.amount { (money::format(c.lifetime_value, currency, minor)) }
                        span.who { (c.phone) }
                        span.meta {
                            (c.order_count) " order" @if c.order_count != 1 { "s" }
                            @if c.open_orders > 0 { " · " (c.open_orders) " open" }
                            @if let Some(at) = &c.last_order_at { " · last " (time(at, ctx.page.zone)) }
                        }
                    }
                }
            }
        }
        nav.pager aria-label="Pages" {
            @if page > 1 { a rel="prev" href=(format!("/admin/customers?{}", f.query(page - 1))) { "Previous" } }
            @if p.more { a rel="next" href=(format!("/admin/customers?{}", f.query(page + 1))) { "Next" } }
        }
        @if ctx.is_owner() {
            p { a href="/admin/customers.csv" download { "Download all customers (CSV)" } }
        }
        p.hint { "A customer is a WhatsApp number: every order from it, under any name, is theirs. Showing " (PAGE_SIZE) " a page." }
    };
    admin(ctx, "Customers", body)
}

pub struct CustomerPage {
    pub customer: Customer,
    pub record: Record,
    pub orders: Vec<ListRow>,
    pub tags: Vec<String>,
    pub known_tags: Vec<String>,
    /// Blocked: since when and why.
    pub block: Option<(String, String)>,
}

/// What a refused form sent, to show it again.
#[derive(Debug, Default)]
pub struct Echo {
    pub note: Option<String>,
    pub tags: Option<String>,
    pub reason: Option<String>,
    pub errors: FieldErrors,
}

pub fn page(ctx: &Admin, p: &CustomerPage, echo: &Echo) -> Markup {
    let c = &p.customer;
    let r = &p.record;
    let minor = ctx.page.shop.currency_minor_units;
    let currency = &ctx.page.shop.currency;
    let fmt = |v: i64| money::format(v, currency, minor);
    let note = echo.note.as_deref().unwrap_or(&c.note);
    let tags = echo.tags.clone().unwrap_or_else(|| p.tags.join(", "));
    let body = html! {
        p { a href="/admin/customers" { "All customers" } }
        @if let Some((at, why)) = &p.block {
            section.card.blocked aria-labelledby="blocked-h" {
                h2 #blocked-h { "Blocked" }
                p { "Since " (time(at, ctx.page.zone)) @if !why.is_empty() { ": " (why) } ". Orders from this number are refused with a polite message." }
                form method="post" action=(format!("/admin/customers/{}/unblock", c.id)) {
                    (csrf(&ctx.page.csrf))
                    button type="submit" { "Unblock this number" }
                }
            }
        }
        section.card aria-labelledby="who-h" {
            h2 #who-h { "Contact" }
            p {
                (c.phone)
                @if let Some(at) = &c.whatsapp_verified_at {
                    " " span.badge.ok title=(format!("Proven {}", crate::views::components::time_text(at, ctx.page.zone))) { "WhatsApp verified" }
                }
                @if !c.email.is_empty() { br; (c.email) }
            }
            @if let Some(href) = whatsapp::link(&c.phone, "") {
                p { a.button.whatsapp href=(href.trim_end_matches("?text=")) rel="noopener" { "WhatsApp " (c.name) } }
            }
            p.hint { "Customer since " (time(&c.created_at, ctx.page.zone)) "." }
        }
        section.card aria-labelledby="figures-h" {
            h2 #figures-h { "Figures" }
            dl.figures {
                dt { "Lifetime value" } dd { (fmt(c.lifetime_value)) }
                dt { "Average order" } dd { @if let Some(a) = average_order(c.lifetime_value, r.valued) { (fmt(a)) } @else { "None yet" } }
                dt { "Orders" } dd { (c.order_count) @if c.open_orders > 0 { " (" (c.open_orders) " open)" } }
                dt { "Delivered" } dd { (r.delivered) }
                dt { "Cancelled" } dd { (r.cancelled) }
                dt { "Returned" } dd { (r.returned) }
                dt { "Delivery failed" } dd { (r.failed_delivery) }
                dt { "Refused cash on delivery" } dd { (r.refused_cod) }
            }
        }
        section.card aria-labelledby="orders-h" {
            h2 #orders-h { "Orders" }
            @if p.orders.is_empty() { p { "No orders." } }
            (rows(ctx, &p.orders, None))
            @if (p.orders.len() as i64) < c.order_count {
                p { a href=(format!("/admin/orders?tab=all&q={}", urlencode(&c.phone))) { "All " (c.order_count) " orders" } }
            }
        }
        section.card aria-labelledby="notes-h" {
            h2 #notes-h { "Notes and tags" }
            (error_summary(&echo.errors))
            form method="post" action=(format!("/admin/customers/{}/note", c.id)) {
                (csrf(&ctx.page.csrf))
                div.field {
                    label for="f-note" { "Notes (only you and your staff see them)" }
                    textarea #f-note name="note" rows="4" maxlength="2000" aria-describedby=[echo.errors.get("note").map(|_| "f-note-error")] { (note) }
                    @if let Some(e) = echo.errors.get("note") { p.error #f-note-error { (e) } }
                }
                button type="submit" { "Save notes" }
            }
            form method="post" action=(format!("/admin/customers/{}/tags", c.id)) {
                (csrf(&ctx.page.csrf))
                div.field {
                    label for="f-tags" { "Tags, separated by commas" }
                    input #f-tags type="text" name="tags" value=(tags) list="known-customer-tags" aria-describedby=[echo.errors.get("tags").map(|_| "f-tags-error")];
                    datalist #known-customer-tags { @for t in &p.known_tags { option value=(t) {} } }
                    @if let Some(e) = echo.errors.get("tags") { p.error #f-tags-error { (e) } }
                }
                button type="submit" { "Save tags" }
            }
        }
        @if p.block.is_none() {
            section.card aria-labelledby="block-h" {
                h2 #block-h { "Block this number" }
                p.hint { "Orders from a blocked number are refused on the storefront and the API with a polite message. You can still take their orders by hand." }
                form method="post" action=(format!("/admin/customers/{}/block", c.id)) {
                    (csrf(&ctx.page.csrf))
                    div.field {
                        label for="f-reason" { "Why (only you and your staff see it)" }
                        input #f-reason type="text" name="reason" maxlength="200" value=(echo.reason.as_deref().unwrap_or("")) aria-describedby=[echo.errors.get("reason").map(|_| "f-reason-error")];
                        @if let Some(e) = echo.errors.get("reason") { p.error #f-reason-error { (e) } }
                    }
                    button.danger type="submit" { "Block " (c.phone) }
                }
            }
        }
        @if ctx.is_owner() {
            section.card aria-labelledby="data-h" {
                h2 #data-h { "Their personal data" }
                p { a href=(format!("/admin/customers/{}/export.json", c.id)) download { "Download everything held about them (JSON)" } }
                form method="post" action=(format!("/admin/customers/{}/erase", c.id)) {
                    (csrf(&ctx.page.csrf))
                    p.hint { "Erasing removes their name, number, email, addresses and notes from every order, their account and their messages; amounts and items stay for your figures. It cannot be undone." }
                    div.field {
                        label for="f-confirm" { "Type their number to confirm" }
                        input #f-confirm type="text" name="confirm" inputmode="tel" autocomplete="off";
                    }
                    button.danger type="submit" { "Erase this customer" }
                }
            }
        }
    };
    admin(ctx, &c.name, body)
}

fn urlencode(s: &str) -> String {
    serde_urlencoded::to_string([("", s)]).unwrap_or_default().trim_start_matches('=').to_string()
}

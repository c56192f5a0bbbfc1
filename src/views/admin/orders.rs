//! The order desk's lists: Active (grouped by what to do next), Drafts (oldest first, with "clear
//! old drafts"), All (filters and search), and the confirmation step of clearing drafts.

use maud::{Markup, html};

use crate::domain::money;
use crate::domain::order_lists::{Filter, ListRow, Tab};
use crate::domain::orders::{CHANNELS, PaymentStatus, Status};
use crate::views::components::{csrf, time};
use crate::views::layout::admin;

use crate::views::Admin;

/// What one of the desk's lists shows.
pub enum Listing {
    /// Each group's title, its first orders and how many it has.
    Active(Vec<(&'static str, &'static [Status], Vec<ListRow>, i64)>),
    Drafts {
        rows: Vec<ListRow>,
        count: i64,
        now: chrono::DateTime<chrono::Utc>,
    },
    All {
        rows: Vec<ListRow>,
        more: bool,
    },
    /// Flagged orders waiting for review, oldest first, and how many there are.
    Review {
        rows: Vec<ListRow>,
        count: i64,
    },
}

/// Everything the list page needs.
pub struct ListPage {
    pub filter: Filter,
    pub listing: Listing,
    /// (code, name) of delivery and payment methods, and tags used before, for the filters.
    pub deliveries: Vec<(String, String)>,
    pub payments: Vec<(String, String)>,
    pub tags: Vec<String>,
    /// Default hours for "clear drafts older than".
    pub draft_hours: i64,
    /// Flagged orders waiting for review.
    pub review_count: i64,
    /// Customers' requests waiting for an answer.
    pub requests_count: i64,
}

pub fn status_badge(s: Status) -> Markup {
    html! { span class=(format!("badge status-{}", s.as_str())) { (s.label()) } }
}

pub fn payment_badge(p: PaymentStatus) -> Markup {
    html! { span class=(format!("badge pay-{}", p.as_str())) { (p.label()) } }
}

/// How long ago, in the largest whole unit: "3 h", "2 d", "12 min".
pub fn age(from: &str, now: chrono::DateTime<chrono::Utc>) -> String {
    let Some(t) = crate::domain::time::parse_ts(from) else { return String::new() };
    let mins = (now - t).num_minutes().max(0);
    match mins {
        0..60 => format!("{mins} min"),
        60..2880 => format!("{} h {} min", mins / 60, mins % 60),
        _ => format!("{} d", mins / 1440),
    }
}

pub(crate) fn rows(ctx: &Admin, rows: &[ListRow], now: Option<chrono::DateTime<chrono::Utc>>) -> Markup {
    let minor = ctx.page.shop.currency_minor_units;
    html! {
        ul.order-list {
            @for r in rows {
                li {
                    a href=(format!("/admin/orders/{}", r.code)) {
                        span.code { (r.code) }
                        span.amount { (money::format(r.total, &r.currency, minor)) }
                        span.who { (r.customer_name) }
                        span.badges { (status_badge(r.status)) " " (payment_badge(r.payment_status)) }
                        span.meta {
                            (r.units) " item" @if r.units != 1 { "s" } " · " (r.payment_name) " · " (r.delivery_name)
                            " · " @if let Some(now) = now { (age(&r.created_at, now)) " old" } @else { (time(&r.created_at, ctx.page.zone)) }
                        }
                    }
                }
            }
        }
    }
}

fn tabs(ctx: &Admin, current: Tab, review: i64) -> Markup {
    let counts = ctx.counts;
    let mut shown = vec![(Tab::Active, "Active", Some(counts.1)), (Tab::Drafts, "Drafts", Some(counts.0))];
    if review > 0 || current == Tab::Review {
        shown.push((Tab::Review, "Review", Some(review)));
    }
    shown.push((Tab::All, "All", None));
    html! {
        nav.tabs aria-label="Orders" {
            @for (tab, label, n) in shown {
                a href=(format!("/admin/orders?tab={}", tab.as_str())) aria-current=[(tab == current).then_some("page")] {
                    (label) @if let Some(n) = n { " " span.count { (n) } }
                }
            }
            a.button href="/admin/orders/new" { "New order" }
        }
    }
}

pub(crate) fn select(name: &'static str, label: &str, value: &str, options: &[(String, String)]) -> Markup {
    let id = format!("f-{name}");
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                option value="" { "Any" }
                @for (v, text) in options { option value=(v) selected[v == value] { (text) } }
            }
        }
    }
}

fn filters(p: &ListPage) -> Markup {
    let f = &p.filter;
    let statuses: Vec<(String, String)> = Status::ALL.iter().map(|s| (s.as_str().into(), s.label().into())).collect();
    let paid: Vec<(String, String)> =
        PaymentStatus::ALL.iter().map(|s| (s.as_str().into(), s.label().into())).collect();
    let channels: Vec<(String, String)> = CHANNELS.iter().map(|c| (c.to_string(), c.replace('_', " "))).collect();
    let tags: Vec<(String, String)> = p.tags.iter().map(|t| (t.clone(), t.clone())).collect();
    html! {
        form.filters method="get" action="/admin/orders" role="search" {
            input type="hidden" name="tab" value="all";
            div.field {
                label for="f-q" { "Code, name, phone or email" }
                input #f-q type="search" name="q" value=(f.q) autocomplete="off";
            }
            details open[!f.status.is_empty() || !f.payment_status.is_empty() || !f.payment.is_empty() || !f.delivery.is_empty() || !f.channel.is_empty() || !f.tag.is_empty() || !f.from.is_empty() || !f.to.is_empty()] {
                summary { "Filters" }
                div.filter-grid {
                    (select("status", "Status", &f.status, &statuses))
                    (select("payment_status", "Payment", &f.payment_status, &paid))
                    (select("payment", "Payment method", &f.payment, &p.payments))
                    (select("delivery", "Delivery", &f.delivery, &p.deliveries))
                    (select("channel", "Channel", &f.channel, &channels))
                    (select("tag", "Tag", &f.tag, &tags))
                    div.field { label for="f-from" { "Placed from" } input #f-from type="date" name="from" value=(f.from); }
                    div.field { label for="f-to" { "Placed until" } input #f-to type="date" name="to" value=(f.to); }
                }
            }
            button type="submit" { "Search" }
            " " a href="/admin/orders?tab=all" { "Clear" }
        }
    }
}

/// Downloads every order these filters find (not just this page) as CSV.
fn export_form(f: &Filter) -> Markup {
    let kept = [
        ("status", &f.status),
        ("payment_status", &f.payment_status),
        ("payment", &f.payment),
        ("delivery", &f.delivery),
        ("channel", &f.channel),
        ("tag", &f.tag),
        ("from", &f.from),
        ("to", &f.to),
        ("q", &f.q),
    ];
    html! {
        form.export method="get" action="/admin/orders.csv" aria-labelledby="export-h" {
            h2 #export-h { "Download these orders" }
            @for (name, value) in kept {
                @if !value.is_empty() { input type="hidden" name=(name) value=(value); }
            }
            span.choice-pair {
                input #f-export-lines type="checkbox" name="lines" value="1";
                label for="f-export-lines" { "One row per item" }
            }
            span.choice-pair {
                input #f-export-bom type="checkbox" name="bom" value="1";
                label for="f-export-bom" { "For Excel" }
            }
            button type="submit" { "Download CSV" }
        }
    }
}

pub fn list(ctx: &Admin, p: &ListPage) -> Markup {
    let tab = Tab::parse(&p.filter.tab).unwrap_or_default();
    let body = html! {
        (tabs(ctx, tab, p.review_count))
        @if p.requests_count > 0 {
            p.notice { a href="/admin/orders/requests" { (p.requests_count) " customer request(s) waiting for your answer" } }
        }
        @match &p.listing {
            Listing::Active(groups) => {
                @if groups.iter().all(|(_, _, _, n)| *n == 0) { p { "No open orders. New ones show here once acknowledged or placed." } }
                @for (title, statuses, list, n) in groups {
                    @if *n > 0 {
                        section aria-label=(title) {
                            h2 { (title) " " span.count { (n) } }
                            (rows(ctx, list, Some(ctx.page.now)))
                            @if (list.len() as i64) < *n {
                                p {
                                    "See all " (n) ": "
                                    @for (i, s) in statuses.iter().enumerate() {
                                        @if i > 0 { " · " }
                                        a href=(format!("/admin/orders?tab=all&status={}", s.as_str())) { (s.label()) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            Listing::Drafts { rows: list, count, now } => {
                p.hint { "Drafts wait for the customer's WhatsApp message. Tap one, then “WhatsApp received” when it arrives." }
                form.inline method="get" action="/admin/orders/clear-drafts" {
                    label for="f-hours" { "Clear drafts older than" }
                    input #f-hours type="number" name="hours" min="1" max="8760" value=(p.draft_hours) required;
                    " hours "
                    button type="submit" { "Review…" }
                }
                @if *count == 0 { p { "No drafts." } }
                (rows(ctx, list, Some(*now)))
                @if (list.len() as i64) < *count { p { "Showing the oldest " (list.len()) " of " (count) "." } }
            }
            Listing::Review { rows: list, count } => {
                p.hint { "Your review rules flagged these orders when they were placed. Open one to see why; confirming it asks you to tick that you reviewed it." }
                @if *count == 0 { p { "Nothing to review." } }
                (rows(ctx, list, Some(ctx.page.now)))
                @if (list.len() as i64) < *count { p { "Showing the oldest " (list.len()) " of " (count) "." } }
            }
            Listing::All { rows: list, more } => {
                (filters(p))
                @if list.is_empty() { p { "No orders match." } }
                (rows(ctx, list, None))
                nav.pager aria-label="Pages" {
                    @if p.filter.page > 1 { a rel="prev" href=(format!("/admin/orders?{}", p.filter.query(p.filter.page - 1))) { "Previous" } }
                    @if *more { a rel="next" href=(format!("/admin/orders?{}", p.filter.query(p.filter.page.max(1) + 1))) { "Next" } }
                }
                (export_form(&p.filter))
            }
        }
    };
    admin(ctx, "Orders", body)
}

/// The confirmation step of clearing old drafts: the exact count, then one button.
pub fn clear_drafts(ctx: &Admin, hours: i64, cutoff: &str, count: usize) -> Markup {
    let body = html! {
        @if count == 0 {
            p { "No draft is older than " (hours) " hours. Nothing to clear." }
        } @else {
            p { strong { (count) " draft" @if count != 1 { "s" } } " placed before " (time(cutoff, ctx.page.zone)) " will be cancelled with the reason “expired”, and their stock released. Orders that are not drafts are never touched." }
            form method="post" action="/admin/orders/clear-drafts" {
                (csrf(&ctx.page.csrf))
                input type="hidden" name="before" value=(cutoff);
                input type="hidden" name="expected" value=(count);
                button.danger type="submit" { "Cancel " (count) " draft" @if count != 1 { "s" } }
            }
        }
        p { a href="/admin/orders?tab=drafts" { "Back to drafts" } }
    };
    admin(ctx, "Clear old drafts", body)
}

//! The dashboard page.

use std::time::Duration;

use maud::{Markup, html};

use crate::domain::audit::AuditRow;
use crate::domain::dashboard::{Figures, Period, duration_text};
use crate::views::Admin;
use crate::views::components::{csrf, time};
use crate::views::layout::admin;

pub struct Status {
    pub mail_problem: Option<&'static str>,
    pub outbox_pending: i64,
    pub outbox_failed: i64,
    pub last_backup_age: Option<Duration>,
    pub backups_scheduled: bool,
    pub my_sessions: i64,
    pub recent: Vec<AuditRow>,
    pub period: Period,
    pub figures: Figures,
}

/// A bar chart drawn by the server: one bar per value, the largest full height. The chart is an
/// image with a one-line description; the table after it holds every figure.
fn bars(label: &str, values: &[(String, i64)], show: impl Fn(i64) -> String) -> Markup {
    const W: i64 = 600;
    const H: i64 = 160;
    let max = values.iter().map(|(_, v)| *v).max().unwrap_or(0).max(1);
    let n = values.len().max(1) as i64;
    let slot = W / n;
    let gap = (slot / 5).clamp(1, 12);
    let best = values.iter().max_by_key(|(_, v)| *v);
    let summary = match best {
        Some((name, v)) if *v > 0 => format!("{label}: highest {} ({name}).", show(*v)),
        _ => format!("{label}: none in this period."),
    };
    html! {
        figure.chart {
            svg viewBox=(format!("0 0 {W} {}", H + 24)) role="img" aria-label=(summary) preserveAspectRatio="none" {
                @for (i, (name, v)) in values.iter().enumerate() {
                    @let h = (v * H / max).max(if *v > 0 { 2 } else { 0 });
                    rect x=((i as i64) * slot + gap / 2) y=(H - h) width=((slot - gap).max(1)) height=(h) fill="currentColor" {
                        title { (name) ": " (show(*v)) }
                    }
                }
                line x1="0" y1=(H) x2=(W) y2=(H) stroke="currentColor" stroke-width="1" {}
                @if let (Some((first, _)), Some((last, _))) = (values.first(), values.last()) {
                    text x="0" y=(H + 18) font-size="14" fill="currentColor" { (first) }
                    @if values.len() > 1 { text x=(W) y=(H + 18) font-size="14" text-anchor="end" fill="currentColor" { (last) } }
                }
            }
            figcaption { (summary) }
        }
    }
}

fn figures(ctx: &Admin, s: &Status) -> Markup {
    let f = &s.figures;
    let shop = &ctx.page.shop;
    let money = |v: i64| crate::domain::money::format(v, &shop.currency, shop.currency_minor_units);
    let days: Vec<(String, i64)> =
        f.revenue_per_day.iter().map(|(d, v)| (d.format("%-d %b").to_string(), *v)).collect();
    let statuses: Vec<(String, i64)> = f.per_status.iter().map(|(st, n)| (st.label().to_string(), *n)).collect();
    html! {
        nav.tabs aria-label="Period" {
            @for p in Period::ALL {
                a href=(format!("/admin?period={}", p.as_str())) aria-current=[(p == s.period).then_some("page")] { (p.label()) }
            }
        }
        section.stats aria-label=(format!("The shop, {}", s.period.label().to_lowercase())) {
            div.stat { span.label { "Revenue" } span.value { (money(f.revenue)) } }
            div.stat { span.label { "Orders placed" } span.value { (f.placed) } }
            div.stat { span.label { "Average order" } span.value { (f.average_order.map(money).unwrap_or_else(|| "—".into())) } }
            div.stat {
                span.label { "Completed (delivered ÷ placed)" }
                span.value { @if let Some(p) = f.completion_permille { (p / 10) "." (p % 10) "%" } @else { "—" } }
            }
            div.stat { span.label { "Drafts abandoned" } span.value { (f.abandoned) } }
            div.stat {
                span.label { "Confirmation to shipping (median)" }
                span.value { (f.median_to_ship.map(duration_text).unwrap_or_else(|| "—".into())) }
            }
            div.stat {
                span.label { "Awaiting payment now" }
                span.value { a href="/admin/orders?tab=all&status=awaiting_payment" { (f.awaiting) } " · " (money(f.awaiting_total)) }
            }
        }
        p.hint { "Revenue and average order count the period's orders that were confirmed and not cancelled or returned. Days are in " (ctx.page.zone.name()) "." }
        section.card aria-labelledby="revenue-h" {
            h2 #revenue-h { "Revenue per day" }
            (bars("Revenue per day", &days, money))
            details {
                summary { "Revenue per day as a table" }
                table {
                    thead { tr { th scope="col" { "Day" } th scope="col" { "Revenue" } } }
                    tbody { @for (d, v) in &days { tr { th scope="row" { (d) } td { (money(*v)) } } } }
                }
            }
        }
        section.card aria-labelledby="status-h" {
            h2 #status-h { "The period's orders by status" }
            @if statuses.is_empty() { p { "No orders in this period." } } @else {
                (bars("Orders by status", &statuses, |n| n.to_string()))
                details {
                    summary { "Orders by status as a table" }
                    table {
                        thead { tr { th scope="col" { "Status" } th scope="col" { "Orders" } } }
                        tbody { @for (st, n) in &statuses { tr { th scope="row" { (st) } td { (n) } } } }
                    }
                }
            }
        }
        section.card aria-labelledby="top-h" {
            h2 #top-h { "Top products" }
            @if f.top.is_empty() { p { "Nothing sold in this period yet." } } @else {
                table {
                    thead { tr { th scope="col" { "Product" } th scope="col" { "Units" } th scope="col" { "Revenue" } } }
                    tbody {
                        @for t in &f.top {
                            tr { th scope="row" { a href=(format!("/p/{}", t.slug)) { (t.title) } } td { (t.units) } td { (money(t.revenue)) } }
                        }
                    }
                }
            }
        }
        section.card aria-labelledby="low-h" {
            h2 #low-h { "Low stock" }
            @if f.low_stock.is_empty() { p { "Nothing is running low." } } @else {
                table {
                    thead { tr { th scope="col" { "Product" } th scope="col" { "SKU" } th scope="col" { "Left to sell" } } }
                    tbody {
                        @for l in &f.low_stock {
                            tr {
                                th scope="row" { a href=(format!("/admin/products/{}", l.product_id)) { (l.title) } @if !l.options.is_empty() { " (" (l.options) ")" } }
                                td { (l.sku) }
                                td { (l.available.max(0)) }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn age(d: Duration) -> String {
    let h = d.as_secs() / 3600;
    match h {
        0 => "less than an hour ago".into(),
        1..=47 => format!("{h} hours ago"),
        _ => format!("{} days ago", h / 24),
    }
}

pub fn page(ctx: &Admin, s: &Status) -> Markup {
    let shop = &ctx.page.shop;
    let mut todo: Vec<Markup> = Vec::new();
    if ctx.is_owner() {
        if shop.whatsapp_number.is_empty() {
            todo.push(html! { "Add the shop's WhatsApp number in " a href="/admin/settings" { "Settings" } " so customers can reach you." });
        }
        if shop.contact_email.is_empty() {
            todo.push(html! { "Add a contact email in " a href="/admin/settings" { "Settings" } "." });
        }
        if let Some(p) = s.mail_problem {
            todo.push(html! { (p) " " a href="/admin/outbox" { "Outbox" } });
        }
        if s.outbox_failed > 0 {
            todo.push(html! { (s.outbox_failed) " email(s) could not be delivered. " a href="/admin/outbox?status=failed" { "See the outbox" } });
        }
        if !s.backups_scheduled {
            todo.push(html! { "Nightly backups are switched off ([jobs] backup is empty)." });
        }
    }
    admin(
        ctx,
        "Dashboard",
        html! {
            @if !todo.is_empty() {
                section.card aria-labelledby="todo-h" {
                    h2 #todo-h { "To do" }
                    ul { @for item in &todo { li { (item) } } }
                }
            }
            (figures(ctx, s))
            section.stats aria-label="Shop status" {
                div.stat { span.label { "Mail waiting" } span.value { (s.outbox_pending) } }
                div.stat { span.label { "Mail failed" } span.value { (s.outbox_failed) } }
                div.stat {
                    span.label { "Last backup" }
                    span.value { (s.last_backup_age.map(age).unwrap_or_else(|| "none yet".into())) }
                }
            }
            @if !s.recent.is_empty() {
                section.card aria-labelledby="recent-h" {
                    h2 #recent-h { "Recent activity" }
                    ul.plain {
                        @for r in &s.recent {
                            li { (time(&r.at, ctx.page.zone)) " · " (r.actor) " · " code { (r.action) } " " (r.target) }
                        }
                    }
                    p { a href="/admin/audit" { "Full audit log" } }
                }
            }
            section.card aria-labelledby="sessions-h" {
                h2 #sessions-h { "Your sessions" }
                p { "You are signed in on " (s.my_sessions) " device(s)." }
                form method="post" action="/admin/logout-everywhere" {
                    (csrf(&ctx.page.csrf))
                    button type="submit" { "Sign out everywhere" }
                }
            }
        },
    )
}

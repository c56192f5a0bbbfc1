//! The dashboard page.

use std::time::Duration;

use maud::{Markup, html};

use crate::domain::audit::AuditRow;
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

//! Operations pages: the audit log, jobs and the outbox.

use maud::{Markup, html};

use crate::domain::audit::{AuditRow, Filter};
use crate::domain::jobs::JobRun;
use crate::domain::outbox::{Message, MessageStatus};
use crate::views::Admin;
use crate::views::components::{csrf, time};
use crate::views::layout::admin;

pub fn audit(
    ctx: &Admin,
    f: &Filter,
    rows: &[AuditRow],
    facets: &(Vec<String>, Vec<String>),
    page_size: i64,
) -> Markup {
    let older = (rows.len() as i64 == page_size).then(|| rows.last().map(|r| r.id)).flatten();
    let older_href = older.map(|id| {
        let q =
            serde_urlencoded::to_string([("actor", &f.actor), ("action", &f.action), ("from", &f.from), ("to", &f.to)])
                .unwrap_or_default();
        format!("/admin/audit?{q}&before={id}")
    });
    admin(
        ctx,
        "Audit log",
        html! {
            form.filters method="get" action="/admin/audit" {
                div.field {
                    label for="f-actor" { "User" }
                    select #f-actor name="actor" {
                        option value="" { "Anyone" }
                        @for a in &facets.0 { option value=(a) selected[*a == f.actor] { (a) } }
                    }
                }
                div.field {
                    label for="f-action" { "Action" }
                    select #f-action name="action" {
                        option value="" { "Any action" }
                        @for a in &facets.1 { option value=(a) selected[*a == f.action] { (a) } }
                    }
                }
                div.field { label for="f-from" { "From" } input #f-from type="date" name="from" value=(f.from); }
                div.field { label for="f-to" { "To" } input #f-to type="date" name="to" value=(f.to); }
                button type="submit" { "Filter" }
            }
            @if rows.is_empty() {
                p { "Nothing recorded matches." }
            } @else {
                div.table-wrap tabindex="0" role="region" aria-label="Table, scrolls sideways on small screens" {
                    table {
                        thead { tr { th { "When" } th { "Who" } th { "Action" } th { "What" } th { "Details" } th { "From" } } }
                        tbody {
                            @for r in rows {
                                tr { td { (time(&r.at, ctx.page.zone)) } td { (r.actor) } td { code { (r.action) } } td { (r.target) } td { (r.detail) } td { (r.ip) } }
                            }
                        }
                    }
                }
            }
            @if let Some(href) = older_href { p { a href=(href) { "Older entries" } } }
        },
    )
}

pub fn jobs(ctx: &Admin, schedules: &[(&str, &str, &str)], runs: &[JobRun]) -> Markup {
    admin(
        ctx,
        "Jobs",
        html! {
            section.card aria-labelledby="sched-h" {
                h2 #sched-h { "Scheduled jobs" }
                p.hint { "Schedules are cron strings with seconds, in UTC, set under [jobs] in config.toml. An empty one disables the job." }
                table {
                    thead { tr { th { "Job" } th { "What it does" } th { "Schedule" } th { span.visually-hidden { "Run" } } } }
                    tbody {
                        @for (name, what, cron) in schedules {
                            tr {
                                td { (name) } td { (what) }
                                td { @if cron.is_empty() { "off" } @else { code { (cron) } } }
                                td {
                                    form method="post" action=(format!("/admin/jobs/{name}/run")) {
                                        (csrf(&ctx.page.csrf))
                                        button type="submit" aria-label=(format!("Run now: {name}")) { "Run now" }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.card aria-labelledby="runs-h" {
                h2 #runs-h { "Recent runs" }
                @if runs.is_empty() { p { "No job has run yet." } } @else {
                    div.table-wrap tabindex="0" role="region" aria-label="Table, scrolls sideways on small screens" {
                        table {
                            thead { tr { th { "Job" } th { "Started" } th { "Finished" } th { "Trigger" } th { "Outcome" } th { "Message" } } }
                            tbody {
                                @for r in runs {
                                    tr {
                                        td { (r.job) } td { (time(&r.started_at, ctx.page.zone)) }
                                        td { @if let Some(f) = &r.finished_at { (time(f, ctx.page.zone)) } }
                                        td { (r.trigger) }
                                        td { span class=(format!("badge {}", r.outcome)) { (r.outcome) } }
                                        td { (r.message) }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub fn outbox(ctx: &Admin, status: &str, messages: &[Message], problem: Option<&str>) -> Markup {
    admin(
        ctx,
        "Outbox",
        html! {
            @if let Some(p) = problem { p.notice { (p) } }
            nav.tabs aria-label="Filter by status" {
                @for (value, label) in [("", "All"), ("pending", "Waiting"), ("sent", "Sent"), ("failed", "Failed")] {
                    a href=(if value.is_empty() { "/admin/outbox".to_string() } else { format!("/admin/outbox?status={value}") })
                        aria-current=[(status == value).then_some("page")] { (label) }
                }
            }
            @if messages.is_empty() { p { "No messages." } } @else {
                div.table-wrap tabindex="0" role="region" aria-label="Table, scrolls sideways on small screens" {
                    table {
                        thead { tr { th { "Created" } th { "Channel" } th { "To" } th { "Subject" } th { "Status" } th { "Attempts" } th { "Last error" } th { span.visually-hidden { "Retry" } } } }
                        tbody {
                            @for m in messages {
                                tr {
                                    td { (time(&m.created_at, ctx.page.zone)) } td { (m.channel.label()) } td { (m.to) } td { (m.subject) }
                                    td { span class=(format!("badge {}", m.status.as_str())) { (m.status.as_str()) } }
                                    td { (m.attempts) } td { (m.last_error) }
                                    td {
                                        @if m.status != MessageStatus::Sent {
                                            form method="post" action=(format!("/admin/outbox/{}/retry", m.id)) {
                                                (csrf(&ctx.page.csrf))
                                                button type="submit" aria-label=(format!("Retry now: the message to {}", m.to)) { "Retry now" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

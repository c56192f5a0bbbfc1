//! Settings → Notifications (owner only): which messages go out, the follow-ups' timing, the
//! processing time the order-received message promises, a preview of each message, mail's state
//! and what SPF, DKIM and DMARC are, in plain words.

use maud::{Markup, html};

use super::super::components::{Field, csrf, error_summary};
use crate::domain::FieldErrors;
use crate::domain::notify::{Audience, Notice, NoticeSettingsInput};
use crate::views::layout::admin;
use crate::views::page::Admin;

/// What the page shows besides the form.
pub struct MailState<'a> {
    /// Why mail cannot go out now (no SMTP server, no sender), if it cannot.
    pub problem: Option<&'a str>,
    /// Messages waiting and messages given up on.
    pub pending: i64,
    pub failed: i64,
    /// The address messages come from, and the domain SPF, DKIM and DMARC are about.
    pub from: String,
    pub domain: String,
}

fn notice_rows(form: &NoticeSettingsInput, audience: Audience) -> Markup {
    html! {
        ul.plain {
            @for n in Notice::ALL.into_iter().filter(|n| n.audience() == audience) {
                li {
                    span.choice-pair {
                        input id=(format!("f-on-{n}")) type="checkbox" name="on" value=(n.as_str())
                            checked[form.on.iter().any(|x| x == n.as_str())];
                        label for=(format!("f-on-{n}")) { (n.label()) }
                    }
                    " · " a href=(format!("/admin/settings/notifications/{n}/preview")) { "Preview" span.visually-hidden { ": " (n.label()) } }
                    " · " a href=(format!("/admin/settings/notifications/{n}/preview?part=text")) { "Plain text" span.visually-hidden { ": " (n.label()) } }
                }
            }
        }
    }
}

pub fn page(ctx: &Admin, form: &NoticeSettingsInput, errors: &FieldErrors, mail: &MailState) -> Markup {
    admin(
        ctx,
        "Notifications",
        html! {
            (super::settings::tabs("/admin/settings/notifications"))
            @if let Some(problem) = mail.problem {
                p.notice role="status" { strong { "Email is not going out: " } (problem) " Messages wait in the " a href="/admin/outbox" { "outbox" } " until it is." }
            }
            p {
                "Messages waiting: " (mail.pending) ". Given up: " (mail.failed) ". "
                a href="/admin/outbox?status=failed" { "See the outbox" } " (failures and a retry button for each)."
            }
            (error_summary(errors))
            form method="post" action="/admin/settings/notifications" {
                (csrf(&ctx.page.csrf))
                fieldset {
                    legend { "To the customer (when they gave an email)" }
                    (notice_rows(form, Audience::Customer))
                }
                fieldset {
                    legend { "To you (the shop's contact email, or every owner)" }
                    (notice_rows(form, Audience::Seller))
                }
                fieldset {
                    legend { "Timing and wording" }
                    (Field::new("reminder_hours", "Payment reminder after (hours awaiting payment with nothing paid)", &form.reminder_hours).inputmode("numeric").render(errors))
                    (Field::new("review_days", "Review request after (days since delivery)", &form.review_days).inputmode("numeric").render(errors))
                    (Field::new("summary_hour", "Daily summary at (hour of your day, 0–23)", &form.summary_hour).inputmode("numeric").render(errors))
                    (Field::new("processing_time", "Processing time (in the order-received message)", &form.processing_time)
                        .hint("For example: “We pack orders within 1–2 working days.” Empty says nothing.").render(errors))
                }
                button type="submit" { "Save" }
            }
            p { "Every message is sent at most once per order and event, even when a restart or a retry comes in between. Reminders and review requests carry a one-click unsubscribe; messages about an order the customer placed always go." }
            section aria-labelledby="deliverability" {
                h2 #deliverability { "Making sure messages arrive" }
                p { "Messages come from " strong { (mail.from) } ". Mail providers trust a message when the domain " strong { (mail.domain) } " says who may send for it. Your mail provider (the one whose SMTP server Souk uses) shows the exact records to add at whoever manages your domain's DNS:" }
                dl {
                    dt { "SPF" }
                    dd { "A TXT record on " (mail.domain) " listing the servers allowed to send its mail. Without it, messages from your SMTP provider look forged." }
                    dt { "DKIM" }
                    dd { "A key your provider signs each message with; you publish the public half as a TXT (or CNAME) record. It proves the message was not changed on the way." }
                    dt { "DMARC" }
                    dd { "A TXT record on _dmarc." (mail.domain) " telling providers what to do with mail that fails SPF and DKIM. Start with " code { "v=DMARC1; p=none" } ", then tighten to " code { "p=quarantine" } " once everything passes." }
                }
                p { "Send yourself a test email from " a href="/admin/settings" { "Shop settings" } " and look at its headers: “spf=pass”, “dkim=pass” and “dmarc=pass” mean all three work." }
            }
        },
    )
}

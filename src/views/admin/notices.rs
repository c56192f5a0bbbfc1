//! Settings → Notifications (owner only): which messages go out, the follow-ups' timing, the
//! processing time the order-received message promises, a preview of each message, mail's state
//! and what SPF, DKIM and DMARC are, in plain words.

use maud::{Markup, html};

use super::super::components::{Field, csrf, error_summary};
use crate::domain::FieldErrors;
use crate::domain::notify::{Audience, Notice, NoticeSettingsInput};
use crate::domain::whatsapp_cloud::{CloudInput, Mode, customer_notices, template_field};
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

/// The WhatsApp section's form as shown: what was typed (or saved), whether a token is saved.
pub struct CloudForm<'a> {
    pub input: &'a CloudInput,
    pub token_saved: bool,
    pub errors: &'a FieldErrors,
}

fn whatsapp(ctx: &Admin, f: &CloudForm) -> Markup {
    let e = f.errors;
    html! {
        section aria-labelledby="whatsapp" {
            h2 #whatsapp { "WhatsApp messages (Cloud API)" }
            p { "With Meta's WhatsApp Business Cloud API, the notices that have a template also go to the customer's WhatsApp. Without it, keep using the order desk's one-tap WhatsApp buttons. "
                "What to set up at Meta is in the README (“WhatsApp notifications”)." }
            p { "Every template takes four body parameters, in this order: " code { "{{1}}" } " the customer's first name, " code { "{{2}}" } " the order code, "
                code { "{{3}}" } " what the message is about (an amount, the courier and tracking number, a reason), " code { "{{4}}" } " the order's link." }
            (error_summary(e))
            form method="post" action="/admin/settings/notifications/whatsapp" {
                (csrf(&ctx.page.csrf))
                fieldset {
                    legend { "Sending" }
                    @if let Some(m) = e.get("mode") { p.error #mode-error { (m) } }
                    @for mode in Mode::ALL {
                        span.choice-pair {
                            input id=(format!("f-mode-{}", mode.as_str())) type="radio" name="mode" value=(mode.as_str())
                                checked[f.input.mode == mode.as_str()];
                            label for=(format!("f-mode-{}", mode.as_str())) { (mode.label()) }
                        }
                    }
                }
                (Field::new("phone_number_id", "Phone number ID", &f.input.phone_number_id).inputmode("numeric")
                    .hint("WhatsApp Manager → Phone numbers: the long number under “Phone number ID”, not the phone number.").render(e))
                (Field::new("access_token", "Access token", "").kind("password").autocomplete("off")
                    .hint(if f.token_saved { "A token is saved; it is never shown. Leave this empty to keep it." } else { "A permanent System User token with the whatsapp_business_messaging permission." }).render(e))
                @if f.token_saved {
                    p {
                        span.choice-pair {
                            input #f-forget_token type="checkbox" name="forget_token" value="on";
                            label for="f-forget_token" { "Remove the saved token" }
                        }
                    }
                }
                (Field::new("language", "Templates' language code", &f.input.language).hint("As approved at Meta: en, en_US, hi, pt_BR.").render(e))
                fieldset {
                    legend { "Approved template for each message (empty: email only)" }
                    @for n in customer_notices() {
                        (Field::new(template_field(n), n.label(), f.input.templates.get(&n).map(String::as_str).unwrap_or("")).render(e))
                    }
                }
                (Field::new("sign_in_template", "Sign-in code template (optional)", &f.input.sign_in_template)
                    .hint("An approved template of the Authentication category with a copy-code button: customers can then sign in at /account with a code sent to their WhatsApp, which proves their number.").render(e))
                button type="submit" { "Save WhatsApp settings" }
            }
        }
    }
}

pub fn page(
    ctx: &Admin,
    form: &NoticeSettingsInput,
    errors: &FieldErrors,
    mail: &MailState,
    cloud: &CloudForm,
) -> Markup {
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
            (whatsapp(ctx, cloud))
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

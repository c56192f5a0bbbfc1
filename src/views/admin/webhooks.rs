//! The webhooks page (owner only): endpoints with their events, the form that adds one, a new
//! signing secret shown once, how a receiver checks the signature, and the recent deliveries with
//! a button to send one again.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::outbox::MessageStatus;
use crate::domain::webhooks::{Delivery, Endpoint, Event};
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary, time};
use crate::views::layout::admin;

/// The form that adds an endpoint.
#[derive(Debug, Default, Clone)]
pub struct EndpointForm {
    pub url: String,
    pub description: String,
    pub events: Vec<String>,
}

pub struct Listing {
    pub endpoints: Vec<Endpoint>,
    pub deliveries: Vec<Delivery>,
    /// `[webhooks] allow_private`.
    pub allow_private: bool,
}

/// A secret to show once: the endpoint's address and its secret.
pub struct Secret<'a> {
    pub url: &'a str,
    pub secret: &'a str,
    pub new_endpoint: bool,
}

fn delivery_state(d: &Delivery, zone: crate::domain::zone::Zone) -> Markup {
    html! {
        @match d.status {
            MessageStatus::Sent => {
                "Delivered" @if let Some(at) = &d.sent_at { " " (time(at, zone)) }
            }
            MessageStatus::Pending if d.attempts == 0 => { "Waiting to be sent" }
            MessageStatus::Pending => { "Attempt " (d.attempts) " failed; next try " (time(&d.next_attempt_at, zone)) }
            MessageStatus::Failed => { strong { "Failed" } " after " (d.attempts) " attempt(s)" }
        }
    }
}

pub fn page(ctx: &Admin, l: &Listing, form: &EndpointForm, errors: &FieldErrors, secret: Option<Secret<'_>>) -> Markup {
    let token = &ctx.page.csrf;
    let zone = ctx.page.zone;
    admin(
        ctx,
        "Webhooks",
        html! {
            (super::settings::tabs("/admin/settings/webhooks"))
            @if let Some(s) = &secret {
                section.card.success role="status" aria-labelledby="secret-h" {
                    h2 #secret-h { @if s.new_endpoint { "Endpoint added" } @else { "New signing secret" } }
                    p { "Copy this signing secret into the receiver at " code { (s.url) } " now. It is shown only this once; if it is lost, make a new one with “New secret”." }
                    p { input.copy type="text" readonly value=(s.secret) aria-label="The signing secret"; }
                }
            }
            section.card aria-labelledby="endpoints-h" {
                h2 #endpoints-h { "Endpoints" }
                p.hint { "Souk calls each address with a signed JSON POST when one of its events happens: an automation, a courier's tool, your own server. A delivery that is not answered with 2xx is tried again with growing pauses, and you can send any delivery again below." }
                @if l.endpoints.is_empty() {
                    p { "No endpoints yet." }
                } @else {
                    div.table-scroll {
                        table {
                            thead { tr { th { "Address" } th { "Events" } th { "State" } th { span.visually-hidden { "Actions" } } } }
                            tbody {
                                @for e in &l.endpoints {
                                    tr {
                                        td {
                                            code { (e.url) }
                                            @if !e.description.is_empty() { br; small.hint { (e.description) } }
                                            br; small.hint { "Added " (time(&e.created_at, zone)) " by " (e.created_by) }
                                        }
                                        td { @for (i, ev) in e.events.iter().enumerate() { @if i > 0 { ", " } code { (ev.as_str()) } } }
                                        td { @if e.active { "Active" } @else { "Paused: deliveries wait" } }
                                        td.actions {
                                            form method="post" action=(format!("/admin/settings/webhooks/{}/ping", e.id)) {
                                                (csrf(token))
                                                button type="submit" aria-label=(format!("Send test event to {}", e.url)) { "Send test event" }
                                            }
                                            form method="post" action=(format!("/admin/settings/webhooks/{}/{}", e.id, if e.active { "pause" } else { "resume" })) {
                                                (csrf(token))
                                                button type="submit" aria-label=(format!("{} {}", if e.active { "Pause" } else { "Resume" }, e.url)) {
                                                    @if e.active { "Pause" } @else { "Resume" }
                                                }
                                            }
                                            form method="post" action=(format!("/admin/settings/webhooks/{}/secret", e.id)) {
                                                (csrf(token))
                                                button type="submit" aria-label=(format!("New secret for {}", e.url)) { "New secret" }
                                            }
                                            form method="post" action=(format!("/admin/settings/webhooks/{}/delete", e.id)) {
                                                (csrf(token))
                                                button.danger type="submit" aria-label=(format!("Delete {}", e.url)) { "Delete" }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.card aria-labelledby="new-endpoint-h" {
                h2 #new-endpoint-h { "Add an endpoint" }
                (error_summary(errors))
                form method="post" action="/admin/settings/webhooks" novalidate {
                    (csrf(token))
                    (Field::new("url", "Address", &form.url)
                        .hint(if l.allow_private {
                            "An http:// or https:// address. This shop may also call addresses on this machine and your own network ([webhooks] allow_private)."
                        } else {
                            "An https:// address on the internet, like https://hooks.example.com/souk. Addresses on this machine or your own network are refused."
                        })
                        .required()
                        .render(errors))
                    (Field::new("description", "Description (optional)", &form.description).hint("What receives it, e.g. “Courier booking”.").render(errors))
                    fieldset.choice-list aria-describedby=[errors.get("events").map(|_| "f-events-error")] {
                        legend { "Events" }
                        @for ev in Event::ALL {
                            span.choice-pair {
                                input id=(format!("f-ev-{}", ev.as_str().replace('.', "-"))) type="checkbox" name="events" value=(ev.as_str())
                                    checked[form.events.iter().any(|x| x == ev.as_str())];
                                label for=(format!("f-ev-{}", ev.as_str().replace('.', "-"))) { code { (ev.as_str()) } " — " (ev.describe()) }
                            }
                        }
                        @if let Some(e) = errors.get("events") { p.error #f-events-error { (e) } }
                    }
                    button.primary type="submit" { "Add endpoint" }
                }
            }
            section.card aria-labelledby="verify-h" {
                h2 #verify-h { "Checking a delivery" }
                p { "Each delivery is a POST with a JSON body " code { "{\"id\", \"type\", \"created_at\", \"data\"}" } " and these headers:" }
                ul {
                    li { code { "Souk-Signature: t=<unix seconds>,v1=<hex>" } ": HMAC-SHA256, keyed with the signing secret, over " code { "<t>.<raw body>" } "." }
                    li { code { "Souk-Event-Id" } ": the same on every retry and resend of one event; drop an id you have already handled." }
                    li { code { "Souk-Event" } " (the event's type; " code { "ping" } " for a test event), " code { "Souk-Timestamp" } ", " code { "Souk-Delivery" } "." }
                }
                p { "Compute the HMAC over the body exactly as received (before parsing it), compare it in constant time, and refuse a " code { "t" } " more than five minutes from your clock. Answer 2xx quickly; anything else, or no answer in time, is retried." }
                pre { code { "import hmac, hashlib, time\n\ndef valid(secret, header, body):\n    parts = dict(p.split('=', 1) for p in header.split(','))\n    expected = hmac.new(secret.encode(), parts['t'].encode() + b'.' + body, hashlib.sha256).hexdigest()\n    return hmac.compare_digest(expected, parts['v1']) and abs(time.time() - int(parts['t'])) < 300" } }
            }
            section.card aria-labelledby="deliveries-h" {
                h2 #deliveries-h { "Recent deliveries" }
                @if l.deliveries.is_empty() {
                    p { "Nothing sent yet." }
                } @else {
                    div.table-scroll {
                        table {
                            thead { tr { th { "Queued" } th { "Event" } th { "Address" } th { "State" } th { "Answer" } th { span.visually-hidden { "Action" } } } }
                            tbody {
                                @for d in &l.deliveries {
                                    tr {
                                        td { (time(&d.created_at, zone)) }
                                        td { code { (d.event) } br; small.hint { (d.event_id) } }
                                        td { code { (d.url) } }
                                        td { (delivery_state(d, zone)) }
                                        td {
                                            @if let Some(s) = d.response_status { "HTTP " (s) }
                                            @if !d.last_error.is_empty() && d.status != MessageStatus::Sent { br; small.error { (d.last_error) } }
                                        }
                                        td {
                                            @if d.status != MessageStatus::Pending {
                                                form method="post" action=(format!("/admin/settings/webhooks/deliveries/{}/resend", d.id)) {
                                                    (csrf(token))
                                                    button type="submit" aria-label=(format!("Send again: {} {}", d.event, d.event_id)) { "Send again" }
                                                }
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

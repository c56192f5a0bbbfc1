//! The owner's order settings page: expiry and limits, couriers, and the one-tap messages' wording.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::desk::{Courier, RulesInput};
use crate::domain::messages::{PLACEHOLDERS, Template};
use crate::domain::review::{ReviewRules, RulesForm};
use crate::views::components::{Field, csrf, error_summary};
use crate::views::layout::admin;

use crate::views::Admin;

/// The config file's values, used where a field is left empty.
#[derive(Debug, Clone, Copy)]
pub struct Defaults {
    pub draft_hours: i64,
    pub pending_hours: i64,
    pub link_days: i64,
    pub duplicate_minutes: i64,
    pub placements_per_hour: i64,
}

/// What the page shows; `errors` belong to the form named by `failed` ("rules", "courier" or a
/// template's name), whose input is shown again.
pub struct OrderSettings {
    pub rules: RulesInput,
    pub defaults: Defaults,
    pub couriers: Vec<Courier>,
    /// Every template with the seller's text, or the built-in one.
    pub templates: Vec<(Template, String, bool)>,
    pub failed: String,
    pub errors: FieldErrors,
    pub courier: crate::domain::desk::CourierInput,
    /// The review rules as the form shows them.
    pub review: RulesForm,
    /// What customers may do themselves, as the form shows it.
    pub self_service: crate::domain::requests::PolicyInput,
    /// Days after delivery or cancellation before personal data is erased, as typed.
    pub retention_days: String,
}

/// The stored review rules as the settings form shows them.
pub fn review_form(r: &ReviewRules, minor_units: u8) -> RulesForm {
    let on = |b: bool| b.then(|| "on".to_string());
    RulesForm {
        failed_on: on(r.failed_on),
        failed_min: r.failed_min.to_string(),
        first_cod_on: on(r.first_cod_on),
        first_cod_over: crate::domain::money::decimal(r.first_cod_over, minor_units),
        velocity_on: on(r.velocity_on),
        velocity_orders: r.velocity_orders.to_string(),
        velocity_hours: r.velocity_hours.to_string(),
        postcodes_on: on(r.postcodes_on),
        postcodes: r.postcodes.join("\n"),
    }
}

fn toggle(name: &'static str, label: &str, on: &Option<String>) -> Markup {
    let id = format!("f-{name}");
    html! {
        div.field.check {
            input id=(id) type="checkbox" name=(name) value="on" checked[on.is_some()];
            label for=(id) { (label) }
        }
    }
}

fn review(ctx: &Admin, s: &OrderSettings) -> Markup {
    let f = &s.review;
    let e = none("review", s);
    html! {
        section.card aria-labelledby="review-h" {
            h2 #review-h { "Review rules" }
            p.hint { "An order a rule flags waits under Orders › Review with the reasons, and is confirmed only once someone ticks that they reviewed it. Rules look at the customer's WhatsApp number, so a new name does not hide a history." }
            (error_summary(&e))
            form method="post" action="/admin/settings/review" {
                (csrf(&ctx.page.csrf))
                fieldset {
                    legend { "Failed deliveries" }
                    (toggle("failed_on", "Flag numbers whose deliveries failed before (refused cash on delivery counts)", &f.failed_on))
                    (Field::new("failed_min", "From this many failed deliveries", &f.failed_min).inputmode("numeric").render(&e))
                }
                fieldset {
                    legend { "First cash-on-delivery order" }
                    (toggle("first_cod_on", "Flag a number's first cash-on-delivery order above an amount", &f.first_cod_on))
                    (Field::new("first_cod_over", "Above", &f.first_cod_over).inputmode("decimal").hint("In the shop's currency, e.g. 5000.").render(&e))
                }
                fieldset {
                    legend { "Many orders at once" }
                    (toggle("velocity_on", "Flag more orders than this from one number or to one address", &f.velocity_on))
                    (Field::new("velocity_orders", "More than this many orders", &f.velocity_orders).inputmode("numeric").render(&e))
                    (Field::new("velocity_hours", "Within this many hours", &f.velocity_hours).inputmode("numeric").render(&e))
                }
                fieldset {
                    legend { "Risky postal codes" }
                    (toggle("postcodes_on", "Flag deliveries to these postal codes", &f.postcodes_on))
                    div.field {
                        label for="f-postcodes" { "Postal codes, one per line" }
                        textarea #f-postcodes name="postcodes" rows="4" aria-describedby=[e.get("postcodes").map(|_| "f-postcodes-error")] { (f.postcodes) }
                        @if let Some(m) = e.get("postcodes") { p.error #f-postcodes-error { (m) } }
                    }
                }
                button.primary type="submit" { "Save review rules" }
            }
        }
    }
}

fn self_service(ctx: &Admin, s: &OrderSettings) -> Markup {
    let f = &s.self_service;
    let e = none("self_service", s);
    html! {
        section.card aria-labelledby="self-service-h" {
            h2 #self-service-h { "What customers may do themselves" }
            p.hint { "From their order's page, customers cancel an order you have not confirmed yet, ask to change the address before it ships, confirm delivery and rate it. What they ask waits under Orders › Customers' requests for you to approve or decline." }
            (error_summary(&e))
            form method="post" action="/admin/settings/self-service" {
                (csrf(&ctx.page.csrf))
                (toggle("cancel_requests", "Customers may ask to cancel a confirmed order until it ships", &f.cancel_requests))
                (Field::new("return_days", "Returns may be asked for within (days after delivery; 0: no returns)", &f.return_days).inputmode("numeric").render(&e))
                button type="submit" { "Save" }
            }
        }
    }
}

fn retention(ctx: &Admin, s: &OrderSettings) -> Markup {
    let e = none("retention", s);
    html! {
        section.card aria-labelledby="retention-h" {
            h2 #retention-h { "Keeping personal data" }
            p.hint { "After this many days from delivery or cancellation, an order's name, number, email, address and notes are erased (the hourly clean-up does it); its amounts and items stay for your figures. 0 keeps everything. A single customer can be erased, or their data downloaded, from their page under Customers." }
            (error_summary(&e))
            form method="post" action="/admin/settings/retention" {
                (csrf(&ctx.page.csrf))
                (Field::new("days", "Erase personal data after (days; 0: keep)", &s.retention_days).inputmode("numeric").render(&e))
                button type="submit" { "Save" }
            }
        }
    }
}

fn none(form: &str, s: &OrderSettings) -> FieldErrors {
    if s.failed == form { s.errors.clone() } else { FieldErrors::new() }
}

fn rules(ctx: &Admin, s: &OrderSettings) -> Markup {
    let r = &s.rules;
    let e = none("rules", s);
    let d = &s.defaults;
    let draft_hint = format!("Unacknowledged drafts are cancelled after this. Empty: {} hours.", d.draft_hours);
    let pending_hint = format!(
        "Direct flow only: pending orders not confirmed in this time are cancelled and their stock released; 0 never. Empty: {} hours.",
        d.pending_hours
    );
    let link_hint = format!("How long an order link works. Empty: {} days.", d.link_days);
    let dup_hint = format!(
        "The same number ordering the same items again within this time gets the first order back. Empty: {} minutes.",
        d.duplicate_minutes
    );
    let limit_hint =
        format!("Orders one address may place in an hour; 0 for no limit. Empty: {}.", d.placements_per_hour);
    html! {
        section.card aria-labelledby="rules-h" {
            h2 #rules-h { "Expiry and limits" }
            (error_summary(&e))
            form method="post" action="/admin/settings/orders" {
                (csrf(&ctx.page.csrf))
                div.row {
                    (Field::new("draft_expiry", "Drafts expire after", &r.draft_expiry).inputmode("numeric").hint(&draft_hint).render(&e))
                    div.field {
                        label for="f-draft_unit" { "Unit" }
                        select #f-draft_unit name="draft_unit" {
                            option value="hours" selected[r.draft_unit != "minutes"] { "hours" }
                            option value="minutes" selected[r.draft_unit == "minutes"] { "minutes" }
                        }
                    }
                }
                (Field::new("pending_hours", "Pending orders expire after (hours)", &r.pending_hours).inputmode("numeric").hint(&pending_hint).render(&e))
                (Field::new("link_days", "Order links work for (days)", &r.link_days).inputmode("numeric").hint(&link_hint).render(&e))
                (Field::new("duplicate_minutes", "Repeat-order window (minutes)", &r.duplicate_minutes).inputmode("numeric").hint(&dup_hint).render(&e))
                (Field::new("placements_per_hour", "Orders per address per hour", &r.placements_per_hour).inputmode("numeric").hint(&limit_hint).render(&e))
                div.field.check {
                    input #f-paid_confirms type="checkbox" name="paid_confirms" checked[r.paid_confirms.is_some()];
                    label for="f-paid_confirms" { "Recording the full amount on an order awaiting payment confirms it" }
                }
                button.primary type="submit" { "Save" }
            }
        }
    }
}

fn couriers(ctx: &Admin, s: &OrderSettings) -> Markup {
    let e = none("courier", s);
    html! {
        section.card aria-labelledby="couriers-h" {
            h2 #couriers-h { "Couriers" }
            p.hint { "Offered when an order is shipped. With a tracking link, the customer's order page links to the parcel: put {tracking} where the number goes." }
            @if s.couriers.is_empty() { p { "No couriers yet." } }
            ul.plain {
                @for c in &s.couriers {
                    li {
                        strong { (c.name) } @if !c.tracking_url.is_empty() { " · " code.break { (c.tracking_url) } }
                        form.inline method="post" action=(format!("/admin/settings/couriers/{}/remove", c.id)) {
                            (csrf(&ctx.page.csrf))
                            " " button.link type="submit" { "Remove " span.visually-hidden { (c.name) } }
                        }
                    }
                }
            }
            form method="post" action="/admin/settings/couriers" {
                (csrf(&ctx.page.csrf))
                (error_summary(&e))
                (Field::new("name", "Courier", &s.courier.name).scope("courier").hint("A courier with this name is updated.").render(&e))
                (Field::new("tracking_url", "Tracking link", &s.courier.tracking_url).scope("courier").kind("url")
                    .hint("e.g. https://www.delhivery.com/track/package/{tracking}").render(&e))
                button type="submit" { "Save courier" }
            }
        }
    }
}

fn templates(ctx: &Admin, s: &OrderSettings) -> Markup {
    html! {
        section.card aria-labelledby="messages-h" {
            h2 #messages-h { "WhatsApp messages" }
            p.hint { "The order page's one-tap messages. You can use " (PLACEHOLDERS.join(" ")) ". The customer's name, phone, email and address are never put into a message link." }
            @for (t, body, own) in &s.templates {
                @let name = t.name();
                @let e = none(&name, s);
                details open[!e.is_empty()] {
                    summary { (t.title()) @if *own { " (your wording)" } }
                    form method="post" action=(format!("/admin/settings/messages/{name}")) {
                        (csrf(&ctx.page.csrf))
                        (Field::new("body", "Message", body).kind("textarea").scope(&name).render(&e))
                        button type="submit" name="action" value="save" { "Save" }
                        @if *own { " " button type="submit" name="action" value="reset" { "Use the built-in text" } }
                    }
                }
            }
        }
    }
}

pub fn page(ctx: &Admin, s: &OrderSettings) -> Markup {
    admin(
        ctx,
        "Order settings",
        html! {
            (super::settings::tabs("/admin/settings/orders"))
            p { "Delivery fees and payment methods are under " a href="/admin/checkout" { "Checkout" } "." }
            (rules(ctx, s))
            (review(ctx, s))
            (self_service(ctx, s))
            (retention(ctx, s))
            (couriers(ctx, s))
            (templates(ctx, s))
        },
    )
}

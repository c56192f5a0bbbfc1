//! The settings page: the shop profile and the test email.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::shop::SettingsInput;
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary};
use crate::views::layout::admin;

/// The settings pages' own menu: the shop, orders, notifications, API tokens, webhooks.
pub fn tabs(current: &str) -> Markup {
    html! {
        nav.tabs aria-label="Settings" {
            @for (href, label) in [("/admin/settings", "Shop"), ("/admin/settings/orders", "Orders"), ("/admin/settings/notifications", "Notifications"), ("/admin/settings/api", "API tokens"), ("/admin/settings/webhooks", "Webhooks")] {
                a href=(href) aria-current=[(href == current).then_some("page")] { (label) }
            }
        }
    }
}

pub fn page(ctx: &Admin, s: &SettingsInput, errors: &FieldErrors, test_to: &str, mail_problem: Option<&str>) -> Markup {
    admin(
        ctx,
        "Settings",
        html! {
            (tabs("/admin/settings"))
            section.card aria-labelledby="profile-h" {
                h2 #profile-h { "Shop profile" }
                (error_summary(errors))
                form method="post" action="/admin/settings" novalidate {
                    (csrf(&ctx.page.csrf))
                    (Field::new("name", "Shop name", &s.name).required().render(errors))
                    div.row {
                        (Field::new("currency", "Currency", &s.currency).hint("ISO code, like INR, USD, EUR.").required().render(errors))
                        (Field::new("currency_minor_units", "Decimal places", &s.currency_minor_units).kind("number")
                            .hint("2 for most currencies, 0 for JPY. Leave empty to use the usual value.").render(errors))
                    }
                    (Field::new("country_calling_code", "Country calling code", &s.country_calling_code)
                        .hint("Digits only, like 91 for India. Completes local phone numbers.").render(errors))
                    (Field::new("whatsapp_number", "WhatsApp business number", &s.whatsapp_number).kind("tel")
                        .hint("Where orders are sent, with country code, like +919876543210.").render(errors))
                    (Field::new("contact_email", "Contact email", &s.contact_email).kind("email").hint("Shown to customers; new orders are emailed here (to every owner when empty).").render(errors))
                    (Field::new("address", "Address", &s.address).kind("textarea").hint("Shown in the shop's footer.").render(errors))
                    (Field::new("intro", "Introduction", &s.intro).kind("textarea")
                        .hint("A few words under the shop's name on the home page, like what you make and where you deliver. Markdown: **bold**, *italic*, links as [text](https://…).").render(errors))
                    (Field::new("accent_color", "Accent colour", &s.accent_color)
                        .hint("For buttons and links, as # and six hex digits, like #be185d. Made darker or lighter where needed so text stays readable. Empty for Souk's teal.").render(errors))
                    (Field::new("time_zone", "Time zone", &s.time_zone)
                        .hint("Times on orders and in the admin are shown here: an IANA name like Asia/Kolkata, Asia/Dubai or Europe/London.").render(errors))
                    button.primary type="submit" { "Save settings" }
                }
            }
            section.card aria-labelledby="logo-h" {
                h2 #logo-h { "Logo" }
                @if let Some(url) = ctx.page.shop.logo_url() {
                    p { img.logo-preview src=(url) alt="The shop's logo"; }
                    form method="post" action="/admin/settings/logo/remove" {
                        (csrf(&ctx.page.csrf))
                        button type="submit" { "Remove logo" }
                    }
                } @else {
                    p { "No logo yet: the header shows the shop's name." }
                }
                form method="post" action="/admin/settings/logo" enctype="multipart/form-data" {
                    (csrf(&ctx.page.csrf))
                    label for="logo" { "Logo image" }
                    p.hint #logo-hint { "JPEG, PNG or WebP; a wide image on a transparent background looks best. Shown 40 pixels high beside the shop's name." }
                    input #logo type="file" name="logo" accept="image/jpeg,image/png,image/webp" aria-describedby="logo-hint";
                    button type="submit" { "Upload logo" }
                }
            }
            section.card aria-labelledby="custom-h" {
                h2 #custom-h { "Custom orders" }
                p { "Customers describe what they would like made, with up to five reference photos; you answer with a quote from "
                    a href="/admin/custom" { "Custom orders" } ", and an accepted quote becomes an order." }
                form method="post" action="/admin/settings/custom-orders" {
                    (csrf(&ctx.page.csrf))
                    div.field.check {
                        input #custom-on type="checkbox" name="on" value="on" checked[ctx.page.shop.custom_orders];
                        label for="custom-on" { "Take custom-order requests (the shop's footer links to the form at /custom)" }
                    }
                    button type="submit" { "Save" }
                }
            }
            section.card aria-labelledby="mail-h" {
                h2 #mail-h { "Email" }
                @if let Some(p) = mail_problem { p.notice { (p) } }
                p { "Send a test message to check that email reaches your customers." }
                form method="post" action="/admin/settings/test-email" novalidate {
                    (csrf(&ctx.page.csrf))
                    (Field::new("to", "Send a test email to", test_to).kind("email").required().render(errors))
                    button type="submit" { "Send test email" }
                }
            }
        },
    )
}

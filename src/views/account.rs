//! `/account`: signing in with a code or link sent to an email, and a signed-in customer's orders,
//! saved addresses and sign-out.

use maud::{Markup, html};

use super::components::{Field, csrf, error_summary, time};
use crate::domain::FieldErrors;
use crate::domain::account::{Account, MyOrder};
use crate::domain::checkout::Address;
use crate::domain::money;
use crate::domain::orders::{PaymentStatus, Status};
use crate::views::Page;

fn frame(page: &Page, title: &str, body: Markup) -> Markup {
    super::layout::storefront_with_head(page, title, html! { meta name="robots" content="noindex"; }, body)
}

/// The WhatsApp sign-in form: a number for a code (also how a signed-in customer adds theirs).
fn whatsapp_form(page: &Page, phone: &str, errors: &FieldErrors, button: &str) -> Markup {
    let hint = match page.shop.country_calling_code.as_str() {
        "" => "With its country code, like +919876543210.".to_string(),
        cc => format!("Without a country code we add +{cc}."),
    };
    html! {
        form method="post" action="/account/whatsapp" {
            (csrf(&page.csrf))
            (Field::new("phone", "WhatsApp number", phone).kind("tel").autocomplete("tel").hint(&hint).required().render(errors))
            button type="submit" { (button) }
        }
    }
}

/// The sign-in page: an email for a code and a link, and (when the shop sends codes by WhatsApp)
/// a WhatsApp number for a code.
pub fn sign_in(
    page: &Page,
    (email, phone): (&str, &str),
    errors: &FieldErrors,
    notice: Option<&str>,
    whatsapp: bool,
) -> Markup {
    // Without the WhatsApp form, what was said about a number is a notice of its own.
    let mut errors = errors.clone();
    let phone_notice = if whatsapp { None } else { errors.remove("phone") };
    let notice = notice.or(phone_notice.as_deref());
    let errors = &errors;
    let body = html! {
        h1 { "Your account" }
        p { "See every order you placed with " (page.shop.name) " and order again. No password: we send you a code." }
        @if let Some(n) = notice { p.notice role="alert" { (n) } }
        (error_summary(errors))
        form method="post" action="/account/sign-in" {
            (csrf(&page.csrf))
            (Field::new("email", "Email", email).kind("email").autocomplete("email").required().render(errors))
            button.primary type="submit" { "Email me a code" }
        }
        p.hint { "Orders you placed as a guest with this email appear too." }
        @if whatsapp {
            h2 { "Or sign in with WhatsApp" }
            (whatsapp_form(page, phone, errors, "Send me a code on WhatsApp"))
            p.hint { "Orders placed with this number appear too." }
        }
        p { a href="/o/lost" { "Lost the link to an order? Get a new one with the order code and your WhatsApp number." } }
    };
    frame(page, "Your account", body)
}

/// Where a code sent to an address or number goes in.
struct CodeStep<'a> {
    /// The hidden field naming where the code went: ("email", …) or ("phone", …).
    to: (&'static str, &'a str),
    /// Where the code is checked, and where a new one is asked for.
    check: &'static str,
    resend: &'static str,
    submit: &'static str,
}

/// The code's form, the "send a new code" button, and `problem` (why the last code did not work).
fn code_forms(page: &Page, step: &CodeStep, problem: Option<&str>) -> Markup {
    let errors = match problem {
        Some(p) => FieldErrors::from([("code", p.to_string())]),
        None => FieldErrors::new(),
    };
    let (name, value) = step.to;
    html! {
        (error_summary(&errors))
        form method="post" action=(step.check) {
            (csrf(&page.csrf))
            input type="hidden" name=(name) value=(value);
            (Field::new("code", "Code", "").autocomplete("one-time-code").inputmode("numeric").required().render(&errors))
            button.primary type="submit" { (step.submit) }
        }
        form method="post" action=(step.resend) {
            (csrf(&page.csrf))
            input type="hidden" name=(name) value=(value);
            button type="submit" { "Send a new code" }
        }
    }
}

/// Where the code sent by email goes in; `problem` says why the last one did not work.
pub fn code(page: &Page, email: &str, problem: Option<&str>) -> Markup {
    let step = CodeStep { to: ("email", email), check: "/account/code", resend: "/account/sign-in", submit: "Sign in" };
    let body = html! {
        h1 { "Check your email" }
        p { "We sent a 6-digit code to " strong { (email) } ". It works once, for 15 minutes. The email also has a button that signs you in." }
        (code_forms(page, &step, problem))
        p { a href="/account" { "Use another email" } }
    };
    frame(page, "Check your email", body)
}

/// Where a code sent by WhatsApp goes in; `adding`: a signed-in customer proving their number.
pub fn whatsapp_code(page: &Page, phone: &str, problem: Option<&str>, adding: bool) -> Markup {
    let submit = if adding { "Add this number" } else { "Sign in" };
    let step = CodeStep { to: ("phone", phone), check: "/account/whatsapp/code", resend: "/account/whatsapp", submit };
    let body = html! {
        h1 { "Check WhatsApp" }
        p { "We sent a 6-digit code to " strong { (phone) } " on WhatsApp. It works once, for 15 minutes." }
        (code_forms(page, &step, problem))
        p { a href="/account" { @if adding { "Back to your orders" } @else { "Sign in another way" } } }
    };
    frame(page, "Check WhatsApp", body)
}

/// A sign-in link opened: one button signs in (opening the link alone does not, so a mail
/// scanner that follows links uses nothing up).
pub fn link(page: &Page, action: &str, email: &str) -> Markup {
    let body = html! {
        h1 { "Sign in" }
        p { "Sign in to " (page.shop.name) " as " strong { (email) } "?" }
        form method="post" action=(action) {
            (csrf(&page.csrf))
            button.primary type="submit" { "Sign in" }
        }
    };
    frame(page, "Sign in", body)
}

fn address_line(a: &Address) -> String {
    [&a.line1, &a.line2, &a.city, &a.region, &a.postal_code, &a.country]
        .into_iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A signed-in customer's page.
pub fn overview(
    page: &Page,
    account: &Account,
    orders: &[MyOrder],
    addresses: &[(i64, Address)],
    address_form: (&crate::domain::order_edit::CustomerInput, &FieldErrors),
    whatsapp: bool,
) -> Markup {
    let minor = page.shop.currency_minor_units;
    let (typed, errors) = address_form;
    let body = html! {
        h1 { "Your orders" }
        p { "Signed in as " strong { (account.name()) } "."
            @if !account.email.is_empty() && !account.phone.is_empty() { " WhatsApp " (account.phone) " (verified)." } }
        @if orders.is_empty() {
            p { "No orders with this " @if account.email.is_empty() { "number" } @else if account.phone.is_empty() { "email" } @else { "email or number" } " yet. " a href="/" { "Have a look around the shop." } }
        }
        ul.my-orders {
            @for o in orders {
                li.card {
                    h2 { (o.code) }
                    p {
                        (Status::parse(&o.status).map(|s| s.label()).unwrap_or(&o.status)) " · "
                        (PaymentStatus::parse(&o.payment_status).map(|s| s.label()).unwrap_or(&o.payment_status)) " · "
                        (money::format(o.total, &o.currency, minor)) " · " (o.items) @if o.items == 1 { " item" } @else { " items" } " · "
                        (time(&o.created_at, page.zone))
                    }
                    form.inline method="post" action=(format!("/account/orders/{}/open", o.code)) {
                        (csrf(&page.csrf))
                        button type="submit" { "See order " (o.code) }
                    }
                    " "
                    form.inline method="post" action=(format!("/account/orders/{}/reorder", o.code)) {
                        (csrf(&page.csrf))
                        button type="submit" { "Order again" }
                    }
                }
            }
        }
        section.card aria-labelledby="addresses-h" {
            h2 #addresses-h { "Saved addresses" }
            @if addresses.is_empty() { p.hint { "None yet." } }
            ul.plain {
                @for (id, a) in addresses {
                    li {
                        (address_line(a)) " "
                        form.inline method="post" action=(format!("/account/addresses/{id}/delete")) {
                            (csrf(&page.csrf))
                            button.link type="submit" { "Remove" span.visually-hidden { " " (address_line(a)) } }
                        }
                    }
                }
            }
            details open[!errors.is_empty()] {
                summary { "Add an address" }
                (error_summary(errors))
                form method="post" action="/account/addresses" {
                    (csrf(&page.csrf))
                    (Field::new("line1", "Street and number", &typed.line1).autocomplete("address-line1").render(errors))
                    (Field::new("line2", "Apartment, landmark (optional)", &typed.line2).autocomplete("address-line2").render(errors))
                    (Field::new("city", "Town or city", &typed.city).autocomplete("address-level2").render(errors))
                    (Field::new("region", "State or region", &typed.region).autocomplete("address-level1").render(errors))
                    (Field::new("postal_code", "Postal code", &typed.postal_code).autocomplete("postal-code").render(errors))
                    (Field::new("country", "Country", &typed.country).autocomplete("country-name").render(errors))
                    button type="submit" { "Save the address" }
                }
            }
        }
        @if whatsapp && account.phone.is_empty() {
            section.card aria-labelledby="whatsapp-h" {
                h2 #whatsapp-h { "Add your WhatsApp number" }
                p { "Orders you placed with your WhatsApp number then show here too. We send it a code to prove it is yours." }
                (whatsapp_form(page, "", &FieldErrors::new(), "Send a code on WhatsApp"))
            }
        }
        form.inline method="post" action="/account/sign-out" {
            (csrf(&page.csrf))
            button type="submit" { "Sign out" }
        }
        " "
        form.inline method="post" action="/account/sign-out-everywhere" {
            (csrf(&page.csrf))
            button type="submit" { "Sign out on every device" }
        }
    };
    frame(page, "Your orders", body)
}

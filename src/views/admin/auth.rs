//! Setup, sign-in and invite pages.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::auth::Role;
use crate::views::Page;
use crate::views::components::{Field, csrf, error_summary};
use crate::views::layout::bare;

/// The first-run setup form: the shop's name and the owner's account.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct SetupForm {
    pub token: String,
    pub shop_name: String,
    pub name: String,
    pub email: String,
    pub password: String,
    pub confirm: String,
}

/// The sign-in form; `next` is where to go after.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
    pub next: String,
}

/// The form that accepts an invitation.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct AcceptForm {
    pub token: String,
    pub name: String,
    pub password: String,
    pub confirm: String,
}

pub fn setup(page: &Page, form: &SetupForm, errors: &FieldErrors) -> Markup {
    bare(
        page,
        "Set up your shop",
        html! {
            p { "Create the owner account. You will use it to sign in to the admin." }
            (error_summary(errors))
            form method="post" action="/admin/setup" novalidate {
                (csrf(&page.csrf))
                input type="hidden" name="token" value=(form.token);
                (Field::new("shop_name", "Shop name", &form.shop_name).required().render(errors))
                (Field::new("name", "Your name", &form.name).autocomplete("name").required().render(errors))
                (Field::new("email", "Email", &form.email).kind("email").autocomplete("email").required().render(errors))
                (Field::new("password", "Password", "").kind("password").autocomplete("new-password")
                    .hint("At least 10 characters. A few unrelated words work well.").required().render(errors))
                (Field::new("confirm", "Password again", "").kind("password").autocomplete("new-password").required().render(errors))
                button.primary type="submit" { "Create owner account" }
            }
        },
    )
}

pub fn login(page: &Page, form: &LoginForm, problem: Option<&str>, has_owner: bool) -> Markup {
    bare(
        page,
        "Sign in",
        html! {
            @if !has_owner {
                p.notice role="alert" {
                    "This shop is not set up yet. Open the setup link printed in the server's log when it started "
                    "(it looks like /admin/setup?token=…). Restart the server for a new link."
                }
            } @else {
                @if let Some(p) = problem { div.error-summary role="alert" { p { (p) } } }
                form method="post" action="/admin/login" {
                    (csrf(&page.csrf))
                    input type="hidden" name="next" value=(form.next);
                    (Field::new("email", "Email", &form.email).kind("email").autocomplete("username").required().render(&FieldErrors::new()))
                    (Field::new("password", "Password", "").kind("password").autocomplete("current-password").required().render(&FieldErrors::new()))
                    button.primary type="submit" { "Sign in" }
                }
                p.hint { "Forgot your password? The owner can reset it with " code { "souk admin reset-password --email you@example.com" } " on the server." }
            }
        },
    )
}

/// The second step of signing in: the code from the authenticator app, or a recovery code.
pub fn second_factor(page: &Page, problem: Option<&str>) -> Markup {
    let errors = match problem {
        Some(p) => FieldErrors::from([("code", p.to_string())]),
        None => FieldErrors::new(),
    };
    bare(
        page,
        "Two-factor sign-in",
        html! {
            (error_summary(&errors))
            p { "Open the authenticator app on your phone and type the 6-digit code it shows for this shop." }
            form method="post" action="/admin/login/code" {
                (csrf(&page.csrf))
                (Field::new("code", "Code", "").autocomplete("one-time-code").hint("Lost your phone? Type one of your recovery codes instead.").required().render(&errors))
                button.primary type="submit" { "Sign in" }
            }
            p.hint { "No phone and no recovery code? The owner can turn two-factor off for you with "
                code { "souk admin reset-2fa --email you@example.com" } " on the server." }
        },
    )
}

pub fn accept_invite(page: &Page, email: &str, role: Role, form: &AcceptForm, errors: &FieldErrors) -> Markup {
    bare(
        page,
        "Join the shop",
        html! {
            p { "You were invited as " strong { (role.as_str()) } " with the email " strong { (email) } ". Choose your name and password." }
            (error_summary(errors))
            form method="post" action="/admin/invite" novalidate {
                (csrf(&page.csrf))
                input type="hidden" name="token" value=(form.token);
                (Field::new("name", "Your name", &form.name).autocomplete("name").required().render(errors))
                (Field::new("password", "Password", "").kind("password").autocomplete("new-password")
                    .hint("At least 10 characters.").required().render(errors))
                (Field::new("confirm", "Password again", "").kind("password").autocomplete("new-password").required().render(errors))
                button.primary type="submit" { "Create my account" }
            }
        },
    )
}

/// The same page for a wrong, used or expired link: nothing reveals which, or whether an account exists.
pub fn link_invalid(page: &Page) -> Markup {
    bare(
        page,
        "This link is not valid",
        html! {
            p { "The link is wrong, was already used, or has expired." }
            p { "For a setup link, restart the server and use the new link from its log. For an invitation, ask the shop's owner for a new one." }
            p { a href="/admin/login" { "Go to sign in" } }
        },
    )
}

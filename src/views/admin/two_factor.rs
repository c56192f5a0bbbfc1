//! `/admin/account/two-factor`: turning two-factor sign-in on (a QR code to scan, or the secret
//! to type, and a code to confirm), the recovery codes shown once, and turning it off.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary, time};
use crate::views::layout::admin;

/// The state the page shows.
#[derive(Debug, Clone, Default)]
pub struct TwoFactorView {
    pub enabled_at: Option<String>,
    pub recovery_left: i64,
    /// While off: the secret as text and the `otpauth://` address for the QR code.
    pub enrol: Option<(String, String)>,
    /// The owner requires it for everyone.
    pub required: bool,
    /// A problem with the last code typed.
    pub problem: Option<String>,
}

fn qr(uri: &str) -> Markup {
    crate::views::components::qr(uri, 200, "QR code to scan with an authenticator app").unwrap_or_default()
}

pub fn page(ctx: &Admin, v: &TwoFactorView) -> Markup {
    let errors = match &v.problem {
        Some(p) => FieldErrors::from([("code", p.clone())]),
        None => FieldErrors::new(),
    };
    admin(
        ctx,
        "Two-factor sign-in",
        html! {
            @if let Some(at) = &v.enabled_at {
                @if let Some(p) = &v.problem { p.notice role="alert" { (p) } }
                p { span.badge.ok { "On" } " since " (time(at, ctx.page.zone)) ". Signing in asks for a code from your authenticator app after the password." }
                p { (v.recovery_left) " of 10 recovery codes left." }
                section.card aria-labelledby="manage-h" {
                    h2 #manage-h { "New recovery codes, or off" }
                    p { "Prove it is you with a code from the app (or a recovery code)." }
                    form method="post" action="/admin/account/two-factor/recovery-codes" {
                        (csrf(&ctx.page.csrf))
                        (Field::new("code", "Code", "").scope("new").autocomplete("one-time-code").required().render(&FieldErrors::new()))
                        button type="submit" { "Make new recovery codes" }
                        p.hint { "The old ones stop working." }
                    }
                    @if v.required {
                        p.hint { "The shop's owner requires two-factor sign-in for everyone, so it cannot be turned off here." }
                    } @else {
                        form method="post" action="/admin/account/two-factor/off" {
                            (csrf(&ctx.page.csrf))
                            (Field::new("code", "Code", "").scope("off").autocomplete("one-time-code").required().render(&FieldErrors::new()))
                            button.danger type="submit" { "Turn two-factor off" }
                        }
                    }
                }
            } @else if let Some((secret, uri)) = &v.enrol {
                @if v.required { p.notice role="status" { "The shop's owner requires two-factor sign-in: turn it on to go on." } }
                ol.steps {
                    li { "Install an authenticator app on your phone (Google Authenticator, Microsoft Authenticator, 2FAS, Aegis…)." }
                    li {
                        "Scan this code with it:"
                        (qr(uri))
                        "Cannot scan? Add an account by hand with this key: " code.secret { (secret) }
                    }
                    li { "Type the 6-digit code the app shows." }
                }
                (error_summary(&errors))
                form method="post" action="/admin/account/two-factor" {
                    (csrf(&ctx.page.csrf))
                    (Field::new("code", "Code from the app", "").autocomplete("one-time-code").inputmode("numeric").required().render(&errors))
                    button.primary type="submit" { "Turn two-factor on" }
                }
            }
        },
    )
}

/// The recovery codes, shown once.
pub fn recovery_codes(ctx: &Admin, codes: &[String]) -> Markup {
    admin(
        ctx,
        "Your recovery codes",
        html! {
            p.notice role="status" { "Keep these codes somewhere safe (print them, or save them in a password manager): each signs you in once without your phone. They are shown only now; reloading this page does not show them again." }
            ol.recovery-codes { @for c in codes { li { code { (c) } } } }
            p { a.button.primary href="/admin" { "I have kept them" } }
        },
    )
}

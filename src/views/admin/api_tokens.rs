//! The API tokens page (owner only): the tokens integrations use, the form that makes one, and
//! the one time a new token is shown.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::api_tokens::{ApiToken, Scope};
use crate::domain::auth::User;
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary, time};
use crate::views::layout::admin;

/// The form that makes a token.
#[derive(Debug, Default, Clone, serde::Deserialize)]
#[serde(default)]
pub struct TokenForm {
    pub name: String,
    pub scope: String,
    /// The account the token acts as.
    pub email: String,
}

pub struct Listing {
    pub tokens: Vec<ApiToken>,
    pub users: Vec<User>,
    /// The public address, for the example call.
    pub base: String,
}

/// A token just made: its name and the token, shown once.
pub struct Made<'a> {
    pub name: &'a str,
    pub token: &'a str,
}

pub fn page(ctx: &Admin, l: &Listing, form: &TokenForm, errors: &FieldErrors, made: Option<Made<'_>>) -> Markup {
    let token = &ctx.page.csrf;
    let zone = ctx.page.zone;
    let scope = Scope::parse(&form.scope).unwrap_or(Scope::Read);
    let acting = if form.email.is_empty() { ctx.user.email.as_str() } else { form.email.as_str() };
    admin(
        ctx,
        "API tokens",
        html! {
            (super::settings::tabs("/admin/settings/api"))
            @if let Some(m) = &made {
                section.card.success role="status" aria-labelledby="made-h" {
                    h2 #made-h { "Token “" (m.name) "” made" }
                    p { "Copy it now into the tool that will use it. It is shown only this once; if it is lost, revoke it and make another." }
                    p { input.copy type="text" readonly value=(m.token) aria-label="The new API token"; }
                    p { "Try it:" }
                    pre { code { "curl -H 'Authorization: Bearer " (m.token) "' " (l.base) "/api/v1/admin/orders?status=pending" } }
                }
            }
            section.card aria-labelledby="tokens-h" {
                h2 #tokens-h { "Tokens" }
                p.hint { "Integrations (a courier's tool, a spreadsheet, an automation) use a token to read orders and, with write scope, move them and record payments. Each acts as one account, and what it does is in the audit log under its name. The JSON API is described at " a href="/api/v1/openapi.json" { "/api/v1/openapi.json" } "." }
                @if l.tokens.is_empty() {
                    p { "No tokens yet." }
                } @else {
                    div.table-scroll {
                        table {
                            thead { tr { th { "Name" } th { "Scope" } th { "Acts as" } th { "Made" } th { "Last used" } th { span.visually-hidden { "State or action" } } } }
                            tbody {
                                @for t in &l.tokens {
                                    tr {
                                        td { (t.name) br; small.hint { "…" (t.hint) } }
                                        td { (t.scope.label()) }
                                        td { (t.user_email) }
                                        td { (time(&t.created_at, zone)) br; small.hint { "by " (t.created_by) } }
                                        td { @if let Some(at) = &t.last_used_at { (time(at, zone)) } @else { "Never" } }
                                        td {
                                            @if let Some(at) = &t.revoked_at {
                                                "Revoked " (time(at, zone))
                                            } @else {
                                                form method="post" action=(format!("/admin/settings/api/{}/revoke", t.id)) {
                                                    (csrf(token))
                                                    button.danger type="submit" aria-label=(format!("Revoke {}", t.name)) { "Revoke" }
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
            section.card aria-labelledby="new-token-h" {
                h2 #new-token-h { "Make a token" }
                (error_summary(errors))
                form method="post" action="/admin/settings/api" novalidate {
                    (csrf(token))
                    (Field::new("name", "Name", &form.name).hint("What will use it, e.g. “Courier sync”.").required().render(errors))
                    fieldset {
                        legend { "Scope" }
                        span.choice-pair {
                            input #f-scope-read type="radio" name="scope" value="read" checked[scope == Scope::Read];
                            label for="f-scope-read" { "Read only: list and read orders" }
                        }
                        span.choice-pair {
                            input #f-scope-write type="radio" name="scope" value="write" checked[scope == Scope::Write];
                            label for="f-scope-write" { "Read and write: also move orders and record payments" }
                        }
                        @if let Some(e) = errors.get("scope") { p.error { (e) } }
                    }
                    div.field {
                        label for="f-email" { "Acts as" }
                        select #f-email name="email" aria-describedby=[errors.get("email").map(|_| "f-email-error")] {
                            @for u in &l.users {
                                option value=(u.email) selected[u.email.eq_ignore_ascii_case(acting)] { (u.name) " (" (u.email) ", " (u.role.as_str()) ")" }
                            }
                        }
                        @if let Some(e) = errors.get("email") { p.error #f-email-error { (e) } }
                    }
                    button.primary type="submit" { "Make token" }
                }
            }
        },
    )
}

//! The users page: accounts, open invitations, the invite form.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::auth::{OneTimeToken, Role, User};
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary, time};
use crate::views::layout::admin;

/// The invite form: an email and a role.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct InviteForm {
    pub email: String,
    pub role: String,
}

pub struct Listing {
    pub users: Vec<User>,
    pub invites: Vec<OneTimeToken>,
    /// The users with two-factor sign-in on.
    pub two_factor: Vec<i64>,
    /// The owner requires two-factor for everyone.
    pub require_two_factor: bool,
}

pub fn page(
    ctx: &Admin,
    l: &Listing,
    form: &InviteForm,
    errors: &FieldErrors,
    new_link: Option<(&str, &str, bool)>,
) -> Markup {
    let token = &ctx.page.csrf;
    let owner = Role::parse(&form.role) == Some(Role::Owner);
    admin(
        ctx,
        "Users",
        html! {
            @if let Some((email, link, mailed)) = new_link {
                section.card.success role="status" {
                    h2 { "Invitation created" }
                    @if mailed {
                        p { "It is on its way to " strong { (email) } " by email. You can also send the link yourself: it works once and is shown only now." }
                    } @else {
                        p { "Email is not set up, so send this link to " strong { (email) } " yourself, for example on WhatsApp. It works once and is shown only now." }
                    }
                    p { input.copy type="text" readonly value=(link) aria-label="Invitation link"; }
                }
            }
            section.card aria-labelledby="users-h" {
                h2 #users-h { "Accounts" }
                table {
                    thead { tr { th { "Name" } th { "Email" } th { "Role" } th { "Two-factor" } th { "Since" } th { span.visually-hidden { "Actions" } } } }
                    tbody {
                        @for u in &l.users {
                            tr {
                                td { (u.name) } td { (u.email) } td { (u.role.as_str()) }
                                td { @if l.two_factor.contains(&u.id) { "On" } @else { "Off" } }
                                td { (time(&u.created_at, ctx.page.zone)) }
                                td {
                                    @if u.id != ctx.user.id {
                                        form method="post" action=(format!("/admin/users/{}/remove", u.id)) {
                                            (csrf(token))
                                            button.danger type="submit" aria-label=(format!("Remove {}", u.email)) { "Remove" }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            section.card aria-labelledby="twofa-h" {
                h2 #twofa-h { "Two-factor sign-in" }
                p { "Each person turns it on for themselves under " a href="/admin/account/two-factor" { "Two-factor sign-in" } ". When it is required, anyone without it is sent there before anything else." }
                form method="post" action="/admin/users/two-factor" {
                    (csrf(token))
                    div.field.check {
                        input #f-require type="checkbox" name="required" value="on" checked[l.require_two_factor];
                        label for="f-require" { "Require two-factor sign-in for everyone" }
                    }
                    button type="submit" { "Save" }
                }
            }
            @if !l.invites.is_empty() {
                section.card aria-labelledby="inv-h" {
                    h2 #inv-h { "Open invitations" }
                    ul.plain {
                        @for i in &l.invites {
                            li {
                                (i.email) " (" (i.role.as_str()) "), expires " (time(&i.expires_at, ctx.page.zone))
                                form.inline method="post" action=(format!("/admin/invites/{}/revoke", i.id)) {
                                    (csrf(token))
                                    button.link type="submit" aria-label=(format!("Withdraw the invitation for {}", i.email)) { "Withdraw" }
                                }
                            }
                        }
                    }
                }
            }
            section.card aria-labelledby="invite-h" {
                h2 #invite-h { "Invite someone" }
                (error_summary(errors))
                form method="post" action="/admin/users/invite" novalidate {
                    (csrf(token))
                    (Field::new("email", "Email", &form.email).kind("email").required().render(errors))
                    div.field {
                        label for="f-role" { "Role" }
                        select #f-role name="role" {
                            option value="staff" selected[!owner] { "Staff: orders, products, customers" }
                            option value="owner" selected[owner] { "Owner: everything, including settings and users" }
                        }
                    }
                    button.primary type="submit" { "Create invitation" }
                }
            }
        },
    )
}

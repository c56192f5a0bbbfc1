//! Users: the owner invites staff (one-time link) and removes them.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{Empty, html};
use crate::AppState;
use crate::app::accounts;
use crate::db::{self, outbox, tokens, users};
use crate::domain::FieldErrors;
use crate::domain::auth::Role;
use crate::error::AppError;
use crate::mail::messages;
use crate::views::admin::users::{self as view, InviteForm, Listing};
use crate::web::extract::{CsrfForm, Owner};
use crate::web::see_other_with_flash;

async fn listing(state: &AppState) -> Result<Listing, AppError> {
    state
        .db
        .read(|c| {
            Ok(Listing {
                users: users::list(c)?,
                invites: tokens::open_invites(c, &db::now())?,
                two_factor: db::two_factor::enabled_users(c)?,
                require_two_factor: db::two_factor::required(c)?,
            })
        })
        .await
}

pub async fn list(Owner(admin): Owner, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let l = listing(&state).await?;
    Ok(html(StatusCode::OK, view::page(&admin, &l, &InviteForm::default(), &FieldErrors::new(), None)))
}

pub async fn invite(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<InviteForm>,
) -> Result<HttpResponse, AppError> {
    let role = Role::parse(&form.role).unwrap_or(Role::Staff);
    let hours = state.config.security.invite_hours;
    let (actor, email, shop) = (admin.actor(), form.email.trim().to_string(), admin.page.shop.clone());
    let (inviter, base) = (admin.user.name.clone(), crate::web::public_base(&state, &admin.page));
    // Without working mail the owner shares the link: it is never left waiting in the outbox.
    let mail_ready = state.mail_problem().is_none();
    let created = state
        .db
        .write(move |tx| {
            let token = match accounts::invite(tx, &actor, &email, role, hours)? {
                Ok(t) => t,
                Err(errors) => return Ok(Err(errors)),
            };
            let link = format!("{base}/admin/invite?token={token}");
            if mail_ready {
                // Marked sensitive: the link is wiped from the outbox once sent or failed.
                let message = messages::invite(&shop, &email, &inviter, role.as_str(), &link, hours);
                outbox::enqueue(tx, &message, &db::now())?;
            }
            Ok(Ok(link))
        })
        .await?;
    let l = listing(&state).await?;
    match created {
        Ok(link) => {
            state.wake_mailer();
            Ok(html(
                StatusCode::OK,
                view::page(
                    &admin,
                    &l,
                    &InviteForm::default(),
                    &FieldErrors::new(),
                    Some((&form.email, &link, mail_ready)),
                ),
            ))
        }
        Err(errors) => Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::page(&admin, &l, &form, &errors, None))),
    }
}

pub async fn remove(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (admin.actor(), id.into_inner());
    match state.db.write(move |tx| accounts::remove_user(tx, &actor, id)).await {
        Ok(user) => Ok(see_other_with_flash("/admin/users", &format!("{} was removed and signed out.", user.email))),
        Err(AppError::Conflict(msg)) => Ok(see_other_with_flash("/admin/users", &msg)),
        Err(e) => Err(e),
    }
}

pub async fn revoke_invite(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (admin.actor(), id.into_inner());
    let email = state
        .db
        .write(move |tx| {
            let email = tokens::revoke_invite(tx, id)?.ok_or(AppError::NotFound)?;
            outbox::withdraw(tx, "invite", &email, "the invitation was withdrawn")?;
            actor.record(tx, "user.invite_revoke", &email, "")?;
            Ok(email)
        })
        .await?;
    Ok(see_other_with_flash("/admin/users", &format!("The invitation for {email} was withdrawn.")))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RequireForm {
    pub required: Option<String>,
}

/// `POST /admin/users/two-factor` (owner): require two-factor sign-in for everyone, or not.
pub async fn require_two_factor(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<RequireForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, on) = (admin.actor(), form.required.is_some());
    state.db.write(move |tx| crate::app::two_factor::set_required(tx, on, &actor)).await?;
    let said = if on {
        "Two-factor sign-in is required: anyone without it is asked to turn it on before anything else, you included."
    } else {
        "Two-factor sign-in is each person's choice."
    };
    Ok(crate::web::see_other_with_flash("/admin/users", said))
}

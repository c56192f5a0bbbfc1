//! API tokens (owner only): list, make (the token shown once), revoke.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{Empty, html};
use crate::AppState;
use crate::app::api_tokens::{self, Refused};
use crate::db::{api_tokens as stored, users};
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::views::Admin;
use crate::views::admin::api_tokens::{self as view, Listing, Made, TokenForm};
use crate::web::extract::{CsrfForm, Owner};
use crate::web::see_other_with_flash;

async fn listing(state: &AppState, admin: &Admin) -> Result<Listing, AppError> {
    let base = crate::web::public_base(state, &admin.page);
    state.db.read(move |c| Ok(Listing { tokens: stored::list(c)?, users: users::list(c)?, base })).await
}

pub async fn list(Owner(admin): Owner, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let l = listing(&state, &admin).await?;
    Ok(html(StatusCode::OK, view::page(&admin, &l, &TokenForm::default(), &FieldErrors::new(), None)))
}

pub async fn create(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, clock, f) = (admin.actor(), state.clock.clone(), form.clone());
    let email = if f.email.trim().is_empty() { admin.user.email.clone() } else { f.email.clone() };
    let made =
        state.db.write(move |tx| Ok(api_tokens::create(tx, &email, &f.name, &f.scope, &actor, clock.now()))).await?;
    let l = listing(&state, &admin).await?;
    match made {
        // The page that shows the token is never stored by the browser (admin pages are no-store).
        Ok(t) => Ok(html(
            StatusCode::OK,
            view::page(
                &admin,
                &l,
                &TokenForm::default(),
                &FieldErrors::new(),
                Some(Made { name: &t.name, token: &t.token }),
            ),
        )),
        Err(Refused::Invalid(errors)) => {
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::page(&admin, &l, &form, &errors, None)))
        }
        Err(Refused::Failed(e)) => Err(e),
    }
}

pub async fn revoke(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (actor, clock, id) = (admin.actor(), state.clock.clone(), id.into_inner());
    let t = state.db.write(move |tx| api_tokens::revoke(tx, id, &actor, clock.now())).await?;
    Ok(see_other_with_flash("/admin/settings/api", &format!("“{}” is revoked: calls with it are refused.", t.name)))
}

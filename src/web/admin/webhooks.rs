//! Webhooks (owner only): endpoints added, paused, resumed, deleted, their secret renewed, and
//! deliveries sent again (`app::webhooks`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::{Empty, html};
use crate::AppState;
use crate::app::webhooks::{self, EndpointInput};
use crate::db::webhooks as stored;
use crate::domain::FieldErrors;
use crate::error::AppError;
use crate::views::Admin;
use crate::views::admin::webhooks::{self as view, EndpointForm, Listing, Secret};
use crate::web::extract::{CsrfForm, Owner};
use crate::web::see_other_with_flash;

const PAGE: &str = "/admin/settings/webhooks";

async fn listing(state: &AppState) -> Result<Listing, AppError> {
    let allow_private = state.config.webhooks.allow_private;
    state
        .db
        .read(move |c| {
            Ok(Listing { endpoints: stored::endpoints(c)?, deliveries: stored::recent(c, None, 50)?, allow_private })
        })
        .await
}

pub async fn list(Owner(admin): Owner, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let l = listing(&state).await?;
    Ok(html(StatusCode::OK, view::page(&admin, &l, &EndpointForm::default(), &FieldErrors::new(), None)))
}

fn read_form(pairs: &[(String, String)]) -> EndpointForm {
    let mut f = EndpointForm::default();
    for (k, v) in pairs {
        match k.as_str() {
            "url" => f.url = v.clone(),
            "description" => f.description = v.clone(),
            "events" => f.events.push(v.clone()),
            _ => {}
        }
    }
    f
}

pub async fn create(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form = read_form(&pairs);
    let input =
        EndpointInput { url: form.url.clone(), events: form.events.clone(), description: form.description.clone() };
    let (actor, now, allow) = (admin.actor(), crate::db::ts(state.clock.now()), state.config.webhooks.allow_private);
    let made = state.db.write(move |tx| webhooks::add_endpoint(tx, &actor, &input, allow, &now)).await?;
    let l = listing(&state).await?;
    match made {
        // Admin pages are no-store: the secret is not kept by the browser.
        Ok((_, secret)) => {
            let shown = Secret { url: form.url.trim(), secret: &secret, new_endpoint: true };
            Ok(html(StatusCode::OK, view::page(&admin, &l, &EndpointForm::default(), &FieldErrors::new(), Some(shown))))
        }
        Err(errors) => Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::page(&admin, &l, &form, &errors, None))),
    }
}

async fn set_active(admin: Admin, state: web::Data<AppState>, id: i64, active: bool) -> Result<HttpResponse, AppError> {
    let actor = admin.actor();
    state.db.write(move |tx| webhooks::set_active(tx, &actor, id, active)).await?;
    let message = if active {
        "The endpoint is active again: waiting deliveries go out now."
    } else {
        "The endpoint is paused: its deliveries wait until you resume it."
    };
    Ok(see_other_with_flash(PAGE, message))
}

pub async fn pause(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    set_active(admin, state, id.into_inner(), false).await
}

pub async fn resume(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    set_active(admin, state, id.into_inner(), true).await
}

pub async fn delete(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (admin.actor(), id.into_inner());
    state.db.write(move |tx| webhooks::delete(tx, &actor, id)).await?;
    Ok(see_other_with_flash(PAGE, "The endpoint and its deliveries are deleted."))
}

pub async fn roll_secret(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (admin.actor(), id.into_inner());
    let (secret, url) = state
        .db
        .write(move |tx| {
            let secret = webhooks::roll_secret(tx, &actor, id)?;
            Ok((secret, stored::endpoint(tx, id)?.map(|e| e.url).unwrap_or_default()))
        })
        .await?;
    let l = listing(&state).await?;
    let shown = Secret { url: &url, secret: &secret, new_endpoint: false };
    Ok(html(StatusCode::OK, view::page(&admin, &l, &EndpointForm::default(), &FieldErrors::new(), Some(shown))))
}

pub async fn ping(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (actor, id, now, shop) = (admin.actor(), id.into_inner(), crate::db::ts(state.clock.now()), state.shop().name);
    state.db.write(move |tx| webhooks::ping(tx, &actor, id, &shop, &now)).await?;
    Ok(see_other_with_flash(
        PAGE,
        "A test event is on its way: its delivery and the answer show under Recent deliveries.",
    ))
}

pub async fn resend(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (actor, id, now) = (admin.actor(), id.into_inner(), crate::db::ts(state.clock.now()));
    state.db.write(move |tx| webhooks::resend(tx, &actor, id, &now)).await?;
    Ok(see_other_with_flash(PAGE, "Queued again, with the same event id: it goes out now."))
}

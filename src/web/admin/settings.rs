//! Shop settings and the test email.

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::html;
use crate::AppState;
use crate::db::{self, outbox, settings};
use crate::domain::shop::{SettingsInput, ShopSettings, validate_settings};
use crate::domain::{FieldErrors, valid_email};
use crate::error::AppError;
use crate::images::{self, Limits};
use crate::mail::messages;
use crate::views::admin::settings as view;
use crate::web::extract::{CsrfForm, Owner, verify_csrf};
use crate::web::see_other_with_flash;

pub async fn show(Owner(admin): Owner, state: web::Data<AppState>) -> HttpResponse {
    let input = SettingsInput::from(&admin.page.shop);
    let test_to = admin.page.shop.contact_email.clone();
    html(StatusCode::OK, view::page(&admin, &input, &FieldErrors::new(), &test_to, state.mail_problem()))
}

pub async fn save(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(input): CsrfForm<SettingsInput>,
) -> Result<HttpResponse, AppError> {
    let new = match validate_settings(&input) {
        Ok(s) => s,
        Err(errors) => {
            let problem = state.mail_problem();
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::page(&admin, &input, &errors, "", problem)));
        }
    };
    let old = admin.page.shop.clone();
    let actor = admin.actor();
    change_profile(&state, move |tx| {
        settings::update(tx, &new, &db::now())?;
        // The logo and custom orders are changed by their own forms: the profile is what is stored.
        let saved = settings::get(tx)?;
        actor.record(tx, "settings.update", "shop", &changed_fields(&old, &saved))?;
        Ok(saved)
    })
    .await?;
    Ok(see_other_with_flash("/admin/settings", "Settings saved."))
}

/// Runs a change of the shop profile in the one writer and keeps the profile it returns in memory,
/// set under the writer's lock so two changes cannot leave memory and database different; when
/// the commit fails after that, the database's profile is taken again.
async fn change_profile<F>(state: &web::Data<AppState>, change: F) -> Result<(), AppError>
where
    F: FnOnce(&rusqlite::Transaction) -> Result<ShopSettings, AppError> + Send + 'static,
{
    let st = state.clone();
    let saved = state
        .db
        .write(move |tx| {
            st.set_shop(change(tx)?);
            Ok(())
        })
        .await;
    if saved.is_err() {
        let current = state.db.read(|c| Ok(settings::get(c)?)).await?;
        state.set_shop(current);
    }
    saved
}

/// Names the fields that changed, for the audit log.
fn changed_fields(old: &crate::domain::shop::ShopSettings, new: &crate::domain::shop::ShopSettings) -> String {
    let (o, n) = (serde_json::to_value(old).unwrap_or_default(), serde_json::to_value(new).unwrap_or_default());
    let mut changed: Vec<String> = Vec::new();
    if let (Some(o), Some(n)) = (o.as_object(), n.as_object()) {
        for (k, v) in n {
            if o.get(k) != Some(v) {
                changed.push(k.clone());
            }
        }
    }
    if changed.is_empty() { "no changes".into() } else { format!("changed: {}", changed.join(", ")) }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TestEmailForm {
    pub to: String,
}

pub async fn test_email(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<TestEmailForm>,
) -> Result<HttpResponse, AppError> {
    let to = form.to.trim().to_string();
    if !valid_email(&to) {
        let mut errors = FieldErrors::new();
        errors.insert("to", "Enter an email address like you@example.com.".into());
        let input = SettingsInput::from(&admin.page.shop);
        let problem = state.mail_problem();
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::page(&admin, &input, &errors, &to, problem)));
    }
    let message = messages::test_message(&admin.page.shop, &to, &admin.user.email);
    let actor = admin.actor();
    let target = to.clone();
    state
        .db
        .write(move |tx| {
            outbox::enqueue(tx, &message, &db::now())?;
            Ok(actor.record(tx, "mail.test", &target, "")?)
        })
        .await?;
    state.wake_mailer();
    let note = match state.mail_problem() {
        Some(problem) => format!("Test email to {to} is waiting in the outbox. {problem}"),
        None => format!("Test email to {to} is on its way. Delivery shows in the Outbox."),
    };
    Ok(see_other_with_flash("/admin/settings", &note))
}

/// Replaces the logo with an uploaded image (checked by decoding, like product photos).
pub async fn upload_logo(
    Owner(admin): Owner,
    req: HttpRequest,
    state: web::Data<AppState>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let limits = Limits::from_config(&state.config.uploads);
    let up = super::multipart::read(payload, "logo", limits.max_bytes, 1).await?;
    verify_csrf(&req, up.field("csrf"))?;
    if let Some((name, size)) = up.too_large.first() {
        let e = limits.too_large(name, *size);
        return Ok(see_other_with_flash("/admin/settings", &format!("The logo was not changed. {e}")));
    }
    let Some((name, bytes)) = up.files.into_iter().next() else {
        return Ok(see_other_with_flash("/admin/settings", "Choose an image for the logo first."));
    };
    let (webp, width, height) = match super::cpu_work(&state, move || images::logo(&name, &bytes, limits)).await? {
        Ok(logo) => logo,
        Err(e) => return Ok(see_other_with_flash("/admin/settings", &format!("The logo was not changed. {e}"))),
    };
    set_logo(&state, admin.actor(), Some((webp, width, height))).await?;
    Ok(see_other_with_flash("/admin/settings", "Logo saved."))
}

pub async fn remove_logo(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(_): CsrfForm<super::Empty>,
) -> Result<HttpResponse, AppError> {
    set_logo(&state, admin.actor(), None).await?;
    Ok(see_other_with_flash("/admin/settings", "Logo removed; the shop's name shows alone."))
}

/// Stores or removes the logo with its audit entry.
async fn set_logo(
    state: &web::Data<AppState>,
    actor: crate::app::Actor,
    logo: Option<(Vec<u8>, u32, u32)>,
) -> Result<(), AppError> {
    change_profile(state, move |tx| {
        let version = settings::set_logo(tx, logo.as_ref().map(|(b, w, h)| (b.as_slice(), *w, *h)), &db::now())?;
        let detail = logo.as_ref().map_or("removed".to_string(), |(_, w, h)| format!("{w}×{h}"));
        actor.record(tx, "settings.logo", "shop", &detail)?;
        Ok(ShopSettings { logo_version: version, ..settings::get(tx)? })
    })
    .await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CustomOrdersForm {
    pub on: Option<String>,
}

/// Switches custom-order requests (`/custom`) on or off.
pub async fn save_custom_orders(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<CustomOrdersForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, on) = (admin.actor(), form.on.is_some());
    change_profile(&state, move |tx| {
        settings::set_custom_orders(tx, on, &db::now())?;
        actor.record(tx, "settings.custom_orders", "shop", if on { "on" } else { "off" })?;
        Ok(settings::get(tx)?)
    })
    .await?;
    let said = if on {
        "Custom-order requests are on: the shop's footer links to the form."
    } else {
        "Custom-order requests are off."
    };
    Ok(see_other_with_flash("/admin/settings", said))
}

//! Settings → Notifications: the owner switches messages on and off, sets the follow-ups' timing,
//! and previews each message as the customer (or the seller) would get it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::html;
use crate::AppState;
use crate::app::notify;
use crate::db::{self, outbox};
use crate::domain::FieldErrors;
use crate::domain::notify::{Notice, NoticeSettingsInput};
use crate::domain::whatsapp_cloud::CloudInput;
use crate::error::AppError;
use crate::views::admin::notices::{self as view, CloudForm, MailState};
use crate::views::page::Admin;
use crate::web::extract::{CsrfForm, Owner};
use crate::web::see_other_with_flash;

/// A form sent back to correct, with its field messages.
enum Echo {
    None,
    Notices(NoticeSettingsInput, FieldErrors),
    Cloud(CloudInput, FieldErrors),
}

async fn render(admin: &Admin, state: &AppState, echo: Echo) -> Result<HttpResponse, AppError> {
    let (stored, cloud, (pending, failed)) =
        state.db.read(|c| Ok((db::notify::settings(c)?, db::notify::cloud_settings(c)?, outbox::backlog(c)?))).await?;
    let (form, errors, cloud_input, cloud_errors) = match echo {
        Echo::None => (None, FieldErrors::new(), None, FieldErrors::new()),
        Echo::Notices(f, e) => (Some(f), e, None, FieldErrors::new()),
        Echo::Cloud(f, e) => (None, FieldErrors::new(), Some(f), e),
    };
    let failed_form = !errors.is_empty() || !cloud_errors.is_empty();
    let form = form.unwrap_or_else(|| NoticeSettingsInput::from_settings(&stored));
    let cloud_input = cloud_input.unwrap_or_else(|| CloudInput::from_settings(&cloud));
    let cloud_form =
        CloudForm { input: &cloud_input, token_saved: !cloud.access_token.is_empty(), errors: &cloud_errors };
    let shop = state.shop();
    let from = crate::mail::sender_address(&state.config.mail, &shop);
    let mail = MailState {
        problem: state.mail_problem(),
        pending,
        failed,
        from: from.as_ref().map(|m| m.to_string()).unwrap_or_else(|| "(no sender address yet)".into()),
        domain: from.map(|m| m.email.domain().to_string()).unwrap_or_else(|| "your domain".into()),
    };
    let status = if failed_form { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    Ok(html(status, view::page(admin, &form, &errors, &mail, &cloud_form)))
}

pub async fn show(Owner(admin): Owner, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    render(&admin, &state, Echo::None).await
}

fn read_cloud_form(pairs: &[(String, String)]) -> CloudInput {
    let mut f = CloudInput::default();
    for (k, v) in pairs {
        match k.as_str() {
            "mode" => f.mode = v.clone(),
            "phone_number_id" => f.phone_number_id = v.clone(),
            "access_token" => f.access_token = v.clone(),
            "forget_token" => f.forget_token = true,
            "language" => f.language = v.clone(),
            "sign_in_template" => f.sign_in_template = v.clone(),
            other => {
                if let Some(n) = other.strip_prefix("t_").and_then(Notice::parse) {
                    f.templates.insert(n, v.clone());
                }
            }
        }
    }
    f
}

pub async fn save_whatsapp(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form = read_cloud_form(&pairs);
    let (actor, input) = (admin.actor(), form.clone());
    match state.db.write(move |tx| notify::save_cloud_settings(tx, &actor, &input)).await? {
        Ok(s) => {
            let said = if s.is_on() {
                "WhatsApp settings saved: messages with a template now go by WhatsApp too."
            } else {
                "WhatsApp settings saved: WhatsApp messages are off."
            };
            Ok(see_other_with_flash("/admin/settings/notifications#whatsapp", said))
        }
        // The typed token is not sent back into the page.
        Err(errors) => {
            render(&admin, &state, Echo::Cloud(CloudInput { access_token: String::new(), ..form }, errors)).await
        }
    }
}

/// The form's fields: a checkbox per notice switched on comes as one `on` pair each.
fn read_form(pairs: &[(String, String)]) -> NoticeSettingsInput {
    let mut f = NoticeSettingsInput::default();
    for (k, v) in pairs {
        match k.as_str() {
            "on" => f.on.push(v.clone()),
            "reminder_hours" => f.reminder_hours = v.clone(),
            "review_days" => f.review_days = v.clone(),
            "summary_hour" => f.summary_hour = v.clone(),
            "processing_time" => f.processing_time = v.clone(),
            _ => {}
        }
    }
    f
}

pub async fn save(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let form = read_form(&pairs);
    let (actor, input) = (admin.actor(), form.clone());
    match state.db.write(move |tx| notify::save_settings(tx, &actor, &input)).await? {
        Ok(_) => Ok(see_other_with_flash("/admin/settings/notifications", "Notification settings saved.")),
        Err(errors) => render(&admin, &state, Echo::Notices(form, errors)).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PreviewQuery {
    /// `text` for the plain-text part; the HTML otherwise.
    pub part: String,
}

/// The message itself, as its recipient's mail program would show it: the HTML part as a page of
/// its own (its inline styles allowed, nothing else; the logo from the shop's own address), or
/// the plain text with the subject above it.
pub async fn preview(
    Owner(_admin): Owner,
    state: web::Data<AppState>,
    notice: web::Path<String>,
    q: web::Query<PreviewQuery>,
) -> Result<HttpResponse, AppError> {
    let notice = Notice::parse(&notice).ok_or(AppError::NotFound)?;
    let base = state.base_url.to_string();
    let b = base.clone();
    let m = state.db.read(move |c| notify::preview(c, notice, &b)).await?;
    let fill = |s: &str| {
        s.replace(crate::mail::notices::BASE, &base)
            .replace(crate::mail::notices::ORDER_LINK, &format!("{base}/o/ORD-1001?t=…"))
            .replace(crate::mail::notices::UNSUBSCRIBE, &format!("{base}/unsubscribe?t=…"))
    };
    let mut res = HttpResponse::Ok();
    res.insert_header(("cache-control", "no-store"));
    if q.part == "text" {
        let body = format!("Subject: {}\nTo: {}\n\n{}", m.subject, m.to, fill(&m.text));
        return Ok(res.content_type("text/plain; charset=utf-8").body(body));
    }
    let logo = state.shop().logo_url().unwrap_or_default();
    let html = fill(&m.html).replace(&format!("cid:{}", crate::mail::notices::LOGO_CID), &logo);
    Ok(res
        .insert_header((
            "content-security-policy",
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .content_type("text/html; charset=utf-8")
        .body(html))
}

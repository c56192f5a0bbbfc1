//! The owner's order settings: expiry and limits, couriers, one-tap message wording.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::html;
use crate::AppState;
use crate::app::order_settings as settings;
use crate::app::orders::review;
use crate::db::desk;
use crate::domain::FieldErrors;
use crate::domain::desk::{CourierInput, RulesInput, check_courier, check_rules};
use crate::domain::messages::Template;
use crate::domain::requests::PolicyInput;
use crate::domain::review::RulesForm;
use crate::error::AppError;
use crate::views::admin::order_settings::{self as view, Defaults, OrderSettings};
use crate::web::extract::{CsrfForm, Owner};
use crate::web::see_other_with_flash;

async fn render(
    owner: &Owner,
    state: &AppState,
    echo: Echoed,
    failed: &str,
    errors: FieldErrors,
    courier: CourierInput,
    edited: Option<(String, String)>,
) -> Result<HttpResponse, AppError> {
    let Echoed { rules, review, self_service, retention } = echo;
    let (stored, couriers, own, review_rules, policy, days) = state
        .db
        .read(|c| {
            Ok((
                desk::rules(c)?,
                desk::couriers(c)?,
                desk::templates(c)?,
                crate::db::review::rules(c)?,
                crate::db::requests::policy(c)?,
                crate::db::privacy::erase_after_days(c)?,
            ))
        })
        .await?;
    let minor = owner.0.page.shop.currency_minor_units;
    let templates = Template::all()
        .into_iter()
        .map(|t| {
            let name = t.name();
            let mine = own.iter().find(|(n, _)| *n == name).map(|(_, b)| b.clone());
            let shown = match &edited {
                Some((n, body)) if *n == name => body.clone(),
                _ => mine.clone().unwrap_or_else(|| t.default_body().to_string()),
            };
            (t, shown, mine.is_some())
        })
        .collect();
    let d = &state.config.orders;
    let ok = errors.is_empty();
    let s = OrderSettings {
        rules: rules.unwrap_or_else(|| RulesInput::from_rules(&stored)),
        defaults: Defaults {
            draft_hours: d.draft_hours,
            pending_hours: d.pending_hours,
            link_days: d.link_days,
            duplicate_minutes: d.duplicate_minutes,
            placements_per_hour: d.placements_per_hour,
        },
        couriers,
        templates,
        failed: failed.to_string(),
        errors,
        courier,
        review: review.unwrap_or_else(|| view::review_form(&review_rules, minor)),
        self_service: self_service.unwrap_or_else(|| PolicyInput::from_policy(&policy)),
        retention_days: retention.unwrap_or_else(|| days.to_string()),
    };
    let status = if ok { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    Ok(html(status, view::page(&owner.0, &s)))
}

/// A form sent back to correct.
#[derive(Default)]
struct Echoed {
    rules: Option<RulesInput>,
    review: Option<RulesForm>,
    self_service: Option<PolicyInput>,
    retention: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RetentionForm {
    pub days: String,
}

pub async fn save_retention(
    owner: Owner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<RetentionForm>,
) -> Result<HttpResponse, AppError> {
    match form.days.trim().parse::<i64>() {
        Ok(days @ 0..=3650) => {
            let actor = owner.0.actor();
            state.db.write(move |tx| crate::app::privacy::save_retention(tx, days, &actor)).await?;
            Ok(see_other_with_flash("/admin/settings/orders", "How long personal data is kept is saved."))
        }
        _ => {
            let errors =
                FieldErrors::from([("days", "Enter a whole number of days from 0 (keep) to 3650.".to_string())]);
            let echo = Echoed { retention: Some(form.days), ..Default::default() };
            render(&owner, &state, echo, "retention", errors, CourierInput::default(), None).await
        }
    }
}

pub async fn save_self_service(
    owner: Owner,
    state: web::Data<AppState>,
    CsrfForm(input): CsrfForm<PolicyInput>,
) -> Result<HttpResponse, AppError> {
    match input.check() {
        Ok(policy) => {
            let actor = owner.0.actor();
            state.db.write(move |tx| crate::app::orders::requests::save_policy(tx, &policy, &actor)).await?;
            Ok(see_other_with_flash("/admin/settings/orders", "What customers may do themselves is saved."))
        }
        Err(errors) => {
            let echo = Echoed { self_service: Some(input), ..Default::default() };
            render(&owner, &state, echo, "self_service", errors, CourierInput::default(), None).await
        }
    }
}

pub async fn save_review(
    owner: Owner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<RulesForm>,
) -> Result<HttpResponse, AppError> {
    let (actor, clock, minor, f) =
        (owner.0.actor(), state.clock.clone(), owner.0.page.shop.currency_minor_units, form.clone());
    match state.db.write(move |tx| review::save_rules(tx, &f, minor, &actor, clock.now())).await? {
        Ok(()) => Ok(see_other_with_flash("/admin/settings/orders", "Review rules saved.")),
        Err(errors) => {
            let echo = Echoed { review: Some(form), ..Default::default() };
            render(&owner, &state, echo, "review", errors, CourierInput::default(), None).await
        }
    }
}

pub async fn show(owner: Owner, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    render(&owner, &state, Echoed::default(), "", FieldErrors::new(), CourierInput::default(), None).await
}

pub async fn save_rules(
    owner: Owner,
    state: web::Data<AppState>,
    CsrfForm(input): CsrfForm<RulesInput>,
) -> Result<HttpResponse, AppError> {
    match check_rules(&input) {
        Ok(rules) => {
            let actor = owner.0.actor();
            state.db.write(move |tx| settings::save_rules(tx, &rules, &actor)).await?;
            Ok(see_other_with_flash("/admin/settings/orders", "Order settings saved."))
        }
        Err(errors) => {
            let echo = Echoed { rules: Some(input), ..Default::default() };
            render(&owner, &state, echo, "rules", errors, CourierInput::default(), None).await
        }
    }
}

pub async fn save_courier(
    owner: Owner,
    state: web::Data<AppState>,
    CsrfForm(input): CsrfForm<CourierInput>,
) -> Result<HttpResponse, AppError> {
    match check_courier(&input) {
        Ok((name, url)) => {
            let actor = owner.0.actor();
            let flash = format!("Courier {name} saved.");
            state.db.write(move |tx| settings::save_courier(tx, &name, &url, &actor)).await?;
            Ok(see_other_with_flash("/admin/settings/orders", &flash))
        }
        Err(errors) => render(&owner, &state, Echoed::default(), "courier", errors, input, None).await,
    }
}

pub async fn remove_courier(
    owner: Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _form: CsrfForm<super::Empty>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), owner.0.actor());
    match state.db.write(move |tx| settings::delete_courier(tx, id, &actor)).await? {
        true => Ok(see_other_with_flash("/admin/settings/orders", "Courier removed.")),
        false => Err(AppError::NotFound),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TemplateForm {
    pub body: String,
    pub action: String,
}

pub async fn save_template(
    owner: Owner,
    state: web::Data<AppState>,
    name: web::Path<String>,
    CsrfForm(form): CsrfForm<TemplateForm>,
) -> Result<HttpResponse, AppError> {
    let template = Template::parse(&name).ok_or(AppError::NotFound)?;
    let actor = owner.0.actor();
    let body = (form.action != "reset").then(|| form.body.clone());
    let saved = state.db.write(move |tx| settings::save_template(tx, template, body.as_deref(), &actor)).await?;
    match saved {
        Ok(()) => Ok(see_other_with_flash("/admin/settings/orders", &format!("“{}” saved.", template.title()))),
        Err(errors) => {
            let edited = Some((template.name(), form.body));
            render(&owner, &state, Echoed::default(), &template.name(), errors, CourierInput::default(), edited).await
        }
    }
}

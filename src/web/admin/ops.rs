//! Jobs (schedules, runs, run now) and the mail outbox (status, retry).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::{Empty, html};
use crate::AppState;
use crate::db::{self, jobs as job_runs, outbox};
use crate::domain::outbox::MessageStatus;
use crate::error::AppError;
use crate::jobs::{self, JOBS};
use crate::views::admin::ops as view;
use crate::web::extract::{CsrfForm, Owner};
use crate::web::see_other_with_flash;

pub async fn jobs(Owner(admin): Owner, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let runs = state.db.read(|c| Ok(job_runs::recent(c, "", 50)?)).await?;
    let schedules: Vec<(&str, &str, &str)> =
        JOBS.iter().map(|(n, d)| (*n, *d, jobs::schedule_of(&state.config.jobs, n))).collect();
    Ok(html(StatusCode::OK, view::jobs(&admin, &schedules, &runs)))
}

pub async fn run_job(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    name: web::Path<String>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let job = JOBS.iter().map(|(n, _)| *n).find(|n| *n == name.as_str()).ok_or(AppError::NotFound)?;
    let actor = admin.actor();
    state.db.write(move |tx| Ok(actor.record(tx, "job.run", job, "")?)).await?;
    let note = match jobs::run(&state.db, &state.config, &state.clock, job, "manual").await {
        Ok(msg) => format!("Job {job} finished: {msg}"),
        Err(msg) => format!("Job {job} failed: {msg}"),
    };
    Ok(see_other_with_flash("/admin/jobs", &note))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OutboxQuery {
    pub status: String,
}

pub async fn outbox(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    q: web::Query<OutboxQuery>,
) -> Result<HttpResponse, AppError> {
    let status = MessageStatus::parse(&q.status);
    let messages = state.db.read(move |c| Ok(outbox::list(c, status, 100)?)).await?;
    let shown = status.map_or("", MessageStatus::as_str);
    Ok(html(StatusCode::OK, view::outbox(&admin, shown, &messages, state.mail_problem())))
}

pub async fn retry_message(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (actor, id) = (admin.actor(), id.into_inner());
    let to = state
        .db
        .write(move |tx| {
            let to = outbox::retry_now(tx, id, &db::now())?.ok_or(AppError::NotFound)?;
            actor.record(tx, "mail.retry", &to, &format!("message {id}"))?;
            Ok(to)
        })
        .await?;
    state.wake_mailer();
    Ok(see_other_with_flash("/admin/outbox", &format!("The message to {to} will be sent again now.")))
}

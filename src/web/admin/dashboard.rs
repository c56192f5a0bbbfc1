//! The dashboard: what needs the seller's attention.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::html;
use crate::AppState;
use crate::db::{audit, backup, outbox, sessions};
use crate::error::AppError;
use crate::views::admin::dashboard::{self as view, Status};
use crate::web::extract::Admin;

pub async fn show(admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let (uid, owner) = (admin.user.id, admin.is_owner());
    let (backlog, my_sessions, recent) = state
        .db
        .read(move |c| {
            let recent = if owner { audit::list(c, &crate::domain::audit::Filter::default(), 8)? } else { Vec::new() };
            Ok((outbox::backlog(c)?, sessions::count_for_user(c, uid)?, recent))
        })
        .await?;
    let status = Status {
        mail_problem: state.mail_problem(),
        outbox_pending: backlog.0,
        outbox_failed: backlog.1,
        last_backup_age: backup::newest_age(&state.config.backup_dir()),
        backups_scheduled: !state.config.jobs.backup.is_empty(),
        my_sessions,
        recent,
    };
    Ok(html(StatusCode::OK, view::page(&admin, &status)))
}

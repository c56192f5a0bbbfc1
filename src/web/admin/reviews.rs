//! The seller's reviews: every rating, and publishing chosen comments on the product pages.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::html;
use crate::AppState;
use crate::app::orders::Refusal;
use crate::app::orders::requests::publish_review;
use crate::error::AppError;
use crate::views::Admin;
use crate::views::admin::reviews as view;
use crate::web::extract::CsrfForm;
use crate::web::see_other_with_flash;

pub async fn list(admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let ratings = state.db.read(|c| Ok(crate::db::requests::ratings(c, 200)?)).await?;
    Ok(html(StatusCode::OK, view::page(&admin, &ratings)))
}

async fn set(admin: Admin, state: web::Data<AppState>, code: String, publish: bool) -> Result<HttpResponse, AppError> {
    let (actor, now, c) = (admin.actor(), state.clock.now(), code.clone());
    match state.db.write(move |tx| Ok(publish_review(tx, &c, publish, &actor, now))).await? {
        Ok(()) => {
            let said = if publish { "published on its products' pages" } else { "withdrawn from the product pages" };
            Ok(see_other_with_flash("/admin/reviews", &format!("The review of {code} is {said}.")))
        }
        Err(Refusal::NotFound) => Err(AppError::NotFound),
        Err(Refusal::Failed(e)) => Err(e),
        Err(other) => Ok(see_other_with_flash("/admin/reviews", &other.message())),
    }
}

pub async fn publish(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    _csrf: CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    set(admin, state, code.into_inner(), true).await
}

pub async fn withdraw(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    _csrf: CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    set(admin, state, code.into_inner(), false).await
}

//! The audit log page, filterable by user, action and date.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::html;
use crate::AppState;
use crate::db::audit;
use crate::domain::audit::Filter;
use crate::error::AppError;
use crate::views::admin::ops as view;
use crate::web::extract::Owner;

pub const PAGE_SIZE: i64 = 100;

pub async fn list(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    q: web::Query<Filter>,
) -> Result<HttpResponse, AppError> {
    let filter = q.into_inner();
    let f = filter.clone();
    let (rows, facets) = state.db.read(move |c| Ok((audit::list(c, &f, PAGE_SIZE)?, audit::facets(c)?))).await?;
    Ok(html(StatusCode::OK, view::audit(&admin, &filter, &rows, &facets, PAGE_SIZE)))
}

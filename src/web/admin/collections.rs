//! Collections in the admin: list, create, edit, feature on the home page, order products, delete.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::html;
use crate::AppState;
use crate::app::collections;
use crate::db::catalog;
use crate::domain::FieldErrors;
use crate::domain::catalog::{CollectionInput, validate_collection};
use crate::error::AppError;
use crate::views::admin::collections as view;
use crate::web::extract::{Admin, CsrfForm};
use crate::web::see_other_with_flash;

pub async fn list(admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let all = state.db.read(|c| Ok(catalog::collections(c)?)).await?;
    Ok(html(StatusCode::OK, view::list(&admin, &all, &CollectionInput::default(), &FieldErrors::new())))
}

pub async fn create(
    admin: Admin,
    state: web::Data<AppState>,
    CsrfForm(input): CsrfForm<CollectionInput>,
) -> Result<HttpResponse, AppError> {
    let errors = match validate_collection(&input) {
        Ok(valid) => {
            let actor = admin.actor();
            match state.db.write(move |tx| collections::save_collection(tx, &actor, None, &valid)).await? {
                Ok(id) => return Ok(see_other_with_flash(&format!("/admin/collections/{id}"), "Collection created.")),
                Err(errors) => errors,
            }
        }
        Err(errors) => errors,
    };
    let all = state.db.read(|c| Ok(catalog::collections(c)?)).await?;
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::list(&admin, &all, &input, &errors)))
}

async fn render_edit(
    admin: &Admin,
    state: &AppState,
    id: i64,
    input: &CollectionInput,
    errors: &FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let members = state.db.read(move |c| Ok(catalog::collection_members(c, id)?)).await?;
    Ok(html(status, view::edit(admin, id, input, errors, &members)))
}

pub async fn edit_form(admin: Admin, state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let c = state.db.read(move |c| catalog::collection_by_id(c, id)?.ok_or(AppError::NotFound)).await?;
    let input = CollectionInput {
        title: c.title,
        slug: c.slug,
        description_md: c.description_md,
        featured: c.featured.then(|| "1".to_string()),
        position: c.position.to_string(),
    };
    render_edit(&admin, &state, id, &input, &FieldErrors::new(), StatusCode::OK).await
}

pub async fn update(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(input): CsrfForm<CollectionInput>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let valid = match validate_collection(&input) {
        Ok(v) => v,
        Err(errors) => return render_edit(&admin, &state, id, &input, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let actor = admin.actor();
    match state.db.write(move |tx| collections::save_collection(tx, &actor, Some(id), &valid)).await? {
        Ok(_) => Ok(see_other_with_flash(&format!("/admin/collections/{id}"), "Collection saved.")),
        Err(errors) => render_edit(&admin, &state, id, &input, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// The product order form: `place_{product id}` numbers and `remove` checkboxes (product ids).
pub async fn order(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let places: Vec<(i64, i64)> = pairs
        .iter()
        .filter_map(|(k, v)| Some((k.strip_prefix("place_")?.parse().ok()?, v.trim().parse().ok()?)))
        .collect();
    let remove: Vec<i64> = pairs.iter().filter(|(k, _)| k == "remove").filter_map(|(_, v)| v.parse().ok()).collect();
    let actor = admin.actor();
    state
        .db
        .write(move |tx| {
            catalog::collection_by_id(tx, id)?.ok_or(AppError::NotFound)?;
            collections::order_collection(tx, &actor, id, &places, &remove)
        })
        .await?;
    Ok(see_other_with_flash(&format!("/admin/collections/{id}"), "Order saved."))
}

pub async fn delete(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    _f: CsrfForm<super::Empty>,
) -> Result<HttpResponse, AppError> {
    let (id, actor) = (id.into_inner(), admin.actor());
    state.db.write(move |tx| collections::delete_collection(tx, &actor, id)).await?;
    Ok(see_other_with_flash("/admin/collections", "Collection deleted; its products are still in the shop."))
}

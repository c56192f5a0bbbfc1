//! Product photos in the admin: upload several at once (all or nothing), alt text, order, delete.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, web};

use super::cpu_work;
use crate::AppState;
use crate::db::{self, catalog};
use crate::error::AppError;
use crate::images::{self, Limits};
use crate::web::extract::{Admin, CsrfForm, verify_csrf};
use crate::web::see_other_with_flash;

/// Most photos one upload takes.
const MAX_FILES: usize = 12;

pub async fn upload(
    admin: Admin,
    req: HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    payload: Multipart,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let back = format!("/admin/products/{id}");
    let limits = Limits::from_config(&state.config.uploads);
    let up = super::multipart::read(payload, "photos", limits.max_bytes, MAX_FILES).await?;
    verify_csrf(&req, up.field("csrf"))?;
    if up.files.is_empty() && up.too_large.is_empty() {
        return Ok(see_other_with_flash(&back, "Choose one or more photos first."));
    }
    let mut refused: Vec<String> =
        up.too_large.iter().map(|(name, size)| limits.too_large(name, *size).to_string()).collect();
    let alt: String = up.field("alt").trim().chars().take(200).collect();
    let mut processed = Vec::new();
    for (name, bytes) in up.files {
        match cpu_work(&state, move || images::process(&name, &bytes, limits)).await? {
            Ok(p) => processed.push(p),
            Err(e) => refused.push(e.to_string()),
        }
    }
    if !refused.is_empty() {
        // All or nothing: one bad file stores none, so the seller can simply try again.
        return Ok(see_other_with_flash(&back, &format!("Nothing was uploaded. {}", refused.join(" "))));
    }
    let (actor, n) = (admin.actor(), processed.len());
    state
        .db
        .write(move |tx| {
            catalog::for_edit(tx, id)?.ok_or(AppError::NotFound)?;
            for p in &processed {
                catalog::insert_image(tx, id, &alt, p, &db::now())?;
            }
            tx.execute("UPDATE products SET updated_at = ?1 WHERE id = ?2", (db::now(), id))?;
            Ok(actor.record(tx, "product.photos", &id.to_string(), &format!("{n} added"))?)
        })
        .await?;
    Ok(see_other_with_flash(&back, &format!("{n} photo(s) added.")))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct PhotoForm {
    pub alt: String,
    pub position: i64,
    /// What this photo shows: empty for any variant, `v:<id>` one, `o:<place>:<value>` every
    /// variant with that option value.
    pub variant: String,
    pub delete: Option<String>,
}

pub async fn edit(
    admin: Admin,
    state: web::Data<AppState>,
    path: web::Path<(i64, i64)>,
    CsrfForm(form): CsrfForm<PhotoForm>,
) -> Result<HttpResponse, AppError> {
    let (id, image) = path.into_inner();
    let back = format!("/admin/products/{id}");
    let actor = admin.actor();
    let delete = form.delete.is_some();
    let alt: String = form.alt.trim().chars().take(200).collect();
    let position = (form.position - 1).max(0);
    let shows = crate::domain::catalog::Shows::parse(&form.variant);
    state
        .db
        .write(move |tx| {
            let found = if delete {
                catalog::delete_image(tx, id, image, &db::now())?
            } else {
                catalog::update_image(tx, id, image, &alt, position, &shows)?
            };
            if !found {
                return Err(AppError::NotFound);
            }
            tx.execute("UPDATE products SET updated_at = ?1 WHERE id = ?2", (db::now(), id))?;
            Ok(actor.record(
                tx,
                if delete { "product.photo_delete" } else { "product.photo_edit" },
                &id.to_string(),
                &image.to_string(),
            )?)
        })
        .await?;
    Ok(see_other_with_flash(&back, if delete { "Photo deleted." } else { "Photo saved." }))
}

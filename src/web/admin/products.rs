//! Products in the admin: list and filter, create and edit with the variants grid, stock, bulk status.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::html;
use crate::AppState;
use crate::app::{import, products};
use crate::db::catalog;
use crate::domain::catalog::{AdminFilter, ProductStatus};
use crate::domain::money;
use crate::domain::product_form::{self, ProductErrors, ProductInput, RowInput};
use crate::error::AppError;
use crate::views::admin::products as view;
use crate::web::extract::{Admin, CsrfForm};
use crate::web::see_other_with_flash;

type Pairs = Vec<(String, String)>;

/// Products on one page of the admin's list.
const PAGE: i64 = 50;

pub async fn list(
    admin: Admin,
    state: web::Data<AppState>,
    q: web::Query<AdminFilter>,
) -> Result<HttpResponse, AppError> {
    let filter = q.into_inner();
    let page = filter.page.unwrap_or(1).max(1);
    let f = filter.clone();
    let offset = (page - 1).saturating_mul(PAGE);
    // One more than a page tells whether there is a next one.
    let (mut rows, collections) =
        state.db.read(move |c| Ok((catalog::admin_list(c, &f, PAGE + 1, offset)?, catalog::collections(c)?))).await?;
    let more = rows.len() as i64 > PAGE;
    rows.truncate(PAGE as usize);
    Ok(html(StatusCode::OK, view::list(&admin, &filter, &rows, &collections, page, more)))
}

pub async fn bulk(
    admin: Admin,
    state: web::Data<AppState>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    let ids: Vec<i64> = pairs.iter().filter(|(k, _)| k == "id").filter_map(|(_, v)| v.parse().ok()).collect();
    let action = pairs.iter().find(|(k, _)| k == "action").map(|(_, v)| v.as_str()).unwrap_or("");
    if let Some(collection) = action.strip_prefix("collection:").and_then(|c| c.parse::<i64>().ok()) {
        if ids.is_empty() {
            return Ok(see_other_with_flash("/admin/products", "Select at least one product first."));
        }
        let actor = admin.actor();
        let done = state.db.write(move |tx| products::add_to_collection(tx, &actor, collection, &ids)).await?;
        let (title, n) = done.ok_or(AppError::NotFound)?;
        return Ok(see_other_with_flash("/admin/products", &format!("{n} product(s) added to {title}.")));
    }
    let status = match Some(action) {
        Some("activate") => ProductStatus::Active,
        Some("archive") => ProductStatus::Archived,
        Some("draft") => ProductStatus::Draft,
        _ => return Err(AppError::BadRequest("Choose what to do with the selected products.".into())),
    };
    if ids.is_empty() {
        return Ok(see_other_with_flash("/admin/products", "Select at least one product first."));
    }
    let actor = admin.actor();
    let n = state.db.write(move |tx| products::set_status(tx, &actor, &ids, status)).await?;
    Ok(see_other_with_flash("/admin/products", &format!("{n} product(s) set to {status}.")))
}

/// A new product's form: three empty rows, stock tracked.
fn blank() -> ProductInput {
    let row = RowInput { track: true, ..Default::default() };
    ProductInput { status: "draft".into(), rows: vec![row.clone(), row.clone(), row], ..Default::default() }
}

async fn render_form(
    admin: &Admin,
    state: &AppState,
    id: Option<i64>,
    input: &ProductInput,
    errors: &ProductErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let extras = state
        .db
        .read(move |c| {
            let collections = catalog::collections(c)?;
            Ok(match id {
                Some(id) => view::Extras {
                    collections,
                    variants: catalog::variants_of(c, id)?,
                    photos: catalog::images_of(c, id)?,
                    early_access: catalog::has_early_access(c, id)?,
                },
                None => view::Extras { collections, variants: Vec::new(), photos: Vec::new(), early_access: false },
            })
        })
        .await?;
    Ok(html(status, view::form(admin, id, input, errors, &extras)))
}

pub async fn new_form(admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    render_form(&admin, &state, None, &blank(), &ProductErrors::default(), StatusCode::OK).await
}

pub async fn edit_form(admin: Admin, state: web::Data<AppState>, id: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let (p, variants, collections) =
        state.db.read(move |c| catalog::for_edit(c, id)?.ok_or(AppError::NotFound)).await?;
    let minor = admin.page.shop.currency_minor_units;
    let mut rows: Vec<RowInput> = variants
        .iter()
        .map(|v| RowInput {
            id: v.id.to_string(),
            options: v.options.clone(),
            sku: v.sku.clone(),
            price: money::decimal(v.price, minor),
            compare_at: v.compare_at_price.map(|c| money::decimal(c, minor)).unwrap_or_default(),
            track: v.track_stock,
            backorder: v.allow_backorder,
            max_per_order: v.max_per_order.map(|m| m.to_string()).unwrap_or_default(),
            barcode: v.barcode.clone(),
            weight: v.weight_grams.map(|w| w.to_string()).unwrap_or_default(),
            stock: String::new(),
            remove: false,
        })
        .collect();
    rows.push(RowInput { track: true, ..Default::default() });
    let input = ProductInput {
        title: p.title,
        slug: p.slug,
        status: p.status.as_str().into(),
        description_md: p.description_md,
        tags: p.tags.replace(',', ", "),
        seo_title: p.seo_title,
        seo_description: p.seo_description,
        publish_at: p.publish_at.map(|t| t.chars().take(16).collect()).unwrap_or_default(),
        options: p.options,
        collections,
        rows,
    };
    render_form(&admin, &state, Some(id), &input, &ProductErrors::default(), StatusCode::OK).await
}

pub async fn create(
    admin: Admin,
    state: web::Data<AppState>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    submit(admin, state, None, pairs).await
}

pub async fn update(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(pairs): CsrfForm<Pairs>,
) -> Result<HttpResponse, AppError> {
    submit(admin, state, Some(id.into_inner()), pairs).await
}

/// Saves the form, or with `action=generate` adds a row for every missing option combination and shows the form again.
async fn submit(
    admin: Admin,
    state: web::Data<AppState>,
    id: Option<i64>,
    pairs: Pairs,
) -> Result<HttpResponse, AppError> {
    let mut input = ProductInput::from_pairs(&pairs);
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    if field("action") == "generate" {
        let lists: Vec<Vec<String>> = (1..=3)
            .map(|i| {
                field(&format!("gen{i}")).split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect()
            })
            .collect();
        let have: Vec<[String; 3]> = input.rows.iter().map(|r| r.options.clone()).collect();
        input.rows.retain(|r| !(r.id.is_empty() && r.sku.trim().is_empty() && r.price.trim().is_empty()));
        let new = product_form::combinations(&lists, &field("gen_prefix"), &field("gen_price"));
        input.rows.extend(new.into_iter().filter(|r| !have.contains(&r.options)));
        return render_form(&admin, &state, id, &input, &ProductErrors::default(), StatusCode::OK).await;
    }
    let valid = match product_form::validate(&input, admin.page.shop.currency_minor_units) {
        Ok(v) => v,
        Err(errors) => return render_form(&admin, &state, id, &input, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    };
    let actor = admin.actor();
    let saved = state.db.write(move |tx| products::save(tx, &actor, id, &valid)).await?;
    match saved {
        Ok(pid) => Ok(see_other_with_flash(&format!("/admin/products/{pid}"), "Product saved.")),
        Err(errors) => render_form(&admin, &state, id, &input, &errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StockForm {
    pub variant: i64,
    pub delta: String,
    pub reason: String,
}

pub async fn stock(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<StockForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let back = format!("/admin/products/{id}");
    let delta = match form.delta.trim().trim_start_matches('+').parse::<i64>() {
        Ok(d) if d != 0 && d.abs() <= 1_000_000 => d,
        _ => {
            return Ok(see_other_with_flash(
                &back,
                "Enter a whole number to add (or a negative one to remove), not zero.",
            ));
        }
    };
    let reason: String = match form.reason.trim() {
        "" => "adjustment".into(),
        r => r.chars().take(120).collect(),
    };
    let actor = admin.actor();
    let variant = form.variant;
    match state.db.write(move |tx| products::adjust_stock(tx, &actor, id, variant, delta, &reason)).await {
        Ok(now) => Ok(see_other_with_flash(&back, &format!("Stock changed by {delta:+}: {now} on hand."))),
        Err(AppError::Conflict(msg)) => Ok(see_other_with_flash(&back, &msg)),
        Err(e) => Err(e),
    }
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct EarlyAccessForm {
    pub action: String,
}

/// Creates (or replaces) the product's early-access link and shows it once, or turns it off.
pub async fn early_access(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<EarlyAccessForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = admin.actor();
    if form.action == "revoke" {
        state
            .db
            .write(move |tx| {
                if !catalog::set_early_access(tx, id, None)? {
                    return Err(AppError::NotFound);
                }
                Ok(actor.record(tx, "product.early_access_off", &id.to_string(), "")?)
            })
            .await?;
        return Ok(see_other_with_flash(&format!("/admin/products/{id}"), "The early-access link no longer works."));
    }
    let (token, hash) = crate::domain::tokens::new_token();
    let (slug, title) = state
        .db
        .write(move |tx| {
            let (p, _, _) = catalog::for_edit(tx, id)?.ok_or(AppError::NotFound)?;
            catalog::set_early_access(tx, id, Some(&hash))?;
            actor.record(tx, "product.early_access", &p.slug, "")?;
            Ok((p.slug, p.title))
        })
        .await?;
    let link = format!("{}/p/{slug}?access={token}", crate::web::public_base(&state, &admin.page));
    Ok(html(StatusCode::OK, view::early_access_link(&admin, id, &title, &link)))
}

/// The whole catalogue as CSV, one row per variant.
pub async fn export(admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let rows = state.db.read(|c| Ok(catalog::export_rows(c)?)).await?;
    let csv =
        crate::domain::product_csv::write(&rows, admin.page.shop.currency_minor_units).map_err(AppError::internal)?;
    let name = format!("products-{}.csv", chrono::Utc::now().format("%Y-%m-%d"));
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header(("content-disposition", format!("attachment; filename=\"{name}\"")))
        .body(csv))
}

/// Largest CSV file accepted.
const MAX_CSV_BYTES: usize = 10 * 1024 * 1024;

/// Imports a CSV file: all of it, or (with every problem listed by line and column) none of it.
pub async fn import(
    admin: Admin,
    req: actix_web::HttpRequest,
    state: web::Data<AppState>,
    payload: actix_multipart::Multipart,
) -> Result<HttpResponse, AppError> {
    let up = super::multipart::read(payload, "file", MAX_CSV_BYTES, 1).await?;
    crate::web::extract::verify_csrf(&req, up.field("csrf"))?;
    if !up.too_large.is_empty() {
        return Ok(see_other_with_flash(
            "/admin/products",
            "That file is larger than 10 MB; split it and import the parts.",
        ));
    }
    let Some((_, data)) = up.files.into_iter().next() else {
        return Ok(see_other_with_flash("/admin/products", "Choose a CSV file to import."));
    };
    let errors = match crate::domain::product_csv::parse(&data) {
        Err(errors) => errors,
        Ok(mut items) => {
            let (actor, minor) = (admin.actor(), admin.page.shop.currency_minor_units);
            match state.db.write(move |tx| import::import(tx, &actor, &mut items, minor)).await? {
                Ok(s) => {
                    let msg = format!("Imported: {} new, {} updated product(s).", s.created, s.updated);
                    return Ok(see_other_with_flash("/admin/products", &msg));
                }
                Err(errors) => errors,
            }
        }
    };
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::import_errors(&admin, &errors)))
}

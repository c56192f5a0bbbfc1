//! Editing an order at the desk: items, charges, the customer's details, shipping.

use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::orders::{order_id, refused};
use crate::AppState;
use crate::app::orders::Refusal;
use crate::app::orders::edit;
use crate::db::orders;
use crate::domain::order_edit::{ChargesInput, CustomerInput, LinesEdit, check_charges};
use crate::error::AppError;
use crate::views::Admin;
use crate::views::admin::order::Echo;
use crate::web::extract::CsrfForm;
use crate::web::see_other_with_flash;

pub async fn edit_lines(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let edit = match LinesEdit::from_pairs(&pairs) {
        Ok(e) => e,
        Err(fields) => return refused(&admin, &state, code, Refusal::Invalid(fields), Echo::default()).await,
    };
    let id = order_id(&state, code.clone()).await?;
    let (actor, clock) = (admin.actor(), state.clock.clone());
    match state.db.write(move |tx| Ok(edit::edit_lines(tx, id, &edit, &actor, clock.now()))).await? {
        Ok(code) => Ok(see_other_with_flash(&format!("/admin/orders/{code}"), "Items saved; the stock is held again.")),
        Err(r) => refused(&admin, &state, code, r, Echo::default()).await,
    }
}

pub async fn edit_charges(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(input): CsrfForm<ChargesInput>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let key = code.clone();
    let subtotal =
        state.db.read(move |c| Ok(orders::by_code(c, &key)?.map(|o| o.subtotal))).await?.ok_or(AppError::NotFound)?;
    let echo = Echo { charges: input.clone(), ..Default::default() };
    let (fee, discount) = match check_charges(&input, subtotal, admin.page.shop.currency_minor_units) {
        Ok(v) => v,
        Err(fields) => return refused(&admin, &state, code, Refusal::Invalid(fields), echo).await,
    };
    let id = order_id(&state, code.clone()).await?;
    let (actor, clock) = (admin.actor(), state.clock.clone());
    match state.db.write(move |tx| Ok(edit::edit_charges(tx, id, fee, discount, &actor, clock.now()))).await? {
        Ok(code) => Ok(see_other_with_flash(&format!("/admin/orders/{code}"), "Charges saved.")),
        Err(r) => refused(&admin, &state, code, r, echo).await,
    }
}

pub async fn edit_customer(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(input): CsrfForm<CustomerInput>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let id = order_id(&state, code.clone()).await?;
    let (actor, clock) = (admin.actor(), state.clock.clone());
    let echo = Echo { customer: Some(input.clone()), ..Default::default() };
    match state.db.write(move |tx| Ok(edit::edit_customer(tx, id, &input, &actor, clock.now()))).await? {
        Ok(code) => Ok(see_other_with_flash(&format!("/admin/orders/{code}"), "Customer's details saved.")),
        Err(r) => refused(&admin, &state, code, r, echo).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ShippingForm {
    pub courier: String,
    pub tracking_number: String,
}

pub async fn edit_shipping(
    admin: Admin,
    state: web::Data<AppState>,
    code: web::Path<String>,
    CsrfForm(form): CsrfForm<ShippingForm>,
) -> Result<HttpResponse, AppError> {
    let code = code.into_inner();
    let id = order_id(&state, code.clone()).await?;
    let (actor, clock) = (admin.actor(), state.clock.clone());
    let done = state
        .db
        .write(move |tx| Ok(edit::edit_shipping(tx, id, &form.courier, &form.tracking_number, &actor, clock.now())))
        .await?;
    match done {
        Ok(code) => Ok(see_other_with_flash(&format!("/admin/orders/{code}"), "Shipping details saved.")),
        Err(r) => refused(&admin, &state, code, r, Echo::default()).await,
    }
}

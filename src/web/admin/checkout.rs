//! The owner's checkout page: how orders start, delivery and payment methods, discount codes.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::html;
use crate::db::checkout as store;
use crate::domain::FieldErrors;
use crate::domain::checkout_admin::{
    DeliveryForm, DiscountForm, PaymentForm, SettingsForm, validate_delivery, validate_discount, validate_payment,
    validate_settings,
};
use crate::error::AppError;
use crate::views::admin::checkout::{self as view, Data, Failed};
use crate::web::extract::{Admin, CsrfForm, Owner};
use crate::web::see_other_with_flash;
use crate::{AppState, app};

async fn data(state: &AppState) -> Result<Data, AppError> {
    state
        .db
        .read(|c| {
            Ok(Data {
                settings: store::settings(c)?,
                deliveries: store::all_delivery_methods(c)?,
                payments: store::all_payment_methods(c)?,
                discounts: store::discounts(c)?,
            })
        })
        .await
}

async fn again(admin: &Admin, state: &AppState, failed: Failed) -> Result<HttpResponse, AppError> {
    Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::page(admin, &data(state).await?, &failed)))
}

pub async fn show(Owner(admin): Owner, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    Ok(html(StatusCode::OK, view::page(&admin, &data(&state).await?, &Failed::None)))
}

pub async fn save_settings(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<SettingsForm>,
) -> Result<HttpResponse, AppError> {
    let s = match validate_settings(&form) {
        Ok(s) => s,
        Err(e) => return again(&admin, &state, Failed::Settings(form, e)).await,
    };
    app::checkout::save_settings(&state.db, admin.actor(), s).await?;
    Ok(see_other_with_flash("/admin/checkout", "Checkout settings saved."))
}

fn duplicate(field: &'static str, what: &str) -> FieldErrors {
    FieldErrors::from([(field, format!("Another {what} uses this code."))])
}

pub async fn save_delivery(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: Option<web::Path<i64>>,
    CsrfForm(form): CsrfForm<DeliveryForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.map(|p| p.into_inner());
    let (method, active) = match validate_delivery(&form, admin.page.shop.currency_minor_units) {
        Ok(m) => m,
        Err(e) => return again(&admin, &state, Failed::Delivery(id, form, e)).await,
    };
    let saved = app::checkout::save_delivery(&state.db, admin.actor(), id, method, active).await?;
    if !saved {
        return again(&admin, &state, Failed::Delivery(id, form, duplicate("code", "delivery method"))).await;
    }
    Ok(see_other_with_flash("/admin/checkout#delivery-h", "Delivery method saved."))
}

pub async fn save_payment(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: Option<web::Path<i64>>,
    CsrfForm(form): CsrfForm<PaymentForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.map(|p| p.into_inner());
    let (method, active) = match validate_payment(&form) {
        Ok(m) => m,
        Err(e) => return again(&admin, &state, Failed::Payment(id, form, e)).await,
    };
    let saved = app::checkout::save_payment(&state.db, admin.actor(), id, method, active).await?;
    if !saved {
        return again(&admin, &state, Failed::Payment(id, form, duplicate("code", "payment method"))).await;
    }
    Ok(see_other_with_flash("/admin/checkout#payment-h", "Payment method saved."))
}

pub async fn create_discount(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<DiscountForm>,
) -> Result<HttpResponse, AppError> {
    let d = match validate_discount(&form, admin.page.shop.currency_minor_units) {
        Ok(d) => d,
        Err(e) => return again(&admin, &state, Failed::Discount(form, e)).await,
    };
    let created = app::checkout::create_discount(&state.db, admin.actor(), d).await?;
    if !created {
        return again(&admin, &state, Failed::Discount(form, duplicate("code", "discount"))).await;
    }
    Ok(see_other_with_flash("/admin/checkout#discounts-h", "Discount code created."))
}

#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct ToggleForm {
    pub active: Option<String>,
}

pub async fn toggle_discount(
    Owner(admin): Owner,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<ToggleForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let active = form.active.is_some();
    app::checkout::set_discount_active(&state.db, admin.actor(), id, active).await?;
    Ok(see_other_with_flash(
        "/admin/checkout#discounts-h",
        if active { "Discount code on." } else { "Discount code off." },
    ))
}

//! The admin: sign-in and setup, dashboard, settings, users, audit log, jobs and outbox.

mod api_tokens;
mod audit;
mod auth;
mod checkout;
mod collections;
mod custom;
pub(crate) mod customers;
pub mod dashboard;
pub(crate) mod export;
pub(crate) mod multipart;
mod new_order;
mod notices;
mod ops;
mod order_edit;
mod order_settings;
pub(crate) mod orders;
mod photos;
mod products;
mod requests;
mod reviews;
mod settings;
mod two_factor;
mod users;
mod webhooks;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use maud::Markup;

use crate::error::AppError;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.route("/admin", web::get().to(dashboard::show))
        .route("/admin/", web::get().to(dashboard::show))
        .route("/admin/setup", web::get().to(auth::setup_form))
        .route("/admin/setup", web::post().to(auth::setup))
        .route("/admin/login", web::get().to(auth::login_form))
        .route("/admin/login", web::post().to(auth::login))
        .route("/admin/login/code", web::post().to(auth::login_code))
        .route("/admin/account/two-factor", web::get().to(two_factor::show))
        .route("/admin/account/two-factor", web::post().to(two_factor::enable))
        .route("/admin/account/two-factor/recovery-codes", web::post().to(two_factor::recovery_codes))
        .route("/admin/account/two-factor/off", web::post().to(two_factor::disable))
        .route("/admin/users/two-factor", web::post().to(users::require_two_factor))
        .route("/admin/logout", web::post().to(auth::logout))
        .route("/admin/logout-everywhere", web::post().to(auth::logout_everywhere))
        .route("/admin/invite", web::get().to(auth::invite_form))
        .route("/admin/invite", web::post().to(auth::accept_invite))
        .route("/admin/orders", web::get().to(orders::list))
        .route("/admin/orders.csv", web::get().to(export::orders))
        .route("/admin/orders/clear-drafts", web::get().to(orders::clear_drafts_review))
        .route("/admin/orders/clear-drafts", web::post().to(orders::clear_drafts))
        .route("/admin/orders/new", web::get().to(new_order::form))
        .route("/admin/orders/new", web::post().to(new_order::step))
        .route("/admin/orders/requests", web::get().to(requests::queue))
        .route("/admin/requests/{id}/answer", web::post().to(requests::answer))
        .route("/admin/custom", web::get().to(custom::queue))
        .route("/admin/custom/{code}", web::get().to(custom::show))
        .route("/admin/custom/{code}/quote", web::post().to(custom::quote))
        .route("/admin/custom/{code}/decline", web::post().to(custom::decline))
        .route("/admin/custom/{code}/whatsapp", web::post().to(custom::whatsapp))
        .route("/admin/custom/{code}/erase", web::post().to(custom::erase))
        .route("/admin/custom/{code}/photos/{id}/{size}", web::get().to(custom::photo))
        .route("/admin/settings/custom-orders", web::post().to(settings::save_custom_orders))
        .route("/admin/reviews", web::get().to(reviews::list))
        .route("/admin/reviews/{code}/publish", web::post().to(reviews::publish))
        .route("/admin/reviews/{code}/withdraw", web::post().to(reviews::withdraw))
        .route("/admin/orders/{code}", web::get().to(orders::show))
        .route("/admin/orders/{code}/packing-slip", web::get().to(orders::packing_slip))
        .route("/admin/orders/{code}/receipt", web::get().to(orders::receipt))
        .route("/admin/orders/{code}/status", web::post().to(orders::step))
        .route("/admin/orders/{code}/payments", web::post().to(orders::record_payment))
        .route("/admin/orders/{code}/whatsapp", web::post().to(orders::message))
        .route("/admin/orders/{code}/notes", web::post().to(orders::add_note))
        .route("/admin/orders/{code}/lines", web::post().to(order_edit::edit_lines))
        .route("/admin/orders/{code}/charges", web::post().to(order_edit::edit_charges))
        .route("/admin/orders/{code}/customer", web::post().to(order_edit::edit_customer))
        .route("/admin/orders/{code}/shipping", web::post().to(order_edit::edit_shipping))
        .route("/admin/orders/{code}/tags", web::post().to(orders::set_tags))
        .route("/admin/orders/{code}/links/revoke", web::post().to(orders::revoke_links))
        .route("/admin/settings/api", web::get().to(api_tokens::list))
        .route("/admin/settings/api", web::post().to(api_tokens::create))
        .route("/admin/settings/api/{id}/revoke", web::post().to(api_tokens::revoke))
        .route("/admin/settings/webhooks", web::get().to(webhooks::list))
        .route("/admin/settings/webhooks", web::post().to(webhooks::create))
        .route("/admin/settings/webhooks/{id}/pause", web::post().to(webhooks::pause))
        .route("/admin/settings/webhooks/{id}/resume", web::post().to(webhooks::resume))
        .route("/admin/settings/webhooks/{id}/secret", web::post().to(webhooks::roll_secret))
        .route("/admin/settings/webhooks/{id}/ping", web::post().to(webhooks::ping))
        .route("/admin/settings/webhooks/{id}/delete", web::post().to(webhooks::delete))
        .route("/admin/settings/webhooks/deliveries/{id}/resend", web::post().to(webhooks::resend))
        .route("/admin/settings/notifications", web::get().to(notices::show))
        .route("/admin/settings/notifications", web::post().to(notices::save))
        .route("/admin/settings/notifications/whatsapp", web::post().to(notices::save_whatsapp))
        .route("/admin/settings/notifications/{notice}/preview", web::get().to(notices::preview))
        .route("/admin/settings/orders", web::get().to(order_settings::show))
        .route("/admin/settings/orders", web::post().to(order_settings::save_rules))
        .route("/admin/settings/review", web::post().to(order_settings::save_review))
        .route("/admin/settings/self-service", web::post().to(order_settings::save_self_service))
        .route("/admin/settings/retention", web::post().to(order_settings::save_retention))
        .route("/admin/settings/couriers", web::post().to(order_settings::save_courier))
        .route("/admin/settings/couriers/{id}/remove", web::post().to(order_settings::remove_courier))
        .route("/admin/settings/messages/{name}", web::post().to(order_settings::save_template))
        .route("/admin/customers", web::get().to(customers::list))
        .route("/admin/customers.csv", web::get().to(customers::export))
        .route("/admin/customers/{id}", web::get().to(customers::show))
        .route("/admin/customers/{id}/export.json", web::get().to(customers::export_one))
        .route("/admin/customers/{id}/erase", web::post().to(customers::erase))
        .route("/admin/customers/{id}/note", web::post().to(customers::note))
        .route("/admin/customers/{id}/tags", web::post().to(customers::tags))
        .route("/admin/customers/{id}/block", web::post().to(customers::block))
        .route("/admin/customers/{id}/unblock", web::post().to(customers::unblock))
        .route("/admin/products", web::get().to(products::list))
        .route("/admin/products/bulk", web::post().to(products::bulk))
        .route("/admin/products.csv", web::get().to(products::export))
        .route("/admin/products/import", web::post().to(products::import))
        .route("/admin/products/new", web::get().to(products::new_form))
        .route("/admin/products/new", web::post().to(products::create))
        .route("/admin/products/{id}", web::get().to(products::edit_form))
        .route("/admin/products/{id}", web::post().to(products::update))
        .route("/admin/products/{id}/stock", web::post().to(products::stock))
        .route("/admin/products/{id}/early-access", web::post().to(products::early_access))
        .route("/admin/products/{id}/images", web::post().to(photos::upload))
        .route("/admin/products/{id}/images/{image}", web::post().to(photos::edit))
        .route("/admin/collections", web::get().to(collections::list))
        .route("/admin/collections/new", web::post().to(collections::create))
        .route("/admin/collections/{id}", web::get().to(collections::edit_form))
        .route("/admin/collections/{id}", web::post().to(collections::update))
        .route("/admin/collections/{id}/order", web::post().to(collections::order))
        .route("/admin/collections/{id}/delete", web::post().to(collections::delete))
        .route("/admin/checkout", web::get().to(checkout::show))
        .route("/admin/checkout", web::post().to(checkout::save_settings))
        .route("/admin/checkout/delivery", web::post().to(checkout::save_delivery))
        .route("/admin/checkout/delivery/{id}", web::post().to(checkout::save_delivery))
        .route("/admin/checkout/payment", web::post().to(checkout::save_payment))
        .route("/admin/checkout/payment/{id}", web::post().to(checkout::save_payment))
        .route("/admin/checkout/discounts", web::post().to(checkout::create_discount))
        .route("/admin/checkout/discounts/{id}/toggle", web::post().to(checkout::toggle_discount))
        .route("/admin/settings", web::get().to(settings::show))
        .route("/admin/settings", web::post().to(settings::save))
        .route("/admin/settings/test-email", web::post().to(settings::test_email))
        .route("/admin/settings/logo", web::post().to(settings::upload_logo))
        .route("/admin/settings/logo/remove", web::post().to(settings::remove_logo))
        .route("/admin/users", web::get().to(users::list))
        .route("/admin/users/invite", web::post().to(users::invite))
        .route("/admin/users/{id}/remove", web::post().to(users::remove))
        .route("/admin/invites/{id}/revoke", web::post().to(users::revoke_invite))
        .route("/admin/audit", web::get().to(audit::list))
        .route("/admin/jobs", web::get().to(ops::jobs))
        .route("/admin/jobs/{name}/run", web::post().to(ops::run_job))
        .route("/admin/outbox", web::get().to(ops::outbox))
        .route("/admin/outbox/{id}/retry", web::post().to(ops::retry_message));
}

/// An HTML response with a status: 200 for pages, 422 for a form sent back with messages.
pub(crate) fn html(status: StatusCode, markup: Markup) -> HttpResponse {
    HttpResponse::build(status).content_type("text/html; charset=utf-8").body(markup.into_string())
}

/// Runs CPU-heavy work (password hashing, photo resizing) off the async executor, at most one per
/// core at a time; when the queue stays full for seconds (a flood of sign-ins), the caller gets 503.
pub(crate) async fn cpu_work<T: Send + 'static>(
    state: &crate::AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let permit = tokio::time::timeout(std::time::Duration::from_secs(5), state.cpu.clone().acquire_owned())
        .await
        .map_err(|_| AppError::Unavailable { retry_after: 5 })?
        .map_err(AppError::internal)?;
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work()
    })
    .await
    .map_err(AppError::internal)
}

/// The PHC hash of a new password, computed through [`cpu_work`].
pub(crate) async fn hash_off_thread(state: &crate::AppState, password: String) -> Result<String, AppError> {
    cpu_work(state, move || crate::domain::auth::hash_password(&password)).await
}

/// A form with only the CSRF token.
#[derive(Debug, serde::Deserialize)]
pub(crate) struct Empty {}

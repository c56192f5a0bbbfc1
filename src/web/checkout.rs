//! The one-page checkout: the customer's details, delivery and payment, what is to pay (priced as
//! typed, issue 11), then the order is placed
//! (`app::orders::place_order`, as for the API) and the customer lands on their order page (its
//! magic link).

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};

use super::cart;
use super::extract::{CsrfForm, Page};
use crate::app::orders::{Basket, CheckoutView, Outcome, PlacedOrder, Placing, Request, checkout_view, place_order};
use crate::domain::FieldErrors;
use crate::domain::checkout::CheckoutInput;
use crate::domain::orders::Status;
use crate::domain::whatsapp;
use crate::error::AppError;
use crate::views::checkout::Context;
use crate::{AppState, views};

/// The cart, the checkout's methods and the price of `input` (issue 11). An empty choice of
/// delivery or payment becomes the first offered, as the form shows it chosen.
async fn load(
    state: &AppState,
    req: &HttpRequest,
    page: &Page,
    input: &mut CheckoutInput,
) -> Result<Context, AppError> {
    let cart = cart::current(state, req, &page.shop).await?;
    let view = checkout_view(&state.db, &page.shop, page.now, cart.subtotal, input.clone()).await?;
    if input.delivery.is_empty() {
        input.delivery = view.deliveries.first().map(|d| d.code.clone()).unwrap_or_default();
    }
    if input.payment.is_empty() {
        input.payment = view.payments.first().map(|p| p.code.clone()).unwrap_or_default();
    }
    let CheckoutView { deliveries, payments, require_email, quote } = view;
    Ok(Context { cart, deliveries, payments, require_email, quote })
}

fn render(page: &Page, ctx: &Context, input: &CheckoutInput, errors: &FieldErrors, status: u16) -> HttpResponse {
    let mut page = page.clone();
    page.cart_count = ctx.cart.count() as u32;
    let page = &page;
    HttpResponse::build(StatusCode::from_u16(status).unwrap_or_default())
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .content_type("text/html; charset=utf-8")
        .body(views::checkout::page(page, ctx, input, errors).into_string())
}

/// A fresh one-time key for a checkout form.
fn new_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

pub async fn form(req: HttpRequest, page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let mut input = CheckoutInput { key: new_key(), ..Default::default() };
    let ctx = load(&state, &req, &page, &mut input).await?;
    if ctx.cart.lines.is_empty() {
        return Ok(super::see_other("/cart"));
    }
    Ok(render(&page, &ctx, &input, &FieldErrors::new(), 200))
}

/// The totals of the form as typed, for the page's script (issue 11); places nothing.
pub async fn quote(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    form: CsrfForm<CheckoutInput>,
) -> Result<HttpResponse, AppError> {
    let mut input = form.0;
    let ctx = load(&state, &req, &page, &mut input).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .json(views::checkout::quote_json(&page, &ctx.quote)))
}

pub async fn place(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    form: CsrfForm<CheckoutInput>,
) -> Result<HttpResponse, AppError> {
    let mut input = form.0;
    if !input.website.is_empty() {
        // Only bots fill the hidden field.
        return Err(AppError::BadRequest("Your order could not be placed.".into()));
    }
    if input.key.len() != 32 || !input.key.chars().all(|c| c.is_ascii_hexdigit()) {
        input.key = new_key();
    }
    if !input.apply.is_empty() {
        // Issue 11: "Apply code" without JavaScript shows the code checked and the totals, and
        // places nothing.
        input.apply.clear();
        let ctx = load(&state, &req, &page, &mut input).await?;
        if ctx.cart.lines.is_empty() {
            return Ok(super::see_other("/cart"));
        }
        return Ok(render(&page, &ctx, &input, &FieldErrors::new(), 200));
    }
    let request = Request {
        basket: Basket::Cart { hash: cart::cart_hash(&req), key: input.key.clone() },
        input: input.clone(),
        shop: page.shop.clone(),
        // Orders per hour are counted by client (an IPv6 client by its /64).
        ip: page.client.limit_key.clone(),
        // Emailed links never come from the request's Host header (anyone can send any Host).
        mail_base: state.base_url.to_string(),
    };
    let placing = place_order(&state.db, &state.order_env(), request).await?;
    answer(&req, &page, &state, input, placing).await
}

/// The page for what placing came to: the order's page, the earlier order, or the form again.
async fn answer(
    req: &HttpRequest,
    page: &Page,
    state: &AppState,
    mut input: CheckoutInput,
    placing: Placing,
) -> Result<HttpResponse, AppError> {
    let Placing { outcome, cart, settings, deliveries, payments } = placing;
    let quote = checkout_view(&state.db, &page.shop, page.now, cart.subtotal, input.clone()).await?.quote;
    let ctx = Context { cart, deliveries, payments, require_email: settings.require_email, quote };
    let cart_error = |message: &str| FieldErrors::from([("cart", message.to_string())]);
    match outcome {
        Outcome::Placed(placed) => Ok(placed_page(req, page, state, &settings.whatsapp_template, &placed)),
        // The cart changed since the page was shown: show it again with what changed.
        Outcome::CartChanged => {
            let message = if ctx.cart.lines.is_empty() {
                "Nothing in your cart can be ordered now."
            } else {
                "Your cart changed; check it below before placing the order."
            };
            Ok(render(page, &ctx, &input, &cart_error(message), 409))
        }
        Outcome::Invalid(errors) => Ok(render(page, &ctx, &input, &errors, 422)),
        Outcome::SoldOut(items) => {
            let names: Vec<String> = items.into_iter().map(|(name, _)| name).collect();
            let message = format!("Sold out just now: {}. Remove it to go on.", names.join(", "));
            Ok(render(page, &ctx, &input, &cart_error(&message), 409))
        }
        Outcome::TooMany { retry_after } => Err(AppError::TooManyRequests {
            retry_after: retry_after as u64,
            message:
                "You have placed many orders in a short time. Please wait a while, or message the shop on WhatsApp."
                    .into(),
        }),
        Outcome::KeyReused => {
            let message = "This form was already used. Check your details and place the order again.";
            input.key = new_key();
            Ok(render(page, &ctx, &input, &cart_error(message), 422))
        }
        // The form sends no SKUs.
        Outcome::UnknownSkus(_) => Err(AppError::internal("a checkout form placed unknown SKUs")),
    }
}

/// A placed order: to its page by its link; without a link (the same items from the same phone
/// minutes ago), a page with that order's code and its WhatsApp hand-off. The cart is empty now.
fn placed_page(req: &HttpRequest, page: &Page, state: &AppState, template: &str, placed: &PlacedOrder) -> HttpResponse {
    let code = &placed.order.code;
    let mut res = match &placed.token {
        Some(token) => {
            if placed.mail {
                state.wake_mailer();
            }
            let thanks = format!("Thank you! Your order {code} is placed.");
            super::see_other_with_flash(&format!("/o/{code}?t={token}"), &thanks)
        }
        None => {
            let whatsapp = (placed.order.status == Status::Draft)
                .then(|| whatsapp::order_link(&page.shop, template, &placed.order, &placed.lines))
                .flatten();
            let mut page = page.clone();
            page.cart_count = 0;
            HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "private, no-store"))
                .body(views::order::already_placed(&page, code, whatsapp.as_deref()).into_string())
        }
    };
    cart::set_cookies(&mut res, req, None, 0, state.config.orders.cart_days);
    res
}

//! The one-page checkout: the customer's details, delivery and payment, what is to pay (priced as
//! typed, issue 11), then the order is placed (`app::orders::place_order`, as for the API) and the
//! customer lands on their order page (its magic link). A post that places nothing answers 303
//! back to the form, kept with its messages (post/redirect/get, issue 11).

use actix_web::cookie::{Cookie, SameSite, time};
use actix_web::http::header;
use actix_web::{HttpMessage, HttpRequest, HttpResponse, web};

use super::cart;
use super::extract::{CsrfForm, Page};
use super::form_stash::{self, Stashed};
use crate::app::orders::{Basket, CheckoutView, Outcome, PlacedOrder, Placing, Request, checkout_view, place_order};
use crate::domain::FieldErrors;
use crate::domain::checkout::CheckoutInput;
use crate::domain::orders::Status;
use crate::domain::whatsapp;
use crate::error::AppError;
use crate::views::checkout::Context;
use crate::{AppState, views};

/// The id of this browser's kept checkout form (`form_stash`): HttpOnly, only sent to /checkout.
pub const FORM_COOKIE: &str = "souk_checkout";

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

fn render(page: &Page, ctx: &Context, input: &CheckoutInput, errors: &FieldErrors) -> HttpResponse {
    let mut page = page.clone();
    page.cart_count = ctx.cart.count() as u32;
    let page = &page;
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .content_type("text/html; charset=utf-8")
        .body(views::checkout::page(page, ctx, input, errors).into_string())
}

/// A fresh one-time key for a checkout form.
fn new_key() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// The id of this browser's kept checkout form (see `form_stash`), when it has one.
fn stash_id(req: &HttpRequest) -> Option<String> {
    req.cookie(FORM_COOKIE).map(|c| c.value().to_string())
}

/// Issue 11 (post/redirect/get): a post that placed nothing keeps the form as typed, with its
/// messages, and answers 303 to GET /checkout, which shows them. The browser's history then holds
/// only GETs, so Back never asks to send the form again.
fn again(req: &HttpRequest, page: &Page, state: &AppState, stashed: Stashed) -> HttpResponse {
    let id = state.checkout_forms.put(stash_id(req).as_deref(), stashed, page.now);
    let mut res = super::see_other("/checkout");
    let _ = res.add_cookie(&form_cookie(req, id, time::Duration::minutes(form_stash::KEEP_MINUTES)));
    res
}

fn form_cookie(req: &HttpRequest, value: String, age: time::Duration) -> Cookie<'static> {
    let https = req.extensions().get::<crate::views::ClientInfo>().is_some_and(|c| c.https);
    Cookie::build(FORM_COOKIE, value)
        .path("/checkout")
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .max_age(age)
        .finish()
}

/// The checkout: a fresh form, or the one this browser posted last with its messages (shown once).
pub async fn form(req: HttpRequest, page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let kept = stash_id(&req).and_then(|id| state.checkout_forms.view(&id, page.now));
    let fresh = kept.is_none();
    let Stashed { mut input, errors, notes } = kept.unwrap_or_else(|| Stashed {
        input: CheckoutInput { key: new_key(), ..Default::default() },
        ..Default::default()
    });
    // A signed-in customer starts from what their account knows.
    if fresh
        && let Some(token) = super::account::session_token(&req)
        && let Some(account) = crate::app::account::session(&state.db, &token, page.now).await?
    {
        let p = crate::app::account::prefill(&state.db, &account).await?;
        input.email = p.email;
        if let Some(a) = p.address {
            (input.line1, input.line2, input.city, input.region, input.postal_code, input.country) =
                (a.line1, a.line2, a.city, a.region, a.postal_code, a.country);
        }
    }
    let mut ctx = load(&state, &req, &page, &mut input).await?;
    // What the post's check of the cart changed is stored now, so this view would not say it again.
    for note in notes {
        if !ctx.cart.notes.contains(&note) {
            ctx.cart.notes.push(note);
        }
    }
    if ctx.cart.lines.is_empty() && errors.is_empty() {
        return Ok(super::see_other("/cart"));
    }
    Ok(render(&page, &ctx, &input, &errors))
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
        // Issue 11: "Apply code" without JavaScript: the checkout again with the code checked and
        // the totals; nothing is placed.
        return Ok(again(&req, &page, &state, Stashed { input, ..Default::default() }));
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
    answer(&req, &page, &state, input, placing)
}

/// The answer to what placing came to: the order's page, the earlier order, or (303) the form again.
fn answer(
    req: &HttpRequest,
    page: &Page,
    state: &AppState,
    mut input: CheckoutInput,
    placing: Placing,
) -> Result<HttpResponse, AppError> {
    let Placing { outcome, cart, settings, .. } = placing;
    let cart_error = |message: &str| FieldErrors::from([("cart", message.to_string())]);
    let errors = match outcome {
        Outcome::Placed(placed) => {
            if let Some(id) = stash_id(req) {
                state.checkout_forms.remove(&id);
            }
            let mut res = placed_page(req, page, state, &settings.whatsapp_template, &placed);
            let _ = res.add_cookie(&form_cookie(req, String::new(), time::Duration::ZERO));
            return Ok(res);
        }
        // The cart changed since the page was shown: show it again with what changed.
        Outcome::CartChanged => cart_error(if cart.lines.is_empty() {
            "Nothing in your cart can be ordered now."
        } else {
            "Your cart changed; check it below before placing the order."
        }),
        Outcome::Invalid(errors) => errors,
        Outcome::SoldOut(items) => {
            let names: Vec<String> = items.into_iter().map(|(name, _)| name).collect();
            cart_error(&format!("Sold out just now: {}. Remove it to go on.", names.join(", ")))
        }
        Outcome::TooMany { retry_after } => {
            return Err(AppError::TooManyRequests {
                retry_after: retry_after as u64,
                message:
                    "You have placed many orders in a short time. Please wait a while, or message the shop on WhatsApp."
                        .into(),
            });
        }
        Outcome::Blocked => FieldErrors::from([(
            "phone",
            "This shop cannot take orders from this number online. Please contact the shop.".to_string(),
        )]),
        Outcome::KeyReused => {
            input.key = new_key();
            cart_error("This form was already used. Check your details and place the order again.")
        }
        // The form sends no SKUs.
        Outcome::UnknownSkus(_) => return Err(AppError::internal("a checkout form placed unknown SKUs")),
    };
    Ok(again(req, page, state, Stashed { input, errors, notes: cart.notes }))
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

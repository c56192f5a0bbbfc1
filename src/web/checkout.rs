//! The one-page checkout: the customer's details, delivery and payment, then the order is placed
//! in one transaction and the customer lands on their order page (its magic link).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::Digest;

use super::cart;
use super::extract::{CsrfForm, Page};
use crate::AppState;
use crate::db::{self, carts, checkout as methods};
use crate::domain::checkout::{CheckoutInput, validate_customer};
use crate::domain::{FieldErrors, money};
use crate::error::AppError;
use crate::orders::{self, Item, Key, Placement, Refused};
use crate::views;
use crate::views::checkout::Context;

async fn load(state: &AppState, req: &HttpRequest, page: &Page) -> Result<Context, AppError> {
    let cart = cart::current(state, req, &page.shop).await?;
    let (deliveries, payments, require_email) = state
        .db
        .read(|c| {
            Ok((methods::delivery_methods(c)?, methods::payment_methods(c)?, methods::settings(c)?.require_email))
        })
        .await?;
    Ok(Context { cart, deliveries, payments, require_email })
}

fn render(page: &Page, ctx: &Context, input: &CheckoutInput, errors: &FieldErrors, status: u16) -> HttpResponse {
    let mut page = page.clone();
    page.cart_count = ctx.cart.count() as u32;
    let page = &page;
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap_or_default())
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .content_type("text/html; charset=utf-8")
        .body(views::checkout::page(page, ctx, input, errors).into_string())
}

pub async fn form(req: HttpRequest, page: Page, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let ctx = load(&state, &req, &page).await?;
    if ctx.cart.lines.is_empty() {
        return Ok(super::see_other("/cart"));
    }
    let input = CheckoutInput {
        key: hex::encode(rand::random::<[u8; 16]>()),
        delivery: ctx.deliveries.first().map(|d| d.code.clone()).unwrap_or_default(),
        payment: ctx.payments.first().map(|p| p.code.clone()).unwrap_or_default(),
        ..Default::default()
    };
    Ok(render(&page, &ctx, &input, &FieldErrors::new(), 200))
}

/// What placing came to.
enum Outcome {
    Placed {
        code: String,
        token: String,
        mail: bool,
    },
    /// The same phone placed the same items minutes ago: that order, without its link.
    Again {
        code: String,
        whatsapp: Option<String>,
    },
    /// The cart changed since the page was shown: show it again with what changed.
    Changed(Context),
    Refused(Refused, Context),
}

pub async fn place(
    req: HttpRequest,
    page: Page,
    state: web::Data<AppState>,
    form: CsrfForm<CheckoutInput>,
) -> Result<HttpResponse, AppError> {
    let input = form.0;
    if !input.website.is_empty() {
        // Only bots fill the hidden field.
        return Err(AppError::BadRequest("Your order could not be placed.".into()));
    }
    let mut input = input;
    if input.key.len() != 32 || !input.key.chars().all(|c| c.is_ascii_hexdigit()) {
        input.key = hex::encode(rand::random::<[u8; 16]>());
    }
    let hash = cart::cart_hash(&req);
    let shop = page.shop.clone();
    let cfg = state.config.orders.clone();
    // Emailed links never come from the request's Host header (anyone can send any Host).
    let mail_base = state.base_url.clone();
    // Orders per hour are counted by client (an IPv6 client by its /64).
    let ip = page.client.limit_key.clone();
    let submitted = input.clone();
    let link_key = state.link_key.clone();
    let clock = state.clock.clone();
    let outcome = state
        .db
        .write(move |tx| {
            let now = clock.now();
            let settings = methods::settings(tx)?;
            let deliveries = methods::delivery_methods(tx)?;
            let payments = methods::payment_methods(tx)?;
            let cart_id = match &hash {
                Some(h) => carts::find(tx, h, &db::ts(now))?,
                None => None,
            };
            let money = |v: i64| money::format(v, &shop.currency, shop.currency_minor_units);
            let known = crate::db::orders::idempotency(tx, "form", &submitted.key)?.is_some();
            // A known key's own cart was emptied when it placed its order; another cart (the key
            // came back from elsewhere) is shown with the refusal, so the shopper can go on.
            let view = cart::recheck(tx, cart_id, &db::ts(now), money)?;
            let ctx = |cart| Context {
                cart,
                deliveries: deliveries.clone(),
                payments: payments.clone(),
                require_email: settings.require_email,
            };
            if !known && (!view.notes.is_empty() || view.lines.is_empty()) {
                return Ok(Outcome::Changed(ctx(view)));
            }
            let customer = match validate_customer(&submitted, &shop, &settings, &deliveries, &payments) {
                Ok(c) => c,
                Err(e) => return Ok(Outcome::Refused(Refused::Invalid(e), ctx(view))),
            };
            let access: Vec<(i64, Option<Vec<u8>>)> = match cart_id {
                Some(id) => carts::lines(tx, id)?.into_iter().map(|l| (l.wanted.variant_id, l.access_hash)).collect(),
                None => vec![],
            };
            let items = view
                .lines
                .iter()
                .map(|(o, q)| Item {
                    variant_id: o.variant_id,
                    quantity: *q,
                    access_hash: access.iter().find(|(v, _)| *v == o.variant_id).and_then(|(_, a)| a.clone()),
                })
                .collect();
            let placement = Placement {
                items,
                customer,
                deliveries: &deliveries,
                payments: &payments,
                ip: &ip,
                channel: "web",
                key: Some(Key {
                    scope: "form",
                    key: submitted.key.clone(),
                    request_hash: sha2::Sha256::digest(submitted.key.as_bytes()).to_vec(),
                    cart_id,
                }),
                link_key: &link_key,
                now,
            };
            match orders::place(tx, &placement, &shop, &settings, &cfg) {
                Ok(placed) => {
                    let mut mail = false;
                    if let (Some(token), false) = (&placed.token, placed.existing) {
                        let link = format!("{mail_base}/o/{}?t={token}", placed.code);
                        let email = &placement.customer.email;
                        mail = orders::queue_mail(tx, &shop, placed.order_id, email, &link, now)? > 0;
                    }
                    if let Some(id) = cart_id {
                        carts::clear(tx, id)?;
                    }
                    match placed.token {
                        Some(token) => Ok(Outcome::Placed { code: placed.code, token, mail }),
                        None => {
                            let order = db::orders::by_id(tx, placed.order_id)?.ok_or(AppError::NotFound)?;
                            let lines = db::orders::lines(tx, placed.order_id)?;
                            let whatsapp = (order.status == crate::domain::orders::Status::Draft)
                                .then(|| orders::whatsapp_url(&shop, &settings.whatsapp_template, &order, &lines))
                                .flatten();
                            Ok(Outcome::Again { code: order.code, whatsapp })
                        }
                    }
                }
                Err(Refused::Failed(e)) => Err(e),
                Err(refused) => Ok(Outcome::Refused(refused, ctx(view))),
            }
        })
        .await?;
    match outcome {
        Outcome::Placed { code, token, mail } => {
            if mail {
                state.wake_mailer();
            }
            let mut res = super::see_other_with_flash(
                &format!("/o/{code}?t={token}"),
                &format!("Thank you! Your order {code} is placed."),
            );
            cart::set_cookies(&mut res, &req, None, 0, state.config.orders.cart_days);
            Ok(res)
        }
        Outcome::Again { code, whatsapp } => {
            let mut page = page.clone();
            page.cart_count = 0;
            let mut res = HttpResponse::Ok()
                .content_type("text/html; charset=utf-8")
                .insert_header((header::CACHE_CONTROL, "private, no-store"))
                .body(views::order::already_placed(&page, &code, whatsapp.as_deref()).into_string());
            cart::set_cookies(&mut res, &req, None, 0, state.config.orders.cart_days);
            Ok(res)
        }
        Outcome::Changed(ctx) => {
            let mut errors = FieldErrors::new();
            let message = if ctx.cart.lines.is_empty() {
                "Nothing in your cart can be ordered now."
            } else {
                "Your cart changed; check it below before placing the order."
            };
            errors.insert("cart", message.into());
            Ok(render(&page, &ctx, &input, &errors, 409))
        }
        Outcome::Refused(refused, ctx) => match refused {
            Refused::Invalid(errors) => Ok(render(&page, &ctx, &input, &errors, 422)),
            Refused::SoldOut(items) => {
                let names: Vec<String> = items.into_iter().map(|(name, _)| name).collect();
                let mut errors = FieldErrors::new();
                errors.insert("cart", format!("Sold out just now: {}. Remove it to go on.", names.join(", ")));
                Ok(render(&page, &ctx, &input, &errors, 409))
            }
            Refused::TooMany { retry_after } => Err(AppError::TooManyRequests {
                retry_after: retry_after as u64,
                message:
                    "You have placed many orders in a short time. Please wait a while, or message the shop on WhatsApp."
                        .into(),
            }),
            Refused::KeyReused => {
                let mut errors = FieldErrors::new();
                errors
                    .insert("cart", "This form was already used. Check your details and place the order again.".into());
                input.key = hex::encode(rand::random::<[u8; 16]>());
                Ok(render(&page, &ctx, &input, &errors, 422))
            }
            Refused::Failed(e) => Err(e),
        },
    }
}

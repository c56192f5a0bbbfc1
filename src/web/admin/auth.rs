//! First-run setup, sign-in, sign-out and invite acceptance.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use super::{Empty, cpu_work, hash_off_thread, html};
use crate::AppState;
use crate::app::accounts::{self, LinkError, LoginStart, NewAccount};
use crate::app::two_factor::{self, Second};
use crate::db::{self, sessions, users};
use crate::domain::FieldErrors;
use crate::domain::auth::{dummy_hash, validate_account, verify_password};
use crate::domain::throttle::describe;
use crate::domain::two_factor::CHALLENGE_MINUTES;
use crate::error::AppError;
use crate::views::admin::auth::{self as view, AcceptForm, LoginForm, SetupForm};
use crate::web::extract::{Admin, CsrfForm, Page, SESSION_COOKIE};
use crate::web::{see_other, see_other_with_flash};

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TokenQuery {
    pub token: String,
}

fn session_cookie(state: &AppState, token: String, https: bool) -> Cookie<'static> {
    Cookie::build(SESSION_COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::hours(state.config.session.absolute_hours))
        .finish()
}

/// The cookie that carries a sign-in waiting for its second factor (only to `/admin/login`).
pub const CHALLENGE_COOKIE: &str = "souk_2fa";

fn challenge_cookie(token: String, https: bool, minutes: i64) -> Cookie<'static> {
    Cookie::build(CHALLENGE_COOKIE, token)
        .path("/admin/login")
        .http_only(true)
        .secure(https)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::minutes(minutes))
        .finish()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    pub code: String,
}

/// `POST /admin/login/code`: the second step, with the code from the app or a recovery code.
pub async fn login_code(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let Some(token) = req.cookie(CHALLENGE_COOKIE).map(|c| c.value().to_string()) else {
        return Ok(see_other_with_flash("/admin/login", "Sign in again: the step for the code timed out."));
    };
    let (st, ua, now) = (state.clone(), user_agent(&req), state.clock.now());
    let (ip, key) = (page.client.ip.clone(), page.client.limit_key.clone());
    let previous = req.cookie(SESSION_COOKIE).map(|c| crate::domain::tokens::hash_token(c.value()));
    let outcome = state
        .db
        .write(move |tx| {
            let done = two_factor::answer(tx, &st.config, &token, &form.code, (&ip, &key, &ua), now)?;
            if let (Second::SignedIn { .. }, Some(hash)) = (&done, previous) {
                sessions::delete_by_hash(tx, &hash)?;
            }
            Ok(done)
        })
        .await?;
    let mut gone = challenge_cookie(String::new(), page.client.https, 0);
    gone.make_removal();
    let mut res = match outcome {
        Second::SignedIn { session, next } => {
            let mut res = see_other(safe_next(&next));
            let _ = res.add_cookie(&session_cookie(&state, session, page.client.https));
            res
        }
        Second::Expired => see_other_with_flash("/admin/login", "Sign in again: the step for the code timed out."),
        Second::Locked(wait) => {
            let m = format!("Too many tries. Sign in again in {}.", describe(wait));
            see_other_with_flash("/admin/login", &m)
        }
        Second::Wrong { locked: Some(wait) } => {
            let m = format!("That code is not right, and signing in is paused for {}.", describe(wait));
            see_other_with_flash("/admin/login", &m)
        }
        Second::Wrong { locked: None } => {
            let why = "That code is not right, or was used already. Type the code now showing in the app, or a recovery code.";
            return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::second_factor(&page, Some(why))));
        }
    };
    let _ = res.add_cookie(&gone);
    Ok(res)
}

fn user_agent(req: &HttpRequest) -> String {
    req.headers().get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("").to_string()
}

fn link_invalid(page: &Page) -> HttpResponse {
    html(StatusCode::NOT_FOUND, view::link_invalid(page))
}

pub async fn setup_form(
    page: Page,
    q: web::Query<TokenQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let hash = crate::domain::tokens::hash_token(&q.token);
    let valid = state.db.read(move |c| Ok(db::tokens::find_valid(c, "setup", &hash, &db::now())?.is_some())).await?;
    if !valid {
        return Ok(link_invalid(&page));
    }
    let form = SetupForm { token: q.token.clone(), shop_name: page.shop.name.clone(), ..Default::default() };
    Ok(html(StatusCode::OK, view::setup(&page, &form, &FieldErrors::new())))
}

pub async fn setup(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<SetupForm>,
) -> Result<HttpResponse, AppError> {
    // The token is checked before any password is hashed, so nobody can make the server hash for free.
    let hash = crate::domain::tokens::hash_token(&form.token);
    if !state.db.read(move |c| Ok(db::tokens::find_valid(c, "setup", &hash, &db::now())?.is_some())).await? {
        return Ok(link_invalid(&page));
    }
    let mut errors = validate_account(&form.name, &form.email, &form.password, &form.confirm);
    if form.shop_name.trim().is_empty() || form.shop_name.trim().chars().count() > 80 {
        errors.insert("shop_name", "Enter your shop's name (at most 80 characters).".into());
    }
    if !errors.is_empty() {
        return Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::setup(&page, &form, &errors)));
    }
    let account = NewAccount {
        name: form.name.trim().into(),
        email: form.email.trim().into(),
        password_hash: hash_off_thread(&state, form.password.clone()).await?,
    };
    let (ip, ua, token, shop_name) =
        (page.client.ip.clone(), user_agent(&req), form.token.clone(), form.shop_name.clone());
    let outcome = state
        .db
        .write(move |tx| {
            let done = accounts::complete_setup(tx, &token, &shop_name, &account, &ip, &ua)?;
            Ok(match done {
                Ok((_, session)) => Ok((session, db::settings::get(tx)?)),
                Err(e) => Err(e),
            })
        })
        .await?;
    match outcome {
        Ok((session, shop)) => {
            state.set_shop(shop);
            tracing::info!("setup complete: owner account created");
            let mut res =
                see_other_with_flash("/admin", "Welcome! Your shop is ready. Fill in its details under Settings.");
            let _ = res.add_cookie(&session_cookie(&state, session, page.client.https));
            Ok(res)
        }
        Err(LinkError::Form(errors)) => Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::setup(&page, &form, &errors))),
        Err(LinkError::Invalid) => Ok(link_invalid(&page)),
    }
}

pub async fn login_form(
    page: Page,
    q: web::Query<NextQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let has_owner = state.db.read(|c| Ok(users::owner_exists(c)?)).await?;
    let form = LoginForm { next: q.next.clone(), ..Default::default() };
    Ok(html(StatusCode::OK, view::login(&page, &form, None, has_owner)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NextQuery {
    pub next: String,
}

/// Only local admin paths are followed after sign-in, so the link cannot send anyone elsewhere.
fn safe_next(next: &str) -> &str {
    if next.starts_with("/admin") && !next.starts_with("//") && !next.contains("\\") { next } else { "/admin" }
}

pub async fn login(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let (ip, email) = (page.client.ip.clone(), form.email.trim().to_string());
    // Throttled by address (an IPv6 client by its /64); the audit log keeps the address itself.
    let (st, e, i) = (state.clone(), email.clone(), page.client.limit_key.clone());
    let start = state.db.write(move |tx| Ok(accounts::begin_login(tx, &st.config, &e, &i)?)).await?;
    let (account, lock_if_wrong) = match start {
        LoginStart::Locked(wait) => return Ok(locked(&page, &form, wait)),
        LoginStart::Proceed { account, lock_if_wrong } => (account, lock_if_wrong),
    };
    let password = form.password.clone();
    // An unknown email costs the same time as a wrong password, so timing does not reveal accounts.
    let stored = account.as_ref().map(|(_, h)| h.clone()).unwrap_or_else(|| dummy_hash().to_string());
    let right = cpu_work(&state, move || verify_password(&password, &stored)).await?;
    match account {
        Some((user, _)) if right => {
            // With two-factor, the password opens only the step that asks for the code.
            let (u, next, now) = (user.clone(), safe_next(&form.next).to_string(), state.clock.now());
            let challenge = state
                .db
                .write(move |tx| {
                    if !two_factor::has_two_factor(tx, u.id)? {
                        return Ok(None);
                    }
                    Ok(Some(two_factor::challenge(tx, &u, &next, now)?))
                })
                .await?;
            if let Some(token) = challenge {
                let mut res = html(StatusCode::OK, view::second_factor(&page, None));
                let _ = res.add_cookie(&challenge_cookie(token, page.client.https, CHALLENGE_MINUTES));
                return Ok(res);
            }
            let (ua, key) = (user_agent(&req), page.client.limit_key.clone());
            // Rotation: a session this browser already had ends when it signs in again.
            let previous = req.cookie(SESSION_COOKIE).map(|c| crate::domain::tokens::hash_token(c.value()));
            let session = state
                .db
                .write(move |tx| {
                    if let Some(hash) = previous {
                        sessions::delete_by_hash(tx, &hash)?;
                    }
                    Ok(accounts::record_login(tx, &user, (&ip, &key), &ua)?)
                })
                .await?;
            let mut res = see_other(safe_next(&form.next));
            let _ = res.add_cookie(&session_cookie(&state, session, page.client.https));
            Ok(res)
        }
        _ => {
            state.db.write(move |tx| Ok(accounts::record_login_failure(tx, &email, &ip)?)).await?;
            Ok(match lock_if_wrong {
                Some(wait) => locked(&page, &form, wait),
                None => html(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    view::login(&page, &form, Some("The email or password is not right."), true),
                ),
            })
        }
    }
}

fn locked(page: &Page, form: &LoginForm, wait: chrono::Duration) -> HttpResponse {
    let msg = format!("Too many failed sign-ins. For safety, signing in is paused: try again in {}.", describe(wait));
    let mut res = html(StatusCode::TOO_MANY_REQUESTS, view::login(page, form, Some(&msg), true));
    res.headers_mut().insert(actix_web::http::header::RETRY_AFTER, (wait.num_seconds().max(1) as u64).into());
    res
}

fn signed_out(https: bool, message: &str) -> HttpResponse {
    let mut res = see_other_with_flash("/admin/login", message);
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").secure(https).finish();
    gone.make_removal();
    let _ = res.add_cookie(&gone);
    res
}

pub async fn logout(admin: Admin, state: web::Data<AppState>, _f: CsrfForm<Empty>) -> Result<HttpResponse, AppError> {
    let (id, actor) = (admin.session_id, admin.actor());
    state
        .db
        .write(move |tx| {
            sessions::delete(tx, id)?;
            Ok(actor.record(tx, "logout", &actor.name, "")?)
        })
        .await?;
    Ok(signed_out(admin.page.client.https, "You are signed out."))
}

pub async fn logout_everywhere(
    admin: Admin,
    state: web::Data<AppState>,
    _f: CsrfForm<Empty>,
) -> Result<HttpResponse, AppError> {
    let (uid, actor) = (admin.user.id, admin.actor());
    state
        .db
        .write(move |tx| {
            let n = sessions::delete_for_user(tx, uid)?;
            Ok(actor.record(tx, "logout.everywhere", &actor.name, &format!("{n} sessions ended"))?)
        })
        .await?;
    Ok(signed_out(admin.page.client.https, "You are signed out on every device."))
}

pub async fn invite_form(
    page: Page,
    q: web::Query<TokenQuery>,
    state: web::Data<AppState>,
) -> Result<HttpResponse, AppError> {
    let token = q.token.clone();
    let Some(invite) = state.db.read(move |c| Ok(accounts::find_invite(c, &token)?)).await? else {
        return Ok(link_invalid(&page));
    };
    let form = AcceptForm { token: q.token.clone(), ..Default::default() };
    Ok(html(StatusCode::OK, view::accept_invite(&page, &invite.email, invite.role, &form, &FieldErrors::new())))
}

pub async fn accept_invite(
    page: Page,
    req: HttpRequest,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<AcceptForm>,
) -> Result<HttpResponse, AppError> {
    let token = form.token.clone();
    let Some(invite) = state.db.read(move |c| Ok(accounts::find_invite(c, &token)?)).await? else {
        return Ok(link_invalid(&page));
    };
    let errors = validate_account(&form.name, &invite.email, &form.password, &form.confirm);
    if !errors.is_empty() {
        return Ok(html(
            StatusCode::UNPROCESSABLE_ENTITY,
            view::accept_invite(&page, &invite.email, invite.role, &form, &errors),
        ));
    }
    let hash = hash_off_thread(&state, form.password.clone()).await?;
    let (ip, ua, token, name) = (page.client.ip.clone(), user_agent(&req), form.token.clone(), form.name.clone());
    match state.db.write(move |tx| accounts::accept_invite(tx, &token, &name, &hash, &ip, &ua)).await {
        Ok((_, session)) => {
            let mut res = see_other_with_flash("/admin", "Welcome! Your account is ready.");
            let _ = res.add_cookie(&session_cookie(&state, session, page.client.https));
            Ok(res)
        }
        Err(AppError::NotFound) => Ok(link_invalid(&page)),
        Err(e) => Err(e),
    }
}

//! `/admin/account/two-factor`: each admin user turns two-factor sign-in on (scan, confirm with a
//! code, keep the recovery codes), makes new recovery codes, or turns it off.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::html;
use crate::AppState;
use crate::app::two_factor;
use crate::db;
use crate::error::AppError;
use crate::views::Admin;
use crate::views::admin::two_factor::{self as view, TwoFactorView};
use crate::web::extract::{CsrfForm, ENROL_PATH};
use crate::web::see_other_with_flash;

async fn render(admin: &Admin, state: &AppState, problem: Option<String>) -> Result<HttpResponse, AppError> {
    let (user, issuer) = (admin.user.clone(), admin.page.shop.name.clone());
    let (st, enrol, required) = state
        .db
        .write(move |tx| {
            let (st, enrol) = two_factor::enrolment(tx, &user, &issuer)?;
            Ok((st, enrol, db::two_factor::required(tx)?))
        })
        .await?;
    let status = if problem.is_some() { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK };
    let v = TwoFactorView {
        enabled_at: st.enabled_at,
        recovery_left: st.recovery_left,
        enrol: enrol.map(|e| (e.secret_text, e.uri)),
        required,
        problem,
    };
    // The page holds the secret while enrolling: never cached.
    let mut res = html(status, view::page(admin, &v));
    res.headers_mut().insert(actix_web::http::header::CACHE_CONTROL, "no-store".parse().expect("a header value"));
    Ok(res)
}

pub async fn show(admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    render(&admin, &state, None).await
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CodeForm {
    pub code: String,
}

fn codes_page(admin: &Admin, codes: &[String]) -> HttpResponse {
    let mut res = html(StatusCode::OK, view::recovery_codes(admin, codes));
    res.headers_mut().insert(actix_web::http::header::CACHE_CONTROL, "no-store".parse().expect("a header value"));
    res
}

/// `POST /admin/account/two-factor`: the code from the app confirms the secret; the recovery codes follow.
pub async fn enable(
    admin: Admin,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    let (user, actor, now, session) = (admin.user.clone(), admin.actor(), state.clock.now(), admin.session_id);
    match state.db.write(move |tx| two_factor::confirm(tx, (&user, session), &form.code, &actor, now)).await? {
        Ok(codes) => Ok(codes_page(&admin, &codes)),
        Err(why) => render(&admin, &state, Some(why)).await,
    }
}

/// What the user does with their own two-factor, proven by a current code.
type ProvenAction<T> = fn(
    &rusqlite::Connection,
    &crate::domain::auth::User,
    &two_factor::Proof,
    &crate::app::Actor,
    chrono::DateTime<chrono::Utc>,
) -> Result<Result<T, String>, AppError>;

/// Runs `act` in the writer with the typed code as proof (wrong codes counted like at sign-in).
async fn with_proof<T: Send + 'static>(
    admin: &Admin,
    state: &web::Data<AppState>,
    code: String,
    act: ProvenAction<T>,
) -> Result<Result<T, String>, AppError> {
    let (user, actor, now) = (admin.user.clone(), admin.actor(), state.clock.now());
    let (st, key) = (state.clone(), admin.page.client.limit_key.clone());
    state
        .db
        .write(move |tx| {
            let proof = two_factor::Proof { code: &code, config: &st.config, limit_key: &key };
            act(tx, &user, &proof, &actor, now)
        })
        .await
}

/// `POST /admin/account/two-factor/recovery-codes`, proven with a code: new codes, the old ones stop working.
pub async fn recovery_codes(
    admin: Admin,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    match with_proof(&admin, &state, form.code, two_factor::regenerate).await? {
        Ok(codes) => Ok(codes_page(&admin, &codes)),
        Err(why) => render(&admin, &state, Some(why)).await,
    }
}

/// `POST /admin/account/two-factor/off`, proven with a code.
pub async fn disable(
    admin: Admin,
    state: web::Data<AppState>,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<HttpResponse, AppError> {
    match with_proof(&admin, &state, form.code, two_factor::turn_off).await? {
        Ok(()) => Ok(see_other_with_flash(ENROL_PATH, "Two-factor sign-in is off.")),
        Err(why) => render(&admin, &state, Some(why)).await,
    }
}

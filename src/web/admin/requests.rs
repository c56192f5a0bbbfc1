//! Customers' requests at the order desk: the queue, and the seller's approve or decline.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use serde::Deserialize;

use super::html;
use crate::AppState;
use crate::app::orders::Refusal;
use crate::app::orders::requests::{self, Answer};
use crate::error::AppError;
use crate::views::Admin;
use crate::views::admin::requests::{self as view, AnswerEcho};
use crate::web::extract::CsrfForm;
use crate::web::see_other_with_flash;

pub async fn queue(admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let open = requests::queue(&state.db).await?;
    Ok(html(StatusCode::OK, view::queue(&admin, &open, None)))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct AnswerForm {
    pub decision: String,
    pub reason: String,
    /// Where to go afterwards: the queue or the order's page.
    pub back: String,
}

pub async fn answer(
    admin: Admin,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    CsrfForm(form): CsrfForm<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let approve = match form.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return Err(AppError::BadRequest("Choose approve or decline.".into())),
    };
    let a = Answer { approve, reason: form.reason.clone() };
    let (actor, now) = (admin.actor(), state.clock.now());
    let done = state.db.write(move |tx| Ok(requests::answer(tx, id, &a, &actor, now))).await?;
    // Only our own pages are somewhere to go back to.
    let back = if form.back.starts_with("/admin/orders/") && !form.back.contains("//") {
        form.back.clone()
    } else {
        "/admin/orders/requests".to_string()
    };
    match done {
        Ok(code) => {
            state.wake_mailer();
            let said = if approve { "approved" } else { "declined" };
            Ok(see_other_with_flash(&back, &format!("The request about {code} is {said}; the customer is told.")))
        }
        Err(Refusal::Invalid(errors)) => {
            let open = requests::queue(&state.db).await?;
            let echo = AnswerEcho { id, reason: form.reason, errors };
            Ok(html(StatusCode::UNPROCESSABLE_ENTITY, view::queue(&admin, &open, Some(&echo))))
        }
        Err(Refusal::NotFound) => Err(AppError::NotFound),
        Err(Refusal::Failed(e)) => Err(e),
        Err(other) => Ok(see_other_with_flash(&back, &other.message())),
    }
}

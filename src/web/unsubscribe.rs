//! `/unsubscribe?t=…`: the link in a reminder or review request. Opening it asks first (a mail
//! scanner that follows links unsubscribes nobody); the button, or a mail program's one-click
//! POST (RFC 8058), stops reminders and review requests to that address. Messages about an order
//! the customer placed still go.

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use maud::html;

use super::extract::Page;
use super::order_page::TokenQuery;
use crate::domain::notify::mask_email;
use crate::error::AppError;
use crate::views::layout::bare;
use crate::{AppState, app};

fn private(status: actix_web::http::StatusCode, body: maud::Markup) -> HttpResponse {
    HttpResponse::build(status)
        .insert_header((header::CACHE_CONTROL, "private, no-store"))
        .insert_header(("referrer-policy", "no-referrer"))
        .content_type("text/html; charset=utf-8")
        .body(body.into_string())
}

fn not_a_link(page: &Page) -> HttpResponse {
    let body = html! {
        p { "This unsubscribe link does not work. Reply to the email it came in, and the shop will take you off its reminders." }
    };
    private(actix_web::http::StatusCode::NOT_FOUND, bare(page, "Link not valid", body))
}

pub async fn ask(page: Page, state: web::Data<AppState>, q: web::Query<TokenQuery>) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().t;
    let t = token.clone();
    let Some(email) = state.db.read(move |c| app::notify::unsubscribe_address(c, &t)).await? else {
        return Ok(not_a_link(&page));
    };
    let action = format!("/unsubscribe?t={token}");
    let body = html! {
        p { "Stop payment reminders and review requests from " (page.shop.name) " to " strong { (mask_email(&email)) } "?" }
        p { "Messages about orders you place still come." }
        form method="post" action=(action) {
            button type="submit" name="List-Unsubscribe" value="One-Click" { "Unsubscribe" }
        }
    };
    Ok(private(actix_web::http::StatusCode::OK, bare(&page, "Unsubscribe", body)))
}

pub async fn confirm(
    page: Page,
    state: web::Data<AppState>,
    q: web::Query<TokenQuery>,
) -> Result<HttpResponse, AppError> {
    let token = q.into_inner().t;
    let at = crate::db::ts(state.clock.now());
    let Some(email) = state.db.write(move |tx| app::notify::unsubscribe(tx, &token, &at)).await? else {
        return Ok(not_a_link(&page));
    };
    let body = html! {
        p { "Done: no more reminders or review requests go to " strong { (mask_email(&email)) } "." }
        p { "Messages about orders you place still come." }
        p { a href="/" { "Back to " (page.shop.name) } }
    };
    Ok(private(actix_web::http::StatusCode::OK, bare(&page, "Unsubscribed", body)))
}

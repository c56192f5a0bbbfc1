//! The storefront's pages. The catalogue fills the home page; until then it introduces the shop.

use actix_web::HttpResponse;

use super::extract::Page;
use crate::views;

pub async fn home(page: Page) -> HttpResponse {
    HttpResponse::Ok().content_type("text/html; charset=utf-8").body(views::storefront::home(&page).into_string())
}

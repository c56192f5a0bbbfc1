//! `/admin/reviews`: every rating customers gave their delivered orders, and which comments show on
//! the product pages.

use maud::{Markup, html};

use crate::domain::requests::RatingRow;
use crate::views::Admin;
use crate::views::components::{csrf, time};
use crate::views::layout::admin;

pub fn page(ctx: &Admin, ratings: &[RatingRow]) -> Markup {
    admin(
        ctx,
        "Reviews",
        html! {
            p { "Customers rate an order from its page once it is delivered. Every rating counts in the star average on the pages of the order's products; the comments you publish show there too, with the customer's first name." }
            @if ratings.is_empty() { p { "No ratings yet. Customers are asked for one (if you keep the review request on) a few days after delivery." } }
            @for r in ratings {
                article.request {
                    h2 {
                        a href=(format!("/admin/orders/{}", r.code)) { (r.code) } " · " (r.stars) " of 5 · "
                        (r.customer.split_whitespace().next().unwrap_or(""))
                    }
                    p { (r.items) " · " (time(&r.created_at, ctx.page.zone)) }
                    @if r.comment.is_empty() { p.hint { "No comment." } } @else { blockquote { (r.comment) } }
                    @if let Some(at) = &r.published_at {
                        p { "Published " (time(at, ctx.page.zone)) }
                        form method="post" action=(format!("/admin/reviews/{}/withdraw", r.code)) {
                            (csrf(&ctx.page.csrf))
                            button type="submit" { "Withdraw from the product pages" }
                        }
                    } @else if !r.comment.is_empty() {
                        form method="post" action=(format!("/admin/reviews/{}/publish", r.code)) {
                            (csrf(&ctx.page.csrf))
                            button.primary type="submit" { "Publish on the product pages" }
                        }
                    }
                }
            }
        },
    )
}

//! The admin's collection pages.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::catalog::CollectionInput;
use crate::domain::catalog::{Collection, ProductStatus};
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary};
use crate::views::layout::admin;

fn fields(input: &CollectionInput, errors: &FieldErrors) -> Markup {
    html! {
        (Field::new("title", "Title", &input.title).required().render(errors))
        (Field::new("slug", "Web address", &input.slug).hint("Like summer-sale. Leave empty to make one from the title.").render(errors))
        (Field::new("description_md", "Description", &input.description_md).kind("textarea").hint("Markdown, shown above the products.").render(errors))
        (Field::new("position", "Place", &input.position).kind("number").hint("Lower numbers come first on the home page.").render(errors))
        div.field { input #f-featured type="checkbox" name="featured" value="1" checked[input.featured.is_some()]; " " label for="f-featured" { "Show on the home page" } }
    }
}

pub fn list(ctx: &Admin, all: &[Collection], input: &CollectionInput, errors: &FieldErrors) -> Markup {
    admin(
        ctx,
        "Collections",
        html! {
            @if all.is_empty() { p { "No collections yet. Collections group products, like Sarees or Summer Sale." } } @else {
                table {
                    thead { tr { th { "Collection" } th { "Products" } th { "Home page" } } }
                    tbody {
                        @for c in all {
                            tr {
                                td { a href=(format!("/admin/collections/{}", c.id)) { (c.title) } }
                                td { (c.product_count) }
                                td { @if c.featured { "shown" } @else { "—" } }
                            }
                        }
                    }
                }
            }
            section.card aria-labelledby="new-h" {
                h2 #new-h { "New collection" }
                (error_summary(errors))
                form method="post" action="/admin/collections/new" novalidate {
                    (csrf(&ctx.page.csrf))
                    (fields(input, errors))
                    button.primary type="submit" { "Create collection" }
                }
            }
        },
    )
}

pub fn edit(
    ctx: &Admin,
    id: i64,
    input: &CollectionInput,
    errors: &FieldErrors,
    members: &[(i64, String, ProductStatus)],
) -> Markup {
    admin(
        ctx,
        "Edit collection",
        html! {
            p { a href=(format!("/c/{}", input.slug)) { "View in the shop" } " · " a href="/admin/collections" { "All collections" } }
            (error_summary(errors))
            form method="post" action=(format!("/admin/collections/{id}")) novalidate {
                (csrf(&ctx.page.csrf))
                (fields(input, errors))
                button.primary type="submit" { "Save" }
            }
            section.card aria-labelledby="order-h" {
                h2 #order-h { "Products in this collection" }
                @if members.is_empty() {
                    p.hint { "Add products to it from each product's page." }
                } @else {
                    form method="post" action=(format!("/admin/collections/{id}/order")) {
                        (csrf(&ctx.page.csrf))
                        table {
                            thead { tr { th { "Place" } th { "Product" } th { "Remove" } } }
                            tbody {
                                @for (n, (pid, title, status)) in members.iter().enumerate() {
                                    tr {
                                        td { input type="number" min="1" name=(format!("place_{pid}")) value=(n + 1) aria-label=(format!("Place of {title}")); }
                                        td { a href=(format!("/admin/products/{pid}")) { (title) } @if *status != ProductStatus::Active { " " span.badge { (status.as_str()) } } }
                                        td { input type="checkbox" name="remove" value=(pid) aria-label=(format!("Remove {title} from the collection")); }
                                    }
                                }
                            }
                        }
                        button type="submit" { "Save order" }
                    }
                }
            }
            form method="post" action=(format!("/admin/collections/{id}/delete")) {
                (csrf(&ctx.page.csrf))
                button.danger type="submit" { "Delete this collection" }
            }
        },
    )
}

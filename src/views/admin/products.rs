//! The admin's product pages: the list with filters and bulk actions, and the product form.

use maud::{Markup, html};

use crate::domain::FieldErrors;
use crate::domain::catalog::{AdminFilter, AdminRow, Collection, Image, ProductStatus, Variant};
use crate::domain::product_form::{ProductErrors, ProductInput, RowInput};
use crate::views::Admin;
use crate::views::components::{Field, csrf, error_summary};
use crate::views::layout::admin;
use crate::views::storefront::price;

fn import_form(ctx: &Admin) -> Markup {
    html! {
        section.card aria-labelledby="import-h" {
            h2 #import-h { "Import from CSV" }
            p.hint { "One row per variant, with the columns of an export. Products are matched by web address and variants by SKU; stock is set to the on_hand column; collection_places puts each product in its place in its collections. Collections are found by title and keep their description and home-page settings. Photos are not in the file, and products keep theirs. If any row has a problem, nothing is imported and every problem is listed." }
            form method="post" action="/admin/products/import" enctype="multipart/form-data" {
                (csrf(&ctx.page.csrf))
                div.field { label for="csv-file" { "CSV file" } input #csv-file type="file" name="file" accept=".csv,text/csv"; }
                button type="submit" { "Import" }
            }
        }
    }
}

/// The import's problems, by line and column; nothing was imported.
pub fn import_errors(ctx: &Admin, errors: &[crate::domain::product_csv::CsvError]) -> Markup {
    admin(
        ctx,
        "Nothing was imported",
        html! {
            div.error-summary role="alert" { p { "The file has " (errors.len()) " problem(s). Correct them and import it again: nothing was changed." } }
            ul { @for e in errors.iter().take(200) { li { (e.to_string()) } } }
            (import_form(ctx))
        },
    )
}

pub fn list(
    ctx: &Admin,
    f: &AdminFilter,
    rows: &[AdminRow],
    collections: &[Collection],
    page: i64,
    more: bool,
) -> Markup {
    let shop = &ctx.page.shop;
    let page_link = |n: i64| {
        let (collection, n) = (f.collection.map(|c| c.to_string()).unwrap_or_default(), n.to_string());
        let pairs =
            [("q", f.q.trim()), ("status", &f.status), ("collection", &collection), ("stock", &f.stock), ("page", &n)];
        let query = serde_urlencoded::to_string(pairs.iter().filter(|(_, v)| !v.is_empty()).collect::<Vec<_>>())
            .unwrap_or_default();
        format!("/admin/products?{query}")
    };
    admin(
        ctx,
        "Products",
        html! {
            p { a.button.primary href="/admin/products/new" { "Add a product" } " " a.button href="/admin/products.csv" { "Export CSV" } }
            form.filters method="get" action="/admin/products" {
                div.field { label for="f-q" { "Search" } input #f-q type="search" name="q" value=(f.q) placeholder="Title, SKU"; }
                div.field {
                    label for="f-status" { "Status" }
                    select #f-status name="status" {
                        @for (v, l) in [("", "Any"), ("active", "Active"), ("draft", "Draft"), ("archived", "Archived")] {
                            option value=(v) selected[f.status == v] { (l) }
                        }
                    }
                }
                div.field {
                    label for="f-collection" { "Collection" }
                    select #f-collection name="collection" {
                        option value="" { "Any" }
                        @for c in collections { option value=(c.id) selected[f.collection == Some(c.id)] { (c.title) } }
                    }
                }
                div.field {
                    label for="f-stock" { "Stock" }
                    select #f-stock name="stock" {
                        @for (v, l) in [("", "Any"), ("low", "Low or out"), ("out", "Sold out")] { option value=(v) selected[f.stock == v] { (l) } }
                    }
                }
                button type="submit" { "Filter" }
            }
            @if rows.is_empty() { p { "No products match." } } @else {
                form method="post" action="/admin/products/bulk" {
                    (csrf(&ctx.page.csrf))
                    div.table-wrap tabindex="0" role="region" aria-label="Table, scrolls sideways on small screens" {
                        table {
                            thead { tr { th { span.visually-hidden { "Select" } } th { "Product" } th { "Status" } th { "Price" } th { "Stock" } } }
                            tbody {
                                @for r in rows {
                                    tr {
                                        td { input type="checkbox" name="id" value=(r.id) aria-label=(format!("Select {}", r.title)); }
                                        td { a href=(format!("/admin/products/{}", r.id)) { (r.title) } br; small { (r.variants) " variant(s)" } }
                                        td { span class=(format!("badge {}", r.status)) { (r.status) } }
                                        td { (price(shop, r.price)) @if r.price_max > r.price { " – " (price(shop, r.price_max)) } }
                                        td {
                                            @match r.available { Some(n) => (n), None => "not tracked" }
                                            @if r.low { " " span.badge.error { "low" } }
                                        }
                                    }
                                }
                            }
                        }
                    }
                    div.row {
                        div.field {
                            label for="bulk-action" { "With the selected" }
                            select #bulk-action name="action" {
                                option value="activate" { "Make active (visible in the shop)" }
                                option value="archive" { "Archive (hide from the shop)" }
                                option value="draft" { "Turn back into drafts" }
                                @if !collections.is_empty() {
                                    optgroup label="Add to the collection" {
                                        @for c in collections { option value=(format!("collection:{}", c.id)) { (c.title) } }
                                    }
                                }
                            }
                        }
                    }
                    button type="submit" { "Apply" }
                }
            }
            @if page > 1 || more {
                nav.pages aria-label="Pages" {
                    @if page > 1 { a rel="prev" href=(page_link(page - 1)) { "Previous" } " " }
                    span { "Page " (page) }
                    @if more { " " a rel="next" href=(page_link(page + 1)) { "Next" } }
                }
            }
            (import_form(ctx))
        },
    )
}

fn row_error(errors: &FieldErrors, key: &str) -> Markup {
    html! { @if let Some(e) = errors.get(key) { p.error { (e) } } }
}

fn grid_row(i: usize, r: &RowInput, names: &[String; 3], errors: &FieldErrors) -> Markup {
    let name = |f: &str| format!("v{i}_{f}");
    html! {
        tr.invalid[!errors.is_empty()] {
            @for k in 0..3 {
                @if !names[k].is_empty() {
                    td { input name=(name(&format!("o{}", k + 1))) value=(r.options[k]) aria-label=(format!("{} of row {}", names[k], i + 1)); }
                }
            }
            td {
                input type="hidden" name=(name("id")) value=(r.id);
                input name=(name("sku")) value=(r.sku) aria-label=(format!("SKU of row {}", i + 1)) autocapitalize="characters";
                (row_error(errors, "sku")) (row_error(errors, "options"))
            }
            td { input name=(name("price")) value=(r.price) inputmode="decimal" aria-label=(format!("Price of row {}", i + 1)); (row_error(errors, "price")) }
            td { input name=(name("compare")) value=(r.compare_at) inputmode="decimal" aria-label=(format!("Was-price of row {}", i + 1)); (row_error(errors, "compare")) }
            td {
                @if r.id.is_empty() {
                    input name=(name("stock")) value=(r.stock) inputmode="numeric" aria-label=(format!("Starting stock of row {}", i + 1)); (row_error(errors, "stock"))
                } @else { span.hint { "below" } }
            }
            td { input type="checkbox" name=(name("track")) value="1" checked[r.track] aria-label=(format!("Track stock of row {}", i + 1)); }
            td { input type="checkbox" name=(name("backorder")) value="1" checked[r.backorder] aria-label=(format!("Allow backorders on row {}", i + 1)); }
            td { input name=(name("max")) value=(r.max_per_order) inputmode="numeric" aria-label=(format!("Most per order on row {}", i + 1)); (row_error(errors, "max")) }
            td { input name=(name("barcode")) value=(r.barcode) inputmode="numeric" aria-label=(format!("Barcode of row {}", i + 1)); (row_error(errors, "barcode")) }
            td { input name=(name("weight")) value=(r.weight) inputmode="numeric" aria-label=(format!("Weight in grams of row {}", i + 1)); (row_error(errors, "weight")) }
            td { @if !r.id.is_empty() { input type="checkbox" name=(name("remove")) value="1" checked[r.remove] aria-label=(format!("Delete row {}", i + 1)); } }
        }
    }
}

fn variants_grid(input: &ProductInput, errors: &ProductErrors) -> Markup {
    let none = FieldErrors::new();
    html! {
        fieldset.card {
            legend { "Options and variants" }
            p.hint { "Name up to three options (like Size and Colour), then give each variant its values, SKU and price. Leave a row empty to skip it." }
            div.row {
                @for k in 0..3 {
                    @let label = format!("Option {} name", k + 1);
                    (Field::new(["option1", "option2", "option3"][k], &label, &input.options[k]).render(&errors.fields))
                }
            }
            @if let Some(e) = errors.fields.get("variants") { p.error { (e) } }
            div.table-wrap tabindex="0" role="region" aria-label="Table, scrolls sideways on small screens" {
                table.grid {
                    thead {
                        tr {
                            @for n in input.options.iter().filter(|n| !n.is_empty()) { th { (n) } }
                            th { "SKU" } th { "Price" } th { "Was" } th { "Stock" } th { "Track" } th { "Backorder" } th { "Max/order" } th { "Barcode" } th { "Grams" } th { "Delete" }
                        }
                    }
                    tbody {
                        @for (i, r) in input.rows.iter().enumerate() { (grid_row(i, r, &input.options, errors.rows.get(i).unwrap_or(&none))) }
                    }
                }
            }
            details {
                summary { "Make a row for every combination" }
                p.hint { "Type each option's values separated by commas, then press Generate. Nothing is saved until you press Save." }
                div.row {
                    @for k in 1..=3 {
                        div.field { label for=(format!("gen{k}")) { "Values of option " (k) } input id=(format!("gen{k}")) name=(format!("gen{k}")) placeholder=(if k == 1 { "S, M, L" } else { "" }); }
                    }
                    div.field { label for="gen_prefix" { "SKU start" } input #gen_prefix name="gen_prefix" placeholder="TEE"; }
                    div.field { label for="gen_price" { "Price" } input #gen_price name="gen_price" inputmode="decimal"; }
                }
                button type="submit" name="action" value="generate" { "Generate" }
            }
        }
    }
}

fn stock_section(ctx: &Admin, id: i64, variants: &[Variant]) -> Markup {
    html! {
        section.card aria-labelledby="stock-h" {
            h2 #stock-h { "Stock" }
            p.hint { "Every change is kept in the stock ledger with its reason." }
            @for v in variants {
                form.stock-adjust method="post" action=(format!("/admin/products/{id}/stock")) {
                    (csrf(&ctx.page.csrf))
                    input type="hidden" name="variant" value=(v.id);
                    span.sku-line { strong { (v.sku) } " · " (v.on_hand) " on hand" @if v.reserved > 0 { ", " (v.reserved) " reserved" } @if !v.track_stock { " (not tracked)" } }
                    label.visually-hidden for=(format!("d-{}", v.id)) { "Change for " (v.sku) }
                    input id=(format!("d-{}", v.id)) name="delta" inputmode="numeric" placeholder="+10 or -2";
                    label.visually-hidden for=(format!("r-{}", v.id)) { "Reason for " (v.sku) }
                    input id=(format!("r-{}", v.id)) name="reason" placeholder="Reason (received, damaged…)";
                    button type="submit" { "Change" }
                }
            }
        }
    }
}

/// Each value of option `i` among the variants, once, in their order.
fn option_values(variants: &[Variant], i: usize) -> Vec<&String> {
    let mut out: Vec<&String> = Vec::new();
    for v in variants {
        if let Some(value) = v.options.get(i).filter(|o| !o.is_empty() && !out.contains(o)) {
            out.push(value);
        }
    }
    out
}

fn photos_section(
    ctx: &Admin,
    id: Option<i64>,
    photos: &[Image],
    (variants, option_names): (&[Variant], &[String; 3]),
) -> Markup {
    html! {
        section.card aria-labelledby="photos-h" {
            h2 #photos-h { "Photos" }
            @match id {
                None => p.hint { "Save the product first, then add its photos." },
                Some(id) => {
                    ul.photos {
                        @for (n, img) in photos.iter().enumerate() {
                            li {
                                (crate::views::images::responsive(img.id, &img.alt, "10rem"))
                                form method="post" action=(format!("/admin/products/{id}/images/{}", img.id)) {
                                    (csrf(&ctx.page.csrf))
                                    label for=(format!("alt-{}", img.id)) { "Describe photo " (n + 1) }
                                    input id=(format!("alt-{}", img.id)) name="alt" value=(img.alt);
                                    @if variants.len() > 1 {
                                        label for=(format!("var-{}", img.id)) { "Shows" }
                                        select id=(format!("var-{}", img.id)) name="variant" {
                                            option value="" { "Any variant" }
                                            @for (i, name) in option_names.iter().enumerate().filter(|(_, n)| !n.is_empty()) {
                                                optgroup label=(format!("Every variant with this {name}")) {
                                                    @for value in option_values(variants, i) {
                                                        @let chosen = img.option.as_ref().is_some_and(|(oi, ov)| *oi == i && ov == value);
                                                        option value=(format!("o:{i}:{value}")) selected[chosen] { (name) ": " (value) }
                                                    }
                                                }
                                            }
                                            optgroup label="One variant" {
                                                @for v in variants {
                                                    option value=(format!("v:{}", v.id)) selected[img.variant_id == Some(v.id)] {
                                                        (v.sku) @for o in v.options.iter().filter(|o| !o.is_empty()) { " · " (o) }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                    label for=(format!("pos-{}", img.id)) { "Place" }
                                    input id=(format!("pos-{}", img.id)) name="position" type="number" min="1" value=(n + 1);
                                    div { input type="checkbox" id=(format!("del-{}", img.id)) name="delete" value="1"; " " label for=(format!("del-{}", img.id)) { "Delete" } }
                                    button type="submit" { "Save photo" }
                                }
                            }
                        }
                    }
                    form method="post" action=(format!("/admin/products/{id}/images")) enctype="multipart/form-data" {
                        (csrf(&ctx.page.csrf))
                        div.field {
                            label for="photos" { "Add photos" }
                            input #photos type="file" name="photos" multiple accept="image/jpeg,image/png,image/webp";
                            p.hint { "JPEG, PNG or WebP, several at once, straight from the phone's camera or gallery." }
                        }
                        div.field {
                            label for="alt-new" { "Describe them (for people who cannot see them)" }
                            input #alt-new name="alt" placeholder="Blue kurta, front";
                        }
                        button type="submit" { "Upload" }
                    }
                }
            }
        }
    }
}

/// What the product form shows besides the form itself.
pub struct Extras {
    pub collections: Vec<Collection>,
    pub variants: Vec<Variant>,
    pub photos: Vec<Image>,
    pub early_access: bool,
}

fn early_access_section(ctx: &Admin, id: i64, input: &ProductInput, active: bool) -> Markup {
    html! {
        section.card aria-labelledby="early-h" {
            h2 #early-h { "Early access" }
            @if input.publish_at.is_empty() {
                p.hint { "Give the product a drop time to sell it early to a chosen few." }
            } @else {
                p { "People with the early-access link can order before the drop opens." }
                form method="post" action=(format!("/admin/products/{id}/early-access")) {
                    (csrf(&ctx.page.csrf))
                    @if active {
                        p { "A link is active." }
                        button type="submit" name="action" value="create" { "Replace it with a new link" }
                        " "
                        button.danger type="submit" name="action" value="revoke" { "Turn it off" }
                    } @else {
                        button type="submit" name="action" value="create" { "Create an early-access link" }
                    }
                }
            }
        }
    }
}

/// The page that shows a new early-access link, once.
pub fn early_access_link(ctx: &Admin, id: i64, title: &str, link: &str) -> Markup {
    admin(
        ctx,
        "Early-access link",
        html! {
            section.card.success role="status" {
                p { "Send this link to the people who may buy " strong { (title) } " before the drop. It is shown only now; the old link, if any, no longer works." }
                p { input.copy type="text" readonly value=(link) aria-label="Early-access link"; }
            }
            p { a href=(format!("/admin/products/{id}")) { "Back to the product" } }
        },
    )
}

pub fn form(ctx: &Admin, id: Option<i64>, input: &ProductInput, errors: &ProductErrors, extras: &Extras) -> Markup {
    let (collections, variants, photos) = (&extras.collections, &extras.variants, &extras.photos);
    let action = id.map(|i| format!("/admin/products/{i}")).unwrap_or_else(|| "/admin/products/new".into());
    let title = if id.is_some() { "Edit product" } else { "Add a product" };
    let fe = &errors.fields;
    admin(
        ctx,
        title,
        html! {
            @if id.is_some() && ProductStatus::parse(&input.status) == Some(ProductStatus::Active) { p { a href=(format!("/p/{}", input.slug)) { "View in the shop" } } }
            @if !errors.is_empty() { (error_summary(&errors.fields)) @if errors.fields.is_empty() { div.error-summary role="alert" { p { "Please correct the rows marked below." } } } }
            form.product-form method="post" action=(action) novalidate {
                (csrf(&ctx.page.csrf))
                (Field::new("title", "Title", &input.title).required().render(fe))
                (Field::new("slug", "Web address", &input.slug).hint("The end of the product's link, like blue-cotton-kurta. Leave empty to make one from the title.").render(fe))
                div.field {
                    label for="f-status" { "Status" }
                    select #f-status name="status" {
                        @for (v, l) in [("draft", "Draft: only you see it"), ("active", "Active: in the shop"), ("archived", "Archived: hidden")] {
                            option value=(v) selected[input.status == v] { (l) }
                        }
                    }
                }
                (Field::new("description_md", "Description", &input.description_md).kind("textarea").hint("Markdown: **bold**, *italic*, lists with -, links as [text](https://…).").render(fe))
                (variants_grid(input, errors))
                (Field::new("tags", "Tags", &input.tags).hint("Separated by commas; they help search.").render(fe))
                (Field::new("publish_at", "Drop time (UTC)", &input.publish_at).kind("datetime-local").hint("Before this time the page shows when it opens and it cannot be bought. Empty: at once.").render(fe))
                @if !collections.is_empty() {
                    fieldset.card {
                        legend { "Collections" }
                        @for c in collections {
                            div { input type="checkbox" id=(format!("col-{}", c.id)) name="collection" value=(c.id) checked[input.collections.contains(&c.id)]; " " label for=(format!("col-{}", c.id)) { (c.title) } }
                        }
                    }
                }
                details {
                    summary { "Search engines and link previews" }
                    (Field::new("seo_title", "Title for search engines", &input.seo_title).render(fe))
                    (Field::new("seo_description", "Description for search engines", &input.seo_description).kind("textarea").render(fe))
                }
                button.primary type="submit" name="action" value="save" { "Save" }
            }
            (photos_section(ctx, id, photos, (variants, &input.options)))
            @if let Some(id) = id { (early_access_section(ctx, id, input, extras.early_access)) }
            @if let Some(id) = id { @if !variants.is_empty() { (stock_section(ctx, id, variants)) } }
        },
    )
}

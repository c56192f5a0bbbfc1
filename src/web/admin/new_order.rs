//! Manual orders (owner and staff): one form posted back to itself for each step, then placed.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};

use super::html;
use crate::AppState;
use crate::app::orders::manual::{self, ManualOrder, Taken};
use crate::db::{checkout as methods, order_lists, orders};
use crate::domain::FieldErrors;
use crate::domain::order_lists::ManualInput;
use crate::domain::shop::normalize_phone;
use crate::error::AppError;
use crate::views::Admin;
use crate::views::admin::new_order::{self as view, NewOrder};
use crate::web::extract::CsrfForm;
use crate::web::see_other_with_flash;

/// The form with its lines' and the search's variants looked up.
async fn render(
    admin: &Admin,
    state: &AppState,
    input: ManualInput,
    errors: FieldErrors,
    message: Option<String>,
) -> Result<HttpResponse, AppError> {
    let skus: Vec<String> = input.lines.iter().map(|(s, _)| s.clone()).collect();
    let q = (input.op == "search" && !input.q.trim().is_empty()).then(|| input.q.clone());
    let (lines, found, deliveries, payments) = state
        .db
        .read(move |c| {
            let found = match &q {
                Some(q) => order_lists::find_variants(c, q, 20)?,
                None => Vec::new(),
            };
            Ok((
                order_lists::variants_by_sku(c, &skus)?,
                found,
                methods::delivery_methods(c)?,
                methods::payment_methods(c)?,
            ))
        })
        .await?;
    let status = if errors.is_empty() && message.is_none() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let searched = input.op == "search";
    let n = NewOrder { input, lines, found, searched, deliveries, payments, errors, message };
    Ok(html(status, view::page(admin, &n)))
}

pub async fn form(admin: Admin, state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let input = ManualInput { channel: "whatsapp".into(), ..Default::default() };
    render(&admin, &state, input, FieldErrors::new(), None).await
}

pub async fn step(
    admin: Admin,
    state: web::Data<AppState>,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<HttpResponse, AppError> {
    let mut input = ManualInput::from_pairs(&pairs);
    let op = input.op.clone();
    if let Some(sku) = op.strip_prefix("add:") {
        match input.lines.iter_mut().find(|(s, _)| s == sku) {
            Some((_, q)) => *q = (q.trim().parse::<i64>().unwrap_or(0) + 1).to_string(),
            None => input.lines.push((sku.to_string(), "1".into())),
        }
        return render(&admin, &state, input, FieldErrors::new(), None).await;
    }
    if let Some(sku) = op.strip_prefix("remove:") {
        input.lines.retain(|(s, _)| s != sku);
        return render(&admin, &state, input, FieldErrors::new(), None).await;
    }
    match op.as_str() {
        "lookup" => lookup(&admin, &state, input).await,
        "place" => place(&admin, &state, input).await,
        _ => render(&admin, &state, input, FieldErrors::new(), None).await,
    }
}

/// Fills the customer's details from their latest order with this number (fields already typed stay).
async fn lookup(admin: &Admin, state: &AppState, mut input: ManualInput) -> Result<HttpResponse, AppError> {
    let phone = match normalize_phone(&input.customer.phone, &admin.page.shop.country_calling_code) {
        Ok(p) => p,
        Err(m) => return render(admin, state, input, FieldErrors::from([("phone", m)]), None).await,
    };
    let key = phone.clone();
    let (latest, count) = state
        .db
        .read(move |c| {
            let earlier = order_lists::by_phone(c, &key, 0, 50)?;
            let latest = match earlier.first() {
                Some(r) => orders::by_id(c, r.id)?,
                None => None,
            };
            Ok((latest, earlier.len()))
        })
        .await?;
    input.customer.phone = phone;
    let message = match latest {
        None => "No earlier orders from this number: a new customer.".to_string(),
        Some(o) => {
            let c = &mut input.customer;
            let fill = |field: &mut String, value: &str| {
                if field.trim().is_empty() {
                    *field = value.to_string();
                }
            };
            fill(&mut c.name, &o.customer_name);
            fill(&mut c.email, &o.customer_email);
            fill(&mut c.line1, &o.address.line1);
            fill(&mut c.line2, &o.address.line2);
            fill(&mut c.city, &o.address.city);
            fill(&mut c.region, &o.address.region);
            fill(&mut c.postal_code, &o.address.postal_code);
            fill(&mut c.country, &o.address.country);
            format!(
                "{} earlier order(s) from this number, the latest {}: the details are filled in from it.",
                count, o.code
            )
        }
    };
    let mut page = render(admin, state, input, FieldErrors::new(), Some(message)).await?;
    *page.status_mut() = StatusCode::OK;
    Ok(page)
}

async fn place(admin: &Admin, state: &AppState, input: ManualInput) -> Result<HttpResponse, AppError> {
    let items = match input.quantities() {
        Ok(items) => items,
        Err(m) => return render(admin, state, input, FieldErrors::from([("items", m)]), None).await,
    };
    let order = ManualOrder {
        items,
        input: input.customer.clone(),
        channel: input.channel.clone(),
        confirm: input.confirm,
        actor: admin.actor(),
    };
    match manual::take(&state.db, &state.order_env(), &admin.page.shop, order).await? {
        Taken::Placed { code } => Ok(see_other_with_flash(
            &format!("/admin/orders/{code}"),
            &format!("Order {code} is placed. Send the customer their order link: “Send a fresh order link” below."),
        )),
        Taken::Invalid(errors) => render(admin, state, input, errors, None).await,
        Taken::Refused(message) => render(admin, state, input, FieldErrors::new(), Some(message)).await,
    }
}

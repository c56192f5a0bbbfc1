//! The order page's "Next step" card: one form per status the lifecycle allows now, each with only
//! the fields that step needs (a courier and tracking number, a reason, cash at the door, lines
//! to restock).

use maud::{Markup, html};

use super::order::{Echo, OrderDesk};
use crate::domain::checkout::PaymentKind;
use crate::domain::desk::FailedReason;
use crate::domain::messages::Template;
use crate::domain::money;
use crate::domain::orders::{Order, Status};
use crate::views::Admin;
use crate::views::components::{Field, csrf};

fn step_label(to: Status) -> &'static str {
    match to {
        Status::Pending => "Acknowledge",
        Status::AwaitingPayment => "Ask for payment",
        Status::Confirmed => "Confirm (takes the stock)",
        Status::Processing => "Start preparing",
        Status::ReadyToShip => "Packed: ready to ship",
        Status::Shipped => "Mark shipped",
        Status::Delivered => "Mark delivered",
        Status::FailedDelivery => "Delivery failed",
        Status::Cancelled => "Cancel order",
        Status::Returned => "Mark returned",
        Status::Draft => "",
    }
}

fn action(code: &str) -> String {
    format!("/admin/orders/{code}/status")
}

fn simple_step(ctx: &Admin, o: &Order, to: Status) -> Markup {
    html! {
        form.step method="post" action=(action(&o.code)) {
            (csrf(&ctx.page.csrf))
            input type="hidden" name="to" value=(to.as_str());
            button.primary[to == Status::Confirmed] type="submit" { (step_label(to)) }
        }
    }
}

/// Confirming a flagged order: the seller ticks that they reviewed it.
fn review_step(ctx: &Admin, o: &Order, echo: &Echo) -> Markup {
    let error = echo.errors.get("reviewed");
    html! {
        form.step.card method="post" action=(action(&o.code)) {
            (csrf(&ctx.page.csrf))
            input type="hidden" name="to" value="confirmed";
            div.field.check.invalid[error.is_some()] {
                input #f-reviewed type="checkbox" name="reviewed" value="1" required aria-describedby=[error.map(|_| "f-reviewed-error")];
                label for="f-reviewed" { "I have reviewed this order" }
                @if let Some(e) = error { p.error #f-reviewed-error { (e) } }
            }
            button.primary type="submit" { (step_label(Status::Confirmed)) }
        }
    }
}

fn ship_step(ctx: &Admin, d: &OrderDesk, echo: &Echo) -> Markup {
    let o = &d.order;
    let courier = if echo.courier.is_empty() { o.courier.as_str() } else { echo.courier.as_str() };
    html! {
        form.step.card method="post" action=(action(&o.code)) {
            (csrf(&ctx.page.csrf))
            input type="hidden" name="to" value="shipped";
            div.field.invalid[echo.errors.contains_key("courier")] {
                label for="f-ship-courier" { "Courier" }
                input #f-ship-courier name="courier" list="couriers" value=(courier) required autocomplete="off"
                    aria-describedby=[echo.errors.get("courier").map(|_| "f-ship-courier-error")];
                datalist #couriers { @for c in d.couriers.iter().filter(|c| c.active) { option value=(c.name) {} } }
                @if let Some(e) = echo.errors.get("courier") { p.error #f-ship-courier-error { (e) } }
            }
            (Field::new("tracking_number", "Tracking number", &echo.tracking_number).scope("ship").required()
                .hint("Letters and digits; spaces and dashes are removed.").render(&echo.errors))
            button.primary type="submit" { "Mark shipped" }
        }
    }
}

fn deliver_step(ctx: &Admin, o: &Order) -> Markup {
    let due = (o.total - o.paid).max(0);
    let cod = o.payment_kind == PaymentKind::Cod.as_str();
    let minor = ctx.page.shop.currency_minor_units;
    html! {
        form.step method="post" action=(action(&o.code)) {
            (csrf(&ctx.page.csrf))
            input type="hidden" name="to" value="delivered";
            @if due > 0 {
                div.field.check {
                    input #f-cash type="checkbox" name="cash" value=(due) checked[cod];
                    label for="f-cash" { "Cash collected at the door: " (money::format(due, &o.currency, minor)) }
                }
            }
            button.primary type="submit" { "Mark delivered" }
        }
    }
}

fn failed_step(ctx: &Admin, o: &Order, echo: &Echo) -> Markup {
    html! {
        details.step open[echo.errors.contains_key("failed")] {
        summary { "Delivery failed…" }
        form method="post" action=(action(&o.code)) {
            (csrf(&ctx.page.csrf))
            input type="hidden" name="to" value="failed_delivery";
            div.field.invalid[echo.errors.contains_key("failed")] {
                label for="f-failed" { "Why it failed" }
                select #f-failed name="failed" required {
                    option value="" { "Choose…" }
                    @for r in FailedReason::ALL { option value=(r.as_str()) { (r.label()) } }
                }
                @if let Some(e) = echo.errors.get("failed") { p.error { (e) } }
            }
            button type="submit" { "Delivery failed" }
        }
        }
    }
}

fn cancel_step(ctx: &Admin, o: &Order, echo: &Echo) -> Markup {
    let hint = if o.status.holds_reservation() {
        "The units it holds go back on sale."
    } else {
        "Its units are put back into stock."
    };
    html! {
        details.step {
            summary { "Cancel order…" }
            form method="post" action=(action(&o.code)) {
                (csrf(&ctx.page.csrf))
                input type="hidden" name="to" value="cancelled";
                (Field::new("reason", "Reason (the customer sees it)", &echo.reason).scope("cancel").required().hint(hint).render(&echo.errors))
                button.danger type="submit" { "Cancel order" }
            }
        }
    }
}

fn return_step(ctx: &Admin, d: &OrderDesk) -> Markup {
    let o = &d.order;
    html! {
        details.step {
            summary { "Mark returned…" }
            form method="post" action=(action(&o.code)) {
                (csrf(&ctx.page.csrf))
                input type="hidden" name="to" value="returned";
                fieldset {
                    legend { "Put back into stock" }
                    @for l in &d.lines {
                        @let id = format!("f-restock-{}", l.id);
                        div.field.check {
                            input id=(id) type="checkbox" name="restock" value=(l.id) checked;
                            label for=(id) { (l.quantity) " × " (l.title) @if !l.options.is_empty() { " (" (l.options) ")" } }
                        }
                    }
                }
                button type="submit" { "Mark returned" }
            }
        }
    }
}

pub(super) fn next_steps(ctx: &Admin, d: &OrderDesk, echo: &Echo) -> Markup {
    let o = &d.order;
    let next = o.status.next();
    html! {
        section.card.next aria-labelledby="next-h" {
            h2 #next-h { "Next step" }
            @if let Some(m) = &echo.message { p.error role="alert" { (m) } }
            @if next.is_empty() { p { "This order is " (o.status.label().to_lowercase()) "; it cannot change any more." } }
            @if o.status == Status::Draft {
                (super::order::message_button(ctx, o, Template::Acknowledge, "WhatsApp received", true))
                p.hint { "Acknowledges the draft (it stops expiring) and opens WhatsApp with your reply." }
            }
            div.steps {
                @for to in next {
                    @match to {
                        Status::Shipped => (ship_step(ctx, d, echo)),
                        Status::Delivered => (deliver_step(ctx, o)),
                        Status::FailedDelivery => (failed_step(ctx, o, echo)),
                        Status::Cancelled | Status::Returned => {},
                        Status::Confirmed if !d.flags.is_empty() && d.reviewed.is_none() => (review_step(ctx, o, echo)),
                        _ => (simple_step(ctx, o, *to)),
                    }
                }
            }
            @if next.contains(&Status::Returned) { (return_step(ctx, d)) }
            @if next.contains(&Status::Cancelled) { (cancel_step(ctx, o, echo)) }
        }
    }
}

//! The notices' words: one function builds each notice's subject, plain text and HTML. The HTML is
//! the shop's own (its logo, attached inline, and accent colour), phone-first, with no remote
//! image and no script. Addresses the sender knows only when sending are placeholders here.

use maud::{Markup, html};

use super::layout::{Draft, colors, document, finish, footer_html, footer_text};
use crate::domain::desk::FailedReason;
use crate::domain::money;
use crate::domain::notify::{Notice, NoticeSettings, header_text};
use crate::domain::orders::{Line, Order, PaymentStatus};
use crate::domain::outbox::NewMessage;
use crate::domain::shop::ShopSettings;

pub use crate::domain::notify::{BASE, ORDER_LINK, UNSUBSCRIBE};
/// The logo's Content-ID (attached to the message when the shop has one).
pub const LOGO_CID: &str = "logo@souk";

/// What a notice about an order is built from.
pub struct OrderMail<'a> {
    pub shop: &'a ShopSettings,
    pub settings: &'a NoticeSettings,
    pub order: &'a Order,
    pub lines: &'a [Line],
    /// The order link: a real one at placing (the confirmation page's), else [`ORDER_LINK`].
    pub link: &'a str,
    /// The amount of the payment or refund just recorded (payment received, refunded).
    pub amount: i64,
    /// Why an order is flagged for review (the seller's notice); a request and its answer.
    pub note: &'a str,
}

impl OrderMail<'_> {
    fn money(&self, v: i64) -> String {
        money::format(v, &self.order.currency, self.shop.currency_minor_units)
    }

    fn due(&self) -> i64 {
        (self.order.total - self.order.paid).max(0)
    }
}

fn lines_text(m: &OrderMail) -> String {
    let o = m.order;
    let mut text: String = m
        .lines
        .iter()
        .map(|l| {
            let options = if l.options.is_empty() { String::new() } else { format!(" ({})", l.options) };
            format!("- {} × {}{options}, SKU {}: {}\n", l.quantity, l.title, l.sku, m.money(l.line_total))
        })
        .collect();
    text.push_str(&format!("Subtotal: {}\n", m.money(o.subtotal)));
    if o.discount > 0 {
        text.push_str(&format!("Discount: −{}\n", m.money(o.discount)));
    }
    text.push_str(&format!(
        "Delivery ({}): {}\nTotal: {}\n",
        o.delivery_name,
        m.money(o.delivery_fee),
        m.money(o.total)
    ));
    text
}

fn lines_html(m: &OrderMail) -> Markup {
    let o = m.order;
    let cell = "padding:6px 0;border-bottom:1px solid #eef0f2;vertical-align:top";
    html! {
        table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="margin:0 0 16px;font-size:15px" {
            @for l in m.lines {
                tr {
                    td style=(cell) { (l.quantity) " × " (l.title) @if !l.options.is_empty() { " (" (l.options) ")" } br; small style="color:#57606a" { "SKU " (l.sku) } }
                    td align="right" style=(cell) { (m.money(l.line_total)) }
                }
            }
            tr { td style="padding:6px 0" { "Subtotal" } td align="right" { (m.money(o.subtotal)) } }
            @if o.discount > 0 { tr { td style="padding:6px 0" { "Discount" } td align="right" { "−" (m.money(o.discount)) } } }
            tr { td style="padding:6px 0" { "Delivery (" (o.delivery_name) ")" } td align="right" { (m.money(o.delivery_fee)) } }
            tr { td style="padding:6px 0" { strong { "Total" } } td align="right" { strong { (m.money(o.total)) } } }
        }
    }
}

fn items(d: &mut Draft, m: &OrderMail) {
    d.raw(&lines_text(m), lines_html(m));
}

/// How to pay what is still due: the method's instructions, the UPI ID or wallet address, and the
/// exact amount with the order code as reference; cash on delivery says so.
fn payment(d: &mut Draft, m: &OrderMail) {
    let o = m.order;
    let due = m.due();
    if due == 0 {
        return;
    }
    match o.payment_kind.as_str() {
        "cod" => d.para(&format!("Payment: {}. Please have {} ready when it arrives.", o.payment_name, m.money(due))),
        _ => {
            d.para(&format!(
                "Payment: {}. Please pay exactly {} and put {} in the payment note.",
                o.payment_name,
                m.money(due),
                o.code
            ));
            let account = match o.payment_kind.as_str() {
                "upi" if !o.payment_account.is_empty() => format!("UPI ID: {}", o.payment_account),
                "crypto" if !o.payment_account.is_empty() => {
                    format!("{} address: {}", o.payment_network, o.payment_account)
                }
                _ => String::new(),
            };
            let details: Vec<&str> =
                [o.payment_instructions.trim(), account.as_str()].into_iter().filter(|s| !s.is_empty()).collect();
            if !details.is_empty() {
                d.block(&details.join("\n"));
            }
        }
    }
}

fn processing(d: &mut Draft, m: &OrderMail) {
    if !m.settings.processing_time.is_empty() {
        d.para(&m.settings.processing_time);
    }
}

fn follow(d: &mut Draft, m: &OrderMail) {
    d.button(&format!("See order {}", m.order.code), m.link, &colors(m.shop));
    if m.link != ORDER_LINK {
        d.para("Keep this link to yourself: it opens your order.");
    }
}

/// A message to the customer about their order.
pub fn customer(notice: Notice, m: &OrderMail) -> NewMessage {
    let (o, shop) = (m.order, m.shop);
    let first = o.customer_name.split_whitespace().next().unwrap_or("there").to_string();
    let mut d = Draft::new();
    let (subject, preheader) = match notice {
        Notice::OrderReceived => {
            d.strong(&format!("Thank you, {first}! We have your order {}.", o.code));
            items(&mut d, m);
            payment(&mut d, m);
            processing(&mut d, m);
            (format!("Your order {} at {}", o.code, shop.name), format!("Order {}: {}", o.code, m.money(o.total)))
        }
        Notice::PaymentReceived => {
            d.strong(&format!("We received {} for order {}.", m.money(m.amount), o.code));
            if m.due() > 0 {
                d.para(&format!("{} is still due.", m.money(m.due())));
                payment(&mut d, m);
            } else {
                d.para("Your order is paid in full. Thank you!");
            }
            (format!("Payment received for order {}", o.code), format!("{} received", m.money(m.amount)))
        }
        Notice::OrderConfirmed => {
            d.strong(&format!("Good news, {first}: order {} is confirmed.", o.code));
            d.para("We are getting it ready.");
            processing(&mut d, m);
            items(&mut d, m);
            payment(&mut d, m);
            (format!("Order {} is confirmed", o.code), "We are getting it ready".to_string())
        }
        Notice::OrderShipped => {
            d.strong(&format!("Order {} is on its way.", o.code));
            d.para(&format!("Courier: {}. Tracking number: {}.", o.courier, o.tracking_number));
            if !o.tracking_url.is_empty() {
                d.button("Track the parcel", &o.tracking_url, &colors(shop));
            }
            if o.payment_kind == "cod" {
                payment(&mut d, m);
            }
            (
                format!("Order {} has shipped", o.code),
                format!("With {}, tracking number {}", o.courier, o.tracking_number),
            )
        }
        Notice::OrderDelivered => {
            d.strong(&format!("Order {} was delivered.", o.code));
            d.para(&format!("Thank you for shopping with {}, {first}! If anything is not right, tell us.", shop.name));
            (format!("Order {} was delivered", o.code), "Thank you for your order".to_string())
        }
        Notice::DeliveryFailed => {
            let why = FailedReason::parse(&o.failed_reason).map(|r| r.label()).unwrap_or("Other");
            d.strong(&format!("We could not deliver order {}.", o.code));
            d.para(&format!("What happened: {why}."));
            d.para("Please message us so that we can arrange another delivery.");
            (format!("We could not deliver order {}", o.code), why.to_string())
        }
        Notice::OrderCancelled => {
            let reason = o.cancel_reason.clone().unwrap_or_default();
            let why = match reason.as_str() {
                "expired" => "It was not confirmed in time.".to_string(),
                "" => String::new(),
                r => format!("Reason: {r}"),
            };
            d.strong(&format!("Order {} was cancelled.", o.code));
            if !why.is_empty() {
                d.para(&why);
            }
            if o.paid > 0 {
                d.para(&format!("You paid {}: it will be refunded, and we will tell you when.", m.money(o.paid)));
            }
            (format!("Order {} was cancelled", o.code), why)
        }
        Notice::OrderRefunded => {
            d.strong(&format!("We refunded {} for order {}.", m.money(m.amount), o.code));
            if o.payment_status == PaymentStatus::Refunded {
                d.para("Everything you paid has been refunded.");
            }
            d.para("Depending on your bank it may take a few days to show.");
            (format!("Refund for order {}", o.code), format!("{} refunded", m.money(m.amount)))
        }
        Notice::PaymentReminder => {
            d.strong(&format!("Order {} is waiting for your payment.", o.code));
            d.para(&format!("We are keeping it for you, {first}. Once {} arrives we get it ready.", m.money(m.due())));
            payment(&mut d, m);
            d.para("Already paid? Reply with the payment reference, and thank you.");
            (format!("Reminder: order {} is waiting for payment", o.code), format!("{} due", m.money(m.due())))
        }
        Notice::ReviewRequest => {
            d.strong(&format!("How was your order {}, {first}?", o.code));
            d.para("A few words about what you bought help us and other customers. Rate it from the order's page.");
            (format!("How was order {}?", o.code), "Tell us how it went".to_string())
        }
        Notice::RequestAnswered => {
            d.strong(&format!("About your request for order {}:", o.code));
            d.para(m.note);
            (format!("Your request about order {}", o.code), m.note.to_string())
        }
        // A seller's notice is built by its own function; asked for here, it goes to the shop.
        Notice::SellerNewOrder | Notice::SellerDailySummary => return seller_new_order(m, &shop.contact_email),
        Notice::SellerRequest => return seller_request(m, &shop.contact_email),
        Notice::SellerCancelled => return seller_cancelled(m, &shop.contact_email),
        Notice::SellerFlagged => return seller_flagged(m, &shop.contact_email),
    };
    follow(&mut d, m);
    finish(shop, notice, &o.customer_email, subject, d, &preheader)
}

fn desk_link(code: &str) -> String {
    format!("{BASE}/admin/orders/{code}")
}

/// The seller's notice of a new order: who, what, how it is delivered and paid.
pub fn seller_new_order(m: &OrderMail, to: &str) -> NewMessage {
    let o = m.order;
    let a = &o.address;
    let address: Vec<&str> = [&a.line1, &a.line2, &a.city, &a.region, &a.postal_code, &a.country]
        .into_iter()
        .map(String::as_str)
        .filter(|s| !s.is_empty())
        .collect();
    let mut d = Draft::new();
    d.strong(&format!("Order {} ({})", o.code, o.status));
    let email = if o.customer_email.is_empty() { String::new() } else { format!(", {}", o.customer_email) };
    d.para(&format!("Customer: {}, {}{email}", o.customer_name, o.customer_phone));
    let to_where = if address.is_empty() { String::new() } else { format!(" to {}", address.join(", ")) };
    d.para(&format!("Delivery: {}{to_where}", o.delivery_name));
    d.para(&format!("Payment: {}", o.payment_name));
    items(&mut d, m);
    if !o.note.is_empty() {
        d.para(&format!("Note: {}", o.note));
    }
    if o.status == crate::domain::orders::Status::Draft {
        d.para("The customer was shown a button to send it to your WhatsApp; when their message comes, tap \"WhatsApp received\" on the order's page.");
    }
    d.button(&format!("Open {} at the order desk", o.code), &desk_link(&o.code), &colors(m.shop));
    let subject = format!("New order {} from {}", o.code, o.customer_name);
    finish(m.shop, Notice::SellerNewOrder, to, subject, d, &m.money(o.total))
}

/// The seller's notice that the customer cancelled an order from its page: what is back on sale
/// and whether a payment needs refunding. No address, phone or email: the order has them.
pub fn seller_cancelled(m: &OrderMail, to: &str) -> NewMessage {
    let o = m.order;
    let mut d = Draft::new();
    d.strong(&format!("{} cancelled order {} from its page. Its items are back on sale.", o.customer_name, o.code));
    if o.payment_status != PaymentStatus::Unpaid {
        d.para("A payment was recorded for it: refund the customer.");
    }
    items(&mut d, m);
    d.button(&format!("Open {}", o.code), &desk_link(&o.code), &colors(m.shop));
    let subject = format!("Order {} was cancelled by the customer", o.code);
    finish(m.shop, Notice::SellerCancelled, to, subject, d, "Cancelled by the customer")
}

/// The seller's notice that a customer asked for something through the order's link.
pub fn seller_request(m: &OrderMail, to: &str) -> NewMessage {
    let o = m.order;
    let mut d = Draft::new();
    d.strong(&format!("{} asks about order {}.", o.customer_name, o.code));
    d.para(m.note);
    d.para("Approve or decline it at the order desk; the customer is told either way.");
    d.button("Answer at the order desk", &format!("{BASE}/admin/orders/requests"), &colors(m.shop));
    let subject = format!("Order {}: a request from {}", o.code, o.customer_name);
    finish(m.shop, Notice::SellerRequest, to, subject, d, m.note)
}

/// The seller's notice that an order needs a look before it is confirmed.
pub fn seller_flagged(m: &OrderMail, to: &str) -> NewMessage {
    let o = m.order;
    let mut d = Draft::new();
    d.strong(&format!("Order {} is flagged for review.", o.code));
    d.para(m.note);
    d.para(&format!("Customer: {}, {}. Total: {}.", o.customer_name, o.customer_phone, m.money(o.total)));
    d.para("Check it before you confirm it: the order desk asks you to tick that you reviewed it.");
    d.button(&format!("Review {}", o.code), &desk_link(&o.code), &colors(m.shop));
    let subject = format!("Order {} needs a look before you confirm it", o.code);
    finish(m.shop, Notice::SellerFlagged, to, subject, d, m.note)
}

/// A day's figures for the seller's summary.
pub struct DayFigures {
    /// The shop's day, as people read it ("Tuesday 1 December").
    pub day: String,
    pub orders: i64,
    pub value: i64,
    pub waiting: i64,
    pub failed: i64,
}

pub fn seller_daily_summary(shop: &ShopSettings, f: &DayFigures, to: &str) -> NewMessage {
    let money = |v: i64| money::format(v, &shop.currency, shop.currency_minor_units);
    let mut d = Draft::new();
    d.strong(&format!("{}: {} order(s), {}.", f.day, f.orders, money(f.value)));
    d.para(&format!("Waiting on you now: {} order(s).", f.waiting));
    if f.failed > 0 {
        d.para(&format!("Failed deliveries to arrange again: {}.", f.failed));
    }
    d.button("Open the order desk", &format!("{BASE}/admin/orders"), &colors(shop));
    let subject = format!("{}: {} order(s) on {}", shop.name, f.orders, f.day);
    finish(shop, Notice::SellerDailySummary, to, subject, d, &format!("{} waiting on you", f.waiting))
}

/// A notice as a WhatsApp template message: the Cloud API request, with the documented four body
/// parameters (first name, order code, what it is about, the order link, made when it is sent).
pub fn whatsapp(notice: Notice, m: &OrderMail, to: &str, template: &str, language: &str) -> NewMessage {
    let o = m.order;
    let first = o.customer_name.split_whitespace().next().unwrap_or("").to_string();
    let about = match notice {
        Notice::OrderReceived => format!("{} to pay by {}", m.money(m.due()), o.payment_name),
        Notice::PaymentReceived => format!("{} received, {} still due", m.money(m.amount), m.money(m.due())),
        Notice::OrderConfirmed => m.money(o.total),
        Notice::OrderShipped => format!("{} {}", o.courier, o.tracking_number),
        Notice::OrderDelivered => m.money(o.total),
        Notice::DeliveryFailed => {
            FailedReason::parse(&o.failed_reason).map(|r| r.label()).unwrap_or("Other").to_string()
        }
        Notice::OrderCancelled => match o.cancel_reason.as_deref() {
            Some("expired") => "not confirmed in time".to_string(),
            Some(r) => r.to_string(),
            None => String::new(),
        },
        Notice::OrderRefunded => m.money(m.amount),
        Notice::PaymentReminder => m.money(m.due()),
        Notice::RequestAnswered => m.note.to_string(),
        _ => String::new(),
    };
    let params = [first, o.code.clone(), about, ORDER_LINK.to_string()];
    let body = crate::domain::whatsapp_cloud::template_message(to, template, language, &params);
    NewMessage {
        kind: notice.as_str().into(),
        to: to.into(),
        subject: format!("WhatsApp template {template}"),
        text: body.to_string(),
        channel: crate::domain::outbox::Channel::WhatsApp,
        order_link: true,
        ..Default::default()
    }
}

/// "Lost your link?": a new link to the order, sent to the order's email (made when it is sent).
pub fn link_resent(m: &OrderMail) -> NewMessage {
    let o = m.order;
    let mut d = Draft::new();
    d.strong(&format!("Here is a new link to your order {}.", o.code));
    d.para(
        "Someone (we hope you) asked for it with the order code and your WhatsApp number. Earlier links still work.",
    );
    d.button(&format!("See order {}", o.code), ORDER_LINK, &colors(m.shop));
    d.para("Keep this link to yourself: it opens your order.");
    NewMessage {
        kind: "order_link".into(),
        to: o.customer_email.clone(),
        subject: header_text(&format!("Your link to order {} at {}", o.code, m.shop.name)),
        text: format!("{}{}", d.text, footer_text(m.shop, false)),
        html: document(m.shop, "A new link to your order", &d.html, footer_html(m.shop, false)),
        order_id: Some(o.id),
        order_link: true,
        ..Default::default()
    }
}

/// A customer's sign-in: the 6-digit code and the one-time link (the message is wiped from the
/// outbox once sent).
pub fn sign_in(shop: &ShopSettings, email: &str, code: &str, link_token: &str, minutes: i64) -> NewMessage {
    let mut d = Draft::new();
    d.strong(&format!("Your code for {}: {code}", shop.name));
    d.para(&format!("Type it on the sign-in page, or use the button below. Both work once, for {minutes} minutes."));
    d.button("Sign in", &format!("{BASE}/account/link?t={link_token}"), &colors(shop));
    d.para("If you did not ask to sign in, ignore this email: nobody can sign in without it.");
    NewMessage {
        kind: "sign_in".into(),
        to: email.into(),
        // Not in the subject: a subject is kept (and shown in the outbox) after the body is wiped.
        subject: header_text(&format!("Your sign-in code for {}", shop.name)),
        text: format!("{}{}", d.text, footer_text(shop, false)),
        html: document(shop, "Your sign-in code", &d.html, footer_html(shop, false)),
        sensitive: true,
        ..Default::default()
    }
}

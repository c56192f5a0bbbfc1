//! The seller's one-tap WhatsApp messages to a customer: the templates, their placeholders (none
//! of them personal), and filling them in.

use super::orders::Status;
use super::whatsapp;

/// A one-tap message from the order page to the customer's WhatsApp.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    /// "WhatsApp received": the seller acknowledges a draft.
    Acknowledge,
    /// A plain hello about the order.
    Contact,
    /// The amount still due, how to pay, and the order link (its page shows the payment QR).
    PaymentDetails,
    /// A fresh order link.
    OrderLink,
    /// What the order's current status means for the customer.
    Status(Status),
}

/// Placeholders a template may use. None of them is personal: the customer's name, phone, email
/// and address never travel in a wa.me link.
pub const PLACEHOLDERS: [&str; 13] = [
    "{shop}",
    "{code}",
    "{items}",
    "{total}",
    "{due}",
    "{status}",
    "{payment}",
    "{payment_instructions}",
    "{link}",
    "{courier}",
    "{tracking}",
    "{tracking_url}",
    "{reason}",
];

impl Template {
    /// Every template, in the order the settings page lists them.
    pub fn all() -> Vec<Template> {
        let mut all = vec![Template::Acknowledge, Template::Contact, Template::PaymentDetails, Template::OrderLink];
        all.extend(Status::ALL.iter().filter(|s| **s != Status::Draft).map(|s| Template::Status(*s)));
        all
    }

    /// The name stored in `message_templates`.
    pub fn name(self) -> String {
        match self {
            Template::Acknowledge => "acknowledge".into(),
            Template::Contact => "contact".into(),
            Template::PaymentDetails => "payment_details".into(),
            Template::OrderLink => "order_link".into(),
            Template::Status(s) => format!("status_{}", s.as_str()),
        }
    }

    /// The template with this name; `None` for anything else.
    pub fn parse(name: &str) -> Option<Template> {
        Template::all().into_iter().find(|t| t.name() == name)
    }

    /// What the seller reads beside it.
    pub fn title(self) -> String {
        match self {
            Template::Acknowledge => "WhatsApp received (acknowledging a draft)".into(),
            Template::Contact => "Contact the customer".into(),
            Template::PaymentDetails => "Payment details".into(),
            Template::OrderLink => "A fresh order link".into(),
            Template::Status(s) => format!("Status update: {}", s.label()),
        }
    }

    /// The built-in text, used until the seller writes their own.
    pub fn default_body(self) -> &'static str {
        use Status::*;
        match self {
            Template::Acknowledge => {
                "Hello from {shop}! We have your order {code} ({total}) and are on it.\nYour order page: {link}"
            }
            Template::Contact => "Hello from {shop}, about your order {code}.",
            Template::PaymentDetails => {
                "Order {code}: please pay {due} by {payment}.\n{payment_instructions}\nYour order page, with a QR code to pay: {link}"
            }
            Template::OrderLink => "Here is the link to your order {code} at {shop}: {link}",
            Template::Status(s) => match s {
                Draft | Pending => "We have your order {code} ({total}). We will confirm it soon: {link}",
                AwaitingPayment => {
                    "Order {code} is waiting for your payment of {due} by {payment}.\n{payment_instructions}\n{link}"
                }
                Confirmed => "Your order {code} is confirmed. Thank you! Follow it here: {link}",
                Processing => "We are preparing your order {code}. Follow it here: {link}",
                ReadyToShip => "Your order {code} is packed and ready to ship: {link}",
                Shipped => {
                    "Your order {code} is on its way with {courier}. Tracking number {tracking}: {tracking_url}\n{link}"
                }
                Delivered => "Your order {code} was delivered. Thank you for shopping with {shop}!",
                FailedDelivery => {
                    "We could not deliver your order {code} ({reason}). Reply here to arrange delivery: {link}"
                }
                Cancelled => "Your order {code} was cancelled ({reason}). Reply here if you have a question.",
                Returned => "Your return of order {code} has reached us. {link}",
            },
        }
    }
}

/// What a template's placeholders are filled with.
#[derive(Debug, Clone, Default)]
pub struct Fill {
    pub shop: String,
    pub code: String,
    pub items: String,
    pub total: String,
    pub due: String,
    pub status: String,
    pub payment: String,
    pub payment_instructions: String,
    pub link: String,
    pub courier: String,
    pub tracking: String,
    pub tracking_url: String,
    pub reason: String,
}

/// The message with its placeholders filled in one pass (a value that itself looks like a
/// placeholder stays as it is), lines left empty by a blank value dropped, and cleaned as every
/// wa.me text is.
pub fn fill(body: &str, f: &Fill) -> String {
    let values = [
        &f.shop,
        &f.code,
        &f.items,
        &f.total,
        &f.due,
        &f.status,
        &f.payment,
        &f.payment_instructions,
        &f.link,
        &f.courier,
        &f.tracking,
        &f.tracking_url,
        &f.reason,
    ];
    let mut out = String::with_capacity(body.len() + 200);
    let mut rest = body;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        match PLACEHOLDERS.iter().position(|p| tail.starts_with(p)) {
            Some(i) => {
                out.push_str(values[i]);
                rest = &tail[PLACEHOLDERS[i].len()..];
            }
            None => {
                out.push('{');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    let lines: Vec<&str> = out.lines().map(str::trim_end).filter(|l| !l.is_empty()).collect();
    whatsapp::clean_text(&lines.join("\n"))
}

/// Checks a seller's template: not empty, at most [`whatsapp::MAX_TEXT`] characters, and only
/// known placeholders (a misspelt one would reach the customer as it is).
pub fn check_template(body: &str) -> Result<String, String> {
    let body = body.replace("\r\n", "\n");
    let body = body.trim();
    if body.is_empty() {
        return Err("Write the message, or reset it to the built-in text.".into());
    }
    if body.chars().count() > whatsapp::MAX_TEXT {
        return Err(format!("A message is at most {} characters.", whatsapp::MAX_TEXT));
    }
    let mut rest = body;
    while let Some(start) = rest.find('{') {
        let tail = &rest[start..];
        if let Some(end) = tail.find('}') {
            let candidate = &tail[..=end];
            if candidate.len() <= 24
                && candidate[1..end].chars().all(|c| c.is_ascii_lowercase() || c == '_')
                && !PLACEHOLDERS.contains(&candidate)
            {
                return Err(format!("{candidate} is not a placeholder; use {}.", PLACEHOLDERS.join(" ")));
            }
        }
        rest = &tail[1..];
    }
    Ok(whatsapp::clean_text(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_known_placeholders_only_and_drop_empty_lines() {
        let f = Fill {
            code: "ORD-1001".into(),
            due: "₹1,499.00".into(),
            payment: "UPI".into(),
            link: "https://shop.example/o/ORD-1001?t=abc".into(),
            shop: "{code}".into(),
            ..Default::default()
        };
        let text = fill(Template::PaymentDetails.default_body(), &f);
        assert_eq!(
            text,
            "Order ORD-1001: please pay ₹1,499.00 by UPI.\nYour order page, with a QR code to pay: https://shop.example/o/ORD-1001?t=abc"
        );
        assert_eq!(fill("{shop} {name} {", &f), "{code} {name} {", "values are not filled again; unknown braces stay");
        for t in Template::all() {
            assert_eq!(Template::parse(&t.name()), Some(t));
            assert!(check_template(t.default_body()).is_ok(), "{}", t.name());
        }
        assert!(check_template("Hi {name}, order {code}").unwrap_err().contains("{name}"));
        assert!(check_template("  ").is_err());
        assert_eq!(check_template("Paid {code} \u{7}\r\nThanks").unwrap(), "Paid {code} \nThanks");
    }
}

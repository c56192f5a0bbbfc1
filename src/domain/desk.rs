//! The seller's order desk rules: one-tap WhatsApp messages to a customer and their templates,
//! tracking numbers and links, couriers, tags, and why a delivery failed.

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

/// Why a delivery failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedReason {
    CustomerUnavailable,
    Refused,
    WrongAddress,
    Other,
}

impl FailedReason {
    pub const ALL: [FailedReason; 4] =
        [FailedReason::CustomerUnavailable, FailedReason::Refused, FailedReason::WrongAddress, FailedReason::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            FailedReason::CustomerUnavailable => "customer_unavailable",
            FailedReason::Refused => "refused",
            FailedReason::WrongAddress => "wrong_address",
            FailedReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<FailedReason> {
        FailedReason::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            FailedReason::CustomerUnavailable => "Customer unavailable",
            FailedReason::Refused => "Refused at the door",
            FailedReason::WrongAddress => "Wrong address",
            FailedReason::Other => "Other",
        }
    }
}

/// Cleans a tracking number: spaces and dashes people type between groups removed; refused when it
/// holds a web address or anything but letters and digits, or is not 4 to 40 characters long.
pub fn tracking_number(raw: &str) -> Result<String, String> {
    let t = raw.trim();
    if t.contains("://") || t.contains("www.") {
        return Err("Enter the tracking number alone, not a link: the courier's link is made from it.".into());
    }
    let cleaned: String = t.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    if !cleaned.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err("A tracking number has only letters and digits.".into());
    }
    if !(4..=40).contains(&cleaned.len()) {
        return Err("A tracking number is 4 to 40 letters and digits.".into());
    }
    Ok(cleaned.to_ascii_uppercase())
}

/// The courier's tracking link for a number; empty when the courier has no template.
pub fn tracking_link(template: &str, number: &str) -> String {
    if template.contains("{tracking}") {
        template.replace("{tracking}", &whatsapp::encode(number))
    } else {
        String::new()
    }
}

/// Checks a courier's tracking-link template: empty, or an http(s) address with `{tracking}`.
pub fn check_tracking_template(raw: &str) -> Result<String, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(String::new());
    }
    let web = t.starts_with("https://") || t.starts_with("http://");
    if !web || !t.contains("{tracking}") || t.chars().any(|c| c.is_whitespace() || c == '"' || c == '<') {
        return Err("A link starting with https:// with {tracking} where the number goes, e.g. https://courier.example/track?awb={tracking}.".into());
    }
    Ok(t.to_string())
}

/// Most tags on one order, and characters in one tag.
pub const MAX_TAGS: usize = 10;
pub const MAX_TAG: usize = 30;

/// The tags in a comma-separated list, cleaned (spaces squeezed, no control characters), without
/// repeats (case aside), in the order given.
pub fn tags(raw: &str) -> Result<Vec<String>, String> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split(',') {
        let tag: String = part.split_whitespace().collect::<Vec<_>>().join(" ");
        let tag: String = tag.chars().filter(|c| !c.is_control()).collect();
        if tag.is_empty() || out.iter().any(|t| t.eq_ignore_ascii_case(&tag)) {
            continue;
        }
        if tag.chars().count() > MAX_TAG {
            return Err(format!("A tag is at most {MAX_TAG} characters."));
        }
        out.push(tag);
    }
    if out.len() > MAX_TAGS {
        return Err(format!("At most {MAX_TAGS} tags on one order."));
    }
    Ok(out)
}

/// Order rules the owner sets in the admin; `None` uses the config file's `[orders]` value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderRules {
    pub draft_minutes: Option<i64>,
    /// 0: pending orders never expire.
    pub pending_minutes: Option<i64>,
    pub link_days: Option<i64>,
    pub duplicate_minutes: Option<i64>,
    pub placements_per_hour: Option<i64>,
    /// Recording the full amount on an order awaiting payment confirms it.
    pub paid_confirms: bool,
}

/// The order rules in force: the owner's where set, else the config file's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub draft_minutes: i64,
    /// 0: pending orders never expire.
    pub pending_minutes: i64,
    pub link_days: i64,
    pub duplicate_minutes: i64,
    pub placements_per_hour: i64,
}

impl OrderRules {
    /// These rules over the config file's `defaults`.
    pub fn limits(&self, defaults: Limits) -> Limits {
        Limits {
            draft_minutes: self.draft_minutes.unwrap_or(defaults.draft_minutes),
            pending_minutes: self.pending_minutes.unwrap_or(defaults.pending_minutes),
            link_days: self.link_days.unwrap_or(defaults.link_days),
            duplicate_minutes: self.duplicate_minutes.unwrap_or(defaults.duplicate_minutes),
            placements_per_hour: self.placements_per_hour.unwrap_or(defaults.placements_per_hour),
        }
    }
}

/// The order rules form as typed; an empty field means "the config file's value".
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RulesInput {
    pub draft_expiry: String,
    /// "hours" or "minutes".
    pub draft_unit: String,
    pub pending_hours: String,
    pub link_days: String,
    pub duplicate_minutes: String,
    pub placements_per_hour: String,
    pub paid_confirms: Option<String>,
}

impl RulesInput {
    /// The form showing stored rules (draft expiry in hours when it is whole hours).
    pub fn from_rules(r: &OrderRules) -> RulesInput {
        let n = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
        let (draft_expiry, draft_unit) = match r.draft_minutes {
            Some(m) if m % 60 == 0 => ((m / 60).to_string(), "hours"),
            Some(m) => (m.to_string(), "minutes"),
            None => (String::new(), "hours"),
        };
        RulesInput {
            draft_expiry,
            draft_unit: draft_unit.into(),
            pending_hours: r.pending_minutes.map(|m| (m / 60).to_string()).unwrap_or_default(),
            link_days: n(r.link_days),
            duplicate_minutes: n(r.duplicate_minutes),
            placements_per_hour: n(r.placements_per_hour),
            paid_confirms: r.paid_confirms.then(|| "on".into()),
        }
    }
}

/// Checks the order rules form.
pub fn check_rules(input: &RulesInput) -> Result<OrderRules, super::FieldErrors> {
    let mut errors = super::FieldErrors::new();
    let mut number = |field: &'static str, raw: &str, min: i64, max: i64, what: &str| -> Option<i64> {
        let raw = raw.trim();
        if raw.is_empty() {
            return None;
        }
        match raw.parse::<i64>() {
            Ok(v) if (min..=max).contains(&v) => Some(v),
            _ => {
                errors.insert(field, format!("{what}: a whole number from {min} to {max}, or empty for the default."));
                None
            }
        }
    };
    let minutes = input.draft_unit == "minutes";
    let draft = if minutes {
        number("draft_expiry", &input.draft_expiry, 10, 60 * 24 * 30, "Minutes")
    } else {
        number("draft_expiry", &input.draft_expiry, 1, 24 * 30, "Hours").map(|h| h * 60)
    };
    let pending = number("pending_hours", &input.pending_hours, 0, 24 * 90, "Hours").map(|h| h * 60);
    let link_days = number("link_days", &input.link_days, 1, 3650, "Days");
    let duplicate_minutes = number("duplicate_minutes", &input.duplicate_minutes, 0, 1440, "Minutes");
    let placements_per_hour = number("placements_per_hour", &input.placements_per_hour, 0, 10_000, "Orders");
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(OrderRules {
        draft_minutes: draft,
        pending_minutes: pending,
        link_days,
        duplicate_minutes,
        placements_per_hour,
        paid_confirms: input.paid_confirms.is_some(),
    })
}

/// What a courier form sent.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CourierInput {
    pub name: String,
    pub tracking_url: String,
}

/// Checks a courier: a name of 1 to 60 characters and an optional tracking-link template.
pub fn check_courier(input: &CourierInput) -> Result<(String, String), super::FieldErrors> {
    let mut errors = super::FieldErrors::new();
    let name: String = input.name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.chars().count() > 60 || name.chars().any(char::is_control) {
        errors.insert("name", "Name the courier (at most 60 characters).".into());
    }
    let url = check_tracking_template(&input.tracking_url).unwrap_or_else(|m| {
        errors.insert("tracking_url", m);
        String::new()
    });
    if errors.is_empty() { Ok((name, url)) } else { Err(errors) }
}

/// The order desk's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    Drafts,
    #[default]
    Active,
    All,
}

impl Tab {
    pub fn parse(s: &str) -> Option<Tab> {
        match s {
            "drafts" => Some(Tab::Drafts),
            "" | "active" => Some(Tab::Active),
            "all" => Some(Tab::All),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Tab::Drafts => "drafts",
            Tab::Active => "active",
            Tab::All => "all",
        }
    }
}

/// The Active tab's groups, by what the seller must do next, in the order they are shown.
pub const ACTIVE_GROUPS: [(&str, &[Status]); 6] = [
    ("To acknowledge or confirm", &[Status::Pending]),
    ("Waiting for payment", &[Status::AwaitingPayment]),
    ("To pack", &[Status::Confirmed, Status::Processing]),
    ("To ship", &[Status::ReadyToShip]),
    ("Delivery failed: arrange again, cancel or take back", &[Status::FailedDelivery]),
    ("On the way", &[Status::Shipped]),
];

/// Whether an order is on the Active tab: not a draft and not finished.
pub fn is_active(s: Status) -> bool {
    !matches!(s, Status::Draft | Status::Cancelled | Status::Delivered | Status::Returned)
}

/// The All tab's filters, as the query string carries them; empty means any.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Filter {
    pub tab: String,
    pub status: String,
    pub payment_status: String,
    /// A payment method's code.
    pub payment: String,
    /// A delivery method's code.
    pub delivery: String,
    pub channel: String,
    pub tag: String,
    /// Placed on or after this date (`YYYY-MM-DD`, the shop's time zone).
    pub from: String,
    /// Placed on or before this date.
    pub to: String,
    /// An order code, or a customer's name, phone or email.
    pub q: String,
    pub page: u32,
}

impl Filter {
    /// The query string for these filters on another page (empty values left out).
    pub fn query(&self, page: u32) -> String {
        let mut f = self.clone();
        f.page = page;
        let pairs: Vec<(&str, String)> = [
            ("tab", f.tab),
            ("status", f.status),
            ("payment_status", f.payment_status),
            ("payment", f.payment),
            ("delivery", f.delivery),
            ("channel", f.channel),
            ("tag", f.tag),
            ("from", f.from),
            ("to", f.to),
            ("q", f.q),
            ("page", if page > 1 { page.to_string() } else { String::new() }),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect();
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// Orders shown on one page of a list.
pub const PAGE_SIZE: usize = 50;

/// One order in a list.
#[derive(Debug, Clone)]
pub struct ListRow {
    pub id: i64,
    pub code: String,
    pub status: Status,
    pub payment_status: super::orders::PaymentStatus,
    pub channel: String,
    pub customer_name: String,
    pub customer_phone: String,
    pub currency: String,
    pub total: i64,
    pub paid: i64,
    pub payment_name: String,
    pub delivery_name: String,
    pub units: i64,
    pub created_at: String,
}

/// What a timeline event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Status,
    Payment,
    Edit,
    Note,
    Message,
    Link,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Status => "status",
            EventKind::Payment => "payment",
            EventKind::Edit => "edit",
            EventKind::Note => "note",
            EventKind::Message => "message",
            EventKind::Link => "link",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        [EventKind::Status, EventKind::Payment, EventKind::Edit, EventKind::Note, EventKind::Message, EventKind::Link]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One event of an order's timeline as the seller sees it.
#[derive(Debug, Clone)]
pub struct TimelineEvent {
    pub kind: EventKind,
    /// The status after the event.
    pub status: String,
    pub from_status: Option<String>,
    /// Shown to the customer too, for status events.
    pub note: String,
    /// For the seller only.
    pub detail: String,
    pub actor: String,
    pub at: String,
}

/// A payment or refund as recorded.
#[derive(Debug, Clone)]
pub struct Payment {
    pub id: i64,
    pub kind: super::payments::Kind,
    pub amount: i64,
    pub method: String,
    pub reference: String,
    pub recorded_by: String,
    pub at: String,
}

/// A variant found for a manual order.
#[derive(Debug, Clone)]
pub struct VariantHit {
    pub sku: String,
    pub title: String,
    /// "M / Blue".
    pub options: String,
    pub price: i64,
    /// Units that can be sold now; `None` when stock is not tracked.
    pub available: Option<i64>,
}

/// What the manual order form holds between its steps (every step posts the whole form back).
#[derive(Debug, Clone, Default)]
pub struct ManualInput {
    /// (SKU, quantity as typed), in the order added.
    pub lines: Vec<(String, String)>,
    pub q: String,
    pub customer: super::checkout::CheckoutInput,
    pub channel: String,
    /// Confirm at once (takes the stock now) instead of starting pending.
    pub confirm: bool,
    /// The button pressed: "search", "add:SKU", "remove:SKU", "lookup" or "place".
    pub op: String,
}

impl ManualInput {
    /// Reads the posted form's pairs: `qty:SKU` fields are the lines.
    pub fn from_pairs(pairs: &[(String, String)]) -> ManualInput {
        let mut m = ManualInput::default();
        let c = &mut m.customer;
        for (k, v) in pairs {
            match k.as_str() {
                "q" => m.q = v.clone(),
                "channel" => m.channel = v.clone(),
                "confirm" => m.confirm = v == "1",
                "op" => m.op = v.clone(),
                "name" => c.name = v.clone(),
                "phone" => c.phone = v.clone(),
                "email" => c.email = v.clone(),
                "delivery" => c.delivery = v.clone(),
                "line1" => c.line1 = v.clone(),
                "line2" => c.line2 = v.clone(),
                "city" => c.city = v.clone(),
                "region" => c.region = v.clone(),
                "postal_code" => c.postal_code = v.clone(),
                "country" => c.country = v.clone(),
                "payment" => c.payment = v.clone(),
                "note" => c.note = v.clone(),
                other => {
                    if let Some(sku) = other.strip_prefix("qty:")
                        && !sku.is_empty()
                        && !m.lines.iter().any(|(s, _)| s == sku)
                        && m.lines.len() < super::orders::MAX_LINES
                    {
                        m.lines.push((sku.to_string(), v.clone()));
                    }
                }
            }
        }
        m
    }

    /// The lines as (SKU, quantity); a quantity that is not a whole number from 1 is an error.
    pub fn quantities(&self) -> Result<Vec<(String, i64)>, String> {
        let max = super::orders::MAX_QUANTITY;
        self.lines
            .iter()
            .map(|(sku, q)| match q.trim().parse::<i64>() {
                Ok(n) if (1..=max).contains(&n) => Ok((sku.clone(), n)),
                _ => Err(format!("The quantity of {sku} must be a whole number from 1 to {max}.")),
            })
            .collect()
    }
}

/// The channels a seller takes orders through by hand (the web places its own).
pub fn manual_channels() -> impl Iterator<Item = &'static str> {
    super::orders::CHANNELS.into_iter().filter(|c| *c != "web")
}

/// A courier the shop ships with.
#[derive(Debug, Clone)]
pub struct Courier {
    pub id: i64,
    pub name: String,
    pub tracking_url: String,
    pub active: bool,
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

    #[test]
    fn tracking_numbers_are_cleaned_or_refused() {
        assert_eq!(tracking_number(" ab 1234-5678 in ").unwrap(), "AB12345678IN");
        assert!(tracking_number("https://track.example/AB123").is_err());
        assert!(tracking_number("<b>1234</b>").is_err());
        assert!(tracking_number("12").is_err());
        assert_eq!(tracking_link("https://t.example/?awb={tracking}", "AB12"), "https://t.example/?awb=AB12");
        assert_eq!(tracking_link("", "AB12"), "");
        assert!(check_tracking_template("https://t.example/?awb={tracking}").is_ok());
        assert!(check_tracking_template("javascript:{tracking}").is_err());
        assert!(check_tracking_template("https://t.example/").is_err());
        assert_eq!(check_tracking_template("").unwrap(), "");
    }

    #[test]
    fn order_rules_take_hours_or_minutes_and_empty_means_the_default() {
        let input = RulesInput {
            draft_expiry: "6".into(),
            draft_unit: "hours".into(),
            pending_hours: "72".into(),
            ..Default::default()
        };
        let r = check_rules(&input).unwrap();
        assert_eq!((r.draft_minutes, r.pending_minutes, r.link_days), (Some(360), Some(4320), None));
        let r2 =
            check_rules(&RulesInput { draft_expiry: "90".into(), draft_unit: "minutes".into(), ..Default::default() })
                .unwrap();
        assert_eq!(r2.draft_minutes, Some(90));
        assert_eq!(RulesInput::from_rules(&r).draft_expiry, "6");
        assert_eq!(RulesInput::from_rules(&r2).draft_unit, "minutes");
        let e = check_rules(&RulesInput { draft_expiry: "0".into(), link_days: "x".into(), ..Default::default() })
            .unwrap_err();
        assert!(e.contains_key("draft_expiry") && e.contains_key("link_days"));
        assert!(
            check_courier(&CourierInput {
                name: " Blue  Dart ".into(),
                tracking_url: "https://bd.example/{tracking}".into()
            })
            .is_ok()
        );
        assert!(
            check_courier(&CourierInput { name: "".into(), tracking_url: "ftp://x".into() }).unwrap_err().len() == 2
        );
    }

    #[test]
    fn tags_are_cleaned_and_bounded() {
        assert_eq!(tags(" gift ,Wholesale,  gift, big   order ,").unwrap(), vec!["gift", "Wholesale", "big order"]);
        assert!(tags(&"x".repeat(31)).is_err());
        assert!(tags(&(0..11).map(|i| i.to_string()).collect::<Vec<_>>().join(",")).is_err());
        assert_eq!(FailedReason::parse("refused"), Some(FailedReason::Refused));
    }
}

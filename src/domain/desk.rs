//! The seller's order desk rules: tracking numbers and links, couriers, tags, why a delivery
//! failed, the owner's order rules, and what a timeline event and a payment row are. Messages are
//! in `messages`, lists in `order_lists`.

use super::whatsapp;

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

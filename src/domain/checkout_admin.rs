//! The seller's checkout forms: how orders are taken, delivery and payment methods, discount codes.

use chrono::{NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;

use super::FieldErrors;
use super::checkout::{
    CATCH_ALL, CheckoutSettings, DeliveryKind, DeliveryMethod, Discount, PaymentKind, PaymentMethod, Zone, clean,
};
use super::money;

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    pub order_prefix: String,
    pub flow: String,
    pub require_email: Option<String>,
    pub whatsapp_template: String,
}

impl From<&CheckoutSettings> for SettingsForm {
    fn from(s: &CheckoutSettings) -> Self {
        SettingsForm {
            order_prefix: s.order_prefix.clone(),
            flow: if s.whatsapp_flow { "whatsapp" } else { "direct" }.into(),
            require_email: s.require_email.then(|| "1".into()),
            whatsapp_template: s.whatsapp_template.clone(),
        }
    }
}

pub fn validate_settings(f: &SettingsForm) -> Result<CheckoutSettings, FieldErrors> {
    let mut e = FieldErrors::new();
    let prefix = f.order_prefix.trim().to_string();
    if prefix.chars().count() > 10 || !prefix.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        e.insert("order_prefix", "At most 10 letters, digits or -, like ORD-: the code goes into links.".into());
    }
    let flow = match f.flow.as_str() {
        "whatsapp" => true,
        "direct" => false,
        _ => {
            e.insert("flow", "Choose how orders start.".into());
            true
        }
    };
    let template = clean(&f.whatsapp_template, true);
    if template.chars().count() > 600 {
        e.insert("whatsapp_template", "At most 600 characters.".into());
    }
    if !template.is_empty() && !template.contains("{code}") {
        e.insert("whatsapp_template", "Keep {code} in the message, so you can find the order.".into());
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok(CheckoutSettings {
        order_prefix: prefix,
        whatsapp_flow: flow,
        require_email: f.require_email.is_some(),
        whatsapp_template: template,
    })
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeliveryForm {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub fee: String,
    pub free_over: String,
    pub details: String,
    /// One zone a line: `Name: area, area = fee`.
    pub zones: String,
    pub active: Option<String>,
}

impl DeliveryForm {
    pub fn from_method(m: &DeliveryMethod, active: bool, minor: u8) -> Self {
        DeliveryForm {
            code: m.code.clone(),
            name: m.name.clone(),
            kind: m.kind.as_str().into(),
            fee: money::decimal(m.fee, minor),
            free_over: m.free_over.map(|f| money::decimal(f, minor)).unwrap_or_default(),
            details: m.details.clone(),
            zones: m
                .zones
                .iter()
                .map(|z| format!("{}: {} = {}", z.name, z.areas.join(", "), money::decimal(z.fee, minor)))
                .collect::<Vec<_>>()
                .join("\n"),
            active: active.then(|| "1".into()),
        }
    }
}

fn code_ok(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 30
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

fn amount(e: &mut FieldErrors, key: &'static str, raw: &str, minor: u8, optional: bool) -> Option<i64> {
    match raw.trim() {
        "" if optional => None,
        "" => Some(0),
        s => money::parse(s, minor).or_else(|| {
            e.insert(key, "Enter an amount like 49 or 49.50.".into());
            None
        }),
    }
}

/// Why a zone line can never be chosen for any address, when one cannot: a `*` that is not an
/// area of its own, a line after the catch-all, or a line whose every area an earlier one has.
fn never_matched(zones: &[Zone]) -> Option<String> {
    let mut catch_all: Option<usize> = None;
    for (i, z) in zones.iter().enumerate() {
        let line = i + 1;
        if let Some(star) = z.areas.iter().find(|a| a.contains(CATCH_ALL) && a.as_str() != CATCH_ALL) {
            return Some(format!(
                "Line {line} can never match: {star} is not a place, and * works only as the whole area list, like Everywhere else: * = 99."
            ));
        }
        if let Some(first) = catch_all {
            return Some(format!(
                "Line {line} can never match: line {first} (*) already takes every address the lines above it do not; put the * line last."
            ));
        }
        if z.is_catch_all() {
            if z.areas.len() > 1 {
                return Some(format!(
                    "Line {line}: * already takes every address no other line takes; write it alone, like {}: * = …, and put the places on a line of their own.",
                    z.name
                ));
            }
            catch_all = Some(line);
            continue;
        }
        let earlier = |a: &String| zones[..i].iter().find(|o| o.areas.iter().any(|b| b.eq_ignore_ascii_case(a)));
        if let Some(other) = z.areas.iter().map(earlier).collect::<Option<Vec<_>>>().and_then(|o| o.first().copied()) {
            return Some(format!(
                "Line {line} can never match: each of its places is already in an earlier line ({}), which is chosen first.",
                other.name
            ));
        }
    }
    None
}

/// A checked delivery method and whether it is offered.
pub fn validate_delivery(f: &DeliveryForm, minor: u8) -> Result<(DeliveryMethod, bool), FieldErrors> {
    let mut e = FieldErrors::new();
    let code = f.code.trim().to_lowercase();
    if !code_ok(&code) {
        e.insert("code", "Lower-case letters, digits, - or _, like standard.".into());
    }
    let name = clean(&f.name, false);
    if name.is_empty() || name.chars().count() > 80 {
        e.insert("name", "Name it (at most 80 characters), like Courier.".into());
    }
    let kind = DeliveryKind::parse(&f.kind).unwrap_or_else(|| {
        e.insert("kind", "Choose pickup, one fee, or fees by zone.".into());
        DeliveryKind::Flat
    });
    let fee = amount(&mut e, "fee", &f.fee, minor, false).unwrap_or(0);
    let free_over = amount(&mut e, "free_over", &f.free_over, minor, true);
    let details = clean(&f.details, true);
    if details.chars().count() > 300 {
        e.insert("details", "At most 300 characters.".into());
    }
    let mut zones = Vec::new();
    for (n, line) in f.zones.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let parsed = line.rsplit_once('=').and_then(|(left, fee)| {
            let (zname, areas) = left.split_once(':')?;
            let fee = money::parse(fee.trim(), minor)?;
            let areas: Vec<String> = areas.split(',').map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
            (!zname.trim().is_empty() && !areas.is_empty()).then(|| Zone { name: zname.trim().into(), areas, fee })
        });
        match parsed {
            Some(z) => zones.push(z),
            None => {
                e.insert("zones", format!("Line {}: write it as Name: area, area = fee.", n + 1));
            }
        }
    }
    if let Some(why) = never_matched(&zones) {
        e.entry("zones").or_insert(why);
    }
    if kind == DeliveryKind::Zones && zones.is_empty() && !e.contains_key("zones") {
        e.insert("zones", "Add at least one zone, like Mumbai: Mumbai, Thane, 400 = 49.".into());
    }
    if !e.is_empty() {
        return Err(e);
    }
    let method = DeliveryMethod { id: 0, code, name, kind, fee, free_over, details, zones };
    Ok((method, f.active.is_some()))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PaymentForm {
    pub code: String,
    pub kind: String,
    pub name: String,
    pub instructions: String,
    pub account: String,
    pub network: String,
    pub explorer_url: String,
    pub active: Option<String>,
}

impl PaymentForm {
    pub fn from_method(m: &PaymentMethod, active: bool) -> Self {
        PaymentForm {
            code: m.code.clone(),
            kind: m.kind.as_str().into(),
            name: m.name.clone(),
            instructions: m.instructions.clone(),
            account: m.account.clone(),
            network: m.network.clone(),
            explorer_url: m.explorer_url.clone(),
            active: active.then(|| "1".into()),
        }
    }
}

/// A checked payment method and whether it is offered.
pub fn validate_payment(f: &PaymentForm) -> Result<(PaymentMethod, bool), FieldErrors> {
    let mut e = FieldErrors::new();
    let code = f.code.trim().to_lowercase();
    if !code_ok(&code) {
        e.insert("code", "Lower-case letters, digits, - or _, like upi.".into());
    }
    let kind = PaymentKind::parse(&f.kind).unwrap_or_else(|| {
        e.insert("kind", "Choose the kind of payment.".into());
        PaymentKind::Other
    });
    let name = clean(&f.name, false);
    if name.is_empty() || name.chars().count() > 80 {
        e.insert("name", "Name it (at most 80 characters), like UPI.".into());
    }
    let instructions = clean(&f.instructions, true);
    if instructions.chars().count() > 1000 {
        e.insert("instructions", "At most 1000 characters.".into());
    }
    let account = f.account.trim().to_string();
    let network = f.network.trim().to_lowercase();
    let plain = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric() || "@.-_".contains(c));
    match kind {
        PaymentKind::Upi if account.is_empty() || !account.contains('@') || !plain(&account) => {
            e.insert("account", "Enter your UPI ID, like shop@okbank.".into());
        }
        PaymentKind::Crypto if account.is_empty() || !plain(&account) => {
            e.insert("account", "Enter the wallet address.".into());
        }
        PaymentKind::Crypto if network.is_empty() || !network.chars().all(|c| c.is_ascii_lowercase()) => {
            e.insert("network", "Enter the coin's URI scheme, like bitcoin or litecoin.".into());
        }
        _ => {}
    }
    let explorer_url = f.explorer_url.trim().to_string();
    let web = explorer_url.starts_with("https://") || explorer_url.starts_with("http://");
    if !explorer_url.is_empty()
        && (!web || !explorer_url.contains("{hash}") || explorer_url.contains(char::is_whitespace))
    {
        e.insert("explorer_url", "A link starting with https:// with {hash} where the transaction goes, like https://mempool.space/tx/{hash}.".into());
    }
    if !e.is_empty() {
        return Err(e);
    }
    Ok((PaymentMethod { id: 0, code, kind, name, instructions, account, network, explorer_url }, f.active.is_some()))
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DiscountForm {
    pub code: String,
    pub kind: String,
    pub value: String,
    pub min_subtotal: String,
    pub starts_at: String,
    pub ends_at: String,
    pub max_uses: String,
    pub max_uses_per_customer: String,
}

pub fn validate_discount(f: &DiscountForm, minor: u8) -> Result<Discount, FieldErrors> {
    let mut e = FieldErrors::new();
    let code = f.code.trim().to_uppercase();
    if code.is_empty() || code.len() > 40 || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        e.insert("code", "Letters and digits, at most 40, like DIWALI10.".into());
    }
    let percent = f.kind != "fixed";
    let value = if percent {
        match f.value.trim().parse::<i64>() {
            Ok(n) if (1..=100).contains(&n) => n,
            _ => {
                e.insert("value", "A whole percent from 1 to 100.".into());
                0
            }
        }
    } else {
        amount(&mut e, "value", &f.value, minor, false).filter(|v| *v > 0).unwrap_or_else(|| {
            e.entry("value").or_insert_with(|| "Enter the amount off, like 100.".into());
            0
        })
    };
    let min_subtotal = amount(&mut e, "min_subtotal", &f.min_subtotal, minor, false).unwrap_or(0);
    let when = |e: &mut FieldErrors, key: &'static str, raw: &str| match raw.trim() {
        "" => None,
        s => NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").ok().map(|t| Utc.from_utc_datetime(&t)).or_else(|| {
            e.insert(key, "Pick a date and time.".into());
            None
        }),
    };
    let starts_at = when(&mut e, "starts_at", &f.starts_at);
    let ends_at = when(&mut e, "ends_at", &f.ends_at);
    if let (Some(s), Some(t)) = (starts_at, ends_at)
        && t <= s
    {
        e.insert("ends_at", "The end must come after the start.".into());
    }
    let count = |e: &mut FieldErrors, key: &'static str, raw: &str| match raw.trim() {
        "" => None,
        s => s.parse::<i64>().ok().filter(|n| *n > 0).or_else(|| {
            e.insert(key, "A whole number from 1, or empty for no limit.".into());
            None
        }),
    };
    let max_uses = count(&mut e, "max_uses", &f.max_uses);
    let max_uses_per_customer = count(&mut e, "max_uses_per_customer", &f.max_uses_per_customer);
    if !e.is_empty() {
        return Err(e);
    }
    Ok(Discount {
        id: 0,
        code,
        percent,
        value,
        min_subtotal,
        starts_at,
        ends_at,
        max_uses,
        max_uses_per_customer,
        active: true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zones_are_read_line_by_line() {
        let f = DeliveryForm {
            code: "standard".into(),
            name: "Courier".into(),
            kind: "zones".into(),
            zones: "Same city: Jaipur, 302 = 49\nRest: 1, 2, 3 = 99.50\n".into(),
            ..Default::default()
        };
        let (m, active) = validate_delivery(&f, 2).unwrap();
        assert!(!active);
        assert_eq!(
            m.zones[0],
            Zone { name: "Same city".into(), areas: vec!["Jaipur".into(), "302".into()], fee: 4900 }
        );
        assert_eq!(m.zones[1].fee, 9950);
        let round = DeliveryForm::from_method(&m, true, 2);
        assert_eq!(validate_delivery(&round, 2).unwrap().0, m, "the form shows what it reads");
        let bad = DeliveryForm { zones: "Jaipur 49".into(), ..f };
        assert!(validate_delivery(&bad, 2).unwrap_err()["zones"].starts_with("Line 1"));
    }

    /// Issue 11 (regression): `*` alone is the catch-all; a line that no address could ever reach
    /// is refused, saying why.
    #[test]
    fn a_catch_all_is_accepted_and_lines_that_cannot_match_are_refused() {
        let form = |zones: &str| DeliveryForm {
            code: "standard".into(),
            name: "Courier".into(),
            kind: "zones".into(),
            zones: zones.into(),
            ..Default::default()
        };
        let (m, _) = validate_delivery(&form("Same city: Jaipur = 49\nRest of India: * = 99"), 2).unwrap();
        assert!(m.zones[1].is_catch_all() && !m.zones[0].is_catch_all());
        assert_eq!(validate_delivery(&DeliveryForm::from_method(&m, true, 2), 2).unwrap().0, m);
        assert!(validate_delivery(&form("Everywhere: * = 99"), 2).is_ok(), "one fee for everywhere");
        for (zones, why) in [
            ("Rest: * = 99\nJaipur: Jaipur = 49", "Line 2 can never match: line 1 (*)"),
            ("Jaipur: Jaipur = 49\nRest: * = 99\nMore: * = 199", "Line 3 can never match: line 2 (*)"),
            ("North: 11* = 99", "Line 1 can never match: 11* is not a place"),
            ("Rest: Jaipur, * = 99", "Line 1: * already takes every address"),
            (
                "City: Jaipur, 302 = 49\nAgain: jaipur = 59",
                "Line 2 can never match: each of its places is already in an earlier line (City)",
            ),
        ] {
            let e = validate_delivery(&form(zones), 2).unwrap_err();
            assert!(e["zones"].starts_with(why), "{zones}: {}", e["zones"]);
        }
        let (m, _) = validate_delivery(&form("City: Jaipur, 302 = 49\nState: Jaipur, Rajasthan = 79"), 2).unwrap();
        assert_eq!(m.zones.len(), 2, "a line with one place of its own can still match");
    }

    #[test]
    fn payment_methods_need_what_their_kind_needs() {
        let upi = PaymentForm {
            code: "upi".into(),
            kind: "upi".into(),
            name: "UPI".into(),
            account: "nope".into(),
            ..Default::default()
        };
        assert!(validate_payment(&upi).unwrap_err().contains_key("account"));
        let ok = PaymentForm { account: "shop@okbank".into(), ..upi };
        assert_eq!(validate_payment(&ok).unwrap().0.account, "shop@okbank");
        let btc = PaymentForm {
            code: "btc".into(),
            kind: "crypto".into(),
            name: "Bitcoin".into(),
            account: "bc1q".into(),
            ..Default::default()
        };
        assert!(validate_payment(&btc).unwrap_err().contains_key("network"));
    }

    #[test]
    fn discount_codes_are_checked() {
        let f =
            DiscountForm { code: "diwali10".into(), kind: "percent".into(), value: "10".into(), ..Default::default() };
        let d = validate_discount(&f, 2).unwrap();
        assert_eq!((d.code.as_str(), d.percent, d.value), ("DIWALI10", true, 10));
        let bad = DiscountForm {
            value: "150".into(),
            starts_at: "2026-12-01T00:00".into(),
            ends_at: "2026-11-01T00:00".into(),
            max_uses: "0".into(),
            ..f
        };
        let e = validate_discount(&bad, 2).unwrap_err();
        assert!(e.contains_key("value") && e.contains_key("ends_at") && e.contains_key("max_uses"));
        let fixed =
            DiscountForm { code: "FLAT100".into(), kind: "fixed".into(), value: "100".into(), ..Default::default() };
        assert_eq!(validate_discount(&fixed, 2).unwrap().value, 10000);
    }

    #[test]
    fn a_template_keeps_the_code() {
        let f = SettingsForm {
            order_prefix: "ORD-".into(),
            flow: "direct".into(),
            whatsapp_template: "Hi".into(),
            ..Default::default()
        };
        assert!(validate_settings(&f).unwrap_err().contains_key("whatsapp_template"));
        let ok = SettingsForm { whatsapp_template: "Order {code}".into(), require_email: Some("1".into()), ..f };
        let s = validate_settings(&ok).unwrap();
        assert!(!s.whatsapp_flow && s.require_email);
        // The code goes into /o/{code}: nothing that would end or bend a URL path.
        for prefix in ["#", "A/B", "A?", "ORD 1", "ABCDEFGHIJK"] {
            let f = SettingsForm { order_prefix: prefix.into(), ..ok.clone() };
            assert!(validate_settings(&f).unwrap_err().contains_key("order_prefix"), "{prefix}");
        }
    }
}

//! Checkout rules: the customer's details, delivery fees by method and zone, discount codes, and
//! the WhatsApp message that hands an order to the shop.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::shop::{ShopSettings, normalize_phone};
use super::{FieldErrors, valid_email};

/// How the shop takes orders.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckoutSettings {
    pub order_prefix: String,
    /// Orders start as `draft` (the WhatsApp flow) or `pending` (the direct flow).
    pub whatsapp_flow: bool,
    pub require_email: bool,
    pub whatsapp_template: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryKind {
    Pickup,
    Flat,
    Zones,
}

impl DeliveryKind {
    pub fn parse(s: &str) -> Option<DeliveryKind> {
        match s {
            "pickup" => Some(DeliveryKind::Pickup),
            "flat" => Some(DeliveryKind::Flat),
            "zones" => Some(DeliveryKind::Zones),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryKind::Pickup => "pickup",
            DeliveryKind::Flat => "flat",
            DeliveryKind::Zones => "zones",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Zone {
    pub name: String,
    /// Cities, regions or postal-code prefixes, compared without case; `*` alone for everywhere
    /// else (see [`Zone::is_catch_all`]).
    pub areas: Vec<String>,
    pub fee: i64,
}

/// The areas of a zone that takes every address no other zone takes.
pub const CATCH_ALL: &str = "*";

impl Zone {
    /// Whether this is the "everywhere else" zone: chosen only when no other zone takes the address.
    pub fn is_catch_all(&self) -> bool {
        self.areas.iter().any(|a| a.trim() == CATCH_ALL)
    }

    /// Whether one of its areas names this city or region, or starts this postal code (all lower case,
    /// the code without spaces).
    fn takes(&self, city: &str, region: &str, postal: &str) -> bool {
        self.areas.iter().any(|a| {
            let a = a.trim().to_lowercase();
            !a.is_empty()
                && (a == city
                    || a == region
                    || (a.chars().all(|c| c.is_ascii_alphanumeric()) && postal.starts_with(&a)))
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryMethod {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: DeliveryKind,
    pub fee: i64,
    pub free_over: Option<i64>,
    pub details: String,
    pub zones: Vec<Zone>,
}

impl DeliveryMethod {
    pub fn needs_address(&self) -> bool {
        self.kind != DeliveryKind::Pickup
    }

    /// The fee for this address and subtotal (after discount); the error says why the method cannot deliver there.
    pub fn fee_for(&self, address: &Address, subtotal: i64) -> Result<i64, String> {
        let base = match self.kind {
            DeliveryKind::Pickup => return Ok(0),
            DeliveryKind::Flat => self.fee,
            DeliveryKind::Zones => {
                let city = address.city.trim().to_lowercase();
                let region = address.region.trim().to_lowercase();
                let postal = address.postal_code.replace(' ', "").to_lowercase();
                // The catch-all is the seller's last line (the form sees to it); looked at last
                // anyway, so one saved elsewhere before it was a catch-all takes nothing from the others.
                let zone = self
                    .zones
                    .iter()
                    .find(|z| !z.is_catch_all() && z.takes(&city, &region, &postal))
                    .or_else(|| self.zones.iter().find(|z| z.is_catch_all()));
                match zone {
                    Some(z) => z.fee,
                    None => return Err(format!("{} does not reach this address; choose another way.", self.name)),
                }
            }
        };
        Ok(match self.free_over {
            Some(threshold) if subtotal >= threshold => 0,
            _ => base,
        })
    }

    /// The smallest fee this method can cost, for showing before an address is known.
    pub fn from_fee(&self) -> i64 {
        match self.kind {
            DeliveryKind::Pickup => 0,
            DeliveryKind::Flat => self.fee,
            DeliveryKind::Zones => self.zones.iter().map(|z| z.fee).min().unwrap_or(0),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentKind {
    Cod,
    Bank,
    Upi,
    Crypto,
    Other,
}

impl PaymentKind {
    pub fn parse(s: &str) -> Option<PaymentKind> {
        match s {
            "cod" => Some(PaymentKind::Cod),
            "bank" => Some(PaymentKind::Bank),
            "upi" => Some(PaymentKind::Upi),
            "crypto" => Some(PaymentKind::Crypto),
            "other" => Some(PaymentKind::Other),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentKind::Cod => "cod",
            PaymentKind::Bank => "bank",
            PaymentKind::Upi => "upi",
            PaymentKind::Crypto => "crypto",
            PaymentKind::Other => "other",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct PaymentMethod {
    pub id: i64,
    pub code: String,
    pub kind: PaymentKind,
    pub name: String,
    pub instructions: String,
    /// UPI ID or wallet address.
    pub account: String,
    /// Crypto URI scheme.
    pub network: String,
    /// Crypto: a block explorer link with `{hash}` for the transaction hash (the desk links payments to it).
    pub explorer_url: String,
}

/// The payment link a QR code carries: `upi://pay?…` for the exact amount with the order code as
/// note, or a crypto URI with the order code as memo; `None` for other kinds.
pub fn payment_uri(
    kind: PaymentKind,
    account: &str,
    network: &str,
    payee: &str,
    amount_decimal: &str,
    currency: &str,
    code: &str,
) -> Option<String> {
    let enc = super::whatsapp::encode;
    match kind {
        PaymentKind::Upi if !account.is_empty() => Some(format!(
            "upi://pay?pa={}&pn={}&am={amount_decimal}&cu={}&tn={}",
            enc(account),
            enc(payee),
            enc(currency),
            enc(code)
        )),
        PaymentKind::Crypto if !account.is_empty() && !network.is_empty() => {
            Some(format!("{}:{}?message={}", network.to_lowercase(), enc(account), enc(code)))
        }
        _ => None,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize, serde::Serialize)]
#[serde(default)]
pub struct Address {
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

/// The checkout form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CheckoutInput {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub delivery: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub payment: String,
    pub discount_code: String,
    pub note: String,
    /// The form's one-time key: a retry of the same form gets the same order.
    pub key: String,
    /// A field people never see; bots fill it.
    pub website: String,
    /// Sent by the discount code's "Apply" button (issue 11): show the totals, place nothing.
    pub apply: String,
}

impl CheckoutInput {
    /// The delivery address as typed, cleaned (not yet checked).
    pub fn address(&self) -> Address {
        Address {
            line1: clean(&self.line1, false),
            line2: clean(&self.line2, false),
            city: clean(&self.city, false),
            region: clean(&self.region, false),
            postal_code: clean(&self.postal_code, false),
            country: clean(&self.country, false).to_uppercase(),
        }
    }

    /// The discount code as typed, cleaned and in capitals; `None` when empty.
    pub fn discount_code(&self) -> Option<String> {
        Some(clean(&self.discount_code, false).to_uppercase()).filter(|c| !c.is_empty())
    }
}

/// The customer's details, checked and normalised.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Customer {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub delivery_code: String,
    pub address: Address,
    pub payment_code: String,
    pub discount_code: Option<String>,
    pub note: String,
}

/// Text a person typed: control characters (but line breaks, where allowed) removed, trimmed.
pub fn clean(s: &str, multiline: bool) -> String {
    s.chars().filter(|c| !c.is_control() || (multiline && *c == '\n')).collect::<String>().trim().to_string()
}

fn limited(errors: &mut FieldErrors, key: &'static str, value: &str, max: usize, label: &str) {
    if value.chars().count() > max {
        errors.insert(key, format!("{label} is too long: at most {max} characters."));
    }
}

/// Checks the customer's part of the checkout against the shop's methods; every problem is named by field.
pub fn validate_customer(
    input: &CheckoutInput,
    shop: &ShopSettings,
    settings: &CheckoutSettings,
    deliveries: &[DeliveryMethod],
    payments: &[PaymentMethod],
) -> Result<Customer, FieldErrors> {
    let mut e = FieldErrors::new();
    let name = clean(&input.name, false);
    if name.is_empty() {
        e.insert("name", "Enter your name.".into());
    }
    limited(&mut e, "name", &name, 100, "The name");
    let phone = match normalize_phone(&input.phone, &shop.country_calling_code) {
        Ok(p) => p,
        Err(msg) => {
            e.insert("phone", format!("{msg} It should be your WhatsApp number."));
            String::new()
        }
    };
    let email = clean(&input.email, false);
    if email.is_empty() && settings.require_email {
        e.insert("email", "Enter your email address: the shop sends your order details there.".into());
    } else if !email.is_empty() && !valid_email(&email) {
        e.insert("email", "Enter an email address like asha@example.com.".into());
    }
    let delivery = deliveries.iter().find(|d| d.code == input.delivery.trim());
    if delivery.is_none() {
        e.insert("delivery", "Choose how you would like to get your order.".into());
    }
    let mut address = input.address();
    for (key, value, max, label) in [
        ("line1", &address.line1, 200, "The address"),
        ("line2", &address.line2, 200, "The second address line"),
        ("city", &address.city, 100, "The city"),
        ("region", &address.region, 100, "The state or region"),
        ("postal_code", &address.postal_code, 20, "The postal code"),
    ] {
        limited(&mut e, key, value, max, label);
    }
    if !address.country.is_empty()
        && (address.country.len() != 2 || !address.country.chars().all(|c| c.is_ascii_uppercase()))
    {
        e.insert("country", "Use the two-letter country code, like IN.".into());
    }
    match delivery {
        Some(d) if d.needs_address() => {
            if address.line1.is_empty() {
                e.insert("line1", "Enter the street address for delivery.".into());
            }
            if address.city.is_empty() {
                e.insert("city", "Enter the city.".into());
            }
        }
        // Pickup: an address would only be kept for nothing.
        Some(_) => address = Address::default(),
        None => {}
    }
    let payment = payments.iter().find(|p| p.code == input.payment.trim());
    if payment.is_none() {
        e.insert("payment", "Choose how you will pay.".into());
    }
    let discount_code = input.discount_code().unwrap_or_default();
    limited(&mut e, "discount_code", &discount_code, 40, "The code");
    let note = clean(&input.note, true);
    limited(&mut e, "note", &note, 1000, "The note");
    if !e.is_empty() {
        return Err(e);
    }
    Ok(Customer {
        name,
        phone,
        email,
        delivery_code: delivery.map(|d| d.code.clone()).unwrap_or_default(),
        address,
        payment_code: payment.map(|p| p.code.clone()).unwrap_or_default(),
        discount_code: (!discount_code.is_empty()).then_some(discount_code),
        note,
    })
}

/// A discount code as the seller set it up.
#[derive(Debug, Clone, PartialEq)]
pub struct Discount {
    pub id: i64,
    pub code: String,
    pub percent: bool,
    pub value: i64,
    pub min_subtotal: i64,
    pub starts_at: Option<DateTime<Utc>>,
    pub ends_at: Option<DateTime<Utc>>,
    pub max_uses: Option<i64>,
    pub max_uses_per_customer: Option<i64>,
    pub active: bool,
}

impl Discount {
    /// The amount off this subtotal, given how often the code was used (by anyone, by this
    /// customer); the error is the message the customer sees.
    pub fn amount(
        &self,
        subtotal: i64,
        now: DateTime<Utc>,
        used: i64,
        used_by_customer: i64,
        money: impl Fn(i64) -> String,
    ) -> Result<i64, String> {
        let not_valid = || format!("The code {} is not valid.", self.code);
        if !self.active || self.starts_at.is_some_and(|t| now < t) {
            return Err(not_valid());
        }
        if self.ends_at.is_some_and(|t| now >= t) {
            return Err(format!("The code {} has ended.", self.code));
        }
        if self.max_uses.is_some_and(|m| used >= m) {
            return Err(format!("The code {} has been used up.", self.code));
        }
        if self.max_uses_per_customer.is_some_and(|m| used_by_customer >= m) {
            return Err(format!("You have already used the code {}.", self.code));
        }
        if subtotal < self.min_subtotal {
            return Err(format!("The code {} needs a subtotal of at least {}.", self.code, money(self.min_subtotal)));
        }
        let off = if self.percent { subtotal.saturating_mul(self.value.min(100)) / 100 } else { self.value };
        Ok(off.clamp(0, subtotal))
    }
}

/// Where the delivery fee stands before an order is placed.
#[derive(Debug, Clone, PartialEq)]
pub enum DeliveryQuote {
    /// No way of delivery is chosen.
    NotChosen,
    /// The fee depends on the zone and no city, region or postal code is typed yet: the least it costs.
    NeedsAddress {
        from: i64,
    },
    Fee(i64),
    /// The chosen way does not reach the address; the message says so.
    Refused(String),
}

/// What the checkout shows before "Place order" (issue 11): the subtotal, the discount of the typed
/// code, the fee of the chosen way for the typed address, and the total to pay. Placing prices the
/// order again from the server's data, by the same rules.
#[derive(Debug, Clone, PartialEq)]
pub struct Quote {
    pub subtotal: i64,
    /// The code applied and its amount off; `None` without a code, or when it was refused.
    pub discount: Option<(String, i64)>,
    /// Why the typed code takes nothing off.
    pub discount_error: Option<String>,
    /// The chosen way's name (empty when none is chosen).
    pub delivery_name: String,
    pub delivery: DeliveryQuote,
    /// Subtotal less discount plus the fee; `None` while the fee is not known.
    pub total: Option<i64>,
}

/// Prices a checkout as typed: `discount` is the typed code with its amount off or the message
/// why it takes nothing off (see [`Discount::amount`]).
pub fn quote(
    subtotal: i64,
    delivery: Option<&DeliveryMethod>,
    address: &Address,
    discount: Option<(String, Result<i64, String>)>,
) -> Quote {
    let (discount, discount_error) = match discount {
        Some((code, Ok(off))) => (Some((code, off.clamp(0, subtotal))), None),
        Some((_, Err(message))) => (None, Some(message)),
        None => (None, None),
    };
    let after = subtotal - discount.as_ref().map_or(0, |(_, off)| *off);
    let no_address = [&address.city, &address.region, &address.postal_code].iter().all(|s| s.trim().is_empty());
    let fee = match delivery {
        None => DeliveryQuote::NotChosen,
        Some(d) if d.kind == DeliveryKind::Zones && no_address && d.free_over.is_none_or(|t| after < t) => {
            DeliveryQuote::NeedsAddress { from: d.from_fee() }
        }
        Some(d) => match d.fee_for(address, after) {
            Ok(fee) => DeliveryQuote::Fee(fee),
            Err(message) => DeliveryQuote::Refused(message),
        },
    };
    let total = match fee {
        DeliveryQuote::Fee(fee) => after.checked_add(fee),
        _ => None,
    };
    Quote {
        subtotal,
        discount,
        discount_error,
        delivery_name: delivery.map(|d| d.name.clone()).unwrap_or_default(),
        delivery: fee,
        total,
    }
}

/// Fills the seller's WhatsApp template. Only the order code, items, total, delivery and payment
/// method are offered: the message travels in a URL, so no address, email or name goes in it.
pub fn whatsapp_message(template: &str, code: &str, items: &str, total: &str, delivery: &str, payment: &str) -> String {
    let template = if template.trim().is_empty() { DEFAULT_TEMPLATE } else { template };
    template
        .replace("{code}", code)
        .replace("{items}", items)
        .replace("{total}", total)
        .replace("{delivery}", delivery)
        .replace("{payment}", payment)
}

pub const DEFAULT_TEMPLATE: &str =
    "Hello! I just placed order {code}:\n{items}\nTotal: {total}\nDelivery: {delivery}\nPayment: {payment}";

#[cfg(test)]
mod tests {
    use super::*;

    fn shop() -> ShopSettings {
        ShopSettings { country_calling_code: "91".into(), currency: "INR".into(), ..Default::default() }
    }

    fn settings() -> CheckoutSettings {
        CheckoutSettings {
            order_prefix: "ORD-".into(),
            whatsapp_flow: true,
            require_email: false,
            whatsapp_template: DEFAULT_TEMPLATE.into(),
        }
    }

    fn methods() -> (Vec<DeliveryMethod>, Vec<PaymentMethod>) {
        let pickup = DeliveryMethod {
            id: 1,
            code: "pickup".into(),
            name: "Pick up".into(),
            kind: DeliveryKind::Pickup,
            fee: 0,
            free_over: None,
            details: String::new(),
            zones: vec![],
        };
        let zones = DeliveryMethod {
            id: 2,
            code: "standard".into(),
            name: "Courier".into(),
            kind: DeliveryKind::Zones,
            fee: 0,
            free_over: Some(200000),
            details: String::new(),
            zones: vec![
                Zone { name: "City".into(), areas: vec!["Mumbai".into(), "400".into()], fee: 5000 },
                Zone { name: "State".into(), areas: vec!["Maharashtra".into()], fee: 9000 },
            ],
        };
        let cod = PaymentMethod {
            explorer_url: String::new(),
            id: 1,
            code: "cod".into(),
            kind: PaymentKind::Cod,
            name: "Cash on delivery".into(),
            instructions: String::new(),
            account: String::new(),
            network: String::new(),
        };
        (vec![pickup, zones], vec![cod])
    }

    fn input() -> CheckoutInput {
        CheckoutInput {
            name: " Asha <b>K</b> ".into(),
            phone: "98765 43210".into(),
            delivery: "standard".into(),
            line1: "12 Hill Road".into(),
            city: "Pune".into(),
            region: "Maharashtra".into(),
            payment: "cod".into(),
            note: "Ring twice\u{7}\nThanks".into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_customer_is_checked_and_normalised() {
        let (d, p) = methods();
        let c = validate_customer(&input(), &shop(), &settings(), &d, &p).unwrap();
        assert_eq!(c.name, "Asha <b>K</b>", "kept as text; escaped wherever shown");
        assert_eq!(c.phone, "+919876543210");
        assert_eq!(c.note, "Ring twice\nThanks");
        assert_eq!(c.address.city, "Pune");
    }

    #[test]
    fn every_bad_field_is_named() {
        let (d, p) = methods();
        let bad = CheckoutInput {
            phone: "12".into(),
            email: "nope".into(),
            delivery: "standard".into(),
            line1: "x".repeat(10_000),
            payment: "gold".into(),
            ..Default::default()
        };
        let e = validate_customer(&bad, &shop(), &settings(), &d, &p).unwrap_err();
        for key in ["name", "phone", "email", "line1", "city", "payment"] {
            assert!(e.contains_key(key), "{key}: {e:?}");
        }
        assert!(e["phone"].contains("like +91"), "{}", e["phone"]);
        let strict = CheckoutSettings { require_email: true, ..settings() };
        let e = validate_customer(&CheckoutInput { email: String::new(), ..input() }, &shop(), &strict, &d, &p)
            .unwrap_err();
        assert!(e.contains_key("email"));
    }

    #[test]
    fn pickup_needs_no_address_and_keeps_none() {
        let (d, p) = methods();
        let i = CheckoutInput { delivery: "pickup".into(), line1: String::new(), city: String::new(), ..input() };
        let c = validate_customer(&i, &shop(), &settings(), &d, &p).unwrap();
        assert_eq!(c.address, Address::default());
    }

    #[test]
    fn zone_fees_by_city_region_or_postal_prefix_and_free_over_a_threshold() {
        let (d, _) = methods();
        let courier = &d[1];
        let at = |city: &str, region: &str, postal: &str| Address {
            city: city.into(),
            region: region.into(),
            postal_code: postal.into(),
            ..Default::default()
        };
        assert_eq!(courier.fee_for(&at("mumbai", "", ""), 1000), Ok(5000));
        assert_eq!(courier.fee_for(&at("Thane", "", "400 601"), 1000), Ok(5000));
        assert_eq!(courier.fee_for(&at("Pune", "Maharashtra", "411001"), 1000), Ok(9000));
        assert_eq!(courier.fee_for(&at("Pune", "Maharashtra", "411001"), 200000), Ok(0));
        assert!(courier.fee_for(&at("Delhi", "Delhi", "110001"), 1000).unwrap_err().contains("does not reach"));
        assert_eq!(d[0].fee_for(&Address::default(), 0), Ok(0));
    }

    /// Issue 11 (regression): `*` is everywhere else: any address no other zone takes, whatever
    /// the order of the lines, and never one that another zone takes.
    #[test]
    fn the_catch_all_zone_takes_every_other_address() {
        let (d, _) = methods();
        let mut courier = d[1].clone();
        courier.zones.insert(0, Zone { name: "Everywhere else".into(), areas: vec!["*".into()], fee: 12000 });
        let at = |city: &str, region: &str| Address { city: city.into(), region: region.into(), ..Default::default() };
        assert_eq!(courier.fee_for(&at("Delhi", "Delhi"), 1000), Ok(12000));
        assert_eq!(courier.fee_for(&at("Mumbai", ""), 1000), Ok(5000), "a zone that names the address first");
        assert_eq!(courier.fee_for(&at("Pune", "Maharashtra"), 1000), Ok(9000));
        assert_eq!(courier.fee_for(&at("Delhi", "Delhi"), 200000), Ok(0), "free over the threshold too");
        assert_eq!(courier.from_fee(), 5000);
    }

    /// Issue 11: the checkout shows the fee of the chosen way for the typed address, the discount
    /// and the total before anything is placed, with the threshold on the subtotal after discount.
    #[test]
    fn a_quote_shows_fee_discount_and_total_before_placing() {
        let (d, _) = methods();
        let (pickup, courier) = (&d[0], &d[1]);
        let pune = Address { city: "Pune".into(), region: "Maharashtra".into(), ..Default::default() };
        let q = quote(100_000, Some(courier), &pune, Some(("TEN".into(), Ok(10_000))));
        assert_eq!(q.discount, Some(("TEN".into(), 10_000)));
        assert_eq!((q.delivery.clone(), q.total), (DeliveryQuote::Fee(9000), Some(99_000)));
        assert_eq!(q.delivery_name, "Courier");
        let q = quote(100_000, Some(courier), &Address::default(), None);
        assert_eq!((q.delivery, q.total), (DeliveryQuote::NeedsAddress { from: 5000 }, None), "no address yet");
        let q = quote(210_000, Some(courier), &Address::default(), Some(("TEN".into(), Ok(21_000))));
        assert_eq!((q.delivery, q.total), (DeliveryQuote::NeedsAddress { from: 5000 }, None), "189,000 is under");
        let q = quote(100_000, Some(courier), &Address { city: "Delhi".into(), ..Default::default() }, None);
        assert!(matches!(q.delivery, DeliveryQuote::Refused(ref m) if m.contains("does not reach")), "{q:?}");
        assert_eq!(q.total, None);
        let q = quote(100_000, Some(pickup), &Address::default(), Some(("NOPE".into(), Err("Not valid.".into()))));
        assert_eq!((q.discount, q.discount_error.as_deref(), q.total), (None, Some("Not valid."), Some(100_000)));
        assert_eq!(quote(100, None, &Address::default(), None).delivery, DeliveryQuote::NotChosen);
    }

    #[test]
    fn discount_rules() {
        let now = Utc::now();
        let d = Discount {
            id: 1,
            code: "DIWALI10".into(),
            percent: true,
            value: 10,
            min_subtotal: 50000,
            starts_at: None,
            ends_at: Some(now + chrono::Duration::days(1)),
            max_uses: Some(100),
            max_uses_per_customer: Some(1),
            active: true,
        };
        let m = |v: i64| format!("₹{}", v / 100);
        assert_eq!(d.amount(100000, now, 0, 0, m), Ok(10000));
        assert_eq!(d.amount(40000, now, 0, 0, m).unwrap_err(), "The code DIWALI10 needs a subtotal of at least ₹500.");
        assert!(d.amount(100000, now, 100, 0, m).unwrap_err().contains("used up"));
        assert!(d.amount(100000, now, 5, 1, m).unwrap_err().contains("already used"));
        assert!(d.amount(100000, now + chrono::Duration::days(2), 0, 0, m).unwrap_err().contains("ended"));
        let fixed = Discount { percent: false, value: 500000, min_subtotal: 0, ..d };
        assert_eq!(fixed.amount(100000, now, 0, 0, m), Ok(100000), "never more than the subtotal");
    }

    #[test]
    fn payment_links_carry_the_exact_amount_and_the_order_code() {
        let upi =
            payment_uri(PaymentKind::Upi, "asha@okbank", "", "Asha's Shop", "1299.50", "INR", "ORD-1042").unwrap();
        assert_eq!(upi, "upi://pay?pa=asha%40okbank&pn=Asha%27s%20Shop&am=1299.50&cu=INR&tn=ORD-1042");
        let btc = payment_uri(PaymentKind::Crypto, "bc1qxyz", "Bitcoin", "", "0", "", "ORD-7").unwrap();
        assert_eq!(btc, "bitcoin:bc1qxyz?message=ORD-7");
        assert_eq!(payment_uri(PaymentKind::Cod, "", "", "", "1", "INR", "X"), None);
    }

    #[test]
    fn the_whatsapp_message_offers_no_personal_data() {
        let m = whatsapp_message("Hi {name}, {code} at {address}: {total}", "ORD-1", "", "₹10", "", "");
        assert_eq!(m, "Hi {name}, ORD-1 at {address}: ₹10");
    }
}

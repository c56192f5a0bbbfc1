//! The shop profile: name, currency, contact details (phone numbers are read by `phone`).

use serde::{Deserialize, Serialize};

pub use super::phone::{example_phone, normalize_phone};
use super::{FieldErrors, valid_email};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopSettings {
    pub name: String,
    /// ISO 4217 code, e.g. `INR`.
    pub currency: String,
    /// Digits after the decimal point: 2 for INR or USD, 0 for JPY, 3 for KWD.
    pub currency_minor_units: u8,
    /// Digits only, e.g. `91`; used to complete local phone numbers.
    pub country_calling_code: String,
    /// E.164, e.g. `+919876543210`, or empty.
    pub whatsapp_number: String,
    pub contact_email: String,
    pub address: String,
    /// A few words under the shop's name on the home page (plain text, line breaks kept).
    pub intro: String,
    /// `#rrggbb`, or empty for Souk's own teal (`domain::theme` keeps it readable).
    pub accent_color: String,
    /// The stored logo's URL part (`/logo/{version}.webp`), empty without one; set by its upload.
    pub logo_version: String,
    /// The stored logo's width and height in pixels, `(0, 0)` without one.
    pub logo_size: (u32, u32),
    /// Where times are shown to people (the database keeps UTC).
    pub time_zone: super::zone::Zone,
    /// The storefront takes custom-order requests (`/custom`); set by its own form.
    pub custom_orders: bool,
}

impl ShopSettings {
    /// The URL of the stylesheet that sets the shop's accent, when it has one.
    pub fn theme_url(&self) -> Option<String> {
        let color = super::theme::Rgb::parse(&self.accent_color)?;
        Some(format!("/theme/{}.css", &color.hex()[1..]))
    }

    pub fn logo_url(&self) -> Option<String> {
        (!self.logo_version.is_empty()).then(|| format!("/logo/{}.webp", self.logo_version))
    }

    /// The logo's width when shown `height` pixels high (so the page keeps its place for it).
    pub fn logo_width_at(&self, height: u32) -> u32 {
        let (w, h) = self.logo_size;
        if h == 0 { height } else { ((u64::from(w) * u64::from(height) + u64::from(h) / 2) / u64::from(h)) as u32 }
    }
}

impl Default for ShopSettings {
    fn default() -> Self {
        Self {
            name: "My Shop".into(),
            currency: "USD".into(),
            currency_minor_units: 2,
            country_calling_code: String::new(),
            whatsapp_number: String::new(),
            contact_email: String::new(),
            address: String::new(),
            intro: String::new(),
            accent_color: String::new(),
            logo_version: String::new(),
            logo_size: (0, 0),
            time_zone: super::zone::Zone::default(),
            custom_orders: false,
        }
    }
}

/// The settings form as typed by the seller.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SettingsInput {
    pub name: String,
    pub currency: String,
    pub currency_minor_units: String,
    pub country_calling_code: String,
    pub whatsapp_number: String,
    pub contact_email: String,
    pub address: String,
    pub intro: String,
    pub accent_color: String,
    pub time_zone: String,
}

impl From<&ShopSettings> for SettingsInput {
    fn from(s: &ShopSettings) -> Self {
        Self {
            name: s.name.clone(),
            currency: s.currency.clone(),
            currency_minor_units: s.currency_minor_units.to_string(),
            country_calling_code: s.country_calling_code.clone(),
            whatsapp_number: s.whatsapp_number.clone(),
            contact_email: s.contact_email.clone(),
            address: s.address.clone(),
            intro: s.intro.clone(),
            accent_color: s.accent_color.clone(),
            time_zone: s.time_zone.name().to_string(),
        }
    }
}

/// Minor units of common currencies, so the seller rarely has to think about it.
pub fn known_minor_units(code: &str) -> Option<u8> {
    match code {
        "JPY" | "KRW" | "VND" | "CLP" | "ISK" | "UGX" | "XAF" | "XOF" | "RWF" | "PYG" => Some(0),
        "KWD" | "BHD" | "OMR" | "JOD" | "TND" | "LYD" | "IQD" => Some(3),
        "INR" | "USD" | "EUR" | "GBP" | "PKR" | "BDT" | "LKR" | "NPR" | "AED" | "SAR" | "QAR" | "EGP" | "NGN"
        | "KES" | "GHS" | "ZAR" | "MAD" | "TRY" | "IDR" | "MYR" | "PHP" | "THB" | "SGD" | "AUD" | "CAD" | "NZD"
        | "BRL" | "MXN" | "CHF" | "CNY" | "HKD" | "TWD" => Some(2),
        _ => None,
    }
}

/// Checks and normalises the settings form; the field errors name each bad field.
pub fn validate_settings(input: &SettingsInput) -> Result<ShopSettings, FieldErrors> {
    let mut errors = FieldErrors::new();
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 80 {
        errors.insert("name", "Enter the shop's name (at most 80 characters).".into());
    }
    let currency = input.currency.trim().to_ascii_uppercase();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        errors.insert("currency", "Enter a three-letter ISO currency code, like INR or USD.".into());
    }
    let minor = match input.currency_minor_units.trim() {
        "" => known_minor_units(&currency).unwrap_or(2),
        s => s.parse::<u8>().ok().filter(|n| *n <= 4).unwrap_or_else(|| {
            errors.insert("currency_minor_units", "Enter a number from 0 to 4.".into());
            2
        }),
    };
    let cc = input.country_calling_code.trim().trim_start_matches('+').to_string();
    if !cc.is_empty() && (cc.len() > 3 || !cc.chars().all(|c| c.is_ascii_digit()) || cc.starts_with('0')) {
        errors.insert("country_calling_code", "Enter the calling code's digits, like 91 for India.".into());
    }
    let whatsapp = match input.whatsapp_number.trim() {
        "" => String::new(),
        raw => normalize_phone(raw, &cc).unwrap_or_else(|msg| {
            errors.insert("whatsapp_number", msg);
            String::new()
        }),
    };
    let email = input.contact_email.trim().to_string();
    if !email.is_empty() && !valid_email(&email) {
        errors.insert("contact_email", "Enter an email address like shop@example.com, or leave it empty.".into());
    }
    let address = input.address.trim().to_string();
    if address.chars().count() > 500 {
        errors.insert("address", "Use at most 500 characters.".into());
    }
    let intro = input.intro.trim().replace("\r\n", "\n");
    if intro.chars().count() > 500 {
        errors.insert("intro", "Use at most 500 characters.".into());
    }
    let accent_color = match input.accent_color.trim() {
        "" => String::new(),
        raw => super::theme::Rgb::parse(raw).map(|c| c.hex()).unwrap_or_else(|| {
            errors.insert("accent_color", "Enter a colour as # and six hex digits, like #0f766e.".into());
            String::new()
        }),
    };
    let time_zone = super::zone::Zone::parse(&input.time_zone).unwrap_or_else(|m| {
        errors.insert("time_zone", m);
        super::zone::Zone::default()
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ShopSettings {
        name,
        currency,
        currency_minor_units: minor,
        country_calling_code: cc,
        whatsapp_number: whatsapp,
        contact_email: email,
        address,
        intro,
        accent_color,
        logo_version: String::new(),
        logo_size: (0, 0),
        time_zone,
        custom_orders: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_normalised_and_errors_name_fields() {
        let input = SettingsInput {
            name: " Asha's Kitchen ".into(),
            currency: "inr".into(),
            country_calling_code: "+91".into(),
            whatsapp_number: "98765 43210".into(),
            ..Default::default()
        };
        let s = validate_settings(&input).unwrap();
        assert_eq!((s.name.as_str(), s.currency.as_str(), s.currency_minor_units), ("Asha's Kitchen", "INR", 2));
        assert_eq!(s.whatsapp_number, "+919876543210");
        let bad = SettingsInput {
            name: "".into(),
            currency: "RUPEES".into(),
            contact_email: "x".into(),
            ..Default::default()
        };
        let e = validate_settings(&bad).unwrap_err();
        assert!(e.contains_key("name") && e.contains_key("currency") && e.contains_key("contact_email"));
    }

    #[test]
    fn minor_units_default_by_currency() {
        let input = SettingsInput { name: "S".into(), currency: "JPY".into(), ..Default::default() };
        assert_eq!(validate_settings(&input).unwrap().currency_minor_units, 0);
    }
}

//! The shop profile: name, currency, contact details, and phone-number normalisation to E.164.

use serde::{Deserialize, Serialize};

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
        time_zone,
        custom_orders: false,
    })
}

/// The main region of a country calling code (`"91"`: India), for reading national numbers.
fn region_of(cc: &str) -> Option<&'static phonenumber::Metadata> {
    let code: u16 = cc.parse().ok()?;
    let regions = phonenumber::metadata::DATABASE.by_code(&code)?;
    regions.iter().find(|m| m.is_main_country_for_code()).or(regions.first()).copied()
}

/// A valid mobile number of the shop's country, in E.164, to show in messages.
pub fn example_phone(default_cc: &str) -> String {
    region_of(default_cc)
        .and_then(|m| Some(format!("+{}{}", m.country_code(), m.descriptors().mobile()?.example()?)))
        .unwrap_or_else(|| "+919876543210".to_string())
}

/// Normalises a phone number to E.164 with Google's libphonenumber data (the `phonenumber`
/// crate): a number is read as international when it starts with `+` or the country's
/// international prefix (`00`), else as a national number of `default_cc`'s country (a trunk `0`
/// or `(0)` dropped, a country code typed without `+` recognised), and must be a valid number of
/// its country, so typos in length or prefix are caught. The error carries a valid example and,
/// when the shop has a country, says that a local number is completed with its code.
pub fn normalize_phone(raw: &str, default_cc: &str) -> Result<String, String> {
    let bad = || match region_of(default_cc) {
        Some(m) => format!(
            "Enter a valid phone number, like {}; without a country code we add +{}.",
            example_phone(default_cc),
            m.country_code()
        ),
        None => format!("Enter a phone number with its country code, like {}.", example_phone(default_cc)),
    };
    let trimmed = raw.trim();
    let plus = trimmed.matches('+').count();
    if trimmed.is_empty()
        || trimmed.len() > 40
        || trimmed.chars().any(|c| !(c.is_ascii_digit() || " -.()/+".contains(c)))
        || plus > 1
        || (plus == 1 && !trimmed.starts_with('+'))
    {
        return Err(bad());
    }
    let region = region_of(default_cc);
    let text = match (region, trimmed.strip_prefix("00")) {
        // Without a country to read it in, 00 can only be the international prefix.
        (None, Some(rest)) => format!("+{rest}"),
        _ => trimmed.to_string(),
    };
    // Dialled with the shop's international prefix (00, 011…): international too, so it is read
    // like a + number below (the crate took a later digit for the shop's trunk prefix: "011 49
    // 162…" became "+49 62…" in a US shop).
    let text = match region.and_then(|m| m.international_prefix()) {
        Some(idd) if !text.starts_with('+') => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            match idd.find(&digits).filter(|m| m.start() == 0 && m.end() < digits.len()) {
                Some(m) => {
                    // Cut the prefix's digits from the text as typed, keeping its spacing and "(0)".
                    let mut seen = 0;
                    let at = text
                        .char_indices()
                        .find(|(_, c)| {
                            seen += usize::from(c.is_ascii_digit());
                            seen > m.end()
                        })
                        .map_or(text.len(), |(i, _)| i);
                    format!("+{}", &text[at..])
                }
                None => text,
            }
        }
        _ => text,
    };
    let id = region.and_then(|m| m.id().parse::<phonenumber::country::Id>().ok());
    if id.is_none() && !text.starts_with('+') {
        return Err(bad());
    }
    // A number with + is international whatever the shop's country: read with a country, the
    // crate took a later digit for that country's trunk prefix ("+49 162…" became "+49 62…" in a
    // US shop) or refused valid numbers ("+44 113…"); found by fuzzing.
    let id = if text.starts_with('+') { None } else { id };
    let number = phonenumber::parse(id, &text).map_err(|_| bad())?;
    if !phonenumber::is_valid(&number) {
        return Err(bad());
    }
    let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
    // What is stored must read back the same, as international: "00900000000" in a Brazilian
    // shop passed as "+55 900000000", which is not a valid number on its own (fuzzing).
    let again = phonenumber::parse(None, &e164).ok().filter(phonenumber::is_valid);
    if again.map(|n| n.format().mode(phonenumber::Mode::E164).to_string()).as_deref() != Some(e164.as_str()) {
        return Err(bad());
    }
    // A number typed as international is taken as typed: one digit may go, the trunk 0 right after
    // the country code ("+44 (0)20…"); the crate dropped more ("+61 00 2…" became "+61 2…";
    // found by fuzzing), and a number silently changed reaches a stranger.
    if text.starts_with('+') {
        let typed: String = text.chars().filter(char::is_ascii_digit).collect();
        let (kept, cc) = (&e164[1..], number.code().value().to_string().len());
        let trunk_dropped = typed.len() == kept.len() + 1
            && typed.get(..cc) == kept.get(..cc)
            && typed.as_bytes().get(cc) == Some(&b'0')
            && typed.get(cc + 1..) == kept.get(cc..);
        if typed != kept && !trunk_dropped {
            return Err(bad());
        }
    }
    // libphonenumber's data lets a few countries' numbers run past E.164's 15 digits (found by
    // fuzzing: "21000000000000" read in Germany); WhatsApp and SMS cannot reach those.
    if e164.len() > 16 {
        return Err(bad());
    }
    Ok(e164)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_numbers_from_several_countries() {
        let cases = [
            ("+91 98765 43210", "", "+919876543210"),
            ("098765 43210", "91", "+919876543210"),
            ("98765-43210", "91", "+919876543210"),
            ("0044 20 7946 0958", "91", "+442079460958"),
            ("(0)20 7946 0958", "44", "+442079460958"),
            ("+1 (415) 555-2671", "", "+14155552671"),
            ("0803 123 4567", "234", "+2348031234567"),
            ("0712 345 678", "254", "+254712345678"),
            // The trunk 0 in brackets after the country code, as British numbers are often written.
            ("+44 (0)20 7946 0958", "91", "+442079460958"),
            // A country code typed without + is recognised, not doubled.
            ("91 98765 43210", "91", "+919876543210"),
            ("919876543210", "91", "+919876543210"),
            ("(650) 253-0000", "1", "+16502530000"),
            ("011 91 98765 43210", "1", "+919876543210"),
            ("0171 2345678", "49", "+491712345678"),
            ("06 12 34 56 78", "33", "+33612345678"),
            ("11 91234-5678", "55", "+5511912345678"),
            ("0501234567", "971", "+971501234567"),
            // An international number in a shop of another country keeps every digit (fuzzing).
            ("+4916200000000", "1", "+4916200000000"),
            ("+44 113 000 0000", "1", "+441130000000"),
            ("+254 100 000000", "1", "+254100000000"),
            ("011 49 162 0000 0000", "1", "+4916200000000"),
            ("0039 06 1234 5678", "91", "+390612345678"),
            ("0044 (0)20 7946 0958", "91", "+442079460958"),
        ];
        for (raw, cc, want) in cases {
            assert_eq!(normalize_phone(raw, cc).as_deref(), Ok(want), "{raw} with {cc}");
        }
    }

    #[test]
    fn bad_phone_numbers_get_an_example() {
        for (raw, cc) in [
            ("12345", "91"),
            ("call me", "91"),
            ("98765 43210", ""),
            ("+91+98765", ""),
            ("+1234567890123456", ""),
            ("98765+43210", "91"),
            // One digit short, one too many, and a prefix no British number has.
            ("98765 4321", "91"),
            ("98765 432100", "91"),
            ("+44 0000 000000", "91"),
            // Past E.164's 15 digits, though libphonenumber calls it a German number (fuzzing).
            ("21000000000000", "49"),
            // Digits the number was typed with would be dropped (fuzzing).
            ("+61 00 2000 0000", ""),
            // Valid only read in the shop's country, not as the international number stored.
            ("00900000000", "55"),
        ] {
            let e = normalize_phone(raw, cc).unwrap_err();
            assert!(e.contains("like +"), "{raw}: {e}");
        }
        // Issue 11 (regression): with a country set, the message says what is accepted, as the
        // checkout's hint does: a local number, completed with the shop's code.
        let e = normalize_phone("12345", "91").unwrap_err();
        assert!(e.contains("without a country code we add +91") && !e.contains("with its country code"), "{e}");
        let e = normalize_phone("12345", "").unwrap_err();
        assert!(e.starts_with("Enter a phone number with its country code, like +"), "{e}");
        // The example is itself a valid number of the shop's country.
        for cc in ["91", "44", "1", "234", "55", ""] {
            let example = example_phone(cc);
            assert_eq!(normalize_phone(&example, cc).as_deref(), Ok(example.as_str()), "{cc}");
            assert!(normalize_phone("12", cc).unwrap_err().contains(&example));
        }
    }

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

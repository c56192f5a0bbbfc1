//! Phone numbers: what a customer or the owner types, read to E.164 (`+919876543210`) with the
//! shop's country for local numbers, checked against libphonenumber's rules for every country
//! (`rules.rs` over `metadata.txt`), so a digit too many or too few is caught before an order
//! or a WhatsApp message goes to a stranger.

mod rules;

pub use rules::{Number, Territory, is_valid, parse};

/// The main territory of a country calling code (`"91"`: India), for reading national numbers.
fn region_of(cc: &str) -> Option<&'static Territory> {
    rules::main_territory(cc.parse().ok()?)
}

/// A valid mobile number of the shop's country, in E.164, to show in messages.
pub fn example_phone(default_cc: &str) -> String {
    region_of(default_cc)
        .filter(|m| !m.mobile_example.is_empty())
        .map(|m| format!("+{}{}", m.code, m.mobile_example))
        .unwrap_or_else(|| "+919876543210".to_string())
}

/// Normalises a phone number to E.164 with Google's libphonenumber rules (`rules.rs`): a number is read as international when it starts with `+` or the country's
/// international prefix (`00`), else as a national number of `default_cc`'s country (a trunk `0`
/// or `(0)` dropped, a country code typed without `+` recognised), and must be a valid number of
/// its country, so typos in length or prefix are caught. The error carries a valid example and,
/// when the shop has a country, says that a local number is completed with its code.
pub fn normalize_phone(raw: &str, default_cc: &str) -> Result<String, String> {
    let bad = || match region_of(default_cc) {
        Some(m) => format!(
            "Enter a valid phone number, like {}; without a country code we add +{}.",
            example_phone(default_cc),
            m.code
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
    // like a + number below (the `phonenumber` crate, used before, took a later digit for the shop's trunk prefix: "011 49
    // 162…" became "+49 62…" in a US shop).
    let text = match region {
        Some(t) if !text.starts_with('+') => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            // As libphonenumber: not when a 0 follows ("018 00…" in Israel is 1-800 with its trunk 0).
            match t.idd_end(&digits).filter(|&end| end < digits.len() && !digits[end..].starts_with('0')) {
                Some(end) => {
                    // Cut the prefix's digits from the text as typed, keeping its spacing and "(0)".
                    let mut seen = 0;
                    let at = text
                        .char_indices()
                        .find(|(_, c)| {
                            seen += usize::from(c.is_ascii_digit());
                            seen > end
                        })
                        .map_or(text.len(), |(i, _)| i);
                    format!("+{}", &text[at..])
                }
                None => text,
            }
        }
        _ => text,
    };
    // The non-geographic codes (+800…) have no national numbers.
    let id = region.filter(|m| m.id != "001");
    if id.is_none() && !text.starts_with('+') {
        return Err(bad());
    }
    // A number with + is international whatever the shop's country: read with a country, the
    // crate took a later digit for that country's trunk prefix ("+49 162…" became "+49 62…" in a
    // US shop) or refused valid numbers ("+44 113…"); found by fuzzing.
    let id = if text.starts_with('+') { None } else { id };
    let number = rules::parse(id, &text).ok_or_else(bad)?;
    if !rules::is_valid(&number) {
        return Err(bad());
    }
    let e164 = number.e164();
    // What is stored must read back the same, as international: "00900000000" in a Brazilian
    // shop passed as "+55 900000000", which is not a valid number on its own (fuzzing).
    let again = rules::parse(None, &e164).filter(rules::is_valid);
    if again.map(|n| n.e164()).as_deref() != Some(e164.as_str()) {
        return Err(bad());
    }
    // A number typed as international is taken as typed: one digit may go, the trunk 0 right after
    // the country code ("+44 (0)20…"); the crate dropped more ("+61 00 2…" became "+61 2…";
    // found by fuzzing), and a number silently changed reaches a stranger.
    if text.starts_with('+') {
        let typed: String = text.chars().filter(char::is_ascii_digit).collect();
        let (kept, cc) = (&e164[1..], number.code.to_string().len());
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
}

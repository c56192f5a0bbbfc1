//! The phone number rules (`src/domain/phone`, libphonenumber's rules over its metadata with a
//! small regex engine) against the `phonenumber` crate the shop used before (issue 14: it was
//! 1.5 MB of the binary). `reference` is the shop's former `normalize_phone`, unchanged but for
//! its name: both must give the same E.164 or both refuse, except where the crate departs from
//! Google's libphonenumber, which the new rules follow, and the number is checked against the
//! crate's own data read strictly (`strictly_valid`):
//! - the crate matched a pattern against the start of a number, so a number with digits past a
//!   valid one passed ("+81 120155501 23"): it accepted what libphonenumber refuses;
//! - it dropped a trunk prefix even when the number no longer fitted without it ("8 800…" in
//!   Russia, "900…" in Brazil), and lost the zeros at the start of a national number: it refused
//!   numbers libphonenumber reads;
//! - digits typed after the shop's own country code without a +: the crate took the code off,
//!   libphonenumber keeps them as a national number when that fits the country (and refuses the
//!   number when no reading is valid).
//!
//! Inputs: every example number libphonenumber gives, for every territory and kind, typed the
//! ways people type them and with a digit changed, in shops of several countries; then random ones.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use phonenumber::Mode;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use souk::domain::phone::normalize_phone;

/// The shop's phone reading as it was with the `phonenumber` crate (errors reduced to `()`).
fn reference(raw: &str, default_cc: &str) -> Result<String, ()> {
    fn region_of(cc: &str) -> Option<&'static phonenumber::Metadata> {
        let code: u16 = cc.parse().ok()?;
        let regions = phonenumber::metadata::DATABASE.by_code(&code)?;
        regions.iter().find(|m| m.is_main_country_for_code()).or(regions.first()).copied()
    }
    let trimmed = raw.trim();
    let plus = trimmed.matches('+').count();
    if trimmed.is_empty()
        || trimmed.len() > 40
        || trimmed.chars().any(|c| !(c.is_ascii_digit() || " -.()/+".contains(c)))
        || plus > 1
        || (plus == 1 && !trimmed.starts_with('+'))
    {
        return Err(());
    }
    let region = region_of(default_cc);
    let text = match (region, trimmed.strip_prefix("00")) {
        (None, Some(rest)) => format!("+{rest}"),
        _ => trimmed.to_string(),
    };
    let text = match region.and_then(|m| m.international_prefix()) {
        Some(idd) if !text.starts_with('+') => {
            let digits: String = text.chars().filter(char::is_ascii_digit).collect();
            match idd.find(&digits).filter(|m| m.start() == 0 && m.end() < digits.len()) {
                Some(m) => {
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
        return Err(());
    }
    let id = if text.starts_with('+') { None } else { id };
    let number = phonenumber::parse(id, &text).map_err(|_| ())?;
    if !phonenumber::is_valid(&number) {
        return Err(());
    }
    let e164 = number.format().mode(Mode::E164).to_string();
    let again = phonenumber::parse(None, &e164).ok().filter(phonenumber::is_valid);
    if again.map(|n| n.format().mode(Mode::E164).to_string()).as_deref() != Some(e164.as_str()) {
        return Err(());
    }
    if text.starts_with('+') {
        let typed: String = text.chars().filter(char::is_ascii_digit).collect();
        let (kept, cc) = (&e164[1..], number.code().value().to_string().len());
        let trunk_dropped = typed.len() == kept.len() + 1
            && typed.get(..cc) == kept.get(..cc)
            && typed.as_bytes().get(cc) == Some(&b'0')
            && typed.get(cc + 1..) == kept.get(cc..);
        if typed != kept && !trunk_dropped {
            return Err(());
        }
    }
    if e164.len() > 16 {
        return Err(());
    }
    Ok(e164)
}

/// Whether a pattern of the crate's data matches all of `value` (the crate itself only asked for
/// a match at the start).
fn whole_match(pattern: &str, value: &str) -> bool {
    static CACHE: OnceLock<Mutex<HashMap<String, regex::Regex>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().unwrap();
    let re =
        cache.entry(pattern.to_string()).or_insert_with(|| regex::Regex::new(&format!("^(?x:{pattern})$")).unwrap());
    re.is_match(value)
}

fn fits(desc: &phonenumber::metadata::Descriptor, national: &str) -> bool {
    let lengths = desc.possible_length();
    (lengths.is_empty() || lengths.contains(&(national.len() as u16)))
        && whole_match(desc.national_number().as_str(), national)
}

/// Fails listing the first 40 of `found` (out of `checked` inputs) unless there are none.
fn assert_none(found: &[String], checked: usize, what: &str) {
    assert!(found.is_empty(), "{} of {checked} {what}:\n{}", found.len(), found[..found.len().min(40)].join("\n"));
}

/// Every kind of number a territory describes (fixed line, mobile, toll free…).
fn kinds(d: &phonenumber::metadata::Descriptors) -> impl Iterator<Item = &phonenumber::metadata::Descriptor> {
    [
        d.fixed_line(),
        d.mobile(),
        d.toll_free(),
        d.premium_rate(),
        d.shared_cost(),
        d.personal_number(),
        d.voip(),
        d.pager(),
        d.uan(),
        d.voicemail(),
    ]
    .into_iter()
    .flatten()
}

/// An E.164 number valid as Google's libphonenumber decides (`isValidNumber`: the territory by
/// leading digits or by fitting, then a kind of number it fits entirely), on the crate's data.
fn strictly_valid(e164: &str) -> bool {
    let digits = &e164[1..];
    let Some((code, national)) = (1..=3).find_map(|n| {
        let code: u16 = digits.get(..n)?.parse().ok()?;
        phonenumber::metadata::DATABASE.by_code(&code).map(|r| (r, &digits[n..]))
    }) else {
        return false;
    };
    let has_kind = |m: &phonenumber::Metadata| {
        let d = m.descriptors();
        fits(d.general(), national) && kinds(d).any(|desc| fits(desc, national))
    };
    let region = if code.len() == 1 {
        code.first().copied()
    } else {
        let mut regions = code.clone();
        regions.sort_by_key(|m| !m.is_main_country_for_code());
        regions.into_iter().find(|m| match m.leading_digits() {
            Some(leading) => leading.find(national).is_some_and(|found| found.start() == 0),
            None => has_kind(m),
        })
    };
    region.is_some_and(has_kind)
}

/// Whether the two agree, or differ only where the crate departs from libphonenumber. When only
/// the new rules accept, the number they give must also keep the last digits typed.
fn same(raw: &str, cc: &str) -> Result<(), String> {
    let ours = normalize_phone(raw, cc).ok();
    let theirs = reference(raw, cc).ok();
    let typed: String = raw.chars().filter(char::is_ascii_digit).collect();
    let keeps_tail = |e164: &str| typed.len() >= 6 && e164.ends_with(&typed[typed.len() - 6..]);
    // Digits typed after the shop's own code, without +: libphonenumber reads them as a national
    // number when that fits the country ("49 1512 3456789" in Germany is +49 491 5123456789, a
    // number of Leer); the crate took the code off.
    let code_taken_off = |t: &str| t[1..] == typed;
    // "00 62 218…" in Indonesia, whose international prefix is 008/009: the crate dropped both zeros.
    let zeros_lost = |t: &str| typed.starts_with("00") && t.ends_with(typed.trim_start_matches('0'));
    let fine = match (&ours, &theirs) {
        (a, b) if a == b => true,
        (Some(o), None) => strictly_valid(o) && keeps_tail(o),
        (None, Some(t)) => !strictly_valid(t) || code_taken_off(t) || zeros_lost(t),
        (Some(o), Some(t)) => code_taken_off(t) && o[1..].ends_with(&typed) && strictly_valid(o),
        _ => false,
    };
    if fine { Ok(()) } else { Err(format!("{raw:?} in +{cc}: ours {ours:?}, the crate's {theirs:?}")) }
}

/// Shop countries: none, the shop's usual ones, and those whose rules are unusual (shared codes,
/// transform rules, carrier codes, an 8 for a trunk prefix, leading zeros kept).
const SHOPS: &[&str] =
    &["", "91", "1", "44", "49", "55", "54", "52", "7", "39", "81", "61", "234", "254", "971", "62", "880", "33", "86"];

/// Every example number of the metadata, with its territory's calling code and trunk prefix.
fn examples() -> Vec<(u16, String, String)> {
    let mut out = Vec::new();
    for code in 1..1000u16 {
        let Some(regions) = phonenumber::metadata::DATABASE.by_code(&code) else { continue };
        for m in regions {
            let d = m.descriptors();
            let trunk = m.national_prefix().unwrap_or("").to_string();
            for desc in kinds(d) {
                if let Some(example) = desc.example() {
                    out.push((code, example.to_string(), trunk.clone()));
                }
            }
        }
    }
    out
}

/// The ways a number is typed: international, with 00, with the code but no +, national with its
/// trunk prefix, bare, with "(0)", with spaces and dashes.
fn typings(code: u16, nsn: &str, trunk: &str) -> Vec<String> {
    let spaced: String = nsn
        .chars()
        .enumerate()
        .flat_map(|(i, c)| (i > 0 && i % 3 == 0).then_some(' ').into_iter().chain([c]))
        .collect();
    vec![
        format!("+{code}{nsn}"),
        format!("+{code} {spaced}"),
        format!("+{code} (0){nsn}"),
        format!("00{code}{nsn}"),
        format!("011 {code} {nsn}"),
        format!("{code}{nsn}"),
        format!("{trunk}{nsn}"),
        format!("{trunk}-{}", spaced.replace(' ', "-")),
        nsn.to_string(),
    ]
}

/// Whatever the crate did, every valid example number is accepted as people type it: with `+`
/// anywhere, and with its trunk prefix (or bare, where there is none) in a shop of its country.
#[test]
fn every_example_number_is_accepted_as_people_type_it() {
    let mut refused = Vec::new();
    let mut checked = 0;
    for (code, nsn, trunk) in examples() {
        let e164 = format!("+{code}{nsn}");
        if !strictly_valid(&e164) {
            continue;
        }
        let own = code.to_string();
        let mut typings = vec![(e164.clone(), ""), (format!("+{code} {nsn}"), "44")];
        // Typed nationally in a shop of its country: not for the codes of no country (+800…), nor
        // in Colombia, where a mobile number is dialled without the 0 (0 and 3 are a carrier's
        // code), nor in Israel where 0 and 1[2-9] is an international prefix (012, 019…: 1-919
        // numbers are dialled without the 0; libphonenumber reads "019 19…" as +1 9…).
        let no_country = phonenumber::metadata::DATABASE.by_code(&code).is_some_and(|m| m[0].id() == "001");
        let israeli_idd =
            code == 972 && nsn.starts_with('1') && nsn.as_bytes().get(1).is_some_and(|d| (b'2'..=b'9').contains(d));
        if !no_country && code != 57 && !israeli_idd {
            typings.push((format!("{trunk}{nsn}"), own.as_str()));
        }
        for (raw, shop) in typings {
            checked += 1;
            match normalize_phone(&raw, shop) {
                Ok(n) if n == e164 => {}
                other => refused.push(format!("{raw:?} in +{shop}: {other:?}, not {e164}")),
            }
        }
    }
    assert!(checked > 1_000, "{checked}");
    assert_none(&refused, checked, "refused");
}

#[test]
fn every_example_number_reads_as_the_crate_read_it() {
    let mut differences = Vec::new();
    let mut checked = 0;
    for (code, nsn, trunk) in examples() {
        let mut variants = typings(code, &nsn, &trunk);
        // A digit changed, dropped and added: near misses are where rules differ.
        let digits: Vec<char> = nsn.chars().collect();
        let mid = digits.len() / 2;
        let mut changed = digits.clone();
        changed[mid] = if changed[mid] == '9' { '0' } else { char::from(changed[mid] as u8 + 1) };
        let changed: String = changed.into_iter().collect();
        let dropped: String = digits.iter().enumerate().filter(|(i, _)| *i != mid).map(|(_, c)| c).collect();
        let added = format!("{nsn}5");
        for near in [changed, dropped, added] {
            variants.extend(typings(code, &near, &trunk));
        }
        let own = code.to_string();
        for shop in ["", "1", "44", "91", own.as_str()] {
            for raw in &variants {
                checked += 1;
                if let Err(e) = same(raw, shop) {
                    differences.push(e);
                }
            }
        }
    }
    assert!(checked > 50_000, "{checked}");
    assert_none(&differences, checked, "differ");
}

proptest! {
    #![proptest_config(Config { cases: 4000, rng_seed: RngSeed::Fixed(20261203), failure_persistence: None, ..Config::default() })]

    #[test]
    fn random_numbers_read_as_the_crate_read_them(
        shop in proptest::sample::select(SHOPS),
        prefix in proptest::sample::select(&["", "+", "0", "00", "011", "(0)", "+1 ", "+44 ", "+91 ", "8 ", "15 "][..]),
        digits in "[0-9 ]{1,18}",
    ) {
        let raw = format!("{prefix}{digits}");
        prop_assert!(same(&raw, shop).is_ok(), "{}", same(&raw, shop).unwrap_err());
    }
}

//! Money: integer minor units of the shop's currency, formatted for people. Never floats.

/// The symbol people expect, where one is well known; otherwise the ISO code is shown.
fn symbol(currency: &str) -> Option<&'static str> {
    Some(match currency {
        "INR" => "₹",
        "USD" | "AUD" | "CAD" | "NZD" | "SGD" | "HKD" | "MXN" => "$",
        "EUR" => "€",
        "GBP" => "£",
        "JPY" | "CNY" => "¥",
        "NGN" => "₦",
        "PHP" => "₱",
        "BDT" => "৳",
        "KRW" => "₩",
        "TRY" => "₺",
        _ => return None,
    })
}

/// Groups digits: 1,234,567 in general, 12,34,567 (lakh and crore) for the subcontinent's currencies.
fn group(digits: &str, currency: &str) -> String {
    let indian = matches!(currency, "INR" | "NPR" | "PKR" | "BDT" | "LKR");
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 2);
    for (i, c) in digits.chars().enumerate() {
        let left = len - i;
        if i > 0 {
            let comma = if indian && left > 3 { (left - 3).is_multiple_of(2) } else { left.is_multiple_of(3) };
            if comma {
                out.push(',');
            }
        }
        out.push(c);
    }
    out
}

/// `129900` INR with 2 minor units → "₹1,299.00"; `1500` JPY with 0 → "¥1,500"; unknown → "KES 1,299.00".
pub fn format(amount: i64, currency: &str, minor_units: u8) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.unsigned_abs();
    let scale = 10u64.pow(u32::from(minor_units));
    let whole = group(&(abs / scale).to_string(), currency);
    let number = if minor_units == 0 {
        whole
    } else {
        format!("{whole}.{:0width$}", abs % scale, width = usize::from(minor_units))
    };
    match symbol(currency) {
        Some(sym) => format!("{sign}{sym}{number}"),
        None => format!("{sign}{currency} {number}"),
    }
}

/// The plain decimal form for machines (schema.org, OpenGraph): `129900`, 2 → "1299.00".
pub fn decimal(amount: i64, minor_units: u8) -> String {
    let scale = 10i64.pow(u32::from(minor_units));
    if minor_units == 0 {
        return amount.to_string();
    }
    let sign = if amount < 0 { "-" } else { "" };
    let abs = amount.abs();
    format!("{sign}{}.{:0width$}", abs / scale, abs % scale, width = usize::from(minor_units))
}

/// Parses what a seller types ("1299", "1,299.5", "1299.50") into minor units; `None` when it is not a price.
pub fn parse(input: &str, minor_units: u8) -> Option<i64> {
    let cleaned: String = input.trim().chars().filter(|c| *c != ',' && *c != ' ' && *c != '_').collect();
    if cleaned.is_empty() || cleaned.starts_with('-') {
        return None;
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && frac.is_empty() {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    if frac.len() > usize::from(minor_units) {
        return None;
    }
    let scale = 10i64.checked_pow(u32::from(minor_units))?;
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let frac_value: i64 =
        if frac.is_empty() { 0 } else { format!("{frac:0<width$}", width = usize::from(minor_units)).parse().ok()? };
    whole.checked_mul(scale)?.checked_add(frac_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_for_people() {
        assert_eq!(format(129900, "INR", 2), "₹1,299.00");
        assert_eq!(format(1234567800, "INR", 2), "₹1,23,45,678.00");
        assert_eq!(format(10000000, "INR", 2), "₹1,00,000.00");
        assert_eq!(format(123456789, "USD", 2), "$1,234,567.89");
        assert_eq!(format(1500, "JPY", 0), "¥1,500");
        assert_eq!(format(5, "USD", 2), "$0.05");
        assert_eq!(format(129900, "KES", 2), "KES 1,299.00");
        assert_eq!(format(1250, "KWD", 3), "KWD 1.250");
        assert_eq!(format(-500, "EUR", 2), "-€5.00");
        assert_eq!(format(99, "INR", 2), "₹0.99");
    }

    #[test]
    fn decimals_for_machines() {
        assert_eq!(decimal(129900, 2), "1299.00");
        assert_eq!(decimal(1500, 0), "1500");
        assert_eq!(decimal(1250, 3), "1.250");
    }

    #[test]
    fn parses_what_sellers_type() {
        assert_eq!(parse("1299", 2), Some(129900));
        assert_eq!(parse("1,299.5", 2), Some(129950));
        assert_eq!(parse("0.05", 2), Some(5));
        assert_eq!(parse(".5", 2), Some(50));
        assert_eq!(parse("1500", 0), Some(1500));
        for bad in ["", "-1", "1.234", "abc", "1.2.3", ".", "99999999999999999999"] {
            assert_eq!(parse(bad, 2), None, "{bad}");
        }
    }
}

//! Fraud review: the owner's rules (each on or off, with its threshold) and the reasons they give
//! to flag an order when it is placed. A flagged order waits in the desk's Review tab and cannot
//! be confirmed until the seller ticks "reviewed".

use super::FieldErrors;

/// One rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Earlier failed deliveries to the number (refused cash on delivery among them).
    Failed,
    /// The number's first cash-on-delivery order, above an amount.
    FirstCod,
    /// Many orders from one number or one address in a short time.
    Velocity,
    /// A delivery postal code on the seller's risky list.
    Postcode,
}

impl Rule {
    pub const ALL: [Rule; 4] = [Rule::Failed, Rule::FirstCod, Rule::Velocity, Rule::Postcode];

    pub fn as_str(self) -> &'static str {
        match self {
            Rule::Failed => "failed",
            Rule::FirstCod => "first_cod",
            Rule::Velocity => "velocity",
            Rule::Postcode => "postcode",
        }
    }

    pub fn parse(s: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// The owner's rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewRules {
    pub failed_on: bool,
    pub failed_min: i64,
    pub first_cod_on: bool,
    /// Minor units.
    pub first_cod_over: i64,
    pub velocity_on: bool,
    pub velocity_orders: i64,
    pub velocity_hours: i64,
    pub postcodes_on: bool,
    /// Normalised ([`postcode`]).
    pub postcodes: Vec<String>,
}

impl Default for ReviewRules {
    fn default() -> Self {
        ReviewRules {
            failed_on: true,
            failed_min: 2,
            first_cod_on: false,
            first_cod_over: 500_000,
            velocity_on: false,
            velocity_orders: 3,
            velocity_hours: 24,
            postcodes_on: false,
            postcodes: Vec::new(),
        }
    }
}

/// A postal code as compared: letters upper case, spaces and hyphens out.
pub fn postcode(raw: &str) -> String {
    raw.chars().filter(|c| !c.is_whitespace() && *c != '-').flat_map(char::to_uppercase).collect()
}

/// What is known about an order when it is placed.
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// Earlier orders to this number whose delivery failed, and how many of them were cash on
    /// delivery refused at the door.
    pub failed_before: i64,
    pub refused_before: i64,
    pub cod: bool,
    /// Earlier cash-on-delivery orders from this number.
    pub earlier_cod: i64,
    pub total: i64,
    /// Orders from this number, and to this address, within the rule's hours (this one included).
    pub from_number: i64,
    pub to_address: i64,
    pub postal_code: String,
}

/// A reason to review an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flag {
    pub rule: Rule,
    pub reason: String,
}

/// The reasons the rules give for these facts; `money` formats an amount in minor units.
pub fn flags(r: &ReviewRules, f: &Facts, money: impl Fn(i64) -> String) -> Vec<Flag> {
    let mut out = Vec::new();
    if r.failed_on && f.failed_before >= r.failed_min {
        let refused = if f.refused_before > 0 {
            format!(" ({} refused cash on delivery)", f.refused_before)
        } else {
            String::new()
        };
        out.push(Flag {
            rule: Rule::Failed,
            reason: format!("{} earlier deliveries to this number failed{refused}.", f.failed_before),
        });
    }
    if r.first_cod_on && f.cod && f.earlier_cod == 0 && f.total > r.first_cod_over {
        out.push(Flag {
            rule: Rule::FirstCod,
            reason: format!(
                "The first cash-on-delivery order from this number, for {} (over {}).",
                money(f.total),
                money(r.first_cod_over)
            ),
        });
    }
    if r.velocity_on && (f.from_number > r.velocity_orders || f.to_address > r.velocity_orders) {
        let (n, what) = if f.from_number > r.velocity_orders {
            (f.from_number, "this number")
        } else {
            (f.to_address, "this address")
        };
        out.push(Flag {
            rule: Rule::Velocity,
            reason: format!(
                "{n} orders from {what} in the last {} hours (more than {}).",
                r.velocity_hours, r.velocity_orders
            ),
        });
    }
    let code = postcode(&f.postal_code);
    if r.postcodes_on && !code.is_empty() && r.postcodes.contains(&code) {
        out.push(Flag { rule: Rule::Postcode, reason: format!("Postal code {code} is on your risky list.") });
    }
    out
}

/// The settings form as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct RulesForm {
    pub failed_on: Option<String>,
    pub failed_min: String,
    pub first_cod_on: Option<String>,
    /// In major units, as people write them.
    pub first_cod_over: String,
    pub velocity_on: Option<String>,
    pub velocity_orders: String,
    pub velocity_hours: String,
    pub postcodes_on: Option<String>,
    /// One per line, or separated by commas.
    pub postcodes: String,
}

/// The longest risky list kept.
pub const MAX_POSTCODES: usize = 500;

/// Checks the settings form.
pub fn check(form: &RulesForm, minor_units: u8) -> Result<ReviewRules, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut whole = |name: &'static str, raw: &str, min: i64, max: i64| -> i64 {
        match raw.trim().parse::<i64>() {
            Ok(n) if (min..=max).contains(&n) => n,
            _ => {
                errors.insert(name, format!("A whole number from {min} to {max}."));
                min
            }
        }
    };
    let failed_min = whole("failed_min", &form.failed_min, 1, 100);
    let velocity_orders = whole("velocity_orders", &form.velocity_orders, 1, 1000);
    let velocity_hours = whole("velocity_hours", &form.velocity_hours, 1, 24 * 30);
    let first_cod_over = match super::money::parse(&form.first_cod_over, minor_units) {
        Some(a) if a >= 0 => a,
        _ => {
            errors.insert("first_cod_over", "Enter an amount, e.g. 5000.".into());
            0
        }
    };
    let postcodes: Vec<String> =
        form.postcodes.split([',', '\n']).map(postcode).filter(|p| !p.is_empty()).fold(Vec::new(), |mut acc, p| {
            if !acc.contains(&p) {
                acc.push(p);
            }
            acc
        });
    if postcodes.len() > MAX_POSTCODES {
        errors.insert("postcodes", format!("At most {MAX_POSTCODES} postal codes."));
    } else if let Some(bad) = postcodes.iter().find(|p| p.chars().count() > 12 || !p.chars().all(char::is_alphanumeric))
    {
        errors.insert("postcodes", format!("“{bad}” is not a postal code."));
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let on = |v: &Option<String>| v.as_deref().is_some_and(|s| !s.is_empty() && s != "0");
    Ok(ReviewRules {
        failed_on: on(&form.failed_on),
        failed_min,
        first_cod_on: on(&form.first_cod_on),
        first_cod_over,
        velocity_on: on(&form.velocity_on),
        velocity_orders,
        velocity_hours,
        postcodes_on: on(&form.postcodes_on),
        postcodes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_on() -> ReviewRules {
        ReviewRules {
            failed_on: true,
            failed_min: 2,
            first_cod_on: true,
            first_cod_over: 500_000,
            velocity_on: true,
            velocity_orders: 3,
            velocity_hours: 24,
            postcodes_on: true,
            postcodes: vec!["110001".into()],
        }
    }

    fn rules_of(r: &ReviewRules, f: &Facts) -> Vec<Rule> {
        flags(r, f, |m| format!("₹{}", m / 100)).into_iter().map(|f| f.rule).collect()
    }

    #[test]
    fn each_rule_fires_at_its_threshold_and_not_below() {
        let r = all_on();
        let calm = Facts { from_number: 1, to_address: 1, total: 100_000, ..Default::default() };
        assert_eq!(rules_of(&r, &calm), vec![]);
        assert_eq!(rules_of(&r, &Facts { failed_before: 1, ..calm.clone() }), vec![]);
        assert_eq!(rules_of(&r, &Facts { failed_before: 2, ..calm.clone() }), vec![Rule::Failed]);
        let cod = Facts { cod: true, total: 500_000, ..calm.clone() };
        assert_eq!(rules_of(&r, &cod), vec![], "at the amount is not above it");
        assert_eq!(rules_of(&r, &Facts { total: 500_001, ..cod.clone() }), vec![Rule::FirstCod]);
        assert_eq!(rules_of(&r, &Facts { total: 500_001, earlier_cod: 1, ..cod.clone() }), vec![], "not the first");
        assert_eq!(rules_of(&r, &Facts { from_number: 3, to_address: 3, ..calm.clone() }), vec![]);
        assert_eq!(rules_of(&r, &Facts { from_number: 4, ..calm.clone() }), vec![Rule::Velocity]);
        assert_eq!(rules_of(&r, &Facts { to_address: 4, ..calm.clone() }), vec![Rule::Velocity]);
        assert_eq!(rules_of(&r, &Facts { postal_code: "110 001".into(), ..calm.clone() }), vec![Rule::Postcode]);
        assert_eq!(rules_of(&r, &Facts { postal_code: "110002".into(), ..calm.clone() }), vec![]);
        // Off is off.
        let off = ReviewRules { failed_on: false, velocity_on: false, ..all_on() };
        assert_eq!(rules_of(&off, &Facts { failed_before: 9, from_number: 9, ..calm }), vec![]);
    }

    #[test]
    fn reasons_say_why_in_words() {
        let f = Facts { failed_before: 3, refused_before: 2, cod: true, total: 650_000, ..Default::default() };
        let reasons: Vec<String> =
            flags(&all_on(), &f, |m| format!("₹{}", m / 100)).into_iter().map(|f| f.reason).collect();
        assert_eq!(reasons[0], "3 earlier deliveries to this number failed (2 refused cash on delivery).");
        assert_eq!(reasons[1], "The first cash-on-delivery order from this number, for ₹6500 (over ₹5000).");
    }

    #[test]
    fn the_form_is_checked() {
        let form = RulesForm {
            failed_on: Some("on".into()),
            failed_min: "2".into(),
            first_cod_over: "5,000".into(),
            velocity_orders: "3".into(),
            velocity_hours: "24".into(),
            postcodes: "110001\n 110-002, 110001".into(),
            ..Default::default()
        };
        let r = check(&form, 2).unwrap();
        assert!(r.failed_on && !r.first_cod_on);
        assert_eq!(r.first_cod_over, 500_000);
        assert_eq!(r.postcodes, vec!["110001", "110002"]);
        let bad = RulesForm { failed_min: "0".into(), velocity_hours: "x".into(), postcodes: "<b>".into(), ..form };
        let e = check(&bad, 2).unwrap_err();
        assert!(e.contains_key("failed_min") && e.contains_key("velocity_hours") && e.contains_key("postcodes"));
    }
}

//! What the seller may change on an order, and the checks on it: before confirmation the lines,
//! the delivery fee, the discount and the customer's details; after it only the address and the
//! shipping details (notes and tags at any time).

use super::FieldErrors;
use super::checkout::{Address, clean};
use super::orders::{MAX_QUANTITY, Status};
use super::shop::normalize_phone;
use super::{money, valid_email};

/// Whether an order's lines, fee, discount and customer may still change: only while its units
/// are reserved, not yet taken from stock.
pub fn lines_editable(s: Status) -> bool {
    s.holds_reservation()
}

/// Whether its address may still change: until it is delivered, cancelled or returned.
pub fn address_editable(s: Status) -> bool {
    !matches!(s, Status::Delivered | Status::Cancelled | Status::Returned)
}

/// Whether its shipping details may change: once shipped.
pub fn shipping_editable(s: Status) -> bool {
    matches!(s, Status::Shipped | Status::FailedDelivery | Status::Delivered)
}

/// The lines form: new quantities by line id (0 removes), and an item to add.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LinesEdit {
    pub quantities: Vec<(i64, i64)>,
    pub add: Option<(String, i64)>,
}

impl LinesEdit {
    /// Reads `qty:{line id}` fields and `add_sku` / `add_qty`; a quantity that is not a whole
    /// number from 0 is a field message.
    pub fn from_pairs(pairs: &[(String, String)]) -> Result<LinesEdit, FieldErrors> {
        let mut edit = LinesEdit::default();
        let mut errors = FieldErrors::new();
        let bad = format!("Quantities are whole numbers from 0 (remove) to {MAX_QUANTITY}.");
        let (mut sku, mut qty) = (String::new(), String::new());
        for (k, v) in pairs {
            if let Some(id) = k.strip_prefix("qty:").and_then(|id| id.parse::<i64>().ok()) {
                match v.trim().parse::<i64>() {
                    Ok(q) if (0..=MAX_QUANTITY).contains(&q) => edit.quantities.push((id, q)),
                    _ => {
                        errors.insert("lines", bad.clone());
                    }
                }
            } else if k == "add_sku" {
                sku = v.trim().to_string();
            } else if k == "add_qty" {
                qty = v.trim().to_string();
            }
        }
        if !sku.is_empty() {
            match qty.parse::<i64>() {
                Ok(q) if (1..=MAX_QUANTITY).contains(&q) => edit.add = Some((sku, q)),
                _ if qty.is_empty() => edit.add = Some((sku, 1)),
                _ => {
                    errors.insert("add_qty", format!("A whole number from 1 to {MAX_QUANTITY}."));
                }
            }
        }
        if errors.is_empty() { Ok(edit) } else { Err(errors) }
    }
}

/// The delivery fee and discount as the seller typed them (major units).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ChargesInput {
    pub delivery_fee: String,
    pub discount: String,
}

/// Checks new charges for an order of `subtotal`: amounts from zero, the discount at most the subtotal.
pub fn check_charges(input: &ChargesInput, subtotal: i64, minor_units: u8) -> Result<(i64, i64), FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut amount = |field: &'static str, raw: &str| -> i64 {
        if raw.trim().is_empty() {
            return 0;
        }
        match money::parse(raw, minor_units) {
            Some(v) if (0..=1_000_000_000_000).contains(&v) => v,
            _ => {
                errors.insert(field, "An amount from 0, e.g. 49 or 49.50.".into());
                0
            }
        }
    };
    let fee = amount("delivery_fee", &input.delivery_fee);
    let discount = amount("discount", &input.discount);
    if discount > subtotal && !errors.contains_key("discount") {
        errors.insert("discount", "The discount cannot be more than the items' subtotal.".into());
    }
    if errors.is_empty() { Ok((fee, discount)) } else { Err(errors) }
}

/// The customer's details as the seller typed them.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CustomerInput {
    pub name: String,
    pub phone: String,
    pub email: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
}

/// The customer's details, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerEdit {
    pub name: String,
    /// E.164.
    pub phone: String,
    pub email: String,
    pub address: Address,
}

/// Checks the customer form; `whole` is false after confirmation, when only the address counts
/// (name, phone and email are then taken from `current`).
pub fn check_customer(
    input: &CustomerInput,
    current: &CustomerEdit,
    whole: bool,
    country_code: &str,
) -> Result<CustomerEdit, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut text = |field: &'static str, raw: &str, max: usize| -> String {
        let v = clean(raw, false);
        if v.chars().count() > max {
            errors.insert(field, format!("At most {max} characters."));
        }
        v
    };
    let address = Address {
        line1: text("line1", &input.line1, 200),
        line2: text("line2", &input.line2, 200),
        city: text("city", &input.city, 100),
        region: text("region", &input.region, 100),
        postal_code: text("postal_code", &input.postal_code, 20),
        country: text("country", &input.country, 60),
    };
    let mut edit = CustomerEdit { address, ..current.clone() };
    if whole {
        edit.name = text("name", &input.name, 100);
        if edit.name.is_empty() {
            errors.insert("name", "Enter the customer's name.".into());
        }
        match normalize_phone(&input.phone, country_code) {
            Ok(p) => edit.phone = p,
            Err(m) => {
                errors.insert("phone", m);
            }
        }
        edit.email = input.email.trim().to_string();
        if !edit.email.is_empty() && !valid_email(&edit.email) {
            errors.insert("email", "Enter an email address like name@example.com, or leave it empty.".into());
        }
    }
    if errors.is_empty() { Ok(edit) } else { Err(errors) }
}

/// What changed between two versions of the customer's details, for the timeline: "city: Jaipur → Ajmer".
pub fn changes(before: &CustomerEdit, after: &CustomerEdit) -> Vec<String> {
    let (a, b) = (&before.address, &after.address);
    [
        ("name", &before.name, &after.name),
        ("phone", &before.phone, &after.phone),
        ("email", &before.email, &after.email),
        ("address", &a.line1, &b.line1),
        ("address line 2", &a.line2, &b.line2),
        ("city", &a.city, &b.city),
        ("region", &a.region, &b.region),
        ("postal code", &a.postal_code, &b.postal_code),
        ("country", &a.country, &b.country),
    ]
    .into_iter()
    .filter(|(_, x, y)| x != y)
    .map(|(what, x, y)| {
        format!("{what}: {} → {}", if x.is_empty() { "—" } else { x }, if y.is_empty() { "—" } else { y })
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
        p.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn the_lines_form_reads_quantities_and_one_item_to_add() {
        let e =
            LinesEdit::from_pairs(&pairs(&[("qty:3", "2"), ("qty:4", "0"), ("add_sku", " TEE-M "), ("add_qty", "")]))
                .unwrap();
        assert_eq!(e, LinesEdit { quantities: vec![(3, 2), (4, 0)], add: Some(("TEE-M".into(), 1)) });
        assert!(LinesEdit::from_pairs(&pairs(&[("qty:3", "-1")])).unwrap_err().contains_key("lines"));
        assert!(
            LinesEdit::from_pairs(&pairs(&[("add_sku", "X"), ("add_qty", "x")])).unwrap_err().contains_key("add_qty")
        );
    }

    #[test]
    fn charges_and_customer_details_are_checked() {
        let c = ChargesInput { delivery_fee: "49".into(), discount: "100.50".into() };
        assert_eq!(check_charges(&c, 20_000, 2).unwrap(), (4_900, 10_050));
        assert!(check_charges(&ChargesInput { discount: "300".into(), ..Default::default() }, 20_000, 2).is_err());
        assert!(check_charges(&ChargesInput { delivery_fee: "-1".into(), ..Default::default() }, 20_000, 2).is_err());
        let current = CustomerEdit {
            name: "Asha".into(),
            phone: "+919876543210".into(),
            email: String::new(),
            address: Address::default(),
        };
        let input = CustomerInput { name: "X".into(), phone: "12".into(), city: "Ajmer".into(), ..Default::default() };
        let after = check_customer(&input, &current, false, "91").unwrap();
        assert_eq!(
            (after.name.as_str(), after.address.city.as_str()),
            ("Asha", "Ajmer"),
            "after confirmation only the address"
        );
        assert!(check_customer(&input, &current, true, "91").unwrap_err().contains_key("phone"));
        assert_eq!(changes(&current, &after), vec!["city: — → Ajmer"]);
    }
}

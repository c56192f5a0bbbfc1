//! A product as the admin API creates or changes it. Every field may be left out: a change names
//! only what it changes and the rest stays as it is (a new product gets the product form's
//! defaults). The change is merged over the product as it is into the form that the product page
//! and the CSV importer fill (`product_form::ProductInput`), so the same rules check all three.
//! Like the importer: variants are matched by SKU, a variant not named stays as it is, stock is an
//! on-hand count that the use case sets through the ledger, collections are named by title.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};

use super::catalog::{Product, Variant};
use super::money;
use super::product_form::{ProductErrors, ProductInput, RowInput};

/// `null` as `Some(None)`, a value as `Some(Some(v))`; a field left out stays `None` (its default).
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

/// A value, never `null` (as the OpenAPI document says); a field left out stays `None`.
fn value<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ProductChange {
    #[serde(deserialize_with = "value")]
    pub slug: Option<String>,
    #[serde(deserialize_with = "value")]
    pub title: Option<String>,
    /// `draft`, `active` or `archived`.
    #[serde(deserialize_with = "value")]
    pub status: Option<String>,
    /// Markdown.
    #[serde(deserialize_with = "value")]
    pub description: Option<String>,
    #[serde(deserialize_with = "value")]
    pub tags: Option<Vec<String>>,
    #[serde(deserialize_with = "value")]
    pub seo_title: Option<String>,
    #[serde(deserialize_with = "value")]
    pub seo_description: Option<String>,
    /// RFC 3339; `null` clears it.
    #[serde(deserialize_with = "present")]
    pub publish_at: Option<Option<String>>,
    /// Up to three option names, in order.
    #[serde(deserialize_with = "value")]
    pub options: Option<Vec<String>>,
    /// Collection titles: the product is in exactly these (one not found is created).
    #[serde(deserialize_with = "value")]
    pub collections: Option<Vec<String>>,
    pub variants: Vec<VariantChange>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VariantChange {
    pub sku: String,
    /// Option name → value, for the product's option names.
    #[serde(deserialize_with = "value")]
    pub options: Option<BTreeMap<String, String>>,
    /// Minor units.
    #[serde(deserialize_with = "value")]
    pub price: Option<i64>,
    #[serde(deserialize_with = "present")]
    pub compare_at_price: Option<Option<i64>>,
    #[serde(deserialize_with = "value")]
    pub track_stock: Option<bool>,
    #[serde(deserialize_with = "value")]
    pub allow_backorder: Option<bool>,
    #[serde(deserialize_with = "present")]
    pub max_per_order: Option<Option<i64>>,
    #[serde(deserialize_with = "value")]
    pub barcode: Option<String>,
    #[serde(deserialize_with = "present")]
    pub weight_grams: Option<Option<i64>>,
    /// Units on hand, set through the stock ledger; left out, stock stays as it is (0 for a new variant).
    #[serde(deserialize_with = "value")]
    pub on_hand: Option<i64>,
    /// Deletes this variant (refused while open orders hold units of it).
    pub remove: bool,
}

/// A change merged over the product as it is.
#[derive(Debug, Clone)]
pub struct Merged {
    pub input: ProductInput,
    /// Per row: the on-hand count wanted for a variant that exists (`None`: as it is).
    pub on_hand: Vec<Option<i64>>,
    /// Collection titles, `None` to keep the product's collections.
    pub collections: Option<Vec<String>>,
    /// Per row: the index of the variant in the change it comes from, for messages.
    pub sources: Vec<Option<usize>>,
}

/// Problems keyed by the request's field paths (`title`, `variants[1].price`).
pub type PathErrors = BTreeMap<String, String>;

const MAX_VARIANTS: usize = 100;

/// Merges `change` over `current` (the product and its variants; `None` for a new product).
/// What cannot be merged (an option name the product lacks, an unknown SKU to remove, a negative
/// count) comes back by path; the product form's rules run afterwards on the result.
pub fn merge(
    change: ProductChange,
    current: Option<(&Product, &[Variant])>,
    minor_units: u8,
) -> Result<Merged, PathErrors> {
    let mut errors = PathErrors::new();
    let mut input = match current {
        Some((p, _)) => ProductInput {
            title: p.title.clone(),
            slug: p.slug.clone(),
            status: p.status.as_str().to_string(),
            description_md: p.description_md.clone(),
            tags: p.tags.clone(),
            seo_title: p.seo_title.clone(),
            seo_description: p.seo_description.clone(),
            publish_at: p.publish_at.as_deref().unwrap_or("").chars().take(16).collect(),
            options: p.options.clone(),
            collections: Vec::new(),
            rows: Vec::new(),
        },
        None => ProductInput { status: "draft".into(), ..Default::default() },
    };
    let set = |target: &mut String, value: Option<String>| {
        if let Some(v) = value {
            *target = v;
        }
    };
    set(&mut input.title, change.title);
    set(&mut input.slug, change.slug);
    set(&mut input.status, change.status);
    set(&mut input.description_md, change.description);
    set(&mut input.seo_title, change.seo_title);
    set(&mut input.seo_description, change.seo_description);
    if let Some(tags) = change.tags {
        if tags.iter().any(|t| t.contains(',')) {
            errors.insert("tags".into(), "A tag cannot hold a comma.".into());
        }
        input.tags = tags.join(", ");
    }
    match change.publish_at {
        None => {}
        Some(None) => input.publish_at.clear(),
        Some(Some(at)) => match chrono::DateTime::parse_from_rfc3339(at.trim()) {
            Ok(t) => input.publish_at = t.with_timezone(&chrono::Utc).format("%Y-%m-%dT%H:%M:%S").to_string(),
            Err(_) => {
                errors.insert("publish_at".into(), "Give a time like 2026-12-24T18:00:00Z, or null.".into());
            }
        },
    }
    if let Some(names) = change.options {
        if names.len() > 3 {
            errors.insert("options".into(), "A product has at most three options.".into());
        }
        input.options = std::array::from_fn(|i| names.get(i).cloned().unwrap_or_default());
    }
    let names = input.options.clone();
    let option_values = |i: usize, map: &BTreeMap<String, String>, errors: &mut PathErrors| -> [String; 3] {
        if let Some(unknown) = map.keys().find(|k| !names.iter().any(|n| !n.is_empty() && n.eq_ignore_ascii_case(k))) {
            errors.insert(
                format!("variants[{i}].options"),
                format!("The product has no option named {unknown:?}; its options are set by \"options\"."),
            );
        }
        std::array::from_fn(|k| {
            map.iter()
                .find(|(name, _)| !names[k].is_empty() && name.eq_ignore_ascii_case(&names[k]))
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        })
    };
    if change.variants.len() > MAX_VARIANTS {
        errors.insert("variants".into(), format!("Send at most {MAX_VARIANTS} variants."));
    }
    let existing: &[Variant] = current.map_or(&[], |(_, v)| v);
    let mut rows: Vec<RowInput> = existing.iter().map(|v| row_of(v, minor_units)).collect();
    let mut on_hand: Vec<Option<i64>> = vec![None; rows.len()];
    let mut sources: Vec<Option<usize>> = vec![None; rows.len()];
    for (i, v) in change.variants.into_iter().enumerate() {
        let sku = v.sku.trim().to_string();
        if sku.is_empty() {
            errors.insert(format!("variants[{i}].sku"), "Every variant needs its SKU.".into());
            continue;
        }
        if v.on_hand.is_some_and(|n| !(0..=1_000_000).contains(&n)) {
            errors.insert(format!("variants[{i}].on_hand"), "A whole number from 0 to 1,000,000.".into());
        }
        let at = existing.iter().position(|e| e.sku.eq_ignore_ascii_case(&sku));
        let row_index = match at {
            Some(k) => k,
            None if v.remove => {
                errors.insert(format!("variants[{i}].sku"), format!("The product has no variant {sku} to remove."));
                continue;
            }
            None => {
                rows.push(RowInput { sku: sku.clone(), track: true, ..Default::default() });
                on_hand.push(None);
                sources.push(None);
                rows.len() - 1
            }
        };
        if sources[row_index].is_some() {
            errors.insert(format!("variants[{i}].sku"), format!("{sku} appears twice."));
            continue;
        }
        sources[row_index] = Some(i);
        let row = &mut rows[row_index];
        if v.remove {
            row.remove = true;
            continue;
        }
        row.sku = sku;
        if let Some(map) = &v.options {
            row.options = option_values(i, map, &mut errors);
        }
        let amount = |n: i64| money::decimal(n, minor_units);
        if let Some(p) = v.price {
            row.price = amount(p);
        }
        if let Some(c) = v.compare_at_price {
            row.compare_at = c.map(amount).unwrap_or_default();
        }
        if let Some(t) = v.track_stock {
            row.track = t;
        }
        if let Some(b) = v.allow_backorder {
            row.backorder = b;
        }
        if let Some(m) = v.max_per_order {
            row.max_per_order = m.map(|n| n.to_string()).unwrap_or_default();
        }
        if let Some(b) = v.barcode {
            row.barcode = b;
        }
        if let Some(w) = v.weight_grams {
            row.weight = w.map(|n| n.to_string()).unwrap_or_default();
        }
        if at.is_some() {
            on_hand[row_index] = v.on_hand;
        } else {
            row.stock = v.on_hand.unwrap_or(0).to_string();
        }
    }
    if rows.iter().all(|r| r.remove) {
        errors.insert("variants".into(), "A product needs at least one variant, with its SKU and price.".into());
    }
    input.rows = rows;
    if errors.is_empty() {
        Ok(Merged { input, on_hand, collections: change.collections, sources })
    } else {
        Err(errors)
    }
}

/// A variant as the product form shows it.
fn row_of(v: &Variant, minor_units: u8) -> RowInput {
    let opt = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
    RowInput {
        id: v.id.to_string(),
        options: v.options.clone(),
        sku: v.sku.clone(),
        price: money::decimal(v.price, minor_units),
        compare_at: v.compare_at_price.map(|c| money::decimal(c, minor_units)).unwrap_or_default(),
        track: v.track_stock,
        backorder: v.allow_backorder,
        max_per_order: opt(v.max_per_order),
        barcode: v.barcode.clone(),
        weight: opt(v.weight_grams),
        stock: String::new(),
        remove: false,
    }
}

/// The product form's messages at the request's paths.
pub fn paths(e: &ProductErrors, sources: &[Option<usize>]) -> PathErrors {
    fn field(key: &str) -> &str {
        match key {
            "description_md" => "description",
            "compare" => "compare_at_price",
            "max" => "max_per_order",
            "weight" => "weight_grams",
            "stock" => "on_hand",
            other => other,
        }
    }
    let mut out: PathErrors = e.fields.iter().map(|(k, m)| (field(k).to_string(), m.clone())).collect();
    for (i, row) in e.rows.iter().enumerate() {
        for (k, m) in row {
            let path = match sources.get(i).copied().flatten() {
                Some(s) => format!("variants[{s}].{}", field(k)),
                None => "variants".to_string(),
            };
            out.entry(path).or_insert_with(|| m.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalog::ProductStatus;

    fn product() -> (Product, Vec<Variant>) {
        let p = Product {
            id: 1,
            slug: "tee".into(),
            title: "Tee".into(),
            description_md: "Soft".into(),
            status: ProductStatus::Active,
            tags: "cotton".into(),
            seo_title: String::new(),
            seo_description: String::new(),
            options: ["Size".into(), String::new(), String::new()],
            publish_at: None,
            updated_at: String::new(),
        };
        let v = |id: i64, sku: &str, size: &str| Variant {
            id,
            sku: sku.into(),
            options: [size.into(), String::new(), String::new()],
            price: 49900,
            compare_at_price: None,
            on_hand: 5,
            reserved: 0,
            track_stock: true,
            allow_backorder: false,
            max_per_order: None,
            barcode: String::new(),
            weight_grams: None,
        };
        (p, vec![v(10, "TEE-S", "S"), v(11, "TEE-M", "M")])
    }

    fn change(json: &str) -> ProductChange {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn a_change_keeps_what_it_does_not_name() {
        let (p, vs) = product();
        let m =
            merge(change(r#"{"variants":[{"sku":"tee-m","price":55000,"on_hand":9}]}"#), Some((&p, &vs)), 2).unwrap();
        assert_eq!(m.input.title, "Tee");
        assert_eq!(m.input.rows.len(), 2);
        assert_eq!(m.input.rows[0].price, "499.00");
        assert_eq!(m.input.rows[1].price, "550.00");
        assert_eq!(m.input.rows[1].id, "11");
        assert_eq!(m.on_hand, [None, Some(9)]);
        assert_eq!(m.sources, [None, Some(0)]);
        assert!(m.collections.is_none());
    }

    #[test]
    fn new_variants_take_options_by_name_and_start_with_their_stock() {
        let (p, vs) = product();
        let m = merge(
            change(r#"{"variants":[{"sku":"TEE-L","options":{"size":"L"},"price":49900,"on_hand":3}]}"#),
            Some((&p, &vs)),
            2,
        )
        .unwrap();
        let row = &m.input.rows[2];
        assert_eq!((row.options[0].as_str(), row.stock.as_str(), row.track), ("L", "3", true));
        let e = merge(change(r#"{"variants":[{"sku":"TEE-L","options":{"Colour":"Red"}}]}"#), Some((&p, &vs)), 2)
            .unwrap_err();
        assert!(e.contains_key("variants[0].options"), "{e:?}");
    }

    #[test]
    fn null_clears_and_absent_keeps() {
        let c = change(r#"{"publish_at":null,"variants":[{"sku":"A","compare_at_price":null}]}"#);
        assert_eq!(c.publish_at, Some(None));
        assert_eq!(c.variants[0].compare_at_price, Some(None));
        assert_eq!(c.variants[0].max_per_order, None);
        let m = merge(change(r#"{"publish_at":"2026-12-24T23:30:00+05:30"}"#), None, 2);
        // A new product needs a variant.
        assert!(m.unwrap_err().contains_key("variants"));
        let m =
            merge(change(r#"{"publish_at":"2026-12-24T23:30:00+05:30","variants":[{"sku":"A"}]}"#), None, 2).unwrap();
        assert_eq!(m.input.publish_at, "2026-12-24T18:00:00");
    }

    #[test]
    fn removing_needs_a_known_sku_and_twice_is_refused() {
        let (p, vs) = product();
        let m = merge(change(r#"{"variants":[{"sku":"TEE-S","remove":true}]}"#), Some((&p, &vs)), 2).unwrap();
        assert!(m.input.rows[0].remove);
        let e = merge(change(r#"{"variants":[{"sku":"NOPE","remove":true}]}"#), Some((&p, &vs)), 2).unwrap_err();
        assert!(e.contains_key("variants[0].sku"));
        let e = merge(change(r#"{"variants":[{"sku":"TEE-S"},{"sku":"tee-s"}]}"#), Some((&p, &vs)), 2).unwrap_err();
        assert!(e["variants[1].sku"].contains("twice"));
        let e = merge(
            change(r#"{"variants":[{"sku":"TEE-S","remove":true},{"sku":"TEE-M","remove":true}]}"#),
            Some((&p, &vs)),
            2,
        )
        .unwrap_err();
        assert!(e.contains_key("variants"));
    }

    #[test]
    fn form_messages_land_at_request_paths() {
        let mut e = ProductErrors { fields: Default::default(), rows: vec![Default::default(), Default::default()] };
        e.fields.insert("description_md", "long".into());
        e.rows[1].insert("compare", "bad".into());
        e.rows[0].insert("sku", "taken".into());
        let p = paths(&e, &[None, Some(3)]);
        assert_eq!(p["description"], "long");
        assert_eq!(p["variants[3].compare_at_price"], "bad");
        assert_eq!(p["variants"], "taken");
    }
}

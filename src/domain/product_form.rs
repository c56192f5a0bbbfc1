//! The admin's product form: title, status, options and a grid of variants, checked field by field.

use chrono::{NaiveDateTime, TimeZone, Utc};

use super::FieldErrors;
use super::catalog::{ProductStatus, is_slug, slugify};
use super::money;

/// One row of the variants grid, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RowInput {
    pub id: String,
    pub options: [String; 3],
    pub sku: String,
    pub price: String,
    pub compare_at: String,
    pub track: bool,
    pub backorder: bool,
    pub max_per_order: String,
    pub barcode: String,
    /// Grams, for shipping.
    pub weight: String,
    /// Initial stock, for new rows only; later changes go through a stock adjustment.
    pub stock: String,
    pub remove: bool,
}

impl RowInput {
    fn is_blank(&self) -> bool {
        self.id.is_empty()
            && self.sku.trim().is_empty()
            && self.price.trim().is_empty()
            && self.options.iter().all(|o| o.trim().is_empty())
    }
}

/// The whole form, as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProductInput {
    pub title: String,
    pub slug: String,
    pub status: String,
    pub description_md: String,
    pub tags: String,
    pub seo_title: String,
    pub seo_description: String,
    /// `YYYY-MM-DDTHH:MM` in UTC, or empty.
    pub publish_at: String,
    pub options: [String; 3],
    pub collections: Vec<i64>,
    pub rows: Vec<RowInput>,
}

impl ProductInput {
    /// Reads the form's fields: plain names, and `v{i}_{field}` for grid rows.
    pub fn from_pairs(pairs: &[(String, String)]) -> ProductInput {
        let mut p = ProductInput::default();
        let mut rows: std::collections::BTreeMap<usize, RowInput> = Default::default();
        for (k, v) in pairs {
            match k.as_str() {
                "title" => p.title = v.clone(),
                "slug" => p.slug = v.clone(),
                "status" => p.status = v.clone(),
                "description_md" => p.description_md = v.clone(),
                "tags" => p.tags = v.clone(),
                "seo_title" => p.seo_title = v.clone(),
                "seo_description" => p.seo_description = v.clone(),
                "publish_at" => p.publish_at = v.clone(),
                "option1" => p.options[0] = v.clone(),
                "option2" => p.options[1] = v.clone(),
                "option3" => p.options[2] = v.clone(),
                "collection" => p.collections.extend(v.parse::<i64>().ok()),
                other => {
                    let Some((idx, field)) = other.strip_prefix('v').and_then(|r| r.split_once('_')) else { continue };
                    let Ok(i) = idx.parse::<usize>() else { continue };
                    if i >= MAX_ROWS {
                        continue;
                    }
                    let row = rows.entry(i).or_default();
                    match field {
                        "id" => row.id = v.clone(),
                        "o1" => row.options[0] = v.clone(),
                        "o2" => row.options[1] = v.clone(),
                        "o3" => row.options[2] = v.clone(),
                        "sku" => row.sku = v.clone(),
                        "price" => row.price = v.clone(),
                        "compare" => row.compare_at = v.clone(),
                        "track" => row.track = true,
                        "backorder" => row.backorder = true,
                        "max" => row.max_per_order = v.clone(),
                        "barcode" => row.barcode = v.clone(),
                        "weight" => row.weight = v.clone(),
                        "stock" => row.stock = v.clone(),
                        "remove" => row.remove = true,
                        _ => {}
                    }
                }
            }
        }
        p.rows = rows.into_values().collect();
        p
    }
}

/// Most rows one product form takes.
pub const MAX_ROWS: usize = 200;

/// A checked variant row.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidRow {
    pub id: Option<i64>,
    pub options: [String; 3],
    pub sku: String,
    pub price: i64,
    pub compare_at: Option<i64>,
    pub track: bool,
    pub backorder: bool,
    pub max_per_order: Option<i64>,
    pub barcode: String,
    pub weight_grams: Option<i64>,
    pub initial_stock: i64,
}

/// A checked product: what the database write needs.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidProduct {
    pub title: String,
    pub slug: String,
    pub status: ProductStatus,
    pub description_md: String,
    pub tags: String,
    pub seo_title: String,
    pub seo_description: String,
    pub publish_at: Option<String>,
    pub options: [String; 3],
    pub collections: Vec<i64>,
    pub rows: Vec<ValidRow>,
    /// Existing variants to delete.
    pub removed: Vec<i64>,
}

/// Messages for the form: per field, and per grid row (same order as the input rows).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProductErrors {
    pub fields: FieldErrors,
    pub rows: Vec<FieldErrors>,
}

impl ProductErrors {
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.rows.iter().all(|r| r.is_empty())
    }
}

fn valid_sku(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
}

/// Checks the form; prices are read with the shop's `minor_units`.
pub fn validate(input: &ProductInput, minor_units: u8) -> Result<ValidProduct, ProductErrors> {
    let mut e = ProductErrors { fields: FieldErrors::new(), rows: vec![FieldErrors::new(); input.rows.len()] };
    let title = input.title.trim().to_string();
    if title.is_empty() || title.chars().count() > 200 {
        e.fields.insert("title", "Enter a title of at most 200 characters.".into());
    }
    let slug = match input.slug.trim() {
        "" => slugify(&title),
        s => s.to_lowercase(),
    };
    if !is_slug(&slug) {
        e.fields.insert("slug", "Use lower-case letters, digits and single dashes, like blue-cotton-kurta.".into());
    }
    let status = ProductStatus::parse(input.status.trim());
    if status.is_none() {
        e.fields.insert("status", "Choose draft, active or archived.".into());
    }
    if input.description_md.chars().count() > 20_000 {
        e.fields.insert("description_md", "Use at most 20,000 characters.".into());
    }
    let mut tags: Vec<String> = Vec::new();
    for t in input.tags.split(',').map(|t| t.trim().to_lowercase()).filter(|t| !t.is_empty()) {
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if tags.iter().any(|t| t.chars().count() > 40) || tags.len() > 30 {
        e.fields.insert("tags", "Use at most 30 tags of at most 40 characters each.".into());
    }
    if input.seo_title.chars().count() > 70 {
        e.fields.insert("seo_title", "Search engines show about 60 characters: use at most 70.".into());
    }
    if input.seo_description.chars().count() > 160 {
        e.fields.insert("seo_description", "Use at most 160 characters.".into());
    }
    let publish_at = match input.publish_at.trim() {
        "" => None,
        s => match NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
            .or_else(|_| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S"))
        {
            Ok(t) => Some(super::time::ts(Utc.from_utc_datetime(&t))),
            Err(_) => {
                e.fields.insert(
                    "publish_at",
                    "Enter a date and time like 2026-12-01T18:00 (UTC), or leave it empty.".into(),
                );
                None
            }
        },
    };
    let options: [String; 3] = input.options.clone().map(|o| o.trim().to_string());
    let used: Vec<usize> = (0..3).filter(|i| !options[*i].is_empty()).collect();
    if used.iter().enumerate().any(|(k, i)| k != *i) {
        e.fields.insert("options", "Fill the option names in order: first, second, third.".into());
    }
    if options.iter().any(|o| o.chars().count() > 40) {
        e.fields.insert("options", "Option names have at most 40 characters.".into());
    }
    if used.len() == 2 && options[0].eq_ignore_ascii_case(&options[1])
        || used.len() == 3
            && (options[0].eq_ignore_ascii_case(&options[2]) || options[1].eq_ignore_ascii_case(&options[2]))
    {
        e.fields.insert("options", "Each option needs its own name.".into());
    }

    let mut rows = Vec::new();
    let mut removed = Vec::new();
    let mut seen_skus: Vec<String> = Vec::new();
    let mut seen_combos: Vec<[String; 3]> = Vec::new();
    for (i, r) in input.rows.iter().enumerate() {
        let id = r.id.trim().parse::<i64>().ok();
        if r.remove {
            removed.extend(id);
            continue;
        }
        if r.is_blank() {
            continue;
        }
        let re = &mut e.rows[i];
        let sku = r.sku.trim().to_uppercase();
        if !valid_sku(&sku) {
            re.insert("sku", "Letters, digits and - _ . / only, at most 64.".into());
        } else if seen_skus.contains(&sku) {
            re.insert("sku", format!("{sku} appears twice."));
        }
        seen_skus.push(sku.clone());
        let price = money::parse(&r.price, minor_units);
        if price.is_none() {
            re.insert("price", "Enter a price like 1299 or 1299.50.".into());
        }
        let compare_at = match r.compare_at.trim() {
            "" => None,
            s => {
                let c = money::parse(s, minor_units);
                if c.is_none() {
                    re.insert("compare", "Enter a price, or leave it empty.".into());
                }
                c
            }
        };
        let max_per_order = match r.max_per_order.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) if n > 0 && n <= 10_000 => Some(n),
                _ => {
                    re.insert("max", "A whole number from 1, or empty for no limit.".into());
                    None
                }
            },
        };
        let barcode = r.barcode.trim().to_string();
        if barcode.chars().count() > 64 || !barcode.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            re.insert("barcode", "Digits and letters only (EAN, UPC or your own), at most 64.".into());
        }
        let weight_grams = match r.weight.trim() {
            "" => None,
            s => match s.parse::<i64>() {
                Ok(n) if (0..=1_000_000).contains(&n) => Some(n),
                _ => {
                    re.insert("weight", "Grams as a whole number, like 250, or empty.".into());
                    None
                }
            },
        };
        let initial_stock = match r.stock.trim() {
            "" => 0,
            s => match s.parse::<i64>() {
                Ok(n) if (0..=1_000_000).contains(&n) && id.is_none() => n,
                _ => {
                    re.insert("stock", "A whole number from 0.".into());
                    0
                }
            },
        };
        let values: [String; 3] = r.options.clone().map(|o| o.trim().to_string());
        for k in 0..3 {
            if options[k].is_empty() && !values[k].is_empty() {
                re.insert("options", "Name the option above before giving values.".into());
            }
            if !options[k].is_empty() && (values[k].is_empty() || values[k].chars().count() > 60) {
                re.insert("options", format!("Enter a {} (at most 60 characters).", options[k]));
            }
        }
        if seen_combos.contains(&values) && !values.iter().all(|v| v.is_empty()) {
            re.insert("options", "Another row has the same option values.".into());
        }
        seen_combos.push(values.clone());
        if let Some(p) = price {
            rows.push(ValidRow {
                id,
                options: values,
                sku,
                price: p,
                compare_at,
                track: r.track,
                backorder: r.backorder,
                max_per_order,
                barcode,
                weight_grams,
                initial_stock,
            });
        }
    }
    if rows.is_empty() && e.rows.iter().all(|r| r.is_empty()) {
        e.fields.insert("variants", "Add at least one variant with a SKU and a price.".into());
    }
    if rows.len() > 1 && used.is_empty() {
        e.fields.insert("options", "Several variants need an option name, like Size.".into());
    }
    let Some(status) = status.filter(|_| e.is_empty()) else {
        return Err(e);
    };
    Ok(ValidProduct {
        title,
        slug,
        status,
        description_md: input.description_md.trim().to_string(),
        tags: tags.join(","),
        seo_title: input.seo_title.trim().to_string(),
        seo_description: input.seo_description.trim().to_string(),
        publish_at,
        options,
        collections: input.collections.clone(),
        rows,
        removed,
    })
}

/// Rows for every combination of comma-separated option values that no row has yet (the
/// "generate variants" helper), with SKUs from `sku_prefix` and the given price.
pub fn combinations(values: &[Vec<String>], sku_prefix: &str, price: &str) -> Vec<RowInput> {
    let mut combos: Vec<Vec<String>> = vec![Vec::new()];
    for list in values.iter().filter(|l| !l.is_empty()) {
        combos =
            combos.into_iter().flat_map(|c| list.iter().map(move |v| [c.clone(), vec![v.clone()]].concat())).collect();
    }
    combos
        .into_iter()
        .take(MAX_ROWS)
        .map(|c| {
            let mut options: [String; 3] = Default::default();
            for (k, v) in c.iter().enumerate().take(3) {
                options[k] = v.clone();
            }
            let suffix: Vec<String> = c.iter().map(|v| slugify(v).to_uppercase()).collect();
            let sku = std::iter::once(sku_prefix.trim().to_uppercase())
                .chain(suffix)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join("-");
            RowInput { options, sku, price: price.to_string(), track: true, ..Default::default() }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(kv: &[(&str, &str)]) -> Vec<(String, String)> {
        kv.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    fn good() -> Vec<(String, String)> {
        pairs(&[
            ("title", "Blue Kurta"),
            ("status", "active"),
            ("option1", "Size"),
            ("tags", "Cotton, summer, cotton"),
            ("v0_o1", "M"),
            ("v0_sku", "bk-m"),
            ("v0_price", "1,299"),
            ("v0_track", "1"),
            ("v0_stock", "5"),
            ("v1_o1", "L"),
            ("v1_sku", "BK-L"),
            ("v1_price", "1399.50"),
            ("v2_sku", ""),
        ])
    }

    #[test]
    fn a_good_form_becomes_a_product() {
        let p = validate(&ProductInput::from_pairs(&good()), 2).unwrap();
        assert_eq!(p.slug, "blue-kurta");
        assert_eq!(p.tags, "cotton,summer");
        assert_eq!(p.rows.len(), 2, "the blank third row is ignored");
        assert_eq!(
            (p.rows[0].sku.as_str(), p.rows[0].price, p.rows[0].initial_stock, p.rows[0].track),
            ("BK-M", 129900, 5, true)
        );
        assert_eq!(p.rows[1].price, 139950);
        assert!(!p.rows[1].track);
    }

    #[test]
    fn each_problem_is_named_where_it_is() {
        let mut kv = good();
        kv.push(("v3_o1".into(), "M".into()));
        kv.push(("v3_sku".into(), "BK-M".into()));
        kv.push(("v3_price".into(), "abc".into()));
        kv.push(("publish_at".into(), "tomorrow".into()));
        kv.push(("slug".into(), "Not A Slug".into()));
        let e = validate(&ProductInput::from_pairs(&kv), 2).unwrap_err();
        assert!(e.fields.contains_key("publish_at") && e.fields.contains_key("slug"));
        assert!(e.rows[3].contains_key("sku"), "duplicate SKU: {:?}", e.rows[3]);
        assert!(e.rows[3].contains_key("price"));
        assert!(e.rows[3].contains_key("options"), "duplicate combination");
        assert!(e.rows[0].is_empty());
    }

    #[test]
    fn option_values_must_match_option_names() {
        let kv = pairs(&[("title", "T"), ("status", "draft"), ("v0_sku", "A"), ("v0_price", "1"), ("v0_o1", "Red")]);
        let e = validate(&ProductInput::from_pairs(&kv), 2).unwrap_err();
        assert!(e.rows[0]["options"].contains("Name the option"));
        let kv =
            pairs(&[("title", "T"), ("status", "draft"), ("option2", "Colour"), ("v0_sku", "A"), ("v0_price", "1")]);
        let e = validate(&ProductInput::from_pairs(&kv), 2).unwrap_err();
        assert!(e.fields["options"].contains("in order"));
        let kv = pairs(&[("title", "T"), ("status", "draft")]);
        assert!(validate(&ProductInput::from_pairs(&kv), 2).unwrap_err().fields.contains_key("variants"));
    }

    #[test]
    fn removed_rows_are_collected() {
        let mut kv = good();
        kv.push(("v1_id".into(), "42".into()));
        kv.push(("v1_remove".into(), "1".into()));
        let p = validate(&ProductInput::from_pairs(&kv), 2).unwrap();
        assert_eq!(p.removed, [42]);
        assert_eq!(p.rows.len(), 1);
    }

    #[test]
    fn generated_rows_cover_every_combination() {
        let rows = combinations(&[vec!["S".into(), "M".into()], vec!["Red".into(), "Sea Blue".into()]], "tee", "499");
        let skus: Vec<&str> = rows.iter().map(|r| r.sku.as_str()).collect();
        assert_eq!(skus, ["TEE-S-RED", "TEE-S-SEA-BLUE", "TEE-M-RED", "TEE-M-SEA-BLUE"]);
        assert_eq!(rows[3].options[..2], ["M".to_string(), "Sea Blue".to_string()]);
    }
}
